//! The keywords of one schema level, compared in a fixed order (which is the order of
//! the report): type and nullability ([`super::types`]), enumerations and formats
//! ([`super::values`]), numeric and size bounds ([`super::bounds`]), patterns and
//! uniqueness, additional properties, defaults, then the annotations and the validation
//! keywords without an order, which live here.

use serde_json::Value;

use super::view::View;
use super::{Usage, Walk, pair, subject};
use crate::diff::differ::{Differ, Node, Report};

/// Validation keywords without a simple order, compared as present, absent or changed.
const OTHER_CONSTRAINTS: &[&str] = &[
    "not",
    "if",
    "then",
    "else",
    "contains",
    "minContains",
    "maxContains",
    "propertyNames",
    "patternProperties",
    "dependentRequired",
    "dependentSchemas",
    "dependencies",
    "unevaluatedItems",
    "contentMediaType",
    "contentEncoding",
    "contentSchema",
];

/// Keys whose content the walk compares (or that tell which keywords apply): their
/// presence must match for [`unchanged`], their content is compared elsewhere.
const STRUCTURE: &[&str] = &[
    "properties",
    "items",
    "prefixItems",
    "required",
    "oneOf",
    "anyOf",
    "allOf",
];

/// Keys holding subschemas that the keywords compare through references.
const SUBSCHEMAS: &[&str] = &["additionalProperties", "unevaluatedProperties"];

/// Whether no keyword of this level can have changed: neither side has `allOf` parts, the
/// structural keys are present on both sides or neither, and every other key is written
/// identically and holds no subschema compared through references. Most levels of a
/// large diff are like this (only something below them changed).
fn unchanged(old: &View<'_>, new: &View<'_>) -> bool {
    let (Value::Object(a), Value::Object(b)) = (old.node.value, new.node.value) else {
        return false;
    };
    if !old.single() || !new.single() {
        return false;
    }
    if STRUCTURE
        .iter()
        .any(|key| a.contains_key(*key) != b.contains_key(*key))
    {
        return false;
    }
    let same_elsewhere = |this: &serde_json::Map<String, Value>,
                          that: &serde_json::Map<String, Value>| {
        this.iter().all(|(key, value)| {
            let key = key.as_str();
            STRUCTURE.contains(&key)
                || (!SUBSCHEMAS.contains(&key)
                    && !OTHER_CONSTRAINTS.contains(&key)
                    && that.get(key) == Some(value))
        })
    };
    same_elsewhere(a, b) && same_elsewhere(b, a)
}

/// One schema level being compared: both views, where the schema is used, how far the
/// walk is, and how messages name the place.
pub(super) struct Level<'l, 'a> {
    pub old: &'l View<'a>,
    pub new: &'l View<'a>,
    pub usage: &'l Usage<'l>,
    pub walk: &'l Walk,
    /// `the request body of …` or `property \`a.b\` in …`.
    pub at: String,
}

impl<'l, 'a> Level<'l, 'a> {
    /// A report at `old` and `new`, or at the schemas themselves where one is missing.
    pub fn report(
        &self,
        message: String,
        old: Option<Node<'a>>,
        new: Option<Node<'a>>,
    ) -> Report<'l> {
        Report {
            direction: self.usage.flow,
            message,
            old: Some(old.unwrap_or_else(|| self.old.node.clone()).spot()),
            new: Some(new.unwrap_or_else(|| self.new.node.clone()).spot()),
            group: self.usage.group,
        }
    }
}

impl<'a> Differ<'a> {
    pub(super) fn keywords(
        &mut self,
        old: &View<'a>,
        new: &View<'a>,
        usage: &Usage<'_>,
        walk: &Walk,
    ) {
        if unchanged(old, new) {
            return;
        }
        let level = Level {
            old,
            new,
            usage,
            walk,
            at: subject(&walk.path, usage.context),
        };
        self.type_keywords(&level);
        self.enumerations_and_formats(&level);
        self.bound_keywords(&level);
        self.patterns_and_uniqueness(&level);
        self.additional_properties(old, new, usage, walk, &level.at);
        self.default_value(&level);
        self.annotations(&level);
        self.unordered_constraints(&level);
    }

