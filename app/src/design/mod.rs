//! The design center: design projects (several files, one main file) edited in the
//! browser with live documentation and diagnostics, saved to the server with a local
//! draft kept until the server confirms, and shared as read-only snapshots.

pub mod bridge;
pub mod dependencies;
pub mod draft;
pub mod editor_page;
pub mod projects_page;
pub mod publish;
pub mod server;
pub mod share_page;
pub mod shares;
pub mod templates;
pub mod try_it;
pub mod upload;
pub mod workspace;

/// A shared snapshot as the share page shows it.
pub type SharedSnapshot = portico_types::design::SharedSnapshot<spec_engine::Model>;
