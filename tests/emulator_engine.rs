//! Engine-level tests for the emulator: the sample account, SHOW and INFORMATION_SCHEMA shapes checked
//! against metadata-shapes.md, filter semantics, the 10k rules, 090030, visibility and DDL mutations.

use snowcat::emulator::engine::{Binding, Engine, Session};
use snowcat::emulator::model::{Account, GenerateSpec};
use snowcat::emulator::model_types::ConstraintKind;
use snowcat::emulator::result::{ColumnType, QueryResult, SqlError, Value};
use snowcat::emulator::sample::SAMPLE_SQL;

fn sample() -> Engine {
    Engine::new(Account::from_sql(SAMPLE_SQL).unwrap())
}

fn as_role(role: &str) -> Session {
    Session { role: role.into(), ..Session::default() }
}

fn run(e: &mut Engine, role: &str, sql: &str) -> QueryResult {
    e.execute(&as_role(role), sql, &[]).unwrap_or_else(|err| panic!("{sql}: {err}"))
}

fn fail(e: &mut Engine, role: &str, sql: &str) -> SqlError {
    e.execute(&as_role(role), sql, &[]).err().unwrap_or_else(|| panic!("{sql} should fail"))
}

fn names(r: &QueryResult) -> Vec<&str> {
    r.columns.iter().map(|c| c.name.as_str()).collect()
}

