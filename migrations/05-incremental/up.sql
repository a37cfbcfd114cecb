-- Incremental crawls (issue 18). A run is `full` (every listing read) or `incremental` (columns re-read
-- only for tables whose CREATED or LAST_DDL moved; the rest carried over from an earlier read). Runs
-- recorded before this migration have no mode and read as full. `catalog_version` is the schema version
-- the run was written with: a run after a schema change is full.
ALTER TABLE runs ADD COLUMN mode TEXT CHECK (mode IN ('full', 'incremental'));
ALTER TABLE runs ADD COLUMN catalog_version INTEGER;

-- The ledger learns the outcome `carried`: the scope was not read in this run, its objects were carried
-- over unchanged from run `read_run`, the last run that read it. SQLite cannot alter a CHECK constraint,
-- so the table is rebuilt (its reader views first dropped, then recreated).
DROP VIEW runs_v;
DROP VIEW coverage_v;
CREATE TABLE scope_ledger_new (
    run_id           INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    scope            TEXT NOT NULL,
    scope_json       TEXT NOT NULL,
    object_kind      TEXT NOT NULL,
    outcome          TEXT NOT NULL
                     CHECK (outcome IN ('complete', 'failed', 'denied', 'truncated', 'filtered', 'carried')),
    error_code       TEXT,
    error_message    TEXT,
    statement_handle TEXT,
    rows             INTEGER NOT NULL DEFAULT 0,
    read_run         INTEGER,
    PRIMARY KEY (run_id, scope)
) WITHOUT ROWID;
INSERT INTO scope_ledger_new (run_id, scope, scope_json, object_kind, outcome, error_code, error_message,
                              statement_handle, rows)
SELECT run_id, scope, scope_json, object_kind, outcome, error_code, error_message, statement_handle, rows
FROM scope_ledger;
DROP TABLE scope_ledger;
ALTER TABLE scope_ledger_new RENAME TO scope_ledger;
-- The latest ledger row of a scope (incremental runs look up when a carried scope was last read).
CREATE INDEX scope_ledger_scope ON scope_ledger (scope, run_id);

CREATE VIEW runs_v AS
SELECT r.id AS run_id, a.name AS account_name, r.started_at, r.finished_at, r.status, r.statements,
       r.rows, r.objects, r.changes, r.error_summary,
       (SELECT count(*) FROM scope_ledger l WHERE l.run_id = r.id AND l.outcome NOT IN ('complete', 'carried'))
           AS incomplete_scopes,
       r.retries, r.bytes_received,
       coalesce(r.mode, 'full') AS mode,
       (SELECT count(*) FROM scope_ledger l WHERE l.run_id = r.id AND l.outcome = 'carried') AS carried_scopes
FROM runs r JOIN accounts a ON a.id = r.account_id;

-- Scopes the latest run did not read completely. A `carried` scope was not read in that run: `read_run`
-- says which run last read it.
CREATE VIEW coverage_v AS
SELECT a.name AS account_name, l.run_id, l.scope, l.object_kind, l.outcome, l.error_code, l.error_message,
       l.statement_handle, l.read_run
FROM scope_ledger l
JOIN runs r ON r.id = l.run_id
JOIN accounts a ON a.id = r.account_id
WHERE l.outcome <> 'complete'
  AND r.id = (SELECT max(r2.id) FROM runs r2
              WHERE r2.account_id = r.account_id AND r2.status IN ('complete', 'partial', 'failed', 'cancelled'));
