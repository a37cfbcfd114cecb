-- What a run cost on the wire: SQL API response body bytes received (the gzip size when compressed) and
-- HTTP requests the client repeated (429, 5xx, transport errors, a 401 token refresh). Runs recorded
-- before this migration read 0.
ALTER TABLE runs ADD COLUMN retries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN bytes_received INTEGER NOT NULL DEFAULT 0;

DROP VIEW runs_v;
CREATE VIEW runs_v AS
SELECT r.id AS run_id, a.name AS account_name, r.started_at, r.finished_at, r.status, r.statements,
       r.rows, r.objects, r.changes, r.error_summary,
       (SELECT count(*) FROM scope_ledger l WHERE l.run_id = r.id AND l.outcome <> 'complete')
           AS incomplete_scopes,
       r.retries, r.bytes_received
FROM runs r JOIN accounts a ON a.id = r.account_id;
