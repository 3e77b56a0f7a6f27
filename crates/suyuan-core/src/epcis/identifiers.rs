//! Identifiers in EPCIS events: EPC URNs (GS1 Tag Data Standard) and GS1 Digital Link URIs.
//!
//! Both forms are accepted wherever an identifier is. A URN is checked against its scheme
//! (digit counts, the company prefix length); a Digital Link URI's primary key against its
//! check digit. [`to_digital_link`] turns a URN into the canonical Digital Link URI on
//! `https://id.gs1.org`, the one form under which the center indexes and compares identifiers.

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
        return check_urn(rest, ID_SCHEMES, "urn:epc:id:").map(|_| ());
    }
    if let Some(rest) = text.strip_prefix("urn:epc:class:") {
        return check_urn(rest, CLASS_SCHEMES, "urn:epc:class:").map(|_| ());
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

/// The parts of a checked URN.
struct ParsedUrn<'a> {
    scheme: &'a Scheme,
    parts: Vec<&'a str>,
}

fn check_urn<'a>(
    rest: &'a str,
    schemes: &'a [Scheme],
    prefix: &str,
) -> Result<ParsedUrn<'a>, String> {
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
            Ok(ParsedUrn {
                scheme: &UNCHECKED,
                parts: vec![body],
            })
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
    let fixed_numeric = if scheme.serial_last {
        scheme.parts - 1
    } else {
        scheme.parts
    };
    let numeric_parts = match scheme.name {
        "itip" => 4,
        "giai" | "ginc" | "cpi" => 1,
        _ => fixed_numeric,
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
    Ok(ParsedUrn { scheme, parts })
}

static UNCHECKED: Scheme = Scheme {
    name: "",
    parts: 1,
    digits: None,
    serial_last: true,
};

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

/// Builds a GS1 key from company prefix and reference with its check digit; for keys with an
/// indicator/extension digit (GTIN, SSCC) the first digit of the reference goes in front.
fn key_with_check(company: &str, reference: &str, leading_digit: bool) -> String {
    let body = if leading_digit && !reference.is_empty() {
        format!("{}{company}{}", &reference[..1], &reference[1..])
    } else {
        format!("{company}{reference}")
    };
    let check = gs1_check_digit(&body).unwrap_or('0');
    format!("{body}{check}")
}

