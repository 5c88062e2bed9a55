-- Pages written by an asset's owners in markdown (getting started, change notes...),
-- shown on the asset page beside the generated documentation.

CREATE TABLE asset_pages (
    asset_id   INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    slug       TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    updated_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (asset_id, slug)
);
