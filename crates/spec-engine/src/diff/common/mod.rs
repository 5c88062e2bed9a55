//! What OpenAPI and AsyncAPI share: servers, security requirements and schemes,
//! deprecation and sunset dates, descriptions, and removals of deprecated elements.

mod security;

use serde_json::Value;

use super::differ::{Differ, Node, Report, Spot};
use super::report::{Direction, Group, GroupKind};
use crate::detect::Kind;
use crate::model::Server;

fn deprecated(node: &Node<'_>) -> bool {
    ["deprecated", "x-deprecated"]
        .iter()
        .any(|key| node.value.get(*key) == Some(&Value::Bool(true)))
}

/// Reports an element becoming deprecated or no longer deprecated.
pub(crate) fn deprecation(
    d: &mut Differ<'_>,
    old: &Node<'_>,
    new: &Node<'_>,
    became: &'static str,
    reactivated: &'static str,
    what: &str,
    group: &Group,
) {
    match (deprecated(old), deprecated(new)) {
        (false, true) => d.report(
            became,
            Report {
                direction: Direction::Both,
                message: format!("{what} was deprecated."),
                old: Some(old.spot()),
                new: new
                    .get("deprecated")
                    .or(new.get("x-deprecated"))
                    .map(|n| n.spot()),
                group,
            },
        ),
        (true, false) => d.report(
            reactivated,
            Report {
                direction: Direction::Both,
                message: format!("{what} is no longer deprecated."),
                old: old
                    .get("deprecated")
                    .or(old.get("x-deprecated"))
                    .map(|n| n.spot()),
                new: Some(new.spot()),
                group,
            },
        ),
        _ => {}
    }
}

/// Reports a sunset date (`x-sunset`) set, moved or removed.
pub(crate) fn sunset(
    d: &mut Differ<'_>,
    old: &Node<'_>,
    new: &Node<'_>,
    what: &str,
    group: &Group,
) {
    let date = |n: &Node<'_>| {
        n.get("x-sunset")
            .and_then(|s| s.value.as_str().map(|t| (s.spot(), t.to_owned())))
    };
    let report = |message: String, old: Option<Spot>, new: Option<Spot>| Report {
        direction: Direction::None,
        message,
        old,
        new,
        group,
    };
    match (date(old), date(new)) {
        (None, Some((spot, date))) => d.report(
            "sunset-changed",
            report(
                format!("The sunset date of {what} is now {date}."),
                None,
                Some(spot),
            ),
        ),
        (Some((spot, date)), None) if deprecated(new) => d.report(
            "sunset-removed",
            report(
                format!("The sunset date {date} of {what} was removed."),
                Some(spot),
                Some(new.spot()),
            ),
        ),
        (Some((a_spot, a)), Some((b_spot, b))) if a != b => {
            let rule = if b < a {
                "sunset-moved-earlier"
            } else {
                "sunset-changed"
            };
            d.report(
                rule,
                report(
                    format!("The sunset date of {what} moved from {a} to {b}."),
                    Some(a_spot),
                    Some(b_spot),
                ),
            );
        }
        _ => {}
    }
}

impl<'a> Differ<'a> {
    /// The rule and sentence for a removed element: the gentler rule when the element
    /// was deprecated (its removal was announced).
    pub(crate) fn removal(
        &self,
        node: &Option<Node<'a>>,
        rule: &'static str,
        when_deprecated: &'static str,
        sentence: &str,
    ) -> (&'static str, String) {
        match node {
            Some(node) if deprecated(node) => {
                (when_deprecated, format!("{sentence}; it was deprecated."))
            }
            _ => (rule, format!("{sentence}.")),
        }
    }