/// Percent-decodes a URN component (TDS escapes) and re-encodes it for a URI path segment.
fn dl_segment(component: &str) -> String {
    let decoded = percent_decode(component);
    let mut out = String::with_capacity(decoded.len());
    for byte in decoded.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$'()*+,;=:@".contains(&byte) && byte != b'\'' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && index + 2 < bytes.len()
            && let Ok(value) = u8::from_str_radix(&text[index + 1..index + 3], 16)
        {
            out.push(value);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical Digital Link URI of an EPC URN, or `None` for identifiers that have none
/// (already a URI of another kind, or a scheme without a GS1 key).
pub fn to_digital_link(identifier: &str) -> Option<String> {
    if let Some(rest) = identifier.strip_prefix("urn:epc:id:") {
        let urn = check_urn(rest, ID_SCHEMES, "urn:epc:id:").ok()?;
        let p = &urn.parts;
        let path = match urn.scheme.name {
            "sgtin" => format!(
                "/01/{}/21/{}",
                key_with_check(p[0], p[1], true),
                dl_segment(p[2])
            ),
            "sscc" => format!("/00/{}", key_with_check(p[0], p[1], true)),
            "sgln" => {
                let gln = key_with_check(p[0], p[1], false);
                if p[2] == "0" {
                    format!("/414/{gln}")
                } else {
                    format!("/414/{gln}/254/{}", dl_segment(p[2]))
                }
            }
            "grai" => format!(
                "/8003/0{}{}",
                key_with_check(p[0], p[1], false),
                dl_segment(p[2])
            ),
            "giai" => format!("/8004/{}{}", p[0], dl_segment(p[1])),
            "gsrn" => format!("/8018/{}", key_with_check(p[0], p[1], false)),
            "gsrnp" => format!("/8017/{}", key_with_check(p[0], p[1], false)),
            "gdti" => format!(
                "/253/{}{}",
                key_with_check(p[0], p[1], false),
                dl_segment(p[2])
            ),
            "cpi" => format!("/8010/{}{}/8011/{}", p[0], dl_segment(p[1]), p[2]),
            "sgcn" => format!("/255/{}{}", key_with_check(p[0], p[1], false), p[2]),
            "ginc" => format!("/401/{}{}", p[0], dl_segment(p[1])),
            "gsin" => format!("/402/{}", key_with_check(p[0], p[1], false)),
            "itip" => format!(
                "/8006/{}{}{}/21/{}",
                key_with_check(p[0], p[1], true),
                p[2],
                p[3],
                dl_segment(p[4])
            ),
            "upui" => format!(
                "/01/{}/235/{}",
                key_with_check(p[0], p[1], true),
                dl_segment(p[2])
            ),
            "pgln" => format!("/417/{}", key_with_check(p[0], p[1], false)),
            _ => return None,
        };
        return Some(format!("{DL_DOMAIN}{path}"));
    }
    if let Some(rest) = identifier.strip_prefix("urn:epc:class:") {
        let urn = check_urn(rest, CLASS_SCHEMES, "urn:epc:class:").ok()?;
        let p = &urn.parts;
        return Some(format!(
            "{DL_DOMAIN}/01/{}/10/{}",
            key_with_check(p[0], p[1], true),
            dl_segment(p[2])
        ));
    }
    if let Some(rest) = identifier.strip_prefix("urn:epc:idpat:sgtin:") {
        let parts: Vec<&str> = rest.split('.').collect();
        if parts.len() == 3 && parts[2] == "*" && parts[0].len() + parts[1].len() == 13 {
            return Some(format!(
                "{DL_DOMAIN}/01/{}",
                key_with_check(parts[0], parts[1], true)
            ));
        }
    }
    None
}

/// The form under which the center indexes an identifier: its canonical Digital Link URI if it
/// has one, the Digital Link URI moved to `https://id.gs1.org` if it is one, else itself.
pub fn index_key(identifier: &str) -> String {
    if let Some(dl) = to_digital_link(identifier) {
        return dl;
    }
    if let Some(rest) = identifier
        .strip_prefix("https://")
        .or_else(|| identifier.strip_prefix("http://"))
        && let Some((_, path)) = rest.split_once('/')
    {
        let first = path.split('/').next().unwrap_or("");
        if DL_KEYS.iter().any(|(ai, ..)| *ai == first)
            || matches!(
                first,
                "8003" | "8004" | "253" | "255" | "401" | "8006" | "8010"
            )
        {
            let path = path.split(['?', '#']).next().unwrap_or(path);
            return format!("{DL_DOMAIN}/{path}");
        }
    }
    identifier.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_the_common_schemes_to_digital_link() {
        assert_eq!(
            to_digital_link("urn:epc:id:sgtin:0614141.107346.2017").as_deref(),
            Some("https://id.gs1.org/01/10614141073464/21/2017")
        );
        assert_eq!(
            to_digital_link("urn:epc:id:sscc:0614141.1234567890").as_deref(),
            Some("https://id.gs1.org/00/106141412345678908")
        );
        assert_eq!(
            to_digital_link("urn:epc:id:sgln:0614141.07346.1234").as_deref(),
            Some("https://id.gs1.org/414/0614141073467/254/1234")
        );
        assert_eq!(
            to_digital_link("urn:epc:id:sgln:0012345.11111.0").as_deref(),
            Some("https://id.gs1.org/414/0012345111112")
        );
        assert_eq!(
            to_digital_link("urn:epc:class:lgtin:4012345.012345.998877").as_deref(),
            Some("https://id.gs1.org/01/04012345123456/10/998877")
        );
        assert_eq!(
            to_digital_link("urn:epc:idpat:sgtin:4012345.098765.*").as_deref(),
            Some("https://id.gs1.org/01/04012345987652")
        );
        assert_eq!(
            to_digital_link("urn:epc:id:pgln:4012345.00225").as_deref(),
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
