//! Emulator engine, the pipeline and code objects (metadata-shapes-2 §5-6): each kind's DDL (create,
//! alter, suspend/resume, drop), its SHOW command with the documented columns, encodings and 10,000-row
//! rule, the INFORMATION_SCHEMA views, and what a role may see (secure bodies and view text).

use crate::emulator_support::*;

fn one(r: &QueryResult, column: &str) -> String {
    let v = col(r, column);
    assert_eq!(v.len(), 1, "{column}: {v:?}");
    v[0].clone()
}

#[test]
fn every_kind_is_listed_with_its_documented_columns() {
    let mut e = sample();
    let cases: [(&str, &[&str], usize); 8] = [
        (
            "SHOW DYNAMIC TABLES IN ACCOUNT",
            &[
                "created_on",
                "name",
                "database_name",
                "schema_name",
                "cluster_by",
                "rows",
                "bytes",
                "owner",
                "target_lag",
                "scheduler",
                "refresh_mode",
            ],
            25,
        ),
        (
            "SHOW STREAMS IN ACCOUNT",
            &[
                "created_on",
                "name",
                "database_name",
                "schema_name",
                "owner",
                "comment",
                "table_name",
                "source_type",
                "base_tables",
                "type",
                "stale",
                "mode",
                "stale_after",
            ],
            15,
        ),
        (
            "SHOW TASKS IN ACCOUNT",
            &[
                "created_on",
                "name",
                "id",
                "database_name",
                "schema_name",
                "owner",
                "comment",
                "warehouse",
                "schedule",
            ],
            25,
        ),
        (
            "SHOW PIPES IN ACCOUNT",
            &[
                "created_on",
                "name",
                "database_name",
                "schema_name",
                "definition",
                "owner",
                "notification_channel",
                "comment",
                "integration",
                "pattern",
            ],
            14,
        ),
        (
            "SHOW STAGES IN ACCOUNT",
            &[
                "created_on",
                "name",
                "database_name",
                "schema_name",
                "url",
                "has_credentials",
                "has_encryption_key",
                "owner",
                "comment",
                "region",
                "type",
                "cloud",
            ],
            17,
        ),
        (
            "SHOW USER FUNCTIONS IN ACCOUNT",
            &[
                "created_on",
                "name",
                "schema_name",
                "is_builtin",
                "is_aggregate",
                "is_ansi",
                "min_num_arguments",
                "max_num_arguments",
                "arguments",
                "description",
                "catalog_name",
            ],
            20,
        ),
        ("SHOW USER PROCEDURES IN ACCOUNT", &["created_on", "name", "schema_name", "is_builtin"], 16),
        (
            "SHOW SEQUENCES IN ACCOUNT",
            &[
                "created_on",
                "name",
                "schema_name",
                "database_name",
                "next_value",
                "interval",
                "owner",
                "owner_role_type",
                "comment",
                "ordered",
            ],
            10,
        ),
    ];
    for (sql, first, width) in cases {
        let r = run(&mut e, "ACCOUNTADMIN", sql);
        assert_eq!(&names(&r)[..first.len()], first, "{sql}");
        assert_eq!(r.columns.len(), width, "{sql}");
        assert!(!r.rows.is_empty(), "{sql} lists the sample's objects");
    }
}

