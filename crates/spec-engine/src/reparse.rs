//! Parsing an edited YAML file again by its changed part only. An editor analyses the
//! whole project on every keystroke, and on a 100 KB YAML file parsing is two fifths of
//! that; a keystroke changes one entry of a block mapping, which parses alone in
//! microseconds. The new tree is the last one with that entry's value replaced.
//!
//! Only where that is certain to give the tree a full parse would: the entry is one of
//! nested block mappings (not in a sequence or flow collection), its key line is
//! unchanged, the file has no anchors or aliases, every other line of the entry stays
//! indented deeper than its key, and the entry alone parses to exactly that one key.
//! Anything else (and every error, so that it is reported where a full parse reports it)
//! takes a full parse.

use serde_json::Value;

use crate::input::Limits;
use crate::parse::{self, Entry, Format, Layout, ParseError};

/// The last parse of a file, kept between analyses of its edited versions.
#[derive(Debug, Default, Clone)]
pub struct ParseCache {
    last: Option<Parsed>,
}

#[derive(Debug, Clone)]
struct Parsed {
    path: String,
    text: String,
    value: Value,
    layout: Layout,
}

impl ParseCache {
    /// Parses `text`, the file at `path`, reusing the last parse where the edit allows.
    pub(crate) fn parse(
        &mut self,
        path: &str,
        text: &str,
        limits: &Limits,
    ) -> Result<(Value, Format), ParseError> {
        if let Some(last) = self.last.as_mut().filter(|last| last.path == path) {
            if last.text == text {
                return Ok((last.value.clone(), Format::Yaml));
            }
            if let Some(value) = last.apply(text, limits) {
                return Ok((value, Format::Yaml));
            }
        }
        self.last = None;
        let mut layout = Layout::default();
        let (value, format) = parse::parse_text_laid_out(text, limits, Some(&mut layout))?;
        if format == Format::Yaml {
            self.last = Some(Parsed {
                path: path.to_owned(),
                text: text.to_owned(),
                value: value.clone(),
                layout,
            });
        }
        Ok((value, format))
    }
}

impl Parsed {
    /// Takes `text` in by parsing only the entry its change falls in; `None` when that
    /// cannot be done with certainty (the caller then parses the whole text).
    fn apply(&mut self, text: &str, limits: &Limits) -> Option<Value> {
        // Tabs are no indentation in YAML; the rules below reason about spaces only.
        if self.layout.aliased || text.len() > limits.max_file_bytes || text.contains('\t') {
            return None;
        }
        let (old, new) = (self.text.as_bytes(), text.as_bytes());
        let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
        let room = old.len().min(new.len()) - prefix;
        let suffix = old
            .iter()
            .rev()
            .zip(new.iter().rev())
            .take(room)
            .take_while(|(a, b)| a == b)
            .count();
        let changed_end = old.len() - suffix;
        // The innermost entry around the change: entries come after those containing
        // them, so it is the last that contains it. The line break that ends the entry
        // must be unchanged, or the entry's last line may run on into the next.
        let index = self
            .layout
            .entries
            .iter()
            .rposition(|entry| entry.body <= prefix && changed_end < entry.end)
            .filter(|&index| self.layout.entries[index].alone)?;
        let entry = &self.layout.entries[index];
        let growth = new.len() as isize - old.len() as isize;
        let snippet = text.get(entry.start..entry.end.checked_add_signed(growth)?)?;
        let key_line = snippet.split('\n').next()?;
        let indent = key_line.len() - key_line.trim_start_matches(' ').len();
        if !stays_inside(snippet, indent) || !ends_plainly(snippet) {
            return None;
        }
        let snippet_limits = Limits {
            max_depth: limits.max_depth.checked_sub(entry.depth)?,
            ..*limits
        };
        parse::check_flow_depth(snippet, limits.max_depth).ok()?;
        let mut layout = Layout::default();
        let mut parsed = parse::parse_yaml(snippet, &snippet_limits, Some(&mut layout)).ok()?;
        if layout.aliased {
            return None;
        }
        let value = parsed
            .as_object_mut()
            .filter(|map| map.len() == 1)?
            .remove(&entry.key)?;
        let slot = path_to(&self.layout.entries, index)
            .iter()
            .try_fold(&mut self.value, |node, key| {
                node.as_object_mut()?.get_mut(*key)
            })?;
        // The snippet's nodes are its root mapping, the key and the value.
        let nodes = (self.layout.nodes + layout.nodes).checked_sub(2 + count_nodes(slot))?;
        if nodes > limits.max_nodes {
            return None;
        }
        *slot = value;
        self.relayout(index, layout, growth);
        self.layout.nodes = nodes;
        self.text = text.to_owned();
        Some(self.value.clone())
    }

