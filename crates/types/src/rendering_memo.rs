//! Markdown renderings kept by their text, with one set of bounds for the server (which
//! renders them) and the browser (which asks the server and keeps the answers): the
//! preview builds its blocks again on each keystroke and most texts did not change.

use std::collections::HashMap;
use std::sync::Arc;

/// Texts up to this size are kept with their rendering...
pub const MAX_TEXT_BYTES: usize = 16 * 1024;
/// ...this many at most (the memo is emptied when full): at most 64 MiB of text.
pub const MAX_ENTRIES: usize = 4096;

/// Renderings by text, bounded by [`MAX_TEXT_BYTES`] and [`MAX_ENTRIES`].
#[derive(Debug, Default)]
pub struct RenderingMemo {
    entries: HashMap<String, Arc<str>>,
}

impl RenderingMemo {
    /// The rendering kept for `text`.
    pub fn get(&self, text: &str) -> Option<Arc<str>> {
        self.entries.get(text).cloned()
    }

    /// Keeps `rendering` for `text` if the text is short enough to be worth it.
    pub fn keep(&mut self, text: &str, rendering: Arc<str>) {
        if text.len() > MAX_TEXT_BYTES {
            return;
        }
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.clear();
        }
        self.entries.insert(text.to_owned(), rendering);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_short_texts_within_its_bounds() {
        let mut memo = RenderingMemo::default();
        memo.keep("a", Arc::from("<p>a</p>"));
        assert_eq!(memo.get("a").as_deref(), Some("<p>a</p>"));
        let long = "x".repeat(MAX_TEXT_BYTES + 1);
        memo.keep(&long, Arc::from("long"));
        assert!(memo.get(&long).is_none());
        for n in 0..MAX_ENTRIES + 5 {
            memo.keep(&n.to_string(), Arc::from(""));
        }
        assert!(memo.entries.len() <= MAX_ENTRIES);
    }
}
