//! Keywords that restrict or describe values: enumerations (`const` is one value),
//! formats, patterns, unique items, and the default.

use serde_json::Value;

use super::keywords::{Level, list, plural, show};
use super::pair;
use super::view::View;
use crate::diff::differ::{Differ, Node};

/// Format changes that only widen the values allowed.
const WIDER_FORMATS: &[(&str, &str)] = &[
    ("int32", "int64"),
    ("float", "double"),
    ("int32", "double"),
    ("date", "date-time"),
];

fn trivial_pattern(pattern: &str) -> bool {
    matches!(pattern, "" | ".*" | "^.*$" | "^.*" | ".*$" | "[\\s\\S]*")
}

impl<'a> Differ<'a> {
    /// Enumerations (`const` is a one-value enumeration) and formats.
    pub(super) fn enumerations_and_formats(&mut self, l: &Level<'_, 'a>) {
        let (old, new, at, capped) = (l.old, l.new, &l.at, l.walk.capped);
        let report =
            |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| l.report(message, o, n);
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
    }

    /// Patterns and the uniqueness of items.
    pub(super) fn patterns_and_uniqueness(&mut self, l: &Level<'_, 'a>) {
        let (old, new, at, capped) = (l.old, l.new, &l.at, l.walk.capped);
        let report =
            |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| l.report(message, o, n);
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
    }

    /// The default value.
    pub(super) fn default_value(&mut self, l: &Level<'_, 'a>) {
        let (old, new, at, capped) = (l.old, l.new, &l.at, l.walk.capped);
        let report =
            |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| l.report(message, o, n);
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
    }
}
