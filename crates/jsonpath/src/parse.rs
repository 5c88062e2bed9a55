//! The path grammar (see the crate documentation).

use crate::expr::{ExprParser, array_index};
use crate::{ParseError, Path, Pred, Selector, Step, StepKind};

/// Characters that end a name written after `.`.
fn ends_dot_name(c: char) -> bool {
    matches!(
        c,
        '.' | '[' | ']' | '^' | '~' | ',' | '(' | ')' | '\'' | '"' | '?' | '*' | '@'
    ) || c.is_whitespace()
}

fn name(s: &str) -> Selector {
    Selector::Name {
        name: s.to_owned(),
        index: array_index(s),
    }
}

struct Parser<'s> {
    src: &'s str,
    pos: usize,
}

pub(crate) fn parse(src: &str) -> Result<Path, ParseError> {
    let mut p = Parser { src, pos: 0 };
    if !src.starts_with('$') {
        return p.err(0, format!("a path starts with '$', found {}", p.found()));
    }
    p.pos = 1;
    let mut steps: Vec<Step> = Vec::new();
    let mut keys = false;
    while let Some(c) = p.peek() {
        let at = p.pos;
        match c {
            '~' => {
                p.pos += 1;
                if p.pos < src.len() {
                    return p.err(at, "'~' (property names) must end the path");
                }
                keys = true;
            }
            '^' => {
                p.pos += 1;
                parent(&mut steps).map_err(|m| ParseError::new(m, at))?;
            }
            '[' => {
                let sel = p.bracket()?;
                steps.push(Step {
                    descend: false,
                    kind: StepKind::Select(sel),
                });
            }
            '.' => {
                let descend = p.rest().starts_with("..");
                p.pos += if descend { 2 } else { 1 };
                let sel = match p.peek() {
                    Some('[') => p.bracket()?,
                    Some('*') => {
                        p.pos += 1;
                        Selector::Wildcard
                    }
                    Some(c) if !ends_dot_name(c) => {
                        let r = p.rest();
                        let n = r.find(ends_dot_name).unwrap_or(r.len());
                        p.pos += n;
                        name(&r[..n])
                    }
                    _ => {
                        let what = if descend { "'..'" } else { "'.'" };
                        return p.err(
                            p.pos,
                            format!(
                                "expected a name, '*' or '[' after {what}, found {}",
                                p.found()
                            ),
                        );
                    }
                };
                steps.push(Step {
                    descend,
                    kind: StepKind::Select(sel),
                });
            }
            _ => {
                return p.err(
                    at,
                    format!("expected '.', '..', '[', '^' or '~', found {}", p.found()),
                );
            }
        }
    }
    Ok(Path {
        source: src.to_owned(),
        steps,
        keys,
    })
}

/// `^`: undo the last selecting step, keeping only the nodes that have such a child.
fn parent(steps: &mut Vec<Step>) -> Result<(), String> {
    let Some(sel_at) = steps
        .iter()
        .rposition(|s| matches!(s.kind, StepKind::Select(_)))
    else {
        return Err(if steps.iter().any(|s| s.descend) {
            "'^' after a recursive '^' is not supported".into()
        } else {
            "'^' goes above the root".into()
        });
    };
    if steps[sel_at + 1..].iter().any(|s| s.descend) {
        return Err("'^' after a recursive '^' is not supported".into());
    }
    let tests: Vec<Pred> = steps
        .drain(sel_at + 1..)
        .map(|s| match s.kind {
            StepKind::Test(p) => p,
            StepKind::Select(_) => unreachable!("no selecting step after the last one"),
        })
        .collect();
    let Some(Step {
        descend,
        kind: StepKind::Select(sel),
    }) = steps.pop()
    else {
        unreachable!("found above")
    };
    steps.push(Step {
        descend,
        kind: StepKind::Test(Pred { sel, then: tests }),
    });
    Ok(())
}

