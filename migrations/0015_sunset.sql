-- Deprecation with a date: the version to move to, the day a deprecated version goes
-- away, and when its consumers were reminded of that day (once per date).

ALTER TABLE asset_versions ADD COLUMN replaced_by TEXT;
-- A calendar day, `YYYY-MM-DD` (UTC).
ALTER TABLE asset_versions ADD COLUMN sunset_on TEXT;
ALTER TABLE asset_versions ADD COLUMN sunset_reminded_at TEXT;

CREATE INDEX asset_versions_sunset_due ON asset_versions (sunset_on)
    WHERE sunset_on IS NOT NULL AND sunset_reminded_at IS NULL AND deleted_at IS NULL;
