//! Key-pair JWT and PAT end to end: the client with a real token source against the emulator over HTTP on
//! 127.0.0.1, with public keys and PATs registered the way an admin would (sql-api-v2.md §7, §8.4), plus
//! `snowcat auth fingerprint` against openssl's fingerprints (tests/fixtures/keys/README.md).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use snowcat::auth::{KeyPairOptions, KeyPairSource, PatSource, SecretSource};
use snowcat::sqlapi::{Client, SqlApiError, StatementRequest, TokenSource};
use snowflake_emulator::credentials::Credentials;
use snowflake_emulator::model::Account;
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

const KEY1_FP: &str = "SHA256:UIQP0yUF5oW8tfQhwxaXmonlwBPAZBouhc7sM3QlPII=";
const KEY2_FP: &str = "SHA256:WdzAJlzbMP8AMuQ/rB9FfldBPapxTPsTIbYl1nbXX2s=";

fn key(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys").join(name)
}

fn pem(name: &str) -> String {
    std::fs::read_to_string(key(name)).unwrap()
}

async fn emulator(creds: &Arc<Credentials>) -> EmulatorHandle {
    let account = Account::from_sql("CREATE DATABASE AUTH_DB; CREATE SCHEMA AUTH_DB.APP;").unwrap();
    Emulator::builder(account).verifier(creds.clone()).start().await.unwrap()
}

async fn run(emu: &EmulatorHandle, tokens: Arc<dyn TokenSource>) -> Result<usize, SqlApiError> {
    let client = Client::for_url(&emu.base_url(), tokens)?.build()?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let rs = client
        .execute_collect(StatementRequest::new("SHOW DATABASES"), deadline, CancellationToken::new())
        .await?;
    Ok(rs.rows.len())
}

fn jwt_source(account: &str, file: &Path) -> Arc<KeyPairSource> {
    Arc::new(KeyPairSource::new(KeyPairOptions::new(account, "crawler", file)).unwrap())
}

#[tokio::test]
async fn statement_runs_with_a_keypair_jwt_for_a_registered_key() {
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.add_user("CRAWLER", None);
    assert_eq!(creds.set_public_key("crawler", 1, &pem("key1_pub.pem")).unwrap(), KEY1_FP);
    let emu = emulator(&creds).await;
    // Account in URL form with a lower-case name: normalised to MYORG-MYACCOUNT in iss/sub.
    let src = jwt_source("myorg-myaccount.snowflakecomputing.com", &key("key1_pkcs1.pem"));
    assert_eq!(src.fingerprint().as_deref(), Some(KEY1_FP));
    assert!(run(&emu, src.clone()).await.unwrap() > 0);
    // Same for a locator account cut at the first dot.
    let creds2 = Credentials::new("XY12345");
    creds2.set_public_key("CRAWLER", 1, &pem("key1_pub.pem")).unwrap();
    let emu2 = emulator(&creds2).await;
    assert!(run(&emu2, jwt_source("xy12345.us-east-2.aws", &key("key1_pkcs8.pem"))).await.unwrap() > 0);
}

/// A config with `url` pointing at the emulator (host 127.0.0.1) and `account` naming the Snowflake account:
/// the endpoint is the URL, the JWT names the account. The URL host alone would give `127` in iss/sub.
#[tokio::test]
async fn configured_account_names_the_jwt_while_url_points_at_the_emulator() {
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.set_public_key("CRAWLER", 1, &pem("key1_pub.pem")).unwrap();
    let emu = emulator(&creds).await;
    let toml = format!(
        "[[accounts]]\nname = \"acme\"\naccount = \"myorg-myaccount\"\nurl = \"{url}\"\n\
         schedule = \"0 * * * *\"\n[accounts.auth.keypair]\nuser = \"crawler\"\nprivate_key_file = {key:?}\n",
        url = emu.base_url(),
        key = key("key1_pkcs8.pem").display().to_string(),
    );
    let cfg = snowcat::config::load_str(&toml, Vec::<(String, String)>::new()).unwrap();
    let setup = snowcat::auth::build(&cfg.accounts[0]).unwrap();
    assert!(setup.base_url.is_none(), "no proxy: the client uses the account's url");
    let url = snowcat::auth::setup::account_url(&cfg.accounts[0]).unwrap();
    assert_eq!(url.host_str(), Some("127.0.0.1"));
    assert!(run(&emu, setup.tokens.clone()).await.unwrap() > 0);
    // The JWT's claims name the configured account, not the URL host.
    let jwt = setup.tokens.token().await.unwrap();
    let body = secrecy::ExposeSecret::expose_secret(&jwt.secret).split('.').nth(1).unwrap().to_string();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, body).unwrap(),
    )
    .unwrap();
    assert_eq!(claims["sub"], "MYORG-MYACCOUNT.CRAWLER");
    assert_eq!(claims["iss"], format!("MYORG-MYACCOUNT.CRAWLER.{KEY1_FP}"));
    // Without `account` (which `snowcat validate` refuses for this host) the JWT would name account `127`.
    let mut url_only = cfg.accounts[0].clone();
    url_only.account = None;
    let err = run(&emu, snowcat::auth::build(&url_only).unwrap().tokens).await.unwrap_err().to_string();
    assert!(err.contains("390144"), "{err}");
}

