//! The EPCIS event hash (`ni:///sha-256;…?ver=CBV2.0`): the event ID of an event that does not
//! declare one, equal to what GS1's reference generator (`epcis-event-hash-generator` 1.9.3)
//! computes.
//!
//! The pre-hash string is built from a tree of the event — a node is a name, a text and child
//! nodes — walked in the canonical field order of the standard. Values are normalised first:
//! CBV URNs become Web URIs, numbers lose trailing zeros, identifiers become canonical GS1
//! Digital Link URIs on `id.gs1.org`, times become UTC to the millisecond. Lists are sorted by
//! their rendered text. The reference generator has a few peculiarities (which extension names
//! it keeps in prefix form, booleans written `True`/`False`, extensions under sensor elements
//! without a `/`-terminated namespace left out); they are kept here, because an event ID that
//! differs from everybody else's identifies nothing.

use std::sync::OnceLock;

use chrono::{DateTime, Timelike, Utc};
use regex::Regex;
use sha2::{Digest, Sha256};

use super::jsonld::Namespaces;
use super::model::*;

/// A node of the pre-hash tree, or a (type, value) pair of a business transaction or a
/// source/destination.
#[derive(Debug, Clone)]
enum Item {
    Node(Node),
    Pair(Node, Node),
}

#[derive(Debug, Clone)]
struct Node {
    name: String,
    text: String,
    kids: Vec<Item>,
}

fn leaf(name: &str, text: impl Into<String>) -> Item {
    Item::Node(Node {
        name: name.to_owned(),
        text: text.into(),
        kids: Vec::new(),
    })
}

fn branch(name: &str, kids: Vec<Item>) -> Item {
    Item::Node(Node {
        name: name.to_owned(),
        text: String::new(),
        kids,
    })
}

/// One field of the canonical order, with the order of its children.
struct Field {
    name: &'static str,
    sub: Option<&'static [Field]>,
}

const fn f(name: &'static str) -> Field {
    Field { name, sub: None }
}

const fn nested(name: &'static str, sub: &'static [Field]) -> Field {
    Field {
        name,
        sub: Some(sub),
    }
}

const EPC: &[Field] = &[f("epc")];
const QUANTITY_ELEMENT: &[Field] = &[f("epcClass"), f("quantity"), f("uom")];
const QUANTITY_LIST: &[Field] = &[nested("quantityElement", QUANTITY_ELEMENT)];
const SENSOR_METADATA: &[Field] = &[
    f("time"),
    f("startTime"),
    f("endTime"),
    f("deviceID"),
    f("deviceMetadata"),
    f("rawData"),
    f("dataProcessingMethod"),
    f("bizRules"),
];
const SENSOR_REPORT: &[Field] = &[
    f("type"),
    f("exception"),
    f("deviceID"),
    f("deviceMetadata"),
    f("rawData"),
    f("dataProcessingMethod"),
    f("time"),
    f("microorganism"),
    f("chemicalSubstance"),
    f("value"),
    f("component"),
    f("stringValue"),
    f("booleanValue"),
    f("hexBinaryValue"),
    f("uriValue"),
    f("minValue"),
    f("maxValue"),
    f("meanValue"),
    f("sDev"),
    f("percRank"),
    f("percValue"),
    f("uom"),
    f("coordinateReferenceSystem"),
];
const SENSOR_ELEMENT: &[Field] = &[
    nested("sensorMetadata", SENSOR_METADATA),
    nested("sensorReport", SENSOR_REPORT),
];
const ORDER: &[Field] = &[
    f("eventTime"),
    f("eventTimeZoneOffset"),
    f("certificationInfo"),
    f("parentID"),
    nested("epcList", EPC),
    nested("inputEPCList", EPC),
    nested("childEPCs", EPC),
    nested("quantityList", QUANTITY_LIST),
    nested("childQuantityList", QUANTITY_LIST),
    nested("inputQuantityList", QUANTITY_LIST),
    nested("outputEPCList", EPC),
    nested("outputQuantityList", QUANTITY_LIST),
    f("action"),
    f("transformationID"),
    f("bizStep"),
    f("disposition"),
    nested("persistentDisposition", &[f("set"), f("unset")]),
    nested("readPoint", &[f("id")]),
    nested("bizLocation", &[f("id")]),
    nested(
        "sensorElementList",
        &[nested("sensorElement", SENSOR_ELEMENT)],
    ),
];

