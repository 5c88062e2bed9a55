//! The rule catalog: every kind of change the diff reports, as data. Each rule has a
//! stable id, a default severity, the direction of data it concerns, a one-line
//! description and a before/after example (which the tests run, so every example shows
//! its rule firing). `portico diff --list-rules` and the catalog page render it.

mod asyncapi;
mod common;
mod openapi;
mod schema;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Serialize;

use super::report::{Direction, Severity};

/// What a rule's example is written in, and so which documents it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Schemas anywhere (request and response bodies, parameters, headers, message
    /// payloads and headers); the example is a schema.
    Schema,
    /// OpenAPI documents; the example is part of an OpenAPI 3.1 document.
    OpenApi,
    /// AsyncAPI documents; the example is part of an AsyncAPI 3.0 document.
    AsyncApi,
    /// Both specifications; the example is part of an AsyncAPI 3.0 document.
    Both,
}

/// One rule of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleInfo {
    /// Stable kebab-case id, used in reports and severity overrides.
    pub id: String,
    /// The severity a change gets unless an override says otherwise.
    pub severity: Severity,
    /// The data the rule concerns: `sends` (requests, messages consumers send),
    /// `receives`, `both` (either) or `none` (not data).
    pub applies: Direction,
    pub scope: Scope,
    /// One line saying what the rule finds.
    pub description: String,
    /// An example before the change (YAML).
    pub before: &'static str,
    /// The same example after the change (YAML).
    pub after: &'static str,
}

/// A rule written once, as in the tables of the sibling modules.
pub(crate) struct Spec {
    pub id: &'static str,
    pub severity: Severity,
    pub applies: Direction,
    pub scope: Scope,
    pub description: &'static str,
    pub before: &'static str,
    pub after: &'static str,
}

/// A schema rule that exists once for what consumers send (`request-…`) and once for
/// what they receive (`response-…`), with a severity for each.
pub(crate) struct Pair {
    pub base: &'static str,
    pub request: Severity,
    pub response: Severity,
    pub description: &'static str,
    pub before: &'static str,
    pub after: &'static str,
}

/// The whole catalog, in display order.
pub fn rules() -> &'static [RuleInfo] {
    static RULES: OnceLock<Vec<RuleInfo>> = OnceLock::new();
    RULES.get_or_init(build)
}

/// The rule with `id`.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    static INDEX: OnceLock<HashMap<&'static str, usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        rules()
            .iter()
            .enumerate()
            .map(|(at, rule)| (rule.id.as_str(), at))
            .collect()
    });
    index.get(id).map(|&at| &rules()[at])
}

fn build() -> Vec<RuleInfo> {
    let mut all = Vec::new();
    for pair in schema::PAIRS {
        for (prefix, severity, applies, whose) in [
            (
                "request",
                pair.request,
                Direction::Sends,
                "what consumers send (request parameters and bodies, messages the application receives)",
            ),
            (
                "response",
                pair.response,
                Direction::Receives,
                "what consumers receive (responses, messages the application sends)",
            ),
        ] {
            all.push(RuleInfo {
                id: format!("{prefix}-{}", pair.base),
                severity,
                applies,
                scope: Scope::Schema,
                description: format!("{} in {whose}.", pair.description),
                before: pair.before,
                after: pair.after,
            });
        }
    }
    for spec in schema::SINGLES
        .iter()
        .chain(openapi::OPENAPI)
        .chain(asyncapi::ASYNCAPI)
        .chain(common::COMMON)
    {
        all.push(RuleInfo {
            id: spec.id.to_owned(),
            severity: spec.severity,
            applies: spec.applies,
            scope: spec.scope,
            description: spec.description.to_owned(),
            before: spec.before,
            after: spec.after,
        });
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for rule in rules() {
            assert!(seen.insert(rule.id.as_str()), "duplicate id {}", rule.id);
            assert!(
                rule.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is not kebab-case",
                rule.id
            );
            assert!(!rule.description.is_empty() && rule.before != rule.after);
        }
        assert_eq!(
            rule("request-required-property-added").map(|r| r.severity),
            Some(Severity::Breaking)
        );
        assert!(rule("no-such-rule").is_none());
    }
}
