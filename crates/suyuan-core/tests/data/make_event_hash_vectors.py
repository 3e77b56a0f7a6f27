#!/usr/bin/env python3
"""Regenerates epcis-event-hash-hashes.json with GS1's reference event hash generator.

    pip install epcis-event-hash-generator==1.9.3
    python3 make_event_hash_vectors.py ../../../../../shared/conformance/epcis > epcis-event-hashes.json

Each document runs in a fresh process (the package keeps module-level state between files).
A document the tool cannot read is recorded with its error and no hashes.
"""
import json
import pathlib
import subprocess
import sys

WORKER = r"""
import json, sys
from epcis_event_hash_generator import events_from_file_reader, hash_generator
try:
    events = events_from_file_reader.event_list_from_file(sys.argv[1], "")
    pre = hash_generator.derive_prehashes_from_events(events, "")
    print(json.dumps({"hashes": hash_generator.calculate_hashes_from_pre_hashes(pre, "sha256"),
                      "prehashes": pre, "error": None}))
except Exception as error:
    print(json.dumps({"hashes": [], "prehashes": [], "error": "%s: %s" % (type(error).__name__, error)}))
"""

base = pathlib.Path(sys.argv[1])
documents = {}
for path in sorted(p for p in base.rglob("*") if p.suffix in (".json", ".jsonld", ".xml")):
    if path.parent.name.startswith("JSON-") or path.parent == base or "XSD" in path.parts:
        continue
    run = subprocess.run([sys.executable, "-c", WORKER, str(path)], capture_output=True, text=True)
    result = json.loads(run.stdout or '{"hashes": [], "prehashes": [], "error": "no output"}')
    if not result["hashes"] and not result["error"]:
        result["error"] = "no events"
    documents[str(path.relative_to(base))] = result
json.dump({"generator": "epcis-event-hash-generator 1.9.3 (PyPI), by make_event_hash_vectors.py",
           "documents": documents}, sys.stdout, indent=1, ensure_ascii=False)
