//! Identifiers in EPCIS events: EPC URNs (GS1 Tag Data Standard) and GS1 Digital Link URIs.
//!
//! Both forms are accepted wherever an identifier is. A URN is checked against its scheme
//! (digit counts, the company prefix length); a Digital Link URI's primary key against its
//! check digit. [`index_key`] gives the canonical Digital Link URI on `https://id.gs1.org`, the
//! one form under which the center indexes and compares identifiers.

use crate::ids::gs1_check_digit;

/// The canonical Digital Link domain.
pub const DL_DOMAIN: &str = "https://id.gs1.org";

/// A GS1 key scheme of the EPC URN forms, with the digits the company prefix and the reference
/// must add up to (`None` where there is no fixed total).
struct Scheme {
    name: &'static str,
    /// How many dot-separated parts follow the scheme name.
    parts: usize,
    /// Total digits of company prefix + first reference, if fixed.
    digits: Option<usize>,
    /// Whether the last part is a free serial (alphanumeric, escaped).
    serial_last: bool,
}

const ID_SCHEMES: &[Scheme] = &[
    Scheme {
        name: "sgtin",
        parts: 3,
        digits: Some(13),
        serial_last: true,
    },
    Scheme {
        name: "sscc",
        parts: 2,
        digits: Some(17),
        serial_last: false,
    },
    Scheme {
        name: "sgln",
        parts: 3,
        digits: Some(12),
        serial_last: true,
    },
    Scheme {
        name: "grai",
        parts: 3,
        digits: Some(12),
        serial_last: true,
    },
    Scheme {
        name: "giai",
        parts: 2,
        digits: None,
        serial_last: true,
    },
    Scheme {
        name: "gsrn",
        parts: 2,
        digits: Some(17),
        serial_last: false,
    },
    Scheme {
        name: "gsrnp",
        parts: 2,
        digits: Some(17),
        serial_last: false,
    },
    Scheme {
        name: "gdti",
        parts: 3,
        digits: Some(12),
        serial_last: true,
    },
    Scheme {
        name: "cpi",
        parts: 3,
        digits: None,
        serial_last: true,
    },
    Scheme {
        name: "sgcn",
        parts: 3,
        digits: Some(12),
        serial_last: true,
    },
    Scheme {
        name: "ginc",
        parts: 2,
        digits: None,
        serial_last: true,
    },
    Scheme {
        name: "gsin",
        parts: 2,
        digits: Some(16),
        serial_last: false,
    },
    Scheme {
        name: "itip",
        parts: 5,
        digits: Some(13),
        serial_last: true,
    },
    Scheme {
        name: "upui",
        parts: 3,
        digits: Some(13),
        serial_last: true,
    },
    Scheme {
        name: "pgln",
        parts: 2,
        digits: Some(12),
        serial_last: false,
    },
];

const CLASS_SCHEMES: &[Scheme] = &[Scheme {
    name: "lgtin",
    parts: 3,
    digits: Some(13),
    serial_last: true,
}];

/// Checks that a text is a usable identifier: a well-formed EPC URN, a Digital Link URI with a
/// correct check digit, or another absolute URI.
pub fn check_identifier(text: &str) -> Result<(), String> {
    if let Some(rest) = text.strip_prefix("urn:epc:id:") {
        return check_urn(rest, ID_SCHEMES, "urn:epc:id:");
    }
    if let Some(rest) = text.strip_prefix("urn:epc:class:") {
        return check_urn(rest, CLASS_SCHEMES, "urn:epc:class:");
    }
    if let Some(rest) = text.strip_prefix("urn:epc:idpat:") {
        return check_pattern(rest);
    }
    if text.starts_with("http://") || text.starts_with("https://") {
        return check_digital_link(text);
    }
    if super::vocab::is_absolute_uri(text) {
        return Ok(());
    }
    Err(format!(
        "expected an EPC URN (urn:epc:id:…), a GS1 Digital Link URI or another absolute URI, found {text:?}"
    ))
}

