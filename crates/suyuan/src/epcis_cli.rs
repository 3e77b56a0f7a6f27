//! `suyuan epcis hash` and `suyuan epcis validate`: the EPCIS tools that need no server.

use std::io::Write;
use std::path::Path;

use suyuan_core::epcis::{hash, jsonld};
use suyuan_core::validation::Violations;

/// Reads an EPCIS document file: its events with the event hash of each, or every problem with
/// its location. The hash of an XML event is read from its XML, as the reference generator
/// reads it; that of a JSON-LD event from the event.
fn read_document(path: &Path) -> Result<(suyuan_core::epcis::Document, Vec<String>), String> {
    let text = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let is_xml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
        || text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
    if is_xml {
        let text =
            String::from_utf8(text).map_err(|e| format!("{}: not UTF-8: {e}", path.display()))?;
        let (document, pre_hashes) =
            suyuan_core::epcis::xml::decode_document_with_pre_hashes(&text)
                .map_err(|v| describe(path, &v))?;
        let hashes = pre_hashes
            .iter()
            .map(|pre| hash::id_of_pre_hash(pre))
            .collect();
        return Ok((document, hashes));
    }
    let value: serde_json::Value = serde_json::from_slice(&text)
        .map_err(|e| format!("{}: not well-formed JSON: {e}", path.display()))?;
    let document =
        jsonld::decode_document(&value).map_err(|violations| describe(path, &violations))?;
    let namespaces = jsonld::Namespaces::from_declared(document.namespaces.clone());
    let hashes = document
        .events
        .iter()
        .map(|event| hash::event_id(event, &namespaces))
        .collect();
    Ok((document, hashes))
}

fn describe(path: &Path, violations: &Violations) -> String {
    violations
        .errors()
        .iter()
        .map(|e| {
            format!(
                "{}: {}: {}",
                path.display(),
                if e.pointer.is_empty() {
                    "/"
                } else {
                    &e.pointer
                },
                e.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prints the event hash of every event, one per line in document order. Returns whether
/// every file could be read.
pub fn hash_files(paths: &[impl AsRef<Path>], out: &mut impl Write, err: &mut impl Write) -> bool {
    let mut ok = true;
    for path in paths {
        match read_document(path.as_ref()) {
            Ok((_, hashes)) => {
                for hash in hashes {
                    let _ = writeln!(out, "{hash}");
                }
            }
            Err(message) => {
                ok = false;
                let _ = writeln!(err, "{message}");
            }
        }
    }
    ok
}

/// Reports every problem of every file, or that it is valid. Returns whether all are valid.
pub fn validate_files(paths: &[impl AsRef<Path>], out: &mut impl Write) -> bool {
    let mut ok = true;
    for path in paths {
        let path = path.as_ref();
        match read_document(path) {
            Ok((document, _)) => {
                let _ = writeln!(
                    out,
                    "{}: valid, {} events",
                    path.display(),
                    document.events.len()
                );
            }
            Err(message) => {
                ok = false;
                let _ = writeln!(out, "{message}");
            }
        }
    }
    ok
}
