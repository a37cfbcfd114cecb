//! Authentication end to end through the real binary: the emulator (sample account) runs in-process with
//! registered users, keys, PATs, an OAuth integration and the Scalekit stand-in; each auth method gets its
//! own snowcat config and `snowcat crawl --once --config F` fills its own catalog. OAuth first goes through
//! `snowcat auth login` with a scripted browser; an expired refresh token then stops the crawl with the
//! documented "run `snowcat auth login` again" message, and so do an unregistered key (390144), an expired
//! PAT (naming its file) and a Scalekit connected account that is no longer ACTIVE. Access tokens expiring
//! in the middle of a crawl are refreshed by the binary without losing or repeating a statement.
//!
//! Every crawl runs with `[log] level = "debug"` (RUST_LOG unset, so the config's filter applies). Afterwards
//! all captured stdout and stderr, every catalog file (with its -wal/-shm) and the emulator's request log are
//! searched for every secret in play and for the shapes of tokens nobody configured (emulator access and
//! refresh tokens, Scalekit tokens, JWTs): none may appear.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use snowflake_emulator::Emulator;
use snowflake_emulator::credentials::Credentials;
use snowflake_emulator::faults::Faults;
use snowflake_emulator::model::Account;
use snowflake_emulator::oauth::{Integration, OAuthServer};
use snowflake_emulator::requestlog::EntryKind;
use snowflake_emulator::scalekit::{ScalekitHandle, StandInConfig};

const CLIENT_ID: &str = "e2e-client";
const CLIENT_SECRET: &str = "e2e-oauth-client-secret-6b1f0c";
const PAT: &str = "e2e-pat-secret-93c7aa";
const SK_SECRET: &str = "e2e-scalekit-secret-2d84be";
/// The user's Snowflake token the Scalekit stand-in injects into proxied requests.
const SF_TOKEN: &str = "e2e-sf-user-token-5e0a19";
/// A bearer token an outside tool keeps in a file (`[accounts.auth.token_file]`).
const PLAIN_TOKEN: &str = "e2e-plain-oauth-token-7a31de";
/// Prefixes of every token the emulator and the stand-in issue (access, refresh, code, Scalekit) and of
/// every JWT (base64 of `{"alg"`).
const TOKEN_SHAPES: [&str; 5] = ["emu-at-", "emu-rt-", "emu-code-", "sk-tok-", "eyJhbGci"];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys").join(name)
}

/// A line from the middle of a PEM body: random base64, present only if the key itself leaked.
fn pem_line(name: &str) -> String {
    let text = std::fs::read_to_string(fixture(name)).unwrap();
    let line = text.lines().nth(4).unwrap().to_string();
    assert_eq!(line.len(), 64, "{name}: a full base64 line");
    line
}

/// A snowcat config for one account `name`, crawling into `DIR/name.db` with debug logs as text.
fn write_config(dir: &Path, name: &str, endpoint: &str, auth: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    let toml = format!(
        "[catalog]\npath = \"{db}\"\n\n[log]\nformat = \"text\"\nlevel = \"debug\"\n\n\
         [[accounts]]\nname = \"{name}\"\n{endpoint}\nschedule = \"0 * * * *\"\n\n{auth}\n",
        db = dir.join(format!("{name}.db")).display(),
    );
    std::fs::write(&path, toml).unwrap();
    path
}

/// `snowcat crawl --once --config CONFIG`, with no connection setting or log filter from the environment.
async fn crawl(config: &Path) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_snowcat"));
    cmd.args(["crawl", "--once", "--config"]).arg(config);
    for (k, _) in std::env::vars() {
        if k.starts_with("SNOWCAT") || k == "RUST_LOG" {
            cmd.env_remove(k);
        }
    }
    cmd.output().await.unwrap()
}

