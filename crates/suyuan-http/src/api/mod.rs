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
        .routes(routes!(epcis::capture))
        .routes(routes!(epcis::capture_job))
        .routes(routes!(epcis::capture_event, epcis::query_events))
        .routes(routes!(epcis::get_event))
        .routes(routes!(epcis::event_types))
        .routes(routes!(epcis::events_of_type))
        .routes(routes!(epcis::events_of_epc))
        .routes(routes!(epcis::biz_steps))
        .routes(routes!(epcis::dispositions))
        .routes(routes!(epcis::biz_locations))
        .routes(routes!(epcis::read_points))
        .routes(routes!(ledger::list_templates))
        .routes(routes!(ledger::get_template))
        .routes(routes!(ledger::upload))
}
