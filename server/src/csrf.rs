//! Cross-site request forgery protection for cookie-authenticated requests: besides
//! SameSite=Lax cookies, a state-changing request from a browser must come from our own
//! origin. Requests without browser headers (curl, CI with a token) are not affected.

use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Rejects cross-origin state-changing requests with 403 (for `middleware::map_request`,
/// which, unlike `from_fn`, does not box the rest of the stack for every request).
pub async fn reject_cross_origin(request: Request) -> Result<Request, Response> {
    if is_safe_method(request.method()) || is_same_origin(request.headers()) {
        Ok(request)
    } else {
        tracing::warn!(uri = %request.uri(), "cross-origin request refused");
        Err((
            StatusCode::FORBIDDEN,
            "Cross-origin request refused: this form or call must come from Portico's own pages.",
        )
            .into_response())
    }
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Same-origin by Fetch Metadata when the browser sends it, else by Origin against Host.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        // Not a browser request: no ambient credentials to abuse.
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin
        .split_once("://")
        .is_some_and(|(_, origin_host)| origin_host.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(is_same_origin(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
        assert!(!is_same_origin(&headers(&[(
            "sec-fetch-site",
            "cross-site"
        )])));
        assert!(!is_same_origin(&headers(&[(
            "sec-fetch-site",
            "same-site"
        )])));
    }

    #[test]
    fn origin_must_match_host() {
        assert!(is_same_origin(&headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(!is_same_origin(&headers(&[
            ("origin", "http://evil.example"),
            ("host", "127.0.0.1:3000")
        ])));
        assert!(is_same_origin(&headers(&[])), "non-browser clients pass");
    }
}