fn col(r: &QueryResult, name: &str) -> Vec<String> {
    let i = r.columns.iter().position(|c| c.name == name).unwrap_or_else(|| panic!("no column {name}"));
    r.rows
        .iter()
        .map(|row| match &row[i] {
            Value::Text(s) => s.clone(),
            Value::Fixed(n) => n.to_string(),
            Value::Null => "NULL".into(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn sample_loads() {
    let a = Account::from_sql(SAMPLE_SQL).unwrap();
    assert!(a.databases.len() >= 3);
    assert!(a.role_exists("SNOWCAT_CRAWLER"));
}

fn is_err(err: &SqlError, code: &str, sql_state: &str) {
    assert_eq!((err.code.as_str(), err.sql_state.as_str()), (code, sql_state), "{err}");
}

fn as_user(role: &str, user: &str) -> Session {
    Session { role: role.into(), user: Some(user.into()), ..Session::default() }
}

#[test]
fn engine_is_send() {
    fn send<T: Send>() {}
    send::<Engine>();
}

// ---- SHOW shapes (metadata-shapes.md sections 2-7) -------------------------------------------------

#[test]
fn show_databases_shape_and_visibility() {
    let mut e = sample();
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW DATABASES");
    assert_eq!(
        names(&r)[..11],
        [
            "created_on",
            "name",
            "is_default",
            "is_current",
            "origin",
            "owner",
            "comment",
            "options",
            "retention_time",
            "kind",
            "owner_role_type"
        ]
    );
    assert!(matches!(r.columns[0].column_type, ColumnType::TimestampLtz { .. }));
    assert!(matches!(r.columns[8].column_type, ColumnType::Text { .. }), "retention_time is TEXT");
    // Sorted byte-wise: quoted lowercase after uppercase.
    assert_eq!(col(&r, "name"), ["FINANCE", "HR", "SALES", "marketing db"]);
    assert_eq!(col(&r, "kind"), ["STANDARD"; 4]);
    assert_eq!(col(&r, "owner")[3], "Marketing Ops");
    let crawler = run(&mut e, "SNOWCAT_CRAWLER", "SHOW DATABASES");
    assert_eq!(col(&crawler, "name"), ["FINANCE", "SALES", "marketing db"], "the crawler has no grant on HR");
    let terse = run(&mut e, "ACCOUNTADMIN", "SHOW TERSE DATABASES");
    assert_eq!(names(&terse), ["created_on", "name", "kind", "database_name", "schema_name"]);
}

#[test]
fn show_schemas_shape_scope_and_denied_database() {
    let mut e = sample();
    let r = run(&mut e, "SNOWCAT_CRAWLER", "SHOW SCHEMAS IN DATABASE SALES");
    assert_eq!(
        names(&r)[..10],
        [
            "created_on",
            "name",
            "is_default",
            "is_current",
            "database_name",
            "owner",
            "comment",
            "options",
            "retention_time",
            "owner_role_type"
        ]
    );
    assert_eq!(
        col(&r, "name"),
        ["CORE", "INFORMATION_SCHEMA", "Legacy Import", "PUBLIC", "REPORTING", "STAGING"]
    );
    let is_row = col(&r, "comment");
    assert_eq!(is_row[1], "Views describing the contents of schemas in this database");
    assert_eq!(col(&r, "owner")[1], "", "INFORMATION_SCHEMA has no owner");
    assert_eq!(col(&r, "options")[5], "TRANSIENT");
    let quoted = run(&mut e, "ACCOUNTADMIN", "SHOW SCHEMAS IN DATABASE \"marketing db\"");
    assert!(col(&quoted, "name").contains(&"Campaigns 2025".to_string()));
    is_err(&fail(&mut e, "SNOWCAT_CRAWLER", "SHOW SCHEMAS IN DATABASE HR"), "002003", "02000");
    is_err(&fail(&mut e, "SNOWCAT_CRAWLER", "SHOW TABLES IN SCHEMA HR.PEOPLE"), "002003", "02000");
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SHOW SCHEMAS IN DATABASE NOPE"), "002003", "02000");
    let account = run(&mut e, "ACCOUNTADMIN", "SHOW SCHEMAS IN ACCOUNT");
    assert_eq!(col(&account, "database_name").first().map(String::as_str), Some("FINANCE"));
}

#[test]
fn show_tables_shape_kinds_and_scopes() {
    let mut e = sample();
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN ACCOUNT");
    assert_eq!(
        names(&r)[..11],
        [
            "created_on",
            "name",
            "database_name",
            "schema_name",
            "kind",
            "comment",
            "cluster_by",
            "rows",
            "bytes",
            "owner",
            "retention_time"
        ]
    );
    assert!(matches!(r.columns[7].column_type, ColumnType::Fixed { .. }), "rows is NUMBER");
    let rows: Vec<(String, String)> = col(&r, "name").into_iter().zip(col(&r, "kind")).collect();
    assert!(rows.contains(&("RAW_EVENTS".into(), "TRANSIENT".into())));
    assert!(rows.contains(&("SCRATCH".into(), "TEMPORARY".into())));
    assert!(rows.contains(&("order \"archive\"".into(), "TABLE".into())));
    assert!(!rows.iter().any(|(n, _)| n == "ACTIVE_CUSTOMERS"), "views are not tables");
    let core = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN SCHEMA SALES.CORE");
    assert_eq!(col(&core, "name"), ["CUSTOMERS", "ORDERS", "ORDER_LINES", "PRODUCTS"]);
    assert_eq!(col(&core, "cluster_by")[1], "LINEAR(ORDER_DATE)");
    assert_eq!(col(&core, "comment")[1], "Order headers; it's the fact table");
    let bare = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN SALES.CORE");
    assert_eq!(col(&bare, "name"), col(&core, "name"));
    let crawler = run(&mut e, "SNOWCAT_CRAWLER", "SHOW TABLES IN DATABASE \"marketing db\"");
    assert_eq!(col(&crawler, "name"), ["CAMPAIGNS"], "only CAMPAIGNS is granted to the crawler");
}

#[test]
fn show_views_shape_and_secure_text() {
    let mut e = sample();
    let r = run(&mut e, "SNOWCAT_CRAWLER", "SHOW VIEWS IN SCHEMA SALES.REPORTING");
    assert_eq!(
        names(&r),
        [
            "created_on",
            "name",
            "reserved",
            "database_name",
            "schema_name",
            "owner",
            "comment",
            "text",
            "is_secure",
            "is_materialized",
            "owner_role_type",
            "change_tracking"
        ]
    );
    assert_eq!(col(&r, "name"), ["ACTIVE_CUSTOMERS", "ORDER_COUNTS", "VIP_CUSTOMERS"]);
    assert_eq!(col(&r, "is_secure"), ["false", "false", "true"]);
    assert_eq!(col(&r, "is_materialized"), ["false", "true", "false"]);
    assert_eq!(col(&r, "text")[2], "", "secure view text is hidden from non-owners");
    assert!(col(&r, "text")[0].contains("SELECT CUSTOMER_ID, EMAIL"));
    let owner = run(&mut e, "SYSADMIN", "SHOW VIEWS LIKE 'vip%' IN SCHEMA SALES.REPORTING");
    assert!(col(&owner, "text")[0].contains("HAVING SUM(TOTAL)"), "the owner sees secure view text");
}

#[test]
fn show_warehouses_every_column() {
    let mut e = sample();
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW WAREHOUSES");
    assert_eq!(
        names(&r),
        [
            "name",
            "state",
            "type",
            "size",
            "min_cluster_count",
            "max_cluster_count",
            "started_clusters",
            "running",
            "queued",
            "is_default",
            "is_current",
            "auto_suspend",
            "auto_resume",
            "available",
            "provisioning",
            "quiescing",
            "other",
            "created_on",
            "resumed_on",
            "updated_on",
            "owner",
            "comment",
            "enable_query_acceleration",
            "query_acceleration_max_scale_factor",
            "resource_monitor",
            "actives",
            "pendings",
            "failed",
            "suspended",
            "uuid",
            "scaling_policy",
            "owner_role_type",
            "resource_constraint",
            "generation"
        ]
    );
    assert_eq!(col(&r, "name"), ["COMPUTE_WH", "CRAWLER_WH", "TRANSFORM_WH", "bi wh"]);
    assert_eq!(col(&r, "size"), ["X-Small", "X-Small", "Large", "Large"]);
    assert_eq!(col(&r, "state")[2], "SUSPENDED");
    assert_eq!(col(&r, "auto_suspend"), ["60", "60", "300", "NULL"]);
    assert_eq!(col(&r, "resource_monitor")[0], "null");
    assert_eq!(col(&r, "scaling_policy")[2], "ECONOMY");
    let crawler = run(&mut e, "SNOWCAT_CRAWLER", "SHOW WAREHOUSES");
    assert_eq!(col(&crawler, "name"), ["CRAWLER_WH"]);
    let resized = run(&mut e, "ACCOUNTADMIN", "ALTER WAREHOUSE COMPUTE_WH SET WAREHOUSE_SIZE = 'XLARGE'");
    assert_eq!(col(&resized, "status"), ["Statement executed successfully."]);
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW WAREHOUSES LIKE 'compute%'");
    assert_eq!(col(&r, "size"), ["X-Large"]);
}

#[test]
fn show_roles_and_users() {
    let mut e = sample();
    let r = e.execute(&as_user("DATA_ENGINEER", "ALICE"), "SHOW ROLES", &[]).unwrap();
    assert_eq!(
        names(&r),
        [
            "created_on",
            "name",
            "is_default",
            "is_current",
            "is_inherited",
            "assigned_to_users",
            "granted_to_roles",
            "granted_roles",
            "owner",
            "comment",
            "owner_role_type"
        ]
    );
    let names_col = col(&r, "name");
    let at = |n: &str| names_col.iter().position(|x| x == n).unwrap();
    assert_eq!(col(&r, "is_current")[at("DATA_ENGINEER")], "Y");
    assert_eq!(col(&r, "is_default")[at("DATA_ENGINEER")], "Y");
    assert_eq!(col(&r, "is_inherited")[at("ANALYST")], "Y");
    assert_eq!(col(&r, "granted_roles")[at("DATA_ENGINEER")], "2");
    let u = run(&mut e, "ACCOUNTADMIN", "SHOW USERS");
    assert_eq!(names(&u)[..4], ["name", "created_on", "login_name", "display_name"]);
    assert_eq!(col(&u, "name"), ["ALICE", "BOB", "SNOWCAT", "zoë"]);
    assert_eq!(col(&u, "default_role")[0], "DATA_ENGINEER");
    assert_eq!(col(&u, "disabled")[3], "true");
}

#[test]
fn show_grants_every_mode_has_its_documented_columns() {
    let mut e = sample();
    let to_role = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS TO ROLE ANALYST");
    assert_eq!(
        names(&to_role),
        [
            "created_on",
            "privilege",
            "granted_on",
            "name",
            "granted_to",
            "grantee_name",
            "grant_option",
            "granted_by"
        ]
    );
    let rows: Vec<(String, String, String)> = col(&to_role, "privilege")
        .into_iter()
        .zip(col(&to_role, "granted_on"))
        .zip(col(&to_role, "name"))
        .map(|((p, o), n)| (p, o, n))
        .collect();
    assert!(rows.contains(&("SELECT".into(), "VIEW".into(), "SALES.REPORTING.ACTIVE_CUSTOMERS".into())));
    assert!(rows.contains(&("USAGE".into(), "WAREHOUSE".into(), "COMPUTE_WH".into())));
    assert!(
        rows.contains(&("SELECT".into(), "TABLE".into(), "SALES.REPORTING.MONTHLY_REVENUE".into())),
        "future grant applied"
    );
    let to_user = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS TO USER ALICE");
    assert_eq!(
        names(&to_user),
        [
            "created_on",
            "privilege",
            "granted_on",
            "name",
            "role",
            "granted_to",
            "grantee_name",
            "grant_option",
            "granted_by"
        ]
    );
    assert_eq!(col(&to_user, "role"), ["DATA_ENGINEER"]);
    let of_role = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS OF ROLE ANALYST");
    assert_eq!(names(&of_role), ["created_on", "role", "granted_to", "grantee_name", "granted_by"]);
    assert_eq!(col(&of_role, "grantee_name"), ["DATA_ENGINEER", "BOB"]);
    let on = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS ON TABLE SALES.CORE.ORDERS");
    assert_eq!(names(&on).last(), Some(&"granted_by_role_type"));
    assert_eq!(col(&on, "privilege")[0], "OWNERSHIP");
    assert!(col(&on, "grant_option").contains(&"true".to_string()));
    let quoted = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS ON SCHEMA SALES.\"Legacy Import\"");
    assert_eq!(col(&quoted, "name")[0], "SALES.\"Legacy Import\"", "names are quoted where needed");
    let acct = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS ON ACCOUNT");
    assert!(col(&acct, "privilege").contains(&"MANAGE GRANTS".to_string()));
    assert_eq!(col(&acct, "granted_on")[0], "ACCOUNT");
    let future = run(&mut e, "ACCOUNTADMIN", "SHOW FUTURE GRANTS IN SCHEMA SALES.REPORTING");
    assert_eq!(
        names(&future),
        ["created_on", "privilege", "grant_on", "name", "grant_to", "grantee_name", "grant_option"]
    );
    assert!(col(&future, "name").contains(&"SALES.REPORTING.<TABLE>".to_string()));
    let future_db = run(&mut e, "ACCOUNTADMIN", "SHOW FUTURE GRANTS IN DATABASE SALES");
    assert!(col(&future_db, "name").contains(&"SALES.<TABLE>".to_string()));
    let limited = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS TO ROLE SNOWCAT_CRAWLER LIMIT 2");
    assert_eq!(limited.rows.len(), 2);
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SHOW GRANTS TO ROLE NO_SUCH_ROLE"), "002003", "02000");
}

#[test]
fn show_keys_shapes_and_scopes() {
    let mut e = sample();
    let pk = run(&mut e, "ACCOUNTADMIN", "SHOW PRIMARY KEYS IN TABLE SALES.CORE.ORDER_LINES");
    assert_eq!(
        names(&pk),
        [
            "created_on",
            "database_name",
            "schema_name",
            "table_name",
            "column_name",
            "key_sequence",
            "constraint_name",
            "rely",
            "comment"
        ]
    );
    assert_eq!(col(&pk, "column_name"), ["ORDER_ID", "LINE_NO"]);
    assert_eq!(col(&pk, "key_sequence"), ["1", "2"]);
    let cname = col(&pk, "constraint_name");
    assert!(cname[0].starts_with("SYS_CONSTRAINT_") && cname[0] == cname[1], "{cname:?}");
    let rely = run(&mut e, "ACCOUNTADMIN", "SHOW PRIMARY KEYS IN SCHEMA SALES.CORE");
    let rel: Vec<(String, String)> =
        col(&rely, "constraint_name").into_iter().zip(col(&rely, "rely")).collect();
    assert!(rel.contains(&("PK_CUSTOMERS".into(), "true".into())));
    assert!(rel.contains(&("PK_ORDERS".into(), "false".into())));
    let uq = run(&mut e, "ACCOUNTADMIN", "SHOW UNIQUE KEYS IN DATABASE FINANCE");
    assert_eq!(col(&uq, "constraint_name"), ["UQ_CURRENCY"]);
    let imported = run(&mut e, "ACCOUNTADMIN", "SHOW IMPORTED KEYS IN SCHEMA FINANCE.LEDGER");
    assert_eq!(
        names(&imported),
        [
            "created_on",
            "pk_database_name",
            "pk_schema_name",
            "pk_table_name",
            "pk_column_name",
            "fk_database_name",
            "fk_schema_name",
            "fk_table_name",
            "fk_column_name",
            "key_sequence",
            "update_rule",
            "delete_rule",
            "fk_name",
            "pk_name",
            "deferrability",
            "rely",
            "comment"
        ]
    );
    assert_eq!(col(&imported, "fk_name"), ["FK_ENTRY_ACCOUNT", "FK_ENTRY_CURRENCY", "FK_ENTRY_CUSTOMER"]);
    assert_eq!(col(&imported, "pk_database_name")[2], "SALES", "cross-database FK");
    assert_eq!(col(&imported, "delete_rule")[0], "CASCADE");
    assert_eq!(col(&imported, "pk_name")[1], "UQ_CURRENCY", "FK to a UNIQUE key");
    let exported = run(&mut e, "ACCOUNTADMIN", "SHOW EXPORTED KEYS IN TABLE SALES.CORE.CUSTOMERS");
    assert_eq!(col(&exported, "fk_table_name"), ["ENTRIES", "ORDERS", "DAILY_REVENUE"]);
    let crawler = run(&mut e, "SNOWCAT_CRAWLER", "SHOW IMPORTED KEYS IN ACCOUNT");
    assert!(!col(&crawler, "fk_database_name").contains(&"HR".to_string()));
    is_err(&fail(&mut e, "SNOWCAT_CRAWLER", "SHOW PRIMARY KEYS IN DATABASE HR"), "002003", "02000");
}

// ---- Filters, pagination and the 10k rules (metadata-shapes.md 1.2, 1.3) ---------------------------------

#[test]
fn like_starts_with_and_limit_from_semantics() {
    let mut e = sample();
    let like = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES LIKE 'order%' IN SCHEMA SALES.CORE");
    assert_eq!(col(&like, "name"), ["ORDERS", "ORDER_LINES"], "LIKE is case-insensitive");
    let one = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES LIKE 'ORDER_' IN SCHEMA SALES.CORE");
    assert_eq!(col(&one, "name"), ["ORDERS"], "_ matches one character");
    let starts = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN SCHEMA SALES.CORE STARTS WITH 'ORD'");
    assert_eq!(col(&starts, "name"), ["ORDERS", "ORDER_LINES"]);
    let lower = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN SCHEMA SALES.CORE STARTS WITH 'ord'");
    assert!(lower.rows.is_empty(), "STARTS WITH is case-sensitive");
    let page = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN SCHEMA SALES.CORE LIMIT 1 FROM 'ORDERS'");
    assert_eq!(col(&page, "name"), ["ORDER_LINES"], "FROM is strictly after, byte-wise");
    let partial = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN SCHEMA SALES.CORE LIMIT 10 FROM 'P'");
    assert_eq!(col(&partial, "name"), ["PRODUCTS"]);
    let both =
        run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN SCHEMA SALES.CORE STARTS WITH 'C' LIMIT 10 FROM 'D'");
    assert!(both.rows.is_empty(), "STARTS WITH and FROM must both hold");
    let dbs = run(&mut e, "ACCOUNTADMIN", "SHOW DATABASES LIMIT 2 FROM 'FINANCE'");
    assert_eq!(col(&dbs, "name"), ["HR", "SALES"]);
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SHOW DATABASES LIMIT 0"), "001003", "42000");
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SHOW DATABASES LIMIT 10001"), "001003", "42000");
}

#[test]
fn ten_thousand_row_rules_with_a_small_cap() {
    let mut e = sample();
    e.set_show_row_limit(3);
    for sql in
        ["SHOW TABLES IN ACCOUNT", "SHOW DATABASES", "SHOW SCHEMAS IN ACCOUNT", "SHOW VIEWS IN ACCOUNT"]
    {
        let err = fail(&mut e, "ACCOUNTADMIN", sql);
        assert!(err.message.contains("exceeds 3 rows"), "{sql}: {err}");
    }
    let limited = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN ACCOUNT LIMIT 3");
    assert_eq!(limited.rows.len(), 3);
    let next = run(&mut e, "ACCOUNTADMIN", "SHOW DATABASES LIMIT 3 FROM 'HR'");
    assert_eq!(col(&next, "name"), ["SALES", "marketing db"]);
    let wh = run(&mut e, "ACCOUNTADMIN", "SHOW WAREHOUSES");
    assert_eq!(wh.rows.len(), 3, "SHOW WAREHOUSES truncates silently");
    let small = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN SCHEMA SALES.REPORTING");
    assert_eq!(small.rows.len(), 2, "under the cap: no error");
}

// ---- INFORMATION_SCHEMA (metadata-shapes.md section 8, 10) --------------------------------------------------

fn select(e: &mut Engine, role: &str, sql: &str) -> QueryResult {
    run(e, role, sql)
}

#[test]
fn information_schema_views_have_documented_columns() {
    let mut e = sample();
    let schemata = select(&mut e, "ACCOUNTADMIN", "SELECT * FROM SALES.INFORMATION_SCHEMA.SCHEMATA");
    assert_eq!(
        names(&schemata),
        [
            "CATALOG_NAME",
            "SCHEMA_NAME",
            "SCHEMA_OWNER",
            "IS_TRANSIENT",
            "IS_MANAGED_ACCESS",
            "RETENTION_TIME",
            "DEFAULT_CHARACTER_SET_CATALOG",
            "DEFAULT_CHARACTER_SET_SCHEMA",
            "DEFAULT_CHARACTER_SET_NAME",
            "SQL_PATH",
            "CREATED",
            "LAST_ALTERED",
            "COMMENT",
            "OBJECT_VISIBILITY"
        ]
    );
    let tables = select(&mut e, "ACCOUNTADMIN", "SELECT * FROM SALES.INFORMATION_SCHEMA.TABLES");
    assert_eq!(
        names(&tables)[..10],
        [
            "TABLE_CATALOG",
            "TABLE_SCHEMA",
            "TABLE_NAME",
            "TABLE_OWNER",
            "TABLE_TYPE",
            "IS_TRANSIENT",
            "CLUSTERING_KEY",
            "ROW_COUNT",
            "BYTES",
            "RETENTION_TIME"
        ]
    );
    for c in [
        "CREATED",
        "LAST_ALTERED",
        "LAST_DDL",
        "LAST_DDL_BY",
        "AUTO_CLUSTERING_ON",
        "COMMENT",
        "IS_TEMPORARY",
        "IS_ICEBERG",
        "IS_DYNAMIC",
        "IS_IMMUTABLE",
        "IS_HYBRID",
    ] {
        assert!(names(&tables).contains(&c), "TABLES lacks {c}");
    }
    let columns = select(&mut e, "ACCOUNTADMIN", "SELECT * FROM SALES.INFORMATION_SCHEMA.COLUMNS");
    assert_eq!(
        names(&columns)[..14],
        [
            "TABLE_CATALOG",
            "TABLE_SCHEMA",
            "TABLE_NAME",
            "COLUMN_NAME",
            "ORDINAL_POSITION",
            "COLUMN_DEFAULT",
            "IS_NULLABLE",
            "DATA_TYPE",
            "CHARACTER_MAXIMUM_LENGTH",
            "CHARACTER_OCTET_LENGTH",
            "NUMERIC_PRECISION",
            "NUMERIC_PRECISION_RADIX",
            "NUMERIC_SCALE",
            "DATETIME_PRECISION"
        ]
    );
    let tail: Vec<&str> =
        names(&columns).into_iter().rev().take(13).collect::<Vec<_>>().into_iter().rev().collect();
    assert_eq!(
        tail,
        [
            "IS_IDENTITY",
            "IDENTITY_GENERATION",
            "IDENTITY_START",
            "IDENTITY_INCREMENT",
            "IDENTITY_MAXIMUM",
            "IDENTITY_MINIMUM",
            "IDENTITY_CYCLE",
            "IDENTITY_ORDERED",
            "SCHEMA_EVOLUTION_RECORD",
            "COMMENT",
            "DATA_TYPE_ALIAS",
            "EXPRESSION",
            "KIND"
        ]
    );
    let views = select(&mut e, "ACCOUNTADMIN", "SELECT * FROM SALES.INFORMATION_SCHEMA.VIEWS");
    assert_eq!(
        names(&views),
        [
            "TABLE_CATALOG",
            "TABLE_SCHEMA",
            "TABLE_NAME",
            "TABLE_OWNER",
            "VIEW_DEFINITION",
            "CHECK_OPTION",
            "IS_UPDATABLE",
            "INSERTABLE_INTO",
            "IS_SECURE",
            "CREATED",
            "LAST_ALTERED",
            "LAST_DDL",
            "LAST_DDL_BY",
            "COMMENT"
        ]
    );
    let tc = select(&mut e, "ACCOUNTADMIN", "SELECT * FROM FINANCE.INFORMATION_SCHEMA.TABLE_CONSTRAINTS");
    assert_eq!(
        names(&tc),
        [
            "CONSTRAINT_CATALOG",
            "CONSTRAINT_SCHEMA",
            "CONSTRAINT_NAME",
            "TABLE_CATALOG",
            "TABLE_SCHEMA",
            "TABLE_NAME",
            "CONSTRAINT_TYPE",
            "IS_DEFERRABLE",
            "INITIALLY_DEFERRED",
            "ENFORCED",
            "COMMENT",
            "CREATED",
            "LAST_ALTERED",
            "RELY"
        ]
    );
    let rc =
        select(&mut e, "ACCOUNTADMIN", "SELECT * FROM FINANCE.INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS");
    assert_eq!(
        names(&rc),
        [
            "CONSTRAINT_CATALOG",
            "CONSTRAINT_SCHEMA",
            "CONSTRAINT_NAME",
            "UNIQUE_CONSTRAINT_CATALOG",
            "UNIQUE_CONSTRAINT_SCHEMA",
            "UNIQUE_CONSTRAINT_NAME",
            "MATCH_OPTION",
            "UPDATE_RULE",
            "DELETE_RULE",
            "COMMENT",
            "CREATED",
            "LAST_ALTERED"
        ]
    );
    assert_eq!(col(&rc, "MATCH_OPTION")[0], "FULL");
}

#[test]
fn view_columns_come_from_the_select_list() {
    let mut e = sample();
    let r = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM SALES.INFORMATION_SCHEMA.COLUMNS \
         WHERE TABLE_SCHEMA = 'REPORTING' AND TABLE_NAME IN ('ACTIVE_CUSTOMERS', 'ORDER_COUNTS') ORDER BY 1, ORDINAL_POSITION",
    );
    assert_eq!(col(&r, "COLUMN_NAME"), ["CUSTOMER_ID", "EMAIL", "ORDER_DATE", "N"]);
    assert_eq!(col(&r, "DATA_TYPE"), ["NUMBER", "TEXT", "DATE", "NUMBER"]);
}

#[test]
fn information_schema_values_and_types() {
    let mut e = sample();
    let r = select(
        &mut e,
        "SNOWCAT_CRAWLER",
        "select column_name, ordinal_position, data_type, character_maximum_length, character_octet_length, \
         numeric_precision, numeric_scale, is_nullable, column_default, is_identity, identity_start \
         from sales.information_schema.columns where table_name = 'CUSTOMERS' order by ordinal_position",
    );
    assert_eq!(names(&r)[..2], ["COLUMN_NAME", "ORDINAL_POSITION"], "unquoted names come back upper-cased");
    assert!(matches!(r.columns[1].column_type, ColumnType::Fixed { scale: 0, .. }));
    assert_eq!(
        col(&r, "COLUMN_NAME"),
        [
            "CUSTOMER_ID",
            "EMAIL",
            "DISPLAY_NAME",
            "COUNTRY_CODE",
            "CREATED_AT",
            "IS_ACTIVE",
            "ATTRIBUTES",
            "LOYALTY_TIER"
        ],
        "ADD COLUMN appends, RENAME COLUMN keeps the position"
    );
    assert_eq!(col(&r, "DATA_TYPE")[..5], ["NUMBER", "TEXT", "TEXT", "TEXT", "TIMESTAMP_LTZ"]);
    assert_eq!(col(&r, "CHARACTER_MAXIMUM_LENGTH")[1], "320");
    assert_eq!(col(&r, "CHARACTER_OCTET_LENGTH")[1], "1280");
    assert_eq!(col(&r, "NUMERIC_PRECISION")[0], "38");
    assert_eq!(col(&r, "IS_NULLABLE")[..3], ["NO", "NO", "YES"]);
    assert_eq!(col(&r, "COLUMN_DEFAULT")[3], "'US'");
    assert_eq!(col(&r, "IS_IDENTITY")[0], "YES");
    assert_eq!(col(&r, "IDENTITY_START")[0], "1");
    let created =
        select(&mut e, "SNOWCAT_CRAWLER", "SELECT CREATED FROM SALES.INFORMATION_SCHEMA.TABLES LIMIT 1");
    assert!(matches!(created.columns[0].column_type, ColumnType::TimestampLtz { .. }));
    assert!(matches!(created.rows[0][0], Value::TimestampLtz(_)));
    let types = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT TABLE_NAME, TABLE_TYPE, IS_TRANSIENT, ROW_COUNT FROM SALES.INFORMATION_SCHEMA.TABLES \
         WHERE TABLE_SCHEMA IN ('STAGING', 'REPORTING') ORDER BY TABLE_NAME",
    );
    assert_eq!(
        col(&types, "TABLE_TYPE"),
        ["VIEW", "BASE TABLE", "BASE TABLE", "MATERIALIZED VIEW", "BASE TABLE", "VIEW"],
        "{:?}",
        col(&types, "TABLE_NAME")
    );
    assert_eq!(col(&types, "IS_TRANSIENT")[4], "YES");
    assert_eq!(col(&types, "ROW_COUNT")[0], "NULL", "views have no row count");
    let tc = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT CONSTRAINT_NAME, CONSTRAINT_TYPE, RELY, ENFORCED FROM SALES.INFORMATION_SCHEMA.TABLE_CONSTRAINTS \
         WHERE TABLE_NAME = 'CUSTOMERS' ORDER BY 1",
    );
    assert_eq!(col(&tc, "CONSTRAINT_TYPE"), ["PRIMARY KEY", "UNIQUE"]);
    assert_eq!(col(&tc, "RELY"), ["YES", "NO"]);
    assert_eq!(col(&tc, "ENFORCED"), ["NO", "NO"]);
}

