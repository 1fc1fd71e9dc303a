-- A higher-level hub's inbox of commune reports (CommuneReportSubmitted): every accepted report is kept; the latest
-- compiled per commune and period is the one rolled up (current_commune_reports), so a re-send replaces, counted once.
CREATE TABLE commune_reports (
    id             INTEGER PRIMARY KEY,
    message_id     TEXT    NOT NULL,
    content_hash   TEXT    NOT NULL,  -- SHA-256 of commune, period and report JSON (not CompiledAt): a re-forward of the same report is a duplicate
    commune_id     TEXT    NOT NULL,  -- the message's PlanId
    commune_name   TEXT    NOT NULL,
    period         TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    compiled_at    TEXT    NOT NULL,  -- when the commune compiled it, UTC ISO-8601: the later compiled report wins
    received_at    TEXT    NOT NULL,  -- when this hub received it, UTC ISO-8601
    received_date  TEXT    NOT NULL,  -- the same instant as a date in Asia/Ho_Chi_Minh
    transport_user TEXT    NULL,
    report_json    TEXT    NOT NULL,
    raw_json       TEXT    NOT NULL,
    UNIQUE (message_id, content_hash)
);
CREATE INDEX ix_commune_reports_period ON commune_reports (period, commune_id, received_at);

CREATE TABLE current_commune_reports (
    commune_id   TEXT    NOT NULL,
    period       TEXT    NOT NULL,
    report_id    INTEGER NOT NULL REFERENCES commune_reports (id),
    compiled_at  TEXT    NOT NULL,
    received_at  TEXT    NOT NULL,
    PRIMARY KEY (period, commune_id)
) WITHOUT ROWID;

-- Commune reports that could not be accepted, with every reason (JSON array of {code, field, message}).
CREATE TABLE commune_rejections (
    id             INTEGER PRIMARY KEY,
    message_id     TEXT    NULL,
    commune_id     TEXT    NULL,
    period         TEXT    NULL,
    received_at    TEXT    NOT NULL,
    transport_user TEXT    NULL,
    content_hash   TEXT    NULL,
    reasons_json   TEXT    NOT NULL,
    raw            TEXT    NOT NULL
);
CREATE INDEX ix_commune_rejections_message ON commune_rejections (message_id);

-- One row per delivery received (the audit trail, duplicates included).
CREATE TABLE commune_receipts (
    id            INTEGER PRIMARY KEY,
    message_id    TEXT    NULL,
    outcome       TEXT    NOT NULL CHECK (outcome IN ('accepted', 'duplicate', 'conflict', 'rejected')),
    received_at   TEXT    NOT NULL,
    report_id     INTEGER NULL REFERENCES commune_reports (id),
    rejection_id  INTEGER NULL REFERENCES commune_rejections (id)
);
