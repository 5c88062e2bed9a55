//! Comparing two schemas, resolved through `$ref` and cycle-safe, in the direction the
//! data travels: down properties, items, `allOf` (flattened, as inheritance reads),
//! `oneOf`/`anyOf` alternatives, and every validation keyword. A narrowing is breaking
//! for what consumers send, a widening for what they receive (see the pair rules).

mod bounds;
mod composition;
mod keywords;
mod types;
mod values;
mod view;

use std::sync::LazyLock;

use serde_json::{Map, Value};

use super::differ::{Differ, FastMap, FastSet, Id, Node, Report};
use super::report::{Direction, Group};
use crate::json::member;
pub(crate) use keywords::capitalize;
use view::View;

/// Reports a change found by the pair of rules `request-{base}` / `response-{base}`.
macro_rules! pair {
    ($differ:expr, $base:literal, $report:expr, $capped:expr) => {
        $differ.report_pair(
            concat!("request-", $base),
            concat!("response-", $base),
            $report,
            $capped,
        )
    };
}
pub(crate) use pair;

/// Where a schema is used: which way its data travels and how to name it.
pub(crate) struct Usage<'s> {
    /// `Sends`, `Receives` or `Both`.
    pub flow: Direction,
    /// A phrase naming the place (`the request body of \`POST /orders\``).
    pub context: &'s str,
    pub group: &'s Group,
}

/// Where the walk is inside the schema.
#[derive(Clone)]
struct Walk {
    /// Dotted property path from the schema's root (`items[]`, `map.*` for arrays and
    /// additional properties); empty at the root.
    path: String,
    /// Changes here are informational: a read-only property in what consumers send, a
    /// write-only one in what they receive.
    capped: bool,
    depth: usize,
}

/// Deepest nesting compared; deeper differences are not reported.
const MAX_DEPTH: usize = 48;

static EMPTY: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));

/// An empty schema (anything) standing where a schema is missing.
fn empty_at<'a>(at: &Node<'a>) -> Node<'a> {
    at.stand_in(&EMPTY)
}

/// Whether a schema accepts anything (`{}` or `true`).
fn is_trivial(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Object(map) => map.keys().all(|k| {
            matches!(k.as_str(), "description" | "title" | "example" | "examples")
                || k.starts_with("x-")
        }),
        _ => false,
    }
}

/// `the schema of X` or `property \`a.b\` in X`.
fn subject(path: &str, context: &str) -> String {
    if path.is_empty() {
        context.to_owned()
    } else {
        format!("property `{path}` in {context}")
    }
}

impl<'a> Differ<'a> {
    /// Compares the schema used at one place in both versions (either may be missing).
    pub(crate) fn compare_schemas(
        &mut self,
        old: Option<Node<'a>>,
        new: Option<Node<'a>>,
        usage: &Usage<'_>,
    ) {
        let trivial = |side: &super::differ::Side<'a>, node: &Option<Node<'a>>| {
            node.as_ref()
                .is_none_or(|n| is_trivial(side.resolve(n.clone()).value))
        };
        let (old, new) = match (trivial(&self.old, &old), trivial(&self.new, &new)) {
            (true, false) => (None, new),
            (false, true) => (old, None),
            _ => (old, new),
        };
        match (old, new) {
            (Some(old), Some(new)) => {
                let walk = Walk {
                    path: String::new(),
                    capped: false,
                    depth: 0,
                };
                self.enter_schema();
                self.walk(old, new, usage, &walk);
                self.leave_schema();
            }
            (None, Some(new)) if !is_trivial(self.new.resolve(new.clone()).value) => pair!(
                self,
                "schema-added",
                Report {
                    direction: usage.flow,
                    message: format!("A schema now constrains {}.", usage.context),
                    old: None,
                    new: Some(new.spot()),
                    group: usage.group,
                },
                false
            ),
            (Some(old), None) if !is_trivial(self.old.resolve(old.clone()).value) => pair!(
                self,
                "schema-removed",
                Report {
                    direction: usage.flow,
                    message: format!(
                        "The schema of {} was removed, so anything is accepted.",
                        usage.context
                    ),
                    old: Some(old.spot()),
                    new: None,
                    group: usage.group,
                },
                false
            ),
            _ => {}
        }
    }

