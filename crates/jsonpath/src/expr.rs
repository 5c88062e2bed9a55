//! Filter expressions (`[?(...)]`): a small JavaScript subset, parsed once and interpreted
//! with JavaScript's semantics for the values a JSON document holds.

use std::borrow::Cow;
use std::cmp::Ordering;

use regex::Regex;
use serde_json::Value;

use crate::{KeyRef, ParseError};

/// Deepest nesting of parentheses, brackets and operators a filter may have: the parser
/// recurses, and a hostile ruleset must not overflow the stack.
const MAX_NESTING: usize = 64;

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    Lit(Lit),
    /// `@`
    Current,
    /// `@root` or `$`
    Root,
    /// `@property`
    Property,
    /// `@parent`
    Parent,
    /// `@parentProperty`
    ParentProperty,
    /// `@path`
    PathString,
    /// `@null`, `@string`, ... (nimma's and jsonpath-plus's type shorthands)
    TypeTest(TypeTest),
    Member(Box<Expr>, String),
    Computed(Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Method, Vec<Expr>),
    IsArray(Box<Expr>),
    Regex(Box<JsRegex>),
    Array(Vec<Expr>),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `a in b` as nimma rewrites it: `b.includes(a)`.
    In(Box<Expr>, Box<Expr>),
    /// `a ~= 'regex'` (nimma): the regex tests `String(a)`.
    RegexTest(Box<Expr>, Box<JsRegex>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone)]
pub(crate) enum Lit {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum TypeTest {
    Null,
    Scalar,
    Array,
    Object,
    Integer,
    String,
    Number,
    Boolean,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Method {
    Match,
    Test,
    StartsWith,
    EndsWith,
    Includes,
    IndexOf,
    LastIndexOf,
    ToLowerCase,
    ToUpperCase,
    Trim,
    ToString,
}

impl Method {
    fn from_name(name: &str) -> Option<Method> {
        Some(match name {
            "match" => Method::Match,
            "test" => Method::Test,
            "startsWith" => Method::StartsWith,
            "endsWith" => Method::EndsWith,
            "includes" => Method::Includes,
            "indexOf" => Method::IndexOf,
            "lastIndexOf" => Method::LastIndexOf,
            "toLowerCase" => Method::ToLowerCase,
            "toUpperCase" => Method::ToUpperCase,
            "trim" => Method::Trim,
            "toString" => Method::ToString,
            _ => return None,
        })
    }

    fn is_string_method(self) -> bool {
        self != Method::Test
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum UnOp {
    Not,
    Neg,
    Plus,
    TypeOf,
    Void,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum BinOp {
    LooseEq,
    LooseNe,
    StrictEq,
    StrictNe,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// A JavaScript regular expression literal, translated for the `regex` crate.
#[derive(Debug, Clone)]
pub(crate) struct JsRegex {
    regex: Regex,
    source: String,
    flags: String,
}

impl JsRegex {
    /// Translates what differs between JavaScript (without the `u` flag) and `regex`:
    /// `\d`, `\w` and `\b` are ASCII in JavaScript, Unicode in `regex`.
    pub(crate) fn new(source: &str, flags: &str) -> Result<JsRegex, String> {
        let mut prefix = String::new();
        for f in flags.chars() {
            match f {
                'i' => prefix.push('i'),
                'm' => prefix.push('m'),
                's' => prefix.push('s'),
                'g' | 'u' | 'd' => {}
                _ => return Err(format!("unsupported regex flag '{f}'")),
            }
        }
        let mut out = String::with_capacity(source.len() + 8);
        if !prefix.is_empty() {
            out.push_str("(?");
            out.push_str(&prefix);
            out.push(')');
        }
        let mut in_class = false;
        let mut chars = source.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let Some(e) = chars.next() else {
                        return Err("regex ends with a backslash".into());
                    };
                    let class_body = match e {
                        'd' => Some("0-9"),
                        'w' => Some("A-Za-z0-9_"),
                        _ => None,
                    };
                    match (e, class_body) {
                        (_, Some(body)) if in_class => out.push_str(body),
                        (_, Some(body)) => {
                            out.push('[');
                            out.push_str(body);
                            out.push(']');
                        }
                        ('D', _) if !in_class => out.push_str("[^0-9]"),
                        ('W', _) if !in_class => out.push_str("[^A-Za-z0-9_]"),
                        ('b', _) if !in_class => out.push_str("(?-u:\\b)"),
                        ('B', _) if !in_class => out.push_str("(?-u:\\B)"),
                        ('/', _) => out.push('/'),
                        ('-', _) => out.push_str("\\-"),
                        _ => {
                            out.push('\\');
                            out.push(e);
                        }
                    }
                }
                '[' if !in_class => {
                    in_class = true;
                    out.push('[');
                    // JavaScript's `[^]` matches anything; `[]` matches nothing.
                    if chars.as_str().starts_with("^]") {
                        chars.next();
                        chars.next();
                        out.push_str("\\s\\S]");
                        in_class = false;
                    } else if chars.as_str().starts_with(']') {
                        chars.next();
                        out.push_str("^\\s\\S]");
                        in_class = false;
                    } else if chars.as_str().starts_with('^') {
                        chars.next();
                        out.push('^');
                    }
                }
                '[' => out.push_str("\\["),
                ']' if in_class => {
                    in_class = false;
                    out.push(']');
                }
                '&' | '~' if in_class => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        let regex = Regex::new(&out).map_err(|e| format!("unsupported regex /{source}/: {e}"))?;
        Ok(JsRegex {
            regex,
            source: source.to_owned(),
            flags: flags.to_owned(),
        })
    }
}

// ---------------------------------------------------------------- parsing

pub(crate) struct ExprParser<'s> {
    src: &'s str,
    pos: usize,
    depth: usize,
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$' || c == '@'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '@'
}

impl<'s> ExprParser<'s> {
    /// Parses one expression starting at byte `pos` of `src`; stops before the first
    /// character that cannot continue it (the filter's closing `)`).
    pub(crate) fn parse(src: &'s str, pos: usize) -> Result<(Expr, usize), ParseError> {
        let mut p = ExprParser { src, pos, depth: 0 };
        let e = p.ternary()?;
        p.ws();
        Ok((e, p.pos))
    }

    fn err<T>(&self, at: usize, msg: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError::new(msg, at))
    }

    fn found(&self) -> String {
        match self.peek() {
            Some(c) => format!("'{c}'"),
            None => "the end of the expression".into(),
        }
    }

    fn rest(&self) -> &'s str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn ws(&mut self) {
        let t = self.rest().trim_start();
        self.pos = self.src.len() - t.len();
    }

