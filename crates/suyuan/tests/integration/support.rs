//! Test support: the backends to run on, fresh databases, and a server on a free port.

use std::path::PathBuf;
use std::sync::Arc;

use suyuan::config::{FileSettings, ServeArgs, Settings};
use suyuan_service::Services;
use suyuan_store::Store;
use tokio::net::TcpListener;

/// The environment variable naming a PostgreSQL server for tests.
pub const POSTGRES_ENV: &str = "SUYUAN_TEST_DATABASE_URL";

/// A fresh, empty database on one backend.
pub struct TestDb {
    pub backend: &'static str,
    /// `None` for the embedded SQLite in `data_dir`.
    pub url: Option<String>,
    pub data_dir: PathBuf,
    _dir: tempdir::TempDir,
}

mod tempdir {
    //! A temporary directory removed on drop.
    use std::path::{Path, PathBuf};

    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new() -> TempDir {
            let path = std::env::temp_dir().join(format!(
                "suyuan-test-{}-{}",
                std::process::id(),
                rand_suffix()
            ));
            std::fs::create_dir_all(&path).expect("create temp dir");
            TempDir(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    pub fn rand_suffix() -> String {
        use std::sync::atomic::{AtomicU64, Ordering};
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        format!("{nanos:x}{}", COUNTER.fetch_add(1, Ordering::Relaxed))
    }
}

/// One fresh database per backend under test.
pub async fn fresh_databases() -> Vec<TestDb> {
    let mut databases = vec![sqlite_db()];
    if let Some(db) = postgres_db().await {
        databases.push(db);
    }
    databases
}

pub fn sqlite_db() -> TestDb {
    let dir = tempdir::TempDir::new();
    TestDb {
        backend: "sqlite",
        url: None,
        data_dir: dir.path().to_path_buf(),
        _dir: dir,
    }
}

/// A new database on the test PostgreSQL server, when one is configured.
pub async fn postgres_db() -> Option<TestDb> {
    use sqlx::Connection;
    let base = std::env::var(POSTGRES_ENV)
        .ok()
        .filter(|url| !url.is_empty())?;
    let name = format!("suyuan_t_{}_{}", std::process::id(), tempdir::rand_suffix());
    let mut conn = sqlx::PgConnection::connect(&base)
        .await
        .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={base}: {e}"));
    sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    let (server, _) = base.rsplit_once('/').expect("database URL has a path");
    let dir = tempdir::TempDir::new();
    Some(TestDb {
        backend: "postgres",
        url: Some(format!("{server}/{name}")),
        data_dir: dir.path().to_path_buf(),
        _dir: dir,
    })
}

impl TestDb {
    pub fn settings(&self) -> Settings {
        Settings::resolve(
            ServeArgs {
                listen: Some("127.0.0.1:0".parse().expect("address")),
                data_dir: Some(self.data_dir.clone()),
                database: self.url.clone(),
                center_name: Some("测试溯源中心".into()),
                ..Default::default()
            },
            FileSettings::default(),
        )
        .expect("settings")
    }

    pub async fn store(&self) -> Arc<dyn Store> {
        suyuan::open_store(&self.settings())
            .await
            .expect("open store")
    }

    /// The flags that make the binary use this database.
    pub fn binary_args(&self) -> Vec<String> {
        match &self.url {
            Some(url) => vec!["--database".into(), url.clone()],
            None => vec!["--data-dir".into(), self.data_dir.display().to_string()],
        }
    }
}

/// A server running in this process on a free port.
pub struct TestServer {
    pub base: String,
    pub services: Services,
    pub backend: &'static str,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn start(db: &TestDb) -> TestServer {
        let settings = db.settings();
        let services = suyuan::services(&settings).await.expect("services");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = suyuan::app(services.clone(), &settings);
        tokio::spawn(async move {
            let _ = suyuan::serve(listener, app, async {
                let _ = rx.await;
            })
            .await;
        });
        TestServer {
            base,
            services,
            backend: db.backend,
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Computes a valid USCC from a 17-character body.
pub fn uscc(body: &str) -> String {
    let check = suyuan_core::ids::Uscc::check_character(body).expect("valid body");
    format!("{body}{check}")
}

/// Computes a valid GTIN-13 from 12 digits.
pub fn gtin13(body: &str) -> String {
    format!(
        "{body}{}",
        suyuan_core::ids::gs1_check_digit(body).expect("digits")
    )
}

/// Starts the real `suyuan serve` with `args` (and `--listen 127.0.0.1:0` unless given) and
/// extra environment; returns it, its base URL, and what it printed before listening.
pub fn start_binary(
    args: &[String],
    env: &[(&str, &str)],
) -> (std::process::Child, String, Vec<String>) {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut command = Command::new(env!("CARGO_BIN_EXE_suyuan"));
    command.arg("serve");
    if !args.iter().any(|a| a == "--listen") {
        command.args(["--listen", "127.0.0.1:0"]);
    }
    command
        .args(args)
        .env("SUYUAN_LOG", "warn")
        .env_remove("SUYUAN_DATABASE_URL")
        .env_remove("SUYUAN_LISTEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("start suyuan");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut printed = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(address) = line.strip_prefix("Listening on ") {
                let _ = tx.send((address.trim().to_owned(), std::mem::take(&mut printed)));
            } else {
                printed.push(line);
            }
        }
    });
    let (base, printed) = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the server reports its address");
    (child, base, printed)
}
