//! Finds the line and column of JSON pointers in the source text, on demand: one pass
//! over the file, stopping when every wanted pointer is found. Plain JSON is scanned as
//! bytes ([`json`]); anything else goes through the YAML event parser. Valid documents
//! never pay for it; a diff always does.

mod json;

use std::collections::{HashMap, HashSet};

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostic::escape_token;

enum Frame {
    Sequence {
        next_index: usize,
        base_len: usize,
    },
    Mapping {
        expecting_key: bool,
        base_len: usize,
    },
}

/// Positions (1-based line, 1-based column) of those `wanted` pointers found in `text`.
/// A mapping entry is located at its key, so a message about a property points at it.
pub fn locate(text: &str, wanted: &HashSet<String>) -> HashMap<String, (u32, u32)> {
    if wanted.is_empty() {
        return HashMap::new();
    }
    let json = text.trim_start().starts_with(['{', '[']);
    match json.then(|| json::locate(text, wanted)).flatten() {
        Some(found) => found,
        None => locate_with_yaml(text, wanted),
    }
}

/// [`locate`] through the YAML event parser, which reads YAML and JSON alike.
fn locate_with_yaml(text: &str, wanted: &HashSet<String>) -> HashMap<String, (u32, u32)> {
    let mut found: HashMap<String, (u32, u32)> = HashMap::new();
    if wanted.is_empty() {
        return found;
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut pointer = String::new();
    let record = |found: &mut HashMap<String, (u32, u32)>, pointer: &str, mark: &Marker| {
        if wanted.contains(pointer) && !found.contains_key(pointer) {
            found.insert(
                pointer.to_owned(),
                (mark.line() as u32, mark.col() as u32 + 1),
            );
        }
    };
    while let Ok((event, mark)) = parser.next_token() {
        if found.len() == wanted.len() {
            break;
        }
        // A key of a mapping: extend the pointer and record the entry at the key.
        if let Some(Frame::Mapping {
            expecting_key: true,
            base_len,
        }) = stack.last_mut()
        {
            if let Event::Scalar(key, ..) = &event {
                let base = *base_len;
                pointer.truncate(base);
                pointer.push('/');
                pointer.push_str(&escape_token(key));
                record(&mut found, &pointer, &mark);
                if let Some(Frame::Mapping { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
                continue;
            }
            if matches!(event, Event::MappingEnd) {
                stack.pop();
                finish_value(&mut stack, &mut pointer);
                continue;
            }
        }
        match event {
            Event::StreamEnd => break,
            Event::Scalar(..) | Event::Alias(_) => {
                enter_value(&mut stack, &mut pointer);
                record(&mut found, &pointer, &mark);
                finish_value(&mut stack, &mut pointer);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                enter_value(&mut stack, &mut pointer);
                record(&mut found, &pointer, &mark);
                let base_len = pointer.len();
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Sequence {
                        next_index: 0,
                        base_len,
                    }
                } else {
                    Frame::Mapping {
                        expecting_key: true,
                        base_len,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                finish_value(&mut stack, &mut pointer);
            }
            _ => {}
        }
    }
    found
}

/// Points `pointer` at the value about to start in the innermost container.
fn enter_value(stack: &mut [Frame], pointer: &mut String) {
    if let Some(Frame::Sequence {
        next_index,
        base_len,
    }) = stack.last_mut()
    {
        pointer.truncate(*base_len);
        pointer.push('/');
        pointer.push_str(&next_index.to_string());
    }
}

/// After a value ends: the next sequence item, or the next mapping key.
fn finish_value(stack: &mut [Frame], pointer: &mut String) {
    match stack.last_mut() {
        Some(Frame::Sequence {
            next_index,
            base_len,
        }) => {
            *next_index += 1;
            pointer.truncate(*base_len);
        }
        Some(Frame::Mapping {
            expecting_key,
            base_len,
        }) => {
            *expecting_key = true;
            pointer.truncate(*base_len);
        }
        None => pointer.clear(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, pointers: &[&str]) -> HashMap<String, (u32, u32)> {
        locate(text, &pointers.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn locates_yaml_keys_and_items() {
        let text = "info:\n  title: x\ntags:\n  - name: a\n  - name: b\n";
        let found = find(text, &["/info/title", "/tags/1/name", "/tags/1", "/nope"]);
        assert_eq!(found["/info/title"], (2, 3));
        // Lines are exact; inside a sequence item the parser marks a key at its colon.
        assert_eq!(found["/tags/1/name"].0, 5);
        assert_eq!(found["/tags/1"].0, 5);
        assert!(!found.contains_key("/nope"));
    }

    #[test]
    fn locates_json_members() {
        let text = "{\n  \"a\": {\"b/c\": [1, {\"d\": 2}]}\n}";
        let found = find(text, &["/a/b~1c/1/d", "/a"]);
        assert_eq!(found["/a"], (2, 3));
        assert_eq!(found["/a/b~1c/1/d"].0, 2);
    }
}
