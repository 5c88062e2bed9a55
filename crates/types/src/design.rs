//! Design projects as the editor and the projects page see them, and the rules for
//! their files (safe relative paths, sizes, counts), checked alike in the browser and
//! on the server.

use serde::{Deserialize, Serialize};

/// Most files one project may hold.
pub const MAX_FILES: usize = 200;
/// Largest file, in bytes (Stripe's 4.2 MB OpenAPI document fits).
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// Longest path.
pub const MAX_PATH_CHARS: usize = 200;
/// Longest project name.
pub const MAX_NAME_CHARS: usize = 100;

/// Checks a project-relative file path: letters, digits, `._-/`, no `..`, no leading
/// `/`, ending in `.yaml`, `.yml` or `.json`. The message says what is wrong.
pub fn check_path(path: &str) -> Result<(), String> {
    if path.is_empty() || path.chars().count() > MAX_PATH_CHARS {
        return Err(format!(
            "A file path needs 1 to {MAX_PATH_CHARS} characters."
        ));
    }
    if let Some(c) = path
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/')))
    {
        return Err(format!("The file path {path:?} may not contain {c:?}."));
    }
    if path.starts_with('/')
        || path
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(format!(
            "The file path {path:?} must stay inside the project (no leading /, no . or .. parts)."
        ));
    }
    let lower = path.to_ascii_lowercase();
    if ![".yaml", ".yml", ".json"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        return Err(format!(
            "The file {path:?} must end in .yaml, .yml or .json."
        ));
    }
    Ok(())
}

/// Checks a file's size.
pub fn check_size(path: &str, content: &str) -> Result<(), String> {
    if content.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{path} is {} bytes; a file may have at most {MAX_FILE_BYTES} bytes.",
            content.len()
        ));
    }
    Ok(())
}

/// Checks a project name.
pub fn check_name(name: &str) -> Result<(), String> {
    let trimmed = name.trim();
    if trimmed.is_empty() || trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "A project name needs 1 to {MAX_NAME_CHARS} characters."
        ));
    }
    Ok(())
}

/// Whether the file is JSON (by extension).
pub fn is_json(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".json")
}

/// A project as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub id: String,
    pub group: String,
    pub name: String,
    pub main_file: String,
    pub updated_at: String,
}

/// One file of a project and the revision a save must name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectFile {
    pub path: String,
    pub content: String,
    pub revision: i64,
}

/// A project opened in the editor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub id: String,
    pub group: String,
    pub name: String,
    pub main_file: String,
    pub files: Vec<ProjectFile>,
    /// Whether the signed-in user may save (contributor or more).
    pub can_edit: bool,
}

/// The answer to a save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveResult {
    /// Stored as this revision.
    Saved { revision: i64 },
    /// Someone saved a newer revision first; nothing was written.
    Conflict { current_revision: i64 },
}

/// A read-only snapshot of a project, shared by link, with its documentation model
/// (`M`: the spec engine's `Model`, which this crate cannot name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedSnapshot<M> {
    pub id: String,
    pub name: String,
    pub main_file: String,
    pub files: Vec<(String, String)>,
    pub created_at: String,
    /// When the link stops working.
    pub expires_at: String,
    /// The documentation model of the snapshot, built on the server.
    pub model: Option<M>,
}

/// Longest a share link may live, in days; the default is [`DEFAULT_SHARE_DAYS`].
pub const MAX_SHARE_DAYS: u32 = 365;
/// How long a share link lives unless the sharer chooses.
pub const DEFAULT_SHARE_DAYS: u32 = 30;

/// A live share link of a project, as the editor lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "sqlx", derive(sqlx::FromRow))]
pub struct ShareInfo {
    pub id: String,
    pub created_at: String,
    pub expires_at: String,
    /// Who shared it (null once that account is gone).
    pub created_by: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_project() {
        assert!(check_path("api.yaml").is_ok());
        assert!(check_path("schemas/order.json").is_ok());
        assert!(check_path("../etc/passwd.yaml").is_err());
        assert!(check_path("/abs.yaml").is_err());
        assert!(check_path("a//b.yaml").is_err());
        assert!(check_path("a/./b.yaml").is_err());
        assert!(check_path("notes.txt").is_err());
        assert!(check_path("we ird.yaml").is_err());
        assert!(check_path("").is_err());
    }

    #[test]
    fn names_and_sizes_have_limits() {
        assert!(check_name("  ").is_err());
        assert!(check_name("Orders").is_ok());
        assert!(check_size("a.yaml", &"x".repeat(MAX_FILE_BYTES + 1)).is_err());
    }
}
