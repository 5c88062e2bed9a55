//! `portico`: the server and its command-line tools.

mod cli;
mod config;
mod csrf;
mod health;
mod http;
mod serve;
mod state;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use config::ServeConfig;

/// Portico: API design and catalog portal for AsyncAPI and OpenAPI.
#[derive(Debug, Parser)]
#[command(name = "portico", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (the default when no command is given).
    Serve(ServeConfig),
    /// Manage accounts in the configured database.
    User {
        #[command(subcommand)]
        command: cli::user::UserCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("portico: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            // `portico` alone means `portico serve`, configured from the environment.
            None => serve::serve(ServeConfig::parse_from(["portico"])).await,
            Some(Command::Serve(config)) => serve::serve(config).await,
            Some(Command::User { command }) => cli::user::run(command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("portico: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Structured logs on stderr; `RUST_LOG` overrides the default level.
fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
