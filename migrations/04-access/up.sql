-- Access (issue 16): database roles, masking and row-access policies, tags, and who can reach what.
-- New kinds are new `kind` values in `versions` (database_role, policy, policy_reference, tag,
-- tag_reference); grants to database roles and their memberships are `grant` / `role_membership` rows
-- whose role is `DB.ROLE` (role_type DATABASE_ROLE). Everything below is derived by views: no I/O.
-- A name part is written the way SHOW prints it inside a dotted name (bare when a plain upper-case
-- identifier, else double-quoted), so object keys join the names grants carry.

-- Tag names that mark objects sensitive, per account (config `sensitive_tags`, written with each run).
CREATE TABLE sensitive_tags (
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    tag        TEXT NOT NULL,
    PRIMARY KEY (account_id, tag)
) WITHOUT ROWID;

-- changes_v learns the new kinds' names (and `access_path`, the paths a run opened or cut).
DROP VIEW changes_v;
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
           WHEN 'policy' THEN c.p1 || '.' || c.p2 || '.' || c.p3
           WHEN 'policy_reference' THEN c.p5 || ' on ' || c.p1 || '.' || c.p2 || '.' || c.p3
                || CASE WHEN c.p4 = '' THEN '' ELSE '.' || c.p4 END
           WHEN 'tag_reference' THEN c.p5 || ' on ' || c.p1 || CASE WHEN c.p2 = '' THEN '' ELSE '.' || c.p2 END
                || CASE WHEN c.p3 = '' THEN '' ELSE '.' || c.p3 END
                || CASE WHEN c.p4 = '' THEN '' ELSE '.' || c.p4 END
           WHEN 'access_path' THEN c.p3 || ' on ' || c.p4 || ' ' || c.p5 || ' for ' || c.p1 || ' ' || c.p2
           ELSE c.p1 || CASE WHEN c.p2 = '' THEN '' ELSE '.' || c.p2 END
                || CASE WHEN c.p3 = '' THEN '' ELSE '.' || c.p3 END
                || CASE WHEN c.p4 = '' THEN '' ELSE '.' || c.p4 END
       END AS object_name,
       CASE WHEN c.kind NOT IN ('grant', 'role_membership', 'warehouse', 'access_path') THEN c.p1 END
           AS database_name,
       CASE WHEN c.kind NOT IN ('grant', 'role_membership', 'warehouse', 'database', 'database_role', 'access_path')
            THEN nullif(c.p2, '') END AS schema_name,
       CASE WHEN c.kind IN ('table', 'column', 'constraint', 'view', 'dynamic_table', 'policy_reference',
                            'tag_reference') THEN nullif(c.p3, '') END AS table_name,
       CASE WHEN c.kind IN ('column', 'policy_reference', 'tag_reference') THEN nullif(c.p4, '') END AS column_name,
       c.change, c.field, c.before, c.after, c.severity
FROM changes c JOIN runs r ON r.id = c.run_id JOIN accounts a ON a.id = r.account_id
WHERE r.status IN ('complete', 'partial', 'failed', 'cancelled');

CREATE VIEW current_database_roles AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS role_name,
       (CASE WHEN v.p1 GLOB '[A-Z_]*' AND NOT v.p1 GLOB '*[^A-Z0-9_$]*' THEN v.p1 ELSE '"' || replace(v.p1, '"', '""') || '"' END) || '.' || (CASE WHEN v.p2 GLOB '[A-Z_]*' AND NOT v.p2 GLOB '*[^A-Z0-9_$]*' THEN v.p2 ELSE '"' || replace(v.p2, '"', '""') || '"' END) AS qualified_name, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.owner_role_type' AS owner_role_type, v.attrs ->> '$.comment' AS comment,
       v.attrs ->> '$.created' AS created, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'database_role' AND v.end_run IS NULL;

