//! Ledger upload (台账) routes: the templates of SAMR's producer and seller data lists in CSV or
//! XLSX, and uploads of filled sheets, captured as EPCIS events with every bad row reported.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use suyuan_core::epcis::ledger_sheet::{CellKind, Column, RowError, SheetKind};
use suyuan_core::validation::Violations;
use suyuan_service::Services;
use suyuan_service::capture::ErrorBehaviour;
use suyuan_service::ledger::{self, LEDGER_ROW_LIMIT, LedgerFormat, LedgerUpload};
use utoipa::{IntoParams, ToSchema};

use super::epcis::CaptureJobView;
use crate::extract::{ApiQuery, Auth, ClientOrigin, RawBody};
use crate::problem::{ApiError, ApiResult, Problem, ProblemKind, RowProblem};

pub const TAG: &str = "ledger";

/// A spreadsheet file's bytes, for the OpenAPI document.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct SpreadsheetFile(pub Vec<u8>);

/// The sheet named in the path, or 404.
fn sheet(key: &str) -> ApiResult<SheetKind> {
    SheetKind::parse(key).ok_or_else(|| {
        let known: Vec<&str> = SheetKind::ALL.iter().map(|s| s.key()).collect();
        ApiError::new(
            ProblemKind::NotFound,
            format!(
                "no ledger sheet {key:?}; the sheets are {}",
                known.join(", ")
            ),
        )
    })
}

/// A column of a ledger sheet.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LedgerColumnView {
    /// The English key, also the name of the EPCIS field it fills.
    pub key: &'static str,
    /// The Chinese label.
    pub label: &'static str,
    /// The header as the templates write it; `*` marks a required column.
    pub header: String,
    pub required: bool,
    /// traceCode, text, date, dateTime, quantity or yesNo.
    pub format: &'static str,
    /// Most characters, for text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    /// How to fill it, in Chinese.
    pub note: &'static str,
    pub example: &'static str,
    /// Whether the value is public when the member has not chosen.
    pub public_by_default: bool,
    /// Whether the member chooses its publicity row by row (是否公开).
    pub member_chooses: bool,
}

impl From<&Column> for LedgerColumnView {
    fn from(column: &Column) -> Self {
        let (format, max_length) = match column.kind {
            CellKind::TraceCode => ("traceCode", None),
            CellKind::Text(max) => ("text", Some(max)),
            CellKind::Date => ("date", None),
            CellKind::DateTime => ("dateTime", None),
            CellKind::Quantity => ("quantity", None),
            CellKind::YesNo => ("yesNo", None),
        };
        let field = column.field();
        LedgerColumnView {
            key: column.key,
            label: column.label,
            header: column.header(),
            required: column.required,
            format,
            max_length,
            note: column.note,
            example: column.example,
            public_by_default: field.is_some_and(|f| f.public_by_default),
            member_chooses: field.is_some_and(|f| f.member_chooses),
        }
    }
}

/// The EPCIS event each row becomes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LedgerEventView {
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub action: &'static str,
    pub biz_step: &'static str,
    pub disposition: &'static str,
}

/// A ledger sheet: what it records, its columns, where its templates are.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LedgerSheetView {
    /// production, shipping, purchase or sales.
    pub sheet: &'static str,
    pub title: &'static str,
    pub title_en: &'static str,
    /// producer (生产单位) or seller (销售单位).
    pub keeper: &'static str,
    pub keeper_label: &'static str,
    pub description: &'static str,
    pub event: LedgerEventView,
    pub columns: Vec<LedgerColumnView>,
    /// Download links by format (csv, xlsx).
    pub templates: std::collections::BTreeMap<&'static str, String>,
    /// Where filled sheets are uploaded.
    pub upload: String,
    /// Most data rows one upload may hold.
    pub row_limit: usize,
}