#[test]
fn information_schema_is_real_sql() {
    let mut e = sample();
    let union = select(
        &mut e,
        "SNOWCAT_CRAWLER",
        "SELECT TABLE_CATALOG, COUNT(*) AS N FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA' \
         GROUP BY 1 UNION ALL SELECT TABLE_CATALOG, COUNT(*) FROM FINANCE.INFORMATION_SCHEMA.TABLES \
         WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA' GROUP BY 1 ORDER BY 1",
    );
    assert_eq!(col(&union, "TABLE_CATALOG"), ["FINANCE", "SALES"]);
    assert_eq!(col(&union, "N"), ["4", "12"]);
    let join = select(
        &mut e,
        "SNOWCAT_CRAWLER",
        "SELECT tc.TABLE_NAME, rc.UNIQUE_CONSTRAINT_SCHEMA, rc.UNIQUE_CONSTRAINT_NAME \
         FROM FINANCE.INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc JOIN FINANCE.INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc \
         ON tc.CONSTRAINT_NAME = rc.CONSTRAINT_NAME ORDER BY rc.UNIQUE_CONSTRAINT_NAME",
    );
    assert_eq!(col(&join, "UNIQUE_CONSTRAINT_NAME"), ["PK_ACCOUNTS", "PK_CUSTOMERS", "UQ_CURRENCY"]);
    assert_eq!(col(&join, "UNIQUE_CONSTRAINT_SCHEMA")[1], "CORE");
    let ilike = select(
        &mut e,
        "SNOWCAT_CRAWLER",
        "select table_name from sales.information_schema.tables where table_name ilike 'cust%'",
    );
    assert_eq!(col(&ilike, "TABLE_NAME"), ["CUSTOMERS"]);
    let like = select(
        &mut e,
        "SNOWCAT_CRAWLER",
        "SELECT TABLE_NAME FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME LIKE 'cust%'",
    );
    assert!(like.rows.is_empty(), "LIKE is case-sensitive in Snowflake");
    let quoted = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT COLUMN_NAME FROM \"marketing db\".INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'Campaigns 2025' AND TABLE_NAME = 'CAMPAIGNS' ORDER BY ORDINAL_POSITION",
    );
    assert_eq!(col(&quoted, "COLUMN_NAME"), ["CAMPAIGN_ID", "name", "BUDGET", "STARTS", "ENDS"]);
    let session =
        Session { role: "SNOWCAT_CRAWLER".into(), database: Some("SALES".into()), ..Session::default() };
    let bound = e
        .execute(
            &session,
            "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME LIKE :2 ORDER BY 1",
            &[binding("1", "TEXT", "CORE"), binding("2", "TEXT", "ORDER%")],
        )
        .unwrap();
    assert_eq!(col(&bound, "TABLE_NAME"), ["ORDERS", "ORDER_LINES"]);
    let current = e.execute(&session, "SELECT CURRENT_ROLE() AS R, CURRENT_DATABASE() AS D", &[]).unwrap();
    assert_eq!(current.rows[0], vec![Value::Text("SNOWCAT_CRAWLER".into()), Value::Text("SALES".into())]);
}

