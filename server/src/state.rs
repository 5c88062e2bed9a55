//! The one state struct of the HTTP server.

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

use portico_core::ServerContext;

use crate::console::{BundledBroker, ConsoleSettings};
use crate::page_cache::PageCache;

/// Everything handlers need. One shared allocation: axum clones the state for every
/// request (extractors, routes), and one reference count costs less than six.
#[derive(Clone)]
pub struct AppState(std::sync::Arc<Services>);

impl AppState {
    pub fn new(services: Services) -> Self {
        AppState(std::sync::Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;
    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The shared services behind [`AppState`].
pub struct Services {
    /// Where the built site lives and what its files are called.
    pub leptos_options: LeptosOptions,
    /// Database and shared services, also handed to server functions.
    pub server: ServerContext,
    /// The bundled MQTT broker and the console's recent traffic of it; `None` when
    /// `PORTICO_MQTT_ADDR` is `off`.
    pub broker: Option<BundledBroker>,
    /// The console's socket bounds.
    pub console: ConsoleSettings,
    /// Rendered catalog pages, per viewer.
    pub pages: std::sync::Arc<PageCache>,
}

impl AppState {
    /// The broker's state as `/healthz` reports it.
    pub fn broker_status(&self) -> &'static str {
        match &self.broker {
            Some(broker) => broker.handle.status(),
            None => "off",
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        LeptosOptions::clone(&state.leptos_options)
    }
}
