//! `snowcat mcp` as an agent sees it: rmcp's client over a child process drives the real binary against
//! the emulator's sample account. The tool list is the connector's (names, parameters, required ones,
//! types), and every tool answers once with a checked value: the fourteen live tools from the emulator,
//! the catalog tools from a catalog with two crawls and changes between them.

use serde_json::{Value, json};
use snowflake_emulator::faults::Faults;

use crate::mcp_support::{column, fixture, ok, refused};

/// A parameter: name, JSON type, required.
type Param = (&'static str, &'static str, bool);

/// The Scalekit Snowflake connector's parameter tables (its `snowflake.ts` definition): per tool, each
/// parameter's name, type and whether it is required.
const CONNECTOR: &[(&str, &[Param])] = &[
    (
        "snowflake_execute_query",
        &[
            ("statement", "string", true),
            ("async", "boolean", false),
            ("bindings", "object", false),
            ("database", "string", false),
            ("nullable", "boolean", false),
            ("parameters", "object", false),
            ("request_id", "string", false),
            ("retry", "boolean", false),
            ("role", "string", false),
            ("schema", "string", false),
            ("timeout", "integer", false),
            ("warehouse", "string", false),
        ],
    ),
    ("snowflake_get_query_status", &[("statement_handle", "string", true), ("request_id", "string", false)]),
    (
        "snowflake_get_query_partition",
        &[
            ("partition", "integer", true),
            ("statement_handle", "string", true),
            ("request_id", "string", false),
        ],
    ),
    ("snowflake_cancel_query", &[("statement_handle", "string", true), ("request_id", "string", false)]),
    (
        "snowflake_get_schemata",
        &[
            ("database", "string", true),
            ("limit", "integer", false),
            ("role", "string", false),
            ("schema_like", "string", false),
            ("warehouse", "string", false),
        ],
    ),
    (
        "snowflake_get_tables",
        &[
            ("database", "string", true),
            ("limit", "integer", false),
            ("role", "string", false),
            ("schema", "string", false),
            ("table_name_like", "string", false),
            ("warehouse", "string", false),
        ],
    ),
    (
        "snowflake_get_columns",
        &[
            ("database", "string", true),
            ("column_name_like", "string", false),
            ("limit", "integer", false),
            ("role", "string", false),
            ("schema", "string", false),
            ("table", "string", false),
            ("warehouse", "string", false),
        ],
    ),
    (
        "snowflake_get_table_constraints",
        &[
            ("database", "string", true),
            ("constraint_type", "string", false),
            ("limit", "integer", false),
            ("role", "string", false),
            ("schema", "string", false),
            ("table", "string", false),
            ("warehouse", "string", false),
        ],
    ),
    (
        "snowflake_get_referential_constraints",
        &[
            ("database", "string", true),
            ("limit", "integer", false),
            ("role", "string", false),
            ("schema", "string", false),
            ("table", "string", false),
            ("warehouse", "string", false),
        ],
    ),
    (
        "snowflake_show_databases_schemas",
        &[
            ("object_type", "string", true),
            ("database_name", "string", false),
            ("like_pattern", "string", false),
            ("role", "string", false),
            ("warehouse", "string", false),
        ],
    ),
    (
        "snowflake_show_warehouses",
        &[("like_pattern", "string", false), ("role", "string", false), ("warehouse", "string", false)],
    ),
    (
        "snowflake_show_grants",
        &[
            ("grant_view", "string", true),
            ("object_name", "string", false),
            ("object_type", "string", false),
            ("role", "string", false),
            ("role_name", "string", false),
            ("user_name", "string", false),
            ("warehouse", "string", false),
        ],
    ),
    (
        "snowflake_show_primary_keys",
        &[
            ("database_name", "string", false),
            ("role", "string", false),
            ("schema_name", "string", false),
            ("table_name", "string", false),
            ("warehouse", "string", false),
        ],
    ),
    (
        "snowflake_show_imported_exported_keys",
        &[
            ("key_direction", "string", true),
            ("table_name", "string", true),
            ("database_name", "string", false),
            ("role", "string", false),
            ("schema_name", "string", false),
            ("warehouse", "string", false),
        ],
    ),
];

