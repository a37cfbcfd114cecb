//! Masking and row-access policies and tags in the emulator: DDL, attach and detach, SHOW and DESCRIBE
//! with their visibility rules, the POLICY_REFERENCES / TAG_REFERENCES / TAG_REFERENCES_ALL_COLUMNS table
//! functions (metadata-shapes-2 §3 and §4), the documented refusals, and one call over HTTP.

use serde_json::{Value as Json, json};
use snowflake_emulator::Emulator;

use crate::emulator_support::*;

const SETUP: &str = "CREATE ROLE GOV; CREATE ROLE READER; CREATE ROLE OWNER_R;
    CREATE DATABASE D; CREATE SCHEMA D.S; CREATE SCHEMA D.SEC;
    CREATE TABLE D.S.CUSTOMERS (ID INT, EMAIL VARCHAR(200), REGION VARCHAR(10));
    CREATE VIEW D.S.V AS SELECT ID, EMAIL FROM D.S.CUSTOMERS;
    CREATE MASKING POLICY D.SEC.EMAIL_MASK AS (VAL VARCHAR) RETURNS VARCHAR ->
        CASE WHEN CURRENT_ROLE() IN ('GOV') THEN VAL ELSE '***' END COMMENT = 'hides e-mail';
    CREATE MASKING POLICY D.SEC.BY_REGION AS (VAL VARCHAR, R VARCHAR) RETURNS VARCHAR -> IFF(R = 'EU', '***', VAL)
        EXEMPT_OTHER_POLICIES = TRUE;
    CREATE ROW ACCESS POLICY D.SEC.REGION_RAP AS (R VARCHAR) RETURNS BOOLEAN -> R = 'EU';
    ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN EMAIL SET MASKING POLICY D.SEC.EMAIL_MASK;
    ALTER VIEW D.S.V MODIFY COLUMN EMAIL SET MASKING POLICY D.SEC.BY_REGION USING (EMAIL, ID);
    ALTER TABLE D.S.CUSTOMERS ADD ROW ACCESS POLICY D.SEC.REGION_RAP ON (REGION);
    CREATE TAG D.SEC.PII ALLOWED_VALUES 'email', 'name' COMMENT = 'personal data';
    CREATE TAG D.SEC.OWNER_TEAM;
    ALTER DATABASE D SET TAG D.SEC.OWNER_TEAM = 'core';
    ALTER SCHEMA D.S SET TAG D.SEC.OWNER_TEAM = 'sales';
    ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN EMAIL SET TAG D.SEC.PII = 'email';
    GRANT USAGE ON DATABASE D TO ROLE READER; GRANT USAGE ON SCHEMA D.S TO ROLE READER;
    GRANT USAGE ON SCHEMA D.SEC TO ROLE READER; GRANT SELECT ON TABLE D.S.CUSTOMERS TO ROLE READER;
    GRANT ROLE READER TO ROLE GOV; GRANT APPLY MASKING POLICY ON ACCOUNT TO ROLE GOV;";

fn engine() -> Engine {
    Engine::new(Account::from_sql(SETUP).unwrap())
}

