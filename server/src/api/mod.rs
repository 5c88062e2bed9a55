//! The REST API under `/api/v1`: typed JSON in and out, errors as problem+json, described
//! by its own OpenAPI 3.1 document, which is generated from the handlers themselves.
//!
//! Each handler is a thin adapter (caller -> one use-case in `portico_core` -> a typed
//! answer) and carries a `#[utoipa::path]` that names its operation, parameters, body and
//! every status it answers. A route is registered with `routes!(handler)`, which takes the
//! path and methods from that attribute, so the route and its documentation cannot part.
//!
//! # Adding an endpoint
//!
//! A typed body, a `#[utoipa::path]`, one route line:
//!
//! ```ignore
//! /// An organisation's name and slug.
//! #[derive(Serialize, ToSchema)]
//! pub struct Organisation { pub slug: String, pub name: String }
//!
//! /// One organisation (any member)
//! #[utoipa::path(get, path = "/orgs/{org}", operation_id = "getOrganisation",
//!     tag = "organisations", params(OrgPath),
//!     responses((status = 200, description = "The organisation", body = Organisation),
//!               (status = 401, response = Unauthorized), (status = 404, response = NotFound)))]
//! pub async fn get(State(state): State<AppState>, caller: Caller, Path(OrgPath { org }): Path<OrgPath>)
//!     -> Result<Json<Organisation>, Problem> { /* one portico_core call */ }
//!
//! // in documented_routes():
//!     .routes(routes!(organisations::get))
//! ```
//!
//! A route added any other way (`.route("/orgs/{org}", get(...))`) is not in the document,
//! and the test `every_route_is_documented` fails until it is.

mod assets;
mod broker_credentials;
pub(crate) mod caller;
mod compare;
mod consumers;
mod coordinates;
mod dependencies;
mod diff_rules;
mod documents;
mod event_map;
mod feed;
mod governance;
mod members;
pub(crate) mod openapi;
pub(crate) mod problem;
mod reviews;
mod search;
mod tokens;
mod versions;
mod webhooks;

#[cfg(test)]
mod tests;

use axum::Router;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use openapi::OPENAPI_JSON;

use crate::state::AppState;

/// The channel console's WebSocket upgrades: frames, not JSON operations, so they are
/// described in README.md ("Channel console WebSocket") rather than in the document.
pub(crate) const WEBSOCKET_PATHS: [&str; 2] = [
    "/console/{group}/{asset}/{version}/ws",
    "/console/design/{project}/ws",
];

/// Every documented operation, each registered together with its description.
fn documented_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(openapi::get_openapi))
        .routes(routes!(search::search))
        .routes(routes!(assets::get_asset, assets::patch_asset))
        .routes(routes!(compare::compare))
        .routes(routes!(event_map::get_event_map))
        .routes(routes!(
            versions::put_version,
            versions::get_version,
            versions::patch_version,
            versions::delete_version
        ))
        .routes(routes!(documents::get_spec))
        .routes(routes!(dependencies::list_dependencies))
        .routes(routes!(dependencies::list_dependents))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(members::list))
        .routes(routes!(members::put, members::delete))
        .routes(routes!(
            broker_credentials::list,
            broker_credentials::create
        ))
        .routes(routes!(broker_credentials::revoke))
        .routes(routes!(diff_rules::catalog))
        .routes(routes!(diff_rules::get_levels, diff_rules::put_levels))
        .routes(routes!(governance::get_profile, governance::put_profile))
        .routes(routes!(governance::get_conformance))
        .routes(routes!(governance::get_dashboard))
        .routes(routes!(feed::feed))
        .routes(routes!(consumers::list, consumers::register))
        .routes(routes!(consumers::remove))
        .routes(routes!(reviews::list))
        .routes(routes!(reviews::put, reviews::delete))
        .routes(routes!(consumers::get_inbox))
        .routes(routes!(consumers::mark_read))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::remove))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(webhooks::redeliver))
}

/// The routes of `/api/v1`, relative to it, without the layers every request passes.
fn v1_routes() -> Router<AppState> {
    let (documented, _) = documented_routes().split_for_parts();
    let [console, design_console] = WEBSOCKET_PATHS;
    documented
        .route(console, get(crate::console::open))
        .route(design_console, get(crate::console::open_design))
        .fallback(problem::no_such_endpoint)
}

/// The `/api/v1` routes; `max_document_bytes` bounds a published document.
pub fn router(max_document_bytes: usize) -> Router<AppState> {
    // Generated at start-up, so the first caller does not wait for it.
    std::sync::LazyLock::force(&OPENAPI_JSON);
    let v1 = v1_routes()
        .layer(RequestBodyLimitLayer::new(max_document_bytes))
        .layer(axum::middleware::map_response(
            problem::problem_for_rejections,
        ));
    Router::new().nest("/api/v1", v1)
}
