//! The real `snowcat run` binary: JSON logs when not on a terminal, SIGHUP with a broken config keeps the
//! old one, SIGTERM ends it with status 0 within the grace period.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill").arg(format!("-{sig}")).arg(pid.to_string()).status().unwrap().success();
    assert!(ok, "kill -{sig} failed");
}

#[test]
fn sighup_with_a_bad_config_keeps_running_and_sigterm_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snowcat.toml");
    let good = format!(
        r#"
[catalog]
path = "{}/catalog.db"
[http]
listen = "127.0.0.1:0"
[daemon]
shutdown_grace = "5s"
[[accounts]]
name = "prod"
url = "http://127.0.0.1:1"
schedule = "0 0 1 1 *"
run_at_start = true
[accounts.auth.pat]
token_env = "SNOWCAT_TEST_PAT"
"#,
        dir.path().display()
    );
    std::fs::write(&path, &good).unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("snowcat"))
        .args(["run", "--config"])
        .arg(&path)
        .env("RUST_LOG", "info")
        .env_remove("SNOWCAT_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (tx, rx) = mpsc::channel::<serde_json::Value>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let line = line.unwrap();
            let v: serde_json::Value =
                serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON log line ({e}): {line}"));
            if tx.send(v).is_err() {
                return;
            }
        }
    });
    let wait_for = |message: &str| -> serde_json::Value {
        loop {
            let v = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| panic!("no log `{message}`"));
            if v["fields"]["message"] == message {
                return v;
            }
        }
    };
    let serving = wait_for("serving /metrics, /healthz, /readyz");
    let base = format!("http://{}", serving["fields"]["listen"].as_str().unwrap());
    // The token's environment variable is not set: the start run fails saying which one (never a value),
    // with its account and run id on the span.
    let failed = wait_for("run failed");
    let error = failed["fields"]["error"].as_str().unwrap();
    assert!(error.contains("environment variable SNOWCAT_TEST_PAT"), "{error}");
    assert_eq!(failed["span"]["account"], "prod");
    assert!(failed["span"]["run_id"].is_string());

    let rt = tokio::runtime::Runtime::new().unwrap();
    let (health, metrics, ready) = rt.block_on(async {
        let get = |path: &str| reqwest::get(format!("{base}{path}"));
        let health = get("/healthz").await.unwrap().status();
        let metrics = get("/metrics").await.unwrap().text().await.unwrap();
        let ready = get("/readyz").await.unwrap();
        (health, metrics, (ready.status(), ready.json::<serde_json::Value>().await.unwrap()))
    });
    assert_eq!(health, 200);
    assert!(
        metrics.lines().any(|l| l == "snowcat_runs_total{account=\"prod\",status=\"failed\"} 1"),
        "{metrics}"
    );
    // A yearly schedule is not stale minutes after start, the catalog directory exists: ready.
    assert_eq!(ready.0, 200, "{}", ready.1);
    assert_eq!(ready.1["catalog"], "migrated");

    std::fs::write(&path, "[http]\nlisten = \"nope\"\n").unwrap();
    signal(pid, "HUP");
    let rejected = wait_for("reload rejected");
    assert_eq!(rejected["fields"]["key"], "http.listen");
    assert!(child.try_wait().unwrap().is_none(), "the daemon must survive a bad reload");

    signal(pid, "TERM");
    wait_for("stopping: no new runs, cancelling runs in flight");
    // Bounded wait: the grace period is 5 s; 60 s only guards against a hang.
    let mut status = None;
    for _ in 0..600 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let Some(status) = status else {
        child.kill().unwrap();
        panic!("snowcat run did not exit after SIGTERM");
    };
    assert_eq!(status.code(), Some(0));
}

#[test]
fn run_refuses_an_invalid_config_before_binding_anything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snowcat.toml");
    std::fs::write(&path, "[http]\nlisten = \"nope\"\n").unwrap();
    let out = Command::new(assert_cmd::cargo::cargo_bin("snowcat"))
        .args(["run", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("http.listen = \"nope\""), "{stderr}");
    assert!(stderr.contains("accounts"), "{stderr}");
}
