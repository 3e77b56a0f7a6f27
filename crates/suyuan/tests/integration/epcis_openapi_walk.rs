//! Walks GS1's standard EPCIS 2.0 OpenAPI document: every capture and query path and method
//! in it is requested from a running center (demo data and captured GS1 examples), with real,
//! unknown and invalid path parameters, without credentials, with an unacceptable `Accept`,
//! with a wrong `Content-Type` and too large a body; every status answered must be one the
//! document lists for that operation, and each operation's success code must be reached.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{TestServer, fresh_databases};

const IMPORTER_KEY: &str = "demo-importer-key-for-epcis";

fn conformance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/epcis")
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// One request of the walk.
struct Call<'a> {
    method: Method,
    path: String,
    key: Option<&'a str>,
    accept: Option<&'a str>,
    content_type: Option<&'a str>,
    body: Option<Vec<u8>>,
}

impl<'a> Call<'a> {
    fn new(method: &Method, path: &str) -> Call<'a> {
        Call {
            method: method.clone(),
            path: path.to_owned(),
            key: Some(IMPORTER_KEY),
            accept: None,
            content_type: None,
            body: None,
        }
    }
}

struct Walker {
    http: reqwest::Client,
    base: String,
    backend: &'static str,
    /// The statuses each operation (template path, method) answered.
    seen: BTreeMap<(String, String), BTreeSet<u16>>,
    failures: Vec<String>,
}

impl Walker {
    /// Sends `call` for the operation `template`/`method`; records a failure when the status
    /// is not documented, or when a problem is not `application/problem+json`.
    async fn send(
        &mut self,
        documented: &BTreeSet<u16>,
        template: &str,
        call: Call<'_>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let method = call.method.as_str().to_owned();
        let mut request = self
            .http
            .request(call.method, format!("{}{}", self.base, call.path));
        if let Some(key) = call.key {
            request = request.bearer_auth(key);
        }
        if let Some(accept) = call.accept {
            request = request.header("accept", accept);
        }
        if let Some(content_type) = call.content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(body) = call.body {
            request = request.body(body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        self.seen
            .entry((template.to_owned(), method.clone()))
            .or_default()
            .insert(status.as_u16());
        if !documented.contains(&status.as_u16()) {
            self.failures.push(format!(
                "[{}] {method} {} answered {status}, not among the documented {documented:?}: {body}",
                self.backend, call.path
            ));
        }
        if status.is_client_error() || status.is_server_error() {
            let content_type = headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if content_type != "application/problem+json" {
                self.failures.push(format!(
                    "[{}] {method} {} answered {status} as {content_type:?}, not problem+json",
                    self.backend, call.path
                ));
            }
        }
        (status, headers, body)
    }

    /// Records a failure unless `status` is `expected`.
    fn expect(&mut self, what: &str, status: StatusCode, expected: StatusCode, body: &Value) {
        if status != expected {
            self.failures.push(format!(
                "[{}] {what}: expected {expected}, got {status}: {body}",
                self.backend
            ));
        }
    }
}

/// Real, unknown (well-formed) and invalid values for each path parameter of the document.
struct Values {
    real: BTreeMap<&'static str, String>,
}

impl Values {
    fn real(&self, name: &str) -> String {
        self.real
            .get(name)
            .cloned()
            .unwrap_or_else(|| panic!("no real value for {{{name}}}"))
    }

    fn unknown(name: &str) -> &'static str {
        match name {
            "captureID" => "c_nosuchjob0000000",
            "eventID" => {
                "ni:///sha-256;0000000000000000000000000000000000000000000000000000000000000000?ver=CBV2.0"
            }
            "eventType" => "CheeseEvent",
            "epc" => "urn:epc:id:sgtin:0614141.107346.99999999",
            "bizStep" => "https://example.com/steps/never-used",
            "disposition" => "https://example.com/dispositions/never-used",
            "bizLocation" | "readPoint" => "urn:epc:id:sgln:0614141.99999.0",
            _ => "unknown",
        }
    }

    /// A value that is not an identifier or vocabulary value at all.
    fn invalid(name: &str) -> Option<&'static str> {
        match name {
            "epc" | "bizLocation" | "readPoint" => Some("not-an-identifier"),
            "bizStep" | "disposition" => Some("not a CBV value"),
            _ => None,
        }
    }
}

