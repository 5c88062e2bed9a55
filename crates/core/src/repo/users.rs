//! Accounts: creation (with their personal organisation) and look-ups.

use sqlx::FromRow;

use super::Db;
use portico_types::Role;

/// A stored account.
#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub is_admin: bool,
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateUserError {
    #[error("the name {0:?} is already taken")]
    NameTaken(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates an account and its personal organisation (slug = user name, the user is its
/// admin) in one transaction, so no account ever exists without its organisation.
pub async fn create_user(
    db: &Db,
    username: &str,
    password_hash: &str,
    is_admin: bool,
) -> Result<UserRow, CreateUserError> {
    let mut tx = db.write().await?;
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM users WHERE username = ?1 UNION ALL SELECT 1 FROM organizations WHERE slug = ?1 LIMIT 1",
    )
    .bind(username)
    .fetch_optional(&mut *tx)
    .await?;
    if taken.is_some() {
        return Err(CreateUserError::NameTaken(username.to_owned()));
    }
    let user: UserRow = sqlx::query_as(
        "INSERT INTO users (username, password_hash, is_admin) VALUES (?, ?, ?)
         RETURNING id, username, password_hash, is_admin",
    )
    .bind(username)
    .bind(password_hash)
    .bind(is_admin)
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| match &error {
        sqlx::Error::Database(db_error) if db_error.is_unique_violation() => {
            CreateUserError::NameTaken(username.to_owned())
        }
        _ => CreateUserError::Database(error),
    })?;
    let org_id: i64 = sqlx::query_scalar(
        "INSERT INTO organizations (slug, name, personal_owner_id) VALUES (?, ?, ?) RETURNING id",
    )
    .bind(username)
    .bind(username)
    .bind(user.id)
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query("INSERT INTO memberships (organization_id, user_id, role) VALUES (?, ?, ?)")
        .bind(org_id)
        .bind(user.id)
        .bind(Role::Admin.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(user)
}

/// Finds an account by its (already normalised) name.
pub async fn find_by_name(db: &Db, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, username, password_hash, is_admin FROM users WHERE username = ?")
        .bind(username)
        .fetch_optional(db.reader())
        .await
}

/// Finds an account by id (the id kept in the session).
///
/// Every request of a signed-in browser asks this (often several times per page), so the
/// answer is cached (`read_cache`).
pub async fn find_by_id(db: &Db, id: i64) -> Result<Option<UserRow>, sqlx::Error> {
    let generation = db.cache().generation();
    if let Some(found) = db.cache().user(id, generation) {
        return Ok(found);
    }
    let found: Option<UserRow> =
        sqlx::query_as("SELECT id, username, password_hash, is_admin FROM users WHERE id = ?")
            .bind(id)
            .fetch_optional(db.reader())
            .await?;
    db.cache().put_user(id, generation, found.clone());
    Ok(found)
}

/// Whether an account or organisation already uses this (normalised) name.
pub async fn name_taken(db: &Db, name: &str) -> Result<bool, sqlx::Error> {
    let taken: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM users WHERE username = ?1 UNION ALL SELECT 1 FROM organizations WHERE slug = ?1 LIMIT 1",
    )
    .bind(name)
    .fetch_optional(db.reader())
    .await?;
    Ok(taken.is_some())
}

/// Replaces an account's password hash.
pub async fn set_password_hash(db: &Db, id: i64, password_hash: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(password_hash)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}
