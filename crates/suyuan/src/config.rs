//! Configuration: one typed set of settings from a TOML file, the environment and flags, in
//! rising order of precedence.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use serde::Deserialize;

/// The example configuration file, shipped in the binary (`suyuan config-example`).
pub const EXAMPLE: &str = include_str!("../suyuan.example.toml");

/// Settings of `suyuan serve`, as flags and environment variables. Everything is optional
/// here so that a value left unset falls back to the file, then to the default.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "SUYUAN_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Directory of the embedded SQLite database [default: ./suyuan-data].
    #[arg(long, env = "SUYUAN_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: postgres://… for PostgreSQL (or sqlite:… for a given SQLite file).
    #[arg(long, env = "SUYUAN_DATABASE_URL")]
    pub database: Option<String>,
    /// The center's name, shown on its pages.
    #[arg(long, env = "SUYUAN_CENTER_NAME")]
    pub center_name: Option<String>,
    /// How long a sign-in session lasts, in hours [default: 12].
    #[arg(long, env = "SUYUAN_SESSION_TTL_HOURS")]
    pub session_ttl_hours: Option<i64>,
    /// Load the demo center on start.
    #[arg(long, env = "SUYUAN_DEMO", num_args = 0..=1, default_missing_value = "true")]
    pub demo: Option<bool>,
    /// Install this token as the demo importer's API key (sent as `Authorization: Bearer KEY`).
    #[arg(long, env = "SUYUAN_DEMO_API_KEY")]
    pub demo_api_key: Option<String>,
    /// A TOML configuration file (see `suyuan config-example`).
    #[arg(long, env = "SUYUAN_CONFIG")]
    pub config: Option<PathBuf>,
}

/// The configuration file's contents.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileSettings {
    pub listen: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database: Option<String>,
    pub center_name: Option<String>,
    pub session_ttl_hours: Option<i64>,
    pub demo: Option<bool>,
    pub demo_api_key: Option<String>,
}

impl FileSettings {
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the configuration file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("in the configuration file {}", path.display()))
    }
}

/// The settings the server runs with.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database: Option<String>,
    pub center_name: String,
    pub session_ttl_hours: i64,
    pub demo: bool,
    pub demo_api_key: Option<String>,
}

impl Settings {
    /// Resolves flags and environment (`args`) over the file over the defaults.
    pub fn resolve(args: ServeArgs, file: FileSettings) -> anyhow::Result<Settings> {
        let session_ttl_hours = args
            .session_ttl_hours
            .or(file.session_ttl_hours)
            .unwrap_or(12);
        anyhow::ensure!(
            (1..=24 * 90).contains(&session_ttl_hours),
            "session-ttl-hours: expected 1 to 2160, found {session_ttl_hours}"
        );
        Ok(Settings {
            listen: args
                .listen
                .or(file.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir: args
                .data_dir
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("./suyuan-data")),
            database: args
                .database
                .or(file.database)
                .filter(|url| !url.trim().is_empty()),
            center_name: args
                .center_name
                .or(file.center_name)
                .unwrap_or_else(|| "Suyuan 溯源中心".to_owned()),
            session_ttl_hours,
            demo: args.demo.or(file.demo).unwrap_or(false),
            demo_api_key: args.demo_api_key.or(file.demo_api_key),
        })
    }

    /// Reads the file named by `args.config`, if any, and resolves.
    pub fn load(args: ServeArgs) -> anyhow::Result<Settings> {
        let file = match &args.config {
            Some(path) => FileSettings::read(path)?,
            None => FileSettings::default(),
        };
        Settings::resolve(args, file)
    }
}

/// Hides the password of a URL: `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database", &self.database.as_deref().map(mask_url))
            .field("center_name", &self.center_name)
            .field("session_ttl_hours", &self.session_ttl_hours)
            .field("demo", &self.demo)
            .field("demo_api_key", &self.demo_api_key.as_ref().map(|_| "***"))
            .finish()
    }
}

impl fmt::Display for Settings {
    /// The settings as printed at start, secrets masked.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "  listen            = {}", self.listen)?;
        match &self.database {
            Some(url) => writeln!(f, "  database          = {}", mask_url(url))?,
            None => writeln!(
                f,
                "  database          = sqlite (embedded) in {}",
                self.data_dir.display()
            )?,
        }
        writeln!(f, "  center-name       = {}", self.center_name)?;
        writeln!(f, "  session-ttl-hours = {}", self.session_ttl_hours)?;
        writeln!(f, "  demo              = {}", self.demo)?;
        if self.demo_api_key.is_some() {
            writeln!(f, "  demo-api-key      = ***")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_file_and_file_over_defaults() {
        let file: FileSettings = toml::from_str(
            "listen = \"127.0.0.1:9000\"\ncenter-name = \"From file\"\nsession-ttl-hours = 4\n",
        )
        .unwrap();
        let args = ServeArgs {
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            ..Default::default()
        };
        let settings = Settings::resolve(args, file).unwrap();
        assert_eq!(settings.listen.port(), 9100);
        assert_eq!(settings.center_name, "From file");
        assert_eq!(settings.session_ttl_hours, 4);
        assert_eq!(settings.data_dir, PathBuf::from("./suyuan-data"));
    }

    #[test]
    fn the_shipped_example_parses() {
        let file: FileSettings = toml::from_str(EXAMPLE).unwrap();
        assert_eq!(file.listen.map(|l| l.port()), Some(8080));
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        assert!(toml::from_str::<FileSettings>("listn = \"x\"").is_err());
    }

    #[test]
    fn secrets_are_masked() {
        let settings = Settings::resolve(
            ServeArgs {
                database: Some("postgres://suyuan:hunter22@db:5432/suyuan".into()),
                demo_api_key: Some("demo-key-0123456789".into()),
                ..Default::default()
            },
            FileSettings::default(),
        )
        .unwrap();
        let printed = format!("{settings}{settings:?}");
        assert!(!printed.contains("hunter22"));
        assert!(!printed.contains("demo-key-0123456789"));
        assert!(printed.contains("postgres://suyuan:***@db:5432/suyuan"));
    }
}
