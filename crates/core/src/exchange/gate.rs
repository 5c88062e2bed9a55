//! The breaking-change gate at publish: a new version is compared with the highest
//! earlier release below it, and a breaking change that its version number does not
//! allow is refused. Cargo's reading of semver decides what a number allows: the
//! leftmost non-zero part is the one that may break (1.x.y: a major release; 0.x.y: a
//! minor one; 0.0.x: any). Development versions are compared, never refused.

use portico_types::dependencies::BrokenDependent;
use portico_types::{Error, Gav, Lifecycle, Role, Semver};
use spec_engine::diff::{Bump, DiffReport};

use super::dependencies;
use super::diff_rules;
use super::publish::{Inspected, PublishRequest, file_name};
use crate::Result;
use crate::analysis;
use crate::auth::{SignedInUser, authorize};
use crate::repo::Db;
use crate::repo::assets::{find_asset, release_below};

/// How the publisher asked the gate to treat a refused break.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Override {
    /// Refuse a breaking change the version number does not allow.
    #[default]
    None,
    /// Publish anyway (organisation admins), with the reason recorded in the changelog.
    Breaking { reason: String },
}

/// The gate's answer for one publish.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Nothing to compare with: the first release of the asset.
    First,
    /// Compared with `base`; may be published. `advice` names a better version number
    /// when the change is larger than the number says (additions in a patch release).
    Allowed {
        base: String,
        report: DiffReport,
        advice: Option<String>,
    },
    /// Compared with `base`; breaking changes the version number does not allow.
    Refused { base: String, report: DiffReport },
}

/// What a published version changed against the release before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Compared {
    /// The release compared with.
    pub base: String,
    pub report: DiffReport,
    /// A better version number, when the change is larger than the number says.
    pub advice: Option<String>,
    /// Why an organisation admin published a refused breaking change anyway.
    pub override_reason: Option<String>,
    /// For a breaking change: the dependents it breaks (see
    /// [`super::dependencies::broken_by`]), as far as the publisher may see them.
    pub breaks: Vec<BrokenDependent>,
}

/// The release a new version is compared with, and what changed since.
pub struct AgainstRelease {
    pub base: String,
    pub base_semver: Semver,
    pub report: DiffReport,
}

/// Diffs an analysed document against the highest earlier release of `gav`'s asset
/// below it; `None` for a first release, or when the two cannot be compared (another
/// kind of document: publishing then says why).
pub async fn against_release(
    db: &Db,
    user: &SignedInUser,
    gav: &Gav,
    inspected: Inspected,
) -> Result<Option<AgainstRelease>> {
    let Some(asset) = find_asset(db, &gav.group, &gav.asset).await? else {
        return Ok(None);
    };
    let Some(base) = release_below(db, asset.id, &gav.semver).await? else {
        return Ok(None);
    };
    let base_semver = Semver {
        major: base.major.max(0) as u64,
        minor: base.minor.max(0) as u64,
        patch: base.patch.max(0) as u64,
        prerelease: String::new(),
    };
    let base_text = String::from_utf8(base.content).map_err(|_| Error::Internal)?;
    let base_version = base.version.clone();
    let base_gav = Gav {
        version: base.version.clone(),
        semver: base_semver.clone(),
        ..gav.clone()
    };
    let base_name = file_name(
        &base_gav,
        if base_text.trim_start().starts_with('{') {
            "application/json"
        } else {
            "application/yaml"
        },
    );
    // The release as it was published: its references to published assets as pinned.
    let base_input = dependencies::supply_pinned(
        db,
        user,
        (asset.id, &base_version),
        analysis::single(&base_name, &base_text),
    )
    .await?;
    let options = diff_rules::options_for(db, &gav.group).await?;
    let report = analysis::run(Some(user.id), move || {
        let old = Inspected::for_comparison_of(base_input);
        spec_engine::diff_analyzed(
            &old.input,
            &old.analysis,
            &inspected.input,
            &inspected.analysis,
            &options,
        )
    })
    .await?;
    Ok(report.ok().map(|report| AgainstRelease {
        base: base.version,
        base_semver,
        report,
    }))
}

