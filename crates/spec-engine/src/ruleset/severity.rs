//! Severities as rulesets write them (`error`, `warn`, `info`, `hint`, `off`, or Spectral's
//! numbers 0-3 and -1) and as Portico reports them (`warn` is `warning`).

use crate::diagnostic::Severity;

/// A rule's severity after a ruleset has been read; `Off` keeps the rule from reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSeverity {
    Report(Severity),
    Off,
}

impl RuleSeverity {
    /// Spectral's default for a rule that names none.
    pub const DEFAULT: RuleSeverity = RuleSeverity::Report(Severity::Warning);

    /// Reads a severity written as a word or one of Spectral's numbers.
    pub fn parse(value: &serde_json::Value) -> Option<RuleSeverity> {
        match value {
            serde_json::Value::String(word) => match word.as_str() {
                "error" => Some(RuleSeverity::Report(Severity::Error)),
                "warn" | "warning" => Some(RuleSeverity::Report(Severity::Warning)),
                "info" | "information" => Some(RuleSeverity::Report(Severity::Info)),
                "hint" => Some(RuleSeverity::Report(Severity::Hint)),
                "off" => Some(RuleSeverity::Off),
                number => number.parse::<i64>().ok().and_then(Self::from_number),
            },
            serde_json::Value::Number(number) => number.as_i64().and_then(Self::from_number),
            _ => None,
        }
    }

    fn from_number(number: i64) -> Option<RuleSeverity> {
        match number {
            -1 => Some(RuleSeverity::Off),
            0 => Some(RuleSeverity::Report(Severity::Error)),
            1 => Some(RuleSeverity::Report(Severity::Warning)),
            2 => Some(RuleSeverity::Report(Severity::Info)),
            3 => Some(RuleSeverity::Report(Severity::Hint)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn words_and_numbers_read_as_spectral_reads_them() {
        assert_eq!(
            RuleSeverity::parse(&json!("warn")),
            Some(RuleSeverity::DEFAULT)
        );
        assert_eq!(
            RuleSeverity::parse(&json!(3)),
            Some(RuleSeverity::Report(Severity::Hint))
        );
        assert_eq!(RuleSeverity::parse(&json!("-1")), Some(RuleSeverity::Off));
        assert_eq!(RuleSeverity::parse(&json!("fatal")), None);
        assert_eq!(RuleSeverity::parse(&json!(7)), None);
    }
}