#[tokio::test]
async fn wrong_fingerprint_gives_an_error_naming_the_fingerprint_to_check() {
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.set_public_key("CRAWLER", 1, &pem("key1_pub.pem")).unwrap();
    let emu = emulator(&creds).await;
    let src = jwt_source("myorg-myaccount", &key("key2_pkcs8.pem"));
    let first = run(&emu, src.clone()).await.unwrap_err().to_string();
    assert!(first.contains("390144"), "{first}");
    let again = run(&emu, src).await.unwrap_err().to_string();
    assert!(again.contains(KEY2_FP) && again.contains("DESC USER"), "{again}");
}

#[tokio::test]
async fn encrypted_key_with_wrong_passphrase_names_the_file_not_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let pass = dir.path().join("pass");
    std::fs::write(&pass, "not-the-passphrase-xyzzy\n").unwrap();
    let mut opts = KeyPairOptions::new("myorg-myaccount", "crawler", key("key1_des3.pem"));
    opts.passphrase = Some(SecretSource::File(pass));
    let err = KeyPairSource::new(opts.clone()).unwrap_err().to_string();
    assert!(err.contains("key1_des3.pem") && err.contains("wrong passphrase"), "{err}");
    assert!(!err.contains("xyzzy"), "{err}");
    opts.passphrase = Some(SecretSource::File(key("passphrase.txt")));
    assert_eq!(KeyPairSource::new(opts).unwrap().fingerprint().as_deref(), Some(KEY1_FP));
}

#[tokio::test]
async fn key_rotation_while_running_needs_no_restart() {
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.set_public_key("CRAWLER", 1, &pem("key1_pub.pem")).unwrap();
    let emu = emulator(&creds).await;
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("rsa_key.p8");
    std::fs::copy(key("key1_pkcs8.pem"), &live).unwrap();
    let src = jwt_source("myorg-myaccount", &live);
    assert!(run(&emu, src.clone()).await.is_ok());
    // The documented rotation: register the new key in RSA_PUBLIC_KEY_2, swap the file, drop the old key.
    creds.set_public_key("CRAWLER", 2, &pem("key2_pub.pem")).unwrap();
    let tmp = dir.path().join("rsa_key.p8.new");
    std::fs::copy(key("key2_pkcs8.pem"), &tmp).unwrap();
    std::fs::rename(&tmp, &live).unwrap();
    creds.unset_public_key("CRAWLER", 1);
    assert!(run(&emu, src.clone()).await.is_ok(), "the new key is picked up");
    assert_eq!(src.fingerprint().as_deref(), Some(KEY2_FP));
}

#[tokio::test]
async fn pat_file_rotation_and_expiry() {
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.add_pat("CRAWLER", "pat-secret-one", Duration::from_secs(3600), None);
    creds.add_pat("CRAWLER", "pat-secret-two", Duration::from_secs(3600), None);
    let emu = emulator(&creds).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pat");
    std::fs::write(&file, "pat-secret-one\n").unwrap();
    let src: Arc<dyn TokenSource> = Arc::new(PatSource::new(SecretSource::File(file.clone())));
    assert!(run(&emu, src.clone()).await.is_ok());
    // The first PAT expires; the statement fails clearly and never shows the token.
    creds.expire_pat("pat-secret-one");
    let err = run(&emu, src.clone()).await.unwrap_err().to_string();
    assert!(err.contains("programmatic access token") && err.contains(&file.display().to_string()), "{err}");
    assert!(!err.contains("pat-secret"), "{err}");
    // Rotating the mounted file is enough: no restart.
    std::fs::write(&file, "pat-secret-two\n").unwrap();
    assert!(run(&emu, src).await.is_ok());
}