    fn eat(&mut self, s: &str) -> bool {
        self.ws();
        if self.rest().starts_with(s) {
            self.pos += s.len();
            true
        } else {
            false
        }
    }

    /// Eats an operator that must not be the prefix of a longer one (`=` of `==`).
    fn eat_op(&mut self, op: &str, not_followed_by: &[char]) -> bool {
        self.ws();
        let r = self.rest();
        if r.starts_with(op) && !r[op.len()..].starts_with(not_followed_by) {
            self.pos += op.len();
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        self.ws();
        let r = self.rest();
        if r.starts_with(w) && !r[w.len()..].starts_with(is_ident_char) {
            self.pos += w.len();
            true
        } else {
            false
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return self.err(
                self.pos,
                format!("filter nests deeper than {MAX_NESTING} levels"),
            );
        }
        Ok(())
    }

    fn ternary(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        let cond = self.or()?;
        let e = if self.eat_op("?", &[]) {
            let a = self.ternary()?;
            if !self.eat(":") {
                let f = self.found();
                return self.err(
                    self.pos,
                    format!("expected ':' of a conditional, found {f}"),
                );
            }
            let b = self.ternary()?;
            Expr::Cond(Box::new(cond), Box::new(a), Box::new(b))
        } else {
            cond
        };
        self.depth -= 1;
        Ok(e)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.and()?;
        while self.eat("||") {
            let r = self.and()?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.equality()?;
        while self.eat("&&") {
            let r = self.equality()?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn equality(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.relational()?;
        loop {
            let op = if self.eat("===") {
                BinOp::StrictEq
            } else if self.eat("!==") {
                BinOp::StrictNe
            } else if self.eat("==") {
                BinOp::LooseEq
            } else if self.eat("!=") {
                BinOp::LooseNe
            } else {
                return Ok(l);
            };
            let r = self.relational()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
    }

    fn relational(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.additive()?;
        loop {
            let op = if self.eat("<=") {
                BinOp::Le
            } else if self.eat(">=") {
                BinOp::Ge
            } else if self.eat_op("<", &['<']) {
                BinOp::Lt
            } else if self.eat_op(">", &['>']) {
                BinOp::Gt
            } else {
                return Ok(l);
            };
            let r = self.additive()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.multiplicative()?;
        loop {
            let op = if self.eat_op("+", &['+', '=']) {
                BinOp::Add
            } else if self.eat_op("-", &['-', '=']) {
                BinOp::Sub
            } else {
                return Ok(l);
            };
            let r = self.multiplicative()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.membership()?;
        loop {
            let op = if self.eat_op("*", &['*', '=']) {
                BinOp::Mul
            } else if self.eat_op("/", &['=']) {
                BinOp::Div
            } else if self.eat_op("%", &['=']) {
                BinOp::Rem
            } else {
                return Ok(l);
            };
            let r = self.membership()?;
            l = Expr::Binary(op, Box::new(l), Box::new(r));
        }
    }

    /// nimma's `in` and `~=` bind tighter than arithmetic (jsep precedences 12 and 20).
    fn membership(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.regex_test()?;
        while self.eat_word("in") {
            let r = self.regex_test()?;
            l = Expr::In(Box::new(l), Box::new(r));
        }
        Ok(l)
    }

    fn regex_test(&mut self) -> Result<Expr, ParseError> {
        let mut l = self.unary()?;
        loop {
            self.ws();
            let at = self.pos;
            if !self.eat("~=") {
                return Ok(l);
            }
            self.ws();
            let lit_at = self.pos;
            let Some(q @ ('\'' | '"')) = self.peek() else {
                let f = self.found();
                return self.err(
                    lit_at,
                    format!("'~=' needs a string literal on its right, found {f}"),
                );
            };
            self.pos += 1;
            let s = self.string_body(q)?;
            let re = JsRegex::new(&s, "").map_err(|m| ParseError::new(m, at))?;
            l = Expr::RegexTest(Box::new(l), Box::new(re));
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.ws();
        let op = if self.eat_op("!", &['=']) {
            UnOp::Not
        } else if self.eat_op("-", &['-']) {
            UnOp::Neg
        } else if self.eat_op("+", &['+']) {
            UnOp::Plus
        } else if self.eat_word("typeof") {
            UnOp::TypeOf
        } else if self.eat_word("void") {
            UnOp::Void
        } else {
            return self.postfix();
        };
        self.enter()?;
        let arg = self.unary()?;
        self.depth -= 1;
        Ok(Expr::Unary(op, Box::new(arg)))
    }

    fn postfix(&mut self) -> Result<Expr, ParseError> {
        let mut e = self.primary()?;
        loop {
            self.ws();
            if self.rest().starts_with('.')
                && !self.rest()[1..].starts_with(|c: char| c.is_ascii_digit())
            {
                self.pos += 1;
                self.ws();
                let at = self.pos;
                let name = self.ident();
                if name.is_empty() || name.starts_with('@') {
                    let f = self.found();
                    return self.err(at, format!("expected a property name after '.', found {f}"));
                }
                self.ws();
                if self.rest().starts_with('(') {
                    let Some(m) = Method::from_name(name) else {
                        return self.err(at, format!("unsupported method '{name}'"));
                    };
                    self.pos += 1;
                    let args = self.args()?;
                    e = Expr::Call(Box::new(e), m, args);
                } else {
                    e = Expr::Member(Box::new(e), name.to_owned());
                }
            } else if self.rest().starts_with('[') {
                self.pos += 1;
                self.enter()?;
                let k = self.ternary()?;
                self.depth -= 1;
                if !self.eat("]") {
                    let f = self.found();
                    return self.err(self.pos, format!("expected ']', found {f}"));
                }
                e = Expr::Computed(Box::new(e), Box::new(k));
            } else if self.rest().starts_with('(') {
                return self.err(self.pos, "only the listed methods can be called");
            } else {
                return Ok(e);
            }
        }
    }

    /// Arguments after the opening parenthesis, up to and including the closing one.
    fn args(&mut self) -> Result<Vec<Expr>, ParseError> {
        let mut args = Vec::new();
        if self.eat(")") {
            return Ok(args);
        }
        self.enter()?;
        loop {
            args.push(self.ternary()?);
            if self.eat(")") {
                break;
            }
            if !self.eat(",") {
                let f = self.found();
                return self.err(
                    self.pos,
                    format!("expected ',' or ')' in arguments, found {f}"),
                );
            }
        }
        self.depth -= 1;
        Ok(args)
    }

    fn ident(&mut self) -> &'s str {
        let r = self.rest();
        let n = if r.starts_with(is_ident_start) {
            r.find(|c: char| !is_ident_char(c)).unwrap_or(r.len())
        } else {
            0
        };
        self.pos += n;
        &r[..n]
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.ws();
        let at = self.pos;
        let Some(c) = self.peek() else {
            return self.err(
                at,
                "expected an expression, found the end of the expression",
            );
        };
        match c {
            '(' => {
                self.pos += 1;
                self.enter()?;
                let e = self.ternary()?;
                self.depth -= 1;
                if !self.eat(")") {
                    let f = self.found();
                    return self.err(self.pos, format!("expected ')', found {f}"));
                }
                Ok(e)
            }
            '[' => {
                self.pos += 1;
                self.enter()?;
                let mut items = Vec::new();
                if !self.eat("]") {
                    loop {
                        items.push(self.ternary()?);
                        if self.eat("]") {
                            break;
                        }
                        if !self.eat(",") {
                            let f = self.found();
                            return self.err(
                                self.pos,
                                format!("expected ',' or ']' in an array, found {f}"),
                            );
                        }
                    }
                }
                self.depth -= 1;
                Ok(Expr::Array(items))
            }
            '\'' | '"' => {
                self.pos += 1;
                Ok(Expr::Lit(Lit::Str(self.string_body(c)?)))
            }
            '/' => self.regex_literal(),
            '0'..='9' | '.' => self.number(),
            c if is_ident_start(c) => {
                let name = self.ident();
                self.identifier(name, at)
            }
            _ => self.err(at, format!("expected an expression, found '{c}'")),
        }
    }

    fn identifier(&mut self, name: &str, at: usize) -> Result<Expr, ParseError> {
        Ok(match name {
            "@" => Expr::Current,
            "@root" | "$" => Expr::Root,
            "@property" => Expr::Property,
            "@parent" => Expr::Parent,
            "@parentProperty" => Expr::ParentProperty,
            "@path" => Expr::PathString,
            "@null" => Expr::TypeTest(TypeTest::Null),
            "@scalar" => Expr::TypeTest(TypeTest::Scalar),
            "@array" => Expr::TypeTest(TypeTest::Array),
            "@object" => Expr::TypeTest(TypeTest::Object),
            "@integer" => Expr::TypeTest(TypeTest::Integer),
            "@string" => Expr::TypeTest(TypeTest::String),
            "@number" => Expr::TypeTest(TypeTest::Number),
            "@boolean" => Expr::TypeTest(TypeTest::Boolean),
            "true" => Expr::Lit(Lit::Bool(true)),
            "false" => Expr::Lit(Lit::Bool(false)),
            "null" => Expr::Lit(Lit::Null),
            "undefined" => Expr::Lit(Lit::Undefined),
            "NaN" => Expr::Lit(Lit::Num(f64::NAN)),
            "Infinity" => Expr::Lit(Lit::Num(f64::INFINITY)),
            "Array" => {
                if !self.eat(".") || self.ident() != "isArray" || !self.eat("(") {
                    return self.err(at, "'Array' is only supported as Array.isArray(...)");
                }
                let mut args = self.args()?;
                if args.len() != 1 {
                    return self.err(at, "Array.isArray takes one argument");
                }
                Expr::IsArray(Box::new(args.pop().unwrap_or(Expr::Lit(Lit::Undefined))))
            }
            _ => return self.err(at, format!("unknown identifier '{name}'")),
        })
    }

    /// The body of a string literal after its opening quote, with JavaScript's escapes.
    fn string_body(&mut self, quote: char) -> Result<String, ParseError> {
        let start = self.pos - 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                self.pos += i + 1;
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'v' => out.push('\u{b}'),
                '0' => out.push('\0'),
                'x' | 'u' => {
                    let rest = chars.as_str();
                    let (hex, used) = if e == 'u' && rest.starts_with('{') {
                        let end = rest.find('}').unwrap_or(0);
                        (&rest[1..end.max(1)], end + 1)
                    } else {
                        let n = if e == 'x' { 2 } else { 4 };
                        (rest.get(..n).unwrap_or(""), n)
                    };
                    let Some(ch) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
                    else {
                        return self.err(self.pos + i, "invalid escape in a string literal");
                    };
                    out.push(ch);
                    for _ in 0..used {
                        chars.next();
                    }
                }
                other => out.push(other),
            }
        }
        self.err(start, "unterminated string literal")
    }

    fn regex_literal(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        let body = &self.rest()[1..];
        let mut in_class = false;
        let mut escaped = false;
        let mut end = None;
        for (i, c) in body.char_indices() {
            if escaped {
                escaped = false;
                continue;
            }
            match c {
                '\\' => escaped = true,
                '[' => in_class = true,
                ']' => in_class = false,
                '/' if !in_class => {
                    end = Some(i);
                    break;
                }
                '\n' => break,
                _ => {}
            }
        }
        let Some(end) = end else {
            return self.err(start, "unterminated regular expression");
        };
        let source = &body[..end];
        self.pos += 1 + end + 1;
        let flags = self.ident();
        let re = JsRegex::new(source, flags).map_err(|m| ParseError::new(m, start))?;
        Ok(Expr::Regex(Box::new(re)))
    }

    fn number(&mut self) -> Result<Expr, ParseError> {
        let at = self.pos;
        let r = self.rest();
        let lower = r.get(..2).map(str::to_ascii_lowercase);
        if let Some(radix) = match lower.as_deref() {
            Some("0x") => Some(16),
            Some("0o") => Some(8),
            Some("0b") => Some(2),
            _ => None,
        } {
            let digits: &str = {
                let d = &r[2..];
                &d[..d
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(d.len())]
            };
            let Ok(n) = u64::from_str_radix(digits, radix) else {
                return self.err(
                    at,
                    format!("invalid number literal '{}'", &r[..2 + digits.len()]),
                );
            };
            self.pos += 2 + digits.len();
            return Ok(Expr::Lit(Lit::Num(n as f64)));
        }
        let bytes = r.as_bytes();
        let mut i = 0;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
            let mut j = i + 1;
            if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                j += 1;
            }
            if j < bytes.len() && bytes[j].is_ascii_digit() {
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
                i = j;
            }
        }
        let text = &r[..i];
        let Ok(n) = text.parse::<f64>() else {
            return self.err(at, format!("invalid number literal '{text}'"));
        };
        if r[i..].starts_with(is_ident_start) {
            return self.err(at + i, "identifier directly after a number");
        }
        self.pos += i;
        Ok(Expr::Lit(Lit::Num(n)))
    }
}

// ---------------------------------------------------------------- prechecks

/// What a filter being true says about `@`: that it is an object holding certain keys.
/// `PathSet` tests this on a bitmask of the child's keys before running the filter, which
/// spares most evaluations (most nodes are scalars, most objects lack the keys).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Need {
    /// Nothing known.
    Any,
    /// `@` is an object with this key.
    Key(String),
    /// `@` is an object whose member (first) is no string other than the second.
    KeyStr(String, String),
    /// `@` is an object whose member is an array or an object.
    KeyContainer(String),
    /// `@property`, as a string, is this (`@property === 'x'`, `@property == 'x'`).
    Property(String),
    And(Box<Need>, Box<Need>),
    Or(Box<Need>, Box<Need>),
}

/// Members every value answers without being an object holding them.
fn is_special_member(name: &str) -> bool {
    name == "length" || name == "constructor" || array_index(name).is_some()
}

/// The key `x` of a member chain `@.x...` (a member, index or method call of `@.x`):
/// when `@` is no object holding `x`, the chain is `undefined` (just `@.x`) or throws.
fn chain_root(e: &Expr) -> Option<(&str, bool)> {
    match e {
        Expr::Member(o, name) if matches!(**o, Expr::Current) => {
            (!is_special_member(name)).then_some((name.as_str(), true))
        }
        Expr::Computed(o, k) if matches!(**o, Expr::Current) => match &**k {
            Expr::Lit(Lit::Str(name)) if !is_special_member(name) => Some((name.as_str(), true)),
            _ => None,
        },
        Expr::Member(o, _) | Expr::Computed(o, _) | Expr::Call(o, _, _) => {
            chain_root(o).map(|(k, _)| (k, false))
        }
        _ => None,
    }
}

fn literal(e: &Expr) -> Option<JsVal<'_>> {
    match e {
        Expr::Lit(Lit::Undefined) | Expr::Unary(UnOp::Void, _) => Some(JsVal::Undefined),
        Expr::Lit(Lit::Null) => Some(JsVal::Null),
        Expr::Lit(Lit::Bool(b)) => Some(JsVal::Bool(*b)),
        Expr::Lit(Lit::Num(n)) => Some(JsVal::Num(*n)),
        Expr::Lit(Lit::Str(s)) => Some(JsVal::Str(Cow::Borrowed(s))),
        _ => None,
    }
}

/// `@.x.constructor.name === 'Array'` (either way round): only an array, or an object
/// with its own `constructor`, passes. Gives `x`.
fn constructor_is_array<'e>(l: &'e Expr, r: &'e Expr) -> Option<&'e str> {
    let (chain, lit) = match (l, r) {
        (c, Expr::Lit(Lit::Str(s))) | (Expr::Lit(Lit::Str(s)), c) => (c, s),
        _ => return None,
    };
    if lit != "Array" {
        return None;
    }
    let Expr::Member(ctor, name) = chain else {
        return None;
    };
    let Expr::Member(x, constructor) = &**ctor else {
        return None;
    };
    let Expr::Member(current, key) = &**x else {
        return None;
    };
    (name == "name"
        && constructor == "constructor"
        && matches!(**current, Expr::Current)
        && !is_special_member(key))
    .then_some(key.as_str())
}

/// What a filter reads of where its node sits, beyond the node, its key, its members
/// and the root: a walk may replay its matches below a shared subtree only where these
/// are the same.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ContextReads {
    /// `@parent`: the value two levels up.
    pub parent: bool,
    /// `@parentProperty`: the key one level up.
    pub parent_property: bool,
    /// `@path`: every key from the root.
    pub path: bool,
}

impl ContextReads {
    pub(crate) fn union(self, other: ContextReads) -> ContextReads {
        ContextReads {
            parent: self.parent || other.parent,
            parent_property: self.parent_property || other.parent_property,
            path: self.path || other.path,
        }
    }
}

/// The [`ContextReads`] of a filter expression.
pub(crate) fn context_reads(e: &Expr) -> ContextReads {
    let mut reads = ContextReads::default();
    let mut stack = vec![e];
    while let Some(e) = stack.pop() {
        match e {
            Expr::Parent => reads.parent = true,
            Expr::ParentProperty => reads.parent_property = true,
            Expr::PathString => reads.path = true,
            Expr::Lit(_)
            | Expr::Current
            | Expr::Root
            | Expr::Property
            | Expr::TypeTest(_)
            | Expr::Regex(_) => {}
            Expr::Member(o, _) | Expr::IsArray(o) | Expr::Unary(_, o) | Expr::RegexTest(o, _) => {
                stack.push(o)
            }
            Expr::Computed(a, b)
            | Expr::Binary(_, a, b)
            | Expr::In(a, b)
            | Expr::And(a, b)
            | Expr::Or(a, b) => {
                stack.push(a);
                stack.push(b);
            }
            Expr::Call(o, _, args) => {
                stack.push(o);
                stack.extend(args);
            }
            Expr::Array(items) => stack.extend(items),
            Expr::Cond(a, b, c) => stack.extend([&**a, &**b, &**c]),
        }
    }
    reads
}

pub(crate) fn need(e: &Expr) -> Need {
    match e {
        Expr::And(a, b) => match (need(a), need(b)) {
            (Need::Any, n) | (n, Need::Any) => n,
            (a, b) => Need::And(Box::new(a), Box::new(b)),
        },
        Expr::Or(a, b) => match (need(a), need(b)) {
            (Need::Any, _) | (_, Need::Any) => Need::Any,
            (a, b) => Need::Or(Box::new(a), Box::new(b)),
        },
        Expr::Member(..) | Expr::Computed(..) | Expr::Call(..) => {
            chain_root(e).map_or(Need::Any, |(k, _)| Need::Key(k.to_owned()))
        }
        Expr::Binary(BinOp::StrictEq | BinOp::LooseEq, l, r)
            if matches!(
                (&**l, &**r),
                (Expr::Property, Expr::Lit(Lit::Str(_))) | (Expr::Lit(Lit::Str(_)), Expr::Property)
            ) =>
        {
            match (&**l, &**r) {
                (_, Expr::Lit(Lit::Str(s))) | (Expr::Lit(Lit::Str(s)), _) => {
                    Need::Property(s.clone())
                }
                _ => Need::Any,
            }
        }
        Expr::Binary(BinOp::StrictEq | BinOp::LooseEq, l, r)
            if constructor_is_array(l, r).is_some() =>
        {
            Need::KeyContainer(constructor_is_array(l, r).unwrap_or_default().to_owned())
        }
        Expr::Binary(op, l, r) => {
            let (chain, lit, swapped) = match (chain_root(l), chain_root(r)) {
                (Some(c), None) => (c, literal(r), false),
                (None, Some(c)) => (c, literal(l), true),
                _ => return Need::Any,
            };
            let Some(lit) = lit else { return Need::Any };
            let (key, direct) = chain;
            if !direct {
                // A longer chain throws when `@.x` is missing.
                return Need::Key(key.to_owned());
            }
            let result = if swapped {
                binary(*op, lit.clone(), JsVal::Undefined)
            } else {
                binary(*op, JsVal::Undefined, lit.clone())
            };
            match (op, lit) {
                _ if truthy(&result) => Need::Any,
                // Only that string, or a value that is no string, can be (loosely) equal.
                (BinOp::StrictEq | BinOp::LooseEq, JsVal::Str(s)) => {
                    Need::KeyStr(key.to_owned(), s.into_owned())
                }
                _ => Need::Key(key.to_owned()),
            }
        }
        _ => Need::Any,
    }
}

// ---------------------------------------------------------------- evaluation

/// A JavaScript value as the interpreter sees it. Arrays and objects of the document are
/// borrowed; arrays made by the expression (literals, `match` results) are owned.
#[derive(Debug, Clone)]
pub(crate) enum JsVal<'v> {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(Cow<'v, str>),
    /// An array or object of the document (never a scalar).
    Json(&'v Value),
    List(Vec<JsVal<'v>>),
    /// A built-in constructor (`x.constructor`), named for `.name`.
    Ctor(&'static str),
    Regex(&'v JsRegex),
}

/// JavaScript would throw a TypeError (member of `undefined`, calling what is no function).
#[derive(Debug)]
pub(crate) struct TypeError;

type R<'v> = Result<JsVal<'v>, TypeError>;

/// Where the filtered child sits: everything `@`-names can refer to.
pub(crate) struct Ctx<'v, 'a> {
    pub root: &'v Value,
    /// Values from the root down to the child's container: `parents.len() == keys.len()`.
    pub parents: &'a [&'v Value],
    /// Keys from the root down to the child itself.
    pub keys: &'a [KeyRef<'v>],
    pub value: &'v Value,
}

pub(crate) fn json<'v>(v: &'v Value) -> JsVal<'v> {
    match v {
        Value::Null => JsVal::Null,
        Value::Bool(b) => JsVal::Bool(*b),
        Value::Number(n) => JsVal::Num(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => JsVal::Str(Cow::Borrowed(s)),
        _ => JsVal::Json(v),
    }
}

fn key_val<'v>(k: KeyRef<'v>) -> JsVal<'v> {
    match k {
        KeyRef::Key(s) => JsVal::Str(Cow::Borrowed(s)),
        KeyRef::Index(i) => JsVal::Num(i as f64),
    }
}

