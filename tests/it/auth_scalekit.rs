//! The Scalekit transport end to end: client-credentials token, magic link followed by a scripted browser,
//! SQL API statements through the stand-in's `/proxy` into the emulator with the user's Snowflake token,
//! and a not-ACTIVE connected account failing with its status (scalekit-agent-auth.md §2-§8).

use std::sync::Arc;
use std::time::Duration;

use snowcat::auth::{ScalekitOptions, ScalekitSource, SecretSource};
use snowcat::sqlapi::{Client, SqlApiError, StatementRequest, TokenSource};
use snowflake_emulator::credentials::Credentials;
use snowflake_emulator::model::Account;
use snowflake_emulator::scalekit::{ScalekitHandle, StandInConfig};
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

const SF_TOKEN: &str = "sf-user-oauth-token-abc";

async fn setup() -> (EmulatorHandle, ScalekitHandle, tempfile::TempDir) {
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.add_access_token(SF_TOKEN, "JSMITH", None, Duration::from_secs(3600));
    let account = Account::from_sql("CREATE DATABASE AUTH_DB; CREATE SCHEMA AUTH_DB.APP;").unwrap();
    let emu = Emulator::builder(account).verifier(creds).start().await.unwrap();
    let sk = ScalekitHandle::start(StandInConfig {
        client_id: "skc_123".into(),
        client_secret: "sk-secret-xyz".into(),
        connections: vec!["snowflake".into()],
        upstream: emu.base_url(),
        snowflake_token: SF_TOKEN.into(),
        token_lifetime: Duration::from_secs(86399),
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sk_secret"), "sk-secret-xyz\n").unwrap();
    (emu, sk, dir)
}

fn source(sk: &ScalekitHandle, dir: &tempfile::TempDir, identifier: &str) -> Arc<ScalekitSource> {
    Arc::new(
        ScalekitSource::new(ScalekitOptions {
            env_url: sk.base_url(),
            client_id: "skc_123".into(),
            client_secret: SecretSource::File(dir.path().join("sk_secret")),
            connection_name: "snowflake".into(),
            identifier: identifier.into(),
        })
        .unwrap(),
    )
}

async fn run(src: &Arc<ScalekitSource>) -> Result<usize, SqlApiError> {
    let tokens: Arc<dyn TokenSource> = src.clone();
    let client = Client::for_url(&src.proxy_base_url(), tokens)?.build()?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let rs = client
        .execute_collect(StatementRequest::new("SHOW DATABASES"), deadline, CancellationToken::new())
        .await?;
    Ok(rs.rows.len())
}

#[tokio::test]
async fn statements_go_through_the_proxy_after_the_magic_link() {
    let (_emu, sk, dir) = setup().await;
    let src = source(&sk, &dir, "user_123");
    // Before the user connects, the account is PENDING_AUTH and the statement says so.
    let link = src.magic_link().await.unwrap();
    let err = run(&src).await.unwrap_err().to_string();
    assert!(err.contains("PENDING_AUTH") && err.contains("user_123"), "{err}");
    // The user opens the link and consents.
    assert_eq!(reqwest::get(&link).await.unwrap().status(), 200);
    let src = source(&sk, &dir, "user_123");
    assert!(run(&src).await.unwrap() > 0);
    assert!(sk.proxied() >= 1, "requests went through the proxy");
}

#[tokio::test]
async fn an_expired_connected_account_is_a_clear_error_naming_its_status() {
    let (_emu, sk, dir) = setup().await;
    sk.set_account("snowflake", "user_9", "EXPIRED", Some(SF_TOKEN));
    let err = run(&source(&sk, &dir, "user_9")).await.unwrap_err().to_string();
    assert!(err.contains("EXPIRED, not ACTIVE") && err.contains("snowcat auth login --scalekit"), "{err}");
    assert!(!err.contains(SF_TOKEN) && !err.contains("sk-secret"), "{err}");
    sk.set_account("snowflake", "user_9", "ACTIVE", Some(SF_TOKEN));
    assert!(run(&source(&sk, &dir, "user_9")).await.unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_scalekit_prints_the_magic_link() {
    let (_emu, sk, dir) = setup().await;
    let config = dir.path().join("snowcat.toml");
    let toml = format!(
        r#"
[catalog]
path = "{dir}/catalog.db"

[[accounts]]
name = "acme"
account = "myorg-myaccount"
schedule = "0 * * * *"

[accounts.auth.scalekit]
env_url = "{env}"
client_id = "skc_123"
client_secret_file = "{dir}/sk_secret"
connection_name = "snowflake"
identifier = "user_7"
"#,
        dir = dir.path().display(),
        env = sk.base_url()
    );
    std::fs::write(&config, toml).unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["auth", "login", "--scalekit", "--config"])
        .arg(&config)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    let link = stdout.lines().find(|l| l.contains("/magic/")).expect("a magic link");
    assert_eq!(reqwest::get(link.trim()).await.unwrap().status(), 200);
    assert!(run(&source(&sk, &dir, "user_7")).await.unwrap() > 0);
}

#[tokio::test]
async fn scalekit_token_is_renewed_on_401() {
    let (_emu, sk, dir) = setup().await;
    sk.set_account("snowflake", "user_1", "ACTIVE", Some(SF_TOKEN));
    let src = source(&sk, &dir, "user_1");
    assert!(run(&src).await.unwrap() > 0);
    assert_eq!(sk.tokens_issued(), 1, "one token serves many requests");
    // Scalekit forgets the token: the proxy answers 401, snowcat fetches a new one and the statement runs.
    sk.revoke_tokens();
    assert!(run(&src).await.unwrap() > 0);
    assert_eq!(sk.tokens_issued(), 2);
}

#[tokio::test]
async fn scalekit_token_with_a_short_life_is_renewed_ahead_of_time() {
    let (emu, _sk, dir) = setup().await;
    let sk = ScalekitHandle::start(StandInConfig {
        client_id: "skc_123".into(),
        client_secret: "sk-secret-xyz".into(),
        connections: vec!["snowflake".into()],
        upstream: emu.base_url(),
        snowflake_token: SF_TOKEN.into(),
        token_lifetime: Duration::from_secs(1),
    })
    .await
    .unwrap();
    sk.set_account("snowflake", "user_2", "ACTIVE", Some(SF_TOKEN));
    let src = source(&sk, &dir, "user_2");
    assert!(run(&src).await.unwrap() > 0);
    let before = sk.tokens_issued();
    // 80% of a 1 s lifetime has passed: the next request uses a new token without waiting for a 401.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(run(&src).await.unwrap() > 0);
    assert!(sk.tokens_issued() > before);
}
