//! `GET /api/v1/assets`: full-text search over the catalog the caller may see.

use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use portico_core::Error;
use portico_core::exchange::catalog;
use portico_core::repo::search::{MARK_END, MARK_START, SearchRequest, SearchSort};
use portico_types::asset::FindingCounts;
use portico_types::governance::ConformanceFilter;
use portico_types::{AssetKind, Lifecycle, SearchHit};

use super::caller::Caller;
use super::problem::{BadRequest, Problem, Unauthorized, Unprocessable};
use crate::state::AppState;

/// Results on a page unless `per_page` says otherwise.
const DEFAULT_PER_PAGE: u32 = 20;
/// Most results on one page.
const MAX_PER_PAGE: u32 = 100;

/// Query of `GET /assets`. Values stay text until checked here, so an unknown one is
/// answered with the accepted ones (422) rather than a parse error.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find; all must match, or any when none match all.
    q: Option<String>,
    #[param(value_type = Option<AssetKind>)]
    kind: Option<String>,
    /// Only assets with this tag.
    tag: Option<String>,
    /// Only assets of this organisation.
    group: Option<String>,
    #[param(value_type = Option<Lifecycle>)]
    lifecycle: Option<String>,
    /// Only assets whose latest version is conformant, has findings, has error findings,
    /// or was not checked against a governance profile.
    #[param(value_type = Option<ConformanceFilter>)]
    conformance: Option<String>,
    #[param(value_type = Option<SearchSort>)]
    sort: Option<String>,
    /// 1-based page number.
    #[param(minimum = 1)]
    page: Option<u32>,
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

/// One page of search results.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    /// Matches in all pages.
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<SearchResult>,
}

/// One matching asset.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub group: String,
    pub asset: String,
    pub kind: AssetKind,
    pub title: String,
    pub latest_version: String,
    pub lifecycle: Lifecycle,
    pub updated_at: String,
    /// An excerpt around the match; matched words are between `**` markers.
    pub snippet: String,
    /// The latest version's governance findings by severity; null when no ruleset
    /// applied to it.
    pub findings: Option<FindingCounts>,
    /// The start of the latest version's description, cut at a word, as sanitized inline
    /// HTML (code, emphasis, links to http(s) and mailto only).
    pub summary_html: String,
    /// How many organisations registered as its consumers.
    pub consumers: u32,
    /// The mean rating of its reviews (all versions), to one decimal; null unreviewed.
    pub rating: Option<f64>,
    /// How many reviews it has.
    pub reviews: u32,
}

impl From<SearchHit> for SearchResult {
    fn from(hit: SearchHit) -> Self {
        SearchResult {
            group: hit.group,
            asset: hit.asset,
            kind: hit.kind,
            title: hit.title,
            latest_version: hit.latest_version,
            lifecycle: hit.lifecycle,
            updated_at: hit.updated_at,
            snippet: hit.snippet.replace([MARK_START, MARK_END], "**"),
            findings: hit.findings,
            summary_html: hit.summary_html,
            consumers: hit.consumers,
            rating: hit.rating,
            reviews: hit.reviews,
        }
    }
}

/// Search the catalog
///
/// Full-text search over asset names, titles, descriptions, tags and the names inside the
/// documents (channels, messages, operations, schema fields).
#[utoipa::path(
    get,
    path = "/assets",
    operation_id = "searchAssets",
    tag = "assets",
    params(SearchQuery),
    responses(
        (status = 200, description = "A page of results", body = SearchResults),
        (status = 400, response = BadRequest),
        (status = 401, response = Unauthorized),
        (status = 422, response = Unprocessable),
    ),
)]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<SearchQuery>,
) -> Result<Json<SearchResults>, Problem> {
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
    let conformance =
        match query.conformance.as_deref() {
            None | Some("") => None,
            Some(c) => Some(ConformanceFilter::parse(c).ok_or_else(|| {
                invalid("conformance", c, "conformant, findings, errors, unchecked")
            })?),
        };
    let sort = match query.sort.as_deref() {
        None => SearchSort::Relevance,
        Some(s) => SearchSort::parse(s)
            .ok_or_else(|| invalid("sort", s, "relevance, updated (or newest), name, rating"))?,
    };
    let per_page = query
        .per_page
        .unwrap_or(DEFAULT_PER_PAGE)
        .clamp(1, MAX_PER_PAGE);
    let page = query.page.unwrap_or(1).max(1);
    let request = SearchRequest {
        text: query.q.unwrap_or_default(),
        kind,
        tag: query.tag.filter(|t| !t.is_empty()),
        group: query.group.filter(|g| !g.is_empty()),
        lifecycle,
        conformance,
        sort,
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
    };
    let (hits, total) = catalog::search(&state.server.db, &caller.user, &request).await?;
    Ok(Json(SearchResults {
        total,
        page,
        per_page,
        items: hits.into_iter().map(SearchResult::from).collect(),
    }))
}
