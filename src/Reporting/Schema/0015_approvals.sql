-- Review and approval before a report leaves (issue 14), for plans with `approval: required`.
-- One row per plan and period once its draft was compiled: draft -> ready (the office) -> approved (the signer).
-- After approval the period is locked: the issued document is the register's, and a later update only marks it.
CREATE TABLE approvals (
    plan_id            TEXT NOT NULL,
    period             TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('draft', 'ready', 'approved')),
    draft_pdf          BLOB NULL,        -- the last draft compiled (marked DỰ THẢO, no number)
    draft_compiled_at  TEXT NULL,        -- UTC ISO-8601
    ready_by           TEXT NULL,
    ready_at           TEXT NULL,
    approved_by        TEXT NULL,
    approved_at        TEXT NULL,
    PRIMARY KEY (plan_id, period)
) WITHOUT ROWID;

-- A department's update sent back by the office with a comment; "returned" until the department sends a newer version.
CREATE TABLE approval_returns (
    id           INTEGER PRIMARY KEY,
    plan_id      TEXT NOT NULL,
    period       TEXT NOT NULL,
    department   TEXT NOT NULL,
    comment      TEXT NOT NULL,
    returned_by  TEXT NOT NULL,
    returned_at  TEXT NOT NULL      -- UTC ISO-8601
);
CREATE INDEX ix_approval_returns_period ON approval_returns (plan_id, period, department);

-- The office's text for the commune's own sections (results summary, difficulties, proposals, key tasks for the next
-- period): every edit kept, with who and when; the newest per section is the one printed.
CREATE TABLE approval_edits (
    id         INTEGER PRIMARY KEY,
    plan_id    TEXT NOT NULL,
    period     TEXT NOT NULL,
    section    TEXT NOT NULL CHECK (section IN ('results', 'difficulties', 'proposals', 'next_tasks')),
    text       TEXT NOT NULL,
    edited_by  TEXT NOT NULL,
    edited_at  TEXT NOT NULL        -- UTC ISO-8601
);
CREATE INDEX ix_approval_edits_period ON approval_edits (plan_id, period, section);

-- The delivery ledger learns 'awaiting_approval': the send time came and the report was not approved, so nothing left.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with the same columns and rows.
CREATE TABLE deliveries_0015 (
    id          INTEGER PRIMARY KEY,
    plan_id     TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'forward')),
    due_at      TEXT    NOT NULL,            -- UTC ISO-8601
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'awaiting_approval')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  TEXT    NOT NULL,            -- deterministic, so the receiver can drop a repeat
    sent_at     TEXT    NULL,
    last_error  TEXT    NULL,
    UNIQUE (plan_id, period, recipient, channel)
);
INSERT INTO deliveries_0015 (id, plan_id, period, recipient, channel, due_at, status, attempts, message_id, sent_at, last_error)
SELECT id, plan_id, period, recipient, channel, due_at, status, attempts, message_id, sent_at, last_error FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_0015 RENAME TO deliveries;
