//! Suyuan's services: the use cases of a traceability center, each one authorization check,
//! validation, and one storage call with its audit record.
//!
//! The interfaces (HTTP API, pages, CLI) call these and nothing below them.

pub mod accounts;
pub mod capture;
pub mod demo;
mod error;
mod ids;
pub mod ledger;
pub mod query;
pub mod registry;

use std::sync::Arc;

use chrono::Duration;
use suyuan_store::Store;

pub use error::{ServiceError, ServiceResult};
pub use suyuan_core::access::Principal;
pub use suyuan_core::audit::Origin;

/// Settings the services need.
#[derive(Debug, Clone)]
pub struct ServiceSettings {
    /// How long a sign-in session lasts.
    pub session_ttl: Duration,
}

impl Default for ServiceSettings {
    fn default() -> Self {
        ServiceSettings {
            session_ttl: Duration::hours(12),
        }
    }
}

/// The center's services over one store; cheap to clone.
#[derive(Clone)]
pub struct Services {
    store: Arc<dyn Store>,
    settings: ServiceSettings,
}

impl Services {
    pub fn new(store: Arc<dyn Store>, settings: ServiceSettings) -> Self {
        Services { store, settings }
    }

    /// The storage backend's name.
    pub fn backend(&self) -> &'static str {
        self.store.backend()
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Checks that storage answers.
    pub async fn health(&self) -> ServiceResult<&'static str> {
        self.store.ping().await?;
        Ok(self.store.backend())
    }
}
