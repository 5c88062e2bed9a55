//! The browser's end of the console WebSocket (`/api/v1/console/…/ws`): opens it with
//! the page's own origin and session cookie, and hands every frame, parsed as a `ServerEvent`, to the page.

use portico_types::console::{ClientCommand, ServerEvent};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// One open console socket; closing it (or dropping it) ends every subscription and mock
/// publisher the server runs for it.
pub struct ConsoleSocket {
    socket: web_sys::WebSocket,
    _on_open: Closure<dyn FnMut(web_sys::Event)>,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
    _on_close: Closure<dyn FnMut(web_sys::CloseEvent)>,
}

impl ConsoleSocket {
    /// Connects to the console of one asset version; `on_event` receives each frame,
    /// `on_open` and `on_close` the socket's state changes.
    pub fn open(
        path: &str,
        on_open: impl Fn() + 'static,
        on_event: impl Fn(ServerEvent) + 'static,
        on_close: impl Fn(String) + 'static,
    ) -> Result<ConsoleSocket, String> {
        let location = leptos::prelude::window().location();
        let scheme = match location.protocol().as_deref() {
            Ok("https:") => "wss",
            _ => "ws",
        };
        let host = location.host().map_err(|_| "no host".to_string())?;
        let socket = web_sys::WebSocket::new(&format!("{scheme}://{host}{path}"))
            .map_err(|_| "The browser refused to open a WebSocket.".to_string())?;
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_open());
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                if let Some(text) = event.data().as_string()
                    && let Ok(value) = serde_json::from_str::<ServerEvent>(&text)
                {
                    on_event(value);
                }
            },
        );
        let on_close =
            Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |event: web_sys::CloseEvent| {
                let reason = event.reason();
                on_close(if reason.is_empty() {
                    format!("The console connection closed (code {}).", event.code())
                } else {
                    reason
                });
            });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(ConsoleSocket {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Sends one command; `false` when the socket is not open.
    pub fn send(&self, command: &ClientCommand) -> bool {
        self.socket.ready_state() == web_sys::WebSocket::OPEN
            && serde_json::to_string(command)
                .is_ok_and(|text| self.socket.send_with_str(&text).is_ok())
    }
}

impl Drop for ConsoleSocket {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}
