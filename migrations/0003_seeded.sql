-- Which one-time data sets (the demo catalog) were already seeded, so deleting them
-- later does not bring them back on the next start.
CREATE TABLE seeded (
    name      TEXT PRIMARY KEY,
    seeded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
