//! 统一社会信用代码 (Unified Social Credit Code), GB 32100-2015.
//!
//! 18 characters: registration authority (1), organization category (1), region code per
//! GB/T 2260 (6), organization code (9), and a check character computed over the first 17.

use std::fmt;
use std::str::FromStr;

use super::IdentifierError;

/// The 31 characters a USCC may use: digits and capitals without I, O, S, V, Z.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// A USCC whose check character is correct.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

impl Uscc {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The six-digit administrative region part (positions 3–8).
    pub fn region_part(&self) -> &str {
        &self.0[2..8]
    }

    /// Computes the check character for the first 17 characters of a USCC.
    ///
    /// Weights are 3^(i−1) mod 31; the check is the character whose value makes the weighted
    /// sum divisible by 31.
    pub fn check_character(first17: &str) -> Result<char, IdentifierError> {
        if first17.chars().count() != 17 {
            return Err(IdentifierError::Length {
                expected: "17",
                found: first17.chars().count(),
            });
        }
        let mut sum = 0u32;
        let mut weight = 1u32;
        for (position, ch) in first17.chars().enumerate() {
            sum += value_of(ch, position)? * weight;
            weight = weight * 3 % 31;
        }
        let check = (31 - sum % 31) % 31;
        Ok(char::from(ALPHABET[check as usize]))
    }
}

fn value_of(ch: char, position: usize) -> Result<u32, IdentifierError> {
    u8::try_from(ch)
        .ok()
        .and_then(|byte| ALPHABET.iter().position(|&a| a == byte))
        .map(|value| value as u32)
        .ok_or(IdentifierError::Character {
            position: position + 1,
            found: ch,
            expected: "a digit or a capital letter other than I, O, S, V, Z",
        })
}

impl FromStr for Uscc {
    type Err = IdentifierError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let count = input.chars().count();
        if count != 18 {
            return Err(IdentifierError::Length {
                expected: "18",
                found: count,
            });
        }
        let (first17, check) = input.split_at(input.len() - 1);
        let found = check.chars().next().unwrap_or_default();
        value_of(found, 17)?;
        let expected = Uscc::check_character(first17)?;
        if found != expected {
            return Err(IdentifierError::CheckCharacter {
                kind: "character",
                expected,
                found,
            });
        }
        if !input[2..8].bytes().all(|b| b.is_ascii_digit()) {
            let (position, found) = input
                .chars()
                .enumerate()
                .skip(2)
                .find(|(_, c)| !c.is_ascii_digit())
                .unwrap_or((2, '?'));
            return Err(IdentifierError::Character {
                position: position + 1,
                found,
                expected: "a digit (positions 3–8 are a GB/T 2260 region code)",
            });
        }
        Ok(Uscc(input.to_owned()))
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published codes of real organizations, and codes whose check python-stdnum
    // (`stdnum.cn.uscc`, an independent implementation) computes; digits and letters both.
    const VALID: &[&str] = &[
        "91350100M000100Y43",
        "91110000802100433B",
        "11100000000013127D",
        "12100000400010398P",
        "91440101MA59UYGR0A",
        "91310000MA1FL4LF41",
    ];

    #[test]
    fn accepts_published_codes() {
        for code in VALID {
            let uscc: Uscc = code.parse().unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(uscc.as_str(), *code);
        }
    }

    #[test]
    fn computes_the_check_character() {
        assert_eq!(Uscc::check_character("91350100M000100Y4"), Ok('3'));
        assert_eq!(Uscc::check_character("91110000802100433"), Ok('B'));
    }

    #[test]
    fn rejects_wrong_check_character_and_names_the_expected_one() {
        let err = "91350100M000100Y44".parse::<Uscc>().unwrap_err();
        assert_eq!(
            err,
            IdentifierError::CheckCharacter {
                kind: "character",
                expected: '3',
                found: '4'
            }
        );
        assert!(err.to_string().contains("expected '3'"));
    }

    #[test]
    fn check_value_zero_maps_to_digit_zero() {
        // Search a body whose weighted sum is divisible by 31: its check must be '0'.
        let body = (0..31)
            .map(|last| format!("9144010100000000{}", char::from(ALPHABET[last])))
            .find(|body| Uscc::check_character(body) == Ok('0'))
            .expect("some last character yields check 0");
        assert!(format!("{body}0").parse::<Uscc>().is_ok());
    }

    #[test]
    fn check_value_thirty_maps_to_y() {
        let body = (0..31)
            .map(|last| format!("9144010100000000{}", char::from(ALPHABET[last])))
            .find(|body| Uscc::check_character(body) == Ok('Y'))
            .expect("some last character yields check Y");
        assert!(format!("{body}Y").parse::<Uscc>().is_ok());
    }

    #[test]
    fn rejects_wrong_length() {
        assert_eq!(
            "91350100M000100Y4".parse::<Uscc>(),
            Err(IdentifierError::Length {
                expected: "18",
                found: 17
            })
        );
        assert!("".parse::<Uscc>().is_err());
        assert!("91350100M000100Y433".parse::<Uscc>().is_err());
    }

    #[test]
    fn rejects_letters_outside_the_alphabet() {
        for bad in ["I", "O", "S", "V", "Z", "a", "中"] {
            let code = format!("91350100M000100{bad}43");
            match code.parse::<Uscc>() {
                Err(IdentifierError::Character { position, .. }) => assert_eq!(position, 16),
                Err(IdentifierError::Length { .. }) => assert_eq!(bad, "中"),
                other => panic!("{code}: {other:?}"),
            }
        }
    }

    #[test]
    fn lowercase_is_not_accepted() {
        assert!("91350100m000100y43".parse::<Uscc>().is_err());
    }

    #[test]
    fn region_part_is_positions_three_to_eight() {
        let uscc: Uscc = "91440101MA59UYGR0A".parse().unwrap();
        assert_eq!(uscc.region_part(), "440101");
    }
}
