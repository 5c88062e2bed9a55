//! Markdown from documents (CommonMark is what both specifications allow in descriptions)
//! and from asset pages, made safe: pulldown-cmark renders it with any raw HTML turned into
//! visible text (an author sees what they typed), then ammonia keeps only harmless markup
//! and links to http(s) and mailto, as a second line of defence. Only the server renders
//! with this (pages in the browser ask it); no WASM carries markdown code.

mod inline;

pub use inline::{ELLIPSIS, inline_summary_html};

use std::collections::HashSet;
use std::sync::{Arc, LazyLock, Mutex};

use portico_types::rendering_memo::RenderingMemo;
use pulldown_cmark::{Event, Options, Parser, html};

/// Longest markdown text rendered; beyond, the rest is cut (a description is not a book).
const MAX_MARKDOWN_BYTES: usize = 256 * 1024;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// Renders markdown to sanitized HTML.
pub fn markdown_to_safe_html(markdown: &str) -> String {
    let text = if markdown.len() > MAX_MARKDOWN_BYTES {
        let mut end = MAX_MARKDOWN_BYTES;
        while !markdown.is_char_boundary(end) {
            end -= 1;
        }
        &markdown[..end]
    } else {
        markdown
    };
    let parser = Parser::new_ext(
        text,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    )
    .map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut unsafe_html, parser);
    SANITIZER.clean(&unsafe_html).to_string()
}

/// Renderings by text. The live preview renders every description again on each
/// keystroke and every page view renders them again on the server; the text rarely
/// changed, and sanitising (ammonia parses the HTML) is the costly part.
static RENDERED: LazyLock<Mutex<RenderingMemo>> = LazyLock::new(Mutex::default);

/// [`markdown_to_safe_html`], remembered for short texts.
pub fn remembered_safe_html(markdown: &str) -> Arc<str> {
    let lock = || RENDERED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(html) = lock().get(markdown) {
        return html;
    }
    let html: Arc<str> = markdown_to_safe_html(markdown).into();
    lock().keep(markdown, html.clone());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_rendering_equals_a_fresh_one() {
        let text = "Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**";
        let fresh = markdown_to_safe_html(text);
        assert_eq!(&*remembered_safe_html(text), fresh);
        assert_eq!(
            &*remembered_safe_html(text),
            fresh,
            "second call, from the memo"
        );
        let long = "word ".repeat(portico_types::rendering_memo::MAX_TEXT_BYTES);
        assert_eq!(&*remembered_safe_html(&long), markdown_to_safe_html(&long));
    }

    #[test]
    fn renders_markdown() {
        let html = markdown_to_safe_html("# Title\n\nSome *emphasis* and `code`.");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        assert!(html.contains("<em>emphasis</em>"), "{html}");
        assert!(html.contains("<code>code</code>"), "{html}");
    }

    #[test]
    fn raw_html_is_shown_as_text() {
        let html = markdown_to_safe_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\nInline <iframe src=//evil></iframe> too",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<iframe"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;iframe"), "{html}");
    }

    #[test]
    fn javascript_links_lose_their_target() {
        let html = markdown_to_safe_html(
            "[click](javascript:alert(1)) [data](data:text/html,x) [upper](JaVaScRiPt:alert(1)) <javascript:alert(3)>",
        );
        let lower = html.to_lowercase();
        assert!(!lower.contains("href=\"javascript"), "{html}");
        assert!(!lower.contains("href=\"data:"), "{html}");
        assert!(html.contains("click"), "{html}");
    }

    #[test]
    fn safe_links_stay_and_get_rel() {
        let html = markdown_to_safe_html("[docs](https://example.com/docs)");
        assert!(html.contains("href=\"https://example.com/docs\""), "{html}");
        assert!(
            html.contains("rel=\"noopener noreferrer nofollow\""),
            "{html}"
        );
    }

    #[test]
    fn huge_text_is_cut_on_a_char_boundary() {
        let text = "é".repeat(MAX_MARKDOWN_BYTES);
        let html = markdown_to_safe_html(&text);
        assert!(html.len() < text.len() + 64);
    }
}
