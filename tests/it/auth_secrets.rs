//! Secrets hygiene: statements with every auth method (key-pair JWT, PAT, OAuth with a login, Scalekit) at
//! debug log level, with every log line of client and emulator captured, plus the Debug/Display of sources
//! and errors; none of the secrets (or any token) may appear.

use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use snowcat::auth::oauth::{LoginRequest, login};
use snowcat::auth::{
    KeyPairOptions, KeyPairSource, PatSource, ScalekitOptions, ScalekitSource, SecretSource,
};
use snowcat::sqlapi::{Client, StatementRequest, TokenSource};
use snowflake_emulator::Emulator;
use snowflake_emulator::credentials::Credentials;
use snowflake_emulator::model::Account;
use snowflake_emulator::oauth::{Integration, OAuthServer};
use snowflake_emulator::scalekit::{ScalekitHandle, StandInConfig};
use tokio_util::sync::CancellationToken;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn run(base: &str, tokens: Arc<dyn TokenSource>) -> String {
    let client = Client::for_url(base, tokens.clone()).unwrap().build().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let rs = client
        .execute_collect(StatementRequest::new("SHOW DATABASES"), deadline, CancellationToken::new())
        .await;
    format!("{:?} {:?}", rs.map(|r| r.rows.len()), tokens.token().await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_reaches_logs_or_debug_output() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let keys = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (pat, client_secret, sk_secret, sf_token) =
        ("pat-secret-7f3a9", "oauth-client-secret-5d1c", "scalekit-secret-88e2", "sf-user-token-41b0");
    std::fs::write(d.join("pat"), pat).unwrap();
    std::fs::write(d.join("client_secret"), client_secret).unwrap();
    std::fs::write(d.join("sk_secret"), sk_secret).unwrap();

    let redirect = "http://127.0.0.1:9/callback";
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.set_public_key("CRAWLER", 1, &std::fs::read_to_string(keys.join("key1_pub.pem")).unwrap()).unwrap();
    creds.add_pat("CRAWLER", pat, Duration::from_secs(3600), None);
    creds.add_access_token(sf_token, "JSMITH", None, Duration::from_secs(3600));
    let oauth = OAuthServer::new(Integration::new("cid", client_secret, redirect, "jsmith"), creds.clone());
    let account = Account::from_sql("CREATE DATABASE AUTH_DB; CREATE SCHEMA AUTH_DB.APP;").unwrap();
    let emu =
        Emulator::builder(account).verifier(creds.clone()).routes(oauth.router()).start().await.unwrap();
    let base = emu.base_url();
    let mut seen = String::new();

    // Key-pair JWT (encrypted key, passphrase from a file).
    let mut kp = KeyPairOptions::new("myorg-myaccount", "crawler", keys.join("key1_aes256.pem"));
    kp.passphrase = Some(SecretSource::File(keys.join("passphrase.txt")));
    let jwt = Arc::new(KeyPairSource::new(kp).unwrap());
    seen += &format!("{jwt:?} {}", run(&base, jwt.clone()).await);

    // PAT.
    let pat_src = Arc::new(PatSource::new(SecretSource::File(d.join("pat"))));
    seen += &format!("{pat_src:?} {}", run(&base, pat_src.clone()).await);

    // OAuth: login (pasted redirect), refresh, a forced 390318 refresh.
    let req = LoginRequest {
        authorize_url: format!("{base}/oauth/authorize").parse().unwrap(),
        token_url: format!("{base}/oauth/token-request").parse().unwrap(),
        client_id: "cid".into(),
        redirect_uri: redirect.into(),
        role: None,
    };
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    let http = reqwest::Client::new();
    let paste = async move { Ok(rx.await.unwrap()) };
    let show = move |link: &str| {
        let link = link.to_string();
        tokio::spawn(async move {
            let http =
                reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let resp = http.get(&link).send().await.unwrap();
            let _ = tx.send(resp.headers()["location"].to_str().unwrap().to_string());
        });
    };
    let secret = secrecy::SecretString::from(client_secret);
    let stored = login(&http, &req, &secret, show, Some(paste), Duration::from_secs(30)).await.unwrap();
    let store = snowcat::auth::TokenStore::new(&d.join("tokens"), "acme");
    store.save(&stored).unwrap();
    let oauth_src = Arc::new(
        snowcat::auth::OAuthSource::new(snowcat::auth::OAuthOptions {
            account_name: "acme".into(),
            request: req,
            client_secret: SecretSource::File(d.join("client_secret")),
            store,
            refresh_at_fraction: 0.8,
        })
        .unwrap(),
    );
    seen += &format!("{stored:?} {oauth_src:?} {}", run(&base, oauth_src.clone()).await);
    creds.expire_access_tokens();
    seen += &run(&base, oauth_src.clone()).await;
    oauth.expire_refresh_tokens();
    creds.expire_access_tokens();
    seen += &run(&base, oauth_src).await;

    // Scalekit.
    let sk = ScalekitHandle::start(StandInConfig {
        client_id: "skc".into(),
        client_secret: sk_secret.into(),
        connections: vec!["snowflake".into()],
        upstream: base.clone(),
        snowflake_token: sf_token.into(),
        token_lifetime: Duration::from_secs(3600),
    })
    .await
    .unwrap();
    sk.set_account("snowflake", "u1", "ACTIVE", Some(sf_token));
    let sk_src = Arc::new(
        ScalekitSource::new(ScalekitOptions {
            env_url: sk.base_url(),
            client_id: "skc".into(),
            client_secret: SecretSource::File(d.join("sk_secret")),
            connection_name: "snowflake".into(),
            identifier: "u1".into(),
        })
        .unwrap(),
    );
    seen += &format!("{sk_src:?} {}", run(&sk_src.proxy_base_url(), sk_src.clone()).await);

    let logs = String::from_utf8_lossy(&capture.0.lock().unwrap()).into_owned();
    assert!(logs.contains("DEBUG"), "debug logging was captured");
    assert!(seen.contains("Ok("), "statements ran: {seen}");
    let all = format!("{logs}\n{seen}");
    let refresh = std::fs::read_to_string(d.join("tokens/acme.oauth.json")).unwrap();
    let refresh_value = serde_json::from_str::<serde_json::Value>(&refresh).unwrap()["refresh_token"]
        .as_str()
        .unwrap()
        .to_string();
    let passphrase = std::fs::read_to_string(keys.join("passphrase.txt")).unwrap();
    for secret in [pat, client_secret, sk_secret, sf_token, passphrase.trim(), refresh_value.as_str()] {
        assert!(!all.contains(secret), "a secret leaked into the output");
    }
    // Token shapes: emulator access/refresh tokens, Scalekit tokens, JWTs (base64 of `{"alg"`).
    for shape in ["emu-at-", "emu-rt-", "emu-code-", "sk-tok-", "eyJhbGci"] {
        assert!(!all.contains(shape), "a token of shape {shape} leaked");
    }
}