#[test]
fn fingerprint_command_prints_openssls_fingerprint() {
    let out = assert_cmd::Command::cargo_bin("snowcat")
        .unwrap()
        .args(["auth", "fingerprint"])
        .arg(key("key1_des3.pem"))
        .arg("--passphrase-file")
        .arg(key("passphrase.txt"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), KEY1_FP);
    let out = assert_cmd::Command::cargo_bin("snowcat")
        .unwrap()
        .args(["auth", "fingerprint"])
        .arg(key("key2_pkcs8.pem"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), KEY2_FP);
}

/// The emulator checks claims the way sql-api-v2.md §7 says: every failure is 390144.
#[test]
fn emulator_refuses_jwts_with_bad_claims() {
    use snowcat::auth::jwt::{Claims, sign};
    use snowflake_emulator::tokens::{TokenType, TokenVerifier};
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.set_public_key("CRAWLER", 1, &pem("key1_pub.pem")).unwrap();
    let key = snowcat::auth::load_private_key(&key("key1_pkcs8.pem"), None).unwrap();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let verify = |c: &Claims| {
        let jwt = sign(&key, c).unwrap();
        creds.verify(secrecy::ExposeSecret::expose_secret(&jwt), TokenType::KeypairJwt)
    };
    let good = Claims::new("myorg-myaccount", "crawler", KEY1_FP, now - 10, Duration::from_secs(3000));
    assert_eq!(verify(&good).unwrap().user.as_deref(), Some("CRAWLER"));
    let mut too_long = good.clone();
    too_long.exp = too_long.iat + 7200;
    let mut expired = good.clone();
    (expired.iat, expired.exp) = (now - 4000, now - 400);
    let mut other_account = good.clone();
    other_account.sub = "OTHERORG-ACCT.CRAWLER".into();
    other_account.iss = format!("OTHERORG-ACCT.CRAWLER.{KEY1_FP}");
    let mut wrong_fp = good.clone();
    wrong_fp.iss = format!("MYORG-MYACCOUNT.CRAWLER.{KEY2_FP}");
    // The org-account form without its hyphen (the docs' Python sample trap) is a different account.
    let mangled = Claims::new("myorg", "crawler", KEY1_FP, now - 10, Duration::from_secs(3000));
    for (name, c) in [
        ("lifetime over 1 h", too_long),
        ("expired", expired),
        ("other account", other_account),
        ("unregistered fingerprint", wrong_fp),
        ("account cut at the hyphen", mangled),
    ] {
        let err = verify(&c).unwrap_err();
        assert_eq!((name, err.code.as_str()), (name, "390144"));
    }
}

/// Benchmark (run with `--ignored --nocapture`): RS256 signing and the emulator's verification, per JWT.
#[test]
#[ignore]
fn bench_jwt_sign_and_verify() {
    use snowcat::auth::jwt::{Claims, sign};
    use snowflake_emulator::tokens::{TokenType, TokenVerifier};
    let creds = Credentials::new("MYORG-MYACCOUNT");
    creds.set_public_key("CRAWLER", 1, &pem("key1_pub.pem")).unwrap();
    let load = std::time::Instant::now();
    let key =
        snowcat::auth::load_private_key(&key("key1_des3.pem"), Some(&"test-passphrase-not-secret".into()))
            .unwrap();
    let load = load.elapsed();
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let n = 200;
    let t = std::time::Instant::now();
    let jwts: Vec<_> = (0..n)
        .map(|i| {
            let c = Claims::new("myorg-myaccount", "crawler", KEY1_FP, now - i, Duration::from_secs(3000));
            sign(&key, &c).unwrap()
        })
        .collect();
    let signed = t.elapsed();
    let t = std::time::Instant::now();
    for j in &jwts {
        creds.verify(secrecy::ExposeSecret::expose_secret(j), TokenType::KeypairJwt).unwrap();
    }
    let verified = t.elapsed();
    println!(
        "des3 key load+decrypt {load:?}; sign {:?}/JWT; verify {:?}/JWT (n={n})",
        signed / n as u32,
        verified / n as u32
    );
}
