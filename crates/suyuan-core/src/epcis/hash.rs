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

use super::digital_link::{canonical as digital_link, unreachable_regex};
use super::jsonld::{Namespaces, sensor_vocabulary};
use super::model::*;

/// A node of the pre-hash tree, or a (type, value) pair of a business transaction or a
/// source/destination.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Node(Node),
    Pair(Node, Node),
}

/// A named node with its text and children: an element of the event as the reference sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) text: String,
    pub(crate) kids: Vec<Item>,
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
    // The reference lists these with an order of (type, value) pairs that matches no child
    // by name: they only take their place here through extensions of the list itself, and
    // are otherwise written with the fields it does not order, at the end.
    nested("bizTransactionList", &[]),
    nested("sourceList", &[]),
    nested("destinationList", &[]),
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
    id_of_pre_hash(&pre_hash(event, namespaces))
}

/// The event ID a pre-hash string hashes to.
pub fn id_of_pre_hash(pre_hash: &str) -> String {
    let digest = Sha256::digest(pre_hash.as_bytes());
    format!(
        "ni:///sha-256;{}?ver=CBV2.0",
        data_encoding::HEXLOWER.encode(&digest)
    )
}

/// The canonical pre-hash string of an event.
pub fn pre_hash(event: &Event, namespaces: &Namespaces) -> String {
    render_event(event.event_type.as_str(), event_tree(event, namespaces))
}

/// The pre-hash string of an event of type `event_type` whose fields are `kids`: the fields in
/// the canonical order, then the others but those the hash leaves out.
pub(crate) fn render_event(event_type: &str, mut kids: Vec<Item>) -> String {
    let mut out = format!("eventType={event_type}");
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
                // A vocabulary term is hashed as its Web URI; a compact IRI such as
                // `gs1:Temperature` as written, unless the document declared its prefix.
                SensorValue::Text(text) => match sensor_vocabulary(field) {
                    Some(vocabulary) if !text.contains(':') => vocabulary
                        .parse(text)
                        .map(|v| v.uri().to_owned())
                        .unwrap_or_else(|_| text.clone()),
                    _ => expand_value(text, namespaces),
                },
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
}