fn text(out: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The crawl into `DIR/name.db` recorded the sample account: tables, and a known one among them.
fn assert_catalog_has_the_sample(dir: &Path, name: &str) {
    let db = rusqlite::Connection::open(dir.join(format!("{name}.db"))).unwrap();
    let tables: i64 = db
        .query_row("SELECT count(*) FROM current_tables WHERE account_name = ?1", [name], |r| r.get(0))
        .unwrap();
    assert!(tables > 0, "{name}: no tables in the catalog");
    // config/emulator/sample.sql: CREATE TABLE SALES.CORE.CUSTOMERS (...).
    let customers: i64 = db
        .query_row(
            "SELECT count(*) FROM current_tables WHERE account_name = ?1 AND database_name = 'SALES'
             AND schema_name = 'CORE' AND table_name = 'CUSTOMERS'",
            [name],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(customers, 1, "{name}: SALES.CORE.CUSTOMERS missing");
    let status: String =
        db.query_row("SELECT status FROM runs ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).unwrap();
    assert_eq!(status, "complete", "{name}");
}

/// The bytes of a catalog file and its WAL/shared-memory companions, as text.
fn catalog_bytes(dir: &Path, name: &str) -> String {
    let mut all = String::new();
    for suffix in ["", "-wal", "-shm"] {
        if let Ok(bytes) = std::fs::read(dir.join(format!("{name}.db{suffix}"))) {
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    assert!(!all.is_empty(), "{name}: no catalog file");
    all
}

/// `[accounts.auth.keypair]` for user CRAWLER with a fixture key (and its passphrase file).
fn keypair_auth_for(key: &str, passphrase: Option<&str>) -> String {
    let mut auth = format!(
        "[accounts.auth.keypair]\nuser = \"crawler\"\nprivate_key_file = \"{}\"\n",
        fixture(key).display()
    );
    if let Some(p) = passphrase {
        auth += &format!("passphrase_file = \"{}\"\n", fixture(p).display());
    }
    auth
}

fn refresh_token(token_file: &Path) -> String {
    let stored: serde_json::Value = serde_json::from_slice(&std::fs::read(token_file).unwrap()).unwrap();
    stored["refresh_token"].as_str().unwrap().to_string()
}

#[cfg(unix)]
fn assert_mode_0600(file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{} has mode {mode:o}", file.display());
}

#[cfg(not(unix))]
fn assert_mode_0600(_: &Path) {}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_auth_method_crawls_through_the_binary_and_no_secret_leaks() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();

    // The account side: users with a key and a PAT, an OAuth integration (single-use refresh tokens, so a
    // crawl stores a rotated one), a token an outside tool obtained, and the Scalekit user's token.
    let creds = Credentials::new("MYORG-MYACCOUNT");
    let public_key = std::fs::read_to_string(fixture("key1_pub.pem")).unwrap();
    creds.set_public_key("CRAWLER", 1, &public_key).unwrap();
    creds.add_pat("CRAWLER", PAT, Duration::from_secs(3600), None);
    creds.add_access_token(PLAIN_TOKEN, "CRAWLER", None, Duration::from_secs(3600));
    creds.add_access_token(SF_TOKEN, "JSMITH", None, Duration::from_secs(3600));
    let redirect = format!("http://127.0.0.1:{}/callback", crate::auth_support::free_port());
    let mut integration = Integration::new(CLIENT_ID, CLIENT_SECRET, &redirect, "jsmith");
    integration.single_use_refresh_tokens = true;
    integration.enforce_pkce = true;
    let oauth = OAuthServer::new(integration, creds.clone());
    let sample = Account::from_sql(snowflake_emulator::sample_sql()).unwrap();
    let emu = Emulator::builder(sample).verifier(creds.clone()).routes(oauth.router()).start().await.unwrap();
    let sk = ScalekitHandle::start(StandInConfig {
        client_id: "skc_e2e".into(),
        client_secret: SK_SECRET.into(),
        connections: vec!["snowflake".into()],
        upstream: emu.base_url(),
        snowflake_token: SF_TOKEN.into(),
        token_lifetime: Duration::from_secs(3600),
    })
    .await
    .unwrap();
    sk.set_account("snowflake", "user_e2e", "ACTIVE", Some(SF_TOKEN));

    // snowcat's side: secrets in files, one config per method.
    for (file, secret) in [("client_secret", CLIENT_SECRET), ("pat", PAT), ("sk_secret", SK_SECRET)] {
        std::fs::write(dir.join(file), format!("{secret}\n")).unwrap();
    }
    std::fs::write(dir.join("plain_token"), format!("{PLAIN_TOKEN}\n")).unwrap();
    let d = dir.display();
    let url = format!("url = \"{}\"", emu.base_url());
    // Key-pair through the emulator's URL: `account` names the account in the JWT, `url` the endpoint.
    let keypair_endpoint = format!("account = \"myorg-myaccount\"\n{url}");
    let keypair_auth = keypair_auth_for("key1_aes256.pem", Some("passphrase.txt"));
    let oauth_auth = format!(
        "[accounts.auth.oauth]\nclient_id = \"{CLIENT_ID}\"\nclient_secret_file = \"{d}/client_secret\"\n\
         redirect_uri = \"{redirect}\"\ntoken_dir = \"{d}/tokens\""
    );
    let scalekit_auth = format!(
        "[accounts.auth.scalekit]\nenv_url = \"{}\"\nclient_id = \"skc_e2e\"\n\
         client_secret_file = \"{d}/sk_secret\"\nconnection_name = \"snowflake\"\nidentifier = \"user_e2e\"",
        sk.base_url()
    );
    let methods = [
        ("keypair", keypair_endpoint.as_str(), keypair_auth),
        ("pat", url.as_str(), format!("[accounts.auth.pat]\ntoken_file = \"{d}/pat\"")),
        ("oauth", url.as_str(), oauth_auth),
        ("scalekit", "account = \"myorg-myaccount\"", scalekit_auth),
        (
            "plain",
            url.as_str(),
            format!("[accounts.auth.token_file]\npath = \"{d}/plain_token\"\ntoken_type = \"OAUTH\""),
        ),
    ];

    let mut seen = String::new();
    let mut refresh_tokens = Vec::new();
    let token_file = dir.join("tokens/oauth.oauth.json");
    for (name, endpoint, auth) in &methods {
        let config = write_config(dir, name, endpoint, auth);
        if *name == "oauth" {
            let out = crate::auth_support::login(&config, name, false).await;
            assert!(out.contains("as JSMITH"), "{out}");
            assert_mode_0600(&token_file);
            refresh_tokens.push(refresh_token(&token_file));
            seen += &out;
        }
        let out = crawl(&config).await;
        let log = text(&out);
        assert_eq!(out.status.code(), Some(0), "{name}:\n{log}");
        assert!(log.contains("crawl complete"), "{name}:\n{log}");
        assert!(log.contains(" DEBUG "), "{name}: debug logging reached stderr:\n{log}");
        assert_catalog_has_the_sample(dir, name);
        seen += &log;
        seen += &catalog_bytes(dir, name);
    }
    // Debug lines of the token sources themselves were on (and carry no token).
    assert!(seen.contains("minted a key-pair JWT"), "key-pair debug line");
    assert!(seen.contains("refreshed the OAuth access token"), "OAuth debug line");
    assert!(sk.proxied() > 0, "the Scalekit crawl went through the proxy");
    // The single-use refresh token was rotated by the crawl and the new one stored, still 0600.
    assert_mode_0600(&token_file);
    refresh_tokens.push(refresh_token(&token_file));
    assert_ne!(refresh_tokens[0], refresh_tokens[1], "the rotated refresh token was stored");

    // Access tokens expiring mid-crawl (401 390318 after every 15 requests of a token): the binary refreshes
    // and goes on; no statement is lost or run twice.
    let refreshes = oauth.refreshes_served();
    let log_start = emu.request_log().len();
    emu.set_faults(Faults { token_expires_after_requests: Some(15), ..Faults::default() });
    let out = crawl(&dir.join("oauth.toml")).await;
    emu.set_faults(Faults::default());
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(log.contains("crawl complete"), "{log}");
    let during = &emu.request_log()[log_start..];
    let expired = during.iter().filter(|e| e.status == 401 && e.code.as_deref() == Some("390318")).count();
    assert!(expired >= 2, "the access token expired mid-crawl ({expired} times)");
    // Concurrent requests that meet the same expired token share one refresh.
    let refreshed = oauth.refreshes_served() - refreshes;
    assert!(refreshed >= 2, "expiries were met with refreshes ({refreshed} for {expired} 401s)");
    let mut executed = std::collections::BTreeMap::<String, usize>::new();
    for e in during.iter().filter(|e| e.kind == EntryKind::Execution) {
        *executed.entry(e.request_id.clone().unwrap_or_default()).or_default() += 1;
    }
    assert!(executed.values().all(|n| *n == 1), "a statement ran twice: {executed:?}");
    assert_catalog_has_the_sample(dir, "oauth");
    seen += &log;
    refresh_tokens.push(refresh_token(&token_file));

    // 90 days later: the refresh token has expired; the crawl stops with the documented message.
    oauth.expire_refresh_tokens();
    let out = crawl(&dir.join("oauth.toml")).await;
    let log = text(&out);
    assert_eq!(out.status.code(), Some(1), "{log}");
    assert!(log.contains("run `snowcat auth login --account oauth` again"), "{log}");
    // Said by the crawl's result, not also by an ERROR log line of the token source.
    assert!(!log.lines().any(|l| l.contains(" ERROR ") && l.contains("auth login")), "said twice:\n{log}");
    seen += &log;
    seen += &catalog_bytes(dir, "oauth");

    // Other credentials going bad: each crawl stops (exit 1) with a message saying what to fix.
    let wrong_key = keypair_auth_for("key2_pkcs8.pem", None);
    let config = write_config(dir, "wrongkey", &keypair_endpoint, &wrong_key);
    creds.expire_pat(PAT);
    sk.set_account("snowflake", "user_e2e", "EXPIRED", Some(SF_TOKEN));
    let pat_file = format!("{d}/pat");
    for (config, expected) in [
        (config, vec!["390144"]),
        (dir.join("pat.toml"), vec!["programmatic access token", pat_file.as_str()]),
        (dir.join("scalekit.toml"), vec!["EXPIRED, not ACTIVE", "snowcat auth login --scalekit"]),
    ] {
        let out = crawl(&config).await;
        let log = text(&out);
        assert_eq!(out.status.code(), Some(1), "{}:\n{log}", config.display());
        for e in expected {
            assert!(log.contains(e), "{}: no {e:?} in\n{log}", config.display());
        }
        seen += &log;
    }
    seen += &catalog_bytes(dir, "wrongkey");
    seen += &catalog_bytes(dir, "pat");
    seen += &catalog_bytes(dir, "scalekit");

    seen += &format!("{:?}", emu.request_log());
    let passphrase = std::fs::read_to_string(fixture("passphrase.txt")).unwrap();
    let mut secrets: Vec<(&str, String)> = vec![
        ("OAuth client secret", CLIENT_SECRET.into()),
        ("PAT", PAT.into()),
        ("Scalekit client secret", SK_SECRET.into()),
        ("Scalekit user's Snowflake token", SF_TOKEN.into()),
        ("token-file token", PLAIN_TOKEN.into()),
        ("key passphrase", passphrase.trim().into()),
        ("encrypted private key", pem_line("key1_aes256.pem")),
        ("decrypted private key (PKCS#8)", pem_line("key1_pkcs8.pem")),
        ("decrypted private key (PKCS#1)", pem_line("key1_pkcs1.pem")),
        ("refused private key", pem_line("key2_pkcs8.pem")),
    ];
    for rt in &refresh_tokens {
        secrets.push(("OAuth refresh token", rt.clone()));
    }
    for (what, secret) in &secrets {
        assert!(!secret.is_empty());
        // The message names the kind of secret only, never the value.
        assert!(!seen.contains(secret.as_str()), "the {what} appears in the output, catalog or request log");
    }
    for shape in TOKEN_SHAPES {
        assert!(!seen.contains(shape), "a token of shape {shape}... appears in the output or catalog");
    }
    println!("9 crawls + 1 login through the binary in {:?}", started.elapsed());
}
