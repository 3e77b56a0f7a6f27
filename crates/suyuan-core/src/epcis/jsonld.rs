//! The JSON-LD binding of EPCIS 2.0: reading `EPCISDocument`, `EPCISQueryDocument` and single
//! events with an error for every problem (each named by its JSON pointer), and writing them
//! back in the standard's compact form.
//!
//! Both context forms GS1 publishes are understood offline: the document names the EPCIS
//! context by URL and may add prefixes of its own for extensions. Standard fields, compact CBV
//! terms and full URIs are accepted alike; fields outside the standard must be namespaced
//! (`prefix:name` with the prefix in `@context`, or a full URI) and are kept as extensions.

use serde_json::{Map, Number, Value};

use super::identifiers::check_identifier;
use super::model::*;
use super::vocab::{EPCIS_CONTEXT_URL, Vocabulary};
use crate::validation::{Violations, pointer_token};

/// Context URLs that name GS1's EPCIS 2.0 context (understood without fetching them).
pub const KNOWN_CONTEXT_URLS: &[&str] = &[
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
    "https://gs1.github.io/EPCIS/epcis-context.jsonld",
    "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context-simple.jsonld",
    "https://ref.gs1.org/standards/epcis/epcis-context-simple.jsonld",
];

/// Prefixes the EPCIS context itself defines.
const STANDARD_PREFIXES: &[(&str, &str)] = &[
    ("epcis", "https://ref.gs1.org/epcis/"),
    ("cbv", "https://ref.gs1.org/cbv/"),
    ("cbvmda", "urn:epcglobal:cbv:mda:"),
    ("gs1", "https://gs1.org/voc/"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("dcterms", "http://purl.org/dc/terms/"),
];

/// The namespace prefixes in force for a document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Namespaces {
    /// (prefix, namespace URI), the document's own first.
    declared: Vec<(String, String)>,
}

impl Namespaces {
    pub fn declared(&self) -> &[(String, String)] {
        &self.declared
    }

    pub fn from_declared(declared: Vec<(String, String)>) -> Self {
        Namespaces { declared }
    }

    fn lookup(&self, prefix: &str) -> Option<&str> {
        self.declared
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, uri)| uri.as_str())
            .or_else(|| {
                STANDARD_PREFIXES
                    .iter()
                    .find(|(p, _)| *p == prefix)
                    .map(|(_, uri)| *uri)
            })
    }

    /// The namespace, prefix and local name of an extension key, if it is namespaced.
    fn resolve(&self, key: &str) -> Option<(String, Option<String>, String)> {
        let (prefix, local) = key.split_once(':')?;
        if local.starts_with("//") {
            // A full URI: split after the last '#' or '/'.
            let cut = key.rfind(['#', '/'])? + 1;
            return Some((key[..cut].to_owned(), None, key[cut..].to_owned()));
        }
        let namespace = self.lookup(prefix)?;
        Some((
            namespace.to_owned(),
            Some(prefix.to_owned()),
            local.to_owned(),
        ))
    }

    /// A prefix for `namespace`, declaring a new one if needed.
    fn prefix_for(&mut self, namespace: &str, preferred: Option<&str>) -> String {
        if let Some((prefix, _)) = self.declared.iter().find(|(_, uri)| uri == namespace) {
            return prefix.clone();
        }
        if let Some((prefix, _)) = STANDARD_PREFIXES.iter().find(|(_, uri)| *uri == namespace) {
            return (*prefix).to_owned();
        }
        let mut candidate = preferred.unwrap_or("ext").to_owned();
        let mut n = 1;
        while self.lookup(&candidate).is_some() {
            candidate = format!("{}{n}", preferred.unwrap_or("ext"));
            n += 1;
        }
        self.declared
            .push((candidate.clone(), namespace.to_owned()));
        candidate
    }
}

