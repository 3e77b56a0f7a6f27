//! Canonical GS1 Digital Link URIs: every identifier form — EPC URNs (`urn:epc:id:sgtin:…`,
//! `urn:epc:class:lgtin:…`, `urn:epc:idpat:…`) and Digital Link URIs on any domain, with
//! alphabetic or numeric AIs — reduced to the one URI on `https://id.gs1.org` that identifies
//! the object.
//!
//! The reduction follows GS1's reference event hash generator exactly, so the center indexes
//! identifiers under the same form the event hash uses.

use std::sync::OnceLock;

use regex::Regex;

pub(crate) fn unreachable_regex() -> Regex {
    // The patterns here are constants that compile; this keeps the code free of panics.
    Regex::new("$^").unwrap_or_else(|_| std::process::abort())
}

const DOMAIN: &str = "https://id.gs1.org/";
const SAFE: &str = r"(?:%2[125-9A-Fa-f]|%3[0-9A-Fa-f]|%4[1-9A-Fa-f]|%5[0-9AaFf]|%6[1-9A-Fa-f]|%7[0-9Aa]|[!')(*+,.0-9:;=A-Za-z_-])";
const CPI_SAFE: &str = r"(?:%2[3dfDF]|%3[0-9]|%4[1-9A-Fa-f]|%5[0-9Aa]|[0-9A-Z-])";
const AI_CHAR: &str = r#"[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A]"#;
const AI_CHAR_SLASH: &str = r#"[\x22\x27\x2D\x2E\x30-\x39\x3B-\x3F\x41-\x5A\x5F\x61-\x7A\x2F]"#;

/// Company prefix (6–12 digits), a dot, and the rest, together `total` digits; with `last`,
/// also a 12-digit prefix followed by `last`.
fn split_alternatives(total: usize, last: Option<&str>) -> String {
    let mut alternatives = Vec::new();
    for company in 6..=12 {
        if total > company {
            alternatives.push(format!(r"\d{{{company}}}\.\d{{{}}}", total - company));
        } else if let Some(last) = last {
            alternatives.push(format!(r"\d{{12}}{last}"));
        }
    }
    format!("(?:{})", alternatives.join("|"))
}

fn variable_alternatives(class: &str, total: usize) -> String {
    let alternatives: Vec<String> = (6..=12)
        .map(|company| format!(r"\d{{{company}}}\.{class}{{1,{}}}", total - company))
        .collect();
    format!("(?:{})", alternatives.join("|"))
}

fn fixed_alternatives(total: usize) -> String {
    let alternatives: Vec<String> = (6..=12)
        .map(|company| format!(r"\d{{{company}}}\.\d{{{}}}$", total - company))
        .collect();
    format!("(?:{})", alternatives.join("|"))
}

/// The URN patterns and the Digital Link checks, compiled once.
struct Patterns {
    urns: Vec<(&'static str, Regex)>,
    dl_filter: Regex,
    canonical_start: Regex,
    gtin14: Regex,
    gtin13: Regex,
    gtin12: Regex,
    gtin8: Regex,
    cpv: Vec<Regex>,
    cpv_slash: Vec<Regex>,
    lot_and_serial: Vec<Regex>,
    final_forms: Vec<Regex>,
}

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|_| unreachable_regex())
}

