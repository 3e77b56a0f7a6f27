//! GS1 EPCIS 2.0 with CBV 2.0: the event model, the vocabularies, identifiers in both their
//! URN and Digital Link forms, the JSON-LD and XML bindings, and the ledger sheets (台账) of
//! SAMR's data lists with the Suyuan extension fields they fill.

pub mod digital_link;
pub mod hash;
pub mod identifiers;
pub mod index;
pub mod jsonld;
pub mod ledger_sheet;
pub mod model;
pub mod trace_fields;
pub mod vocab;
pub mod xml;
mod xml_hash;
pub mod xml_writer;

pub use model::*;
