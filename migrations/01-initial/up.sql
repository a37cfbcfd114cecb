-- snowcat catalog schema, version 1.
-- Attributes are JSON objects with null fields left out (absent = NULL).
-- Versions are validity intervals: a version holds from first_run (inclusive) to end_run (exclusive);
-- end_run IS NULL means current. An unchanged run writes no version rows. A run's versions, changes and
-- ledger rows are written in the same transaction that marks the run committed.

CREATE TABLE accounts (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE runs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id    INTEGER NOT NULL REFERENCES accounts(id),
    started_at    TEXT NOT NULL,
    finished_at   TEXT,
    status        TEXT NOT NULL
                  CHECK (status IN ('running', 'complete', 'partial', 'failed', 'cancelled', 'abandoned')),
    statements    INTEGER NOT NULL DEFAULT 0,
    rows          INTEGER NOT NULL DEFAULT 0,
    objects       INTEGER NOT NULL DEFAULT 0,
    changes       INTEGER NOT NULL DEFAULT 0,
    error_summary TEXT
);
CREATE INDEX runs_account ON runs (account_id, id);

CREATE TABLE scope_ledger (
    run_id           INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    scope            TEXT NOT NULL,
    scope_json       TEXT NOT NULL,
    object_kind      TEXT NOT NULL,
    outcome          TEXT NOT NULL
                     CHECK (outcome IN ('complete', 'failed', 'denied', 'truncated', 'filtered')),
    error_code       TEXT,
    error_message    TEXT,
    statement_handle TEXT,
    rows             INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, scope)
) WITHOUT ROWID;

CREATE TABLE versions (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    kind       TEXT NOT NULL,
    p1         TEXT NOT NULL,
    p2         TEXT NOT NULL DEFAULT '',
    p3         TEXT NOT NULL DEFAULT '',
    p4         TEXT NOT NULL DEFAULT '',
    p5         TEXT NOT NULL DEFAULT '',
    attrs      TEXT NOT NULL,
    first_run  INTEGER NOT NULL,
    end_run    INTEGER
);
CREATE UNIQUE INDEX versions_current ON versions (account_id, kind, p1, p2, p3, p4, p5) WHERE end_run IS NULL;
-- Past versions, by key (for `show --at`); small, since only changed objects have past versions.
CREATE INDEX versions_past ON versions (account_id, kind, p1, p2, p3) WHERE end_run IS NOT NULL;

CREATE TABLE changes (
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
    severity   TEXT NOT NULL CHECK (severity IN ('breaking', 'additive', 'cosmetic', 'security'))
);
CREATE INDEX changes_run ON changes (run_id);

-- Volatile statistics: latest value per object, plus a sampled history. Never versioned.
CREATE TABLE stats_latest (
    account_id  INTEGER NOT NULL REFERENCES accounts(id),
    kind        TEXT NOT NULL,
    p1          TEXT NOT NULL,
    p2          TEXT NOT NULL DEFAULT '',
    p3          TEXT NOT NULL DEFAULT '',
    stats       TEXT NOT NULL,
    run_id      INTEGER NOT NULL,
    observed_at TEXT NOT NULL,
    sampled_at  TEXT NOT NULL,
    PRIMARY KEY (account_id, kind, p1, p2, p3)
) WITHOUT ROWID;

CREATE TABLE stats_history (
    account_id  INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    p1          TEXT NOT NULL,
    p2          TEXT NOT NULL DEFAULT '',
    p3          TEXT NOT NULL DEFAULT '',
    stats       TEXT NOT NULL,
    run_id      INTEGER NOT NULL,
    observed_at TEXT NOT NULL
);
CREATE INDEX stats_history_object ON stats_history (account_id, kind, p1, p2, p3, observed_at);
CREATE INDEX stats_history_run ON stats_history (run_id);

-- Reader views -------------------------------------------------------------------------------------------

CREATE VIEW runs_v AS
SELECT r.id AS run_id, a.name AS account_name, r.started_at, r.finished_at, r.status, r.statements,
       r.rows, r.objects, r.changes, r.error_summary,
       (SELECT count(*) FROM scope_ledger l WHERE l.run_id = r.id AND l.outcome <> 'complete')
           AS incomplete_scopes
