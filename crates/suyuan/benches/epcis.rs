//! EPCIS capture and query benchmark, through HTTP exactly as a client sees it.
//!
//! `cargo bench -p suyuan --bench epcis` captures documents of 1,000 events on the embedded
//! SQLite (and on PostgreSQL when `SUYUAN_BENCH_DATABASE_URL` names a server), fills the
//! store to `SUYUAN_BENCH_EVENTS` events (default 1,000,000), then times the main queries.
//! The figures are printed; nothing is asserted, because speed is measured, not tested.
//! `SUYUAN_BENCH_DIR` names a directory to keep the SQLite database in; the PostgreSQL
//! database is then kept too.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use suyuan::config::{FileSettings, ServeArgs, Settings};
use tokio::net::TcpListener;

const KEY: &str = "bench-importer-key-000000000000";
const BATCH: usize = 1_000;
/// Distinct products (GTINs), places and lots the generated events spread over.
const PRODUCTS: usize = 200;
const PLACES: usize = 50;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let target: usize = std::env::var("SUYUAN_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    // SUYUAN_BENCH_DIR keeps the SQLite database afterwards, to look at its query plans.
    let keep = std::env::var_os("SUYUAN_BENCH_DIR");
    let sqlite_dir = keep.clone().map_or_else(
        || std::env::temp_dir().join(format!("suyuan-bench-{}", std::process::id())),
        Into::into,
    );
    std::fs::create_dir_all(&sqlite_dir)?;
    let mut backends = vec![("sqlite", settings(Some(sqlite_dir.clone()), None)?)];
    // PostgreSQL runs in a database of its own, created here and dropped afterwards.
    let server = std::env::var("SUYUAN_BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let bench_database = format!("suyuan_bench_{}", std::process::id());
    if let Some(url) = &server {
        admin(url, &format!("CREATE DATABASE {bench_database}")).await?;
        let (base, _) = url
            .rsplit_once('/')
            .ok_or_else(|| anyhow::anyhow!("SUYUAN_BENCH_DATABASE_URL has no database"))?;
        backends.push((
            "postgres",
            settings(None, Some(format!("{base}/{bench_database}")))?,
        ));
    }
    for (backend, settings) in backends {
        run(backend, &settings, target).await?;
    }
    if let Some(url) = server.as_ref().filter(|_| keep.is_none()) {
        admin(
            url,
            &format!("DROP DATABASE IF EXISTS {bench_database} WITH (FORCE)"),
        )
        .await?;
    }
    if keep.is_none() {
        let _ = std::fs::remove_dir_all(&sqlite_dir);
    }
    Ok(())
}

async fn admin(url: &str, statement: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(url).await?;
    sqlx::Executor::execute(&mut connection, statement).await?;
    Ok(())
}

fn settings(
    data_dir: Option<std::path::PathBuf>,
    database: Option<String>,
) -> anyhow::Result<Settings> {
    Settings::resolve(
        ServeArgs {
            listen: Some("127.0.0.1:0".parse()?),
            data_dir,
            database,
            ..Default::default()
        },
        FileSettings::default(),
    )
}

async fn run(backend: &str, settings: &Settings, target: usize) -> anyhow::Result<()> {
    let services = suyuan::services(settings).await?;
    services
        .load_demo(Some(KEY))
        .await
        .map_err(|e| anyhow::anyhow!("demo: {e}"))?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = suyuan::app(services.clone(), settings);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(suyuan::serve(listener, app, async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::new();

    // Capture: the first documents are timed one after another, as one client sends them.
    let timed_batches = 50.min(target / BATCH).max(1);
    let started = Instant::now();
    for batch in 0..timed_batches {
        capture(&client, &base, batch).await?;
    }
    let elapsed = started.elapsed();
    let captured = timed_batches * BATCH;
    println!(
        "[{backend}] capture: {captured} events in {timed_batches} documents of {BATCH} in {:.2} s = {:.0} events/s",
        elapsed.as_secs_f64(),
        captured as f64 / elapsed.as_secs_f64()
    );

    // Fill to the target with two clients at once, then time the queries.
    let fill_started = Instant::now();
    let remaining: Vec<usize> = (timed_batches..target.div_ceil(BATCH)).collect();
    let (first, second) = remaining.split_at(remaining.len() / 2);
    let (a, b) = tokio::join!(
        capture_all(&client, &base, first),
        capture_all(&client, &base, second)
    );
    a?;
    b?;
    let filled = target.div_ceil(BATCH) * BATCH;
    let fill = fill_started.elapsed();
    println!(
        "[{backend}] filled to {filled} events; two clients at once: {:.0} events/s",
        (filled - captured) as f64 / fill.as_secs_f64().max(f64::EPSILON)
    );

    let total = target.div_ceil(BATCH);
    let epc = item_epc(total / 2, 17);
    let class = class_epc(42);
    let location = place(7);
    let queries = [
        (
            "one item's events (MATCH_epc)",
            format!("/events?MATCH_epc={}", enc(&epc)),
        ),
        (
            "one item, resource path (/epcs/{epc}/events)",
            format!("/epcs/{}/events", enc(&epc)),
        ),
        (
            "product class, first 100 (MATCH_epcClass)",
            format!("/events?MATCH_epcClass={}&eventCountLimit=100", enc(&class)),
        ),
        (
            "place + bizStep, first 100",
            format!(
                "/events?EQ_bizLocation={}&EQ_bizStep=receiving&eventCountLimit=100",
                enc(&location)
            ),
        ),
        (
            "one hour window, first 100",
            format!(
                "/events?GE_eventTime={}&LT_eventTime={}&eventCountLimit=100",
                enc(&event_time(total / 3, 0)),
                enc(&event_time(total / 3 + 4, 0))
            ),
        ),
        (
            "latest 100, newest first",
            "/events?orderBy=eventTime&orderDirection=DESC&eventCountLimit=100".to_owned(),
        ),
        (
            "ilmd lot number (EQ_ILMD_…#lotNumber)",
            format!(
                "/events?EQ_ILMD_urn:epcglobal:cbv:mda%23lotNumber=LOT-{}",
                total / 2
            ),
        ),
        (
            "one event by ID",
            format!("/events/{}", enc(&event_id(total / 2, 3))),
        ),
    ];
    for (name, path) in &queries {
        let mut times = Vec::new();
        let mut count = 0;
        for _ in 0..30 {
            let started = Instant::now();
            let response = client
                .get(format!("{base}{path}"))
                .bearer_auth(KEY)
                .send()
                .await?;
            let status = response.status();
            let body: Value = response.json().await?;
            times.push(started.elapsed());
            anyhow::ensure!(status.is_success(), "{path}: {status} {body}");
            count = body["epcisBody"]["queryResults"]["resultsBody"]["eventList"]
                .as_array()
                .map_or(1, Vec::len);
        }
        times.sort();
        println!(
            "[{backend}] query {name}: {count} events, median {:.2} ms, p95 {:.2} ms",
            ms(times[times.len() / 2]),
            ms(times[times.len() * 95 / 100])
        );
    }
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn enc(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn capture_all(
    client: &reqwest::Client,
    base: &str,
    batches: &[usize],
) -> anyhow::Result<()> {
    for &batch in batches {
        capture(client, base, batch).await?;
    }
    Ok(())
}

async fn capture(client: &reqwest::Client, base: &str, batch: usize) -> anyhow::Result<()> {
    let response = client
        .post(format!("{base}/capture"))
        .bearer_auth(KEY)
        .header("content-type", "application/ld+json")
        .body(document(batch).to_string())
        .send()
        .await?;
    let status = response.status();
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    anyhow::ensure!(
        status.as_u16() == 202,
        "capture: {status} {}",
        response.text().await?
    );
    let location = location.ok_or_else(|| anyhow::anyhow!("capture: no Location"))?;
    let job: Value = client
        .get(format!("{base}{location}"))
        .bearer_auth(KEY)
        .send()
        .await?
        .json()
        .await?;
    anyhow::ensure!(job["success"] == json!(true), "capture job: {job}");
    Ok(())
}

fn gtin(product: usize) -> String {
    let body = format!("0069012345{:03}", product % 1000);
    format!("{body}{}", check_digit(&body))
}

fn check_digit(body: &str) -> char {
    suyuan_core::ids::gs1_check_digit(body).expect("digits")
}

fn class_epc(product: usize) -> String {
    format!("https://id.gs1.org/01/{}", gtin(product))
}

fn item_epc(batch: usize, index: usize) -> String {
    let product = (batch * 7 + index) % PRODUCTS;
    format!(
        "https://id.gs1.org/01/{}/21/S{batch}-{index}",
        gtin(product)
    )
}

fn place(n: usize) -> String {
    let body = format!("690123450{:03}", n % PLACES);
    format!("https://id.gs1.org/414/{body}{}", check_digit(&body))
}

/// Event time: one batch per 15 minutes from 2026-01-01, spread over the quarter hour.
fn event_time(batch: usize, index: usize) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2026-01-01T00:00:00+08:00").expect("time");
    (base + chrono::Duration::seconds((batch * 900 + index % 900) as i64)).to_rfc3339()
}

fn event_id(batch: usize, index: usize) -> String {
    format!(
        "urn:uuid:00000000-0000-4000-8000-{:06x}{:06x}",
        batch, index
    )
}

/// A document of commissioning, shipping and receiving events for `batch`.
fn document(batch: usize) -> Value {
    let events: Vec<Value> = (0..BATCH)
        .map(|index| {
            let step = ["commissioning", "shipping", "receiving"][index % 3];
            let mut event = json!({
                "type": "ObjectEvent",
                "eventID": event_id(batch, index),
                "eventTime": event_time(batch, index),
                "eventTimeZoneOffset": "+08:00",
                "epcList": [item_epc(batch, index)],
                "action": if step == "commissioning" { "ADD" } else { "OBSERVE" },
                "bizStep": step,
                "disposition": if step == "shipping" { "in_transit" } else { "active" },
                "readPoint": { "id": place(batch + index) },
                "bizLocation": { "id": place(batch + index) },
            });
            if step == "commissioning" {
                event["ilmd"] = json!({ "cbvmda:lotNumber": format!("LOT-{batch}") });
            }
            event
        })
        .collect();
    json!({
        "@context": ["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00+08:00",
        "epcisBody": { "eventList": events },
    })
}
