//! Database roles in the emulator: DDL, the grants they hold and are held by, the SHOW shapes of
//! metadata-shapes-2 §2, access through a database role (INFORMATION_SCHEMA), the documented refusals,
//! and one round trip over HTTP.

use serde_json::{Value as Json, json};
use snowflake_emulator::Emulator;

use crate::emulator_support::*;

const SETUP: &str = "CREATE ROLE READER; CREATE ROLE TEAM; GRANT ROLE READER TO ROLE TEAM;
    CREATE USER U DEFAULT_ROLE = TEAM; GRANT ROLE TEAM TO USER U;
    CREATE DATABASE D; CREATE SCHEMA D.S; CREATE TABLE D.S.T (X INT); CREATE TABLE D.S.HIDDEN (Y INT);
    CREATE DATABASE OTHER; CREATE TABLE OTHER.PUBLIC.O (Z INT);
    CREATE DATABASE ROLE D.ANALYST COMMENT = 'reads T';
    CREATE DATABASE ROLE D.BASE;
    GRANT USAGE ON SCHEMA D.S TO DATABASE ROLE D.BASE;
    GRANT SELECT ON TABLE D.S.T TO DATABASE ROLE D.BASE;
    GRANT DATABASE ROLE D.BASE TO DATABASE ROLE D.ANALYST;
    GRANT DATABASE ROLE D.ANALYST TO ROLE READER;
    GRANT SELECT ON FUTURE TABLES IN SCHEMA D.S TO DATABASE ROLE D.ANALYST;";

fn engine() -> Engine {
    Engine::new(Account::from_sql(SETUP).unwrap())
}

#[test]
fn show_database_roles_has_the_documented_columns_and_counters() {
    let mut e = engine();
    let r = run(&mut e, "ACCOUNTADMIN", "SHOW DATABASE ROLES IN DATABASE D");
    assert_eq!(
        names(&r),
        [
            "created_on",
            "name",
            "is_default",
            "is_current",
            "is_inherited",
            "granted_to_roles",
            "granted_to_database_roles",
            "granted_database_roles",
            "owner",
            "comment",
            "owner_role_type"
        ]
    );
    assert_eq!(col(&r, "name"), ["ANALYST", "BASE"]);
    assert_eq!(col(&r, "granted_to_roles"), ["1", "0"]);
    assert_eq!(col(&r, "granted_to_database_roles"), ["0", "1"]);
    assert_eq!(col(&r, "granted_database_roles"), ["1", "0"]);
    assert_eq!(col(&r, "owner"), ["ACCOUNTADMIN", "ACCOUNTADMIN"]);
    assert_eq!(col(&r, "comment"), ["reads T", "NULL"]);
    let like = run(&mut e, "ACCOUNTADMIN", "SHOW DATABASE ROLES LIKE 'ana%' IN DATABASE D");
    assert_eq!(col(&like, "name"), ["ANALYST"]);
    let paged = run(&mut e, "ACCOUNTADMIN", "SHOW DATABASE ROLES IN DATABASE D LIMIT 1 FROM 'ANALYST'");
    assert_eq!(col(&paged, "name"), ["BASE"]);
    assert!(run(&mut e, "ACCOUNTADMIN", "SHOW DATABASE ROLES IN DATABASE OTHER").rows.is_empty());
    // The database name is required; an unknown one is 002003.
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SHOW DATABASE ROLES"), "001003", "42000");
    is_err(&fail(&mut e, "ACCOUNTADMIN", "SHOW DATABASE ROLES IN DATABASE NOPE"), "002003", "02000");
    // READER holds D.ANALYST, so the database is visible to it; a role with nothing on D sees nothing.
    let r = run(&mut e, "READER", "SHOW DATABASE ROLES IN DATABASE D");
    assert_eq!(col(&r, "is_inherited"), ["Y", "Y"]);
    run(&mut e, "ACCOUNTADMIN", "CREATE ROLE STRANGER");
    is_err(&fail(&mut e, "STRANGER", "SHOW DATABASE ROLES IN DATABASE D"), "002003", "02000");
}