fn substitute(template: &str, value: impl Fn(&str) -> String) -> String {
    template
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => encode(&value(name)),
                None => segment.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

fn parameter(template: &str) -> Option<&str> {
    template
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .next_back()
}

fn first(body: &Value) -> Option<String> {
    body.as_array()
        .and_then(|list| list.first())
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

#[tokio::test]
async fn every_path_of_the_standard_openapi_document_answers_documented_statuses() {
    let document: Value = serde_json::from_str(
        &std::fs::read_to_string(conformance().join("openapi.json")).expect("openapi.json"),
    )
    .expect("JSON");
    let paths = document["paths"].as_object().expect("paths");
    for db in fresh_databases().await {
        let server = TestServer::start(&db).await;
        server
            .services
            .load_demo(Some(IMPORTER_KEY))
            .await
            .expect("demo");
        let mut walker = Walker {
            http: reqwest::Client::new(),
            base: server.base.clone(),
            backend: server.backend,
            seen: BTreeMap::new(),
            failures: Vec::new(),
        };
        // A few GS1 examples, so that every resource has values (bizStep, disposition, places).
        let mut capture_id = String::new();
        for name in [
            "Example_9.6.1-ObjectEvent.jsonld",
            "Example_9.6.2-ObjectEvent.jsonld",
            "Example_9.6.3-AggregationEvent.jsonld",
            "Example_9.6.4-TransformationEvent.jsonld",
        ] {
            let text = std::fs::read(conformance().join("JSON").join(name)).expect("example");
            let documented = BTreeSet::from([202]);
            let mut call = Call::new(&Method::POST, "/capture");
            call.content_type = Some("application/ld+json");
            call.body = Some(text);
            let (status, _, body) = walker.send(&documented, "/capture", call).await;
            assert_eq!(status, StatusCode::ACCEPTED, "{name}: {body}");
            capture_id = body["captureID"].as_str().expect("captureID").to_owned();
        }
        // Real values, read from the repository itself.
        let mut real = BTreeMap::new();
        real.insert("captureID", capture_id);
        real.insert("eventType", "ObjectEvent".to_owned());
        let any: BTreeSet<u16> = (100..600).collect();
        let (_, headers, events) = walker
            .send(
                &any,
                "(setup)",
                Call::new(&Method::GET, "/events?perPage=1"),
            )
            .await;
        let link = headers
            .get("link")
            .and_then(|v| v.to_str().ok())
            .expect("/events?perPage=1 links to the next page");
        let token = link
            .split("nextPageToken=")
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .expect("a nextPageToken");
        real.insert("token", token.to_owned());
        real.insert(
            "eventID",
            events["epcisBody"]["queryResults"]["resultsBody"]["eventList"][0]["eventID"]
                .as_str()
                .expect("an eventID")
                .to_owned(),
        );
        for (name, list) in [
            ("epc", "/epcs"),
            ("bizStep", "/bizSteps"),
            ("disposition", "/dispositions"),
            ("bizLocation", "/bizLocations"),
            ("readPoint", "/readPoints"),
        ] {
            let (_, _, body) = walker
                .send(&any, "(setup)", Call::new(&Method::GET, list))
                .await;
            real.insert(
                name,
                first(&body).unwrap_or_else(|| panic!("{list} lists a value: {body}")),
            );
        }
        let values = Values { real };

        for (template, item) in paths {
            // Named queries and subscriptions (/queries…) are covered by their own tests.
            if template.starts_with("/queries") {
                continue;
            }
            for (method_name, operation) in item.as_object().expect("path item") {
                let Ok(method) = Method::from_bytes(method_name.to_uppercase().as_bytes()) else {
                    continue;
                };
                if method_name == "parameters" {
                    continue;
                }
                let documented: BTreeSet<u16> = operation["responses"]
                    .as_object()
                    .expect("responses")
                    .keys()
                    .filter_map(|code| code.parse().ok())
                    .collect();
                let real_path = substitute(template, |name| values.real(name));
                let parameter = parameter(template);
                walk_operation(
                    &mut walker,
                    &documented,
                    template,
                    &method,
                    &real_path,
                    parameter,
                    &values,
                )
                .await;
            }
        }

        // Paging of the lists: perPage=1 links to the next page, which answers too.
        for list in ["/epcs", "/capture", "/bizSteps"] {
            let documented = BTreeSet::from([200]);
            let (status, headers, body) = walker
                .send(
                    &documented,
                    "(paging)",
                    Call::new(&Method::GET, &format!("{list}?perPage=1")),
                )
                .await;
            walker.expect(
                &format!("GET {list}?perPage=1"),
                status,
                StatusCode::OK,
                &body,
            );
            let link = headers
                .get("link")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_else(|| panic!("{list}?perPage=1 links to the next page"))
                .to_owned();
            let next = link
                .trim_start_matches('<')
                .split('>')
                .next()
                .expect("link target")
                .to_owned();
            let (status, _, second) = walker
                .send(&documented, "(paging)", Call::new(&Method::GET, &next))
                .await;
            walker.expect(&format!("GET {next}"), status, StatusCode::OK, &second);
            assert_ne!(
                body, second,
                "{list}: the second page differs from the first"
            );
        }

        // Every operation reached its success code.
        for (template, item) in paths {
            if template.starts_with("/queries") {
                continue;
            }
            for (method_name, operation) in item.as_object().expect("path item") {
                let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                    continue;
                };
                let success = responses
                    .keys()
                    .filter_map(|code| code.parse::<u16>().ok())
                    .filter(|code| (200..300).contains(code))
                    .min()
                    .expect("a success code");
                let seen = walker
                    .seen
                    .get(&(template.clone(), method_name.to_uppercase()))
                    .cloned()
                    .unwrap_or_default();
                if !seen.contains(&success) {
                    walker.failures.push(format!(
                        "[{}] {} {template} never answered {success} (saw {seen:?})",
                        walker.backend,
                        method_name.to_uppercase()
                    ));
                }
            }
        }
        let walked = walker
            .seen
            .keys()
            .filter(|(template, _)| template.starts_with('/'))
            .count();
        assert_eq!(walked, 49, "operations walked (all but /queries…)");
        assert!(
            walker.failures.is_empty(),
            "{} problems:\n{}",
            walker.failures.len(),
            walker.failures.join("\n")
        );
    }
}

async fn walk_operation(
    walker: &mut Walker,
    documented: &BTreeSet<u16>,
    template: &str,
    method: &Method,
    real_path: &str,
    parameter: Option<&str>,
    values: &Values,
) {
    let what = |text: &str| format!("{method} {template} ({text})");
    let documents = |code: u16| documented.contains(&code);
    match *method {
        Method::OPTIONS => {
            let (status, headers, body) = walker
                .send(documented, template, Call::new(method, real_path))
                .await;
            walker.expect(&what("discovery"), status, StatusCode::NO_CONTENT, &body);
            let mut expected_headers = vec![
                "allow",
                "gs1-epcis-version",
                "gs1-epcis-min",
                "gs1-epcis-max",
                "gs1-cbv-version",
                "gs1-cbv-min",
                "gs1-cbv-max",
                "gs1-epc-format",
                "gs1-cbv-xml-format",
                "gs1-extensions",
            ];
            if template == "/capture" {
                expected_headers.extend([
                    "gs1-epcis-capture-limit",
                    "gs1-epcis-capture-file-size-limit",
                    "gs1-capture-error-behaviour",
                ]);
            }
            for name in expected_headers {
                if !headers.contains_key(name) {
                    walker.failures.push(format!(
                        "[{}] OPTIONS {template} lacks the {name} header",
                        walker.backend
                    ));
                }
            }
        }
        Method::GET => {
            let accept = if template == "/" {
                Some("application/ld+json")
            } else {
                None
            };
            let mut call = Call::new(method, real_path);
            call.accept = accept;
            let (status, _, body) = walker.send(documented, template, call).await;
            walker.expect(&what("real values"), status, StatusCode::OK, &body);
            if template == "/" {
                assert_eq!(body["type"], "Collection", "{body}");
                assert!(
                    body["member"]
                        .as_array()
                        .is_some_and(|m| m.contains(&json!("capture"))),
                    "{body}"
                );
            }
            if documents(401) {
                let mut call = Call::new(method, real_path);
                call.key = None;
                call.accept = accept;
                let (status, _, body) = walker.send(documented, template, call).await;
                walker.expect(
                    &what("no credentials"),
                    status,
                    StatusCode::UNAUTHORIZED,
                    &body,
                );
            }
            if documents(406) {
                let mut call = Call::new(method, real_path);
                call.accept = Some("image/png");
                let (status, _, body) = walker.send(documented, template, call).await;
                walker.expect(
                    &what("Accept: image/png"),
                    status,
                    StatusCode::NOT_ACCEPTABLE,
                    &body,
                );
            }
            if let Some(name) = parameter {
                let unknown = substitute(template, |n| {
                    if n == name {
                        Values::unknown(n).to_owned()
                    } else {
                        values.real(n)
                    }
                });
                let (status, _, body) = walker
                    .send(documented, template, Call::new(method, &unknown))
                    .await;
                // A sub-resource's events of a well-formed but unused value are an empty
                // page; the resource itself (and an unknown event type) does not exist.
                let empty_page = template.ends_with("/events") && name != "eventType";
                if !empty_page && documents(404) {
                    walker.expect(&what("unknown"), status, StatusCode::NOT_FOUND, &body);
                }
                if let Some(invalid) = Values::invalid(name) {
                    let path = substitute(template, |n| {
                        if n == name {
                            invalid.to_owned()
                        } else {
                            values.real(n)
                        }
                    });
                    let (status, _, body) = walker
                        .send(documented, template, Call::new(method, &path))
                        .await;
                    if documents(400) {
                        walker.expect(&what("invalid"), status, StatusCode::BAD_REQUEST, &body);
                    }
                }
            }
        }
        Method::POST => {
            let body = if template == "/capture" {
                let text = std::fs::read_to_string(
                    conformance().join("JSON/Example_9.6.1-ObjectEvent.jsonld"),
                )
                .expect("example");
                let mut value: Value = serde_json::from_str(&text).expect("example JSON");
                // A new event each time, so that the capture stores something.
                value["epcisBody"]["eventList"][0]
                    .as_object_mut()
                    .expect("event")
                    .remove("eventID");
                value["epcisBody"]["eventList"][0]["eventTime"] =
                    json!("2024-05-01T10:00:00.000+08:00");
                value
            } else {
                let mut event = json!({
                    "type": "ObjectEvent",
                    "action": "OBSERVE",
                    "bizStep": "receiving",
                    "disposition": "in_progress",
                    "epcList": ["urn:epc:id:sgtin:0614141.107346.7001"],
                    "eventTime": "2024-05-02T10:00:00.000+08:00",
                    "eventTimeZoneOffset": "+08:00",
                    "readPoint": {"id": "urn:epc:id:sgln:0614141.07346.1234"}
                });
                event["@context"] =
                    json!(["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]);
                event
            };
            let bytes = body.to_string().into_bytes();
            let success = if template == "/capture" {
                StatusCode::ACCEPTED
            } else {
                StatusCode::CREATED
            };
            let json_call = |bytes: Vec<u8>| {
                let mut call = Call::new(method, real_path);
                call.content_type = Some("application/ld+json");
                call.body = Some(bytes);
                call
            };
            let (status, _, answer) = walker
                .send(documented, template, json_call(bytes.clone()))
                .await;
            walker.expect(&what("valid"), status, success, &answer);
            if documents(409) {
                let (status, _, answer) = walker
                    .send(documented, template, json_call(bytes.clone()))
                    .await;
                walker.expect(&what("again"), status, StatusCode::CONFLICT, &answer);
            }
            let mut call = json_call(bytes.clone());
            call.key = None;
            let (status, _, answer) = walker.send(documented, template, call).await;
            walker.expect(
                &what("no credentials"),
                status,
                StatusCode::UNAUTHORIZED,
                &answer,
            );
            let mut call = json_call(bytes.clone());
            call.content_type = Some("text/plain");
            let (status, _, answer) = walker.send(documented, template, call).await;
            walker.expect(
                &what("Content-Type: text/plain"),
                status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                &answer,
            );
            let (status, _, answer) = walker
                .send(documented, template, json_call(b"{ not JSON".to_vec()))
                .await;
            walker.expect(&what("not JSON"), status, StatusCode::BAD_REQUEST, &answer);
            let mut call = json_call(bytes.clone());
            call.accept = Some("image/png");
            let (status, _, answer) = walker.send(documented, template, call).await;
            walker.expect(
                &what("Accept: image/png"),
                status,
                StatusCode::NOT_ACCEPTABLE,
                &answer,
            );
            if documents(413) {
                let mut large = b"{\"padding\": \"".to_vec();
                large.resize(suyuan_service::capture::CAPTURE_SIZE_LIMIT + 1024, b'x');
                large.extend_from_slice(b"\"}");
                let (status, _, answer) = walker.send(documented, template, json_call(large)).await;
                walker.expect(
                    &what("too large"),
                    status,
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &answer,
                );
            }
        }
        Method::DELETE => {
            let (status, _, body) = walker
                .send(documented, template, Call::new(method, real_path))
                .await;
            walker.expect(&what("release"), status, StatusCode::NO_CONTENT, &body);
        }
        _ => panic!("{method} {template}: a method the walk does not know"),
    }
}
