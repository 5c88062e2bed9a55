-- What each published version's `portico:` references resolved to when it was published:
-- one pin per dependency the analysis read (the document's own, and those of the
-- documents it depends on), so that whatever reads the version later resolves it as it
-- was published, and each asset knows which versions depend on it.

CREATE TABLE version_dependencies (
    version_id          INTEGER NOT NULL REFERENCES asset_versions (id) ON DELETE CASCADE,
    -- The dependency as the spec engine names it, in its one spelling: `portico:acme/orders/^1`.
    coordinate          TEXT    NOT NULL,
    depends_on_asset_id INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    -- The version the coordinate resolved to.
    depends_on_version  TEXT    NOT NULL,
    -- Whether the version's own document references it (not only a document it depends on).
    direct              INTEGER NOT NULL,
    -- The document's own references to it, as JSON: [{"pointer": …, "reference": …}].
    refs                TEXT    NOT NULL DEFAULT '[]',
    PRIMARY KEY (version_id, coordinate)
);

CREATE INDEX version_dependencies_by_dependency
    ON version_dependencies (depends_on_asset_id) WHERE direct = 1;
