-- Governance: each organisation's profile (which rulesets apply to which assets, advisory
-- or blocking, and its own rulesets), and how each version fared against it at publish.

CREATE TABLE organization_governance (
    organization_id INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    -- portico_types::governance::GovernanceProfile as JSON.
    profile         TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_by      INTEGER REFERENCES users (id) ON DELETE SET NULL
);

CREATE TABLE version_conformance (
    version_id INTEGER PRIMARY KEY REFERENCES asset_versions (id) ON DELETE CASCADE,
    errors     INTEGER NOT NULL,
    warnings   INTEGER NOT NULL,
    infos      INTEGER NOT NULL,
    hints      INTEGER NOT NULL,
    -- portico_types::governance::Conformance as JSON (every finding with its rule and line).
    report     TEXT    NOT NULL,
    checked_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
