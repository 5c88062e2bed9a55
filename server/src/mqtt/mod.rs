//! The bundled broker's front door for MQTT clients: who may connect (a Portico token
//! as password, the organisation's namespace as the client's root) and MQTT over
//! WebSocket on the HTTP port.

pub mod login;
pub mod websocket;
