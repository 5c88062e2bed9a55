-- The event map: which side of which channel address the application of each AsyncAPI
-- version is on, taken from its model when it is published (in the same transaction),
-- so drawing the map over every visible asset is one join.

CREATE TABLE asset_channels (
    version_id INTEGER NOT NULL REFERENCES asset_versions (id) ON DELETE CASCADE,
    -- The channel's key in the document (the address in AsyncAPI 2.x).
    channel    TEXT    NOT NULL,
    -- The address as written, parameters left as `{name}`: what the map joins on.
    address    TEXT    NOT NULL,
    side       TEXT    NOT NULL CHECK (side IN ('send', 'receive')),
    -- JSON arrays of the operation ids, the message ids and the servers
    -- (`protocol://host/path`) of this side of the channel.
    operations TEXT    NOT NULL DEFAULT '[]',
    messages   TEXT    NOT NULL DEFAULT '[]',
    servers    TEXT    NOT NULL DEFAULT '[]',
    PRIMARY KEY (version_id, channel, side)
) WITHOUT ROWID;

-- Whether a version's rows above were written (a version without channels has none).
-- Versions published before this table get theirs on the next start of the server.
ALTER TABLE asset_versions ADD COLUMN channels_indexed INTEGER NOT NULL DEFAULT 0;

UPDATE asset_versions SET channels_indexed = 1
WHERE deleted_at IS NOT NULL
   OR asset_id IN (SELECT id FROM assets WHERE kind != 'asyncapi');
