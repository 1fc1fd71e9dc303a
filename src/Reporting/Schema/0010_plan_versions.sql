-- Every version of every plan file the hub has seen (issue 15: plans change while the hub runs). A report compiles
-- against the version in force at its cut-off: the latest first seen at or before it, else the earliest.
CREATE TABLE plan_versions (
    plan_id        TEXT NOT NULL,
    hash           TEXT NOT NULL,   -- SHA-256 of the file's bytes, lower-case hex
    file           TEXT NOT NULL,
    json           TEXT NOT NULL,   -- the file as read
    first_seen_at  TEXT NOT NULL,   -- UTC ISO-8601
    PRIMARY KEY (plan_id, hash)
);
CREATE INDEX ix_plan_versions_seen ON plan_versions (plan_id, first_seen_at);

-- What each look at the plans folder found: a plan added, changed or removed, or a file rejected (kept the previous version).
CREATE TABLE plan_changes (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,        -- UTC ISO-8601
    plan_id   TEXT NULL,            -- null when a rejected file never had a valid version
    file      TEXT NOT NULL,
    hash      TEXT NULL,            -- null for a removed file
    change    TEXT NOT NULL CHECK (change IN ('added', 'changed', 'removed', 'rejected')),
    problems  TEXT NULL             -- every problem of a rejected file, one per line
);
CREATE INDEX ix_plan_changes_at ON plan_changes (at);
