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
use suyuan_service::query::{page_token, parse_event_query};
use suyuan_store::{
    CaptureJob, EventColumn, EventCursor, EventOrder, IdentifierMatch, StoredEvent,
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

/// Turns stored events into an EPCISQueryDocument.
fn query_document(events: &[StoredEvent]) -> ApiResult<serde_json::Value> {
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
    Ok(jsonld::encode_query_document(
        &decoded,
        &namespaces,
        "SimpleEventQuery",
        &clock::now().fixed_offset(),
    ))
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
    let document = query_document(&events)?;
    let mut response = json_ld(StatusCode::OK, &document);
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
        (status = 413, description = "More than maxEventCount", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn query_events(
    State(services): State<Services>,
    Auth(principal): Auth,
    RawQuery(raw): RawQuery,
) -> ApiResult<Response> {
    run_query(&services, &principal, "/events", raw.as_deref(), |_| {}).await
}

/// One event by its eventID.
#[utoipa::path(get, path = "/events/{eventID}", tag = TAG,
    params(("eventID" = String, Path, description = "The eventID (URL-encoded)")),
    responses(
        (status = 200, description = "An EPCISQueryDocument holding the event", content_type = "application/ld+json", body = Object),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_event(
    State(services): State<Services>,
    Auth(principal): Auth,
    Path(event_id): Path<String>,
) -> ApiResult<Response> {
    let event = services.event(&principal, &event_id).await?;
    Ok(json_ld(StatusCode::OK, &query_document(&[event])?))
}

/// The five event types.
#[utoipa::path(get, path = "/eventTypes", tag = TAG,
    responses((status = 200, description = "The event types", body = Vec<String>)))]
pub async fn event_types() -> Response {
    let mut response = Json(EventType::ALL.map(|t| t.as_str())).into_response();
    epcis_headers(response.headers_mut());
    response
}

/// Events of one type.
#[utoipa::path(get, path = "/eventTypes/{eventType}/events", tag = TAG,
    params(("eventType" = String, Path, description = "ObjectEvent, AggregationEvent, …")),
    responses(
        (status = 200, content_type = "application/ld+json", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events_of_type(
    State(services): State<Services>,
    Auth(principal): Auth,
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
    run_query(&services, &principal, &path, raw.as_deref(), |filter| {
        filter.event_types = vec![event_type.as_str().to_owned()];
    })
    .await
}

/// Events naming one identifier (EPC URN or Digital Link URI, URL-encoded), in any role.
#[utoipa::path(get, path = "/epcs/{epc}/events", tag = TAG,
    params(("epc" = String, Path, description = "An EPC URN or GS1 Digital Link URI, URL-encoded")),
    responses(
        (status = 200, content_type = "application/ld+json", body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events_of_epc(
    State(services): State<Services>,
    Auth(principal): Auth,
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
    run_query(&services, &principal, &path, raw.as_deref(), |filter| {
        filter.identifiers.push(IdentifierMatch {
            roles: Vec::new(),
            keys: vec![key],
            prefix: true,
        });
    })
    .await
}

async fn distinct(
    services: &Services,
    column: EventColumn,
    compact: Option<Vocabulary>,
) -> ApiResult<Response> {
    let values = services.event_values(column).await?;
    let values: Vec<String> = values
        .into_iter()
        .map(|v| match compact.and_then(|vocab| vocab.parse(&v).ok()) {
            Some(value) => value.compact().to_owned(),
            None => v,
        })
        .collect();
    let mut response = Json(values).into_response();
    epcis_headers(response.headers_mut());
    Ok(response)
}

/// The business steps used by captured events.
#[utoipa::path(get, path = "/bizSteps", tag = TAG, responses((status = 200, body = Vec<String>)))]
pub async fn biz_steps(State(services): State<Services>) -> ApiResult<Response> {
    distinct(&services, EventColumn::BizStep, Some(Vocabulary::BizStep)).await
}

/// The dispositions used by captured events.
#[utoipa::path(get, path = "/dispositions", tag = TAG, responses((status = 200, body = Vec<String>)))]
pub async fn dispositions(State(services): State<Services>) -> ApiResult<Response> {
    distinct(
        &services,
        EventColumn::Disposition,
        Some(Vocabulary::Disposition),
    )
    .await
}

/// The business locations of captured events (canonical Digital Link form).
#[utoipa::path(get, path = "/bizLocations", tag = TAG, responses((status = 200, body = Vec<String>)))]
pub async fn biz_locations(State(services): State<Services>) -> ApiResult<Response> {
    distinct(&services, EventColumn::BizLocation, None).await
}

/// The read points of captured events (canonical Digital Link form).
#[utoipa::path(get, path = "/readPoints", tag = TAG, responses((status = 200, body = Vec<String>)))]
pub async fn read_points(State(services): State<Services>) -> ApiResult<Response> {
    distinct(&services, EventColumn::ReadPoint, None).await
}
