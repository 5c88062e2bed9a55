//! One line of a description, for a catalog card or an asset's header: the text cut at a
//! word to a number of characters (of text, not markup), with only inline markdown kept
//! (code, emphasis, strong, strikethrough, links to http(s) and mailto). Headings, lists
//! and paragraphs are flattened into one line; images are dropped; raw HTML is shown as
//! text. The result goes through ammonia with an allow-list of just those inline tags.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::UrlRelative;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Added where the text was cut.
pub const ELLIPSIS: &str = "…";

/// Longest source read for a summary: far more than any summary shows, so a huge
/// description costs no more than a short one.
const MAX_SOURCE_BYTES: usize = 16 * 1024;

static INLINE_SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(HashSet::from(["a", "code", "em", "strong", "del"]))
        .generic_attributes(HashSet::new())
        .tag_attributes(HashMap::from([("a", HashSet::from(["href"]))]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Deny)
        .link_rel(Some("noopener noreferrer nofollow"));
    builder
});

/// `markdown` as one line of sanitized inline HTML of at most `max_chars` characters of
/// text, cut at a word (never inside a code span or an entity) and ended with "…" when cut.
pub fn inline_summary_html(markdown: &str, max_chars: usize) -> String {
    let mut end = markdown.len().min(MAX_SOURCE_BYTES);
    while !markdown.is_char_boundary(end) {
        end -= 1;
    }
    let mut summary = Summary::new(max_chars);
    let mut skipped_images = 0usize;
    for event in Parser::new_ext(&markdown[..end], Options::ENABLE_STRIKETHROUGH) {
        let fits = match event {
            Event::Start(Tag::Image { .. }) => {
                skipped_images += 1;
                true
            }
            Event::End(TagEnd::Image) => {
                skipped_images = skipped_images.saturating_sub(1);
                true
            }
            _ if skipped_images > 0 => true,
            Event::Start(Tag::Emphasis) => summary.open(Some("<em>"), "</em>"),
            Event::Start(Tag::Strong) => summary.open(Some("<strong>"), "</strong>"),
            Event::Start(Tag::Strikethrough) => summary.open(Some("<del>"), "</del>"),
            Event::Start(Tag::Link { dest_url, .. }) => {
                let start =
                    safe_link(&dest_url).then(|| format!("<a href=\"{}\">", escape(&dest_url)));
                summary.open(start.as_deref(), "</a>")
            }
            Event::End(
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
            ) => {
                summary.close();
                true
            }
            // Any other block starts or ends: a space between what it held and the rest.
            Event::Start(_) | Event::End(_) | Event::SoftBreak | Event::HardBreak | Event::Rule => {
                summary.space();
                true
            }
            Event::Code(code) => summary.atom(&code, true),
            Event::Text(text) | Event::Html(text) | Event::InlineHtml(text) => summary.text(&text),
            _ => true,
        };
        if !fits {
            break;
        }
    }
    INLINE_SANITIZER.clean(&summary.finish()).to_string()
}