    /// The discriminator, title and description, deprecation and access.
    pub(super) fn annotations(&mut self, l: &Level<'_, 'a>) {
        let (old, new, at, capped) = (l.old, l.new, &l.at, l.walk.capped);
        let report =
            |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| l.report(message, o, n);
        let (od, nd) = (old.get("discriminator"), new.get("discriminator"));
        if od.as_ref().map(|n| n.value) != nd.as_ref().map(|n| n.value) {
            let name = |n: &Option<Node<'_>>| {
                n.as_ref()
                    .and_then(|n| n.text("propertyName"))
                    .map_or("none".to_owned(), |p| format!("`{p}`"))
            };
            let message = format!(
                "The discriminator of {at} changed (property {} to {}).",
                name(&od),
                name(&nd)
            );
            self.report_capped(
                "schema-discriminator-changed",
                report(message, od, nd),
                capped,
            );
        }
        for key in ["title", "description"] {
            let (o, n) = (old.node.get(key), new.node.get(key));
            if o.as_ref().map(|n| n.value) != n.as_ref().map(|n| n.value) {
                let mut rep = report(format!("The {key} of {at} changed."), o, n);
                rep.direction = crate::diff::report::Direction::None;
                self.report("schema-description-changed", rep);
            }
        }
        match (
            old.node.value.get("deprecated") == Some(&Value::Bool(true)),
            new.node.value.get("deprecated") == Some(&Value::Bool(true)),
        ) {
            (false, true) => self.report(
                "property-deprecated",
                report(
                    capitalize(&format!("{at} was deprecated.")),
                    None,
                    new.node.get("deprecated"),
                ),
            ),
            (true, false) => self.report(
                "property-reactivated",
                report(
                    capitalize(&format!("{at} is no longer deprecated.")),
                    old.node.get("deprecated"),
                    None,
                ),
            ),
            _ => {}
        }
        for key in ["readOnly", "writeOnly"] {
            let (o, n) = (
                old.node.value.get(key) == Some(&Value::Bool(true)),
                new.node.value.get(key) == Some(&Value::Bool(true)),
            );
            if o != n {
                let state = if n { "became" } else { "is no longer" };
                self.report(
                    "schema-access-changed",
                    report(
                        capitalize(&format!("{at} {state} `{key}`.")),
                        old.node.get(key),
                        new.node.get(key),
                    ),
                );
            }
        }
    }

    /// The validation keywords without an order: present, absent or changed.
    pub(super) fn unordered_constraints(&mut self, l: &Level<'_, 'a>) {
        let (old, new, at, capped) = (l.old, l.new, &l.at, l.walk.capped);
        let report =
            |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| l.report(message, o, n);
        for key in OTHER_CONSTRAINTS {
            match (old.get(key), new.get(key)) {
                (None, Some(n)) => pair!(
                    self,
                    "constraint-added",
                    report(format!("`{key}` was added to {at}."), None, Some(n)),
                    capped
                ),
                (Some(o), None) => pair!(
                    self,
                    "constraint-removed",
                    report(format!("`{key}` was removed from {at}."), Some(o), None),
                    capped
                ),
                (Some(o), Some(n)) if !self.same(&o, &n) => self.report_capped(
                    "schema-constraint-changed",
                    report(format!("`{key}` of {at} changed."), Some(o), Some(n)),
                    capped,
                ),
                _ => {}
            }
        }
    }

    fn additional_properties(
        &mut self,
        old: &View<'a>,
        new: &View<'a>,
        usage: &Usage<'_>,
        walk: &Walk,
        at: &str,
    ) {
        #[derive(PartialEq)]
        enum State {
            Open,
            Closed,
            Schema,
        }
        let state = |view: &View<'a>| -> (State, Option<Node<'a>>) {
            let node = view
                .get("additionalProperties")
                .or(view.get("unevaluatedProperties"));
            match node.as_ref().map(|n| n.value) {
                None | Some(Value::Bool(true)) => (State::Open, node),
                Some(Value::Bool(false)) => (State::Closed, node),
                Some(value) if super::is_trivial(value) => (State::Open, node),
                Some(_) => (State::Schema, node),
            }
        };
        let ((os, on), (ns, nn)) = (state(old), state(new));
        let report = |message: String| Report {
            direction: usage.flow,
            message,
            old: Some(on.clone().unwrap_or_else(|| old.node.clone()).spot()),
            new: Some(nn.clone().unwrap_or_else(|| new.node.clone()).spot()),
            group: usage.group,
        };
        match (&os, &ns) {
            (State::Open, State::Closed) | (State::Schema, State::Closed) => pair!(
                self,
                "additional-properties-closed",
                report(format!(
                    "Properties not listed are no longer allowed in {at}."
                )),
                walk.capped
            ),
            (State::Open, State::Schema) => pair!(
                self,
                "additional-properties-closed",
                report(format!(
                    "Properties not listed must now match a schema in {at}."
                )),
                walk.capped
            ),
            (State::Closed, State::Open)
            | (State::Closed, State::Schema)
            | (State::Schema, State::Open) => pair!(
                self,
                "additional-properties-opened",
                report(format!("Properties not listed are now allowed in {at}.")),
                walk.capped
            ),
            (State::Schema, State::Schema) => {
                if let (Some(o), Some(n)) = (on, nn) {
                    let child = Walk {
                        path: format!("{}.*", walk.path),
                        capped: walk.capped,
                        depth: walk.depth + 1,
                    };
                    self.walk(o, n, usage, &child);
                }
            }
            _ => {}
        }
    }
}

pub(super) fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

pub(super) fn list(values: &[&Value]) -> String {
    values
        .iter()
        .map(|v| show(v))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
