//! Nothing acknowledged is lost: the real binary is killed with SIGKILL right after it
//! acknowledges registrations, restarted, and every registration is there.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::support::{fresh_databases, start_binary, uscc};

#[tokio::test]
async fn acknowledged_registrations_survive_sigkill() {
    for db in fresh_databases().await {
        let client = reqwest::Client::new();
        let (mut child, base, _) = start_binary(&db.binary_args(), &[]);
        let mut acknowledged = Vec::new();
        for n in 0..25 {
            let body = json!({
                "participant": {
                    "name": format!("崩溃测试企业{n}"),
                    "uscc": uscc(&format!("91440115MA5C{n:04}X")),
                    "kind": "enterprise",
                    "regionCode": "440115",
                    "address": "广州市南沙区",
                    "contact": { "name": "测试", "phone": "020-12345678" }
                },
                "admin": { "username": format!("crash{n}.admin"), "displayName": "测试", "password": "crash-test-2026" }
            });
            let response = client
                .post(format!("{base}/api/v1/registrations"))
                .json(&body)
                .send()
                .await
                .expect("registration");
            assert_eq!(response.status(), StatusCode::CREATED, "[{}]", db.backend);
            let created: serde_json::Value = response.json().await.expect("body");
            acknowledged.push((
                n,
                created["participant"]["id"]
                    .as_str()
                    .expect("id")
                    .to_owned(),
            ));
        }
        // Killed the instant the last acknowledgement arrived: no graceful shutdown.
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");

        let (mut child, base, _) = start_binary(&db.binary_args(), &[]);
        let started = Instant::now();
        for (n, id) in &acknowledged {
            let login = client
                .post(format!("{base}/api/v1/session"))
                .json(&json!({ "username": format!("crash{n}.admin"), "password": "crash-test-2026" }))
                .send()
                .await
                .expect("login");
            assert_eq!(
                login.status(),
                StatusCode::OK,
                "[{}] registration {n} lost",
                db.backend
            );
            let cookie = login
                .headers()
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .expect("cookie")
                .to_owned();
            let participant = client
                .get(format!("{base}/api/v1/participants/{id}"))
                .header("cookie", cookie)
                .send()
                .await
                .expect("read");
            assert_eq!(
                participant.status(),
                StatusCode::OK,
                "[{}] participant {id}",
                db.backend
            );
        }
        assert!(started.elapsed() < Duration::from_secs(120));
        child.kill().expect("stop");
        child.wait().expect("reaped");
    }
}
