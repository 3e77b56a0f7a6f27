//! The audit record: who did what, when, and from where. Every write carries one.

use chrono::{DateTime, Utc};

use crate::access::Principal;

/// Where a request came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// One line of the audit log, written in the same transaction as the change it records.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub actor_participant_id: Option<String>,
    /// A dotted verb, e.g. `participant.register`, `registration.review`, `session.login`.
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    /// What changed, as JSON text.
    pub detail: String,
    pub origin: Origin,
}

impl AuditRecord {
    pub fn new(
        principal: &Principal,
        origin: &Origin,
        action: &str,
        target_kind: &str,
        target_id: &str,
        detail: String,
    ) -> Self {
        AuditRecord {
            at: crate::clock::now(),
            actor_kind: principal.actor.kind().to_owned(),
            actor_id: principal.actor.id().map(str::to_owned),
            actor_role: principal.role.as_str().to_owned(),
            actor_participant_id: principal.participant_id().map(str::to_owned),
            action: action.to_owned(),
            target_kind: target_kind.to_owned(),
            target_id: target_id.to_owned(),
            detail,
            origin: origin.clone(),
        }
    }
}
