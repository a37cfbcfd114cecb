//! deploy/ is tested like code: the Kubernetes manifests parse, their probe paths answer on the daemon's
//! real HTTP server and their ports match the daemon's default listen port; the PrometheusRule carries the
//! same rules as alerts.yml; the shipped configs validate; the systemd unit passes `systemd-analyze
//! verify` and its stop timeout exceeds the shutdown grace; `promtool check rules` passes. Tools that are
//! not installed (python3 + yaml, kubectl, systemd-analyze, promtool) make their part skip with a notice.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use snowcat::config::{self, DEFAULT_LISTEN};
use snowcat::metrics::Metrics;
use snowcat::serve::{self, HttpLimits, Readiness, ServeState};
use tokio_util::sync::CancellationToken;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn have(tool: &str, arg: &str) -> bool {
    Command::new(tool).arg(arg).output().map(|o| o.status.success()).unwrap_or(false)
}

/// Every YAML document of `text` as JSON, through python3's yaml; `None` when python3/yaml are missing.
fn yaml_docs(text: &str) -> Option<Vec<Value>> {
    let script = "import sys, json, yaml\nprint(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))";
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    use std::io::Write;
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("No module named") {
            return None;
        }
        panic!("YAML does not parse: {err}");
    }
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

/// Line-based sanity check used when python3's yaml is missing: no tabs, every non-comment line is a
/// `key: value`, a list item or a block-scalar continuation.
fn yaml_lines_ok(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    for (n, line) in text.lines().enumerate() {
        assert!(!line.contains('\t'), "{}:{}: tab in YAML", path.display(), n + 1);
    }
}

fn kube_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("deploy/kubernetes"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// All Kubernetes objects of the base: `kubectl kustomize` output when kubectl exists, else each file.
fn kube_objects() -> Option<Vec<Value>> {
    let dir = root().join("deploy/kubernetes");
    if let Ok(out) = Command::new("kubectl").arg("kustomize").arg(&dir).output() {
        assert!(out.status.success(), "kubectl kustomize: {}", String::from_utf8_lossy(&out.stderr));
        return yaml_docs(&String::from_utf8(out.stdout).unwrap());
    }
    let mut all = Vec::new();
    for f in kube_files() {
        if f.file_name().is_some_and(|n| n == "kustomization.yaml") {
            continue;
        }
        all.extend(yaml_docs(&std::fs::read_to_string(&f).unwrap())?);
    }
    Some(all)
}

fn find<'a>(objs: &'a [Value], kind: &str) -> &'a Value {
    objs.iter().find(|o| o["kind"] == kind).unwrap_or_else(|| panic!("no {kind} in the base"))
}

fn default_port() -> u16 {
    DEFAULT_LISTEN.rsplit(':').next().unwrap().parse().unwrap()
}

#[test]
fn every_manifest_parses() {
    for f in kube_files().into_iter().chain([root().join("deploy/prometheus/alerts.yml")]) {
        match yaml_docs(&std::fs::read_to_string(&f).unwrap()) {
            Some(docs) => assert!(!docs.is_empty(), "{} has no document", f.display()),
            None => {
                eprintln!("notice: python3 yaml missing; line check only for {}", f.display());
                yaml_lines_ok(&f);
            }
        }
    }
}

#[tokio::test]
async fn probes_and_ports_match_the_daemon() {
    let Some(objs) = kube_objects() else {
        eprintln!("notice: python3 yaml missing; skipping the probe check");
        return;
    };
    let deploy = find(&objs, "Deployment");
    assert_eq!(deploy["spec"]["replicas"], 1, "SQLite has one writer");
    assert_eq!(deploy["spec"]["strategy"]["type"], "Recreate");
    let pod = &deploy["spec"]["template"]["spec"];
    let c = &pod["containers"][0];
    let port = c["ports"][0]["containerPort"].as_u64().unwrap();
    assert_eq!(port, u64::from(default_port()), "containerPort vs the daemon's default port");
    let listen = c["env"].as_array().unwrap().iter().find(|e| e["name"] == "SNOWCAT__HTTP__LISTEN").unwrap();
    assert_eq!(listen["value"].as_str().unwrap(), format!("0.0.0.0:{}", default_port()));
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap();
    assert!(grace > config::DaemonConfig::default().shutdown_grace.as_secs(), "pod grace vs shutdown grace");
    let service = find(&objs, "Service");
    assert_eq!(service["spec"]["ports"][0]["port"].as_u64().unwrap(), port);

    // The probe paths answer on the daemon's real router (healthz 200; readyz 200 or 503, never 404).
    let listener = serve::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = ServeState { metrics: Metrics::new().unwrap(), readiness: Arc::new(Readiness::default()) };
    let limits = HttpLimits::from_config(&config::HttpConfig::default());
    let stop = CancellationToken::new();
    tokio::spawn(serve::serve(listener, state, limits, stop.clone()));
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    for (probe, ok) in [("livenessProbe", &[200u16][..]), ("readinessProbe", &[200, 503][..])] {
        let get = &c[probe]["httpGet"];
        assert_eq!(get["port"], "http", "{probe} uses the named port");
        let path = get["path"].as_str().unwrap();
        let status = client.get(format!("{base}{path}")).send().await.unwrap().status().as_u16();
        assert!(ok.contains(&status), "{probe} {path} answered {status}");
    }
    let monitor = find(&objs, "ServiceMonitor");
    let path = monitor["spec"]["endpoints"][0]["path"].as_str().unwrap();
    let status = client.get(format!("{base}{path}")).send().await.unwrap().status();
    assert_eq!(status, 200, "ServiceMonitor path {path}");
    stop.cancel();
}