#[test]
fn encodings_follow_the_documentation() {
    let mut e = sample();
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW TASKS LIKE 'REFRESH_REPORTS' IN SCHEMA SALES.PIPELINE");
    assert_eq!(one(&r, "state"), "started", "state is lowercase");
    assert_eq!(one(&r, "predecessors"), "[\n  \"SALES.PIPELINE.LOAD_ORDERS\"\n]", "pretty-printed JSON text");
    assert_eq!(one(&r, "schedule"), "NULL", "a child task has no schedule");
    assert_eq!(one(&r, "condition"), "SYSTEM$STREAM_HAS_DATA('SALES.PIPELINE.RAW_ORDERS_STREAM')");
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW STREAMS LIKE 'RAW_ORDERS_STREAM' IN ACCOUNT");
    assert_eq!(
        (one(&r, "stale"), one(&r, "mode"), one(&r, "table_name"), one(&r, "type")),
        ("false".into(), "APPEND_ONLY".into(), "SALES.PIPELINE.RAW_ORDERS".into(), "DELTA".into())
    );
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW STAGES LIKE 'LANDING' IN ACCOUNT");
    assert_eq!(
        (one(&r, "type"), one(&r, "cloud"), one(&r, "has_credentials"), one(&r, "directory_enabled")),
        ("EXTERNAL".into(), "AWS".into(), "N".into(), "Y".into())
    );
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW USER FUNCTIONS LIKE 'NET_AMOUNT' IN SCHEMA SALES.PIPELINE");
    let mut args = col(&r, "arguments");
    args.sort();
    assert_eq!(
        args,
        ["NET_AMOUNT(NUMBER) RETURN NUMBER", "NET_AMOUNT(NUMBER, FLOAT) RETURN NUMBER"],
        "overloads"
    );
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW PIPES IN SCHEMA SALES.PIPELINE");
    assert_eq!(one(&r, "pattern"), ".*orders.*[.]json");
    assert!(one(&r, "notification_channel").starts_with("arn:aws:sqs:"), "auto-ingest on S3 has a queue");
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW SEQUENCES IN SCHEMA SALES.PIPELINE");
    assert_eq!((one(&r, "next_value"), one(&r, "interval")), ("1000".into(), "10".into()));
}

#[test]
fn ddl_alters_suspends_resumes_and_drops_each_kind() {
    let mut e = sample();
    let admin = "ACCOUNTADMIN";
    run(&mut e, admin, "ALTER TASK SALES.PIPELINE.LOAD_ORDERS SUSPEND");
    run(&mut e, admin, "ALTER TASK SALES.PIPELINE.LOAD_ORDERS SET SCHEDULE = '30 MINUTE'");
    run(&mut e, admin, "ALTER TASK SALES.PIPELINE.LOAD_ORDERS MODIFY AS SELECT 1");
    let r = run(&mut e, admin, "SHOW TASKS LIKE 'LOAD_ORDERS' IN ACCOUNT");
    assert_eq!((one(&r, "state"), one(&r, "schedule")), ("suspended".into(), "30 MINUTE".into()));
    assert_eq!(
        (one(&r, "definition"), one(&r, "last_suspended_reason")),
        ("SELECT 1".into(), "USER_SUSPENDED".into())
    );
    run(&mut e, admin, "ALTER DYNAMIC TABLE SALES.PIPELINE.CUSTOMER_TOTALS SUSPEND");
    run(&mut e, admin, "ALTER DYNAMIC TABLE SALES.PIPELINE.CUSTOMER_TOTALS SET WAREHOUSE = COMPUTE_WH");
    let r = run(&mut e, admin, "SHOW DYNAMIC TABLES IN SCHEMA SALES.PIPELINE");
    assert_eq!(
        (one(&r, "scheduling_state"), one(&r, "warehouse")),
        ("SUSPENDED".into(), "COMPUTE_WH".into())
    );
    run(&mut e, admin, "ALTER VIEW SALES.REPORTING.ACTIVE_CUSTOMERS SET SECURE");
    let r = run(&mut e, admin, "SHOW VIEWS LIKE 'ACTIVE_CUSTOMERS' IN ACCOUNT");
    assert_eq!(one(&r, "is_secure"), "true");
    run(&mut e, admin, "ALTER FUNCTION SALES.PIPELINE.NET_AMOUNT(NUMBER) SET COMMENT = 'flat rate'");
    run(&mut e, admin, "ALTER SEQUENCE SALES.PIPELINE.ORDER_SEQ SET INCREMENT = 5");
    run(&mut e, admin, "ALTER PIPE SALES.PIPELINE.ORDERS_PIPE SET PIPE_EXECUTION_PAUSED = TRUE");
    run(&mut e, admin, "ALTER STAGE SALES.PIPELINE.UPLOADS SET COMMENT = 'gone soon'");
    // Re-creating a stream's source makes the stream stale.
    run(&mut e, admin, "CREATE OR REPLACE TABLE SALES.REPORTING.MONTHLY_REVENUE (MONTH DATE)");
    let r = run(&mut e, admin, "SHOW STREAMS LIKE 'MONTHLY_REVENUE_CHANGES' IN ACCOUNT");
    assert_eq!(one(&r, "stale"), "true");
    for sql in [
        "DROP STREAM SALES.PIPELINE.RAW_ORDERS_STREAM",
        "DROP TASK SALES.PIPELINE.REFRESH_REPORTS",
        "DROP PIPE SALES.PIPELINE.ORDERS_PIPE",
        "DROP STAGE SALES.PIPELINE.UPLOADS",
        "DROP SEQUENCE SALES.PIPELINE.ORDER_SEQ",
        "DROP FUNCTION SALES.PIPELINE.NET_AMOUNT(NUMBER)",
        "DROP PROCEDURE SALES.PIPELINE.REBUILD_REPORTS()",
        "DROP DYNAMIC TABLE SALES.PIPELINE.CUSTOMER_TOTALS",
    ] {
        run(&mut e, admin, sql);
    }
    let r = run(&mut e, admin, "SHOW USER FUNCTIONS LIKE 'NET_AMOUNT' IN ACCOUNT");
    assert_eq!(col(&r, "arguments"), ["NET_AMOUNT(NUMBER, FLOAT) RETURN NUMBER"], "the other overload stays");
    for sql in
        ["SHOW STREAMS LIKE 'RAW%' IN ACCOUNT", "SHOW DYNAMIC TABLES IN ACCOUNT", "SHOW SEQUENCES IN ACCOUNT"]
    {
        assert!(run(&mut e, admin, sql).rows.is_empty(), "{sql}");
    }
    is_err(&fail(&mut e, admin, "DROP STREAM SALES.PIPELINE.RAW_ORDERS_STREAM"), "002003", "02000");
    is_err(&fail(&mut e, admin, "CREATE STAGE SALES.PIPELINE.LANDING"), "002002", "42710");
}

