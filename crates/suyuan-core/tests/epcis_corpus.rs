//! The GS1 EPCIS 2.0 example documents (`../shared/conformance/epcis/JSON`): every one is read
//! without error, and writing it back and reading it again gives the same events.

use std::path::{Path, PathBuf};

use suyuan_core::epcis::jsonld;

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
