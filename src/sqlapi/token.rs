//! Where the client gets its bearer token: the `TokenSource` trait and the static source.
//!
//! Owns the token type header values and the refresh hook the client calls on a 401. Must not log or
//! format a token's secret; the auth issue adds OAuth, key-pair JWT and PAT sources behind this trait.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use secrecy::SecretString;

/// The value of `X-Snowflake-Authorization-Token-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenType {
    OAuth,
    KeypairJwt,
    ProgrammaticAccessToken,
}

impl TokenType {
    /// The header value Snowflake expects.
    pub fn header_value(self) -> &'static str {
        match self {
            TokenType::OAuth => "OAUTH",
            TokenType::KeypairJwt => "KEYPAIR_JWT",
            TokenType::ProgrammaticAccessToken => "PROGRAMMATIC_ACCESS_TOKEN",
        }
    }
}

impl fmt::Display for TokenType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.header_value())
    }
}

impl std::str::FromStr for TokenType {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_uppercase().as_str() {
            "OAUTH" => Ok(TokenType::OAuth),
            "KEYPAIR_JWT" => Ok(TokenType::KeypairJwt),
            "PROGRAMMATIC_ACCESS_TOKEN" | "PAT" => Ok(TokenType::ProgrammaticAccessToken),
            other => Err(format!(
                "unknown token type {other:?} (expected OAUTH, KEYPAIR_JWT or PROGRAMMATIC_ACCESS_TOKEN)"
            )),
        }
    }
}

/// A bearer token and its type. `Debug` never shows the secret.
#[derive(Clone)]
pub struct Token {
    pub secret: SecretString,
    pub token_type: TokenType,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token").field("secret", &"[REDACTED]").field("token_type", &self.token_type).finish()
    }
}

/// Why a token source could not give a token. The message must not contain the secret.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct TokenError(pub String);

/// A boxed, sendable future (keeps [`TokenSource`] object-safe without `async_trait`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Gives the client a bearer token for each request.
///
/// `token` is called before every HTTP request, so implementations should cache. When the server answers
/// 401, the client calls `invalidate` with the refused token, then `token` once more and retries once.
pub trait TokenSource: Send + Sync {
    /// The token to send now.
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>>;

    /// The server refused `rejected`: drop it so the next `token()` mints or refreshes a new one.
    fn invalidate(&self, rejected: &Token) {
        let _ = rejected;
    }

    /// Extra headers for every request (the Scalekit proxy's `connection_name` / `identifier`).
    fn extra_headers(&self) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

/// A fixed token (from a file, an env variable or a test). `invalidate` does nothing.
#[derive(Clone)]
pub struct StaticToken {
    token: Token,
}

impl StaticToken {
    pub fn new(secret: SecretString, token_type: TokenType) -> Self {
        StaticToken { token: Token { secret, token_type } }
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticToken").field("token", &self.token).finish()
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let token = self.token.clone();
        Box::pin(async move { Ok(token) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn token_type_parses_header_values_case_insensitively() {
        assert_eq!("oauth".parse::<TokenType>().unwrap(), TokenType::OAuth);
        assert_eq!("KEYPAIR_JWT".parse::<TokenType>().unwrap().header_value(), "KEYPAIR_JWT");
        assert_eq!(
            "programmatic_access_token".parse::<TokenType>().unwrap(),
            TokenType::ProgrammaticAccessToken
        );
        assert!("bearer".parse::<TokenType>().is_err());
    }

    #[tokio::test]
    async fn static_token_is_returned_and_never_debug_printed() {
        let src = StaticToken::new(SecretString::from("s3cr3t-value"), TokenType::OAuth);
        let t = src.token().await.unwrap();
        assert_eq!(t.secret.expose_secret(), "s3cr3t-value");
        let dbg = format!("{src:?} {t:?}");
        assert!(!dbg.contains("s3cr3t"), "{dbg}");
        let shared: std::sync::Arc<dyn TokenSource> = std::sync::Arc::new(src);
        shared.invalidate(&t);
        assert_eq!(shared.token().await.unwrap().token_type, TokenType::OAuth);
    }
}