fn patterns() -> &'static Patterns {
    static PATTERNS: OnceLock<Patterns> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        let gtin13 = split_alternatives(13, None);
        let twelve_dot = split_alternatives(12, Some(r"\."));
        let twelve_dotdot = split_alternatives(12, Some(r"\.\."));
        let urns = vec![
            ("sgtin", format!(r"^urn:epc:id:sgtin:{gtin13}\.{SAFE}{{1,20}}$")),
            ("sscc", format!(r"^urn:epc:id:sscc:{}", fixed_alternatives(17))),
            ("sgln", format!(r"^urn:epc:id:sgln:{twelve_dot}\.{SAFE}{{1,20}}$")),
            ("grai", format!(r"^urn:epc:id:grai:{twelve_dotdot}\.{SAFE}{{1,16}}$")),
            ("giai", format!(r"^urn:epc:id:giai:{}$", variable_alternatives(SAFE, 30))),
            ("gsrn", format!(r"^urn:epc:id:gsrn:{}", fixed_alternatives(17))),
            ("gsrnp", format!(r"^urn:epc:id:gsrnp:{}", fixed_alternatives(17))),
            ("gdti", format!(r"^urn:epc:id:gdti:{twelve_dotdot}{SAFE}{{1,20}}$")),
            ("cpi", format!(r"^urn:epc:id:cpi:{}\.\d{{1,12}}$", variable_alternatives(CPI_SAFE, 30))),
            ("sgcn", format!(r"^urn:epc:id:sgcn:{twelve_dot}\.\d{{1,12}}$")),
            ("ginc", format!(r"^urn:epc:id:ginc:{}$", variable_alternatives(SAFE, 30))),
            ("gsin", format!(r"^urn:epc:id:gsin:{}", fixed_alternatives(16))),
            ("itip", format!(r"^urn:epc:id:itip:{gtin13}\.\d{{2}}\.\d{{2}}\.{SAFE}{{1,20}}$")),
            ("upui", format!(r"^urn:epc:id:upui:{gtin13}\.{SAFE}{{1,28}}$")),
            ("pgln", format!(r"^urn:epc:id:pgln:{twelve_dot}$")),
            ("lgtin", format!(r"^urn:epc:class:lgtin:{gtin13}\.{SAFE}{{1,20}}$")),
            ("idpat-sgtin", format!(r"^urn:epc:idpat:sgtin:{gtin13}\.\*$")),
            ("idpat-grai", format!(r"^urn:epc:idpat:grai:{twelve_dotdot}\.\*$")),
            ("idpat-gdti", format!(r"^urn:epc:idpat:gdti:{twelve_dotdot}\.\*$")),
            ("idpat-sgcn", format!(r"^urn:epc:idpat:sgcn:{twelve_dotdot}\.\*$")),
            ("idpat-cpi", format!(r"^urn:epc:idpat:cpi:{}\.\*$", variable_alternatives(CPI_SAFE, 30))),
            ("idpat-itip", format!(r"^urn:epc:idpat:itip:{gtin13}\.\d{{2}}\.\d{{2}}\.\*$")),
            ("idpat-upui", format!(r"^urn:epc:idpat:upui:{gtin13}\.\*$")),
        ]
        .into_iter()
        .map(|(name, pattern)| (name, regex(&pattern)))
        .collect();
        let keys = "01|gtin|8006|itip|8010|cpid|414|gln|417|party|8017|gsrnp|8018|gsrn|255|gcn|00|sscc|253|gdti|401|ginc|402|gsin|8003|grai|8004|giai";
        let c = AI_CHAR;
        let finals = [
            r"00/\d{18}".to_owned(),
            format!(r"01/\d{{14}}/21/{c}{{0,20}}"),
            format!(r"01/\d{{14}}/10/{c}{{0,20}}"),
            r"01/\d{14}".to_owned(),
            format!(r"01/\d{{14}}/235/{c}{{0,28}}"),
            format!(r"253/\d{{13}}{c}{{0,17}}"),
            r"255/\d{13}\d{0,12}".to_owned(),
            format!(r"401/{c}{{0,30}}"),
            r"402/\d{17}".to_owned(),
            r"414/\d{13}".to_owned(),
            format!(r"414/\d{{13}}/254/{c}{{0,20}}"),
            r"417/\d{13}".to_owned(),
            format!(r"8003/\d{{14}}{c}{{0,16}}"),
            format!(r"8004/{c}{{0,30}}"),
            format!(r"8006/\d{{18}}/21/{c}{{0,20}}"),
            format!(r"8006/\d{{18}}/10/{c}{{0,20}}"),
            r"8006/\d{18}".to_owned(),
            r"8010/[#\-/0-9A-Z]{0,30}/8011/\d{0,12}".to_owned(),
            r"8010/[#\-/0-9A-Z]{0,30}".to_owned(),
            r"8017/\d{18}".to_owned(),
            r"8018/\d{18}".to_owned(),
        ];
        Patterns {
            urns,
            dl_filter: regex(&format!(
                r"^https?:(//(([^/?#]*)@)?[^/?#:]*(:[^/?#]*)?)?(([^?#]*)/({keys})/\d{{4}}[^/]+|/[A-Za-z_-]{{10}}$)"
            )),
            canonical_start: regex(&format!(
                r"^{DOMAIN}(01|8006|8010|414|417|8017|8018|255|00|253|401|402|8003|8004)/\d{{4}}[^/]|^/[A-Za-z_-]{{10}}$"
            )),
            gtin14: regex(&format!(r"^{DOMAIN}01/\d{{14}}")),
            gtin13: regex(&format!(r"^{DOMAIN}01/\d{{13}}")),
            gtin12: regex(&format!(r"^{DOMAIN}01/\d{{12}}")),
            gtin8: regex(&format!(r"^{DOMAIN}01/\d{{8}}")),
            cpv: vec![
                regex(&format!(r"^{DOMAIN}8006/\d{{18}}/22/{c}{{0,20}}$")),
                regex(&format!(r"^{DOMAIN}01/\d{{14}}/22/{c}{{0,20}}$")),
            ],
            cpv_slash: vec![
                regex(&format!(r"^{DOMAIN}8006/\d{{18}}/22/{AI_CHAR_SLASH}{{0,20}}$")),
                regex(&format!(r"^{DOMAIN}01/\d{{14}}/22/{AI_CHAR_SLASH}{{0,20}}$")),
            ],
            lot_and_serial: vec![
                regex(&format!(r"^{DOMAIN}8006/\d{{18}}/10/{c}{{0,20}}/21/{c}{{0,20}}$")),
                regex(&format!(r"^{DOMAIN}01/\d{{14}}/10/{c}{{0,20}}/21/{c}{{0,20}}$")),
            ],
            final_forms: finals.iter().map(|p| regex(&format!("^{DOMAIN}{p}$"))).collect(),
        }
    })
}

