//! Local drafts: every edit is written to the browser's storage before it is sent, and
//! removed only once the server has confirmed exactly that text. A reload, a failed save
//! or a server restart therefore never loses what someone typed.
//!
//! Files up to [`LARGE_DRAFT_BYTES`] go to localStorage, which is synchronous: a draft
//! written while the page is leaving is certainly kept. Larger ones go to IndexedDB
//! (`PorticoDrafts` in the editor bundle): localStorage blocked the page for 35-80 ms per
//! write of a 4 MB text, and its quota of about 5 million characters per site does not
//! hold two of them. Each draft carries the time it was kept, so when a file crossed the
//! threshold and both stores hold a draft, the newer one wins.

use serde::{Deserialize, Serialize};

/// From this size on, a file's draft is kept in IndexedDB.
pub const LARGE_DRAFT_BYTES: usize = 256 * 1024;

/// What is kept per file; written from a borrowed text (`Draft<&str>`: a 4 MB file is
/// not copied to be kept), read back as a `Draft`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft<Text = String> {
    pub content: Text,
    /// The server revision the edit started from (`None` for a file not yet saved).
    pub base_revision: Option<i64>,
    /// When it was kept (milliseconds since the epoch; 0 for drafts kept before this
    /// was recorded).
    #[serde(default)]
    pub kept_at: f64,
}

fn key(project: &str, path: &str) -> String {
    format!("portico-draft:{project}:{path}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Keeps a draft; false when the browser refused (storage full or disabled). A large
/// draft is written in the background; a failure there is logged and falls back to
/// localStorage.
pub fn keep(project: &str, path: &str, draft: &Draft<&str>) -> bool {
    let key = key(project, path);
    if draft.content.len() >= LARGE_DRAFT_BYTES && large::put(&key, draft) {
        return true;
    }
    // An older large draft of this file may stay until the save: `load` takes the newer.
    keep_small(&key, draft)
}

fn keep_small(key: &str, draft: &Draft<&str>) -> bool {
    let Some(storage) = storage() else {
        return false;
    };
    let Ok(json) = serde_json::to_string(draft) else {
        return false;
    };
    storage.set_item(key, &json).is_ok()
}

fn load_small(key: &str) -> Option<Draft> {
    let json = storage()?.get_item(key).ok()??;
    serde_json::from_str(&json).ok()
}

/// The draft of a file, if one is kept (the newer of the two stores).
pub async fn load(project: &str, path: &str) -> Option<Draft> {
    let key = key(project, path);
    let small = load_small(&key);
    let large = large::get(&key).await;
    match (small, large) {
        (Some(small), Some(large)) if large.kept_at > small.kept_at => Some(large),
        (Some(small), _) => Some(small),
        (None, large) => large,
    }
}

/// Forgets a draft once the server holds its text.
pub fn forget(project: &str, path: &str) {
    let key = key(project, path);
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key);
    }
    large::remove(&key);
}

/// Milliseconds since the epoch on the browser's clock (0 on the server).
pub fn now() -> f64 {
    if cfg!(feature = "hydrate") {
        js_sys::Date::now()
    } else {
        0.0
    }
}

/// The IndexedDB store, reached through the editor bundle's `PorticoDrafts`.
mod large {
    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use super::Draft;

    fn call(method: &str, args: &[JsValue]) -> Option<Promise> {
        if !cfg!(feature = "hydrate") {
            return None;
        }
        let api = Reflect::get(&js_sys::global(), &"PorticoDrafts".into()).ok()?;
        let function = Reflect::get(&api, &method.into())
            .ok()?
            .dyn_into::<Function>()
            .ok()?;
        let args: js_sys::Array = args.iter().collect();
        function.apply(&api, &args).ok()?.dyn_into::<Promise>().ok()
    }

    /// Starts writing `draft`; false when IndexedDB is not available here. The text goes
    /// in as a Blob of its UTF-8 bytes: two copies of bytes instead of decoding it into a
    /// JavaScript string and cloning that into the store (~70 ms for 4 MB on the page's
    /// thread). Once it is written, a small draft of the same file that is older is
    /// removed.
    pub fn put(key: &str, draft: &Draft<&str>) -> bool {
        let Some(blob) = text_blob(draft.content) else {
            return false;
        };
        let base = draft
            .base_revision
            .map_or(JsValue::NULL, |r| (r as f64).into());
        let Some(written) = call(
            "put",
            &[key.into(), blob.clone().into(), base, draft.kept_at.into()],
        ) else {
            return false;
        };
        let key = key.to_owned();
        let (base_revision, kept_at) = (draft.base_revision, draft.kept_at);
        leptos::task::spawn_local(async move {
            match JsFuture::from(written).await {
                Ok(_) => {
                    if super::load_small(&key).is_some_and(|small| small.kept_at < kept_at)
                        && let Some(storage) = super::storage()
                    {
                        let _ = storage.remove_item(&key);
                    }
                }
                Err(error) => {
                    leptos::logging::warn!(
                        "could not keep a draft in IndexedDB ({error:?}); trying localStorage"
                    );
                    let text = JsFuture::from(blob.text())
                        .await
                        .ok()
                        .and_then(|t| t.as_string());
                    let draft = text.as_deref().map(|content| Draft {
                        content,
                        base_revision,
                        kept_at,
                    });
                    if !draft.is_some_and(|draft| super::keep_small(&key, &draft)) {
                        leptos::logging::warn!("could not keep a draft of {key} in this browser");
                    }
                }
            }
        });
        true
    }

    fn text_blob(text: &str) -> Option<web_sys::Blob> {
        let bytes = js_sys::Uint8Array::from(text.as_bytes());
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("text/plain;charset=utf-8");
        web_sys::Blob::new_with_u8_array_sequence_and_options(&js_sys::Array::of1(&bytes), &options)
            .ok()
    }

    /// The draft kept under `key`, if any.
    pub async fn get(key: &str) -> Option<Draft> {
        let found = JsFuture::from(call("get", &[key.into()])?).await.ok()?;
        if found.is_undefined() || found.is_null() {
            return None;
        }
        let field = |name: &str| Reflect::get(&found, &name.into()).ok();
        Some(Draft {
            content: field("content")?.as_string()?,
            base_revision: field("baseRevision")
                .and_then(|v| v.as_f64())
                .map(|r| r as i64),
            kept_at: field("keptAt").and_then(|v| v.as_f64()).unwrap_or(0.0),
        })
    }

    /// Forgets the draft under `key` (in the background).
    pub fn remove(key: &str) {
        if let Some(removed) = call("remove", &[key.into()]) {
            leptos::task::spawn_local(async move {
                let _ = JsFuture::from(removed).await;
            });
        }
    }
}
