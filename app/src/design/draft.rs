//! Local drafts: every edit is written to the browser's storage before it is sent, and
//! removed only once the server has confirmed exactly that text. A reload, a failed save
//! or a server restart therefore never loses what someone typed.

use serde::{Deserialize, Serialize};

/// What is kept per file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub content: String,
    /// The server revision the edit started from (`None` for a file not yet saved).
    pub base_revision: Option<i64>,
}

fn key(project: &str, path: &str) -> String {
    format!("portico-draft:{project}:{path}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Keeps a draft; false when the browser refused (storage full or disabled).
pub fn keep(project: &str, path: &str, draft: &Draft) -> bool {
    let Some(storage) = storage() else {
        return false;
    };
    let Ok(json) = serde_json::to_string(draft) else {
        return false;
    };
    storage.set_item(&key(project, path), &json).is_ok()
}

/// The draft of a file, if one is kept.
pub fn load(project: &str, path: &str) -> Option<Draft> {
    let json = storage()?.get_item(&key(project, path)).ok()??;
    serde_json::from_str(&json).ok()
}

/// Forgets a draft once the server holds its text.
pub fn forget(project: &str, path: &str) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(&key(project, path));
    }
}