    /// Puts the entries of the re-parsed entry `index` (its `fresh` layout, in offsets of
    /// its own text) in place of its old ones and moves the rest by `growth` bytes.
    fn relayout(&mut self, index: usize, fresh: Layout, growth: isize) {
        let entries = std::mem::take(&mut self.layout.entries);
        let (start, end, depth) = (
            entries[index].start,
            entries[index].end,
            entries[index].depth,
        );
        let moved = |offset: usize| offset.saturating_add_signed(growth);
        let inside = |e: &Entry| e.start >= start && e.end <= end && e.depth >= depth;
        let mut relaid = Vec::with_capacity(entries.len() + fresh.entries.len());
        let mut placed = false;
        for entry in entries {
            if inside(&entry) {
                if !placed {
                    relaid.extend(fresh.entries.iter().map(|e| Entry {
                        key: e.key.clone(),
                        depth: e.depth + depth,
                        start: e.start + start,
                        body: e.body + start,
                        end: e.end + start,
                        alone: e.alone,
                    }));
                    placed = true;
                }
            } else if entry.start >= end {
                relaid.push(Entry {
                    start: moved(entry.start),
                    body: moved(entry.body),
                    end: moved(entry.end),
                    ..entry
                });
            } else if entry.end >= end && entry.start < start {
                relaid.push(Entry {
                    end: moved(entry.end),
                    ..entry
                });
            } else {
                relaid.push(entry);
            }
        }
        self.layout.entries = relaid;
    }
}

/// The keys from the root down to entry `index`.
fn path_to(entries: &[Entry], index: usize) -> Vec<&str> {
    let mut path = vec![entries[index].key.as_str()];
    let mut depth = entries[index].depth;
    for entry in entries[..index].iter().rev() {
        if depth == 0 {
            break;
        }
        if entry.depth == depth - 1 {
            path.push(&entry.key);
            depth -= 1;
        }
    }
    path.reverse();
    path
}

/// Whether every line of an entry after its key line belongs to it in any context:
/// indented deeper than the key (or a `-` item at the key's indentation, YAML's
/// indentless sequence), blank, or a comment.
fn stays_inside(snippet: &str, indent: usize) -> bool {
    snippet.split('\n').skip(1).all(|line| {
        let content = line.trim_start_matches(' ');
        let depth = line.len() - content.len();
        content.is_empty()
            || content.starts_with('#')
            || depth > indent
            || (depth == indent && (content == "-" || content.starts_with("- ")))
    })
}

/// Whether the entry's last line neither is blank nor holds a block scalar's `|` or
/// `>`: the line breaks a block scalar keeps at its end depend on what follows it, which
/// differs between the entry alone and the entry in its file.
fn ends_plainly(snippet: &str) -> bool {
    let last = snippet.strip_suffix('\n').unwrap_or(snippet);
    let last = &last[last.rfind('\n').map_or(0, |newline| newline + 1)..];
    !last.trim().is_empty() && !last.contains(['|', '>'])
}

