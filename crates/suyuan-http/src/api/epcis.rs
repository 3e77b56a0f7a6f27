//! The EPCIS 2.0 REST binding: capture (`/capture`, `/events`), capture jobs, and queries
//! (`/events`, `/events/{eventID}`, the resource endpoints), in JSON-LD.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use suyuan_core::clock;
use suyuan_core::epcis::EventType;
use suyuan_core::epcis::identifiers::index_key;
use suyuan_core::epcis::jsonld::{self, Namespaces};
use suyuan_core::epcis::vocab::Vocabulary;
use suyuan_service::Services;
use suyuan_service::capture::{CAPTURE_EVENT_LIMIT, CAPTURE_SIZE_LIMIT, ErrorBehaviour};
use suyuan_service::query::{
    ValuePage, capture_job_token, page_token, parse_capture_job_page, parse_event_query,
    parse_value_page, value_token,
};
use suyuan_store::{
    CaptureJob, CaptureJobCursor, EventColumn, EventCursor, EventFilter, EventOrder,
    IdentifierMatch, StoredEvent,
};
use utoipa::ToSchema;

use crate::extract::{Auth, ClientOrigin, RawBody};
use crate::problem::{ApiError, ApiResult, Problem, ProblemKind};

pub const TAG: &str = "epcis";

/// The headers every EPCIS response carries.
fn epcis_headers(headers: &mut HeaderMap) {
    headers.insert("GS1-EPCIS-Version", HeaderValue::from_static("2.0.0"));
    headers.insert("GS1-CBV-Version", HeaderValue::from_static("2.0.0"));
    headers.insert(
        "GS1-EPCIS-Capture-Limit",
        HeaderValue::from(CAPTURE_EVENT_LIMIT as u64),
    );
    headers.insert(
        "GS1-EPCIS-Capture-File-Size-Limit",
        HeaderValue::from(CAPTURE_SIZE_LIMIT as u64),
    );
}

fn json_ld(status: StatusCode, value: &serde_json::Value) -> Response {
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/ld+json")],
        value.to_string(),
    )
        .into_response();
    epcis_headers(response.headers_mut());
    response
}

/// Whether the body is sent in the XML binding.
fn is_xml(headers: &HeaderMap) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    matches!(
        content_type.split(';').next().unwrap_or("").trim(),
        "application/xml" | "text/xml"
    )
}

/// Reads a JSON body: too large is 413, not JSON at all is 400.
fn read_json(headers: &HeaderMap, body: &[u8]) -> ApiResult<serde_json::Value> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !matches!(essence, "application/json" | "application/ld+json") {
        return Err(ApiError::new(
            ProblemKind::UnsupportedMediaType,
            format!(
                "expected Content-Type application/ld+json or application/json (or application/xml for /capture), found {content_type:?}"
            ),
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ProblemKind::MalformedRequest,
            format!("the document is not well-formed JSON: {e}"),
        )
    })
}

/// A capture job as the standard describes it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CaptureJobView {
    #[serde(rename = "captureID")]
    pub capture_id: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    pub running: bool,
    pub success: bool,
    pub capture_error_behaviour: String,
    pub event_count: i64,
    /// Events new to the repository (a re-sent event is not stored twice).
    pub stored_event_count: i64,
    pub errors: Vec<CaptureErrorView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaptureErrorView {
    /// JSON pointer into the captured document.
    pub pointer: String,
    pub message: String,
}

impl From<CaptureJob> for CaptureJobView {
    fn from(job: CaptureJob) -> Self {
        let errors: Vec<serde_json::Value> = serde_json::from_str(&job.errors).unwrap_or_default();
        CaptureJobView {
            capture_id: job.id,
            created_at: job.created_at,
            finished_at: job.finished_at,
            running: job.status == "running",
            success: job.status == "success",
            capture_error_behaviour: job.error_behaviour,
            event_count: job.event_count,
            stored_event_count: job.stored,
            errors: errors
                .into_iter()
                .map(|e| CaptureErrorView {
                    pointer: e["pointer"].as_str().unwrap_or_default().to_owned(),
                    message: e["message"].as_str().unwrap_or_default().to_owned(),
                })
                .collect(),
        }
    }
}

