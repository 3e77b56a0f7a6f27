//! The registry and accounts API over real HTTP, on every backend: registration, review,
//! sign-in, API keys, forbidden access, bad input, and the audit trail.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, fresh_databases, gtin13, uscc};

const DEMO_KEY: &str = "demo-importer-key-for-tests";

/// A client that remembers one session cookie or API key.
struct Caller<'a> {
    server: &'a TestServer,
    client: Client,
    cookie: Option<String>,
    bearer: Option<String>,
}

impl<'a> Caller<'a> {
    fn anonymous(server: &'a TestServer) -> Self {
        Caller {
            server,
            client: Client::new(),
            cookie: None,
            bearer: None,
        }
    }

    fn with_key(server: &'a TestServer, key: &str) -> Self {
        Caller {
            bearer: Some(key.to_owned()),
            ..Caller::anonymous(server)
        }
    }

    async fn signed_in(server: &'a TestServer, username: &str, password: &str) -> Self {
        let mut caller = Caller::anonymous(server);
        let response = caller
            .client
            .post(server.url("/api/v1/session"))
            .json(&json!({ "username": username, "password": password }))
            .send()
            .await
            .expect("login request");
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "[{}] login {username}",
            server.backend
        );
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_owned();
        assert!(cookie.starts_with("suyuan_session="));
        caller.cookie = Some(cookie);
        caller
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self
            .client
            .request(method, self.server.url(path))
            .header("user-agent", "suyuan-http-test");
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        if let Some(key) = &self.bearer {
            request = request.bearer_auth(key);
        }
        request
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> (StatusCode, Value, reqwest::header::HeaderMap) {
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body, headers)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let (status, body, _) = self.send(self.request(reqwest::Method::GET, path)).await;
        (status, body)
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let (status, body, _) = self
            .send(self.request(reqwest::Method::POST, path).json(&body))
            .await;
        (status, body)
    }

    async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let (status, body, _) = self
            .send(self.request(reqwest::Method::PUT, path).json(&body))
            .await;
        (status, body)
    }

    async fn delete(&self, path: &str) -> StatusCode {
        self.send(self.request(reqwest::Method::DELETE, path))
            .await
            .0
    }
}

fn participant_body(name: &str, uscc_value: &str) -> Value {
    json!({
        "name": name,
        "uscc": uscc_value,
        "kind": "enterprise",
        "businessRoles": ["producer"],
        "regionCode": "320282",
        "address": "江苏省宜兴市官林镇",
        "contact": { "name": "周工", "phone": "0510-87001234", "email": "zhou@example.cn" }
    })
}

fn registration_body(name: &str, uscc_value: &str, username: &str) -> Value {
    json!({
        "participant": participant_body(name, uscc_value),
        "admin": { "username": username, "displayName": "周工", "password": "cable-factory-2026" }
    })
}

