//! `GET /mqtt`: MQTT over WebSocket on the HTTP port (subprotocol `mqtt`), so browser
//! clients (MQTT.js) and tools that speak WebSocket reach the bundled broker without a
//! second port. The socket becomes one broker connection: binary frames carry the MQTT
//! bytes both ways (a frame may hold part of a packet or several, as the specification
//! allows), and the CONNECT inside is authenticated as on the TCP port.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use mqtt_broker::BrokerHandle;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::state::AppState;

/// Where MQTT over WebSocket is served.
pub const PATH: &str = "/mqtt";

/// Bytes buffered between the socket and the broker in each direction.
const PIPE_BYTES: usize = 64 * 1024;

/// Upgrades to MQTT over WebSocket, choosing the `mqtt` subprotocol when offered.
pub async fn open(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let Some(broker) = state.broker.as_ref().map(|bundled| bundled.handle.clone()) else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "The bundled MQTT broker is off (--mqtt-addr off).",
        )
            .into_response();
    };
    // A frame never needs to be bigger than the largest packet the broker accepts.
    let frame_bytes = broker.max_message_bytes() + PIPE_BYTES;
    upgrade
        .protocols(["mqtt"])
        .max_frame_size(frame_bytes)
        .max_message_size(frame_bytes)
        .on_upgrade(move |socket| bridge(socket, broker, peer))
}

/// Carries the socket's bytes to a broker connection and back until either side ends.
async fn bridge(socket: WebSocket, broker: BrokerHandle, peer: SocketAddr) {
    let (ours, broker_side) = tokio::io::duplex(PIPE_BYTES);
    if !broker.serve_connection(broker_side, peer) {
        // Stopped, or at its connection bound: the socket closes, as TCP would.
        return;
    }
    let (mut from_broker, mut to_broker) = tokio::io::split(ours);
    let (mut to_client, mut from_client) = socket.split();
    let inbound = async {
        while let Some(Ok(message)) = from_client.next().await {
            match message {
                Message::Binary(bytes) => {
                    if to_broker.write_all(&bytes).await.is_err() {
                        break;
                    }
                }
                Message::Ping(_) | Message::Pong(_) => {}
                // [MQTT-6.0.0-1]: any other data frame closes the connection.
                Message::Text(_) | Message::Close(_) => break,
            }
        }
        let _ = to_broker.shutdown().await;
    };
    let outbound = async {
        let mut buffer = vec![0u8; PIPE_BYTES];
        loop {
            match from_broker.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    let frame = Message::Binary(Bytes::copy_from_slice(&buffer[..read]));
                    if to_client.send(frame).await.is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to_client.close().await;
    };
    // Whichever side ends first ends the connection: the broker sees its stream close
    // (a lost client, so its will goes out) or the client sees the socket close.
    tokio::select! {
        () = inbound => {}
        () = outbound => {}
    }
}