/// Reads the `@context` of a document or event.
fn read_context(value: Option<&Value>, pointer: &str, violations: &mut Violations) -> Namespaces {
    let mut namespaces = Namespaces::default();
    let mut names_epcis = false;
    let entries: Vec<(usize, &Value)> = match value {
        None => {
            violations.add(
                pointer,
                format!(
                    "@context is required and must name the EPCIS context ({EPCIS_CONTEXT_URL})"
                ),
            );
            return namespaces;
        }
        Some(Value::Array(items)) => items.iter().enumerate().collect(),
        Some(single) => vec![(usize::MAX, single)],
    };
    for (index, entry) in entries {
        let at = if index == usize::MAX {
            pointer.to_owned()
        } else {
            format!("{pointer}/{index}")
        };
        match entry {
            Value::String(url) => {
                if KNOWN_CONTEXT_URLS.contains(&url.as_str()) {
                    names_epcis = true;
                } else {
                    violations.add(
                        at,
                        format!(
                            "unknown context {url:?}: only GS1's EPCIS 2.0 contexts ({}) are understood; declare extension prefixes inline",
                            KNOWN_CONTEXT_URLS[0]
                        ),
                    );
                }
            }
            Value::Object(map) => {
                for (prefix, uri) in map {
                    match uri {
                        Value::String(uri) if super::vocab::is_absolute_uri(uri) => {
                            namespaces.declared.push((prefix.clone(), uri.to_owned()))
                        }
                        // A term definition (`"rail:count": {"@type": "xsd:integer"}`) types a
                        // value; values keep their JSON type here, so it changes nothing.
                        Value::Object(definition)
                            if prefix.contains(':') || definition.contains_key("@id") => {}
                        uri => violations.add(
                            format!("{at}/{}", pointer_token(prefix)),
                            format!(
                                "expected a namespace URI for the prefix {prefix:?}, found {uri}"
                            ),
                        ),
                    }
                }
            }
            other => violations.add(
                at,
                format!("expected a context URL or object, found {}", kind(other)),
            ),
        }
    }
    if !names_epcis {
        violations.add(
            pointer,
            format!("@context must name the EPCIS context ({EPCIS_CONTEXT_URL})"),
        );
    }
    namespaces
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads the events of an `EPCISDocument` or `EPCISQueryDocument`; any problem fails it.
pub fn decode_document(value: &Value) -> Result<Document, Violations> {
    match decode_document_partially(value) {
        Ok((document, violations)) if violations.is_empty() => Ok(document),
        Ok((_, violations)) | Err(violations) => Err(violations),
    }
}

/// Reads a document whose header is sound: its valid events, and the problems of the others.
/// A document whose header or context is unusable is an error as a whole.
pub fn decode_document_partially(value: &Value) -> Result<(Document, Violations), Violations> {
    let mut violations = Violations::new();
    let Some(object) = value.as_object() else {
        violations.add(
            "",
            format!("expected an EPCIS document object, found {}", kind(value)),
        );
        return Err(violations);
    };
    let namespaces = read_context(object.get("@context"), "/@context", &mut violations);
    let doc_type = object.get("type").and_then(Value::as_str);
    let events_at: &[&str] = match doc_type {
        Some("EPCISDocument") => &["epcisBody", "eventList"],
        Some("EPCISQueryDocument") => &["epcisBody", "queryResults", "resultsBody", "eventList"],
        Some(other) => {
            violations.add(
                "/type",
                format!("expected \"EPCISDocument\" or \"EPCISQueryDocument\", found {other:?}"),
            );
            return Err(violations);
        }
        None => {
            violations.add(
                "/type",
                "is required: \"EPCISDocument\" or \"EPCISQueryDocument\"",
            );
            return Err(violations);
        }
    };
    let schema_version = match object.get("schemaVersion") {
        Some(Value::String(version)) if version == "2.0" => version.clone(),
        Some(other) => {
            violations.add("/schemaVersion", format!("expected \"2.0\", found {other}"));
            String::new()
        }
        None => {
            violations.add("/schemaVersion", "is required: \"2.0\"");
            String::new()
        }
    };
    let creation_date = required_time(object, "creationDate", "", &mut violations);
    let mut node = value;
    let mut pointer = String::new();
    for key in events_at {
        pointer.push('/');
        pointer.push_str(key);
        node = match node.get(key) {
            Some(next) => next,
            None => {
                violations.add(pointer.clone(), "is required");
                return Err(violations);
            }
        };
    }
    let Some(list) = node.as_array() else {
        violations.add(
            pointer,
            format!("expected an array of events, found {}", kind(node)),
        );
        return Err(violations);
    };
    let Some(creation_date) = creation_date.filter(|_| violations.is_empty()) else {
        return Err(violations);
    };
    let mut events = Vec::with_capacity(list.len());
    for (index, event) in list.iter().enumerate() {
        let at = format!("{pointer}/{index}");
        if let Some(event) = decode_event_at(event, &namespaces, &at, &mut violations) {
            events.push(event);
        }
    }
    Ok((
        Document {
            schema_version,
            creation_date,
            namespaces: namespaces.declared,
            events,
        },
        violations,
    ))
}

const COMMON_FIELDS: &[&str] = &[
    "type",
    "eventTime",
    "eventTimeZoneOffset",
    "recordTime",
    "eventID",
    "errorDeclaration",
    "certificationInfo",
    "bizStep",
    "disposition",
    "persistentDisposition",
    "readPoint",
    "bizLocation",
    "bizTransactionList",
    "sourceList",
    "destinationList",
    "sensorElementList",
    "@context",
];

/// The fields each event type may carry besides the common ones.
fn type_fields(event_type: EventType) -> &'static [&'static str] {
    match event_type {
        EventType::ObjectEvent => &["epcList", "quantityList", "action", "ilmd"],
        EventType::AggregationEvent => &["parentID", "childEPCs", "childQuantityList", "action"],
        EventType::TransactionEvent => &["parentID", "epcList", "quantityList", "action"],
        EventType::TransformationEvent => &[
            "inputEPCList",
            "inputQuantityList",
            "outputEPCList",
            "outputQuantityList",
            "transformationID",
            "ilmd",
        ],
        EventType::AssociationEvent => &["parentID", "childEPCs", "childQuantityList", "action"],
    }
}

/// Every field name of any event type, to tell "wrong type" from "unknown".
const ALL_TYPE_FIELDS: &[&str] = &[
    "epcList",
    "quantityList",
    "action",
    "ilmd",
    "parentID",
    "childEPCs",
    "childQuantityList",
    "inputEPCList",
    "inputQuantityList",
    "outputEPCList",
    "outputQuantityList",
    "transformationID",
];

