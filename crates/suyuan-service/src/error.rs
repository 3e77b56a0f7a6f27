//! The services' error: a user-facing kind for every way a request can fail, and an internal
//! kind for the rest.

use suyuan_core::access::Denied;
use suyuan_core::validation::Violations;
use suyuan_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The input broke one or more rules; every failing field is listed.
    #[error("invalid input: {0}")]
    Invalid(Violations),
    /// The principal may not do this.
    #[error("{0}")]
    Denied(#[from] Denied),
    /// Sign-in failed, or a token is unknown, expired or revoked.
    #[error("{0}")]
    BadCredentials(&'static str),
    #[error("{kind} {id:?} does not exist")]
    NotFound { kind: &'static str, id: String },
    /// The request contradicts the current state (a duplicate, a stale version, a finished review).
    #[error("{message}")]
    Conflict {
        message: String,
        pointer: Option<String>,
    },
    /// The input could not be read as what it claims to be (a file that is not a CSV or
    /// XLSX workbook).
    #[error("{0}")]
    Unreadable(String),
    /// The input exceeds a limit of the center.
    #[error("{0}")]
    TooLarge(String),
    #[error("internal error: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

impl From<Violations> for ServiceError {
    fn from(violations: Violations) -> Self {
        ServiceError::Invalid(violations)
    }
}

impl From<StoreError> for ServiceError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Duplicate { field, value } => ServiceError::Conflict {
                message: format!("{field} {value:?} is already registered"),
                pointer: Some(format!("/{}", wire_name(field))),
            },
            StoreError::StaleVersion { kind, id, .. } => ServiceError::Conflict {
                message: format!(
                    "{kind} {id} was changed by someone else; read it again and retry"
                ),
                pointer: None,
            },
            StoreError::NotFound { kind, id } => ServiceError::NotFound { kind, id },
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

/// The request-body name of a stored field.
fn wire_name(field: &str) -> &str {
    match field {
        "api key" => "name",
        other => other,
    }
}
