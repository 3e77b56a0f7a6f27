//! Registry routes: registrations and their review, participants, sites, products, history.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use suyuan_core::registry::{ParticipantKind, RegistrationStatus, ReviewDecision};
use suyuan_core::validation::Violations;
use suyuan_service::Services;
use suyuan_service::registry::page_request;
use suyuan_store::{EntityKind, ParticipantFilter};

use super::payloads::*;
use crate::extract::{ApiJson, ApiQuery, Auth, ClientOrigin};
use crate::problem::{ApiError, ApiResult, Problem};

pub const TAG: &str = "registry";

fn created<T: serde::Serialize>(location: String, body: T) -> impl IntoResponse {
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(body),
    )
}

/// Submit a registration (备案申请).
///
/// Anyone may register an enterprise, service provider or integrator. The participant waits
/// for an operator's review; its administrator can sign in at once.
#[utoipa::path(post, path = "/api/v1/registrations", tag = TAG,
    request_body = RegistrationPayload,
    responses(
        (status = 201, description = "Registration submitted", body = RegistrationView),
        (status = 409, description = "USCC or user name already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn submit_registration(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    ApiJson(payload): ApiJson<RegistrationPayload>,
) -> ApiResult<impl IntoResponse> {
    let (participant, admin) = services
        .submit_registration(&principal, &origin, payload.into())
        .await?;
    Ok(created(
        format!("/api/v1/participants/{}", participant.id),
        RegistrationView {
            participant: participant.into(),
            admin: admin.into(),
        },
    ))
}

/// List participants (operators and regulators).
#[utoipa::path(get, path = "/api/v1/participants", tag = TAG,
    params(ParticipantQuery),
    responses(
        (status = 200, description = "A page of participants", body = PageView<ParticipantView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_participants(
    State(services): State<Services>,
    Auth(principal): Auth,
    ApiQuery(query): ApiQuery<ParticipantQuery>,
) -> ApiResult<Json<PageView<ParticipantView>>> {
    let mut violations = Violations::new();
    let status = query
        .status
        .as_deref()
        .and_then(|s| violations.check("status", s.parse::<RegistrationStatus>()));
    let kind = query
        .kind
        .as_deref()
        .and_then(|k| violations.check("kind", k.parse::<ParticipantKind>()));
    let page = page_request(query.offset, query.limit);
    if let Err(page_violations) = &page {
        for error in page_violations.errors() {
            violations.add(error.pointer.clone(), error.message.clone());
        }
    }
    let page = match page {
        Ok(page) if violations.is_empty() => page,
        _ => return Err(ApiError::invalid(&violations)),
    };
    let filter = ParticipantFilter {
        status,
        kind,
        name_contains: query.q.filter(|q| !q.trim().is_empty()),
    };
    let result = services
        .list_participants(&principal, &filter, page)
        .await?;
    Ok(Json(PageView {
        items: result.items.into_iter().map(Into::into).collect(),
        total: result.total,
        offset: page.offset,
        limit: page.limit,
    }))
}

/// Create a participant directly, already approved (operators).
#[utoipa::path(post, path = "/api/v1/participants", tag = TAG,
    request_body = ParticipantPayload,
    responses(
        (status = 201, description = "Participant created", body = ParticipantView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_participant(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    ApiJson(payload): ApiJson<ParticipantPayload>,
) -> ApiResult<impl IntoResponse> {
    let participant = services
        .create_participant(&principal, &origin, payload.into())
        .await?;
    Ok(created(
        format!("/api/v1/participants/{}", participant.id),
        ParticipantView::from(participant),
    ))
}

/// Read a participant.
#[utoipa::path(get, path = "/api/v1/participants/{id}", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    responses(
        (status = 200, body = ParticipantView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_participant(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ParticipantView>> {
    Ok(Json(services.participant(&principal, &id).await?.into()))
}

/// Replace a participant's registration data.
///
/// A member that changes its name or USCC, or corrects a rejected registration, sends it back
/// to review. The previous version stays in the history.
#[utoipa::path(put, path = "/api/v1/participants/{id}", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    request_body = ParticipantPayload,
    responses(
        (status = 200, body = ParticipantView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_participant(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    ApiJson(payload): ApiJson<ParticipantPayload>,
) -> ApiResult<Json<ParticipantView>> {
    let participant = services
        .update_participant(&principal, &origin, &id, payload.into())
        .await?;
    Ok(Json(participant.into()))
}

/// Review a submitted registration (operators).
#[utoipa::path(post, path = "/api/v1/participants/{id}/review", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    request_body = ReviewPayload,
    responses(
        (status = 200, description = "The participant after the decision", body = ParticipantView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not waiting for review", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn review_registration(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    ApiJson(payload): ApiJson<ReviewPayload>,
) -> ApiResult<Json<ParticipantView>> {
    let decision = ReviewDecision::parse(&payload.decision, payload.reason.as_deref())
        .map_err(|violations| ApiError::invalid(&violations))?;
    let participant = services
        .review_registration(&principal, &origin, &id, decision)
        .await?;
    Ok(Json(participant.into()))
}

async fn history(
    services: &Services,
    principal: &suyuan_service::Principal,
    kind: EntityKind,
    id: &str,
) -> ApiResult<Json<Vec<HistoryView>>> {
    let entries = services.history(principal, kind, id).await?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}

/// Every version of a participant's registration data.
#[utoipa::path(get, path = "/api/v1/participants/{id}/history", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    responses(
        (status = 200, body = Vec<HistoryView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn participant_history(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryView>>> {
    history(&services, &principal, EntityKind::Participant, &id).await
}

/// List a participant's sites.
#[utoipa::path(get, path = "/api/v1/participants/{id}/sites", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    responses(
        (status = 200, body = Vec<SiteView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_sites(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<SiteView>>> {
    let sites = services.sites(&principal, &id).await?;
    Ok(Json(sites.into_iter().map(Into::into).collect()))
}

/// Add a site (factory, warehouse, shop, port, lab) to a participant.
#[utoipa::path(post, path = "/api/v1/participants/{id}/sites", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    request_body = SitePayload,
    responses(
        (status = 201, body = SiteView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_site(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    ApiJson(payload): ApiJson<SitePayload>,
) -> ApiResult<impl IntoResponse> {
    let site = services
        .add_site(&principal, &origin, &id, payload.into())
        .await?;
    Ok(created(
        format!("/api/v1/sites/{}", site.id),
        SiteView::from(site),
    ))
}

/// Read a site.
#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = TAG,
    params(("id" = String, Path, description = "Site ID")),
    responses(
        (status = 200, body = SiteView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_site(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<SiteView>> {
    Ok(Json(services.site(&principal, &id).await?.into()))
}

/// Replace a site's data.
#[utoipa::path(put, path = "/api/v1/sites/{id}", tag = TAG,
    params(("id" = String, Path, description = "Site ID")),
    request_body = SitePayload,
    responses(
        (status = 200, body = SiteView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_site(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    ApiJson(payload): ApiJson<SitePayload>,
) -> ApiResult<Json<SiteView>> {
    Ok(Json(
        services
            .update_site(&principal, &origin, &id, payload.into())
            .await?
            .into(),
    ))
}

/// Every version of a site.
#[utoipa::path(get, path = "/api/v1/sites/{id}/history", tag = TAG,
    params(("id" = String, Path, description = "Site ID")),
    responses(
        (status = 200, body = Vec<HistoryView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn site_history(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryView>>> {
    history(&services, &principal, EntityKind::Site, &id).await
}

/// List a participant's products.
#[utoipa::path(get, path = "/api/v1/participants/{id}/products", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    responses(
        (status = 200, body = Vec<ProductView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_products(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ProductView>>> {
    let products = services.products(&principal, &id).await?;
    Ok(Json(products.into_iter().map(Into::into).collect()))
}

/// Register a product of a participant.
#[utoipa::path(post, path = "/api/v1/participants/{id}/products", tag = TAG,
    params(("id" = String, Path, description = "Participant ID")),
    request_body = ProductPayload,
    responses(
        (status = 201, body = ProductView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "GTIN already registered", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_product(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    ApiJson(payload): ApiJson<ProductPayload>,
) -> ApiResult<impl IntoResponse> {
    let product = services
        .add_product(&principal, &origin, &id, payload.into())
        .await?;
    Ok(created(
        format!("/api/v1/products/{}", product.id),
        ProductView::from(product),
    ))
}

/// Read a product.
#[utoipa::path(get, path = "/api/v1/products/{id}", tag = TAG,
    params(("id" = String, Path, description = "Product ID")),
    responses(
        (status = 200, body = ProductView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_product(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ProductView>> {
    Ok(Json(services.product(&principal, &id).await?.into()))
}

/// Replace a product's data.
#[utoipa::path(put, path = "/api/v1/products/{id}", tag = TAG,
    params(("id" = String, Path, description = "Product ID")),
    request_body = ProductPayload,
    responses(
        (status = 200, body = ProductView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_product(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(id): Path<String>,
    ApiJson(payload): ApiJson<ProductPayload>,
) -> ApiResult<Json<ProductView>> {
    Ok(Json(
        services
            .update_product(&principal, &origin, &id, payload.into())
            .await?
            .into(),
    ))
}

/// Every version of a product.
#[utoipa::path(get, path = "/api/v1/products/{id}/history", tag = TAG,
    params(("id" = String, Path, description = "Product ID")),
    responses(
        (status = 200, body = Vec<HistoryView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn product_history(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<HistoryView>>> {
    history(&services, &principal, EntityKind::Product, &id).await
}
