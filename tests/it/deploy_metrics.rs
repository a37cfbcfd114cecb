//! Every metric the Grafana dashboard and the alert rules use is one `snowcat run` exports: the names are
//! taken from `Metrics::render()` after every recording method ran once, and compared with each
//! `snowcat_*` identifier in the dashboard's PromQL and in alerts.yml. Also checks that the dashboard has
//! its account variable and covers the panels the issue lists.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use snowcat::metrics::{Metrics, RunStatus};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Metric names the daemon exports (histograms also as `_bucket`, `_sum`, `_count`).
fn exported() -> BTreeSet<String> {
    let m = Metrics::new().unwrap();
    m.run_finished("a", RunStatus::Success, Duration::from_secs(1), 1.0);
    m.statement_finished("a", "show", "ok", Duration::from_millis(5));
    m.http_response("a", 200);
    m.retry("a", "server");
    m.received("a", 1, 1);
    m.objects_current("a", "table", 1);
    m.changes("a", "table", "breaking", 1);
    m.scopes_not_visible("a", 0);
    m.token_refresh("a", true);
    m.token_refresh("a", false);
    m.run_skipped("a");
    m.catalog_size(1);
    m.feed_delivery("webhook", "ok");
    m.config_reload("ok");
    let mut names = BTreeSet::new();
    for line in m.render().lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split_whitespace();
            let name = parts.next().unwrap().to_string();
            if parts.next() == Some("histogram") {
                for suffix in ["_bucket", "_sum", "_count"] {
                    names.insert(format!("{name}{suffix}"));
                }
            }
            names.insert(name);
        }
    }
    names
}

/// Every `snowcat_*` identifier in `text`.
fn metric_names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(pos) = text[i..].find("snowcat_") {
        let start = i + pos;
        let boundary = start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        let mut end = start;
        while end < bytes.len() && (bytes[end].is_ascii_alphanumeric() || bytes[end] == b'_') {
            end += 1;
        }
        if boundary {
            out.insert(text[start..end].to_string());
        }
        i = end;
    }
    out
}

fn dashboard() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(root().join("deploy/grafana/snowcat.json")).unwrap())
        .unwrap()
}

fn dashboard_exprs() -> Vec<String> {
    let d = dashboard();
    let mut exprs = Vec::new();
    for panel in d["panels"].as_array().unwrap() {
        for t in panel["targets"].as_array().unwrap() {
            exprs.push(t["expr"].as_str().unwrap().to_string());
        }
    }
    exprs
}

#[test]
fn the_dashboard_names_only_exported_metrics() {
    let exported = exported();
    let exprs = dashboard_exprs();
    assert!(exprs.len() >= 10, "{exprs:?}");
    for e in &exprs {
        let names = metric_names(e);
        assert!(!names.is_empty(), "no snowcat metric in {e}");
        for n in names {
            assert!(exported.contains(&n), "dashboard uses {n}, not exported; exported: {exported:?}");
        }
    }
}

#[test]
fn the_alert_rules_name_only_exported_metrics() {
    let exported = exported();
    let text = std::fs::read_to_string(root().join("deploy/prometheus/alerts.yml")).unwrap();
    let exprs: Vec<&str> = text.lines().filter(|l| !l.trim_start().starts_with('#')).collect();
    let names = metric_names(&exprs.join("\n"));
    assert!(names.len() >= 5, "{names:?}");
    for n in names {
        assert!(exported.contains(&n), "alerts.yml uses {n}, not exported");
    }
}

#[test]
fn the_dashboard_has_an_account_variable_and_the_listed_panels() {
    let d = dashboard();
    let vars = d["templating"]["list"].as_array().unwrap();
    assert!(vars.iter().any(|v| v["name"] == "account"));
    let all = dashboard_exprs().join("\n");
    for e in dashboard_exprs() {
        if e.contains("{")
            && !e.contains("snowcat_catalog_file_size_bytes")
            && !e.contains("snowcat_build_info")
        {
            assert!(e.contains("account=~\"$account\""), "not filtered by account: {e}");
        }
    }
    for needed in [
        "snowcat_runs_total",
        "snowcat_run_duration_seconds_bucket",
        "snowcat_last_successful_run_timestamp_seconds",
        "snowcat_statements_total",
        "snowcat_statement_duration_seconds_bucket",
        "snowcat_retries_total",
        "snowcat_http_requests_total",
        "snowcat_objects",
        "snowcat_changes_total",
        "snowcat_scopes_not_visible",
        "snowcat_token_refresh_failures_total",
        "snowcat_catalog_file_size_bytes",
    ] {
        assert!(metric_names(&all).contains(needed), "no panel uses {needed}");
    }
}

#[test]
fn metric_names_are_found_whole() {
    let names = metric_names("rate(snowcat_runs_total{a=\"x\"}[5m]) / xsnowcat_no + snowcat_objects");
    assert_eq!(names.into_iter().collect::<Vec<_>>(), vec!["snowcat_objects", "snowcat_runs_total"]);
}