/// Fields the hash leaves out at the top of an event.
const IGNORED_TOP: &[&str] = &["recordTime", "eventID", "type", "errorDeclaration"];
/// Value names of (type, value) pairs.
const PAIR_NAMES: &[&str] = &["bizTransaction", "source", "destination"];

/// The event ID of an event: `ni:///sha-256;{hex}?ver=CBV2.0`. `namespaces` are the prefixes
/// the event's document declared (extension names depend on them).
pub fn event_id(event: &Event, namespaces: &Namespaces) -> String {
    let digest = Sha256::digest(pre_hash(event, namespaces).as_bytes());
    format!(
        "ni:///sha-256;{}?ver=CBV2.0",
        data_encoding::HEXLOWER.encode(&digest)
    )
}

/// The canonical pre-hash string of an event.
pub fn pre_hash(event: &Event, namespaces: &Namespaces) -> String {
    let mut kids = event_tree(event, namespaces);
    let mut out = format!("eventType={}", event.event_type.as_str());
    out.push_str(&render_ordered(&mut kids, ORDER));
    let rest: Vec<Item> = kids
        .into_iter()
        .filter(|item| match item {
            Item::Pair(..) => true,
            Item::Node(node) => !IGNORED_TOP.contains(&node.name.as_str()),
        })
        .collect();
    if !rest.is_empty() {
        out.push_str(&render_generic(&rest));
    }
    out
}

// Rendering.

fn render_ordered(nodes: &mut Vec<Item>, order: &[Field]) -> String {
    let mut extensions = Vec::new();
    let top_level = nodes.iter().any(|item| {
        matches!(item, Item::Node(n) if n.name.contains("eventTime") || n.name.contains("action"))
    });
    if nodes.len() > 1 && !top_level {
        let (ext, rest): (Vec<Item>, Vec<Item>) = std::mem::take(nodes).into_iter().partition(
            |item| matches!(item, Item::Node(n) if n.name.contains('{') && n.name.contains("/}")),
        );
        extensions = ext;
        *nodes = rest;
    }
    let mut out = String::new();
    for field in order {
        let mut values = Vec::new();
        let mut index = 0;
        while index < nodes.len() {
            if let Item::Node(node) = &mut nodes[index]
                && node.name == field.name
            {
                let rendered = render_field(node, field.sub);
                if !rendered.is_empty() {
                    values.push(rendered);
                }
                if node.kids.is_empty() {
                    nodes.remove(index);
                    continue;
                }
            }
            index += 1;
        }
        values.sort();
        out.extend(values);
    }
    if !extensions.is_empty() {
        out.push_str(&render_generic(&extensions));
    }
    out
}

fn render_field(node: &mut Node, sub: Option<&[Field]>) -> String {
    let inner = match sub {
        Some(sub) => render_ordered(&mut node.kids, sub),
        None => String::new(),
    };
    let text = node.text.trim();
    let mut value = String::new();
    if !text.is_empty() {
        let lower = node.name.to_lowercase();
        let normalised = if lower.contains("time") && !lower.contains("offset") {
            fix_time(text)
        } else {
            canon(text)
        };
        if !normalised.is_empty() {
            value = format!("={normalised}");
        }
    }
    if value.is_empty() && inner.is_empty() {
        String::new()
    } else {
        format!("{}{value}{inner}", node.name)
    }
}

fn render_generic(items: &[Item]) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .map(|item| match item {
            Item::Pair(a, b) => render_generic(&[Item::Node(a.clone()), Item::Node(b.clone())]),
            Item::Node(node) => {
                let text = node.text.trim();
                let value = if text.is_empty() {
                    String::new()
                } else {
                    format!("={}", canon(text))
                };
                format!("{}{value}{}", node.name, render_generic(&node.kids))
            }
        })
        .collect();
    let has_pair_value = items
        .iter()
        .any(|item| matches!(item, Item::Node(n) if PAIR_NAMES.contains(&n.name.as_str())));
    if items.len() > 1 && !has_pair_value {
        parts.sort();
    }
    parts.concat()
}

