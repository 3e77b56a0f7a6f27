//! GS1 EPCIS 2.0 with CBV 2.0: the event model, the vocabularies, identifiers in both their
//! URN and Digital Link forms, and the JSON-LD binding.

pub mod digital_link;
pub mod hash;
pub mod identifiers;
pub mod index;
pub mod jsonld;
pub mod model;
pub mod vocab;
pub mod xml;
mod xml_hash;

pub use model::*;
