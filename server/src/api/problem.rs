//! RFC 9457 problem details: the one place where errors become HTTP responses for the
//! REST API, and the reusable error responses its OpenAPI document refers to.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{ToResponse, ToSchema};

use portico_core::Error;
use portico_types::DocumentDiagnostic;
use portico_types::dependencies::BrokenDependent;
use portico_types::diff::{Bump, Change};

/// The media type of every error answer.
const PROBLEM_JSON: &str = "application/problem+json";

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

/// The body of every error answer (RFC 9457 problem details).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemDetails {
    /// Always `about:blank`: the status and title say what happened.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// A short, fixed summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What was wrong and where, for a person to read.
    pub detail: String,
    /// An invalid document's diagnostics (only in a 422 about a published document).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<DocumentDiagnostic>)]
    pub errors: Option<Vec<DocumentDiagnostic>>,
    /// A refused breaking change (409): the release it was compared with...
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    pub base: Option<String>,
    /// ...the release its changes call for...
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Bump)]
    pub suggested_bump: Option<Bump>,
    /// ...the changes, breaking ones first, each with its locations...
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<Change>)]
    pub changes: Option<Vec<Change>>,
    /// ...and the assets depending on an older version of this one, which the change
    /// breaks (those the caller may read).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Vec<BrokenDependent>)]
    pub breaks_dependents: Option<Vec<BrokenDependent>>,
}

impl ProblemDetails {
    /// A problem with no detail beyond its sentence.
    fn new(title: &str, status: StatusCode, detail: String) -> Self {
        ProblemDetails {
            kind: "about:blank",
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            errors: None,
            base: None,
            suggested_bump: None,
            changes: None,
            breaks_dependents: None,
        }
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
        let body = ProblemDetails::new(title(&error), status, error.to_string());
        let body = match &error {
            Error::InvalidDocument(diagnostics) => ProblemDetails {
                errors: Some(diagnostics.clone()),
                ..body
            },
            Error::BreakingChange {
                base,
                report,
                breaks,
                ..
            } => ProblemDetails {
                base: Some(base.clone()),
                suggested_bump: Some(report.suggested_bump),
                changes: Some(report.changes.clone()),
                breaks_dependents: Some(breaks.clone()),
                ..body
            },
            _ => body,
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
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
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if !status.is_client_error() || is_problem {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // The rejection's own length and media type describe the text replaced here.
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    let reason = status.canonical_reason().unwrap_or("Bad request");
    let detail = match axum::body::to_bytes(body, MAX_REJECTION_BYTES).await {
        Ok(bytes) if !bytes.is_empty() => String::from_utf8_lossy(&bytes).into_owned(),
        _ => reason.to_owned(),
    };
    let body = ProblemDetails::new(reason, status, detail);
    let mut response = (parts, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// A reusable error response of the OpenAPI document: problem details with this meaning.
fn problem_response(description: &str) -> ResponseBuilder {
    ResponseBuilder::new().description(description).content(
        PROBLEM_JSON,
        ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build(),
    )
}

/// Declares the error responses operations refer to by name (`response = NotFound`), each
/// a problem document whose meaning the description gives.
macro_rules! problem_responses {
    ($($(#[$doc:meta])* $name:ident => $description:literal,)*) => {
        $(
            $(#[$doc])*
            pub struct $name;

            impl<'r> ToResponse<'r> for $name {
                fn response() -> (&'r str, RefOr<utoipa::openapi::Response>) {
                    (stringify!($name), problem_response($description).build().into())
                }
            }
        )*
    };
}

problem_responses! {
    /// 400: a path or query parameter, or a JSON body, that does not parse.
    BadRequest => "The request is malformed: a parameter or body that does not parse (problem details)",
    /// 403: the role or the token's scope is not enough.
    Forbidden => "The caller's role or the token's scope does not allow this (problem details)",
    /// 404: absent, or not visible to the caller.
    NotFound => "No such thing, or not visible to the caller (problem details)",
    /// 409: the change conflicts with what exists.
    Conflict => "The request conflicts with what exists (problem details)",
    /// 413: a body beyond the configured limit.
    PayloadTooLarge => "The body is larger than the server accepts (problem details)",
    /// 415: a JSON body sent without `Content-Type: application/json`.
    UnsupportedMediaType => "The body has no or an unsupported Content-Type (problem details)",
    /// 422: a field, header or document that is wrong; an invalid document's diagnostics are in `errors`.
    Unprocessable => "A field, a header or the document is invalid; an invalid document's diagnostics are in `errors` (problem details)",
}

/// 401: no credential, or one that is unknown, expired or revoked.
pub struct Unauthorized;

impl<'r> ToResponse<'r> for Unauthorized {
    fn response() -> (&'r str, RefOr<utoipa::openapi::Response>) {
        let response = problem_response(
            "Sign in or send a valid token: `Authorization: Bearer <token>` (problem details)",
        )
        .header(
            "WWW-Authenticate",
            HeaderBuilder::new()
                .schema(Some(utoipa::openapi::schema::Object::with_type(
                    utoipa::openapi::Type::String,
                )))
                .build(),
        );
        ("Unauthorized", response.build().into())
    }
}