fn binding(key: &str, ty: &str, v: &str) -> Binding {
    Binding { key: key.into(), type_name: ty.into(), value: Some(v.into()) }
}

#[test]
fn information_schema_visibility_and_denied_database() {
    let mut e = sample();
    let r = select(
        &mut e,
        "SNOWCAT_CRAWLER",
        "SELECT TABLE_NAME FROM \"marketing db\".INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'",
    );
    assert_eq!(col(&r, "TABLE_NAME"), ["CAMPAIGNS"]);
    let err = fail(&mut e, "SNOWCAT_CRAWLER", "SELECT * FROM HR.INFORMATION_SCHEMA.COLUMNS");
    is_err(&err, "002003", "02000");
    assert!(err.message.contains("Database 'HR' does not exist or not authorized."), "{err}");
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SELECT * FROM NOPE.INFORMATION_SCHEMA.TABLES"), "002003", "02000");
    is_err(
        &fail(&mut e, "ACCOUNTADMIN", "SELECT * FROM SALES.INFORMATION_SCHEMA.NOT_A_VIEW"),
        "002003",
        "02000",
    );
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SELECT * FROM SALES.CORE.ORDERS"), "002003", "02000");
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SELECT * FROM ORDERS"), "002003", "02000");
    // FINANCE_ANALYST lost SELECT on CURRENCIES (REVOKE) and so does not see it.
    let fa = select(
        &mut e,
        "FINANCE_ANALYST",
        "SELECT TABLE_NAME FROM FINANCE.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'DIM'",
    );
    assert_eq!(col(&fa, "TABLE_NAME"), ["ACCOUNTS"]);
    // Secure-view and view definitions only for owners.
    let v = select(
        &mut e,
        "SYSADMIN",
        "SELECT VIEW_DEFINITION FROM SALES.INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'ACTIVE_CUSTOMERS'",
    );
    assert!(col(&v, "VIEW_DEFINITION")[0].contains("SELECT CUSTOMER_ID"));
    let v = select(
        &mut e,
        "SNOWCAT_CRAWLER",
        "SELECT VIEW_DEFINITION FROM SALES.INFORMATION_SCHEMA.VIEWS WHERE TABLE_NAME = 'ACTIVE_CUSTOMERS'",
    );
    assert_eq!(col(&v, "VIEW_DEFINITION"), ["NULL"]);
}

