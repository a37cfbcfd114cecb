//! `snowcat tool <name>` as a user runs it: the built binary against the emulator's sample account on
//! 127.0.0.1, one test per tool with values checked against `config/emulator/sample.sql`, plus the usage
//! errors (exit 2, naming the flag) and a denied database (exit 1 with Snowflake's error).

use std::process::{Command, Output};

use serde_json::Value;
use snowflake_emulator::model::Account;
use snowflake_emulator::sample::SAMPLE_SQL;
use snowflake_emulator::{Emulator, EmulatorHandle};

const TOKEN: &str = "cli-tool-token";

struct Emu {
    _handle: EmulatorHandle,
    url: String,
    dir: tempfile::TempDir,
}

async fn sample() -> Emu {
    let account = Account::from_sql(SAMPLE_SQL).unwrap();
    let handle = Emulator::builder(account).token(TOKEN).start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("token"), TOKEN).unwrap();
    Emu { url: handle.base_url(), _handle: handle, dir }
}

impl Emu {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_snowcat"))
            .arg("tool")
            .args(args)
            .args(["--url", &self.url])
            .arg("--token-file")
            .arg(self.dir.path().join("token"))
            .env_remove("SNOWCAT_ACCOUNT")
            .env_remove("SNOWCAT_ROLE")
            .env_remove("SNOWCAT_WAREHOUSE")
            .output()
            .unwrap()
    }

    /// Run a tool with `--format json` and return its rows; fails the test on a non-zero exit.
    fn rows(&self, args: &[&str]) -> Vec<Value> {
        let out = self.run(&[args, &["--format", "json"]].concat());
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        match serde_json::from_slice(&out.stdout).unwrap() {
            Value::Array(rows) => rows,
            other => panic!("not an array: {other}"),
        }
    }

    /// A usage error: exit 2 and stderr text.
    fn usage(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.is_empty());
        String::from_utf8_lossy(&out.stderr).into_owned()
    }
}

