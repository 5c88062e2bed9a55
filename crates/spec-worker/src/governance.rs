//! The organisation's governance rulesets, run beside the schema checks after every
//! edit: each finding shows in the gutter and the problems panel with its rule id. The
//! page sends the profile with every analysis (a replaced worker keeps working); it is
//! loaded once per distinct profile.

use std::cell::RefCell;

use portico_types::AssetKind;
use portico_types::governance::GovernanceProfile;
use spec_engine::ruleset::{NamedRulesets, Ruleset};
use spec_engine::{Analysis, Diagnostic, Input, Kind, Severity};

/// A profile as loaded: the text it came from, and each ruleset with the kinds it
/// applies to (or why it could not be loaded).
struct Loaded {
    source: String,
    rulesets: Vec<(Vec<AssetKind>, Result<Ruleset, String>)>,
}

thread_local! {
    static LOADED: RefCell<Option<Loaded>> = const { RefCell::new(None) };
}

/// Adds the findings of the profile's rulesets that apply to the document's kind.
pub fn apply(profile_json: &str, input: &Input, analysis: &mut Analysis) {
    let Some(kind) = analysis.kind.map(|kind| match kind {
        Kind::AsyncApi => AssetKind::AsyncApi,
        Kind::OpenApi => AssetKind::OpenApi,
    }) else {
        return;
    };
    LOADED.with_borrow_mut(|loaded| {
        if loaded.as_ref().is_none_or(|l| l.source != profile_json) {
            *loaded = Some(load(profile_json));
        }
        let Some(loaded) = loaded.as_ref() else {
            return;
        };
        for (kinds, ruleset) in &loaded.rulesets {
            if !kinds.is_empty() && !kinds.contains(&kind) {
                continue;
            }
            match ruleset {
                Ok(ruleset) => spec_engine::apply_ruleset(input, analysis, ruleset),
                Err(message) => analysis.diagnostics.push(
                    Diagnostic::new(Severity::Warning, &input.main, "", message.clone()).at(1, 1),
                ),
            }
        }
    });
}

fn load(profile_json: &str) -> Loaded {
    let profile: GovernanceProfile = serde_json::from_str(profile_json).unwrap_or_default();
    let reader = NamedRulesets(&profile.custom);
    let rulesets = profile
        .rulesets
        .iter()
        .map(|entry| {
            let ruleset = Ruleset::load(&entry.ruleset, &reader).map_err(|error| {
                format!(
                    "The governance ruleset {:?} cannot be checked here: {error}",
                    entry.ruleset
                )
            });
            (entry.kinds.clone(), ruleset)
        })
        .collect();
    Loaded {
        source: profile_json.to_owned(),
        rulesets,
    }
}
