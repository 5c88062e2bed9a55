//! Publishing a version: the one path used by the REST API, the CLI (through the API)
//! and the editor. Checks the coordinate, the caller's role and the document, then
//! stores it atomically.

use sha2::{Digest, Sha256};

use super::document::{DocumentFacts, inspect_document};
use crate::Error;
use crate::auth::{SignedInUser, authorize};
use crate::cpu;
use crate::repo::Db;
use crate::repo::assets::{NewVersion, PublishOutcome, PublishRefusal, publish_version};
use crate::repo::organizations;
use portico_types::Gav;
use portico_types::Lifecycle;
use portico_types::Role;

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
}

/// The result of a successful publish.
#[derive(Debug, Clone)]
pub struct Published {
    pub gav: Gav,
    pub outcome: PublishOutcome,
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
/// analysed on the CPU pool.
pub async fn publish(
    db: &Db,
    user: &SignedInUser,
    request: &PublishRequest<'_>,
) -> Result<Published, Error> {
    let gav = check_request(db, user, request).await?;
    let text = document_text(request)?.to_owned();
    let facts = cpu::run(move || inspect_document(&text))
        .await?
        .map_err(Error::InvalidDocument)?;
    store(db, user, request, gav, facts).await
}

/// [`publish`] for a document whose facts are known already (a design project's
/// analysis gave them), so it is not analysed twice.
pub async fn publish_inspected(
    db: &Db,
    user: &SignedInUser,
    request: &PublishRequest<'_>,
    facts: DocumentFacts,
) -> Result<Published, Error> {
    let gav = check_request(db, user, request).await?;
    document_text(request)?;
    store(db, user, request, gav, facts).await
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
) -> Result<Published, Error> {
    let content_type = stored_content_type(request.content_type)?;
    let organization = organizations::find_by_slug(db, &gav.group)
        .await?
        .ok_or_else(|| Error::NotFound(format!("No organisation named {:?}.", gav.group)))?;
    let sha256 = hex::encode(Sha256::digest(request.content));
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
        content_sha256: &sha256,
        search_terms: &facts.search_terms,
        published_by: Some(user.id),
    };
    match publish_version(db, &new).await? {
        Ok(outcome) => {
            tracing::info!(group = %gav.group, asset = %gav.asset, version = %gav.version, ?outcome, "published");
            Ok(Published { gav, outcome })
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
