//! Suyuan's domain core: the identifiers, registry, and access model of a traceability center.
//!
//! Everything here is pure: no I/O, no SQL, no HTTP, no async runtime. Types carry their rules —
//! an identifier that exists as a value has passed its check (`Uscc`, `Gtin`, `RegionCode`).

pub mod access;
pub mod accounts;
pub mod audit;
pub mod catalog;
pub mod clock;
pub mod epcis;
pub mod ids;
pub mod registry;
pub mod validation;
