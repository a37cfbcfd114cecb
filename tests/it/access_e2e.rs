//! Issue 16 acceptance over HTTP: a crawl of the sample account records every database role, policy,
//! policy reference, tag and tag reference exactly as the emulator's model holds them, and the real
//! `snowcat access` binary answers the five multi-hop cases against a truth written by hand (a database-role
//! chain, ownership, a materialised future grant, a revoke in the middle that cuts a path and shows in the
//! diff, a masked column).

use std::collections::BTreeSet;
use std::path::Path;

use crate::crawl_support::*;
use snowcat::catalog::RunStatus;
use snowcat::crawl::CrawlOptions;
use snowflake_emulator::EmulatorHandle;

async fn ddl(emu: &EmulatorHandle, sql: &str) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v2/statements", emu.base_url()))
        .bearer_auth("t")
        .json(&serde_json::json!({ "statement": sql }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{sql}: {}", r.text().await.unwrap());
}

fn rows(db: &Path, sql: &str) -> BTreeSet<Vec<String>> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                    rusqlite::types::Value::Text(t) => t,
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    rusqlite::types::Value::Null => String::new(),
                    other => format!("{other:?}"),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn set(v: Vec<Vec<&str>>) -> BTreeSet<Vec<String>> {
    v.into_iter().map(|r| r.into_iter().map(str::to_string).collect()).collect()
}

/// `snowcat access --catalog DB ARGS --format json`, as (principal, privilege, path) triples.
async fn access(db: &Path, args: &[&str]) -> Vec<(String, String, String, serde_json::Value)> {
    let mut all = vec!["access".to_string(), "--catalog".into(), db.display().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    all.extend(["--format".to_string(), "json".into()]);
    let out = snowcat(all).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    v.into_iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_string();
            (s("principal"), s("privilege"), s("path"), p.clone())
        })
        .collect()
}

