//! Programmatic access tokens: read from a file or env var, re-read when the file changes (a mounted
//! Kubernetes secret), sent with `X-Snowflake-Authorization-Token-Type: PROGRAMMATIC_ACCESS_TOKEN`.
//!
//! Owns only the PAT source. A PAT cannot be refreshed by software: once Snowflake refuses it and the file
//! has not changed, the source fails with a message telling the operator what to replace.

use std::sync::Mutex;

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::secret::{SecretSource, WatchedSecret};
use crate::sqlapi::{BoxFuture, Token, TokenError, TokenSource, TokenType};

/// A PAT from a file or env var.
#[derive(Debug)]
pub struct PatSource {
    secret: WatchedSecret,
    /// SHA-256 of the last token Snowflake refused (never the token itself).
    refused: Mutex<Option<[u8; 32]>>,
    token_type: TokenType,
}

fn digest(s: &SecretString) -> [u8; 32] {
    Sha256::digest(s.expose_secret().as_bytes()).into()
}

impl PatSource {
    pub fn new(source: SecretSource) -> Self {
        Self::with_type(source, TokenType::ProgrammaticAccessToken)
    }

    /// A bearer token of another type read the same way (`[accounts.auth.token_file]`).
    pub fn with_type(source: SecretSource, token_type: TokenType) -> Self {
        let what = match token_type {
            TokenType::ProgrammaticAccessToken => "programmatic access token",
            _ => "bearer token",
        };
        PatSource { secret: WatchedSecret::new(source, what), refused: Mutex::new(None), token_type }
    }

    fn current(&self) -> Result<Token, TokenError> {
        let secret = self.secret.current()?;
        let refused = *self.refused.lock().unwrap_or_else(|p| p.into_inner());
        if refused == Some(digest(&secret)) {
            let hint = if self.token_type == TokenType::ProgrammaticAccessToken {
                "create a new one (ALTER USER ... ADD PROGRAMMATIC ACCESS TOKEN) and put it there"
            } else {
                "put a valid token there"
            };
            return Err(TokenError(format!(
                "Snowflake refused the {} from {} (expired, revoked or wrong); {hint}",
                if self.token_type == TokenType::ProgrammaticAccessToken {
                    "programmatic access token"
                } else {
                    "bearer token"
                },
                self.secret.source()
            )));
        }
        Ok(Token { secret, token_type: self.token_type })
    }
}

impl TokenSource for PatSource {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let result = self.current();
        Box::pin(async move { result })
    }

    fn invalidate(&self, rejected: &Token) {
        *self.refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(digest(&rejected.secret));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn refused_token_fails_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pat");
        std::fs::write(&path, "pat-one\n").unwrap();
        let src = PatSource::new(SecretSource::File(path.clone()));
        let t = src.token().await.unwrap();
        assert_eq!(t.token_type, TokenType::ProgrammaticAccessToken);
        src.invalidate(&t);
        let err = src.token().await.unwrap_err().to_string();
        assert!(err.contains(&path.display().to_string()) && !err.contains("pat-one"), "{err}");
        std::fs::write(&path, "pat-two-rotated\n").unwrap();
        assert_eq!(src.token().await.unwrap().secret.expose_secret(), "pat-two-rotated");
    }
}
