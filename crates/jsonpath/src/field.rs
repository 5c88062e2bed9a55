//! A rule's `then.field`, resolved against each `given` match as Spectral 6's
//! `getLintTargets` does: `@key`, a JSONPath starting with `$`, or a lodash property path.

use std::borrow::Cow;

use serde_json::Value;

use crate::expr::array_index;
use crate::{ParseError, Path, Segment};

/// A parsed `then.field`.
#[derive(Debug, Clone)]
pub enum Field {
    /// `@key`: the keys of the matched object (or the indices of the matched array).
    Keys,
    /// `$...`: a JSONPath evaluated with the matched value as its root.
    Path(Path),
    /// `a.b`, `a[0]`, `Retry-After`, `429.content`: a lodash property path.
    Property(Vec<String>),
}

/// One location a rule's function is given: relative to the `given` match.
#[derive(Debug, Clone, PartialEq)]
pub struct Target<'v> {
    pub path: Vec<Segment>,
    /// `None` is JavaScript's `undefined`: the field is missing.
    pub value: Option<Cow<'v, Value>>,
}

impl Field {
    pub fn parse(source: &str) -> Result<Field, ParseError> {
        if source == "@key" {
            Ok(Field::Keys)
        } else if source.starts_with('$') {
            Path::parse(source).map(Field::Path)
        } else {
            to_path(source).map(Field::Property)
        }
    }

    /// The targets of the field in a `given` match's value, as Spectral 6 computes them
    /// (one `undefined` target at the match itself when nothing is found).
    pub fn targets<'v>(&self, value: &'v Value) -> Vec<Target<'v>> {
        let mut out = Vec::new();
        match (self, value) {
            (_, Value::Object(_) | Value::Array(_)) => match self {
                Field::Keys => match value {
                    Value::Object(m) => out.extend(m.keys().map(|k| Target {
                        path: vec![Segment::Key(k.clone())],
                        value: Some(Cow::Owned(Value::String(k.clone()))),
                    })),
                    Value::Array(a) => out.extend((0..a.len()).map(|i| Target {
                        path: vec![Segment::Index(i)],
                        value: Some(Cow::Owned(Value::String(i.to_string()))),
                    })),
                    _ => {}
                },
                Field::Path(p) => out.extend(p.select(value).into_iter().map(|m| Target {
                    path: m.path,
                    value: Some(m.value),
                })),
                Field::Property(names) => {
                    let mut path = Vec::with_capacity(names.len());
                    let mut cur = Some(value);
                    for n in names {
                        let (seg, next) = match cur {
                            Some(Value::Array(a)) => match array_index(n) {
                                Some(i) => (Segment::Index(i), a.get(i)),
                                None => (Segment::Key(n.clone()), None),
                            },
                            Some(Value::Object(m)) => (Segment::Key(n.clone()), m.get(n)),
                            _ => (Segment::Key(n.clone()), None),
                        };
                        path.push(seg);
                        cur = next;
                    }
                    out.push(Target {
                        path,
                        value: cur.map(Cow::Borrowed),
                    });
                }
            },
            _ => out.push(Target {
                path: Vec::new(),
                value: Some(Cow::Borrowed(value)),
            }),
        }
        if out.is_empty() {
            out.push(Target {
                path: Vec::new(),
                value: None,
            });
        }
        out
    }
}

/// lodash's `toPath`: `a.b`, `a[0]`, `a['x.y']`, `a["x"]`.
fn to_path(s: &str) -> Result<Vec<String>, ParseError> {
    let mut out = Vec::new();
    let mut rest = s;
    let mut pos = 0;
    if rest.starts_with('.') {
        out.push(String::new());
    }
    while !rest.is_empty() {
        let at = pos;
        let consumed;
        if let Some(r) = rest.strip_prefix('[') {
            match r.chars().next() {
                Some(q @ ('\'' | '"')) => {
                    let body = &r[1..];
                    let mut name = String::new();
                    let mut end = None;
                    let mut chars = body.char_indices();
                    while let Some((i, c)) = chars.next() {
                        match c {
                            '\\' => {
                                if let Some((_, e)) = chars.next() {
                                    name.push(e);
                                }
                            }
                            c if c == q && body[i + 1..].starts_with(']') => {
                                end = Some(i);
                                break;
                            }
                            c => name.push(c),
                        }
                    }
                    let Some(end) = end else {
                        return Err(ParseError::new("unterminated quoted name in a field", at));
                    };
                    out.push(name);
                    consumed = 1 + 1 + end + 2;
                }
                _ => {
                    let Some(end) = r.find(']') else {
                        return Err(ParseError::new("unterminated '[' in a field", at));
                    };
                    out.push(r[..end].to_owned());
                    consumed = 1 + end + 1;
                }
            }
        } else if let Some(after) = rest.strip_prefix('.') {
            consumed = 1;
            if after.starts_with('.') || after.is_empty() {
                out.push(String::new());
            }
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out.push(rest[..end].to_owned());
            consumed = end;
        }
        rest = &rest[consumed..];
        pos += consumed;
    }
    Ok(out)
}
