//! `GET /healthz`: 200 with JSON once the database answers (and the broker, when bundled).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::state::AppState;

/// Reports the state of the database and the broker; 503 while either is down.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database_up = state.server.db.ping().await;
    let broker = state.broker_status();
    let healthy = database_up && broker != "down";
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if healthy { "ok" } else { "unavailable" },
            "database": if database_up { "up" } else { "down" },
            "broker": broker,
            "version": env!("CARGO_PKG_VERSION"),
        })),
    )
}
