-- An update's indicator values, task progress and statistics move from three child tables into JSON columns of
-- its own row: a typical update wrote ~11 rows across five b-trees, now it writes three (submission, current,
-- receipt). Compilation reads only the current update per department and period, so unpacking JSON there
-- (json_each) costs little. First receipts move to current_submissions, which frees the (plan, period)
-- index on submissions from the write path.
ALTER TABLE submissions ADD COLUMN indicators_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE submissions ADD COLUMN tasks_json      TEXT NOT NULL DEFAULT '[]';
ALTER TABLE submissions ADD COLUMN statistics_json TEXT NOT NULL DEFAULT '[]';

UPDATE submissions SET
    indicators_json = COALESCE((SELECT json_group_array(json_object('code', code, 'value', value, 'numerator', numerator,
                                                                    'denominator', denominator, 'statedValue', stated_value))
                                FROM submission_indicators WHERE submission_id = submissions.id), '[]'),
    tasks_json      = COALESCE((SELECT json_group_array(json_object('code', code, 'status', status, 'progress', progress, 'note', note))
                                FROM submission_tasks WHERE submission_id = submissions.id), '[]'),
    statistics_json = COALESCE((SELECT json_group_array(json_object('code', code, 'value', value))
                                FROM submission_statistics WHERE submission_id = submissions.id), '[]');

DROP TABLE submission_indicators;
DROP TABLE submission_tasks;
DROP TABLE submission_statistics;

-- When each department first reported for a period (on time or late is decided by the first update).
ALTER TABLE current_submissions ADD COLUMN first_received_at   TEXT NOT NULL DEFAULT '';
ALTER TABLE current_submissions ADD COLUMN first_received_date TEXT NOT NULL DEFAULT '';
UPDATE current_submissions SET
    first_received_at   = (SELECT MIN(s.received_at) FROM submissions s
                           WHERE s.plan_id = current_submissions.plan_id AND s.period = current_submissions.period
                             AND s.department = current_submissions.department),
    first_received_date = (SELECT MIN(s.received_date) FROM submissions s
                           WHERE s.plan_id = current_submissions.plan_id AND s.period = current_submissions.period
                             AND s.department = current_submissions.department);

DROP INDEX ix_submissions_plan_period;