// Value normalisation.

fn canon(text: &str) -> String {
    let text = web_vocabulary(text);
    let text = numeric(&text);
    digital_link(&text).unwrap_or(text)
}

fn web_vocabulary(text: &str) -> String {
    let mut out = text.to_owned();
    for (urn, web) in [
        (
            "urn:epcglobal:cbv:bizstep:",
            "https://ref.gs1.org/cbv/BizStep-",
        ),
        ("urn:epcglobal:cbv:disp:", "https://ref.gs1.org/cbv/Disp-"),
        ("urn:epcglobal:cbv:btt:", "https://ref.gs1.org/cbv/BTT-"),
        ("urn:epcglobal:cbv:sdt:", "https://ref.gs1.org/cbv/SDT-"),
        ("urn:epcglobal:cbv:er:", "https://ref.gs1.org/cbv/ER-"),
    ] {
        out = out.replace(urn, web);
    }
    out
}

/// A text that reads as a number, written as the reference writes numbers: integers without
/// a fraction, others in their shortest form.
fn numeric(text: &str) -> String {
    let trimmed = text.trim();
    let cleaned: String = trimmed.chars().filter(|c| *c != '_').collect();
    let underscores_ok = !trimmed.contains('_')
        || trimmed.split('_').all(|part| {
            !part.is_empty()
                && part.chars().next().is_some_and(|c| c.is_ascii_digit())
                && part.chars().last().is_some_and(|c| c.is_ascii_digit())
        });
    let Ok(value) = cleaned.parse::<f64>() else {
        return text.to_owned();
    };
    if !underscores_ok || value.is_nan() || value.is_infinite() {
        return text.to_owned();
    }
    python_number(value)
}

/// A float as Python's `str(int(f))` / `repr(f)` writes it.
pub(crate) fn python_number(value: f64) -> String {
    if value == value.trunc() {
        return format!("{value:.0}");
    }
    let magnitude = value.abs();
    if (1e-4..1e16).contains(&magnitude) {
        return format!("{value}");
    }
    let scientific = format!("{value:e}");
    match scientific.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(digits) => ('-', digits),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => scientific,
    }
}

/// A time as UTC with milliseconds (microseconds truncated, then rounded half to even).
fn fix_time(text: &str) -> String {
    let Some(time) = parse_iso(text) else {
        return text.to_owned();
    };
    let micros = i64::from(time.nanosecond() / 1000);
    let (mut millis, rest) = (micros / 1000, micros % 1000);
    if rest > 500 || (rest == 500 && millis % 2 == 1) {
        millis += 1;
    }
    let base = time.with_nanosecond(0).unwrap_or(time) + chrono::Duration::milliseconds(millis);
    format!("{}Z", base.format("%Y-%m-%dT%H:%M:%S%.3f"))
}

