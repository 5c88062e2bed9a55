//! The design center's use-cases: projects of several files in an organisation, saved
//! with revisions, shared as read-only snapshots, and published to the exchange. Every
//! one checks the caller's role in the project's organisation: viewers open,
//! contributors create, save, share and delete.

pub mod share_cache;

use portico_types::design::{
    DEFAULT_SHARE_DAYS, MAX_FILES, MAX_SHARE_DAYS, SharedSnapshot, check_name, check_path,
    check_size, is_json,
};
use portico_types::diff::PublishPreview;
use portico_types::{
    Error, Gav, Lifecycle, Project, ProjectFile, ProjectSummary, Role, SaveResult, ShareInfo,
};

use crate::Result;
use crate::analysis;
use crate::auth::{SignedInUser, authorize, authorize_organization};
use crate::exchange::access::version_text;
use crate::exchange::dependencies::{self, Pin};
use crate::exchange::gate::{self, Override};
use crate::exchange::publish::{Inspected, PublishRequest, Published, publish_inspected};
use crate::repo::design::{self, ProjectRow, SaveOutcome};
use crate::repo::{Db, assets, organizations, users};

/// The project if `user` has at least `needed` in its organisation, with the user's
/// role; a project the user may not see is "not found", so its existence is not
/// disclosed.
pub async fn project_for(
    db: &Db,
    user: &SignedInUser,
    id: &str,
    needed: Role,
) -> Result<(ProjectRow, Role)> {
    let not_found = || Error::NotFound(format!("No design project {id:?}."));
    let row = design::find_project(db, id).await?.ok_or_else(not_found)?;
    match authorize(db, user, &row.org_slug, needed).await {
        Ok(role) => Ok((row, role)),
        Err(Error::NotFound(_)) => Err(not_found()),
        Err(error) => Err(error),
    }
}