fn decode_event_at(
    value: &Value,
    namespaces: &Namespaces,
    pointer: &str,
    violations: &mut Violations,
) -> Option<Event> {
    let Some(object) = value.as_object() else {
        violations.add(
            pointer,
            format!("expected an event object, found {}", kind(value)),
        );
        return None;
    };
    let errors_before = violations.errors().len();
    let event_type = match object.get("type") {
        Some(Value::String(text)) => match EventType::parse(text) {
            Some(event_type) => event_type,
            None => {
                violations.add(
                    format!("{pointer}/type"),
                    format!(
                        "expected ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent, found {text:?}"
                    ),
                );
                return None;
            }
        },
        Some(other) => {
            violations.add(
                format!("{pointer}/type"),
                format!("expected the event type as a string, found {}", kind(other)),
            );
            return None;
        }
        None => {
            violations.add(format!("{pointer}/type"), "is required");
            return None;
        }
    };
    let event_time = required_time(object, "eventTime", pointer, violations);
    let offset = match object.get("eventTimeZoneOffset") {
        Some(Value::String(text)) if is_offset(text) => Some(text.clone()),
        Some(other) => {
            violations.add(
                format!("{pointer}/eventTimeZoneOffset"),
                format!("expected an offset like \"+08:00\" or \"-06:00\", found {other}"),
            );
            None
        }
        None => {
            violations.add(format!("{pointer}/eventTimeZoneOffset"), "is required");
            None
        }
    };
    let mut event = Event::new(event_type, event_time.unwrap_or_default());
    event.event_time_zone_offset = offset.unwrap_or_default();
    let allowed = type_fields(event_type);
    let mut extensions = Vec::new();
    for (key, field) in object {
        let at = format!("{pointer}/{}", pointer_token(key));
        if COMMON_FIELDS.contains(&key.as_str()) {
            match key.as_str() {
                "recordTime" => event.record_time = time(field, &at, violations),
                "eventID" => event.event_id = uri(field, &at, violations),
                "errorDeclaration" => {
                    event.error_declaration = error_declaration(field, namespaces, &at, violations)
                }
                "certificationInfo" => {
                    event.certification_info = string_or_list(field, &at, violations)
                }
                "bizStep" => event.biz_step = vocab(Vocabulary::BizStep, field, &at, violations),
                "disposition" => {
                    event.disposition = vocab(Vocabulary::Disposition, field, &at, violations)
                }
                "persistentDisposition" => {
                    event.persistent_disposition = persistent_disposition(field, &at, violations)
                }
                "readPoint" => event.read_point = location(field, namespaces, &at, violations),
                "bizLocation" => event.biz_location = location(field, namespaces, &at, violations),
                "bizTransactionList" => {
                    event.biz_transaction_list = biz_transactions(field, &at, violations)
                }
                "sourceList" => event.source_list = source_dests(field, "source", &at, violations),
                "destinationList" => {
                    event.destination_list = source_dests(field, "destination", &at, violations)
                }
                "sensorElementList" => {
                    event.sensor_element_list = sensor_elements(field, namespaces, &at, violations)
                }
                _ => {}
            }
        } else if allowed.contains(&key.as_str()) {
            match key.as_str() {
                "epcList" => event.epc_list = epcs(field, &at, violations),
                "childEPCs" => event.child_epcs = epcs(field, &at, violations),
                "inputEPCList" => event.input_epc_list = epcs(field, &at, violations),
                "outputEPCList" => event.output_epc_list = epcs(field, &at, violations),
                "quantityList" => event.quantity_list = quantities(field, &at, violations),
                "childQuantityList" => {
                    event.child_quantity_list = quantities(field, &at, violations)
                }
                "inputQuantityList" => {
                    event.input_quantity_list = quantities(field, &at, violations)
                }
                "outputQuantityList" => {
                    event.output_quantity_list = quantities(field, &at, violations)
                }
                "parentID" => event.parent_id = identifier(field, &at, violations),
                "transformationID" => event.transformation_id = uri(field, &at, violations),
                "action" => {
                    event.action = match field.as_str().and_then(Action::parse) {
                        Some(action) => Some(action),
                        None => {
                            violations.add(
                                at,
                                format!(
                                    "expected \"ADD\", \"OBSERVE\" or \"DELETE\", found {field}"
                                ),
                            );
                            None
                        }
                    }
                }
                "ilmd" => event.ilmd = Some(extension_object(field, namespaces, &at, violations)),
                _ => {}
            }
        } else if ALL_TYPE_FIELDS.contains(&key.as_str()) {
            violations.add(
                at,
                format!("{key} is not a field of {}", event_type.as_str()),
            );
        } else if let Some(extension) = extension(key, field, namespaces, &at, violations) {
            extensions.push(extension);
        }
    }
    event.extensions = extensions;
    if event_type.has_action() && event.action.is_none() && !object.contains_key("action") {
        violations.add(
            format!("{pointer}/action"),
            format!("is required for {}", event_type.as_str()),
        );
    }
    if matches!(event_type, EventType::TransactionEvent)
        && event.biz_transaction_list.is_empty()
        && !object.contains_key("bizTransactionList")
    {
        violations.add(
            format!("{pointer}/bizTransactionList"),
            "is required for TransactionEvent",
        );
    }
    if matches!(
        event_type,
        EventType::AggregationEvent | EventType::AssociationEvent
    ) && event.parent_id.is_none()
        && event.action != Some(Action::Observe)
        && !object.contains_key("parentID")
    {
        violations.add(
            format!("{pointer}/parentID"),
            format!(
                "is required for {} with action ADD or DELETE",
                event_type.as_str()
            ),
        );
    }
    if event.ilmd.is_some()
        && event_type == EventType::ObjectEvent
        && event.action != Some(Action::Add)
    {
        violations.add(
            format!("{pointer}/ilmd"),
            "is only allowed on an ObjectEvent with action ADD",
        );
    }
    (violations.errors().len() == errors_before).then_some(event)
}

fn is_offset(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 6
        && (bytes[0] == b'+' || bytes[0] == b'-')
        && bytes[1].is_ascii_digit()
        && bytes[2].is_ascii_digit()
        && bytes[3] == b':'
        && bytes[4].is_ascii_digit()
        && bytes[5].is_ascii_digit()
        && text[1..3].parse::<u8>().is_ok_and(|h| h <= 14)
        && text[4..6].parse::<u8>().is_ok_and(|m| m < 60)
}

/// Parses an `xsd:dateTimeStamp` (a date and time with its offset).
pub fn parse_time(text: &str) -> Result<Timestamp, String> {
    chrono::DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        format!("expected a date and time with offset such as \"2026-11-23T08:30:00.000+08:00\", found {text:?} ({e})")
    })
}

fn time(value: &Value, pointer: &str, violations: &mut Violations) -> Option<Timestamp> {
    match value {
        Value::String(text) => violations.check(pointer, parse_time(text)),
        other => {
            violations.add(
                pointer,
                format!("expected a date and time string, found {}", kind(other)),
            );
            None
        }
    }
}