FROM runs r JOIN accounts a ON a.id = r.account_id;

CREATE VIEW changes_v AS
SELECT c.id AS change_id, c.run_id, a.name AS account_name, r.finished_at AS run_time, c.kind AS object_kind,
       CASE c.kind
           WHEN 'grant' THEN c.p5 || ' on ' || c.p3 || ' ' || c.p4 || ' to ' || c.p1 || ' ' || c.p2
           WHEN 'role_membership' THEN 'role ' || c.p1 || ' to ' || c.p2 || ' ' || c.p3
           WHEN 'future_grant' THEN c.p4 || ' on future ' || c.p3 || ' in ' || c.p1
                || CASE WHEN c.p2 = '' THEN '' ELSE '.' || c.p2 END || ' to ' || c.p5
           WHEN 'constraint' THEN c.p1 || '.' || c.p2 || '.' || c.p3 || '.' || c.p4
           ELSE c.p1 || CASE WHEN c.p2 = '' THEN '' ELSE '.' || c.p2 END
                || CASE WHEN c.p3 = '' THEN '' ELSE '.' || c.p3 END
                || CASE WHEN c.p4 = '' THEN '' ELSE '.' || c.p4 END
       END AS object_name,
       CASE WHEN c.kind IN ('schema', 'table', 'column', 'constraint', 'future_grant', 'database')
            THEN c.p1 END AS database_name,
       CASE WHEN c.kind IN ('schema', 'table', 'column', 'constraint', 'future_grant')
            THEN nullif(c.p2, '') END AS schema_name,
       CASE WHEN c.kind IN ('table', 'column', 'constraint') THEN c.p3 END AS table_name,
       CASE WHEN c.kind = 'column' THEN c.p4 END AS column_name,
       c.change, c.field, c.before, c.after, c.severity
FROM changes c JOIN runs r ON r.id = c.run_id JOIN accounts a ON a.id = r.account_id
WHERE r.status IN ('complete', 'partial', 'failed', 'cancelled');

CREATE VIEW coverage_v AS
SELECT a.name AS account_name, l.run_id, l.scope, l.object_kind, l.outcome, l.error_code, l.error_message,
       l.statement_handle
FROM scope_ledger l
JOIN runs r ON r.id = l.run_id
JOIN accounts a ON a.id = r.account_id
WHERE l.outcome <> 'complete'
  AND r.id = (SELECT max(r2.id) FROM runs r2
              WHERE r2.account_id = r.account_id AND r2.status IN ('complete', 'partial', 'failed', 'cancelled'));

CREATE VIEW current_databases AS
SELECT a.name AS account_name, v.p1 AS database_name, v.attrs ->> '$.kind' AS kind,
       v.attrs ->> '$.owner' AS owner, v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       v.attrs ->> '$.retention_time' AS retention_time, v.attrs ->> '$.is_transient' AS is_transient,
       v.attrs ->> '$.origin' AS origin, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'database' AND v.end_run IS NULL;

CREATE VIEW current_schemas AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       v.attrs ->> '$.retention_time' AS retention_time, v.attrs ->> '$.is_transient' AS is_transient,
       v.attrs ->> '$.is_managed_access' AS is_managed_access, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'schema' AND v.end_run IS NULL;

CREATE VIEW current_tables AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS table_name,
       v.attrs ->> '$.table_type' AS table_type, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created,
       v.attrs ->> '$.last_ddl' AS last_ddl, v.attrs ->> '$.clustering_key' AS clustering_key,
       v.attrs ->> '$.retention_time' AS retention_time, v.attrs ->> '$.is_transient' AS is_transient,
       v.attrs ->> '$.is_secure' AS is_secure, v.attrs ->> '$.view_definition' AS view_definition,
       s.stats ->> '$.row_count' AS row_count, s.stats ->> '$.bytes' AS bytes,
       s.stats ->> '$.last_altered' AS last_altered, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
LEFT JOIN stats_latest s ON s.account_id = v.account_id AND s.kind = 'table' AND s.p1 = v.p1 AND s.p2 = v.p2
     AND s.p3 = v.p3
WHERE v.kind = 'table' AND v.end_run IS NULL;