/// Capture an EPCIS document.
///
/// A well-formed document is answered 202 with the capture job in `Location`. By default the
/// capture is atomic: one invalid event and nothing is stored, the job listing every error with
/// its JSON pointer. `GS1-Capture-Error-Behaviour: proceed` stores the valid events. A re-sent
/// event (same eventID) is not stored twice.
#[utoipa::path(post, path = "/capture", tag = TAG,
    request_body(content = Object, content_type = "application/ld+json", description = "An EPCISDocument"),
    params(("GS1-Capture-Error-Behaviour" = Option<String>, Header, description = "rollback (default) or proceed")),
    responses(
        (status = 202, description = "Accepted; the capture job is in Location", body = CaptureJobView),
        (status = 400, description = "Not well-formed", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over the capture limits", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn capture(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Response> {
    let behaviour = match headers
        .get("GS1-Capture-Error-Behaviour")
        .map(|v| v.to_str().unwrap_or(""))
    {
        None | Some("rollback") => ErrorBehaviour::Rollback,
        Some("proceed") => ErrorBehaviour::Proceed,
        Some(other) => {
            let mut violations = suyuan_core::validation::Violations::new();
            violations.add(
                "GS1-Capture-Error-Behaviour",
                format!("expected rollback or proceed, found {other:?}"),
            );
            return Err(ApiError::invalid(&violations));
        }
    };
    if is_xml(&headers) {
        let text = std::str::from_utf8(&body).map_err(|e| {
            ApiError::new(
                ProblemKind::MalformedRequest,
                format!("the document is not UTF-8: {e}"),
            )
        })?;
        let document = suyuan_core::epcis::xml::decode_document_partially(text);
        if let Err(violations) = &document
            && violations.errors().iter().any(|e| e.pointer.is_empty())
        {
            let message = violations
                .errors()
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ");
            return Err(ApiError::new(ProblemKind::MalformedRequest, message));
        }
        let job = services
            .capture_document(&principal, &origin, document, behaviour)
            .await?;
        return Ok(accepted(job));
    }
    let value = read_json(&headers, &body)?;
    let document = match value.get("type").and_then(|t| t.as_str()) {
        Some("EPCISQueryDocument") => Err(suyuan_core::validation::Violations::single(
            "/type",
            "expected \"EPCISDocument\": a query document is an answer, not something to capture",
        )),
        _ => jsonld::decode_document_partially(&value),
    };
    let job = services
        .capture_document(&principal, &origin, document, behaviour)
        .await?;
    Ok(accepted(job))
}

/// 202 with the capture job and its location.
fn accepted(job: CaptureJob) -> Response {
    let location = format!("/capture/{}", job.id);
    let mut response = (StatusCode::ACCEPTED, Json(CaptureJobView::from(job))).into_response();
    epcis_headers(response.headers_mut());
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A capture job: running, success, and the errors of a failed capture.
#[utoipa::path(get, path = "/capture/{captureID}", tag = TAG,
    params(("captureID" = String, Path, description = "Capture job ID")),
    responses(
        (status = 200, body = CaptureJobView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn capture_job(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let job = services.capture_job(&principal, &id).await?;
    let mut response = Json(CaptureJobView::from(job)).into_response();
    epcis_headers(response.headers_mut());
    Ok(response)
}

/// Capture a single event.
///
/// 201 with the event's URL in `Location`; 409 if an event with the same eventID (declared, or
/// computed by the EPCIS event hash) is already stored; 400 naming every invalid field.
#[utoipa::path(post, path = "/events", tag = TAG,
    request_body(content = Object, content_type = "application/ld+json", description = "One EPCIS event with its @context"),
    responses(
        (status = 201, description = "Captured; Location names the event"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The event is already stored", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn capture_event(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Response> {
    let value = read_json(&headers, &body)?;
    let mut namespaces = Namespaces::default();
    let event = jsonld::decode_single_event(&value, &mut namespaces)
        .map_err(|violations| ApiError::invalid_request(&violations))?;
    let (event_id, new) = services
        .capture_event(&principal, &origin, event, &namespaces)
        .await?;
    if !new {
        return Err(ApiError::new(
            ProblemKind::Conflict,
            format!("the event {event_id} is already stored"),
        ));
    }
    let mut response = StatusCode::CREATED.into_response();
    epcis_headers(response.headers_mut());
    if let Ok(value) = HeaderValue::from_str(&format!("/events/{}", urlencode(&event_id))) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

fn urlencode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Stored events as an EPCISQueryDocument, in the XML binding when the client prefers it
/// (`Accept`), in JSON-LD otherwise.
fn query_answer(headers: &HeaderMap, events: &[StoredEvent]) -> ApiResult<Response> {
    let mut namespaces = Namespaces::default();
    let mut decoded = Vec::with_capacity(events.len());
    for stored in events {
        let value: serde_json::Value = serde_json::from_str(&stored.body).map_err(|e| {
            ApiError::from(suyuan_service::ServiceError::Internal(format!(
                "stored event {}: {e}",
                stored.event_id
            )))
        })?;
        let event = jsonld::decode_single_event(&value, &mut namespaces).map_err(|v| {
            ApiError::from(suyuan_service::ServiceError::Internal(format!(
                "stored event {}: {v}",
                stored.event_id
            )))
        })?;
        decoded.push(event);
    }
    let now = clock::now().fixed_offset();
    if !prefers_xml(headers) {
        let document =
            jsonld::encode_query_document(&decoded, &namespaces, "SimpleEventQuery", &now);
        return Ok(json_ld(StatusCode::OK, &document));
    }
    let xml = suyuan_core::epcis::xml_writer::encode_query_document(
        &decoded,
        &namespaces,
        "SimpleEventQuery",
        None,
        &now,
    );
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/xml")],
        xml,
    )
        .into_response();
    epcis_headers(response.headers_mut());
    Ok(response)
}

fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Runs a query with extra conditions from the path and answers a query document with a
/// `Link: <…>; rel="next"` header when there is more.
async fn run_query(
    services: &Services,
    principal: &suyuan_service::Principal,
    headers: &HeaderMap,
    path: &str,
    raw: Option<&str>,
    fixed: impl FnOnce(&mut suyuan_store::EventFilter),
) -> ApiResult<Response> {
    let pairs = query_pairs(raw);
    let mut parsed =
        parse_event_query(&pairs).map_err(|violations| ApiError::invalid_request(&violations))?;
    fixed(&mut parsed.query.filter);
    let limit = parsed.query.limit;
    if let Some(max) = parsed.max_event_count {
        parsed.query.limit = parsed.query.limit.max(max + 1);
    }
    let fetch = parsed.query.limit + 1;
    let mut query = parsed.query.clone();
    query.limit = fetch;
    let mut events = services.query_events(principal, query).await?;
    if let Some(max) = parsed.max_event_count
        && events.len() as i64 > max
    {
        return Err(ApiError::new(
            ProblemKind::PayloadTooLarge,
            format!(
                "the query matches more than maxEventCount={max} events; narrow it or drop maxEventCount"
            ),
        ));
    }
    let more = events.len() as i64 > limit;
    events.truncate(limit as usize);
    let mut response = query_answer(headers, &events)?;
    if more && let Some(last) = events.last() {
        let sort = match parsed.query.order {
            EventOrder::EventTime => last.event_time.timestamp_micros(),
            EventOrder::RecordTime => last.record_time.timestamp_micros(),
        };
        let token = page_token(EventCursor {
            sort_micros: sort,
            seq: last.seq,
        });
        let others: Vec<(String, String)> = pairs
            .into_iter()
            .filter(|(k, _)| k != "nextPageToken")
            .collect();
        let mut serializer = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &others {
            serializer.append_pair(k, v);
        }
        serializer.append_pair("nextPageToken", &token);
        let link = format!("<{path}?{}>; rel=\"next\"", serializer.finish());
        if let Ok(value) = HeaderValue::from_str(&link) {
            response.headers_mut().insert(header::LINK, value);
        }
    }
    Ok(response)
}

/// Query events with the standard parameters.
///
/// eventType, GE_/LT_eventTime, GE_/LT_recordTime, EQ_action, EQ_bizStep, EQ_disposition,
/// EQ_readPoint, EQ_bizLocation, MATCH_epc, MATCH_parentID, MATCH_inputEPC, MATCH_outputEPC,
/// MATCH_anyEPC, MATCH_epcClass, MATCH_inputEPCClass, MATCH_outputEPCClass, MATCH_anyEPCClass,
/// EQ_bizTransaction_{type}, EQ_source_{type}, EQ_destination_{type}, EQ_transformationID,
/// EQ_eventID, EQ_errorReason, EXISTS_errorDeclaration, EQ_ILMD_{ns#name}, EQ_{ns#name}
/// (extension fields), orderBy, orderDirection, eventCountLimit, maxEventCount, perPage and
/// nextPageToken. Identifiers may be given as EPC URNs or GS1 Digital Link URIs.
#[utoipa::path(get, path = "/events", tag = TAG,
    responses(
        (status = 200, description = "An EPCISQueryDocument; Link rel=next when there is more", content_type = "application/ld+json", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More than maxEventCount", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn query_events(
    State(services): State<Services>,
    Auth(principal): Auth,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    run_query(
        &services,
        &principal,
        &headers,
        "/events",
        raw.as_deref(),
        |_| {},
    )
    .await
}

/// One event by its eventID.
#[utoipa::path(get, path = "/events/{eventID}", tag = TAG,
    params(("eventID" = String, Path, description = "The eventID (URL-encoded)")),
    responses(
        (status = 200, description = "An EPCISQueryDocument holding the event", content_type = "application/ld+json", body = Object),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_event(
    State(services): State<Services>,
    Auth(principal): Auth,
    headers: HeaderMap,
    Path(event_id): Path<String>,
) -> ApiResult<Response> {
    let event = services.event(&principal, &event_id).await?;
    query_answer(&headers, &[event])
}

/// The five event types.
#[utoipa::path(get, path = "/eventTypes", tag = TAG,
    responses(
        (status = 200, description = "The event types", body = Vec<String>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn event_types(
    State(services): State<Services>,
    Auth(principal): Auth,
) -> ApiResult<Response> {
    services.require_event_access(&principal)?;
    Ok(json_list(EventType::ALL.map(|t| t.as_str())))
}

/// Events of one type.
#[utoipa::path(get, path = "/eventTypes/{eventType}/events", tag = TAG,
    params(("eventType" = String, Path, description = "ObjectEvent, AggregationEvent, …")),
    responses(
        (status = 200, content_type = "application/ld+json", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events_of_type(
    State(services): State<Services>,
    Auth(principal): Auth,
    headers: HeaderMap,
    Path(event_type): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let Some(event_type) = EventType::parse(&event_type) else {
        return Err(ApiError::new(
            ProblemKind::NotFound,
            format!("no event type {event_type:?}"),
        ));
    };
    let path = format!("/eventTypes/{}/events", event_type.as_str());
    run_query(
        &services,
        &principal,
        &headers,
        &path,
        raw.as_deref(),
        |filter| {
            filter.event_types = vec![event_type.as_str().to_owned()];
        },
    )
    .await
}

/// Events naming one identifier (EPC URN or Digital Link URI, URL-encoded), in any role.
#[utoipa::path(get, path = "/epcs/{epc}/events", tag = TAG,
    params(("epc" = String, Path, description = "An EPC URN or GS1 Digital Link URI, URL-encoded")),
    responses(
        (status = 200, content_type = "application/ld+json", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events_of_epc(
    State(services): State<Services>,
    Auth(principal): Auth,
    headers: HeaderMap,
    Path(epc): Path<String>,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    suyuan_core::epcis::identifiers::check_identifier(&epc).map_err(|message| {
        let mut violations = suyuan_core::validation::Violations::new();
        violations.add("epc", message);
        ApiError::invalid_request(&violations)
    })?;
    let path = format!("/epcs/{}/events", urlencode(&epc));
    let key = index_key(&epc);
    run_query(
        &services,
        &principal,
        &headers,
        &path,
        raw.as_deref(),
        |filter| {
            filter.identifiers.push(IdentifierMatch {
                roles: Vec::new(),
                keys: vec![key],
                prefix: true,
            });
        },
    )
    .await
}

/// A list resource with the GS1 headers.
fn json_list<T: Serialize>(values: T) -> Response {
    let mut response = Json(values).into_response();
    epcis_headers(response.headers_mut());
    response
}

/// One page of a list resource: `Link: <…>; rel="next"` when `values` (fetched one past the
/// page) has more.
fn list_page(
    mut values: Vec<String>,
    page: &ValuePage,
    path: &str,
    shown: impl Fn(&str) -> String,
) -> Response {
    let more = values.len() as i64 > page.limit;
    values.truncate(page.limit as usize);
    let last = values.last().cloned();
    let shown: Vec<String> = values.iter().map(|v| shown(v)).collect();
    let mut response = json_list(shown);
    if more && let Some(last) = last {
        next_link(&mut response, path, &value_token(&last), page.limit);
    }
    response
}

/// Sets `Link: <path?perPage=…&nextPageToken=…>; rel="next"`.
fn next_link(response: &mut Response, path: &str, token: &str, per_page: i64) {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("perPage", &per_page.to_string())
        .append_pair("nextPageToken", token)
        .finish();
    if let Ok(value) = HeaderValue::from_str(&format!("<{path}?{query}>; rel=\"next\"")) {
        response.headers_mut().insert(header::LINK, value);
    }
}

fn value_page(raw: Option<&str>) -> ApiResult<ValuePage> {
    let mut page = parse_value_page(&query_pairs(raw))
        .map_err(|violations| ApiError::invalid_request(&violations))?;
    page.limit += 1;
    Ok(page)
}

async fn distinct(
    services: &Services,
    principal: &suyuan_service::Principal,
    raw: Option<&str>,
    path: &str,
    column: EventColumn,
    compact: Option<Vocabulary>,
) -> ApiResult<Response> {
    let fetch = value_page(raw)?;
    let values = services.event_values(principal, column, &fetch).await?;
    let page = ValuePage {
        limit: fetch.limit - 1,
        ..fetch
    };
    Ok(list_page(values, &page, path, |v| {
        match compact.and_then(|vocab| vocab.parse(v).ok()) {
            Some(value) => value.compact().to_owned(),
            None => v.to_owned(),
        }
    }))
}

/// The business steps used by the events you may see (CBV short names), paged.
#[utoipa::path(get, path = "/bizSteps", tag = TAG,
    params(
        ("perPage" = Option<i64>, Query, description = "Values per page (default 100, at most 1000)"),
        ("nextPageToken" = Option<String>, Query, description = "From the previous page's Link rel=next"),
    ),
    responses(
        (status = 200, description = "Link rel=next when there is more", body = Vec<String>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn biz_steps(
    State(services): State<Services>,
    Auth(principal): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    distinct(
        &services,
        &principal,
        raw.as_deref(),
        "/bizSteps",
        EventColumn::BizStep,
        Some(Vocabulary::BizStep),
    )
    .await
}

/// The dispositions used by the events you may see (CBV short names), paged.
#[utoipa::path(get, path = "/dispositions", tag = TAG,
    params(
        ("perPage" = Option<i64>, Query, description = "Values per page (default 100, at most 1000)"),
        ("nextPageToken" = Option<String>, Query, description = "From the previous page's Link rel=next"),
    ),
    responses(
        (status = 200, description = "Link rel=next when there is more", body = Vec<String>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn dispositions(
    State(services): State<Services>,
    Auth(principal): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    distinct(
        &services,
        &principal,
        raw.as_deref(),
        "/dispositions",
        EventColumn::Disposition,
        Some(Vocabulary::Disposition),
    )
    .await
}

/// The business locations of the events you may see (canonical Digital Link form), paged.
#[utoipa::path(get, path = "/bizLocations", tag = TAG,
    params(
        ("perPage" = Option<i64>, Query, description = "Values per page (default 100, at most 1000)"),
        ("nextPageToken" = Option<String>, Query, description = "From the previous page's Link rel=next"),
    ),
    responses(
        (status = 200, description = "Link rel=next when there is more", body = Vec<String>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn biz_locations(
    State(services): State<Services>,
    Auth(principal): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    distinct(
        &services,
        &principal,
        raw.as_deref(),
        "/bizLocations",
        EventColumn::BizLocation,
        None,
    )
    .await
}

/// The read points of the events you may see (canonical Digital Link form), paged.
#[utoipa::path(get, path = "/readPoints", tag = TAG,
    params(
        ("perPage" = Option<i64>, Query, description = "Values per page (default 100, at most 1000)"),
        ("nextPageToken" = Option<String>, Query, description = "From the previous page's Link rel=next"),
    ),
    responses(
        (status = 200, description = "Link rel=next when there is more", body = Vec<String>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn read_points(
    State(services): State<Services>,
    Auth(principal): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    distinct(
        &services,
        &principal,
        raw.as_deref(),
        "/readPoints",
        EventColumn::ReadPoint,
        None,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Content negotiation, discovery (OPTIONS), and the remaining resources of the REST binding.

/// The quality an `Accept` header gives `media`, with how specific the matching range was
/// (3 exact, 2 `type/*`, 1 `*/*`, 0 none). No header (or an empty one) accepts everything.
fn quality(headers: &HeaderMap, media: &str) -> (f32, u8) {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    if accept.trim().is_empty() {
        return (1.0, 1);
    }
    let main = media.split('/').next().unwrap_or(media);
    let mut best: Option<(f32, u8)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .next()
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let specificity = if name == media {
            3
        } else if name.strip_suffix("/*") == Some(main) {
            2
        } else if name == "*/*" {
            1
        } else {
            continue;
        };
        if best.is_none_or(|(_, s)| specificity > s) {
            best = Some((q, specificity));
        }
    }
    best.unwrap_or((0.0, 0))
}

/// The media types the EPCIS resources answer in (errors as problem+json; event documents
/// also in the XML binding).
const EPCIS_MEDIA: [&str; 5] = [
    "application/ld+json",
    "application/json",
    "application/problem+json",
    "application/xml",
    "text/xml",
];

/// Whether `Accept` prefers the XML binding to JSON-LD and JSON.
fn prefers_xml(headers: &HeaderMap) -> bool {
    let better = |a: (f32, u8), b: (f32, u8)| if b > a { b } else { a };
    let xml = better(
        quality(headers, "application/xml"),
        quality(headers, "text/xml"),
    );
    let json = better(
        quality(headers, "application/ld+json"),
        quality(headers, "application/json"),
    );
    xml.0 > 0.0 && xml > json
}

fn not_acceptable(headers: &HeaderMap, admits: &str) -> ApiError {
    let found = headers
        .get(header::ACCEPT)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    ApiError::new(
        ProblemKind::NotAcceptable,
        format!("the Accept header must admit {admits}; found {found:?}"),
    )
}

/// Route layer of the EPCIS resources: 406 when `Accept` admits none of JSON-LD, JSON or
/// problem+json (RFC 9110 §15.5.7; EPCIS 2.0 §12).
pub async fn require_acceptable(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let headers = request.headers();
    if EPCIS_MEDIA
        .iter()
        .all(|media| quality(headers, media).0 <= 0.0)
    {
        return not_acceptable(
            headers,
            "application/ld+json, application/json or application/problem+json",
        )
        .into_response();
    }
    next.run(request).await
}

/// The top-level resources of the EPCIS REST binding (EPCIS 2.0 §12.2).
#[derive(Debug, Serialize, ToSchema)]
pub struct TopLevelResources {
    #[serde(rename = "@context")]
    pub context: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub member: Vec<String>,
}

/// The landing page, or the EPCIS top-level resources.
///
/// A client whose `Accept` prefers JSON (`application/ld+json` or `application/json`) over HTML
/// gets the EPCIS top-level resource collection (authentication required); browsers get the
/// landing page. `Accept` admitting neither is a 406.
#[utoipa::path(get, path = "/", tag = TAG,
    responses(
        (status = 200, description = "The landing page (text/html), or the EPCIS top-level resources (JSON)",
            content(
                (TopLevelResources = "application/ld+json"),
                (TopLevelResources = "application/json"),
                (String = "text/html"),
            )),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn root(
    State(state): State<crate::AppState>,
    Auth(principal): Auth,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let html = quality(&headers, "text/html");
    let (ld, plain) = (
        quality(&headers, "application/ld+json"),
        quality(&headers, "application/json"),
    );
    let json = if plain > ld { plain } else { ld };
    let json_ok = json.0 > 0.0;
    if json_ok && (json.0, json.1) > (html.0, html.1) {
        state.services.require_event_access(&principal)?;
        let resources = TopLevelResources {
            context: suyuan_core::epcis::vocab::EPCIS_CONTEXT_URL.to_owned(),
            kind: "Collection".into(),
            member: [
                "capture",
                "events",
                "eventTypes",
                "epcs",
                "bizSteps",
                "bizLocations",
                "readPoints",
                "dispositions",
                "queries",
            ]
            .map(str::to_owned)
            .to_vec(),
        };
        return Ok(json_list(resources));
    }
    if html.0 > 0.0 {
        return Ok(crate::pages::landing(&state).into_response());
    }
    Err(not_acceptable(
        &headers,
        "text/html, application/ld+json or application/json",
    ))
}

/// Your capture jobs (all of them for those who read every participant's events), newest
/// first, paged with `perPage` and `nextPageToken` (`Link: <…>; rel="next"`).
#[utoipa::path(get, path = "/capture", tag = TAG,
    params(
        ("perPage" = Option<i64>, Query, description = "Jobs per page (default 100, at most 1000)"),
        ("nextPageToken" = Option<String>, Query, description = "From the previous page's Link rel=next"),
    ),
    responses(
        (status = 200, description = "Link rel=next when there is more", body = Vec<CaptureJobView>),
        (status = 400, description = "Bad perPage or nextPageToken", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn capture_jobs(
    State(services): State<Services>,
    Auth(principal): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let (after, limit) = parse_capture_job_page(&query_pairs(raw.as_deref()))
        .map_err(|violations| ApiError::invalid_request(&violations))?;
    let mut jobs = services.capture_jobs(&principal, after, limit + 1).await?;
    let more = jobs.len() as i64 > limit;
    jobs.truncate(limit as usize);
    let cursor = jobs.last().map(|job| CaptureJobCursor {
        created_micros: job.created_at.timestamp_micros(),
        id: job.id.clone(),
    });
    let views: Vec<CaptureJobView> = jobs.into_iter().map(CaptureJobView::from).collect();
    let mut response = json_list(views);
    if more && let Some(cursor) = cursor {
        next_link(
            &mut response,
            "/capture",
            &capture_job_token(&cursor),
            limit,
        );
    }
    Ok(response)
}

/// The sub-resources of an event type: `["events"]`; 404 for anything but the five types.
#[utoipa::path(get, path = "/eventTypes/{eventType}", tag = TAG,
    params(("eventType" = String, Path, description = "ObjectEvent, AggregationEvent, …")),
    responses(
        (status = 200, body = Vec<String>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn event_type(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(event_type): Path<String>,
) -> ApiResult<Response> {
    services.require_event_access(&principal)?;
    if EventType::parse(&event_type).is_none() {
        return Err(ApiError::new(
            ProblemKind::NotFound,
            format!(
                "no event type {event_type:?}: expected one of {}",
                EventType::ALL.map(|t| t.as_str()).join(", ")
            ),
        ));
    }
    Ok(json_list(["events"]))
}

/// The instance identifiers (EPCs) named by the events you may see, in canonical Digital Link
/// form, sorted and paged.
#[utoipa::path(get, path = "/epcs", tag = TAG,
    params(
        ("perPage" = Option<i64>, Query, description = "Identifiers per page (default 100, at most 1000)"),
        ("nextPageToken" = Option<String>, Query, description = "From the previous page's Link rel=next"),
    ),
    responses(
        (status = 200, description = "Link rel=next when there is more", body = Vec<String>),
        (status = 400, description = "Bad perPage or nextPageToken", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn epcs(
    State(services): State<Services>,
    Auth(principal): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    let fetch = value_page(raw.as_deref())?;
    let values = services.epcs(&principal, &fetch).await?;
    let page = ValuePage {
        limit: fetch.limit - 1,
        ..fetch
    };
    Ok(list_page(values, &page, "/epcs", str::to_owned))
}

/// A path parameter that is not a valid value: 400 naming the parameter.
fn invalid_parameter(name: &str, message: String) -> ApiError {
    let mut violations = suyuan_core::validation::Violations::new();
    violations.add(name, message);
    ApiError::invalid_request(&violations)
}

/// The filter of one identifier in any role (an EPC URN or Digital Link URI).
fn epc_filter(epc: &str) -> ApiResult<EventFilter> {
    suyuan_core::epcis::identifiers::check_identifier(epc)
        .map_err(|message| invalid_parameter("epc", message))?;
    Ok(EventFilter {
        identifiers: vec![IdentifierMatch {
            roles: Vec::new(),
            keys: vec![index_key(epc)],
            prefix: true,
        }],
        ..Default::default()
    })
}

/// The sub-resources of an identifier: `["events"]`; 404 when no event you may see names it.
#[utoipa::path(get, path = "/epcs/{epc}", tag = TAG,
    params(("epc" = String, Path, description = "An EPC URN or GS1 Digital Link URI, URL-encoded")),
    responses(
        (status = 200, body = Vec<String>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 406, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn epc(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(epc): Path<String>,
) -> ApiResult<Response> {
    let filter = epc_filter(&epc)?;
    services
        .require_matching_event(&principal, filter, "EPC", &epc)
        .await?;
    Ok(json_list(["events"]))
}

/// The vocabulary and place resources: `/bizSteps/{bizStep}` and the like.
#[derive(Debug, Clone, Copy)]
enum Resource {
    BizStep,
    Disposition,
    BizLocation,
    ReadPoint,
}

impl Resource {
    /// The path parameter and the collection's path segment.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Resource::BizStep => ("bizStep", "bizSteps"),
            Resource::Disposition => ("disposition", "dispositions"),
            Resource::BizLocation => ("bizLocation", "bizLocations"),
            Resource::ReadPoint => ("readPoint", "readPoints"),
        }
    }

    /// The filter selecting the events of one value: a CBV short name or URI for the
    /// vocabularies, an EPC URN or Digital Link URI for the places. Invalid is a 400.
    fn filter(self, value: &str) -> ApiResult<EventFilter> {
        let (parameter, _) = self.names();
        let mut filter = EventFilter::default();
        match self {
            Resource::BizStep | Resource::Disposition => {
                let vocabulary = match self {
                    Resource::BizStep => Vocabulary::BizStep,
                    _ => Vocabulary::Disposition,
                };
                let uri = vocabulary
                    .parse(value)
                    .map_err(|message| invalid_parameter(parameter, message))?
                    .uri()
                    .to_owned();
                match self {
                    Resource::BizStep => filter.biz_steps = vec![uri],
                    _ => filter.dispositions = vec![uri],
                }
            }
            Resource::BizLocation | Resource::ReadPoint => {
                suyuan_core::epcis::identifiers::check_identifier(value)
                    .map_err(|message| invalid_parameter(parameter, message))?;
                let key = index_key(value);
                match self {
                    Resource::BizLocation => filter.biz_locations = vec![key],
                    _ => filter.read_points = vec![key],
                }
            }
        }
        Ok(filter)
    }
}

async fn resource(
    services: &Services,
    principal: &suyuan_service::Principal,
    kind: Resource,
    value: &str,
) -> ApiResult<Response> {
    let filter = kind.filter(value)?;
    services
        .require_matching_event(principal, filter, kind.names().0, value)
        .await?;
    Ok(json_list(["events"]))
}

async fn resource_events(
    services: &Services,
    principal: &suyuan_service::Principal,
    headers: &HeaderMap,
    kind: Resource,
    value: &str,
    raw: Option<&str>,
) -> ApiResult<Response> {
    let fixed = kind.filter(value)?;
    let path = format!("/{}/{}/events", kind.names().1, urlencode(value));
    run_query(services, principal, headers, &path, raw, |filter| {
        filter.biz_steps.extend(fixed.biz_steps);
        filter.dispositions.extend(fixed.dispositions);
        filter.biz_locations.extend(fixed.biz_locations);
        filter.read_points.extend(fixed.read_points);
    })
    .await
}

/// Declares the two handlers of one vocabulary or place resource.
macro_rules! resource_handlers {
    ($kind:ident, $one:ident, $events:ident, $path:tt, $events_path:tt, $param:tt, $what:tt) => {
        #[doc = concat!("The sub-resources of one ", $what, ": `[\"events\"]`; 404 when no event you may see uses it, 400 when it is not valid.")]
        #[utoipa::path(get, path = $path, tag = TAG,
            params(($param = String, Path, description = $what)),
            responses(
                (status = 200, body = Vec<String>),
                (status = 400, body = Problem, content_type = "application/problem+json"),
                (status = 401, body = Problem, content_type = "application/problem+json"),
                (status = 403, body = Problem, content_type = "application/problem+json"),
                (status = 404, body = Problem, content_type = "application/problem+json"),
                (status = 406, body = Problem, content_type = "application/problem+json"),
            ))]
        pub async fn $one(
            State(services): State<Services>,
            Auth(principal): Auth,
            Path(value): Path<String>,
        ) -> ApiResult<Response> {
            resource(&services, &principal, Resource::$kind, &value).await
        }

        #[doc = concat!("The events of one ", $what, ": the query of `GET /events` with that one condition, the same parameters and paging.")]
        #[utoipa::path(get, path = $events_path, tag = TAG,
            params(($param = String, Path, description = $what)),
            responses(
                (status = 200, description = "An EPCISQueryDocument; Link rel=next when there is more", content_type = "application/ld+json", body = Object),
                (status = 400, body = Problem, content_type = "application/problem+json"),
                (status = 401, body = Problem, content_type = "application/problem+json"),
                (status = 403, body = Problem, content_type = "application/problem+json"),
                (status = 406, body = Problem, content_type = "application/problem+json"),
            ))]
        pub async fn $events(
            State(services): State<Services>,
            Auth(principal): Auth,
            headers: HeaderMap,
            Path(value): Path<String>,
            RawQuery(raw): RawQuery,
        ) -> ApiResult<Response> {
            resource_events(&services, &principal, &headers, Resource::$kind, &value, raw.as_deref()).await
        }
    };
}

resource_handlers!(
    BizStep,
    biz_step,
    biz_step_events,
    "/bizSteps/{bizStep}",
    "/bizSteps/{bizStep}/events",
    "bizStep",
    "business step (a CBV short name such as shipping, or its URI)"
);
resource_handlers!(
    Disposition,
    disposition,
    disposition_events,
    "/dispositions/{disposition}",
    "/dispositions/{disposition}/events",
    "disposition",
    "disposition (a CBV short name such as in_transit, or its URI)"
);
resource_handlers!(
    BizLocation,
    biz_location,
    biz_location_events,
    "/bizLocations/{bizLocation}",
    "/bizLocations/{bizLocation}/events",
    "bizLocation",
    "business location (an SGLN URN or GS1 Digital Link URI, URL-encoded)"
);
resource_handlers!(
    ReadPoint,
    read_point,
    read_point_events,
    "/readPoints/{readPoint}",
    "/readPoints/{readPoint}/events",
    "readPoint",
    "read point (an SGLN URN or GS1 Digital Link URI, URL-encoded)"
);

/// Releases a `nextPageToken`.
///
/// Page tokens are stateless cursors (they encode where the previous page ended): the server
/// holds nothing for them, so there is nothing to free and the answer is always 204.
#[utoipa::path(delete, path = "/nextPageToken/{token}", tag = TAG,
    params(("token" = String, Path, description = "A nextPageToken")),
    responses((status = 204, description = "Nothing is held for the token")))]
pub async fn release_page_token(Path(_token): Path<String>) -> StatusCode {
    StatusCode::NO_CONTENT
}

/// The 204 of an `OPTIONS` request: `Allow` and the GS1 headers (EPCIS 2.0 §12.4).
fn discovery(allow: &'static str, capture: bool) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    epcis_headers(headers);
    if !capture {
        headers.remove("GS1-EPCIS-Capture-Limit");
        headers.remove("GS1-EPCIS-Capture-File-Size-Limit");
    } else {
        headers.insert(
            "GS1-Capture-Error-Behaviour",
            HeaderValue::from_static("all"),
        );
    }
    headers.insert(header::ALLOW, HeaderValue::from_static(allow));
    for (name, value) in [
        ("GS1-EPCIS-Min", "2.0.0"),
        ("GS1-EPCIS-Max", "2.0.0"),
        ("GS1-CBV-Min", "2.0.0"),
        ("GS1-CBV-Max", "2.0.0"),
        // Identifiers and CBV values are answered in the form they were captured in.
        ("GS1-EPC-Format", "Never_Translates"),
        ("GS1-CBV-XML-Format", "Never_Translates"),
        (
            "GS1-Vendor-Version",
            concat!("suyuan/", env!("CARGO_PKG_VERSION")),
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(value) = HeaderValue::from_str(&format!(
        "suyuan={}",
        suyuan_core::epcis::trace_fields::SUYUAN_NAMESPACE
    )) {
        headers.insert("GS1-Extensions", value);
    }
    response
}

/// Declares the `OPTIONS` handler of one EPCIS path.
macro_rules! discovery_handler {
    ($name:ident, $path:tt, $allow:tt, $capture:tt) => {
        discovery_handler!($name, $path, $allow, $capture, params());
    };
    ($name:ident, $path:tt, $allow:tt, $capture:tt, $param:tt) => {
        discovery_handler!($name, $path, $allow, $capture, params(($param = String, Path, description = "See GET")));
    };
    ($name:ident, $path:tt, $allow:tt, $capture:tt, params($($params:tt)*)) => {
        #[doc = concat!("Discovery of `", $path, "`: `Allow` (", $allow, ") and the GS1 headers.")]
        #[utoipa::path(options, path = $path, tag = TAG,
            params($($params)*),
            responses(
                (status = 204, description = "Allow, GS1-EPCIS-Version/-Min/-Max, GS1-CBV-Version/-Min/-Max, GS1-EPC-Format, GS1-CBV-XML-Format, GS1-Extensions (and the capture limits on /capture)"),
                (status = 406, body = Problem, content_type = "application/problem+json"),
            ))]
        pub async fn $name() -> Response {
            discovery($allow, $capture)
        }
    };
}

discovery_handler!(options_root, "/", "OPTIONS, GET", false);
discovery_handler!(options_capture, "/capture", "OPTIONS, GET, POST", true);
discovery_handler!(
    options_capture_job,
    "/capture/{captureID}",
    "OPTIONS, GET",
    false,
    "captureID"
);
discovery_handler!(options_events, "/events", "OPTIONS, GET, POST", false);
discovery_handler!(
    options_event,
    "/events/{eventID}",
    "OPTIONS, GET",
    false,
    "eventID"
);
discovery_handler!(options_event_types, "/eventTypes", "OPTIONS, GET", false);
discovery_handler!(
    options_event_type,
    "/eventTypes/{eventType}",
    "OPTIONS, GET",
    false,
    "eventType"
);
discovery_handler!(
    options_event_type_events,
    "/eventTypes/{eventType}/events",
    "OPTIONS, GET",
    false,
    "eventType"
);
discovery_handler!(options_epcs, "/epcs", "OPTIONS, GET", false);
discovery_handler!(options_epc, "/epcs/{epc}", "OPTIONS, GET", false, "epc");
discovery_handler!(
    options_epc_events,
    "/epcs/{epc}/events",
    "OPTIONS, GET",
    false,
    "epc"
);
discovery_handler!(options_biz_steps, "/bizSteps", "OPTIONS, GET", false);
discovery_handler!(
    options_biz_step,
    "/bizSteps/{bizStep}",
    "OPTIONS, GET",
    false,
    "bizStep"
);
discovery_handler!(
    options_biz_step_events,
    "/bizSteps/{bizStep}/events",
    "OPTIONS, GET",
    false,
    "bizStep"
);
discovery_handler!(options_dispositions, "/dispositions", "OPTIONS, GET", false);
discovery_handler!(
    options_disposition,
    "/dispositions/{disposition}",
    "OPTIONS, GET",
    false,
    "disposition"
);
discovery_handler!(
    options_disposition_events,
    "/dispositions/{disposition}/events",
    "OPTIONS, GET",
    false,
    "disposition"
);
discovery_handler!(
    options_biz_locations,
    "/bizLocations",
    "OPTIONS, GET",
    false
);
discovery_handler!(
    options_biz_location,
    "/bizLocations/{bizLocation}",
    "OPTIONS, GET",
    false,
    "bizLocation"
);
discovery_handler!(
    options_biz_location_events,
    "/bizLocations/{bizLocation}/events",
    "OPTIONS, GET",
    false,
    "bizLocation"
);
discovery_handler!(options_read_points, "/readPoints", "OPTIONS, GET", false);
discovery_handler!(
    options_read_point,
    "/readPoints/{readPoint}",
    "OPTIONS, GET",
    false,
    "readPoint"
);
discovery_handler!(
    options_read_point_events,
    "/readPoints/{readPoint}/events",
    "OPTIONS, GET",
    false,
    "readPoint"
);
