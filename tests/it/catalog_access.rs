//! Who can reach what (`access_paths_v`, `snowcat access`), checked against a truth written by hand: the
//! five multi-hop cases of issue 16 (user -> account role -> account role -> database role -> SELECT;
//! ownership; a materialised future grant; a revoke in the middle cutting a path, and the diff saying so;
//! a masked, PII-tagged column), plus tag inheritance and the severity of tag and policy changes.

use crate::catalog_support::*;
use snowcat::catalog::access::{AccessPath, AccessQuery};
use snowcat::catalog::*;

fn dr_grant(dr: &str, privilege: &str, on: &str, name: &str) -> Object {
    let Object::Grant(mut g) = grant(dr, privilege, on, name) else { unreachable!() };
    g.grantee_type = "DATABASE_ROLE".into();
    Object::Grant(g)
}

fn dr_member(dr: &str, grantee_type: &str, grantee: &str) -> Object {
    let Object::RoleMembership(mut m) = member(dr, grantee_type, grantee) else { unreachable!() };
    m.role_type = Some("DATABASE_ROLE".into());
    Object::RoleMembership(m)
}

fn owned_table(name: &str, owner: &str) -> Object {
    let mut t = table_obj("SALES", "CORE", name);
    t.owner = Some(owner.into());
    Object::Table(t)
}

fn tag_ref(schema: &str, object: &str, column: &str, tag: &str, value: &str) -> Object {
    Object::TagReference(TagReference {
        database: "SALES".into(),
        schema: schema.into(),
        object: object.into(),
        column: column.into(),
        tag: tag.into(),
        value: Some(value.into()),
        domain: Some(if column.is_empty() { "TABLE" } else { "COLUMN" }.into()),
        apply_method: Some("MANUAL".into()),
    })
}

/// The account of the five cases, before anything is revoked.
fn account() -> Vec<Object> {
    vec![
        db("SALES"),
        schema("SALES", "CORE"),
        owned_table("CUSTOMERS", "SYSADMIN"),
        owned_table("ORDERS", "ETL_ROLE"),
        col("SALES", "CORE", "CUSTOMERS", "ID", 1),
        col("SALES", "CORE", "CUSTOMERS", "EMAIL", 2),
        Object::DatabaseRole(DatabaseRole {
            database: "SALES".into(),
            name: "ANALYST".into(),
            owner: Some("SYSADMIN".into()),
            ..Default::default()
        }),
        dr_grant("SALES.ANALYST", "SELECT", "TABLE", "SALES.CORE.CUSTOMERS"),
        dr_member("SALES.ANALYST", "ROLE", "REPORTING"),
        member("REPORTING", "ROLE", "ANALYST_ROLE"),
        member("ANALYST_ROLE", "USER", "ALICE"),
        member("ETL_ROLE", "USER", "BOB"),
        future("SALES", Some("CORE"), "TABLE", "SELECT", "REPORTING"),
        Object::Policy(Policy {
            database: "SALES".into(),
            schema: "CORE".into(),
            name: "EMAIL_MASK".into(),
            policy_kind: "MASKING_POLICY".into(),
            signature: Some("(VAL VARCHAR)".into()),
            return_type: Some("VARCHAR".into()),
            body: Some("CASE WHEN CURRENT_ROLE() = 'ADMIN' THEN VAL ELSE '***' END".into()),
            ..Default::default()
        }),
        Object::PolicyReference(PolicyReference {
            database: "SALES".into(),
            schema: "CORE".into(),
            entity: "CUSTOMERS".into(),
            column: "EMAIL".into(),
            policy: "SALES.CORE.EMAIL_MASK".into(),
            policy_kind: Some("MASKING_POLICY".into()),
            domain: Some("TABLE".into()),
            status: Some("ACTIVE".into()),
            ..Default::default()
        }),
        tag_ref("CORE", "CUSTOMERS", "EMAIL", "SALES.GOVERNANCE.PII", "EMAIL"),
        tag_ref("CORE", "CUSTOMERS", "", "SALES.GOVERNANCE.OWNER_TEAM", "CRM"),
    ]
}

