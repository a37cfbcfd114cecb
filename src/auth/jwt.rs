//! Key-pair JWT: Snowflake's account normalisation, RS256 signing of `iss`/`sub`/`iat`/`exp`, and
//! [`KeyPairSource`], which renews the JWT before it expires and re-reads the key file when it changes.
//!
//! Owns the JWT form of the account (upper-case, region stripped) and the claims. Must never log or put in
//! an error the JWT, the key or its passphrase.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use rsa::PrivateKey;
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::AuthError;
use super::keys::{fingerprint, load_private_key};
use super::secret::{SecretSource, Stamp};
use crate::sqlapi::{BoxFuture, Token, TokenError, TokenSource, TokenType};

/// The account part of `iss`/`sub` (sql-api-v2.md §7): upper-case; the org-account form keeps its hyphen;
/// a locator (`xy12345.us-east-2.aws`) or full host is cut at the first dot; a `.global` replication name
/// is cut at the first hyphen.
pub fn jwt_account(account: &str) -> String {
    let trimmed = account.trim();
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .unwrap_or(trimmed)
        .trim_end_matches('/');
    let lower = host.to_ascii_lowercase();
    let cut = if lower.contains(".global") {
        lower.split('-').next().unwrap_or_default()
    } else {
        lower.split('.').next().unwrap_or_default()
    };
    cut.to_ascii_uppercase()
}

/// The claims Snowflake checks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub iat: u64,
    pub exp: u64,
}

impl Claims {
    /// Claims for `account`/`user` with the key's fingerprint, issued at `iat` and valid for `lifetime`
    /// (capped at one hour, Snowflake's maximum).
    pub fn new(account: &str, user: &str, fingerprint: &str, iat: u64, lifetime: Duration) -> Claims {
        let sub = format!("{}.{}", jwt_account(account), user.trim().to_ascii_uppercase());
        let lifetime = lifetime.min(Duration::from_secs(3600)).as_secs();
        Claims { iss: format!("{sub}.{fingerprint}"), sub, iat, exp: iat + lifetime }
    }
}

/// Sign `claims` with RS256 and return the compact JWT.
pub fn sign(key: &PrivateKey, claims: &Claims) -> Result<SecretString, AuthError> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let body = serde_json::to_vec(claims).map_err(|e| AuthError::Config(format!("JWT claims: {e}")))?;
    let signing_input = format!("{header}.{}", b64.encode(body));
    let sig = key
        .pkcs1v15_sign::<Sha256>(signing_input.as_bytes())
        .map_err(|e| AuthError::Config(format!("cannot sign the JWT: {e}")))?;
    Ok(SecretString::from(format!("{signing_input}.{}", b64.encode(sig))))
}

/// Settings of a [`KeyPairSource`].
#[derive(Debug, Clone)]
pub struct KeyPairOptions {
    /// Account identifier as configured (normalised with [`jwt_account`]).
    pub account: String,
    pub user: String,
    pub private_key_file: PathBuf,
    /// Passphrase of an encrypted key.
    pub passphrase: Option<SecretSource>,
    /// JWT lifetime (default 59 min; never more than 1 h).
    pub lifetime: Duration,
    /// Mint a new JWT after this fraction of its lifetime (default 0.8).
    pub renew_at_fraction: f64,
}

impl KeyPairOptions {
    pub fn new(account: &str, user: &str, private_key_file: impl Into<PathBuf>) -> Self {
        KeyPairOptions {
            account: account.into(),
            user: user.into(),
            private_key_file: private_key_file.into(),
            passphrase: None,
            lifetime: Duration::from_secs(59 * 60),
            renew_at_fraction: 0.8,
        }
    }
}

struct LoadedKey {
    stamp: Option<Stamp>,
    key: PrivateKey,
    fingerprint: String,
}

#[derive(Default)]
struct State {
    key: Option<LoadedKey>,
    /// The JWT, when to renew it, and when it was minted.
    token: Option<(SecretString, Instant, Instant)>,
    /// A fresh JWT signed with this fingerprint was refused: fail fast with a hint for a while.
    refused: Option<(String, Instant)>,
}

/// How long a refused fingerprint fails fast before the source tries again (the admin may have run
/// `ALTER USER ... SET RSA_PUBLIC_KEY` meanwhile).
const REFUSED_HOLD: Duration = Duration::from_secs(60);
/// A JWT refused within this long after minting is refused for its key, not for its age.
const FRESH: Duration = Duration::from_secs(60);

/// Mints key-pair JWTs; renews them before expiry and reloads the key file when it changes (rotation).
pub struct KeyPairSource {
    opts: KeyPairOptions,
    state: Mutex<State>,
}

impl std::fmt::Debug for KeyPairSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPairSource")
            .field("account", &self.opts.account)
            .field("user", &self.opts.user)
            .field("private_key_file", &self.opts.private_key_file)
            .finish_non_exhaustive()
    }
}

impl KeyPairSource {
    /// Build the source and load the key now, so a bad key or passphrase fails at startup.
    pub fn new(opts: KeyPairOptions) -> Result<Self, AuthError> {
        let src = KeyPairSource { opts, state: Mutex::new(State::default()) };
        {
            let mut state = src.state.lock().unwrap_or_else(|p| p.into_inner());
            src.refresh_key(&mut state)?;
        }
        Ok(src)
    }

