//! Text to tree: JSON through serde_json (fast path), YAML through yaml-rust2's event
//! parser with an iterative builder that bounds depth and alias expansion. Positions are
//! not kept here; `position` finds them on demand for the pointers that need them.

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::input::Limits;

/// Which syntax a file was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Yaml,
}

/// Why a file could not be read as a tree; the position is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// The nesting serde_json accepts before it stops with "recursion limit exceeded".
const SERDE_JSON_MAX_DEPTH: usize = 128;

/// Parses JSON or YAML (detected from the first non-blank character) within `limits`.
pub fn parse_text(text: &str, limits: &Limits) -> Result<(Value, Format), ParseError> {
    parse_text_laid_out(text, limits, None)
}

/// [`parse_text`] that also records a YAML file's [`Layout`] when given one.
pub(crate) fn parse_text_laid_out(
    text: &str,
    limits: &Limits,
    layout: Option<&mut Layout>,
) -> Result<(Value, Format), ParseError> {
    if text.len() > limits.max_file_bytes {
        return Err(ParseError {
            message: format!(
                "The file is {} bytes; at most {} are accepted.",
                text.len(),
                limits.max_file_bytes
            ),
            line: 1,
            column: 1,
        });
    }
    let looks_like_json = text.trim_start().starts_with(['{', '[']);
    // serde_json refuses nesting beyond its own limit in linear time, so valid JSON
    // needs no pre-scan unless the configured limit is lower than serde_json's.
    let scanned = !looks_like_json || limits.max_depth < SERDE_JSON_MAX_DEPTH;
    if scanned {
        check_flow_depth(text, limits.max_depth)?;
    }
    if looks_like_json {
        match serde_json::from_str::<Value>(text) {
            Ok(value) => return Ok((value, Format::Json)),
            Err(json_error) => {
                if !scanned {
                    check_flow_depth(text, limits.max_depth)?;
                }
                // Flow-style YAML also starts with a brace; only if that fails too is
                // the JSON error the better explanation.
                return match parse_yaml(text, limits, layout) {
                    Ok(value) => Ok((value, Format::Yaml)),
                    Err(_) => Err(ParseError {
                        message: format!(
                            "Invalid JSON: {}",
                            strip_position(&json_error.to_string())
                        ),
                        line: json_error.line() as u32,
                        column: json_error.column() as u32,
                    }),
                };
            }
        }
    }
    parse_yaml(text, limits, layout).map(|value| (value, Format::Yaml))
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// A cheap scan that refuses absurd nesting of brackets before any parser sees it
/// (parsers spend time and memory on every open bracket).
pub(crate) fn check_flow_depth(text: &str, max_depth: usize) -> Result<(), ParseError> {
    let mut depth = 0usize;
    let mut in_double = false;
    let mut escaped = false;
    let (mut line, mut column) = (1u32, 0u32);
    for byte in text.bytes() {
        column += 1;
        if byte == b'\n' {
            line += 1;
            column = 0;
        }
        if in_double {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_double = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_double = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(ParseError {
                        message: format!("Nesting is deeper than {max_depth} levels."),
                        line,
                        column,
                    });
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// What a subtree costs once its aliases are expanded: nodes, and bytes of scalars and
/// keys (what a large aliased scalar costs that a node count misses).
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: usize,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.nodes += other.nodes;
        self.bytes += other.bytes;
    }
}

enum Frame {
    Sequence {
        items: Vec<Value>,
        anchor: usize,
        /// The items so far.
        size: Size,
    },
    Mapping {
        map: Map<String, Value>,
        key: Option<String>,
        anchor: usize,
        /// The keys and values so far.
        size: Size,
        /// Its entries go into the [`Layout`] being recorded: a block mapping whose
        /// ancestors are all block mappings.
        laid_out: bool,
    },
}

/// Where the entries of a YAML file's nested block mappings sit in its text (those
/// outside sequences and flow collections), so that an edit inside one can be parsed
/// again alone (see `reparse`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Layout {
    /// In document order: every entry comes after the entries that contain it.
    pub entries: Vec<Entry>,
    /// The file has anchors or aliases: an entry may depend on text outside it.
    pub aliased: bool,
    /// The tree's nodes, keys included, as the node limit counts them.
    pub nodes: usize,
}

/// One `key: value` of a block mapping, as byte offsets into the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    /// 0 for the keys of the root mapping.
    pub depth: usize,
    /// The start of the key's line.
    pub start: usize,
    /// The start of the line after the key's.
    pub body: usize,
    /// The start of the next entry's line at this depth or above, or the end of the text.
    pub end: usize,
    /// Only spaces precede the key on its line (not so after `? `): the entry can be
    /// parsed alone.
    pub alone: bool,
}

