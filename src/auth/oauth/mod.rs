//! OAuth 2.0 against a Snowflake custom security integration: the login flow (PKCE, loopback listener or
//! pasted redirect), the token store (0600, atomic) and [`OAuthSource`], which refreshes the access token
//! before expiry and on 401.
//!
//! Owns the OAuth protocol on the client side. Must never log a token, code, verifier or client secret.

mod flow;
mod form;
mod refresh;
mod store;

pub use flow::{
    LoginRequest, Pkce, TokenReply, authorize_link, exchange_code, listen_for_code, login, parse_redirect,
    refresh_grant,
};
pub use refresh::{OAuthOptions, OAuthSource};
pub use store::{StoredToken, TokenStore};

/// The message an operator sees when the refresh token is gone, expired or revoked.
pub fn relogin_message(account: &str, detail: &str) -> String {
    format!(
        "the OAuth refresh token for account {account} is no longer valid ({detail}); \
         run `snowcat auth login --account {account}` again"
    )
}
