-- The outgoing register (sổ đăng ký văn bản đi, Decree 30/2020 Art. 15): one row per issued document of an issuing body
-- (a commune plan's id or a higher body's id). Numbers run from 1 on 1 January, unique in the year, never reused: a row is
-- never deleted, and the sequence is the year's largest plus one, taken in the same write transaction that inserts it.
-- The issued bytes (the signed PDF, the DOCX, the HTML and JSON) are stored before anything is sent, so a resend or a
-- later compile gives back the same document; a row whose document is still NULL was numbered by a process that died
-- before storing it, and the next delivery finishes it under the same number.
CREATE TABLE outgoing_register (
    id            INTEGER PRIMARY KEY,
    body_id       TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    sequence      INTEGER NOT NULL CHECK (sequence >= 1),
    number        TEXT    NOT NULL,            -- as printed after "Số: ", e.g. 07/BC-UBND
    period        TEXT    NOT NULL,
    issue_date    TEXT    NOT NULL,            -- yyyy-MM-dd, local (Asia/Ho_Chi_Minh)
    replaces_id   INTEGER NULL REFERENCES outgoing_register (id),  -- a correction (Art. 18.3) names what it replaces
    pdf           BLOB    NULL,
    pdf_sha256    TEXT    NULL,
    docx          BLOB    NULL,
    html          TEXT    NULL,
    json          TEXT    NULL,
    signed_at     TEXT    NULL,                -- UTC ISO-8601
    UNIQUE (body_id, year, sequence)
);

CREATE INDEX outgoing_register_by_period ON outgoing_register (body_id, period, id);
