-- Broker credentials: what an organisation admin makes for a device or a service that
-- talks to the bundled MQTT broker without being a person. The secret is shown once and
-- stored only as its SHA-256; revoking deletes the row, so the name can be used again.
CREATE TABLE broker_credentials (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- The login is NAME@ORG, so a name is unique within its organisation.
    name            TEXT    NOT NULL,
    secret_sha256   TEXT    NOT NULL UNIQUE,
    display         TEXT    NOT NULL,
    publish         INTEGER NOT NULL CHECK (publish IN (0, 1)),
    subscribe       INTEGER NOT NULL CHECK (subscribe IN (0, 1)),
    -- The admin who made it; kept when that account goes.
    created_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_used_at    TEXT,
    UNIQUE (organization_id, name)
);
