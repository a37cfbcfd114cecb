//! Hostile object names end to end: databases, schemas, tables, columns and roles whose names contain
//! `"`, `'`, `\`, `;`, `%`, `_`, newlines, unicode and 255 characters are created in the emulator through
//! properly quoted DDL; the statements of `crawl::statements` are built over them, sent through the real
//! client over HTTP on 127.0.0.1, and must return exactly those objects — and a name that spells
//! `"; DROP DATABASE VICTIM; --` must never run as SQL (VICTIM survives).

use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use snowcat::crawl::statements::{self as st, GrantView};
use snowcat::sqlapi::{Client, ResultSet, StatementRequest, StaticToken, TokenType};
use snowflake_emulator::model::Account;
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

/// Names that try to break out of identifiers, literals and LIKE patterns.
fn hostile() -> Vec<String> {
    vec![
        "we\"ird".into(),
        "\"; DROP DATABASE VICTIM; --".into(),
        "'; DROP DATABASE VICTIM; --".into(),
        "it's".into(),
        "back\\slash\\".into(),
        "semi;colon".into(),
        "100%_off".into(),
        "new\nline\r\ttab".into(),
        "ünï cödé 数据 🚀".into(),
        "a.b".into(),
        " lower space ".into(),
        "x".repeat(255),
    ]
}

/// `name` as a quoted identifier in the emulator's DDL (written here, not taken from `statements`).
fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The account: VICTIM (a database that must survive), and for each hostile name a database of that name
/// holding a schema, a table with a column, all of that name, plus a role of that name granted usage.
fn account(names: &[String]) -> Account {
    let mut ddl = String::from(
        "CREATE DATABASE VICTIM;\nCREATE SCHEMA VICTIM.KEEP;\nCREATE TABLE VICTIM.KEEP.T (A NUMBER);\n",
    );
    for n in names {
        let (d, s, t) = (q(n), format!("{}.{}", q(n), q(n)), format!("{}.{}.{}", q(n), q(n), q(n)));
        ddl.push_str(&format!("CREATE DATABASE {d};\nCREATE SCHEMA {s};\n"));
        ddl.push_str(&format!("CREATE TABLE {t} ({} VARCHAR(10), PLAIN NUMBER(38,0));\n", q(n)));
        ddl.push_str(&format!("CREATE ROLE {d};\nGRANT USAGE ON DATABASE {d} TO ROLE {d};\n"));
    }
    Account::from_sql(&ddl).unwrap_or_else(|e| panic!("hostile DDL did not load: {e}"))
}

async fn start(names: &[String]) -> (EmulatorHandle, Client) {
    let emu = Emulator::builder(account(names)).token("hostile-test-token").start().await.unwrap();
    let tokens =
        Arc::new(StaticToken::new(SecretString::from("hostile-test-token".to_string()), TokenType::OAuth));
    let client = Client::for_url(&emu.base_url(), tokens).unwrap().build().unwrap();
    (emu, client)
}

async fn run(client: &Client, sql: &str) -> ResultSet {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    client
        .execute_collect(StatementRequest::new(sql), deadline, CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("{sql:?}: {e}"))
}

fn column(rs: &ResultSet, name: &str) -> Vec<String> {
    rs.rows.iter().map(|r| r.get::<String>(name).unwrap().unwrap_or_default()).collect()
}

