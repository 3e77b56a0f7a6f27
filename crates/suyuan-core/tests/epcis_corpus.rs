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
