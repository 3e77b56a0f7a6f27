//! The JSON API: one route table, generated into the OpenAPI document from the same
//! declarations.

pub mod accounts;
pub mod epcis;
pub mod ledger;
pub mod meta;
pub mod payloads;
pub mod registry;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Suyuan traceability center API",
        description = "The HTTP API of a Suyuan (溯源) traceability center. Errors are RFC 9457 problem details (application/problem+json).",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    tags(
        (name = "center", description = "Health and reference data"),
        (name = "registry", description = "Participants, registration review, sites, products"),
        (name = "accounts", description = "Sessions, users, API keys, audit log"),
        (name = "epcis", description = "GS1 EPCIS 2.0 capture and query (JSON-LD binding)"),
        (name = "ledger", description = "Ledger (台账) templates and uploads in CSV or XLSX, captured as EPCIS events"),
    ),
    components(schemas(crate::problem::Problem, crate::problem::FieldProblem, crate::problem::RowProblem)),
    modifiers(&SecuritySchemes),
    security((), ("apiKey" = []), ("session" = [])),
)]
struct ApiDoc;

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key issued to a participant"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::extract::SESSION_COOKIE,
            ))),
        );
    }
}

/// The API routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(meta::health))
        .routes(routes!(meta::categories))
        .routes(routes!(meta::regions))
        .routes(routes!(registry::submit_registration))
        .routes(routes!(
            registry::list_participants,
            registry::create_participant
        ))
        .routes(routes!(
            registry::get_participant,
            registry::update_participant
        ))
        .routes(routes!(registry::review_registration))
        .routes(routes!(registry::participant_history))
        .routes(routes!(registry::list_sites, registry::add_site))
        .routes(routes!(registry::get_site, registry::update_site))
        .routes(routes!(registry::site_history))
        .routes(routes!(registry::list_products, registry::add_product))
        .routes(routes!(registry::get_product, registry::update_product))
        .routes(routes!(registry::product_history))
        .routes(routes!(accounts::login, accounts::logout))
        .routes(routes!(accounts::me))
        .routes(routes!(accounts::list_users, accounts::create_user))
        .routes(routes!(accounts::list_api_keys, accounts::create_api_key))
        .routes(routes!(accounts::revoke_api_key))
        .routes(routes!(accounts::audit_log))
        .routes(routes!(epcis::root, epcis::options_root))
        .routes(routes!(epcis::release_page_token))
        .merge(epcis_router())
        .routes(routes!(ledger::list_templates))
        .routes(routes!(ledger::get_template))
        .routes(routes!(ledger::upload))
}

/// The EPCIS 2.0 REST binding: every path with its `OPTIONS` discovery, behind the check that
/// `Accept` admits JSON-LD, JSON or problem+json. `GET /` (shared with the landing page) and
/// `DELETE /nextPageToken/{token}` are routed above.
fn epcis_router() -> OpenApiRouter<AppState> {
    use epcis::*;
    OpenApiRouter::new()
        .routes(routes!(capture, capture_jobs, options_capture))
        .routes(routes!(capture_job, options_capture_job))
        .routes(routes!(capture_event, query_events, options_events))
        .routes(routes!(get_event, options_event))
        .routes(routes!(event_types, options_event_types))
        .routes(routes!(event_type, options_event_type))
        .routes(routes!(events_of_type, options_event_type_events))
        .routes(routes!(epcs, options_epcs))
        .routes(routes!(epc, options_epc))
        .routes(routes!(events_of_epc, options_epc_events))
        .routes(routes!(biz_steps, options_biz_steps))
        .routes(routes!(biz_step, options_biz_step))
        .routes(routes!(biz_step_events, options_biz_step_events))
        .routes(routes!(dispositions, options_dispositions))
        .routes(routes!(disposition, options_disposition))
        .routes(routes!(disposition_events, options_disposition_events))
        .routes(routes!(biz_locations, options_biz_locations))
        .routes(routes!(biz_location, options_biz_location))
        .routes(routes!(biz_location_events, options_biz_location_events))
        .routes(routes!(read_points, options_read_points))
        .routes(routes!(read_point, options_read_point))
        .routes(routes!(read_point_events, options_read_point_events))
        .route_layer(axum::middleware::from_fn(epcis::require_acceptable))
}
