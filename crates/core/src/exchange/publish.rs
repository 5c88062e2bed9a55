//! Publishing a version: the one path used by the REST API, the CLI (through the API)
//! and the editor. Checks the coordinate, the caller's role and the document, passes the
//! breaking-change gate (`gate`), then stores it and what it changed atomically.

use sha2::{Digest, Sha256};

use super::dependencies::{self, Pin};
use super::document::{DocumentFacts, facts_of_analysis};
use super::gate::{self, Compared, Override};
use super::governance;
use crate::Error;
use crate::analysis;
use crate::auth::{SignedInUser, authorize};
use crate::repo::assets::{self, NewVersion, PublishOutcome, PublishRefusal, publish_version};
use crate::repo::dependencies::PinRecord;
use crate::repo::governance::ConformanceRecord;
use crate::repo::version_changes::ChangeRecord;
use crate::repo::{Db, organizations};
use portico_types::Gav;
use portico_types::Lifecycle;
use portico_types::Role;
use portico_types::consumers::ChangeSummary;
use portico_types::governance::Conformance;

/// Media types a document may be published as; the first of each pair is stored.
const YAML_TYPES: [&str; 3] = ["application/yaml", "application/x-yaml", "text/yaml"];
const JSON_TYPE: &str = "application/json";

/// A request to publish `content` under a coordinate.
#[derive(Debug, Clone)]
pub struct PublishRequest<'a> {
    pub group: &'a str,
    pub asset: &'a str,
    pub version: &'a str,
    pub content: &'a [u8],
    /// The request's `Content-Type` (parameters such as charset are ignored).
    pub content_type: &'a str,
    pub lifecycle: Lifecycle,
    /// Whether an organisation admin publishes a refused breaking change anyway.
    pub gate: Override,
}

/// The result of a successful publish.
#[derive(Debug, Clone)]
pub struct Published {
    pub gav: Gav,
    pub outcome: PublishOutcome,
    /// What changed against the release before it (`None` for a first release).
    pub compared: Option<Compared>,
}

/// A document analysed on the CPU pool: the facts stored beside it, and the input and
/// analysis the gate compares with the release before it.
pub struct Inspected {
    pub input: spec_engine::Input,
    pub analysis: spec_engine::Analysis,
}

impl Inspected {
    /// Analyses one document named `name` (call it on the CPU pool).
    pub fn document(name: &str, text: &str) -> Inspected {
        Inspected::of(crate::analysis::single(name, text))
    }

    /// Analyses a document with the files it references (call it on the CPU pool).
    pub fn of(input: spec_engine::Input) -> Inspected {
        let analysis = spec_engine::analyze(&input);
        Inspected { input, analysis }
    }

    /// [`Inspected::document`] for comparing only: its model outlines the document (the
    /// diff reads schemas and examples from the document itself).
    pub fn for_comparison(name: &str, text: &str) -> Inspected {
        Inspected::for_comparison_of(crate::analysis::single(name, text))
    }

    /// [`Inspected::for_comparison`] of a document with the files it references.
    pub fn for_comparison_of(input: spec_engine::Input) -> Inspected {
        let analysis = spec_engine::analyze_outline(&input);
        Inspected { input, analysis }
    }
}

/// Normalises a request media type to the one stored, or says which are accepted.
pub fn stored_content_type(content_type: &str) -> Result<&'static str, Error> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if YAML_TYPES.contains(&essence.as_str()) {
        Ok(YAML_TYPES[0])
    } else if essence == JSON_TYPE {
        Ok(JSON_TYPE)
    } else {
        Err(Error::Invalid(format!(
            "Content-Type {content_type:?} is not accepted; send application/yaml or application/json."
        )))
    }
}

/// Publishes a version for `user`, enforcing every exchange rule. The document is
/// analysed on the CPU pool, once.
pub async fn publish(
    db: &Db,
    user: &SignedInUser,
    request: &PublishRequest<'_>,
) -> Result<Published, Error> {
    let gav = check_request(db, user, request).await?;
    let text = document_text(request)?;
    let name = file_name(&gav, request.content_type);
    // The published assets it references are read with it, as the user may see them.
    let (input, pins) = dependencies::supply(db, user, analysis::single(&name, text)).await?;
    let inspected = analysis::run(Some(user.id), move || Inspected::of(input)).await?;
    publish_inspected(db, user, request, inspected, pins, false).await
}

