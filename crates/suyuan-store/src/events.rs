//! What storage keeps of EPCIS events and capture jobs, and how events are asked for.

use chrono::{DateTime, Utc};

/// An event ready to store: the columns queries filter on, the indexed identifiers and
/// attributes, and the event itself as JSON-LD.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRecord {
    pub event_id: String,
    pub event_type: String,
    pub event_time: DateTime<Utc>,
    pub record_time: DateTime<Utc>,
    pub action: Option<String>,
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    /// The participant that captured the event and owns it.
    pub owner_id: String,
    pub capture_job: Option<String>,
    /// The event as a JSON-LD object with its own `@context`.
    pub body: String,
    /// (role, canonical identifier).
    pub identifiers: Vec<(String, String)>,
    /// (attribute name, value).
    pub attributes: Vec<(String, String)>,
}

/// A stored event and its place in capture order.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub event_id: String,
    pub event_time: DateTime<Utc>,
    pub record_time: DateTime<Utc>,
    pub owner_id: String,
    pub body: String,
}

/// How a capture's events were stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreOutcome {
    /// Events new to the repository.
    pub stored: usize,
    /// Events whose eventID was already there (not stored twice).
    pub already_present: usize,
}

/// The state of a capture job (EPCIS 2.0 REST binding).
#[derive(Debug, Clone, PartialEq)]
pub struct CaptureJob {
    pub id: String,
    pub owner_id: String,
    /// running, success or failed.
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub event_count: i64,
    pub stored: i64,
    /// The errors, as a JSON array of {pointer, message}.
    pub errors: String,
    /// rollback or proceed (the `GS1-Capture-Error-Behaviour` the client asked for).
    pub error_behaviour: String,
}

/// Where a page of capture jobs ended (they are listed newest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureJobCursor {
    pub created_micros: i64,
    pub id: String,
}

/// A condition on identifiers: the event names one of `keys` in one of `roles`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentifierMatch {
    pub roles: Vec<String>,
    pub keys: Vec<String>,
    /// Match keys as prefixes (for class-level patterns such as `…/01/{gtin}` matching items).
    pub prefix: bool,
}

/// Every condition of an event query; all must hold (values within one condition are ORed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub event_types: Vec<String>,
    pub ge_event_time: Option<DateTime<Utc>>,
    pub lt_event_time: Option<DateTime<Utc>>,
    pub ge_record_time: Option<DateTime<Utc>>,
    pub lt_record_time: Option<DateTime<Utc>>,
    pub actions: Vec<String>,
    pub biz_steps: Vec<String>,
    pub dispositions: Vec<String>,
    pub read_points: Vec<String>,
    pub biz_locations: Vec<String>,
    pub event_ids: Vec<String>,
    pub identifiers: Vec<IdentifierMatch>,
    /// (attribute name, accepted values).
    pub attributes: Vec<(String, Vec<String>)>,
    /// Attributes that must exist with any value.
    pub attribute_exists: Vec<String>,
    /// Only events of these owners, when set.
    pub owners: Option<Vec<String>>,
}

/// What to sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EventOrder {
    #[default]
    EventTime,
    RecordTime,
}

/// Where the previous page ended: the sort value and capture sequence of its last event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventCursor {
    pub sort_micros: i64,
    pub seq: i64,
}

/// One page of an event query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventQuery {
    pub filter: EventFilter,
    pub order: EventOrder,
    pub descending: bool,
    pub limit: i64,
    pub after: Option<EventCursor>,
}