/// `@path` as nimma prints it: `$['paths']['/users'][0]` (keys always quoted, unescaped).
pub(crate) fn print_path(keys: &[KeyRef<'_>]) -> String {
    let mut s = String::from("$");
    for k in keys {
        match k {
            KeyRef::Key(k) => {
                s.push_str("['");
                s.push_str(k);
                s.push_str("']");
            }
            KeyRef::Index(i) => {
                s.push('[');
                s.push_str(&i.to_string());
                s.push(']');
            }
        }
    }
    s
}

pub(crate) fn truthy(v: &JsVal<'_>) -> bool {
    match v {
        JsVal::Undefined | JsVal::Null => false,
        JsVal::Bool(b) => *b,
        JsVal::Num(n) => *n != 0.0 && !n.is_nan(),
        JsVal::Str(s) => !s.is_empty(),
        _ => true,
    }
}

/// Runs a filter on one child; an expression JavaScript would throw on does not match.
pub(crate) fn matches(e: &Expr, ctx: &Ctx<'_, '_>) -> bool {
    eval(e, ctx).is_ok_and(|v| truthy(&v))
}

fn eval<'v>(e: &'v Expr, ctx: &Ctx<'v, '_>) -> R<'v> {
    Ok(match e {
        Expr::Lit(l) => match l {
            Lit::Undefined => JsVal::Undefined,
            Lit::Null => JsVal::Null,
            Lit::Bool(b) => JsVal::Bool(*b),
            Lit::Num(n) => JsVal::Num(*n),
            Lit::Str(s) => JsVal::Str(Cow::Borrowed(s)),
        },
        Expr::Current => json(ctx.value),
        Expr::Root => json(ctx.root),
        Expr::Property => ctx.keys.last().map_or(JsVal::Undefined, |k| key_val(*k)),
        Expr::Parent => match ctx.parents.len() {
            n if n >= 2 => json(ctx.parents[n - 2]),
            _ => JsVal::Undefined,
        },
        Expr::ParentProperty => match ctx.keys.len() {
            n if n >= 2 => key_val(ctx.keys[n - 2]),
            _ => JsVal::Undefined,
        },
        Expr::PathString => JsVal::Str(Cow::Owned(print_path(ctx.keys))),
        Expr::TypeTest(t) => JsVal::Bool(type_test(*t, ctx.value)),
        Expr::Member(o, name) => member(eval(o, ctx)?, name)?,
        Expr::Computed(o, k) => {
            let o = eval(o, ctx)?;
            let k = eval(k, ctx)?;
            member(o, &to_string(&k))?
        }
        Expr::Call(recv, m, args) => {
            let mut r = eval(recv, ctx)?;
            // nimma rewrites `@property.method(...)` to `String(@property).method(...)`.
            if matches!(**recv, Expr::Property) && m.is_string_method() {
                r = JsVal::Str(Cow::Owned(to_string(&r)));
            }
            let mut a = Vec::with_capacity(args.len());
            for x in args {
                a.push(eval(x, ctx)?);
            }
            call(r, *m, a)?
        }
        Expr::IsArray(x) => JsVal::Bool(matches!(
            eval(x, ctx)?,
            JsVal::Json(Value::Array(_)) | JsVal::List(_)
        )),
        Expr::Regex(r) => JsVal::Regex(r),
        Expr::Array(items) => {
            let mut v = Vec::with_capacity(items.len());
            for x in items {
                v.push(eval(x, ctx)?);
            }
            JsVal::List(v)
        }
        Expr::Unary(op, x) => {
            let v = eval(x, ctx)?;
            match op {
                UnOp::Not => JsVal::Bool(!truthy(&v)),
                UnOp::Neg => JsVal::Num(-to_number(&v)),
                UnOp::Plus => JsVal::Num(to_number(&v)),
                UnOp::Void => JsVal::Undefined,
                UnOp::TypeOf => JsVal::Str(Cow::Borrowed(type_of(&v))),
            }
        }
        Expr::Binary(op, l, r) => binary(*op, eval(l, ctx)?, eval(r, ctx)?),
        Expr::In(l, r) => {
            let l = eval(l, ctx)?;
            call(eval(r, ctx)?, Method::Includes, vec![l])?
        }
        Expr::RegexTest(l, re) => JsVal::Bool(re.regex.is_match(&to_string(&eval(l, ctx)?))),
        Expr::And(l, r) => {
            let l = eval(l, ctx)?;
            if truthy(&l) { eval(r, ctx)? } else { l }
        }
        Expr::Or(l, r) => {
            let l = eval(l, ctx)?;
            if truthy(&l) { l } else { eval(r, ctx)? }
        }
        Expr::Cond(c, a, b) => {
            if truthy(&eval(c, ctx)?) {
                eval(a, ctx)?
            } else {
                eval(b, ctx)?
            }
        }
    })
}

