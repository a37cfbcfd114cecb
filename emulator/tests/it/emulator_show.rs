//! Emulator engine, SHOW commands: every shape checked column by column against metadata-shapes.md,
//! LIKE / STARTS WITH / LIMIT FROM semantics, the 10,000-row rules, visibility and denied databases.

use crate::emulator_support::*;

#[test]
fn sample_loads() {
    let a = Account::from_sql(SAMPLE_SQL).unwrap();
    assert!(a.databases.len() >= 3);
    assert!(a.role_exists("SNOWCAT_CRAWLER"));
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
        ["CORE", "INFORMATION_SCHEMA", "Legacy Import", "PIPELINE", "PUBLIC", "REPORTING", "STAGING"]
    );
    let is_row = col(&r, "comment");
    assert_eq!(is_row[1], "Views describing the contents of schemas in this database");
    assert_eq!(col(&r, "owner")[1], "", "INFORMATION_SCHEMA has no owner");
    assert_eq!(col(&r, "options")[6], "TRANSIENT", "STAGING");
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