fn run(cat: &mut Catalog, objects: &[Object]) -> RunSummary {
    let mut w = cat.begin_run("acct").unwrap();
    w.set_sensitive_tags(vec!["PII".into()]);
    let mut scopes = scopes_for(objects);
    // The policy's reference listing ran (and found nothing when it was detached).
    let refs = ScopeKey::PolicyReferences { policy: "SALES.CORE.EMAIL_MASK".into() };
    scopes.push((refs, Vec::new(), ScopeOutcome::Complete));
    for (scope, objs, outcome) in scopes {
        w.put(&scope, objs).unwrap();
        w.finish_scope(&scope, outcome, None).unwrap();
    }
    w.commit(RunStatus::Complete, RunCounts::default()).unwrap()
}

fn paths(cat: &Catalog, q: AccessQuery, at: Option<i64>) -> Vec<AccessPath> {
    cat.access_paths("acct", &q, at).unwrap()
}

fn object(parts: &[&str]) -> AccessQuery {
    AccessQuery::Object(parts.iter().map(|p| p.to_string()).collect())
}

/// (privilege, principal, path) of a user's paths.
fn of(p: &[AccessPath], user: &str) -> Vec<(String, String)> {
    p.iter()
        .filter(|x| x.principal_type == "USER" && x.principal == user)
        .map(|x| (x.privilege.clone(), x.path.clone()))
        .collect()
}

const ALICE_PATH: &str = "USER ALICE -> ROLE ANALYST_ROLE -> ROLE REPORTING -> DATABASE ROLE SALES.ANALYST -> SELECT on TABLE SALES.CORE.CUSTOMERS";

