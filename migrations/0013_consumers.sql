-- Consumers and what they hear: who uses which asset (a user for themselves through
-- their personal organisation, or for an organisation they belong to), what happened to
-- each asset's versions, the inbox entries and webhook deliveries those events become.

CREATE TABLE consumers (
    id              INTEGER PRIMARY KEY,
    asset_id        INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    registered_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    -- A semver requirement (`^1.2`), checked before it is stored.
    version_range   TEXT    NOT NULL,
    -- JSON array of the operations or channels used; empty for all.
    uses            TEXT    NOT NULL DEFAULT '[]',
    contact         TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (asset_id, organization_id)
);

CREATE INDEX consumers_by_organization ON consumers (organization_id);

-- What happened to a version. Written in the same transaction as the change itself, so
-- no event is lost; `fanned_out_at` is set once its notifications and deliveries exist.
CREATE TABLE asset_events (
    id            INTEGER PRIMARY KEY,
    asset_id      INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    version       TEXT    NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('version.published', 'version.deprecated', 'version.deleted', 'sunset.reminder')),
    -- JSON ChangeSummary (base version, breaking flag and counts from the diff).
    summary       TEXT    NOT NULL DEFAULT '{}',
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    fanned_out_at TEXT
);

CREATE INDEX asset_events_to_fan_out ON asset_events (id) WHERE fanned_out_at IS NULL;

-- A user's inbox: one entry per event and user, however many registrations brought it.
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    event_id      INTEGER NOT NULL REFERENCES asset_events (id) ON DELETE CASCADE,
    version_range TEXT    NOT NULL,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    read_at       TEXT,
    UNIQUE (user_id, event_id)
);

CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE webhooks (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url             TEXT    NOT NULL,
    -- Kept as given: signing a delivery (HMAC-SHA256) needs it; it is never shown again.
    secret          TEXT    NOT NULL,
    -- JSON array of event names.
    events          TEXT    NOT NULL,
    created_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- The durable queue of deliveries: one per event and webhook; `delivery_key` is sent as
-- `Portico-Delivery` on every attempt so a receiver can drop a repeat (a restart between
-- the receiver's answer and its recording sends the same key again, never a new row).
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES asset_events (id) ON DELETE CASCADE,
    delivery_key    TEXT    NOT NULL UNIQUE,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    next_attempt_at TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (webhook_id, event_id)
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';

CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    status      INTEGER,
    error       TEXT,
    duration_ms INTEGER NOT NULL
);

CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id);
