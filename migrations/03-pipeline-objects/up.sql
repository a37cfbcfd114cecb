-- Pipeline and code objects (issue 17): views' definitions, dynamic tables, streams, tasks, pipes, stages,
-- user functions and procedures, sequences; the `operational` severity (a task suspended, a stream gone
-- stale); table-type flags in current_tables. Versions need no new table: new kinds are new `kind` values.

-- `changes.severity` gains `operational`: SQLite cannot alter a CHECK, so the table is rebuilt.
DROP VIEW changes_v;
CREATE TABLE changes_new (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    p1         TEXT NOT NULL,
    p2         TEXT NOT NULL DEFAULT '',
    p3         TEXT NOT NULL DEFAULT '',
    p4         TEXT NOT NULL DEFAULT '',
    p5         TEXT NOT NULL DEFAULT '',
    change     TEXT NOT NULL CHECK (change IN ('added', 'removed', 'modified', 'renamed', 'replaced')),
    field      TEXT,
    before     TEXT,
    after      TEXT,
    severity   TEXT NOT NULL
               CHECK (severity IN ('breaking', 'additive', 'cosmetic', 'security', 'operational'))
);
INSERT INTO changes_new SELECT id, run_id, kind, p1, p2, p3, p4, p5, change, field, before, after, severity
FROM changes;
DROP TABLE changes;
ALTER TABLE changes_new RENAME TO changes;
CREATE INDEX changes_run ON changes (run_id);

CREATE VIEW changes_v AS
SELECT c.id AS change_id, c.run_id, a.name AS account_name, r.finished_at AS run_time, c.kind AS object_kind,
       CASE c.kind
           WHEN 'grant' THEN c.p5 || ' on ' || c.p3 || ' ' || c.p4 || ' to ' || c.p1 || ' ' || c.p2
           WHEN 'role_membership' THEN 'role ' || c.p1 || ' to ' || c.p2 || ' ' || c.p3
           WHEN 'future_grant' THEN c.p4 || ' on future ' || c.p3 || ' in ' || c.p1
                || CASE WHEN c.p2 = '' THEN '' ELSE '.' || c.p2 END || ' to ' || c.p5
           WHEN 'constraint' THEN c.p1 || '.' || c.p2 || '.' || c.p3 || '.' || c.p4
           WHEN 'function' THEN c.p1 || '.' || c.p2 || '.' || c.p3 || c.p4
           WHEN 'procedure' THEN c.p1 || '.' || c.p2 || '.' || c.p3 || c.p4
           ELSE c.p1 || CASE WHEN c.p2 = '' THEN '' ELSE '.' || c.p2 END
                || CASE WHEN c.p3 = '' THEN '' ELSE '.' || c.p3 END
                || CASE WHEN c.p4 = '' THEN '' ELSE '.' || c.p4 END
       END AS object_name,
       CASE WHEN c.kind NOT IN ('grant', 'role_membership', 'warehouse') THEN c.p1 END AS database_name,
       CASE WHEN c.kind NOT IN ('grant', 'role_membership', 'warehouse', 'database')
            THEN nullif(c.p2, '') END AS schema_name,
       CASE WHEN c.kind IN ('table', 'column', 'constraint', 'view', 'dynamic_table') THEN c.p3 END AS table_name,
       CASE WHEN c.kind = 'column' THEN c.p4 END AS column_name,
       c.change, c.field, c.before, c.after, c.severity
FROM changes c JOIN runs r ON r.id = c.run_id JOIN accounts a ON a.id = r.account_id
WHERE r.status IN ('complete', 'partial', 'failed', 'cancelled');

DROP VIEW current_tables;
CREATE VIEW current_tables AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS table_name,
       v.attrs ->> '$.table_type' AS table_type, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       v.attrs ->> '$.last_ddl' AS last_ddl, v.attrs ->> '$.clustering_key' AS clustering_key,
       v.attrs ->> '$.retention_time' AS retention_time, v.attrs ->> '$.is_transient' AS is_transient,
       v.attrs ->> '$.is_secure' AS is_secure, v.attrs ->> '$.view_definition' AS view_definition,
       coalesce(v.attrs ->> '$.is_dynamic', 0) AS is_dynamic, coalesce(v.attrs ->> '$.is_iceberg', 0) AS is_iceberg,
       coalesce(v.attrs ->> '$.is_hybrid', 0) AS is_hybrid,
       s.stats ->> '$.row_count' AS row_count, s.stats ->> '$.bytes' AS bytes,
       s.stats ->> '$.last_altered' AS last_altered, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
LEFT JOIN stats_latest s ON s.account_id = v.account_id AND s.kind = 'table' AND s.p1 = v.p1 AND s.p2 = v.p2
     AND s.p3 = v.p3
WHERE v.kind = 'table' AND v.end_run IS NULL;

CREATE VIEW current_views AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS view_name,
       v.attrs ->> '$.text' AS text, coalesce(v.attrs ->> '$.text_hidden', 0) AS text_hidden,
       v.attrs ->> '$.is_secure' AS is_secure, v.attrs ->> '$.is_materialized' AS is_materialized,
       v.attrs ->> '$.owner' AS owner, v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'view' AND v.end_run IS NULL;

