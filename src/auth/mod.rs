//! Token sources for the SQL API client: OAuth 2.0 with a managed lifecycle, key-pair JWT, programmatic
//! access tokens and the Scalekit Agent Auth transport, all behind [`crate::sqlapi::TokenSource`].
//!
//! Owns credentials only: reading secrets from files or env vars, signing JWTs, refreshing OAuth tokens,
//! storing refresh tokens (0600, atomic) and the Scalekit client-credentials token. Must not log, format or
//! persist a secret outside the state directory; must not know the SQL API wire format.
//!
//! Entry point for the daemon and CLI: [`build`] maps an `[accounts.auth]` config section to a token source
//! (and, for Scalekit, the proxy base URL the client must use instead of the account URL).

pub mod hint;
pub mod jwt;
pub mod keys;
pub mod oauth;
pub mod pat;
pub mod scalekit;
pub mod secret;
pub mod setup;

pub use jwt::{KeyPairOptions, KeyPairSource, jwt_account};
pub use keys::{fingerprint, fingerprint_file, load_private_key};
pub use oauth::{OAuthOptions, OAuthSource, TokenStore};
pub use pat::PatSource;
pub use scalekit::{ScalekitOptions, ScalekitSource};
pub use secret::{SecretSource, WatchedSecret};
pub use setup::{AuthSetup, build, build_with_metrics};

/// Why a credential could not be produced. Messages name files and variables, never secret values.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// A secret (token, passphrase, client secret) could not be read.
    #[error("cannot read the {what} from {location}: {reason}")]
    Secret { what: &'static str, location: String, reason: String },
    /// A private key file could not be read, decrypted or parsed.
    #[error("private key {path}: {reason}")]
    Key { path: String, reason: String },
    /// The config does not say enough to build a source.
    #[error("auth config: {0}")]
    Config(String),
    /// An HTTP exchange with a token endpoint failed (transport or unexpected reply).
    #[error("{0}")]
    Http(String),
    /// The credential was refused and a person must act (log in again, rotate a token).
    #[error("{0}")]
    NeedsOperator(String),
}

impl From<AuthError> for crate::sqlapi::TokenError {
    fn from(e: AuthError) -> Self {
        crate::sqlapi::TokenError(e.to_string())
    }
}
