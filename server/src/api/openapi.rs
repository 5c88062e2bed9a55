//! The REST API's own OpenAPI 3.1 document: what the handlers' `#[utoipa::path]`
//! attributes and body types say, plus the parts no handler owns (info, servers, tags,
//! security schemes, the reusable error responses). Generated once, served at
//! `GET /api/v1/openapi.json`, and published by the demo catalog as Portico's own API.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Object, ObjectBuilder, Type};
use utoipa::{Modify, OpenApi};

use portico_core::repo::search::SearchSort;
use portico_types::consumers::EventKind;
use portico_types::governance::ConformanceFilter;

use super::problem::{
    BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge, ProblemDetails, Unauthorized,
    Unprocessable, UnsupportedMediaType,
};

/// The document's parts that belong to no single operation; the operations and the
/// schemas they use are added where the routes are registered (`super::documented_routes`).
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portico REST API",
        version = "1.0.0",
        description = "Publish, find and read API assets (AsyncAPI and OpenAPI documents) in Portico's exchange. Authenticate with a personal access token: `Authorization: Bearer <token>`.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "/api/v1")),
    tags(
        (name = "assets", description = "Versioned API assets"),
        (name = "tokens", description = "Personal access tokens"),
        (name = "meta", description = "This description"),
        (name = "organisations", description = "Organisation members and roles, the levels an organisation gives diff rules, its governance profile, and the broker credentials of its devices and services"),
        (name = "consumers", description = "Who consumes which asset, their inbox, and organisations' webhooks"),
        (name = "reviews", description = "Ratings and comments of assets, one per user and minor version"),
    ),
    security(("bearer" = []), ("session" = [])),
    components(
        // Schemas only parameters refer to: utoipa-axum collects those of bodies alone.
        schemas(ProblemDetails, SearchSort, ConformanceFilter, EventKind),
        responses(
            BadRequest,
            Unauthorized,
            Forbidden,
            NotFound,
            Conflict,
            PayloadTooLarge,
            UnsupportedMediaType,
            Unprocessable,
        ),
    ),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

/// Adds the two ways to authenticate: a personal access token, or the browser's session.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal access token (ptc_…)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::http::SESSION_COOKIE,
                "The browser's session (signed in on the web pages)",
            ))),
        );
    }
}

/// A string schema that accepts only `values`: for parameters that stay text in the
/// handler (so an unknown value is answered with the accepted ones) yet have a closed set.
pub fn string_enum<const N: usize>(values: [&str; N]) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

/// The document as served: generated on first use (the server forces it at start-up).
pub static OPENAPI_JSON: LazyLock<String> = LazyLock::new(|| {
    // A tree of strings, maps and numbers cannot fail to serialise; should it, the log says so.
    super::documented_routes()
        .into_openapi()
        .to_pretty_json()
        .unwrap_or_else(|error| {
            tracing::error!(%error, "the OpenAPI document does not serialise");
            String::new()
        })
});

/// This OpenAPI document
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "getOpenApi",
    tag = "meta",
    security(()),
    responses(
        (status = 200, description = "The OpenAPI 3.1 document", body = Object, content_type = "application/json"),
    ),
)]
pub async fn get_openapi() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        OPENAPI_JSON.as_str(),
    )
}
