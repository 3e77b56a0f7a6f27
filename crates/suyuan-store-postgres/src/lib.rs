//! The PostgreSQL backend, for centers that outgrow one machine: several stateless HTTP nodes
//! share one database.

use std::time::Duration;

use sqlx::Postgres;
use sqlx::postgres::PgPoolOptions;
use suyuan_store::StoreResult;
use suyuan_store::sql::SqlStore;

/// The PostgreSQL store.
pub type PostgresStore = SqlStore<Postgres>;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Connects to `url` (`postgres://…`) and applies pending migrations.
pub async fn connect(url: &str) -> StoreResult<PostgresStore> {
    let pool = PgPoolOptions::new()
        .max_connections(16)
        .acquire_timeout(Duration::from_secs(10))
        .connect(url)
        .await?;
    MIGRATOR.run(&pool).await?;
    Ok(SqlStore::new(pool))
}
