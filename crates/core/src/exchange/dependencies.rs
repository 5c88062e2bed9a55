//! Dependencies between assets. A document may `$ref` a published asset
//! (`portico:acme/orders/^1#/components/schemas/Order`); the spec engine reads such a
//! reference from a read-only file of its input, and this module supplies those files:
//!
//! - at publish and in the editor, [`supply`] resolves each coordinate for the user: the
//!   asset must be one they may read, an exact version names that live version (in any
//!   lifecycle), and a range names the highest live stable or deprecated version in it
//!   (development versions may still change, so only an exact reference takes one);
//! - what they resolved to is pinned with the version ([`pin_records`]), and whatever
//!   reads the stored version later resolves it as it was published ([`supply_pinned`]
//!   for a reader, who gets the pinned documents they may read; [`supply_pinned_for_checks`]
//!   for the server's background governance checks), never the range again.
//!
//! Nested references (a dependency's own `portico:` references) are followed the same
//! way, up to [`MAX_DEPENDENCY_DOCUMENTS`] documents and [`MAX_DEPENDENCY_BYTES`].

use std::collections::BTreeSet;
use std::sync::Arc;

use portico_types::dependencies::{BrokenDependent, Dependency, DependencyUse, Dependent};
use portico_types::{Error, Lifecycle, Role};
use spec_engine::dependency::{
    Coordinate, MAX_DEPENDENCY_DOCUMENTS, SCHEME, dependency_references, is_dependency,
    missing_dependencies,
};

use super::access::{asset_for, version_text};
use crate::Result;
use crate::analysis;
use crate::auth::SignedInUser;
use crate::repo::Db;
use crate::repo::assets::{AssetRow, find_asset, list_versions, version_content};
use crate::repo::dependencies::{self as pins_repo, PinRecord};
use crate::repo::search::Viewer;

/// Most bytes of published documents one analysis reads for its dependencies; past it a
/// dependency stays unresolved (and its reference says so).
pub const MAX_DEPENDENCY_BYTES: usize = 16 * 1024 * 1024;

/// What a dependency file resolved to for a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The dependency file's name: `portico:acme/orders/^1`.
    pub file: String,
    pub asset_id: i64,
    pub version: String,
}

/// The asset `user` may read, or `None` (absent and hidden alike); database faults
/// still fail.
async fn readable(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
) -> Result<Option<AssetRow>> {
    match asset_for(db, user, group, asset, Role::Viewer).await {
        Ok(row) => Ok(Some(row)),
        Err(Error::Internal) => Err(Error::Internal),
        Err(_) => Ok(None),
    }
}

/// The version of a readable asset `coordinate` names, with its document.
pub async fn resolve(
    db: &Db,
    user: &SignedInUser,
    coordinate: &Coordinate,
) -> Result<Option<(Pin, String)>> {
    let Some(row) = readable(db, user, &coordinate.group, &coordinate.asset).await? else {
        return Ok(None);
    };
    let versions = list_versions(db, row.id).await?;
    // Newest first: the first that fits is the highest.
    let chosen = versions.into_iter().find(|v| {
        coordinate.accepts(&v.version)
            && (coordinate.exact
                || Lifecycle::parse(&v.lifecycle).is_some_and(|l| l != Lifecycle::Development))
    });
    let Some(chosen) = chosen else {
        return Ok(None);
    };
    let Some((content, _)) = version_content(db, row.id, &chosen.version).await? else {
        return Ok(None);
    };
    let text = String::from_utf8(content).map_err(|_| Error::Internal)?;
    Ok(Some((
        Pin {
            file: coordinate.file(),
            asset_id: row.id,
            version: chosen.version,
        },
        text,
    )))
}

/// Adds to `input` the documents of the published assets it references, nested ones
/// included, resolved for `user`; answers the input and what each resolved to. What
/// cannot be resolved stays out, and the analysis says so at the reference.
pub async fn supply(
    db: &Db,
    user: &SignedInUser,
    mut input: spec_engine::Input,
) -> Result<(spec_engine::Input, Vec<Pin>)> {
    let mut pins = Vec::new();
    let mut tried = BTreeSet::new();
    let mut bytes = 0;
    // Each round reads one more level of nesting.
    for _ in 0..=MAX_DEPENDENCY_DOCUMENTS {
        if !input.files.values().any(|text| text.contains(SCHEME)) {
            break;
        }
        let (back, missing) = analysis::run(Some(user.id), move || {
            let missing = missing_dependencies(&input);
            (input, missing)
        })
        .await?;
        input = back;
        let fresh: Vec<String> = missing
            .into_iter()
            .filter(|file| tried.insert(file.clone()))
            .collect();
        if fresh.is_empty() {
            break;
        }
        for file in fresh {
            if pins.len() >= MAX_DEPENDENCY_DOCUMENTS {
                break;
            }
            let Some(coordinate) = Coordinate::of_file(&file) else {
                continue;
            };
            if let Some((pin, text)) = resolve(db, user, &coordinate).await?
                && bytes + text.len() <= MAX_DEPENDENCY_BYTES
            {
                bytes += text.len();
                input.files.insert(file, text);
                pins.push(pin);
            }
        }
    }
    Ok((input, pins))
}

