//! `/api/v1/assets`: publish, read, search, change lifecycle and visibility, delete.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use portico_core::Error;
use portico_core::exchange::access::asset_for;
use portico_core::exchange::catalog;
use portico_core::exchange::gate::Override;
use portico_core::exchange::lifecycle::{change_lifecycle, remove_version};
use portico_core::exchange::publish::{PublishRequest, publish};
use portico_core::repo::assets::{self, PublishOutcome, VersionRow};
use portico_core::repo::read_cache::Document;
use portico_core::repo::search::{MARK_END, MARK_START, SearchRequest, SearchSort};
use portico_types::{AssetKind, Lifecycle, Role, VersionSummary};

use super::caller::Caller;
use super::problem::Problem;
use crate::state::AppState;

/// Query of `PUT …/{version}`.
#[derive(Debug, Deserialize)]
pub struct PublishQuery {
    lifecycle: Option<String>,
    /// `breaking`: an organisation admin publishes a refused breaking change anyway.
    #[serde(rename = "override")]
    override_: Option<String>,
    /// Why, with `override=breaking` (shown in the changelog).
    reason: Option<String>,
}

/// Publishes the request body as `group/asset/version`.
pub async fn put_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((group, asset, version)): Path<(String, String, String)>,
    Query(query): Query<PublishQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    caller.require_publish_scope()?;
    let lifecycle = match query.lifecycle.as_deref() {
        None | Some("stable") => Lifecycle::Stable,
        Some("development") => Lifecycle::Development,
        Some(other) => {
            return Err(Problem(Error::Invalid(format!(
                "lifecycle={other:?} is not accepted when publishing; use development or stable."
            ))));
        }
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let gate = match query.override_.as_deref() {
        None | Some("") => Override::None,
        Some("breaking") => Override::Breaking {
            reason: query.reason.unwrap_or_default(),
        },
        Some(other) => {
            return Err(Problem(Error::Invalid(format!(
                "override={other:?} is not accepted; the only override is override=breaking (with reason=...)."
            ))));
        }
    };
    let request = PublishRequest {
        group: &group,
        asset: &asset,
        version: &version,
        content: &body,
        content_type,
        lifecycle,
        gate,
    };
    let published = publish(&state.server.db, &caller.user, &request).await?;
    let status = match published.outcome {
        PublishOutcome::Created => StatusCode::CREATED,
        PublishOutcome::Unchanged | PublishOutcome::Overwritten => StatusCode::OK,
    };
    let row = assets::find_asset(&state.server.db, &group, &asset)
        .await?
        .ok_or(Problem(Error::Internal))?;
    let stored = assets::find_version(&state.server.db, row.id, &version)
        .await?
        .ok_or(Problem(Error::Internal))?;
    let location = format!("/api/v1/assets/{group}/{asset}/{version}");
    let mut response = (status, Json(version_json(&group, &asset, &stored))).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

fn version_json(group: &str, asset: &str, row: &VersionRow) -> Value {
    summary_json(group, asset, &catalog::version_summary(row.clone()))
}

fn summary_json(group: &str, asset: &str, row: &VersionSummary) -> Value {
    json!({
        "group": group,
        "asset": asset,
        "version": row.version,
        "lifecycle": row.lifecycle,
        "title": row.title,
        "specVersion": row.spec_version,
        "contentType": row.content_type,
        "sha256": row.content_sha256,
        "publishedAt": row.published_at,
        "publishedBy": row.published_by,
        "links": {
            "self": format!("/api/v1/assets/{group}/{asset}/{}", row.version),
            "spec": format!("/api/v1/assets/{group}/{asset}/{}/spec", row.version),
            "page": format!("/exchange/{group}/{asset}/{}", row.version),
        },
    })
}

/// Metadata of one version.
pub async fn get_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((group, asset, version)): Path<(String, String, String)>,
) -> Result<Json<Value>, Problem> {
    let db = &state.server.db;
    let row = asset_for(db, &caller.user, &group, &asset, Role::Viewer).await?;
    let stored = assets::find_version(db, row.id, &version)
        .await?
        .ok_or_else(|| no_version(&group, &asset, &version))?;
    Ok(Json(version_json(&group, &asset, &stored)))
}

fn no_version(group: &str, asset: &str, version: &str) -> Problem {
    Problem(Error::NotFound(format!(
        "No version {version} of {group}/{asset}."
    )))
}

/// Query of `GET …/{version}/spec`.
#[derive(Debug, Deserialize)]
pub struct SpecQuery {
    /// `yaml` or `json` to convert; absent for the document exactly as published.
    format: Option<String>,
}

