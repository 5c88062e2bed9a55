//! `GET /api/v1/assets/{group}/{asset}/{version}/spec`: a version's document, exactly as
//! published or converted between YAML and JSON.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::IntoParams;

use portico_core::Error;
use portico_core::exchange::access::asset_for;
use portico_core::repo::assets;
use portico_core::repo::read_cache::Document;
use portico_types::Role;

use super::caller::Caller;
use super::coordinates::VersionPath;
use super::problem::{BadRequest, NotFound, Problem, Unauthorized, Unprocessable};
use super::versions::no_version;
use crate::state::AppState;

/// Query of `GET …/{version}/spec`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// Convert the document: `yaml` or `json`. Without it, the bytes exactly as published.
    #[param(schema_with = format_schema)]
    format: Option<String>,
}

/// The formats a document converts to.
fn format_schema() -> utoipa::openapi::Object {
    super::openapi::string_enum(["yaml", "json"])
}

/// The document as published, or converted to YAML or JSON
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/{version}/spec",
    operation_id = "getDocument",
    tag = "assets",
    params(VersionPath, DocumentQuery),
    responses(
        (status = 200, description = "The document",
            headers(("Content-Disposition" = String, description = "inline, with a file name")),
            content(
                (Object = "application/yaml"),
                (Object = "application/json"),
            ),
        ),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn get_spec(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
    Query(query): Query<DocumentQuery>,
) -> Result<Response, Problem> {
    let db = &state.server.db;
    let row = asset_for(db, &caller.user, &group, &asset, Role::Viewer).await?;
    let document = assets::version_document(db, row.id, &version)
        .await?
        .ok_or_else(|| no_version(&group, &asset, &version))?;
    let content_type = document.1.clone();
    let stored_json = content_type.contains("json");
    let (body, content_type, extension) = match query.format.as_deref() {
        None => {
            let extension = if stored_json { "json" } else { "yaml" };
            (as_published(document), content_type, extension)
        }
        Some(format @ ("yaml" | "json")) if (format == "json") == stored_json => {
            (as_published(document), content_type, format)
        }
        Some(format @ ("yaml" | "json")) => {
            let to_json = format == "json";
            let converted = portico_core::analysis::run(Some(caller.user.id), move || {
                convert(&document, to_json)
            })
            .await?
            .map_err(|message| {
                tracing::error!(%group, %asset, %version, %message, "a published document no longer converts");
                Problem(Error::Internal)
            })?;
            let content_type = if to_json {
                "application/json"
            } else {
                "application/yaml"
            };
            (Bytes::from(converted), content_type.to_owned(), format)
        }
        Some(other) => {
            return Err(Problem(Error::Invalid(format!(
                "format {other:?} is unknown; use yaml or json (or leave it out for the document as published)."
            ))));
        }
    };
    let content_type = HeaderValue::from_str(&content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition = HeaderValue::from_str(&format!(
        "inline; filename=\"{asset}-{version}.{extension}\""
    ))
    .unwrap_or(HeaderValue::from_static("inline"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

/// The cached document's bytes as a response body, without copying them.
/// The document converted to JSON or YAML (run on the CPU pool: it parses the document,
/// within the configured limits).
fn convert(document: &Document, to_json: bool) -> Result<String, String> {
    let text = std::str::from_utf8(&document.0).map_err(|error| error.to_string())?;
    let (value, _) = spec_engine::parse_text(text, &portico_core::analysis::limits())
        .map_err(|error| format!("line {}: {}", error.line, error.message))?;
    Ok(if to_json {
        spec_engine::to_json(&value)
    } else {
        spec_engine::to_yaml(&value)
    })
}

fn as_published(document: Document) -> Bytes {
    struct Content(Document);
    impl AsRef<[u8]> for Content {
        fn as_ref(&self) -> &[u8] {
            &self.0.0
        }
    }
    Bytes::from_owner(Content(document))
}
