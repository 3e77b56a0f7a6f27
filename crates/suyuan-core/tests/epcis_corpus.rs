//! The GS1 EPCIS 2.0 example documents (`../shared/conformance/epcis/JSON` and `…/XML`): every
//! one is read without error, and writing it back in either binding and reading it again gives
//! the same events; the XML written is valid against GS1's XSDs.

use std::path::{Path, PathBuf};

use suyuan_core::epcis::vocab::Vocabulary;
use suyuan_core::epcis::{
    Document, Event, Extension, ExtensionValue, SensorFields, SensorValue, jsonld, xml, xml_writer,
};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/epcis")
}

/// The JSON-LD documents to capture: all but the query document.
pub fn json_documents() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![corpus_dir().join("JSON")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "jsonld" || e == "json")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(
        files.len() > 40,
        "corpus not found at {}",
        corpus_dir().display()
    );
    files
}

#[test]
fn every_json_example_reads_and_round_trips() {
    let mut failures = Vec::new();
    for path in json_documents() {
        let text = std::fs::read_to_string(&path).expect("read");
        let value: serde_json::Value = match serde_json::from_str(&text) {
            Ok(value) => value,
            Err(e) => {
                failures.push(format!("{}: not JSON: {e}", path.display()));
                continue;
            }
        };
        let document = match jsonld::decode_document(&value) {
            Ok(document) => document,
            Err(violations) => {
                failures.push(format!("{}: {violations}", path.display()));
                continue;
            }
        };
        assert!(!document.events.is_empty(), "{}", path.display());
        let written = jsonld::encode_document(&document);
        let again = jsonld::decode_document(&written)
            .unwrap_or_else(|v| panic!("{}: re-reading failed: {v}\n{written:#}", path.display()));
        assert_eq!(document.events, again.events, "{}", path.display());
    }
    assert!(
        failures.is_empty(),
        "{} documents failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Event IDs equal the reference generator's (epcis-event-hash-generator 1.9.3) for every
/// event of every document, JSON-LD or XML, it reads (`data/epcis-event-hashes.json`).
#[test]
fn event_hashes_equal_the_reference_generator() {
    let vectors: serde_json::Value =
        serde_json::from_str(include_str!("data/epcis-event-hashes.json")).expect("vectors");
    let (mut json_events, mut xml_events, mut assigned) = (0, 0, 0);
    let mut failures = Vec::new();
    for (relative, expected) in vectors["documents"].as_object().expect("documents") {
        let hashes: Vec<&str> = expected["hashes"]
            .as_array()
            .expect("hashes")
            .iter()
            .filter_map(|h| h.as_str())
            .collect();
        if hashes.is_empty() {
            continue;
        }
        let text = std::fs::read_to_string(corpus_dir().join(relative)).expect("read");
        // The reference hashes an XML event from its elements, a JSON-LD event from its model.
        let (events, mine): (usize, Vec<(String, String)>) = if relative.ends_with(".xml") {
            let (document, pre_hashes) =
                suyuan_core::epcis::xml::decode_document_with_pre_hashes(&text)
                    .unwrap_or_else(|v| panic!("{relative}: {v}"));
            assert_eq!(document.events.len(), pre_hashes.len(), "{relative}");
            for (event, pre) in document.events.iter().zip(&pre_hashes) {
                // An event whose document gives no eventID is given its hash.
                let id = event.event_id.as_deref().unwrap_or_default();
                if !text.contains(id) {
                    assert_eq!(
                        id,
                        suyuan_core::epcis::hash::id_of_pre_hash(pre),
                        "{relative}"
                    );
                    assigned += 1;
                }
            }
            xml_events += pre_hashes.len();
            let pairs = pre_hashes
                .into_iter()
                .map(|pre| (suyuan_core::epcis::hash::id_of_pre_hash(&pre), pre))
                .collect();
            (document.events.len(), pairs)
        } else {
            let value: serde_json::Value = serde_json::from_str(&text).expect("json");
            let document =
                jsonld::decode_document(&value).unwrap_or_else(|v| panic!("{relative}: {v}"));
            let namespaces = jsonld::Namespaces::from_declared(document.namespaces.clone());
            json_events += document.events.len();
            let pairs = document
                .events
                .iter()
                .map(|event| {
                    (
                        suyuan_core::epcis::hash::event_id(event, &namespaces),
                        suyuan_core::epcis::hash::pre_hash(event, &namespaces),
                    )
                })
                .collect();
            (document.events.len(), pairs)
        };
        assert_eq!(events, hashes.len(), "{relative}: event count");
        for (index, ((id, pre), hash)) in mine.iter().zip(&hashes).enumerate() {
            if id != hash {
                let theirs = expected["prehashes"][index].as_str().unwrap_or_default();
                failures.push(format!(
                    "{relative} #{index}:\n  mine:   {pre}\n  theirs: {theirs}"
                ));
            }
        }
    }
    let checked = json_events + xml_events;
    assert!(
        assigned > 30,
        "only {assigned} XML events without an eventID"
    );
    assert!(
        json_events >= 50 && xml_events >= 50,
        "only {json_events} JSON-LD and {xml_events} XML events checked"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The XML documents to capture: all but the capture-job responses.
fn xml_documents() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![corpus_dir().join("XML")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus directory").flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("CaptureJob") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "xml") {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 25, "XML corpus not found");
    files
}

#[test]
fn every_xml_example_reads_and_its_events_survive_json_ld() {
    let mut failures = Vec::new();
    for path in xml_documents() {
        let text = std::fs::read_to_string(&path).expect("read");
        match suyuan_core::epcis::xml::decode_document(&text) {
            Ok(document) => {
                let written = jsonld::encode_document(&document);
                let again = jsonld::decode_document(&written).unwrap_or_else(|v| {
                    panic!("{}: re-reading failed: {v}\n{written:#}", path.display())
                });
                assert_eq!(document.events, again.events, "{}", path.display());
            }
            Err(violations) => failures.push(format!("{}: {violations}", path.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} documents failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// What the XML binding carries of an event: extension values as text (numbers, booleans and
/// `null` have no type in XML), lists of one item as the item, empty lists as nothing, and
/// sensor vocabulary values by their URI (JSON-LD writes `Temperature`, XML `gs1:Temperature`).
fn as_xml_carries(event: &Event) -> Event {
    fn scalar(value: &ExtensionValue) -> Option<ExtensionValue> {
        Some(ExtensionValue::Text(match value {
            ExtensionValue::Text(text) => text.trim().to_owned(),
            ExtensionValue::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                format!("{}", *n as i64)
            }
            ExtensionValue::Number(n) => n.to_string(),
            ExtensionValue::Bool(b) => b.to_string(),
            ExtensionValue::Null => String::new(),
            ExtensionValue::Object(fields) if fields.is_empty() => String::new(),
            ExtensionValue::Object(fields) => return Some(ExtensionValue::Object(all(fields))),
            ExtensionValue::List(_) => return None,
        }))
    }
    fn flatten(value: &ExtensionValue, into: &mut Vec<ExtensionValue>) {
        match value {
            ExtensionValue::List(items) => items.iter().for_each(|item| flatten(item, into)),
            other => into.extend(scalar(other)),
        }
    }
    fn value(value: &ExtensionValue) -> Option<ExtensionValue> {
        let mut items = Vec::new();
        flatten(value, &mut items);
        match items.len() {
            0 => None,
            1 => items.pop(),
            _ => Some(ExtensionValue::List(items)),
        }
    }
    fn all(extensions: &[Extension]) -> Vec<Extension> {
        extensions
            .iter()
            .filter_map(|e| {
                Some(Extension {
                    value: value(&e.value)?,
                    ..e.clone()
                })
            })
            .collect()
    }
    fn sensor(fields: &SensorFields) -> SensorFields {
        let vocabulary = |name: &str| match name {
            "type" => Some(Vocabulary::MeasurementType),
            "exception" => Some(Vocabulary::SensorAlert),
            "component" => Some(Vocabulary::Component),
            _ => None,
        };
        SensorFields {
            fields: fields
                .fields
                .iter()
                .map(|(name, v)| match (vocabulary(name), v) {
                    (Some(vocabulary), SensorValue::Text(text)) => (
                        name.clone(),
                        SensorValue::Text(
                            vocabulary
                                .parse(text)
                                .map(|v| v.uri().to_owned())
                                .unwrap_or_else(|_| text.clone()),
                        ),
                    ),
                    _ => (name.clone(), v.clone()),
                })
                .collect(),
            extensions: all(&fields.extensions),
        }
    }
    let mut event = event.clone();
    event.extensions = all(&event.extensions);
    event.ilmd = event.ilmd.as_deref().map(all);
    for location in event
        .read_point
        .iter_mut()
        .chain(event.biz_location.iter_mut())
    {
        location.extensions = all(&location.extensions);
    }
    if let Some(declaration) = &mut event.error_declaration {
        declaration.extensions = all(&declaration.extensions);
    }
    for element in &mut event.sensor_element_list {
        element.extensions = all(&element.extensions);
        element.metadata = element.metadata.as_ref().map(sensor);
        element.reports = element.reports.iter().map(sensor).collect();
    }
    event
}

/// The lines of the first differing event that differ, to read a failure.
fn difference(expected: &[Event], found: &[Event]) -> String {
    if expected.len() != found.len() {
        return format!("{} events, {} read back", expected.len(), found.len());
    }
    let Some((index, (a, b))) = expected
        .iter()
        .zip(found)
        .enumerate()
        .find(|(_, (a, b))| a != b)
    else {
        return String::new();
    };
    let (a, b) = (format!("{a:#?}"), format!("{b:#?}"));
    let lines: Vec<String> = a
        .lines()
        .zip(b.lines())
        .filter(|(x, y)| x != y)
        .take(6)
        .map(|(x, y)| format!("  - {}\n  + {}", x.trim(), y.trim()))
        .collect();
    format!("event {index} differs:\n{}", lines.join("\n"))
}

/// Every document of the corpus, read from JSON-LD or XML.
fn corpus_documents() -> Vec<(PathBuf, Document)> {
    let mut documents = Vec::new();
    for path in json_documents() {
        let text = std::fs::read_to_string(&path).expect("read");
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        let document = jsonld::decode_document(&value).expect("a valid document");
        documents.push((path, document));
    }
    for path in xml_documents() {
        let text = std::fs::read_to_string(&path).expect("read");
        let document = xml::decode_document(&text).expect("a valid document");
        documents.push((path, document));
    }
    documents
}

#[test]
fn every_example_round_trips_through_the_xml_writer() {
    let mut failures = Vec::new();
    let documents = corpus_documents();
    for (path, document) in &documents {
        let written = xml_writer::encode_document(document);
        let again = match xml::decode_document(&written) {
            Ok(again) => again,
            Err(violations) => {
                failures.push(format!("{}: {violations}\n{written}", path.display()));
                continue;
            }
        };
        let expected: Vec<Event> = document.events.iter().map(as_xml_carries).collect();
        // The XML reader gives an event without an eventID its hash; the JSON-LD reader
        // leaves it without.
        let found: Vec<Event> = again
            .events
            .iter()
            .zip(&document.events)
            .map(|(event, original)| {
                let mut event = as_xml_carries(event);
                if original.event_id.is_none() {
                    event.event_id = None;
                }
                event
            })
            .collect();
        if expected != found {
            failures.push(format!(
                "{}: {}",
                path.display(),
                difference(&expected, &found)
            ));
        }
        // The XML corpus's own events come back exactly, not only as far as XML carries them.
        if path.extension().is_some_and(|e| e == "xml") && document.events != again.events {
            failures.push(format!("{}: XML events differ", path.display()));
        }
    }
    assert!(documents.len() > 70, "only {} documents", documents.len());
    assert!(
        failures.is_empty(),
        "{} of {} documents failed:\n{}",
        failures.len(),
        documents.len(),
        failures.join("\n")
    );
}

/// Validates `text` against the XSD `schema` (under `XSD/`) with `xmllint`: `None` when
/// xmllint is not installed, else its verdict.
fn xmllint(schema: &str, text: &str, file: &Path) -> Option<Result<(), String>> {
    std::fs::write(file, text).expect("write");
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(corpus_dir().join("XSD").join(schema))
        .arg(file)
        .output()
        .ok()?;
    Some(if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    })
}

/// The documents the writer makes, and query documents of their events, are valid against
/// GS1's EPCIS 2.0 XSDs. Needs `xmllint` (libxml2-utils); where it is not installed the check
/// is skipped, with a note on stderr, so the suite runs anywhere.
#[test]
fn written_documents_are_valid_against_the_xsd() {
    let dir = std::env::temp_dir().join(format!("suyuan-xml-writer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let file = dir.join("written.xml");
    let mut invalid = Vec::new();
    let documents = corpus_documents();
    for (path, document) in &documents {
        let written = xml_writer::encode_document(document);
        let namespaces = jsonld::Namespaces::from_declared(document.namespaces.clone());
        let query = xml_writer::encode_query_document(
            &document.events,
            &namespaces,
            "SimpleEventQuery",
            Some("subscription-1"),
            &document.creation_date,
        );
        for (schema, text) in [
            ("EPCglobal-epcis-2_0.xsd", written),
            ("EPCglobal-epcis-query-2_0.xsd", query),
        ] {
            match xmllint(schema, &text, &file) {
                None => {
                    eprintln!("xmllint is not installed: XSD validation skipped");
                    let _ = std::fs::remove_dir_all(&dir);
                    return;
                }
                Some(Ok(())) => {}
                Some(Err(message)) => {
                    invalid.push(format!("{} ({schema}): {message}", path.display()))
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        invalid.is_empty(),
        "{} of {} written documents are not valid:\n{}",
        invalid.len(),
        2 * documents.len(),
        invalid.join("\n")
    );
}
