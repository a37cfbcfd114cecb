//! The emulator's credential registry and its [`TokenVerifier`]: users with registered RSA public keys
//! (key-pair JWT), programmatic access tokens with expiry, and the OAuth access tokens the emulator's
//! `/oauth` endpoints (and the Scalekit stand-in's setup) issue.
//!
//! Owns token checking by type and the documented 401 codes (`390144` JWT, `390303`/`390318` OAuth, PAT
//! invalid/expired). Stores token digests, never logs a token.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use super::jwt::{self, RegisteredKey};
use super::tokens::{Principal, TokenRejection, TokenType, TokenVerifier};

type Digest32 = [u8; 32];

fn digest(s: &str) -> Digest32 {
    Sha256::digest(s.as_bytes()).into()
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

#[derive(Debug, Default, Clone)]
struct User {
    keys: [Option<RegisteredKey>; 2],
    default_role: Option<String>,
}

#[derive(Debug, Clone)]
struct Grant {
    user: String,
    role: Option<String>,
    expires_at: u64,
}

#[derive(Debug, Default)]
struct Registry {
    users: HashMap<String, User>,
    pats: HashMap<Digest32, Grant>,
    access: HashMap<Digest32, Grant>,
}

/// Users, keys and tokens of the emulated account.
#[derive(Debug)]
pub struct Credentials {
    /// The account in JWT form (`MYORG-MYACCOUNT`).
    account: String,
    inner: Mutex<Registry>,
}

impl Credentials {
    /// A registry for `account` (any form; stored upper-case, cut at the first dot).
    pub fn new(account: &str) -> Arc<Credentials> {
        let account = account.split('.').next().unwrap_or_default().to_ascii_uppercase();
        Arc::new(Credentials { account, inner: Mutex::new(Registry::default()) })
    }

    fn reg(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Create (or update) a user; `default_role` is the role statements run as.
    pub fn add_user(&self, user: &str, default_role: Option<&str>) {
        let mut reg = self.reg();
        let entry = reg.users.entry(user.to_ascii_uppercase()).or_default();
        entry.default_role = default_role.map(str::to_string);
    }

    /// `ALTER USER u SET RSA_PUBLIC_KEY[_2] = '...'` (slot 1 or 2). Returns the key's fingerprint.
    pub fn set_public_key(&self, user: &str, slot: usize, pem: &str) -> Result<String, String> {
        let key = RegisteredKey::from_pem(pem)?;
        let fp = key.fingerprint.clone();
        let mut reg = self.reg();
        let entry = reg.users.entry(user.to_ascii_uppercase()).or_default();
        let i = if slot == 2 { 1 } else { 0 };
        entry.keys[i] = Some(key);
        Ok(fp)
    }

    /// `ALTER USER u UNSET RSA_PUBLIC_KEY[_2]`.
    pub fn unset_public_key(&self, user: &str, slot: usize) {
        if let Some(entry) = self.reg().users.get_mut(&user.to_ascii_uppercase()) {
            entry.keys[if slot == 2 { 1 } else { 0 }] = None;
        }
    }

    /// `ALTER USER u ADD PROGRAMMATIC ACCESS TOKEN` with a given secret, valid for `valid_for`.
    pub fn add_pat(&self, user: &str, secret: &str, valid_for: Duration, role_restriction: Option<&str>) {
        let grant = Grant {
            user: user.to_ascii_uppercase(),
            role: role_restriction.map(str::to_string),
            expires_at: now_secs() + valid_for.as_secs(),
        };
        self.reg().pats.insert(digest(secret), grant);
    }

    /// Make a PAT expired now (test hook for the "expired PAT" path).
    pub fn expire_pat(&self, secret: &str) {
        if let Some(g) = self.reg().pats.get_mut(&digest(secret)) {
            g.expires_at = 0;
        }
    }

    /// Register an OAuth access token (the `/oauth` endpoints and test setups call this).
    pub fn add_access_token(&self, secret: &str, user: &str, role: Option<&str>, valid_for: Duration) {
        let grant = Grant {
            user: user.to_ascii_uppercase(),
            role: role.map(str::to_string),
            expires_at: now_secs() + valid_for.as_secs(),
        };
        self.reg().access.insert(digest(secret), grant);
    }

    /// Expire every OAuth access token issued so far (a test's "the token ran out mid-crawl").
    pub fn expire_access_tokens(&self) {
        for g in self.reg().access.values_mut() {
            g.expires_at = 0;
        }
    }

    fn principal(&self, reg: &Registry, g: &Grant) -> Principal {
        let default_role =
            g.role.clone().or_else(|| reg.users.get(&g.user).and_then(|u| u.default_role.clone()));
        Principal { user: Some(g.user.clone()), default_role }
    }
}

impl TokenVerifier for Credentials {
    fn verify(&self, token: &str, token_type: TokenType) -> Result<Principal, TokenRejection> {
        let reg = self.reg();
        let now = now_secs();
        match token_type {
            TokenType::KeypairJwt => {
                let keys_of = |user: &str| -> Vec<RegisteredKey> {
                    reg.users
                        .get(user)
                        .map(|u| u.keys.iter().flatten().cloned().collect())
                        .unwrap_or_default()
                };
                match jwt::verify(token, &self.account, now, keys_of) {
                    Ok(user) => {
                        let default_role = reg.users.get(&user).and_then(|u| u.default_role.clone());
                        Ok(Principal { user: Some(user), default_role })
                    }
                    Err(why) => {
                        tracing::debug!(reason = why, "emulator refused a key-pair JWT");
                        Err(TokenRejection::invalid(TokenType::KeypairJwt))
                    }
                }
            }
            TokenType::ProgrammaticAccessToken => match reg.pats.get(&digest(token)) {
                Some(g) if g.expires_at > now => Ok(self.principal(&reg, g)),
                Some(_) => Err(TokenRejection {
                    code: TokenRejection::invalid(token_type).code,
                    message: "Programmatic access token is expired.".into(),
                }),
                None => Err(TokenRejection::invalid(token_type)),
            },
            TokenType::Oauth | TokenType::WorkloadIdentityFederation => {
                match reg.access.get(&digest(token)) {
                    Some(g) if g.expires_at > now => Ok(self.principal(&reg, g)),
                    Some(_) => Err(TokenRejection::expired()),
                    None => Err(TokenRejection::invalid(TokenType::Oauth)),
                }
            }
        }
    }
}