fn parse_iso(text: &str) -> Option<DateTime<Utc>> {
    static ISO: OnceLock<Regex> = OnceLock::new();
    let pattern = ISO.get_or_init(|| {
        Regex::new(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$")
            .unwrap_or_else(|_| unreachable_regex())
    });
    let captures = pattern.captures(text)?;
    let number = |i: usize| {
        captures
            .get(i)
            .map(|m| m.as_str().parse::<u32>().unwrap_or(0))
            .unwrap_or(0)
    };
    let fraction = captures.get(7).map(|m| m.as_str()).unwrap_or("0");
    let micros: u32 = format!("{fraction:0<6}")[..6].parse().unwrap_or(0);
    let date = chrono::NaiveDate::from_ymd_opt(captures[1].parse().ok()?, number(2), number(3))?;
    let naive = date.and_hms_micro_opt(number(4), number(5), number(6), micros)?;
    let offset_seconds = match captures.get(8).map(|m| m.as_str()) {
        None | Some("Z") | Some("z") => 0,
        Some(tz) => {
            let sign = if tz.starts_with('-') { -1 } else { 1 };
            let digits: String = tz[1..].chars().filter(|c| *c != ':').collect();
            let hours: i32 = digits.get(..2)?.parse().ok()?;
            let minutes: i32 = digits
                .get(2..4)
                .map(|m| m.parse().unwrap_or(0))
                .unwrap_or(0);
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let offset = chrono::FixedOffset::east_opt(offset_seconds)?;
    Some(naive.and_local_timezone(offset).single()?.to_utc())
}

fn unreachable_regex() -> Regex {
    // The patterns here are constants that compile; this keeps the code free of panics.
    Regex::new("$^").unwrap_or_else(|_| std::process::abort())
}

// Identifiers to canonical Digital Link URIs, as the reference does it.

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

/// The canonical Digital Link URI the reference gives an identifier, if any.
fn digital_link(text: &str) -> Option<String> {
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
        _ => return canonical_digital_link(text, patterns),
    };
    Some(dl)
}

/// Moves a Digital Link URI to `id.gs1.org` and reduces it to its identifying part.
fn canonical_digital_link(text: &str, patterns: &Patterns) -> Option<String> {
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

// The tree of an event, as the reference reads a JSON-LD event.

/// Expands a value `prefix:rest` whose prefix the document declared.
fn expand_value(text: &str, namespaces: &Namespaces) -> String {
    if let Some((prefix, rest)) = text.split_once(':')
        && let Some((_, uri)) = namespaces.declared().iter().find(|(p, _)| p == prefix)
    {
        return format!("{uri}{rest}");
    }
    text.to_owned()
}

fn time_text(time: &Timestamp) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

fn bool_text(flag: bool) -> &'static str {
    if flag { "True" } else { "False" }
}

fn extension_name(extension: &Extension, namespaces: &Namespaces) -> String {
    if extension.namespace.is_empty() {
        return extension.name.clone();
    }
    match &extension.prefix {
        Some(prefix)
            if !namespaces
                .declared()
                .iter()
                .any(|(p, uri)| p == prefix && *uri == extension.namespace) =>
        {
            format!("{prefix}:{}", extension.name)
        }
        _ => format!("{{{}}}{}", extension.namespace, extension.name),
    }
}

/// The (text, children) of each node a value makes; a list makes one per element.
fn value_nodes(value: &ExtensionValue, namespaces: &Namespaces) -> Vec<(String, Vec<Item>)> {
    match value {
        ExtensionValue::Text(text) => vec![(expand_value(text, namespaces), Vec::new())],
        ExtensionValue::Number(n) => vec![(python_number(*n), Vec::new())],
        ExtensionValue::Bool(flag) => vec![(bool_text(*flag).to_owned(), Vec::new())],
        ExtensionValue::Null => vec![("None".to_owned(), Vec::new())],
        ExtensionValue::Object(fields) => {
            vec![(String::new(), extension_items(fields, namespaces))]
        }
        ExtensionValue::List(items) => items
            .iter()
            .map(|item| match item {
                ExtensionValue::List(_) => {
                    let inner = value_nodes(item, namespaces)
                        .into_iter()
                        .map(|(text, kids)| {
                            Item::Node(Node {
                                name: String::new(),
                                text,
                                kids,
                            })
                        })
                        .collect();
                    (String::new(), inner)
                }
                other => value_nodes(other, namespaces)
                    .into_iter()
                    .next()
                    .unwrap_or_default(),
            })
            .collect(),
    }
}

/// Comments are not data: the reference leaves `rdfs:comment` and `comment` out.
fn is_comment(extension: &Extension) -> bool {
    extension.name == "comment"
        && (extension.namespace.is_empty()
            || extension.namespace == "http://www.w3.org/2000/01/rdf-schema#")
}

fn extension_items(extensions: &[Extension], namespaces: &Namespaces) -> Vec<Item> {
    let mut items = Vec::new();
    for extension in extensions.iter().filter(|e| !is_comment(e)) {
        let name = extension_name(extension, namespaces);
        for (text, kids) in value_nodes(&extension.value, namespaces) {
            items.push(Item::Node(Node {
                name: name.clone(),
                text,
                kids,
            }));
        }
    }
    items
}

fn epcs(name: &str, list: &[String], namespaces: &Namespaces) -> Option<Item> {
    (!list.is_empty()).then(|| {
        branch(
            name,
            list.iter()
                .map(|epc| leaf("epc", expand_value(epc, namespaces)))
                .collect(),
        )
    })
}

fn quantities(name: &str, list: &[QuantityElement], namespaces: &Namespaces) -> Option<Item> {
    (!list.is_empty()).then(|| {
        branch(
            name,
            list.iter()
                .map(|q| {
                    let mut kids = vec![leaf("epcClass", expand_value(&q.epc_class, namespaces))];
                    if let Some(quantity) = q.quantity {
                        kids.push(leaf("quantity", python_number(quantity)));
                    }
                    if let Some(uom) = &q.uom {
                        kids.push(leaf("uom", uom.clone()));
                    }
                    branch("quantityElement", kids)
                })
                .collect(),
        )
    })
}

fn location(name: &str, location: &Location, namespaces: &Namespaces) -> Item {
    let mut kids = vec![leaf("id", expand_value(&location.id, namespaces))];
    kids.extend(extension_items(&location.extensions, namespaces));
    branch(name, kids)
}

fn pairs(name: &str, value_name: &str, list: Vec<(Option<String>, String)>) -> Option<Item> {
    (!list.is_empty()).then(|| {
        branch(
            name,
            list.into_iter()
                .map(|(kind, value)| match kind {
                    Some(kind) => Item::Pair(
                        Node {
                            name: "type".into(),
                            text: kind,
                            kids: Vec::new(),
                        },
                        Node {
                            name: value_name.into(),
                            text: value,
                            kids: Vec::new(),
                        },
                    ),
                    None => leaf(value_name, value),
                })
                .collect(),
        )
    })
}

fn sensor_fields(name: &str, fields: &SensorFields, namespaces: &Namespaces) -> Item {
    let mut kids: Vec<Item> = fields
        .fields
        .iter()
        .map(|(field, value)| {
            let text = match value {
                SensorValue::Time(time) => time_text(time),
                SensorValue::Number(n) => python_number(*n),
                SensorValue::Bool(flag) => bool_text(*flag).to_owned(),
                SensorValue::Text(text) => expand_value(text, namespaces),
            };
            leaf(field, text)
        })
        .collect();
    kids.extend(extension_items(&fields.extensions, namespaces));
    branch(name, kids)
}

fn event_tree(event: &Event, namespaces: &Namespaces) -> Vec<Item> {
    let mut kids = vec![
        leaf("eventTime", time_text(&event.event_time)),
        leaf("eventTimeZoneOffset", event.event_time_zone_offset.clone()),
    ];
    for info in &event.certification_info {
        kids.push(leaf("certificationInfo", expand_value(info, namespaces)));
    }
    if let Some(parent) = &event.parent_id {
        kids.push(leaf("parentID", expand_value(parent, namespaces)));
    }
    kids.extend(epcs("epcList", &event.epc_list, namespaces));
    kids.extend(epcs("childEPCs", &event.child_epcs, namespaces));
    kids.extend(epcs("inputEPCList", &event.input_epc_list, namespaces));
    kids.extend(epcs("outputEPCList", &event.output_epc_list, namespaces));
    kids.extend(quantities("quantityList", &event.quantity_list, namespaces));
    kids.extend(quantities(
        "childQuantityList",
        &event.child_quantity_list,
        namespaces,
    ));
    kids.extend(quantities(
        "inputQuantityList",
        &event.input_quantity_list,
        namespaces,
    ));
    kids.extend(quantities(
        "outputQuantityList",
        &event.output_quantity_list,
        namespaces,
    ));
    if let Some(action) = event.action {
        kids.push(leaf("action", action.as_str()));
    }
    if let Some(id) = &event.transformation_id {
        kids.push(leaf("transformationID", expand_value(id, namespaces)));
    }
    if let Some(step) = &event.biz_step {
        kids.push(leaf("bizStep", step.uri()));
    }
    if let Some(disposition) = &event.disposition {
        kids.push(leaf("disposition", disposition.uri()));
    }
    if let Some(persistent) = &event.persistent_disposition {
        let mut inner: Vec<Item> = persistent
            .set
            .iter()
            .map(|v| leaf("set", v.uri()))
            .collect();
        inner.extend(persistent.unset.iter().map(|v| leaf("unset", v.uri())));
        kids.push(branch("persistentDisposition", inner));
    }
    if let Some(read_point) = &event.read_point {
        kids.push(location("readPoint", read_point, namespaces));
    }
    if let Some(biz_location) = &event.biz_location {
        kids.push(location("bizLocation", biz_location, namespaces));
    }
    kids.extend(pairs(
        "bizTransactionList",
        "bizTransaction",
        event
            .biz_transaction_list
            .iter()
            .map(|bt| {
                (
                    bt.kind.as_ref().map(|k| k.uri().to_owned()),
                    expand_value(&bt.value, namespaces),
                )
            })
            .collect(),
    ));
    kids.extend(pairs(
        "sourceList",
        "source",
        event
            .source_list
            .iter()
            .map(|sd| {
                (
                    Some(sd.kind.uri().to_owned()),
                    expand_value(&sd.value, namespaces),
                )
            })
            .collect(),
    ));
    kids.extend(pairs(
        "destinationList",
        "destination",
        event
            .destination_list
            .iter()
            .map(|sd| {
                (
                    Some(sd.kind.uri().to_owned()),
                    expand_value(&sd.value, namespaces),
                )
            })
            .collect(),
    ));
    if !event.sensor_element_list.is_empty() {
        let elements = event
            .sensor_element_list
            .iter()
            .map(|element| {
                let mut inner = Vec::new();
                if let Some(metadata) = &element.metadata {
                    inner.push(sensor_fields("sensorMetadata", metadata, namespaces));
                }
                for report in &element.reports {
                    inner.push(sensor_fields("sensorReport", report, namespaces));
                }
                inner.extend(extension_items(&element.extensions, namespaces));
                branch("sensorElement", inner)
            })
            .collect();
        kids.push(branch("sensorElementList", elements));
    }
    if let Some(ilmd) = &event.ilmd {
        kids.push(branch("ilmd", extension_items(ilmd, namespaces)));
    }
    kids.extend(extension_items(&event.extensions, namespaces));
    kids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_the_reference_writes_them() {
        assert_eq!(python_number(200.0), "200");
        assert_eq!(python_number(200.5), "200.5");
        assert_eq!(python_number(0.1), "0.1");
        assert_eq!(python_number(1e-5), "1e-05");
        assert_eq!(python_number(1.5e17), "150000000000000000");
        assert_eq!(numeric("23.0"), "23");
        assert_eq!(numeric("007"), "7");
        assert_eq!(numeric("abc"), "abc");
    }

    #[test]
    fn times_become_utc_milliseconds_rounded_half_to_even() {
        assert_eq!(
            fix_time("2005-04-03T20:33:31.116000-06:00"),
            "2005-04-04T02:33:31.116Z"
        );
        assert_eq!(
            fix_time("2020-01-01T00:00:00.0005Z"),
            "2020-01-01T00:00:00.000Z"
        );
        assert_eq!(
            fix_time("2020-01-01T00:00:00.0015Z"),
            "2020-01-01T00:00:00.002Z"
        );
        assert_eq!(fix_time("2020-01-01T00:00:00Z"), "2020-01-01T00:00:00.000Z");
    }

    #[test]
    fn identifiers_become_canonical_digital_links() {
        assert_eq!(
            digital_link("urn:epc:id:sgtin:0614141.107346.2017").as_deref(),
            Some("https://id.gs1.org/01/10614141073464/21/2017")
        );
        assert_eq!(
            digital_link("urn:epc:id:gdti:0614141.00001.1618034").as_deref(),
            Some("https://id.gs1.org/253/06141410000121618034")
        );
        assert_eq!(
            digital_link("https://example.org/8004/401234599999").as_deref(),
            Some("https://id.gs1.org/8004/401234599999")
        );
        assert_eq!(
            digital_link("http://transaction.acme.com/po/12345678"),
            None
        );
    }
}
