//! Ledger upload (台账) over real HTTP on every backend: templates downloaded in CSV and XLSX,
//! filled and uploaded by a producer and a seller, the events seen through `GET /events`, and a
//! sheet with one bad row refused with exactly that row's error and nothing stored.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use reqwest::{Client, StatusCode};
use rust_xlsxwriter::{Format, Workbook};
use serde_json::{Value, json};
use suyuan_service::demo::DEMO_PASSWORD;

use crate::support::{TestServer, fresh_databases};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A signed-in demo user.
struct Member {
    http: Client,
    base: String,
    cookie: String,
}

impl Member {
    async fn sign_in(server: &TestServer, username: &str) -> Member {
        let http = Client::new();
        let response = http
            .post(server.url("/api/v1/session"))
            .json(&json!({ "username": username, "password": DEMO_PASSWORD }))
            .send()
            .await
            .expect("login");
        assert_eq!(response.status(), StatusCode::OK, "login {username}");
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_owned();
        Member {
            http,
            base: server.base.clone(),
            cookie,
        }
    }

    async fn download(&self, path: &str, accept: Option<&str>) -> reqwest::Response {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(accept) = accept {
            request = request.header("accept", accept);
        }
        request.send().await.expect("download")
    }

    async fn upload(&self, path: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("upload");
        let status = response.status();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// The events of one business step the member sees.
    async fn events(&self, biz_step: &str) -> Vec<Value> {
        let response = self
            .http
            .get(format!("{}/events?EQ_bizStep={biz_step}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("query");
        assert_eq!(response.status(), StatusCode::OK);
        let document: Value = response.json().await.expect("json");
        document["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// Days since Excel's epoch, for a date cell.
fn excel_date(year: i32, month: u32, day: u32) -> f64 {
    let date = chrono::NaiveDate::from_ymd_opt(year, month, day).expect("date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("epoch");
    (date - epoch).num_days() as f64
}

/// A filled production ledger: the template's header, two rows, the production date of the
/// first as a real Excel date cell.
fn production_workbook(headers: &[String]) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("生产台账").expect("name");
    for (col, header) in headers.iter().enumerate() {
        sheet
            .write_string(0, col as u16, header.as_str())
            .expect("header");
    }
    let rows: [[&str; 12]; 2] = [
        [
            "urn:epc:id:sgtin:6901234.067890.C0001",
            "挤包绝缘低压电力电缆",
            "电线电缆",
            "YJV 0.6/1kV 3×95",
            "",
            "24个月",
            "B20261120-01",
            "GB/T 12706.1-2020",
            "XK06-001-00123",
            "JY-2026-1120-01",
            "",
            "",
        ],
        [
            "https://id.gs1.org/01/06901234678901/10/B20261120-02",
            "挤包绝缘低压电力电缆",
            "电线电缆",
            "YJV 0.6/1kV 3×50",
            "2026-11-20 14:00",
            "",
            "B20261120-02",
            "GB/T 12706.1-2020",
            "XK06-001-00123",
            "JY-2026-1120-02",
            "",
            "300",
        ],
    ];
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (index, row) in rows.iter().enumerate() {
        let r = index as u32 + 1;
        for (col, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet.write_string(r, col as u16, *value).expect("cell");
            }
        }
    }
    sheet
        .write_number_with_format(1, 4, excel_date(2026, 11, 20), &date)
        .expect("date cell");
    workbook.save_to_buffer().expect("xlsx")
}

fn ilmd(event: &Value, key: &str) -> Value {
    event["ilmd"][key].clone()
}

#[tokio::test]
async fn ledgers_are_downloaded_filled_uploaded_and_queried() {
    for db in fresh_databases().await {
        let server = TestServer::start(&db).await;
        server.services.load_demo(None).await.expect("demo");
        let producer = Member::sign_in(&server, "cable.admin").await;
        let seller = Member::sign_in(&server, "retailer2.admin").await;
        let backend = db.backend;

        // The list names every sheet with its documented headers and template links.
        let sheets: Value = producer
            .download("/api/v1/ledger/templates", None)
            .await
            .json()
            .await
            .expect("list");
        let keys: Vec<&str> = sheets
            .as_array()
            .expect("sheets")
            .iter()
            .map(|s| s["sheet"].as_str().expect("key"))
            .collect();
        assert_eq!(keys, ["production", "shipping", "purchase", "sales"]);
        let documented = |sheet: usize| -> Vec<String> {
            sheets[sheet]["columns"]
                .as_array()
                .expect("columns")
                .iter()
                .map(|c| c["header"].as_str().expect("header").to_owned())
                .collect()
        };
        assert_eq!(documented(0)[0], "*追溯码 (traceCode)");
        assert_eq!(
            sheets[1]["columns"][2]["publicByDefault"], false,
            "the buyer's name is not public by default"
        );

        // The XLSX template opens with calamine and has the documented headers.
        let response = producer
            .download(sheets[0]["templates"]["xlsx"].as_str().expect("link"), None)
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], XLSX);
        let disposition = response.headers()["content-disposition"]
            .to_str()
            .expect("ascii");
        assert!(
            disposition.starts_with("attachment; filename=\"suyuan-ledger-production.xlsx\""),
            "{disposition}"
        );
        let bytes = response.bytes().await.expect("bytes").to_vec();
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("an XLSX workbook");
        assert_eq!(workbook.sheet_names(), ["生产台账", "填写说明"]);
        let range = workbook.worksheet_range("生产台账").expect("sheet");
        let headers: Vec<String> = range
            .rows()
            .next()
            .expect("header row")
            .iter()
            .map(|cell| cell.to_string())
            .collect();
        assert_eq!(headers, documented(0));

        // The CSV template, chosen by Accept, starts with a byte order mark.
        let response = producer
            .download("/api/v1/ledger/templates/shipping", Some("text/csv"))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/csv")
        );
        let csv_template = response.text().await.expect("text");
        assert_eq!(
            csv_template.trim_end(),
            format!("\u{feff}{}", documented(1).join(","))
        );

        // The producer uploads the filled XLSX production ledger…
        let (status, body) = producer
            .upload(
                "/api/v1/ledger/uploads/production",
                XLSX,
                production_workbook(&headers),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "[{backend}] {body:#}");
        assert_eq!(body["rows"], 2);
        assert_eq!(body["captureJob"]["success"], true, "{body:#}");
        assert_eq!(body["captureJob"]["storedEventCount"], 2);
        assert_eq!(body["rowErrors"], json!([]));

        // …and its shipping ledger as CSV, filled under the template's header.
        let shipping = format!(
            "{}\r\n\
             urn:epc:id:sgtin:6901234.067890.C0001,2026-11-21 10:30,广东粤通商贸分销有限公司,广东省广州市白云区太和镇101号,020-86000000,,是\r\n\
             https://id.gs1.org/01/06901234678901/10/B20261120-02,2026/11/22,\"佛山某五金店, 顺德\",佛山市顺德区,0757-1234567,120,\r\n",
            csv_template.trim_end()
        );
        let (status, body) = producer
            .upload(
                "/api/v1/ledger/uploads/shipping",
                "text/csv; charset=utf-8",
                shipping.into_bytes(),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "[{backend}] {body:#}");
        assert_eq!(body["captureJob"]["storedEventCount"], 2);

        // The events are there, as EPCIS 2.0 with CBV and Suyuan fields.
        let made = producer.events("commissioning").await;
        assert_eq!(made.len(), 2, "[{backend}] {made:#?}");
        let item = made
            .iter()
            .find(|e| e["epcList"].is_array())
            .expect("the serialized item");
        assert_eq!(item["action"], "ADD");
        assert_eq!(item["disposition"], "active");
        assert_eq!(item["eventTime"], "2026-11-20T00:00:00+08:00");
        assert_eq!(item["eventTimeZoneOffset"], "+08:00");
        assert_eq!(ilmd(item, "suyuan:productName"), "挤包绝缘低压电力电缆");
        assert_eq!(ilmd(item, "suyuan:productionDate"), "2026-11-20");
        assert_eq!(ilmd(item, "cbvmda:lotNumber"), "B20261120-01");
        let batch = made
            .iter()
            .find(|e| e["quantityList"].is_array())
            .expect("the batch");
        assert_eq!(batch["quantityList"][0]["quantity"], 300);
        let shipped = producer.events("shipping").await;
        assert_eq!(shipped.len(), 2);
        let to_distributor = shipped
            .iter()
            .find(|e| e["suyuan:buyerName"] == "广东粤通商贸分销有限公司")
            .expect("the sale to the distributor");
        assert_eq!(to_distributor["suyuan:flowPublic"], true);
        assert_eq!(to_distributor["disposition"], "in_transit");
        assert!(
            shipped
                .iter()
                .any(|e| e["suyuan:buyerName"] == "佛山某五金店, 顺德"
                    && e.get("suyuan:flowPublic").is_none())
        );

        // Uploading the same sheet again stores nothing new.
        let (status, body) = producer
            .upload(
                "/api/v1/ledger/uploads/production",
                XLSX,
                production_workbook(&headers),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED);
        assert_eq!(body["captureJob"]["storedEventCount"], 0);
        assert_eq!(producer.events("commissioning").await.len(), 2);

        // The seller's purchase ledger, with the headers in Chinese only.
        let (status, body) = seller
            .upload(
                "/api/v1/ledger/uploads/purchase",
                "text/csv",
                "追溯码,供应商名称,采购时间\nurn:epc:id:sgtin:6901234.067890.C0001,广东粤通商贸分销有限公司,2026-11-23\n"
                    .as_bytes()
                    .to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "[{backend}] {body:#}");
        let received = seller.events("receiving").await;
        assert_eq!(received.len(), 1);
        assert_eq!(
            received[0]["suyuan:supplierName"],
            "广东粤通商贸分销有限公司"
        );
        assert!(
            producer.events("receiving").await.is_empty(),
            "members see their own events"
        );
        drop(server);
    }
}

#[tokio::test]
async fn a_sheet_with_one_bad_row_is_refused_with_that_rows_error() {
    for db in fresh_databases().await {
        let server = TestServer::start(&db).await;
        server.services.load_demo(None).await.expect("demo");
        let seller = Member::sign_in(&server, "retailer2.admin").await;
        let backend = db.backend;
        let sales = "*追溯码 (traceCode),*客户名称 (customerName),*售出时间 (saleTime),数量 (quantity),是否公开 (flowPublic)\n\
                     urn:epc:id:sgtin:6901234.067890.C0001,王先生,2026-11-25 15:00,,\n\
                     urn:epc:id:sgtin:6901234.067890.C0002,李女士,2026-13-01,,\n\
                     urn:epc:id:sgtin:6901234.067890.C0003,赵先生,2026-11-26,,否\n";

        // Atomic by default: 422, exactly the bad row, nothing stored.
        let (status, problem) = seller
            .upload(
                "/api/v1/ledger/uploads/sales",
                "text/csv",
                sales.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "[{backend}] {problem:#}"
        );
        assert_eq!(problem["type"], "/problems/validation");
        let rows = problem["rowErrors"].as_array().expect("row errors");
        assert_eq!(rows.len(), 1, "{problem:#}");
        assert_eq!(rows[0]["row"], 3);
        assert_eq!(rows[0]["column"], "*售出时间 (saleTime)");
        assert_eq!(rows[0]["key"], "saleTime");
        assert_eq!(rows[0]["found"], "\"2026-13-01\"");
        assert!(
            rows[0]["expected"]
                .as_str()
                .expect("expected")
                .contains("YYYY-MM-DD")
        );
        assert_eq!(problem["errors"][0]["pointer"], "/rows/3/saleTime");
        assert!(
            problem["detail"]
                .as_str()
                .expect("detail")
                .contains("nothing was stored")
        );
        assert!(seller.events("retail_selling").await.is_empty());

        // With errorBehaviour=proceed the good rows are stored and the bad one reported.
        let (status, body) = seller
            .upload(
                "/api/v1/ledger/uploads/sales?errorBehaviour=proceed",
                "text/csv",
                sales.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "[{backend}] {body:#}");
        assert_eq!(body["captureJob"]["success"], false);
        assert_eq!(body["captureJob"]["storedEventCount"], 2);
        assert_eq!(
            body["captureJob"]["errors"][0]["pointer"],
            "/rows/3/saleTime"
        );
        assert_eq!(body["rowErrors"].as_array().expect("rows").len(), 1);
        assert_eq!(seller.events("retail_selling").await.len(), 2);

        // Client mistakes are problems, never server errors.
        let (status, _) = seller
            .upload(
                "/api/v1/ledger/uploads/sales",
                XLSX,
                b"not a workbook".to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        let (status, _) = seller
            .upload(
                "/api/v1/ledger/uploads/sales",
                "application/json",
                b"{}".to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let (status, _) = seller
            .upload(
                "/api/v1/ledger/uploads/inventory",
                "text/csv",
                b"a".to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let anonymous = Member {
            cookie: String::new(),
            ..seller
        };
        let (status, _) = anonymous
            .upload(
                "/api/v1/ledger/uploads/sales",
                "text/csv",
                sales.as_bytes().to_vec(),
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let response = anonymous
            .download("/api/v1/ledger/templates/sales?format=pdf", None)
            .await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        drop(server);
    }
}