/// Checks an EPC URN after `prefix` against the scheme it names.
fn check_urn(rest: &str, schemes: &[Scheme], prefix: &str) -> Result<(), String> {
    let (name, body) = rest
        .split_once(':')
        .ok_or_else(|| format!("expected {prefix}SCHEME:…, found {prefix}{rest:?}"))?;
    let Some(scheme) = schemes.iter().find(|s| s.name == name) else {
        // EPC schemes without a GS1 key (gid, usdod, adi, bic, imovn, lei, …) are kept as they
        // are; class URNs have only lgtin.
        return if body.is_empty() || schemes.len() == 1 {
            Err(format!(
                "{prefix}{name}:{body} is not a known EPC scheme with a body"
            ))
        } else {
            Ok(())
        };
    };
    let parts: Vec<&str> = body.split('.').collect();
    if parts.len() != scheme.parts {
        return Err(format!(
            "{prefix}{name} expects {} dot-separated parts, found {} in {body:?}",
            scheme.parts,
            parts.len()
        ));
    }
    let company = parts[0];
    if !(6..=12).contains(&company.len()) || !company.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{prefix}{name}: the company prefix must be 6 to 12 digits, found {company:?}"
        ));
    }
    // The parts after the company prefix that are digits: all but a trailing serial, except
    // where the reference itself is alphanumeric (giai, ginc, cpi).
    let numeric_parts = match scheme.name {
        "itip" => 4,
        "giai" | "ginc" | "cpi" => 1,
        _ if scheme.serial_last => scheme.parts - 1,
        _ => scheme.parts,
    };
    for part in &parts[1..numeric_parts] {
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "{prefix}{name}: expected digits, found {part:?} in {body:?}"
            ));
        }
    }
    if let Some(total) = scheme.digits {
        let found = company.len() + parts[1].len();
        if found != total {
            return Err(format!(
                "{prefix}{name}: company prefix and reference must have {total} digits together, found {found} in {body:?}"
            ));
        }
    }
    if scheme.serial_last {
        let serial = parts[scheme.parts - 1];
        if serial.is_empty()
            && scheme.name != "grai"
            && scheme.name != "gdti"
            && scheme.name != "sgcn"
        {
            return Err(format!(
                "{prefix}{name}: the serial part is empty in {body:?}"
            ));
        }
        if let Some(bad) = serial.chars().find(|c| !is_urn_char(*c)) {
            return Err(format!(
                "{prefix}{name}: {bad:?} is not allowed in {serial:?} (escape it as %XX)"
            ));
        }
    }
    Ok(())
}

/// Characters an EPC URN component may hold (TDS §5: GS1 AI encodable, `%` escapes).
fn is_urn_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-_.:;=!'()*+,%".contains(c)
}

fn check_pattern(rest: &str) -> Result<(), String> {
    let (name, body) = rest
        .split_once(':')
        .ok_or_else(|| format!("expected urn:epc:idpat:SCHEME:…, found {rest:?}"))?;
    if name.is_empty() || body.is_empty() {
        return Err(format!("urn:epc:idpat:{rest} is incomplete"));
    }
    Ok(())
}

/// The Digital Link primary keys (AI, length, whether it ends in a check digit).
const DL_KEYS: &[(&str, usize, bool)] = &[
    ("01", 14, true),
    ("00", 18, true),
    ("414", 13, true),
    ("417", 13, true),
    ("8018", 18, true),
    ("8017", 18, true),
    ("402", 17, true),
];