/// The pins to store with a version: each dependency the analysis read, with the
/// references the document itself makes to it.
pub fn pin_records(pins: &[Pin], documents: Option<&spec_engine::Documents>) -> Vec<PinRecord> {
    let Some(documents) = documents.filter(|_| !pins.is_empty()) else {
        return Vec::new();
    };
    let references = dependency_references(documents);
    pins.iter()
        .filter(|pin| documents.files.contains_key(&pin.file))
        .map(|pin| {
            let uses: Vec<DependencyUse> = references
                .iter()
                .filter(|r| r.target_file == pin.file && !is_dependency(&r.file))
                .map(|r| DependencyUse {
                    pointer: r.pointer.clone(),
                    reference: r.reference.clone(),
                })
                .collect();
            PinRecord {
                coordinate: pin.file.clone(),
                asset_id: pin.asset_id,
                version: pin.version.clone(),
                direct: !uses.is_empty(),
                refs_json: serde_json::to_string(&uses).unwrap_or_else(|_| "[]".into()),
            }
        })
        .collect()
}

/// Adds to `input` (a stored version's document) the documents its pins name, as they
/// were resolved at publish; a pinned asset `user` may not read stays out.
pub async fn supply_pinned(
    db: &Db,
    user: &SignedInUser,
    (asset_id, version): (i64, &str),
    mut input: spec_engine::Input,
) -> Result<spec_engine::Input> {
    if !input.files.values().any(|text| text.contains(SCHEME)) {
        return Ok(input);
    }
    let pins = pins_repo::of_version(db, asset_id, version).await?;
    add_pinned(db, Some(user), pins, &mut input).await?;
    Ok(input)
}

/// [`supply_pinned`] for the server's own background checks of version `version_id`
/// (governance findings about the document itself): every pin, as it was published.
pub async fn supply_pinned_for_checks(
    db: &Db,
    version_id: i64,
    mut input: spec_engine::Input,
) -> Result<spec_engine::Input> {
    if !input.files.values().any(|text| text.contains(SCHEME)) {
        return Ok(input);
    }
    let pins = pins_repo::of_version_id(db, version_id).await?;
    add_pinned(db, None, pins, &mut input).await?;
    Ok(input)
}

/// Adds the pinned documents `reader` may read (all of them without a reader).
async fn add_pinned(
    db: &Db,
    reader: Option<&SignedInUser>,
    pins: Vec<pins_repo::PinRow>,
    input: &mut spec_engine::Input,
) -> Result<()> {
    for pin in pins {
        let row = match reader {
            Some(user) => readable(db, user, &pin.group_slug, &pin.asset).await?,
            None => find_asset(db, &pin.group_slug, &pin.asset).await?,
        };
        let Some(row) = row else {
            continue;
        };
        if let Some((content, _)) = version_content(db, row.id, &pin.version).await?
            && let Ok(text) = String::from_utf8(content)
        {
            input.files.insert(pin.coordinate, text);
        }
    }
    Ok(())
}

/// The documentation model of a version of an asset `user` may read (an empty `version`
/// is the newest), its references to published assets resolved as pinned at publish.
pub async fn version_model(
    db: &Db,
    user: &SignedInUser,
    (group, asset): (&str, &str),
    version: &str,
) -> Result<Arc<Option<spec_engine::Model>>> {
    let document = version_text(db, user, group, asset, version).await?;
    let input = analysis::single("document", &document.text);
    let input = supply_pinned(db, user, (document.asset_id, &document.version), input).await?;
    super::model_cache::model_of_input(Some(user.id), input).await
}