fn required_time(
    object: &Map<String, Value>,
    key: &str,
    pointer: &str,
    violations: &mut Violations,
) -> Option<Timestamp> {
    let at = format!("{pointer}/{key}");
    match object.get(key) {
        Some(value) => time(value, &at, violations),
        None => {
            violations.add(at, "is required");
            None
        }
    }
}

fn uri(value: &Value, pointer: &str, violations: &mut Violations) -> Option<String> {
    match value.as_str() {
        Some(text) if super::vocab::is_absolute_uri(text) => Some(text.to_owned()),
        _ => {
            violations.add(pointer, format!("expected an absolute URI, found {value}"));
            None
        }
    }
}

fn identifier(value: &Value, pointer: &str, violations: &mut Violations) -> Option<String> {
    match value.as_str() {
        Some(text) => violations.check(pointer, check_identifier(text).map(|()| text.to_owned())),
        None => {
            violations.add(
                pointer,
                format!("expected an identifier URI, found {}", kind(value)),
            );
            None
        }
    }
}

fn array<'a>(value: &'a Value, pointer: &str, violations: &mut Violations) -> &'a [Value] {
    match value {
        Value::Array(items) => items,
        other => {
            violations.add(pointer, format!("expected an array, found {}", kind(other)));
            &[]
        }
    }
}

fn epcs(value: &Value, pointer: &str, violations: &mut Violations) -> Vec<String> {
    array(value, pointer, violations)
        .iter()
        .enumerate()
        .filter_map(|(index, item)| identifier(item, &format!("{pointer}/{index}"), violations))
        .collect()
}

fn string_or_list(value: &Value, pointer: &str, violations: &mut Violations) -> Vec<String> {
    match value {
        Value::String(_) => uri(value, pointer, violations).into_iter().collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(index, item)| uri(item, &format!("{pointer}/{index}"), violations))
            .collect(),
        other => {
            violations.add(
                pointer,
                format!("expected a URI or an array of URIs, found {}", kind(other)),
            );
            Vec::new()
        }
    }
}

fn vocab(
    vocabulary: Vocabulary,
    value: &Value,
    pointer: &str,
    violations: &mut Violations,
) -> Option<super::vocab::VocabValue> {
    match value.as_str() {
        Some(text) => violations.check(pointer, vocabulary.parse(text)),
        None => {
            violations.add(
                pointer,
                format!(
                    "expected {} as a string, found {}",
                    vocabulary.description(),
                    kind(value)
                ),
            );
            None
        }
    }
}

fn object<'a>(
    value: &'a Value,
    pointer: &str,
    violations: &mut Violations,
) -> Option<&'a Map<String, Value>> {
    match value {
        Value::Object(map) => Some(map),
        other => {
            violations.add(
                pointer,
                format!("expected an object, found {}", kind(other)),
            );
            None
        }
    }
}

fn quantities(value: &Value, pointer: &str, violations: &mut Violations) -> Vec<QuantityElement> {
    let mut list = Vec::new();
    for (index, item) in array(value, pointer, violations).iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(map) = object(item, &at, violations) else {
            continue;
        };
        let epc_class = match map.get("epcClass") {
            Some(class) => identifier(class, &format!("{at}/epcClass"), violations),
            None => {
                violations.add(format!("{at}/epcClass"), "is required");
                None
            }
        };
        let quantity = match map.get("quantity") {
            None => None,
            Some(Value::Number(number)) => match number.as_f64() {
                Some(q) if q >= 0.0 => Some(q),
                _ => {
                    violations.add(
                        format!("{at}/quantity"),
                        format!("expected a number of 0 or more, found {number}"),
                    );
                    None
                }
            },
            Some(other) => {
                violations.add(
                    format!("{at}/quantity"),
                    format!("expected a number, found {}", kind(other)),
                );
                None
            }
        };
        let uom = match map.get("uom") {
            None => None,
            Some(Value::String(code))
                if (2..=3).contains(&code.len())
                    && code.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                Some(code.clone())
            }
            Some(other) => {
                violations.add(
                    format!("{at}/uom"),
                    format!("expected a UN/CEFACT unit code such as \"KGM\", found {other}"),
                );
                None
            }
        };
        if uom.is_some() && quantity.is_none() {
            violations.add(
                format!("{at}/uom"),
                "is only allowed together with quantity",
            );
        }
        for key in map.keys() {
            if !matches!(key.as_str(), "epcClass" | "quantity" | "uom") {
                violations.add(
                    format!("{at}/{}", pointer_token(key)),
                    "is not a field of a quantity element",
                );
            }
        }
        if let Some(epc_class) = epc_class {
            list.push(QuantityElement {
                epc_class,
                quantity,
                uom,
            });
        }
    }
    list
}

fn biz_transactions(
    value: &Value,
    pointer: &str,
    violations: &mut Violations,
) -> Vec<BizTransaction> {
    let mut list = Vec::new();
    for (index, item) in array(value, pointer, violations).iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(map) = object(item, &at, violations) else {
            continue;
        };
        let kind_value = map.get("type").and_then(|t| {
            vocab(
                Vocabulary::BizTransactionType,
                t,
                &format!("{at}/type"),
                violations,
            )
        });
        let value = match map.get("bizTransaction") {
            Some(v) => uri(v, &format!("{at}/bizTransaction"), violations),
            None => {
                violations.add(format!("{at}/bizTransaction"), "is required");
                None
            }
        };
        unknown_keys(map, &["type", "bizTransaction"], &at, violations);
        if let Some(value) = value {
            list.push(BizTransaction {
                kind: kind_value,
                value,
            });
        }
    }
    list
}