CREATE VIEW current_dynamic_tables AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS table_name,
       v.attrs ->> '$.text' AS text, v.attrs ->> '$.target_lag' AS target_lag,
       v.attrs ->> '$.warehouse' AS warehouse, v.attrs ->> '$.refresh_mode' AS refresh_mode,
       v.attrs ->> '$.cluster_by' AS cluster_by, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       s.stats ->> '$.scheduling_state' AS scheduling_state, s.stats ->> '$.rows' AS row_count,
       s.stats ->> '$.bytes' AS bytes, s.stats ->> '$.data_timestamp' AS data_timestamp,
       s.stats ->> '$.last_suspended_on' AS last_suspended_on, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
LEFT JOIN stats_latest s ON s.account_id = v.account_id AND s.kind = 'dynamic_table' AND s.p1 = v.p1
     AND s.p2 = v.p2 AND s.p3 = v.p3
WHERE v.kind = 'dynamic_table' AND v.end_run IS NULL;

CREATE VIEW current_streams AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS stream_name,
       v.attrs ->> '$.source' AS source, v.attrs ->> '$.source_type' AS source_type,
       v.attrs ->> '$.stream_type' AS type, v.attrs ->> '$.mode' AS mode, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       s.stats ->> '$.stale' AS stale, s.stats ->> '$.stale_after' AS stale_after,
       s.stats ->> '$.invalid_reason' AS invalid_reason, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
LEFT JOIN stats_latest s ON s.account_id = v.account_id AND s.kind = 'stream' AND s.p1 = v.p1
     AND s.p2 = v.p2 AND s.p3 = v.p3
WHERE v.kind = 'stream' AND v.end_run IS NULL;

CREATE VIEW current_tasks AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS task_name,
       v.attrs ->> '$.state' AS state, v.attrs ->> '$.schedule' AS schedule,
       v.attrs ->> '$.warehouse' AS warehouse, v.attrs -> '$.predecessors' AS predecessors,
       v.attrs ->> '$.condition' AS condition, v.attrs ->> '$.definition' AS definition,
       v.attrs ->> '$.allow_overlapping_execution' AS allow_overlapping_execution,
       v.attrs ->> '$.error_integration' AS error_integration, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       s.stats ->> '$.last_committed_on' AS last_committed_on,
       s.stats ->> '$.last_suspended_on' AS last_suspended_on,
       s.stats ->> '$.last_suspended_reason' AS last_suspended_reason, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
LEFT JOIN stats_latest s ON s.account_id = v.account_id AND s.kind = 'task' AND s.p1 = v.p1
     AND s.p2 = v.p2 AND s.p3 = v.p3
WHERE v.kind = 'task' AND v.end_run IS NULL;

CREATE VIEW current_pipes AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS pipe_name,
       v.attrs ->> '$.definition' AS definition, v.attrs ->> '$.auto_ingest' AS auto_ingest,
       v.attrs ->> '$.notification_channel' AS notification_channel, v.attrs ->> '$.integration' AS integration,
       v.attrs ->> '$.pattern' AS pattern, v.attrs ->> '$.error_integration' AS error_integration,
       v.attrs ->> '$.owner' AS owner, v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'pipe' AND v.end_run IS NULL;

CREATE VIEW current_stages AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS stage_name,
       v.attrs ->> '$.url' AS url, v.attrs ->> '$.stage_type' AS type, v.attrs ->> '$.cloud' AS cloud,
       v.attrs ->> '$.storage_integration' AS storage_integration,
       v.attrs ->> '$.has_credentials' AS has_credentials, v.attrs ->> '$.has_encryption_key' AS has_encryption_key,
       v.attrs ->> '$.directory_enabled' AS directory_enabled, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'stage' AND v.end_run IS NULL;

CREATE VIEW current_functions AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS function_name,
       v.p4 AS signature, v.attrs ->> '$.return_type' AS return_type, v.attrs ->> '$.language' AS language,
       v.attrs ->> '$.body' AS body, coalesce(v.attrs ->> '$.body_hidden', 0) AS body_hidden,
       v.attrs ->> '$.is_secure' AS is_secure, v.attrs ->> '$.is_table_function' AS is_table_function,
       v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'function' AND v.end_run IS NULL;

CREATE VIEW current_procedures AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS procedure_name,
       v.p4 AS signature, v.attrs ->> '$.return_type' AS return_type, v.attrs ->> '$.language' AS language,
       v.attrs ->> '$.body' AS body, coalesce(v.attrs ->> '$.body_hidden', 0) AS body_hidden,
       v.attrs ->> '$.is_secure' AS is_secure, v.attrs ->> '$.comment' AS comment,
       v.attrs ->> '$.created' AS created, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'procedure' AND v.end_run IS NULL;

CREATE VIEW current_sequences AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS sequence_name,
       v.attrs ->> '$.start' AS start_value, coalesce(v.attrs ->> '$.start_hidden', 0) AS start_hidden,
       v.attrs ->> '$.increment' AS increment, v.attrs ->> '$.ordered' AS ordered,
       v.attrs ->> '$.owner' AS owner, v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       s.stats ->> '$.next_value' AS next_value, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
LEFT JOIN stats_latest s ON s.account_id = v.account_id AND s.kind = 'sequence' AND s.p1 = v.p1
     AND s.p2 = v.p2 AND s.p3 = v.p3
WHERE v.kind = 'sequence' AND v.end_run IS NULL;