/// The projects of the user's organisations.
pub async fn list(db: &Db, user: &SignedInUser) -> Result<Vec<ProjectSummary>> {
    Ok(design::projects_of_user(db, user.id)
        .await?
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

/// Creates a project of `files` ((path, text); the first is the main file) in an
/// organisation where the user is a contributor; answers its id.
pub async fn create(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    name: &str,
    files: &[(String, String)],
) -> Result<String> {
    check_name(name).map_err(Error::Invalid)?;
    if files.is_empty() {
        return Err(Error::Invalid("Add at least one file.".into()));
    }
    if files.len() > MAX_FILES {
        return Err(Error::Invalid(format!(
            "A project may have at most {MAX_FILES} files."
        )));
    }
    for (index, (path, text)) in files.iter().enumerate() {
        check_path(path).map_err(Error::Invalid)?;
        check_size(path, text).map_err(Error::Invalid)?;
        if files[..index].iter().any(|(p, _)| p == path) {
            return Err(Error::Invalid(format!("The file {path} appears twice.")));
        }
    }
    let org = authorize_organization(db, user, group, Role::Contributor).await?;
    let main = &files[0].0;
    Ok(design::create_project(db, org, name.trim(), main, files, user.id).await?)
}

/// Starts a project from a published version, in the user's personal organisation;
/// answers the project's id.
pub async fn create_from_version(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
    version: &str,
) -> Result<String> {
    let document = version_text(db, user, group, asset, version).await?;
    let extension = if document.content_type.contains("json") {
        "json"
    } else {
        "yaml"
    };
    let personal = organizations::find_by_slug(db, &user.username)
        .await?
        .ok_or(Error::Internal)?;
    let files = vec![(format!("{asset}.{extension}"), document.text)];
    let name = format!("{asset} {}", document.version);
    Ok(design::create_project(db, personal, &name, &files[0].0, &files, user.id).await?)
}

/// A project with every file, for the editor.
pub async fn open(db: &Db, user: &SignedInUser, id: &str) -> Result<Project> {
    let (row, role) = project_for(db, user, id, Role::Viewer).await?;
    let files = design::project_files(db, row.id).await?;
    Ok(Project {
        id: row.public_id,
        group: row.org_slug,
        name: row.name,
        main_file: row.main_file,
        files: files
            .into_iter()
            .map(|f| ProjectFile {
                path: f.path,
                content: f.content,
                revision: f.revision,
            })
            .collect(),
        can_edit: role >= Role::Contributor,
    })
}

/// Saves one file. `base_revision` is the revision the editor loaded (`None` for a new
/// file); a newer revision on the server answers `Conflict` unless `force` is set.
pub async fn save_file(
    db: &Db,
    user: &SignedInUser,
    id: &str,
    path: &str,
    content: &str,
    base_revision: Option<i64>,
    force: bool,
) -> Result<SaveResult> {
    check_path(path).map_err(Error::Invalid)?;
    check_size(path, content).map_err(Error::Invalid)?;
    let (row, _) = project_for(db, user, id, Role::Contributor).await?;
    if base_revision.is_none() && design::project_files(db, row.id).await?.len() >= MAX_FILES {
        return Err(Error::Invalid(format!(
            "A project may have at most {MAX_FILES} files."
        )));
    }
    Ok(
        match design::save_file(db, row.id, path, content, base_revision, force).await? {
            SaveOutcome::Saved(revision) => SaveResult::Saved { revision },
            SaveOutcome::Conflict { current_revision } => SaveResult::Conflict { current_revision },
        },
    )
}

/// Removes a file (never the main file).
pub async fn delete_file(db: &Db, user: &SignedInUser, id: &str, path: &str) -> Result<()> {
    let (row, _) = project_for(db, user, id, Role::Contributor).await?;
    if row.main_file == path {
        return Err(Error::Invalid(
            "The main file cannot be deleted; make another file the main file first.".into(),
        ));
    }
    if !design::delete_file(db, row.id, path).await? {
        return Err(no_file(path));
    }
    Ok(())
}

/// Makes an existing file the main file.
pub async fn set_main_file(db: &Db, user: &SignedInUser, id: &str, path: &str) -> Result<()> {
    let (row, _) = project_for(db, user, id, Role::Contributor).await?;
    let files = design::project_files(db, row.id).await?;
    if !files.iter().any(|f| f.path == path) {
        return Err(no_file(path));
    }
    Ok(design::set_main_file(db, row.id, path).await?)
}

fn no_file(path: &str) -> Error {
    Error::NotFound(format!("No file {path} in this project."))
}

/// Stores a read-only snapshot of the project as saved, live for `days` days (default
/// [`DEFAULT_SHARE_DAYS`]), and answers its short id. Sharing makes a private design
/// readable by anyone with the link, so it takes a contributor.
pub async fn share(db: &Db, user: &SignedInUser, id: &str, days: Option<u32>) -> Result<String> {
    let days = days.unwrap_or(DEFAULT_SHARE_DAYS);
    if !(1..=MAX_SHARE_DAYS).contains(&days) {
        return Err(Error::Invalid(format!(
            "A share lasts 1 to {MAX_SHARE_DAYS} days."
        )));
    }
    let (row, _) = project_for(db, user, id, Role::Contributor).await?;
    let files = design::project_files(db, row.id).await?;
    let snapshot: serde_json::Map<String, serde_json::Value> = files
        .into_iter()
        .map(|f| (f.path, serde_json::Value::String(f.content)))
        .collect();
    let json = serde_json::to_string(&snapshot).map_err(|_| Error::Internal)?;
    let snapshot = (row.name.as_str(), row.main_file.as_str(), json.as_str());
    Ok(design::create_share(db, row.id, snapshot, user.id, days).await?)
}

/// The project's live shares (any member who may open it).
pub async fn shares(db: &Db, user: &SignedInUser, id: &str) -> Result<Vec<ShareInfo>> {
    let (row, _) = project_for(db, user, id, Role::Viewer).await?;
    Ok(design::live_shares(db, row.id).await?)
}

/// Ends a share of the project at once (contributors).
pub async fn revoke_share(db: &Db, user: &SignedInUser, id: &str, share: &str) -> Result<()> {
    let (row, _) = project_for(db, user, id, Role::Contributor).await?;
    if design::revoke_share(db, row.id, share).await? {
        Ok(())
    } else {
        Err(Error::NotFound(format!(
            "This project has no live share {share:?}."
        )))
    }
}

/// Deletes a project and its files (contributors); its shares end with it.
pub async fn delete_project(db: &Db, user: &SignedInUser, id: &str) -> Result<()> {
    let (row, _) = project_for(db, user, id, Role::Contributor).await?;
    design::delete_project(db, row.id).await?;
    tracing::info!(project = %id, by = %user.username, "design project deleted");
    Ok(())
}

/// A shared snapshot; anyone with the link may read it while it lives: not revoked, not
/// expired, its project not deleted, and its sharer still a contributor there. Each of
/// those ends it with the same answer, so a dead link tells nothing.
pub async fn load_share(db: &Db, share: &str) -> Result<SharedSnapshot<spec_engine::Model>> {
    let gone = || Error::NotFound("This shared link does not exist or has ended.".into());
    let row = design::find_live_share(db, share).await?.ok_or_else(gone)?;
    let sharer = match row.created_by {
        Some(id) => users::find_by_id(db, id).await?.ok_or_else(gone)?,
        None => return Err(gone()),
    };
    let sharer = SignedInUser {
        id: sharer.id,
        username: sharer.username,
        is_admin: sharer.is_admin,
    };
    if authorize(db, &sharer, &row.org_slug, Role::Contributor)
        .await
        .is_err()
    {
        return Err(gone());
    }
    let files: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&row.files).map_err(|_| Error::Internal)?;
    let files: Vec<(String, String)> = files
        .into_iter()
        .map(|(path, text)| (path, text.as_str().unwrap_or_default().to_owned()))
        .collect();
    let model = share_cache::model_of(&row.id, &files, &row.main_file).await?;
    Ok(SharedSnapshot {
        id: row.id,
        name: row.name,
        main_file: row.main_file,
        files,
        created_at: row.created_at,
        expires_at: row.expires_at,
        model: Option::clone(&model),
    })
}

/// The organisations `user` may publish to, and the version numbers `group/asset`
/// already used (deleted ones included), newest first.
pub async fn publish_options(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
) -> Result<(Vec<String>, Vec<String>)> {
    let groups = organizations::memberships_of(db, user.id)
        .await?
        .into_iter()
        .filter(|m| m.role() >= Role::Contributor)
        .map(|m| m.slug)
        .collect();
    let mut taken = Vec::new();
    if authorize(db, user, group, Role::Viewer).await.is_ok()
        && let Some(row) = assets::find_asset(db, group, asset).await?
    {
        taken = assets::used_versions(db, row.id).await?;
    }
    Ok((groups, taken))
}

/// The project as saved, analysed once on the CPU pool, and the text published for it:
/// one file as written, several as one bundled document.
struct Analysed {
    text: String,
    inspected: Inspected,
    /// What its references to published assets resolved to.
    pins: Vec<Pin>,
    main_json: bool,
    several: bool,
}

async fn analysed(db: &Db, user: &SignedInUser, project: &ProjectRow) -> Result<Analysed> {
    let files = design::project_files(db, project.id).await?;
    let main_json = is_json(&project.main_file);
    let several = files.len() > 1;
    let main = project.main_file.clone();
    let input = analysis::project(
        files.into_iter().map(|f| (f.path, f.content)).collect(),
        &project.main_file,
    );
    // The published assets it references are read with it (never published with it).
    let (input, pins) = dependencies::supply(db, user, input).await?;
    let (text, inspected) = analysis::run(Some(user.id), move || {
        let analysis = spec_engine::analyze(&input);
        let text = if several {
            match analysis.documents.as_ref().and_then(|d| d.bundled()) {
                Some(bundled) if main_json => spec_engine::to_json(&bundled),
                Some(bundled) => spec_engine::to_yaml(&bundled),
                None => String::new(),
            }
        } else {
            input.files.get(&main).cloned().unwrap_or_default()
        };
        (text, Inspected { input, analysis })
    })
    .await?;
    Ok(Analysed {
        text,
        inspected,
        pins,
        main_json,
        several,
    })
}

/// What publishing the project as `group/asset/version` would change against the
/// release before it; `None` for a first release, a version number that is not valid
/// yet (the dialog asks while it is typed) or a project that cannot be compared.
pub async fn publish_preview(
    db: &Db,
    user: &SignedInUser,
    id: &str,
    (group, asset, version): (&str, &str, &str),
) -> Result<Option<PublishPreview>> {
    let (project, _) = project_for(db, user, id, Role::Viewer).await?;
    let Ok(gav) = Gav::parse(group, asset, version) else {
        return Ok(None);
    };
    authorize(db, user, group, Role::Viewer).await?;
    let analysed = analysed(db, user, &project).await?;
    let Some(against) = gate::against_release(db, user, &gav, analysed.inspected).await? else {
        return Ok(None);
    };
    let refused = against.report.breaking && !gate::may_break(&against.base_semver, &gav.semver);
    let breaks = if against.report.breaking {
        dependencies::broken_by(db, user, (group, asset), version).await?
    } else {
        Vec::new()
    };
    Ok(Some(PublishPreview {
        breaks,
        suggested_version: gate::suggested_version(
            &against.base_semver,
            against.report.suggested_bump,
        ),
        base: against.base,
        report: against.report,
        refused,
    }))
}

/// Publishes the project as saved on the server through the exchange's one publish
/// path. A project of several files is published as one bundled document, analysed
/// once: the project's analysis gives both the bundle and the facts stored beside it.
pub async fn publish(
    db: &Db,
    user: &SignedInUser,
    id: &str,
    coordinate: (&str, &str, &str),
    lifecycle: Lifecycle,
    gate: Override,
) -> Result<Published> {
    let (project, _) = project_for(db, user, id, Role::Viewer).await?;
    let Analysed {
        text,
        inspected,
        pins,
        main_json,
        several,
    } = analysed(db, user, &project).await?;
    let (group, asset, version) = coordinate;
    let request = PublishRequest {
        group,
        asset,
        version,
        content: text.as_bytes(),
        content_type: if main_json {
            "application/json"
        } else {
            "application/yaml"
        },
        lifecycle,
        gate,
    };
    publish_inspected(db, user, &request, inspected, pins, several).await
}