#[test]
fn information_schema_too_much_data() {
    let mut e = sample();
    e.set_information_schema_limit(10);
    let err = fail(&mut e, "ACCOUNTADMIN", "SELECT * FROM SALES.INFORMATION_SCHEMA.COLUMNS");
    is_err(&err, "090030", "22000");
    assert!(err.message.starts_with("Information schema query returned too much data."));
    let narrow = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT COLUMN_NAME FROM SALES.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'ORDERS'",
    );
    assert_eq!(narrow.rows.len(), 5);
}

// ---- Unsupported SQL ----------------------------------------------------------------------------------------

#[test]
fn unsupported_statements_get_real_errors() {
    let mut e = sample();
    for sql in ["USE DATABASE SALES", "BEGIN", "COMMIT", "USE ROLE SYSADMIN"] {
        is_err(&fail(&mut e, "ACCOUNTADMIN", sql), "391911", "0A000");
    }
    for sql in [
        "FROBNICATE THE DATABASE",
        "INSERT INTO SALES.CORE.ORDERS VALUES (1)",
        "SHOW NONSENSE",
        "SELECT FROM WHERE",
    ] {
        is_err(&fail(&mut e, "ACCOUNTADMIN", sql), "001003", "42000");
    }
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SHOW DATABASES; SHOW SCHEMAS"), "000008", "0A000");
}

