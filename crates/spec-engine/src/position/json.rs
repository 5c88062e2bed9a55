//! The position finder for JSON text: a byte scanner that follows the nesting and counts
//! lines, so a multi-megabyte JSON document (Stripe's spec) is located in milliseconds
//! rather than through the YAML event parser. Anything that is not plain JSON gives up,
//! and the YAML reading takes over.

use std::collections::{HashMap, HashSet};

use crate::diagnostic::escape_token;

/// What the scanner expects next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Value,
    KeyOrClose,
    Colon,
    ItemOrClose,
    CommaOrClose,
    End,
}

enum Frame {
    Object { base_len: usize },
    Array { next_index: usize, base_len: usize },
}

/// Positions (1-based line, 1-based column in characters) of the `wanted` pointers in
/// JSON `text`, an object member at its key; `None` when the text is not plain JSON.
pub fn locate(text: &str, wanted: &HashSet<String>) -> Option<HashMap<String, (u32, u32)>> {
    let bytes = text.as_bytes();
    // Containers no wanted pointer is in are skipped whole, without building pointers.
    let mut inside: HashSet<&str> = HashSet::new();
    for pointer in wanted {
        let mut rest = pointer.as_str();
        while let Some(at) = rest.rfind('/') {
            rest = &rest[..at];
            if !inside.insert(rest) {
                break;
            }
        }
    }
    let mut found: HashMap<String, (u32, u32)> = HashMap::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut pointer = String::new();
    let mut expect = Expect::Value;
    let (mut line, mut line_start) = (1u32, 0usize);
    let mut at = 0;
    let mut record = |pointer: &str, at: usize, line: u32, line_start: usize| {
        if wanted.contains(pointer) && !found.contains_key(pointer) {
            let column = text.get(line_start..at).map_or(0, |s| s.chars().count()) + 1;
            found.insert(pointer.to_owned(), (line, column as u32));
        }
        found.len() == wanted.len()
    };
    loop {
        while let Some(&byte) = bytes.get(at) {
            match byte {
                b'\n' => {
                    line += 1;
                    line_start = at + 1;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            at += 1;
        }
        let Some(&byte) = bytes.get(at) else {
            return (expect == Expect::End).then_some(found);
        };
        match expect {
            Expect::Value => {
                if record(&pointer, at, line, line_start) {
                    break;
                }
                let base_len = pointer.len();
                if matches!(byte, b'{' | b'[') && !inside.contains(pointer.as_str()) {
                    at = container_end(bytes, at, &mut line, &mut line_start)?;
                    expect = after_value(&stack, &mut pointer);
                    continue;
                }
                match byte {
                    b'{' => {
                        stack.push(Frame::Object { base_len });
                        expect = Expect::KeyOrClose;
                        at += 1;
                        continue;
                    }
                    b'[' => {
                        stack.push(Frame::Array {
                            next_index: 0,
                            base_len,
                        });
                        expect = Expect::ItemOrClose;
                        at += 1;
                        continue;
                    }
                    b'"' => at = string_end(bytes, at)?,
                    _ => at = scalar_end(bytes, at)?,
                }
                expect = after_value(&stack, &mut pointer);
            }
            Expect::KeyOrClose | Expect::Colon | Expect::CommaOrClose | Expect::ItemOrClose
                if matches!(byte, b'}' | b']') =>
            {
                let closes = match (stack.last(), byte) {
                    (Some(Frame::Object { .. }), b'}') => {
                        matches!(expect, Expect::KeyOrClose | Expect::CommaOrClose)
                    }
                    (Some(Frame::Array { .. }), b']') => {
                        matches!(expect, Expect::ItemOrClose | Expect::CommaOrClose)
                    }
                    _ => false,
                };
                if !closes {
                    return None;
                }
                stack.pop();
                at += 1;
                expect = after_value(&stack, &mut pointer);
            }
            Expect::KeyOrClose => {
                if byte != b'"' {
                    return None;
                }
                let end = string_end(bytes, at)?;
                let key = decode(text.get(at + 1..end - 1)?)?;
                let Some(Frame::Object { base_len }) = stack.last() else {
                    return None;
                };
                pointer.truncate(*base_len);
                pointer.push('/');
                pointer.push_str(&escape_token(&key));
                if record(&pointer, at, line, line_start) {
                    break;
                }
                at = end;
                expect = Expect::Colon;
            }
            Expect::Colon => {
                if byte != b':' {
                    return None;
                }
                at += 1;
                expect = Expect::Value;
            }
            Expect::ItemOrClose => {
                let Some(Frame::Array { base_len, .. }) = stack.last() else {
                    return None;
                };
                pointer.truncate(*base_len);
                pointer.push_str("/0");
                expect = Expect::Value;
            }
            Expect::CommaOrClose => {
                if byte != b',' {
                    return None;
                }
                at += 1;
                match stack.last_mut() {
                    Some(Frame::Object { .. }) => expect = Expect::KeyOrClose,
                    Some(Frame::Array {
                        next_index,
                        base_len,
                    }) => {
                        *next_index += 1;
                        pointer.truncate(*base_len);
                        pointer.push('/');
                        pointer.push_str(&next_index.to_string());
                        expect = Expect::Value;
                    }
                    None => return None,
                }
            }
            Expect::End => return None,
        }
    }
    Some(found)
}

/// What follows a finished value: a comma or the end of its container, or nothing.
fn after_value(stack: &[Frame], pointer: &mut String) -> Expect {
    match stack.last() {
        Some(Frame::Object { base_len } | Frame::Array { base_len, .. }) => {
            pointer.truncate(*base_len);
            Expect::CommaOrClose
        }
        None => {
            pointer.clear();
            Expect::End
        }
    }
}

/// The index just past the object or array that starts at `at`, counting its lines.
fn container_end(bytes: &[u8], at: usize, line: &mut u32, line_start: &mut usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    let end = loop {
        match *bytes.get(i)? {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    break i + 1;
                }
            }
            b'"' => {
                i = string_end(bytes, i)?;
                continue;
            }
            _ => {}
        }
        i += 1;
    };
    // Counted apart, over the whole container at once: a vectorised count and a search
    // from the end cost far less than a test at every byte.
    let skipped = &bytes[at..end];
    let lines = memchr::memchr_iter(b'\n', skipped).count();
    if let Some(last) = memchr::memrchr(b'\n', skipped) {
        *line += u32::try_from(lines).ok()?;
        *line_start = at + last + 1;
    }
    Some(end)
}

