//! The SQL implementation of [`Store`], written once for every backend.
//!
//! Statements use `$n` placeholders, which SQLite and PostgreSQL both accept, and only types
//! both map alike (`BIGINT`, `TEXT`, `DOUBLE PRECISION`/`REAL`). What differs between the
//! backends — connection settings, migrations, the few statements that cannot be shared —
//! lives in the backend crates behind [`Dialect`].

#[doc(hidden)]
pub mod rows;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{Database, Decode, Encode, Executor, FromRow, IntoArguments, Pool, Transaction, Type};
use suyuan_core::accounts::{ApiKey, Session, User};
use suyuan_core::audit::AuditRecord;
use suyuan_core::registry::{Participant, Product, Site};

use self::rows::*;
use crate::{
    AuditEntry, AuditFilter, CaptureJob, CaptureJobCursor, EntityKind, EventColumn, EventOrder,
    EventQuery, EventRecord, HistoryEntry, Page, PageRequest, ParticipantFilter, Store, StoreError,
    StoreOutcome, StoreResult, StoredEvent,
};

/// What a backend contributes besides its driver.
pub trait Dialect: Database {
    /// The backend's name, as `/health` reports it.
    const BACKEND: &'static str;

    /// How many rows a statement changed (sqlx has no backend-neutral accessor).
    fn rows_affected(result: &Self::QueryResult) -> u64;

    /// A statement that refreshes the query planner's statistics, run every
    /// [`Dialect::EVENTS_PER_STATISTICS_REFRESH`] stored events.
    const REFRESH_STATISTICS: Option<&'static str> = None;

    /// Events stored between two refreshes of the planner's statistics.
    const EVENTS_PER_STATISTICS_REFRESH: usize = 5_000;

    /// The numbered placeholder for the `index`th (1-based) parameter.
    fn placeholder(index: usize) -> String {
        format!("${index}")
    }
}

#[cfg(feature = "sqlite")]
impl Dialect for sqlx::Sqlite {
    const BACKEND: &'static str = "sqlite";

    fn rows_affected(result: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        result.rows_affected()
    }

    /// Without statistics SQLite assumes every index is selective and, say, reads all of a
    /// member's events through the owner index to sort them; `optimize` analyses every
    /// table that changed enough (`0x10000`: not only those this connection
    /// queried), bounded by the connection's `analysis_limit`.
    const REFRESH_STATISTICS: Option<&'static str> = Some("PRAGMA optimize = 0x10002");

    /// `?`, bound in order: SQLite looks a `$N` or `?N` parameter's name up by a linear scan
    /// for every bind, which makes statements with thousands of parameters quadratic.
    fn placeholder(_index: usize) -> String {
        "?".to_owned()
    }
}

#[cfg(feature = "postgres")]
impl Dialect for sqlx::Postgres {
    const BACKEND: &'static str = "postgres";

    /// Autovacuum analyses a table only after it grew by a tenth and at most once a minute;
    /// right after a bulk capture the planner would still think a member owns a handful of
    /// events and pick its index for every query. ANALYZE samples, so it stays cheap.
    const REFRESH_STATISTICS: Option<&'static str> =
        Some("ANALYZE events, event_identifiers, event_attributes");
    const EVENTS_PER_STATISTICS_REFRESH: usize = 50_000;

    fn rows_affected(result: &sqlx::postgres::PgQueryResult) -> u64 {
        result.rows_affected()
    }
}

/// [`Store`] over an sqlx pool of any backend with a [`Dialect`].
#[derive(Debug, Clone)]
pub struct SqlStore<DB: Database> {
    pool: Pool<DB>,
    /// Events stored since the planner's statistics were last refreshed.
    events_since_statistics: Arc<AtomicUsize>,
}

impl<DB: Database> SqlStore<DB> {
    /// Wraps a pool whose database is already migrated.
    pub fn new(pool: Pool<DB>) -> Self {
        SqlStore {
            pool,
            events_since_statistics: Arc::default(),
        }
    }

    pub fn pool(&self) -> &Pool<DB> {
        &self.pool
    }
}

const PARTICIPANT_COLUMNS: &str = "id, name, uscc, kind, business_roles, region_code, address, \
    contact_name, contact_phone, contact_email, status, review_reason, version, created_at, updated_at";
const SITE_COLUMNS: &str = "id, participant_id, name, gln, address, region_code, latitude, longitude, \
    version, created_at, updated_at";
const PRODUCT_COLUMNS: &str = "id, participant_id, gtin, name, category, unit, model, standard, \
    license_no, shelf_life_days, origin_country, description, version, created_at, updated_at";
const USER_COLUMNS: &str =
    "id, participant_id, username, display_name, role, password_hash, created_at, disabled";
const API_KEY_COLUMNS: &str =
    "id, participant_id, name, prefix, token_hash, role, created_at, revoked_at";
const AUDIT_COLUMNS: &str = "seq, at, actor_kind, actor_id, actor_role, actor_participant_id, action, \
    target_kind, target_id, detail, ip, user_agent";

