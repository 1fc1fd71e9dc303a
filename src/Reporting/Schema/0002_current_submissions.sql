-- The update compilation uses per plan, period and department: the newest by hub receive time.
-- Kept up to date on insert, so compiling never ranks the whole history.
CREATE TABLE current_submissions (
    plan_id        TEXT    NOT NULL,
    period         TEXT    NOT NULL,
    department     TEXT    NOT NULL,
    submission_id  INTEGER NOT NULL REFERENCES submissions (id),
    received_at    TEXT    NOT NULL,
    PRIMARY KEY (plan_id, period, department)
) WITHOUT ROWID;

INSERT INTO current_submissions (plan_id, period, department, submission_id, received_at)
SELECT plan_id, period, department, id, received_at
FROM (SELECT s.*, ROW_NUMBER() OVER (PARTITION BY plan_id, period, department ORDER BY received_at DESC, id DESC) AS rn
      FROM submissions s)
WHERE rn = 1;