impl Layout {
    /// Ends every entry where the next one of its depth or above starts: a block
    /// mapping's next key starts a line and nothing of the entry comes after it.
    fn finish(&mut self, text_end: usize) {
        let mut open: Vec<usize> = Vec::new();
        for index in 0..self.entries.len() {
            let (depth, start) = (self.entries[index].depth, self.entries[index].start);
            while let Some(&last) = open.last() {
                if self.entries[last].depth < depth {
                    break;
                }
                self.entries[last].end = start;
                open.pop();
            }
            open.push(index);
        }
        for index in open {
            self.entries[index].end = text_end;
        }
    }
}

/// Byte offsets of the parser's marks. Their indexes are not byte offsets once a text
/// has non-ASCII characters; their lines are reliable, so offsets come from the line and
/// the column (in characters) within it.
struct ByteOffsets<'a> {
    text: &'a str,
    /// Where each line starts, made on first use.
    lines: Vec<usize>,
}

impl<'a> ByteOffsets<'a> {
    fn new(text: &'a str) -> Self {
        ByteOffsets {
            text,
            lines: Vec::new(),
        }
    }

    /// The start of the mark's line.
    fn line_start(&mut self, mark: &Marker) -> usize {
        if self.lines.is_empty() {
            self.lines.push(0);
            let newlines = self.text.bytes().enumerate().filter(|(_, b)| *b == b'\n');
            self.lines.extend(newlines.map(|(i, _)| i + 1));
        }
        let line = mark.line().saturating_sub(1);
        self.lines.get(line).copied().unwrap_or(self.text.len())
    }

    /// The mark itself.
    fn at(&mut self, mark: &Marker) -> usize {
        let start = self.line_start(mark);
        self.text[start..]
            .char_indices()
            .nth(mark.col())
            .map_or(self.text.len(), |(offset, _)| start + offset)
    }
}

fn error_at(mark: Marker, message: impl Into<String>) -> ParseError {
    ParseError {
        message: message.into(),
        line: mark.line() as u32,
        column: mark.col() as u32 + 1,
    }
}