fn pointers(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["pointer"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

async fn start(db: &crate::support::TestDb) -> TestServer {
    let server = TestServer::start(db).await;
    server
        .services
        .load_demo(Some(DEMO_KEY))
        .await
        .expect("demo loads");
    server
}

#[tokio::test]
async fn registration_review_login_and_member_work() {
    for db in fresh_databases().await {
        let server = start(&db).await;
        let backend = server.backend;
        let public = Caller::anonymous(&server);

        // Anyone registers; the registration waits for review.
        let (status, body, headers) = public
            .send(
                public
                    .request(reqwest::Method::POST, "/api/v1/registrations")
                    .json(&registration_body(
                        "宜兴新光电缆有限公司",
                        &uscc("91320282MA1XYW001"),
                        "xinguang.admin",
                    )),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "[{backend}] {body}");
        let id = body["participant"]["id"].as_str().expect("id").to_owned();
        assert_eq!(body["participant"]["status"], "submitted");
        assert_eq!(body["participant"]["regionName"], "宜兴市");
        assert_eq!(body["admin"]["role"], "member_admin");
        assert_eq!(
            headers.get("location").and_then(|v| v.to_str().ok()),
            Some(format!("/api/v1/participants/{id}").as_str())
        );

        // The same USCC again is a conflict naming the field.
        let (status, body) = public
            .post(
                "/api/v1/registrations",
                registration_body("另一家", &uscc("91320282MA1XYW001"), "other.admin"),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "[{backend}] {body}");
        assert_eq!(pointers(&body), ["/uscc"]);

        // The member signs in and sees its own registration, but may not write data yet.
        let member = Caller::signed_in(&server, "xinguang.admin", "cable-factory-2026").await;
        let (status, me) = member.get("/api/v1/me").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["role"], "member_admin");
        assert_eq!(me["participantStatus"], "submitted");
        let (status, _) = member.get(&format!("/api/v1/participants/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        let product = json!({
            "gtin": gtin13("690312399901"), "name": "电力电缆", "category": "wire-cable",
            "unit": "挤包绝缘低压电力电缆", "model": "YJV 3×95", "licenseNo": "XK06-001-09999"
        });
        let (status, body) = member
            .post(
                &format!("/api/v1/participants/{id}/products"),
                product.clone(),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "[{backend}] {body}");
        assert!(
            body["detail"].as_str().unwrap_or("").contains("approved"),
            "{body}"
        );
        assert_eq!(body["type"], "/problems/forbidden");

        // Members cannot review, list everyone, or read others.
        let (status, _) = member
            .post(
                &format!("/api/v1/participants/{id}/review"),
                json!({ "decision": "approve" }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = member.get("/api/v1/participants").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let demo_importer = server
            .services
            .store()
            .user_by_username("importer.admin")
            .await
            .expect("store")
            .and_then(|u| u.participant_id)
            .expect("demo importer");
        let (status, _) = member
            .get(&format!("/api/v1/participants/{demo_importer}"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);

        // The operator approves; a second decision is a conflict.
        let operator = Caller::signed_in(&server, "operator", "suyuan-demo-2026").await;
        let (status, queue) = operator.get("/api/v1/participants?status=submitted").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            queue["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|p| p["id"] == id.as_str()),
            "{queue}"
        );
        let (status, body) = operator
            .post(
                &format!("/api/v1/participants/{id}/review"),
                json!({ "decision": "approve", "reason": "资料齐全" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "[{backend}] {body}");
        assert_eq!(body["status"], "approved");
        let (status, body) = operator
            .post(
                &format!("/api/v1/participants/{id}/review"),
                json!({ "decision": "reject", "reason": "x" }),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");

        // Approved, the member registers a site and a product.
        let (status, site) = member
            .post(
                &format!("/api/v1/participants/{id}/sites"),
                json!({ "name": "官林工厂", "address": "宜兴市官林镇", "regionCode": "320282",
                        "latitude": 31.48, "longitude": 119.82 }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "[{backend}] {site}");
        let (status, created) = member
            .post(&format!("/api/v1/participants/{id}/products"), product)
            .await;
        assert_eq!(status, StatusCode::CREATED, "[{backend}] {created}");
        assert_eq!(created["gtin"].as_str().map(str::len), Some(14));
        let product_id = created["id"].as_str().expect("product id").to_owned();
        let (status, updated) = member
            .put(
                &format!("/api/v1/products/{product_id}"),
                json!({ "gtin": created["gtin"], "name": "交联聚乙烯电力电缆", "category": "wire-cable",
                        "unit": "挤包绝缘低压电力电缆", "model": "YJV 3×95", "licenseNo": "XK06-001-09999" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["version"], 2);
        let (status, history) = member
            .get(&format!("/api/v1/products/{product_id}/history"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(history.as_array().map(Vec::len), Some(2), "{history}");
        assert_eq!(history[0]["snapshot"]["name"], "电力电缆");

        // The audit trail names who did what, and from where.
        let (status, audit) = operator.get(&format!("/api/v1/audit?targetId={id}")).await;
        assert_eq!(status, StatusCode::OK);
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|e| e["action"].as_str())
            .collect();
        assert_eq!(
            actions,
            ["registration.review", "registration.submit"],
            "{audit}"
        );
        assert_eq!(audit["items"][0]["actorRole"], "operator");
        assert_eq!(audit["items"][0]["ip"], "127.0.0.1");
        assert_eq!(audit["items"][0]["userAgent"], "suyuan-http-test");
        let (status, _) = member.get("/api/v1/audit").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = public.get("/api/v1/audit").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // Signing out ends the session.
        assert_eq!(
            member.delete("/api/v1/session").await,
            StatusCode::NO_CONTENT
        );
        let (status, _) = member.get("/api/v1/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn rejection_needs_a_reason_and_correction_goes_back_to_review() {
    for db in fresh_databases().await {
        let server = start(&db).await;
        let public = Caller::anonymous(&server);
        let (status, body) = public
            .post(
                "/api/v1/registrations",
                registration_body(
                    "宜兴旧光电缆有限公司",
                    &uscc("91320282MA1XYW002"),
                    "jiuguang.admin",
                ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["participant"]["id"].as_str().expect("id").to_owned();
        let operator = Caller::signed_in(&server, "operator", "suyuan-demo-2026").await;
        let (status, body) = operator
            .post(
                &format!("/api/v1/participants/{id}/review"),
                json!({ "decision": "reject" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(pointers(&body), ["/reason"]);
        let (status, body) = operator
            .post(
                &format!("/api/v1/participants/{id}/review"),
                json!({ "decision": "reject", "reason": "营业执照照片模糊" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "rejected");
        assert_eq!(body["reviewReason"], "营业执照照片模糊");

        let member = Caller::signed_in(&server, "jiuguang.admin", "cable-factory-2026").await;
        let mut corrected = participant_body("宜兴旧光电缆有限公司", &uscc("91320282MA1XYW002"));
        corrected["address"] = json!("江苏省宜兴市官林镇新街88号");
        let (status, body) = member
            .put(&format!("/api/v1/participants/{id}"), corrected)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "submitted");
        assert_eq!(body["version"], 3);
        let (status, history) = member
            .get(&format!("/api/v1/participants/{id}/history"))
            .await;
        assert_eq!(status, StatusCode::OK);
        let statuses: Vec<&str> = history
            .as_array()
            .expect("history")
            .iter()
            .filter_map(|h| h["snapshot"]["status"].as_str())
            .collect();
        assert_eq!(statuses, ["submitted", "rejected", "submitted"]);
    }
}

#[tokio::test]
async fn invalid_identifiers_are_refused_with_the_expected_check_and_nothing_is_written() {
    for db in fresh_databases().await {
        let server = start(&db).await;
        let backend = server.backend;
        let public = Caller::anonymous(&server);
        let operator = Caller::signed_in(&server, "operator", "suyuan-demo-2026").await;
        let (_, before) = operator.get("/api/v1/participants?limit=500").await;
        let (_, audit_before) = operator.get("/api/v1/audit?limit=1").await;

        // A USCC with a wrong check character, and an unknown region code.
        let good = uscc("91320282MA1XYW003");
        let expected = good.chars().last().expect("check");
        let wrong = if expected == '0' { '1' } else { '0' };
        let bad_uscc = format!("{}{wrong}", &good[..17]);
        let mut body = registration_body("坏代码公司", &bad_uscc, "bad.admin");
        body["participant"]["regionCode"] = json!("329999");
        let (status, problem, headers) = public
            .send(
                public
                    .request(reqwest::Method::POST, "/api/v1/registrations")
                    .json(&body),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {problem}"
        );
        assert_eq!(
            headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        assert_eq!(problem["type"], "/problems/validation");
        assert_eq!(problem["status"], 422);
        assert_eq!(
            pointers(&problem),
            ["/participant/uscc", "/participant/regionCode"]
        );
        let uscc_message = problem["errors"][0]["detail"].as_str().expect("detail");
        assert!(
            uscc_message.contains(&format!("expected '{expected}'")),
            "{uscc_message}"
        );
        assert!(
            problem["errors"][1]["detail"]
                .as_str()
                .expect("detail")
                .contains("329999")
        );

        // A GTIN with a wrong check digit.
        let importer = Caller::with_key(&server, DEMO_KEY);
        let (_, me) = importer.get("/api/v1/me").await;
        let importer_id = me["participantId"].as_str().expect("importer").to_owned();
        let (_, products_before) = importer
            .get(&format!("/api/v1/participants/{importer_id}/products"))
            .await;
        let (status, problem) = importer
            .post(
                &format!("/api/v1/participants/{importer_id}/products"),
                json!({ "gtin": "6901234567893", "name": "进口奶粉", "category": "food-dairy", "model": "1kg" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(pointers(&problem), ["/gtin"]);
        assert!(
            problem["errors"][0]["detail"]
                .as_str()
                .expect("detail")
                .contains("expected '2'"),
            "{problem}"
        );

        // A site with an unknown region code.
        let (status, problem) = importer
            .post(
                &format!("/api/v1/participants/{importer_id}/sites"),
                json!({ "name": "仓库", "address": "南沙", "regionCode": "440199" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(pointers(&problem), ["/regionCode"]);

        // Nothing was written: same participants, products and audit log.
        let (_, after) = operator.get("/api/v1/participants?limit=500").await;
        assert_eq!(before["total"], after["total"]);
        let (_, products_after) = importer
            .get(&format!("/api/v1/participants/{importer_id}/products"))
            .await;
        assert_eq!(products_before, products_after);
        let (_, audit_after) = operator.get("/api/v1/audit?limit=1").await;
        assert_eq!(audit_before["total"], audit_after["total"]);
        assert!(
            server
                .services
                .store()
                .user_by_username("bad.admin")
                .await
                .expect("store")
                .is_none()
        );
    }
}

#[tokio::test]
async fn malformed_requests_get_precise_problems() {
    let db = crate::support::sqlite_db();
    let server = start(&db).await;
    let public = Caller::anonymous(&server);

    // Not JSON at all: 400 with where it broke.
    let (status, problem, _) = public
        .send(
            public
                .request(reqwest::Method::POST, "/api/v1/registrations")
                .header("content-type", "application/json")
                .body("{\"participant\": {"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["type"], "/problems/malformed-request");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("line 1"),
        "{problem}"
    );

    // JSON of the wrong shape: 422 naming the field.
    let mut body = registration_body("公司", &uscc("91320282MA1XYW004"), "shape.admin");
    body["participant"]["businessRoles"] = json!("producer");
    let (status, problem) = public.post("/api/v1/registrations", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(pointers(&problem), ["/participant/businessRoles"]);

    // A missing field and an unknown one.
    let (status, problem) = public
        .post(
            "/api/v1/registrations",
            json!({ "participant": participant_body("公司", "x") }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .expect("detail")
            .contains("admin"),
        "{problem}"
    );
    let mut body = registration_body("公司", &uscc("91320282MA1XYW004"), "shape.admin");
    body["participant"]["colour"] = json!("red");
    let (status, problem) = public.post("/api/v1/registrations", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert!(
        problem["errors"][0]["detail"]
            .as_str()
            .expect("detail")
            .contains("colour")
    );

    // Every invalid field at once, with the blank ones named too.
    let (status, problem) = public
        .post(
            "/api/v1/registrations",
            json!({
                "participant": { "name": " ", "uscc": "123", "kind": "company", "regionCode": "44",
                                 "address": "", "contact": { "name": "", "phone": "abc" } },
                "admin": { "username": "a", "displayName": "", "password": "short" }
            }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(
        pointers(&problem),
        [
            "/participant/name",
            "/participant/uscc",
            "/participant/kind",
            "/participant/regionCode",
            "/participant/address",
            "/participant/contact/name",
            "/participant/contact/phone",
            "/admin/username",
            "/admin/displayName",
            "/admin/password",
        ]
    );

    // Wrong media type, wrong query parameter type, unknown path and method.
    let (status, problem, _) = public
        .send(
            public
                .request(reqwest::Method::POST, "/api/v1/registrations")
                .header("content-type", "text/plain")
                .body("hello"),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{problem}");
    let operator = Caller::signed_in(&server, "operator", "suyuan-demo-2026").await;
    let (status, problem) = operator.get("/api/v1/participants?limit=lots").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(pointers(&problem), ["limit"]);
    let (status, problem) = operator
        .get("/api/v1/participants?limit=0&status=pending")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(pointers(&problem), ["status", "limit"]);
    let (status, problem) = public.get("/api/v1/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(problem["type"], "/problems/not-found");
    let status = public.delete("/api/v1/registrations").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);

    // Every problem type resolves to a page.
    let (status, page) = public.get("/problems/validation").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.as_str().expect("html").contains("JSON pointer"));

    // Wrong credentials are refused, never downgraded to anonymous.
    let wrong = Caller::with_key(&server, "sy_not-a-key");
    let (status, problem) = wrong.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    let (status, problem) = public
        .post(
            "/api/v1/session",
            json!({ "username": "operator", "password": "wrong password" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{problem}");
    let (_, audit) = operator
        .get("/api/v1/audit?action=session.login_failed")
        .await;
    assert_eq!(audit["total"], 1, "{audit}");
}

#[tokio::test]
async fn api_keys_act_for_their_participant_until_revoked() {
    for db in fresh_databases().await {
        let server = start(&db).await;
        let admin = Caller::signed_in(&server, "importer.admin", "suyuan-demo-2026").await;
        let (_, me) = admin.get("/api/v1/me").await;
        let importer_id = me["participantId"]
            .as_str()
            .expect("participant")
            .to_owned();

        let (status, created) = admin
            .post(
                &format!("/api/v1/participants/{importer_id}/api-keys"),
                json!({ "name": "WMS 仓储系统" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let token = created["token"].as_str().expect("token").to_owned();
        assert_eq!(created["key"]["role"], "member_staff");
        assert!(token.starts_with(created["key"]["prefix"].as_str().expect("prefix")));

        let machine = Caller::with_key(&server, &token);
        let (status, me) = machine.get("/api/v1/me").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(me["actor"], "api_key");
        assert_eq!(me["participantId"], importer_id.as_str());
        let (status, body) = machine
            .post(
                &format!("/api/v1/participants/{importer_id}/products"),
                json!({ "gtin": gtin13("941234599999"), "name": "新西兰蜂蜜 500g",
                        "category": "food-dairy", "model": "500g", "originCountry": "NZ" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        // A staff key cannot mint keys, nor give one more than its issuer has.
        let (status, _) = machine
            .post(
                &format!("/api/v1/participants/{importer_id}/api-keys"),
                json!({ "name": "x" }),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, problem) = admin
            .post(
                &format!("/api/v1/participants/{importer_id}/api-keys"),
                json!({ "name": "root", "role": "operator" }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
        assert_eq!(pointers(&problem), ["/role"]);

        let (_, keys) = admin
            .get(&format!("/api/v1/participants/{importer_id}/api-keys"))
            .await;
        assert!(
            keys.as_array()
                .expect("keys")
                .iter()
                .all(|k| k.get("token").is_none())
        );
        let key_id = created["key"]["id"].as_str().expect("key id");
        assert_eq!(
            admin.delete(&format!("/api/v1/api-keys/{key_id}")).await,
            StatusCode::NO_CONTENT
        );
        let (status, _) = machine.get("/api/v1/me").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);

        // A member admin adds a staff user who may not manage users.
        let (status, user) = admin
            .post(
                &format!("/api/v1/participants/{importer_id}/users"),
                json!({ "username": "importer.clerk", "displayName": "王文员", "password": "clerk-pass-2026" }),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{user}");
        assert_eq!(user["role"], "member_staff");
        let clerk = Caller::signed_in(&server, "importer.clerk", "clerk-pass-2026").await;
        let (status, _) = clerk
            .get(&format!("/api/v1/participants/{importer_id}/users"))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn health_landing_and_reference_data() {
    for db in fresh_databases().await {
        let server = start(&db).await;
        let public = Caller::anonymous(&server);
        let (status, health) = public.get("/health").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(health["status"], "ok");
        assert_eq!(health["database"], db.backend);
        let (status, landing) = public.get("/").await;
        assert_eq!(status, StatusCode::OK);
        let landing = landing.as_str().expect("html");
        assert!(landing.contains("测试溯源中心"));
        assert!(landing.contains("/docs") && landing.contains("/openapi.json"));
        let (status, docs) = public.get("/docs").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            docs.as_str()
                .expect("html")
                .contains("/api/v1/registrations")
        );
        let (_, categories) = public.get("/api/v1/categories").await;
        assert!(
            categories
                .as_array()
                .expect("list")
                .iter()
                .any(|c| c["code"] == "e-bike")
        );
        let (_, provinces) = public.get("/api/v1/regions").await;
        assert_eq!(provinces.as_array().map(Vec::len), Some(34), "{provinces}");
        let (_, cities) = public.get("/api/v1/regions?parent=440000").await;
        assert!(
            cities
                .as_array()
                .expect("list")
                .iter()
                .any(|c| c["name"] == "广州市")
        );
        let (_, districts) = public.get("/api/v1/regions?parent=440100").await;
        assert!(
            districts
                .as_array()
                .expect("list")
                .iter()
                .any(|c| c["name"] == "南沙区")
        );
        let (_, beijing) = public.get("/api/v1/regions?parent=110000").await;
        assert!(
            beijing
                .as_array()
                .expect("list")
                .iter()
                .any(|c| c["name"] == "海淀区")
        );
    }
}
