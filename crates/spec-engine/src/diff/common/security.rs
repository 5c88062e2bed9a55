//! Security on both specifications: requirements (alternatives of schemes with scopes)
//! and the schemes themselves, defined or written in place (AsyncAPI 3).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::diff::differ::{Differ, Node, Report, Spot};
use crate::diff::report::{Direction, Group, GroupKind};

/// A security requirement: scheme names and the scopes each needs.
type Requirement = BTreeMap<String, BTreeSet<String>>;

impl<'a> Differ<'a> {
    /// Compares two lists of security requirements (alternatives, each a set of
    /// schemes with scopes).
    pub(crate) fn security(
        &mut self,
        old: Option<Node<'a>>,
        new: Option<Node<'a>>,
        at_old: &Node<'a>,
        at_new: &Node<'a>,
        group: &Group,
        what: &str,
    ) {
        let (olds, news) = (requirements(&self.old, &old), requirements(&self.new, &new));
        if olds == news {
            return;
        }
        let spots = (
            Some(old.clone().unwrap_or_else(|| at_old.clone()).spot()),
            Some(new.clone().unwrap_or_else(|| at_new.clone()).spot()),
        );
        let report = |message: String| Report {
            direction: Direction::Sends,
            message,
            old: spots.0.clone(),
            new: spots.1.clone(),
            group,
        };
        let open = |list: &[Requirement]| list.is_empty() || list.iter().any(BTreeMap::is_empty);
        let names = |r: &Requirement| r.keys().cloned().collect::<Vec<_>>().join(" + ");
        match (open(&olds), open(&news)) {
            (true, false) => {
                self.report(
                    "security-added",
                    report(format!(
                        "{} now requires authentication ({}).",
                        crate::diff::schema::capitalize(what),
                        news.iter().map(names).collect::<Vec<_>>().join(" or ")
                    )),
                );
                return;
            }
            (false, true) => {
                self.report(
                    "security-removed",
                    report(format!(
                        "{} no longer requires authentication.",
                        crate::diff::schema::capitalize(what)
                    )),
                );
                return;
            }
            _ => {}
        }
        for o in &olds {
            if news.contains(o) {
                continue;
            }
            let same_schemes = news.iter().find(|n| n.keys().eq(o.keys()));
            match same_schemes {
                Some(n) => {
                    for (scheme, scopes) in o {
                        let now = &n[scheme];
                        let added: Vec<&String> = now.difference(scopes).collect();
                        let removed: Vec<&String> = scopes.difference(now).collect();
                        if !added.is_empty() {
                            self.report("security-scope-added", report(format!("Security scheme `{scheme}` of {what} now needs the scope{} {added:?}.", if added.len() == 1 { "" } else { "s" })));
                        }
                        if !removed.is_empty() {
                            self.report("security-scope-removed", report(format!("Security scheme `{scheme}` of {what} no longer needs the scope{} {removed:?}.", if removed.len() == 1 { "" } else { "s" })));
                        }
                    }
                }
                None => self.report(
                    "security-requirement-removed",
                    report(format!(
                        "Authentication with {} is no longer accepted for {what}.",
                        names(o)
                    )),
                ),
            }
        }
        for n in news
            .iter()
            .filter(|n| !olds.iter().any(|o| o.keys().eq(n.keys())))
        {
            self.report(
                "security-requirement-added",
                report(format!(
                    "Authentication with {} is now accepted for {what}.",
                    names(n)
                )),
            );
        }
    }