#[test]
fn grants_to_of_and_future_to_a_database_role() {
    let mut e = engine();
    let to = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS TO DATABASE ROLE D.ANALYST");
    assert_eq!(
        names(&to),
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
    let mut got: Vec<String> = col(&to, "granted_on")
        .iter()
        .zip(col(&to, "name"))
        .zip(col(&to, "privilege"))
        .map(|((on, name), p)| format!("{p} {on} {name}"))
        .collect();
    got.sort();
    assert_eq!(got, ["USAGE DATABASE D", "USAGE DATABASE_ROLE D.BASE"], "default USAGE on its database");
    assert!(col(&to, "granted_to").iter().all(|v| v == "DATABASE_ROLE"));
    assert!(col(&to, "grantee_name").iter().all(|v| v == "D.ANALYST"));

    let base = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS TO DATABASE ROLE D.BASE");
    assert!(col(&base, "name").contains(&"D.S.T".to_string()));

    let of = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS OF DATABASE ROLE D.BASE");
    assert_eq!(names(&of), ["created_on", "role", "granted_to", "grantee_name", "granted_by"]);
    assert_eq!(col(&of, "granted_to"), ["DATABASE_ROLE"]);
    assert_eq!(col(&of, "grantee_name"), ["D.ANALYST"]);
    let of = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS OF DATABASE ROLE D.ANALYST");
    assert_eq!(
        (col(&of, "granted_to"), col(&of, "grantee_name")),
        (vec!["ROLE".into()], vec!["READER".into()])
    );

    // SHOW GRANTS TO ROLE lists the database role as USAGE on DATABASE_ROLE D.ANALYST.
    let reader = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS TO ROLE READER");
    assert_eq!(col(&reader, "granted_on"), ["DATABASE_ROLE"]);
    assert_eq!(col(&reader, "name"), ["D.ANALYST"]);

    // ON <object>: a database-role grantee is DATABASE_ROLE with a bare name.
    let on = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS ON TABLE D.S.T");
    let i = col(&on, "granted_to").iter().position(|v| v == "DATABASE_ROLE").unwrap();
    assert_eq!(col(&on, "grantee_name")[i], "BASE");

    // ON DATABASE ROLE: its OWNERSHIP and who holds it.
    let on_role = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS ON DATABASE ROLE D.BASE");
    let mut privs = col(&on_role, "privilege");
    privs.sort();
    assert_eq!(privs, ["OWNERSHIP", "USAGE"]);
    assert!(col(&on_role, "granted_on").iter().all(|v| v == "DATABASE_ROLE"));
    let fut = run(&mut e, "ACCOUNTADMIN", "SHOW FUTURE GRANTS TO DATABASE ROLE D.ANALYST");
    assert_eq!(
        names(&fut),
        ["created_on", "privilege", "grant_on", "name", "grant_to", "grantee_name", "grant_option"]
    );
    assert_eq!(
        (col(&fut, "grant_to"), col(&fut, "name")),
        (vec!["DATABASE_ROLE".into()], vec!["D.S.<TABLE>".into()])
    );
    let fut_in = run(&mut e, "ACCOUNTADMIN", "SHOW FUTURE GRANTS IN SCHEMA D.S");
    assert_eq!(col(&fut_in, "grantee_name"), ["ANALYST"]);
    assert!(run(&mut e, "ACCOUNTADMIN", "SHOW FUTURE GRANTS TO ROLE READER").rows.is_empty());
}

fn tables_seen(e: &mut Engine, role: &str) -> Vec<String> {
    let r = run(
        e,
        role,
        "SELECT TABLE_NAME FROM D.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'S' ORDER BY 1",
    );
    col(&r, "TABLE_NAME")
}

#[test]
fn privileges_through_database_roles_open_information_schema_and_a_revoke_cuts_the_path() {
    let mut e = engine();
    // TEAM -> READER -> D.ANALYST -> D.BASE -> SELECT on D.S.T (and USAGE on D from the database roles).
    assert_eq!(tables_seen(&mut e, "TEAM"), ["T"]);
    // A future grant to the database role reaches a new table.
    run(&mut e, "ACCOUNTADMIN", "CREATE TABLE D.S.NEW (A INT)");
    assert_eq!(tables_seen(&mut e, "TEAM"), ["NEW", "T"]);
    // Cutting the middle edge removes T, and NEW with it: USAGE on schema D.S came through D.BASE.
    run(&mut e, "ACCOUNTADMIN", "REVOKE DATABASE ROLE D.BASE FROM DATABASE ROLE D.ANALYST");
    assert!(tables_seen(&mut e, "TEAM").is_empty());
    run(&mut e, "ACCOUNTADMIN", "REVOKE DATABASE ROLE D.ANALYST FROM ROLE READER");
    is_err(&fail(&mut e, "TEAM", "SELECT TABLE_NAME FROM D.INFORMATION_SCHEMA.TABLES"), "002003", "02000");
    // Privilege revokes from a database role work too.
    run(&mut e, "ACCOUNTADMIN", "GRANT DATABASE ROLE D.BASE TO ROLE READER");
    assert_eq!(tables_seen(&mut e, "TEAM"), ["T"]);
    run(&mut e, "ACCOUNTADMIN", "REVOKE SELECT ON TABLE D.S.T FROM DATABASE ROLE D.BASE");
    assert!(tables_seen(&mut e, "TEAM").is_empty());
}

#[test]
fn documented_refusals_and_drops() {
    let mut e = engine();
    // Privileges only on objects of the role's own database; account-level objects never.
    for sql in [
        "GRANT SELECT ON TABLE OTHER.PUBLIC.O TO DATABASE ROLE D.ANALYST",
        "GRANT USAGE ON DATABASE OTHER TO DATABASE ROLE D.ANALYST",
        "GRANT MONITOR USAGE ON ACCOUNT TO DATABASE ROLE D.ANALYST",
    ] {
        is_err(&fail(&mut e, "ACCOUNTADMIN", sql), "003011", "42501");
    }
    run(&mut e, "ACCOUNTADMIN", "CREATE DATABASE ROLE OTHER.X");
    is_err(
        &fail(&mut e, "ACCOUNTADMIN", "GRANT DATABASE ROLE D.BASE TO DATABASE ROLE OTHER.X"),
        "003011",
        "42501",
    );
    is_err(&fail(&mut e, "ACCOUNTADMIN", "GRANT DATABASE ROLE D.BASE TO USER U"), "001003", "42000");
    is_err(&fail(&mut e, "ACCOUNTADMIN", "GRANT DATABASE ROLE D.NOPE TO ROLE READER"), "002003", "02000");
    is_err(&fail(&mut e, "ACCOUNTADMIN", "CREATE DATABASE ROLE D.BASE"), "002002", "42710");
    run(&mut e, "ACCOUNTADMIN", "CREATE DATABASE ROLE IF NOT EXISTS D.BASE");
    // OR REPLACE starts the role afresh: its grants and memberships are gone.
    run(&mut e, "ACCOUNTADMIN", "CREATE OR REPLACE DATABASE ROLE D.BASE");
    let of = run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS OF DATABASE ROLE D.BASE");
    assert!(of.rows.is_empty());
    // DROP DATABASE ROLE and DROP DATABASE remove the roles and every grant naming them.
    run(&mut e, "ACCOUNTADMIN", "DROP DATABASE ROLE D.ANALYST");
    is_err(&fail(&mut e, "ACCOUNTADMIN", "DROP DATABASE ROLE D.ANALYST"), "002003", "02000");
    run(&mut e, "ACCOUNTADMIN", "DROP DATABASE ROLE IF EXISTS D.ANALYST");
    assert!(run(&mut e, "ACCOUNTADMIN", "SHOW GRANTS TO ROLE READER").rows.is_empty());
    run(&mut e, "ACCOUNTADMIN", "DROP DATABASE D");
    assert!(e.account().database_roles.iter().all(|r| r.database != "D"));
    assert!(e.account().future_grants.iter().all(|f| f.grantee_database.as_deref() != Some("D")));
}

#[test]
fn account_usage_lists_database_role_grants() {
    let mut e = engine();
    let sql = "SELECT PRIVILEGE, GRANTED_ON, NAME, TABLE_CATALOG, GRANTED_TO, GRANTEE_NAME \
               FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES \
               WHERE (GRANTED_TO = 'DATABASE_ROLE' OR GRANTED_ON = 'DATABASE_ROLE') AND DELETED_ON IS NULL \
               AND PRIVILEGE <> 'OWNERSHIP' ORDER BY GRANTEE_NAME, PRIVILEGE, NAME";
    let r = run(&mut e, "ACCOUNTADMIN", sql);
    let rows: Vec<String> = (0..r.rows.len())
        .map(|i| {
            ["PRIVILEGE", "GRANTED_ON", "NAME", "TABLE_CATALOG", "GRANTED_TO", "GRANTEE_NAME"]
                .iter()
                .map(|c| col(&r, c)[i].clone())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "USAGE DATABASE_ROLE BASE D DATABASE_ROLE ANALYST",
            "USAGE DATABASE D NULL DATABASE_ROLE ANALYST",
            "SELECT TABLE T D DATABASE_ROLE BASE",
            "USAGE DATABASE D NULL DATABASE_ROLE BASE",
            "USAGE SCHEMA S D DATABASE_ROLE BASE",
            "USAGE DATABASE_ROLE ANALYST D ACCOUNT ROLE READER",
        ]
    );
}

#[tokio::test]
async fn database_role_ddl_and_show_over_http() {
    let emu = Emulator::builder(Account::from_sql(SETUP).unwrap()).start().await.unwrap();
    let run = |sql: &str| {
        let body = json!({"statement": sql, "role": "ACCOUNTADMIN"});
        let url = format!("{}/api/v2/statements", emu.base_url());
        async move {
            let resp = reqwest::Client::new().post(url).bearer_auth("t").json(&body).send().await.unwrap();
            (resp.status().as_u16(), resp.json::<Json>().await.unwrap())
        }
    };
    let (status, body) = run("CREATE DATABASE ROLE D.\"Mixed Case\"").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = run("GRANT DATABASE ROLE D.\"Mixed Case\" TO ROLE READER").await;
    assert_eq!(status, 200, "{body}");
    let (_, body) = run("SHOW GRANTS TO ROLE READER").await;
    let cols = body["resultSetMetaData"]["rowType"].as_array().unwrap();
    let name = cols.iter().position(|c| c["name"] == "name").unwrap();
    let names: Vec<&str> =
        body["data"].as_array().unwrap().iter().map(|r| r[name].as_str().unwrap()).collect();
    assert!(names.contains(&"D.\"Mixed Case\""), "{names:?}");
    let (status, body) = run("SHOW DATABASE ROLES IN DATABASE NOPE").await;
    assert_eq!((status, body["code"].as_str()), (422, Some("002003")), "{body}");
}

#[test]
fn generated_database_roles_and_masking_policies_are_deterministic_and_linear() {
    use snowflake_emulator::generate_access::{AccessSpec, add_access};
    let build = || {
        let mut a = Account::generate(GenerateSpec { databases: 3, schemas: 2, tables: 12, columns: 9 });
        add_access(&mut a, AccessSpec { database_roles: 40, masking_policies: 9 });
        a
    };
    let a = build();
    assert_eq!(a.database_roles.len(), 40);
    assert_eq!(a.governance.policies.len(), 9);
    assert_eq!(a.governance.policy_refs.len(), 9, "each policy on its own text column");
    // Grants stay linear in the number of database roles (at most 9 per role).
    let to_db_roles = a
        .grants
        .iter()
        .filter(|g| matches!(g.grantee, snowflake_emulator::model_types::Grantee::DatabaseRole(..)))
        .count();
    assert!(to_db_roles <= 40 * 8, "{to_db_roles}");
    let b = build();
    let key = |a: &Account| {
        a.grants.iter().map(|g| format!("{:?}{:?}{}", g.target, g.grantee, g.privilege)).collect::<Vec<_>>()
    };
    assert_eq!(key(&a), key(&b));
    let mut e = Engine::new(a);
    let mut total = 0;
    for d in e.account().databases.iter().map(|d| d.name.clone()).collect::<Vec<_>>() {
        total += run(&mut e, "ACCOUNTADMIN", &format!("SHOW DATABASE ROLES IN DATABASE {d}")).rows.len();
    }
    assert_eq!(total, 40);
    let masks = run(&mut e, "ACCOUNTADMIN", "SHOW MASKING POLICIES IN ACCOUNT");
    assert_eq!(masks.rows.len(), 9);
    let nested = run(&mut e, "ACCOUNTADMIN", "SHOW DATABASE ROLES IN DATABASE SALES_00");
    assert!(
        col(&nested, "granted_database_roles").iter().any(|n| n != "0"),
        "some database roles are nested"
    );
}