    /// Reports changed documentation fields.
    pub(crate) fn descriptions(
        &mut self,
        old: &Node<'a>,
        new: &Node<'a>,
        keys: &[&str],
        what: &str,
        group: &Group,
    ) {
        for key in keys {
            let (o, n) = (old.get(key), new.get(key));
            if o.as_ref().map(|n| n.value) != n.as_ref().map(|n| n.value) {
                self.report(
                    "description-changed",
                    Report {
                        direction: Direction::None,
                        message: format!("The {key} of {what} changed."),
                        old: Some(o.unwrap_or_else(|| old.clone()).spot()),
                        new: Some(n.unwrap_or_else(|| new.clone()).spot()),
                        group,
                    },
                );
            }
        }
    }

    /// The document's title and description, and the AsyncAPI application id.
    pub(crate) fn info(&mut self) {
        let (Some(old), Some(new)) = (self.old.root(), self.new.root()) else {
            return;
        };
        let group = Group {
            kind: GroupKind::Document,
            name: "info".into(),
        };
        if let (Some(oi), Some(ni)) = (old.get("info"), new.get("info")) {
            self.descriptions(&oi, &ni, &["title", "description"], "the API", &group);
        }
        if let (Some(a), Some(b)) = (old.get("id"), new.get("id"))
            && a.value != b.value
        {
            self.report(
                "api-id-changed",
                Report {
                    direction: Direction::None,
                    message: format!(
                        "The application id changed from {} to {}.",
                        a.value, b.value
                    ),
                    old: Some(a.spot()),
                    new: Some(b.spot()),
                    group: &group,
                },
            );
        }
    }

