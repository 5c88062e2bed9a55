-- The levels an organisation gives diff rules instead of the catalog's defaults: the
-- publish gate, the Publish dialog's preview and the compare view read them.

CREATE TABLE organization_diff_rules (
    organization_id INTEGER PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    -- `{"rules": {"rule-id": "breaking" | "warning" | "info" | "off"}}`, as
    -- `portico diff --rules FILE` reads it.
    levels          TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_by      INTEGER REFERENCES users (id) ON DELETE SET NULL
);