CREATE VIEW current_policies AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS policy_name,
       v.p4 AS policy_kind, v.attrs ->> '$.signature' AS signature, v.attrs ->> '$.return_type' AS return_type,
       v.attrs ->> '$.body' AS body, coalesce(v.attrs ->> '$.body_hidden', 0) AS body_hidden,
       v.attrs ->> '$.options' AS options, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.owner_role_type' AS owner_role_type, v.attrs ->> '$.comment' AS comment,
       v.attrs ->> '$.created' AS created, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'policy' AND v.end_run IS NULL;

CREATE VIEW current_policy_references AS
SELECT a.name AS account_name, v.p5 AS policy, v.attrs ->> '$.policy_kind' AS policy_kind,
       v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS object_name, nullif(v.p4, '') AS column_name,
       v.attrs ->> '$.domain' AS domain, v.attrs ->> '$.arg_columns' AS arg_columns,
       v.attrs ->> '$.via_tag' AS via_tag, v.attrs ->> '$.status' AS status, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'policy_reference' AND v.end_run IS NULL;

CREATE VIEW current_tags AS
SELECT a.name AS account_name, v.p1 AS database_name, v.p2 AS schema_name, v.p3 AS tag_name,
       (CASE WHEN v.p1 GLOB '[A-Z_]*' AND NOT v.p1 GLOB '*[^A-Z0-9_$]*' THEN v.p1 ELSE '"' || replace(v.p1, '"', '""') || '"' END) || '.' || (CASE WHEN v.p2 GLOB '[A-Z_]*' AND NOT v.p2 GLOB '*[^A-Z0-9_$]*' THEN v.p2 ELSE '"' || replace(v.p2, '"', '""') || '"' END) || '.' || (CASE WHEN v.p3 GLOB '[A-Z_]*' AND NOT v.p3 GLOB '*[^A-Z0-9_$]*' THEN v.p3 ELSE '"' || replace(v.p3, '"', '""') || '"' END) AS qualified_name,
       v.attrs ->> '$.allowed_values' AS allowed_values, v.attrs ->> '$.owner' AS owner,
       v.attrs ->> '$.owner_role_type' AS owner_role_type, v.attrs ->> '$.comment' AS comment,
       v.attrs ->> '$.created' AS created,
       EXISTS (SELECT 1 FROM sensitive_tags st WHERE st.account_id = v.account_id
            AND ((CASE WHEN v.p1 GLOB '[A-Z_]*' AND NOT v.p1 GLOB '*[^A-Z0-9_$]*' THEN v.p1 ELSE '"' || replace(v.p1, '"', '""') || '"' END) || '.' || (CASE WHEN v.p2 GLOB '[A-Z_]*' AND NOT v.p2 GLOB '*[^A-Z0-9_$]*' THEN v.p2 ELSE '"' || replace(v.p2, '"', '""') || '"' END) || '.' || (CASE WHEN v.p3 GLOB '[A-Z_]*' AND NOT v.p3 GLOB '*[^A-Z0-9_$]*' THEN v.p3 ELSE '"' || replace(v.p3, '"', '""') || '"' END) = st.tag OR substr((CASE WHEN v.p1 GLOB '[A-Z_]*' AND NOT v.p1 GLOB '*[^A-Z0-9_$]*' THEN v.p1 ELSE '"' || replace(v.p1, '"', '""') || '"' END) || '.' || (CASE WHEN v.p2 GLOB '[A-Z_]*' AND NOT v.p2 GLOB '*[^A-Z0-9_$]*' THEN v.p2 ELSE '"' || replace(v.p2, '"', '""') || '"' END) || '.' || (CASE WHEN v.p3 GLOB '[A-Z_]*' AND NOT v.p3 GLOB '*[^A-Z0-9_$]*' THEN v.p3 ELSE '"' || replace(v.p3, '"', '""') || '"' END), -length(st.tag) - 1) = '.' || st.tag)) AS is_sensitive,
       v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'tag' AND v.end_run IS NULL;

