//! `portico diff --list-rules`: the rule catalog, so a team can see what the diff finds
//! and pick the ids a `--rules FILE` overrides.

use std::fmt::Write as _;

use serde_json::json;
use spec_engine::diff::{RuleInfo, Scope, rules};

use super::DiffFormat;

/// The catalog in `format`: an aligned table, a JSON array, or a Markdown table.
pub fn render(format: DiffFormat) -> String {
    let catalog = rules();
    match format {
        DiffFormat::Text => text(catalog),
        DiffFormat::Json => json(catalog),
        DiffFormat::Markdown => markdown(catalog),
    }
}

fn scope(scope: Scope) -> &'static str {
    match scope {
        Scope::Schema => "schema",
        Scope::OpenApi => "openapi",
        Scope::AsyncApi => "asyncapi",
        Scope::Both => "both",
    }
}

fn text(catalog: &[RuleInfo]) -> String {
    let width = catalog.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = format!(
        "{:<width$}  {:<8}  {:<9}  DESCRIPTION\n",
        "RULE", "SEVERITY", "DIRECTION"
    );
    for rule in catalog {
        let _ = writeln!(
            out,
            "{:<width$}  {:<8}  {:<9}  {}",
            rule.id,
            rule.severity.as_str(),
            rule.applies.as_str(),
            rule.description
        );
    }
    let _ = writeln!(out, "{} rules.", catalog.len());
    out
}

fn json(catalog: &[RuleInfo]) -> String {
    let rules: Vec<_> = catalog
        .iter()
        .map(|rule| {
            json!({
                "id": rule.id,
                "severity": rule.severity.as_str(),
                "direction": rule.applies.as_str(),
                "scope": scope(rule.scope),
                "description": rule.description,
                "before": rule.before,
                "after": rule.after,
            })
        })
        .collect();
    format!("{}\n", serde_json::Value::Array(rules))
}

fn markdown(catalog: &[RuleInfo]) -> String {
    let mut out =
        String::from("| Rule | Severity | Direction | Description |\n| --- | --- | --- | --- |\n");
    for rule in catalog {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            rule.id,
            rule.severity.as_str(),
            rule.applies.as_str(),
            rule.description.replace('|', "\\|")
        );
    }
    out
}
