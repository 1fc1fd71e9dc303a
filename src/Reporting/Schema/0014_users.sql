-- The people who act on a plan's reports besides its departments (whose accounts are derived, see `accounts`):
-- the commune office (văn phòng) that reviews the draft, the signer who approves and signs, the operator.
-- Passwords only as PBKDF2 hashes (PasswordHash); user names are unique across the hub, whatever their case.
CREATE TABLE users (
    user_name            TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
    plan_id              TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('office', 'signer', 'operator')),
    email                TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    created_at           TEXT NOT NULL,   -- UTC ISO-8601
    password_changed_at  TEXT NOT NULL    -- UTC ISO-8601
);
CREATE INDEX ix_users_plan ON users (plan_id, role);

-- Who did what to whom: actions on users, operator logins locked out (and later on drafts): one row per action, written after it.
CREATE TABLE audit_log (
    id              INTEGER PRIMARY KEY,
    at              TEXT NOT NULL,   -- UTC ISO-8601
    actor           TEXT NOT NULL,   -- a user name, or 'cli:<os user>' for the command line
    action          TEXT NOT NULL,   -- 'user_added', 'password_changed', …
    target          TEXT NOT NULL,
    detail          TEXT NULL,
    remote_address  TEXT NULL        -- the client's, through configured proxies only (Hub:Http:KnownProxies)
);
CREATE INDEX ix_audit_log_at ON audit_log (at);
