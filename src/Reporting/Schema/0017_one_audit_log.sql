-- One audit log: the portal's logins (portal_logins, 0011) and the dashboard's re-drive/discard (operator_actions, 0006)
-- move into audit_log beside the users', reviews' and approvals' rows, in the order they happened; the old tables go.
-- A login is action 'portal_login_<outcome>' on target 'portal'; an operator action keeps its action and target, its
-- message count and detail as JSON in detail ({"messages": N, "detail": …}).
INSERT INTO audit_log (at, actor, action, target, detail, remote_address)
SELECT at, actor, action, target, detail, remote_address FROM (
    SELECT at, user_name AS actor, 'portal_login_' || outcome AS action, 'portal' AS target, NULL AS detail, remote_address, 0 AS source, id
    FROM portal_logins
    UNION ALL
    SELECT at, operator, action, target, json_object('messages', messages, 'detail', detail), remote_address, 1, id
    FROM operator_actions)
ORDER BY at, source, id;
DROP TABLE portal_logins;
DROP TABLE operator_actions;
CREATE INDEX ix_audit_log_target ON audit_log (target, id);
