//! The EPCIS 2.0 REST binding over real HTTP on every backend: the GS1 example corpus captured
//! and read back unchanged, atomic and idempotent capture, precise errors, queries, visibility.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use serde_json::{Value, json};
use suyuan_core::epcis::jsonld;

use crate::support::{TestServer, fresh_databases};

const IMPORTER_KEY: &str = "demo-importer-key-for-epcis";

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/epcis/JSON")
}

fn corpus_documents() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![corpus(), corpus().join("../XML")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("corpus").flatten() {
            let path = entry.path();
            let capturable = path
                .extension()
                .is_some_and(|e| e == "jsonld" || e == "json" || e == "xml");
            if path.is_dir() {
                if !path.ends_with("CaptureJob") {
                    stack.push(path);
                }
            } else if capturable && !path.ends_with("EPCISQueryDocument.jsonld") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

struct Client {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Client {
    async fn post(&self, path: &str, body: String) -> reqwest::Response {
        let content_type = if body
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('<')
        {
            "application/xml"
        } else {
            "application/ld+json"
        };
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("post")
    }

    async fn get(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("get");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        (
            status,
            headers,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

async fn start(db: &crate::support::TestDb) -> (TestServer, Client) {
    let server = TestServer::start(db).await;
    server
        .services
        .load_demo(Some(IMPORTER_KEY))
        .await
        .expect("demo");
    let client = Client {
        http: reqwest::Client::new(),
        base: server.base.clone(),
        key: IMPORTER_KEY.into(),
    };
    (server, client)
}

#[tokio::test]
async fn the_gs1_corpus_is_captured_and_read_back_unchanged() {
    for db in fresh_databases().await {
        let (server, client) = start(&db).await;
        let mut first_seen: HashMap<String, suyuan_core::epcis::Event> = HashMap::new();
        let mut events = 0;
        for path in corpus_documents() {
            let text = std::fs::read_to_string(&path).expect("read");
            let response = client.post("/capture", text.clone()).await;
            assert_eq!(
                response.status(),
                StatusCode::ACCEPTED,
                "[{}] {}",
                db.backend,
                path.display()
            );
            assert!(response.headers().get("location").is_some());
            assert_eq!(response.headers()["GS1-EPCIS-Version"], "2.0.0");
            let job: Value = response.json().await.expect("job");
            assert_eq!(
                job["success"],
                true,
                "[{}] {}: {job}",
                db.backend,
                path.display()
            );
            let (status, _, again) = client
                .get(&format!(
                    "/capture/{}",
                    job["captureID"].as_str().expect("id")
                ))
                .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(again["running"], false);

            let document = if path.extension().is_some_and(|e| e == "xml") {
                suyuan_core::epcis::xml::decode_document(&text).expect("corpus reads")
            } else {
                let value: Value = serde_json::from_str(&text).expect("json");
                jsonld::decode_document(&value).expect("corpus reads")
            };
            let namespaces = jsonld::Namespaces::from_declared(document.namespaces.clone());
            for original in document.events {
                events += 1;
                let id = original
                    .event_id
                    .clone()
                    .unwrap_or_else(|| suyuan_core::epcis::hash::event_id(&original, &namespaces));
                let expected = first_seen
                    .entry(id.clone())
                    .or_insert_with(|| original.clone())
                    .clone();
                let (status, _, body) = client.get(&format!("/events/{}", encode(&id))).await;
                assert_eq!(
                    status,
                    StatusCode::OK,
                    "[{}] {id} of {}",
                    db.backend,
                    path.display()
                );
                let back =
                    jsonld::decode_document(&body).unwrap_or_else(|v| panic!("{v}\n{body:#}"));
                assert_eq!(back.events.len(), 1);
                let mut back = back.events.into_iter().next().expect("event");
                assert!(back.record_time.is_some(), "recordTime is set on capture");
                back.record_time = expected.record_time;
                if expected.event_id.is_none() {
                    back.event_id = None;
                }
                assert_eq!(
                    back,
                    expected,
                    "[{}] {id} of {}",
                    db.backend,
                    path.display()
                );
            }
        }
        assert!(events > 100, "{events}");
        drop(server);
    }
}

fn object_event(epc: &str, time: &str) -> Value {
    json!({
        "type": "ObjectEvent",
        "eventTime": time,
        "eventTimeZoneOffset": "+08:00",
        "epcList": [epc],
        "action": "OBSERVE",
        "bizStep": "shipping",
        "disposition": "in_transit",
        "readPoint": { "id": "urn:epc:id:sgln:6901234.00001.0" }
    })
}

fn document(events: Vec<Value>) -> String {
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
                     { "suyuan": "https://ns.suyuan.dev/epcis/" }],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-11-23T08:00:00+08:00",
        "epcisBody": { "eventList": events }
    })
    .to_string()
}

/// A 50 MB document is refused with the size it has and the limit, and stores nothing.
#[tokio::test]
async fn oversized_documents_are_refused_and_store_nothing() {
    for db in fresh_databases().await {
        let (_server, client) = start(&db).await;
        let padding = "x".repeat(50 * 1024 * 1024);
        let document = json!({
            "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",
                         { "ex": "https://ns.example.com/epcis/" }],
            "type": "EPCISDocument",
            "schemaVersion": "2.0",
            "creationDate": "2026-01-01T00:00:00+08:00",
            "epcisBody": { "eventList": [{
                "type": "ObjectEvent",
                "eventID": "urn:uuid:5a3c6d3e-6c1c-4f6e-9a57-0c4bbd1e0001",
                "eventTime": "2026-01-01T00:00:00+08:00",
                "eventTimeZoneOffset": "+08:00",
                "epcList": ["urn:epc:id:sgtin:0614141.107346.2018"],
                "action": "OBSERVE",
                "ex:padding": padding,
            }]},
        })
        .to_string();
        let size = document.len();
        let response = client.post("/capture", document).await;
        assert_eq!(
            response.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            db.backend
        );
        let problem: Value = response.json().await.expect("problem");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(
            detail.contains(&size.to_string()) && detail.contains("16777216"),
            "{}: {problem}",
            db.backend
        );
        let (status, _, body) = client.get("/events").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            body["epcisBody"]["queryResults"]["resultsBody"]["eventList"],
            json!([]),
            "{}: nothing stored",
            db.backend
        );
    }
}

#[tokio::test]
async fn capture_is_atomic_idempotent_and_names_every_error() {
    for db in fresh_databases().await {
        let (_server, client) = start(&db).await;
        let good_a = object_event(
            "urn:epc:id:sgtin:6901234.067890.A1",
            "2026-11-20T09:00:00+08:00",
        );
        let good_b = object_event(
            "urn:epc:id:sgtin:6901234.067890.A2",
            "2026-11-20T10:00:00+08:00",
        );
        let mut bad = object_event(
            "urn:epc:id:sgtin:6901234.06789.A3",
            "2026-11-20T25:00:00+08:00",
        );
        bad["type"] = json!("ObjectEvent");
        let mut unknown = good_a.clone();
        unknown["type"] = json!("ShippingEvent");

        // One bad event: nothing is stored, the job names each error with its pointer.
        let response = client
            .post(
                "/capture",
                document(vec![good_a.clone(), bad.clone(), unknown, good_b.clone()]),
            )
            .await;
        assert_eq!(response.status(), StatusCode::ACCEPTED);
        let job: Value = response.json().await.expect("job");
        assert_eq!(job["success"], false, "{job}");
        assert_eq!(job["storedEventCount"], 0);
        let pointers: Vec<&str> = job["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .filter_map(|e| e["pointer"].as_str())
            .collect();
        assert_eq!(
            pointers,
            [
                "/epcisBody/eventList/1/eventTime",
                "/epcisBody/eventList/1/epcList/0",
                "/epcisBody/eventList/2/type",
            ],
            "{job}"
        );
        let (_, _, found) = client
            .get("/events?MATCH_epc=urn:epc:id:sgtin:6901234.067890.A1")
            .await;
        assert_eq!(
            found["epcisBody"]["queryResults"]["resultsBody"]["eventList"],
            json!([]),
            "[{}]",
            db.backend
        );

        // With proceed, the valid events are stored and the job still reports the bad one.
        let response = client
            .http
            .post(format!("{}/capture", client.base))
            .bearer_auth(&client.key)
            .header("content-type", "application/ld+json")
            .header("GS1-Capture-Error-Behaviour", "proceed")
            .body(document(vec![good_a.clone(), bad.clone(), good_b.clone()]))
            .send()
            .await
            .expect("capture");
        let job: Value = response.json().await.expect("job");
        assert_eq!(job["success"], false, "{job}");
        assert_eq!(job["captureErrorBehaviour"], "proceed");
        assert_eq!(job["eventCount"], 3);
        assert_eq!(job["storedEventCount"], 2, "{job}");
        let (_, _, found) = client
            .get("/events?MATCH_epc=urn:epc:id:sgtin:6901234.067890.A1")
            .await;
        assert_eq!(
            found["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                .as_array()
                .map(Vec::len),
            Some(1)
        );

        // Sent again, valid now, nothing is stored twice.
        let valid = document(vec![good_a.clone(), good_b.clone()]);
        let job: Value = client
            .post("/capture", valid)
            .await
            .json()
            .await
            .expect("job");
        assert_eq!(
            (job["success"].clone(), job["storedEventCount"].clone()),
            (json!(true), json!(0)),
            "{job}"
        );

        // An event repeated inside one document is stored and indexed once.
        let mut repeated = object_event(
            "urn:epc:id:sgtin:6901234.067890.R1",
            "2026-11-23T10:00:00+08:00",
        );
        repeated["eventID"] = json!("urn:uuid:0d7c5b1e-2f0a-4c3e-9b1d-5a6f7e8d9c01");
        let other = object_event(
            "urn:epc:id:sgtin:6901234.067890.R2",
            "2026-11-23T10:05:00+08:00",
        );
        let job: Value = client
            .post(
                "/capture",
                document(vec![repeated.clone(), other, repeated]),
            )
            .await
            .json()
            .await
            .expect("job");
        assert_eq!(
            (job["success"].clone(), job["storedEventCount"].clone()),
            (json!(true), json!(2)),
            "{job}"
        );
        let (_, _, found) = client
            .get("/events?MATCH_epc=urn:epc:id:sgtin:6901234.067890.R1")
            .await;
        assert_eq!(
            found["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                .as_array()
                .map(Vec::len),
            Some(1),
            "{found}"
        );

        // Not JSON at all, a query document, and an oversized body are refused at once.
        let response = client
            .post("/capture", "{\"type\": \"EPCISDocument\", ".into())
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let problem: Value = response.json().await.expect("problem");
        assert!(
            problem["detail"].as_str().expect("detail").contains("EOF"),
            "{problem}"
        );
        let big = format!("{{\"pad\": \"{}\"}}", "x".repeat(17 * 1024 * 1024));
        let response = client.post("/capture", big).await;
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

        // A single event: 201 with its location, then 409 when sent again.
        let mut single = object_event(
            "https://id.gs1.org/01/06901234678901/21/B7",
            "2026-11-21T09:00:00+08:00",
        );
        single["@context"] =
            json!(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]);
        let response = client.post("/events", single.to_string()).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let location = response.headers()["location"]
            .to_str()
            .expect("location")
            .to_owned();
        let (status, _, body) = client.get(&location).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let response = client.post("/events", single.to_string()).await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let mut invalid = single.clone();
        invalid["epcList"] = json!(["https://id.gs1.org/01/06901234678904/21/B7"]);
        let response = client.post("/events", invalid.to_string()).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        let problem: Value = response.json().await.expect("problem");
        assert_eq!(problem["errors"][0]["pointer"], "/epcList/0", "{problem}");
        assert!(
            problem["errors"][0]["detail"]
                .as_str()
                .expect("detail")
                .contains("expected '1'")
        );
    }
}

#[tokio::test]
async fn queries_filter_page_and_respect_ownership() {
    for db in fresh_databases().await {
        let (server, client) = start(&db).await;
        let events: Vec<Value> = (0..5)
            .map(|n| {
                let mut event = object_event(
                    &format!("urn:epc:id:sgtin:6901234.067890.Q{n}"),
                    &format!("2026-11-2{n}T09:00:00+08:00"),
                );
                if n % 2 == 0 {
                    event["bizStep"] = json!("urn:epcglobal:cbv:bizstep:receiving");
                }
                if n == 3 {
                    // A sale whose buyer and purchase order are the importer's business.
                    event["suyuan:buyerName"] = json!("广州某某商贸有限公司");
                    event["bizTransactionList"] =
                        json!([{ "type": "po", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000004:PO-3" }]);
                }
                event
            })
            .collect();
        let job: Value = client
            .post("/capture", document(events))
            .await
            .json()
            .await
            .expect("job");
        assert_eq!(job["storedEventCount"], 5, "{job}");
        let list = |body: &Value| {
            body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        };

        let (status, _, body) = client
            .get("/events?EQ_bizStep=receiving&orderBy=eventTime&orderDirection=ASC")
            .await;
        assert_eq!(status, StatusCode::OK);
        let times: Vec<String> = list(&body)
            .iter()
            .map(|e| e["eventTime"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(times.len(), 3, "{body}");
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        // The Digital Link form of an identifier finds events captured with its URN.
        let (_, _, body) = client
            .get(&format!(
                "/events?MATCH_epc={}",
                encode("https://example.com/01/06901234678901/21/Q3")
            ))
            .await;
        assert_eq!(list(&body).len(), 1, "{body}");
        let (_, _, body) = client
            .get(&format!(
                "/epcs/{}/events",
                encode("urn:epc:id:sgtin:6901234.067890.Q3")
            ))
            .await;
        assert_eq!(list(&body).len(), 1, "{body}");
        // Pages of two follow the Link header to the end.
        let mut next = Some("/events?perPage=2&orderDirection=ASC".to_owned());
        let mut seen = 0;
        let mut pages = 0;
        while let Some(path) = next.take() {
            let (status, headers, body) = client.get(&path).await;
            assert_eq!(status, StatusCode::OK, "{body}");
            seen += list(&body).len();
            pages += 1;
            next = headers
                .get("link")
                .and_then(|l| l.to_str().ok())
                .and_then(|l| {
                    l.split(';').next().map(|u| {
                        u.trim()
                            .trim_start_matches('<')
                            .trim_end_matches('>')
                            .to_owned()
                    })
                });
        }
        assert_eq!((seen, pages), (5, 3));
        // Bad parameters are named.
        let (status, _, problem) = client
            .get("/events?eventType=CheeseEvent&GE_eventTime=soon")
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            problem["errors"].as_array().map(Vec::len),
            Some(2),
            "{problem}"
        );
        // maxEventCount refuses an answer larger than the client can take.
        let (status, _, problem) = client.get("/events?maxEventCount=4").await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{problem}");
        let (status, _, body) = client.get("/events?maxEventCount=5").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list(&body).len(), 5);
        let (_, _, dispositions) = client.get("/dispositions").await;
        assert_eq!(dispositions, json!(["in_transit"]));
        let (_, _, steps) = client.get("/bizSteps").await;
        assert_eq!(steps, json!(["receiving", "shipping"]));

        // Another member sees none of the importer's events in a sweep, and an object's
        // journey by its code only in its public view.
        let retailer = server
            .services
            .store()
            .user_by_username("retailer.admin")
            .await
            .expect("store")
            .and_then(|u| u.participant_id)
            .expect("retailer");
        let system = suyuan_core::access::Principal::system();
        let key = server
            .services
            .install_api_key(
                &system,
                &Default::default(),
                &retailer,
                "shop",
                "retailer-key-0123456789",
            )
            .await
            .expect("key");
        let other = Client {
            http: client.http.clone(),
            base: client.base.clone(),
            key: key.token,
        };
        let (status, _, body) = other.get("/events").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list(&body).len(), 0);
        let id = list(&{
            let (_, _, b) = client.get("/events?perPage=1").await;
            b
        })[0]["eventID"]
            .as_str()
            .expect("eventID")
            .to_owned();
        let (status, _, body) = other.get(&format!("/events/{}", encode(&id))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(list(&body)[0]["eventID"], json!(id));
        let q3 = encode("urn:epc:id:sgtin:6901234.067890.Q3");
        let (_, _, own_view) = client.get(&format!("/events?MATCH_epc={q3}")).await;
        let own_view = &list(&own_view)[0];
        // The same answer in the XML binding for a client that prefers it.
        let response = client
            .http
            .get(format!("{}/events?MATCH_epc={q3}&perPage=10", client.base))
            .bearer_auth(&client.key)
            .header("accept", "application/xml")
            .send()
            .await
            .expect("get");
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get("content-type").map(|v| v.as_bytes()),
            Some(&b"application/xml"[..])
        );
        let xml = response.text().await.expect("xml");
        let read = suyuan_core::epcis::xml::decode_document(&xml).expect("an EPCIS XML document");
        assert_eq!(read.events.len(), 1, "{xml}");
        assert_eq!(
            read.events[0].event_id.as_deref(),
            own_view["eventID"].as_str(),
            "{xml}"
        );
        assert!(xml.contains("广州某某商贸有限公司"), "{xml}");
        assert_eq!(
            own_view["suyuan:buyerName"],
            json!("广州某某商贸有限公司"),
            "{own_view}"
        );
        assert!(own_view["bizTransactionList"].is_array(), "{own_view}");
        let (status, _, public) = other.get(&format!("/events?MATCH_anyEPC={q3}")).await;
        assert_eq!(status, StatusCode::OK, "{public}");
        let public = &list(&public)[0];
        assert_eq!(public["eventID"], own_view["eventID"]);
        assert_eq!(public["epcList"], own_view["epcList"]);
        assert_eq!(public["bizStep"], own_view["bizStep"]);
        assert!(public.get("suyuan:buyerName").is_none(), "{public}");
        assert!(public.get("bizTransactionList").is_none(), "{public}");
    }
}
