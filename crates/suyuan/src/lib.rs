//! The `suyuan` binary's library: configuration, choosing the storage backend, and launching
//! the server, kept here so tests can build and start the app exactly as the binary does.

pub mod config;
pub mod epcis_cli;

use std::sync::Arc;

use anyhow::Context;
use suyuan_http::CenterInfo;
use suyuan_service::demo::DemoCredentials;
use suyuan_service::{ServiceSettings, Services};
use suyuan_store::Store;
use tokio::net::TcpListener;

pub use config::Settings;

/// Opens the store the settings name, migrated: PostgreSQL for a `postgres://` URL, SQLite
/// otherwise.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    match settings.database.as_deref() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            let store = suyuan_store_postgres::connect(url)
                .await
                .with_context(|| format!("connecting to {}", config::mask_url(url)))?;
            Ok(Arc::new(store))
        }
        Some(url) if url.starts_with("sqlite:") => {
            let store = suyuan_store_sqlite::open_url(url)
                .await
                .with_context(|| format!("opening {url}"))?;
            Ok(Arc::new(store))
        }
        Some(other) => anyhow::bail!(
            "database: expected a postgres://… or sqlite:… URL, found {:?}",
            config::mask_url(other)
        ),
        None => {
            std::fs::create_dir_all(&settings.data_dir).with_context(|| {
                format!(
                    "creating the data directory {}",
                    settings.data_dir.display()
                )
            })?;
            let store = suyuan_store_sqlite::open(&settings.data_dir)
                .await
                .with_context(|| {
                    format!("opening the database in {}", settings.data_dir.display())
                })?;
            Ok(Arc::new(store))
        }
    }
}

/// The services over the store the settings name.
pub async fn services(settings: &Settings) -> anyhow::Result<Services> {
    let store = open_store(settings).await?;
    Ok(Services::new(
        store,
        ServiceSettings {
            session_ttl: chrono::Duration::hours(settings.session_ttl_hours),
        },
    ))
}

/// The HTTP application over `services`.
pub fn app(services: Services, settings: &Settings) -> axum::Router {
    suyuan_http::app(
        services,
        CenterInfo {
            name: settings.center_name.clone(),
        },
    )
}

/// Loads the demo center when the settings ask for it.
pub async fn load_demo(
    services: &Services,
    settings: &Settings,
) -> anyhow::Result<Option<DemoCredentials>> {
    if !settings.demo {
        return Ok(None);
    }
    let credentials = services
        .load_demo(settings.demo_api_key.as_deref())
        .await
        .map_err(|e| anyhow::anyhow!("loading the demo center: {e}"))?;
    Ok(Some(credentials))
}

/// Serves `app` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("serving HTTP")
}
