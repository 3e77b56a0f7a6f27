//! The command line as a newcomer meets it: settings from a file, the environment and flags,
//! printed at start with secrets masked; the demo's printed credentials work.

use reqwest::StatusCode;

use crate::support::{sqlite_db, start_binary};

#[tokio::test]
async fn flags_beat_environment_beat_file_and_secrets_are_masked() {
    let db = sqlite_db();
    let config = db.data_dir.join("suyuan.toml");
    std::fs::write(
        &config,
        format!(
            "listen = \"127.0.0.1:9\"\ndata-dir = \"{}\"\ncenter-name = \"来自文件的中心\"\n\
             session-ttl-hours = 3\ndemo = true\ndemo-api-key = \"file-secret-key-000001\"\n",
            db.data_dir.display()
        ),
    )
    .expect("write config");
    let args = vec![
        "--config".to_owned(),
        config.display().to_string(),
        "--listen".to_owned(),
        "127.0.0.1:0".to_owned(),
    ];
    let (mut child, base, printed) = start_binary(
        &args,
        &[
            ("SUYUAN_CENTER_NAME", "来自环境的中心"),
            ("SUYUAN_SESSION_TTL_HOURS", "5"),
        ],
    );
    let printed = printed.join("\n");
    assert!(
        printed.contains("listen            = 127.0.0.1:0"),
        "{printed}"
    );
    assert!(
        printed.contains("center-name       = 来自环境的中心"),
        "{printed}"
    );
    assert!(printed.contains("session-ttl-hours = 5"), "{printed}");
    assert!(printed.contains("demo-api-key      = ***"), "{printed}");
    assert!(
        printed.contains("operator login    : operator / suyuan-demo-2026"),
        "{printed}"
    );
    // The key is printed for the newcomer once the demo is loaded, and it works.
    let client = reqwest::Client::new();
    let me = client
        .get(format!("{base}/api/v1/me"))
        .bearer_auth("file-secret-key-000001")
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), StatusCode::OK);
    let landing = client
        .get(format!("{base}/"))
        .send()
        .await
        .expect("landing");
    assert!(
        landing
            .text()
            .await
            .expect("html")
            .contains("来自环境的中心")
    );
    child.kill().expect("stop");
    child.wait().expect("reaped");
}

fn conformance(relative: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/conformance/epcis")
        .join(relative)
}

#[test]
fn epcis_hash_prints_the_reference_hashes_in_document_order() {
    let vectors: serde_json::Value = serde_json::from_str(include_str!(
        "../../../suyuan-core/tests/data/epcis-event-hashes.json"
    ))
    .expect("vectors");
    for relative in [
        "JSON/Example_9.6.1-ObjectEvent.jsonld",
        "JSON/WithSensorData/SensorDataExample1.jsonld",
        "XML/WithSensorData/SensorDataExamples.xml",
        "XML/WithExtension/ObjectEvent.xml",
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_suyuan"))
            .args(["epcis", "hash"])
            .arg(conformance(relative))
            .output()
            .expect("run suyuan epcis hash");
        assert!(output.status.success(), "{relative}");
        let printed: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        let expected: Vec<String> = vectors["documents"][relative]["hashes"]
            .as_array()
            .expect("hashes")
            .iter()
            .filter_map(|h| h.as_str().map(str::to_owned))
            .collect();
        assert_eq!(printed, expected, "{relative}");
    }
}

#[test]
fn epcis_validate_names_every_problem_and_fails() {
    let db = sqlite_db();
    let broken = db.data_dir.join("broken.jsonld");
    std::fs::write(
        &broken,
        r#"{"@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],
            "type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-11-23T08:00:00Z",
            "epcisBody": {"eventList": [{"type": "ObjectEvent", "eventTime": "yesterday",
              "eventTimeZoneOffset": "+08:00", "action": "OBSERVE",
              "epcList": ["urn:epc:id:sgtin:6901234.06789.1"]}]}}"#,
    )
    .expect("write");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_suyuan"))
        .args(["epcis", "validate"])
        .arg(&broken)
        .arg(conformance("XML/Example_9.6.1-ObjectEvent-2020_06_18a.xml"))
        .output()
        .expect("run suyuan epcis validate");
    assert!(!output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.contains("/epcisBody/eventList/0/eventTime"),
        "{printed}"
    );
    assert!(
        printed.contains("/epcisBody/eventList/0/epcList/0"),
        "{printed}"
    );
    assert!(
        printed.contains("Example_9.6.1-ObjectEvent-2020_06_18a.xml: valid, 2 events"),
        "{printed}"
    );
}
