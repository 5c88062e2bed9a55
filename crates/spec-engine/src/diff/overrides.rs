//! Severity overrides: an organisation (or `portico diff --rules FILE`) decides that a
//! rule matters more, less, or not at all. Written as YAML or JSON:
//! `{"rules": {"rule-id": "breaking" | "warning" | "info" | "off"}}`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::report::{RuleLevel, RuleLevels, Severity};
use super::rules;
use crate::input::Limits;
use crate::parse::parse_text;

/// Per-rule severities that replace the catalog's defaults (`None` turns a rule off).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleOverrides {
    levels: BTreeMap<String, Option<Severity>>,
}

/// Why an overrides text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverridesError {
    /// The text is neither JSON nor YAML.
    #[error("The rule overrides are not valid YAML or JSON: {0} (line {1}, column {2}).")]
    Syntax(String, u32, u32),
    /// The text is not `{rules: {id: level}}`.
    #[error(
        "The rule overrides must be a mapping with a `rules` mapping of rule ids to levels; {0}"
    )]
    Shape(String),
    /// An id that is not in the catalog.
    #[error(
        "Unknown diff rule `{0}` in the rule overrides; `portico diff --list-rules` lists them."
    )]
    UnknownRule(String),
    /// A level other than breaking, warning, info or off.
    #[error("Rule `{0}` has the level {1:?}; use breaking, warning, info or off.")]
    Level(String, String),
}

impl RuleOverrides {
    /// Reads overrides from YAML or JSON text.
    pub fn parse(text: &str) -> Result<RuleOverrides, OverridesError> {
        let (value, _) = parse_text(text, &Limits::default())
            .map_err(|e| OverridesError::Syntax(e.message, e.line, e.column))?;
        let rules = match value.get("rules") {
            Some(Value::Object(rules)) => rules,
            Some(_) => return Err(OverridesError::Shape("`rules` is not a mapping.".into())),
            None if value.is_object() || value.is_null() => {
                return Ok(RuleOverrides::default());
            }
            None => return Err(OverridesError::Shape("the text is not a mapping.".into())),
        };
        let mut levels = BTreeMap::new();
        for (id, level) in rules {
            if rules::rule(id).is_none() {
                return Err(OverridesError::UnknownRule(id.clone()));
            }
            let level = match level.as_str() {
                Some("breaking") => Some(Severity::Breaking),
                Some("warning") | Some("warn") => Some(Severity::Warning),
                Some("info") => Some(Severity::Info),
                Some("off") => None,
                _ => return Err(OverridesError::Level(id.clone(), level.to_string())),
            };
            levels.insert(id.clone(), level);
        }
        Ok(RuleOverrides { levels })
    }

    /// Sets the level of one rule (`None` turns it off).
    pub fn set(&mut self, rule: &str, level: Option<Severity>) -> Result<(), OverridesError> {
        if rules::rule(rule).is_none() {
            return Err(OverridesError::UnknownRule(rule.to_owned()));
        }
        self.levels.insert(rule.to_owned(), level);
        Ok(())
    }

    /// The override for `rule`: `None` when there is none, `Some(None)` when it is off.
    pub fn get(&self, rule: &str) -> Option<Option<Severity>> {
        self.levels.get(rule).copied()
    }

    /// Overrides from an organisation's stored levels; an id not in the catalog is refused.
    pub fn from_levels(levels: &RuleLevels) -> Result<RuleOverrides, OverridesError> {
        let mut overrides = RuleOverrides::default();
        for (rule, level) in &levels.rules {
            overrides.set(rule, level.severity())?;
        }
        Ok(overrides)
    }

    /// The overrides as levels, as an organisation stores them.
    pub fn to_levels(&self) -> RuleLevels {
        RuleLevels {
            rules: self
                .levels
                .iter()
                .map(|(rule, level)| (rule.clone(), RuleLevel::of(*level)))
                .collect(),
        }
    }

    /// Whether no rule is overridden.
    pub fn is_empty(&self) -> bool {
        self.levels.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_yaml_and_json_and_names_unknown_ids() {
        let yaml = RuleOverrides::parse(
            "rules:\n  response-enum-value-added: warning\n  operation-removed: off\n",
        )
        .unwrap();
        assert_eq!(
            yaml.get("response-enum-value-added"),
            Some(Some(Severity::Warning))
        );
        assert_eq!(yaml.get("operation-removed"), Some(None));
        assert_eq!(yaml.get("channel-removed"), None);
        let json = RuleOverrides::parse(r#"{"rules": {"channel-removed": "info"}}"#).unwrap();
        assert_eq!(json.get("channel-removed"), Some(Some(Severity::Info)));
        let error = RuleOverrides::parse("rules:\n  no-such-rule: info\n").unwrap_err();
        assert!(error.to_string().contains("`no-such-rule`"), "{error}");
        assert!(matches!(
            RuleOverrides::parse("rules:\n  channel-removed: fatal\n"),
            Err(OverridesError::Level(..))
        ));
        assert!(RuleOverrides::parse("rules: [a]").is_err());
    }

    #[test]
    fn levels_round_trip_and_refuse_unknown_ids() {
        let overrides =
            RuleOverrides::parse("rules:\n  channel-removed: info\n  operation-removed: off\n")
                .unwrap();
        let levels = overrides.to_levels();
        assert_eq!(levels.rules["channel-removed"], RuleLevel::Info);
        assert_eq!(levels.rules["operation-removed"], RuleLevel::Off);
        assert_eq!(RuleOverrides::from_levels(&levels).unwrap(), overrides);
        let mut unknown = levels;
        unknown.rules.insert("no-such-rule".into(), RuleLevel::Info);
        assert!(matches!(
            RuleOverrides::from_levels(&unknown),
            Err(OverridesError::UnknownRule(id)) if id == "no-such-rule"
        ));
    }
}