/// Compares the document of `request` with the highest earlier release below it and
/// applies the gate: `Ok(None)` for a first release (or one that cannot be compared:
/// the store then says why), `Ok(Some)` for an allowed one, `BreakingChange` for a
/// refused one unless an organisation admin overrides it with a reason.
pub async fn compare(
    db: &Db,
    user: &SignedInUser,
    gav: &Gav,
    request: &PublishRequest<'_>,
    inspected: Inspected,
) -> Result<Option<Compared>> {
    let Some(AgainstRelease {
        base,
        base_semver,
        report,
    }) = against_release(db, user, gav, inspected).await?
    else {
        return Ok(None);
    };
    let development = request.lifecycle == Lifecycle::Development;
    let breaks = if report.breaking {
        dependencies::broken_by(db, user, (&gav.group, &gav.asset), &gav.version).await?
    } else {
        Vec::new()
    };
    match judge((&base, &base_semver), &gav.semver, report, development) {
        Verdict::First => Ok(None),
        Verdict::Allowed {
            base,
            report,
            advice,
        } => Ok(Some(Compared {
            base,
            report,
            advice,
            override_reason: None,
            breaks,
        })),
        Verdict::Refused { base, report } => match &request.gate {
            Override::Breaking { reason } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(Error::Invalid(
                        "Say why when publishing a breaking change anyway (reason).".into(),
                    ));
                }
                authorize(db, user, &gav.group, Role::Admin).await?;
                tracing::warn!(group = %gav.group, asset = %gav.asset, version = %gav.version, %reason, "breaking change published anyway");
                Ok(Some(Compared {
                    base,
                    report,
                    advice: None,
                    override_reason: Some(reason.to_owned()),
                    breaks,
                }))
            }
            Override::None => Err(refusal(gav, &base_semver, (base, report), breaks)),
        },
    }
}

