//! The real `snowcat run` binary as a child process for integration tests: started with JSON logs, waited
//! for until it serves HTTP, killed when dropped. Every log line's message is kept, and a line holding
//! any of the given secrets fails the test (the daemon must never log a credential).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

// Shared by several test crates; each reads the fields it needs.
#[allow(dead_code)]
pub struct Daemon {
    pub child: Child,
    /// `http://<listen>` of the operator server.
    pub base: String,
    /// Every log line's `fields.message`, in order.
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `snowcat run --config <config>` and wait (up to 2 minutes, a hang check) until it serves HTTP.
pub fn start_daemon(config: &Path, secrets: &[&str]) -> Daemon {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("snowcat"))
        .args(["run", "--log-format", "json", "--config"])
        .arg(config)
        .env("RUST_LOG", "info")
        .env_remove("SNOWCAT_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let messages = Arc::new(Mutex::new(Vec::new()));
    let sink = messages.clone();
    let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            sink.lock().unwrap().push(v["fields"]["message"].as_str().unwrap_or_default().to_string());
            if !sent && v["fields"]["message"] == "serving /metrics, /healthz, /readyz" {
                let _ = tx.send(v["fields"]["listen"].as_str().unwrap_or_default().to_string());
                sent = true;
            }
            for secret in &secrets {
                assert!(!line.contains(secret.as_str()), "a secret leaked into a log line: {line}");
            }
        }
    });
    let listen = rx.recv_timeout(Duration::from_secs(120)).expect("snowcat run never served HTTP");
    Daemon { child, base: format!("http://{listen}"), messages }
}
