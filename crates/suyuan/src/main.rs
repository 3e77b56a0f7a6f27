//! `suyuan`: run a traceability center, or print its OpenAPI document.

use clap::{Parser, Subcommand};
use suyuan::config::{EXAMPLE, ServeArgs, Settings};
use tokio::net::TcpListener;

#[derive(Debug, Parser)]
#[command(
    name = "suyuan",
    version,
    about = "Suyuan (溯源): a product traceability center"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the center's HTTP server.
    Serve(ServeArgs),
    /// Run the center with the demo data loaded (same as `serve --demo`).
    Demo(ServeArgs),
    /// Print the OpenAPI 3.1 document of the HTTP API.
    Openapi,
    /// Print an example configuration file.
    ConfigExample,
    /// EPCIS tools that need no server.
    #[command(subcommand)]
    Epcis(EpcisCommand),
}

#[derive(Debug, Subcommand)]
enum EpcisCommand {
    /// Print the EPCIS event hash of every event, one per line in document order.
    Hash {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
    /// Report every problem of EPCIS documents.
    Validate {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SUYUAN_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Serve(args) => run(args),
        Command::Demo(args) => run(ServeArgs {
            demo: Some(true),
            ..args
        }),
        Command::Openapi => {
            println!("{}", suyuan_http::openapi().to_pretty_json()?);
            Ok(())
        }
        Command::ConfigExample => {
            print!("{EXAMPLE}");
            Ok(())
        }
        Command::Epcis(EpcisCommand::Hash { files }) => {
            let ok = suyuan::epcis_cli::hash_files(
                &files,
                &mut std::io::stdout(),
                &mut std::io::stderr(),
            );
            std::process::exit(if ok { 0 } else { 1 })
        }
        Command::Epcis(EpcisCommand::Validate { files }) => {
            let ok = suyuan::epcis_cli::validate_files(&files, &mut std::io::stdout());
            std::process::exit(if ok { 0 } else { 1 })
        }
    }
}

fn run(args: ServeArgs) -> anyhow::Result<()> {
    let settings = Settings::load(args)?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(serve(settings))
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    println!(
        "Suyuan {} starting with:\n{settings}",
        env!("CARGO_PKG_VERSION")
    );
    let services = suyuan::services(&settings).await?;
    if let Some(demo) = suyuan::load_demo(&services, &settings).await? {
        println!("Demo center loaded.");
        println!(
            "  operator login    : {} / {}",
            demo.operator_username, demo.password
        );
        println!(
            "  importer          : participant {}",
            demo.importer_participant_id
        );
        match &demo.importer_api_key {
            Some(key) => println!("  importer API key  : {key}   (Authorization: Bearer {key})"),
            None => println!(
                "  importer API key  : issued at first load; pass --demo-api-key KEY to fix one"
            ),
        }
    }
    let listener = TcpListener::bind(settings.listen)
        .await
        .map_err(|e| anyhow::anyhow!("listening on {}: {e}", settings.listen))?;
    println!("Listening on http://{}", listener.local_addr()?);
    let app = suyuan::app(services, &settings);
    suyuan::serve(listener, app, shutdown_signal()).await
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let terminated = async {
            match terminate.as_mut() {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = interrupt => {},
            _ = terminated => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
