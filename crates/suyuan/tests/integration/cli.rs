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
