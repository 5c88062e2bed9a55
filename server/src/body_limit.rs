//! Request body limits for pages and server functions: small by default, larger for the
//! server functions that carry whole documents (creating and saving design projects),
//! which may be as large as the publishing API allows.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Server-function paths whose bodies are documents.
const DOCUMENT_ENDPOINTS: [&str; 3] = [
    "/rpc/design_create",
    "/rpc/design_save",
    "/rpc/design_publish",
];

/// The two limits, in bytes.
#[derive(Clone, Copy, Debug)]
pub struct BodyLimits {
    pub default: usize,
    pub document: usize,
}

/// Refuses a body over its limit with 413 (at once when `Content-Length` says so, else
/// when reading passes the limit).
pub async fn limit_body(
    State(limits): State<BodyLimits>,
    request: Request,
    next: Next,
) -> Response {
    let limit = if DOCUMENT_ENDPOINTS.contains(&request.uri().path()) {
        limits.document
    } else {
        limits.default
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body is larger than the limit of {limit} bytes."),
        )
            .into_response();
    }
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}
