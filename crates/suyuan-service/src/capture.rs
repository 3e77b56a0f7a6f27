//! EPCIS capture and query use cases: documents and single events in, every problem named,
//! event IDs computed where absent, nothing stored twice; events out as the caller may see them.

use serde_json::json;
use suyuan_core::access::{Principal, ScopedAction};
use suyuan_core::audit::{AuditRecord, Origin};
use suyuan_core::clock;
use suyuan_core::epcis::jsonld::{self, Namespaces};
use suyuan_core::epcis::{Document, Event, hash, index, trace_fields};
use suyuan_core::validation::Violations;
use suyuan_store::{
    CaptureJob, CaptureJobCursor, EventColumn, EventFilter, EventQuery, EventRecord, StoreOutcome,
    StoredEvent,
};

use crate::ids::new_id;
use crate::query::ValuePage;
use crate::{ServiceError, ServiceResult, Services};

/// Most events one capture may hold (advertised as `GS1-EPCIS-Capture-Limit`).
pub const CAPTURE_EVENT_LIMIT: usize = 10_000;
/// Largest capture document in bytes (advertised as `GS1-EPCIS-Capture-File-Size-Limit`).
pub const CAPTURE_SIZE_LIMIT: usize = 16 * 1024 * 1024;

/// What to do with the valid events of a document that has invalid ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ErrorBehaviour {
    /// Store nothing (the default).
    #[default]
    Rollback,
    /// Store the valid events, report the others.
    Proceed,
}

/// A document as it arrived: its valid events with the problems of the others, or the
/// problems that make it unreadable as a whole.
pub type ReadDocument = Result<(Document, Violations), Violations>;

fn violations_json(violations: &Violations) -> String {
    serde_json::Value::Array(
        violations
            .errors()
            .iter()
            .map(|e| json!({ "pointer": e.pointer, "message": e.message }))
            .collect(),
    )
    .to_string()
}

impl Services {
    /// Captures a document: validates every event, stores all or (with `Proceed`) the valid
    /// ones, and records the job. An invalid document stores nothing by default; the job names
    /// every error with its location.
    pub async fn capture_document(
        &self,
        principal: &Principal,
        origin: &Origin,
        document: ReadDocument,
        behaviour: ErrorBehaviour,
    ) -> ServiceResult<CaptureJob> {
        let owner = own_participant(principal)?;
        principal.require_on(ScopedAction::EventCapture, &owner)?;
        let now = clock::now();
        let mut job = CaptureJob {
            id: new_id("c"),
            owner_id: owner.clone(),
            status: "running".into(),
            created_at: now,
            finished_at: None,
            event_count: 0,
            stored: 0,
            errors: "[]".into(),
            error_behaviour: match behaviour {
                ErrorBehaviour::Rollback => "rollback",
                ErrorBehaviour::Proceed => "proceed",
            }
            .into(),
        };
        let (events, namespaces, violations) = match document {
            Ok((document, violations)) => {
                job.event_count = (document.events.len() + events_with_errors(&violations)) as i64;
                let namespaces = Namespaces::from_declared(document.namespaces.clone());
                (document.events, namespaces, violations)
            }
            Err(violations) => (Vec::new(), Namespaces::default(), violations),
        };
        if events.len() > CAPTURE_EVENT_LIMIT {
            return Err(ServiceError::TooLarge(format!(
                "the document holds {} events; one capture may hold at most {CAPTURE_EVENT_LIMIT}",
                events.len()
            )));
        }
        self.store.insert_capture_job(&job).await?;
        let keep = violations.is_empty() || behaviour == ErrorBehaviour::Proceed;
        let outcome = if keep && !events.is_empty() {
            let records = events
                .iter()
                .map(|event| event_record(event, &namespaces, &owner, Some(&job.id)))
                .collect::<Vec<_>>();
            let audit = AuditRecord::new(
                principal,
                origin,
                "events.capture",
                "capture_job",
                &job.id,
                json!({ "events": records.len() }).to_string(),
            );
            self.store.store_events(&records, &audit).await?
        } else {
            StoreOutcome::default()
        };
        job.stored = outcome.stored as i64;
        job.finished_at = Some(clock::now());
        job.status = if violations.is_empty() {
            "success"
        } else {
            "failed"
        }
        .into();
        job.errors = violations_json(&violations);
        self.store.finish_capture_job(&job).await?;
        Ok(job)
    }

