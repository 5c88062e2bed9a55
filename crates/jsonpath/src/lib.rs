//! JSONPath as Spectral 6 evaluates a ruleset rule's `given`, so that Portico reports the
//! same matches as Spectral for `spectral:oas`, `spectral:asyncapi`, the OWASP ruleset and
//! companies' own rulesets. Spectral runs `given` through nimma (falling back to
//! jsonpath-plus for what nimma cannot compile); no Rust crate knows their filter
//! extensions (`@property`, `@parent`, JavaScript expressions), hence this crate.
//!
//! Two evaluators: [`Path::select`] (one path, step by step, the reference) and
//! [`PathSet::visit`] (many paths, one depth-first walk of the document, compiled to
//! automata over the walk's path like nimma does — the fast one: every `given` of
//! spectral:oas, spectral:asyncapi and OWASP on Stripe's 6 MB spec in one walk of ~20 ms,
//! where nimma takes ~700 ms). They give the same matches. [`Field`] resolves a rule's
//! `then.field` (`@key`, `$...`, `a.b`) against a match as Spectral does.
//!
//! ```
//! use portico_jsonpath::{Path, PathSet};
//! let doc = serde_json::json!({"paths": {"/a": {"get": {}, "x-foo": 1}}});
//! let ops = Path::parse("$.paths[*][?(@property === 'get' || @property === 'put')]").unwrap();
//! assert_eq!(ops.select(&doc).len(), 1);
//! let set = PathSet::new(vec![ops, Path::parse("$.paths.*~").unwrap()]);
//! set.visit(&doc, |i, path, value| println!("{i} {path:?} {value}"));
//! ```
//!
//! # Grammar
//!
//! ```text
//! path      = "$" step* ["~"]
//! step      = "." name | "." "*" | "." bracket      ($.channels.*.[publish,subscribe])
//!           | ".." name | ".." "*" | ".." bracket    (recursive descent)
//!           | bracket
//!           | "^"                                     (parent of what the path selected)
//! bracket   = "[" "*" "]" | "[?(" filter ")]" | "[" item ("," item)* "]"
//! item      = 'name' | "name" (with escapes) | bare-name | integer | [start]:[end][:step]
//! name      = any characters but  . [ ] ^ ~ , ( ) ' " ? * @ and white space
//! ```
//!
//! * `~` (last) selects property names: the match's value is the key (a string, or a
//!   number for array elements), its path the key's path.
//! * Names and integers are the same selector, as in JavaScript: `[0]`, `['0']` and `.0`
//!   select element 0 of an array and member `"0"` of an object; `[429]` selects the
//!   `"429"` response. `[-1]` selects member `"-1"` of an object and nothing of an array:
//!   neither nimma nor jsonpath-plus counts from the end (slices do: `[-1:]`).
//! * Slices `[start:end:step]` count negative bounds from the end; `step` must be positive.
//! * Results are in document order, each location once: Spectral reports a location once
//!   per rule (nimma emits `^` parents once per child; Spectral de-duplicates its results).
//! * Spectral runs nothing but `$` on a document that is not an object or an array; here
//!   a scalar root simply has no children.
//!
//! # Filters `[?(expression)]`
//!
//! Applied to each child (array element or object member) of the current node:
//!
//! * `@` the child, `@property` its key (string, or number for array elements),
//!   `@path` its path as nimma prints it (`$['paths']['/users']['get'][0]`, keys always
//!   quoted — jsonpath-plus would print a numeric key unquoted), `@root` / `$` the document.
//! * `@parent` and `@parentProperty` as both engines define them: `@parentProperty` is the
//!   key of the node holding the child, and `@parent` is the node holding *that* one (the
//!   child's grandparent); both are `undefined` for children of the root.
//! * nimma's type shorthands `@null`, `@scalar`, `@array`, `@object`, `@integer`, and
//!   jsonpath-plus's `@string`, `@number`, `@boolean`.
//! * Literals: strings in single or double quotes (JavaScript escapes), numbers (also hex),
//!   `true`, `false`, `null`, `undefined`, `NaN`, `Infinity`, arrays `[...]`, regexes
//!   `/.../flags` (flags `i`, `m`, `s`; `g`, `u`, `d` accepted and ignored).
//! * Member access `@.a.b`, `@['x-y']`, `@.a[0]`, `.length` of strings and arrays,
//!   `.constructor.name` (`'Array'`, `'Object'`, ...); a missing member is `undefined`.
//! * Operators with JavaScript's semantics and precedence: `===` `!==` (strict), `==` `!=`
//!   (loose: `null == undefined`, `'5' == 5`), `<` `<=` `>` `>=` (strings by code unit,
//!   otherwise numbers), `+` `-` `*` `/` `%`, `&&` `||` (returning an operand; JavaScript
//!   truthiness), `!`, unary `-` `+`, `typeof`, `void`, `? :`, parentheses, and nimma's
//!   `a in [list]` (`[list].includes(a)`) and `a ~= 'regex'`.
//! * Methods: strings `match`, `startsWith`, `endsWith`, `includes`, `indexOf`,
//!   `lastIndexOf`, `toLowerCase`, `toUpperCase`, `trim`, `toString`; arrays `includes`,
//!   `indexOf`, `lastIndexOf`; regexes `test`; `Array.isArray(x)`. `@property.method(...)`
//!   converts a numeric `@property` to a string first, as nimma does.
//!
//! # Not supported (a parse error naming the position, never a silent non-match)
//!
//! * Script selectors `[(@.length-1)]`, jsonpath-plus type selectors (`@string()`),
//!   `$..` at the end, `~` anywhere but last, negative or zero slice steps, `^` above the
//!   root or after a recursive step's own `^` (`$..a^^`).
//! * In filters: other identifiers and globals, assignments, function definitions, other
//!   methods, regex features the `regex` crate lacks (look-around, back-references),
//!   the regex flag `y`.
//!
//! # Deliberate differences from Spectral
//!
//! * Where JavaScript would throw (`@.type` when `@` is `null`, `@.match(...)` on a
//!   number), Spectral aborts the whole run; here that child just does not match.
//! * `typeof`, `Array.isArray` and `@string`/`@number`/`@boolean` make Spectral 6 throw
//!   (nimma rejects them); here they work as in JavaScript.
//! * Traversal stops at [`MAX_DEPTH`].