fn col(rows: &[Value], name: &str) -> Vec<String> {
    rows.iter()
        .map(|r| match &r[name] {
            Value::String(s) => s.clone(),
            Value::Null => "NULL".into(),
            other => other.to_string(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn information_schema_tools() {
    let emu = sample().await;
    // LIKE on INFORMATION_SCHEMA is case-sensitive: only the quoted mixed-case schema starts with 'L'.
    let rows = emu.rows(&["schemata", "--database", "SALES", "--schema-like", "L%"]);
    assert_eq!(col(&rows, "SCHEMA_NAME"), ["Legacy Import"]);
    assert_eq!(emu.rows(&["schemata", "--database", "SALES", "--limit", "2"]).len(), 2);

    let rows = emu.rows(&["tables", "--database", "marketing db", "--schema", "Campaigns 2025"]);
    assert_eq!(col(&rows, "TABLE_NAME"), ["CAMPAIGNS", "CLICKS"]);
    let rows =
        emu.rows(&["tables", "--database", "SALES", "--schema", "REPORTING", "--table-name-like", "%CUST%"]);
    assert_eq!(col(&rows, "TABLE_NAME"), ["ACTIVE_CUSTOMERS", "VIP_CUSTOMERS"]);
    assert_eq!(col(&rows, "TABLE_TYPE"), ["VIEW", "VIEW"]);

    // FULL_NAME was renamed to DISPLAY_NAME and LOYALTY_TIER added after creation.
    let rows = emu.rows(&["columns", "--database", "SALES", "--schema", "CORE", "--table", "CUSTOMERS"]);
    let names = col(&rows, "COLUMN_NAME");
    assert_eq!(names.first().map(String::as_str), Some("CUSTOMER_ID"));
    assert!(names.contains(&"DISPLAY_NAME".into()) && !names.contains(&"FULL_NAME".into()), "{names:?}");
    assert_eq!(names.last().map(String::as_str), Some("LOYALTY_TIER"));
    let rows = emu.rows(&[
        "columns",
        "--database",
        "SALES",
        "--schema",
        "Legacy Import",
        "--table",
        "order \"archive\"",
        "--column-name-like",
        "%o%",
    ]);
    // Case-sensitive: "Order Id" has only a capital O and "Ünïcödé" an ö.
    assert_eq!(col(&rows, "COLUMN_NAME"), ["note"]);

    let rows = emu.rows(&[
        "table-constraints",
        "--database",
        "FINANCE",
        "--schema",
        "LEDGER",
        "--table",
        "ENTRIES",
        "--constraint-type",
        "foreign key",
    ]);
    assert_eq!(col(&rows, "CONSTRAINT_NAME"), ["FK_ENTRY_ACCOUNT", "FK_ENTRY_CURRENCY", "FK_ENTRY_CUSTOMER"]);

    let rows = emu.rows(&[
        "referential-constraints",
        "--database",
        "SALES",
        "--schema",
        "CORE",
        "--table",
        "ORDERS",
    ]);
    assert_eq!(col(&rows, "CONSTRAINT_NAME"), ["FK_ORDERS_CUSTOMER"]);
    assert_eq!(col(&rows, "UNIQUE_CONSTRAINT_NAME"), ["PK_CUSTOMERS"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn show_tools() {
    let emu = sample().await;
    // The crawler role does not see HR.
    let rows = emu.rows(&["show", "--object-type", "databases", "--role", "SNOWCAT_CRAWLER"]);
    let dbs = col(&rows, "name");
    assert!(["SALES", "FINANCE", "marketing db"].iter().all(|d| dbs.contains(&d.to_string())), "{dbs:?}");
    assert!(!dbs.contains(&"HR".into()), "{dbs:?}");
    // SHOW LIKE is case-insensitive.
    let rows = emu.rows(&[
        "show",
        "--object-type",
        "schemas",
        "--database-name",
        "marketing db",
        "--like-pattern",
        "campaigns%",
    ]);
    assert_eq!(col(&rows, "name"), ["Campaigns 2025"]);

    // `_` is a wildcard, so '%_wh' also matches "bi wh".
    let rows = emu.rows(&["show-warehouses", "--like-pattern", "%_wh"]);
    assert_eq!(col(&rows, "name"), ["COMPUTE_WH", "CRAWLER_WH", "TRANSFORM_WH", "bi wh"]);
    let rows = emu.rows(&["show-warehouses", "--like-pattern", "transform_wh", "--warehouse", "COMPUTE_WH"]);
    assert_eq!(col(&rows, "size"), ["Large"], "resized by ALTER WAREHOUSE in the sample");

    let rows = emu.rows(&["show-grants", "--grant-view", "to_role", "--role-name", "SNOWCAT_CRAWLER"]);
    assert!(
        rows.iter().any(|r| r["privilege"] == "USAGE"
            && r["granted_on"] == "WAREHOUSE"
            && r["name"] == "CRAWLER_WH"),
        "{rows:?}"
    );
    let rows = emu.rows(&["show-grants", "--grant-view", "to_user", "--user-name", "SNOWCAT"]);
    assert_eq!(col(&rows, "role"), ["SNOWCAT_CRAWLER"]);
    let rows = emu.rows(&["show-grants", "--grant-view", "of_role", "--role-name", "ANALYST"]);
    assert_eq!(col(&rows, "grantee_name"), ["DATA_ENGINEER", "BOB"]);
    // --object-name resolves like SQL: unquoted parts upper-cased.
    let rows = emu.rows(&[
        "show-grants",
        "--grant-view",
        "on_object",
        "--object-type",
        "table",
        "--object-name",
        "sales.core.orders",
    ]);
    assert!(
        rows.iter().any(|r| r["privilege"] == "REFERENCES" && r["grantee_name"] == "SNOWCAT_CRAWLER"),
        "{rows:?}"
    );
    assert!(rows.iter().any(|r| r["privilege"] == "SELECT" && r["grantee_name"] == "DATA_ENGINEER"));

    let rows = emu.rows(&[
        "show-primary-keys",
        "--database-name",
        "SALES",
        "--schema-name",
        "CORE",
        "--table-name",
        "ORDER_LINES",
    ]);
    assert_eq!(col(&rows, "column_name"), ["ORDER_ID", "LINE_NO"]);
    assert_eq!(col(&rows, "key_sequence"), ["1", "2"]);

    let rows = emu.rows(&[
        "show-keys",
        "--key-direction",
        "imported",
        "--table-name",
        "ENTRIES",
        "--schema-name",
        "LEDGER",
        "--database-name",
        "FINANCE",
    ]);
    let mut fks = col(&rows, "fk_name");
    fks.sort();
    assert_eq!(fks, ["FK_ENTRY_ACCOUNT", "FK_ENTRY_CURRENCY", "FK_ENTRY_CUSTOMER"]);
    let rows = emu.rows(&[
        "show-keys",
        "--key-direction",
        "exported",
        "--table-name",
        "CUSTOMERS",
        "--schema-name",
        "CORE",
        "--database-name",
        "SALES",
    ]);
    let mut fks = col(&rows, "fk_name");
    fks.sort();
    assert_eq!(fks, ["FK_ENTRY_CUSTOMER", "FK_ORDERS_CUSTOMER", "FK_REVENUE_CUSTOMER"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn table_output_and_a_denied_database() {
    let emu = sample().await;
    let out = emu.run(&["tables", "--database", "SALES", "--schema", "CORE", "--format", "table"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.lines().next().unwrap().starts_with("TABLE_CATALOG | TABLE_SCHEMA | TABLE_NAME"), "{text}");
    assert!(text.trim_end().ends_with("(4 rows)"), "{text}");

    let out = emu.run(&["tables", "--database", "HR", "--role", "SNOWCAT_CRAWLER"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("002003") && err.contains("'HR' does not exist or not authorized"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_name_the_parameter() {
    let emu = sample().await;
    assert!(emu.usage(&["tables"]).contains("--database"));
    assert!(emu.usage(&["show"]).contains("--object-type"));
    let e = emu.usage(&["show", "--object-type", "tables"]);
    assert!(e.contains("databases") && e.contains("schemas"), "{e}");
    let e = emu.usage(&["show-grants", "--grant-view", "to_role"]);
    assert!(e.contains("--role-name is required with --grant-view to_role"), "{e}");
    let e = emu.usage(&["show-grants", "--grant-view", "to_user", "--role-name", "ANALYST"]);
    assert!(e.contains("--user-name"), "{e}");
    let e = emu.usage(&["show-grants", "--grant-view", "everything", "--role-name", "ANALYST"]);
    assert!(e.contains("on_object"), "{e}");
    let e = emu.usage(&["show-grants", "--grant-view", "on_object", "--object-type", "table"]);
    assert!(e.contains("--object-name"), "{e}");
    let e = emu.usage(&[
        "show-grants",
        "--grant-view",
        "on_object",
        "--object-type",
        "table",
        "--object-name",
        "a b.c",
    ]);
    assert!(e.contains("--object-name"), "{e}");
    assert!(emu.usage(&["show-keys", "--key-direction", "imported"]).contains("--table-name"));
    let e = emu.usage(&["show-keys", "--key-direction", "sideways", "--table-name", "T"]);
    assert!(e.contains("imported") && e.contains("exported"), "{e}");
    let e = emu.usage(&["show-keys", "--key-direction", "imported", "--table-name", "ORDERS"]);
    assert!(e.contains("--database-name is required"), "{e}");
    let e = emu.usage(&["table-constraints", "--database", "SALES", "--constraint-type", "CHECK"]);
    assert!(e.contains("--constraint-type"), "{e}");
    assert!(emu.usage(&["columns", "--database", "SALES", "--limit", "0"]).contains("--limit"));
    assert!(emu.usage(&["no-such-tool"]).contains("no-such-tool"));
}
