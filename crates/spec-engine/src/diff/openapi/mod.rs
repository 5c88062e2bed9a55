//! OpenAPI: operations matched by method and path template (parameter names aside),
//! then their parameters, request bodies, responses, callbacks and security; webhooks
//! and callbacks are requests the API makes, so their directions are reversed.

mod content;
mod parameters;

use std::collections::BTreeMap;

use super::common::{deprecation, sunset};
use super::differ::{Differ, Node, Report, Spot};
use super::report::{Direction, Group, GroupKind};
use crate::model::Operation;
use crate::model::openapi::callback_operations;

/// `/orders/{id}` and `/orders/{orderId}` are the same path.
fn path_key(path: &str) -> String {
    let mut key = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                key.push_str("{}");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => key.push(c),
        }
    }
    key
}

fn method(operation: &Operation) -> String {
    match &operation.action {
        crate::model::Action::Http(method) => method.to_uppercase(),
        _ => String::new(),
    }
}

fn label(operation: &Operation) -> String {
    format!(
        "{} {}",
        method(operation),
        operation.path.as_deref().unwrap_or_default()
    )
}

fn spot(operation: &Operation) -> Option<Spot> {
    operation.source.as_ref().map(Spot::from)
}

/// The position of each `{name}` in a path template.
fn path_position(path: &str, name: &str) -> Option<usize> {
    path.split('{')
        .skip(1)
        .position(|part| part.split('}').next() == Some(name))
}

fn is_success(status: &str) -> bool {
    status.starts_with('2') || status.starts_with('3')
}

impl<'a> Differ<'a> {
    /// Compares two OpenAPI documents.
    pub(crate) fn compare_openapi(&mut self) {
        let (old_model, new_model) = (self.old.model, self.new.model);
        self.operations(&old_model.operations, &new_model.operations, false);
        self.operations(&old_model.webhooks, &new_model.webhooks, true);
        self.security_schemes();
        self.servers();
        self.info();
        if let (Some(o), Some(n)) = (self.old.root(), self.new.root()) {
            let group = Group {
                kind: GroupKind::Document,
                name: "security".into(),
            };
            self.security(
                o.get("security"),
                n.get("security"),
                &o,
                &n,
                &group,
                "the API",
            );
        }
    }

    fn operations(&mut self, olds: &[Operation], news: &[Operation], webhooks: bool) {
        let key = |op: &Operation| (path_key(op.path.as_deref().unwrap_or_default()), method(op));
        let new_by_key: BTreeMap<_, &Operation> = news.iter().map(|op| (key(op), op)).collect();
        let old_keys: std::collections::BTreeSet<_> = olds.iter().map(key).collect();
        let (what, added, removed) = if webhooks {
            ("Webhook", "webhook-added", "webhook-removed")
        } else {
            ("Operation", "operation-added", "operation-removed")
        };
        for old in olds {
            let group = Group {
                kind: GroupKind::Operation,
                name: label(old),
            };
            match new_by_key.get(&key(old)) {
                Some(new) => self.operation(old, new, &group, webhooks),
                None => {
                    let node = self.old.at(old.source.as_ref());
                    let (rule, message) = self.removal(
                        &node,
                        removed,
                        "deprecated-operation-removed",
                        &format!("{what} `{}` was removed", label(old)),
                    );
                    self.report(
                        rule,
                        Report {
                            direction: Direction::Both,
                            message,
                            old: spot(old),
                            new: None,
                            group: &group,
                        },
                    );
                }
            }
        }
        for new in news.iter().filter(|op| !old_keys.contains(&key(op))) {
            let group = Group {
                kind: GroupKind::Operation,
                name: label(new),
            };
            self.report(
                added,
                Report {
                    direction: Direction::Both,
                    message: format!("{what} `{}` was added.", label(new)),
                    old: None,
                    new: spot(new),
                    group: &group,
                },
            );
        }
    }

