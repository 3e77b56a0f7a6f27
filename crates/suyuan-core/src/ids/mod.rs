//! Identifiers with checked constructors: GB 32100 USCC, GS1 GTIN and GLN, GB/T 2260 region codes.

mod gln;
mod gtin;
mod region;
mod uscc;

pub use gln::Gln;
pub use gtin::{Gtin, gs1_check_digit};
pub use region::{RegionCode, region_name};
pub use uscc::Uscc;

/// Why a string is not a valid identifier; the message says what was expected and what was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("expected {expected} characters, found {found}")]
    Length {
        expected: &'static str,
        found: usize,
    },
    #[error("character {found:?} at position {position} is not allowed; expected {expected}")]
    Character {
        position: usize,
        found: char,
        expected: &'static str,
    },
    #[error("check {kind} is wrong: expected {expected:?}, found {found:?}")]
    CheckCharacter {
        kind: &'static str,
        expected: char,
        found: char,
    },
    #[error("{found:?} is not a region code of GB/T 2260")]
    UnknownRegion { found: String },
}

/// Fails on the first character that is not an ASCII digit, naming its position (from 1).
fn require_digits(input: &str) -> Result<(), IdentifierError> {
    match input.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
        Some((position, found)) => Err(IdentifierError::Character {
            position: position + 1,
            found,
            expected: "a digit",
        }),
        None => Ok(()),
    }
}