#[tokio::test]
async fn hostile_names_are_listed_exactly_and_never_executed() {
    let names = hostile();
    let (emu, client) = start(&names).await;

    let dbs = column(&run(&client, &st::show_databases(None, None, None).unwrap()).await, "name");
    for n in names.iter().chain([&"VICTIM".to_string()]) {
        assert_eq!(
            dbs.iter().filter(|d| *d == n).count(),
            1,
            "database {n:?} not listed exactly once: {dbs:?}"
        );
    }

    for n in &names {
        // SHOW SCHEMAS IN DATABASE "<n>" and INFORMATION_SCHEMA.SCHEMATA of it.
        let schemas =
            column(&run(&client, &st::show_schemas(Some(n), None, None, None).unwrap()).await, "name");
        assert!(schemas.contains(n), "schema {n:?} missing from SHOW SCHEMAS: {schemas:?}");
        let rs = run(&client, &st::schemata(n, None, None).unwrap()).await;
        assert!(column(&rs, "SCHEMA_NAME").contains(n), "schema {n:?} missing from SCHEMATA");
        assert!(column(&rs, "CATALOG_NAME").iter().all(|c| c == n), "wrong catalog for {n:?}");

        // Tables filtered by an equality on the hostile schema name: exactly the one table.
        let rs = run(&client, &st::tables(n, Some(n), None, None).unwrap()).await;
        assert_eq!(column(&rs, "TABLE_NAME"), vec![n.clone()], "tables of {n:?}");
        assert_eq!(column(&rs, "TABLE_SCHEMA"), vec![n.clone()]);

        // A LIKE on the exact name: it matches (wildcards in it may match more, never less).
        let rs = run(&client, &st::tables(n, Some(n), Some(n), None).unwrap()).await;
        assert!(column(&rs, "TABLE_NAME").contains(n), "LIKE on its own name lost {n:?}");

        // Columns of the table, filtered by schema and table name and by an IN list of table names.
        let rs = run(&client, &st::columns(n, Some(n), Some(n), None, None).unwrap()).await;
        assert_eq!(column(&rs, "COLUMN_NAME"), vec![n.clone(), "PLAIN".into()], "columns of {n:?}");
        let rs =
            run(&client, &st::columns_where(n, Some(n), None, None, &[n.as_str(), "nope"], None).unwrap())
                .await;
        assert_eq!(column(&rs, "COLUMN_NAME"), vec![n.clone(), "PLAIN".into()], "IN-list columns of {n:?}");

        // SHOW TABLES / COLUMNS-style SHOW with hostile scope, and grants to the hostile role.
        let rs = run(&client, &st::show_grants(&GrantView::ToRole(n.clone())).unwrap()).await;
        let granted: Vec<(String, String)> = rs
            .rows
            .iter()
            .map(|r| {
                (r.get::<String>("privilege").unwrap().unwrap(), r.get::<String>("name").unwrap().unwrap())
            })
            .collect();
        // The grant's `name` is quoted where a part needs it (metadata-shapes.md 1.5): it parses back to n.
        assert!(
            granted.iter().any(|(p, on)| {
                p == "USAGE"
                    && st::parse_object_name("name", on).ok().as_deref() == Some(std::slice::from_ref(n))
            }),
            "USAGE on {n:?} not in SHOW GRANTS TO ROLE: {granted:?}"
        );
        let rs = run(&client, &st::show_future_grants(n, Some(n))).await;
        assert!(rs.rows.is_empty(), "no future grants were made in {n:?}");
    }

    let roles = column(&run(&client, &st::show_roles()).await, "name");
    for n in &names {
        assert!(roles.contains(n), "role {n:?} missing: {roles:?}");
    }

    // Nothing was executed as SQL: VICTIM and its table are still there.
    let rs = run(&client, &st::tables("VICTIM", Some("KEEP"), None, None).unwrap()).await;
    assert_eq!(column(&rs, "TABLE_NAME"), vec!["T".to_string()]);
    // Every statement the emulator saw was one of ours, run once.
    let log = emu.request_log();
    assert!(
        log.iter()
            .filter_map(|e| e.statement.as_deref())
            .all(|s| !s.to_ascii_uppercase().starts_with("DROP"))
    );
    emu.shutdown().await;
}

/// `parse_object_name` round-trips every hostile name through `path` (the crawler's own quoting).
#[test]
fn quoting_round_trips_every_hostile_name() {
    for n in hostile() {
        let typed = st::path(&[&n, &n]);
        assert_eq!(st::parse_object_name("name", &typed).unwrap(), vec![n.clone(), n.clone()], "{typed}");
    }
}