fn source_dests(
    value: &Value,
    field: &str,
    pointer: &str,
    violations: &mut Violations,
) -> Vec<SourceDest> {
    let mut list = Vec::new();
    for (index, item) in array(value, pointer, violations).iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(map) = object(item, &at, violations) else {
            continue;
        };
        let kind_value = match map.get("type") {
            Some(t) => vocab(
                Vocabulary::SourceDestType,
                t,
                &format!("{at}/type"),
                violations,
            ),
            None => {
                violations.add(format!("{at}/type"), "is required");
                None
            }
        };
        let value = match map.get(field) {
            Some(v) => uri(v, &format!("{at}/{field}"), violations),
            None => {
                violations.add(format!("{at}/{field}"), "is required");
                None
            }
        };
        unknown_keys(map, &["type", field], &at, violations);
        if let (Some(kind), Some(value)) = (kind_value, value) {
            list.push(SourceDest { kind, value });
        }
    }
    list
}

fn unknown_keys(
    map: &Map<String, Value>,
    known: &[&str],
    pointer: &str,
    violations: &mut Violations,
) {
    for key in map.keys() {
        if !known.contains(&key.as_str()) {
            violations.add(
                format!("{pointer}/{}", pointer_token(key)),
                format!("is not a field here; expected one of {}", known.join(", ")),
            );
        }
    }
}

fn location(
    value: &Value,
    namespaces: &Namespaces,
    pointer: &str,
    violations: &mut Violations,
) -> Option<Location> {
    let map = object(value, pointer, violations)?;
    let id = match map.get("id") {
        Some(id) => identifier(id, &format!("{pointer}/id"), violations),
        None => {
            violations.add(format!("{pointer}/id"), "is required");
            None
        }
    };
    let mut extensions = Vec::new();
    for (key, field) in map {
        if key != "id" {
            let at = format!("{pointer}/{}", pointer_token(key));
            extensions.extend(extension(key, field, namespaces, &at, violations));
        }
    }
    Some(Location {
        id: id?,
        extensions,
    })
}

fn persistent_disposition(
    value: &Value,
    pointer: &str,
    violations: &mut Violations,
) -> Option<PersistentDisposition> {
    let map = object(value, pointer, violations)?;
    let mut result = PersistentDisposition::default();
    for (key, field) in map {
        let at = format!("{pointer}/{}", pointer_token(key));
        let target = match key.as_str() {
            "set" => &mut result.set,
            "unset" => &mut result.unset,
            _ => {
                violations.add(at, "is not a field here; expected set or unset");
                continue;
            }
        };
        for (index, item) in array(field, &at, violations).iter().enumerate() {
            target.extend(vocab(
                Vocabulary::Disposition,
                item,
                &format!("{at}/{index}"),
                violations,
            ));
        }
    }
    Some(result)
}

fn error_declaration(
    value: &Value,
    namespaces: &Namespaces,
    pointer: &str,
    violations: &mut Violations,
) -> Option<ErrorDeclaration> {
    let map = object(value, pointer, violations)?;
    let declaration_time = required_time(map, "declarationTime", pointer, violations);
    let mut reason = None;
    let mut corrective_event_ids = Vec::new();
    let mut extensions = Vec::new();
    for (key, field) in map {
        let at = format!("{pointer}/{}", pointer_token(key));
        match key.as_str() {
            "declarationTime" => {}
            "reason" => reason = vocab(Vocabulary::ErrorReason, field, &at, violations),
            "correctiveEventIDs" => {
                corrective_event_ids = array(field, &at, violations)
                    .iter()
                    .enumerate()
                    .filter_map(|(index, id)| uri(id, &format!("{at}/{index}"), violations))
                    .collect()
            }
            _ => extensions.extend(extension(key, field, namespaces, &at, violations)),
        }
    }
    Some(ErrorDeclaration {
        declaration_time: declaration_time?,
        reason,
        corrective_event_ids,
        extensions,
    })
}

/// The standard attributes of sensor metadata and reports, and how each is typed.
#[derive(Clone, Copy, PartialEq)]
enum SensorKind {
    Time,
    Number,
    Uri,
    Text,
    Bool,
    Vocab(Vocabulary),
}

const SENSOR_METADATA_FIELDS: &[(&str, SensorKind)] = &[
    ("time", SensorKind::Time),
    ("startTime", SensorKind::Time),
    ("endTime", SensorKind::Time),
    ("deviceID", SensorKind::Uri),
    ("deviceMetadata", SensorKind::Uri),
    ("rawData", SensorKind::Uri),
    ("dataProcessingMethod", SensorKind::Uri),
    ("bizRules", SensorKind::Uri),
];

const SENSOR_REPORT_FIELDS: &[(&str, SensorKind)] = &[
    ("type", SensorKind::Vocab(Vocabulary::MeasurementType)),
    ("exception", SensorKind::Vocab(Vocabulary::SensorAlert)),
    ("deviceID", SensorKind::Uri),
    ("deviceMetadata", SensorKind::Uri),
    ("rawData", SensorKind::Uri),
    ("dataProcessingMethod", SensorKind::Uri),
    ("bizRules", SensorKind::Uri),
    ("time", SensorKind::Time),
    ("microorganism", SensorKind::Uri),
    ("chemicalSubstance", SensorKind::Uri),
    ("value", SensorKind::Number),
    ("component", SensorKind::Vocab(Vocabulary::Component)),
    ("stringValue", SensorKind::Text),
    ("booleanValue", SensorKind::Bool),
    ("hexBinaryValue", SensorKind::Text),
    ("uriValue", SensorKind::Uri),
    ("minValue", SensorKind::Number),
    ("maxValue", SensorKind::Number),
    ("meanValue", SensorKind::Number),
    ("sDev", SensorKind::Number),
    ("percRank", SensorKind::Number),
    ("percValue", SensorKind::Number),
    ("uom", SensorKind::Text),
    ("coordinateReferenceSystem", SensorKind::Uri),
];