impl<'s> Parser<'s> {
    fn err<T>(&self, at: usize, msg: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError::new(msg, at))
    }

    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(c) => format!("'{c}'"),
            None => "the end of the path".into(),
        }
    }

    fn ws(&mut self) {
        let t = self.rest().trim_start();
        self.pos = self.src.len() - t.len();
    }

    fn expect(&mut self, c: char) -> Result<(), ParseError> {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += c.len_utf8();
            Ok(())
        } else {
            self.err(self.pos, format!("expected '{c}', found {}", self.found()))
        }
    }

    /// `[...]`, from its opening bracket to past its closing one.
    fn bracket(&mut self) -> Result<Selector, ParseError> {
        self.pos += 1;
        self.ws();
        if self.rest().starts_with('*') {
            self.pos += 1;
            self.expect(']')?;
            return Ok(Selector::Wildcard);
        }
        if self.rest().starts_with('?') {
            self.pos += 1;
            self.ws();
            if !self.rest().starts_with('(') {
                return self.err(
                    self.pos,
                    format!("expected '(' after '?', found {}", self.found()),
                );
            }
            let start = self.pos + 1;
            let (e, end) = ExprParser::parse(self.src, start)?;
            let source = self.src[start..end].trim().to_owned();
            self.pos = end;
            if self.peek() != Some(')') {
                return self.err(
                    self.pos,
                    format!("expected ')' closing the filter, found {}", self.found()),
                );
            }
            self.pos += 1;
            self.expect(']')?;
            return Ok(Selector::Filter(Box::new(e), source));
        }
        if self.rest().starts_with('(') {
            return self.err(self.pos, "script expressions '[(...)]' are not supported");
        }
        let mut items = Vec::new();
        loop {
            items.push(self.item()?);
            self.ws();
            match self.peek() {
                Some(',') => self.pos += 1,
                Some(']') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return self.err(
                        self.pos,
                        format!("expected ',' or ']', found {}", self.found()),
                    );
                }
            }
        }
        Ok(if items.len() == 1 {
            items.pop().expect("one item")
        } else {
            Selector::Union(items)
        })
    }

    /// One member of a bracket: a quoted name, a slice, or a bare name or integer.
    fn item(&mut self) -> Result<Selector, ParseError> {
        self.ws();
        let at = self.pos;
        match self.peek() {
            Some(q @ ('\'' | '"')) => {
                self.pos += 1;
                Ok(name(&self.quoted(q, at)?))
            }
            Some(_) => {
                let r = self.rest();
                let n = r.find([',', ']']).unwrap_or(r.len());
                let text = r[..n].trim_end();
                self.pos += text.len();
                if text.is_empty() {
                    return self.err(
                        at,
                        format!("expected a name, index or slice, found {}", self.found()),
                    );
                }
                if text.contains(':') {
                    return self.slice(text, at);
                }
                if let Some(bad) = text.find(['[', '(', ')', '?', '*', '\'', '"', '^', '~', '@']) {
                    let c = text[bad..].chars().next().unwrap_or(' ');
                    return self.err(at + bad, format!("unexpected '{c}' in a bracket name"));
                }
                Ok(name(text))
            }
            None => self.err(at, "unterminated '['"),
        }
    }

    fn quoted(&mut self, q: char, at: usize) -> Result<String, ParseError> {
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            if c == q {
                self.pos += i + 1;
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'r')) => out.push('\r'),
                Some((_, 'b')) => out.push('\u{8}'),
                Some((_, 'f')) => out.push('\u{c}'),
                Some((j, 'u')) => {
                    let hex = self.rest().get(j + 1..j + 5).unwrap_or("");
                    let Some(ch) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                    else {
                        return self.err(self.pos + i, "invalid \\u escape");
                    };
                    out.push(ch);
                    for _ in 0..4 {
                        chars.next();
                    }
                }
                Some((_, other)) => out.push(other),
                None => break,
            }
        }
        self.err(at, "unterminated quoted name")
    }

    fn slice(&self, text: &str, at: usize) -> Result<Selector, ParseError> {
        let parts: Vec<&str> = text.split(':').collect();
        if parts.len() > 3 {
            return self.err(
                at,
                format!("a slice has at most three parts, found '{text}'"),
            );
        }
        let int = |s: &str| -> Result<Option<i64>, ParseError> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            s.parse::<i64>().map(Some).map_err(|_| {
                ParseError::new(
                    format!("expected an integer in the slice '{text}', found '{s}'"),
                    at,
                )
            })
        };
        let start = int(parts[0])?;
        let end = int(parts[1])?;
        let step = match parts.get(2) {
            Some(s) => int(s)?.unwrap_or(1),
            None => 1,
        };
        if step <= 0 {
            return self.err(at, format!("slice step must be positive, found {step}"));
        }
        Ok(Selector::Slice {
            start,
            end,
            step: step as u64,
        })
    }
}
