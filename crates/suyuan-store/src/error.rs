//! The storage layer's error: what went wrong in terms a service can act on.

/// A storage failure. `Duplicate` and `StaleVersion` are the caller's to explain to a user;
/// the rest are internal.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique field already holds this value.
    #[error("{field} {value:?} is already registered")]
    Duplicate { field: &'static str, value: String },
    /// The record changed since the caller read it.
    #[error("{kind} {id} was changed by someone else (expected version {expected})")]
    StaleVersion {
        kind: &'static str,
        id: String,
        expected: i64,
    },
    #[error("{kind} {id} does not exist")]
    NotFound { kind: &'static str, id: String },
    /// A stored row no longer satisfies the domain's rules.
    #[error("stored {kind} {id} is corrupt: {reason}")]
    Corrupt {
        kind: &'static str,
        id: String,
        reason: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    /// Whether the database reported a unique-constraint violation.
    pub fn is_unique_violation(error: &sqlx::Error) -> bool {
        matches!(error, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
    }
}
