-- Department updates (báo cáo của bộ phận): every accepted update is kept; the newest per
-- plan, department and period is the one compiled (supersession is a query, not an update).
CREATE TABLE submissions (
    id                      INTEGER PRIMARY KEY,
    message_id              TEXT    NOT NULL UNIQUE,
    content_hash            TEXT    NOT NULL,
    plan_id                 TEXT    NOT NULL,
    department              TEXT    NOT NULL,
    period                  TEXT    NOT NULL,
    submitted_at            TEXT    NULL,      -- what the sender claims (ISO-8601)
    submitted_by            TEXT    NULL,
    received_at             TEXT    NOT NULL,  -- when the hub received it, UTC ISO-8601
    received_date           TEXT    NOT NULL,  -- the same instant as a date in Asia/Ho_Chi_Minh
    transport_user          TEXT    NULL,      -- broker-validated user_id, when the transport has one
    narrative_results       TEXT    NULL,
    narrative_difficulties  TEXT    NULL,
    narrative_proposals     TEXT    NULL,
    raw_json                TEXT    NOT NULL
);
CREATE INDEX ix_submissions_plan_period ON submissions (plan_id, period, department, received_at);

CREATE TABLE submission_indicators (
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    code           TEXT    NOT NULL,
    value          REAL    NULL,   -- the rate or amount; for counts, numerator / denominator * 100
    numerator      REAL    NULL,
    denominator    REAL    NULL,
    stated_value   REAL    NULL,   -- a value sent beside counts, kept to flag disagreement
    PRIMARY KEY (submission_id, code)
) WITHOUT ROWID;

CREATE TABLE submission_tasks (
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    code           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    progress       REAL    NULL,
    note           TEXT    NULL,
    PRIMARY KEY (submission_id, code)
) WITHOUT ROWID;

CREATE TABLE submission_statistics (
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    code           TEXT    NOT NULL,
    value          REAL    NOT NULL,
    PRIMARY KEY (submission_id, code)
) WITHOUT ROWID;

-- Updates that could not be accepted, with every reason (JSON array of {code, field, message}).
CREATE TABLE rejections (
    id             INTEGER PRIMARY KEY,
    message_id     TEXT    NULL,
    plan_id        TEXT    NULL,
    department     TEXT    NULL,
    period         TEXT    NULL,
    received_at    TEXT    NOT NULL,
    transport_user TEXT    NULL,
    content_hash   TEXT    NULL,
    reasons_json   TEXT    NOT NULL,
    raw            TEXT    NOT NULL
);
CREATE INDEX ix_rejections_message ON rejections (message_id);

-- One row per delivery the hub received (the audit trail, duplicates included).
CREATE TABLE receipts (
    id           INTEGER PRIMARY KEY,
    message_id   TEXT    NULL,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'conflict', 'rejected')),
    received_at  TEXT    NOT NULL,
    submission_id INTEGER NULL REFERENCES submissions (id),
    rejection_id INTEGER NULL REFERENCES rejections (id)
);
CREATE INDEX ix_receipts_message ON receipts (message_id);
