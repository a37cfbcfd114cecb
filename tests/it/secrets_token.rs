//! Secrets never leak: statements run against the emulator on 127.0.0.1 — successes, SQL errors, 401s from
//! token expiry, retried 429/503s, and a refused wrong token — both through the real `snowcat` binary
//! (stdout/stderr searched) and through the client in-process under a TRACE-level `tracing` subscriber
//! whose every line is captured (plus every error's Display and Debug). The emulator's own request log is
//! searched too. No token text may appear anywhere.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::process::Output;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;
use snowcat::sqlapi::{BackoffPolicy, Client, ClientConfig, StatementRequest, StaticToken, TokenType};
use tokio_util::sync::CancellationToken;

use snowflake_emulator::faults::Faults;
use snowflake_emulator::model::Account;
use snowflake_emulator::sample::SAMPLE_SQL;
use snowflake_emulator::{Emulator, EmulatorHandle};

const GOOD: &str = "tok-GOOD-7f3c9a1e5b2d4c6f8a0b1c2d3e4f5a6b";
const WRONG: &str = "tok-WRONG-0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d";

fn token_file(dir: &tempfile::TempDir, name: &str, secret: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "{secret}").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    path
}

async fn snowcat(emu: &EmulatorHandle, token: &std::path::Path, sql: &str) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_snowcat"));
    cmd.args(["sql", "--url", &emu.base_url(), "--token-file"])
        .arg(token)
        .arg(sql)
        .env("RUST_LOG", "trace")
        .env_remove("SNOWCAT_ACCOUNT");
    cmd.output().await.unwrap()
}