fn sensor_fields(
    value: &Value,
    table: &[(&str, SensorKind)],
    namespaces: &Namespaces,
    pointer: &str,
    violations: &mut Violations,
) -> Option<SensorFields> {
    let map = object(value, pointer, violations)?;
    let mut result = SensorFields::default();
    for (key, field) in map {
        let at = format!("{pointer}/{}", pointer_token(key));
        match table.iter().find(|(name, _)| name == key) {
            Some((name, sensor_kind)) => {
                let parsed = match (sensor_kind, field) {
                    (SensorKind::Time, Value::String(text)) => violations
                        .check(&at, parse_time(text))
                        .map(SensorValue::Time),
                    (SensorKind::Number, Value::Number(number)) => {
                        number.as_f64().map(SensorValue::Number)
                    }
                    (SensorKind::Bool, Value::Bool(flag)) => Some(SensorValue::Bool(*flag)),
                    (SensorKind::Uri, Value::String(_)) => {
                        uri(field, &at, violations).map(SensorValue::Text)
                    }
                    (SensorKind::Text, Value::String(text)) => {
                        Some(SensorValue::Text(text.clone()))
                    }
                    (SensorKind::Vocab(vocabulary), Value::String(text)) => violations
                        .check(&at, vocabulary.written_form(text))
                        .map(SensorValue::Text),
                    (expected, other) => {
                        let wanted = match expected {
                            SensorKind::Time => "a date and time string",
                            SensorKind::Number => "a number",
                            SensorKind::Bool => "a boolean",
                            _ => "a string",
                        };
                        violations.add(&at, format!("expected {wanted}, found {}", kind(other)));
                        None
                    }
                };
                if let Some(parsed) = parsed {
                    result.fields.push(((*name).to_owned(), parsed));
                }
            }
            None => result
                .extensions
                .extend(extension(key, field, namespaces, &at, violations)),
        }
    }
    Some(result)
}

fn sensor_elements(
    value: &Value,
    namespaces: &Namespaces,
    pointer: &str,
    violations: &mut Violations,
) -> Vec<SensorElement> {
    let mut list = Vec::new();
    for (index, item) in array(value, pointer, violations).iter().enumerate() {
        let at = format!("{pointer}/{index}");
        let Some(map) = object(item, &at, violations) else {
            continue;
        };
        let mut element = SensorElement::default();
        for (key, field) in map {
            let field_at = format!("{at}/{}", pointer_token(key));
            match key.as_str() {
                "sensorMetadata" => {
                    element.metadata = sensor_fields(
                        field,
                        SENSOR_METADATA_FIELDS,
                        namespaces,
                        &field_at,
                        violations,
                    )
                }
                "sensorReport" => {
                    for (n, report) in array(field, &field_at, violations).iter().enumerate() {
                        element.reports.extend(sensor_fields(
                            report,
                            SENSOR_REPORT_FIELDS,
                            namespaces,
                            &format!("{field_at}/{n}"),
                            violations,
                        ));
                    }
                }
                _ => element
                    .extensions
                    .extend(extension(key, field, namespaces, &field_at, violations)),
            }
        }
        if !map.contains_key("sensorReport") {
            violations.add(
                format!("{at}/sensorReport"),
                "is required (at least one report)",
            );
        }
        list.push(element);
    }
    list
}

/// An extension field; anything that is not namespaced is refused as unknown.
fn extension(
    key: &str,
    value: &Value,
    namespaces: &Namespaces,
    pointer: &str,
    violations: &mut Violations,
) -> Option<Extension> {
    match namespaces.resolve(key) {
        Some((namespace, prefix, name)) => Some(Extension {
            namespace,
            prefix,
            name,
            value: extension_value(value, namespaces, pointer, violations),
        }),
        None => {
            violations.add(
                pointer,
                format!(
                    "{key:?} is not a standard field here; an extension field needs a namespace prefix declared in @context (e.g. \"example:{key}\")"
                ),
            );
            None
        }
    }
}

fn extension_value(
    value: &Value,
    namespaces: &Namespaces,
    pointer: &str,
    violations: &mut Violations,
) -> ExtensionValue {
    match value {
        Value::Null => ExtensionValue::Null,
        Value::Bool(flag) => ExtensionValue::Bool(*flag),
        Value::Number(number) => ExtensionValue::Number(number.as_f64().unwrap_or_default()),
        Value::String(text) => ExtensionValue::Text(text.clone()),
        Value::Array(items) => ExtensionValue::List(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| {
                    extension_value(item, namespaces, &format!("{pointer}/{index}"), violations)
                })
                .collect(),
        ),
        Value::Object(_) => {
            ExtensionValue::Object(extension_object(value, namespaces, pointer, violations))
        }
    }
}

/// The fields of an extension object or of `ilmd`: namespaced keys, or plain keys kept without
/// a namespace (JSON-LD values such as `@value` included).
fn extension_object(
    value: &Value,
    namespaces: &Namespaces,
    pointer: &str,
    violations: &mut Violations,
) -> Vec<Extension> {
    let Some(map) = object(value, pointer, violations) else {
        return Vec::new();
    };
    map.iter()
        .map(|(key, field)| {
            let at = format!("{pointer}/{}", pointer_token(key));
            let (namespace, prefix, name) = namespaces
                .resolve(key)
                .unwrap_or_else(|| (String::new(), None, key.clone()));
            Extension {
                namespace,
                prefix,
                name,
                value: extension_value(field, namespaces, &at, violations),
            }
        })
        .collect()
}

// Writing.

/// Writes a document in the JSON-LD binding.
pub fn encode_document(document: &Document) -> Value {
    let mut namespaces = Namespaces::from_declared(document.namespaces.clone());
    let events: Vec<Value> = document
        .events
        .iter()
        .map(|event| encode_event_with(event, &mut namespaces))
        .collect();
    let mut map = Map::new();
    map.insert("@context".into(), context_value(&namespaces));
    map.insert("type".into(), "EPCISDocument".into());
    map.insert("schemaVersion".into(), "2.0".into());
    map.insert("creationDate".into(), encode_time(&document.creation_date));
    let mut body = Map::new();
    body.insert("eventList".into(), Value::Array(events));
    map.insert("epcisBody".into(), Value::Object(body));
    Value::Object(map)
}