    /// The fingerprint of the key in use (to compare with `DESC USER`).
    pub fn fingerprint(&self) -> Option<String> {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.key.as_ref().map(|k| k.fingerprint.clone())
    }

    /// Reload the key if its file changed; drops the cached JWT when the key is new.
    fn refresh_key(&self, state: &mut State) -> Result<(), AuthError> {
        let path = &self.opts.private_key_file;
        let stamp = std::fs::metadata(path).ok().map(|m| Stamp::of(&m));
        if let Some(k) = &state.key
            && stamp.is_some()
            && k.stamp == stamp
        {
            return Ok(());
        }
        let pass = match &self.opts.passphrase {
            Some(src) => Some(src.read("private key passphrase")?),
            None => None,
        };
        let key = match load_private_key(path, pass.as_ref()) {
            Ok(key) => key,
            // Keep signing with the old key while a rotation is half-written; fail if we have none.
            Err(e) if state.key.is_some() => {
                tracing::warn!(error = %e, "cannot reload the private key; keeping the previous one");
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        let fingerprint = fingerprint(&key.to_public_key())?;
        if state.key.as_ref().is_none_or(|k| k.fingerprint != fingerprint) {
            if state.key.is_some() {
                tracing::info!(file = %path.display(), %fingerprint, "private key changed; using the new key");
            }
            state.token = None;
        }
        state.key = Some(LoadedKey { stamp, key, fingerprint });
        Ok(())
    }

    fn current(&self) -> Result<Token, AuthError> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.refresh_key(&mut state)?;
        if let Some((fp, at)) = &state.refused
            && state.key.as_ref().is_some_and(|k| &k.fingerprint == fp)
            && at.elapsed() < REFUSED_HOLD
        {
            return Err(AuthError::NeedsOperator(format!(
                "Snowflake refused the key-pair JWT for user {} (JWT token is invalid, 390144): check that \
                 {fp} (key {}) is the user's RSA_PUBLIC_KEY_FP or RSA_PUBLIC_KEY_2_FP in DESC USER, that the \
                 account is {}, and that this host's clock is right",
                self.opts.user.to_ascii_uppercase(),
                self.opts.private_key_file.display(),
                jwt_account(&self.opts.account),
            )));
        }
        if let Some((jwt, renew_at, _)) = &state.token
            && Instant::now() < *renew_at
        {
            return Ok(Token { secret: jwt.clone(), token_type: TokenType::KeypairJwt });
        }
        let key = state.key.as_ref().ok_or_else(|| AuthError::Config("no private key loaded".into()))?;
        // Issued a little in the past to tolerate clock skew; the lifetime still counts from `iat`.
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default();
        let iat = now.saturating_sub(30);
        let claims =
            Claims::new(&self.opts.account, &self.opts.user, &key.fingerprint, iat, self.opts.lifetime);
        let jwt = sign(&key.key, &claims)?;
        let valid = Duration::from_secs(claims.exp.saturating_sub(now));
        let renew_after = valid.mul_f64(self.opts.renew_at_fraction.clamp(0.05, 0.95));
        tracing::debug!(sub = %claims.sub, fingerprint = %key.fingerprint, "minted a key-pair JWT");
        state.token = Some((jwt.clone(), Instant::now() + renew_after, Instant::now()));
        state.refused = None;
        Ok(Token { secret: jwt, token_type: TokenType::KeypairJwt })
    }
}

impl TokenSource for KeyPairSource {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let result = self.current().map_err(TokenError::from);
        Box::pin(async move { result })
    }

    fn invalidate(&self, rejected: &Token) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let minted = state
            .token
            .as_ref()
            .filter(|(jwt, _, _)| jwt.expose_secret() == rejected.secret.expose_secret())
            .map(|(_, _, minted)| *minted);
        if let Some(minted) = minted {
            state.token = None;
            if minted.elapsed() < FRESH {
                state.refused = state.key.as_ref().map(|k| (k.fingerprint.clone(), Instant::now()));
            }
            // Force a re-read too: the server may already know a rotated key we have not seen.
            if let Some(k) = state.key.as_mut() {
                k.stamp = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_normalisation_follows_the_docs() {
        assert_eq!(jwt_account("myorg-myaccount"), "MYORG-MYACCOUNT");
        assert_eq!(jwt_account("xy12345.us-east-2.aws"), "XY12345");
        assert_eq!(jwt_account("xy12345.us-east-2.privatelink"), "XY12345");
        assert_eq!(jwt_account("https://myorg-myaccount.snowflakecomputing.com"), "MYORG-MYACCOUNT");
        assert_eq!(jwt_account("xy12345-myconn.global"), "XY12345");
    }

    #[test]
    fn claims_have_snowflakes_shape_and_at_most_an_hour() {
        let c = Claims::new("xy12345.eu-west-1", "jsmith", "SHA256:abc=", 1000, Duration::from_secs(7200));
        assert_eq!(c.sub, "XY12345.JSMITH");
        assert_eq!(c.iss, "XY12345.JSMITH.SHA256:abc=");
        assert_eq!(c.exp - c.iat, 3600);
    }
}
