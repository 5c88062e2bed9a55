//! Numeric bounds (`maximum`/`minimum`, exclusive as a flag in OpenAPI 3.0 or a number
//! in 3.1), size bounds of strings, arrays and objects, and `multipleOf`: setting or
//! tightening one narrows, removing or loosening one widens.

use serde_json::Value;

use super::keywords::{Level, capitalize};
use super::pair;
use super::view::View;
use crate::diff::differ::{Differ, Node};

fn number(node: &Option<Node<'_>>) -> Option<f64> {
    node.as_ref().and_then(|n| n.value.as_f64())
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

fn show_number(value: Option<f64>) -> String {
    value.map_or("none".to_owned(), |v| v.to_string())
}

impl<'a> Differ<'a> {
    /// Numeric bounds, sizes and `multipleOf`.
    pub(super) fn bound_keywords(&mut self, l: &Level<'_, 'a>) {
        let (old, new, at, capped) = (l.old, l.new, &l.at, l.walk.capped);
        let report =
            |message: String, o: Option<Node<'a>>, n: Option<Node<'a>>| l.report(message, o, n);
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
    }
}