/// Writes the result of a query as an `EPCISQueryDocument`.
pub fn encode_query_document(
    events: &[Event],
    namespaces: &Namespaces,
    query_name: &str,
    creation_date: &Timestamp,
) -> Value {
    let mut namespaces = namespaces.clone();
    let events: Vec<Value> = events
        .iter()
        .map(|event| encode_event_with(event, &mut namespaces))
        .collect();
    let mut results_body = Map::new();
    results_body.insert("eventList".into(), Value::Array(events));
    let mut query_results = Map::new();
    query_results.insert("queryName".into(), query_name.into());
    query_results.insert("resultsBody".into(), Value::Object(results_body));
    let mut body = Map::new();
    body.insert("queryResults".into(), Value::Object(query_results));
    let mut map = Map::new();
    map.insert("@context".into(), context_value(&namespaces));
    map.insert("type".into(), "EPCISQueryDocument".into());
    map.insert("schemaVersion".into(), "2.0".into());
    map.insert("creationDate".into(), encode_time(creation_date));
    map.insert("epcisBody".into(), Value::Object(body));
    Value::Object(map)
}

/// Reads one event with its own `@context` (as `POST /events` receives it, and as events are
/// stored), adding the prefixes it declares to `namespaces`.
pub fn decode_single_event(
    value: &Value,
    namespaces: &mut Namespaces,
) -> Result<Event, Violations> {
    let mut violations = Violations::new();
    let own = read_context(value.get("@context"), "/@context", &mut violations);
    for (prefix, uri) in &own.declared {
        if !namespaces.declared.iter().any(|(_, u)| u == uri) {
            let taken = namespaces.declared.iter().any(|(p, _)| p == prefix);
            let prefix = if taken {
                format!("{prefix}{}", namespaces.declared.len())
            } else {
                prefix.clone()
            };
            namespaces.declared.push((prefix, uri.clone()));
        }
    }
    let event = decode_event_at(value, &own, "", &mut violations);
    match event {
        Some(event) if violations.is_empty() => Ok(event),
        _ => Err(violations),
    }
}

/// Writes one event with its own `@context`.
pub fn encode_single_event(event: &Event, namespaces: &Namespaces) -> Value {
    let mut namespaces = namespaces.clone();
    let mut value = encode_event_with(event, &mut namespaces);
    if let Value::Object(map) = &mut value {
        let mut with_context = Map::new();
        with_context.insert("@context".into(), context_value(&namespaces));
        with_context.extend(std::mem::take(map));
        *map = with_context;
    }
    value
}

/// The `@context` value naming the EPCIS context and the declared prefixes.
pub fn context_value(namespaces: &Namespaces) -> Value {
    let mut items = vec![Value::from(EPCIS_CONTEXT_URL)];
    for (prefix, uri) in namespaces.declared() {
        let mut entry = Map::new();
        entry.insert(prefix.clone(), Value::from(uri.clone()));
        items.push(Value::Object(entry));
    }
    Value::Array(items)
}

pub fn encode_time(time: &Timestamp) -> Value {
    Value::from(time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}

fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 9.0e15 {
        Value::from(value as i64)
    } else {
        Number::from_f64(value)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

fn strings(list: &[String]) -> Value {
    Value::Array(list.iter().map(|s| Value::from(s.clone())).collect())
}

fn quantities_value(list: &[QuantityElement]) -> Value {
    Value::Array(
        list.iter()
            .map(|q| {
                let mut map = Map::new();
                map.insert("epcClass".into(), q.epc_class.clone().into());
                if let Some(quantity) = q.quantity {
                    map.insert("quantity".into(), number(quantity));
                }
                if let Some(uom) = &q.uom {
                    map.insert("uom".into(), uom.clone().into());
                }
                Value::Object(map)
            })
            .collect(),
    )
}

fn extensions_into(
    map: &mut Map<String, Value>,
    extensions: &[Extension],
    namespaces: &mut Namespaces,
) {
    for extension in extensions {
        let key = extension_key(extension, namespaces);
        map.insert(key, extension_value_json(&extension.value, namespaces));
    }
}

fn extension_key(extension: &Extension, namespaces: &mut Namespaces) -> String {
    if extension.namespace.is_empty() {
        extension.name.clone()
    } else {
        let prefix = namespaces.prefix_for(&extension.namespace, extension.prefix.as_deref());
        format!("{prefix}:{}", extension.name)
    }
}

fn extension_value_json(value: &ExtensionValue, namespaces: &mut Namespaces) -> Value {
    match value {
        ExtensionValue::Null => Value::Null,
        ExtensionValue::Bool(flag) => Value::Bool(*flag),
        ExtensionValue::Number(n) => number(*n),
        ExtensionValue::Text(text) => Value::from(text.clone()),
        ExtensionValue::List(items) => Value::Array(
            items
                .iter()
                .map(|i| extension_value_json(i, namespaces))
                .collect(),
        ),
        ExtensionValue::Object(fields) => {
            let mut map = Map::new();
            extensions_into(&mut map, fields, namespaces);
            Value::Object(map)
        }
    }
}

fn sensor_fields_value(fields: &SensorFields, namespaces: &mut Namespaces) -> Value {
    let mut map = Map::new();
    for (name, value) in &fields.fields {
        let json = match value {
            SensorValue::Time(time) => encode_time(time),
            SensorValue::Number(n) => number(*n),
            SensorValue::Bool(flag) => Value::Bool(*flag),
            SensorValue::Text(text) => Value::from(
                sensor_vocabulary(name)
                    .and_then(|vocabulary| vocabulary.written_form(text).ok())
                    .unwrap_or_else(|| text.clone()),
            ),
        };
        map.insert(name.clone(), json);
    }
    extensions_into(&mut map, &fields.extensions, namespaces);
    Value::Object(map)
}

/// The vocabulary of a sensor report attribute, if it has one.
pub(crate) fn sensor_vocabulary(name: &str) -> Option<Vocabulary> {
    SENSOR_REPORT_FIELDS
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, kind)| match kind {
            SensorKind::Vocab(vocabulary) => Some(*vocabulary),
            _ => None,
        })
}