/// The document exactly as published, or converted to YAML or JSON.
pub async fn get_spec(
    State(state): State<AppState>,
    caller: Caller,
    Path((group, asset, version)): Path<(String, String, String)>,
    Query(query): Query<SpecQuery>,
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
            let text = std::str::from_utf8(&document.0).map_err(|_| Problem(Error::Internal))?;
            let (value, _) = spec_engine::parse_text(text, &spec_engine::Limits::default()).map_err(|error| {
                tracing::error!(%group, %asset, %version, message = %error.message, "a published document no longer parses");
                Problem(Error::Internal)
            })?;
            if format == "json" {
                (
                    Bytes::from(spec_engine::to_json(&value)),
                    "application/json".to_owned(),
                    "json",
                )
            } else {
                (
                    Bytes::from(spec_engine::to_yaml(&value)),
                    "application/yaml".to_owned(),
                    "yaml",
                )
            }
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
fn as_published(document: Document) -> Bytes {
    struct Content(Document);
    impl AsRef<[u8]> for Content {
        fn as_ref(&self) -> &[u8] {
            &self.0.0
        }
    }
    Bytes::from_owner(Content(document))
}

/// An asset and its live versions.
pub async fn get_asset(
    State(state): State<AppState>,
    caller: Caller,
    Path((group, asset)): Path<(String, String)>,
) -> Result<Json<Value>, Problem> {
    let detail = catalog::asset_detail(&state.server.db, &caller.user, &group, &asset).await?;
    let live = !detail.versions.is_empty();
    Ok(Json(json!({
        "group": group,
        "asset": asset,
        "kind": detail.kind.as_str(),
        "public": detail.public,
        "title": live.then_some(&detail.title),
        "description": live.then_some(&detail.description),
        "tags": live.then_some(&detail.tags),
        "versions": detail.versions.iter().map(|v| summary_json(&group, &asset, v)).collect::<Vec<_>>(),
    })))
}

/// Body of `PATCH …/{asset}`.
#[derive(Debug, Deserialize)]
pub struct AssetPatch {
    public: bool,
}

/// Shows or hides an asset to every signed-in user (organisation admins).
pub async fn patch_asset(
    State(state): State<AppState>,
    caller: Caller,
    Path((group, asset)): Path<(String, String)>,
    Json(patch): Json<AssetPatch>,
) -> Result<Json<Value>, Problem> {
    caller.require_publish_scope()?;
    let db = &state.server.db;
    let row = asset_for(db, &caller.user, &group, &asset, Role::Admin).await?;
    assets::set_public(db, row.id, patch.public).await?;
    Ok(Json(
        json!({"group": group, "asset": asset, "public": patch.public}),
    ))
}

/// Body of `PATCH …/{version}`.
#[derive(Debug, Deserialize)]
pub struct VersionPatch {
    lifecycle: String,
}

/// Moves a version along its lifecycle (organisation admins).
pub async fn patch_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((group, asset, version)): Path<(String, String, String)>,
    Json(patch): Json<VersionPatch>,
) -> Result<Json<Value>, Problem> {
    caller.require_publish_scope()?;
    let to = Lifecycle::parse(&patch.lifecycle).ok_or_else(|| {
        Problem(Error::Invalid(format!(
            "lifecycle {:?} is unknown; use development, stable or deprecated.",
            patch.lifecycle
        )))
    })?;
    let stored =
        change_lifecycle(&state.server.db, &caller.user, &group, &asset, &version, to).await?;
    Ok(Json(version_json(&group, &asset, &stored)))
}

/// Deletes a version for good; its number can never be used again (organisation admins).
pub async fn delete_version(
    State(state): State<AppState>,
    caller: Caller,
    Path((group, asset, version)): Path<(String, String, String)>,
) -> Result<StatusCode, Problem> {
    caller.require_publish_scope()?;
    remove_version(&state.server.db, &caller.user, &group, &asset, &version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Query of `GET /assets`.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
    kind: Option<String>,
    tag: Option<String>,
    group: Option<String>,
    lifecycle: Option<String>,
    sort: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// Searches the catalog.
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Value>, Problem> {
    let invalid = |what: &str, value: &str, allowed: &str| {
        Problem(Error::Invalid(format!(
            "{what}={value:?} is not accepted; use one of {allowed}."
        )))
    };
    let kind = match query.kind.as_deref() {
        None | Some("") => None,
        Some(k) => {
            Some(AssetKind::parse(k).ok_or_else(|| invalid("kind", k, "asyncapi, openapi"))?)
        }
    };
    let lifecycle = match query.lifecycle.as_deref() {
        None | Some("") => None,
        Some(l) => Some(
            Lifecycle::parse(l)
                .ok_or_else(|| invalid("lifecycle", l, "development, stable, deprecated"))?,
        ),
    };
    let sort = match query.sort.as_deref() {
        None => SearchSort::Relevance,
        Some(s) => {
            SearchSort::parse(s).ok_or_else(|| invalid("sort", s, "relevance, updated, name"))?
        }
    };
    let per_page = query.per_page.unwrap_or(20).clamp(1, 100);
    let page = query.page.unwrap_or(1).max(1);
    let request = SearchRequest {
        text: query.q.unwrap_or_default(),
        kind,
        tag: query.tag.filter(|t| !t.is_empty()),
        group: query.group.filter(|g| !g.is_empty()),
        lifecycle,
        sort,
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
    };
    let (hits, total) = catalog::search(&state.server.db, &caller.user, &request).await?;
    Ok(Json(json!({
        "total": total,
        "page": page,
        "perPage": per_page,
        "items": hits.iter().map(|hit| json!({
            "group": hit.group,
            "asset": hit.asset,
            "kind": hit.kind.as_str(),
            "title": hit.title,
            "latestVersion": hit.latest_version,
            "lifecycle": hit.lifecycle.as_str(),
            "updatedAt": hit.updated_at,
            "snippet": hit.snippet.replace([MARK_START, MARK_END], "**"),
        })).collect::<Vec<_>>(),
    })))
}

/// Query of `GET …/{asset}/compare`.
#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
}

/// What changed between two versions, as `portico diff --format json` prints it.
pub async fn compare(
    State(state): State<AppState>,
    caller: Caller,
    Path((group, asset)): Path<(String, String)>,
    Query(query): Query<CompareQuery>,
) -> Result<Json<Value>, Problem> {
    let report = portico_core::exchange::compare::versions(
        &state.server.db,
        &caller.user,
        (&group, &asset),
        query.from.as_deref().unwrap_or_default(),
        query.to.as_deref().unwrap_or_default(),
    )
    .await?;
    Ok(Json(json!(report)))
}