/// Nodes of a tree as the parser counts them: every value, and every key.
fn count_nodes(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(count_nodes).sum::<usize>(),
        Value::Object(map) => 1 + map.values().map(|v| 1 + count_nodes(v)).sum::<usize>(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const ORDERS: &str = "asyncapi: 3.0.0\ninfo:\n  title: Orders\n  version: 1.0.0\n  description: |\n    Line one.\n\n    Line two.\nchannels:\n  order:\n    address: orders\n    messages:\n      Order:\n        $ref: '#/components/messages/Order'\n  # a comment\n  failed:\n    address: orders/failed\ncomponents:\n  messages:\n    Order:\n      payload:\n        type: object\n        properties:\n          id: {type: string}\n          items:\n            - a\n            - b\n";

    fn full(text: &str) -> Result<String, ParseError> {
        parse::parse_text(text, &Limits::default()).map(|(value, _)| value.to_string())
    }

    fn cached(cache: &mut ParseCache, text: &str) -> Result<String, ParseError> {
        cache
            .parse("doc.yaml", text, &Limits::default())
            .map(|(value, _)| value.to_string())
    }

    /// Whether the last parse took the edit in without a full parse.
    fn reparsed(cache: &mut ParseCache, text: &str) -> bool {
        let limits = Limits::default();
        let last = cache.last.as_mut().expect("a parse before");
        last.apply(text, &limits).is_some()
    }

    /// Whether `edited`, an edit of ORDERS, is parsed alone after ORDERS, and what the
    /// cache parses it to.
    fn edited_orders(edited: &str) -> (bool, Result<String, ParseError>) {
        let mut cache = ParseCache::default();
        cached(&mut cache, ORDERS).expect("ORDERS parses");
        let alone = reparsed(&mut cache.clone(), edited);
        (alone, cached(&mut cache, edited))
    }

    #[test]
    fn an_edit_inside_an_entry_parses_that_entry_alone() {
        let mut cache = ParseCache::default();
        assert_eq!(cached(&mut cache, ORDERS), full(ORDERS));
        for (from, to) in [
            ("title: Orders", "title: Orders and more"),
            (
                "address: orders/failed",
                "address: orders/lost\n    description: Lost.",
            ),
            ("Line two.", "Line two, longer."),
            ("- a\n", "- a\n            - c\n"),
            ("  failed:", "  broken:"),
        ] {
            let edited = ORDERS.replace(from, to);
            let (alone, parsed) = edited_orders(&edited);
            assert!(alone, "{to:?} was not parsed alone");
            assert_eq!(parsed, full(&edited), "{to:?}");
            // One edit after another, too.
            assert_eq!(cached(&mut cache, &edited), full(&edited), "{to:?}");
        }
    }

    #[test]
    fn edits_that_reach_outside_an_entry_take_a_full_parse() {
        for (from, to) in [
            // A new sibling key, a dedented line, an edited top-level key, an anchor, a
            // line joined with the next entry's.
            (
                "    address: orders/failed",
                "    address: orders/failed\n  lost:\n    address: x",
            ),
            ("    address: orders/failed", "address: orders/failed"),
            ("channels:", "channel:"),
            ("address: orders\n", "address: &a orders\n"),
            ("Line two.\n", "Line two."),
            // Errors are reported where a full parse reports them.
            ("title: Orders", "title: [Orders"),
            ("title: Orders", "title: Orders\n  title: Twice"),
        ] {
            let edited = ORDERS.replace(from, to);
            let (alone, parsed) = edited_orders(&edited);
            assert!(!alone, "{to:?} was parsed alone");
            assert_eq!(parsed, full(&edited), "{to:?}");
        }
    }

    /// A tiny deterministic generator (xorshift), for reproducible random edits.
    struct Random(u64);
    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    /// One random edit of the kind typing makes: a character typed or deleted, a line
    /// broken, joined, indented or outdented.
    fn edit(text: &str, random: &mut Random) -> String {
        let mut at = random.below(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let (before, after) = text.split_at(at);
        const TYPED: [&str; 16] = [
            "a", "1", " ", "  ", "\n", "\n  ", ":", ": ", "-", "- ", "#", "'", "\"", "[", "{", "|",
        ];
        match random.below(4) {
            0 | 1 => format!("{before}{}{after}", TYPED[random.below(TYPED.len())]),
            2 => {
                let mut end = (at + 1 + random.below(3)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                format!("{before}{}", &text[end..])
            }
            _ => {
                let start = before.rfind('\n').map_or(0, |i| i + 1);
                if random.below(2) == 0 {
                    format!("{}  {}", &text[..start], &text[start..])
                } else if text[start..].starts_with("  ") {
                    format!("{}{}", &text[..start], &text[start + 2..])
                } else {
                    text.to_owned()
                }
            }
        }
    }

    fn yaml_documents(dir: &Path, found: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<_> = entries.flatten().map(|entry| entry.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                yaml_documents(&path, found);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && let Ok(text) = std::fs::read_to_string(&path)
                && text.len() < 48 * 1024
            {
                found.push(text);
            }
        }
    }

    #[test]
    fn agrees_with_a_full_parse_under_random_edits() {
        // Every seventh document of the corpus (a few hundred), each edited 25 times in a
        // row, each edit made to the last text that parsed. (Every document with 80 edits
        // and five seeds, a million edits, agreed too.)
        const STEP: usize = 7;
        const EDITS: usize = 25;
        let mut documents = vec![ORDERS.to_owned()];
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus");
        yaml_documents(&corpus, &mut documents);
        let mut random = Random(0x9e37_79b9_7f4a_7c15);
        let (mut edits, mut alone) = (0, 0);
        for text in documents.iter().step_by(STEP) {
            let mut cache = ParseCache::default();
            let mut text = text.clone();
            assert_eq!(cached(&mut cache, &text), full(&text));
            for _ in 0..EDITS {
                let edited = edit(&text, &mut random);
                if cache.last.is_some() {
                    let mut probe = cache.clone();
                    alone += usize::from(reparsed(&mut probe, &edited));
                }
                edits += 1;
                let expected = full(&edited);
                assert_eq!(
                    cached(&mut cache, &edited),
                    expected,
                    "after editing\n{text}\ninto\n{edited}"
                );
                if expected.is_ok() {
                    // The layout kept is the one a full parse records.
                    let mut fresh = Layout::default();
                    parse::parse_yaml(&edited, &Limits::default(), Some(&mut fresh))
                        .expect("parses");
                    if let Some(last) = &cache.last {
                        assert_eq!(last.layout.entries, fresh.entries, "{edited}");
                    }
                    text = edited;
                } else {
                    // Typing goes on from the last text that parsed (the cache has let go
                    // of it: the next parse is a full one).
                    assert_eq!(cached(&mut cache, &text), full(&text));
                }
            }
        }
        // The comparison above must have covered the reparsing path, not only the
        // fallback.
        assert!(
            alone * 3 > edits,
            "only {alone} of {edits} edits were parsed alone"
        );
    }
}
