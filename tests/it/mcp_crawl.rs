//! The catalog tools read the catalog file opened read-only while `snowcat run` is crawling into it: a
//! second crawl is held mid-way (the emulator makes its SHOW WAREHOUSES slow) and `snowcat mcp`, on the
//! same file, answers from the first crawl and sees the second one running.

use snowflake_emulator::faults::{Faults, SlowRule};
use snowflake_emulator::requestlog::EntryKind;

use crate::common::daemon::start_daemon;
use crate::mcp_support::{ACCOUNT, TOKEN, config_text, fixture, ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_tools_answer_while_the_daemon_crawls_into_the_same_file() {
    let fx = fixture(Faults::default(), None).await;
    fx.crawl().await;
    let slow = SlowRule { contains: "SHOW WAREHOUSES".into(), ms: 600_000 };
    fx.emu.set_faults(Faults { slow_statements: vec![slow], ..Faults::default() });

    // `snowcat run` on the same catalog, crawling at start as the crawler role.
    let daemon_config = fx.dir.path().join("daemon.toml");
    let text = config_text(
        &fx.emu.base_url(),
        &fx.dir.path().join("token"),
        &fx.catalog,
        "[http]\nlisten = \"127.0.0.1:0\"",
    )
    .replace(
        "schedule = \"0 0 1 1 *\"",
        "schedule = \"0 0 1 1 *\"\nrun_at_start = true\nrole = \"SNOWCAT_CRAWLER\"",
    );
    std::fs::write(&daemon_config, text).unwrap();
    let before = fx.emu.request_log().len() as u64;
    let _daemon = start_daemon(&daemon_config, &[TOKEN]);
    fx.wait_for_log("the daemon's crawl reaching SHOW WAREHOUSES", |e| {
        e.seq >= before
            && e.kind == EntryKind::Submit
            && e.statement.as_deref().is_some_and(|s| s.starts_with("SHOW WAREHOUSES"))
    })
    .await;

    let c = fx.connect(&["--catalog-only"]).await;
    let runs = ok(&c, "catalog_runs", serde_json::json!({"account": ACCOUNT})).await;
    let statuses: Vec<&str> =
        runs["runs"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    // The first crawl is partial: the crawler role cannot see every database of the sample account.
    assert_eq!(statuses, ["running", "partial"], "the daemon's run is in flight: {runs}");
    let hits = ok(&c, "catalog_search", serde_json::json!({"pattern": "MONTHLY_REVENUE"})).await;
    assert_eq!(hits["hits"][0]["object_name"], "SALES.REPORTING.MONTHLY_REVENUE", "{hits}");
    let orders = ok(&c, "catalog_object", serde_json::json!({"object": "SALES.CORE.ORDERS"})).await;
    assert!(!orders["columns"].as_array().unwrap().is_empty(), "{orders}");
    let gaps = ok(&c, "catalog_coverage", serde_json::json!({})).await;
    assert_eq!(gaps["run_status"], "partial", "the latest committed run: {gaps}");
    assert!(!gaps["gaps"].as_array().unwrap().is_empty(), "{gaps}");
    c.cancel().await.unwrap();
}