/// A name with a backslash before a double quote, `\'"\"`, is the quoted identifier `"\'""\"""` (inside
/// double quotes a backslash is an ordinary character and `""` is the only escape). The emulator's CREATE
/// TABLE once refused it (its rewrite before sqlparser re-printed the identifier with sqlparser's printer,
/// which leaves a `"` after a backslash undoubled); now it loads, and a crawl records it exactly.
#[tokio::test]
async fn backslash_quote_identifier_loads_in_create_table() {
    use snowcat::catalog::{Object, ObjectKey, ObjectKind};
    for n in ["\\'\"\\\"", "\\\"\\", "a\"\"b\\"] {
        let d = q(n);
        let ddl = format!(
            "CREATE DATABASE {d};\nCREATE SCHEMA {d}.{d};\n\
             CREATE TABLE {d}.{d}.{d} ({d} NUMBER COMMENT 'c\\\\');\n"
        );
        let account = Account::from_sql(&ddl).unwrap_or_else(|e| panic!("{ddl}: {e}"));
        assert_eq!(account.databases.len(), 1);
        let table = account.databases[0].schemas.iter().flat_map(|s| &s.tables).find(|t| t.name == n);
        let column = &table.unwrap_or_else(|| panic!("no table {n:?}")).columns[0];
        assert_eq!(column.name, n);
        // `'c\\'` is the literal `c\` (a backslash escapes inside a string literal).
        assert_eq!(column.comment.as_deref(), Some("c\\"));
        let emu = Emulator::builder(account).token("hostile-test-token").start().await.unwrap();
        let tokens = Arc::new(StaticToken::new(
            SecretString::from("hostile-test-token".to_string()),
            TokenType::OAuth,
        ));
        let client = Client::for_url(&emu.base_url(), tokens).unwrap().build().unwrap();
        let objects = crawl_complete(&client).await;
        let keys: std::collections::BTreeSet<ObjectKey> = objects.iter().map(Object::key).collect();
        for want in [
            ObjectKey::new(ObjectKind::Database, &[n]),
            ObjectKey::new(ObjectKind::Schema, &[n, n]),
            ObjectKey::new(ObjectKind::Table, &[n, n, n]),
            ObjectKey::new(ObjectKind::Column, &[n, n, n, n]),
        ] {
            assert!(keys.contains(&want), "{n:?}: missing {}", want.display());
        }
        assert_eq!(objects.iter().filter(|o| o.kind() == ObjectKind::Table).count(), 1, "{n:?}");
        emu.shutdown().await;
    }
}

/// Crawl with `client` into a fresh catalog; the run must complete. Returns the snapshot.
async fn crawl_complete(client: &Client) -> Vec<snowcat::catalog::Object> {
    use snowcat::catalog::{Catalog, RunStatus};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let opts = snowcat::crawl::CrawlOptions::default();
    let report = snowcat::crawl::crawl(
        client,
        &path,
        "acct",
        &opts,
        &snowcat::crawl::NoProgress,
        CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_eq!(report.status, RunStatus::Complete, "{}", report.render_text());
    Catalog::open(&path).unwrap().snapshot("acct", None).unwrap()
}

/// A crawl of the hostile account records every hostile database, schema, table, column and role exactly.
#[tokio::test]
async fn a_crawl_records_every_hostile_name_exactly() {
    use snowcat::catalog::{Object, ObjectKey, ObjectKind};
    let names = hostile();
    let (emu, client) = start(&names).await;
    let objects = crawl_complete(&client).await;
    let keys: std::collections::BTreeSet<ObjectKey> = objects.iter().map(Object::key).collect();
    for n in &names {
        let n = n.as_str();
        for want in [
            ObjectKey::new(ObjectKind::Database, &[n]),
            ObjectKey::new(ObjectKind::Schema, &[n, n]),
            ObjectKey::new(ObjectKind::Table, &[n, n, n]),
            ObjectKey::new(ObjectKind::Column, &[n, n, n, n]),
            ObjectKey::new(ObjectKind::Column, &[n, n, n, "PLAIN"]),
        ] {
            assert!(keys.contains(&want), "missing {}", want.display());
        }
        let memberships =
            objects.iter().filter(|o| o.kind() == ObjectKind::Grant && o.key().display().contains(n));
        assert!(memberships.count() > 0, "no grant recorded for role/database {n:?}");
    }
    // Exactly our tables: nothing invented by a wildcard, VICTIM intact.
    let tables = objects.iter().filter(|o| o.kind() == ObjectKind::Table).count();
    assert_eq!(tables, names.len() + 1);
    assert!(keys.contains(&ObjectKey::new(ObjectKind::Table, &["VICTIM", "KEEP", "T"])));
    emu.shutdown().await;
}
