//! Bearer-token checking for the emulator: a pluggable [`TokenVerifier`] and the two static verifiers
//! (any non-empty token, or one exact token).
//!
//! Owns the 401 codes per token type (sql-api-v2.md §3.3, §9). Never logs or echoes a token. The auth work
//! plugs OAuth / key-pair JWT / PAT verifiers in through the same trait.

/// The token types of `X-Snowflake-Authorization-Token-Type` (absent: the server assumes OAuth).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenType {
    KeypairJwt,
    Oauth,
    ProgrammaticAccessToken,
    WorkloadIdentityFederation,
}

impl TokenType {
    /// Parse the header value; `None` for an unknown value.
    pub fn from_header(value: &str) -> Option<TokenType> {
        match value.trim().to_ascii_uppercase().as_str() {
            "KEYPAIR_JWT" => Some(TokenType::KeypairJwt),
            "OAUTH" => Some(TokenType::Oauth),
            "PROGRAMMATIC_ACCESS_TOKEN" => Some(TokenType::ProgrammaticAccessToken),
            "WORKLOAD_IDENTITY_FEDERATION" => Some(TokenType::WorkloadIdentityFederation),
            _ => None,
        }
    }
}

/// Who a verified token speaks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Principal {
    pub user: Option<String>,
    /// The role statements run as when the request body names none.
    pub default_role: Option<String>,
}

/// Why a token was refused: the 401 body's `code` and `message`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct TokenRejection {
    pub code: String,
    pub message: String,
}

impl TokenRejection {
    /// The documented "invalid token" rejection for a token type.
    pub fn invalid(token_type: TokenType) -> Self {
        let (code, message) = match token_type {
            TokenType::KeypairJwt => ("390144", "JWT token is invalid."),
            TokenType::Oauth | TokenType::WorkloadIdentityFederation => {
                ("390303", "Invalid OAuth access token.")
            }
            // sql-api-v2.md §9 marks the PAT code as weakly sourced [L].
            TokenType::ProgrammaticAccessToken => ("394400", "Programmatic access token is invalid."),
        };
        TokenRejection { code: code.into(), message: message.into() }
    }

    /// 390318: the access token has expired (used by the token-expiry fault for every token type).
    pub fn expired() -> Self {
        TokenRejection {
            code: "390318".into(),
            message: "OAuth access token expired. [Token has expired]".into(),
        }
    }
}

/// Checks a bearer token. Implementations must never include the token in a rejection.
pub trait TokenVerifier: Send + Sync + 'static {
    fn verify(&self, token: &str, token_type: TokenType) -> Result<Principal, TokenRejection>;
}

/// Accepts any non-empty token of any type.
#[derive(Debug, Clone, Default)]
pub struct AnyToken;

impl TokenVerifier for AnyToken {
    fn verify(&self, token: &str, token_type: TokenType) -> Result<Principal, TokenRejection> {
        if token.trim().is_empty() {
            Err(TokenRejection::invalid(token_type))
        } else {
            Ok(Principal::default())
        }
    }
}

/// Accepts exactly one token (compared in constant time over its length).
pub struct StaticToken {
    secret: secrecy::SecretString,
}

impl StaticToken {
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken { secret: secrecy::SecretString::from(token.into()) }
    }
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken([REDACTED])")
    }
}

impl TokenVerifier for StaticToken {
    fn verify(&self, token: &str, token_type: TokenType) -> Result<Principal, TokenRejection> {
        use secrecy::ExposeSecret;
        let expected = self.secret.expose_secret().as_bytes();
        let given = token.as_bytes();
        let diff = expected.iter().zip(given).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        if diff == 0 && expected.len() == given.len() && !given.is_empty() {
            Ok(Principal::default())
        } else {
            Err(TokenRejection::invalid(token_type))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_token_accepts_only_itself_and_rejections_carry_no_secret() {
        let v = StaticToken::new("s3cret");
        assert!(v.verify("s3cret", TokenType::Oauth).is_ok());
        let err = v.verify("s3cre", TokenType::KeypairJwt).unwrap_err();
        assert_eq!(err.code, "390144");
        assert!(!err.to_string().contains("s3cre"));
        assert_eq!(v.verify("nope!!", TokenType::Oauth).unwrap_err().code, "390303");
        assert!(!format!("{v:?}").contains("s3cret"));
    }

    #[test]
    fn any_token_refuses_blank() {
        assert!(AnyToken.verify("x", TokenType::ProgrammaticAccessToken).is_ok());
        assert!(AnyToken.verify("  ", TokenType::Oauth).is_err());
    }
}
