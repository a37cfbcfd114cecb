//! OAuth end to end through the binary: `snowcat auth login` against the emulator's `/oauth` endpoints with
//! a scripted "browser" (reqwest following the printed link), then statements with the stored refresh token:
//! refresh on 401 390318 without losing a statement, single-use refresh tokens persisted, and an expired
//! refresh token ending in one clear "run `snowcat auth login` again" message (sql-api-v2.md §8-9).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use snowcat::sqlapi::{Client, SqlApiError, StatementRequest, TokenSource};
use snowflake_emulator::credentials::Credentials;
use snowflake_emulator::model::Account;
use snowflake_emulator::oauth::{Integration, OAuthServer};
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

const CLIENT_ID: &str = "snowcat-client";
const CLIENT_SECRET: &str = "client-secret-value-123";

struct Setup {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    config: PathBuf,
    creds: Arc<Credentials>,
    oauth: Arc<OAuthServer>,
    emu: EmulatorHandle,
}

async fn setup(single_use: bool) -> Setup {
    setup_with(single_use, Duration::from_secs(600)).await
}

async fn setup_with(single_use: bool, access_validity: Duration) -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let redirect = format!("http://127.0.0.1:{}/callback", crate::auth_support::free_port());
    let creds = Credentials::new("MYORG-MYACCOUNT");
    let mut integration = Integration::new(CLIENT_ID, CLIENT_SECRET, &redirect, "jsmith");
    integration.single_use_refresh_tokens = single_use;
    integration.enforce_pkce = true;
    integration.access_token_validity = access_validity;
    let oauth = OAuthServer::new(integration, creds.clone());
    let account = Account::from_sql("CREATE DATABASE AUTH_DB; CREATE SCHEMA AUTH_DB.APP;").unwrap();
    let emu =
        Emulator::builder(account).verifier(creds.clone()).routes(oauth.router()).start().await.unwrap();
    std::fs::write(dir.join("client_secret"), format!("{CLIENT_SECRET}\n")).unwrap();
    let config = dir.join("snowcat.toml");
    let toml = format!(
        r#"
[catalog]
path = "{dir}/catalog.db"

[[accounts]]
name = "acme"
url = "{url}"
schedule = "0 * * * *"

[accounts.auth.oauth]
client_id = "{CLIENT_ID}"
client_secret_file = "{dir}/client_secret"
redirect_uri = "{redirect}"
token_dir = "{dir}/tokens"
"#,
        dir = dir.display(),
        url = emu.base_url()
    );
    std::fs::write(&config, toml).unwrap();
    Setup { _dir: tmp, dir, config, creds, oauth, emu }
}

/// Run `snowcat auth login` for `acme`, play the browser, and return the command's whole stdout.
async fn login(s: &Setup, no_listen: bool) -> String {
    crate::auth_support::login(&s.config, "acme", no_listen).await
}

fn token_file(dir: &Path) -> PathBuf {
    dir.join("tokens/acme.oauth.json")
}

fn source(s: &Setup) -> Arc<dyn TokenSource> {
    let cfg = snowcat::config::load(&s.config).unwrap();
    snowcat::auth::build(&cfg.accounts[0]).unwrap().tokens
}

