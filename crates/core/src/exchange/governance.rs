//! Governance profiles: an organisation's admins choose which rulesets apply to which of
//! its assets, each advisory or blocking; publishing checks every version against them.
//! A blocking ruleset's error finding refuses the publish (422, each finding with its rule
//! and line, as the Publish dialog shows document errors); every finding is kept with the
//! version as its conformance.

use std::collections::BTreeMap;

use portico_types::governance::{
    Conformance, Enforcement, GovernanceDashboard, GovernanceProfile, MAX_CUSTOM_RULESETS,
    MAX_PROFILE_ENTRIES, MAX_RULESET_BYTES, RulesetCounts,
};
use portico_types::{AssetKind, DocumentDiagnostic, Error, FindingCounts, Role};
use spec_engine::ruleset::{NamedRulesets, Ruleset, glob_matches};

use super::document::document_diagnostic;
use super::publish::Inspected;
use crate::Result;
use crate::analysis;
use crate::auth::{SignedInUser, authorize, authorize_organization};
use crate::repo::{Db, governance};

/// The profile of `org` (any member may read it), and whether the caller may change it.
pub async fn profile(db: &Db, user: &SignedInUser, org: &str) -> Result<(GovernanceProfile, bool)> {
    authorize(db, user, org, Role::Viewer).await?;
    let can_edit = authorize(db, user, org, Role::Admin).await.is_ok();
    Ok((stored_profile(db, org).await?.unwrap_or_default(), can_edit))
}

/// Replaces the profile of `org` (organisation admins). Every ruleset it names must
/// load: a built-in one, or one of the profile's own (which may extend the built-in
/// ones and each other by name); the first that does not is refused with where and why.
pub async fn set_profile(
    db: &Db,
    user: &SignedInUser,
    org: &str,
    profile: GovernanceProfile,
) -> Result<GovernanceProfile> {
    let org_id = authorize_organization(db, user, org, Role::Admin).await?;
    check_bounds(&profile)?;
    let checked = profile.clone();
    analysis::run(Some(user.id), move || load_all(&checked).map(|_| ())).await??;
    let json = serde_json::to_string(&profile).map_err(|_| Error::Internal)?;
    governance::set_profile(db, org_id, &json, user.id).await?;
    start_recheck(db.clone(), org.to_owned());
    Ok(profile)
}

/// How far checking an organisation's latest versions again has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recheck {
    pub done: usize,
    pub total: usize,
}

/// Re-checks in progress, by organisation (this process's; each replica checks what
/// its own profile changes start).
static RECHECKS: std::sync::Mutex<BTreeMap<String, Recheck>> =
    std::sync::Mutex::new(BTreeMap::new());

/// The re-check of `org`'s latest versions in progress, if any.
pub fn recheck_progress(org: &str) -> Option<Recheck> {
    RECHECKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .get(org)
        .copied()
}

fn set_progress(org: &str, progress: Option<Recheck>) {
    let mut rechecks = RECHECKS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match progress {
        Some(progress) => rechecks.insert(org.to_owned(), progress),
        None => rechecks.remove(org),
    };
}

/// Checks the latest version of each of `org`'s assets against its (new) profile in the
/// background, so their badges say what the profile says now. One at a time, on the
/// analysis pool; a newer profile change starts over.
fn start_recheck(db: Db, org: String) {
    tokio::spawn(async move {
        if let Err(error) = recheck(&db, &org).await {
            tracing::warn!(%org, %error, "checking the latest versions again stopped");
        }
        set_progress(&org, None);
    });
}

async fn recheck(db: &Db, org: &str) -> Result<()> {
    let latest = governance::latest_versions(db, org).await?;
    let total = latest.len();
    set_progress(org, Some(Recheck { done: 0, total }));
    for (done, (version_id, asset, kind, version, content)) in latest.into_iter().enumerate() {
        let Some(kind) = AssetKind::parse(&kind) else {
            continue;
        };
        let rulesets = applicable(db, org, &asset, kind).await?;
        let conformance = if rulesets.is_empty() {
            None
        } else {
            let text = String::from_utf8_lossy(&content).into_owned();
            let name = format!("{asset}-{version}.yaml");
            let input = analysis::single(&name, &text);
            // Read as published: its references to published assets as pinned.
            let input =
                super::dependencies::supply_pinned_for_checks(db, version_id, input).await?;
            Some(
                analysis::run(None, move || {
                    let inspected = Inspected::of(input);
                    check(&inspected, &rulesets, false).conformance
                })
                .await?,
            )
        };
        let json = governance::report_json(conformance.as_ref());
        let record = conformance
            .as_ref()
            .map(|c| governance::ConformanceRecord::of(c, &json));
        governance::set_conformance(db, version_id, record.as_ref()).await?;
        set_progress(
            org,
            Some(Recheck {
                done: done + 1,
                total,
            }),
        );
    }
    governance::take_snapshot(db, org).await?;
    Ok(())
}

/// Days of history a dashboard plots.
pub const DASHBOARD_DAYS: u32 = 90;
/// Most assets at risk a dashboard lists.
pub const DASHBOARD_AT_RISK: u32 = 50;

/// The conformance of `org`'s latest versions per ruleset now and over the last
/// [`DASHBOARD_DAYS`] days, and its assets at risk (any member may read it).
pub async fn dashboard(db: &Db, user: &SignedInUser, org: &str) -> Result<GovernanceDashboard> {
    authorize(db, user, org, Role::Viewer).await?;
    Ok(GovernanceDashboard {
        rulesets: governance::standings(db, org).await?,
        history: governance::history(db, org, DASHBOARD_DAYS).await?,
        at_risk: governance::at_risk(db, org, DASHBOARD_AT_RISK).await?,
    })
}

