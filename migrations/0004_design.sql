-- Design projects: the files people edit in the browser, owned by an organisation, and
-- read-only snapshots shared by a short link.

CREATE TABLE design_projects (
    id              INTEGER PRIMARY KEY,
    -- Short random id used in addresses (never the row id, so ids cannot be guessed).
    public_id       TEXT    NOT NULL UNIQUE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    main_file       TEXT    NOT NULL,
    created_by      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX design_projects_by_org ON design_projects (organization_id, updated_at DESC);

CREATE TABLE design_files (
    project_id INTEGER NOT NULL REFERENCES design_projects (id) ON DELETE CASCADE,
    path       TEXT    NOT NULL,
    content    TEXT    NOT NULL,
    -- Grows by one with every save; a save names the revision it started from, so two
    -- editors never overwrite each other unknowingly.
    revision   INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (project_id, path)
);

CREATE TABLE design_shares (
    id         TEXT    PRIMARY KEY,
    project_id INTEGER REFERENCES design_projects (id) ON DELETE SET NULL,
    name       TEXT    NOT NULL,
    main_file  TEXT    NOT NULL,
    -- The snapshot: a JSON object of path -> text.
    files      TEXT    NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