#[test]
fn credentials_are_never_kept_only_that_they_were_given() {
    let mut e = sample();
    run(
        &mut e,
        "ACCOUNTADMIN",
        "CREATE STAGE SALES.PIPELINE.SECRET_STAGE URL = 's3://b/x/' CREDENTIALS = (AWS_KEY_ID = 'AKIAEXAMPLE' AWS_SECRET_KEY = 'hunter2') ENCRYPTION = (TYPE = 'AWS_CSE' MASTER_KEY = 'c2VjcmV0')",
    );
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW STAGES LIKE 'SECRET_STAGE' IN ACCOUNT");
    assert_eq!((one(&r, "has_credentials"), one(&r, "has_encryption_key")), ("Y".into(), "Y".into()));
    let dump = format!("{:?}", e.account());
    assert!(!dump.contains("hunter2") && !dump.contains("c2VjcmV0"), "no secret in the model");
}

#[test]
fn the_ten_thousand_row_rules_differ_by_command() {
    let mut e = sample();
    e.set_show_row_limit(1);
    // Streams fail above the ceiling without LIMIT, and page with LIMIT ... FROM.
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SHOW STREAMS IN ACCOUNT"), "002078", "54000");
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW STREAMS IN ACCOUNT LIMIT 1");
    assert_eq!(r.rows.len(), 1);
    // Stages are cut silently, and take no LIMIT.
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW STAGES IN ACCOUNT");
    assert_eq!(r.rows.len(), 1);
    fail(&mut e, "ACCOUNTADMIN", "SHOW STAGES IN ACCOUNT LIMIT 1");
}