/// [`publish`] of a document analysed already (a design project's analysis gives the
/// bundle and its facts), so it is not analysed twice; `pins` say what its references to
/// published assets resolved to. `name_files` puts each diagnostic's file before its
/// message (a project of several files).
pub async fn publish_inspected(
    db: &Db,
    user: &SignedInUser,
    request: &PublishRequest<'_>,
    inspected: Inspected,
    pins: Vec<Pin>,
    name_files: bool,
) -> Result<Published, Error> {
    let gav = check_request(db, user, request).await?;
    let facts =
        facts_of_analysis(&inspected.analysis, name_files).map_err(Error::InvalidDocument)?;
    document_text(request)?;
    let sha256 = hex::encode(Sha256::digest(request.content));
    // The same document again was judged when it was first published.
    if republishes(db, &gav, &sha256).await? {
        return store(db, user, request, gav, facts, &sha256, Judged::default()).await;
    }
    let dependencies = dependencies::pin_records(&pins, inspected.analysis.documents.as_ref());
    let (inspected, conformance) =
        check_governance(db, user, &gav, &facts, inspected, name_files).await?;
    let compared = gate::compare(db, user, &gav, request, inspected).await?;
    let judged = Judged {
        compared,
        conformance,
        dependencies,
    };
    store(db, user, request, gav, facts, &sha256, judged).await
}

/// What the checks at publish found, to be kept with the version.
#[derive(Default)]
struct Judged {
    /// What changed against the release before it (`None` for a first release).
    compared: Option<Compared>,
    /// How it fared against the governance profile (`None`: nothing applied).
    conformance: Option<Conformance>,
    /// What its references to published assets resolved to.
    dependencies: Vec<PinRecord>,
}

/// Runs the rulesets the organisation's profile applies to this asset: a blocking
/// ruleset's error findings refuse the publish; every finding is returned to be kept.
async fn check_governance(
    db: &Db,
    user: &SignedInUser,
    gav: &Gav,
    facts: &DocumentFacts,
    inspected: Inspected,
    name_files: bool,
) -> Result<(Inspected, Option<Conformance>), Error> {
    let rulesets = governance::applicable(db, &gav.group, &gav.asset, facts.kind).await?;
    if rulesets.is_empty() {
        return Ok((inspected, None));
    }
    let (inspected, checked) = analysis::run(Some(user.id), move || {
        let checked = governance::check(&inspected, &rulesets, name_files);
        (inspected, checked)
    })
    .await?;
    if !checked.blocking.is_empty() {
        return Err(Error::InvalidDocument(checked.blocking));
    }
    Ok((inspected, Some(checked.conformance)))
}

/// How a published version's file is called in change locations: `asset-1.2.0.yaml`.
pub fn file_name(gav: &Gav, content_type: &str) -> String {
    let extension = if content_type.contains("json") {
        "json"
    } else {
        "yaml"
    };
    format!("{}-{}.{extension}", gav.asset, gav.version)
}

/// Whether the coordinate holds exactly this document already (an idempotent publish,
/// which the gate has judged before).
async fn republishes(db: &Db, gav: &Gav, sha256: &str) -> Result<bool, Error> {
    let Some(asset) = assets::find_asset(db, &gav.group, &gav.asset).await? else {
        return Ok(false);
    };
    Ok(assets::find_version(db, asset.id, &gav.version)
        .await?
        .is_some_and(|v| v.content_sha256 == sha256))
}

/// The coordinate, checked, once the caller may publish in its group.
async fn check_request(
    db: &Db,
    user: &SignedInUser,
    request: &PublishRequest<'_>,
) -> Result<Gav, Error> {
    let gav = Gav::parse(request.group, request.asset, request.version).map_err(Error::Invalid)?;
    authorize(db, user, &gav.group, Role::Contributor).await?;
    Ok(gav)
}

