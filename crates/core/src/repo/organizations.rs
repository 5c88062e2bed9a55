//! Organisations and their members.

use sqlx::FromRow;

use super::Db;
use portico_types::Role;

/// One organisation a user belongs to, with the user's role in it.
#[derive(Debug, Clone, FromRow)]
pub struct MembershipRow {
    pub organization_id: i64,
    pub slug: String,
    pub name: String,
    pub personal: bool,
    pub role: String,
}

impl MembershipRow {
    /// The role as a type; an unknown stored value (never written by us) counts as viewer.
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Viewer)
    }
}

const MEMBERSHIP_COLUMNS: &str = "o.id AS organization_id, o.slug, o.name,
     (o.personal_owner_id IS NOT NULL) AS personal, m.role";

/// Every organisation the user is a member of, personal one first, then by slug.
pub async fn memberships_of(db: &Db, user_id: i64) -> Result<Vec<MembershipRow>, sqlx::Error> {
    let generation = db.cache().generation();
    if let Some(found) = db.cache().memberships_of(user_id, generation) {
        return Ok(found);
    }
    let found: Vec<MembershipRow> = sqlx::query_as(&format!(
        "SELECT {MEMBERSHIP_COLUMNS} FROM memberships m JOIN organizations o ON o.id = m.organization_id
         WHERE m.user_id = ? ORDER BY (o.personal_owner_id = m.user_id) DESC, o.slug"
    ))
    .bind(user_id)
    .fetch_all(db.reader())
    .await?;
    db.cache()
        .put_memberships_of(user_id, generation, found.clone());
    Ok(found)
}

/// The user's membership in the organisation with this slug, if any.
pub async fn membership(
    db: &Db,
    user_id: i64,
    slug: &str,
) -> Result<Option<MembershipRow>, sqlx::Error> {
    let generation = db.cache().generation();
    if let Some(found) = db.cache().membership(user_id, slug, generation) {
        return Ok(found);
    }
    let found: Option<MembershipRow> = sqlx::query_as(&format!(
        "SELECT {MEMBERSHIP_COLUMNS} FROM memberships m JOIN organizations o ON o.id = m.organization_id
         WHERE m.user_id = ? AND o.slug = ?"
    ))
    .bind(user_id)
    .bind(slug)
    .fetch_optional(db.reader())
    .await?;
    db.cache()
        .put_membership(user_id, slug, generation, found.clone());
    Ok(found)
}

/// Whether an organisation with this slug exists.
pub async fn exists(db: &Db, slug: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar("SELECT id FROM organizations WHERE slug = ?")
        .bind(slug)
        .fetch_optional(db.reader())
        .await?;
    Ok(found.is_some())
}

/// Adds a member or changes the role of an existing one.
pub async fn set_member_role(
    db: &Db,
    organization_id: i64,
    user_id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO memberships (organization_id, user_id, role) VALUES (?, ?, ?)
         ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(organization_id)
    .bind(user_id)
    .bind(role.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Creates a shared (non-personal) organisation.
pub async fn create_organization(db: &Db, slug: &str, name: &str) -> Result<i64, sqlx::Error> {
    let mut tx = db.write().await?;
    let id =
        sqlx::query_scalar("INSERT INTO organizations (slug, name) VALUES (?, ?) RETURNING id")
            .bind(slug)
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(id)
}

/// The id of the organisation with this slug.
pub async fn find_by_slug(db: &Db, slug: &str) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM organizations WHERE slug = ?")
        .bind(slug)
        .fetch_optional(db.reader())
        .await
}

/// The members of an organisation as (user name, role), by name.
pub async fn members_of(db: &Db, slug: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.username, m.role FROM memberships m
         JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.organization_id
         WHERE o.slug = ? ORDER BY u.username",
    )
    .bind(slug)
    .fetch_all(db.reader())
    .await
}

/// An organisation's id and, for a personal one, its owner.
pub async fn find_with_owner(
    db: &Db,
    slug: &str,
) -> Result<Option<(i64, Option<i64>)>, sqlx::Error> {
    sqlx::query_as("SELECT id, personal_owner_id FROM organizations WHERE slug = ?")
        .bind(slug)
        .fetch_optional(db.reader())
        .await
}

/// Removes a member unless they are its last admin; answers whether a row went.
/// The check and the removal are one transaction, so two admins removing each other
/// at once cannot leave the organisation without one.
pub async fn remove_member(
    db: &Db,
    organization_id: i64,
    user_id: i64,
) -> Result<RemoveOutcome, sqlx::Error> {
    let mut tx = db.write().await?;
    let role: Option<String> = sqlx::query_scalar(
        "SELECT role FROM memberships WHERE organization_id = ? AND user_id = ?",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(role) = role else {
        return Ok(RemoveOutcome::NotAMember);
    };
    if role == Role::Admin.as_str() {
        let admins: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM memberships WHERE organization_id = ? AND role = 'admin'",
        )
        .bind(organization_id)
        .fetch_one(&mut *tx)
        .await?;
        if admins <= 1 {
            return Ok(RemoveOutcome::LastAdmin);
        }
    }
    sqlx::query("DELETE FROM memberships WHERE organization_id = ? AND user_id = ?")
        .bind(organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(RemoveOutcome::Removed)
}

/// What [`remove_member`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoveOutcome {
    Removed,
    NotAMember,
    LastAdmin,
}