    /// Whether two schemas are the same, following references on both sides (pairs of
    /// references are remembered, and a pair met again inside itself counts as equal).
    pub(crate) fn same(&mut self, old: &Node<'a>, new: &Node<'a>) -> bool {
        self.same_at((old.file, old.value), (new.file, new.value))
    }

    /// [`Differ::same`] of two values and the files they are written in.
    fn same_at(&mut self, old: (&'a str, &'a Value), new: (&'a str, &'a Value)) -> bool {
        let referenced = member(old.1, "$ref").is_some() || member(new.1, "$ref").is_some();
        if !referenced {
            return self.same_value(old, new);
        }
        let (followed_old, followed_new) =
            match (self.old.follow(old.0, old.1), self.new.follow(new.0, new.1)) {
                (Some(o), Some(n)) => (o, n),
                (o, n) => {
                    // One side is written in place: its finite tree bounds the comparison.
                    let old = o.map_or(old, |f| (f.file, f.value));
                    let new = n.map_or(new, |f| (f.file, f.value));
                    return self.same_value(old, new);
                }
            };
        let key = (Id::of(followed_old.value), Id::of(followed_new.value));
        if let Some(&known) = self.equal.get(&key) {
            return known;
        }
        self.equal.insert(key, true);
        let result = self.same_value(
            (followed_old.file, followed_old.value),
            (followed_new.file, followed_new.value),
        );
        self.equal.insert(key, result);
        result
    }

    fn same_value(&mut self, old: (&'a str, &'a Value), new: (&'a str, &'a Value)) -> bool {
        match (old.1, new.1) {
            (Value::Object(a), Value::Object(b)) => {
                // Members mostly come in the same order on both sides: matched by
                // position, looked up by name only where the order differs.
                let counterpart = |(key, other): (&String, &'a Value), wanted: &String| {
                    if key == wanted {
                        Some(other)
                    } else {
                        b.get(wanted)
                    }
                };
                if a.len() != b.len() || a.keys().zip(b).any(|(k, at)| counterpart(at, k).is_none())
                {
                    return false;
                }
                for ((key, value), at) in a.iter().zip(b) {
                    let Some(other) = counterpart(at, key) else {
                        return false;
                    };
                    let literal = matches!(
                        key.as_str(),
                        "example" | "examples" | "default" | "enum" | "const"
                    ) || key.starts_with("x-");
                    if literal {
                        if value != other {
                            return false;
                        }
                        continue;
                    }
                    if !self.same_at((old.0, value), (new.0, other)) {
                        return false;
                    }
                }
                true
            }
            (Value::Array(a), Value::Array(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|(x, y)| self.same_at((old.0, x), (new.0, y)))
            }
            (a, b) => a == b,
        }
    }

    fn walk(&mut self, old: Node<'a>, new: Node<'a>, usage: &Usage<'_>, walk: &Walk) {
        if walk.depth > MAX_DEPTH {
            return;
        }
        let (old, new) = (self.old.resolve(old), self.new.resolve(new));
        let pair = (old.id, new.id);
        if self.walking.contains(&pair) {
            return;
        }
        let done = (old.id, new.id, usage.flow, walk.capped);
        if self.walked_before(&done, walk.depth) {
            return;
        }
        // Remembered like a pair of references: the same two schemas meet again in
        // every use of the schema that holds them.
        let same = match self.equal.get(&pair) {
            Some(&known) => known,
            None => {
                self.equal.insert(pair, true);
                let same = self.same_value((old.file, old.value), (new.file, new.value));
                self.equal.insert(pair, same);
                same
            }
        };
        if same {
            return;
        }
        self.walking.insert(pair);
        self.open_walk();
        self.walk_resolved(old, new, usage, walk);
        self.close_walk(done, walk.depth);
        self.walking.remove(&pair);
    }