/// A ruleset of a profile, loaded, with what its findings do.
pub struct Applied {
    /// As the profile names it.
    pub name: String,
    pub enforcement: Enforcement,
    pub ruleset: Ruleset,
}

/// The rulesets of `org`'s profile that apply to asset `asset` of `kind`, with what their
/// findings do; empty when there is no profile or nothing applies.
pub async fn applicable(db: &Db, org: &str, asset: &str, kind: AssetKind) -> Result<Vec<Applied>> {
    let Some(profile) = stored_profile(db, org).await? else {
        return Ok(Vec::new());
    };
    let selected = GovernanceProfile {
        rulesets: profile
            .rulesets
            .iter()
            .filter(|entry| entry.kinds.is_empty() || entry.kinds.contains(&kind))
            .filter(|entry| {
                entry
                    .assets
                    .as_deref()
                    .is_none_or(|pattern| glob_matches(pattern, asset))
            })
            .cloned()
            .collect(),
        custom: profile.custom,
    };
    if selected.rulesets.is_empty() {
        return Ok(Vec::new());
    }
    // A profile stored by an earlier version that no longer loads checks nothing
    // rather than stopping every publish; it is logged for the admins to fix.
    analysis::run(None, move || load_all(&selected))
        .await?
        .or_else(|error| {
            tracing::error!(%org, %error, "the governance profile does not load");
            Ok(Vec::new())
        })
}

/// What the rulesets found in a document: every finding, and those that refuse it.
pub struct Checked {
    pub conformance: Conformance,
    pub blocking: Vec<DocumentDiagnostic>,
}

/// Runs `rulesets` over an analysed document (call it on the CPU pool).
pub fn check(inspected: &Inspected, rulesets: &[Applied], name_files: bool) -> Checked {
    let mut conformance = Conformance::default();
    let mut blocking = Vec::new();
    for applied in rulesets {
        let found =
            spec_engine::ruleset_findings(&inspected.input, &inspected.analysis, &applied.ruleset);
        let mut counts = FindingCounts::default();
        for finding in found {
            let reported = document_diagnostic(&finding, name_files);
            match finding.severity {
                spec_engine::Severity::Error => counts.errors += 1,
                spec_engine::Severity::Warning => counts.warnings += 1,
                spec_engine::Severity::Info => counts.infos += 1,
                spec_engine::Severity::Hint => counts.hints += 1,
            }
            if applied.enforcement == Enforcement::Blocking
                && finding.severity == spec_engine::Severity::Error
            {
                blocking.push(reported.clone());
            }
            conformance.findings.push(reported);
        }
        conformance.errors += counts.errors;
        conformance.warnings += counts.warnings;
        conformance.infos += counts.infos;
        conformance.hints += counts.hints;
        conformance.rulesets.push(RulesetCounts {
            ruleset: applied.name.clone(),
            enforcement: applied.enforcement,
            counts,
        });
    }
    Checked {
        conformance,
        blocking,
    }
}

/// The conformance stored with a version of `group/asset` (any member may read it, or
/// anyone for a public asset, as the version itself); `None` when no ruleset applied.
pub async fn conformance(db: &Db, asset_id: i64, version: &str) -> Result<Option<Conformance>> {
    let Some(json) = governance::conformance_of(db, asset_id, version).await? else {
        return Ok(None);
    };
    serde_json::from_str(&json).map(Some).map_err(|error| {
        tracing::error!(%error, "a stored conformance report does not read");
        Error::Internal
    })
}

async fn stored_profile(db: &Db, org: &str) -> Result<Option<GovernanceProfile>> {
    let Some(json) = governance::profile_of(db, org).await? else {
        return Ok(None);
    };
    serde_json::from_str(&json).map(Some).map_err(|error| {
        tracing::error!(%org, %error, "a stored governance profile does not read");
        Error::Internal
    })
}

fn check_bounds(profile: &GovernanceProfile) -> Result<()> {
    if profile.rulesets.len() > MAX_PROFILE_ENTRIES {
        return Err(Error::Invalid(format!(
            "A profile applies at most {MAX_PROFILE_ENTRIES} rulesets."
        )));
    }
    if profile.custom.len() > MAX_CUSTOM_RULESETS {
        return Err(Error::Invalid(format!(
            "A profile keeps at most {MAX_CUSTOM_RULESETS} rulesets of its own."
        )));
    }
    for (name, text) in &profile.custom {
        if name.is_empty() || name.len() > 100 || name.contains(':') {
            return Err(Error::Invalid(format!(
                "custom.{name:?}: a ruleset's name is 1 to 100 characters without ':' (built-in names have one)."
            )));
        }
        if text.len() > MAX_RULESET_BYTES {
            return Err(Error::Invalid(format!(
                "custom.{name}: the ruleset is {} bytes; at most {MAX_RULESET_BYTES} are kept.",
                text.len()
            )));
        }
    }
    Ok(())
}

/// Loads every ruleset the profile's entries name.
fn load_all(profile: &GovernanceProfile) -> Result<Vec<Applied>> {
    let reader = NamedRulesets(&profile.custom);
    profile
        .rulesets
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            Ruleset::load(&entry.ruleset, &reader)
                .map(|ruleset| Applied {
                    name: entry.ruleset.clone(),
                    enforcement: entry.enforcement,
                    ruleset,
                })
                .map_err(|error| Error::Invalid(format!("rulesets[{index}]: {error}")))
        })
        .collect()
}
