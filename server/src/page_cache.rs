//! Rendered catalog pages (`/exchange`, `/exchange/{group}/{asset}/{version}`) kept per
//! viewer. Rendering an asset page reads the session, the asset, its versions, pages and
//! document, renders the documentation and serialises the hydration data; a repeat view
//! of unchanged data needs none of that.
//!
//! An entry is keyed by the signed-in account (or none), the path with its query and
//! the accepted encodings, and stamped with the repository's generation: every write
//! through the repository bumps it, which retires every entry at once. Entries also
//! expire after `read_cache::MAX_AGE`, which bounds how long a write by another process
//! (the CLI) goes unseen. Only complete `200` HTML responses without cookies are kept,
//! and the memory they take is bounded.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use leptos::nonce::Nonce;
use portico_core::auth::USER_ID_KEY;
use portico_core::repo::read_cache::Memo;
use tower_sessions::Session;

use crate::state::AppState;

/// Largest page kept; bigger ones are rendered each time.
const MAX_PAGE_BYTES: usize = 512 * 1024;
/// All kept pages together; a full cache is emptied.
const MAX_TOTAL_BYTES: usize = 32 * 1024 * 1024;
/// Longest `Accept-Encoding` (part of the key) of a request answered from the cache;
/// browsers send about 20 bytes.
const MAX_ENCODING_KEY: usize = 64;

#[derive(Debug, Hash, PartialEq, Eq)]
struct Key {
    user: Option<i64>,
    path_and_query: String,
    accept_encoding: String,
}

/// A kept response: its headers, complete body, and the nonce its inline scripts carry
/// (a repeat view is sent with the policy naming that nonce).
#[derive(Debug, Clone)]
struct Page {
    headers: HeaderMap,
    body: Bytes,
    nonce: Option<Nonce>,
}

/// The kept pages of one server, stamped and expired like the repository's read cache.
#[derive(Debug)]
pub struct PageCache(Memo<Key, Page>);

impl Default for PageCache {
    fn default() -> Self {
        PageCache(Memo::weighed(MAX_TOTAL_BYTES, |page| page.body.len()))
    }
}

/// Middleware over the page routes: answers a repeat view from the cache, keeps what
/// qualifies, and passes everything else through untouched.
pub async fn serve_kept_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some((session, path_and_query, accept_encoding)) = cacheable(&request) else {
        return next.run(request).await;
    };
    let Ok(user) = session.get::<i64>(USER_ID_KEY).await else {
        return next.run(request).await;
    };
    let key = Key {
        user,
        path_and_query,
        accept_encoding,
    };
    // Read before rendering: a write during the render retires what it produces.
    let generation = state.server.db.cache().generation();
    if let Some(kept) = state.pages.0.get(&key, generation) {
        let mut response = Response::new(Body::from(kept.body));
        *response.headers_mut() = kept.headers;
        if let Some(nonce) = kept.nonce {
            response.extensions_mut().insert(nonce);
        }
        return response;
    }
    let nonce = request.extensions().get::<Nonce>().cloned();
    let response = next.run(request).await;
    if !keepable(&response) {
        return response;
    }
    let (parts, body) = response.into_parts();
    // Pages render completely before they are sent (`SsrMode::Async`), so collecting
    // the body costs no latency.
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => {
            tracing::warn!(%error, "page body failed while being kept");
            return Response::from_parts(parts, Body::empty());
        }
    };
    if body.len() <= MAX_PAGE_BYTES {
        let page = Page {
            headers: parts.headers.clone(),
            body: body.clone(),
            nonce,
        };
        state.pages.0.put(key, generation, page);
    }
    Response::from_parts(parts, Body::from(body))
}

/// The session, path with query and accepted encodings of a cacheable request (read
/// before any await: a request body is not `Sync`).
fn cacheable(request: &Request) -> Option<(Session, String, String)> {
    let path = request.uri().path();
    let catalog = path == "/exchange" || path.starts_with("/exchange/");
    if request.method() != Method::GET || !catalog {
        return None;
    }
    let session = request.extensions().get::<Session>()?.clone();
    let accept_encoding = request
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept_encoding.len() > MAX_ENCODING_KEY {
        return None;
    }
    let path_and_query = request.uri().path_and_query()?.as_str().to_owned();
    Some((session, path_and_query, accept_encoding.to_owned()))
}

/// A complete HTML page that says nothing about this client alone.
fn keepable(response: &Response) -> bool {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    response.status() == StatusCode::OK
        && html
        && !response.headers().contains_key(header::SET_COOKIE)
}
