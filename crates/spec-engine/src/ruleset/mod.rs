//! Governance rulesets in Spectral's format, run natively: read a ruleset
//! ([`Ruleset::load`], [`Ruleset::from_text`]), then [`lint`] a project with it. Findings
//! are [`Diagnostic`](crate::Diagnostic)s carrying their rule's id, at the line of the
//! value they are about. See `load` for the ruleset format, `functions` for the
//! functions, and `portico-jsonpath` for the JSONPath rules' `given` is written in.

mod builtin;
mod format;
pub mod functions;
mod load;
mod message;
mod resolve;
mod run;
mod severity;

pub use builtin::NAMES as BUILTIN_RULESETS;
pub use format::Format;
pub use load::{
    NamedRulesets, NoFiles, Rule, Ruleset, RulesetError, RulesetReader, Unsupported, glob_matches,
};
pub use run::lint;
pub use severity::RuleSeverity;

#[cfg(test)]
mod tests;
