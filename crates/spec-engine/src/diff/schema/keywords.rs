//! The keywords of one schema level: type and nullability, enumerations, formats,
//! numeric and size bounds, patterns, uniqueness, additional properties, defaults,
//! discriminators, annotations, and the composition keywords.

use std::collections::BTreeSet;

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

/// Format changes that only widen the values allowed.
const WIDER_FORMATS: &[(&str, &str)] = &[
    ("int32", "int64"),
    ("float", "double"),
    ("int32", "double"),
    ("date", "date-time"),
];

fn number(node: &Option<Node<'_>>) -> Option<f64> {
    node.as_ref().and_then(|n| n.value.as_f64())
}

fn show(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

fn list(values: &[&Value]) -> String {
    values
        .iter()
        .map(|v| show(v))
        .collect::<Vec<_>>()
        .join(", ")
}

fn types_text(types: &BTreeSet<String>) -> String {
    types
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A bound with whether it is exclusive.
#[derive(Clone, Copy, PartialEq)]
struct Bound {
    value: f64,
    exclusive: bool,
}

/// The effective upper (`upper`) or lower bound: `maximum` with `exclusiveMaximum` as a
/// flag (OpenAPI 3.0) or a number (3.1), the tighter of the two.
fn bound(view: &View<'_>, upper: bool) -> Option<Bound> {
    let (inclusive, exclusive) = if upper {
        ("maximum", "exclusiveMaximum")
    } else {
        ("minimum", "exclusiveMinimum")
    };
    let plain = number(&view.get(inclusive));
    let flag = view.get(exclusive);
    let mut best = plain.map(|value| Bound {
        value,
        exclusive: flag.as_ref().is_some_and(|f| f.value == &Value::Bool(true)),
    });
    if let Some(value) = number(&flag) {
        let candidate = Bound {
            value,
            exclusive: true,
        };
        let tighter = match best {
            None => true,
            Some(b) if upper => value <= b.value,
            Some(b) => value >= b.value,
        };
        if tighter {
            best = Some(candidate);
        }
    }
    best
}

fn bound_text(bound: Option<Bound>, upper: bool) -> String {
    match bound {
        None => "none".to_owned(),
        Some(b) => {
            let op = match (upper, b.exclusive) {
                (true, true) => "<",
                (true, false) => "<=",
                (false, true) => ">",
                (false, false) => ">=",
            };
            format!("{op} {}", b.value)
        }
    }
}

/// Whether `new` allows less than `old` (an upper bound) or more (lower).
fn tighter(old: Bound, new: Bound, upper: bool) -> bool {
    if new.value == old.value {
        new.exclusive && !old.exclusive
    } else if upper {
        new.value < old.value
    } else {
        new.value > old.value
    }
}

fn trivial_pattern(pattern: &str) -> bool {
    matches!(pattern, "" | ".*" | "^.*$" | "^.*" | ".*$" | "[\\s\\S]*")
}

impl<'a> Differ<'a> {
    pub(super) fn keywords(
        &mut self,
        old: &View<'a>,
        new: &View<'a>,
        usage: &Usage<'_>,
        walk: &Walk,
    ) {
        let at = subject(&walk.path, usage.context);
        let report = |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| Report {
            direction: usage.flow,
            message,
            old: Some(o.unwrap_or_else(|| old.node.clone()).spot()),
            new: Some(n.unwrap_or_else(|| new.node.clone()).spot()),
            group: usage.group,
        };
        let capped = walk.capped;

        // Types (skipped where alternatives say what is allowed instead).
        let composed = |v: &View<'_>| v.alternatives().is_some() && !v.typed();
        if !composed(old) && !composed(new) {
            self.types(old, new, &at, usage, walk);
        }
        match (old.nullable(), new.nullable()) {
            (false, true) => pair!(
                self,
                "became-nullable",
                report(
                    capitalize(&format!("{at} may now be null.")),
                    old.get("type"),
                    new.get("nullable").or(new.get("type"))
                ),
                capped
            ),
            (true, false) => pair!(
                self,
                "became-not-nullable",
                report(
                    capitalize(&format!("{at} may no longer be null.")),
                    old.get("nullable").or(old.get("type")),
                    new.get("type")
                ),
                capped
            ),
            _ => {}
        }

        // Enumerations (`const` is a one-value enumeration).
        let values = |v: &View<'a>| -> Option<(Node<'a>, Vec<&'a Value>)> {
            if let Some(node) = v.get("enum") {
                let items = node
                    .value
                    .as_array()
                    .map(|a| a.iter().filter(|x| !x.is_null()).collect())
                    .unwrap_or_default();
                return Some((node, items));
            }
            v.get("const").map(|node| (node.clone(), vec![node.value]))
        };
        match (values(old), values(new)) {
            (None, Some((n, items))) => pair!(
                self,
                "enum-added",
                report(
                    format!("Values of {at} are now restricted to {}.", list(&items)),
                    None,
                    Some(n)
                ),
                capped
            ),
            (Some((o, _)), None) => pair!(
                self,
                "enum-removed",
                report(
                    format!("Values of {at} are no longer restricted to a list."),
                    Some(o),
                    None
                ),
                capped
            ),
            (Some((o, before)), Some((n, after))) => {
                let added: Vec<&Value> = after
                    .iter()
                    .copied()
                    .filter(|v| !before.contains(v))
                    .collect();
                let removed: Vec<&Value> = before
                    .iter()
                    .copied()
                    .filter(|v| !after.contains(v))
                    .collect();
                if !added.is_empty() {
                    pair!(
                        self,
                        "enum-value-added",
                        report(
                            format!(
                                "{} gained the value{} {} in {at}.",
                                "The enumeration",
                                plural(added.len()),
                                list(&added)
                            ),
                            Some(o.clone()),
                            Some(n.clone())
                        ),
                        capped
                    );
                }
                if !removed.is_empty() {
                    pair!(
                        self,
                        "enum-value-removed",
                        report(
                            format!(
                                "The enumeration lost the value{} {} in {at}.",
                                plural(removed.len()),
                                list(&removed)
                            ),
                            Some(o),
                            Some(n)
                        ),
                        capped
                    );
                }
            }
            (None, None) => {}
        }

        // Formats.
        let format = |v: &View<'a>| {
            v.get("format")
                .and_then(|n| n.value.as_str().map(|s| (n.clone(), s)))
        };
        match (format(old), format(new)) {
            (None, Some((n, f))) => pair!(
                self,
                "format-added",
                report(format!("Format `{f}` was set on {at}."), None, Some(n)),
                capped
            ),
            (Some((o, f)), None) => pair!(
                self,
                "format-removed",
                report(
                    format!("Format `{f}` was removed from {at}."),
                    Some(o),
                    None
                ),
                capped
            ),
            (Some((o, a)), Some((n, b))) if a != b => {
                let message = format!("Format of {at} changed from `{a}` to `{b}`.");
                if WIDER_FORMATS.contains(&(a, b)) {
                    pair!(
                        self,
                        "format-widened",
                        report(message, Some(o), Some(n)),
                        capped
                    );
                } else {
                    self.report_capped(
                        "schema-format-changed",
                        report(message, Some(o), Some(n)),
                        capped,
                    );
                }
            }
            _ => {}
        }

        // Numeric bounds.
        for upper in [true, false] {
            let (o, n) = (bound(old, upper), bound(new, upper));
            if o == n {
                continue;
            }
            let (word, key) = if upper {
                ("Upper bound", "maximum")
            } else {
                ("Lower bound", "minimum")
            };
            let message = format!(
                "{word} of {at} changed from {} to {}.",
                bound_text(o, upper),
                bound_text(n, upper)
            );
            let nodes = (
                old.get(key)
                    .or(old.get(&format!("exclusive{}", capitalize(key)))),
                new.get(key)
                    .or(new.get(&format!("exclusive{}", capitalize(key)))),
            );
            let narrowed = match (o, n) {
                (None, Some(_)) => true,
                (Some(_), None) => false,
                (Some(o), Some(n)) => tighter(o, n, upper),
                (None, None) => continue,
            };
            let rep = report(message, nodes.0, nodes.1);
            match (upper, narrowed) {
                (true, true) => pair!(self, "maximum-decreased", rep, capped),
                (true, false) => pair!(self, "maximum-increased", rep, capped),
                (false, true) => pair!(self, "minimum-increased", rep, capped),
                (false, false) => pair!(self, "minimum-decreased", rep, capped),
            }
        }

        // Sizes: maxima narrow when set or lowered, minima when set or raised.
        for key in ["maxLength", "maxItems", "maxProperties"] {
            let (on, nn) = (old.get(key), new.get(key));
            let (o, n) = (number(&on), number(&nn));
            if o == n {
                continue;
            }
            let narrowed = match (o, n) {
                (None, Some(_)) => true,
                (Some(a), Some(b)) => b < a,
                _ => false,
            };
            let message = format!(
                "`{key}` of {at} changed from {} to {}.",
                show_number(o),
                show_number(n)
            );
            let rep = report(message, on, nn);
            match (key, narrowed) {
                ("maxLength", true) => pair!(self, "max-length-decreased", rep, capped),
                ("maxLength", false) => pair!(self, "max-length-increased", rep, capped),
                ("maxItems", true) => pair!(self, "max-items-decreased", rep, capped),
                ("maxItems", false) => pair!(self, "max-items-increased", rep, capped),
                (_, true) => pair!(self, "max-properties-decreased", rep, capped),
                (_, false) => pair!(self, "max-properties-increased", rep, capped),
            }
        }
        for key in ["minLength", "minItems", "minProperties"] {
            let (on, nn) = (old.get(key), new.get(key));
            let (o, n) = (number(&on).unwrap_or(0.0), number(&nn).unwrap_or(0.0));
            if o == n {
                continue;
            }
            let message = format!("`{key}` of {at} changed from {o} to {n}.");
            let rep = report(message, on, nn);
            match (key, n > o) {
                ("minLength", true) => pair!(self, "min-length-increased", rep, capped),
                ("minLength", false) => pair!(self, "min-length-decreased", rep, capped),
                ("minItems", true) => pair!(self, "min-items-increased", rep, capped),
                ("minItems", false) => pair!(self, "min-items-decreased", rep, capped),
                (_, true) => pair!(self, "min-properties-increased", rep, capped),
                (_, false) => pair!(self, "min-properties-decreased", rep, capped),
            }
        }
        let (on, nn) = (old.get("multipleOf"), new.get("multipleOf"));
        let (o, n) = (number(&on), number(&nn));
        if o != n {
            let message = format!(
                "`multipleOf` of {at} changed from {} to {}.",
                show_number(o),
                show_number(n)
            );
            let multiple = |a: f64, b: f64| b != 0.0 && (a / b - (a / b).round()).abs() < 1e-9;
            let rep = report(message, on, nn);
            match (o, n) {
                (None, Some(_)) => pair!(self, "multiple-of-narrowed", rep, capped),
                (Some(_), None) => pair!(self, "multiple-of-widened", rep, capped),
                (Some(a), Some(b)) if multiple(b, a) => {
                    pair!(self, "multiple-of-narrowed", rep, capped)
                }
                (Some(a), Some(b)) if multiple(a, b) => {
                    pair!(self, "multiple-of-widened", rep, capped)
                }
                _ => self.report_capped("schema-multiple-of-changed", rep, capped),
            }
        }

        // Patterns.
        let pattern = |v: &View<'a>| {
            v.get("pattern").and_then(|n| {
                n.value
                    .as_str()
                    .filter(|p| !trivial_pattern(p))
                    .map(|p| (n.clone(), p))
            })
        };
        match (pattern(old), pattern(new)) {
            (None, Some((n, p))) => pair!(
                self,
                "pattern-added",
                report(format!("Pattern `{p}` was set on {at}."), None, Some(n)),
                capped
            ),
            (Some((o, p)), None) => pair!(
                self,
                "pattern-removed",
                report(
                    format!("Pattern `{p}` was removed from {at}."),
                    Some(o),
                    new.get("pattern")
                ),
                capped
            ),
            (Some((o, a)), Some((n, b))) if a != b => self.report_capped(
                "schema-pattern-changed",
                report(
                    format!("Pattern of {at} changed from `{a}` to `{b}`."),
                    Some(o),
                    Some(n),
                ),
                capped,
            ),
            _ => {}
        }

        // Uniqueness of items.
        match (old.flag("uniqueItems"), new.flag("uniqueItems")) {
            (false, true) => pair!(
                self,
                "unique-items-added",
                report(
                    format!("Items of {at} must now be unique."),
                    None,
                    new.get("uniqueItems")
                ),
                capped
            ),
            (true, false) => pair!(
                self,
                "unique-items-removed",
                report(
                    format!("Items of {at} no longer need to be unique."),
                    old.get("uniqueItems"),
                    None
                ),
                capped
            ),
            _ => {}
        }

        self.additional_properties(old, new, usage, walk, &at);

        // Defaults, discriminators, annotations.
        let (od, nd) = (old.node.get("default"), new.node.get("default"));
        if od.as_ref().map(|n| n.value) != nd.as_ref().map(|n| n.value) {
            let text =
                |n: &Option<Node<'_>>| n.as_ref().map_or("none".to_owned(), |n| show(n.value));
            pair!(
                self,
                "default-changed",
                report(
                    format!(
                        "Default of {at} changed from {} to {}.",
                        text(&od),
                        text(&nd)
                    ),
                    od,
                    nd
                ),
                capped
            );
        }
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

    fn types(&mut self, old: &View<'a>, new: &View<'a>, at: &str, usage: &Usage<'_>, walk: &Walk) {
        let report = |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| Report {
            direction: usage.flow,
            message,
            old: Some(o.unwrap_or_else(|| old.node.clone()).spot()),
            new: Some(n.unwrap_or_else(|| new.node.clone()).spot()),
            group: usage.group,
        };
        let (o, n) = (old.types(), new.types());
        let nodes = (old.get("type"), new.get("type"));
        match (o, n) {
            (Some(o), Some(n)) if o != n => {
                let widens = |from: &BTreeSet<String>, to: &BTreeSet<String>| {
                    from.iter()
                        .all(|t| to.contains(t) || (t == "integer" && to.contains("number")))
                };
                let message = format!(
                    "Type of {at} changed from {} to {}.",
                    types_text(&o),
                    types_text(&n)
                );
                let rep = report(message, nodes.0, nodes.1);
                if widens(&o, &n) {
                    pair!(self, "type-widened", rep, walk.capped);
                } else if widens(&n, &o) {
                    pair!(self, "type-narrowed", rep, walk.capped);
                } else {
                    self.report_capped("schema-type-changed", rep, walk.capped);
                }
            }
            (Some(o), None) => pair!(
                self,
                "type-widened",
                report(
                    format!(
                        "{} is no longer restricted to {}.",
                        capitalize(at),
                        types_text(&o)
                    ),
                    nodes.0,
                    None
                ),
                walk.capped
            ),
            (None, Some(n)) => pair!(
                self,
                "type-narrowed",
                report(
                    format!(
                        "{} is now restricted to {}.",
                        capitalize(at),
                        types_text(&n)
                    ),
                    None,
                    nodes.1
                ),
                walk.capped
            ),
            _ => {}
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

    /// `oneOf`/`anyOf`: alternatives matched by reference, equality, title or position.
    /// Returns whether the schemas are too different to compare further.
    pub(super) fn alternatives(
        &mut self,
        old: &View<'a>,
        new: &View<'a>,
        usage: &Usage<'_>,
        walk: &Walk,
    ) -> bool {
        let at = subject(&walk.path, usage.context);
        let bare = |v: &View<'_>| !v.typed() && v.get("properties").is_none();
        let report = |message: String, o: &Node<'a>, n: &Node<'a>| Report {
            direction: usage.flow,
            message,
            old: Some(o.spot()),
            new: Some(n.spot()),
            group: usage.group,
        };
        match (old.alternatives(), new.alternatives()) {
            (None, None) => false,
            (None, Some((keyword, list))) => {
                if !bare(new) {
                    pair!(
                        self,
                        "constraint-added",
                        report(format!("`{keyword}` was added to {at}."), &old.node, &list),
                        walk.capped
                    );
                    return false;
                }
                let branches = list.items();
                let kept = branches.iter().position(|b| self.same(&old.node, b));
                match kept {
                    Some(index) => {
                        for (i, branch) in branches.iter().enumerate().filter(|(i, _)| *i != index)
                        {
                            pair!(
                                self,
                                "variant-added",
                                report(
                                    format!(
                                        "{} became a `{keyword}` with the new alternative {}.",
                                        capitalize(&at),
                                        branch_name(branch, i)
                                    ),
                                    &old.node,
                                    branch
                                ),
                                walk.capped
                            );
                        }
                    }
                    None => self.report_capped(
                        "schema-composition-changed",
                        report(
                            format!(
                                "{} became a `{keyword}` of {} alternatives.",
                                capitalize(&at),
                                branches.len()
                            ),
                            &old.node,
                            &list,
                        ),
                        walk.capped,
                    ),
                }
                true
            }
            (Some((keyword, list)), None) => {
                if !bare(old) {
                    pair!(
                        self,
                        "constraint-removed",
                        report(
                            format!("`{keyword}` was removed from {at}."),
                            &list,
                            &new.node
                        ),
                        walk.capped
                    );
                    return false;
                }
                let branches = list.items();
                let kept = branches.iter().position(|b| self.same(b, &new.node));
                match kept {
                    Some(index) => {
                        for (i, branch) in branches.iter().enumerate().filter(|(i, _)| *i != index)
                        {
                            pair!(
                                self,
                                "variant-removed",
                                report(
                                    format!(
                                        "{} is no longer a `{keyword}`; alternative {} was removed.",
                                        capitalize(&at),
                                        branch_name(branch, i)
                                    ),
                                    branch,
                                    &new.node
                                ),
                                walk.capped
                            );
                        }
                    }
                    None => self.report_capped(
                        "schema-composition-changed",
                        report(
                            format!(
                                "{} is no longer a `{keyword}` of alternatives.",
                                capitalize(&at)
                            ),
                            &list,
                            &new.node,
                        ),
                        walk.capped,
                    ),
                }
                true
            }
            (Some((old_keyword, old_list)), Some((new_keyword, new_list))) => {
                let (pairs, removed, added) =
                    self.match_branches(old_list.items(), new_list.items());
                for (index, branch) in removed {
                    pair!(
                        self,
                        "variant-removed",
                        report(
                            format!(
                                "Alternative {} was removed from the `{old_keyword}` of {at}.",
                                branch_name(&branch, index)
                            ),
                            &branch,
                            &new_list
                        ),
                        walk.capped
                    );
                }
                for (index, branch) in added {
                    pair!(
                        self,
                        "variant-added",
                        report(
                            format!(
                                "Alternative {} was added to the `{new_keyword}` of {at}.",
                                branch_name(&branch, index)
                            ),
                            &old_list,
                            &branch
                        ),
                        walk.capped
                    );
                }
                for (o, n) in pairs {
                    self.walk(o, n, usage, walk);
                }
                false
            }
        }
    }

    /// `allOf` subschemas added or removed (their content is compared flattened).
    pub(super) fn all_of(
        &mut self,
        old: &View<'a>,
        new: &View<'a>,
        usage: &Usage<'_>,
        walk: &Walk,
    ) {
        let (olds, news) = (old.all_of(), new.all_of());
        if olds.is_empty() && news.is_empty() {
            return;
        }
        let at = subject(&walk.path, usage.context);
        let (_, removed, added) = self.match_branches(olds, news);
        let annotation = |side: &crate::diff::differ::Side<'a>, node: &Node<'a>| {
            super::is_trivial(side.resolve(node.clone()).value)
        };
        for (index, branch) in removed {
            if annotation(&self.old, &branch) {
                continue;
            }
            let rep = Report {
                direction: usage.flow,
                message: format!(
                    "Subschema {} was removed from the `allOf` of {at}.",
                    branch_name(&branch, index)
                ),
                old: Some(branch.spot()),
                new: Some(new.node.spot()),
                group: usage.group,
            };
            pair!(self, "all-of-removed", rep, walk.capped);
        }
        for (index, branch) in added {
            if annotation(&self.new, &branch) {
                continue;
            }
            let rep = Report {
                direction: usage.flow,
                message: format!(
                    "Subschema {} was added to the `allOf` of {at}.",
                    branch_name(&branch, index)
                ),
                old: Some(old.node.spot()),
                new: Some(branch.spot()),
                group: usage.group,
            };
            pair!(self, "all-of-added", rep, walk.capped);
        }
    }

    /// Pairs old and new subschemas: by the schema they reference, by equality, by title,
    /// and the rest by position when as many remain on both sides.
    #[allow(clippy::type_complexity)]
    fn match_branches(
        &mut self,
        olds: Vec<Node<'a>>,
        news: Vec<Node<'a>>,
    ) -> (
        Vec<(Node<'a>, Node<'a>)>,
        Vec<(usize, Node<'a>)>,
        Vec<(usize, Node<'a>)>,
    ) {
        let mut old_left: Vec<(usize, Node<'a>)> = olds.into_iter().enumerate().collect();
        let mut new_left: Vec<(usize, Node<'a>)> = news.into_iter().enumerate().collect();
        let mut pairs = Vec::new();
        let reference = |n: &Node<'_>| {
            n.text("$ref")
                .map(|r| r.rsplit('/').next().unwrap_or(r).to_owned())
        };
        let title = |side: &crate::diff::differ::Side<'a>, n: &Node<'a>| {
            side.resolve(n.clone()).text("title").map(str::to_owned)
        };
        for pass in 0..3 {
            let mut i = 0;
            while i < old_left.len() {
                let o = old_left[i].1.clone();
                let found = new_left.iter().position(|(_, n)| match pass {
                    0 => reference(&o).is_some() && reference(&o) == reference(n),
                    1 => false,
                    _ => {
                        title(&self.old, &o).is_some()
                            && title(&self.old, &o) == title(&self.new, n)
                    }
                });
                let found = match (pass, found) {
                    (1, _) => new_left.iter().position(|(_, n)| self.same(&o, n)),
                    (_, found) => found,
                };
                match found {
                    Some(j) => {
                        let (_, n) = new_left.remove(j);
                        old_left.remove(i);
                        pairs.push((o, n));
                    }
                    None => i += 1,
                }
            }
        }
        if old_left.len() == new_left.len() {
            for ((_, o), (_, n)) in old_left.drain(..).zip(new_left.drain(..)) {
                pairs.push((o, n));
            }
        }
        (pairs, old_left, new_left)
    }
}

/// How a subschema is named in a message: the schema it references, else its position.
fn branch_name(node: &Node<'_>, index: usize) -> String {
    match node.text("$ref") {
        Some(reference) => format!("`{}`", reference.rsplit('/').next().unwrap_or(reference)),
        None => match node.text("title") {
            Some(title) => format!("`{title}`"),
            None => format!("#{}", index + 1),
        },
    }
}

fn show_number(value: Option<f64>) -> String {
    value.map_or("none".to_owned(), |v| v.to_string())
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

pub(crate) fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}
