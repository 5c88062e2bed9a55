//! The headers every answer carries so a browser keeps Portico's pages to themselves.
//! Pages send their own Content-Security-Policy with the nonce of their render
//! (`app::content_policy`); every other answer of the server's own (the API, server
//! functions, errors) gets one that allows nothing. Nothing may be framed or sniffed,
//! no Referer leaves for other sites, what a signed-in user sees is not cached, and
//! cookies are `Secure` when the request came over https.
//!
//! The built site's files (`/pkg`, `/editor`, the engine and its worker) keep only
//! `nosniff`: a worker's script answer is its policy, and they hold nothing private.

use axum::extract::Request;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, SET_COOKIE, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

use crate::proxy::ClientInfo;

/// Paths of the built site's static files.
const STATIC_PREFIXES: [&str; 5] = [
    "/pkg/",
    "/editor/",
    "/engine/",
    "/engine-worker.js",
    "/favicon",
];

/// The policy of an answer that is not a page: nothing loads, nothing frames it.
const NOTHING: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Middleware adding the headers (see the module documentation).
pub async fn add_security_headers(request: Request, next: Next) -> Response {
    let is_static = STATIC_PREFIXES
        .iter()
        .any(|prefix| request.uri().path().starts_with(prefix));
    let https = request
        .extensions()
        .get::<ClientInfo>()
        .is_some_and(|info| info.https);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if is_static {
        return response;
    }
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(NOTHING));
    }
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    // `--secure-cookies` marks them all already; this covers https through a proxy.
    if https {
        mark_cookies_secure(headers);
    }
    response
}

/// Adds `Secure` to every cookie set without it.
fn mark_cookies_secure(headers: &mut HeaderMap) {
    let cookies: Vec<HeaderValue> = headers.get_all(SET_COOKIE).iter().cloned().collect();
    if cookies.is_empty() {
        return;
    }
    headers.remove(SET_COOKIE);
    for cookie in cookies {
        let secure = cookie.to_str().ok().and_then(|text| {
            let already = text
                .split(';')
                .any(|part| part.trim().eq_ignore_ascii_case("secure"));
            (!already).then(|| HeaderValue::from_str(&format!("{text}; Secure")).ok())?
        });
        headers.append(SET_COOKIE, secure.unwrap_or(cookie));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_become_secure_once() {
        let mut headers = HeaderMap::new();
        headers.append(SET_COOKIE, HeaderValue::from_static("a=1; HttpOnly"));
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("b=2; Secure; HttpOnly"),
        );
        mark_cookies_secure(&mut headers);
        let cookies: Vec<&str> = headers
            .get_all(SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(cookies, ["a=1; HttpOnly; Secure", "b=2; Secure; HttpOnly"]);
    }
}
