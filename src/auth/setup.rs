//! From `[accounts.auth]` config to a live token source: [`build`] picks the one configured method and
//! wires its secret references, token directory and endpoints.
//!
//! Owns the mapping from config to sources only; no network I/O happens here.

use std::sync::Arc;

use reqwest::Url;

use super::AuthError;
use super::jwt::{KeyPairOptions, KeyPairSource};
use super::oauth::{LoginRequest, OAuthOptions, OAuthSource, TokenStore};
use super::pat::PatSource;
use super::scalekit::{ScalekitOptions, ScalekitSource};
use super::secret::SecretSource;
use crate::config::{self as schema, AccountConfig};
use crate::metrics::Metrics;
use crate::sqlapi::{TokenSource, TokenType, account_base_url, parse_base_url};

/// A token source and, for transports that proxy the SQL API, the base URL the client must use.
pub struct AuthSetup {
    pub tokens: Arc<dyn TokenSource>,
    /// `Some` when requests must go elsewhere than the account URL (the Scalekit proxy).
    pub base_url: Option<String>,
}

impl std::fmt::Debug for AuthSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSetup").field("base_url", &self.base_url).finish_non_exhaustive()
    }
}

/// The account's SQL API base URL: `url` when given (it wins over `account` for the endpoint), else derived
/// from `account`.
pub fn account_url(account: &AccountConfig) -> Result<Url, AuthError> {
    let parsed = match (&account.url, &account.account) {
        (Some(url), _) => parse_base_url(url),
        (None, Some(acct)) => account_base_url(acct),
        (None, None) => {
            return Err(AuthError::Config(format!("account {}: give `account` or `url`", account.name)));
        }
    };
    parsed.map_err(|e| AuthError::Config(format!("account {}: {e}", account.name)))
}

/// The account named in key-pair JWT claims: `account` when given (even with a `url` pointing at a proxy or
/// the emulator), else the host of `url` (right only for a `*.snowflakecomputing.com` URL).
pub fn jwt_account_of(account: &AccountConfig) -> Result<String, AuthError> {
    match (&account.account, &account.url) {
        (Some(a), _) => Ok(a.clone()),
        (None, Some(u)) => Ok(account_url(account)?.host_str().unwrap_or(u).to_string()),
        (None, None) => Err(AuthError::Config(format!("account {}: give `account` or `url`", account.name))),
    }
}

/// The `X-Snowflake-Authorization-Token-Type` of a config's `token_type`.
pub(crate) fn wire_token_type(t: schema::TokenType) -> TokenType {
    match t {
        schema::TokenType::Oauth => TokenType::OAuth,
        schema::TokenType::KeypairJwt => TokenType::KeypairJwt,
        schema::TokenType::ProgrammaticAccessToken => TokenType::ProgrammaticAccessToken,
    }
}

fn secret(
    what: &str,
    file: &Option<std::path::PathBuf>,
    env: &Option<String>,
) -> Result<SecretSource, AuthError> {
    SecretSource::from_pair(what, file.as_ref(), env.as_ref())?
        .ok_or_else(|| AuthError::Config(format!("the {what} needs a *_file or *_env setting")))
}

/// OAuth settings for `account` (used by the daemon and `snowcat auth login`).
pub fn oauth_options(account: &AccountConfig, cfg: &schema::OAuthConfig) -> Result<OAuthOptions, AuthError> {
    let base = account_url(account)?;
    let join = |p: &str| base.join(p).map_err(|e| AuthError::Config(format!("OAuth endpoint {p}: {e}")));
    Ok(OAuthOptions {
        account_name: account.name.clone(),
        request: LoginRequest {
            authorize_url: join("/oauth/authorize")?,
            token_url: join("/oauth/token-request")?,
            client_id: cfg.client_id.clone(),
            redirect_uri: cfg.redirect_uri.clone(),
            role: account.role.clone(),
        },
        client_secret: secret("OAuth client secret", &cfg.client_secret_file, &cfg.client_secret_env)?,
        store: TokenStore::new(&cfg.token_dir, &account.name),
        refresh_at_fraction: cfg.refresh_at_fraction,
    })
}

