//! The plain pages: the landing page, the API reference, the problem type pages, and the
//! OpenAPI document itself.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::problem::{ApiError, ProblemKind};

const TAG: &str = "pages";

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

fn layout(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>\
         <style>body{{font-family:system-ui,\"PingFang SC\",\"Noto Sans CJK SC\",sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#1f2937}}\
         code{{background:#f3f4f6;padding:0 .25rem;border-radius:.25rem}}table{{border-collapse:collapse;width:100%}}\
         td,th{{border-bottom:1px solid #e5e7eb;padding:.3rem .5rem;text-align:left;vertical-align:top}}\
         .m{{font-family:ui-monospace,monospace;font-weight:600}}</style></head>\
         <body>{body}</body></html>\n",
        title = escape(title),
    ))
}

/// The landing page: names the center and links to the API. `GET /` is routed in
/// `api::epcis::root`, which answers JSON clients with the EPCIS top-level resources.
pub fn landing(state: &AppState) -> Html<String> {
    let name = escape(&state.center.name);
    layout(
        &state.center.name,
        &format!(
            "<h1>{name}</h1>\
             <p>溯源中心 · A Suyuan product traceability center: registration of enterprises, \
             products and sites; trace codes; lifecycle events; verification.</p>\
             <ul><li><a href=\"/docs\">API reference (API 文档)</a></li>\
             <li><a href=\"/openapi.json\">OpenAPI 3.1 document</a></li>\
             <li><a href=\"/health\">Health</a></li></ul>"
        ),
    )
}

/// The API reference, rendered from the OpenAPI document.
#[utoipa::path(get, path = "/docs", tag = TAG,
    responses((status = 200, description = "API reference", content_type = "text/html", body = String)))]
pub async fn docs(State(state): State<AppState>) -> Html<String> {
    let mut rows = String::new();
    for (path, item) in &state.openapi.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("DELETE", &item.delete),
            ("PATCH", &item.patch),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                let summary = operation.summary.as_deref().unwrap_or("");
                let description = operation.description.as_deref().unwrap_or("");
                rows.push_str(&format!(
                    "<tr><td class=\"m\">{method}</td><td><code>{}</code></td><td>{}<br><small>{}</small></td></tr>",
                    escape(path),
                    escape(summary),
                    escape(description)
                ));
            }
        }
    }
    layout(
        "API reference",
        &format!(
            "<h1>API reference</h1><p>Machine-readable: <a href=\"/openapi.json\">/openapi.json</a>. \
             Authenticate with <code>Authorization: Bearer KEY</code> or a session from \
             <code>POST /api/v1/session</code>. Errors are \
             <a href=\"https://www.rfc-editor.org/rfc/rfc9457\">RFC 9457</a> problem details.</p>\
             <table><tr><th>Method</th><th>Path</th><th>What it does</th></tr>{rows}</table>"
        ),
    )
}

/// The OpenAPI 3.1 document of this API.
#[utoipa::path(get, path = "/openapi.json", tag = TAG,
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json", body = Object)))]
pub async fn openapi_json(State(state): State<AppState>) -> Response {
    match state.openapi.to_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(error) => ApiError::from(suyuan_service::ServiceError::Internal(error.to_string()))
            .into_response(),
    }
}

/// What a problem type means (the target of every problem's `type`).
#[utoipa::path(get, path = "/problems/{code}", tag = TAG,
    params(("code" = String, Path, description = "Problem code, e.g. validation")),
    responses(
        (status = 200, description = "Problem type description", content_type = "text/html", body = String),
        (status = 404, body = crate::problem::Problem, content_type = "application/problem+json"),
    ))]
pub async fn problem_type(Path(code): Path<String>) -> Result<Html<String>, ApiError> {
    let kind = ProblemKind::from_code(&code)
        .ok_or_else(|| ApiError::new(ProblemKind::NotFound, format!("no problem type {code:?}")))?;
    Ok(layout(
        kind.title(),
        &format!(
            "<h1>{}</h1><p>HTTP status {}.</p><p>{}</p><p><a href=\"/docs\">API reference</a></p>",
            escape(kind.title()),
            kind.status().as_u16(),
            escape(kind.advice())
        ),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(docs))
        .routes(routes!(openapi_json))
        .routes(routes!(problem_type))
}