fn type_test(t: TypeTest, v: &Value) -> bool {
    match t {
        TypeTest::Null => v.is_null(),
        TypeTest::Scalar => !v.is_array() && !v.is_object(),
        TypeTest::Array => v.is_array(),
        TypeTest::Object => v.is_array() || v.is_object(),
        TypeTest::Integer => v
            .as_f64()
            .is_some_and(|n| n.fract() == 0.0 && n.is_finite()),
        TypeTest::String => v.is_string(),
        TypeTest::Number => v.is_number(),
        TypeTest::Boolean => v.is_boolean(),
    }
}

fn type_of(v: &JsVal<'_>) -> &'static str {
    match v {
        JsVal::Undefined => "undefined",
        JsVal::Bool(_) => "boolean",
        JsVal::Num(_) => "number",
        JsVal::Str(_) => "string",
        JsVal::Ctor(_) => "function",
        JsVal::Null | JsVal::Json(_) | JsVal::List(_) | JsVal::Regex(_) => "object",
    }
}

/// A canonical array index (`"0"`, `"12"`, not `"01"` or `"-1"`), as JavaScript reads one.
pub(crate) fn array_index(s: &str) -> Option<usize> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

fn member<'v>(o: JsVal<'v>, name: &str) -> R<'v> {
    Ok(match o {
        JsVal::Undefined | JsVal::Null => return Err(TypeError),
        JsVal::Json(Value::Object(m)) => match m.get(name) {
            Some(v) => json(v),
            None if name == "constructor" => JsVal::Ctor("Object"),
            None => JsVal::Undefined,
        },
        JsVal::Json(Value::Array(a)) => match name {
            "length" => JsVal::Num(a.len() as f64),
            "constructor" => JsVal::Ctor("Array"),
            _ => array_index(name)
                .and_then(|i| a.get(i))
                .map_or(JsVal::Undefined, json),
        },
        JsVal::List(mut a) => match name {
            "length" => JsVal::Num(a.len() as f64),
            "constructor" => JsVal::Ctor("Array"),
            _ => match array_index(name) {
                Some(i) if i < a.len() => a.swap_remove(i),
                _ => JsVal::Undefined,
            },
        },
        JsVal::Str(s) => match name {
            "length" => JsVal::Num(utf16_len(&s) as f64),
            "constructor" => JsVal::Ctor("String"),
            _ => match array_index(name) {
                Some(i) => s.encode_utf16().nth(i).map_or(JsVal::Undefined, |u| {
                    JsVal::Str(Cow::Owned(String::from_utf16_lossy(&[u])))
                }),
                None => JsVal::Undefined,
            },
        },
        JsVal::Num(_) if name == "constructor" => JsVal::Ctor("Number"),
        JsVal::Bool(_) if name == "constructor" => JsVal::Ctor("Boolean"),
        JsVal::Regex(_) if name == "constructor" => JsVal::Ctor("RegExp"),
        JsVal::Regex(r) if name == "source" => JsVal::Str(Cow::Borrowed(&r.source)),
        JsVal::Regex(r) if name == "flags" => JsVal::Str(Cow::Borrowed(&r.flags)),
        JsVal::Ctor(n) if name == "name" => JsVal::Str(Cow::Borrowed(n)),
        JsVal::Ctor(_) if name == "constructor" => JsVal::Ctor("Function"),
        _ => JsVal::Undefined,
    })
}

