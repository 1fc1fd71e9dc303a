-- What should have gone out and what did: one row per plan, period, recipient and channel.
-- The row is written before sending and closed after, so a crash mid-send is retried, never forgotten.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    plan_id     TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    channel     TEXT    NOT NULL CHECK (channel IN ('email', 'forward')),
    due_at      TEXT    NOT NULL,            -- UTC ISO-8601
    status      TEXT    NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    message_id  TEXT    NOT NULL,            -- deterministic, so the receiver can drop a repeat
    sent_at     TEXT    NULL,
    last_error  TEXT    NULL,
    UNIQUE (plan_id, period, recipient, channel)
);

-- Reminders (đôn đốc) sent to departments: each at most once per period and offset.
CREATE TABLE reminders (
    plan_id     TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    department  TEXT    NOT NULL,
    offset_days INTEGER NOT NULL,
    sent_at     TEXT    NOT NULL,
    recipient   TEXT    NOT NULL,
    PRIMARY KEY (plan_id, period, department, offset_days)
) WITHOUT ROWID;

-- Facts about this hub's life, e.g. when it first started (deadlines before it are not sent by themselves).
CREATE TABLE hub_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