/// Builds a tree from YAML events without recursion, so depth costs heap, not stack;
/// records the file's [`Layout`] when given one. Aliases are expanded within the node
/// and byte budgets of `limits`; a refusal names the alias and its line.
pub(crate) fn parse_yaml(
    text: &str,
    limits: &Limits,
    mut layout: Option<&mut Layout>,
) -> Result<Value, ParseError> {
    let max_bytes = limits.max_expanded_bytes(text.len());
    let mut offsets = ByteOffsets::new(text);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: std::collections::HashMap<usize, (Value, Size)> = Default::default();
    let mut total = Size::default();
    let mut anchored = Size::default();
    let mut root: Option<Value> = None;
    loop {
        let (event, mark) = parser.next_token().map_err(|error| ParseError {
            message: format!("Invalid YAML: {}", error.info()),
            line: error.marker().line() as u32,
            column: error.marker().col() as u32 + 1,
        })?;
        // `added` is what the event adds to the tree (a container's children were added
        // before it ends); `subtree` is the whole node, what an anchor copies.
        let (value, anchor, added, subtree) = match event {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                if root.is_some() {
                    return Err(error_at(
                        mark,
                        "The file holds more than one YAML document; put one document per file.",
                    ));
                }
                continue;
            }
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => continue,
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= limits.max_depth {
                    return Err(error_at(
                        mark,
                        format!("Nesting is deeper than {} levels.", limits.max_depth),
                    ));
                }
                stack.push(Frame::Sequence {
                    items: Vec::new(),
                    anchor,
                    size: Size::default(),
                });
                continue;
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= limits.max_depth {
                    return Err(error_at(
                        mark,
                        format!("Nesting is deeper than {} levels.", limits.max_depth),
                    ));
                }
                let laid_out = layout.is_some()
                    && text.as_bytes().get(offsets.at(&mark)) != Some(&b'{')
                    && match stack.last() {
                        None => true,
                        Some(Frame::Mapping { laid_out, key, .. }) => *laid_out && key.is_some(),
                        Some(Frame::Sequence { .. }) => false,
                    };
                stack.push(Frame::Mapping {
                    map: Map::new(),
                    key: None,
                    anchor,
                    size: Size::default(),
                    laid_out,
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Sequence {
                    items,
                    anchor,
                    mut size,
                }) => {
                    size.nodes += 1;
                    (Value::Array(items), anchor, NODE, size)
                }
                _ => return Err(error_at(mark, "Unbalanced sequence.")),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Mapping {
                    map,
                    anchor,
                    mut size,
                    ..
                }) => {
                    size.nodes += 1;
                    (Value::Object(map), anchor, NODE, size)
                }
                _ => return Err(error_at(mark, "Unbalanced mapping.")),
            },
            Event::Scalar(text, style, anchor, tag) => {
                let size = Size {
                    nodes: 1,
                    bytes: text.len(),
                };
                let forced_string = tag.as_ref().is_some_and(|t| t.suffix == "str");
                let value = if style != TScalarStyle::Plain || forced_string {
                    Value::String(text)
                } else {
                    resolve_plain_scalar(text)
                };
                (value, anchor, size, size)
            }
            Event::Alias(id) => {
                let Some((value, size)) = anchors.get(&id) else {
                    return Err(error_at(mark, "Alias to an unknown anchor."));
                };
                let (nodes, bytes) = (total.nodes + size.nodes, total.bytes + size.bytes);
                if nodes > limits.max_nodes || bytes > max_bytes {
                    let alias = alias_at(text, offsets.at(&mark));
                    let what = if nodes > limits.max_nodes {
                        format!("{} nodes", limits.max_nodes)
                    } else {
                        format!(
                            "{max_bytes} bytes of values and keys ({}x the file's {} bytes)",
                            limits.max_expansion_ratio,
                            text.len()
                        )
                    };
                    return Err(error_at(
                        mark,
                        format!(
                            "The alias {alias} expands the document to more than {what}; \
                             repeat large parts fewer times."
                        ),
                    ));
                }
                (value.clone(), 0, *size, *size)
            }
        };
        total.add(added);
        if total.nodes > limits.max_nodes {
            return Err(error_at(
                mark,
                format!(
                    "The document expands to more than {} nodes (aliases included).",
                    limits.max_nodes
                ),
            ));
        }
        if anchor > 0 {
            if let Some(layout) = layout.as_deref_mut() {
                layout.aliased = true;
            }
            // Each anchor keeps a copy of its node; nested anchors would copy the same
            // nodes again and again, so the copies share the node and byte budgets.
            anchored.add(subtree);
            if anchored.nodes > limits.max_nodes || anchored.bytes > max_bytes {
                return Err(error_at(
                    mark,
                    format!(
                        "Anchors in the document copy more than {} nodes or {max_bytes} bytes; \
                         use fewer nested anchors.",
                        limits.max_nodes
                    ),
                ));
            }
            anchors.insert(anchor, (value.clone(), subtree));
        }
        let stack_depth = stack.len().saturating_sub(1);
        match stack.last_mut() {
            None => root = Some(value),
            Some(Frame::Sequence { items, size, .. }) => {
                size.add(subtree);
                items.push(value);
            }
            Some(Frame::Mapping {
                map,
                key,
                laid_out,
                size,
                ..
            }) => {
                size.add(subtree);
                match key.take() {
                    None => {
                        let name = match value {
                            Value::String(s) => s,
                            Value::Number(n) => n.to_string(),
                            Value::Bool(b) => b.to_string(),
                            Value::Null => "null".to_owned(),
                            _ => {
                                return Err(error_at(
                                    mark,
                                    "Mapping keys must be plain values, not mappings or sequences.",
                                ));
                            }
                        };
                        if map.contains_key(&name) {
                            return Err(error_at(
                                mark,
                                format!("Duplicate key {name:?} in a mapping."),
                            ));
                        }
                        if *laid_out && let Some(layout) = layout.as_deref_mut() {
                            let start = offsets.line_start(&mark);
                            let line = &text.as_bytes()[start..];
                            layout.entries.push(Entry {
                                key: name.clone(),
                                depth: stack_depth,
                                start,
                                body: line
                                    .iter()
                                    .position(|byte| *byte == b'\n')
                                    .map_or(text.len(), |i| start + i + 1),
                                end: text.len(),
                                alone: line.len() >= mark.col()
                                    && line[..mark.col()].iter().all(|byte| *byte == b' '),
                            });
                        }
                        *key = Some(name);
                    }
                    Some(name) => {
                        map.insert(name, value);
                    }
                }
            }
        }
    }
    if let Some(layout) = layout {
        layout.finish(text.len());
        layout.nodes = total.nodes;
    }
    Ok(root.unwrap_or(Value::Null))
}

