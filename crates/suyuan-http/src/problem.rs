//! RFC 9457 problem details: the one place where errors become HTTP responses.
//!
//! Every error a client can see has a code in [`ProblemKind`], with its status, title and a
//! `type` URI that resolves to a page describing it (`/problems/{code}`). Internal errors are
//! logged here and answered with a generic 500 that leaks nothing.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use suyuan_core::access::Denied;
use suyuan_core::validation::Violations;
use suyuan_service::ServiceError;
use utoipa::ToSchema;

/// The registry of public error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Validation,
    MalformedRequest,
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    NotAcceptable,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Internal,
    Unavailable,
}

impl ProblemKind {
    pub const ALL: &'static [ProblemKind] = &[
        ProblemKind::Validation,
        ProblemKind::MalformedRequest,
        ProblemKind::Unauthenticated,
        ProblemKind::Forbidden,
        ProblemKind::NotFound,
        ProblemKind::MethodNotAllowed,
        ProblemKind::NotAcceptable,
        ProblemKind::Conflict,
        ProblemKind::PayloadTooLarge,
        ProblemKind::UnsupportedMediaType,
        ProblemKind::Internal,
        ProblemKind::Unavailable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ProblemKind::Validation => "validation",
            ProblemKind::MalformedRequest => "malformed-request",
            ProblemKind::Unauthenticated => "unauthenticated",
            ProblemKind::Forbidden => "forbidden",
            ProblemKind::NotFound => "not-found",
            ProblemKind::MethodNotAllowed => "method-not-allowed",
            ProblemKind::NotAcceptable => "not-acceptable",
            ProblemKind::Conflict => "conflict",
            ProblemKind::PayloadTooLarge => "payload-too-large",
            ProblemKind::UnsupportedMediaType => "unsupported-media-type",
            ProblemKind::Internal => "internal",
            ProblemKind::Unavailable => "unavailable",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            ProblemKind::Validation => StatusCode::UNPROCESSABLE_ENTITY,
            ProblemKind::MalformedRequest => StatusCode::BAD_REQUEST,
            ProblemKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ProblemKind::Forbidden => StatusCode::FORBIDDEN,
            ProblemKind::NotFound => StatusCode::NOT_FOUND,
            ProblemKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ProblemKind::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            ProblemKind::Conflict => StatusCode::CONFLICT,
            ProblemKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ProblemKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ProblemKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ProblemKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ProblemKind::Validation => "The request has invalid fields",
            ProblemKind::MalformedRequest => "The request could not be read",
            ProblemKind::Unauthenticated => "Authentication is required",
            ProblemKind::Forbidden => "The action is not allowed",
            ProblemKind::NotFound => "The resource does not exist",
            ProblemKind::MethodNotAllowed => "The method is not allowed on this resource",
            ProblemKind::NotAcceptable => "No acceptable representation",
            ProblemKind::Conflict => "The request conflicts with the current state",
            ProblemKind::PayloadTooLarge => "The request body is too large",
            ProblemKind::UnsupportedMediaType => "The request body has an unsupported media type",
            ProblemKind::Internal => "Internal error",
            ProblemKind::Unavailable => "The service is unavailable",
        }
    }

    /// What a client should do about it, for the `/problems/{code}` page.
    pub fn advice(self) -> &'static str {
        match self {
            ProblemKind::Validation => {
                "Each entry of `errors` names a field with a JSON pointer and says what was expected and found; a refused ledger upload also lists `rowErrors` by row and column. Fix them all and send again."
            }
            ProblemKind::MalformedRequest => {
                "The body is not well-formed JSON (or not a readable CSV or XLSX file), or a query parameter could not be read. `detail` says where."
            }
            ProblemKind::Unauthenticated => {
                "Sign in (POST /api/v1/session) and send the session cookie, or send an API key as `Authorization: Bearer KEY`."
            }
            ProblemKind::Forbidden => {
                "Your role lacks the permission, or the data belongs to another participant."
            }
            ProblemKind::NotFound => "Check the identifier in the path.",
            ProblemKind::MethodNotAllowed => "See /openapi.json for the methods of each path.",
            ProblemKind::NotAcceptable => {
                "The EPCIS resources answer JSON-LD (application/ld+json), JSON, or application/problem+json for errors; let the `Accept` header admit one of them."
            }
            ProblemKind::Conflict => {
                "A unique value is taken, the record changed since you read it, or the action does not fit its current state."
            }
            ProblemKind::PayloadTooLarge => {
                "Send a smaller body; the limit is in the response detail."
            }
            ProblemKind::UnsupportedMediaType => {
                "Send `Content-Type: application/json` (the EPCIS binding also takes XML; ledger uploads take `text/csv` or XLSX)."
            }
            ProblemKind::Internal => "The error was logged. Try again; report it if it persists.",
            ProblemKind::Unavailable => "The database does not answer. Try again shortly.",
        }
    }

    pub fn from_code(code: &str) -> Option<ProblemKind> {
        ProblemKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.code() == code)
    }
}