fn location_value(location: &Location, namespaces: &mut Namespaces) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), location.id.clone().into());
    extensions_into(&mut map, &location.extensions, namespaces);
    Value::Object(map)
}

fn encode_event_with(event: &Event, namespaces: &mut Namespaces) -> Value {
    let mut map = Map::new();
    map.insert("type".into(), event.event_type.as_str().into());
    if let Some(id) = &event.event_id {
        map.insert("eventID".into(), id.clone().into());
    }
    map.insert("eventTime".into(), encode_time(&event.event_time));
    map.insert(
        "eventTimeZoneOffset".into(),
        event.event_time_zone_offset.clone().into(),
    );
    if let Some(record_time) = &event.record_time {
        map.insert("recordTime".into(), encode_time(record_time));
    }
    if let Some(declaration) = &event.error_declaration {
        let mut inner = Map::new();
        inner.insert(
            "declarationTime".into(),
            encode_time(&declaration.declaration_time),
        );
        if let Some(reason) = &declaration.reason {
            inner.insert("reason".into(), reason.compact().into());
        }
        if !declaration.corrective_event_ids.is_empty() {
            inner.insert(
                "correctiveEventIDs".into(),
                strings(&declaration.corrective_event_ids),
            );
        }
        extensions_into(&mut inner, &declaration.extensions, namespaces);
        map.insert("errorDeclaration".into(), Value::Object(inner));
    }
    match event.certification_info.as_slice() {
        [] => {}
        [single] => {
            map.insert("certificationInfo".into(), single.clone().into());
        }
        many => {
            map.insert("certificationInfo".into(), strings(many));
        }
    }
    if let Some(parent) = &event.parent_id {
        map.insert("parentID".into(), parent.clone().into());
    }
    let lists: [(&str, &Vec<String>); 4] = [
        ("epcList", &event.epc_list),
        ("childEPCs", &event.child_epcs),
        ("inputEPCList", &event.input_epc_list),
        ("outputEPCList", &event.output_epc_list),
    ];
    for (name, list) in lists {
        if !list.is_empty() {
            map.insert(name.into(), strings(list));
        }
    }
    for (name, list) in [
        ("quantityList", &event.quantity_list),
        ("childQuantityList", &event.child_quantity_list),
        ("inputQuantityList", &event.input_quantity_list),
        ("outputQuantityList", &event.output_quantity_list),
    ] {
        if !list.is_empty() {
            map.insert(name.into(), quantities_value(list));
        }
    }
    if let Some(action) = event.action {
        map.insert("action".into(), action.as_str().into());
    }
    if let Some(id) = &event.transformation_id {
        map.insert("transformationID".into(), id.clone().into());
    }
    if let Some(step) = &event.biz_step {
        map.insert("bizStep".into(), step.compact().into());
    }
    if let Some(disposition) = &event.disposition {
        map.insert("disposition".into(), disposition.compact().into());
    }
    if let Some(persistent) = &event.persistent_disposition {
        let mut inner = Map::new();
        for (name, list) in [("set", &persistent.set), ("unset", &persistent.unset)] {
            if !list.is_empty() {
                inner.insert(
                    name.into(),
                    Value::Array(list.iter().map(|v| Value::from(v.compact())).collect()),
                );
            }
        }
        map.insert("persistentDisposition".into(), Value::Object(inner));
    }
    if let Some(read_point) = &event.read_point {
        map.insert("readPoint".into(), location_value(read_point, namespaces));
    }
    if let Some(biz_location) = &event.biz_location {
        map.insert(
            "bizLocation".into(),
            location_value(biz_location, namespaces),
        );
    }
    if !event.biz_transaction_list.is_empty() {
        let list = event
            .biz_transaction_list
            .iter()
            .map(|bt| {
                let mut inner = Map::new();
                if let Some(kind) = &bt.kind {
                    inner.insert("type".into(), kind.compact().into());
                }
                inner.insert("bizTransaction".into(), bt.value.clone().into());
                Value::Object(inner)
            })
            .collect();
        map.insert("bizTransactionList".into(), Value::Array(list));
    }
    for (name, field, list) in [
        ("sourceList", "source", &event.source_list),
        ("destinationList", "destination", &event.destination_list),
    ] {
        if !list.is_empty() {
            let items = list
                .iter()
                .map(|sd| {
                    let mut inner = Map::new();
                    inner.insert("type".into(), sd.kind.compact().into());
                    inner.insert(field.into(), sd.value.clone().into());
                    Value::Object(inner)
                })
                .collect();
            map.insert(name.into(), Value::Array(items));
        }
    }
    if !event.sensor_element_list.is_empty() {
        let items = event
            .sensor_element_list
            .iter()
            .map(|element| {
                let mut inner = Map::new();
                if let Some(metadata) = &element.metadata {
                    inner.insert(
                        "sensorMetadata".into(),
                        sensor_fields_value(metadata, namespaces),
                    );
                }
                inner.insert(
                    "sensorReport".into(),
                    Value::Array(
                        element
                            .reports
                            .iter()
                            .map(|r| sensor_fields_value(r, namespaces))
                            .collect(),
                    ),
                );
                extensions_into(&mut inner, &element.extensions, namespaces);
                Value::Object(inner)
            })
            .collect();
        map.insert("sensorElementList".into(), Value::Array(items));
    }
    if let Some(ilmd) = &event.ilmd {
        let mut inner = Map::new();
        extensions_into(&mut inner, ilmd, namespaces);
        map.insert("ilmd".into(), Value::Object(inner));
    }
    extensions_into(&mut map, &event.extensions, namespaces);
    Value::Object(map)
}
