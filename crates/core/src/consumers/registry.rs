//! Registering as a consumer of an asset, as yourself (your personal organisation) or
//! for an organisation you contribute to; seeing and removing registrations.
//!
//! The asset's organisation sees every consumer; anyone else who may read the asset sees
//! only the registrations of organisations they belong to.

use portico_types::consumers::{
    Consumer, MAX_CONTACT_CHARS, MAX_USE_CHARS, MAX_USES, NewConsumer, VersionRange,
};
use portico_types::{Error, Role};

use crate::Result;
use crate::auth::{SignedInUser, authorize, authorize_organization};
use crate::exchange::access::asset_for;
use crate::repo::consumers::{self, ConsumerRow, NewConsumerRow};
use crate::repo::organizations::MembershipRow;
use crate::repo::{Db, organizations};

/// Registers `user` (or one of their organisations) as a consumer of an asset they may read.
pub async fn register(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    new: &NewConsumer,
) -> Result<Consumer> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let range =
        VersionRange::parse(&new.range).map_err(|m| Error::Invalid(format!("range: {m}")))?;
    let uses = checked_uses(new.uses.as_deref().unwrap_or_default())?;
    let contact = new.contact.as_deref().unwrap_or_default().trim();
    if contact.chars().count() > MAX_CONTACT_CHARS {
        return Err(Error::Invalid(format!(
            "contact: longer than {MAX_CONTACT_CHARS} characters."
        )));
    }
    let (organization, organization_id) =
        consuming_organization(db, user, new.organisation.as_deref()).await?;
    let uses_json = serde_json::to_string(&uses).unwrap_or_else(|_| "[]".into());
    let id = consumers::insert(
        db,
        &NewConsumerRow {
            asset_id: row.id,
            organization_id,
            registered_by: user.id,
            version_range: range.as_str(),
            uses_json: &uses_json,
            contact,
        },
    )
    .await?
    .ok_or_else(|| {
        Error::Conflict(format!(
            "{organization} is a consumer of {group}/{asset} already; remove that registration to change it."
        ))
    })?;
    let stored = consumers::find(db, row.id, id)
        .await?
        .ok_or(Error::Internal)?;
    Ok(consumer_of(stored, true))
}

/// The consumers of an asset `user` may see.
pub async fn list(db: &Db, user: &SignedInUser, group: &str, asset: &str) -> Result<Vec<Consumer>> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let viewer = Viewer::of(db, user, group).await?;
    Ok(consumers::of_asset(db, row.id)
        .await?
        .into_iter()
        .filter(|consumer| viewer.sees(consumer))
        .map(|consumer| {
            let removable = viewer.may_remove(&consumer);
            consumer_of(consumer, removable)
        })
        .collect())
}

/// Removes a registration: its registrant, an admin of the consuming organisation or an
/// admin of the asset's.
pub async fn remove(db: &Db, user: &SignedInUser, group: &str, asset: &str, id: i64) -> Result<()> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    let viewer = Viewer::of(db, user, group).await?;
    let consumer = consumers::find(db, row.id, id)
        .await?
        .filter(|consumer| viewer.sees(consumer))
        .ok_or_else(|| Error::NotFound(format!("No consumer {id} of {group}/{asset}.")))?;
    if !viewer.may_remove(&consumer) {
        return Err(Error::Forbidden(format!(
            "Only whoever registered it, or an admin of {} or of {group}, may remove this registration.",
            consumer.organization
        )));
    }
    consumers::delete(db, consumer.id).await?;
    Ok(())
}

/// Who looks at an asset's consumers: its organisation sees every one, others the
/// registrations of organisations they belong to.
struct Viewer {
    user_id: i64,
    /// The user's role in the asset's organisation, if any.
    owner_role: Option<Role>,
    memberships: Vec<MembershipRow>,
}

impl Viewer {
    async fn of(db: &Db, user: &SignedInUser, group: &str) -> Result<Viewer> {
        Ok(Viewer {
            user_id: user.id,
            owner_role: authorize(db, user, group, Role::Viewer).await.ok(),
            memberships: organizations::memberships_of(db, user.id).await?,
        })
    }

    fn membership(&self, consumer: &ConsumerRow) -> Option<&MembershipRow> {
        self.memberships
            .iter()
            .find(|m| m.organization_id == consumer.organization_id)
    }

    fn sees(&self, consumer: &ConsumerRow) -> bool {
        self.owner_role.is_some() || self.membership(consumer).is_some()
    }

    fn may_remove(&self, consumer: &ConsumerRow) -> bool {
        consumer.registered_by_id == Some(self.user_id)
            || self.owner_role == Some(Role::Admin)
            || self
                .membership(consumer)
                .is_some_and(|m| m.role() == Role::Admin)
    }
}

/// The organisation a registration is for (slug and id): one the user contributes to,
/// or their own.
async fn consuming_organization(
    db: &Db,
    user: &SignedInUser,
    asked: Option<&str>,
) -> Result<(String, i64)> {
    match asked.map(str::trim).filter(|slug| !slug.is_empty()) {
        None => organizations::memberships_of(db, user.id)
            .await?
            .into_iter()
            .find(|m| m.personal)
            .map(|m| (m.slug, m.organization_id))
            .ok_or_else(|| {
                Error::Invalid(
                    "organisation: you have no personal organisation; name one you belong to."
                        .into(),
                )
            }),
        Some(slug) => {
            let id = authorize_organization(db, user, slug, Role::Contributor)
                .await
                .map_err(|error| match error {
                    Error::NotFound(_) => Error::NotFound(format!(
                        "organisation: you do not belong to an organisation named {slug:?}."
                    )),
                    other => other,
                })?;
            Ok((slug.to_owned(), id))
        }
    }
}

fn checked_uses(uses: &[String]) -> Result<Vec<String>> {
    if uses.len() > MAX_USES {
        return Err(Error::Invalid(format!(
            "uses: more than {MAX_USES} operations or channels."
        )));
    }
    let mut out: Vec<String> = Vec::new();
    for (index, name) in uses.iter().enumerate() {
        let name = name.trim();
        if name.is_empty()
            || name.chars().count() > MAX_USE_CHARS
            || name.chars().any(char::is_control)
        {
            return Err(Error::Invalid(format!(
                "uses[{index}]: an operation id or channel name of 1 to {MAX_USE_CHARS} printable characters."
            )));
        }
        if !out.iter().any(|seen| seen == name) {
            out.push(name.to_owned());
        }
    }
    Ok(out)
}

fn consumer_of(row: ConsumerRow, removable: bool) -> Consumer {
    Consumer {
        id: row.id,
        organisation: row.organization,
        registered_by: row.registered_by,
        range: row.version_range,
        uses: serde_json::from_str(&row.uses).unwrap_or_default(),
        contact: row.contact,
        created_at: row.created_at,
        removable,
    }
}
