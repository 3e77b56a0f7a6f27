//! GS1 Global Location Number (GLN): 13 digits with a mod-10 check digit.

use std::fmt;
use std::str::FromStr;

use super::{IdentifierError, gs1_check_digit, require_digits};

/// A GLN with a correct check digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gln(String);

impl Gln {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Gln {
    type Err = IdentifierError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        require_digits(input)?;
        if input.len() != 13 {
            return Err(IdentifierError::Length {
                expected: "13",
                found: input.len(),
            });
        }
        let expected = gs1_check_digit(&input[..12]).unwrap_or_default();
        let found = char::from(input.as_bytes()[12]);
        if expected != found {
            return Err(IdentifierError::CheckCharacter {
                kind: "digit",
                expected,
                found,
            });
        }
        Ok(Gln(input.to_owned()))
    }
}

impl fmt::Display for Gln {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_gln_with_correct_check_digit() {
        assert!("0614141000005".parse::<Gln>().is_ok());
        assert!("6901234000009".parse::<Gln>().is_ok());
    }

    #[test]
    fn rejects_gln_with_wrong_check_digit() {
        assert_eq!(
            "0614141000006".parse::<Gln>(),
            Err(IdentifierError::CheckCharacter {
                kind: "digit",
                expected: '5',
                found: '6'
            })
        );
        assert!("061414100000".parse::<Gln>().is_err());
    }
}