/// Events per multi-row INSERT. Larger statements cost SQLite more to compile than they save
/// in round trips (measured: 100 rows a statement is about 10x faster than 1,000).
const EVENT_ROWS_PER_STATEMENT: usize = 100;
/// Index rows per multi-row INSERT (3 parameters a row).
const INDEX_ROWS_PER_STATEMENT: usize = 300;

/// `($1, $2, …), (…)`: placeholders for `rows` rows of `columns` values.
fn values_placeholders<DB: Dialect>(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..columns {
            if column > 0 {
                out.push_str(", ");
            }
            out.push_str(&DB::placeholder(row * columns + column + 1));
        }
        out.push(')');
    }
    out
}

/// Turns a unique violation into [`StoreError::Duplicate`] of `field`.
fn duplicate<'a>(
    field: &'static str,
    value: &'a str,
) -> impl FnOnce(sqlx::Error) -> StoreError + 'a {
    move |error| {
        if StoreError::is_unique_violation(&error) {
            StoreError::Duplicate {
                field,
                value: value.to_owned(),
            }
        } else {
            StoreError::Database(error)
        }
    }
}

fn snapshot<T: Serialize>(row: &T) -> String {
    serde_json::to_string(row).unwrap_or_default()
}

impl<DB> SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<f64>: Encode<'q, DB>,
    for<'r> ParticipantRow: FromRow<'r, DB::Row>,
    for<'r> SiteRow: FromRow<'r, DB::Row>,
    for<'r> ProductRow: FromRow<'r, DB::Row>,
    for<'r> UserRow: FromRow<'r, DB::Row>,
    for<'r> SessionRow: FromRow<'r, DB::Row>,
    for<'r> ApiKeyRow: FromRow<'r, DB::Row>,
    for<'r> AuditRow: FromRow<'r, DB::Row>,
    for<'r> HistoryRow: FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> CaptureJobRow: FromRow<'r, DB::Row>,
    for<'r> StoredEventRow: FromRow<'r, DB::Row>,
    for<'r> TextRow: FromRow<'r, DB::Row>,
    for<'r> StoredSeqRow: FromRow<'r, DB::Row>,
{
    /// Refreshes the planner's statistics now.
    pub async fn refresh_statistics(&self) -> StoreResult<()> {
        if let Some(sql) = DB::REFRESH_STATISTICS {
            sqlx::query::<DB>(sql).execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Counts stored events and refreshes the statistics every
    /// [`Dialect::EVENTS_PER_STATISTICS_REFRESH`] of them.
    async fn note_events_stored(&self, stored: usize) -> StoreResult<()> {
        let before = self
            .events_since_statistics
            .fetch_add(stored, Ordering::Relaxed);
        if before + stored >= DB::EVENTS_PER_STATISTICS_REFRESH {
            self.events_since_statistics.store(0, Ordering::Relaxed);
            self.refresh_statistics().await?;
        }
        Ok(())
    }

    async fn insert_audit(conn: &mut DB::Connection, audit: &AuditRecord) -> StoreResult<()> {
        sqlx::query::<DB>(
            "INSERT INTO audit_log (at, actor_kind, actor_id, actor_role, actor_participant_id, action, \
             target_kind, target_id, detail, ip, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(micros(audit.at))
        .bind(audit.actor_kind.clone())
        .bind(audit.actor_id.clone())
        .bind(audit.actor_role.clone())
        .bind(audit.actor_participant_id.clone())
        .bind(audit.action.clone())
        .bind(audit.target_kind.clone())
        .bind(audit.target_id.clone())
        .bind(audit.detail.clone())
        .bind(audit.origin.ip.clone())
        .bind(audit.origin.user_agent.clone())
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Closes the current history version of an entity, if any, and opens `version`.
    async fn record_version(
        conn: &mut DB::Connection,
        kind: EntityKind,
        id: &str,
        version: i64,
        snapshot: String,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        let at = micros(audit.at);
        sqlx::query::<DB>(
            "UPDATE registry_history SET valid_to = $1 \
             WHERE entity_kind = $2 AND entity_id = $3 AND valid_to IS NULL",
        )
        .bind(at)
        .bind(kind.as_str())
        .bind(id.to_owned())
        .execute(&mut *conn)
        .await?;
        sqlx::query::<DB>(
            "INSERT INTO registry_history (entity_kind, entity_id, version, snapshot, valid_from, changed_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(kind.as_str())
        .bind(id.to_owned())
        .bind(version)
        .bind(snapshot)
        .bind(at)
        .bind(audit.actor_id.clone().or_else(|| Some(audit.actor_kind.clone())))
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Records the new version of an entity and the audit line, and commits.
    async fn commit_version(
        mut tx: Transaction<'static, DB>,
        kind: EntityKind,
        id: &str,
        version: i64,
        snapshot: String,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        Self::record_version(&mut tx, kind, id, version, snapshot, audit).await?;
        Self::commit_with_audit(tx, audit).await
    }

    /// Records the audit line of the transaction's change, and commits.
    async fn commit_with_audit(
        mut tx: Transaction<'static, DB>,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        Self::insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn insert_user_on(conn: &mut DB::Connection, user: &User) -> StoreResult<()> {
        let row = UserRow::from(user);
        sqlx::query::<DB>(&format!(
            "INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(row.id)
        .bind(row.participant_id)
        .bind(row.username)
        .bind(row.display_name)
        .bind(row.role)
        .bind(row.password_hash)
        .bind(row.created_at)
        .bind(row.disabled)
        .execute(&mut *conn)
        .await
        .map_err(duplicate("username", &user.username))?;
        Ok(())
    }

    async fn fetch_all<R, T>(&self, sql: &str, id: &str) -> StoreResult<Vec<T>>
    where
        R: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
        T: TryFrom<R, Error = StoreError>,
    {
        sqlx::query_as::<DB, R>(sql)
            .bind(id.to_owned())
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .map(T::try_from)
            .collect()
    }

    /// Runs a statement built at run time and reads its rows.
    async fn fetch_statement<R>(&self, statement: Statement) -> StoreResult<Vec<R>>
    where
        R: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
    {
        let mut select = sqlx::query_as::<DB, R>(&statement.sql);
        for bind in statement.binds {
            select = match bind {
                Bind::Text(text) => select.bind(text),
                Bind::Int(number) => select.bind(number),
            };
        }
        Ok(select.fetch_all(&self.pool).await?)
    }

    async fn fetch_one<R, T>(&self, sql: &str, id: &str) -> StoreResult<Option<T>>
    where
        R: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
        T: TryFrom<R, Error = StoreError>,
    {
        sqlx::query_as::<DB, R>(sql)
            .bind(id.to_owned())
            .fetch_optional(&self.pool)
            .await?
            .map(T::try_from)
            .transpose()
    }
}

/// Maps "no row was updated" to the right error: the record is gone, or it changed.
fn nothing_updated(kind: &'static str, id: &str, expected: i64) -> StoreError {
    StoreError::StaleVersion {
        kind,
        id: id.to_owned(),
        expected,
    }
}

#[async_trait]
impl<DB> Store for SqlStore<DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<f64>: Encode<'q, DB>,
    for<'r> ParticipantRow: FromRow<'r, DB::Row>,
    for<'r> SiteRow: FromRow<'r, DB::Row>,
    for<'r> ProductRow: FromRow<'r, DB::Row>,
    for<'r> UserRow: FromRow<'r, DB::Row>,
    for<'r> SessionRow: FromRow<'r, DB::Row>,
    for<'r> ApiKeyRow: FromRow<'r, DB::Row>,
    for<'r> AuditRow: FromRow<'r, DB::Row>,
    for<'r> HistoryRow: FromRow<'r, DB::Row>,
    for<'r> (i64,): FromRow<'r, DB::Row>,
    for<'r> CaptureJobRow: FromRow<'r, DB::Row>,
    for<'r> StoredEventRow: FromRow<'r, DB::Row>,
    for<'r> TextRow: FromRow<'r, DB::Row>,
    for<'r> StoredSeqRow: FromRow<'r, DB::Row>,
{
    fn backend(&self) -> &'static str {
        DB::BACKEND
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query::<DB>("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn insert_participant(
        &self,
        participant: &Participant,
        first_user: Option<&User>,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        let row = ParticipantRow::from(participant);
        let mut tx = self.pool.begin().await?;
        sqlx::query::<DB>(&format!(
            "INSERT INTO participants ({PARTICIPANT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(row.id.clone())
        .bind(row.name.clone())
        .bind(row.uscc.clone())
        .bind(row.kind.clone())
        .bind(row.business_roles.clone())
        .bind(row.region_code.clone())
        .bind(row.address.clone())
        .bind(row.contact_name.clone())
        .bind(row.contact_phone.clone())
        .bind(row.contact_email.clone())
        .bind(row.status.clone())
        .bind(row.review_reason.clone())
        .bind(row.version)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(duplicate("uscc", &row.uscc))?;
        if let Some(user) = first_user {
            Self::insert_user_on(&mut tx, user).await?;
        }
        Self::commit_version(
            tx,
            EntityKind::Participant,
            &row.id,
            row.version,
            snapshot(&row),
            audit,
        )
        .await
    }

    async fn participant(&self, id: &str) -> StoreResult<Option<Participant>> {
        self.fetch_one::<ParticipantRow, _>(
            &format!("SELECT {PARTICIPANT_COLUMNS} FROM participants WHERE id = $1"),
            id,
        )
        .await
    }

    async fn list_participants(
        &self,
        filter: &ParticipantFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Participant>> {
        const WHERE: &str = "WHERE ($1 IS NULL OR status = $1) AND ($2 IS NULL OR kind = $2) \
                             AND ($3 IS NULL OR name LIKE $3)";
        let status = filter.status.map(|s| s.as_str().to_owned());
        let kind = filter.kind.map(|k| k.as_str().to_owned());
        let name = filter
            .name_contains
            .as_ref()
            .map(|n| format!("%{}%", n.replace(['%', '_'], "")));
        let (total,): (i64,) =
            sqlx::query_as::<DB, (i64,)>(&format!("SELECT COUNT(*) FROM participants {WHERE}"))
                .bind(status.clone())
                .bind(kind.clone())
                .bind(name.clone())
                .fetch_one(&self.pool)
                .await?;
        let rows = sqlx::query_as::<DB, ParticipantRow>(&format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM participants {WHERE} \
             ORDER BY created_at, id LIMIT $4 OFFSET $5"
        ))
        .bind(status)
        .bind(kind)
        .bind(name)
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        let items = rows
            .into_iter()
            .map(Participant::try_from)
            .collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    async fn update_participant(
        &self,
        participant: &Participant,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        let row = ParticipantRow::from(participant);
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query::<DB>(
            "UPDATE participants SET name = $1, uscc = $2, kind = $3, business_roles = $4, \
             region_code = $5, address = $6, contact_name = $7, contact_phone = $8, contact_email = $9, \
             status = $10, review_reason = $11, version = $12, updated_at = $13 \
             WHERE id = $14 AND version = $15",
        )
        .bind(row.name.clone())
        .bind(row.uscc.clone())
        .bind(row.kind.clone())
        .bind(row.business_roles.clone())
        .bind(row.region_code.clone())
        .bind(row.address.clone())
        .bind(row.contact_name.clone())
        .bind(row.contact_phone.clone())
        .bind(row.contact_email.clone())
        .bind(row.status.clone())
        .bind(row.review_reason.clone())
        .bind(row.version)
        .bind(row.updated_at)
        .bind(row.id.clone())
        .bind(row.version - 1)
        .execute(&mut *tx)
        .await
        .map_err(duplicate("uscc", &row.uscc))?;
        if DB::rows_affected(&updated) == 0 {
            return Err(nothing_updated("participant", &row.id, row.version - 1));
        }
        Self::commit_version(
            tx,
            EntityKind::Participant,
            &row.id,
            row.version,
            snapshot(&row),
            audit,
        )
        .await
    }

    async fn insert_site(&self, site: &Site, audit: &AuditRecord) -> StoreResult<()> {
        let row = SiteRow::from(site);
        let mut tx = self.pool.begin().await?;
        sqlx::query::<DB>(&format!(
            "INSERT INTO sites ({SITE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(row.id.clone())
        .bind(row.participant_id.clone())
        .bind(row.name.clone())
        .bind(row.gln.clone())
        .bind(row.address.clone())
        .bind(row.region_code.clone())
        .bind(row.latitude)
        .bind(row.longitude)
        .bind(row.version)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(duplicate("gln", row.gln.as_deref().unwrap_or_default()))?;
        Self::commit_version(
            tx,
            EntityKind::Site,
            &row.id,
            row.version,
            snapshot(&row),
            audit,
        )
        .await
    }

    async fn site(&self, id: &str) -> StoreResult<Option<Site>> {
        self.fetch_one::<SiteRow, _>(
            &format!("SELECT {SITE_COLUMNS} FROM sites WHERE id = $1"),
            id,
        )
        .await
    }

    async fn sites_of(&self, participant_id: &str) -> StoreResult<Vec<Site>> {
        self.fetch_all::<SiteRow, _>(
            &format!(
                "SELECT {SITE_COLUMNS} FROM sites WHERE participant_id = $1 ORDER BY created_at, id"
            ),
            participant_id,
        )
        .await
    }

    async fn update_site(&self, site: &Site, audit: &AuditRecord) -> StoreResult<()> {
        let row = SiteRow::from(site);
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query::<DB>(
            "UPDATE sites SET name = $1, gln = $2, address = $3, region_code = $4, latitude = $5, \
             longitude = $6, version = $7, updated_at = $8 WHERE id = $9 AND version = $10",
        )
        .bind(row.name.clone())
        .bind(row.gln.clone())
        .bind(row.address.clone())
        .bind(row.region_code.clone())
        .bind(row.latitude)
        .bind(row.longitude)
        .bind(row.version)
        .bind(row.updated_at)
        .bind(row.id.clone())
        .bind(row.version - 1)
        .execute(&mut *tx)
        .await
        .map_err(duplicate("gln", row.gln.as_deref().unwrap_or_default()))?;
        if DB::rows_affected(&updated) == 0 {
            return Err(nothing_updated("site", &row.id, row.version - 1));
        }
        Self::commit_version(
            tx,
            EntityKind::Site,
            &row.id,
            row.version,
            snapshot(&row),
            audit,
        )
        .await
    }

    async fn insert_product(&self, product: &Product, audit: &AuditRecord) -> StoreResult<()> {
        let row = ProductRow::from(product);
        let mut tx = self.pool.begin().await?;
        sqlx::query::<DB>(&format!(
            "INSERT INTO products ({PRODUCT_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)"
        ))
        .bind(row.id.clone())
        .bind(row.participant_id.clone())
        .bind(row.gtin.clone())
        .bind(row.name.clone())
        .bind(row.category.clone())
        .bind(row.unit.clone())
        .bind(row.model.clone())
        .bind(row.standard.clone())
        .bind(row.license_no.clone())
        .bind(row.shelf_life_days)
        .bind(row.origin_country.clone())
        .bind(row.description.clone())
        .bind(row.version)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(&mut *tx)
        .await
        .map_err(duplicate("gtin", &row.gtin))?;
        Self::commit_version(
            tx,
            EntityKind::Product,
            &row.id,
            row.version,
            snapshot(&row),
            audit,
        )
        .await
    }

    async fn product(&self, id: &str) -> StoreResult<Option<Product>> {
        self.fetch_one::<ProductRow, _>(
            &format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1"),
            id,
        )
        .await
    }

    async fn product_by_gtin(&self, gtin: &str) -> StoreResult<Option<Product>> {
        self.fetch_one::<ProductRow, _>(
            &format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE gtin = $1"),
            gtin,
        )
        .await
    }

    async fn products_of(&self, participant_id: &str) -> StoreResult<Vec<Product>> {
        self.fetch_all::<ProductRow, _>(
            &format!(
                "SELECT {PRODUCT_COLUMNS} FROM products WHERE participant_id = $1 ORDER BY created_at, id"
            ),
            participant_id,
        )
        .await
    }

    async fn update_product(&self, product: &Product, audit: &AuditRecord) -> StoreResult<()> {
        let row = ProductRow::from(product);
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query::<DB>(
            "UPDATE products SET gtin = $1, name = $2, category = $3, unit = $4, model = $5, \
             standard = $6, license_no = $7, shelf_life_days = $8, origin_country = $9, \
             description = $10, version = $11, updated_at = $12 WHERE id = $13 AND version = $14",
        )
        .bind(row.gtin.clone())
        .bind(row.name.clone())
        .bind(row.category.clone())
        .bind(row.unit.clone())
        .bind(row.model.clone())
        .bind(row.standard.clone())
        .bind(row.license_no.clone())
        .bind(row.shelf_life_days)
        .bind(row.origin_country.clone())
        .bind(row.description.clone())
        .bind(row.version)
        .bind(row.updated_at)
        .bind(row.id.clone())
        .bind(row.version - 1)
        .execute(&mut *tx)
        .await
        .map_err(duplicate("gtin", &row.gtin))?;
        if DB::rows_affected(&updated) == 0 {
            return Err(nothing_updated("product", &row.id, row.version - 1));
        }
        Self::commit_version(
            tx,
            EntityKind::Product,
            &row.id,
            row.version,
            snapshot(&row),
            audit,
        )
        .await
    }

    async fn history(&self, kind: EntityKind, id: &str) -> StoreResult<Vec<HistoryEntry>> {
        let rows = sqlx::query_as::<DB, HistoryRow>(
            "SELECT version, snapshot, valid_from, valid_to, changed_by FROM registry_history \
             WHERE entity_kind = $1 AND entity_id = $2 ORDER BY version",
        )
        .bind(kind.as_str())
        .bind(id.to_owned())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(HistoryEntry::from).collect())
    }

    async fn insert_user(&self, user: &User, audit: &AuditRecord) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        Self::insert_user_on(&mut tx, user).await?;
        Self::commit_with_audit(tx, audit).await
    }

    async fn user(&self, id: &str) -> StoreResult<Option<User>> {
        self.fetch_one::<UserRow, _>(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
            id,
        )
        .await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        self.fetch_one::<UserRow, _>(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1"),
            username,
        )
        .await
    }

    async fn users_of(&self, participant_id: &str) -> StoreResult<Vec<User>> {
        self.fetch_all::<UserRow, _>(
            &format!(
                "SELECT {USER_COLUMNS} FROM users WHERE participant_id = $1 ORDER BY created_at, id"
            ),
            participant_id,
        )
        .await
    }

    async fn insert_session(&self, session: &Session, audit: &AuditRecord) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query::<DB>(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(session.token_hash.clone())
        .bind(session.user_id.clone())
        .bind(micros(session.created_at))
        .bind(micros(session.expires_at))
        .execute(&mut *tx)
        .await?;
        Self::commit_with_audit(tx, audit).await
    }

    async fn live_session(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Session>> {
        let row = sqlx::query_as::<DB, SessionRow>(
            "SELECT token_hash, user_id, created_at, expires_at FROM sessions \
             WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash.to_owned())
        .bind(micros(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(Session::from))
    }

    async fn delete_session(&self, token_hash: &str, audit: &AuditRecord) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query::<DB>("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(&mut *tx)
            .await?;
        Self::commit_with_audit(tx, audit).await
    }

    async fn insert_api_key(&self, key: &ApiKey, audit: &AuditRecord) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query::<DB>(&format!(
            "INSERT INTO api_keys ({API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(key.id.clone())
        .bind(key.participant_id.clone())
        .bind(key.name.clone())
        .bind(key.prefix.clone())
        .bind(key.token_hash.clone())
        .bind(key.role.to_string())
        .bind(micros(key.created_at))
        .bind(key.revoked_at.map(micros))
        .execute(&mut *tx)
        .await
        .map_err(duplicate("api key", &key.prefix))?;
        Self::commit_with_audit(tx, audit).await
    }

    async fn api_key_by_token_hash(&self, token_hash: &str) -> StoreResult<Option<ApiKey>> {
        self.fetch_one::<ApiKeyRow, _>(
            &format!("SELECT {API_KEY_COLUMNS} FROM api_keys WHERE token_hash = $1"),
            token_hash,
        )
        .await
    }

    async fn api_key(&self, id: &str) -> StoreResult<Option<ApiKey>> {
        self.fetch_one::<ApiKeyRow, _>(
            &format!("SELECT {API_KEY_COLUMNS} FROM api_keys WHERE id = $1"),
            id,
        )
        .await
    }

    async fn api_keys_of(&self, participant_id: &str) -> StoreResult<Vec<ApiKey>> {
        self.fetch_all::<ApiKeyRow, _>(
            &format!(
                "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE participant_id = $1 ORDER BY created_at, id"
            ),
            participant_id,
        )
        .await
    }

    async fn revoke_api_key(
        &self,
        id: &str,
        at: DateTime<Utc>,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query::<DB>(
            "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(micros(at))
        .bind(id.to_owned())
        .execute(&mut *tx)
        .await?;
        if DB::rows_affected(&updated) == 0 {
            return Err(StoreError::NotFound {
                kind: "api key",
                id: id.to_owned(),
            });
        }
        Self::commit_with_audit(tx, audit).await
    }

    async fn append_audit(&self, audit: &AuditRecord) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        Self::insert_audit(&mut conn, audit).await
    }

    async fn audit_log(
        &self,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditEntry>> {
        const WHERE: &str = "WHERE ($1 IS NULL OR target_id = $1) AND ($2 IS NULL OR actor_id = $2) \
                             AND ($3 IS NULL OR action = $3)";
        let (total,): (i64,) =
            sqlx::query_as::<DB, (i64,)>(&format!("SELECT COUNT(*) FROM audit_log {WHERE}"))
                .bind(filter.target_id.clone())
                .bind(filter.actor_id.clone())
                .bind(filter.action.clone())
                .fetch_one(&self.pool)
                .await?;
        let rows = sqlx::query_as::<DB, AuditRow>(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log {WHERE} ORDER BY seq DESC LIMIT $4 OFFSET $5"
        ))
        .bind(filter.target_id.clone())
        .bind(filter.actor_id.clone())
        .bind(filter.action.clone())
        .bind(page.limit)
        .bind(page.offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page {
            items: rows.into_iter().map(AuditEntry::from).collect(),
            total,
        })
    }
    async fn insert_capture_job(&self, job: &CaptureJob) -> StoreResult<()> {
        sqlx::query::<DB>(
            "INSERT INTO capture_jobs (id, owner_id, status, created_at, finished_at, event_count, stored, \
             errors, error_behaviour) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(job.id.clone())
        .bind(job.owner_id.clone())
        .bind(job.status.clone())
        .bind(micros(job.created_at))
        .bind(job.finished_at.map(micros))
        .bind(job.event_count)
        .bind(job.stored)
        .bind(job.errors.clone())
        .bind(job.error_behaviour.clone())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn finish_capture_job(&self, job: &CaptureJob) -> StoreResult<()> {
        sqlx::query::<DB>(
            "UPDATE capture_jobs SET status = $1, finished_at = $2, stored = $3, errors = $4 WHERE id = $5",
        )
        .bind(job.status.clone())
        .bind(job.finished_at.map(micros))
        .bind(job.stored)
        .bind(job.errors.clone())
        .bind(job.id.clone())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn capture_job(&self, id: &str) -> StoreResult<Option<CaptureJob>> {
        let row = sqlx::query_as::<DB, CaptureJobRow>(
            "SELECT id, owner_id, status, created_at, finished_at, event_count, stored, errors, \
             error_behaviour FROM capture_jobs WHERE id = $1",
        )
        .bind(id.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(CaptureJob::from))
    }

    async fn store_events(
        &self,
        events: &[EventRecord],
        audit: &AuditRecord,
    ) -> StoreResult<StoreOutcome> {
        let mut tx = self.pool.begin().await?;
        // Multi-row statements: one round trip per chunk rather than per row is what makes a
        // document of thousands of events one quick transaction.
        let mut stored: HashMap<String, i64> = HashMap::with_capacity(events.len());
        for chunk in events.chunks(EVENT_ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO events (event_id, event_type, event_time, record_time, action, biz_step, \
                 disposition, read_point, biz_location, owner_id, capture_job, body) VALUES {} \
                 ON CONFLICT (event_id) DO NOTHING RETURNING seq, event_id",
                values_placeholders::<DB>(chunk.len(), 12)
            );
            let mut insert = sqlx::query_as::<DB, StoredSeqRow>(&sql);
            for event in chunk {
                insert = insert
                    .bind(event.event_id.as_str())
                    .bind(event.event_type.as_str())
                    .bind(micros(event.event_time))
                    .bind(micros(event.record_time))
                    .bind(event.action.clone())
                    .bind(event.biz_step.clone())
                    .bind(event.disposition.clone())
                    .bind(event.read_point.clone())
                    .bind(event.biz_location.clone())
                    .bind(event.owner_id.as_str())
                    .bind(event.capture_job.clone())
                    .bind(event.body.as_str());
            }
            stored.extend(
                insert
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|row| (row.event_id, row.seq)),
            );
        }
        let outcome = StoreOutcome {
            stored: stored.len(),
            already_present: events.len() - stored.len(),
        };
        // Index rows of the events just stored; a repeated event ID inside the document is
        // indexed once, with the event that was stored.
        let mut identifiers = Vec::new();
        let mut attributes = Vec::new();
        for event in events {
            if let Some(seq) = stored.remove(event.event_id.as_str()) {
                for (role, key) in &event.identifiers {
                    identifiers.push((seq, role.as_str(), key.as_str()));
                }
                for (name, value) in &event.attributes {
                    attributes.push((seq, name.as_str(), value.as_str()));
                }
            }
        }
        for (table, columns, rows) in [
            ("event_identifiers", "event_seq, role, key", &identifiers),
            ("event_attributes", "event_seq, name, value", &attributes),
        ] {
            for chunk in rows.chunks(INDEX_ROWS_PER_STATEMENT) {
                let sql = format!(
                    "INSERT INTO {table} ({columns}) VALUES {}",
                    values_placeholders::<DB>(chunk.len(), 3)
                );
                let mut insert = sqlx::query::<DB>(&sql);
                for &(seq, first, second) in chunk {
                    insert = insert.bind(seq).bind(first).bind(second);
                }
                insert.execute(&mut *tx).await?;
            }
        }
        Self::commit_with_audit(tx, audit).await?;
        self.note_events_stored(outcome.stored).await?;
        Ok(outcome)
    }

    async fn event_by_id(&self, event_id: &str) -> StoreResult<Option<StoredEvent>> {
        let row = sqlx::query_as::<DB, StoredEventRow>(
            "SELECT seq, event_id, event_time, record_time, owner_id, body FROM events WHERE event_id = $1",
        )
        .bind(event_id.to_owned())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(StoredEvent::from))
    }

    async fn query_events(&self, query: &EventQuery) -> StoreResult<Vec<StoredEvent>> {
        let statement = event_query_statement(query);
        let mut select = sqlx::query_as::<DB, StoredEventRow>(&statement.sql);
        for bind in statement.binds {
            select = match bind {
                Bind::Text(text) => select.bind(text),
                Bind::Int(number) => select.bind(number),
            };
        }
        let rows = select.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(StoredEvent::from).collect())
    }

    async fn capture_jobs(
        &self,
        owners: Option<&[String]>,
        after: Option<&CaptureJobCursor>,
        limit: i64,
    ) -> StoreResult<Vec<CaptureJob>> {
        let mut statement = Statement::default();
        statement.push(
            "SELECT id, owner_id, status, created_at, finished_at, event_count, stored, errors, \
             error_behaviour FROM capture_jobs WHERE 1 = 1",
        );
        owner_condition(&mut statement, "owner_id", owners);
        if let Some(after) = after {
            statement.push(" AND (created_at < ");
            statement.bind(Bind::Int(after.created_micros));
            statement.push(" OR (created_at = ");
            statement.bind(Bind::Int(after.created_micros));
            statement.push(" AND id < ");
            statement.text(&after.id);
            statement.push("))");
        }
        statement.push(" ORDER BY created_at DESC, id DESC LIMIT ");
        statement.bind(Bind::Int(limit));
        let rows = self.fetch_statement::<CaptureJobRow>(statement).await?;
        Ok(rows.into_iter().map(CaptureJob::from).collect())
    }

    async fn distinct_event_values(
        &self,
        column: EventColumn,
        owners: Option<&[String]>,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        let name = column.column();
        let mut statement = Statement::default();
        statement.push(&format!(
            "SELECT DISTINCT {name} AS value FROM events WHERE {name} IS NOT NULL"
        ));
        owner_condition(&mut statement, "owner_id", owners);
        if let Some(after) = after {
            statement.push(&format!(" AND {name} > "));
            statement.text(after);
        }
        statement.push(&format!(" ORDER BY {name} LIMIT "));
        statement.bind(Bind::Int(limit));
        let rows = self.fetch_statement::<TextRow>(statement).await?;
        Ok(rows.into_iter().map(|row| row.value).collect())
    }

    async fn distinct_identifiers(
        &self,
        roles: &[String],
        owners: Option<&[String]>,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<String>> {
        if roles.is_empty() {
            return Ok(Vec::new());
        }
        let mut statement = Statement::default();
        statement.push(
            "SELECT DISTINCT i.key AS value FROM event_identifiers i \
             JOIN events e ON e.seq = i.event_seq WHERE i.role IN (",
        );
        statement.list(roles);
        statement.push(")");
        owner_condition(&mut statement, "e.owner_id", owners);
        if let Some(after) = after {
            statement.push(" AND i.key > ");
            statement.text(after);
        }
        statement.push(" ORDER BY i.key LIMIT ");
        statement.bind(Bind::Int(limit));
        let rows = self.fetch_statement::<TextRow>(statement).await?;
        Ok(rows.into_iter().map(|row| row.value).collect())
    }
}

/// Restricts a statement to the rows of `owners`, when set (an empty list matches nothing).
fn owner_condition(statement: &mut Statement, column: &str, owners: Option<&[String]>) {
    if let Some(owners) = owners {
        if owners.is_empty() {
            statement.push(" AND 1 = 0");
        } else {
            statement.push(&format!(" AND {column} IN ("));
            statement.list(owners);
            statement.push(")");
        }
    }
}

/// A value bound to a statement built at run time.
enum Bind {
    Text(String),
    Int(i64),
}

/// Builds SQL with numbered placeholders (`$1`, `$2`, …), which both backends accept.
#[derive(Default)]
struct Statement {
    sql: String,
    binds: Vec<Bind>,
}

impl Statement {
    fn push(&mut self, sql: &str) {
        self.sql.push_str(sql);
    }

    fn bind(&mut self, value: Bind) {
        self.binds.push(value);
        self.sql.push_str(&format!("${}", self.binds.len()));
    }

    fn text(&mut self, value: &str) {
        self.bind(Bind::Text(value.to_owned()));
    }

    fn list(&mut self, values: &[String]) {
        for (index, value) in values.iter().enumerate() {
            if index > 0 {
                self.push(", ");
            }
            self.text(value);
        }
    }
}

/// The statement of an event query: conditions, order and page.
fn event_query_statement(query: &EventQuery) -> Statement {
    let mut statement = Statement::default();
    statement.push(
        "SELECT seq, event_id, event_time, record_time, owner_id, body FROM events WHERE 1 = 1",
    );
    let filter = &query.filter;
    let columns: [(&str, &Vec<String>); 6] = [
        ("event_type", &filter.event_types),
        ("action", &filter.actions),
        ("biz_step", &filter.biz_steps),
        ("disposition", &filter.dispositions),
        ("read_point", &filter.read_points),
        ("biz_location", &filter.biz_locations),
    ];
    for (column, values) in columns {
        if !values.is_empty() {
            statement.push(&format!(" AND {column} IN ("));
            statement.list(values);
            statement.push(")");
        }
    }
    if !filter.event_ids.is_empty() {
        statement.push(" AND event_id IN (");
        statement.list(&filter.event_ids);
        statement.push(")");
    }
    if let Some(owners) = &filter.owners {
        if owners.is_empty() {
            statement.push(" AND 1 = 0");
        } else {
            statement.push(" AND owner_id IN (");
            statement.list(owners);
            statement.push(")");
        }
    }
    let times = [
        ("event_time", ">=", filter.ge_event_time),
        ("event_time", "<", filter.lt_event_time),
        ("record_time", ">=", filter.ge_record_time),
        ("record_time", "<", filter.lt_record_time),
    ];
    for (column, op, value) in times {
        if let Some(value) = value {
            statement.push(&format!(" AND {column} {op} "));
            statement.bind(Bind::Int(micros(value)));
        }
    }
    // `seq IN (subquery)` rather than a correlated EXISTS: the index tables are searched by
    // their primary keys first, and only the matching events are read.
    for matcher in &filter.identifiers {
        statement.push(" AND seq IN (SELECT i.event_seq FROM event_identifiers i WHERE (");
        if matcher.keys.is_empty() {
            statement.push("1 = 0");
        }
        for (index, key) in matcher.keys.iter().enumerate() {
            if index > 0 {
                statement.push(" OR ");
            }
            statement.push("i.key = ");
            statement.text(key);
            if matcher.prefix {
                // Identifiers below a class ("…/01/{gtin}/21/…") sort between "…/" and "…0".
                statement.push(" OR (i.key >= ");
                statement.text(&format!("{key}/"));
                statement.push(" AND i.key < ");
                statement.text(&format!("{key}0"));
                statement.push(")");
            }
        }
        statement.push(")");
        if !matcher.roles.is_empty() {
            statement.push(" AND i.role IN (");
            statement.list(&matcher.roles);
            statement.push(")");
        }
        statement.push(")");
    }
    for (name, values) in &filter.attributes {
        statement.push(" AND seq IN (SELECT a.event_seq FROM event_attributes a WHERE a.name = ");
        statement.text(name);
        statement.push(" AND a.value IN (");
        statement.list(values);
        statement.push("))");
    }
    for name in &filter.attribute_exists {
        statement.push(" AND seq IN (SELECT a.event_seq FROM event_attributes a WHERE a.name = ");
        statement.text(name);
        statement.push(")");
    }
    let column = match query.order {
        EventOrder::EventTime => "event_time",
        EventOrder::RecordTime => "record_time",
    };
    let (after, direction) = if query.descending {
        ("<", "DESC")
    } else {
        (">", "ASC")
    };
    if let Some(cursor) = query.after {
        statement.push(&format!(" AND ({column} {after} "));
        statement.bind(Bind::Int(cursor.sort_micros));
        statement.push(&format!(" OR ({column} = "));
        statement.bind(Bind::Int(cursor.sort_micros));
        statement.push(&format!(" AND seq {after} "));
        statement.bind(Bind::Int(cursor.seq));
        statement.push("))");
    }
    statement.push(&format!(
        " ORDER BY {column} {direction}, seq {direction} LIMIT "
    ));
    statement.bind(Bind::Int(query.limit));
    statement
}
