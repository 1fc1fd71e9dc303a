-- The department portal (issue 12). Who logged in, failed or was locked out, from where: the audit log of department logins.
CREATE TABLE portal_logins (
    id              INTEGER PRIMARY KEY,
    at              TEXT    NOT NULL,   -- UTC ISO-8601
    user_name       TEXT    NOT NULL,   -- as typed (at most 200 characters kept)
    remote_address  TEXT    NULL,
    outcome         TEXT    NOT NULL CHECK (outcome IN ('success', 'failure', 'lockout', 'locked'))
);
CREATE INDEX ix_portal_logins_at ON portal_logins (at);

-- A department's password generation: 0 (no row) is the password derived from the secret alone; each rotation
-- counts one up, so one department's password changes without the others'.
CREATE TABLE department_credentials (
    plan_id     TEXT    NOT NULL,
    department  TEXT    NOT NULL,
    generation  INTEGER NOT NULL,
    rotated_at  TEXT    NOT NULL,   -- UTC ISO-8601
    PRIMARY KEY (plan_id, department)
) WITHOUT ROWID;
