//! The one state struct of the HTTP server.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use app::context::ServerContext;

use crate::broker::BrokerHandle;
use crate::page_cache::PageCache;

/// Everything handlers need; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// Where the built site lives and what its files are called. Shared: the state is
    /// cloned for every request, and cloning the options cost 2 % of a download.
    pub leptos_options: std::sync::Arc<LeptosOptions>,
    /// Database and shared services, also handed to server functions.
    pub server: ServerContext,
    /// The bundled MQTT broker; `None` when `PORTICO_MQTT_ADDR` is `off`.
    pub broker: Option<BrokerHandle>,
    /// Rendered catalog pages, per viewer.
    pub pages: std::sync::Arc<PageCache>,
}

impl AppState {
    /// The broker's state as `/healthz` reports it.
    pub fn broker_status(&self) -> &'static str {
        match &self.broker {
            Some(broker) => broker.status(),
            None => "off",
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.leptos_options)
    }
}