fn assert_clean(what: &str, text: &str) {
    for secret in [GOOD, WRONG, &GOOD[4..20], &WRONG[4..20]] {
        assert!(!text.contains(secret), "{what} contains a token fragment {secret:?}:\n{text:.2000}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_token_in_any_output_or_log() {
    let dir = tempfile::tempdir().unwrap();
    let good = token_file(&dir, "good.token", GOOD);
    let wrong = token_file(&dir, "wrong.token", WRONG);
    let account = Account::from_sql(SAMPLE_SQL).unwrap();
    let emu = Emulator::builder(account).token(GOOD).start().await.unwrap();

    let mut outputs = Vec::new();
    // A success, a SQL error, an unknown statement kind.
    for sql in ["SHOW DATABASES", "SELECT * FROM NOPE.NOPE.NOPE", "SHOW GRANTS TO ROLE \"nope\""] {
        outputs.push((sql.to_string(), snowcat(&emu, &good, sql).await));
    }
    assert!(outputs[0].1.status.success(), "{}", String::from_utf8_lossy(&outputs[0].1.stderr));
    // A refused token: the error says so without quoting it.
    let refused = snowcat(&emu, &wrong, "SHOW DATABASES").await;
    assert!(!refused.status.success());
    outputs.push(("wrong token".into(), refused));
    // Retried 429/503 and a token that expires every 2 requests.
    emu.set_faults(Faults { seed: 7, rate_429: 0.3, rate_503: 0.3, ..Faults::default() });
    outputs.push(("429/503".into(), snowcat(&emu, &good, "SHOW SCHEMAS IN ACCOUNT").await));
    emu.set_faults(Faults { token_expires_after_requests: Some(2), ..Faults::default() });
    outputs.push(("expiry".into(), snowcat(&emu, &good, "SHOW TABLES IN ACCOUNT").await));

    for (what, out) in &outputs {
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_clean(&format!("stdout of {what}"), &stdout);
        assert_clean(&format!("stderr of {what}"), &stderr);
    }
    assert!(String::from_utf8_lossy(&outputs[3].1.stderr).contains("401"), "the refusal is reported");
    assert_clean("the emulator's request log", &format!("{:?}", emu.request_log()));
    emu.shutdown().await;
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn client(emu: &EmulatorHandle, secret: &str) -> Client {
    let tokens = Arc::new(StaticToken::new(SecretString::from(secret.to_string()), TokenType::OAuth));
    let quick =
        BackoffPolicy { initial: Duration::from_millis(5), max: Duration::from_millis(40), factor: 2.0 };
    let config = ClientConfig { poll: quick, retry: quick, ..ClientConfig::default() };
    Client::for_url(&emu.base_url(), tokens).unwrap().config(config).build().unwrap()
}

/// Current-thread runtime: the subscriber is thread-local, so every task (client and emulator) logs into it.
#[tokio::test]
async fn no_token_in_trace_logs_or_errors_of_the_client() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = Emulator::builder(Account::from_sql(SAMPLE_SQL).unwrap()).token(GOOD).start().await.unwrap();
    let (good, wrong) = (client(&emu, GOOD), client(&emu, WRONG));
    let deadline = || tokio::time::Instant::now() + Duration::from_secs(60);
    let mut errors = Vec::new();
    let mut run = async |c: &Client, sql: &str| match c
        .execute_collect(StatementRequest::new(sql), deadline(), CancellationToken::new())
        .await
    {
        Ok(rs) => rs.rows.len(),
        Err(e) => {
            errors.push(format!("{e} {e:?}"));
            0
        }
    };
    assert!(run(&good, "SHOW DATABASES").await > 0);
    run(&good, "SELECT * FROM NOPE.NOPE.NOPE").await;
    run(&wrong, "SHOW DATABASES").await;
    emu.set_faults(Faults { seed: 11, rate_429: 0.3, rate_503: 0.3, ..Faults::default() });
    run(&good, "SHOW SCHEMAS IN ACCOUNT").await;
    emu.set_faults(Faults { token_expires_after_requests: Some(2), ..Faults::default() });
    run(&good, "SHOW TABLES IN ACCOUNT").await;
    run(&good, "SHOW COLUMNS IN ACCOUNT").await;
    assert!(errors.len() >= 2, "the SQL error and the refused token are errors: {errors:?}");

    let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()).to_string();
    assert!(logs.contains("DEBUG") || logs.contains("TRACE"), "no debug/trace lines were captured");
    assert_clean("the client's trace log", &logs);
    assert_clean("the client's errors", &errors.join("\n"));
    emu.shutdown().await;
}

/// `snowcat crawl --once` at debug level, with token expiry forcing 401s: no token in its output, and no
/// token in any byte of the catalog file (and its WAL/journal, if left).
#[tokio::test(flavor = "multi_thread")]
async fn no_token_in_a_crawl_output_or_the_catalog_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = token_file(&dir, "good.token", GOOD);
    let emu = Emulator::builder(Account::from_sql(SAMPLE_SQL).unwrap()).token(GOOD).start().await.unwrap();
    let catalog = dir.path().join("c.db");
    let mut outputs = Vec::new();
    for faults in [Faults::default(), Faults { token_expires_after_requests: Some(3), ..Faults::default() }] {
        emu.set_faults(faults);
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_snowcat"))
            .args(["crawl", "--once", "--url", &emu.base_url(), "--token-file"])
            .arg(&good)
            .arg("--catalog")
            .arg(&catalog)
            .env("RUST_LOG", "debug")
            .env_remove("SNOWCAT_ACCOUNT")
            .output()
            .await
            .unwrap();
        outputs.push(out);
    }
    assert_eq!(outputs[0].status.code(), Some(0), "{}", String::from_utf8_lossy(&outputs[0].stderr));
    for out in &outputs {
        assert_clean("crawl stdout", &String::from_utf8_lossy(&out.stdout));
        assert_clean("crawl stderr", &String::from_utf8_lossy(&out.stderr));
    }
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap().to_string_lossy().starts_with("c.db") {
            let bytes = std::fs::read(&path).unwrap();
            assert_clean(&path.display().to_string(), &String::from_utf8_lossy(&bytes));
        }
    }
    assert!(std::fs::metadata(&catalog).unwrap().len() > 0);
    emu.shutdown().await;
}