impl From<SheetKind> for LedgerSheetView {
    fn from(sheet: SheetKind) -> Self {
        let (action, biz_step, disposition) = sheet.event_shape();
        LedgerSheetView {
            sheet: sheet.key(),
            title: sheet.title(),
            title_en: sheet.title_en(),
            keeper: sheet.keeper().as_str(),
            keeper_label: sheet.keeper().label(),
            description: sheet.description(),
            event: LedgerEventView {
                event_type: "ObjectEvent",
                action: action.as_str(),
                biz_step,
                disposition,
            },
            columns: sheet.columns().iter().map(LedgerColumnView::from).collect(),
            templates: LedgerFormat::ALL
                .into_iter()
                .map(|format| {
                    (
                        format.key(),
                        format!(
                            "/api/v1/ledger/templates/{}?format={}",
                            sheet.key(),
                            format.key()
                        ),
                    )
                })
                .collect(),
            upload: format!("/api/v1/ledger/uploads/{}", sheet.key()),
            row_limit: LEDGER_ROW_LIMIT,
        }
    }
}

/// The ledger sheets (台账) members without IT systems keep: SAMR's producer data list
/// (production, shipping) and seller data list (purchase, sales).
#[utoipa::path(get, path = "/api/v1/ledger/templates", tag = TAG,
    responses((status = 200, description = "Every sheet with its columns and template links", body = Vec<LedgerSheetView>)))]
pub async fn list_templates() -> Json<Vec<LedgerSheetView>> {
    Json(SheetKind::ALL.into_iter().map(Into::into).collect())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// csv or xlsx; without it, the `Accept` header decides, and XLSX is the default.
    pub format: Option<String>,
}

/// The format asked for: `?format=`, else the `Accept` header, else XLSX.
fn requested_format(query: &TemplateQuery, headers: &HeaderMap) -> ApiResult<LedgerFormat> {
    if let Some(text) = &query.format {
        return LedgerFormat::parse(text).ok_or_else(|| {
            ApiError::invalid_request(&Violations::single(
                "format",
                format!("expected csv or xlsx, found {text:?}"),
            ))
        });
    }
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let asked = accept
        .split(',')
        .filter_map(|item| item.split(';').next())
        .find_map(LedgerFormat::from_media_type);
    Ok(asked.unwrap_or(LedgerFormat::Xlsx))
}

