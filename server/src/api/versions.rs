//! `/api/v1/assets/{group}/{asset}/{version}`: publish a version, read its metadata, move
//! it along its lifecycle, delete it.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use portico_core::Error;
use portico_core::exchange::access::asset_for;
use portico_core::exchange::catalog;
use portico_core::exchange::gate::Override;
use portico_core::exchange::lifecycle::{change_lifecycle, remove_version};
use portico_core::exchange::publish::{PublishRequest, publish};
use portico_core::repo::assets::{self, PublishOutcome, VersionRow};
use portico_types::dependencies::BrokenDependent;
use portico_types::{Deprecation, FindingCounts, Lifecycle, Role, VersionSummary};

use super::caller::Caller;
use super::coordinates::VersionPath;
use super::problem::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, Problem, Unauthorized,
    Unprocessable, UnsupportedMediaType,
};
use crate::state::AppState;

/// One published version, as every operation on versions answers it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub group: String,
    pub asset: String,
    pub version: String,
    pub lifecycle: Lifecycle,
    /// The document's `info.title`.
    pub title: String,
    /// The document's `asyncapi` or `openapi` version.
    pub spec_version: String,
    /// The media type it was published with: `application/yaml` or `application/json`.
    pub content_type: String,
    /// SHA-256 of the document as published, in hex.
    pub sha256: String,
    pub published_at: String,
    /// Who published it; null once that account is gone.
    #[schema(required = true)]
    pub published_by: Option<String>,
    /// Whether it breaks consumers of the release the gate compared it with (a major
    /// release, or a breaking change an organisation admin published anyway).
    pub breaking: bool,
    /// Why an organisation admin published a refused breaking change anyway; null
    /// otherwise.
    #[schema(required = true)]
    pub override_reason: Option<String>,
    /// Its governance findings by severity at publish (`…/conformance` lists them); null
    /// when no ruleset of its organisation's profile applied to it.
    #[schema(required = true)]
    pub findings: Option<FindingCounts>,
    /// For a deprecated version: the version its consumers should move to; null when
    /// none was named.
    #[schema(required = true)]
    pub replacement: Option<String>,
    /// For a deprecated version: the day it goes away (`YYYY-MM-DD`, UTC); null when none
    /// was set.
    #[schema(required = true, format = Date)]
    pub sunset: Option<String>,
    /// Whole days from today until the sunset (negative once passed); null without one.
    #[schema(required = true)]
    pub sunset_in_days: Option<i64>,
    pub links: VersionLinks,
}

/// Where a version can be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionLinks {
    /// This version's metadata in the API.
    #[serde(rename = "self")]
    pub metadata: String,
    /// The document as published.
    pub spec: String,
    /// The version's page in the exchange.
    pub page: String,
}

impl Version {
    /// The API's view of a version of `group/asset`.
    pub fn new(group: &str, asset: &str, summary: VersionSummary) -> Self {
        let base = format!("/api/v1/assets/{group}/{asset}/{}", summary.version);
        let links = VersionLinks {
            spec: format!("{base}/spec"),
            page: format!("/exchange/{group}/{asset}/{}", summary.version),
            metadata: base,
        };
        Version {
            group: group.to_owned(),
            asset: asset.to_owned(),
            version: summary.version,
            lifecycle: summary.lifecycle,
            title: summary.title,
            spec_version: summary.spec_version,
            content_type: summary.content_type,
            sha256: summary.content_sha256,
            published_at: summary.published_at,
            published_by: summary.published_by,
            breaking: summary.breaking,
            override_reason: summary.override_reason,
            findings: summary.findings,
            replacement: summary.deprecation.replacement,
            sunset: summary.deprecation.sunset,
            sunset_in_days: summary.sunset_in_days,
            links,
        }
    }

    fn from_row(group: &str, asset: &str, row: VersionRow) -> Self {
        Version::new(group, asset, catalog::version_summary(row))
    }
}

/// The answer to a publish: the version, and the dependents a breaking change breaks.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublishedVersion {
    #[serde(flatten)]
    pub version: Version,
    /// When it breaks consumers of the release it was compared with (a major release, or
    /// an override): the assets (that the caller may read) whose newest live version
    /// pinned an older version of this asset. Empty otherwise.
    pub breaks_dependents: Vec<BrokenDependent>,
}

/// Query of `PUT …/{version}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublishQuery {
    /// `stable` unless `development` is given.
    #[param(schema_with = publish_lifecycle_schema)]
    lifecycle: Option<String>,
    /// `breaking`: an organisation admin publishes a breaking change the version number
    /// does not allow anyway (with `reason`).
    #[serde(rename = "override")]
    #[param(rename = "override", schema_with = override_schema)]
    override_: Option<String>,
    /// Why, with `override=breaking`; kept with the version's changes.
    reason: Option<String>,
}

/// The overrides a publish accepts.
fn override_schema() -> utoipa::openapi::Object {
    super::openapi::string_enum(["breaking"])
}