// ---- DDL at runtime -----------------------------------------------------------------------------------------

#[test]
fn runtime_ddl_mutates_the_account() {
    let mut e = sample();
    let s = Session {
        role: "SYSADMIN".into(),
        database: Some("SALES".into()),
        schema: Some("CORE".into()),
        ..Session::default()
    };
    let created = e
        .execute(
            &s,
            "CREATE TABLE SHIPMENTS (ID INT PRIMARY KEY, ORDER_ID NUMBER(38,0) REFERENCES ORDERS (ORDER_ID))",
            &[],
        )
        .unwrap();
    assert_eq!(names(&created), ["status"]);
    assert_eq!(col(&created, "status"), ["Table SHIPMENTS successfully created."]);
    // The database-level future grant makes it visible to the crawler.
    let seen = run(&mut e, "SNOWCAT_CRAWLER", "SHOW TABLES LIKE 'SHIP%' IN SCHEMA SALES.CORE");
    assert_eq!(col(&seen, "owner"), ["SYSADMIN"]);
    let fk = run(&mut e, "ACCOUNTADMIN", "SHOW IMPORTED KEYS IN TABLE SALES.CORE.SHIPMENTS");
    assert_eq!(col(&fk, "pk_name"), ["PK_ORDERS"]);
    e.execute(&s, "ALTER TABLE SHIPMENTS ADD COLUMN CARRIER VARCHAR(40)", &[]).unwrap();
    e.execute(&s, "ALTER TABLE SHIPMENTS ALTER COLUMN CARRIER SET DATA TYPE VARCHAR(80)", &[]).unwrap();
    e.execute(&s, "ALTER TABLE SHIPMENTS RENAME COLUMN ID TO SHIPMENT_ID", &[]).unwrap();
    let cols = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT COLUMN_NAME, CHARACTER_MAXIMUM_LENGTH FROM SALES.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'SHIPMENTS' ORDER BY ORDINAL_POSITION",
    );
    assert_eq!(col(&cols, "COLUMN_NAME"), ["SHIPMENT_ID", "ORDER_ID", "CARRIER"]);
    assert_eq!(col(&cols, "CHARACTER_MAXIMUM_LENGTH")[2], "80");
    e.execute(&s, "ALTER TABLE SHIPMENTS DROP COLUMN CARRIER", &[]).unwrap();
    e.execute(&s, "ALTER TABLE SHIPMENTS RENAME TO DELIVERIES", &[]).unwrap();
    let renamed = run(&mut e, "SNOWCAT_CRAWLER", "SHOW TABLES IN SCHEMA SALES.CORE STARTS WITH 'DEL'");
    assert_eq!(col(&renamed, "name"), ["DELIVERIES"], "grants follow a rename");
    let before =
        run(&mut e, "ACCOUNTADMIN", "SHOW TABLES LIKE 'DELIVERIES' IN SCHEMA SALES.CORE").rows[0][0].clone();
    let replaced = e.execute(&s, "CREATE OR REPLACE TABLE DELIVERIES (ID INT)", &[]).unwrap();
    assert_eq!(col(&replaced, "status"), ["Table DELIVERIES successfully created."]);
    let after =
        run(&mut e, "ACCOUNTADMIN", "SHOW TABLES LIKE 'DELIVERIES' IN SCHEMA SALES.CORE").rows[0][0].clone();
    match (before, after) {
        (Value::TimestampLtz(b), Value::TimestampLtz(a)) => {
            assert!(a > b, "CREATE OR REPLACE gets a new created_on")
        }
        other => panic!("{other:?}"),
    }
    is_err(&e.execute(&s, "CREATE TABLE DELIVERIES (ID INT)", &[]).unwrap_err(), "002002", "42710");
    let dropped = e.execute(&s, "DROP TABLE DELIVERIES", &[]).unwrap();
    assert_eq!(col(&dropped, "status"), ["DELIVERIES successfully dropped."]);
    is_err(&e.execute(&s, "DROP TABLE DELIVERIES", &[]).unwrap_err(), "002003", "02000");
    run(&mut e, "SECURITYADMIN", "GRANT USAGE ON DATABASE HR TO ROLE SNOWCAT_CRAWLER");
    let now_visible = run(&mut e, "SNOWCAT_CRAWLER", "SHOW DATABASES LIKE 'HR'");
    assert_eq!(now_visible.rows.len(), 1);
    run(&mut e, "SECURITYADMIN", "REVOKE USAGE ON DATABASE HR FROM ROLE SNOWCAT_CRAWLER");
    assert!(run(&mut e, "SNOWCAT_CRAWLER", "SHOW DATABASES LIKE 'HR'").rows.is_empty());
    run(&mut e, "SYSADMIN", "CREATE DATABASE NEWDB COMMENT = 'made at runtime'");
    run(&mut e, "SYSADMIN", "COMMENT ON DATABASE NEWDB IS 'changed'");
    let d = run(&mut e, "SYSADMIN", "SHOW DATABASES LIKE 'NEWDB'");
    assert_eq!(col(&d, "comment"), ["changed"]);
    let denied = e.execute(&as_role("SNOWCAT_CRAWLER"), "CREATE TABLE HR.PEOPLE.X (A INT)", &[]).unwrap_err();
    is_err(&denied, "002003", "02000");
    assert!(denied.message.contains("Database 'HR'"), "{denied}");
    is_err(&fail(&mut e, "ANALYST", "DROP TABLE FINANCE.DIM.ACCOUNTS"), "002003", "02000");
    run(&mut e, "SECURITYADMIN", "CREATE ROLE NEW_ROLE");
    run(&mut e, "SECURITYADMIN", "GRANT ROLE NEW_ROLE TO ROLE SYSADMIN");
    assert!(e.role_exists("NEW_ROLE"));
}

