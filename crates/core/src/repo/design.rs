//! Design projects, their files and shared snapshots.

use portico_types::ShareInfo;
use rand::Rng;
use sqlx::FromRow;

use super::{Db, Write};

/// Length of the random ids in project and share addresses.
const PUBLIC_ID_LEN: usize = 10;

/// A short random id: lowercase letters and digits, 10 of them (about 51 bits).
pub fn random_public_id() -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rngs::OsRng;
    (0..PUBLIC_ID_LEN)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A project as listed and opened.
#[derive(Debug, Clone, FromRow)]
pub struct ProjectRow {
    pub id: i64,
    pub public_id: String,
    pub org_slug: String,
    pub name: String,
    pub main_file: String,
    pub updated_at: String,
}

/// One file of a project with the revision a save must name.
#[derive(Debug, Clone, FromRow)]
pub struct FileRow {
    pub path: String,
    pub content: String,
    pub revision: i64,
}

/// What became of a save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    /// Stored; the file's new revision.
    Saved(i64),
    /// The file changed since the revision the save started from; nothing was written.
    Conflict { current_revision: i64 },
}

const PROJECT_COLUMNS: &str =
    "p.id, p.public_id, o.slug AS org_slug, p.name, p.main_file, p.updated_at";

/// Creates a project with its files in one transaction; returns its public id.
pub async fn create_project(
    db: &Db,
    organization_id: i64,
    name: &str,
    main_file: &str,
    files: &[(String, String)],
    created_by: i64,
) -> Result<String, sqlx::Error> {
    let public_id = random_public_id();
    let mut tx = db.write().await?;
    let project_id: i64 = sqlx::query_scalar(
        "INSERT INTO design_projects (public_id, organization_id, name, main_file, created_by)
         VALUES (?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&public_id)
    .bind(organization_id)
    .bind(name)
    .bind(main_file)
    .bind(created_by)
    .fetch_one(&mut *tx)
    .await?;
    for (path, content) in files {
        sqlx::query("INSERT INTO design_files (project_id, path, content) VALUES (?, ?, ?)")
            .bind(project_id)
            .bind(path)
            .bind(content)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(public_id)
}

/// Projects in the organisations the user belongs to, most recently changed first.
pub async fn projects_of_user(db: &Db, user_id: i64) -> Result<Vec<ProjectRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PROJECT_COLUMNS} FROM design_projects p
         JOIN organizations o ON o.id = p.organization_id
         JOIN memberships m ON m.organization_id = o.id AND m.user_id = ?
         ORDER BY p.updated_at DESC, p.id DESC LIMIT 500"
    ))
    .bind(user_id)
    .fetch_all(db.reader())
    .await
}

/// A project by its public id.
pub async fn find_project(db: &Db, public_id: &str) -> Result<Option<ProjectRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {PROJECT_COLUMNS} FROM design_projects p
         JOIN organizations o ON o.id = p.organization_id WHERE p.public_id = ?"
    ))
    .bind(public_id)
    .fetch_optional(db.reader())
    .await
}

/// Every file of a project, by path.
pub async fn project_files(db: &Db, project_id: i64) -> Result<Vec<FileRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT path, content, revision FROM design_files WHERE project_id = ? ORDER BY path",
    )
    .bind(project_id)
    .fetch_all(db.reader())
    .await
}

/// Saves a file. `base_revision` is the revision the editor started from (`None` for a
/// new file); when the stored file moved on, nothing is written and the caller learns
/// the current revision. `force` overwrites whatever is there.
pub async fn save_file(
    db: &Db,
    project_id: i64,
    path: &str,
    content: &str,
    base_revision: Option<i64>,
    force: bool,
) -> Result<SaveOutcome, sqlx::Error> {
    let mut tx = db.write().await?;
    let current: Option<i64> =
        sqlx::query_scalar("SELECT revision FROM design_files WHERE project_id = ? AND path = ?")
            .bind(project_id)
            .bind(path)
            .fetch_optional(&mut *tx)
            .await?;
    let revision = match current {
        Some(current) if !force && base_revision != Some(current) => {
            return Ok(SaveOutcome::Conflict {
                current_revision: current,
            });
        }
        Some(current) => {
            sqlx::query(
                "UPDATE design_files SET content = ?, revision = ?,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE project_id = ? AND path = ?",
            )
            .bind(content)
            .bind(current + 1)
            .bind(project_id)
            .bind(path)
            .execute(&mut *tx)
            .await?;
            current + 1
        }
        None => {
            sqlx::query("INSERT INTO design_files (project_id, path, content) VALUES (?, ?, ?)")
                .bind(project_id)
                .bind(path)
                .bind(content)
                .execute(&mut *tx)
                .await?;
            1
        }
    };
    touch(&mut tx, project_id).await?;
    tx.commit().await?;
    Ok(SaveOutcome::Saved(revision))
}