    fn walk_resolved(&mut self, old: Node<'a>, new: Node<'a>, usage: &Usage<'_>, walk: &Walk) {
        if let (Value::Bool(a), Value::Bool(b)) = (old.value, new.value) {
            self.boolean_schema(*a, *b, &old, &new, usage, walk);
            return;
        }
        let old_view = View::of(&self.old, old);
        let new_view = View::of(&self.new, new);
        if self.alternatives(&old_view, &new_view, usage, walk) {
            return;
        }
        self.keywords(&old_view, &new_view, usage, walk);
        self.properties(&old_view, &new_view, usage, walk);
        self.items(&old_view, &new_view, usage, walk);
        self.all_of(&old_view, &new_view, usage, walk);
    }

    fn boolean_schema(
        &mut self,
        old: bool,
        new: bool,
        at_old: &Node<'a>,
        at_new: &Node<'a>,
        usage: &Usage<'_>,
        walk: &Walk,
    ) {
        let report = Report {
            direction: usage.flow,
            message: format!(
                "The schema of {} changed from `{old}` to `{new}`.",
                subject(&walk.path, usage.context)
            ),
            old: Some(at_old.spot()),
            new: Some(at_new.spot()),
            group: usage.group,
        };
        if old && !new {
            pair!(self, "constraint-added", report, walk.capped);
        } else if !old && new {
            pair!(self, "constraint-removed", report, walk.capped);
        }
    }

    fn properties(&mut self, old: &View<'a>, new: &View<'a>, usage: &Usage<'_>, walk: &Walk) {
        let (old_props, new_props) = (old.properties(), new.properties());
        let (old_required, new_required) = (old.required(), new.required());
        let rejects_unknown = new.closed();
        // Objects may have hundreds of properties: look names up, not along the list.
        let new_index: FastMap<&str, usize> = new_props
            .iter()
            .enumerate()
            .map(|(at, (name, _))| (*name, at))
            .collect();
        let old_names: FastSet<&str> = old_props.iter().map(|(name, _)| *name).collect();
        for (name, old_prop) in &old_props {
            let path = join(&walk.path, name);
            let old_resolved = self.old.resolve(old_prop.clone());
            match new_index.get(name).map(|&at| &new_props[at]) {
                Some((_, new_prop)) => {
                    let new_resolved = self.new.resolve(new_prop.clone());
                    let capped = walk.capped
                        || self.capped_access(usage.flow, &old_resolved)
                        || self.capped_access(usage.flow, &new_resolved);
                    let was = old_required.contains(name);
                    let is = new_required.contains(name);
                    let spots = || (Some(old_prop.spot()), Some(new_prop.spot()));
                    if !was && is {
                        pair!(
                            self,
                            "property-became-required",
                            Report {
                                direction: usage.flow,
                                message: format!(
                                    "Property `{path}` became required in {}.",
                                    usage.context
                                ),
                                old: spots().0,
                                new: spots().1,
                                group: usage.group,
                            },
                            capped
                        );
                    } else if was && !is {
                        pair!(
                            self,
                            "property-became-optional",
                            Report {
                                direction: usage.flow,
                                message: format!(
                                    "Property `{path}` is no longer required in {}.",
                                    usage.context
                                ),
                                old: spots().0,
                                new: spots().1,
                                group: usage.group,
                            },
                            capped
                        );
                    }
                    let child = Walk {
                        path,
                        capped,
                        depth: walk.depth + 1,
                    };
                    self.walk(old_prop.clone(), new_prop.clone(), usage, &child);
                }
                None => {
                    let capped = walk.capped || self.capped_access(usage.flow, &old_resolved);
                    let deprecated =
                        old_resolved.value.get("deprecated") == Some(&Value::Bool(true));
                    let report = Report {
                        direction: usage.flow,
                        message: format!("Property `{path}` was removed from {}.", usage.context),
                        old: Some(old_prop.spot()),
                        new: None,
                        group: usage.group,
                    };
                    if deprecated {
                        self.report("deprecated-property-removed", report);
                    } else if rejects_unknown {
                        self.report_pair(
                            "request-property-removed-rejected",
                            "response-property-removed",
                            report,
                            capped,
                        );
                    } else {
                        pair!(self, "property-removed", report, capped);
                    }
                }
            }
        }
        for (name, new_prop) in &new_props {
            if old_names.contains(name) {
                continue;
            }
            let path = join(&walk.path, name);
            let resolved = self.new.resolve(new_prop.clone());
            let capped = walk.capped || self.capped_access(usage.flow, &resolved);
            let report = Report {
                direction: usage.flow,
                message: if new_required.contains(name) {
                    format!("Required property `{path}` was added to {}.", usage.context)
                } else {
                    format!("Optional property `{path}` was added to {}.", usage.context)
                },
                old: None,
                new: Some(new_prop.spot()),
                group: usage.group,
            };
            if new_required.contains(name) {
                pair!(self, "required-property-added", report, capped);
            } else {
                self.report("schema-property-added", report);
            }
        }
    }

