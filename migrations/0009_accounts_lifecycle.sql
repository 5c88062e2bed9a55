-- The account lifecycle: tokens expire and gain the admin scope, browser sign-ins are
-- listed (and can be ended), shares expire and can be revoked, sign-up can be by invitation.

-- SQLite cannot change a CHECK constraint, so api_tokens is rebuilt (nothing refers to it).
CREATE TABLE api_tokens_new (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    -- Each scope includes the one before it: read < publish < admin.
    scope        TEXT    NOT NULL CHECK (scope IN ('read', 'publish', 'admin')),
    token_sha256 TEXT    NOT NULL UNIQUE,
    display      TEXT    NOT NULL,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_used_at TEXT,
    revoked_at   TEXT,
    -- From this instant on the token answers 401 (midnight UTC of the chosen date).
    expires_at   TEXT    NOT NULL
);
-- Tokens made before expiry existed get the default lifetime from today.
INSERT INTO api_tokens_new
       (id, user_id, name, scope, token_sha256, display, created_at, last_used_at, revoked_at, expires_at)
SELECT id, user_id, name, scope, token_sha256, display, created_at, last_used_at, revoked_at,
       strftime('%Y-%m-%dT00:00:00.000Z', 'now', '+91 days')
FROM api_tokens;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- One row per browser sign-in; the session store keeps its id. Ending a row signs that
-- browser out, whatever its cookie says.
CREATE TABLE login_sessions (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_address TEXT    NOT NULL,
    user_agent     TEXT    NOT NULL,
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_seen_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    ended_at       TEXT
);
CREATE INDEX login_sessions_by_user ON login_sessions (user_id);

-- Shares end: at their expiry, when revoked, with their project, or when the sharer
-- can no longer edit the project (checked when the link is opened).
ALTER TABLE design_shares ADD COLUMN expires_at TEXT;
ALTER TABLE design_shares ADD COLUMN revoked_at TEXT;
UPDATE design_shares SET expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+30 days');
CREATE INDEX design_shares_by_project ON design_shares (project_id);

-- Invitation links of `--signup invite`: stored hashed, used once, expiring.
CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    code_sha256 TEXT    NOT NULL UNIQUE,
    created_by  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    expires_at  TEXT    NOT NULL,
    used_by     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    used_at     TEXT,
    revoked_at  TEXT
);