// ---- Generator ----------------------------------------------------------------------------------------------

#[test]
fn generator_is_deterministic_and_realistic() {
    let spec: GenerateSpec = "2x3x40x6".parse().unwrap();
    let a = Account::generate(spec);
    let b = Account::generate(spec);
    let count = |a: &Account| a.databases.iter().flat_map(|d| &d.schemas).flat_map(|s| &s.tables).count();
    assert_eq!(count(&a), 2 * 3 * 40);
    assert_eq!(count(&a), count(&b));
    assert_eq!(a.grants.len(), b.grants.len());
    let tables: Vec<_> = a.databases.iter().flat_map(|d| &d.schemas).flat_map(|s| &s.tables).collect();
    let views = tables.iter().filter(|t| t.kind.is_view()).count();
    assert_eq!(views, 2 * 3 * 4, "10% views");
    let with_pk =
        tables.iter().filter(|t| t.constraints.iter().any(|c| c.kind == ConstraintKind::PrimaryKey)).count();
    assert!(with_pk * 10 >= tables.len() * 7, "PKs on most tables: {with_pk}");
    let cross = tables
        .iter()
        .flat_map(|t| &t.constraints)
        .filter_map(|c| c.references.as_ref())
        .any(|r| r.schema != "RAW_000" || r.database != "SALES_00");
    assert!(cross, "some FKs cross schemas");
    assert!(a.roles.len() > 30 && a.users.len() >= 50 && a.warehouses.len() >= 5);
    let mut e = Engine::new(a);
    let fks = run(&mut e, "SNOWCAT_CRAWLER", "SHOW IMPORTED KEYS IN DATABASE SALES_00");
    assert!(!fks.rows.is_empty());
    let pk_names: Vec<String> =
        col(&run(&mut e, "ACCOUNTADMIN", "SHOW PRIMARY KEYS IN ACCOUNT"), "constraint_name");
    for fk_pk in col(&fks, "pk_name") {
        assert!(pk_names.contains(&fk_pk), "FK points at an existing key {fk_pk}");
    }
    let n = select(
        &mut e,
        "SNOWCAT_CRAWLER",
        "SELECT COUNT(*) AS N FROM SALES_00.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'",
    );
    assert_eq!(col(&n, "N"), [(3 * 40 * 6).to_string()]);
}

/// Benchmark (run once with --release): 100k tables / 2M columns.
#[test]
#[ignore]
fn bench_generated_account_2m_columns() {
    let t = std::time::Instant::now();
    let account = Account::generate("20x25x200x20".parse().unwrap());
    let build = t.elapsed();
    let mut e = Engine::new(account);
    let t = std::time::Instant::now();
    let r = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE FROM SALES_00.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA <> 'INFORMATION_SCHEMA'",
    );
    let columns_query = t.elapsed();
    let t = std::time::Instant::now();
    let tables = run(&mut e, "ACCOUNTADMIN", "SHOW TABLES IN DATABASE SALES_00 LIMIT 10000");
    let show = t.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status.lines().find(|l| l.starts_with("VmHWM")).unwrap_or("VmHWM: ?").to_string();
    println!(
        "build {build:?}; COLUMNS of one database: {} rows in {columns_query:?}; SHOW TABLES LIMIT 10000: {} rows in {show:?}; {hwm}",
        r.rows.len(),
        tables.rows.len()
    );
    assert_eq!(r.rows.len(), 100_000);
}