mod expr;
mod field;
mod parse;
mod select;
mod set;

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

pub use field::{Field, Target};
pub use set::PathSet;

/// Nodes deeper than this (the root is depth 0) are neither matched nor descended into:
/// a hostile document must not exhaust the stack or the time of a lint.
pub const MAX_DEPTH: usize = 512;

/// A parsed JSONPath expression.
#[derive(Debug, Clone)]
pub struct Path {
    source: String,
    steps: Vec<Step>,
    /// Ends in `~`: report property names instead of values.
    keys: bool,
}

/// One step of a location's path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// One selected location: its path and its value (the key itself for `~` paths).
#[derive(Debug, Clone, PartialEq)]
pub struct Match<'v> {
    pub path: Vec<Segment>,
    pub value: Cow<'v, Value>,
}

/// Why a path or filter was rejected, and where (byte offset into the expression).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub offset: usize,
}

impl ParseError {
    fn new(message: impl Into<String>, offset: usize) -> ParseError {
        ParseError {
            message: message.into(),
            offset,
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// A key on the way to a node, borrowed from the document (no allocation while walking).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum KeyRef<'v> {
    Key(&'v str),
    Index(usize),
}

impl KeyRef<'_> {
    fn to_segment(self) -> Segment {
        match self {
            KeyRef::Key(k) => Segment::Key(k.to_owned()),
            KeyRef::Index(i) => Segment::Index(i),
        }
    }

    /// The value a `~` path reports: the key, or the index as a number.
    fn to_value(self) -> Value {
        match self {
            KeyRef::Key(k) => Value::String(k.to_owned()),
            KeyRef::Index(i) => Value::from(i),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// `..`: first go down any number (zero or more) of levels.
    descend: bool,
    kind: StepKind,
}

#[derive(Debug, Clone)]
pub(crate) enum StepKind {
    /// Move to the children the selector accepts.
    Select(Selector),
    /// Stay, if the node passes (what `^` makes of the step it undoes).
    Test(Pred),
}

/// "Has a child that `sel` accepts and on which every `then` holds."
#[derive(Debug, Clone)]
pub(crate) struct Pred {
    sel: Selector,
    then: Vec<Pred>,
}

#[derive(Debug, Clone)]
pub(crate) enum Selector {
    /// A member name or array index (`index` when the name is a canonical array index).
    Name {
        name: String,
        index: Option<usize>,
    },
    Wildcard,
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: u64,
    },
    Union(Vec<Selector>),
    /// `[?(...)]`, with its source (identical filters are evaluated once per node).
    Filter(Box<expr::Expr>, String),
}

impl Path {
    /// Parses a JSONPath expression (see the crate documentation for the grammar).
    pub fn parse(source: &str) -> Result<Path, ParseError> {
        parse::parse(source)
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the path names one location: only names and indices, no wildcard, union,
    /// slice, filter, recursion, `^` or `~`.
    pub fn is_fixed(&self) -> bool {
        !self.keys && self.literal_prefix().len() == self.steps.len()
    }

    /// The names (or indices, as strings) the path starts with, before its first other step.
    pub fn literal_prefix(&self) -> Vec<&str> {
        self.steps
            .iter()
            .map_while(|s| match s {
                Step {
                    descend: false,
                    kind: StepKind::Select(Selector::Name { name, .. }),
                } => Some(name.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The locations the path selects in `root`, in document order, each once. The
    /// reference evaluator: simple, not fast; for many paths or big documents use [`PathSet`].
    pub fn select<'v>(&self, root: &'v Value) -> Vec<Match<'v>> {
        select::select(self, root)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl std::str::FromStr for Path {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Path, ParseError> {
        Path::parse(s)
    }
}

/// The children of a node with their keys, in document order.
pub(crate) fn children<'v>(v: &'v Value) -> Box<dyn Iterator<Item = (KeyRef<'v>, &'v Value)> + 'v> {
    match v {
        Value::Object(m) => Box::new(m.iter().map(|(k, v)| (KeyRef::Key(k.as_str()), v))),
        Value::Array(a) => Box::new(a.iter().enumerate().map(|(i, v)| (KeyRef::Index(i), v))),
        _ => Box::new(std::iter::empty()),
    }
}

impl Selector {
    /// Whether the selector accepts the child at the end of `ctx.keys` (`ctx.value`) of
    /// the container at the end of `ctx.parents`.
    pub(crate) fn accepts(&self, ctx: &expr::Ctx<'_, '_>) -> bool {
        let key = *ctx.keys.last().expect("a child has a key");
        match self {
            Selector::Name { name, index } => match key {
                KeyRef::Key(k) => k == name,
                KeyRef::Index(i) => *index == Some(i),
            },
            Selector::Wildcard => true,
            Selector::Slice { start, end, step } => {
                let KeyRef::Index(i) = key else { return false };
                let len = match ctx.parents.last() {
                    Some(Value::Array(a)) => a.len() as i64,
                    _ => return false,
                };
                let norm = |b: i64| if b < 0 { (b + len).max(0) } else { b.min(len) };
                let s = start.map_or(0, norm);
                let e = end.map_or(len, norm);
                let i = i as i64;
                i >= s && i < e && (i - s) % (*step as i64) == 0
            }
            Selector::Union(items) => items.iter().any(|s| s.accepts(ctx)),
            Selector::Filter(e, _) => expr::matches(e, ctx),
        }
    }
}

impl Pred {
    /// Evaluates the predicate on the last node of `parents`, pushing its children's keys
    /// and values onto the given stacks while looking at them (and popping them again).
    pub(crate) fn holds<'v>(
        &self,
        root: &'v Value,
        parents: &mut Vec<&'v Value>,
        keys: &mut Vec<KeyRef<'v>>,
    ) -> bool {
        let node = *parents.last().expect("a predicate applies to a node");
        if parents.len() > MAX_DEPTH {
            return false;
        }
        for (k, child) in children(node) {
            keys.push(k);
            let ok = {
                let ctx = expr::Ctx {
                    root,
                    parents,
                    keys,
                    value: child,
                };
                self.sel.accepts(&ctx)
            } && {
                parents.push(child);
                let ok = self.then.iter().all(|p| p.holds(root, parents, keys));
                parents.pop();
                ok
            };
            keys.pop();
            if ok {
                return true;
            }
        }
        false
    }
}
