//! Behaviour of the whole center through its public API: the storage story on every backend,
//! the HTTP API over real connections, crash safety of the real binary, the OpenAPI document.
//!
//! SQLite always runs; PostgreSQL runs too when `SUYUAN_TEST_DATABASE_URL` is set (each test
//! gets a fresh database created there).

mod cli;
mod crash;
mod epcis_api;
mod epcis_openapi_walk;
mod http_api;
mod ledger_upload;
mod openapi;
mod store_story;
mod support;