/// `String.prototype.match` and `RegExp.prototype.test` take a regex or make one of a string.
fn with_regex<T>(arg: Option<&JsVal<'_>>, f: impl FnOnce(&Regex) -> T) -> Result<T, TypeError> {
    match arg {
        Some(JsVal::Regex(r)) => Ok(f(&r.regex)),
        other => {
            let src = match other {
                None | Some(JsVal::Undefined) => String::new(),
                Some(v) => to_string(v),
            };
            // An invalid pattern throws a SyntaxError in JavaScript.
            let re = JsRegex::new(&src, "").map_err(|_| TypeError)?;
            Ok(f(&re.regex))
        }
    }
}

fn str_arg(args: &[JsVal<'_>], i: usize) -> String {
    args.get(i)
        .map_or_else(|| "undefined".to_owned(), to_string)
}

fn utf16_index(s: &str, byte: usize) -> f64 {
    utf16_len(&s[..byte]) as f64
}

fn call<'v>(recv: JsVal<'v>, m: Method, args: Vec<JsVal<'v>>) -> R<'v> {
    Ok(match (&recv, m) {
        (JsVal::Str(s), Method::Match) => {
            let s: &str = s;
            let caps = with_regex(args.first(), |re| {
                re.captures(s).map(|c| {
                    c.iter()
                        .map(|g| {
                            g.map_or(JsVal::Undefined, |g| {
                                JsVal::Str(Cow::Owned(g.as_str().to_owned()))
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })?;
            caps.map_or(JsVal::Null, JsVal::List)
        }
        (JsVal::Regex(r), Method::Test) => JsVal::Bool(
            r.regex.is_match(
                &args
                    .first()
                    .map_or_else(|| "undefined".to_owned(), to_string),
            ),
        ),
        (JsVal::Str(s), Method::StartsWith) => {
            JsVal::Bool(s.starts_with(str_arg(&args, 0).as_str()))
        }
        (JsVal::Str(s), Method::EndsWith) => JsVal::Bool(s.ends_with(str_arg(&args, 0).as_str())),
        (JsVal::Str(s), Method::Includes) => JsVal::Bool(s.contains(str_arg(&args, 0).as_str())),
        (JsVal::Str(s), Method::IndexOf) => JsVal::Num(
            s.find(str_arg(&args, 0).as_str())
                .map_or(-1.0, |b| utf16_index(s, b)),
        ),
        (JsVal::Str(s), Method::LastIndexOf) => JsVal::Num(
            s.rfind(str_arg(&args, 0).as_str())
                .map_or(-1.0, |b| utf16_index(s, b)),
        ),
        (JsVal::Str(s), Method::ToLowerCase) => JsVal::Str(Cow::Owned(s.to_lowercase())),
        (JsVal::Str(s), Method::ToUpperCase) => JsVal::Str(Cow::Owned(s.to_uppercase())),
        (JsVal::Str(s), Method::Trim) => JsVal::Str(Cow::Owned(s.trim().to_owned())),
        (
            JsVal::Json(Value::Array(_)) | JsVal::List(_),
            Method::Includes | Method::IndexOf | Method::LastIndexOf,
        ) => {
            let needle = args.into_iter().next().unwrap_or(JsVal::Undefined);
            let items: Vec<JsVal<'v>> = match recv {
                JsVal::Json(Value::Array(a)) => a.iter().map(json).collect(),
                JsVal::List(l) => l,
                _ => Vec::new(),
            };
            match m {
                // SameValueZero: like === except that NaN finds NaN.
                Method::Includes => JsVal::Bool(items.iter().any(|x| {
                    strict_eq(x, &needle) || matches!((x, &needle), (JsVal::Num(a), JsVal::Num(b)) if a.is_nan() && b.is_nan())
                })),
                Method::IndexOf => JsVal::Num(items.iter().position(|x| strict_eq(x, &needle)).map_or(-1.0, |i| i as f64)),
                _ => JsVal::Num(items.iter().rposition(|x| strict_eq(x, &needle)).map_or(-1.0, |i| i as f64)),
            }
        }
        (JsVal::Undefined | JsVal::Null, _) => return Err(TypeError),
        (_, Method::ToString) => JsVal::Str(Cow::Owned(to_string(&recv))),
        _ => return Err(TypeError),
    })
}

/// JavaScript's Number::toString for the numbers a document holds.
pub(crate) fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if n == 0.0 {
        "0".into()
    } else if n.abs() >= 1e21 || n.abs() < 1e-6 {
        let s = format!("{n:e}");
        match s.split_once('e') {
            Some((m, e)) if !e.starts_with('-') => format!("{m}e+{e}"),
            _ => s,
        }
    } else {
        format!("{n}")
    }
}

pub(crate) fn to_string(v: &JsVal<'_>) -> String {
    match v {
        JsVal::Undefined => "undefined".into(),
        JsVal::Null => "null".into(),
        JsVal::Bool(b) => b.to_string(),
        JsVal::Num(n) => number_to_string(*n),
        JsVal::Str(s) => s.to_string(),
        JsVal::Json(Value::Array(a)) => join(a.iter().map(json)),
        JsVal::Json(_) => "[object Object]".into(),
        JsVal::List(l) => join(l.iter().cloned()),
        JsVal::Ctor(n) => format!("function {n}() {{ [native code] }}"),
        JsVal::Regex(r) => format!("/{}/{}", r.source, r.flags),
    }
}

/// `Array.prototype.join(',')`: `null` and `undefined` print as nothing.
fn join<'v>(items: impl Iterator<Item = JsVal<'v>>) -> String {
    let mut s = String::new();
    for (i, x) in items.enumerate() {
        if i > 0 {
            s.push(',');
        }
        if !matches!(x, JsVal::Undefined | JsVal::Null) {
            s.push_str(&to_string(&x));
        }
    }
    s
}

fn string_to_number(s: &str) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return 0.0;
    }
    let lower = t.get(..2).map(str::to_ascii_lowercase);
    let radix = match lower.as_deref() {
        Some("0x") => 16,
        Some("0o") => 8,
        Some("0b") => 2,
        _ => 10,
    };
    if radix != 10 {
        return u64::from_str_radix(&t[2..], radix).map_or(f64::NAN, |n| n as f64);
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned == "Infinity" {
        return if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    // Rust also reads "inf" and "nan", JavaScript does not.
    if !unsigned.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return f64::NAN;
    }
    t.parse().unwrap_or(f64::NAN)
}

pub(crate) fn to_number(v: &JsVal<'_>) -> f64 {
    match v {
        JsVal::Undefined => f64::NAN,
        JsVal::Null => 0.0,
        JsVal::Bool(b) => f64::from(u8::from(*b)),
        JsVal::Num(n) => *n,
        JsVal::Str(s) => string_to_number(s),
        JsVal::Json(_) | JsVal::List(_) | JsVal::Ctor(_) | JsVal::Regex(_) => {
            string_to_number(&to_string(v))
        }
    }
}

/// ToPrimitive: arrays, objects and functions become their string form.
fn to_primitive<'v>(v: JsVal<'v>) -> JsVal<'v> {
    match v {
        JsVal::Json(_) | JsVal::List(_) | JsVal::Ctor(_) | JsVal::Regex(_) => {
            JsVal::Str(Cow::Owned(to_string(&v)))
        }
        p => p,
    }
}

fn is_object(v: &JsVal<'_>) -> bool {
    matches!(
        v,
        JsVal::Json(_) | JsVal::List(_) | JsVal::Ctor(_) | JsVal::Regex(_)
    )
}

pub(crate) fn strict_eq(a: &JsVal<'_>, b: &JsVal<'_>) -> bool {
    match (a, b) {
        (JsVal::Undefined, JsVal::Undefined) | (JsVal::Null, JsVal::Null) => true,
        (JsVal::Bool(x), JsVal::Bool(y)) => x == y,
        (JsVal::Num(x), JsVal::Num(y)) => x == y,
        (JsVal::Str(x), JsVal::Str(y)) => x == y,
        (JsVal::Json(x), JsVal::Json(y)) => std::ptr::eq(*x, *y),
        (JsVal::Ctor(x), JsVal::Ctor(y)) => x == y,
        (JsVal::Regex(x), JsVal::Regex(y)) => std::ptr::eq(*x, *y),
        _ => false,
    }
}

fn loose_eq(a: &JsVal<'_>, b: &JsVal<'_>) -> bool {
    use JsVal::*;
    match (a, b) {
        (Undefined | Null, Undefined | Null) => true,
        (Undefined | Null, _) | (_, Undefined | Null) => false,
        (Num(x), Str(_)) => *x == to_number(b),
        (Str(_), Num(y)) => to_number(a) == *y,
        (Bool(_), _) => loose_eq(&Num(to_number(a)), b),
        (_, Bool(_)) => loose_eq(a, &Num(to_number(b))),
        _ if is_object(a) && !is_object(b) => loose_eq(&to_primitive(a.clone()), b),
        _ if is_object(b) && !is_object(a) => loose_eq(a, &to_primitive(b.clone())),
        _ => strict_eq(a, b),
    }
}

/// Abstract relational comparison; `None` where JavaScript answers `undefined` (NaN).
fn compare(a: JsVal<'_>, b: JsVal<'_>) -> Option<Ordering> {
    let a = to_primitive(a);
    let b = to_primitive(b);
    if let (JsVal::Str(x), JsVal::Str(y)) = (&a, &b) {
        // JavaScript compares UTF-16 code units.
        return Some(x.encode_utf16().cmp(y.encode_utf16()));
    }
    to_number(&a).partial_cmp(&to_number(&b))
}

fn binary<'v>(op: BinOp, l: JsVal<'v>, r: JsVal<'v>) -> JsVal<'v> {
    match op {
        BinOp::StrictEq => JsVal::Bool(strict_eq(&l, &r)),
        BinOp::StrictNe => JsVal::Bool(!strict_eq(&l, &r)),
        BinOp::LooseEq => JsVal::Bool(loose_eq(&l, &r)),
        BinOp::LooseNe => JsVal::Bool(!loose_eq(&l, &r)),
        BinOp::Lt => JsVal::Bool(compare(l, r) == Some(Ordering::Less)),
        BinOp::Gt => JsVal::Bool(compare(l, r) == Some(Ordering::Greater)),
        BinOp::Le => JsVal::Bool(matches!(
            compare(l, r),
            Some(Ordering::Less | Ordering::Equal)
        )),
        BinOp::Ge => JsVal::Bool(matches!(
            compare(l, r),
            Some(Ordering::Greater | Ordering::Equal)
        )),
        BinOp::Add => {
            let (l, r) = (to_primitive(l), to_primitive(r));
            if matches!(l, JsVal::Str(_)) || matches!(r, JsVal::Str(_)) {
                JsVal::Str(Cow::Owned(to_string(&l) + &to_string(&r)))
            } else {
                JsVal::Num(to_number(&l) + to_number(&r))
            }
        }
        BinOp::Sub => JsVal::Num(to_number(&l) - to_number(&r)),
        BinOp::Mul => JsVal::Num(to_number(&l) * to_number(&r)),
        BinOp::Div => JsVal::Num(to_number(&l) / to_number(&r)),
        BinOp::Rem => JsVal::Num(to_number(&l) % to_number(&r)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn need_of(src: &str) -> Need {
        let (e, end) = ExprParser::parse(src, 0).expect("parses");
        assert_eq!(end, src.len());
        need(&e)
    }

    fn key(k: &str) -> Need {
        Need::Key(k.into())
    }

    #[test]
    fn prechecks_are_necessary_conditions() {
        assert_eq!(
            need_of("@ && @.type == 'array'"),
            Need::KeyStr("type".into(), "array".into())
        );
        assert_eq!(
            need_of("@.enum && @.enum.length > 0"),
            Need::And(Box::new(key("enum")), Box::new(key("enum")))
        );
        assert_eq!(
            need_of("@.a || @['b']"),
            Need::Or(Box::new(key("a")), Box::new(key("b")))
        );
        assert_eq!(
            need_of("@.type.constructor.name === 'Array'"),
            Need::KeyContainer("type".into())
        );
        assert_eq!(
            need_of("@property === '$ref'"),
            Need::Property("$ref".into())
        );
        assert_eq!(need_of("@.x !== void 0"), key("x"));
        assert_eq!(need_of("@.x.y === undefined"), key("x"), "throws without x");
        // Nothing known: true without the key, or not about `@`'s members.
        assert_eq!(need_of("@.x === undefined"), Need::Any);
        assert_eq!(need_of("!@.x"), Need::Any);
        assert_eq!(need_of("@.length > 2"), Need::Any);
        assert_eq!(need_of("@.constructor"), Need::Any);
        assert_eq!(need_of("@.a || @ === 1"), Need::Any);
        assert_eq!(need_of("@.x == null"), Need::Any, "undefined == null");
        assert_eq!(need_of("@.x != 'a'"), Need::Any);
    }

    #[test]
    fn javascript_numbers_and_strings() {
        assert_eq!(number_to_string(5.0), "5");
        assert_eq!(number_to_string(0.1), "0.1");
        assert_eq!(number_to_string(1e21), "1e+21");
        assert_eq!(number_to_string(1.5e-7), "1.5e-7");
        assert_eq!(number_to_string(-0.0), "0");
        assert!(string_to_number("inf").is_nan());
        assert_eq!(string_to_number(" 12 "), 12.0);
        assert_eq!(string_to_number(""), 0.0);
        assert_eq!(string_to_number("0x10"), 16.0);
        assert_eq!(string_to_number("-Infinity"), f64::NEG_INFINITY);
    }

    #[test]
    fn javascript_regexes() {
        let re = |s: &str, f: &str| JsRegex::new(s, f).expect("translates");
        assert!(re(r"^\d+$", "").regex.is_match("123"));
        assert!(
            !re(r"^\d+$", "").regex.is_match("١٢٣"),
            "\\d is ASCII in JavaScript"
        );
        assert!(re("^h", "i").regex.is_match("Hello"));
        assert!(re(r"a\/b", "").regex.is_match("a/b"));
        assert!(re("[^]", "").regex.is_match("\n"));
        assert!(JsRegex::new("a", "y").is_err());
        assert!(JsRegex::new("(?=a)", "").is_err());
    }
}