#[test]
fn show_policies_columns_scope_and_visibility() {
    let mut e = engine();
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW MASKING POLICIES IN ACCOUNT");
    assert_eq!(
        names(&r),
        [
            "created_on",
            "name",
            "database_name",
            "schema_name",
            "kind",
            "owner",
            "comment",
            "options",
            "owner_role_type"
        ]
    );
    assert_eq!(col(&r, "name"), ["BY_REGION", "EMAIL_MASK"]);
    assert_eq!(col(&r, "kind"), ["MASKING_POLICY", "MASKING_POLICY"]);
    assert_eq!(col(&r, "comment"), ["", "hides e-mail"]);
    assert_eq!(col(&r, "options"), [r#"{"EXEMPT_OTHER_POLICIES": "TRUE"}"#, ""]);
    let rap = run(&mut e, "ACCOUNTADMIN", "SHOW ROW ACCESS POLICIES LIKE 'REG%' LIMIT 10 IN SCHEMA D.SEC");
    assert_eq!(
        (col(&rap, "name"), col(&rap, "kind")),
        (vec!["REGION_RAP".into()], vec!["ROW_ACCESS_POLICY".into()])
    );
    assert!(run(&mut e, "ACCOUNTADMIN", "SHOW MASKING POLICIES IN SCHEMA D.S").rows.is_empty());
    // USAGE on the schema is not enough; the account-level APPLY privilege is.
    assert!(run(&mut e, "READER", "SHOW MASKING POLICIES IN ACCOUNT").rows.is_empty());
    assert_eq!(run(&mut e, "GOV", "SHOW MASKING POLICIES IN DATABASE D").rows.len(), 2);
    assert!(run(&mut e, "GOV", "SHOW ROW ACCESS POLICIES IN DATABASE D").rows.is_empty());
}

#[test]
fn describe_shows_the_body_only_to_entitled_roles() {
    let mut e = engine();
    let r = run(&mut e, "GOV", "DESCRIBE MASKING POLICY D.SEC.BY_REGION");
    assert_eq!(names(&r), ["name", "signature", "return_type", "body"]);
    assert_eq!(col(&r, "signature"), ["(VAL VARCHAR, R VARCHAR)"]);
    assert_eq!(col(&r, "return_type"), ["VARCHAR(16777216)"]);
    assert_eq!(col(&r, "body"), ["IFF(R = 'EU', '***', VAL)"]);
    let r = run(&mut e, "ACCOUNTADMIN", "DESC ROW ACCESS POLICY D.SEC.REGION_RAP");
    assert_eq!((col(&r, "return_type"), col(&r, "body")), (vec!["BOOLEAN".into()], vec!["R = 'EU'".into()]));
    for sql in ["DESCRIBE MASKING POLICY D.SEC.EMAIL_MASK", "DESCRIBE MASKING POLICY D.SEC.NOPE"] {
        let err = fail(&mut e, "READER", sql);
        is_err(&err, "002003", "02000");
        assert!(!err.message.contains("CURRENT_ROLE"), "no body in the error: {err}");
    }
    is_err(&fail(&mut e, "ACCOUNTADMIN", "DESCRIBE TABLE D.S.CUSTOMERS"), "001003", "42000");
}

fn policy_refs(e: &mut Engine, role: &str, args: &str) -> Vec<String> {
    let sql = format!(
        "SELECT POLICY_NAME, POLICY_KIND, REF_ENTITY_NAME, REF_ENTITY_DOMAIN, REF_COLUMN_NAME, REF_ARG_COLUMN_NAMES, \
         POLICY_STATUS FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES({args})) ORDER BY 1, 3"
    );
    let r = run(e, role, &sql);
    (0..r.rows.len())
        .map(|i| r.columns.iter().map(|c| col(&r, &c.name)[i].clone()).collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn policy_references_by_policy_and_by_object() {
    let mut e = engine();
    let r = run(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'D.SEC.EMAIL_MASK'))",
    );
    assert_eq!(
        names(&r),
        [
            "POLICY_DB",
            "POLICY_SCHEMA",
            "POLICY_NAME",
            "POLICY_KIND",
            "REF_DATABASE_NAME",
            "REF_SCHEMA_NAME",
            "REF_ENTITY_NAME",
            "REF_ENTITY_DOMAIN",
            "REF_COLUMN_NAME",
            "REF_ARG_COLUMN_NAMES",
            "TAG_DATABASE",
            "TAG_SCHEMA",
            "TAG_NAME",
            "POLICY_STATUS"
        ]
    );
    assert_eq!(
        policy_refs(
            &mut e,
            "ACCOUNTADMIN",
            "REF_ENTITY_NAME => 'D.S.CUSTOMERS', REF_ENTITY_DOMAIN => 'table'"
        ),
        [
            "EMAIL_MASK MASKING_POLICY CUSTOMERS TABLE EMAIL NULL ACTIVE",
            "REGION_RAP ROW_ACCESS_POLICY CUSTOMERS TABLE NULL [\"REGION\"] ACTIVE"
        ]
    );
    assert_eq!(
        policy_refs(&mut e, "ACCOUNTADMIN", "POLICY_NAME => 'D.SEC.BY_REGION'"),
        ["BY_REGION MASKING_POLICY V VIEW EMAIL [\"ID\"] ACTIVE"]
    );
    // Account-level APPLY MASKING POLICY sees masking associations only; READER sees none.
    assert_eq!(
        policy_refs(&mut e, "GOV", "REF_ENTITY_NAME => 'D.S.CUSTOMERS', REF_ENTITY_DOMAIN => 'TABLE'").len(),
        1
    );
    assert!(policy_refs(&mut e, "READER", "POLICY_NAME => 'D.SEC.EMAIL_MASK'").is_empty());
    // Documented argument rules.
    for args in [
        "POLICY_NAME => 'D.SEC.EMAIL_MASK', REF_ENTITY_NAME => 'D.S.CUSTOMERS', REF_ENTITY_DOMAIN => 'TABLE'",
        "REF_ENTITY_NAME => 'D.S.CUSTOMERS'",
        "REF_ENTITY_NAME => 'D.S.CUSTOMERS', REF_ENTITY_DOMAIN => 'STREAM'",
    ] {
        let sql = format!("SELECT * FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES({args}))");
        is_err(&fail(&mut e, "ACCOUNTADMIN", &sql), "001003", "42000");
    }
}

#[test]
fn attach_detach_and_drop_rules() {
    let mut e = engine();
    let drop = "DROP MASKING POLICY D.SEC.EMAIL_MASK";
    let err = fail(&mut e, "ACCOUNTADMIN", drop);
    assert!(err.message.contains("associated with one or more entities"), "{err}");
    let replace = "CREATE OR REPLACE MASKING POLICY D.SEC.EMAIL_MASK AS (V VARCHAR) RETURNS VARCHAR -> V";
    fail(&mut e, "ACCOUNTADMIN", replace);
    // A second masking policy on the same column needs FORCE; a second row access policy is refused.
    let again = "ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN EMAIL SET MASKING POLICY D.SEC.EMAIL_MASK";
    fail(&mut e, "ACCOUNTADMIN", again);
    run(&mut e, "ACCOUNTADMIN", &format!("{again} FORCE"));
    fail(
        &mut e,
        "ACCOUNTADMIN",
        "ALTER TABLE D.S.CUSTOMERS ADD ROW ACCESS POLICY D.SEC.REGION_RAP ON (REGION)",
    );
    // USING must match the signature.
    fail(
        &mut e,
        "ACCOUNTADMIN",
        "ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN REGION SET MASKING POLICY D.SEC.BY_REGION",
    );
    is_err(
        &fail(
            &mut e,
            "ACCOUNTADMIN",
            "ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN NOPE SET MASKING POLICY D.SEC.EMAIL_MASK",
        ),
        "000904",
        "42000",
    );
    // Detach, then drop works.
    run(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN EMAIL UNSET MASKING POLICY");
    run(&mut e, "ACCOUNTADMIN", drop);
    is_err(&fail(&mut e, "ACCOUNTADMIN", drop), "002003", "02000");
    run(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS DROP ROW ACCESS POLICY D.SEC.REGION_RAP");
    run(&mut e, "ACCOUNTADMIN", "DROP ROW ACCESS POLICY D.SEC.REGION_RAP");
    assert!(
        policy_refs(
            &mut e,
            "ACCOUNTADMIN",
            "REF_ENTITY_NAME => 'D.S.CUSTOMERS', REF_ENTITY_DOMAIN => 'TABLE'"
        )
        .is_empty()
    );
    // Other ALTER TABLE forms still go to the regular handler.
    run(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS ADD COLUMN X INT");
}

fn tag_rows(e: &mut Engine, role: &str, from: &str) -> Vec<String> {
    let sql = format!(
        "SELECT TAG_NAME, TAG_VALUE, APPLY_METHOD, LEVEL, OBJECT_NAME, DOMAIN, COLUMN_NAME FROM TABLE({from}) ORDER BY COLUMN_NAME, TAG_NAME"
    );
    let r = run(e, role, &sql);
    (0..r.rows.len())
        .map(|i| r.columns.iter().map(|c| col(&r, &c.name)[i].clone()).collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn tags_show_allowed_values_and_references_with_inheritance() {
    let mut e = engine();
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW TAGS IN DATABASE D");
    assert_eq!(
        names(&r),
        [
            "created_on",
            "name",
            "database_name",
            "schema_name",
            "owner",
            "comment",
            "allowed_values",
            "owner_role_type"
        ]
    );
    assert_eq!(col(&r, "name"), ["OWNER_TEAM", "PII"]);
    assert_eq!(col(&r, "allowed_values"), ["NULL", r#"["email","name"]"#]);
    assert_eq!(col(&r, "comment"), ["", "personal data"]);
    // The allowed-values list is enforced; an unknown tag is 002003.
    fail(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN ID SET TAG D.SEC.PII = 'ssn'");
    is_err(
        &fail(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS SET TAG D.SEC.NOPE = 'x'"),
        "002003",
        "02000",
    );

    let col_refs = tag_rows(
        &mut e,
        "ACCOUNTADMIN",
        "D.INFORMATION_SCHEMA.TAG_REFERENCES('D.S.CUSTOMERS.EMAIL', 'COLUMN')",
    );
    assert_eq!(
        col_refs,
        [
            "OWNER_TEAM sales INHERITED SCHEMA CUSTOMERS COLUMN EMAIL",
            "PII email MANUAL COLUMN CUSTOMERS COLUMN EMAIL"
        ]
    );
    let db_refs = tag_rows(&mut e, "ACCOUNTADMIN", "D.INFORMATION_SCHEMA.TAG_REFERENCES('D', 'DATABASE')");
    assert_eq!(db_refs, ["OWNER_TEAM core MANUAL DATABASE D DATABASE NULL"]);
    run(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS SET TAG D.SEC.OWNER_TEAM = 'crm'");
    let all = tag_rows(
        &mut e,
        "ACCOUNTADMIN",
        "D.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('D.S.CUSTOMERS', 'table')",
    );
    assert_eq!(
        all,
        [
            "OWNER_TEAM crm INHERITED TABLE CUSTOMERS COLUMN EMAIL",
            "PII email MANUAL COLUMN CUSTOMERS COLUMN EMAIL",
            "OWNER_TEAM crm INHERITED TABLE CUSTOMERS COLUMN ID",
            "OWNER_TEAM crm INHERITED TABLE CUSTOMERS COLUMN REGION",
        ]
    );
    // Only objects the role can access; UNSET and DROP TAG remove assignments.
    is_err(
        &fail(&mut e, "READER", "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.TAG_REFERENCES('D.S.V', 'TABLE'))"),
        "002003",
        "02000",
    );
    run(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN EMAIL UNSET TAG D.SEC.PII");
    run(&mut e, "ACCOUNTADMIN", "DROP TAG D.SEC.OWNER_TEAM");
    let from = "D.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('D.S.CUSTOMERS', 'TABLE')";
    assert!(tag_rows(&mut e, "ACCOUNTADMIN", from).is_empty());
    let sql =
        "SELECT * FROM TABLE(D.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('D.S.CUSTOMERS', 'COLUMN'))";
    is_err(&fail(&mut e, "ACCOUNTADMIN", sql), "001003", "42000");
}

#[tokio::test]
async fn policy_references_over_http() {
    let emu = Emulator::builder(Account::from_sql(SETUP).unwrap()).start().await.unwrap();
    let sql = "SELECT REF_COLUMN_NAME FROM TABLE(D.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'D.SEC.EMAIL_MASK'))";
    let body = json!({"statement": sql, "role": "ACCOUNTADMIN"});
    let resp = reqwest::Client::new()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("t")
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let body: Json = resp.json().await.unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"], json!([["EMAIL"]]));
}

#[test]
fn the_sample_account_grants_through_database_roles_masks_email_and_tags_pii() {
    let mut e = sample();
    // BOB's role ANALYST reads SALES.CORE.CUSTOMERS through SALES.ANALYST -> SALES.READER.
    let sql = "SELECT TABLE_NAME FROM SALES.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'CORE' ORDER BY 1";
    assert_eq!(col(&run(&mut e, "ANALYST", sql), "TABLE_NAME"), ["CUSTOMERS", "ORDERS"]);
    let roles = run(&mut e, "SNOWCAT_CRAWLER", "SHOW DATABASE ROLES IN DATABASE SALES");
    assert_eq!(col(&roles, "name"), ["ANALYST", "READER"]);
    assert_eq!(col(&roles, "granted_to_roles"), ["1", "0"]);
    let refs = run(
        &mut e,
        "SNOWCAT_CRAWLER",
        "SELECT POLICY_NAME, REF_ENTITY_NAME, REF_COLUMN_NAME FROM \
         TABLE(SALES.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'SALES.CORE.CUSTOMERS', REF_ENTITY_DOMAIN => 'TABLE'))",
    );
    assert_eq!(
        (col(&refs, "POLICY_NAME"), col(&refs, "REF_COLUMN_NAME")),
        (vec!["EMAIL_MASK".into()], vec!["EMAIL".into()])
    );
    let rap = run(&mut e, "SNOWCAT_CRAWLER", "SHOW ROW ACCESS POLICIES IN DATABASE SALES");
    assert_eq!(col(&rap, "name"), ["OPEN_ORDERS_ONLY"]);
    let tags = tag_rows(
        &mut e,
        "SNOWCAT_CRAWLER",
        "SALES.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('SALES.CORE.CUSTOMERS', 'TABLE')",
    );
    assert!(tags.contains(&"PII email MANUAL COLUMN CUSTOMERS COLUMN EMAIL".to_string()), "{tags:?}");
    assert!(
        tags.contains(&"DATA_OWNER crm INHERITED TABLE CUSTOMERS COLUMN CUSTOMER_ID".to_string()),
        "{tags:?}"
    );
    let show = run(&mut e, "SNOWCAT_CRAWLER", "SHOW TAGS IN SCHEMA SALES.CORE");
    assert_eq!(col(&show, "name"), ["DATA_OWNER", "PII"]);
}

#[test]
fn account_usage_views_list_policies_references_and_direct_tags() {
    let mut e = engine();
    let refs = run(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT POLICY_NAME, REF_ENTITY_NAME, REF_COLUMN_NAME, POLICY_ID FROM SNOWFLAKE.ACCOUNT_USAGE.POLICY_REFERENCES ORDER BY 1",
    );
    assert_eq!(col(&refs, "POLICY_NAME"), ["BY_REGION", "EMAIL_MASK", "REGION_RAP"]);
    assert!(col(&refs, "POLICY_ID").iter().all(|v| v != "NULL"));
    let bodies = run(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT POLICY_NAME, POLICY_SIGNATURE, POLICY_RETURN_TYPE, POLICY_BODY FROM SNOWFLAKE.ACCOUNT_USAGE.ROW_ACCESS_POLICIES",
    );
    assert_eq!(
        (col(&bodies, "POLICY_SIGNATURE"), col(&bodies, "POLICY_BODY")),
        (vec!["(R VARCHAR)".into()], vec!["R = 'EU'".into()])
    );
    // Direct assignments only: the schema's OWNER_TEAM is not repeated on the column.
    let tags = run(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT TAG_NAME, TAG_VALUE, OBJECT_DATABASE, OBJECT_NAME, DOMAIN, COLUMN_NAME, APPLY_METHOD \
         FROM SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES ORDER BY DOMAIN",
    );
    assert_eq!(col(&tags, "DOMAIN"), ["COLUMN", "DATABASE", "SCHEMA"]);
    assert_eq!(col(&tags, "OBJECT_DATABASE"), ["D", "", "D"]);
    assert_eq!(col(&tags, "OBJECT_NAME"), ["CUSTOMERS", "D", "S"]);
    assert!(col(&tags, "APPLY_METHOD").iter().all(|m| m == "MANUAL"));
    let defs = run(
        &mut e,
        "ACCOUNTADMIN",
        "SELECT TAG_NAME, ALLOWED_VALUES FROM SNOWFLAKE.ACCOUNT_USAGE.TAGS ORDER BY 1",
    );
    assert_eq!(col(&defs, "TAG_NAME"), ["OWNER_TEAM", "PII"]);
}

#[test]
fn attachments_follow_renames_and_go_with_a_dropped_table() {
    let mut e = engine();
    run(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS RENAME COLUMN EMAIL TO MAIL");
    run(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS RENAME TO CLIENTS");
    assert_eq!(
        policy_refs(&mut e, "ACCOUNTADMIN", "POLICY_NAME => 'D.SEC.EMAIL_MASK'"),
        ["EMAIL_MASK MASKING_POLICY CLIENTS TABLE MAIL NULL ACTIVE"]
    );
    let tags =
        tag_rows(&mut e, "ACCOUNTADMIN", "D.INFORMATION_SCHEMA.TAG_REFERENCES('D.S.CLIENTS.MAIL', 'COLUMN')");
    assert!(tags.contains(&"PII email MANUAL COLUMN CLIENTS COLUMN MAIL".to_string()), "{tags:?}");
    // Dropping the table detaches its policies, so they can be dropped; a new table of the same name
    // starts clean.
    run(&mut e, "ACCOUNTADMIN", "DROP TABLE D.S.CLIENTS");
    run(&mut e, "ACCOUNTADMIN", "DROP ROW ACCESS POLICY D.SEC.REGION_RAP");
    run(&mut e, "ACCOUNTADMIN", "CREATE TABLE D.S.CLIENTS (MAIL VARCHAR)");
    let all = tag_rows(
        &mut e,
        "ACCOUNTADMIN",
        "D.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('D.S.CLIENTS', 'TABLE')",
    );
    assert_eq!(all, ["OWNER_TEAM sales INHERITED SCHEMA CLIENTS COLUMN MAIL"]);
}

#[test]
fn a_policy_change_moves_last_ddl_and_a_refused_one_does_not() {
    let mut e = engine();
    let sql = "SELECT LAST_DDL FROM D.INFORMATION_SCHEMA.TABLES WHERE TABLE_NAME = 'CUSTOMERS'";
    let last_ddl = |e: &mut Engine| format!("{:?}", run(e, "ACCOUNTADMIN", sql).rows);
    let before = last_ddl(&mut e);
    fail(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN ID SET TAG D.SEC.PII = 'ssn'");
    assert_eq!(last_ddl(&mut e), before, "a refused ALTER changes nothing");
    run(&mut e, "ACCOUNTADMIN", "ALTER TABLE D.S.CUSTOMERS MODIFY COLUMN EMAIL UNSET MASKING POLICY");
    assert_ne!(last_ddl(&mut e), before);
}
