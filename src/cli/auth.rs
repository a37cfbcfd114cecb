//! `snowcat auth login [--account NAME] [--scalekit] [--no-listen]` and `snowcat auth fingerprint KEYFILE
//! [--passphrase-file FILE]`: the operator's side of authentication.
//!
//! Wiring only: the flows live in `crate::auth`. Prints links and fingerprints, never a token or secret.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use secrecy::SecretString;

use super::{Outcome, UsageError};
use crate::auth::{self, SecretSource};
use crate::config::{self, AccountConfig};

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Authorize snowcat: OAuth (prints the link, waits for the redirect) or Scalekit (prints the magic link).
    Login(LoginArgs),
    /// Print the SHA256 fingerprint of a private key's public half (compare with DESC USER).
    Fingerprint(FingerprintArgs),
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Config file (default: $SNOWCAT_CONFIG, else /etc/snowcat/snowcat.toml).
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The `[[accounts]]` name (optional when the config has one account).
    #[arg(long, value_name = "NAME")]
    pub account: Option<String>,
    /// Print the Scalekit authorization (magic) link for the account's connected user.
    #[arg(long)]
    pub scalekit: bool,
    /// Do not listen on the redirect URI; paste the redirected URL on stdin instead (remote servers).
    #[arg(long)]
    pub no_listen: bool,
    /// How long to wait for the browser.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub timeout: u64,
}

#[derive(Debug, Args)]
pub struct FingerprintArgs {
    /// PEM private key (PKCS#8, encrypted PKCS#8 or PKCS#1).
    pub keyfile: PathBuf,
    /// File holding the passphrase of an encrypted key.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

pub async fn run(cmd: AuthCommand) -> Result<Outcome> {
    match cmd {
        AuthCommand::Login(args) => login(args).await,
        AuthCommand::Fingerprint(args) => fingerprint(args),
    }
}

fn fingerprint(args: FingerprintArgs) -> Result<Outcome> {
    let pass: Option<SecretString> = match &args.passphrase_file {
        Some(f) => Some(SecretSource::File(f.clone()).read("passphrase")?),
        None => None,
    };
    println!("{}", auth::fingerprint_file(&args.keyfile, pass.as_ref())?);
    Ok(Outcome::Success)
}

fn pick_account(cfg: &config::Config, name: Option<&str>) -> Result<AccountConfig> {
    match name {
        Some(n) => cfg
            .accounts
            .iter()
            .find(|a| a.name == n)
            .cloned()
            .ok_or_else(|| UsageError(format!("no account named {n:?} in the config")).into()),
        None if cfg.accounts.len() == 1 => Ok(cfg.accounts[0].clone()),
        None => Err(UsageError("the config has several accounts; pick one with --account".into()).into()),
    }
}

async fn login(args: LoginArgs) -> Result<Outcome> {
    let path = config::resolve_path(args.config.as_deref());
    let cfg = config::load(&path).map_err(|e| UsageError(format!("{}: {e}", path.display())))?;
    let account = pick_account(&cfg, args.account.as_deref())?;
    if args.scalekit {
        let sk =
            account.auth.scalekit.as_ref().ok_or_else(|| {
                UsageError(format!("account {} has no [accounts.auth.scalekit]", account.name))
            })?;
        let src = auth::ScalekitSource::new(auth::setup::scalekit_options(sk)?)?;
        let link = src.magic_link().await?;
        println!("Open this link as the Snowflake user to connect the account through Scalekit:\n{link}");
        return Ok(Outcome::Success);
    }
    let oauth = account
        .auth
        .oauth
        .as_ref()
        .ok_or_else(|| UsageError(format!("account {} has no [accounts.auth.oauth]", account.name)))?;
    let opts = auth::setup::oauth_options(&account, oauth)?;
    let secret = opts.client_secret.read("OAuth client secret")?;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build()?;
    let show = |link: &str| {
        println!("Open this link in a browser and approve snowcat:\n{link}");
        if args.no_listen {
            println!("Then paste the full URL your browser was redirected to and press Enter:");
        } else {
            println!("Waiting for the redirect to {} ...", opts.request.redirect_uri);
        }
    };
    let paste = args.no_listen.then_some(async {
        let line = tokio::task::spawn_blocking(|| {
            let mut s = String::new();
            std::io::stdin().read_line(&mut s).map(|_| s)
        })
        .await
        .map_err(|e| auth::AuthError::Config(e.to_string()))?
        .map_err(|e| auth::AuthError::Config(format!("cannot read the pasted URL: {e}")))?;
        Ok(line)
    });
    let stored =
        auth::oauth::login(&http, &opts.request, &secret, show, paste, Duration::from_secs(args.timeout))
            .await?;
    opts.store.save(&stored).context("storing the refresh token")?;
    println!(
        "Logged in{}; refresh token stored in {} (mode 0600).",
        stored.username.as_deref().map(|u| format!(" as {u}")).unwrap_or_default(),
        opts.store.path().display()
    );
    Ok(Outcome::Success)
}
