//! The embedded backend: one SQLite file in the data directory.
//!
//! Durability: the journal is WAL and `synchronous = FULL`, so a transaction is on disk when
//! its commit returns and a crash of the process or the machine loses nothing acknowledged.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::Sqlite;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use suyuan_store::StoreResult;
use suyuan_store::sql::SqlStore;

/// The SQLite store.
pub type SqliteStore = SqlStore<Sqlite>;

/// The file name of the database inside the data directory.
pub const DATABASE_FILE: &str = "suyuan.sqlite3";

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Opens (creating if needed) the database in `data_dir` and applies pending migrations.
pub async fn open(data_dir: &Path) -> StoreResult<SqliteStore> {
    let options = SqliteConnectOptions::new()
        .filename(data_dir.join(DATABASE_FILE))
        .create_if_missing(true);
    connect_with(options).await
}

/// Opens a database from an `sqlite:` URL (e.g. `sqlite::memory:` in tests).
pub async fn open_url(url: &str) -> StoreResult<SqliteStore> {
    connect_with(SqliteConnectOptions::from_str(url)?.create_if_missing(true)).await
}

async fn connect_with(options: SqliteConnectOptions) -> StoreResult<SqliteStore> {
    let options = options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        // Statistics from a sample: refreshing them stays cheap at millions of events.
        .pragma("analysis_limit", "1000")
        .pragma("mmap_size", "1073741824")
        .pragma("cache_size", "-65536");
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .min_connections(1)
        .connect_with(options)
        .await?;
    MIGRATOR.run(&pool).await?;
    let store = SqlStore::new(pool);
    store.refresh_statistics().await?;
    Ok(store)
}