/// What a container's end adds: itself (its children were added as they came).
const NODE: Size = Size { nodes: 1, bytes: 0 };

/// The alias written at `offset` (`*name`), for a message about it.
fn alias_at(text: &str, offset: usize) -> &str {
    let rest = text.get(offset..).unwrap_or_default();
    let end = rest
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_whitespace() || matches!(c, ',' | '[' | ']' | '{' | '}'))
        .map_or(rest.len(), |(index, _)| index);
    &rest[..end]
}

/// YAML 1.2 core schema resolution of an unquoted scalar.
fn resolve_plain_scalar(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return Value::String(text),
        _ => {}
    }
    let bytes = text.as_bytes();
    let digits = bytes
        .strip_prefix(b"-")
        .or_else(|| bytes.strip_prefix(b"+"))
        .unwrap_or(bytes);
    if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::Number(n.into());
        }
        if let Ok(n) = text.trim_start_matches('+').parse::<u64>() {
            return Value::Number(n.into());
        }
    }
    if let Some(hex) = text.strip_prefix("0x")
        && let Ok(n) = i64::from_str_radix(hex, 16)
    {
        return Value::Number(n.into());
    }
    if let Some(octal) = text.strip_prefix("0o")
        && let Ok(n) = i64::from_str_radix(octal, 8)
    {
        return Value::Number(n.into());
    }
    if is_yaml_float(digits)
        && let Some(n) = text.parse::<f64>().ok().and_then(Number::from_f64)
    {
        return Value::Number(n);
    }
    Value::String(text)
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` without the sign.
fn is_yaml_float(bytes: &[u8]) -> bool {
    let mut i = 0;
    let int_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    i += int_digits;
    let mut frac_digits = 0;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        frac_digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        i += frac_digits;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        if exp == 0 {
            return false;
        }
        i += exp;
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(text: &str) -> Value {
        parse_text(text, &Limits::default()).unwrap().0
    }

    #[test]
    fn resolves_scalars_like_yaml_1_2() {
        assert_eq!(
            yaml("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: 3.0.0\ng: yes\nh: 1e3\n"),
            json!({"a": 1, "b": 1.5, "c": true, "d": null, "e": "1", "f": "3.0.0", "g": "yes", "h": 1000.0})
        );
    }

    #[test]
    fn keeps_key_order_and_expands_aliases() {
        let value = yaml("z: &x {k: v}\na: *x\n");
        assert_eq!(value, json!({"z": {"k": "v"}, "a": {"k": "v"}}));
        assert_eq!(value.as_object().unwrap().keys().next().unwrap(), "z");
    }

    #[test]
    fn reports_syntax_errors_with_a_position() {
        let error = parse_text("a: b\n c: d\n  - e\n", &Limits::default()).unwrap_err();
        assert!(error.message.starts_with("Invalid YAML"), "{error:?}");
        assert!(error.line >= 2, "{error:?}");
        let error = parse_text("{\"a\": [}", &Limits::default()).unwrap_err();
        assert_eq!(error.line, 1);
    }

    #[test]
    fn refuses_duplicate_keys() {
        let error = parse_text("a: 1\na: 2\n", &Limits::default()).unwrap_err();
        assert!(error.message.contains("Duplicate key \"a\""), "{error:?}");
        assert_eq!(error.line, 2);
    }

    #[test]
    fn json_nesting_between_serde_jsons_limit_and_ours_is_accepted() {
        let nested = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        let limits = Limits::default();
        assert!(parse_text(&nested(SERDE_JSON_MAX_DEPTH + 20), &limits).is_ok());
        let error = parse_text(&nested(limits.max_depth + 1), &limits).unwrap_err();
        assert!(error.message.contains("Nesting"), "{error:?}");
        let strict = Limits {
            max_depth: 10,
            ..Limits::default()
        };
        let error = parse_text(&nested(11), &strict).unwrap_err();
        assert!(error.message.contains("deeper than 10"), "{error:?}");
    }

    /// A document whose `big` scalar of `scalar_bytes` is aliased `aliases` times, one
    /// alias a line from line 3 on.
    fn aliased_scalar(scalar_bytes: usize, aliases: usize) -> String {
        let mut text = format!("big: &big {}\ncopies:\n", "x".repeat(scalar_bytes));
        text.push_str(&"  - *big\n".repeat(aliases));
        text
    }

    #[test]
    fn alias_expansion_is_bounded_in_bytes_at_the_alias_line() {
        // 200 KB aliased 60 times is 12 MB of values, past 10x the file and the 1 MB
        // every file may have: refused at the alias that crosses the budget.
        let text = aliased_scalar(200_000, 60);
        let limits = Limits::default();
        let budget = limits.max_expanded_bytes(text.len());
        let error = parse_text(&text, &limits).unwrap_err();
        assert!(error.message.contains("The alias *big"), "{error:?}");
        assert!(
            error.message.contains(&format!("{budget} bytes")),
            "{error:?}"
        );
        // The original and the first aliases fit; the one that would cross does not.
        let fitting = budget / 200_000 - 1;
        assert_eq!(error.line as usize, 3 + fitting, "{error:?}");
        assert_eq!(error.column, 5, "{error:?}");

        // A few aliases are fine, and the ratio is a setting.
        assert!(parse_text(&aliased_scalar(200_000, 5), &limits).is_ok());
        let generous = Limits {
            max_expansion_ratio: 100,
            ..limits
        };
        let value = parse_text(&text, &generous).unwrap().0;
        assert_eq!(value["copies"].as_array().map(Vec::len), Some(60));
    }

    #[test]
    fn nested_anchors_share_the_byte_budget() {
        // Each anchor keeps a copy of what is under it: 40 nested anchors over one
        // 100 KB scalar would hold 4 MB of copies of a 100 KB file.
        let mut text = String::new();
        for level in 0..40 {
            text.push_str(&format!("{}k{level}: &a{level}\n", "  ".repeat(level)));
        }
        text.push_str(&format!(
            "{}leaf: {}\n",
            "  ".repeat(40),
            "y".repeat(100_000)
        ));
        let error = parse_text(&text, &Limits::default()).unwrap_err();
        assert!(error.message.contains("Anchors"), "{error:?}");
    }

    #[test]
    fn bounds_nesting_and_alias_bombs_cheaply() {
        let deep = "[".repeat(2_000_000);
        let start = std::time::Instant::now();
        let error = parse_text(&deep, &Limits::default()).unwrap_err();
        assert!(error.message.contains("Nesting"), "{error:?}");
        assert!(start.elapsed().as_millis() < 500);

        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..12 {
            let prev = (b'a' + level - 1) as char;
            let name = (b'a' + level) as char;
            bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let error = parse_text(&bomb, &Limits::default()).unwrap_err();
        assert!(error.message.contains("expands"), "{error:?}");

        // An anchor at every level copies the levels below it again and again.
        let mut nested = String::new();
        for level in 0..150 {
            nested.push_str(&format!("{}k{level}: &a{level}\n", "  ".repeat(level)));
        }
        nested.push_str(&format!(
            "{}leaf: [{}]\n",
            "  ".repeat(150),
            "1, ".repeat(40_000)
        ));
        let start = std::time::Instant::now();
        let error = parse_text(&nested, &Limits::default()).unwrap_err();
        assert!(error.message.contains("Anchors"), "{error:?}");
        assert!(start.elapsed().as_secs() < 5);
    }
}
