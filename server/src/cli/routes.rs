//! `portico routes [--format text|json]`: every HTTP entry point the server answers
//! besides pages and static files: the REST operations (read from the generated OpenAPI
//! document, so from the router itself), the WebSocket upgrades (the console's and
//! MQTT's) and the pages' server functions (from their registry). The authorization
//! matrix test reads this list, so an endpoint added without a row in it fails the tests.

use std::process::ExitCode;

use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::api::{OPENAPI_JSON, WEBSOCKET_PATHS};

/// Options of `portico routes`.
#[derive(Debug, Args)]
pub struct RoutesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// One entry point.
#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Route {
    /// `rest`, `websocket` or `rpc` (a page's server function).
    pub kind: &'static str,
    pub method: String,
    /// The path, with `{name}` for path parameters.
    pub path: String,
    /// The REST operation's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
}

/// Every entry point, REST first, each kind sorted by path.
pub fn routes() -> Vec<Route> {
    let mut all = Vec::new();
    let document: serde_json::Value = serde_json::from_str(&OPENAPI_JSON).unwrap_or_default();
    if let Some(paths) = document["paths"].as_object() {
        for (path, item) in paths {
            let Some(item) = item.as_object() else {
                continue;
            };
            for (method, operation) in item {
                if !["get", "put", "post", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                all.push(Route {
                    kind: "rest",
                    method: method.to_uppercase(),
                    path: format!("/api/v1{path}"),
                    operation: operation["operationId"].as_str().map(str::to_owned),
                });
            }
        }
    }
    for path in WEBSOCKET_PATHS {
        all.push(Route {
            kind: "websocket",
            method: "GET".into(),
            path: format!("/api/v1{path}"),
            operation: None,
        });
    }
    all.push(Route {
        kind: "websocket",
        method: "GET".into(),
        path: crate::mqtt::websocket::PATH.into(),
        operation: None,
    });
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        all.push(Route {
            kind: "rpc",
            method: method.to_string(),
            path: path.to_owned(),
            operation: None,
        });
    }
    all.sort();
    all
}

/// Prints the list.
pub fn run(args: &RoutesArgs) -> ExitCode {
    let all = routes();
    match args.format {
        Format::Json => match serde_json::to_string_pretty(&all) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("portico: {error}");
                return ExitCode::FAILURE;
            }
        },
        Format::Text => {
            for route in &all {
                let operation = route.operation.as_deref().unwrap_or("");
                println!(
                    "{:<10} {:<7} {} {operation}",
                    route.kind, route.method, route.path
                );
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_rest_operations_websockets_and_server_functions() {
        let all = routes();
        assert!(all.iter().any(|r| r.kind == "rest"
            && r.method == "PUT"
            && r.path == "/api/v1/assets/{group}/{asset}/{version}"
            && r.operation.as_deref() == Some("publishVersion")));
        assert!(all.iter().any(|r| r.kind == "websocket"));
        assert!(
            all.iter()
                .any(|r| r.kind == "rpc" && r.path == "/rpc/log_in" && r.method == "POST"),
            "{all:?}"
        );
    }
}