/// One failing field of a validation problem.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// JSON pointer (RFC 6901) into the request body, or the name of a query parameter.
    pub pointer: String,
    pub detail: String,
}

/// One bad row of an uploaded ledger sheet (台账).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RowProblem {
    /// The row as the spreadsheet shows it (the header is row 1).
    pub row: u32,
    /// The column's header as the file has it, or its letter (`column L`).
    pub column: String,
    /// The column's English key, when the column is one of the template's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    pub expected: String,
    pub found: String,
    /// The whole problem in one sentence.
    pub detail: String,
}

/// An RFC 9457 problem details object.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// The bad rows of a refused ledger upload.
    #[serde(rename = "rowErrors", skip_serializing_if = "Vec::is_empty")]
    pub row_errors: Vec<RowProblem>,
}

/// The HTTP layer's error.
#[derive(Debug)]
pub struct ApiError {
    kind: ProblemKind,
    detail: String,
    errors: Vec<FieldProblem>,
    row_errors: Vec<RowProblem>,
}

impl ApiError {
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        ApiError {
            kind,
            detail: detail.into(),
            errors: Vec::new(),
            row_errors: Vec::new(),
        }
    }

    /// A refused ledger upload: each bad row as a field (`/rows/{row}/{key}`) and a row problem.
    pub fn rows(detail: impl Into<String>, rows: Vec<RowProblem>) -> Self {
        ApiError {
            kind: ProblemKind::Validation,
            detail: detail.into(),
            errors: rows
                .iter()
                .map(|row| FieldProblem {
                    pointer: match &row.key {
                        Some(key) => format!("/rows/{}/{key}", row.row),
                        None => format!("/rows/{}", row.row),
                    },
                    detail: row.detail.clone(),
                })
                .collect(),
            row_errors: rows,
        }
    }

    pub fn invalid(violations: &Violations) -> Self {
        let count = violations.errors().len();
        ApiError {
            kind: ProblemKind::Validation,
            detail: format!(
                "{count} field{} failed validation",
                if count == 1 { "" } else { "s" }
            ),
            errors: violations
                .errors()
                .iter()
                .map(|e| FieldProblem {
                    pointer: e.pointer.clone(),
                    detail: e.message.clone(),
                })
                .collect(),
            row_errors: Vec::new(),
        }
    }

    /// Invalid fields answered with 400, as the EPCIS binding answers invalid queries and
    /// events (the registry API uses 422).
    pub fn invalid_request(violations: &Violations) -> Self {
        ApiError {
            kind: ProblemKind::MalformedRequest,
            ..ApiError::invalid(violations)
        }
    }

    pub fn push_field(&mut self, field: FieldProblem) {
        self.errors.push(field);
    }

    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    pub fn problem(&self) -> Problem {
        Problem {
            type_uri: format!("/problems/{}", self.kind.code()),
            title: self.kind.title().to_owned(),
            status: self.kind.status().as_u16(),
            detail: self.detail.clone(),
            errors: self.errors.clone(),
            row_errors: self.row_errors.clone(),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::Invalid(violations) => ApiError::invalid(&violations),
            ServiceError::Denied(Denied::Unauthenticated) => ApiError::new(
                ProblemKind::Unauthenticated,
                Denied::Unauthenticated.to_string(),
            ),
            ServiceError::Denied(denied) => {
                ApiError::new(ProblemKind::Forbidden, denied.to_string())
            }
            ServiceError::BadCredentials(message) => {
                ApiError::new(ProblemKind::Unauthenticated, message)
            }
            error @ ServiceError::NotFound { .. } => {
                ApiError::new(ProblemKind::NotFound, error.to_string())
            }
            ServiceError::Conflict { message, pointer } => {
                let mut error = ApiError::new(ProblemKind::Conflict, message.clone());
                if let Some(pointer) = pointer {
                    error.errors.push(FieldProblem {
                        pointer,
                        detail: message,
                    });
                }
                error
            }
            ServiceError::Unreadable(message) => {
                ApiError::new(ProblemKind::MalformedRequest, message)
            }
            ServiceError::TooLarge(message) => ApiError::new(ProblemKind::PayloadTooLarge, message),
            ServiceError::Internal(message) => {
                tracing::error!(error = %message, "internal error");
                ApiError::new(
                    ProblemKind::Internal,
                    "an internal error occurred; it has been logged",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        (
            self.kind.status(),
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
