//! Type and nullability: a type union that grows widens, one that shrinks narrows,
//! integer counts as a subset of number, and `type` inferred from object or array keywords.

use std::collections::BTreeSet;

use super::keywords::{Level, capitalize};
use super::view::View;
use super::{Usage, Walk, pair};
use crate::diff::differ::{Differ, Node, Report};

fn types_text(types: &BTreeSet<String>) -> String {
    types
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(" or ")
}

impl<'a> Differ<'a> {
    /// Types (skipped where alternatives say what is allowed instead) and nullability.
    pub(super) fn type_keywords(&mut self, l: &Level<'_, 'a>) {
        let (old, new, at, usage, walk, capped) =
            (l.old, l.new, &l.at, l.usage, l.walk, l.walk.capped);
        let report =
            |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| l.report(message, o, n);
        let composed = |v: &View<'_>| v.alternatives().is_some() && !v.typed();
        if !composed(old) && !composed(new) {
            self.types(old, new, at, usage, walk);
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
}
