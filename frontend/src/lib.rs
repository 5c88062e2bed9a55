//! Browser entry point: hydrates the server-rendered page so it becomes interactive.

/// Called by the generated JS loader once the WASM module is instantiated. Hydration is
/// asynchronous: every page but the editor is a WASM chunk (`cargo leptos build --split`)
/// that is fetched before its server-rendered HTML can be hydrated.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        if info.to_string().contains(CHUNK_LOAD_PANIC) {
            reload_once();
        }
    }));
    // Leptos' own executor is set up inside `hydrate_from_async`.
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document()
            .body()
            .expect("a page has a body");
        leptos::mount::hydrate_from_async(body, app::App)
            .await
            .forget();
        app::mark_hydrated();
    });
}

/// What the split loader panics with when a page's chunk cannot be fetched, typically a
/// tab left open across an upgrade (the new build's chunks have other names).
const CHUNK_LOAD_PANIC: &str = "load callback should succeed";

/// A panic stops this page's WASM for good; loading the page again fetches the current
/// build. Not more than once a minute, so a broken deployment cannot loop.
fn reload_once() {
    const KEY: &str = "portico-reloaded-at";
    let Some(window) = web_sys::window() else {
        return;
    };
    let now = js_sys::Date::now();
    let storage = window.session_storage().ok().flatten();
    let last: f64 = storage
        .as_ref()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    if now - last < 60_000.0 {
        return;
    }
    if let Some(storage) = storage {
        let _ = storage.set_item(KEY, &now.to_string());
    }
    let _ = window.location().reload();
}
