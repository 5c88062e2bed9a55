-- What each published version changed against the release before it: the breaking-change
-- gate's comparison, kept so the asset page's Changes tab and the asset's feed read it
-- instead of diffing again.

CREATE TABLE version_changes (
    version_id      INTEGER PRIMARY KEY REFERENCES asset_versions (id) ON DELETE CASCADE,
    -- The version compared with.
    base_version    TEXT    NOT NULL,
    breaking        INTEGER NOT NULL,
    -- The diff report as JSON, as `portico diff --format json` prints it.
    report          TEXT    NOT NULL,
    -- Set when an organisation admin published a refused breaking change anyway.
    override_reason TEXT,
    overridden_by   INTEGER REFERENCES users (id) ON DELETE SET NULL
);