/// The index just past the string that starts (with its quote) at `at`.
fn string_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        // Descriptions are long: searched for their few special bytes, not walked.
        let special = i + memchr::memchr3(b'"', b'\\', b'\n', bytes.get(i..)?)?;
        match bytes[special] {
            b'"' => return Some(special + 1),
            b'\\' => i = special + 2,
            // A raw line break is not JSON (and would throw the line count off).
            _ => return None,
        }
    }
}

/// The index just past a number, `true`, `false` or `null`.
fn scalar_end(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    while let Some(&byte) = bytes.get(i) {
        if matches!(byte, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
            break;
        }
        if !matches!(byte, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E' | b'a'..=b'z') {
            return None;
        }
        i += 1;
    }
    (i > at).then_some(i)
}

/// The text of a JSON string's contents (between the quotes).
fn decode(raw: &str) -> Option<String> {
    if !raw.contains('\\') {
        return Some(raw.to_owned());
    }
    serde_json::from_str(&format!("\"{raw}\"")).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str, pointers: &[&str]) -> Option<HashMap<String, (u32, u32)>> {
        locate(text, &pointers.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn agrees_with_the_yaml_reading_on_lines_and_member_columns() {
        let text = "{\n  \"a\": {\"b/c\": [1, {\"d\": \"é\"}], \"é\\u00e9\": [\n    true, null, \"x\"\n  ]},\n  \"t~\": []\n}\n";
        let pointers = [
            "",
            "/a",
            "/a/b~1c",
            "/a/b~1c/0",
            "/a/b~1c/1",
            "/a/b~1c/1/d",
            "/a/éé",
            "/a/éé/2",
            "/t~0",
            "/nope",
        ];
        let json = find(text, &pointers).unwrap();
        let yaml =
            super::super::locate_with_yaml(text, &pointers.iter().map(|p| p.to_string()).collect());
        assert_eq!(
            json.keys().collect::<HashSet<_>>(),
            yaml.keys().collect::<HashSet<_>>()
        );
        for (pointer, (line, _)) in &yaml {
            assert_eq!(json[pointer].0, *line, "{pointer}");
        }
        assert_eq!(json["/a"], (2, 3));
        assert_eq!(json["/a/éé"], (2, 33), "columns count characters");
        assert_eq!(json["/a/éé/2"], (3, 17));
        assert_eq!(json["/t~0"], yaml["/t~0"]);
    }

    #[test]
    fn gives_up_on_what_is_not_plain_json() {
        assert!(find("a: 1\n", &["/a"]).is_none());
        assert!(find("{\"a\": 1", &["/b"]).is_none());
        assert!(find("{a: 1}", &["/a"]).is_none());
        assert!(find("{\"a\": 1} # note", &["/b"]).is_none());
        assert!(find("[1, 2]", &["/1"]).is_some_and(|f| f["/1"] == (1, 5)));
    }

    /// Every pointer of a real JSON document (the AsyncAPI 2.6.0 JSON Schema of the
    /// corpus, 130 KB) is found on the line the YAML reading finds it on.
    #[test]
    fn agrees_with_the_yaml_reading_on_a_corpus_document() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/schemas/asyncapi/2.6.0.json");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut wanted = HashSet::new();
        let mut pending = vec![(String::new(), &value)];
        while let Some((pointer, value)) = pending.pop() {
            match value {
                serde_json::Value::Object(map) => pending.extend(
                    map.iter()
                        .map(|(k, v)| (format!("{pointer}/{}", escape_token(k)), v)),
                ),
                serde_json::Value::Array(items) => pending.extend(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (format!("{pointer}/{i}"), v)),
                ),
                _ => {}
            }
            wanted.insert(pointer);
        }
        let json = locate(&text, &wanted).unwrap();
        let yaml = super::super::locate_with_yaml(&text, &wanted);
        assert_eq!(json.len(), wanted.len());
        assert_eq!(yaml.len(), wanted.len());
        let columns = yaml.iter().filter(|(p, at)| json[*p] == **at).count();
        for (pointer, (line, _)) in &yaml {
            assert_eq!(json[pointer].0, *line, "{pointer}");
        }
        assert!(
            columns * 10 >= wanted.len() * 9,
            "{columns} of {}",
            wanted.len()
        );
    }
}
