//! Server functions of the design center. Every one checks the caller's role in the
//! project's organisation: viewers open, contributors create and save.

use leptos::prelude::*;

use super::{Project, ProjectSummary, SaveResult, SharedSnapshot};
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub mod access {
    use crate::auth::{SignedInUser, authorize};
    use crate::error::AppError;
    use crate::repo::Db;
    use crate::repo::design::{ProjectRow, find_project};
    use crate::roles::Role;

    /// The project if `user` has at least `needed` in its organisation; a project the
    /// user may not see is "not found", so its existence is not disclosed.
    pub async fn project_for(
        db: &Db,
        user: &SignedInUser,
        id: &str,
        needed: Role,
    ) -> Result<(ProjectRow, Role), AppError> {
        let not_found = || AppError::NotFound(format!("No design project {id:?}."));
        let row = find_project(db, id).await?.ok_or_else(not_found)?;
        match authorize(db, user, &row.org_slug, needed).await {
            Ok(role) => Ok((row, role)),
            Err(AppError::NotFound(_)) => Err(not_found()),
            Err(error) => Err(error),
        }
    }
}

/// The projects of the signed-in user's organisations.
#[server(endpoint = "design_projects")]
pub async fn list_projects() -> Result<Vec<ProjectSummary>, AppError> {
    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    let rows = crate::repo::design::projects_of_user(&ctx.db, user.id).await?;
    Ok(rows
        .into_iter()
        .map(|row| ProjectSummary {
            id: row.public_id,
            group: row.org_slug,
            name: row.name,
            main_file: row.main_file,
            updated_at: row.updated_at,
        })
        .collect())
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
#[server(endpoint = "design_create")]
pub async fn create_project(
    group: String,
    name: String,
    source: NewProjectSource,
) -> Result<String, AppError> {
    use super::files::{MAX_FILES, check_name, check_path, check_size};
    use crate::roles::Role;

    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    check_name(&name).map_err(AppError::Invalid)?;
    let files: Vec<(String, String)> = match source {
        NewProjectSource::Template(id) => {
            let (path, text) = super::templates::template_file(&id)
                .ok_or_else(|| AppError::Invalid(format!("There is no template {id:?}.")))?;
            vec![(path.to_owned(), text.to_owned())]
        }
        NewProjectSource::Import(files) => files,
    };
    if files.is_empty() {
        return Err(AppError::Invalid("Add at least one file.".into()));
    }
    if files.len() > MAX_FILES {
        return Err(AppError::Invalid(format!(
            "A project may have at most {MAX_FILES} files."
        )));
    }
    for (index, (path, text)) in files.iter().enumerate() {
        check_path(path).map_err(AppError::Invalid)?;
        check_size(path, text).map_err(AppError::Invalid)?;
        if files[..index].iter().any(|(p, _)| p == path) {
            return Err(AppError::Invalid(format!("The file {path} appears twice.")));
        }
    }
    crate::auth::authorize(&ctx.db, &user, &group, Role::Contributor).await?;
    let org = crate::repo::organizations::find_by_slug(&ctx.db, &group)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("No organisation named {group:?}.")))?;
    let main = files[0].0.clone();
    let id = crate::repo::design::create_project(&ctx.db, org, name.trim(), &main, &files, user.id)
        .await?;
    Ok(id)
}

/// A project with every file, for the editor.
#[server(endpoint = "design_open")]
pub async fn open_project(id: String) -> Result<Project, AppError> {
    use crate::roles::Role;

    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    let (row, role) = access::project_for(&ctx.db, &user, &id, Role::Viewer).await?;
    let files = crate::repo::design::project_files(&ctx.db, row.id).await?;
    Ok(Project {
        id: row.public_id,
        group: row.org_slug,
        name: row.name,
        main_file: row.main_file,
        files: files
            .into_iter()
            .map(|f| super::ProjectFile {
                path: f.path,
                content: f.content,
                revision: f.revision,
            })
            .collect(),
        can_edit: role >= Role::Contributor,
    })
}

