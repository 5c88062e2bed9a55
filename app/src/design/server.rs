//! Server functions of the design center. Every one checks the caller's role in the
//! project's organisation: viewers open, contributors create, save, share and delete.

use leptos::prelude::*;

use portico_types::{Project, ProjectSummary, SaveResult, ShareInfo};

use super::SharedSnapshot;
use crate::error::AppError;

/// The projects of the signed-in user's organisations.
#[server(prefix = "/rpc", endpoint = "design_projects")]
pub async fn list_projects() -> Result<Vec<ProjectSummary>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::list(&ctx.db, &user).await?)
}

/// Where a new project's content comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NewProjectSource {
    /// One of [`super::templates::templates`].
    Template(String),
    /// Files the user pasted or uploaded: (path, text); the first is the main file.
    Import(Vec<(String, String)>),
}

/// Creates a project in an organisation where the user is a contributor; returns its id.
#[server(prefix = "/rpc", endpoint = "design_create")]
pub async fn create_project(
    group: String,
    name: String,
    source: NewProjectSource,
) -> Result<String, AppError> {
    use portico_core::Error;

    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    let files: Vec<(String, String)> = match source {
        NewProjectSource::Template(id) => {
            let (path, text) = super::templates::template_file(&id)
                .ok_or_else(|| Error::Invalid(format!("There is no template {id:?}.")))?;
            vec![(path.to_owned(), text.to_owned())]
        }
        NewProjectSource::Import(files) => files,
    };
    Ok(portico_core::design::create(&ctx.db, &user, &group, &name, &files).await?)
}

/// A project with every file, for the editor.
#[server(prefix = "/rpc", endpoint = "design_open")]
pub async fn open_project(id: String) -> Result<Project, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::open(&ctx.db, &user, &id).await?)
}

/// Saves one file. `base_revision` is the revision the editor loaded (`None` for a new
/// file); a newer revision on the server answers `Conflict` unless `force` is set. The
/// arguments travel as postcard (the text as its length and its bytes): encoding a 4 MB
/// file as JSON held the page for ~25 ms, and a string body was converted twice more on
/// its way into `fetch`.
#[server(prefix = "/rpc", endpoint = "design_save", input = leptos::server_fn::codec::Postcard)]
pub async fn save_file(
    id: String,
    path: String,
    content: String,
    base_revision: Option<i64>,
    force: bool,
) -> Result<SaveResult, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(
        portico_core::design::save_file(&ctx.db, &user, &id, &path, &content, base_revision, force)
            .await?,
    )
}

/// Removes a file (never the main file).
#[server(prefix = "/rpc", endpoint = "design_delete_file")]
pub async fn delete_file(id: String, path: String) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::delete_file(&ctx.db, &user, &id, &path).await?)
}

/// Makes an existing file the main file.
#[server(prefix = "/rpc", endpoint = "design_set_main")]
pub async fn set_main_file(id: String, path: String) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::set_main_file(&ctx.db, &user, &id, &path).await?)
}

/// Stores a read-only snapshot of the project as saved, live for `days` days (default
/// 30), and returns its short id (contributors).
#[server(prefix = "/rpc", endpoint = "design_share")]
pub async fn share_project(
    id: String,
    #[server(default)] days: Option<u32>,
) -> Result<String, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::share(&ctx.db, &user, &id, days).await?)
}

/// The project's live share links.
#[server(prefix = "/rpc", endpoint = "design_shares")]
pub async fn list_shares(id: String) -> Result<Vec<ShareInfo>, AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::shares(&ctx.db, &user, &id).await?)
}

/// Ends a share link of the project at once (contributors).
#[server(prefix = "/rpc", endpoint = "design_share_revoke")]
pub async fn revoke_share(id: String, share: String) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::revoke_share(&ctx.db, &user, &id, &share).await?)
}

/// Deletes the project and its files (contributors); its share links end with it.
#[server(prefix = "/rpc", endpoint = "design_delete_project")]
pub async fn delete_project(id: String) -> Result<(), AppError> {
    let user = crate::session::require_user().await?;
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::delete_project(&ctx.db, &user, &id).await?)
}

/// A shared snapshot; anyone with the link may read it while it lives.
#[server(prefix = "/rpc", endpoint = "design_shared")]
pub async fn load_share(share: String) -> Result<SharedSnapshot, AppError> {
    let ctx = crate::context::server_context()?;
    Ok(portico_core::design::load_share(&ctx.db, &share).await?)
}
