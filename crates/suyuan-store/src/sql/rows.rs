//! Rows as the database holds them, and their conversion to and from domain types.
//!
//! Times are microseconds since the Unix epoch (`BIGINT`), so both backends compare and
//! index them alike; lists are comma-separated text.

use chrono::{DateTime, Utc};
use serde::Serialize;
use suyuan_core::accounts::{ApiKey, Session, User};
use suyuan_core::audit::{AuditRecord, Origin};
use suyuan_core::catalog;
use suyuan_core::registry::{
    Contact, Coordinates, Participant, ParticipantSpec, Product, ProductSpec, Site, SiteSpec,
};

use crate::{AuditEntry, HistoryEntry, StoreError};

pub(crate) fn micros(at: DateTime<Utc>) -> i64 {
    at.timestamp_micros()
}

pub(crate) fn from_micros(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

fn corrupt<'a>(kind: &'static str, id: &'a str) -> impl Fn(String) -> StoreError + 'a {
    move |reason| StoreError::Corrupt {
        kind,
        id: id.to_owned(),
        reason,
    }
}

fn parse<T: std::str::FromStr>(
    kind: &'static str,
    id: &str,
    field: &str,
    text: &str,
) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|error: T::Err| corrupt(kind, id)(format!("{field}: {error}")))
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ParticipantRow {
    pub id: String,
    pub name: String,
    pub uscc: String,
    pub kind: String,
    pub business_roles: String,
    pub region_code: String,
    pub address: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: Option<String>,
    pub status: String,
    pub review_reason: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&Participant> for ParticipantRow {
    fn from(p: &Participant) -> Self {
        ParticipantRow {
            id: p.id.clone(),
            name: p.spec.name.clone(),
            uscc: p.spec.uscc.to_string(),
            kind: p.spec.kind.to_string(),
            business_roles: p
                .spec
                .business_roles
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(","),
            region_code: p.spec.region.to_string(),
            address: p.spec.address.clone(),
            contact_name: p.spec.contact.name.clone(),
            contact_phone: p.spec.contact.phone.clone(),
            contact_email: p.spec.contact.email.clone(),
            status: p.status.to_string(),
            review_reason: p.review_reason.clone(),
            version: p.version,
            created_at: micros(p.created_at),
            updated_at: micros(p.updated_at),
        }
    }
}

impl TryFrom<ParticipantRow> for Participant {
    type Error = StoreError;

    fn try_from(row: ParticipantRow) -> Result<Self, StoreError> {
        const KIND: &str = "participant";
        let id = row.id.as_str();
        let business_roles = row
            .business_roles
            .split(',')
            .filter(|r| !r.is_empty())
            .map(|r| parse(KIND, id, "business_roles", r))
            .collect::<Result<_, _>>()?;
        Ok(Participant {
            spec: ParticipantSpec {
                name: row.name,
                uscc: parse(KIND, id, "uscc", &row.uscc)?,
                kind: parse(KIND, id, "kind", &row.kind)?,
                business_roles,
                region: parse(KIND, id, "region_code", &row.region_code)?,
                address: row.address,
                contact: Contact {
                    name: row.contact_name,
                    phone: row.contact_phone,
                    email: row.contact_email,
                },
            },
            status: parse(KIND, id, "status", &row.status)?,
            review_reason: row.review_reason,
            version: row.version,
            created_at: from_micros(row.created_at),
            updated_at: from_micros(row.updated_at),
            id: row.id,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SiteRow {
    pub id: String,
    pub participant_id: String,
    pub name: String,
    pub gln: Option<String>,
    pub address: String,
    pub region_code: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&Site> for SiteRow {
    fn from(s: &Site) -> Self {
        SiteRow {
            id: s.id.clone(),
            participant_id: s.participant_id.clone(),
            name: s.spec.name.clone(),
            gln: s.spec.gln.as_ref().map(ToString::to_string),
            address: s.spec.address.clone(),
            region_code: s.spec.region.to_string(),
            latitude: s.spec.coordinates.map(|c| c.latitude),
            longitude: s.spec.coordinates.map(|c| c.longitude),
            version: s.version,
            created_at: micros(s.created_at),
            updated_at: micros(s.updated_at),
        }
    }
}

impl TryFrom<SiteRow> for Site {
    type Error = StoreError;

    fn try_from(row: SiteRow) -> Result<Self, StoreError> {
        const KIND: &str = "site";
        let id = row.id.as_str();
        let gln = match &row.gln {
            Some(gln) => Some(parse(KIND, id, "gln", gln)?),
            None => None,
        };
        let coordinates = match (row.latitude, row.longitude) {
            (Some(latitude), Some(longitude)) => Some(Coordinates {
                latitude,
                longitude,
            }),
            _ => None,
        };
        Ok(Site {
            spec: SiteSpec {
                name: row.name,
                gln,
                address: row.address,
                region: parse(KIND, id, "region_code", &row.region_code)?,
                coordinates,
            },
            participant_id: row.participant_id,
            version: row.version,
            created_at: from_micros(row.created_at),
            updated_at: from_micros(row.updated_at),
            id: row.id,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ProductRow {
    pub id: String,
    pub participant_id: String,
    pub gtin: String,
    pub name: String,
    pub category: String,
    pub unit: Option<String>,
    pub model: String,
    pub standard: Option<String>,
    pub license_no: Option<String>,
    pub shelf_life_days: Option<i64>,
    pub origin_country: Option<String>,
    pub description: Option<String>,
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&Product> for ProductRow {
    fn from(p: &Product) -> Self {
        ProductRow {
            id: p.id.clone(),
            participant_id: p.participant_id.clone(),
            gtin: p.spec.gtin.to_string(),
            name: p.spec.name.clone(),
            category: p.spec.category.code.to_owned(),
            unit: p.spec.unit.clone(),
            model: p.spec.model.clone(),
            standard: p.spec.standard.clone(),
            license_no: p.spec.license_no.clone(),
            shelf_life_days: p.spec.shelf_life_days.map(i64::from),
            origin_country: p.spec.origin_country.clone(),
            description: p.spec.description.clone(),
            version: p.version,
            created_at: micros(p.created_at),
            updated_at: micros(p.updated_at),
        }
    }
}

impl TryFrom<ProductRow> for Product {
    type Error = StoreError;

    fn try_from(row: ProductRow) -> Result<Self, StoreError> {
        const KIND: &str = "product";
        let id = row.id.as_str();
        let category = catalog::category(&row.category)
            .ok_or_else(|| corrupt(KIND, id)(format!("unknown category {:?}", row.category)))?;
        let shelf_life_days = match row.shelf_life_days {
            Some(days) => Some(
                u32::try_from(days).map_err(|_| corrupt(KIND, id)(format!("shelf life {days}")))?,
            ),
            None => None,
        };
        Ok(Product {
            spec: ProductSpec {
                gtin: parse(KIND, id, "gtin", &row.gtin)?,
                name: row.name,
                category,
                unit: row.unit,
                model: row.model,
                standard: row.standard,
                license_no: row.license_no,
                shelf_life_days,
                origin_country: row.origin_country,
                description: row.description,
            },
            participant_id: row.participant_id,
            version: row.version,
            created_at: from_micros(row.created_at),
            updated_at: from_micros(row.updated_at),
            id: row.id,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    pub id: String,
    pub participant_id: Option<String>,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub created_at: i64,
    pub disabled: i64,
}

impl From<&User> for UserRow {
    fn from(u: &User) -> Self {
        UserRow {
            id: u.id.clone(),
            participant_id: u.participant_id.clone(),
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.to_string(),
            password_hash: u.password_hash.clone(),
            created_at: micros(u.created_at),
            disabled: i64::from(u.disabled),
        }
    }
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(User {
            role: parse("user", &row.id, "role", &row.role)?,
            participant_id: row.participant_id,
            username: row.username,
            display_name: row.display_name,
            password_hash: row.password_hash,
            created_at: from_micros(row.created_at),
            disabled: row.disabled != 0,
            id: row.id,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: String,
    pub created_at: i64,
    pub expires_at: i64,
}

impl From<SessionRow> for Session {
    fn from(row: SessionRow) -> Self {
        Session {
            token_hash: row.token_hash,
            user_id: row.user_id,
            created_at: from_micros(row.created_at),
            expires_at: from_micros(row.expires_at),
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: String,
    pub participant_id: String,
    pub name: String,
    pub prefix: String,
    pub token_hash: String,
    pub role: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl TryFrom<ApiKeyRow> for ApiKey {
    type Error = StoreError;

    fn try_from(row: ApiKeyRow) -> Result<Self, StoreError> {
        Ok(ApiKey {
            role: parse("api_key", &row.id, "role", &row.role)?,
            participant_id: row.participant_id,
            name: row.name,
            prefix: row.prefix,
            token_hash: row.token_hash,
            created_at: from_micros(row.created_at),
            revoked_at: row.revoked_at.map(from_micros),
            id: row.id,
        })
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub actor_participant_id: Option<String>,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    pub detail: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl From<AuditRow> for AuditEntry {
    fn from(row: AuditRow) -> Self {
        AuditEntry {
            seq: row.seq,
            record: AuditRecord {
                at: from_micros(row.at),
                actor_kind: row.actor_kind,
                actor_id: row.actor_id,
                actor_role: row.actor_role,
                actor_participant_id: row.actor_participant_id,
                action: row.action,
                target_kind: row.target_kind,
                target_id: row.target_id,
                detail: row.detail,
                origin: Origin {
                    ip: row.ip,
                    user_agent: row.user_agent,
                },
            },
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub version: i64,
    pub snapshot: String,
    pub valid_from: i64,
    pub valid_to: Option<i64>,
    pub changed_by: Option<String>,
}

impl From<HistoryRow> for HistoryEntry {
    fn from(row: HistoryRow) -> Self {
        HistoryEntry {
            version: row.version,
            snapshot: serde_json::from_str(&row.snapshot).unwrap_or(serde_json::Value::Null),
            valid_from: from_micros(row.valid_from),
            valid_to: row.valid_to.map(from_micros),
            changed_by: row.changed_by,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaptureJobRow {
    pub id: String,
    pub owner_id: String,
    pub status: String,
    pub created_at: i64,
    pub finished_at: Option<i64>,
    pub event_count: i64,
    pub stored: i64,
    pub errors: String,
    pub error_behaviour: String,
}

impl From<CaptureJobRow> for crate::CaptureJob {
    fn from(row: CaptureJobRow) -> Self {
        crate::CaptureJob {
            id: row.id,
            owner_id: row.owner_id,
            status: row.status,
            created_at: from_micros(row.created_at),
            finished_at: row.finished_at.map(from_micros),
            event_count: row.event_count,
            stored: row.stored,
            errors: row.errors,
            error_behaviour: row.error_behaviour,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEventRow {
    pub seq: i64,
    pub event_id: String,
    pub event_time: i64,
    pub record_time: i64,
    pub owner_id: String,
    pub body: String,
}

impl From<StoredEventRow> for crate::StoredEvent {
    fn from(row: StoredEventRow) -> Self {
        crate::StoredEvent {
            seq: row.seq,
            event_id: row.event_id,
            event_time: from_micros(row.event_time),
            record_time: from_micros(row.record_time),
            owner_id: row.owner_id,
            body: row.body,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TextRow {
    pub value: String,
}

/// The sequence number an inserted event was given.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredSeqRow {
    pub seq: i64,
    pub event_id: String,
}