fn check_digit(digits: &str) -> String {
    crate::ids::gs1_check_digit(digits)
        .map(String::from)
        .unwrap_or_default()
}

/// Percent-encodes the characters the reference escapes in Digital Link path segments.
fn percent(text: &str) -> String {
    let mut out = text.to_owned();
    for (from, to) in [
        ("!", "%21"),
        ("(", "%28"),
        (")", "%29"),
        ("*", "%2A"),
        ("+", "%2B"),
        (",", "%2C"),
        (":", "%3A"),
    ] {
        out = out.replace(from, to);
    }
    out
}

fn gtin_from(company: &str, reference: &str) -> String {
    let body = format!(
        "{}{company}{}",
        reference.get(..1).unwrap_or(""),
        reference.get(1..).unwrap_or("")
    );
    let check = check_digit(&body);
    format!("{body}{check}")
}

/// The canonical Digital Link URI of an identifier (an EPC URN, or a Digital Link URI on any
/// domain), as GS1's reference event hash generator forms it; `None` for other identifiers.
pub fn canonical(text: &str) -> Option<String> {
    let dot = text.find('.')?;
    let patterns = patterns();
    let slice = |from: usize, to: usize| text.get(from..to.min(text.len())).unwrap_or("");
    let company_reference = |prefix: usize, total: usize| {
        let company = slice(prefix, dot);
        let reference = slice(dot + 1, dot + 1 + total.saturating_sub(company.len()));
        (company, reference)
    };
    let scheme = patterns
        .urns
        .iter()
        .find(|(_, pattern)| pattern.is_match(text))
        .map(|(name, _)| *name);
    let tail = |from: usize| text.get(from..).unwrap_or("");
    let dl = match scheme {
        Some("sgtin") => {
            let (company, reference) = company_reference(17, 13);
            format!(
                "{DOMAIN}01/{}/21/{}",
                gtin_from(company, reference),
                percent(tail(32))
            )
        }
        Some("sscc") => {
            let company = slice(16, dot);
            let raw = format!("{}{company}{}", slice(dot + 1, dot + 2), tail(dot + 2));
            format!("{DOMAIN}00/{raw}{}", check_digit(&raw))
        }
        Some("sgln") => {
            let (company, reference) = company_reference(16, 12);
            let gln = format!(
                "{company}{reference}{}",
                check_digit(&format!("{company}{reference}"))
            );
            let extension = tail(30);
            if extension == "0" {
                format!("{DOMAIN}414/{gln}")
            } else {
                format!("{DOMAIN}414/{gln}/254/{}", percent(extension))
            }
        }
        Some("grai") => {
            let (company, reference) = company_reference(16, 12);
            let raw = format!("0{company}{reference}");
            format!(
                "{DOMAIN}8003/{raw}{}{}",
                check_digit(&raw),
                percent(tail(30))
            )
        }
        Some("giai") => format!("{DOMAIN}8004/{}{}", slice(16, dot), percent(tail(dot + 1))),
        Some("gsrn") => {
            let raw = format!("{}{}", slice(16, dot), tail(dot + 1));
            format!("{DOMAIN}8018/{raw}{}", check_digit(&raw))
        }
        Some("gsrnp") => {
            let raw = format!("{}{}", slice(17, dot), tail(dot + 1));
            format!("{DOMAIN}8017/{raw}{}", check_digit(&raw))
        }
        Some("gdti") => {
            let (company, reference) = company_reference(16, 12);
            let key = format!("{company}{reference}");
            format!(
                "{DOMAIN}253/{key}{}{}",
                check_digit(&key),
                percent(tail(30))
            )
        }
        Some("cpi") | Some("idpat-cpi") => {
            let last = text.rfind('.').unwrap_or(dot);
            let start = if scheme == Some("cpi") { 15 } else { 18 };
            let part = percent(&format!("{}{}", slice(start, dot), slice(dot + 1, last)));
            if scheme == Some("cpi") {
                format!("{DOMAIN}8010/{part}/8011/{}", tail(last + 1))
            } else {
                format!("{DOMAIN}8010/{part}")
            }
        }
        Some("sgcn") => {
            let (company, reference) = company_reference(16, 12);
            let key = format!("{company}{reference}");
            format!("{DOMAIN}255/{key}{}{}", check_digit(&key), tail(30))
        }
        Some("ginc") => format!("{DOMAIN}401/{}{}", slice(16, dot), percent(tail(dot + 1))),
        Some("gsin") => {
            let raw = format!("{}{}", slice(16, dot), tail(dot + 1));
            format!("{DOMAIN}402/{raw}{}", check_digit(&raw))
        }
        Some("itip") => {
            let (company, reference) = company_reference(16, 13);
            format!(
                "{DOMAIN}8006/{}{}{}/21/{}",
                gtin_from(company, reference),
                slice(31, 33),
                slice(34, 36),
                percent(tail(37))
            )
        }
        Some("upui") => {
            let (company, reference) = company_reference(16, 13);
            format!(
                "{DOMAIN}01/{}/235/{}",
                gtin_from(company, reference),
                percent(tail(31))
            )
        }
        Some("pgln") => {
            let (company, reference) = company_reference(16, 12);
            let key = format!("{company}{reference}");
            format!("{DOMAIN}417/{key}{}", check_digit(&key))
        }
        Some("lgtin") => {
            let (company, reference) = company_reference(20, 13);
            format!(
                "{DOMAIN}01/{}/10/{}",
                gtin_from(company, reference),
                percent(tail(35))
            )
        }
        Some("idpat-sgtin") => {
            let (company, reference) = company_reference(20, 13);
            format!("{DOMAIN}01/{}", gtin_from(company, reference))
        }
        Some("idpat-grai") => {
            let (company, reference) = company_reference(19, 12);
            let raw = format!("0{company}{reference}");
            format!("{DOMAIN}8003/{raw}{}", check_digit(&raw))
        }
        Some("idpat-gdti") | Some("idpat-sgcn") => {
            let (company, reference) = company_reference(19, 12);
            let key = format!("{company}{reference}");
            let ai = if scheme == Some("idpat-gdti") {
                "253"
            } else {
                "255"
            };
            format!("{DOMAIN}{ai}/{key}{}", check_digit(&key))
        }
        Some("idpat-itip") => {
            let (company, reference) = company_reference(19, 13);
            format!(
                "{DOMAIN}8006/{}{}{}",
                gtin_from(company, reference),
                slice(34, 36),
                slice(37, 39)
            )
        }
        Some("idpat-upui") => {
            let (company, reference) = company_reference(19, 13);
            format!("{DOMAIN}01/{}", gtin_from(company, reference))
        }
        _ => return canonical_uri(text, patterns),
    };
    Some(dl)
}

