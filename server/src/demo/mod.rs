//! Demo data for a first start: a public `portico` organisation with the Order Service
//! in two versions, Portico's own REST API and two more examples, so a newcomer sees a
//! living catalog. Seeded once; deleting it later does not bring it back.

use sha2::{Digest, Sha256};

use portico_core::exchange::document::inspect_document;
use portico_core::repo::Db;
use portico_core::repo::assets::{NewVersion, find_asset, publish_version, set_public};
use portico_core::repo::organizations::{create_organization, find_by_slug};
use portico_core::repo::seeded::{mark_seeded, was_seeded};
use portico_types::Lifecycle;
use portico_types::coordinates::parse_semver;

/// The organisation that holds the demo assets.
pub const DEMO_GROUP: &str = "portico";

/// (asset, version, media type, document)
fn demo_assets() -> [(&'static str, &'static str, &'static str, &'static str); 5] {
    [
        (
            "order-service",
            "1.0.0",
            "application/yaml",
            include_str!("order-service-1.0.0.yaml"),
        ),
        (
            "order-service",
            "1.1.0",
            "application/yaml",
            app::design::templates::ORDER_SERVICE,
        ),
        (
            "portico-api",
            "1.0.0",
            "application/json",
            crate::api::OPENAPI_JSON.as_str(),
        ),
        (
            "account-events",
            "2.0.0",
            "application/yaml",
            include_str!("user-signup-2.6.0.yaml"),
        ),
        (
            "inventory-api",
            "1.0.0",
            "application/yaml",
            include_str!("inventory-api-1.0.0.yaml"),
        ),
    ]
}

/// Seeds the demo data unless it was seeded before.
pub async fn seed(db: &Db) -> anyhow::Result<()> {
    if was_seeded(db, "demo").await? {
        return Ok(());
    }
    let organization_id = match find_by_slug(db, DEMO_GROUP).await? {
        Some(id) => id,
        None => create_organization(db, DEMO_GROUP, "Portico examples").await?,
    };
    for (asset, version, content_type, text) in demo_assets() {
        let facts = inspect_document(text).map_err(|diagnostics| {
            anyhow::anyhow!("demo document {asset} {version} is invalid: {diagnostics:?}")
        })?;
        let semver = parse_semver(version).map_err(anyhow::Error::msg)?;
        let sha256 = hex::encode(Sha256::digest(text.as_bytes()));
        let new = NewVersion {
            organization_id,
            asset,
            kind: facts.kind,
            version,
            semver: &semver,
            lifecycle: Lifecycle::Stable,
            title: &facts.title,
            description: &facts.description,
            tags: &facts.tags,
            spec_version: &facts.spec_version,
            content: text.as_bytes(),
            content_type,
            content_sha256: &sha256,
            search_terms: &facts.search_terms,
            channels: &facts.channels,
            published_by: None,
            changes: None,
            conformance: None,
            change_summary: &Default::default(),
            dependencies: &[],
        };
        if let Err(refusal) = publish_version(db, &new).await? {
            anyhow::bail!("demo asset {asset} {version} refused: {refusal:?}");
        }
        if let Some(row) = find_asset(db, DEMO_GROUP, asset).await? {
            set_public(db, row.id, true).await?;
        }
    }
    mark_seeded(db, "demo").await?;
    tracing::info!("demo data seeded in the {DEMO_GROUP:?} organisation");
    Ok(())
}
