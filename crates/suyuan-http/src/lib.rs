//! Suyuan's HTTP interface: the JSON API, its OpenAPI document, RFC 9457 errors, and the
//! pages. Handlers parse, call one service, and shape the answer; nothing here decides.

pub mod api;
pub mod extract;
mod pages;
pub mod problem;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use suyuan_service::Services;
use utoipa::openapi::OpenApi;

use crate::problem::{ApiError, ProblemKind};

/// What the pages say about the center.
#[derive(Debug, Clone)]
pub struct CenterInfo {
    /// The center's name, e.g. "南沙全球溯源中心".
    pub name: String,
}

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub center: Arc<CenterInfo>,
    pub openapi: Arc<OpenApi>,
}

impl FromRef<AppState> for Services {
    fn from_ref(state: &AppState) -> Services {
        state.services.clone()
    }
}

/// The OpenAPI document of every route, without building an app.
pub fn openapi() -> OpenApi {
    let (_, mut openapi) = api::router().merge(pages::router()).split_for_parts();
    openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
    openapi
}

/// Builds the whole application.
pub fn app(services: Services, center: CenterInfo) -> Router {
    let (router, mut openapi) = api::router().merge(pages::router()).split_for_parts();
    openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
    let state = AppState {
        services,
        center: Arc::new(center),
        openapi: Arc::new(openapi),
    };
    router
        .fallback(|| async {
            ApiError::new(
                ProblemKind::NotFound,
                "no resource at this path; see /openapi.json",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                ProblemKind::MethodNotAllowed,
                "this path does not accept this method; see /openapi.json",
            )
        })
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        .with_state(state)
}
