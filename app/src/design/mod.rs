//! The design center: design projects (several files, one main file) edited in the
//! browser with live documentation and diagnostics, saved to the server with a local
//! draft kept until the server confirms, and shared as read-only snapshots.

pub mod bridge;
pub mod draft;
pub mod editor_page;
pub mod projects_page;
pub mod publish;
pub mod server;
pub mod share_page;
pub mod templates;
pub mod try_it;
pub mod upload;
pub mod workspace;

use serde::{Deserialize, Serialize};

/// A shared snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedSnapshot {
    pub id: String,
    pub name: String,
    pub main_file: String,
    pub files: Vec<(String, String)>,
    pub created_at: String,
    /// The documentation model of the snapshot, built on the server.
    pub model: Option<spec_engine::Model>,
}
