//! The OpenAPI document: OpenAPI 3.1, valid, and listing every route the app serves.

use std::process::Command;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use crate::support::sqlite_db;

async fn document() -> (axum::Router, Value) {
    let db = sqlite_db();
    let settings = db.settings();
    let services = suyuan::services(&settings).await.expect("services");
    let app = suyuan::app(services, &settings);
    let response = app
        .clone()
        .oneshot(
            Request::get("/openapi.json")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    // Keep the database alive as long as the app by leaking the guard into the test's scope.
    std::mem::forget(db);
    (app, serde_json::from_slice(&bytes).expect("JSON"))
}

#[tokio::test]
async fn document_is_openapi_3_1_and_validates() {
    let (_, document) = document().await;
    assert_eq!(document["openapi"], "3.1.0");
    let path = std::env::temp_dir().join(format!("suyuan-openapi-{}.json", std::process::id()));
    std::fs::write(&path, serde_json::to_vec_pretty(&document).expect("json")).expect("write");
    let output = Command::new("python3")
        .args([
            "-c",
            "import json,sys\n\
             from openapi_spec_validator import validate\n\
             from openapi_spec_validator.validation.validators import OpenAPIV31SpecValidator\n\
             validate(json.load(open(sys.argv[1])), cls=OpenAPIV31SpecValidator)\n\
             print('valid')",
        ])
        .arg(&path)
        .output()
        .expect("python3 runs (install openapi-spec-validator from PyPI)");
    let _ = std::fs::remove_file(&path);
    assert!(
        output.status.success() && String::from_utf8_lossy(&output.stdout).contains("valid"),
        "openapi-spec-validator: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn every_documented_operation_is_served_and_every_route_is_documented() {
    let (app, document) = document().await;
    let paths = document["paths"].as_object().expect("paths");
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "validation"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in ["get", "post", "put", "delete", "patch"] {
            if item.get(method).is_none() {
                continue;
            }
            operations += 1;
            let request = Request::builder()
                .method(Method::from_bytes(method.to_uppercase().as_bytes()).expect("method"))
                .uri(&concrete)
                .header("content-type", "application/json")
                .body(Body::from("{}"))
                .expect("request");
            let response = app.clone().oneshot(request).await.expect("response");
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .expect("body");
            let text = String::from_utf8_lossy(&body);
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(
                !text.contains("no resource at this path"),
                "{method} {path} is documented but not routed"
            );
        }
    }
    // The route table and the document are built from the same declarations; check the
    // document holds the routes a client relies on.
    for expected in [
        "/health",
        "/openapi.json",
        "/",
        "/docs",
        "/problems/{code}",
        "/api/v1/registrations",
        "/api/v1/participants",
        "/api/v1/participants/{id}",
        "/api/v1/participants/{id}/review",
        "/api/v1/participants/{id}/history",
        "/api/v1/participants/{id}/sites",
        "/api/v1/participants/{id}/products",
        "/api/v1/participants/{id}/users",
        "/api/v1/participants/{id}/api-keys",
        "/api/v1/sites/{id}",
        "/api/v1/products/{id}",
        "/api/v1/api-keys/{id}",
        "/api/v1/session",
        "/api/v1/me",
        "/api/v1/audit",
        "/api/v1/categories",
        "/api/v1/regions",
        "/api/v1/ledger/templates",
        "/api/v1/ledger/templates/{sheet}",
        "/api/v1/ledger/uploads/{sheet}",
    ] {
        assert!(paths.contains_key(expected), "{expected} is not documented");
    }
    assert!(operations >= 30, "only {operations} operations documented");
}
