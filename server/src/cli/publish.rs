//! `portico publish FILE --group G --asset A --version V [--server URL] [--token T]`:
//! publishes through the REST API, as CI would with curl.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use serde_json::Value;

use super::remote::Remote;

/// Arguments of `publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    /// The AsyncAPI or OpenAPI document (YAML or JSON).
    pub file: PathBuf,
    /// The group: the slug of the owning organisation.
    #[arg(long)]
    pub group: String,
    /// The asset id.
    #[arg(long)]
    pub asset: String,
    /// The semantic version, e.g. 1.2.0.
    #[arg(long)]
    pub version: String,
    /// Publish as a development version (may be overwritten later).
    #[arg(long)]
    pub development: bool,
    /// The Portico server.
    #[arg(long, env = "PORTICO_SERVER", default_value = "http://127.0.0.1:3000")]
    pub server: String,
    /// A personal access token with the publish scope.
    #[arg(long, env = "PORTICO_TOKEN", hide_env_values = true)]
    pub token: String,
}

/// Exit code when the server refused the document or the request.
pub const REFUSED: u8 = 1;

/// Publishes; `Ok(false)` when the server refused (its reasons already printed).
pub async fn run(args: PublishArgs) -> anyhow::Result<bool> {
    let content = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let is_json = args
        .file
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    let content_type = if is_json {
        "application/json"
    } else {
        "application/yaml"
    };
    let remote = Remote::new(&args.server, Some(&args.token))?;
    let base = remote.base();
    let mut path = format!("/assets/{}/{}/{}", args.group, args.asset, args.version);
    if args.development {
        path.push_str("?lifecycle=development");
    }
    let response = remote
        .request(reqwest::Method::PUT, &path)
        .header("content-type", content_type)
        .body(content)
        .send()
        .await
        .with_context(|| format!("cannot reach {base}"))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        let page = body
            .pointer("/links/page")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let what = if status.as_u16() == 201 {
            "Published"
        } else {
            "Already published"
        };
        println!(
            "{what} {}/{}/{}: {base}{page}",
            args.group, args.asset, args.version
        );
        return Ok(true);
    }
    let detail = body
        .get("detail")
        .and_then(Value::as_str)
        .unwrap_or("no details");
    eprintln!("{}: refused ({status}): {detail}", args.file.display());
    if let Some(errors) = body.get("errors").and_then(Value::as_array) {
        for error in errors {
            let line = error.get("line").and_then(Value::as_u64).unwrap_or(0);
            let column = error.get("column").and_then(Value::as_u64).unwrap_or(0);
            let severity = error
                .get("severity")
                .and_then(Value::as_str)
                .unwrap_or("error");
            let message = error.get("message").and_then(Value::as_str).unwrap_or("");
            let pointer = error.get("pointer").and_then(Value::as_str).unwrap_or("");
            eprintln!(
                "{}:{line}:{column}: {severity}: {message} ({pointer})",
                args.file.display()
            );
        }
    }
    if status.is_server_error() {
        bail!("the server failed ({status})");
    }
    Ok(false)
}