#[test]
fn five_multi_hop_cases_match_the_hand_written_truth() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    run(&mut cat, &account());

    // 1. user -> account role -> account role -> database role -> SELECT on a table.
    let customers = paths(&cat, object(&["SALES", "CORE", "CUSTOMERS"]), None);
    assert_eq!(of(&customers, "ALICE"), [("SELECT".to_string(), ALICE_PATH.to_string())]);
    let holders: Vec<_> =
        customers.iter().map(|p| (p.principal_type.as_str(), p.principal.as_str(), p.hops)).collect();
    assert_eq!(
        holders,
        [
            ("ROLE", "SYSADMIN", 0),
            ("DATABASE_ROLE", "SALES.ANALYST", 0),
            ("ROLE", "ANALYST_ROLE", 2),
            ("ROLE", "REPORTING", 1),
            ("USER", "ALICE", 3),
        ]
    );

    // 2. Ownership, from the table's owner role up to its user.
    let orders = paths(&cat, object(&["SALES", "CORE", "ORDERS"]), None);
    assert_eq!(
        of(&orders, "BOB"),
        [(
            "OWNERSHIP".to_string(),
            "USER BOB -> ROLE ETL_ROLE -> OWNERSHIP on TABLE SALES.CORE.ORDERS".to_string()
        )]
    );
    assert!(of(&orders, "ALICE").is_empty(), "ALICE has no grant on ORDERS yet: {orders:?}");

    // 3. A future grant, once Snowflake materialised it on a new table, reaches through the hierarchy.
    let mut second = account();
    second.push(owned_table("REFUNDS", "ETL_ROLE"));
    second.push(grant("REPORTING", "SELECT", "TABLE", "SALES.CORE.REFUNDS"));
    let r2 = run(&mut cat, &second).run_id;
    let refunds = paths(&cat, object(&["SALES", "CORE", "REFUNDS"]), None);
    assert_eq!(
        of(&refunds, "ALICE"),
        [(
            "SELECT".to_string(),
            "USER ALICE -> ROLE ANALYST_ROLE -> ROLE REPORTING -> SELECT on TABLE SALES.CORE.REFUNDS"
                .to_string()
        )]
    );

    // 4. Revoking REPORTING from ANALYST_ROLE cuts ALICE's paths; the diff names the cut path.
    let third: Vec<Object> = second
        .into_iter()
        .filter(|o| !matches!(o, Object::RoleMembership(m) if m.role == "REPORTING"))
        .collect();
    let r3 = run(&mut cat, &third).run_id;
    assert!(of(&paths(&cat, object(&["SALES", "CORE", "CUSTOMERS"]), None), "ALICE").is_empty());
    let changes = latest_changes(&cat);
    assert!(changes.contains(&(
        "role_membership".into(),
        "role REPORTING to ROLE ANALYST_ROLE".into(),
        "removed".into(),
        None,
        "security".into()
    )));
    let cut: Vec<_> = cat
        .connection()
        .prepare("SELECT object_name, before, severity FROM changes_v WHERE run_id = ?1 AND object_kind = 'access_path' ORDER BY object_name")
        .unwrap()
        .query_map([r3], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // CUSTOMERS carries a PII column, so its lost paths are reported; REFUNDS is not sensitive.
    assert_eq!(
        cut,
        [
            ("SELECT on TABLE SALES.CORE.CUSTOMERS for ROLE ANALYST_ROLE".to_string(), "ROLE ANALYST_ROLE -> ROLE REPORTING -> DATABASE ROLE SALES.ANALYST -> SELECT on TABLE SALES.CORE.CUSTOMERS".to_string(), "security".to_string()),
            ("SELECT on TABLE SALES.CORE.CUSTOMERS for USER ALICE".into(), ALICE_PATH.into(), "security".into()),
        ]
    );
    // --at the run before the revoke still answers with the old path.
    let before = paths(&cat, object(&["SALES", "CORE", "CUSTOMERS"]), Some(r2));
    assert_eq!(of(&before, "ALICE"), [("SELECT".to_string(), ALICE_PATH.to_string())]);

    // 5. A masked column reads as masked, with its tags (set on it, and inherited from its table).
    let email = paths(&cat, object(&["SALES", "CORE", "CUSTOMERS", "EMAIL"]), None);
    let reporting = email.iter().find(|p| p.principal == "REPORTING").expect("REPORTING reads EMAIL");
    assert_eq!(reporting.masking_policy.as_deref(), Some("SALES.CORE.EMAIL_MASK"));
    let tags: serde_json::Value = serde_json::from_str(reporting.tags.as_deref().unwrap()).unwrap();
    assert_eq!(
        tags,
        serde_json::json!({"SALES.GOVERNANCE.PII": "EMAIL", "SALES.GOVERNANCE.OWNER_TEAM": "CRM"})
    );
    let id = paths(&cat, object(&["SALES", "CORE", "CUSTOMERS", "ID"]), None);
    assert!(id.iter().all(|p| p.masking_policy.is_none()), "ID is not masked: {id:?}");
}

#[test]
fn tag_and_policy_changes_are_graded_and_new_paths_to_pii_are_security() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    run(&mut cat, &account());
    let mut next = account();
    for o in &mut next {
        if let Object::TagReference(t) = o {
            t.value = Some(if t.tag.ends_with(".PII") { "PHONE" } else { "BILLING" }.into());
        }
    }
    // The masking policy is detached, and PUBLIC gets the database role.
    next.retain(|o| !matches!(o, Object::PolicyReference(_)));
    next.push(dr_member("SALES.ANALYST", "ROLE", "PUBLIC"));
    run(&mut cat, &next);
    let c = latest_changes(&cat);
    let sev =
        |name: &str| c.iter().filter(|x| x.1 == name).map(|x| (x.2.clone(), x.4.clone())).collect::<Vec<_>>();
    assert_eq!(
        sev("SALES.GOVERNANCE.PII on SALES.CORE.CUSTOMERS.EMAIL"),
        [("modified".into(), "security".into())]
    );
    assert_eq!(
        sev("SALES.GOVERNANCE.OWNER_TEAM on SALES.CORE.CUSTOMERS"),
        [("modified".into(), "cosmetic".into())]
    );
    assert_eq!(
        sev("SALES.CORE.EMAIL_MASK on SALES.CORE.CUSTOMERS.EMAIL"),
        [("removed".into(), "security".into())]
    );
    assert_eq!(sev("role SALES.ANALYST to ROLE PUBLIC"), [("added".into(), "security".into())]);
    assert_eq!(
        sev("SELECT on TABLE SALES.CORE.CUSTOMERS for ROLE PUBLIC"),
        [("added".into(), "security".into())]
    );
}

