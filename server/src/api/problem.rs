//! RFC 9457 problem details: the one place where errors become HTTP responses for the
//! REST API.

use axum::Json;
use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use portico_core::Error;

/// An API error, rendered as `application/problem+json`.
#[derive(Debug)]
pub struct Problem(pub Error);

impl From<Error> for Problem {
    fn from(error: Error) -> Self {
        Problem(error)
    }
}

impl From<sqlx::Error> for Problem {
    fn from(error: sqlx::Error) -> Self {
        Problem(Error::from(error))
    }
}

fn title(error: &Error) -> &'static str {
    match error {
        Error::Invalid(_) => "Invalid request",
        Error::InvalidDocument(_) => "Invalid document",
        Error::Unauthenticated => "Authentication required",
        Error::Forbidden(_) => "Forbidden",
        Error::NotFound(_) => "Not found",
        Error::Conflict(_) => "Conflict",
        Error::BreakingChange { .. } => "Breaking change",
        Error::TooManyAttempts { .. } => "Too many requests",
        Error::Internal => "Internal error",
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let error = self.0;
        let status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = json!({
            "type": "about:blank",
            "title": title(&error),
            "status": status.as_u16(),
            "detail": error.to_string(),
        });
        if let Error::InvalidDocument(diagnostics) = &error {
            body["errors"] = json!(diagnostics);
        }
        if let Error::BreakingChange { base, report, .. } = &error {
            body["base"] = json!(base);
            body["suggested_bump"] = json!(report.suggested_bump);
            body["changes"] = json!(report.changes);
        }
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        match &error {
            Error::Unauthenticated => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Error::TooManyAttempts { retry_after_secs } => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            _ => {}
        }
        response
    }
}

/// Answers any unknown API path with a problem document instead of an HTML page.
pub async fn no_such_endpoint() -> Problem {
    Problem(Error::NotFound(
        "No such API endpoint; see /api/v1/openapi.json.".into(),
    ))
}

/// Longest rejection text carried over into a problem document.
const MAX_REJECTION_BYTES: usize = 4096;

/// Turns the plain-text rejections of axum's extractors (malformed JSON, a query that
/// does not parse, a missing Content-Type) into problem documents like every other API
/// error, keeping their status and their explanation.
pub async fn problem_for_rejections(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !status.is_client_error() || is_problem {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = match axum::body::to_bytes(body, MAX_REJECTION_BYTES).await {
        Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(&bytes).into_owned(),
        _ => status
            .canonical_reason()
            .unwrap_or("Bad request")
            .to_owned(),
    };
    let body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Bad request"),
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut response = Response::from_parts(parts, Body::from(body.to_string()));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}
