-- Reviews: a signed-in user who may see an asset rates it 1 to 5 with a comment, once
-- per minor version (the same user reviewing the same minor again edits that review).

CREATE TABLE reviews (
    id         INTEGER PRIMARY KEY,
    asset_id   INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    major      INTEGER NOT NULL,
    minor      INTEGER NOT NULL,
    rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    -- Plain text, shown escaped.
    comment    TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (asset_id, user_id, major, minor)
);

-- The catalog's average per asset reads these.
CREATE INDEX reviews_by_asset ON reviews (asset_id, rating);
