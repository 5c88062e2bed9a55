//! The client address of the current server-function call, for throttling: the
//! connection's peer, as `portico_core::auth::client::client_address` decides.

/// The client's address; `unknown` when the server runs without connection info.
pub async fn client_address() -> String {
    use axum::extract::ConnectInfo;
    use std::net::SocketAddr;
    let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .ok()
        .map(|ConnectInfo(addr)| addr);
    let headers = leptos_axum::extract::<http::HeaderMap>()
        .await
        .unwrap_or_default();
    portico_core::auth::client::client_address(peer, &headers)
}