    /// Captures one event (`POST /events`). Returns its event ID and whether it was new.
    pub async fn capture_event(
        &self,
        principal: &Principal,
        origin: &Origin,
        event: Event,
        namespaces: &Namespaces,
    ) -> ServiceResult<(String, bool)> {
        let owner = own_participant(principal)?;
        principal.require_on(ScopedAction::EventCapture, &owner)?;
        let record = event_record(&event, namespaces, &owner, None);
        let event_id = record.event_id.clone();
        let audit = AuditRecord::new(
            principal,
            origin,
            "events.capture",
            "event",
            &event_id,
            json!({ "events": 1 }).to_string(),
        );
        let outcome = self.store.store_events(&[record], &audit).await?;
        Ok((event_id, outcome.stored == 1))
    }

    /// A capture job, to its owner and to those who read every participant's events.
    pub async fn capture_job(&self, principal: &Principal, id: &str) -> ServiceResult<CaptureJob> {
        let job = self
            .store
            .capture_job(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                kind: "capture job",
                id: id.to_owned(),
            })?;
        principal.require_on(ScopedAction::EventRead, &job.owner_id)?;
        Ok(job)
    }

    /// One page of events the principal may see. A member sees its own events whole; a query
    /// that names objects (an exact EPC, an event ID) also finds other members' events about
    /// them, in their public view — the journey a consumer sees when scanning the code.
    pub async fn query_events(
        &self,
        principal: &Principal,
        mut query: EventQuery,
    ) -> ServiceResult<Vec<StoredEvent>> {
        let own = match self.reader(principal)? {
            Reader::All => {
                query.filter.owners = None;
                return Ok(self.store.query_events(&query).await?);
            }
            Reader::Member(own) => own,
        };
        if !names_objects(&query) {
            query.filter.owners = Some(vec![own]);
            return Ok(self.store.query_events(&query).await?);
        }
        query.filter.owners = None;
        self.store
            .query_events(&query)
            .await?
            .into_iter()
            .map(|stored| {
                if stored.owner_id == own {
                    Ok(stored)
                } else {
                    public_stored_event(stored)
                }
            })
            .collect()
    }

    /// One event by its ID: whole to its owner and to those who may read every event, in its
    /// public view to other members.
    pub async fn event(&self, principal: &Principal, event_id: &str) -> ServiceResult<StoredEvent> {
        let reader = self.reader(principal)?;
        let event =
            self.store
                .event_by_id(event_id)
                .await?
                .ok_or_else(|| ServiceError::NotFound {
                    kind: "event",
                    id: event_id.to_owned(),
                })?;
        match reader {
            Reader::Member(own) if event.owner_id != own => public_stored_event(event),
            _ => Ok(event),
        }
    }

    /// The capture jobs the principal may see (its own, or all for those who read every
    /// participant's events), newest first, one page.
    pub async fn capture_jobs(
        &self,
        principal: &Principal,
        after: Option<CaptureJobCursor>,
        limit: i64,
    ) -> ServiceResult<Vec<CaptureJob>> {
        let owners = self.visible_owners(principal)?;
        Ok(self
            .store
            .capture_jobs(owners.as_deref(), after.as_ref(), limit)
            .await?)
    }

    /// Checks that the principal may read events at all (the EPCIS discovery resources).
    pub fn require_event_access(&self, principal: &Principal) -> ServiceResult<()> {
        self.visible_owners(principal).map(|_| ())
    }

    /// The distinct values of one event column among the events the principal sees (the
    /// EPCIS resource lists), one page.
    pub async fn event_values(
        &self,
        principal: &Principal,
        column: EventColumn,
        page: &ValuePage,
    ) -> ServiceResult<Vec<String>> {
        let owners = self.visible_owners(principal)?;
        Ok(self
            .store
            .distinct_event_values(column, owners.as_deref(), page.after.as_deref(), page.limit)
            .await?)
    }

    /// The instance identifiers (EPCs, in canonical Digital Link form) named by the events the
    /// principal sees, in any instance role (not the classes), one page.
    pub async fn epcs(
        &self,
        principal: &Principal,
        page: &ValuePage,
    ) -> ServiceResult<Vec<String>> {
        use suyuan_core::epcis::index::IdentifierRole::*;
        let owners = self.visible_owners(principal)?;
        let roles: Vec<String> = [Epc, Parent, Child, Input, Output]
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect();
        Ok(self
            .store
            .distinct_identifiers(&roles, owners.as_deref(), page.after.as_deref(), page.limit)
            .await?)
    }

    /// Whether any event the principal sees matches `filter` (a resource such as
    /// `/bizSteps/{bizStep}` exists when one does); `kind` and `id` name it when none does.
    pub async fn require_matching_event(
        &self,
        principal: &Principal,
        filter: EventFilter,
        kind: &'static str,
        id: &str,
    ) -> ServiceResult<()> {
        let query = EventQuery {
            filter,
            order: Default::default(),
            descending: true,
            limit: 1,
            after: None,
        };
        if self.query_events(principal, query).await?.is_empty() {
            return Err(ServiceError::NotFound {
                kind,
                id: id.to_owned(),
            });
        }
        Ok(())
    }

    /// The participants whose events the principal sees in lists: `None` for all.
    fn visible_owners(&self, principal: &Principal) -> ServiceResult<Option<Vec<String>>> {
        Ok(match self.reader(principal)? {
            Reader::All => None,
            Reader::Member(own) => Some(vec![own]),
        })
    }

    /// Whether the principal reads every event, or is a member reading as one.
    fn reader(&self, principal: &Principal) -> ServiceResult<Reader> {
        if principal.role.grants(ScopedAction::EventRead.any()) {
            return Ok(Reader::All);
        }
        let own = own_participant(principal)?;
        principal.require_on(ScopedAction::EventRead, &own)?;
        Ok(Reader::Member(own))
    }
}

