-- The exchange: assets (group = organisation, asset id) and their versions, personal
-- access tokens, and the full-text index that search reads.

CREATE TABLE assets (
    id              INTEGER PRIMARY KEY,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('asyncapi', 'openapi')),
    -- Shown to every signed-in user when set; otherwise only to the organisation.
    public          INTEGER NOT NULL DEFAULT 0,
    -- The newest live version (by semver), which search and listings show.
    latest_version_id INTEGER,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (organization_id, name)
);

CREATE TABLE asset_versions (
    id             INTEGER PRIMARY KEY,
    asset_id       INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    version        TEXT    NOT NULL,
    -- Numeric parts of the semver, so versions sort without parsing.
    major          INTEGER NOT NULL,
    minor          INTEGER NOT NULL,
    patch          INTEGER NOT NULL,
    prerelease     TEXT    NOT NULL DEFAULT '',
    lifecycle      TEXT    NOT NULL CHECK (lifecycle IN ('development', 'stable', 'deprecated')),
    title          TEXT    NOT NULL,
    description    TEXT    NOT NULL DEFAULT '',
    tags           TEXT    NOT NULL DEFAULT '[]',
    spec_version   TEXT    NOT NULL,
    -- The document exactly as published.
    content        BLOB    NOT NULL,
    content_type   TEXT    NOT NULL,
    content_sha256 TEXT    NOT NULL,
    -- Names found inside the document (channels, messages, operations, fields), for search.
    search_terms   TEXT    NOT NULL DEFAULT '',
    published_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    published_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- A deleted version keeps its row as a tombstone: its number can never be reused.
    deleted_at     TEXT,
    UNIQUE (asset_id, version)
);

CREATE INDEX asset_versions_by_asset ON asset_versions (asset_id, major DESC, minor DESC, patch DESC);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    scope        TEXT    NOT NULL CHECK (scope IN ('read', 'publish')),
    -- SHA-256 of the token: tokens are 256 random bits, so a fast hash is enough and
    -- the database never holds a usable token.
    token_sha256 TEXT    NOT NULL UNIQUE,
    -- The first characters, so people can tell their tokens apart.
    display      TEXT    NOT NULL,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_used_at TEXT,
    revoked_at   TEXT
);

-- One row per asset (rowid = assets.id), describing its latest live version.
CREATE VIRTUAL TABLE asset_search USING fts5 (
    asset_name,
    title,
    description,
    tags,
    content_terms,
    tokenize = 'unicode61 remove_diacritics 2'
);
