//! The design center: design projects (several files, one main file) edited in the
//! browser with live documentation and diagnostics, saved to the server with a local
//! draft kept until the server confirms, and shared as read-only snapshots.

pub mod bridge;
pub mod draft;
pub mod editor_page;
pub mod files;
pub mod projects_page;
pub mod publish;
pub mod server;
pub mod share_page;
pub mod templates;
pub mod try_it;
pub mod upload;
pub mod workspace;

use serde::{Deserialize, Serialize};

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

/// A shared snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedSnapshot {
    pub id: String,
    pub name: String,
    pub main_file: String,
    pub files: Vec<(String, String)>,
    pub created_at: String,
    /// The documentation model of the snapshot, built on the server.
    pub model: Option<spec::Model>,
}