CREATE VIEW current_columns AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS table_name,
       v.p4 AS column_name, v.attrs ->> '$.ordinal_position' AS ordinal_position,
       v.attrs ->> '$.data_type' AS data_type,
       v.attrs ->> '$.character_maximum_length' AS character_maximum_length,
       v.attrs ->> '$.numeric_precision' AS numeric_precision, v.attrs ->> '$.numeric_scale' AS numeric_scale,
       v.attrs ->> '$.datetime_precision' AS datetime_precision, v.attrs ->> '$.is_nullable' AS is_nullable,
       v.attrs ->> '$.column_default' AS column_default, v.attrs ->> '$.is_identity' AS is_identity,
       v.attrs ->> '$.identity_start' AS identity_start, v.attrs ->> '$.identity_increment' AS identity_increment,
       v.attrs ->> '$.comment' AS comment, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'column' AND v.end_run IS NULL;

CREATE VIEW current_constraints AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS table_name,
       v.p4 AS constraint_name, v.p5 AS constraint_type, v.attrs -> '$.columns' AS column_names,
       v.attrs ->> '$.referenced_database' AS referenced_database_name,
       v.attrs ->> '$.referenced_schema' AS referenced_schema_name,
       v.attrs ->> '$.referenced_table' AS referenced_table_name,
       v.attrs ->> '$.referenced_constraint' AS referenced_constraint_name,
       v.attrs -> '$.referenced_columns' AS referenced_column_names,
       v.attrs ->> '$.update_rule' AS update_rule, v.attrs ->> '$.delete_rule' AS delete_rule,
       v.attrs ->> '$.rely' AS rely, v.attrs ->> '$.enforced' AS enforced, v.attrs ->> '$.comment' AS comment,
       v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'constraint' AND v.end_run IS NULL;

CREATE VIEW current_grants AS
SELECT a.name AS account_name, v.p5 AS privilege, v.p3 AS granted_on, v.p4 AS name, v.p1 AS granted_to,
       v.p2 AS grantee_name, v.attrs ->> '$.grant_option' AS grant_option,
       v.attrs ->> '$.granted_by' AS granted_by, v.attrs ->> '$.created' AS created_on, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'grant' AND v.end_run IS NULL;

CREATE VIEW current_role_memberships AS
SELECT a.name AS account_name, v.p1 AS role, v.p2 AS granted_to, v.p3 AS grantee_name,
       v.attrs ->> '$.granted_by' AS granted_by, v.attrs ->> '$.created' AS created_on,
       v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'role_membership' AND v.end_run IS NULL;

CREATE VIEW current_future_grants AS
SELECT a.name AS account_name, v.p1 AS database_name, nullif(v.p2, '') AS schema_name, v.p3 AS grant_on,
       v.p4 AS privilege, v.attrs ->> '$.grantee_type' AS grant_to, v.p5 AS grantee_name,
       v.attrs ->> '$.grant_option' AS grant_option, v.attrs ->> '$.created' AS created_on,
       v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'future_grant' AND v.end_run IS NULL;

CREATE VIEW current_warehouses AS
SELECT a.name AS account_name, v.p1 AS name, v.attrs ->> '$.size' AS size,
       v.attrs ->> '$.warehouse_type' AS type, v.attrs ->> '$.auto_suspend' AS auto_suspend,
       v.attrs ->> '$.auto_resume' AS auto_resume, v.attrs ->> '$.min_cluster_count' AS min_cluster_count,
       v.attrs ->> '$.max_cluster_count' AS max_cluster_count, v.attrs ->> '$.scaling_policy' AS scaling_policy,
       v.attrs ->> '$.resource_monitor' AS resource_monitor,
       v.attrs ->> '$.enable_query_acceleration' AS enable_query_acceleration,
       v.attrs ->> '$.owner' AS owner, v.attrs ->> '$.comment' AS comment, v.attrs ->> '$.created' AS created_on,
       s.stats ->> '$.state' AS state, s.stats ->> '$.running' AS running, s.stats ->> '$.queued' AS queued,
       s.stats ->> '$.started_clusters' AS started_clusters, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
LEFT JOIN stats_latest s ON s.account_id = v.account_id AND s.kind = 'warehouse' AND s.p1 = v.p1
WHERE v.kind = 'warehouse' AND v.end_run IS NULL;
