-- Governance over time: how each version fared per ruleset of the profile, and one
-- snapshot a day per organisation and ruleset of its latest versions, which the
-- organisation's dashboard plots.

CREATE TABLE version_ruleset_conformance (
    version_id  INTEGER NOT NULL REFERENCES asset_versions (id) ON DELETE CASCADE,
    ruleset     TEXT    NOT NULL,
    -- 'advisory' or 'blocking'
    enforcement TEXT    NOT NULL,
    errors      INTEGER NOT NULL,
    warnings    INTEGER NOT NULL,
    infos       INTEGER NOT NULL,
    hints       INTEGER NOT NULL,
    PRIMARY KEY (version_id, ruleset)
);

CREATE TABLE governance_snapshots (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- YYYY-MM-DD (UTC)
    day             TEXT    NOT NULL,
    ruleset         TEXT    NOT NULL,
    -- latest versions checked against the ruleset, and how many of them had no finding
    assets          INTEGER NOT NULL,
    conformant      INTEGER NOT NULL,
    errors          INTEGER NOT NULL,
    warnings        INTEGER NOT NULL,
    PRIMARY KEY (organization_id, day, ruleset)
);