/// The 409 answer to a release whose number hides a break, naming the dependents it
/// would break.
fn refusal(
    gav: &Gav,
    base_semver: &Semver,
    (base, report): (String, DiffReport),
    breaks: Vec<BrokenDependent>,
) -> Error {
    let breaking = report.count(spec_engine::diff::Severity::Breaking);
    let kind = match release_kind(base_semver, &gav.semver) {
        Bump::Minor => "minor",
        _ => "patch",
    };
    let message = format!(
        "{}/{} {} breaks consumers of {base} ({breaking} breaking change{}); a {kind} release may not. Publish it as {} instead, or an organisation admin may publish it anyway with a reason.",
        gav.group,
        gav.asset,
        gav.version,
        if breaking == 1 { "" } else { "s" },
        suggested_version(base_semver, Bump::Major),
    );
    let message = match breaks.len() {
        0 => message,
        count => format!(
            "{message} It breaks {count} dependent{}: {}.",
            if count == 1 { "" } else { "s" },
            breaks
                .iter()
                .map(|b| format!(
                    "{}/{} {}",
                    b.dependent.group, b.dependent.asset, b.dependent.version
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Error::BreakingChange {
        message,
        base,
        report: Box::new(report),
        breaks,
    }
}

/// Whether a release numbered `next` may break consumers of `base`: its leftmost
/// non-zero part (Cargo's convention) differs.
pub fn may_break(base: &Semver, next: &Semver) -> bool {
    if base.major != next.major {
        return true;
    }
    if base.major > 0 {
        return false;
    }
    if base.minor != next.minor {
        return true;
    }
    base.minor == 0 && base.patch != next.patch
}

/// The kind of release `next` is after `base`, in the words of [`Bump`].
pub fn release_kind(base: &Semver, next: &Semver) -> Bump {
    if may_break(base, next) {
        Bump::Major
    } else if (base.major, base.minor) != (next.major, next.minor) {
        Bump::Minor
    } else if base.patch != next.patch {
        Bump::Patch
    } else {
        Bump::None
    }
}

/// The version a release after `base` with these changes should carry.
pub fn suggested_version(base: &Semver, bump: Bump) -> String {
    let (major, minor, patch) = (base.major, base.minor, base.patch);
    // Below 1.0.0 the parts shift right: a breaking change bumps the leftmost non-zero.
    let next = match (bump, major, minor) {
        (Bump::Major, 0, 0) => (0, 0, patch + 1),
        (Bump::Major, 0, _) => (0, minor + 1, 0),
        (Bump::Major, _, _) => (major + 1, 0, 0),
        (Bump::Minor, 0, 0) => (0, 0, patch + 1),
        (Bump::Minor, 0, _) => (0, minor, patch + 1),
        (Bump::Minor, _, _) => (major, minor + 1, 0),
        (Bump::Patch | Bump::None, _, _) => (major, minor, patch + 1),
    };
    format!("{}.{}.{}", next.0, next.1, next.2)
}

/// Judges a release numbered `next` whose changes against `base` are `report`.
/// `development` releases are never refused.
pub fn judge(
    base: (&str, &Semver),
    next: &Semver,
    report: DiffReport,
    development: bool,
) -> Verdict {
    let (base_version, base_semver) = base;
    let kind = release_kind(base_semver, next);
    if report.breaking && kind != Bump::Major && !development {
        return Verdict::Refused {
            base: base_version.to_owned(),
            report,
        };
    }
    let advice = (kind == Bump::Patch && report.suggested_bump == Bump::Minor).then(|| {
        format!(
            "This patch release adds to the API; {} (a minor release) says so to consumers.",
            suggested_version(base_semver, Bump::Minor)
        )
    });
    Verdict::Allowed {
        base: base_version.to_owned(),
        report,
        advice,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Semver {
        portico_types::coordinates::parse_semver(text).unwrap()
    }

    #[test]
    fn the_leftmost_non_zero_part_may_break() {
        assert!(may_break(&v("1.4.2"), &v("2.0.0")));
        assert!(!may_break(&v("1.4.2"), &v("1.5.0")));
        assert!(!may_break(&v("1.4.2"), &v("1.4.3")));
        assert!(may_break(&v("0.3.1"), &v("0.4.0")));
        assert!(!may_break(&v("0.3.1"), &v("0.3.2")));
        assert!(may_break(&v("0.0.3"), &v("0.0.4")));
        assert!(may_break(&v("0.9.0"), &v("1.0.0")));
    }

    #[test]
    fn suggested_versions_follow_the_convention() {
        assert_eq!(suggested_version(&v("1.4.2"), Bump::Major), "2.0.0");
        assert_eq!(suggested_version(&v("1.4.2"), Bump::Minor), "1.5.0");
        assert_eq!(suggested_version(&v("1.4.2"), Bump::Patch), "1.4.3");
        assert_eq!(suggested_version(&v("0.3.1"), Bump::Major), "0.4.0");
        assert_eq!(suggested_version(&v("0.3.1"), Bump::Minor), "0.3.2");
        assert_eq!(suggested_version(&v("0.0.3"), Bump::Major), "0.0.4");
    }

    fn report(severity: spec_engine::diff::Severity) -> DiffReport {
        use spec_engine::diff::{Change, Direction, Group, GroupKind};
        DiffReport::new(
            vec![Change {
                rule: "response-property-removed".into(),
                severity,
                direction: Direction::Receives,
                message: "A property was removed.".into(),
                old: None,
                new: None,
                group: Group {
                    kind: GroupKind::Message,
                    name: "OrderPlaced".into(),
                },
            }],
            Vec::new(),
        )
    }

    #[test]
    fn a_break_needs_a_major_release_unless_in_development() {
        use spec_engine::diff::Severity::{Breaking, Info};
        let base = ("1.0.0", &v("1.0.0"));
        assert!(matches!(
            judge(base, &v("1.1.0"), report(Breaking), false),
            Verdict::Refused { .. }
        ));
        assert!(matches!(
            judge(base, &v("1.0.1"), report(Breaking), false),
            Verdict::Refused { .. }
        ));
        assert!(matches!(
            judge(base, &v("2.0.0"), report(Breaking), false),
            Verdict::Allowed { .. }
        ));
        assert!(matches!(
            judge(base, &v("1.1.0"), report(Breaking), true),
            Verdict::Allowed { .. }
        ));
        // Below 1.0.0 a minor release may break, a patch may not.
        let early = ("0.3.0", &v("0.3.0"));
        assert!(matches!(
            judge(early, &v("0.4.0"), report(Breaking), false),
            Verdict::Allowed { .. }
        ));
        assert!(matches!(
            judge(early, &v("0.3.1"), report(Breaking), false),
            Verdict::Refused { .. }
        ));
        // An addition in a patch release is allowed with advice to make it a minor one.
        let Verdict::Allowed { advice, .. } = judge(base, &v("1.0.1"), report(Info), false) else {
            panic!("an addition is never refused");
        };
        assert!(advice.is_some_and(|a| a.contains("1.1.0")));
    }
}
