//! The `[accounts.auth]` part of the schema: one sub-table per authentication method, each secret named
//! by a `*_file` or `*_env` key, never inline.
//!
//! Shape only; the auth module turns these into token sources. Must not read the secrets.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// A secret read from a file or an environment variable, never written inline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SecretRef {
    /// Path of a file holding the secret (trailing newline ignored).
    File(PathBuf),
    /// Name of an environment variable holding the secret.
    Env(String),
}

/// `[accounts.auth]`: exactly one of the sub-tables must be present.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// OAuth 2.0 via a Snowflake security integration (`snowcat auth login` stores the refresh token).
    #[serde(default)]
    pub oauth: Option<OAuthConfig>,
    /// Key-pair JWT.
    #[serde(default)]
    pub keypair: Option<KeyPairConfig>,
    /// Programmatic access token.
    #[serde(default)]
    pub pat: Option<PatConfig>,
    /// A static bearer token read from a file.
    #[serde(default)]
    pub token_file: Option<TokenFileConfig>,
    /// Scalekit Agent Auth proxy.
    #[serde(default)]
    pub scalekit: Option<ScalekitConfig>,
}

/// `[accounts.auth.oauth]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthConfig {
    /// OAuth client id of the security integration.
    pub client_id: String,
    /// File holding the client secret.
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// Environment variable holding the client secret.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// Loopback redirect URI registered on the integration.
    #[serde(default = "default_redirect_uri")]
    pub redirect_uri: String,
    /// Directory where the refresh token is stored (mode 0600).
    #[serde(default = "default_token_dir")]
    pub token_dir: PathBuf,
    /// Refresh the access token after this fraction of its lifetime (0 < f < 1).
    #[serde(default = "default_refresh_at")]
    pub refresh_at_fraction: f64,
}

fn default_redirect_uri() -> String {
    "http://127.0.0.1:8765/callback".to_string()
}
fn default_token_dir() -> PathBuf {
    PathBuf::from("/var/lib/snowcat/tokens")
}
fn default_refresh_at() -> f64 {
    0.8
}

/// `[accounts.auth.keypair]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyPairConfig {
    /// Snowflake user the key belongs to.
    pub user: String,
    /// PEM private key (PKCS#8, encrypted PKCS#8 or PKCS#1); re-read when it changes.
    pub private_key_file: PathBuf,
    /// File holding the key's passphrase (encrypted keys only).
    #[serde(default)]
    pub passphrase_file: Option<PathBuf>,
    /// Environment variable holding the key's passphrase (encrypted keys only).
    #[serde(default)]
    pub passphrase_env: Option<String>,
}

/// `[accounts.auth.pat]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatConfig {
    /// File holding the token; re-read when it changes.
    #[serde(default)]
    pub token_file: Option<PathBuf>,
    /// Environment variable holding the token.
    #[serde(default)]
    pub token_env: Option<String>,
}

/// Token types the SQL API accepts in `X-Snowflake-Authorization-Token-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TokenType {
    /// An OAuth access token.
    Oauth,
    /// A key-pair JWT.
    KeypairJwt,
    /// A programmatic access token.
    ProgrammaticAccessToken,
}

/// `[accounts.auth.token_file]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenFileConfig {
    /// File holding the bearer token; re-read when it changes.
    pub path: PathBuf,
    /// `OAUTH`, `KEYPAIR_JWT` or `PROGRAMMATIC_ACCESS_TOKEN`.
    #[serde(default = "default_token_type")]
    pub token_type: TokenType,
}

fn default_token_type() -> TokenType {
    TokenType::Oauth
}

/// `[accounts.auth.scalekit]`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScalekitConfig {
    /// Scalekit environment URL (`https://<env>.scalekit.com`).
    pub env_url: String,
    /// Client id of the Scalekit client credentials.
    pub client_id: String,
    /// File holding the client secret.
    #[serde(default)]
    pub client_secret_file: Option<PathBuf>,
    /// Environment variable holding the client secret.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// Name of the Snowflake connection in Scalekit.
    pub connection_name: String,
    /// Identifier of the connected account (the user) in Scalekit.
    pub identifier: String,
}

impl AuthConfig {
    /// Names of the methods present, in a fixed order.
    pub fn methods(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.oauth.is_some() {
            out.push("oauth");
        }
        if self.keypair.is_some() {
            out.push("keypair");
        }
        if self.pat.is_some() {
            out.push("pat");
        }
        if self.token_file.is_some() {
            out.push("token_file");
        }
        if self.scalekit.is_some() {
            out.push("scalekit");
        }
        out
    }
}

/// Resolve a `*_file` / `*_env` pair to a reference, when exactly one is given.
pub fn secret_ref(file: &Option<PathBuf>, env: &Option<String>) -> Option<SecretRef> {
    match (file, env) {
        (Some(f), None) => Some(SecretRef::File(f.clone())),
        (None, Some(e)) => Some(SecretRef::Env(e.clone())),
        _ => None,
    }
}
