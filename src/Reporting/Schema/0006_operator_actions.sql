-- The audit log of what operators did from the dashboard (re-drive or discard of error-queue messages):
-- who, when, from where, to what, and what came of it. Written after the action, one row per action.
CREATE TABLE operator_actions (
    id              INTEGER PRIMARY KEY,
    at              TEXT    NOT NULL,   -- UTC ISO-8601
    operator        TEXT    NOT NULL,   -- the Basic-auth user name
    remote_address  TEXT    NULL,
    action          TEXT    NOT NULL CHECK (action IN ('redrive', 'discard')),
    target          TEXT    NOT NULL,   -- 'message:<key>' or 'group:<key>'
    messages        INTEGER NOT NULL,   -- how many messages the action moved or dropped
    detail          TEXT    NULL        -- the cause of the group, or an error
);
CREATE INDEX ix_operator_actions_at ON operator_actions (at);