fn check_digital_link(text: &str) -> Result<(), String> {
    let after_scheme = text.split_once("://").map(|(_, rest)| rest).unwrap_or(text);
    let path = after_scheme
        .split_once('/')
        .map(|(_, path)| path)
        .unwrap_or("");
    let path = path.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = path.split('/').collect();
    for (index, segment) in segments.iter().enumerate() {
        if let Some((ai, length, check)) = DL_KEYS.iter().find(|(ai, ..)| ai == segment) {
            let Some(value) = segments.get(index + 1) else {
                return Err(format!("Digital Link {text:?}: AI ({ai}) has no value"));
            };
            if value.len() != *length || !value.bytes().all(|b| b.is_ascii_digit()) {
                // GTINs may be given in 8, 12 or 13 digits only when zero-padded; require 14.
                return Err(format!(
                    "Digital Link {text:?}: AI ({ai}) expects {length} digits, found {value:?}"
                ));
            }
            if *check {
                let expected = gs1_check_digit(&value[..length - 1]).unwrap_or('?');
                let found = value.chars().last().unwrap_or('?');
                if expected != found {
                    return Err(format!(
                        "Digital Link {text:?}: check digit of ({ai}) is wrong: expected {expected:?}, found {found:?}"
                    ));
                }
            }
            return Ok(());
        }
    }
    // An http(s) URI that is not a Digital Link is still a valid identifier.
    Ok(())
}

/// The form under which the center indexes an identifier: its canonical Digital Link URI if
/// it has one (so URN and Digital Link queries find the same events), else itself.
pub fn index_key(identifier: &str) -> String {
    super::digital_link::canonical(identifier).unwrap_or_else(|| identifier.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::epcis::digital_link::canonical;

    #[test]
    fn converts_the_common_schemes_canonical() {
        assert_eq!(
            canonical("urn:epc:id:sgtin:0614141.107346.2017").as_deref(),
            Some("https://id.gs1.org/01/10614141073464/21/2017")
        );
        assert_eq!(
            canonical("urn:epc:id:sscc:0614141.1234567890").as_deref(),
            Some("https://id.gs1.org/00/106141412345678908")
        );
        assert_eq!(
            canonical("urn:epc:id:sgln:0614141.07346.1234").as_deref(),
            Some("https://id.gs1.org/414/0614141073467/254/1234")
        );
        assert_eq!(
            canonical("urn:epc:id:sgln:0012345.11111.0").as_deref(),
            Some("https://id.gs1.org/414/0012345111112")
        );
        assert_eq!(
            canonical("urn:epc:class:lgtin:4012345.012345.998877").as_deref(),
            Some("https://id.gs1.org/01/04012345123456/10/998877")
        );
        assert_eq!(
            canonical("urn:epc:idpat:sgtin:4012345.098765.*").as_deref(),
            Some("https://id.gs1.org/01/04012345987652")
        );
        assert_eq!(
            canonical("urn:epc:id:pgln:4012345.00225").as_deref(),
            Some("https://id.gs1.org/417/4012345002256")
        );
    }

    #[test]
    fn both_forms_index_alike() {
        assert_eq!(
            index_key("urn:epc:id:sgtin:0614141.107346.2017"),
            index_key("https://example.com/01/10614141073464/21/2017")
        );
    }

    #[test]
    fn refuses_malformed_urns_and_bad_check_digits() {
        assert!(check_identifier("urn:epc:id:sgtin:0614141.107346.2017").is_ok());
        assert!(
            check_identifier("urn:epc:id:sgtin:0614141.10734.2017")
                .unwrap_err()
                .contains("13 digits")
        );
        assert!(check_identifier("urn:epc:id:sgtin:0614141.107346").is_err());
        assert!(check_identifier("urn:epc:id:sgtin:06141A1.107346.1").is_err());
        assert!(
            check_identifier("https://id.gs1.org/01/10614141073465/21/2017")
                .unwrap_err()
                .contains("expected '4'")
        );
        assert!(check_identifier("https://id.gs1.org/01/10614141073464/21/2017").is_ok());
        assert!(check_identifier("not an identifier").is_err());
        assert!(check_identifier("urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8").is_ok());
    }
}
