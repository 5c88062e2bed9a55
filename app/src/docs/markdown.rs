//! Markdown blocks. Only the server renders markdown, with
//! `portico_markdown::remembered_safe_html`
//! (pulldown-cmark, then ammonia): no WASM carries pulldown-cmark, ammonia and html5ever
//! (~340 KB gzip). A hydrated block keeps the server's HTML; a block built in the browser
//! (the live preview, a section opened, a page being written) shows its text, escaped,
//! until [`render_markdown`] answers a moment later. Nothing from a document reaches the
//! page any other way.

use leptos::prelude::*;

use crate::error::AppError;

/// Most texts rendered by one request (a preview's render asks for all its new blocks).
pub const MAX_TEXTS_PER_REQUEST: usize = 512;

/// Markdown texts as safe HTML, in order; for blocks built in the browser. Open to
/// visitors too (asset pages are public); each text is cut at the renderer's limit and
/// the request body at the server's.
#[server(prefix = "/rpc", endpoint = "render_markdown", input = leptos::server_fn::codec::Json)]
pub async fn render_markdown(texts: Vec<String>) -> Result<Vec<String>, AppError> {
    if texts.len() > MAX_TEXTS_PER_REQUEST {
        return Err(portico_types::Error::Invalid(format!(
            "At most {MAX_TEXTS_PER_REQUEST} texts per request, not {}.",
            texts.len()
        ))
        .into());
    }
    Ok(texts
        .iter()
        .map(|text| portico_markdown::remembered_safe_html(text).to_string())
        .collect())
}

/// A block of markdown.
#[component]
pub fn Markdown(#[prop(into)] text: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let html = portico_markdown::remembered_safe_html(&text).to_string();
    #[cfg(not(feature = "ssr"))]
    let html = {
        let html = browser::rendering(text);
        move || html.get()
    };
    view! { <div class="markdown" inner_html=html></div> }
}

/// `text` as HTML that shows it literally, paragraph by paragraph.
pub fn escaped_paragraphs(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    for paragraph in text.split("\n\n").filter(|p| !p.trim().is_empty()) {
        html.push_str("<p>");
        for c in paragraph.chars() {
            match c {
                '&' => html.push_str("&amp;"),
                '<' => html.push_str("&lt;"),
                '>' => html.push_str("&gt;"),
                '"' => html.push_str("&quot;"),
                '\'' => html.push_str("&#39;"),
                c => html.push(c),
            }
        }
        html.push_str("</p>");
    }
    html
}

#[cfg(not(feature = "ssr"))]
mod browser {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::sync::Arc;

    use leptos::prelude::*;

    use super::{MAX_TEXTS_PER_REQUEST, escaped_paragraphs, render_markdown};

    use portico_types::rendering_memo::RenderingMemo;

    thread_local! {
        /// Renderings kept on the page, by text, with the server's bounds.
        static RENDERED: RefCell<RenderingMemo> = RefCell::default();
        /// Blocks waiting for the server, by text; sent together once the current render
        /// is done.
        static PENDING: RefCell<HashMap<String, Vec<RwSignal<String>>>> = RefCell::default();
    }

    /// The block's HTML as a signal: empty while hydrating (the server's HTML stays), the
    /// remembered rendering, or the escaped text until the server's rendering arrives.
    pub fn rendering(text: String) -> RwSignal<String> {
        let hydrating = Owner::current_shared_context().is_some_and(|c| c.during_hydration());
        if hydrating {
            return RwSignal::new(String::new());
        }
        if let Some(html) = RENDERED.with_borrow(|memo| memo.get(&text)) {
            return RwSignal::new(html.to_string());
        }
        let html = RwSignal::new(escaped_paragraphs(&text));
        let first = PENDING.with_borrow_mut(|pending| {
            let first = pending.is_empty();
            pending.entry(text).or_default().push(html);
            first
        });
        if first {
            leptos::task::spawn_local(render_pending());
        }
        html
    }

    /// Sends the waiting texts to the server (after the render that created them), in as
    /// few requests as the limit allows, and fills in the blocks that are still shown.
    async fn render_pending() {
        let _ = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(
            &wasm_bindgen::JsValue::NULL,
        ))
        .await;
        let pending: Vec<(String, Vec<RwSignal<String>>)> = PENDING
            .with_borrow_mut(std::mem::take)
            .into_iter()
            .collect();
        for batch in pending.chunks(MAX_TEXTS_PER_REQUEST) {
            let texts = batch.iter().map(|(text, _)| text.clone()).collect();
            // If the server cannot answer, the blocks keep showing their text.
            let Ok(renderings) = render_markdown(texts).await else {
                continue;
            };
            RENDERED.with_borrow_mut(|memo| {
                for ((text, _), html) in batch.iter().zip(&renderings) {
                    memo.keep(text, Arc::from(html.as_str()));
                }
            });
            for ((_, blocks), html) in batch.iter().zip(renderings) {
                for block in blocks {
                    // A block no longer shown has a disposed signal: nothing to do.
                    let _ = block.try_set(html.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_paragraphs_show_markup_as_text() {
        let html = escaped_paragraphs("a <script>alert('x')</script> & \"b\"\n\nsecond");
        assert_eq!(
            html,
            "<p>a &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;b&quot;</p><p>second</p>"
        );
    }
}