async fn touch(tx: &mut Write, project_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE design_projects SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
    )
    .bind(project_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes a file; false when it was not there.
pub async fn delete_file(db: &Db, project_id: i64, path: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let done = sqlx::query("DELETE FROM design_files WHERE project_id = ? AND path = ?")
        .bind(project_id)
        .bind(path)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        > 0;
    touch(&mut tx, project_id).await?;
    tx.commit().await?;
    Ok(done)
}

/// Makes `path` the project's main file.
pub async fn set_main_file(db: &Db, project_id: i64, path: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query("UPDATE design_projects SET main_file = ? WHERE id = ?")
        .bind(path)
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// A live shared snapshot, with what decides whether it may still be opened.
#[derive(Debug, Clone, FromRow)]
pub struct ShareRow {
    pub id: String,
    pub name: String,
    pub main_file: String,
    /// JSON object: path -> text.
    pub files: String,
    pub created_at: String,
    pub expires_at: String,
    /// The sharer (null once their account is gone).
    pub created_by: Option<i64>,
    /// The project's organisation now.
    pub org_slug: String,
}

/// Stores a snapshot of a project, live for `days` days, and returns its short id.
pub async fn create_share(
    db: &Db,
    project_id: i64,
    (name, main_file, files_json): (&str, &str, &str),
    created_by: i64,
    days: u32,
) -> Result<String, sqlx::Error> {
    let id = random_public_id();
    let mut tx = db.write().await?;
    sqlx::query(
        "INSERT INTO design_shares (id, project_id, name, main_file, files, created_by, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now', ?))",
    )
    .bind(&id)
    .bind(project_id)
    .bind(name)
    .bind(main_file)
    .bind(files_json)
    .bind(created_by)
    .bind(format!("+{days} days"))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A snapshot by id, if it is neither revoked nor expired and its project still exists.
pub async fn find_live_share(db: &Db, id: &str) -> Result<Option<ShareRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.name, s.main_file, s.files, s.created_at, s.expires_at, s.created_by,
                o.slug AS org_slug
         FROM design_shares s JOIN design_projects p ON p.id = s.project_id
         JOIN organizations o ON o.id = p.organization_id
         WHERE s.id = ? AND s.revoked_at IS NULL
         AND s.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    )
    .bind(id)
    .fetch_optional(db.reader())
    .await
}

/// The project's shares that are neither revoked nor expired, newest first.
pub async fn live_shares(db: &Db, project_id: i64) -> Result<Vec<ShareInfo>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.created_at, s.expires_at, u.username AS created_by
         FROM design_shares s LEFT JOIN users u ON u.id = s.created_by
         WHERE s.project_id = ? AND s.revoked_at IS NULL
         AND s.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         ORDER BY s.created_at DESC",
    )
    .bind(project_id)
    .fetch_all(db.reader())
    .await
}

/// Revokes a share of the project; `false` when it has no such live share.
pub async fn revoke_share(db: &Db, project_id: i64, id: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.write().await?;
    let done = sqlx::query(
        "UPDATE design_shares SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ? AND project_id = ? AND revoked_at IS NULL",
    )
    .bind(id)
    .bind(project_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes a project with its files; its shares end with it.
pub async fn delete_project(db: &Db, project_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.write().await?;
    sqlx::query("DELETE FROM design_projects WHERE id = ?")
        .bind(project_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::{organizations, users};

    async fn project(db: &Db) -> i64 {
        let user = users::create_user(db, "dana", "x", false).await.unwrap();
        let org = organizations::find_by_slug(db, "dana")
            .await
            .unwrap()
            .unwrap();
        let files = vec![("api.yaml".to_owned(), "one".to_owned())];
        let public_id = create_project(db, org, "P", "api.yaml", &files, user.id)
            .await
            .unwrap();
        find_project(db, &public_id).await.unwrap().unwrap().id
    }

    #[tokio::test]
    async fn a_save_from_a_stale_revision_is_refused_and_writes_nothing() {
        let db = Db::open("sqlite::memory:").await.unwrap();
        let id = project(&db).await;
        assert_eq!(
            save_file(&db, id, "api.yaml", "two", Some(1), false)
                .await
                .unwrap(),
            SaveOutcome::Saved(2)
        );
        assert_eq!(
            save_file(&db, id, "api.yaml", "stale", Some(1), false)
                .await
                .unwrap(),
            SaveOutcome::Conflict {
                current_revision: 2
            }
        );
        let files = project_files(&db, id).await.unwrap();
        assert_eq!(files[0].content, "two");
        assert_eq!(
            save_file(&db, id, "api.yaml", "forced", Some(1), true)
                .await
                .unwrap(),
            SaveOutcome::Saved(3)
        );
        assert_eq!(
            save_file(&db, id, "new.yaml", "n", None, false)
                .await
                .unwrap(),
            SaveOutcome::Saved(1)
        );
    }

    #[test]
    fn public_ids_are_short_and_plain() {
        let id = random_public_id();
        assert_eq!(id.len(), PUBLIC_ID_LEN);
        assert!(
            id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        );
        assert_ne!(id, random_public_id());
    }
}
