//! GS1 Global Trade Item Number (GTIN-8, -12, -13, -14) with its mod-10 check digit.

use std::fmt;
use std::str::FromStr;

use super::{IdentifierError, require_digits};

/// A GTIN with a correct check digit, kept in its 14-digit form (left-padded with zeros).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gtin(String);

impl Gtin {
    /// The 14-digit form used in GS1 Digital Link URIs and element strings.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The GS1 mod-10 check digit over `digits` (all ASCII digits, check digit excluded).
///
/// Weights alternate 3 and 1 starting with 3 at the rightmost digit, so the same function
/// serves GTIN, GLN and SSCC of any length.
pub fn gs1_check_digit(digits: &str) -> Option<char> {
    let mut sum = 0u32;
    for (index, byte) in digits.bytes().rev().enumerate() {
        if !byte.is_ascii_digit() {
            return None;
        }
        let weight = if index % 2 == 0 { 3 } else { 1 };
        sum += u32::from(byte - b'0') * weight;
    }
    char::from_digit((10 - sum % 10) % 10, 10)
}

impl FromStr for Gtin {
    type Err = IdentifierError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        require_digits(input)?;
        if !matches!(input.len(), 8 | 12 | 13 | 14) {
            return Err(IdentifierError::Length {
                expected: "8, 12, 13 or 14",
                found: input.len(),
            });
        }
        let (body, check) = input.split_at(input.len() - 1);
        let found = check.chars().next().unwrap_or_default();
        let expected = gs1_check_digit(body).unwrap_or_default();
        if found != expected {
            return Err(IdentifierError::CheckCharacter {
                kind: "digit",
                expected,
                found,
            });
        }
        Ok(Gtin(format!("{input:0>14}")))
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_every_gtin_length_and_pads_to_fourteen() {
        for (input, padded) in [
            ("96385074", "00000096385074"),
            ("036000291452", "00036000291452"),
            ("6901234567892", "06901234567892"),
            ("4006381333931", "04006381333931"),
            ("10614141000415", "10614141000415"),
            ("09506000134352", "09506000134352"),
        ] {
            let gtin: Gtin = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(gtin.as_str(), padded);
        }
    }

    #[test]
    fn rejects_gtin_with_wrong_check_digit_and_names_the_expected_digit() {
        let err = "6901234567893".parse::<Gtin>().unwrap_err();
        assert_eq!(
            err,
            IdentifierError::CheckCharacter {
                kind: "digit",
                expected: '2',
                found: '3'
            }
        );
        assert_eq!(
            err.to_string(),
            "check digit is wrong: expected '2', found '3'"
        );
    }

    #[test]
    fn computes_check_digits_of_any_length() {
        // Expected values cross-checked with python-stdnum's `ean.calc_check_digit`.
        assert_eq!(gs1_check_digit("0950600013435"), Some('2'));
        assert_eq!(gs1_check_digit("1234567890"), Some('5'));
        assert_eq!(gs1_check_digit("00000000000"), Some('0'));
        assert_eq!(gs1_check_digit("614141000041"), Some('0'));
    }

    #[test]
    fn rejects_other_lengths_and_non_digits() {
        assert!(matches!(
            "1234567".parse::<Gtin>(),
            Err(IdentifierError::Length { found: 7, .. })
        ));
        assert!(matches!(
            "123456789012345".parse::<Gtin>(),
            Err(IdentifierError::Length { found: 15, .. })
        ));
        assert!(matches!(
            "69012345678A2".parse::<Gtin>(),
            Err(IdentifierError::Character {
                position: 12,
                found: 'A',
                ..
            })
        ));
        assert!("".parse::<Gtin>().is_err());
    }
}
