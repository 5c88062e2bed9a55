//! The HTTP surface: pages and server functions (Leptos), `/healthz`, static files, and
//! the layers every request passes (the client's address, security headers, tracing,
//! body limit, sessions, CSRF).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::http::{HeaderValue, Request};
use axum::middleware;
use axum::routing::get;
use leptos::prelude::{LeptosOptions, provide_context, use_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

use crate::body_limit::{BodyLimits, limit_body};
use crate::proxy::{self, TrustedProxies};
use crate::state::AppState;
use crate::{api, csrf, health, page_cache, security_headers, server_fn_status};

/// How long a session lives without use.
const SESSION_IDLE_DAYS: i64 = 14;

/// The session cookie's name (the REST API's OpenAPI document names it too).
pub const SESSION_COOKIE: &str = "portico_session";

/// Settings of the HTTP layers.
pub struct HttpSettings {
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: TrustedProxies,
    pub max_body_bytes: usize,
    pub max_document_bytes: usize,
}

/// Builds the complete router.
pub fn router(state: AppState, sessions: SqliteStore, settings: &HttpSettings) -> Router {
    let routes = generate_route_list(app::App);
    let page_context = {
        let server = state.server.clone();
        move || {
            provide_context(server.clone());
            // The nonce the page's policy names (see `security_headers`).
            if let Some(nonce) = use_context::<axum::http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned())
            {
                provide_context(nonce);
            }
        }
    };
    let render_shell = {
        let options = state.leptos_options.clone();
        move || app::shell(LeptosOptions::clone(&options))
    };
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::days(
            SESSION_IDLE_DAYS,
        )));

    let pages = Router::new()
        .route("/healthz", get(health::healthz))
        .leptos_routes_with_context(&state, routes, page_context.clone(), render_shell)
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, app::shell))
        .layer(middleware::from_fn(server_fn_status::status_from_error))
        // axum's own 2 MB default for extracted bodies would override the limits below.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(
            BodyLimits {
                default: settings.max_body_bytes,
                document: settings.max_document_bytes,
            },
            limit_body,
        ))
        // Pages, the WASM and the editor bundle travel gzip-compressed (a third of their size).
        .layer(CompressionLayer::new())
        // Outside the compression: a repeat view costs neither rendering nor gzip.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve_kept_pages,
        ));

    // MQTT over WebSocket: authenticated inside, at the client's CONNECT.
    let mqtt = Router::new().route(
        crate::mqtt::websocket::PATH,
        get(crate::mqtt::websocket::open),
    );
    api::router(settings.max_document_bytes)
        .merge(mqtt)
        .merge(pages)
        .layer(middleware::map_request(csrf::reject_cross_origin))
        .layer(session_layer)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
                let id = request
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!(
                    "request",
                    method = %request.method(),
                    path = %request.uri().path(),
                    id = %id,
                )
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(
            SequentialRequestId::default(),
        ))
        .layer(middleware::from_fn(security_headers::add_security_headers))
        .layer(middleware::map_request_with_state(
            Arc::new(settings.trusted_proxies.clone()),
            proxy::attach_client_info,
        ))
        .with_state(state)
}

/// Request ids `1`, `2`, …: unique per process, enough to correlate log lines.
#[derive(Clone, Default)]
struct SequentialRequestId(Arc<AtomicU64>);

impl MakeRequestId for SequentialRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = self.0.fetch_add(1, Ordering::Relaxed) + 1;
        Some(RequestId::new(HeaderValue::from(id)))
    }
}
