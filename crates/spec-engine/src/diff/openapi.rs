//! OpenAPI: operations matched by method and path template (parameter names aside),
//! then their parameters, request bodies, responses, callbacks and security; webhooks
//! and callbacks are requests the API makes, so their directions are reversed.

use std::collections::BTreeMap;

use serde_json::Value;

use super::common::{deprecation, sunset};
use super::differ::{Differ, Node, Report, Spot};
use super::report::{Direction, Group, GroupKind};
use super::schema::Usage;
use crate::model::openapi::callback_operations;
use crate::model::{MediaType, Operation, Parameter};

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

    fn parameters(&mut self, old: &Operation, new: &Operation, group: &Group, flow: Direction) {
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

    fn parameter(
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

    fn request_body(&mut self, old: &Operation, new: &Operation, group: &Group, flow: Direction) {
        let name = label(new);
        match (&old.request_body, &new.request_body) {
            (None, Some(body)) => {
                let rule = if body.required {
                    "request-body-added-required"
                } else {
                    "request-body-added"
                };
                let kind = if body.required {
                    "A required"
                } else {
                    "An optional"
                };
                self.report(
                    rule,
                    Report {
                        direction: flow,
                        message: format!("{kind} request body was added to `{name}`."),
                        old: spot(old),
                        new: body.source.as_ref().map(Spot::from),
                        group,
                    },
                );
            }
            (Some(body), None) => self.report(
                "request-body-removed",
                Report {
                    direction: flow,
                    message: format!("The request body of `{name}` was removed."),
                    old: body.source.as_ref().map(Spot::from),
                    new: spot(new),
                    group,
                },
            ),
            (Some(ob), Some(nb)) => {
                let spots = (
                    ob.source.as_ref().map(Spot::from),
                    nb.source.as_ref().map(Spot::from),
                );
                match (ob.required, nb.required) {
                    (false, true) => self.report(
                        "request-body-became-required",
                        Report {
                            direction: flow,
                            message: format!("The request body of `{name}` became required."),
                            old: spots.0.clone(),
                            new: spots.1.clone(),
                            group,
                        },
                    ),
                    (true, false) => self.report(
                        "request-body-became-optional",
                        Report {
                            direction: flow,
                            message: format!("The request body of `{name}` became optional."),
                            old: spots.0.clone(),
                            new: spots.1.clone(),
                            group,
                        },
                    ),
                    _ => {}
                }
                if let (Some(on), Some(nn)) = (
                    self.old.at(ob.source.as_ref()),
                    self.new.at(nb.source.as_ref()),
                ) {
                    self.descriptions(
                        &on,
                        &nn,
                        &["description"],
                        &format!("the request body of `{name}`"),
                        group,
                    );
                }
                let context = format!("the request body of `{name}`");
                self.media_types(
                    &ob.content,
                    &nb.content,
                    flow,
                    group,
                    &context,
                    ("request-media-type-added", "request-media-type-removed"),
                );
            }
            (None, None) => {}
        }
    }

    fn responses(&mut self, old: &Operation, new: &Operation, group: &Group, flow: Direction) {
        let name = label(new);
        for or in &old.responses {
            let ospot = or.source.as_ref().map(Spot::from);
            let Some(nr) = new
                .responses
                .iter()
                .find(|r| r.status.eq_ignore_ascii_case(&or.status))
            else {
                let rule = if is_success(&or.status) {
                    "response-success-status-removed"
                } else {
                    "response-status-removed"
                };
                self.report(
                    rule,
                    Report {
                        direction: flow,
                        message: format!("The `{}` response of `{name}` was removed.", or.status),
                        old: ospot,
                        new: spot(new),
                        group,
                    },
                );
                continue;
            };
            let nspot = nr.source.as_ref().map(Spot::from);
            let context = format!("the `{}` response of `{name}`", nr.status);
            if or.description != nr.description {
                self.report(
                    "description-changed",
                    Report {
                        direction: Direction::None,
                        message: format!("The description of {context} changed."),
                        old: ospot.clone(),
                        new: nspot.clone(),
                        group,
                    },
                );
            }
            self.media_types(
                &or.content,
                &nr.content,
                flow,
                group,
                &context,
                ("response-media-type-added", "response-media-type-removed"),
            );
            for oh in &or.headers {
                let hspot = (oh.source.as_ref().map(Spot::from), ospot.clone());
                match nr
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(&oh.name))
                {
                    None => {
                        let rule = if oh.required {
                            "response-required-header-removed"
                        } else {
                            "response-header-removed"
                        };
                        self.report(
                            rule,
                            Report {
                                direction: flow,
                                message: format!(
                                    "Header `{}` was removed from {context}.",
                                    oh.name
                                ),
                                old: hspot.0,
                                new: nspot.clone(),
                                group,
                            },
                        );
                    }
                    Some(nh) => {
                        let spots = (
                            oh.source.as_ref().map(Spot::from),
                            nh.source.as_ref().map(Spot::from),
                        );
                        match (oh.required, nh.required) {
                            (true, false) => self.report(
                                "response-header-became-optional",
                                Report {
                                    direction: flow,
                                    message: format!(
                                        "Header `{}` of {context} became optional.",
                                        oh.name
                                    ),
                                    old: spots.0.clone(),
                                    new: spots.1.clone(),
                                    group,
                                },
                            ),
                            (false, true) => self.report(
                                "response-header-became-required",
                                Report {
                                    direction: flow,
                                    message: format!(
                                        "Header `{}` of {context} became required.",
                                        oh.name
                                    ),
                                    old: spots.0.clone(),
                                    new: spots.1.clone(),
                                    group,
                                },
                            ),
                            _ => {}
                        }
                        let header_context = format!("header `{}` of {context}", nh.name);
                        let usage = Usage {
                            flow,
                            context: &header_context,
                            group,
                        };
                        let (on, nn) = (
                            self.old.at(oh.source.as_ref()),
                            self.new.at(nh.source.as_ref()),
                        );
                        self.compare_schemas(
                            on.and_then(|n| n.get("schema")),
                            nn.and_then(|n| n.get("schema")),
                            &usage,
                        );
                    }
                }
            }
            for nh in nr.headers.iter().filter(|h| {
                !or.headers
                    .iter()
                    .any(|o| o.name.eq_ignore_ascii_case(&h.name))
            }) {
                self.report(
                    "response-header-added",
                    Report {
                        direction: flow,
                        message: format!("Header `{}` was added to {context}.", nh.name),
                        old: ospot.clone(),
                        new: nh.source.as_ref().map(Spot::from),
                        group,
                    },
                );
            }
        }
        for nr in new.responses.iter().filter(|r| {
            !old.responses
                .iter()
                .any(|o| o.status.eq_ignore_ascii_case(&r.status))
        }) {
            self.report(
                "response-status-added",
                Report {
                    direction: flow,
                    message: format!("A `{}` response was added to `{name}`.", nr.status),
                    old: spot(old),
                    new: nr.source.as_ref().map(Spot::from),
                    group,
                },
            );
        }
    }

    /// Media types matched by name (parameters such as `charset` aside), then their
    /// schemas compared.
    fn media_types<'m>(
        &mut self,
        olds: &'m [MediaType],
        news: &'m [MediaType],
        flow: Direction,
        group: &Group,
        context: &str,
        (added, removed): (&'static str, &'static str),
    ) {
        for om in olds {
            match find(news, &om.media_type) {
                Some(nm) => {
                    let with_type = if olds.len() > 1 || news.len() > 1 {
                        format!("{context} ({})", nm.media_type)
                    } else {
                        context.to_owned()
                    };
                    let usage = Usage {
                        flow,
                        context: &with_type,
                        group,
                    };
                    let (on, nn) = (
                        self.old.at(om.source.as_ref()),
                        self.new.at(nm.source.as_ref()),
                    );
                    self.compare_schemas(
                        on.as_ref().and_then(|n| n.get("schema")),
                        nn.as_ref().and_then(|n| n.get("schema")),
                        &usage,
                    );
                }
                None => self.report(
                    removed,
                    Report {
                        direction: flow,
                        message: format!(
                            "Media type `{}` was removed from {context}.",
                            om.media_type
                        ),
                        old: om.source.as_ref().map(Spot::from),
                        new: None,
                        group,
                    },
                ),
            }
        }
        for nm in news
            .iter()
            .filter(|nm| find(olds, &nm.media_type).is_none())
        {
            self.report(
                added,
                Report {
                    direction: flow,
                    message: format!("Media type `{}` was added to {context}.", nm.media_type),
                    old: None,
                    new: nm.source.as_ref().map(Spot::from),
                    group,
                },
            );
        }
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

/// The media type of `list` named `name`, or with the same type and subtype.
fn find<'m>(list: &'m [MediaType], name: &str) -> Option<&'m MediaType> {
    let essence = |m: &str| m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase();
    list.iter().find(|m| m.media_type == name).or_else(|| {
        list.iter()
            .find(|m| essence(&m.media_type) == essence(name))
    })
}

fn capital(text: &str) -> String {
    super::schema::capitalize(text)
}