    /// Whether a property is never part of data going this way (`readOnly` ones are not
    /// sent, `writeOnly` ones not received).
    fn capped_access(&self, flow: Direction, property: &Node<'a>) -> bool {
        let flag = |key: &str| property.value.get(key) == Some(&Value::Bool(true));
        match flow {
            Direction::Sends => flag("readOnly"),
            Direction::Receives => flag("writeOnly"),
            _ => false,
        }
    }

    fn items(&mut self, old: &View<'a>, new: &View<'a>, usage: &Usage<'_>, walk: &Walk) {
        let child = Walk {
            path: format!("{}[]", walk.path),
            capped: walk.capped,
            depth: walk.depth + 1,
        };
        match (old.get("items"), new.get("items")) {
            (Some(o), Some(n)) if o.value.is_array() && n.value.is_array() => {
                self.tuple(o, n, usage, walk);
            }
            (Some(o), Some(n)) => self.walk(o, n, usage, &child),
            (None, Some(n)) if old.types().is_some_and(|t| t.contains("array")) => {
                let empty = empty_at(&old.node);
                self.walk(empty, n, usage, &child);
            }
            (Some(o), None) if new.types().is_some_and(|t| t.contains("array")) => {
                let empty = empty_at(&new.node);
                self.walk(o, empty, usage, &child);
            }
            _ => {}
        }
        if let (Some(o), Some(n)) = (old.get("prefixItems"), new.get("prefixItems")) {
            self.tuple(o, n, usage, walk);
        }
    }

    /// Positional item schemas (`prefixItems`, or `items` as an array).
    fn tuple(&mut self, old: Node<'a>, new: Node<'a>, usage: &Usage<'_>, walk: &Walk) {
        let (olds, news) = (old.items(), new.items());
        for (index, (o, n)) in olds.iter().zip(news.iter()).enumerate() {
            let child = Walk {
                path: format!("{}[{index}]", walk.path),
                capped: walk.capped,
                depth: walk.depth + 1,
            };
            self.walk(o.clone(), n.clone(), usage, &child);
        }
        if olds.len() != news.len() {
            let report = Report {
                direction: usage.flow,
                message: format!(
                    "The positional items of {} went from {} to {}.",
                    subject(&walk.path, usage.context),
                    olds.len(),
                    news.len()
                ),
                old: Some(old.spot()),
                new: Some(new.spot()),
                group: usage.group,
            };
            if news.len() > olds.len() {
                pair!(self, "constraint-added", report, walk.capped);
            } else {
                pair!(self, "constraint-removed", report, walk.capped);
            }
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}