    /// Servers matched by id (AsyncAPI) or URL (OpenAPI).
    pub(crate) fn servers(&mut self) {
        let asyncapi = self.old.model.kind == Kind::AsyncApi;
        let (olds, news) = (&self.old.model.servers, &self.new.model.servers);
        let normal = |s: &Server| -> String {
            let url = s
                .url
                .split_once("://")
                .map_or(s.url.as_str(), |(_, rest)| rest);
            url.trim_end_matches('/').to_ascii_lowercase()
        };
        let find = |list: &'a [Server], s: &Server| {
            list.iter()
                .find(|n| n.id == s.id)
                .or_else(|| list.iter().find(|n| normal(n) == normal(s)))
        };
        let (added, removed) = if asyncapi {
            ("server-added", "server-removed")
        } else {
            ("api-server-added", "api-server-removed")
        };
        for old in olds {
            let group = Group {
                kind: GroupKind::Server,
                name: old.id.clone(),
            };
            let old_spot = old.source.as_ref().map(Spot::from);
            let Some(new) = find(news, old) else {
                self.report(
                    removed,
                    Report {
                        direction: Direction::Both,
                        message: format!("Server `{}` ({}) was removed.", old.id, old.url),
                        old: old_spot,
                        new: None,
                        group: &group,
                    },
                );
                continue;
            };
            let new_spot = new.source.as_ref().map(Spot::from);
            let report = |message: String| Report {
                direction: Direction::Both,
                message,
                old: old_spot.clone(),
                new: new_spot.clone(),
                group: &group,
            };
            if normal(old) != normal(new) {
                self.report(
                    "server-url-changed",
                    report(format!(
                        "The URL of server `{}` changed from `{}` to `{}`.",
                        old.id, old.url, new.url
                    )),
                );
            }
            if asyncapi
                && old.protocol.as_deref().map(str::to_ascii_lowercase)
                    != new.protocol.as_deref().map(str::to_ascii_lowercase)
            {
                self.report(
                    "server-protocol-changed",
                    report(format!(
                        "The protocol of server `{}` changed from {:?} to {:?}.",
                        old.id,
                        old.protocol.as_deref().unwrap_or("none"),
                        new.protocol.as_deref().unwrap_or("none")
                    )),
                );
            }
            if let (Some(a), Some(b)) = (&old.protocol_version, &new.protocol_version)
                && a != b
            {
                self.report(
                    "server-protocol-version-changed",
                    report(format!(
                        "The protocol version of server `{}` changed from `{a}` to `{b}`.",
                        old.id
                    )),
                );
            }
            for ov in &old.variables {
                let Some(nv) = new.variables.iter().find(|v| v.name == ov.name) else {
                    continue;
                };
                let lost: Vec<&String> = ov
                    .enum_values
                    .iter()
                    .filter(|v| !nv.enum_values.is_empty() && !nv.enum_values.contains(v))
                    .collect();
                let gained: Vec<&String> = nv
                    .enum_values
                    .iter()
                    .filter(|v| !ov.enum_values.contains(v))
                    .collect();
                if !lost.is_empty()
                    || (ov.enum_values.is_empty() && !nv.enum_values.is_empty())
                    || (ov.default.is_some() && nv.default.is_some() && ov.default != nv.default)
                {
                    self.report("server-variable-changed", report(format!("Server variable `{}` of server `{}` lost allowed values {lost:?} or changed its default from {:?} to {:?}.", ov.name, old.id, ov.default, nv.default)));
                } else if !gained.is_empty() && !ov.enum_values.is_empty() {
                    self.report(
                        "server-variable-value-added",
                        report(format!(
                            "Server variable `{}` of server `{}` gained the values {gained:?}.",
                            ov.name, old.id
                        )),
                    );
                }
            }
            let (on, nn) = (
                self.old.at(old.source.as_ref()),
                self.new.at(new.source.as_ref()),
            );
            if let (Some(on), Some(nn)) = (on, nn) {
                if asyncapi {
                    self.bindings(
                        on.get("bindings"),
                        nn.get("bindings"),
                        &on,
                        &nn,
                        "server-bindings-changed",
                        &format!("server `{}`", old.id),
                        &group,
                    );
                    self.security(
                        on.get("security"),
                        nn.get("security"),
                        &on,
                        &nn,
                        &group,
                        &format!("server `{}`", old.id),
                    );
                }
                self.descriptions(
                    &on,
                    &nn,
                    &["title", "summary", "description"],
                    &format!("server `{}`", old.id),
                    &group,
                );
            }
        }
        for new in news.iter().filter(|n| find(olds, n).is_none()) {
            let group = Group {
                kind: GroupKind::Server,
                name: new.id.clone(),
            };
            self.report(
                added,
                Report {
                    direction: Direction::Both,
                    message: format!("Server `{}` ({}) was added.", new.id, new.url),
                    old: None,
                    new: new.source.as_ref().map(Spot::from),
                    group: &group,
                },
            );
        }
    }

    /// Reports changed protocol bindings (their `bindingVersion` aside).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn bindings(
        &mut self,
        old: Option<Node<'a>>,
        new: Option<Node<'a>>,
        at_old: &Node<'a>,
        at_new: &Node<'a>,
        rule: &'static str,
        what: &str,
        group: &Group,
    ) {
        let normal = |side: &super::differ::Side<'a>, node: &Option<Node<'a>>| -> Value {
            let Some(node) = node else {
                return Value::Null;
            };
            let node = side.resolve(node.clone());
            let mut out = serde_json::Map::new();
            for (protocol, binding) in node.entries() {
                let binding = side.resolve(binding);
                let mut fields = binding.value.as_object().cloned().unwrap_or_default();
                fields.remove("bindingVersion");
                if !fields.is_empty() {
                    out.insert(protocol.to_owned(), Value::Object(fields));
                }
            }
            if out.is_empty() {
                Value::Null
            } else {
                Value::Object(out)
            }
        };
        if normal(&self.old, &old) != normal(&self.new, &new) {
            self.report(
                rule,
                Report {
                    direction: Direction::Both,
                    message: format!("The protocol bindings of {what} changed."),
                    old: Some(old.unwrap_or_else(|| at_old.clone()).spot()),
                    new: Some(new.unwrap_or_else(|| at_new.clone()).spot()),
                    group,
                },
            );
        }
    }
}
