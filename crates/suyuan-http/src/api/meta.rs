//! Routes about the center itself: health and reference data (categories, regions).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use suyuan_core::catalog::{CATEGORIES, CategoryGroup};
use suyuan_core::ids::RegionCode;
use suyuan_service::Services;

use super::payloads::*;
use crate::extract::ApiQuery;
use crate::problem::{ApiError, ApiResult, Problem, ProblemKind};

pub const TAG: &str = "center";

/// Liveness and database health.
#[utoipa::path(get, path = "/health", tag = TAG,
    responses(
        (status = 200, description = "Serving, and the database answers", body = HealthView),
        (status = 503, description = "The database does not answer", body = HealthView),
    ))]
pub async fn health(State(services): State<Services>) -> (StatusCode, Json<HealthView>) {
    let version = env!("CARGO_PKG_VERSION").to_owned();
    match services.health().await {
        Ok(backend) => (
            StatusCode::OK,
            Json(HealthView {
                status: "ok".into(),
                database: backend.into(),
                version,
            }),
        ),
        Err(error) => {
            tracing::warn!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(HealthView {
                    status: "unavailable".into(),
                    database: services.backend().into(),
                    version,
                }),
            )
        }
    }
}

/// The product category catalog (SAMR key industrial products, imported food).
#[utoipa::path(get, path = "/api/v1/categories", tag = TAG,
    responses((status = 200, body = Vec<CategoryView>)))]
pub async fn categories() -> Json<Vec<CategoryView>> {
    Json(
        CATEGORIES
            .iter()
            .map(|c| CategoryView {
                code: c.code.into(),
                name_zh: c.name_zh.into(),
                name_en: c.name_en.into(),
                group: match c.group {
                    CategoryGroup::KeyIndustrialProduct => "key_industrial_product",
                    CategoryGroup::ImportedFood => "imported_food",
                }
                .into(),
                license_required: c.license_required,
                units_zh: c.units_zh.iter().map(|u| (*u).to_owned()).collect(),
            })
            .collect(),
    )
}

/// GB/T 2260 region codes: the provinces, or the regions under `parent`.
#[utoipa::path(get, path = "/api/v1/regions", tag = TAG,
    params(RegionQuery),
    responses(
        (status = 200, body = Vec<RegionView>),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn regions(ApiQuery(query): ApiQuery<RegionQuery>) -> ApiResult<Json<Vec<RegionView>>> {
    let regions = match query.parent.as_deref() {
        None => RegionCode::all()
            .filter(|(code, _)| code.ends_with("0000"))
            .filter_map(|(code, _)| RegionView::of(code))
            .collect(),
        Some(parent) => {
            let parent: RegionCode = parent.parse().map_err(|e| {
                let mut violations = suyuan_core::validation::Violations::new();
                violations.add("parent", format!("{e}"));
                ApiError::invalid(&violations)
            })?;
            let code = parent.as_str();
            let (prefix, is_child): (&str, fn(&str) -> bool) = if code.ends_with("0000") {
                (&code[..2], |c| c.ends_with("00") && !c.ends_with("0000"))
            } else if code.ends_with("00") {
                (&code[..4], |c| !c.ends_with("00"))
            } else {
                return Err(ApiError::new(
                    ProblemKind::Validation,
                    format!("{code} is a county-level code; it has no regions under it"),
                ));
            };
            let mut children: Vec<RegionView> = RegionCode::all()
                .filter(|(c, _)| c.starts_with(prefix) && *c != code && is_child(c))
                .filter_map(|(c, _)| RegionView::of(c))
                .collect();
            // Municipalities list their districts directly under the province code.
            if children.is_empty() && code.ends_with("0000") {
                children = RegionCode::all()
                    .filter(|(c, _)| c.starts_with(prefix) && !c.ends_with("00"))
                    .filter_map(|(c, _)| RegionView::of(c))
                    .collect();
            }
            children
        }
    };
    Ok(Json(regions))
}
