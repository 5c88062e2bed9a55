//! The one state struct of the HTTP server.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use app::context::ServerContext;

/// Everything handlers need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Where the built site lives and what its files are called.
    pub leptos_options: LeptosOptions,
    /// Database and shared services, also handed to server functions.
    pub server: ServerContext,
    /// Whether the bundled MQTT broker was asked for (`PORTICO_MQTT_ADDR` not `off`).
    pub broker_enabled: bool,
}

impl AppState {
    /// The broker's state as `/healthz` reports it.
    pub fn broker_status(&self) -> &'static str {
        if self.broker_enabled {
            // The bundled broker lands with the channel console; until then it is
            // reported as not bundled rather than pretending to be up.
            "not-bundled"
        } else {
            "off"
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