/// Who reads events: someone who may read all of them, or a member (its participant ID).
enum Reader {
    All,
    Member(String),
}

/// Whether a query names the objects it is about (exact identifiers or event IDs) rather
/// than sweeping the repository.
fn names_objects(query: &EventQuery) -> bool {
    !query.filter.event_ids.is_empty()
        || query
            .filter
            .identifiers
            .iter()
            .any(|m| !m.prefix && !m.keys.is_empty())
}

/// A stored event rewritten to its public view ([`trace_fields::public_view`]).
fn public_stored_event(mut stored: StoredEvent) -> ServiceResult<StoredEvent> {
    let unreadable = |detail: String| {
        ServiceError::Internal(format!("stored event {}: {detail}", stored.event_id))
    };
    let value: serde_json::Value =
        serde_json::from_str(&stored.body).map_err(|e| unreadable(e.to_string()))?;
    let mut namespaces = Namespaces::default();
    let event = jsonld::decode_single_event(&value, &mut namespaces)
        .map_err(|v| unreadable(v.to_string()))?;
    let view = trace_fields::public_view(&event);
    stored.body = jsonld::encode_single_event(&view, &namespaces).to_string();
    Ok(stored)
}

/// How many events the problems concern (each names its event, or its ledger row, by pointer).
fn events_with_errors(violations: &Violations) -> usize {
    let mut events: Vec<&str> = violations
        .errors()
        .iter()
        .filter_map(|e| {
            let rest = e
                .pointer
                .strip_prefix("/epcisBody/eventList/")
                .or_else(|| e.pointer.strip_prefix("/rows/"))?;
            Some(rest.split('/').next().unwrap_or(rest))
        })
        .collect();
    events.sort_unstable();
    events.dedup();
    events.len()
}

pub(crate) fn own_participant(principal: &Principal) -> ServiceResult<String> {
    principal
        .participant_id()
        .map(str::to_owned)
        .ok_or(ServiceError::Denied(
            suyuan_core::access::Denied::Unauthenticated,
        ))
}

/// What storage keeps of an event: its ID (computed by the EPCIS event hash when absent),
/// query columns, index entries, and the event as JSON-LD.
pub fn event_record(
    event: &Event,
    namespaces: &Namespaces,
    owner: &str,
    job: Option<&str>,
) -> EventRecord {
    let event_id = event
        .event_id
        .clone()
        .unwrap_or_else(|| hash::event_id(event, namespaces));
    let mut stored = event.clone();
    stored.event_id = Some(event_id.clone());
    let record_time = clock::now();
    stored.record_time = Some(record_time.fixed_offset());
    let body = jsonld::encode_single_event(&stored, namespaces).to_string();
    EventRecord {
        event_id,
        event_type: event.event_type.as_str().to_owned(),
        event_time: event.event_time.to_utc(),
        record_time,
        action: event.action.map(|a| a.as_str().to_owned()),
        biz_step: event.biz_step.as_ref().map(|v| v.uri().to_owned()),
        disposition: event.disposition.as_ref().map(|v| v.uri().to_owned()),
        read_point: event
            .read_point
            .as_ref()
            .map(|l| suyuan_core::epcis::identifiers::index_key(&l.id)),
        biz_location: event
            .biz_location
            .as_ref()
            .map(|l| suyuan_core::epcis::identifiers::index_key(&l.id)),
        owner_id: owner.to_owned(),
        capture_job: job.map(str::to_owned),
        body,
        identifiers: index::identifiers(event)
            .into_iter()
            .map(|i| (i.role.as_str().to_owned(), i.key))
            .collect(),
        attributes: index::attributes(event)
            .into_iter()
            .map(|a| (a.name, a.value))
            .collect(),
    }
}
