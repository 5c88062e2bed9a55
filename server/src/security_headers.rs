//! The headers every answer carries so a browser keeps Portico's pages to themselves.
//! Each request gets a fresh nonce before it is handled; a page renders its inline
//! scripts with it (the page context hands it to Leptos) and its answer gets the page
//! policy of `app::content_policy` with that nonce. Every other answer of the server's
//! own (the API, server functions, errors) gets a policy that allows nothing. Nothing may
//! be framed or sniffed, no Referer leaves for other sites, what a signed-in user sees is
//! not cached, and cookies are `Secure` when the request came over https.
//!
//! The header is set here rather than from inside the render: a render's response
//! options were seen to lose it now and then (a page then arrived with the policy that
//! allows nothing, and never hydrated).
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
use leptos::nonce::Nonce;

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
pub async fn add_security_headers(mut request: Request, next: Next) -> Response {
    let is_static = STATIC_PREFIXES
        .iter()
        .any(|prefix| request.uri().path().starts_with(prefix));
    let https = request
        .extensions()
        .get::<ClientInfo>()
        .is_some_and(|info| info.https);
    let nonce = (!is_static).then(Nonce::new);
    if let Some(nonce) = &nonce {
        request.extensions_mut().insert(nonce.clone());
    }
    let mut response = next.run(request).await;
    // A page kept from an earlier render carries the nonce it was rendered with.
    let nonce = response.extensions_mut().remove::<Nonce>().or(nonce);
    let is_page = is_html(response.headers());
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let Some(nonce) = nonce else {
        return response;
    };
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    let policy = match is_page {
        true => HeaderValue::from_str(&app::content_policy::page_policy(&nonce)).ok(),
        false => None,
    };
    headers.insert(
        CONTENT_SECURITY_POLICY,
        policy.unwrap_or(HeaderValue::from_static(NOTHING)),
    );
    if !headers.contains_key(CACHE_CONTROL) {
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    // `--secure-cookies` marks them all already; this covers https through a proxy.
    if https {
        mark_cookies_secure(headers);
    }
    response
}

/// Whether an answer is an HTML page (Leptos renders every one of them).
fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
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