/// Scalekit settings for `account`.
pub fn scalekit_options(cfg: &schema::ScalekitConfig) -> Result<ScalekitOptions, AuthError> {
    Ok(ScalekitOptions {
        env_url: cfg.env_url.clone(),
        client_id: cfg.client_id.clone(),
        client_secret: secret("Scalekit client secret", &cfg.client_secret_file, &cfg.client_secret_env)?,
        connection_name: cfg.connection_name.clone(),
        identifier: cfg.identifier.clone(),
    })
}

/// Build the token source of the single auth method configured for `account`.
pub fn build(account: &AccountConfig) -> Result<AuthSetup, AuthError> {
    build_with_metrics(account, None)
}

/// [`build`], counting OAuth refreshes (ok / failed) in `metrics`.
pub fn build_with_metrics(
    account: &AccountConfig,
    metrics: Option<Arc<Metrics>>,
) -> Result<AuthSetup, AuthError> {
    let auth = &account.auth;
    let methods = auth.methods();
    if methods.len() != 1 {
        return Err(AuthError::Config(format!(
            "account {}: configure exactly one auth method (found: {})",
            account.name,
            if methods.is_empty() { "none".to_string() } else { methods.join(", ") }
        )));
    }
    let direct = |tokens: Arc<dyn TokenSource>| AuthSetup { tokens, base_url: None };
    if let Some(cfg) = &auth.keypair {
        let mut opts =
            KeyPairOptions::new(&jwt_account_of(account)?, &cfg.user, cfg.private_key_file.clone());
        opts.passphrase = SecretSource::from_pair(
            "key passphrase",
            cfg.passphrase_file.as_ref(),
            cfg.passphrase_env.as_ref(),
        )?;
        return Ok(direct(Arc::new(KeyPairSource::new(opts)?)));
    }
    if let Some(cfg) = &auth.pat {
        let src = secret("programmatic access token", &cfg.token_file, &cfg.token_env)?;
        return Ok(direct(Arc::new(PatSource::new(src))));
    }
    if let Some(cfg) = &auth.token_file {
        let token_type = wire_token_type(cfg.token_type);
        return Ok(direct(Arc::new(PatSource::with_type(SecretSource::File(cfg.path.clone()), token_type))));
    }
    if let Some(cfg) = &auth.oauth {
        let mut src = OAuthSource::new(oauth_options(account, cfg)?)?;
        if let Some(m) = metrics {
            src = src.with_metrics(m);
        }
        return Ok(direct(Arc::new(src)));
    }
    if let Some(cfg) = &auth.scalekit {
        let src = ScalekitSource::new(scalekit_options(cfg)?)?;
        let base_url = Some(src.proxy_base_url());
        return Ok(AuthSetup { tokens: Arc::new(src), base_url });
    }
    Err(AuthError::Config(format!("account {}: no auth method configured", account.name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(extra: &str) -> AccountConfig {
        toml::from_str(&format!("name = \"a\"\nschedule = \"* * * * *\"\n{extra}")).unwrap()
    }

    #[test]
    fn the_jwt_account_comes_from_account_even_when_url_points_elsewhere() {
        let both = account("account = \"myorg-myaccount\"\nurl = \"http://127.0.0.1:9\"");
        assert_eq!(jwt_account_of(&both).unwrap(), "myorg-myaccount");
        assert_eq!(account_url(&both).unwrap().as_str(), "http://127.0.0.1:9/", "url wins for the endpoint");
        let url_only = account("url = \"https://xy12345.eu-central-1.snowflakecomputing.com\"");
        assert_eq!(crate::auth::jwt_account(&jwt_account_of(&url_only).unwrap()), "XY12345");
        assert!(jwt_account_of(&account("")).is_err());
    }
}