/// `attachment` with an ASCII file name and the Chinese one (RFC 6266, RFC 8187).
fn content_disposition(ascii: &str, utf8: &str) -> HeaderValue {
    let encoded: String = utf8
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

/// Download the template of a sheet, in CSV (UTF-8 with a byte order mark, so Excel shows the
/// Chinese) or XLSX (the header row, and a notes sheet explaining each column with an example).
#[utoipa::path(get, path = "/api/v1/ledger/templates/{sheet}", tag = TAG,
    params(("sheet" = String, Path, description = "production, shipping, purchase or sales"), TemplateQuery),
    responses(
        (status = 200, description = "The template file", content(
            (SpreadsheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Unknown format", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown sheet", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_template(
    Path(key): Path<String>,
    ApiQuery(query): ApiQuery<TemplateQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let sheet = sheet(&key)?;
    let format = requested_format(&query, &headers)?;
    let template = ledger::template(sheet, format)?;
    let content_type = match format {
        LedgerFormat::Csv => "text/csv; charset=utf-8",
        LedgerFormat::Xlsx => format.media_type(),
    };
    let mut response = Body::from(template.bytes).into_response();
    let response_headers = response.headers_mut();
    response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response_headers.insert(
        header::CONTENT_DISPOSITION,
        content_disposition(&template.file_name, &template.file_name_zh),
    );
    Ok(response)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct UploadQuery {
    /// rollback (default: one bad row stores nothing) or proceed (store the good rows); the
    /// `GS1-Capture-Error-Behaviour` header says the same.
    pub error_behaviour: Option<String>,
}

fn behaviour(query: &UploadQuery, headers: &HeaderMap) -> ApiResult<ErrorBehaviour> {
    let header = headers
        .get("GS1-Capture-Error-Behaviour")
        .map(|v| v.to_str().unwrap_or("?"));
    let parse = |source: &str, text: &str| match text {
        "rollback" => Ok(ErrorBehaviour::Rollback),
        "proceed" => Ok(ErrorBehaviour::Proceed),
        other => Err(ApiError::invalid_request(&Violations::single(
            source,
            format!("expected rollback or proceed, found {other:?}"),
        ))),
    };
    let from_query = query
        .error_behaviour
        .as_deref()
        .map(|text| parse("errorBehaviour", text))
        .transpose()?;
    let from_header = header
        .map(|text| parse("GS1-Capture-Error-Behaviour", text))
        .transpose()?;
    match (from_query, from_header) {
        (Some(a), Some(b)) if a != b => Err(ApiError::invalid_request(&Violations::single(
            "errorBehaviour",
            "the query parameter and the GS1-Capture-Error-Behaviour header disagree",
        ))),
        (a, b) => Ok(a.or(b).unwrap_or_default()),
    }
}

fn row_problem(error: RowError) -> RowProblem {
    RowProblem {
        row: error.row,
        detail: error.to_string(),
        column: error.column,
        key: error.key.map(str::to_owned),
        expected: error.expected,
        found: error.found,
    }
}

/// An uploaded ledger sheet: its capture job and the rows left out.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LedgerUploadView {
    pub sheet: &'static str,
    /// Data rows read.
    pub rows: usize,
    pub capture_job: CaptureJobView,
    /// The bad rows, not stored (with `errorBehaviour=proceed`).
    pub row_errors: Vec<RowProblem>,
}

/// Upload a filled ledger sheet as CSV (`text/csv`, UTF-8 or GB18030) or XLSX.
///
/// Every row becomes an EPCIS event captured as the caller's participant, exactly as
/// `POST /capture` would: 202 with the capture job (also in `Location`). By default the upload is
/// atomic: one bad row and nothing is stored, answered 422 with `rowErrors` listing every bad
/// cell by row (as the spreadsheet numbers it, header = row 1) and column, what was expected
/// and what was found. `errorBehaviour=proceed` stores the good rows and lists the bad ones.
/// A re-uploaded row is not stored twice.
#[utoipa::path(post, path = "/api/v1/ledger/uploads/{sheet}", tag = TAG,
    params(
        ("sheet" = String, Path, description = "production, shipping, purchase or sales"),
        UploadQuery,
        ("GS1-Capture-Error-Behaviour" = Option<String>, Header, description = "rollback (default) or proceed"),
    ),
    request_body(description = "The filled sheet", content(
        (String = "text/csv"),
        (SpreadsheetFile = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses(
        (status = 202, description = "Captured; the capture job is in Location", body = LedgerUploadView),
        (status = 400, description = "Not a readable CSV or XLSX file", body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown sheet", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "More rows than one capture holds", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows; nothing was stored", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    State(services): State<Services>,
    Auth(principal): Auth,
    ClientOrigin(origin): ClientOrigin,
    Path(key): Path<String>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> ApiResult<Response> {
    let sheet = sheet(&key)?;
    let behaviour = behaviour(&query, &headers)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let format = LedgerFormat::from_media_type(content_type.split(';').next().unwrap_or(""))
        .ok_or_else(|| {
            ApiError::new(
                ProblemKind::UnsupportedMediaType,
                format!(
                    "expected Content-Type {} or {}, found {content_type:?}",
                    LedgerFormat::Csv.media_type(),
                    LedgerFormat::Xlsx.media_type()
                ),
            )
        })?;
    let upload = services
        .upload_ledger(&principal, &origin, sheet, format, &body, behaviour)
        .await?;
    answer(upload)
}

/// 422 with the bad rows when nothing was stored; else 202 with the job and its location.
fn answer(upload: LedgerUpload) -> ApiResult<Response> {
    let rejected = upload.rejected();
    let bad_rows = {
        let mut rows: Vec<u32> = upload.errors.iter().map(|e| e.row).collect();
        rows.dedup();
        rows.len()
    };
    let row_errors: Vec<RowProblem> = upload.errors.into_iter().map(row_problem).collect();
    if rejected {
        return Err(ApiError::rows(
            format!(
                "{bad_rows} row{} of the {} sheet {} errors; nothing was stored (capture job {})",
                if bad_rows == 1 { "" } else { "s" },
                upload.sheet,
                if bad_rows == 1 { "has" } else { "have" },
                upload.job.id
            ),
            row_errors,
        ));
    }
    let location = format!("/capture/{}", upload.job.id);
    let mut response = (
        StatusCode::ACCEPTED,
        Json(LedgerUploadView {
            sheet: upload.sheet.key(),
            rows: upload.rows,
            capture_job: upload.job.into(),
            row_errors,
        }),
    )
        .into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}
