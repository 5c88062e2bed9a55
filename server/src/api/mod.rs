//! The REST API under `/api/v1`: JSON in and out, errors as problem+json, described by
//! its own OpenAPI 3.1 document.

mod assets;
pub(crate) mod caller;
mod members;
pub(crate) mod problem;
mod tokens;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;

use crate::state::AppState;

/// Portico's own API description (also seeded into the exchange as an asset).
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}

/// The `/api/v1` routes; `max_document_bytes` bounds a published document.
pub fn router(max_document_bytes: usize) -> Router<AppState> {
    let v1 = Router::new()
        .route("/openapi.json", get(openapi))
        .route("/assets", get(assets::search))
        .route(
            "/assets/{group}/{asset}",
            get(assets::get_asset).patch(assets::patch_asset),
        )
        .route("/assets/{group}/{asset}/compare", get(assets::compare))
        .route(
            "/assets/{group}/{asset}/{version}",
            get(assets::get_version)
                .put(assets::put_version)
                .patch(assets::patch_version)
                .delete(assets::delete_version),
        )
        .route(
            "/assets/{group}/{asset}/{version}/spec",
            get(assets::get_spec),
        )
        .route(
            "/console/{group}/{asset}/{version}/ws",
            get(crate::console::open),
        )
        .route(
            "/console/design/{project}/ws",
            get(crate::console::open_design),
        )
        .route("/orgs/{org}/members", get(members::list))
        .route(
            "/orgs/{org}/members/{user}",
            axum::routing::put(members::put),
        )
        .route("/tokens", get(tokens::list).post(tokens::create))
        .route("/tokens/{id}", axum::routing::delete(tokens::revoke))
        .fallback(problem::no_such_endpoint)
        .layer(RequestBodyLimitLayer::new(max_document_bytes))
        .layer(axum::middleware::map_response(
            problem::problem_for_rejections,
        ));
    Router::new().nest("/api/v1", v1)
}
