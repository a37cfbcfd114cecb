//! Emulator engine, SQL side: INFORMATION_SCHEMA shapes and values run through SQLite, 090030, unsupported
//! statements, runtime DDL mutations, the generator, and the ignored 2M-column benchmark.

use crate::emulator_support::*;

// ---- INFORMATION_SCHEMA (metadata-shapes.md section 8, 10) --------------------------------------------------

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
        ["VIEW", "BASE TABLE", "EXTERNAL TABLE", "BASE TABLE", "MATERIALIZED VIEW", "BASE TABLE", "VIEW"],
        "{:?}",
        col(&types, "TABLE_NAME")
    );
    assert_eq!(col(&types, "IS_TRANSIENT")[5], "YES");
    let ext = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT TABLE_TYPE, ROW_COUNT FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'EXT_CLICKS'",
    );
    assert_eq!(col(&ext, "TABLE_TYPE"), ["EXTERNAL TABLE"]);
    assert_eq!(col(&ext, "ROW_COUNT"), ["NULL"], "external tables have no row count");
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
    // SALES: 12 tables and views, plus the two pipeline tables the crawler's future grant on TABLES reaches
    // (RAW_ORDERS and the hybrid ORDER_LOCKS; dynamic, event and Iceberg tables are other object types).
    assert_eq!(col(&union, "N"), ["4", "14"]);
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

// ---- SNOWFLAKE.ACCOUNT_USAGE grant views (metadata-shapes.md section 9) ------------------------------------

#[test]
fn account_usage_grant_views_have_documented_columns_and_history() {
    let mut e = sample();
    let r = select(&mut e, "ACCOUNTADMIN", "SELECT * FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES");
    assert_eq!(
        names(&r),
        [
            "CREATED_ON",
            "MODIFIED_ON",
            "PRIVILEGE",
            "GRANTED_ON",
            "NAME",
            "TABLE_CATALOG",
            "TABLE_SCHEMA",
            "GRANTED_TO",
            "GRANTEE_NAME",
            "GRANT_OPTION",
            "GRANTED_BY",
            "DELETED_ON",
            "GRANTED_BY_ROLE_TYPE",
            "OBJECT_INSTANCE"
        ]
    );
    let grant_option = r.columns.iter().find(|c| c.name == "GRANT_OPTION").unwrap();
    assert_eq!(grant_option.column_type, ColumnType::Boolean, "GRANT_OPTION is a BOOLEAN");
    let u = select(&mut e, "ACCOUNTADMIN", "SELECT * FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_USERS");
    assert_eq!(names(&u), ["CREATED_ON", "DELETED_ON", "ROLE", "GRANTED_TO", "GRANTEE_NAME", "GRANTED_BY"]);
    assert!(col(&u, "GRANTED_TO").iter().all(|g| g == "USER"));

    // NAME is bare, the parents are in TABLE_CATALOG / TABLE_SCHEMA; the sample's REVOKE is kept with
    // DELETED_ON set, and the live rows have none.
    let revoked = select(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT NAME, TABLE_CATALOG, TABLE_SCHEMA, GRANTED_TO FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES \
         WHERE GRANTEE_NAME = 'FINANCE_ANALYST' AND PRIVILEGE = 'SELECT' AND DELETED_ON IS NOT NULL",
    );
    assert_eq!(col(&revoked, "NAME"), ["CURRENCIES"]);
    assert_eq!(col(&revoked, "TABLE_CATALOG"), ["FINANCE"]);
    assert_eq!(col(&revoked, "TABLE_SCHEMA"), ["DIM"]);
    assert_eq!(col(&revoked, "GRANTED_TO"), ["ACCOUNT ROLE"]);

    // Without ACCOUNTADMIN or IMPORTED PRIVILEGES on SNOWFLAKE the database is not there.
    let err = fail(&mut e, "SNOWCAT_CRAWLER", "SELECT * FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES");
    is_err(&err, "002003", "02000");
    assert!(err.message.contains("Database 'SNOWFLAKE' does not exist or not authorized."), "{err}");
    run(&mut e, "ACCOUNTADMIN", "GRANT IMPORTED PRIVILEGES ON DATABASE SNOWFLAKE TO ROLE SNOWCAT_CRAWLER");
    select(&mut e, "SNOWCAT_CRAWLER", "SELECT * FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_USERS");
    is_err(
        &fail(&mut e, "ACCOUNTADMIN", "SELECT * FROM SNOWFLAKE.ACCOUNT_USAGE.NOT_A_VIEW"),
        "002003",
        "02000",
    );
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

#[test]
fn runtime_drops_warehouse_changes_and_future_grants_to_role() {
    let mut e = sample();
    let future = run(&mut e, "ACCOUNTADMIN", "SHOW FUTURE GRANTS TO ROLE ANALYST");
    assert_eq!(col(&future, "name"), ["SALES.REPORTING.<TABLE>", "SALES.REPORTING.<VIEW>"]);
    assert_eq!(col(&future, "grant_to"), ["ROLE", "ROLE"]);
    run(&mut e, "SYSADMIN", "ALTER WAREHOUSE CRAWLER_WH SUSPEND");
    run(&mut e, "SYSADMIN", "ALTER WAREHOUSE CRAWLER_WH RENAME TO SNOWCAT_WH");
    let wh = run(&mut e, "SNOWCAT_CRAWLER", "SHOW WAREHOUSES");
    assert_eq!(col(&wh, "name"), ["SNOWCAT_WH"], "grants follow the rename");
    assert_eq!(col(&wh, "state"), ["SUSPENDED"]);
    run(&mut e, "SYSADMIN", "COMMENT ON COLUMN SALES.CORE.ORDERS.TOTAL IS 'gross'");
    let c = select(
        &mut e,
        "SYSADMIN",
        "SELECT COMMENT FROM SALES.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'ORDERS' AND COLUMN_NAME = 'TOTAL'",
    );
    assert_eq!(col(&c, "COMMENT"), ["gross"]);
    let dropped = run(&mut e, "SYSADMIN", "DROP SCHEMA SALES.STAGING");
    assert_eq!(col(&dropped, "status"), ["STAGING successfully dropped."]);
    let schemas = run(&mut e, "SYSADMIN", "SHOW SCHEMAS IN DATABASE SALES");
    assert!(!col(&schemas, "name").contains(&"STAGING".to_string()));
    run(&mut e, "SYSADMIN", "DROP DATABASE FINANCE");
    is_err(&fail(&mut e, "SYSADMIN", "SELECT * FROM FINANCE.INFORMATION_SCHEMA.TABLES"), "002003", "02000");
    let gone = run(&mut e, "ACCOUNTADMIN", "SHOW IMPORTED KEYS IN ACCOUNT");
    assert!(!col(&gone, "fk_database_name").contains(&"FINANCE".to_string()));
    let if_exists = run(&mut e, "SYSADMIN", "DROP DATABASE IF EXISTS FINANCE");
    assert_eq!(
        col(&if_exists, "status"),
        ["Drop statement executed successfully (FINANCE already dropped)."]
    );
}