/// Moves a Digital Link URI to `id.gs1.org` and reduces it to its identifying part.
fn canonical_uri(text: &str, patterns: &Patterns) -> Option<String> {
    if !patterns.dl_filter.is_match(text) {
        return None;
    }
    let mut uri = text.split('?').next().unwrap_or(text).to_owned();
    for (alpha, numeric_ai) in [
        ("/gtin/", "/01/"),
        ("/itip/", "/8006/"),
        ("/cpid/", "/8010/"),
        ("/gln/", "/414/"),
        ("/party/", "/417/"),
        ("/gsrnp/", "/8017/"),
        ("/gsrn/", "/8018/"),
        ("/gcn/", "/255/"),
        ("/sscc/", "/00/"),
        ("/gdti/", "/253/"),
        ("/ginc/", "/401/"),
        ("/gsin/", "/402/"),
        ("/grai/", "/8003/"),
        ("/giai/", "/8004/"),
        ("/cpv/", "/22/"),
        ("/lot/", "/10/"),
        ("/ser/", "/21/"),
    ] {
        uri = uri.replace(alpha, numeric_ai);
    }
    if !patterns.canonical_start.is_match(&uri) {
        for ai in [
            "00", "01", "253", "255", "401", "402", "414", "417", "8003", "8004", "8006", "8010",
            "8017", "8018",
        ] {
            if let Some(index) = uri.find(&format!("/{ai}/")) {
                uri = format!("https://id.gs1.org{}", &uri[index..]);
                break;
            }
        }
    }
    if !patterns.gtin14.is_match(&uri) {
        if patterns.gtin13.is_match(&uri) {
            uri = uri.replace("/01/", "/01/0");
        } else if patterns.gtin12.is_match(&uri) {
            uri = uri.replace("/01/", "/01/00");
        } else if patterns.gtin8.is_match(&uri) {
            uri = uri.replace("/01/", "/01/000000");
        }
    }
    let after_cpv = uri
        .find("/22/")
        .map(|index| uri[index + 4..].to_owned())
        .unwrap_or_else(|| uri.get(3..).unwrap_or("").to_owned());
    if patterns.cpv.iter().any(|p| p.is_match(&uri))
        && let Some(index) = uri.find("/22/")
    {
        uri.truncate(index);
    }
    if patterns.cpv_slash.iter().any(|p| p.is_match(&uri))
        && let Some(index) = uri.find("/22/")
    {
        let rest = after_cpv
            .find('/')
            .map(|i| after_cpv[i..].to_owned())
            .unwrap_or_default();
        uri = format!("{}{rest}", &uri[..index]);
    }
    if patterns.lot_and_serial.iter().any(|p| p.is_match(&uri))
        && let Some(index) = uri.find("/10/")
    {
        let rest = &uri[index + 4..];
        let tail = rest
            .find('/')
            .map(|i| rest[i..].to_owned())
            .unwrap_or_default();
        uri = format!("{}{tail}", &uri[..index]);
    }
    patterns
        .final_forms
        .iter()
        .any(|p| p.is_match(&uri))
        .then_some(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_become_canonical_digital_links() {
        assert_eq!(
            canonical("urn:epc:id:sgtin:0614141.107346.2017").as_deref(),
            Some("https://id.gs1.org/01/10614141073464/21/2017")
        );
        assert_eq!(
            canonical("urn:epc:id:gdti:0614141.00001.1618034").as_deref(),
            Some("https://id.gs1.org/253/06141410000121618034")
        );
        assert_eq!(
            canonical("https://example.org/8004/401234599999").as_deref(),
            Some("https://id.gs1.org/8004/401234599999")
        );
        assert_eq!(canonical("http://transaction.acme.com/po/12345678"), None);
    }
}
