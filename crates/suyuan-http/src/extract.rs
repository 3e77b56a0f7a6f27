//! Request extractors that answer bad input with our problem details: JSON bodies, query
//! strings, the acting principal, and where a request came from.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRef, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use suyuan_core::validation::pointer_token;
use suyuan_service::{Origin, Principal, Services};

use crate::problem::{ApiError, FieldProblem, ProblemKind};

/// The cookie that carries a sign-in session.
pub const SESSION_COOKIE: &str = "suyuan_session";

/// Largest JSON body accepted by the registry API.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// Largest body the server reads at all (EPCIS capture documents); larger is a 413.
pub const BODY_LIMIT: usize = suyuan_service::capture::CAPTURE_SIZE_LIMIT;

fn body_rejection(rejection: axum::extract::rejection::BytesRejection, limit: usize) -> ApiError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            ProblemKind::PayloadTooLarge,
            format!("the body exceeds {limit} bytes"),
        )
    } else {
        ApiError::new(ProblemKind::MalformedRequest, rejection.body_text())
    }
}

/// A raw request body, up to [`BODY_LIMIT`]; larger is answered with our 413 problem.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        // A declared length over the limit is refused before a byte of the body is read.
        let declared = request
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if let Some(length) = declared.filter(|&length| length > BODY_LIMIT as u64) {
            return Err(ApiError::new(
                ProblemKind::PayloadTooLarge,
                format!(
                    "the body is {length} bytes; at most {BODY_LIMIT} bytes ({} MiB, \
                     GS1-EPCIS-Capture-File-Size-Limit) are accepted in one request",
                    BODY_LIMIT / (1024 * 1024)
                ),
            ));
        }
        Bytes::from_request(request, state)
            .await
            .map(RawBody)
            .map_err(|rejection| body_rejection(rejection, BODY_LIMIT))
    }
}

/// Converts a serde path into a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", pointer_token(key))),
            Segment::Enum { variant } => pointer.push_str(&format!("/{}", pointer_token(variant))),
            Segment::Unknown => {}
        }
    }
    pointer
}

/// Deserializes JSON: malformed text is a 400 with its line and column; well-formed JSON of
/// the wrong shape is a 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => {
            deserializer.end().map_err(|e| {
                ApiError::new(ProblemKind::MalformedRequest, format!("invalid JSON: {e}"))
            })?;
            Ok(value)
        }
        Err(error) => {
            let pointer = pointer_of(error.path());
            let inner = error.into_inner();
            if inner.classify() == serde_json::error::Category::Data {
                let mut problem = suyuan_core::validation::Violations::new();
                // serde's message ends with " at line L column C"; the pointer says where.
                let message = inner.to_string();
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_owned();
                problem.add(
                    if pointer.is_empty() {
                        "/".to_owned()
                    } else {
                        pointer
                    },
                    message,
                );
                Err(ApiError::invalid(&problem))
            } else {
                Err(ApiError::new(
                    ProblemKind::MalformedRequest,
                    format!("invalid JSON: {inner}"),
                ))
            }
        }
    }
}

/// A JSON request body.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let content_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("");
        let essence = content_type.split(';').next().unwrap_or("").trim();
        if !(essence == "application/json" || essence.ends_with("+json")) {
            return Err(ApiError::new(
                ProblemKind::UnsupportedMediaType,
                format!("expected Content-Type application/json, found {content_type:?}"),
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(
                        ProblemKind::PayloadTooLarge,
                        format!("the body exceeds {JSON_BODY_LIMIT} bytes"),
                    )
                } else {
                    ApiError::new(ProblemKind::MalformedRequest, rejection.body_text())
                }
            })?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A query string; a parameter of the wrong type is a 400 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let deserializer =
            serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let parameter = error.path().to_string();
                let mut problem = ApiError::new(
                    ProblemKind::MalformedRequest,
                    format!("query parameter {parameter}: {}", error.inner()),
                );
                problem.push_field(FieldProblem {
                    pointer: parameter,
                    detail: error.inner().to_string(),
                });
                problem
            })
    }
}

/// Where the request came from, for the audit log.
pub struct ClientOrigin(pub Origin);

impl<S: Send + Sync> FromRequestParts<S> for ClientOrigin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(|v| v.trim().to_owned());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().take(300).collect());
        Ok(ClientOrigin(Origin {
            ip: peer.or(forwarded),
            user_agent,
        }))
    }
}

/// The principal a request acts as: an API key (`Authorization: Bearer …`), a session cookie,
/// or anonymous. Credentials that are present but wrong are refused, never downgraded.
pub struct Auth(pub Principal);

/// The session token of a request, if it has one.
pub fn session_token(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

impl<S> FromRequestParts<S> for Auth
where
    S: Send + Sync,
    Services: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let services = Services::from_ref(state);
        if let Some(authorization) = parts.headers.get(header::AUTHORIZATION) {
            let value = authorization.to_str().unwrap_or("");
            let Some(token) = value.strip_prefix("Bearer ").map(str::trim) else {
                return Err(ApiError::new(
                    ProblemKind::Unauthenticated,
                    "expected the Authorization header as \"Bearer <API key>\"",
                ));
            };
            return Ok(Auth(services.principal_for_api_key(token).await?));
        }
        if let Some(token) = session_token(&parts.headers) {
            return Ok(Auth(services.principal_for_session(&token).await?));
        }
        Ok(Auth(Principal::anonymous()))
    }
}