fn path_of(paths: &[(String, String, String, serde_json::Value)], who: &str, privilege: &str) -> Vec<String> {
    paths.iter().filter(|p| p.0 == who && p.1 == privilege).map(|p| p.2.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_accounts_access_is_recorded_exactly_and_snowcat_access_walks_every_path() {
    let model = sample();
    let emu = start(model.clone(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let report = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());

    // Field by field against the emulator's model.
    let want: Vec<Vec<String>> = model
        .database_roles
        .iter()
        .map(|r| {
            vec![r.database.clone(), r.name.clone(), r.owner.clone(), r.comment.clone().unwrap_or_default()]
        })
        .collect();
    assert_eq!(
        rows(
            &db,
            "SELECT database_name, role_name, owner, coalesce(comment, '') FROM current_database_roles"
        ),
        want.into_iter().collect()
    );
    let g = &model.governance;
    let want: BTreeSet<Vec<String>> = g
        .policies
        .iter()
        .map(|p| {
            vec![
                p.database.clone(),
                p.schema.clone(),
                p.name.clone(),
                p.kind.word().to_string(),
                p.return_type.clone(),
                p.body.clone(),
                p.owner.clone(),
            ]
        })
        .collect();
    assert_eq!(
        rows(
            &db,
            "SELECT database_name, schema_name, policy_name, policy_kind, return_type, body, owner FROM current_policies"
        ),
        want
    );
    let want: BTreeSet<Vec<String>> = g
        .policy_refs
        .iter()
        .map(|r| {
            vec![
                format!("{}.{}.{}", r.policy.database, r.policy.schema, r.policy.name),
                r.object.database.clone(),
                r.object.schema.clone(),
                r.object.name.clone(),
                r.column.clone().unwrap_or_default(),
            ]
        })
        .collect();
    assert_eq!(
        rows(
            &db,
            "SELECT policy, database_name, schema_name, object_name, coalesce(column_name, '') FROM current_policy_references"
        ),
        want
    );
    let want: BTreeSet<Vec<String>> = g
        .tags
        .iter()
        .map(|t| {
            vec![
                t.database.clone(),
                t.schema.clone(),
                t.name.clone(),
                t.owner.clone(),
                t.comment.clone().unwrap_or_default(),
            ]
        })
        .collect();
    assert_eq!(
        rows(
            &db,
            "SELECT database_name, schema_name, tag_name, owner, coalesce(comment, '') FROM current_tags"
        ),
        want
    );
    let want: BTreeSet<Vec<String>> = g
        .tag_refs
        .iter()
        .map(|r| {
            use snowflake_emulator::model_access::Tagged;
            let tag = format!("{}.{}.{}", r.tag.database, r.tag.schema, r.tag.name);
            let (d, s, o, c) = match &r.on {
                Tagged::Database(d) => (d.clone(), String::new(), String::new(), String::new()),
                Tagged::Schema(d, s) => (d.clone(), s.clone(), String::new(), String::new()),
                Tagged::Table(n) => (n.database.clone(), n.schema.clone(), n.name.clone(), String::new()),
                Tagged::Column(n, c) => (n.database.clone(), n.schema.clone(), n.name.clone(), c.clone()),
            };
            vec![tag, d, s, o, c, r.value.clone()]
        })
        .collect();
    assert_eq!(
        rows(
            &db,
            "SELECT tag, database_name, coalesce(schema_name, ''), coalesce(object_name, ''), coalesce(column_name, ''),
                    tag_value FROM current_tag_references"
        ),
        want
    );
    // The database roles' edges: SALES.READER's grants, and who holds each role.
    assert_eq!(
        rows(
            &db,
            "SELECT privilege, granted_on, name FROM current_grants WHERE granted_to = 'DATABASE_ROLE'
             AND grantee_name = 'SALES.READER'"
        ),
        set(vec![
            vec!["SELECT", "TABLE", "SALES.CORE.CUSTOMERS"],
            vec!["SELECT", "TABLE", "SALES.CORE.ORDERS"],
            vec!["USAGE", "DATABASE", "SALES"],
            vec!["USAGE", "SCHEMA", "SALES.CORE"],
        ])
    );
    assert_eq!(
        rows(
            &db,
            "SELECT role, granted_to, grantee_name FROM current_role_memberships WHERE role LIKE 'SALES.%'"
        ),
        set(vec![
            vec!["SALES.ANALYST", "ROLE", "ANALYST"],
            vec!["SALES.READER", "DATABASE_ROLE", "SALES.ANALYST"]
        ])
    );

    // 1. user -> account role -> database role -> database role -> SELECT.
    let bob_chain = "USER BOB -> ROLE ANALYST -> DATABASE ROLE SALES.ANALYST -> DATABASE ROLE SALES.READER -> SELECT on TABLE SALES.CORE.CUSTOMERS";
    let customers = access(&db, &["SALES.CORE.CUSTOMERS"]).await;
    assert_eq!(path_of(&customers, "BOB", "SELECT"), [bob_chain]);

    ddl(&emu, "GRANT OWNERSHIP ON TABLE SALES.CORE.PRODUCTS TO ROLE DATA_ENGINEER COPY CURRENT GRANTS").await;
    ddl(&emu, "CREATE TABLE SALES.REPORTING.CHURN (CUSTOMER_ID NUMBER)").await;
    ddl(&emu, "REVOKE DATABASE ROLE SALES.READER FROM DATABASE ROLE SALES.ANALYST").await;
    let second = crawl(&emu, &db, &CrawlOptions::default()).await;
    assert_eq!(second.status, RunStatus::Complete, "{}", second.render_text());

    // 2. Ownership, through the user's role.
    let products = access(&db, &["sales.core.products"]).await;
    assert_eq!(
        path_of(&products, "ALICE", "OWNERSHIP"),
        ["USER ALICE -> ROLE DATA_ENGINEER -> OWNERSHIP on TABLE SALES.CORE.PRODUCTS"]
    );
    // 3. The future grants in SALES.REPORTING (to ANALYST, and to the database role SALES.ANALYST),
    // materialised on the new table.
    let churn = access(&db, &["SALES.REPORTING.CHURN"]).await;
    assert_eq!(
        path_of(&churn, "BOB", "SELECT"),
        [
            "USER BOB -> ROLE ANALYST -> SELECT on TABLE SALES.REPORTING.CHURN",
            "USER BOB -> ROLE ANALYST -> DATABASE ROLE SALES.ANALYST -> SELECT on TABLE SALES.REPORTING.CHURN"
        ]
    );
    // 4. The revoke in the middle cut BOB's path; the diff says so, and --at the first run still has it.
    assert!(path_of(&access(&db, &["SALES.CORE.CUSTOMERS"]).await, "BOB", "SELECT").is_empty());
    let out = snowcat(vec![
        "diff".into(),
        "--catalog".into(),
        db.display().to_string(),
        "--severity".into(),
        "security".into(),
    ])
    .await;
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("removed   role_membership role SALES.READER to DATABASE_ROLE SALES.ANALYST"),
        "{diff}"
    );
    assert!(
        diff.contains(&format!(
            "SELECT on TABLE SALES.CORE.CUSTOMERS for USER BOB path: {bob_chain} -> NULL"
        )),
        "{diff}"
    );
    let then = access(&db, &["SALES.CORE.CUSTOMERS", "--at", "1"]).await;
    assert_eq!(path_of(&then, "BOB", "SELECT"), [bob_chain]);
    // 5. The PII column reads as masked, with its tags.
    let email = access(&db, &["SALES.CORE.CUSTOMERS.EMAIL"]).await;
    assert!(!email.is_empty());
    for (_, _, _, p) in &email {
        assert_eq!(p["masking_policy"], "SALES.CORE.EMAIL_MASK", "{p}");
        let tags: serde_json::Value = serde_json::from_str(p["tags"].as_str().unwrap()).unwrap();
        assert_eq!(tags["SALES.CORE.PII"], "email", "{tags}");
    }
    // --user, and the CSV form.
    let out = snowcat(vec![
        "access".into(),
        "--catalog".into(),
        db.display().to_string(),
        "--user".into(),
        "BOB".into(),
        "--format".into(),
        "csv".into(),
    ])
    .await;
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("object_type,object,privilege,principal_type,principal,hops,path"), "{csv}");
    assert!(csv.contains("TABLE,SALES.REPORTING.CHURN,SELECT,USER,BOB,2,"), "{csv}");
    emu.shutdown().await;
}