#[test]
fn the_prometheus_rule_carries_the_alert_file() {
    let alerts = yaml_docs(&std::fs::read_to_string(root().join("deploy/prometheus/alerts.yml")).unwrap());
    let rule =
        yaml_docs(&std::fs::read_to_string(root().join("deploy/kubernetes/prometheusrule.yaml")).unwrap());
    let (Some(alerts), Some(rule)) = (alerts, rule) else {
        eprintln!("notice: python3 yaml missing; skipping");
        return;
    };
    assert_eq!(alerts[0]["groups"], rule[0]["spec"]["groups"]);
    let names: Vec<&str> = alerts[0]["groups"][0]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["alert"].as_str().unwrap())
        .collect();
    for want in
        ["CrawlFailing", "CatalogStale", "PartialRuns", "TokenRefresh", "CoverageGaps", "Breaking", "Skipped"]
    {
        assert!(names.iter().any(|n| n.contains(want)), "no alert about {want}: {names:?}");
    }
}

#[test]
fn shipped_configs_validate() {
    // The Kubernetes config, with the overrides the Deployment sets.
    let text = std::fs::read_to_string(root().join("deploy/kubernetes/snowcat.toml")).unwrap();
    let env = vec![
        ("SNOWCAT__HTTP__LISTEN".to_string(), "0.0.0.0:18473".to_string()),
        ("SNOWCAT__CATALOG__PATH".to_string(), "/var/lib/snowcat/catalog.db".to_string()),
    ];
    let cfg = config::load_str(&text, env).unwrap_or_else(|e| panic!("deploy/kubernetes/snowcat.toml: {e}"));
    assert_eq!(cfg.http.listen, "0.0.0.0:18473");
    assert_eq!(cfg.accounts.len(), 1);
}

#[test]
fn the_systemd_unit_verifies_and_outlasts_the_grace_period() {
    let unit = std::fs::read_to_string(root().join("deploy/systemd/snowcat.service")).unwrap();
    let value = |key: &str| {
        unit.lines().find_map(|l| l.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("no {key}"))
    };
    assert!(value("ExecStartPre").contains("snowcat validate"));
    assert!(value("ExecStart").contains("snowcat run"));
    let stop = Duration::from_secs(value("TimeoutStopSec").trim_end_matches('s').parse().unwrap());
    assert!(stop > config::DaemonConfig::default().shutdown_grace, "TimeoutStopSec {stop:?}");
    for key in
        ["DynamicUser", "StateDirectory", "LoadCredential", "ProtectSystem", "NoNewPrivileges", "Restart"]
    {
        value(key);
    }
    if !have("systemd-analyze", "--version") {
        eprintln!("notice: systemd-analyze not installed; skipping verify");
        return;
    }
    // Verify a copy whose binary exists here (verify checks that ExecStart paths are executable).
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("snowcat.service");
    std::fs::write(&copy, unit.replace("/usr/local/bin/snowcat", env!("CARGO_BIN_EXE_snowcat"))).unwrap();
    let out = Command::new("systemd-analyze").arg("verify").arg(&copy).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("snowcat.service:"), "systemd-analyze verify: {stderr}");
}

#[test]
fn promtool_accepts_the_rules() {
    if !have("promtool", "--version") {
        eprintln!(
            "notice: promtool not installed (Debian package `prometheus`, see .ci/install-deps); skipping"
        );
        return;
    }
    let out = Command::new("promtool")
        .args(["check", "rules"])
        .arg(root().join("deploy/prometheus/alerts.yml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "promtool: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