#[test]
fn secure_bodies_and_privileges_in_information_schema() {
    let mut e = sample();
    let sql = "SELECT FUNCTION_NAME, ARGUMENT_SIGNATURE, DATA_TYPE, FUNCTION_DEFINITION, IS_SECURE \
               FROM SALES.INFORMATION_SCHEMA.FUNCTIONS ORDER BY FUNCTION_NAME, ARGUMENT_SIGNATURE";
    let r = run(&mut e, "SYSADMIN", sql);
    assert_eq!(
        col(&r, "ARGUMENT_SIGNATURE"),
        ["(EMAIL VARCHAR)", "(GROSS NUMBER)", "(GROSS NUMBER, TAX_RATE FLOAT)"]
    );
    assert_eq!(
        col(&r, "FUNCTION_DEFINITION")[0],
        "REGEXP_REPLACE(EMAIL, '^[^@]+', '***')",
        "the owner sees it"
    );
    // A role with MANAGE GRANTS sees the functions in SHOW but holds no privilege on them: not in the view.
    run(&mut e, "SECURITYADMIN", "GRANT ROLE SNOWCAT_CRAWLER TO ROLE SECURITYADMIN");
    let r = run(&mut e, "SNOWCAT_CRAWLER", "SHOW USER FUNCTIONS IN SCHEMA SALES.PIPELINE");
    assert!(r.rows.is_empty(), "no privilege, no MANAGE GRANTS: nothing in SHOW either");
    let r = run(&mut e, "SECURITYADMIN", "SHOW USER FUNCTIONS IN SCHEMA SALES.PIPELINE");
    assert_eq!(r.rows.len(), 3, "MANAGE GRANTS sees every function in SHOW");
    let seq = run(
        &mut e,
        "SYSADMIN",
        "SELECT SEQUENCE_NAME, START_VALUE, INCREMENT FROM SALES.INFORMATION_SCHEMA.SEQUENCES",
    );
    assert_eq!((one(&seq, "START_VALUE"), one(&seq, "INCREMENT")), ("1000".into(), "10".into()));
    let procs = run(
        &mut e,
        "SYSADMIN",
        "SELECT PROCEDURE_NAME, PROCEDURE_DEFINITION FROM SALES.INFORMATION_SCHEMA.PROCEDURES",
    );
    assert_eq!(one(&procs, "PROCEDURE_DEFINITION"), "BEGIN RETURN 'rebuilt'; END");
}

#[test]
fn table_kinds_are_flagged_in_information_schema_and_show_tables() {
    let mut e = sample();
    let r = run(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT TABLE_NAME, TABLE_TYPE, IS_DYNAMIC, IS_HYBRID, IS_ICEBERG FROM SALES.INFORMATION_SCHEMA.TABLES \
         WHERE TABLE_SCHEMA = 'PIPELINE' ORDER BY TABLE_NAME",
    );
    assert_eq!(
        col(&r, "TABLE_NAME"),
        ["CUSTOMER_TOTALS", "EVENTS", "ORDER_ARCHIVE", "ORDER_LOCKS", "RAW_ORDERS"]
    );
    assert_eq!(
        col(&r, "TABLE_TYPE"),
        ["BASE TABLE", "EVENT TABLE", "BASE TABLE", "BASE TABLE", "BASE TABLE"]
    );
    assert_eq!(col(&r, "IS_DYNAMIC"), ["YES", "NO", "NO", "NO", "NO"]);
    assert_eq!(col(&r, "IS_ICEBERG"), ["NO", "NO", "YES", "NO", "NO"]);
    assert_eq!(col(&r, "IS_HYBRID"), ["NO", "NO", "NO", "YES", "NO"]);
    let cols = run(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT COLUMN_NAME FROM SALES.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'CUSTOMER_TOTALS'",
    );
    assert_eq!(
        col(&cols, "COLUMN_NAME"),
        ["CUSTOMER_ID", "TOTAL"],
        "a dynamic table's columns come from its query"
    );
}
