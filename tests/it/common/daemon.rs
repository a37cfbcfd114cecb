//! The real `snowcat run` binary as a child process for integration tests: started with JSON logs, killed
//! when dropped. Every log line is kept (and streamed to `wait_for`), and a line holding any of the given
//! secrets fails the test (the daemon must never log a credential).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The serving line's message: the operator server is up (its `listen` field has the address).
const SERVING: &str = "serving /metrics, /healthz, /readyz";

// Shared by several test crates; each uses the parts it needs.
#[allow(dead_code)]
pub struct Daemon {
    pub child: Child,
    /// `http://<listen>` of the operator server (empty until `start_daemon` saw it serve).
    pub base: String,
    lines: Receiver<serde_json::Value>,
    seen: Arc<Mutex<Vec<serde_json::Value>>>,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[allow(dead_code)]
impl Daemon {
    /// Start `snowcat run --config <config>` without waiting for anything.
    pub fn spawn(config: &Path, secrets: &[&str]) -> Daemon {
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
        let (tx, lines) = channel();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let keep = seen.clone();
        let secrets: Vec<String> = secrets.iter().map(|s| s.to_string()).collect();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                for secret in &secrets {
                    assert!(!line.contains(secret.as_str()), "a secret leaked into a log line: {line}");
                }
                let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                keep.lock().unwrap().push(v.clone());
                let _ = tx.send(v);
            }
        });
        Daemon { child, base: String::new(), lines, seen }
    }

    /// Wait for the next log line with this message (a 3-minute guard against a hang, not a speed check).
    pub fn wait_for(&self, message: &str) -> serde_json::Value {
        let guard = Instant::now() + Duration::from_secs(180);
        loop {
            let left = guard.saturating_duration_since(Instant::now());
            let v = self.lines.recv_timeout(left).unwrap_or_else(|_| panic!("no log line `{message}`"));
            if v["fields"]["message"] == message {
                return v;
            }
        }
    }

    /// Every log line's `fields.message` so far, in order.
    pub fn messages(&self) -> Vec<String> {
        let seen = self.seen.lock().unwrap();
        seen.iter().map(|v| v["fields"]["message"].as_str().unwrap_or_default().to_string()).collect()
    }

    /// SIGTERM, then wait (bounded) for the exit: (status code, time from signal to exit).
    pub fn terminate(&mut self) -> (Option<i32>, Duration) {
        let sent = Instant::now();
        let ok = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap();
        assert!(ok.success(), "kill -TERM failed");
        let guard = sent + Duration::from_secs(180);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.code(), sent.elapsed());
            }
            assert!(Instant::now() < guard, "snowcat run still running 3 minutes after SIGTERM");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Start `snowcat run --config <config>` and wait until it serves HTTP.
#[allow(dead_code)]
pub fn start_daemon(config: &Path, secrets: &[&str]) -> Daemon {
    let mut daemon = Daemon::spawn(config, secrets);
    let serving = daemon.wait_for(SERVING);
    daemon.base = format!("http://{}", serving["fields"]["listen"].as_str().unwrap_or_default());
    daemon
}
