//! What to fix when Snowflake refuses a crawl's credentials: the one token or setting to look at, for each
//! way of authenticating. One line, naming files, variables and config keys, never a secret.
//!
//! Text only; no I/O.

use std::path::Path;

use crate::config::AuthConfig;
use crate::sqlapi::TokenType;

/// The fix for a bearer token read from `path` and sent as `token_type`: `file_setting` and `type_setting`
/// name where the path and the type were given.
pub fn token_file_fix(path: &Path, token_type: TokenType, file_setting: &str, type_setting: &str) -> String {
    let other: Vec<&str> = ["OAUTH", "KEYPAIR_JWT", "PROGRAMMATIC_ACCESS_TOKEN"]
        .into_iter()
        .filter(|t| *t != token_type.header_value())
        .collect();
    format!(
        "put a valid, unexpired {} token for this account in {} ({file_setting}); for another kind of token \
         set {type_setting} ({})",
        token_type.header_value(),
        path.display(),
        other.join(" or ")
    )
}

/// The fix for the method configured under `key` (e.g. `accounts[0].auth`) of account `name`.
pub fn config_fix(auth: &AuthConfig, key: &str, name: &str) -> String {
    if let Some(o) = &auth.oauth {
        return format!(
            "log in again: `snowcat auth login --account {name}` stores a new refresh token in {} ({key}.oauth)",
            o.token_dir.display()
        );
    }
    if let Some(k) = &auth.keypair {
        return format!(
            "register the public key of {} for user {} (`snowcat auth fingerprint` must match DESC USER's \
             RSA_PUBLIC_KEY_FP), and give `account` as orgname-accountname ({key}.keypair)",
            k.private_key_file.display(),
            k.user
        );
    }
    if let Some(p) = &auth.pat {
        let place = match (&p.token_file, &p.token_env) {
            (Some(f), _) => f.display().to_string(),
            (None, Some(e)) => format!("${e}"),
            (None, None) => "token_file or token_env".to_string(),
        };
        return format!("put a valid, unexpired programmatic access token in {place} ({key}.pat)");
    }
    if let Some(t) = &auth.token_file {
        let token_type = super::setup::wire_token_type(t.token_type);
        let (file, kind) = (format!("{key}.token_file.path"), format!("{key}.token_file.token_type"));
        return token_file_fix(&t.path, token_type, &file, &kind);
    }
    if auth.scalekit.is_some() {
        return format!(
            "check the Scalekit client_id and client secret, and that the connected account is authorized \
             (`snowcat auth login --scalekit --account {name}`) ({key}.scalekit)"
        );
    }
    format!("choose an authentication method under {key}")
}