/// The lifecycles a version may be published in.
fn publish_lifecycle_schema() -> utoipa::openapi::Object {
    super::openapi::string_enum([Lifecycle::Development, Lifecycle::Stable].map(Lifecycle::as_str))
}

/// Publish a document as this version (contributor role)
///
/// 201 when created; 200 when the identical content is already there or a development
/// version was overwritten; 409 when the version exists with other content and is not a
/// development version, or was deleted, or when it breaks consumers of the release
/// before it in a way its number does not allow (the problem lists the changes and the
/// dependents it breaks); 422 with diagnostics when the document is invalid, or when a
/// `portico:` reference names no published version the caller may read.
#[utoipa::path(
    put,
    path = "/assets/{group}/{asset}/{version}",
    operation_id = "publishVersion",
    tag = "assets",
    params(VersionPath, PublishQuery),
    request_body(
        description = "The AsyncAPI or OpenAPI document",
        content(
            (String = "application/yaml"),
            (Object = "application/json"),
        ),
    ),
    responses(
        (status = 200, description = "Already published (idempotent) or overwritten", body = PublishedVersion,
            headers(("Location" = String, description = "This version's metadata"))),
        (status = 201, description = "Published", body = PublishedVersion,
            headers(("Location" = String, description = "This version's metadata"))),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn put_version(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
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
        None => Override::None,
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
    let body = PublishedVersion {
        version: Version::from_row(&group, &asset, stored),
        breaks_dependents: published.compared.map(|c| c.breaks).unwrap_or_default(),
    };
    let mut response = (status, Json(body)).into_response();
    let location = format!("/api/v1/assets/{group}/{asset}/{version}");
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    Ok(response)
}

/// Metadata of a version
#[utoipa::path(
    get,
    path = "/assets/{group}/{asset}/{version}",
    operation_id = "getVersion",
    tag = "assets",
    params(VersionPath),
    responses(
        (status = 200, description = "The version", body = Version),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn get_version(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
) -> Result<Json<Version>, Problem> {
    let db = &state.server.db;
    let row = asset_for(db, &caller.user, &group, &asset, Role::Viewer).await?;
    let stored = assets::find_version(db, row.id, &version)
        .await?
        .ok_or_else(|| no_version(&group, &asset, &version))?;
    Ok(Json(Version::from_row(&group, &asset, stored)))
}

/// The answer when a visible asset has no such version.
pub fn no_version(group: &str, asset: &str, version: &str) -> Problem {
    Problem(Error::NotFound(format!(
        "No version {version} of {group}/{asset}."
    )))
}

/// Body of `PATCH …/{version}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionPatch {
    /// development → stable → deprecated (and deprecated → stable). Sending deprecated
    /// for a deprecated version changes its replacement and sunset.
    #[schema(value_type = Lifecycle)]
    lifecycle: String,
    /// With `deprecated`: the live version of this asset that replaces it.
    #[serde(default)]
    replacement: Option<String>,
    /// With `deprecated`: the day it goes away, `YYYY-MM-DD` (UTC), after today. Its
    /// consumers are reminded before (`PORTICO_SUNSET_REMINDER_DAYS`).
    #[serde(default)]
    #[schema(format = Date)]
    sunset: Option<String>,
}

/// Change the lifecycle of a version (admin role)
#[utoipa::path(
    patch,
    path = "/assets/{group}/{asset}/{version}",
    operation_id = "changeLifecycle",
    tag = "assets",
    params(VersionPath),
    request_body = VersionPatch,
    responses(
        (status = 200, description = "Changed", body = Version),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 409, response = Conflict),
        (status = 413, response = PayloadTooLarge),
        (status = 415, response = UnsupportedMediaType),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn patch_version(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
    Json(patch): Json<VersionPatch>,
) -> Result<Json<Version>, Problem> {
    caller.require_publish_scope()?;
    let to = Lifecycle::parse(&patch.lifecycle).ok_or_else(|| {
        Problem(Error::Invalid(format!(
            "lifecycle {:?} is unknown; use development, stable or deprecated.",
            patch.lifecycle
        )))
    })?;
    let deprecation = Deprecation {
        replacement: patch.replacement,
        sunset: patch.sunset,
    };
    let stored = change_lifecycle(
        &state.server.db,
        &caller.user,
        &group,
        &asset,
        &version,
        to,
        deprecation,
    )
    .await?;
    Ok(Json(Version::from_row(&group, &asset, stored)))
}

/// Delete a version for good; its number can never be reused (admin role)
#[utoipa::path(
    delete,
    path = "/assets/{group}/{asset}/{version}",
    operation_id = "deleteVersion",
    tag = "assets",
    params(VersionPath),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 403, response = Forbidden),
        (status = 404, response = NotFound),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn delete_version(
    State(state): State<AppState>,
    caller: Caller,
    Path(VersionPath {
        group,
        asset,
        version,
    }): Path<VersionPath>,
) -> Result<StatusCode, Problem> {
    caller.require_publish_scope()?;
    remove_version(&state.server.db, &caller.user, &group, &asset, &version).await?;
    Ok(StatusCode::NO_CONTENT)
}
