//! `portico`: the server and its command-line tools.
// The app's deeply nested views reach the compiler's default query depth here.
#![recursion_limit = "512"]

mod api;
mod body_limit;
mod cli;
mod config;
mod console;
mod csrf;
mod demo;
mod health;
mod http;
mod mqtt;
mod page_cache;
mod proxy;
mod security_headers;
mod serve;
mod server_fn_status;
mod state;
mod webhooks;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use config::ServeConfig;

/// mimalloc instead of glibc's allocator: glibc's malloc and free were a tenth of the
/// CPU of a document download and more of a page render.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Manage personal access tokens in the configured database.
    Token {
        #[command(subcommand)]
        command: cli::token::TokenCommand,
    },
    /// Publish a document to a Portico server's exchange.
    Publish(cli::publish::PublishArgs),
    /// Check AsyncAPI and OpenAPI documents (exit 0 valid, 1 invalid, 2 usage/I/O).
    Lint(cli::lint::LintArgs),
    /// Print a document as JSON or YAML, or upgraded from AsyncAPI 2.x to 3.0.
    Convert(cli::convert::ConvertArgs),
    /// Compare two versions of an API (exit 0 compatible, 1 --fail-on met, 2 usage/input).
    Diff(cli::diff::DiffArgs),
    /// List the REST operations, WebSocket upgrades and server functions this server answers.
    Routes(cli::routes::RoutesArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(Command::Lint(args)) = &cli.command {
        // Pure and synchronous: no runtime, no logging setup, fast start.
        return cli::lint::run(args);
    }
    if let Some(Command::Convert(args)) = &cli.command {
        return cli::convert::run(args);
    }
    if let Some(Command::Diff(args)) = &cli.command {
        // Synchronous unless a side is fetched from a server, which starts its own runtime.
        return cli::diff::run(args);
    }
    if let Some(Command::Routes(args)) = &cli.command {
        return cli::routes::run(args);
    }
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("portico: cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let result = runtime.block_on(async {
        let success = ExitCode::SUCCESS;
        match cli.command {
            // `portico` alone means `portico serve`, configured from the environment.
            None => serve::serve(ServeConfig::parse_from(["portico"]))
                .await
                .map(|()| success),
            Some(Command::Serve(config)) => serve::serve(config).await.map(|()| success),
            Some(Command::User { command }) => cli::user::run(command).await.map(|()| success),
            Some(Command::Token { command }) => cli::token::run(command).await.map(|()| success),
            Some(
                Command::Lint(_) | Command::Convert(_) | Command::Diff(_) | Command::Routes(_),
            ) => {
                unreachable!("lint, convert, diff and routes return before the runtime starts")
            }
            Some(Command::Publish(args)) => cli::publish::run(args).await.map(|published| {
                if published {
                    success
                } else {
                    ExitCode::from(cli::publish::REFUSED)
                }
            }),
        }
    });
    result.unwrap_or_else(|error| {
        eprintln!("portico: {error:#}");
        ExitCode::FAILURE
    })
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
