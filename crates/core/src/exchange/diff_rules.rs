//! The diff rules: the catalog every user may read, and the levels an organisation gives
//! rules instead of the defaults. Its admins set them; the publish gate, the Publish
//! dialog's preview and the compare view of the organisation's assets apply them.

use portico_types::diff::{OrganizationRuleLevels, RuleLevels, RuleSummary};
use portico_types::{Error, Role};
use spec_engine::diff::{DiffOptions, RuleOverrides, rules};

use crate::Result;
use crate::auth::{SignedInUser, authorize, authorize_organization};
use crate::repo::{Db, diff_rules};

/// Every rule of the catalog, in display order.
pub fn catalog() -> Vec<RuleSummary> {
    rules()
        .iter()
        .map(|rule| RuleSummary {
            id: rule.id.clone(),
            severity: rule.severity,
            applies: rule.applies,
            scope: serde_json::to_value(rule.scope)
                .ok()
                .and_then(|scope| scope.as_str().map(str::to_owned))
                .unwrap_or_default(),
            description: rule.description.clone(),
            before: rule.before.to_owned(),
            after: rule.after.to_owned(),
        })
        .collect()
}

/// The levels `org` gives rules (any member may read them).
pub async fn levels(db: &Db, user: &SignedInUser, org: &str) -> Result<OrganizationRuleLevels> {
    authorize(db, user, org, Role::Viewer).await?;
    let can_edit = authorize(db, user, org, Role::Admin).await.is_ok();
    Ok(OrganizationRuleLevels {
        organization: org.to_owned(),
        levels: overrides_of(db, org).await?.to_levels(),
        can_edit,
    })
}

/// Replaces the levels `org` gives rules (organisation admins); an id the catalog does
/// not have is refused. A level equal to the rule's default is kept: it still says the
/// organisation decided.
pub async fn set_levels(
    db: &Db,
    user: &SignedInUser,
    org: &str,
    levels: &RuleLevels,
) -> Result<RuleLevels> {
    let org_id = authorize_organization(db, user, org, Role::Admin).await?;
    let overrides =
        RuleOverrides::from_levels(levels).map_err(|error| Error::Invalid(error.to_string()))?;
    let stored = overrides.to_levels();
    let json = serde_json::to_string(&stored).map_err(|_| Error::Internal)?;
    diff_rules::set_levels(db, org_id, &json, user.id).await?;
    Ok(stored)
}

/// How the diff compares documents of `org`'s assets: with the organisation's levels.
pub async fn options_for(db: &Db, org: &str) -> Result<DiffOptions> {
    Ok(DiffOptions {
        overrides: overrides_of(db, org).await?,
    })
}

/// The stored levels as overrides. A rule a later catalog no longer has is skipped (and
/// logged), so an upgrade never stops an organisation from publishing.
async fn overrides_of(db: &Db, org: &str) -> Result<RuleOverrides> {
    let Some(json) = diff_rules::levels_of(db, org).await? else {
        return Ok(RuleOverrides::default());
    };
    let levels: RuleLevels = serde_json::from_str(&json).map_err(|error| {
        tracing::error!(%org, %error, "stored diff rule levels do not read");
        Error::Internal
    })?;
    let mut overrides = RuleOverrides::default();
    for (rule, level) in &levels.rules {
        if overrides.set(rule, level.severity()).is_err() {
            tracing::warn!(%org, %rule, "an organisation's level for a rule the catalog no longer has is skipped");
        }
    }
    Ok(overrides)
}