const CATALOG_TOOLS: [&str; 8] = [
    "catalog_changes",
    "catalog_history",
    "catalog_object",
    "catalog_coverage",
    "catalog_search",
    "catalog_who_can_reach",
    "catalog_what_can_reach",
    "catalog_runs",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tools_list_equals_the_connectors_parameter_tables() {
    let fx = fixture(Faults::default(), None).await;
    let client = fx.connect(&[]).await;
    let tools = client.list_all_tools().await.unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    let mut want: Vec<&str> = CONNECTOR.iter().map(|(n, _)| *n).collect();
    want.extend(CATALOG_TOOLS);
    assert_eq!(names, want, "the connector's fourteen tools, then the catalog's");
    for (name, params) in CONNECTOR {
        let tool = tools.iter().find(|t| t.name == *name).unwrap();
        let schema = &tool.input_schema;
        assert_eq!(schema["type"], "object", "{name}");
        let props = schema["properties"].as_object().unwrap();
        let mut got: Vec<(String, String)> = props
            .iter()
            .map(|(k, v)| {
                (k.clone(), v["type"].as_str().unwrap_or_else(|| panic!("{name}.{k}: {v}")).to_string())
            })
            .collect();
        got.sort();
        let mut expected: Vec<(String, String)> =
            params.iter().map(|(n, t, _)| (n.to_string(), t.to_string())).collect();
        expected.sort();
        assert_eq!(got, expected, "{name}: parameter names and types");
        let mut required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        required.sort_unstable();
        let mut want_required: Vec<&str> = params.iter().filter(|p| p.2).map(|p| p.0).collect();
        want_required.sort_unstable();
        assert_eq!(required, want_required, "{name}: required parameters");
        assert!(tool.output_schema.is_some(), "{name} declares its output");
        let read_only = tool.annotations.as_ref().and_then(|a| a.read_only_hint);
        let expect_read_only = *name != "snowflake_cancel_query";
        assert_eq!(read_only, Some(expect_read_only), "{name}: read-only by default");
    }
    for name in CATALOG_TOOLS {
        let tool = tools.iter().find(|t| t.name == name).unwrap();
        let a = tool.annotations.as_ref().unwrap();
        assert_eq!((a.read_only_hint, a.open_world_hint), (Some(true), Some(false)), "{name}: no network");
    }
    client.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_live_tool_answers_from_the_emulator() {
    let fx = fixture(Faults::default(), Some(4)).await;
    let c = fx.connect(&[]).await;

    // INFORMATION_SCHEMA tools (values as in config/emulator/sample.sql).
    let a = ok(&c, "snowflake_get_schemata", json!({"database": "SALES", "schema_like": "L%"})).await;
    assert_eq!(column(&a, "SCHEMA_NAME"), ["Legacy Import"]);
    let a = ok(
        &c,
        "snowflake_get_tables",
        json!({"database": "SALES", "schema": "REPORTING", "table_name_like": "%CUST%"}),
    )
    .await;
    assert_eq!(column(&a, "TABLE_NAME"), ["ACTIVE_CUSTOMERS", "VIP_CUSTOMERS"]);
    assert!(a["sql"].as_str().unwrap().contains("INFORMATION_SCHEMA.TABLES"), "{a}");
    let a = ok(
        &c,
        "snowflake_get_columns",
        json!({"database": "SALES", "schema": "CORE", "table": "CUSTOMERS", "limit": 3}),
    )
    .await;
    assert_eq!(column(&a, "COLUMN_NAME")[0], "CUSTOMER_ID");
    assert_eq!(a["num_rows"], 3);
    let a = ok(
        &c,
        "snowflake_get_table_constraints",
        json!({"database": "FINANCE", "schema": "LEDGER", "table": "ENTRIES", "constraint_type": "foreign key"}),
    )
    .await;
    assert_eq!(column(&a, "CONSTRAINT_NAME"), ["FK_ENTRY_ACCOUNT", "FK_ENTRY_CURRENCY", "FK_ENTRY_CUSTOMER"]);
    let a =
        ok(&c, "snowflake_get_referential_constraints", json!({"database": "FINANCE", "table": "ENTRIES"}))
            .await;
    assert_eq!(column(&a, "CONSTRAINT_NAME").len(), 3, "{a}");

    // SHOW tools.
    let a = ok(
        &c,
        "snowflake_show_databases_schemas",
        json!({"object_type": "databases", "like_pattern": "sal%"}),
    )
    .await;
    assert_eq!(column(&a, "name"), ["SALES"]);
    let a = ok(
        &c,
        "snowflake_show_databases_schemas",
        json!({"object_type": "schemas", "database_name": "marketing db"}),
    )
    .await;
    assert!(column(&a, "name").contains(&"Campaigns 2025".to_string()), "{a}");
    let a = ok(&c, "snowflake_show_warehouses", json!({"like_pattern": "crawler%"})).await;
    assert_eq!(column(&a, "name"), ["CRAWLER_WH"]);
    let a = ok(&c, "snowflake_show_grants", json!({"grant_view": "to_role", "role_name": "SNOWCAT_CRAWLER"}))
        .await;
    assert!(column(&a, "grantee_name").iter().all(|g| g == "SNOWCAT_CRAWLER"), "{a}");
    assert!(a["num_rows"].as_u64().unwrap() > 4 && a["next"].is_object(), "more than one partition: {a}");
    let a = ok(
        &c,
        "snowflake_show_primary_keys",
        json!({"database_name": "SALES", "schema_name": "CORE", "table_name": "ORDERS"}),
    )
    .await;
    assert_eq!(column(&a, "column_name"), ["ORDER_ID"]);
    let a = ok(
        &c,
        "snowflake_show_imported_exported_keys",
        json!({"key_direction": "exported", "database_name": "SALES", "schema_name": "CORE", "table_name": "CUSTOMERS"}),
    )
    .await;
    assert!(column(&a, "fk_table_name").contains(&"ORDERS".to_string()), "{a}");

    // A statement, a page at a time: 4 rows per partition here, so the columns of SALES span several.
    let sql = "SELECT TABLE_NAME, COLUMN_NAME FROM SALES.INFORMATION_SCHEMA.COLUMNS ORDER BY TABLE_NAME, COLUMN_NAME";
    let a = ok(&c, "snowflake_execute_query", json!({"statement": sql})).await;
    assert_eq!(a["status"], "succeeded");
    assert_eq!(a["rows"].as_array().unwrap().len(), 4);
    assert!(a["partitions"].as_u64().unwrap() > 2, "{a}");
    let handle = a["statement_handle"].as_str().unwrap().to_string();
    assert_eq!(
        a["next"],
        json!({"tool": "snowflake_get_query_partition", "arguments": {"statement_handle": handle, "partition": 1}})
    );
    let p = ok(&c, "snowflake_get_query_partition", a["next"]["arguments"].clone()).await;
    assert_eq!((p["partition"].as_u64(), p["rows"].as_array().unwrap().len()), (Some(1), 4));
    assert_ne!(p["rows"][0], a["rows"][0], "partition 1 holds the next rows");
    let e =
        refused(&c, "snowflake_get_query_partition", json!({"statement_handle": handle, "partition": 99}))
            .await;
    assert!(e.contains("partition 99 out of range"), "{e}");

    // Asynchronously: a handle at once, then its status.
    let a = ok(&c, "snowflake_execute_query", json!({"statement": "SHOW DATABASES", "async": true})).await;
    let handle = a["statement_handle"].as_str().unwrap().to_string();
    let s = loop {
        let s = ok(&c, "snowflake_get_query_status", json!({"statement_handle": handle})).await;
        if s["status"] == "succeeded" {
            break s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(column(&s, "name").contains(&"SALES".to_string()), "{s}");
    let x = ok(&c, "snowflake_cancel_query", json!({"statement_handle": handle})).await;
    assert_eq!(x["statement_handle"], handle.as_str());

    // Errors say what to fix.
    let e = refused(&c, "snowflake_get_tables", json!({"database": "SALES", "table_name": "ORDERS"})).await;
    assert!(e.contains("no parameter \"table_name\"") && e.contains("table_name_like"), "{e}");
    let e = refused(&c, "snowflake_show_grants", json!({"grant_view": "to_role"})).await;
    assert!(e.contains("role_name is required with grant_view to_role"), "{e}");
    let e = refused(&c, "snowflake_get_tables", json!({})).await;
    assert!(e.contains("missing field `database`"), "{e}");
    c.cancel().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_catalog_tool_answers_from_the_catalog() {
    let fx = fixture(Faults::default(), None).await;
    fx.seed().await;
    let c = fx.connect(&[]).await;

    let runs = ok(&c, "catalog_runs", json!({})).await;
    let ids: Vec<i64> =
        runs["runs"].as_array().unwrap().iter().map(|r| r["run_id"].as_i64().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{runs}");
    let (first, second) = (ids[1], ids[0]);
    assert!(second > first, "newest first");
    let page = ok(&c, "catalog_runs", json!({"limit": 1})).await;
    assert_eq!(page["runs"][0]["run_id"], second);
    let rest = ok(&c, "catalog_runs", json!({"limit": 1, "cursor": page["next_cursor"]})).await;
    assert_eq!(rest["runs"][0]["run_id"], first);
    assert!(rest.get("next_cursor").is_none(), "{rest}");
    let e =
        refused(&c, "catalog_runs", json!({"limit": 2, "cursor": page["next_cursor"], "account": "other"}))
            .await;
    assert!(e.contains("cursor was made for other arguments"), "{e}");

    // What changed: the latest run by default, filtered by severity and object.
    let all = ok(&c, "catalog_changes", json!({})).await;
    let names: Vec<&str> =
        all["changes"].as_array().unwrap().iter().map(|c| c["object_name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"SALES.CORE.CUSTOMERS.PHONE") && names.contains(&"SALES.STAGING.RAW_EVENTS"),
        "{names:?}"
    );
    let breaking = ok(&c, "catalog_changes", json!({"severity": "breaking", "object": "sales.core.*"})).await;
    let rows = breaking["changes"].as_array().unwrap();
    assert!(
        rows.iter()
            .all(|r| r["severity"] == "breaking"
                && r["object_name"].as_str().unwrap().starts_with("SALES.CORE.")),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .any(|r| r["object_name"] == "SALES.CORE.ORDERS.TOTAL" && r["field"] == "numeric_precision"),
        "{rows:?}"
    );
    let since = ok(&c, "catalog_changes", json!({"since": first, "kind": "grant"})).await;
    assert!(
        since["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["object_name"] == "SELECT on TABLE SALES.CORE.ORDERS to ROLE ANALYST"),
        "{since}"
    );
    let none = ok(&c, "catalog_changes", json!({"since": second})).await;
    assert_eq!(none["changes"], json!([]));

    // One object: as it was at the first run, now, and its history.
    let then = ok(&c, "catalog_object", json!({"object": "sales.core.orders", "at": first})).await;
    let total = |o: &Value| {
        o["columns"].as_array().unwrap().iter().find(|c| c["name"] == "TOTAL").unwrap()["attributes"]["numeric_precision"].clone()
    };
    assert_eq!((then["name"].as_str(), then["as_of_run"].as_i64()), (Some("SALES.CORE.ORDERS"), Some(first)));
    assert_eq!(total(&then), 14);
    let now = ok(&c, "catalog_object", json!({"object": "SALES.CORE.ORDERS"})).await;
    assert_eq!(total(&now), 10);
    assert!(
        now["grants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["privilege"] == "SELECT" && g["grantee_name"] == "ANALYST"),
        "{now}"
    );
    let stream = ok(&c, "catalog_object", json!({"object": "SALES.PIPELINE.RAW_ORDERS_STREAM"})).await;
    assert_eq!(
        (stream["kind"].as_str(), stream["attributes"]["comment"].as_str()),
        (Some("stream"), Some("New raw orders"))
    );
    let view =
        ok(&c, "catalog_object", json!({"object": "sales.reporting.active_customers", "kind": "view"})).await;
    assert!(view["attributes"].to_string().contains("IS_ACTIVE"), "the view's definition: {view}");
    assert!(!view["columns"].as_array().unwrap().is_empty(), "and its columns: {view}");
    let wh = ok(&c, "catalog_object", json!({"object": "TRANSFORM_WH"})).await;
    assert_eq!(
        (wh["kind"].as_str(), wh["attributes"]["size"].as_str()),
        (Some("warehouse"), Some("X-Large"))
    );
    let gone = ok(&c, "catalog_history", json!({"object": "SALES.STAGING.RAW_EVENTS"})).await;
    assert_eq!(gone["versions"][0]["end_run"], second, "dropped in the second run: {gone}");
    assert!(
        gone["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["object_kind"] == "table" && c["change"] == "removed"),
        "{gone}"
    );
    let e = refused(&c, "catalog_object", json!({"object": "SALES.CORE.ORDRES"})).await;
    assert!(e.contains("not in the catalog") && e.contains("SALES.CORE.ORDERS"), "the closest names: {e}");

    // The second crawl could not see FINANCE.LEDGER: a gap, not a removal.
    let gaps = ok(&c, "catalog_coverage", json!({})).await;
    assert_eq!(gaps["run_id"], second);
    assert!(
        gaps["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["scope"].as_str().unwrap().contains("FINANCE.LEDGER")),
        "{gaps}"
    );
    let search = ok(&c, "catalog_search", json!({"pattern": "phone", "kind": "column"})).await;
    assert_eq!(search["hits"][0]["object_name"], "SALES.CORE.CUSTOMERS.PHONE");
    assert_eq!(search["hits"][0]["comment"], "E.164 phone number");

    // Who reaches a table, through account roles and database roles; a masked column says so.
    let who = ok(&c, "catalog_who_can_reach", json!({"object": "sales.core.customers"})).await;
    let paths: Vec<&str> = who["paths"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["principal"] == "BOB")
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "USER BOB -> ROLE ANALYST -> DATABASE ROLE SALES.ANALYST -> DATABASE ROLE SALES.READER -> SELECT on TABLE SALES.CORE.CUSTOMERS"
        ],
        "{who}"
    );
    let email = ok(&c, "catalog_who_can_reach", json!({"object": "SALES.CORE.CUSTOMERS.EMAIL"})).await;
    assert!(
        email["paths"].as_array().unwrap().iter().all(|p| p["masking_policy"] == "SALES.CORE.EMAIL_MASK"),
        "{email}"
    );
    // What a user reaches, a page at a time.
    let first_page = ok(&c, "catalog_what_can_reach", json!({"user": "BOB", "limit": 1})).await;
    assert_eq!(first_page["paths"].as_array().unwrap().len(), 1, "{first_page}");
    let next = ok(
        &c,
        "catalog_what_can_reach",
        json!({"user": "BOB", "limit": 1, "cursor": first_page["next_cursor"]}),
    )
    .await;
    assert_ne!(first_page["paths"][0], next["paths"][0], "{next}");
    let e = refused(&c, "catalog_what_can_reach", json!({"user": "BOB", "role": "ANALYST"})).await;
    assert!(e.contains("exactly one of role"), "{e}");

    // A live tool naming an unknown database gets the catalog's closest names.
    let e = refused(&c, "snowflake_get_tables", json!({"database": "SALSE"})).await;
    assert!(e.contains("002003") && e.contains("closest names are: SALES"), "{e}");
    c.cancel().await.unwrap();
}