CREATE VIEW current_tag_references AS
SELECT a.name AS account_name, v.p5 AS tag, v.p1 AS database_name, nullif(v.p2, '') AS schema_name,
       nullif(v.p3, '') AS object_name, nullif(v.p4, '') AS column_name, v.attrs ->> '$.domain' AS domain,
       v.attrs ->> '$.value' AS tag_value, v.attrs ->> '$.apply_method' AS apply_method,
       EXISTS (SELECT 1 FROM sensitive_tags st WHERE st.account_id = v.account_id
            AND (v.p5 = st.tag OR substr(v.p5, -length(st.tag) - 1) = '.' || st.tag)) AS is_sensitive, v.first_run AS since_run
FROM versions v JOIN accounts a ON a.id = v.account_id
WHERE v.kind = 'tag_reference' AND v.end_run IS NULL;

-- Every tag that applies to each database, schema, table, view and column, set on it or inherited from
-- the nearest container that sets it (a value set lower wins). Inheritance follows containment only,
-- never view dependencies. `relation_name` is the database, schema, table or view (a column's table) as
-- SHOW GRANTS names it, to join access_paths_v.
CREATE VIEW effective_tags_v AS
WITH objs AS (
    SELECT account_id, 'DATABASE' AS object_type, p1, '' AS p2, '' AS p3, '' AS p4 FROM versions
    WHERE kind = 'database' AND end_run IS NULL
    UNION ALL
    SELECT account_id, 'SCHEMA', p1, p2, '', '' FROM versions WHERE kind = 'schema' AND end_run IS NULL
    UNION ALL
    SELECT account_id, CASE WHEN attrs ->> '$.table_type' LIKE '%VIEW%' THEN 'VIEW' ELSE 'TABLE' END,
           p1, p2, p3, '' FROM versions WHERE kind = 'table' AND end_run IS NULL
    UNION ALL
    SELECT account_id, 'COLUMN', p1, p2, p3, p4 FROM versions WHERE kind = 'column' AND end_run IS NULL
),
refs AS (
    SELECT account_id, p1, p2, p3, p4, p5 AS tag, attrs ->> '$.value' AS value,
           (p2 <> '') + (p3 <> '') + (p4 <> '') AS depth
    FROM versions WHERE kind = 'tag_reference' AND end_run IS NULL
),
ranked AS (
    SELECT o.account_id, o.object_type, o.p1, o.p2, o.p3, o.p4, r.tag, r.value, r.depth,
           r.p1 AS r1, r.p2 AS r2, r.p3 AS r3, r.p4 AS r4,
           row_number() OVER (PARTITION BY o.account_id, o.object_type, o.p1, o.p2, o.p3, o.p4, r.tag
                              ORDER BY r.depth DESC) AS rn
    FROM objs o JOIN refs r ON r.account_id = o.account_id AND r.p1 = o.p1 AND (r.p2 = '' OR r.p2 = o.p2)
        AND (r.p3 = '' OR r.p3 = o.p3) AND (r.p4 = '' OR r.p4 = o.p4)
)
SELECT a.name AS account_name, x.object_type, x.p1 AS database_name, nullif(x.p2, '') AS schema_name,
       nullif(x.p3, '') AS object_name, nullif(x.p4, '') AS column_name, x.tag, x.value AS tag_value,
       CASE WHEN x.depth = (x.p2 <> '') + (x.p3 <> '') + (x.p4 <> '') THEN 'DIRECT' ELSE 'INHERITED' END
           AS how,
       x.r1 || CASE WHEN x.r2 = '' THEN '' ELSE '.' || x.r2 END || CASE WHEN x.r3 = '' THEN '' ELSE '.' || x.r3 END
           || CASE WHEN x.r4 = '' THEN '' ELSE '.' || x.r4 END AS set_on,
       CASE WHEN x.p2 = '' THEN (CASE WHEN x.p1 GLOB '[A-Z_]*' AND NOT x.p1 GLOB '*[^A-Z0-9_$]*' THEN x.p1 ELSE '"' || replace(x.p1, '"', '""') || '"' END) WHEN x.p3 = '' THEN (CASE WHEN x.p1 GLOB '[A-Z_]*' AND NOT x.p1 GLOB '*[^A-Z0-9_$]*' THEN x.p1 ELSE '"' || replace(x.p1, '"', '""') || '"' END) || '.' || (CASE WHEN x.p2 GLOB '[A-Z_]*' AND NOT x.p2 GLOB '*[^A-Z0-9_$]*' THEN x.p2 ELSE '"' || replace(x.p2, '"', '""') || '"' END)
            ELSE (CASE WHEN x.p1 GLOB '[A-Z_]*' AND NOT x.p1 GLOB '*[^A-Z0-9_$]*' THEN x.p1 ELSE '"' || replace(x.p1, '"', '""') || '"' END) || '.' || (CASE WHEN x.p2 GLOB '[A-Z_]*' AND NOT x.p2 GLOB '*[^A-Z0-9_$]*' THEN x.p2 ELSE '"' || replace(x.p2, '"', '""') || '"' END) || '.' || (CASE WHEN x.p3 GLOB '[A-Z_]*' AND NOT x.p3 GLOB '*[^A-Z0-9_$]*' THEN x.p3 ELSE '"' || replace(x.p3, '"', '""') || '"' END) END AS relation_name,
       EXISTS (SELECT 1 FROM sensitive_tags st WHERE st.account_id = x.account_id
            AND (x.tag = st.tag OR substr(x.tag, -length(st.tag) - 1) = '.' || st.tag)) AS is_sensitive
FROM ranked x JOIN accounts a ON a.id = x.account_id
WHERE x.rn = 1;

-- Every privilege and who holds it, through the role hierarchy, over all recorded history: each path is
-- valid from run valid_from_run (inclusive) to valid_to_run (exclusive; NULL = still valid). A path starts
-- at a grant (or an object's owner role) and climbs role memberships (account roles and database roles)
-- up to users. `object_name` is the dotted name as SHOW GRANTS prints it.
CREATE VIEW access_paths_all_v AS
WITH RECURSIVE
direct(account_id, object_type, object_name, privilege, principal_type, principal, from_run, to_run) AS (
    SELECT account_id, p3, p4, p5, p1, p2, first_run, end_run FROM versions
    WHERE kind = 'grant' AND p1 IN ('ROLE', 'DATABASE_ROLE', 'USER')
    UNION
    SELECT account_id, 'DATABASE', (CASE WHEN p1 GLOB '[A-Z_]*' AND NOT p1 GLOB '*[^A-Z0-9_$]*' THEN p1 ELSE '"' || replace(p1, '"', '""') || '"' END), 'OWNERSHIP', 'ROLE', attrs ->> '$.owner', first_run, end_run
    FROM versions WHERE kind = 'database' AND attrs ->> '$.owner' IS NOT NULL
    UNION
    SELECT account_id, 'SCHEMA', (CASE WHEN p1 GLOB '[A-Z_]*' AND NOT p1 GLOB '*[^A-Z0-9_$]*' THEN p1 ELSE '"' || replace(p1, '"', '""') || '"' END) || '.' || (CASE WHEN p2 GLOB '[A-Z_]*' AND NOT p2 GLOB '*[^A-Z0-9_$]*' THEN p2 ELSE '"' || replace(p2, '"', '""') || '"' END), 'OWNERSHIP', 'ROLE', attrs ->> '$.owner',
           first_run, end_run
    FROM versions WHERE kind = 'schema' AND attrs ->> '$.owner' IS NOT NULL
    UNION
    SELECT account_id, CASE WHEN attrs ->> '$.table_type' LIKE '%VIEW%' THEN 'VIEW' ELSE 'TABLE' END,
           (CASE WHEN p1 GLOB '[A-Z_]*' AND NOT p1 GLOB '*[^A-Z0-9_$]*' THEN p1 ELSE '"' || replace(p1, '"', '""') || '"' END) || '.' || (CASE WHEN p2 GLOB '[A-Z_]*' AND NOT p2 GLOB '*[^A-Z0-9_$]*' THEN p2 ELSE '"' || replace(p2, '"', '""') || '"' END) || '.' || (CASE WHEN p3 GLOB '[A-Z_]*' AND NOT p3 GLOB '*[^A-Z0-9_$]*' THEN p3 ELSE '"' || replace(p3, '"', '""') || '"' END), 'OWNERSHIP', 'ROLE', attrs ->> '$.owner',
           first_run, end_run
    FROM versions WHERE kind = 'table' AND attrs ->> '$.owner' IS NOT NULL
),
reach(account_id, object_type, object_name, privilege, principal_type, principal, path, hops, from_run, to_run)
AS (
    SELECT account_id, object_type, object_name, privilege, principal_type, principal,
           (CASE principal_type WHEN 'DATABASE_ROLE' THEN 'DATABASE ROLE' ELSE principal_type END || ' ' || principal) || ' -> ' || privilege || ' on ' || object_type || ' '
               || object_name,
           0, from_run, to_run
    FROM direct
    UNION ALL
    SELECT r.account_id, r.object_type, r.object_name, r.privilege, m.p2, m.p3,
           (CASE m.p2 WHEN 'DATABASE_ROLE' THEN 'DATABASE ROLE' ELSE m.p2 END || ' ' || m.p3) || ' -> ' || r.path, r.hops + 1, max(r.from_run, m.first_run),
           CASE WHEN r.to_run IS NULL THEN m.end_run WHEN m.end_run IS NULL THEN r.to_run
                ELSE min(r.to_run, m.end_run) END
    FROM reach r JOIN versions m ON m.account_id = r.account_id AND m.kind = 'role_membership'
        AND m.p1 = r.principal AND coalesce(m.attrs ->> '$.role_type', 'ROLE') = r.principal_type
    WHERE r.principal_type <> 'USER' AND r.hops < 16
        AND max(r.from_run, m.first_run) < coalesce(r.to_run, m.end_run, 9223372036854775807)
        AND max(r.from_run, m.first_run) < coalesce(m.end_run, 9223372036854775807)
)
SELECT a.name AS account_name, r.object_type, r.object_name, r.privilege, r.principal_type, r.principal,
       r.path, r.hops, r.from_run AS valid_from_run, r.to_run AS valid_to_run
FROM reach r JOIN accounts a ON a.id = r.account_id;

-- Who can reach what now: every database, schema, table, view and column with each privilege, each
-- account role, database role and user holding it, and the path. A column is reached through its table's
-- SELECT (or ownership); it carries its masking policy and tags, so "who reads unmasked PII" is one query.
-- `object` is the dotted name as SHOW GRANTS prints it (`SALES.CORE.CUSTOMERS.EMAIL`).
CREATE VIEW access_paths_v AS
WITH cur AS (
    SELECT * FROM access_paths_all_v WHERE valid_to_run IS NULL
),
objs AS (
    SELECT account_id, 'DATABASE' AS object_type, (CASE WHEN p1 GLOB '[A-Z_]*' AND NOT p1 GLOB '*[^A-Z0-9_$]*' THEN p1 ELSE '"' || replace(p1, '"', '""') || '"' END) AS object_name, p1, NULL AS p2, NULL AS p3
    FROM versions WHERE kind = 'database' AND end_run IS NULL
    UNION ALL
    SELECT account_id, 'SCHEMA', (CASE WHEN p1 GLOB '[A-Z_]*' AND NOT p1 GLOB '*[^A-Z0-9_$]*' THEN p1 ELSE '"' || replace(p1, '"', '""') || '"' END) || '.' || (CASE WHEN p2 GLOB '[A-Z_]*' AND NOT p2 GLOB '*[^A-Z0-9_$]*' THEN p2 ELSE '"' || replace(p2, '"', '""') || '"' END), p1, p2, NULL
    FROM versions WHERE kind = 'schema' AND end_run IS NULL
    UNION ALL
    SELECT account_id, CASE WHEN attrs ->> '$.table_type' LIKE '%VIEW%' THEN 'VIEW' ELSE 'TABLE' END,
           (CASE WHEN p1 GLOB '[A-Z_]*' AND NOT p1 GLOB '*[^A-Z0-9_$]*' THEN p1 ELSE '"' || replace(p1, '"', '""') || '"' END) || '.' || (CASE WHEN p2 GLOB '[A-Z_]*' AND NOT p2 GLOB '*[^A-Z0-9_$]*' THEN p2 ELSE '"' || replace(p2, '"', '""') || '"' END) || '.' || (CASE WHEN p3 GLOB '[A-Z_]*' AND NOT p3 GLOB '*[^A-Z0-9_$]*' THEN p3 ELSE '"' || replace(p3, '"', '""') || '"' END), p1, p2, p3
    FROM versions WHERE kind = 'table' AND end_run IS NULL
)
SELECT c.account_name, o.object_type, o.object_name AS object, o.p1 AS database_name, o.p2 AS schema_name,
       o.p3 AS object_name,
       NULL AS column_name, c.privilege, c.principal_type, c.principal, c.path, c.hops,
       NULL AS masking_policy, NULL AS tags, c.valid_from_run AS since_run
FROM objs o JOIN accounts a ON a.id = o.account_id
JOIN cur c ON c.account_name = a.name AND c.object_name = o.object_name
    AND (c.object_type = o.object_type OR (o.object_type = 'VIEW' AND c.object_type = 'MATERIALIZED VIEW')
         OR (o.object_type = 'TABLE' AND c.object_type IN ('DYNAMIC TABLE', 'EXTERNAL TABLE', 'ICEBERG TABLE',
                                                            'EVENT TABLE', 'HYBRID TABLE')))
UNION ALL
SELECT c.account_name, 'COLUMN', c.object_name || '.' || (CASE WHEN col.p4 GLOB '[A-Z_]*' AND NOT col.p4 GLOB '*[^A-Z0-9_$]*' THEN col.p4 ELSE '"' || replace(col.p4, '"', '""') || '"' END), col.p1, col.p2, col.p3, col.p4,
       c.privilege, c.principal_type, c.principal,
       c.path, c.hops,
       (SELECT min(pr.p5) FROM versions pr WHERE pr.account_id = col.account_id AND pr.kind = 'policy_reference'
            AND pr.end_run IS NULL AND pr.p1 = col.p1 AND pr.p2 = col.p2 AND pr.p3 = col.p3 AND pr.p4 = col.p4),
       (SELECT json_group_object(e.tag, e.tag_value) FROM effective_tags_v e
            WHERE e.account_name = c.account_name AND e.object_type = 'COLUMN' AND e.database_name = col.p1
              AND e.schema_name = col.p2 AND e.object_name = col.p3 AND e.column_name = col.p4),
       c.valid_from_run
FROM versions col JOIN accounts a ON a.id = col.account_id
JOIN cur c ON c.account_name = a.name AND c.object_type IN ('TABLE', 'VIEW', 'MATERIALIZED VIEW', 'DYNAMIC TABLE',
                                                            'EXTERNAL TABLE', 'ICEBERG TABLE', 'HYBRID TABLE')
    AND c.privilege IN ('SELECT', 'OWNERSHIP')
    AND c.object_name = (CASE WHEN col.p1 GLOB '[A-Z_]*' AND NOT col.p1 GLOB '*[^A-Z0-9_$]*' THEN col.p1 ELSE '"' || replace(col.p1, '"', '""') || '"' END) || '.' || (CASE WHEN col.p2 GLOB '[A-Z_]*' AND NOT col.p2 GLOB '*[^A-Z0-9_$]*' THEN col.p2 ELSE '"' || replace(col.p2, '"', '""') || '"' END) || '.' || (CASE WHEN col.p3 GLOB '[A-Z_]*' AND NOT col.p3 GLOB '*[^A-Z0-9_$]*' THEN col.p3 ELSE '"' || replace(col.p3, '"', '""') || '"' END)
WHERE col.kind = 'column' AND col.end_run IS NULL;
