//! Gives server-function errors their real HTTP status. Leptos answers every `Err` of a
//! server function with 500; this layer reads the serialized [`AppError`] of such an
//! answer and sets the status that error maps to (404, 403, 409, 422…), so browsers,
//! logs and scripts see what happened. `AppError::status_code` stays the one mapping.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use app::error::AppError;

/// Largest error body inspected (errors are short; anything longer is left alone).
const MAX_ERROR_BYTES: usize = 64 * 1024;

/// The middleware; applies to server-function paths (`/rpc/…`).
pub async fn status_from_error(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_server_fn = path.starts_with("/rpc/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status_code())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
