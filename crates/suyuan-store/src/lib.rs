//! Suyuan's storage layer: what the services may ask of a database, in domain terms.
//!
//! [`Store`] is the one trait the services see. [`sql::SqlStore`] implements it once for any
//! sqlx database that provides a [`sql::Dialect`]; the backend crates (`suyuan-store-sqlite`,
//! `suyuan-store-postgres`) bring connection settings, migrations, and the dialect. Every
//! write takes the [`AuditRecord`] that describes it and stores both in one transaction.

mod error;
pub mod events;
pub mod sql;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use suyuan_core::accounts::{ApiKey, Session, User};
use suyuan_core::audit::AuditRecord;
use suyuan_core::registry::{Participant, ParticipantKind, Product, RegistrationStatus, Site};

pub use error::StoreError;
pub use events::*;

pub type StoreResult<T> = Result<T, StoreError>;

/// Which registry entity a history row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityKind {
    Participant,
    Site,
    Product,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Participant => "participant",
            EntityKind::Site => "site",
            EntityKind::Product => "product",
        }
    }
}

/// One version of a registry entity: its data while it was current.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub version: i64,
    /// The entity as it was, as JSON.
    pub snapshot: serde_json::Value,
    pub valid_from: DateTime<Utc>,
    /// When the next version replaced this one; `None` for the current version.
    pub valid_to: Option<DateTime<Utc>>,
    /// The audit actor who made this version.
    pub changed_by: Option<String>,
}

/// Which participants to list.
#[derive(Debug, Clone, Default)]
pub struct ParticipantFilter {
    pub status: Option<RegistrationStatus>,
    pub kind: Option<ParticipantKind>,
    /// A part of the name.
    pub name_contains: Option<String>,
}

/// Which audit lines to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub target_id: Option<String>,
    pub actor_id: Option<String>,
    pub action: Option<String>,
}

/// A window into a long list: at most `limit` items after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub offset: i64,
    pub limit: i64,
}

/// One page of a list and the size of the whole list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// An audit line as stored, with its sequence number.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub seq: i64,
    pub record: AuditRecord,
}

/// Everything the services may ask of storage.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// The backend's name, for logs and `/health`.
    fn backend(&self) -> &'static str;

    /// Answers when the database does.
    async fn ping(&self) -> StoreResult<()>;

    // Registry.

    /// Stores a new participant and, for a self-registration, its first user, atomically.
    async fn insert_participant(
        &self,
        participant: &Participant,
        first_user: Option<&User>,
        audit: &AuditRecord,
    ) -> StoreResult<()>;
    async fn participant(&self, id: &str) -> StoreResult<Option<Participant>>;
    async fn list_participants(
        &self,
        filter: &ParticipantFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Participant>>;
    /// Replaces a participant whose stored version is `participant.version - 1`; a different
    /// stored version is a [`StoreError::StaleVersion`].
    async fn update_participant(
        &self,
        participant: &Participant,
        audit: &AuditRecord,
    ) -> StoreResult<()>;

    async fn insert_site(&self, site: &Site, audit: &AuditRecord) -> StoreResult<()>;
    async fn site(&self, id: &str) -> StoreResult<Option<Site>>;
    async fn sites_of(&self, participant_id: &str) -> StoreResult<Vec<Site>>;
    async fn update_site(&self, site: &Site, audit: &AuditRecord) -> StoreResult<()>;

    async fn insert_product(&self, product: &Product, audit: &AuditRecord) -> StoreResult<()>;
    async fn product(&self, id: &str) -> StoreResult<Option<Product>>;
    async fn product_by_gtin(&self, gtin: &str) -> StoreResult<Option<Product>>;
    async fn products_of(&self, participant_id: &str) -> StoreResult<Vec<Product>>;
    async fn update_product(&self, product: &Product, audit: &AuditRecord) -> StoreResult<()>;

    async fn history(&self, kind: EntityKind, id: &str) -> StoreResult<Vec<HistoryEntry>>;

    // Accounts.

    async fn insert_user(&self, user: &User, audit: &AuditRecord) -> StoreResult<()>;
    async fn user(&self, id: &str) -> StoreResult<Option<User>>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    async fn users_of(&self, participant_id: &str) -> StoreResult<Vec<User>>;

    async fn insert_session(&self, session: &Session, audit: &AuditRecord) -> StoreResult<()>;
    /// The session with this token hash, if it has not expired at `now`.
    async fn live_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Session>>;
    async fn delete_session(&self, token_hash: &str, audit: &AuditRecord) -> StoreResult<()>;

    async fn insert_api_key(&self, key: &ApiKey, audit: &AuditRecord) -> StoreResult<()>;
    async fn api_key_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<ApiKey>>;
    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>>;
    async fn api_keys_of(&self, participant_id: &str) -> StoreResult<Vec<ApiKey>>;
    async fn revoke_api_key(
        &self,
        id: &str,
        at: DateTime<Utc>,
        audit: &AuditRecord,
    ) -> StoreResult<()>;

    // Audit.

    /// Records an event that changes nothing else (a login, a refused attempt).
    async fn append_audit(&self, audit: &AuditRecord) -> StoreResult<()>;
    /// Audit lines, newest first.
    async fn audit_log(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>>;

    // EPCIS events.

    async fn insert_capture_job(&self, job: &CaptureJob) -> StoreResult<()>;
    /// Records how a job ended (status, counts, errors).
    async fn finish_capture_job(&self, job: &CaptureJob) -> StoreResult<()>;
    async fn capture_job(&self, id: &str) -> StoreResult<Option<CaptureJob>>;
    /// Capture jobs, newest first: of `owners` when set, after `after`, at most `limit`.
    async fn capture_jobs(
        &self,
        owners: Option<&[String]>,
        after: Option<&CaptureJobCursor>,
        limit: i64,
    ) -> StoreResult<Vec<CaptureJob>>;

    /// Stores events in one transaction with the audit line; an event whose eventID is already
    /// stored is skipped, not stored twice.
    async fn store_events(
        &self,
        events: &[EventRecord],
        audit: &AuditRecord,
    ) -> StoreResult<StoreOutcome>;
    async fn event_by_id(&self, event_id: &str) -> StoreResult<Option<StoredEvent>>;
    async fn query_events(&self, query: &EventQuery) -> StoreResult<Vec<StoredEvent>>;
    /// The distinct values of one event column, sorted: of the events of `owners` when set,
    /// greater than `after`, at most `limit`.
    async fn distinct_event_values(
        &self,
        column: EventColumn,
        owners: Option<&[String]>,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<String>>;
    /// The distinct identifier keys indexed in one of `roles`, sorted, with the same owner
    /// filter and paging as [`Store::distinct_event_values`].
    async fn distinct_identifiers(
        &self,
        roles: &[String],
        owners: Option<&[String]>,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<String>>;
}

/// Event columns whose distinct values the resource endpoints list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventColumn {
    EventType,
    BizStep,
    Disposition,
    ReadPoint,
    BizLocation,
}

impl EventColumn {
    pub fn column(self) -> &'static str {
        match self {
            EventColumn::EventType => "event_type",
            EventColumn::BizStep => "biz_step",
            EventColumn::Disposition => "disposition",
            EventColumn::ReadPoint => "read_point",
            EventColumn::BizLocation => "biz_location",
        }
    }
}