/// Whether a link target may stay a link: absolute http(s) and mailto only.
fn safe_link(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Where the summary may be cut back to: the last word boundary.
#[derive(Clone)]
struct Checkpoint {
    html_len: usize,
    used: usize,
    open: Vec<Option<&'static str>>,
}

/// The line being written.
struct Summary {
    html: String,
    /// Characters of text written (a space counts; markup does not).
    used: usize,
    max: usize,
    /// The closing tag of each open inline element (`None` for one not written, such as
    /// a link to an unsafe target).
    open: Vec<Option<&'static str>>,
    /// Whitespace was seen since the last word: the next word starts after a space.
    pending_space: bool,
    boundary: Checkpoint,
    cut: bool,
}

impl Summary {
    fn new(max: usize) -> Summary {
        Summary {
            html: String::new(),
            used: 0,
            max,
            open: Vec::new(),
            pending_space: false,
            boundary: Checkpoint {
                html_len: 0,
                used: 0,
                open: Vec::new(),
            },
            cut: false,
        }
    }

    fn space(&mut self) {
        self.pending_space = true;
    }

    fn open(&mut self, start: Option<&str>, end: &'static str) -> bool {
        // The space before an element is outside it: `one <em>two</em>`.
        self.flush_space();
        if let Some(start) = start {
            self.html.push_str(start);
        }
        self.open.push(start.map(|_| end));
        true
    }

    fn close(&mut self) {
        if let Some(Some(end)) = self.open.pop() {
            self.html.push_str(end);
        }
    }

    /// Writes the space a word boundary left, remembering the boundary.
    fn flush_space(&mut self) {
        if self.pending_space && self.used > 0 {
            self.boundary = Checkpoint {
                html_len: self.html.len(),
                used: self.used,
                open: self.open.clone(),
            };
            self.html.push(' ');
            self.used += 1;
        }
        self.pending_space = false;
    }

    /// Plain text, word by word; `false` once the summary is full.
    fn text(&mut self, text: &str) -> bool {
        let mut rest = text;
        while !rest.is_empty() {
            let word_start = rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len());
            if word_start > 0 {
                self.space();
            }
            rest = &rest[word_start..];
            let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if word_end > 0 && !self.atom(&rest[..word_end], false) {
                return false;
            }
            rest = &rest[word_end..];
        }
        true
    }

    /// A piece that is never split (a word, or a whole code span); `false` when it does
    /// not fit, after cutting back to the last word boundary.
    fn atom(&mut self, text: &str, code: bool) -> bool {
        let space = self.pending_space && self.used > 0;
        let length = text.chars().count() + usize::from(space);
        if self.used + length > self.max {
            self.cut_before(text, code, space);
            return false;
        }
        self.flush_space();
        self.pending_space = false;
        self.used += text.chars().count();
        if code {
            self.html.push_str("<code>");
        }
        self.html.push_str(&escape(text));
        if code {
            self.html.push_str("</code>");
        }
        true
    }

    /// Ends the summary before `text`, which does not fit.
    fn cut_before(&mut self, text: &str, code: bool, space: bool) {
        self.cut = true;
        if space {
            return; // `text` starts a word: the summary ends at a boundary already.
        }
        if self.used == 0 {
            // A first word longer than the whole summary: cut it (never a code span).
            if !code {
                let head: String = text.chars().take(self.max).collect();
                self.html.push_str(&escape(&head));
                self.used = head.chars().count();
            }
            return;
        }
        if self.boundary.used > 0 {
            // `text` continues a word already written (or follows the space an element
            // started with): take that back.
            self.html.truncate(self.boundary.html_len);
            self.used = self.boundary.used;
            self.open = self.boundary.open.clone();
        }
    }

    fn finish(mut self) -> String {
        while let Some(end) = self.open.pop() {
            if let Some(end) = end {
                self.html.push_str(end);
            }
        }
        if self.cut {
            self.html.push_str(ELLIPSIS);
        }
        self.html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORDER_SERVICE: &str = "Accepts orders and tells the shop whether each one was approved or failed.\nPublish an `Order` on the `order` channel; watch `order-approved` and `order-failed`.\n";
    const PORTICO_API: &str = "Publish, find and read API assets (AsyncAPI and OpenAPI documents) in Portico's exchange. Authenticate with a personal access token: `Authorization: Bearer <token>`.";

    #[test]
    fn code_spans_become_code_and_lose_their_backticks() {
        let html = inline_summary_html(ORDER_SERVICE, 200);
        assert!(
            html.contains("an <code>Order</code> on the <code>order</code> channel"),
            "{html}"
        );
        assert!(!html.contains('`'), "{html}");
        assert!(!html.ends_with(ELLIPSIS), "it fits: {html}");
        assert!(!html.contains("<p>"), "paragraphs are flattened: {html}");
    }

    #[test]
    fn cuts_at_a_word_and_never_inside_a_code_span() {
        let html = inline_summary_html(PORTICO_API, 160);
        assert!(
            !html.contains("Bearer"),
            "the code span does not fit whole: {html}"
        );
        assert!(!html.contains("&lt;tok"), "{html}");
        assert!(html.ends_with(&format!("token:{ELLIPSIS}")), "{html}");
        let shown = html.replace(ELLIPSIS, "");
        assert!(shown.chars().count() <= 160, "{html}");

        let html = inline_summary_html(ORDER_SERVICE, 90);
        assert!(html.ends_with(&format!("Publish an{ELLIPSIS}")), "{html}");
    }

    #[test]
    fn raw_angle_brackets_are_one_word_and_escaped() {
        let text = "Send the header Authorization: Bearer <token> with each request.";
        let html = inline_summary_html(text, 40);
        assert_eq!(
            html,
            format!("Send the header Authorization: Bearer{ELLIPSIS}")
        );
        let html = inline_summary_html(text, 200);
        assert!(html.contains("Bearer &lt;token&gt; with"), "{html}");
    }

    #[test]
    fn entities_are_counted_as_one_character_and_never_split() {
        let text = "Fish &amp; chips &lt;3 forever";
        assert_eq!(
            inline_summary_html(text, 11),
            format!("Fish &amp;{ELLIPSIS}")
        );
        assert_eq!(
            inline_summary_html(text, 12),
            format!("Fish &amp; chips{ELLIPSIS}")
        );
        assert_eq!(
            inline_summary_html(text, 15),
            format!("Fish &amp; chips &lt;3{ELLIPSIS}")
        );
    }

    #[test]
    fn open_elements_are_closed_where_cut() {
        let html = inline_summary_html("**bold words here** and a tail", 10);
        assert_eq!(html, format!("<strong>bold words</strong>{ELLIPSIS}"));
        let html = inline_summary_html("*one* **two**three four", 9);
        assert_eq!(
            html,
            format!("<em>one</em>{ELLIPSIS}"),
            "`two` and `three` are one word"
        );
    }

    #[test]
    fn blocks_and_images_are_flattened_or_dropped() {
        let html = inline_summary_html(
            "# Title\n\nFirst paragraph.\n\n- one\n- two\n\n![logo](https://example.com/x.png) end\n\n```\nfn main() {}\n```",
            500,
        );
        assert_eq!(html, "Title First paragraph. one two end fn main() {}");
    }

    #[test]
    fn scripts_unsafe_links_and_raw_html_stay_harmless() {
        let html = inline_summary_html(
            "Hello <script>alert(1)</script> [click](javascript:alert(1)) [up](JaVaScRiPt:alert(2)) \
             <img src=x onerror=alert(3)> [rel](/admin) <a href=\"https://evil\">raw</a> \
             [ok](https://example.com/docs \"t\") <javascript:alert(4)>",
            1000,
        );
        let lower = html.to_lowercase();
        assert!(!lower.contains("<script"), "{html}");
        assert!(!lower.contains("<img"), "{html}");
        assert!(!lower.contains("href=\"javascript"), "{html}");
        assert!(!lower.contains("href=\"/admin"), "{html}");
        assert!(!lower.contains("<a href=\"https://evil"), "{html}");
        assert!(!lower.contains("title="), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("click"), "{html}");
        assert!(
            html.contains(
                "<a href=\"https://example.com/docs\" rel=\"noopener noreferrer nofollow\">ok</a>"
            ),
            "{html}"
        );
    }

    #[test]
    fn a_first_word_longer_than_the_summary_is_cut() {
        assert_eq!(
            inline_summary_html("abcdefghij", 4),
            format!("abcd{ELLIPSIS}")
        );
        assert_eq!(inline_summary_html("`abcdefghij`", 4), ELLIPSIS);
        assert_eq!(inline_summary_html("", 10), "");
    }
}