    /// Security schemes matched by name.
    pub(crate) fn security_schemes(&mut self) {
        let (olds, news) = (
            &self.old.model.security_schemes,
            &self.new.model.security_schemes,
        );
        for old in olds {
            let group = Group {
                kind: GroupKind::Security,
                name: old.name.clone(),
            };
            let old_spot = old.source.as_ref().map(Spot::from);
            let Some(new) = news.iter().find(|n| n.name == old.name) else {
                self.report(
                    "security-scheme-removed",
                    Report {
                        direction: Direction::None,
                        message: format!("Security scheme `{}` was removed.", old.name),
                        old: old_spot,
                        new: None,
                        group: &group,
                    },
                );
                continue;
            };
            let new_spot = new.source.as_ref().map(Spot::from);
            let field = |v: &Value, key: &str| v.get(key).cloned();
            let how = ["type", "in", "name", "scheme", "openIdConnectUrl"];
            if how
                .iter()
                .any(|k| field(&old.details, k) != field(&new.details, k))
            {
                self.report(
                    "security-scheme-changed",
                    Report {
                        direction: Direction::Sends,
                        message: format!(
                            "How security scheme `{}` authenticates changed.",
                            old.name
                        ),
                        old: old_spot.clone(),
                        new: new_spot.clone(),
                        group: &group,
                    },
                );
            }
            if flows(&old.details) != flows(&new.details) {
                self.report(
                    "security-scheme-flow-changed",
                    Report {
                        direction: Direction::Sends,
                        message: format!(
                            "The OAuth flows of security scheme `{}` changed.",
                            old.name
                        ),
                        old: old_spot,
                        new: new_spot,
                        group: &group,
                    },
                );
            }
        }
        for new in news
            .iter()
            .filter(|n| !olds.iter().any(|o| o.name == n.name))
        {
            let group = Group {
                kind: GroupKind::Security,
                name: new.name.clone(),
            };
            self.report(
                "security-scheme-added",
                Report {
                    direction: Direction::None,
                    message: format!("Security scheme `{}` was added.", new.name),
                    old: None,
                    new: new.source.as_ref().map(Spot::from),
                    group: &group,
                },
            );
        }
    }
}

/// The name of the defined scheme an inline AsyncAPI 3 scheme repeats (same type and
/// flows; the 2.x -> 3.0 upgrade inlines schemes to carry scopes), else `type (inline)`.
pub(super) fn inline_name(
    side: &crate::diff::differ::Side<'_>,
    scheme: &Value,
    kind: &str,
) -> String {
    let same_kind: Vec<_> = side
        .model
        .security_schemes
        .iter()
        .filter(|s| s.scheme_type == kind)
        .collect();
    let same_flows = |s: &&&crate::model::SecurityScheme| {
        without_scopes(&flows(&s.details)) == without_scopes(&flows(scheme))
    };
    match same_kind.as_slice() {
        [only] => only.name.clone(),
        many => many
            .iter()
            .find(same_flows)
            .map_or_else(|| format!("{kind} (inline)"), |s| s.name.clone()),
    }
}

pub(super) fn without_scopes(flows: &Value) -> Value {
    let mut flows = flows.clone();
    if let Value::Object(map) = &mut flows {
        for flow in map.values_mut() {
            if let Value::Object(fields) = flow {
                fields.remove("scopes");
            }
        }
    }
    flows
}

/// OAuth flows without descriptions, scopes named alike in every version.
pub(super) fn flows(details: &Value) -> Value {
    let Some(Value::Object(flows)) = details.get("flows") else {
        return Value::Null;
    };
    let mut out = serde_json::Map::new();
    for (name, flow) in flows {
        let mut fields = serde_json::Map::new();
        for (key, value) in flow.as_object().into_iter().flatten() {
            match key.as_str() {
                "scopes" | "availableScopes" => {
                    let scopes: BTreeSet<&String> = value
                        .as_object()
                        .map(|m| m.keys().collect())
                        .unwrap_or_default();
                    fields.insert("scopes".into(), serde_json::json!(scopes));
                }
                "description" => {}
                _ => {
                    fields.insert(key.clone(), value.clone());
                }
            }
        }
        out.insert(name.clone(), Value::Object(fields));
    }
    Value::Object(out)
}

/// The alternatives of a security list: `{scheme: [scopes]}` items (OpenAPI, AsyncAPI
/// 2.x), or references to schemes and inline schemes with `scopes` (AsyncAPI 3).
pub(super) fn requirements<'a>(
    side: &crate::diff::differ::Side<'a>,
    list: &Option<Node<'a>>,
) -> Vec<Requirement> {
    let Some(list) = list else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in list.items() {
        let scopes = |value: Option<&Value>| -> BTreeSet<String> {
            value
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        };
        if let Some(reference) = item.text("$ref") {
            let name = reference
                .rsplit('/')
                .next()
                .unwrap_or(reference)
                .replace("~1", "/")
                .replace("~0", "~");
            let resolved = side.resolve(item.clone());
            out.push(BTreeMap::from([(
                name,
                scopes(resolved.value.get("scopes")),
            )]));
        } else if let Some(kind) = item.text("type") {
            out.push(BTreeMap::from([(
                inline_name(side, item.value, kind),
                scopes(item.value.get("scopes")),
            )]));
        } else if let Value::Object(map) = item.value {
            out.push(
                map.iter()
                    .map(|(name, value)| (name.clone(), scopes(Some(value))))
                    .collect(),
            );
        }
    }
    out.sort();
    out.dedup();
    out
}