async fn run(s: &Setup, tokens: &Arc<dyn TokenSource>, sql: &str) -> Result<usize, SqlApiError> {
    let client = Client::for_url(&s.emu.base_url(), tokens.clone())?.build()?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    Ok(client
        .execute_collect(StatementRequest::new(sql), deadline, CancellationToken::new())
        .await?
        .rows
        .len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_then_statements_survive_access_token_expiry_until_the_refresh_token_dies() {
    let s = setup(false).await;
    let out = login(&s, false).await;
    assert!(out.contains("as JSMITH"), "{out}");
    assert!(!out.contains("emu-rt-") && !out.contains(CLIENT_SECRET), "no secret printed:\n{out}");
    let file = token_file(&s.dir);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let tokens = source(&s);
    let before = run(&s, &tokens, "SHOW DATABASES").await.unwrap();
    assert!(before > 0);
    // The access token expires mid-run: 401 390318, one refresh, same statement answered.
    s.creds.expire_access_tokens();
    assert_eq!(run(&s, &tokens, "SHOW DATABASES").await.unwrap(), before);
    assert_eq!(s.oauth.refreshes_served(), 2, "initial refresh + refresh on 390318");
    let submits = s.emu.request_log().len();
    assert!(submits > 0);
    // 90 days later: refresh token expired too.
    s.oauth.expire_refresh_tokens();
    s.creds.expire_access_tokens();
    let err = run(&s, &tokens, "SHOW DATABASES").await.unwrap_err().to_string();
    assert!(err.contains("run `snowcat auth login --account acme` again"), "{err}");
    assert!(!err.contains("emu-rt-"), "{err}");
    // Every later call fails fast with the same message (no hammering the token endpoint).
    let again = run(&s, &tokens, "SHOW SCHEMAS").await.unwrap_err().to_string();
    assert!(again.contains("snowcat auth login"), "{again}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_listen_login_and_single_use_refresh_tokens_are_persisted_before_use() {
    let s = setup(true).await;
    let out = login(&s, true).await;
    assert!(out.contains("paste"), "{out}");
    let file = token_file(&s.dir);
    let first = std::fs::read_to_string(&file).unwrap();
    let tokens = source(&s);
    assert!(run(&s, &tokens, "SHOW DATABASES").await.unwrap() > 0);
    let second = std::fs::read_to_string(&file).unwrap();
    assert_ne!(first, second, "the rotated refresh token was stored");
    // A fresh process (a daemon restart) must be able to use the stored token: the old one is dead.
    let restarted = source(&s);
    s.creds.expire_access_tokens();
    assert!(run(&s, &restarted, "SHOW DATABASES").await.unwrap() > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_token_is_refreshed_before_it_expires_without_a_401() {
    // OAUTH_ACCESS_TOKEN_VALIDITY = 4 s; snowcat refreshes at 80% (3.2 s), before the server would refuse.
    let s = setup_with(false, Duration::from_secs(4)).await;
    login(&s, false).await;
    let tokens = source(&s);
    run(&s, &tokens, "SHOW DATABASES").await.unwrap();
    run(&s, &tokens, "SHOW DATABASES").await.unwrap();
    let after_two = s.oauth.refreshes_served();
    tokio::time::sleep(Duration::from_millis(3500)).await;
    run(&s, &tokens, "SHOW DATABASES").await.unwrap();
    assert!(s.oauth.refreshes_served() > after_two, "refreshed ahead of expiry");
    assert!(s.emu.request_log().iter().all(|e| e.status != 401), "no request was refused");
}

/// The emulator's token endpoint refuses a wrong PKCE verifier, a reused code and bad client credentials
/// with Snowflake's error body (sql-api-v2.md §8.3).
#[tokio::test]
async fn token_endpoint_errors_follow_the_documented_shape() {
    let s = setup(false).await;
    let base = s.emu.base_url();
    let redirect = {
        let cfg = snowcat::config::load(&s.config).unwrap();
        cfg.accounts[0].auth.oauth.as_ref().unwrap().redirect_uri.clone()
    };
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // S256 challenge of the RFC 7636 example verifier.
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let authorize = |state: &str| {
        let url = format!("{base}/oauth/authorize");
        let q = [
            ("client_id", CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", redirect.as_str()),
            ("scope", "refresh_token"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ];
        http.get(url).query(&q).query(&[("state", state)]).send()
    };
    let resp = authorize("abc").await.unwrap();
    assert_eq!(resp.status(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with(&redirect) && location.contains("state=abc"), "{location}");
    let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let exchange = |verifier: &str, secret: &str| {
        http.post(format!("{base}/oauth/token-request"))
            .basic_auth(CLIENT_ID, Some(secret))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", redirect.as_str()),
                ("code_verifier", verifier),
            ])
            .send()
    };
    let bad_client = exchange("x", "wrong-secret").await.unwrap();
    assert_eq!(bad_client.status(), 401);
    let body: serde_json::Value = bad_client.json().await.unwrap();
    assert_eq!((body["error"].as_str(), body["success"].as_bool()), (Some("invalid_client"), Some(false)));
    let bad_pkce = exchange("not-the-verifier", CLIENT_SECRET).await.unwrap();
    assert_eq!(bad_pkce.status(), 400);
    assert_eq!(bad_pkce.json::<serde_json::Value>().await.unwrap()["error"], "invalid_grant");
    // The code was consumed by the failed attempt: single use, even with the right verifier now.
    let reused = exchange("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", CLIENT_SECRET).await.unwrap();
    assert_eq!(reused.status(), 400);
    // A fresh code with the right verifier works and returns the documented fields.
    let resp = authorize("def").await.unwrap();
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let code = location.split("code=").nth(1).unwrap().split('&').next().unwrap().to_string();
    let ok = http
        .post(format!("{base}/oauth/token-request"))
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", redirect.as_str()),
            ("code_verifier", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let body: serde_json::Value = ok.json().await.unwrap();
    assert_eq!((body["token_type"].as_str(), body["expires_in"].as_u64()), (Some("Bearer"), Some(600)));
    assert_eq!(body["username"], "JSMITH");
    assert!(body["refresh_token"].is_string());
}