#[test]
fn tags_set_on_a_schema_are_inherited_and_a_lower_value_wins() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    let mut objects = account();
    objects.push(tag_ref("CORE", "", "", "SALES.GOVERNANCE.OWNER_TEAM", "DATA"));
    run(&mut cat, &objects);
    let rows: Vec<(String, String, String, String)> = cat
        .connection()
        .prepare(
            "SELECT object_type, coalesce(column_name, object_name, schema_name), tag_value, how FROM effective_tags_v
             WHERE tag = 'SALES.GOVERNANCE.OWNER_TEAM' ORDER BY 1, 2",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let row =
        |a: &str, b: &str, c: &str, d: &str| (a.to_string(), b.to_string(), c.to_string(), d.to_string());
    assert_eq!(
        rows,
        [
            row("COLUMN", "EMAIL", "CRM", "INHERITED"),
            row("COLUMN", "ID", "CRM", "INHERITED"),
            row("SCHEMA", "CORE", "DATA", "DIRECT"),
            row("TABLE", "CUSTOMERS", "CRM", "DIRECT"),
            row("TABLE", "ORDERS", "DATA", "INHERITED"),
        ]
    );
}

/// The docs/catalog.md examples named `name`.
fn docs_example(name: &str) -> String {
    let docs = include_str!("../../docs/catalog.md");
    let marker = format!("-- example: {name}\n");
    let start = docs.find(&marker).unwrap_or_else(|| panic!("no example {name}"));
    docs[start..].split("```").next().unwrap().to_string()
}

fn query(cat: &Catalog, sql: &str) -> Vec<Vec<String>> {
    let mut stmt = cat.connection().prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                    rusqlite::types::Value::Text(t) => t,
                    rusqlite::types::Value::Integer(i) => i.to_string(),
                    other => format!("{other:?}"),
                })
            })
            .collect()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn the_access_examples_of_the_catalog_docs_answer_correctly() {
    let dir = tempfile::tempdir().unwrap();
    let mut cat = Catalog::open(dir.path().join("c.db")).unwrap();
    run(&mut cat, &account());
    assert_eq!(
        query(&cat, &docs_example("access_of_user")),
        [["TABLE", "SALES.CORE.CUSTOMERS", "SELECT", ALICE_PATH]]
    );
    assert!(query(&cat, &docs_example("unmasked_sensitive")).is_empty(), "EMAIL is masked");
    let mut next = account();
    next.retain(|o| !matches!(o, Object::PolicyReference(_)));
    next.push(dr_member("SALES.ANALYST", "ROLE", "PUBLIC"));
    run(&mut cat, &next);
    assert_eq!(query(&cat, &docs_example("unmasked_sensitive")), [["SALES.CORE.CUSTOMERS.EMAIL", "ALICE"]]);
    let security: Vec<String> =
        query(&cat, &docs_example("security_changes")).into_iter().map(|r| r[1..].join(" | ")).collect();
    assert_eq!(
        security,
        [
            "access_path | SELECT on TABLE SALES.CORE.CUSTOMERS for ROLE PUBLIC | added | ROLE PUBLIC -> DATABASE ROLE SALES.ANALYST -> SELECT on TABLE SALES.CORE.CUSTOMERS",
            "role_membership | role SALES.ANALYST to ROLE PUBLIC | added | Null",
            "policy_reference | SALES.CORE.EMAIL_MASK on SALES.CORE.CUSTOMERS.EMAIL | removed | Null",
        ]
    );
}