/// What a version of an asset `user` may read depends on: the published assets its own
/// document references (those the user may read), each with the version pinned.
pub async fn of_version(
    db: &Db,
    user: &SignedInUser,
    (group, asset): (&str, &str),
    version: &str,
) -> Result<Vec<Dependency>> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    if crate::repo::assets::find_version(db, row.id, version)
        .await?
        .is_none()
    {
        return Err(Error::NotFound(format!(
            "No version {version} of {group}/{asset}."
        )));
    }
    let mut out = Vec::new();
    for pin in pins_repo::of_version(db, row.id, version).await? {
        if !pin.direct
            || readable(db, user, &pin.group_slug, &pin.asset)
                .await?
                .is_none()
        {
            continue;
        }
        let Some(coordinate) = Coordinate::of_file(&pin.coordinate) else {
            continue;
        };
        out.push(Dependency {
            group: pin.group_slug,
            asset: pin.asset,
            requirement: coordinate.requirement,
            pinned: pin.version,
            references: serde_json::from_str(&pin.refs).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The other assets whose newest live version depends on `group/asset` (those `user`
/// may read), with the version each pinned.
pub async fn dependents(
    db: &Db,
    user: &SignedInUser,
    group: &str,
    asset: &str,
) -> Result<Vec<Dependent>> {
    let row = asset_for(db, user, group, asset, Role::Viewer).await?;
    dependents_of(db, user, row.id).await
}

async fn dependents_of(db: &Db, user: &SignedInUser, asset_id: i64) -> Result<Vec<Dependent>> {
    let viewer = Viewer {
        user_id: user.id,
        is_admin: user.is_admin,
    };
    Ok(pins_repo::dependents_of(db, viewer, asset_id)
        .await?
        .into_iter()
        .filter_map(|row| {
            Some(Dependent {
                requirement: Coordinate::of_file(&row.coordinate)?.requirement,
                group: row.group_slug,
                asset: row.asset,
                version: row.version,
                pinned: row.pinned,
            })
        })
        .collect())
}

/// The dependents a breaking release `version` of `group/asset` breaks: those (that
/// `user` may read) whose newest live version pinned an older version of it. The break
/// lies between what they use and the new version: a dependent whose requirement takes
/// the new version gets the break when it is published again, one whose requirement
/// does not has to adapt to move. One pinned to the new version or a later one is not
/// affected. The rule is about versions, not about which parts they reference.
pub async fn broken_by(
    db: &Db,
    user: &SignedInUser,
    (group, asset): (&str, &str),
    version: &str,
) -> Result<Vec<BrokenDependent>> {
    let Some(row) = find_asset(db, group, asset).await? else {
        return Ok(Vec::new());
    };
    let Ok(new) = semver::Version::parse(version) else {
        return Ok(Vec::new());
    };
    Ok(dependents_of(db, user, row.id)
        .await?
        .into_iter()
        .filter(|d| semver::Version::parse(&d.pinned).is_ok_and(|pinned| pinned < new))
        .map(|dependent| {
            let accepts_new =
                Coordinate::parse(&format!("{group}/{asset}/{}", dependent.requirement))
                    .is_ok_and(|c| c.accepts(version));
            BrokenDependent {
                dependent,
                accepts_new,
            }
        })
        .collect())
}

/// The documents of the dependency files `files` (`portico:…`, as the editor's analysis
/// reports them missing) resolved for `user`, for the editor to analyse the project
/// with: `None` for one the user may not read or no version answers. At most
/// [`MAX_DEPENDENCY_DOCUMENTS`] files a call and [`MAX_DEPENDENCY_BYTES`] in all; past
/// that a file answers `None`.
pub async fn documents_for(
    db: &Db,
    user: &SignedInUser,
    files: &[String],
) -> Result<Vec<(String, Option<String>)>> {
    if files.len() > MAX_DEPENDENCY_DOCUMENTS {
        return Err(Error::Invalid(format!(
            "Ask for at most {MAX_DEPENDENCY_DOCUMENTS} published documents at once."
        )));
    }
    let mut bytes = 0;
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let coordinate = Coordinate::of_file(file).ok_or_else(|| {
            Error::Invalid(format!(
                "{file:?} is not a published asset's coordinate (portico:group/asset/version)."
            ))
        })?;
        let text = match resolve(db, user, &coordinate).await? {
            Some((_, text)) if bytes + text.len() <= MAX_DEPENDENCY_BYTES => {
                bytes += text.len();
                Some(text)
            }
            _ => None,
        };
        out.push((file.clone(), text));
    }
    Ok(out)
}
