//! Sending a file to [`save_file`] from the browser with its body as a `Blob`.
//!
//! The server-function client hands `fetch` an `ArrayBuffer`, which Chromium copies into
//! the request on the page's thread: ~45 ms for a 4 MB file, the one long task left
//! after typing in a large document. A `Blob` body is copied into blob storage once
//! (a few ms) and `fetch` then only references it. The request is exactly the one the
//! server-function client would send (same path, postcard body, JSON answer, errors
//! decoded by `AppError`'s own decoder), so the server side is unchanged.

use crate::error::AppError;

use super::server::SaveFile;
#[cfg(not(feature = "hydrate"))]
use super::server::save_file;
use portico_types::SaveResult;

/// Saves one file: the arguments of [`save_file`].
pub async fn save(args: SaveFile) -> Result<SaveResult, AppError> {
    #[cfg(feature = "hydrate")]
    {
        browser::send(&args).await
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let SaveFile {
            id,
            path,
            content,
            base_revision,
            force,
        } = args;
        save_file(id, path, content, base_revision, force).await
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Array, Uint8Array};
    use leptos::server_fn::codec::PostcardEncoding;
    use leptos::server_fn::error::FromServerFnError;
    use leptos::server_fn::{ContentType, Encodes, ServerFn};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::{AppError, SaveFile, SaveResult};

    fn transport(what: &str, error: impl std::fmt::Debug) -> AppError {
        AppError::Transport(format!("{what}: {error:?}"))
    }

    pub async fn send(args: &SaveFile) -> Result<SaveResult, AppError> {
        let body = <PostcardEncoding as Encodes<SaveFile>>::encode(args)
            .map_err(|e| transport("cannot encode the file", e))?;
        let parts = Array::of1(&Uint8Array::from(body.as_ref()));
        let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
            .map_err(|e| transport("cannot prepare the upload", e))?;
        let headers = web_sys::Headers::new().map_err(|e| transport("headers", e))?;
        headers
            .set("Content-Type", PostcardEncoding::CONTENT_TYPE)
            .and_then(|()| headers.set("Accept", "application/json"))
            .map_err(|e| transport("headers", e))?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_headers(&headers);
        init.set_body(&blob);
        let window =
            web_sys::window().ok_or_else(|| AppError::Transport("no browser window".into()))?;
        let response: web_sys::Response =
            JsFuture::from(window.fetch_with_str_and_init(<SaveFile as ServerFn>::PATH, &init))
                .await
                .and_then(JsValue::dyn_into)
                .map_err(|e| transport("the server could not be reached", e))?;
        let text = JsFuture::from(
            response
                .text()
                .map_err(|e| transport("cannot read the answer", e))?,
        )
        .await
        .map_err(|e| transport("cannot read the answer", e))?
        .as_string()
        .unwrap_or_default();
        if (400..=599).contains(&response.status()) {
            return Err(AppError::de(text.into()));
        }
        serde_json::from_str(&text).map_err(|e| transport("the answer is not understood", e))
    }
}
