//! Against a real Prometheus server (Debian package `prometheus`; skipped with a notice when absent): the
//! daemon crawls the emulator, Prometheus scrapes it and loads deploy/prometheus/alerts.yml, and through
//! Prometheus's HTTP API every metric the dashboard and the alert rules use has samples and every rule
//! group loaded without error. Also: every dashboard PromQL expression parses (`promtool check rules` over
//! a generated recording-rule file).

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::daemon;
use daemon::start_daemon;
use snowflake_emulator::Emulator;
use snowflake_emulator::model::Account;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
}

fn dashboard_exprs() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("deploy/grafana/snowcat.json")).unwrap();
    let d: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out = Vec::new();
    for p in d["panels"].as_array().unwrap() {
        for t in p["targets"].as_array().unwrap() {
            // Grafana substitutes the multi-value variable as a regex.
            out.push(t["expr"].as_str().unwrap().replace("$account", ".*"));
        }
    }
    out
}

/// Every `snowcat_*` identifier in `text`.
fn metric_names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("snowcat_"))
        .map(str::to_string)
        .collect();
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_dashboard_expression_parses() {
    if !have("promtool") {
        eprintln!(
            "notice: promtool not installed (Debian package `prometheus`, see .ci/install-deps); skipping"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut rules = String::from("groups:\n  - name: dashboard\n    rules:\n");
    for (i, e) in dashboard_exprs().iter().enumerate() {
        rules.push_str(&format!(
            "      - record: dashboard:panel_{i}\n        expr: {}\n",
            serde_json::json!(e)
        ));
    }
    let path = dir.path().join("dashboard.rules.yml");
    std::fs::write(&path, rules).unwrap();
    let out = Command::new("promtool").args(["check", "rules"]).arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_every_metric_the_dashboard_and_alerts_use() {
    if !have("prometheus") {
        eprintln!(
            "notice: prometheus not installed (Debian package `prometheus`, see .ci/install-deps); skipping"
        );
        return;
    }
    let emu = Emulator::builder(Account::from_sql(snowflake_emulator::sample_sql()).unwrap())
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("pat");
    std::fs::write(&token, "any-token\n").unwrap();
    let config = dir.path().join("snowcat.toml");
    std::fs::write(
        &config,
        format!(
            "[catalog]\npath = \"{}\"\n[http]\nlisten = \"127.0.0.1:0\"\n[[accounts]]\nname = \"prod\"\n\
             url = \"{}\"\nschedule = \"*/5 * * * * *\"\nrun_at_start = true\n[accounts.auth.pat]\n\
             token_file = \"{}\"\n",
            dir.path().join("catalog.db").display(),
            emu.base_url(),
            token.display()
        ),
    )
    .unwrap();
    let daemon = start_daemon(&config, &["any-token"]);
    let target = daemon.base.trim_start_matches("http://").to_string();

    let port = free_port();
    let prom_cfg = dir.path().join("prometheus.yml");
    std::fs::write(
        &prom_cfg,
        format!(
            "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {}\n\
             scrape_configs:\n  - job_name: snowcat\n    static_configs:\n      - targets: ['{target}']\n",
            root().join("deploy/prometheus/alerts.yml").display()
        ),
    )
    .unwrap();
    let _prom = Killed(
        Command::new("prometheus")
            .arg(format!("--config.file={}", prom_cfg.display()))
            .arg(format!("--storage.tsdb.path={}", dir.path().join("tsdb").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let api = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();

    let alerts = std::fs::read_to_string(root().join("deploy/prometheus/alerts.yml")).unwrap();
    let mut wanted = metric_names(&dashboard_exprs().join("\n"));
    wanted.extend(metric_names(&alerts));
    wanted.sort();
    wanted.dedup();
    let mut missing = wanted.clone();
    // Bounded poll (a hang guard, not a speed check): scrapes every second, runs every 5 s.
    for _ in 0..300 {
        let mut still = Vec::new();
        for name in &missing {
            let url = format!("{api}/api/v1/query");
            let body: Option<serde_json::Value> =
                match client.get(&url).query(&[("query", name)]).send().await {
                    Ok(r) => r.json().await.ok(),
                    Err(_) => None,
                };
            let has = body.is_some_and(|b| b["data"]["result"].as_array().is_some_and(|r| !r.is_empty()));
            if !has {
                still.push(name.clone());
            }
        }
        missing = still;
        if missing.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(missing.is_empty(), "no samples in Prometheus for {missing:?} (wanted {wanted:?})");

    let rules: serde_json::Value =
        client.get(format!("{api}/api/v1/rules")).send().await.unwrap().json().await.unwrap();
    let groups = rules["data"]["groups"].as_array().unwrap();
    let loaded: Vec<&str> = groups
        .iter()
        .flat_map(|g| g["rules"].as_array().unwrap())
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(loaded.len(), alerts.matches("- alert:").count(), "{loaded:?}");
    for g in groups {
        for r in g["rules"].as_array().unwrap() {
            assert_ne!(r["health"], "err", "rule {} failed: {}", r["name"], r["lastError"]);
        }
    }
    emu.shutdown().await;
}