    /// Compares one operation; `reversed` for webhooks and callbacks, whose requests
    /// consumers receive.
    fn operation(&mut self, old: &Operation, new: &Operation, group: &Group, reversed: bool) {
        let (sends, receives) = if reversed {
            (Direction::Receives, Direction::Sends)
        } else {
            (Direction::Sends, Direction::Receives)
        };
        let name = label(new);
        let (on, nn) = (
            self.old.at(old.source.as_ref()),
            self.new.at(new.source.as_ref()),
        );
        if let (Some(on), Some(nn)) = (&on, &nn) {
            deprecation(
                self,
                on,
                nn,
                "operation-deprecated",
                "operation-reactivated",
                &format!("Operation `{name}`"),
                group,
            );
            sunset(self, on, nn, &format!("operation `{name}`"), group);
            if let (Some(a), Some(b)) = (on.text("operationId"), nn.text("operationId"))
                && a != b
            {
                self.report(
                    "operation-id-changed",
                    Report {
                        direction: Direction::None,
                        message: format!(
                            "The operationId of `{name}` changed from `{a}` to `{b}`."
                        ),
                        old: on.get("operationId").map(|n| n.spot()),
                        new: nn.get("operationId").map(|n| n.spot()),
                        group,
                    },
                );
            }
            if old.tags != new.tags {
                self.report(
                    "operation-tags-changed",
                    Report {
                        direction: Direction::None,
                        message: format!(
                            "The tags of `{name}` changed from {:?} to {:?}.",
                            old.tags, new.tags
                        ),
                        old: Some(on.spot()),
                        new: Some(nn.spot()),
                        group,
                    },
                );
            }
            self.descriptions(
                on,
                nn,
                &["summary", "description"],
                &format!("operation `{name}`"),
                group,
            );
            let root_security =
                |side: &super::differ::Side<'a>| side.root().and_then(|r| r.get("security"));
            let (os, ns) = (
                on.get("security").or_else(|| root_security(&self.old)),
                nn.get("security").or_else(|| root_security(&self.new)),
            );
            if on.get("security").is_some() || nn.get("security").is_some() {
                self.security(os, ns, on, nn, group, &format!("`{name}`"));
            }
            self.callbacks(on, nn, group, &name, reversed);
        }
        self.parameters(old, new, group, sends);
        self.request_body(old, new, group, sends);
        self.responses(old, new, group, receives);
    }

    fn callbacks(
        &mut self,
        old: &Node<'a>,
        new: &Node<'a>,
        group: &Group,
        operation: &str,
        reversed: bool,
    ) {
        let olds = callback_operations(self.old.documents, old.file, &old.pointer);
        let news = callback_operations(self.new.documents, new.file, &new.pointer);
        for (name, old_ops) in &olds {
            let Some((_, new_ops)) = news.iter().find(|(n, _)| n == name) else {
                let spot = old
                    .get("callbacks")
                    .and_then(|c| c.get(name))
                    .map(|n| n.spot());
                self.report(
                    "callback-removed",
                    Report {
                        direction: Direction::Both,
                        message: format!("Callback `{name}` of `{operation}` was removed."),
                        old: spot,
                        new: None,
                        group,
                    },
                );
                continue;
            };
            for old_op in old_ops {
                let same = |op: &&Operation| op.path == old_op.path && method(op) == method(old_op);
                match new_ops.iter().find(same) {
                    Some(new_op) => self.operation(old_op, new_op, group, !reversed),
                    None => self.report(
                        "callback-removed",
                        Report {
                            direction: Direction::Both,
                            message: format!(
                                "`{}` of callback `{name}` of `{operation}` was removed.",
                                label(old_op)
                            ),
                            old: spot(old_op),
                            new: None,
                            group,
                        },
                    ),
                }
            }
            for new_op in new_ops.iter().filter(|n| {
                !old_ops
                    .iter()
                    .any(|o| o.path == n.path && method(o) == method(n))
            }) {
                self.report(
                    "callback-added",
                    Report {
                        direction: Direction::Both,
                        message: format!(
                            "`{}` was added to callback `{name}` of `{operation}`.",
                            label(new_op)
                        ),
                        old: None,
                        new: spot(new_op),
                        group,
                    },
                );
            }
        }
        for (name, _) in news
            .iter()
            .filter(|(n, _)| !olds.iter().any(|(o, _)| o == n))
        {
            let spot = new
                .get("callbacks")
                .and_then(|c| c.get(name))
                .map(|n| n.spot());
            self.report(
                "callback-added",
                Report {
                    direction: Direction::Both,
                    message: format!("Callback `{name}` was added to `{operation}`."),
                    old: None,
                    new: spot,
                    group,
                },
            );
        }
    }
}

fn capital(text: &str) -> String {
    super::schema::capitalize(text)
}