/// The document as text, once its media type and bytes agree.
fn document_text<'a>(request: &PublishRequest<'a>) -> Result<&'a str, Error> {
    let content_type = stored_content_type(request.content_type)?;
    let text = std::str::from_utf8(request.content).map_err(|error| {
        Error::Invalid(format!(
            "The document is not UTF-8 text (invalid byte at offset {}).",
            error.valid_up_to()
        ))
    })?;
    if content_type == JSON_TYPE && !text.trim_start().starts_with(['{', '[']) {
        return Err(Error::Invalid(
            "Content-Type says application/json but the document is not JSON; send it as application/yaml.".into(),
        ));
    }
    Ok(text)
}

/// Stores a checked document atomically under its coordinate.
async fn store(
    db: &Db,
    user: &SignedInUser,
    request: &PublishRequest<'_>,
    gav: Gav,
    facts: DocumentFacts,
    sha256: &str,
    Judged {
        compared,
        conformance,
        dependencies,
    }: Judged,
) -> Result<Published, Error> {
    let content_type = stored_content_type(request.content_type)?;
    let organization = organizations::find_by_slug(db, &gav.group)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No organisation named {:?}.", gav.group)))?;
    let report_json = compared
        .as_ref()
        .map(|c| serde_json::to_string(&c.report).unwrap_or_default())
        .unwrap_or_default();
    let conformance_json = crate::repo::governance::report_json(conformance.as_ref());
    let conformance = conformance
        .as_ref()
        .map(|c| ConformanceRecord::of(c, &conformance_json));
    let changes = compared.as_ref().map(|c| ChangeRecord {
        base_version: &c.base,
        breaking: c.report.breaking,
        report_json: &report_json,
        override_reason: c.override_reason.as_deref(),
        overridden_by: c.override_reason.as_ref().map(|_| user.id),
    });
    let change_summary = summarize(compared.as_ref());
    let new = NewVersion {
        organization_id: organization,
        asset: &gav.asset,
        kind: facts.kind,
        version: &gav.version,
        semver: &gav.semver,
        lifecycle: request.lifecycle,
        title: &facts.title,
        description: &facts.description,
        tags: &facts.tags,
        spec_version: &facts.spec_version,
        content: request.content,
        content_type,
        content_sha256: sha256,
        search_terms: &facts.search_terms,
        channels: &facts.channels,
        published_by: Some(user.id),
        changes,
        conformance,
        change_summary: &change_summary,
        dependencies: &dependencies,
    };
    match publish_version(db, &new).await? {
        Ok(outcome) => {
            tracing::info!(group = %gav.group, asset = %gav.asset, version = %gav.version, ?outcome, "published");
            crate::consumers::wake_sender();
            Ok(Published {
                gav,
                outcome,
                compared,
            })
        }
        Err(PublishRefusal::Immutable(lifecycle)) => Err(Error::Conflict(format!(
            "{}/{}/{} is already published as a {} version with other content; a published version never changes. Publish a new version instead.",
            gav.group,
            gav.asset,
            gav.version,
            lifecycle.as_str()
        ))),
        Err(PublishRefusal::Deleted) => Err(Error::Conflict(format!(
            "{}/{}/{} was deleted; a deleted version number can never be used again.",
            gav.group, gav.asset, gav.version
        ))),
        Err(PublishRefusal::KindMismatch(existing)) => Err(Error::Conflict(format!(
            "{}/{} holds {} documents; this document is {}.",
            gav.group,
            gav.asset,
            existing.as_str(),
            facts.kind.as_str()
        ))),
    }
}

/// What consumers hear of a publish: the release it was compared with, the breaking flag
/// and the first breaking changes.
fn summarize(compared: Option<&Compared>) -> ChangeSummary {
    /// Most breaking changes a notification names.
    const HIGHLIGHTS: usize = 10;
    let Some(compared) = compared else {
        return ChangeSummary::default();
    };
    let breaking: Vec<&portico_types::diff::Change> = compared
        .report
        .changes
        .iter()
        .filter(|change| change.severity == portico_types::diff::Severity::Breaking)
        .collect();
    ChangeSummary {
        base_version: Some(compared.base.clone()),
        breaking: Some(compared.report.breaking),
        changes: compared.report.changes.len(),
        breaking_changes: breaking.len(),
        highlights: breaking
            .iter()
            .take(HIGHLIGHTS)
            .map(|change| change.message.clone())
            .collect(),
        ..ChangeSummary::default()
    }
}