/// Saves one file. `base_revision` is the revision the editor loaded (`None` for a new
/// file); a newer revision on the server answers `Conflict` unless `force` is set. The
/// arguments travel as postcard (the text as its length and its bytes): encoding a 4 MB
/// file as JSON held the page for ~25 ms, and a string body was converted twice more on
/// its way into `fetch`.
#[server(endpoint = "design_save", input = leptos::server_fn::codec::Postcard)]
pub async fn save_file(
    id: String,
    path: String,
    content: String,
    base_revision: Option<i64>,
    force: bool,
) -> Result<SaveResult, AppError> {
    use super::files::{MAX_FILES, check_path, check_size};
    use crate::repo::design::{SaveOutcome, project_files};
    use crate::roles::Role;

    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    check_path(&path).map_err(AppError::Invalid)?;
    check_size(&path, &content).map_err(AppError::Invalid)?;
    let (row, _) = access::project_for(&ctx.db, &user, &id, Role::Contributor).await?;
    if base_revision.is_none() && project_files(&ctx.db, row.id).await?.len() >= MAX_FILES {
        return Err(AppError::Invalid(format!(
            "A project may have at most {MAX_FILES} files."
        )));
    }
    let outcome =
        crate::repo::design::save_file(&ctx.db, row.id, &path, &content, base_revision, force)
            .await?;
    Ok(match outcome {
        SaveOutcome::Saved(revision) => SaveResult::Saved { revision },
        SaveOutcome::Conflict { current_revision } => SaveResult::Conflict { current_revision },
    })
}

/// Removes a file (never the main file).
#[server(endpoint = "design_delete_file")]
pub async fn delete_file(id: String, path: String) -> Result<(), AppError> {
    use crate::roles::Role;

    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    let (row, _) = access::project_for(&ctx.db, &user, &id, Role::Contributor).await?;
    if row.main_file == path {
        return Err(AppError::Invalid(
            "The main file cannot be deleted; make another file the main file first.".into(),
        ));
    }
    if !crate::repo::design::delete_file(&ctx.db, row.id, &path).await? {
        return Err(AppError::NotFound(format!(
            "No file {path} in this project."
        )));
    }
    Ok(())
}

/// Makes an existing file the main file.
#[server(endpoint = "design_set_main")]
pub async fn set_main_file(id: String, path: String) -> Result<(), AppError> {
    use crate::roles::Role;

    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    let (row, _) = access::project_for(&ctx.db, &user, &id, Role::Contributor).await?;
    let files = crate::repo::design::project_files(&ctx.db, row.id).await?;
    if !files.iter().any(|f| f.path == path) {
        return Err(AppError::NotFound(format!(
            "No file {path} in this project."
        )));
    }
    crate::repo::design::set_main_file(&ctx.db, row.id, &path).await?;
    Ok(())
}

/// Stores a read-only snapshot of the project as saved and returns its short id.
#[server(endpoint = "design_share")]
pub async fn share_project(id: String) -> Result<String, AppError> {
    use crate::roles::Role;

    let user = crate::auth::require_user().await?;
    let ctx = crate::context::server_context()?;
    let (row, _) = access::project_for(&ctx.db, &user, &id, Role::Viewer).await?;
    let files = crate::repo::design::project_files(&ctx.db, row.id).await?;
    let snapshot: serde_json::Map<String, serde_json::Value> = files
        .into_iter()
        .map(|f| (f.path, serde_json::Value::String(f.content)))
        .collect();
    let json = serde_json::to_string(&snapshot).map_err(|_| AppError::Internal)?;
    let share = crate::repo::design::create_share(
        &ctx.db,
        row.id,
        &row.name,
        &row.main_file,
        &json,
        user.id,
    )
    .await?;
    Ok(share)
}

/// A shared snapshot; anyone with the link may read it.
#[server(endpoint = "design_shared")]
pub async fn load_share(share: String) -> Result<SharedSnapshot, AppError> {
    let ctx = crate::context::server_context()?;
    let row = crate::repo::design::find_share(&ctx.db, &share)
        .await?
        .ok_or_else(|| AppError::NotFound("This shared link does not exist.".into()))?;
    let files: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.files).map_err(|_| AppError::Internal)?;
    let files: Vec<(String, String)> = files
        .into_iter()
        .map(|(path, text)| (path, text.as_str().unwrap_or_default().to_owned()))
        .collect();
    let input = spec::Input::project(files.iter().cloned().collect(), &row.main_file);
    let analysis = tokio::task::spawn_blocking(move || spec::analyze(&input))
        .await
        .map_err(|_| AppError::Internal)?;
    Ok(SharedSnapshot {
        id: row.id,
        name: row.name,
        main_file: row.main_file,
        files,
        created_at: row.created_at,
        model: analysis.model,
    })
}
