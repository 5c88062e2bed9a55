//! OpenAPI parameters: matched by location and name (path parameters by position in
//! the path), then required, location, serialization and schema compared.

use serde_json::Value;

use super::{capital, label, path_position, spot};
use crate::diff::common::{deprecation, sunset};
use crate::diff::differ::{Differ, Node, Report, Spot};
use crate::diff::report::{Direction, Group};
use crate::diff::schema::Usage;
use crate::model::{Operation, Parameter};

impl<'a> Differ<'a> {
    pub(super) fn parameters(
        &mut self,
        old: &Operation,
        new: &Operation,
        group: &Group,
        flow: Direction,
    ) {
        let name = label(new);
        let key = |op: &Operation, p: &Parameter| -> (String, String) {
            match p.location.as_str() {
                "path" => (
                    "path".into(),
                    path_position(op.path.as_deref().unwrap_or_default(), &p.name)
                        .map_or(p.name.clone(), |i| i.to_string()),
                ),
                "header" => ("header".into(), p.name.to_ascii_lowercase()),
                other => (other.to_owned(), p.name.clone()),
            }
        };
        let pspot = |p: &Parameter| p.source.as_ref().map(Spot::from);
        for op in &old.parameters {
            let k = key(old, op);
            match new.parameters.iter().find(|np| key(new, np) == k) {
                Some(np) => self.parameter(op, np, group, flow, &name),
                None => {
                    let moved = new.parameters.iter().find(|np| {
                        np.name == op.name
                            && !old.parameters.iter().any(|q| key(old, q) == key(new, np))
                    });
                    let report = |message: String, new_spot| Report {
                        direction: flow,
                        message,
                        old: pspot(op),
                        new: new_spot,
                        group,
                    };
                    if let Some(np) = moved {
                        self.report(
                            "request-parameter-location-changed",
                            report(
                                format!(
                                    "Parameter `{}` of `{name}` moved from the {} to the {}.",
                                    op.name, op.location, np.location
                                ),
                                pspot(np),
                            ),
                        );
                        continue;
                    }
                    let node = self.old.at(op.source.as_ref());
                    let (rule, message) = self.removal(
                        &node,
                        "request-parameter-removed",
                        "deprecated-parameter-removed",
                        &format!(
                            "{} parameter `{}` was removed from `{name}`",
                            op.location, op.name
                        ),
                    );
                    self.report(rule, report(capital(&message), None));
                }
            }
        }
        for np in &new.parameters {
            let k = key(new, np);
            if old.parameters.iter().any(|op| key(old, op) == k)
                || old.parameters.iter().any(|op| {
                    op.name == np.name
                        && !new.parameters.iter().any(|q| key(new, q) == key(old, op))
                })
            {
                continue;
            }
            let rule = if np.required || np.location == "path" {
                "request-parameter-added-required"
            } else {
                "request-parameter-added"
            };
            let kind = if rule == "request-parameter-added" {
                "Optional"
            } else {
                "Required"
            };
            self.report(
                rule,
                Report {
                    direction: flow,
                    message: format!(
                        "{kind} {} parameter `{}` was added to `{name}`.",
                        np.location, np.name
                    ),
                    old: spot(old),
                    new: pspot(np),
                    group,
                },
            );
        }
    }

    pub(super) fn parameter(
        &mut self,
        old: &Parameter,
        new: &Parameter,
        group: &Group,
        flow: Direction,
        operation: &str,
    ) {
        let what = format!("{} parameter `{}` of `{operation}`", new.location, new.name);
        let spots = (
            old.source.as_ref().map(Spot::from),
            new.source.as_ref().map(Spot::from),
        );
        let report = |message: String| Report {
            direction: flow,
            message,
            old: spots.0.clone(),
            new: spots.1.clone(),
            group,
        };
        if old.location == "path" && old.name != new.name {
            self.report(
                "request-path-parameter-renamed",
                report(format!(
                    "Path parameter `{}` of `{operation}` was renamed to `{}`.",
                    old.name, new.name
                )),
            );
        }
        match (old.required, new.required) {
            (false, true) => self.report(
                "request-parameter-became-required",
                report(format!("{} became required.", capital(&what))),
            ),
            (true, false) => self.report(
                "request-parameter-became-optional",
                report(format!("{} became optional.", capital(&what))),
            ),
            _ => {}
        }
        let (Some(on), Some(nn)) = (
            self.old.at(old.source.as_ref()),
            self.new.at(new.source.as_ref()),
        ) else {
            return;
        };
        deprecation(
            self,
            &on,
            &nn,
            "parameter-deprecated",
            "parameter-reactivated",
            &capital(&what),
            group,
        );
        sunset(self, &on, &nn, &what, group);
        self.descriptions(&on, &nn, &["description"], &what, group);
        let style = |p: &Node<'_>, location: &str| {
            let style = p
                .text("style")
                .unwrap_or(match location {
                    "query" | "cookie" => "form",
                    _ => "simple",
                })
                .to_owned();
            let explode = p
                .value
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style == "form");
            let flag = |key: &str| p.value.get(key).and_then(Value::as_bool).unwrap_or(false);
            (
                style,
                explode,
                flag("allowReserved"),
                flag("allowEmptyValue"),
                p.value.get("content").is_some(),
            )
        };
        if style(&on, &old.location) != style(&nn, &new.location) {
            self.report("request-parameter-serialization-changed", report(format!("How {what} is serialised changed (style, explode, allowReserved or allowEmptyValue).")));
        }
        let usage = Usage {
            flow,
            context: &what,
            group,
        };
        self.compare_schemas(on.get("schema"), nn.get("schema"), &usage);
        if let (Some(oc), Some(nc)) = (on.get("content"), nn.get("content")) {
            for (media, om) in oc.entries() {
                if let Some(nm) = nc.get(media) {
                    self.compare_schemas(om.get("schema"), nm.get("schema"), &usage);
                }
            }
        }
    }
}
