//! Key-pair JWT verification for the emulator (sql-api-v2.md §7): RS256 against the user's registered
//! public keys (`RSA_PUBLIC_KEY` / `RSA_PUBLIC_KEY_2`), `iss`/`sub` format, fingerprint, `exp` at most one
//! hour after `iat`. Every failure is the same 401 `390144`, as on Snowflake.
//!
//! Owns JWT checking only; shares no code with the client side. Never logs or echoes a token.

use base64::Engine as _;
use rsa::PublicKey;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey};
use sha2::{Digest, Sha256};

/// A registered public key and its Snowflake fingerprint (`SHA256:...`).
#[derive(Debug, Clone)]
pub struct RegisteredKey {
    pub fingerprint: String,
    pub key: PublicKey,
}

impl RegisteredKey {
    /// Parse what `ALTER USER ... SET RSA_PUBLIC_KEY = '...'` takes: the base64 body of a `PUBLIC KEY` PEM,
    /// with or without the BEGIN/END lines.
    pub fn from_pem(text: &str) -> Result<RegisteredKey, String> {
        let body: String = text.lines().map(str::trim).filter(|l| !l.starts_with("-----")).collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(body.as_bytes())
            .map_err(|e| format!("public key is not base64: {e}"))?;
        let key = PublicKey::from_public_key_der(&der).map_err(|e| format!("not an RSA public key: {e}"))?;
        Ok(RegisteredKey { fingerprint: fingerprint(&key)?, key })
    }
}

/// `SHA256:` + base64(SHA-256(DER SubjectPublicKeyInfo)).
pub fn fingerprint(key: &PublicKey) -> Result<String, String> {
    let der = key.to_public_key_der().map_err(|e| e.to_string())?;
    Ok(format!("SHA256:{}", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(der.as_bytes()))))
}

#[derive(serde::Deserialize)]
struct Header {
    alg: String,
}

#[derive(serde::Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    iat: u64,
    exp: u64,
}

/// Longest accepted `exp - iat`, and the clock skew tolerated on `iat`.
const MAX_LIFETIME: u64 = 3600;
const SKEW: u64 = 60;

/// Check a JWT for `account` (upper-case JWT form); `keys_of` gives a user's registered keys.
/// Returns the user name, or why the token is invalid (for the emulator's debug log only).
pub fn verify(
    token: &str,
    account: &str,
    now: u64,
    keys_of: impl Fn(&str) -> Vec<RegisteredKey>,
) -> Result<String, &'static str> {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = token.split('.');
    let (Some(h), Some(c), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err("not a compact JWT");
    };
    let header: Header =
        b64.decode(h).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or("bad JWT header")?;
    if header.alg != "RS256" {
        return Err("alg is not RS256");
    }
    let claims: Claims =
        b64.decode(c).ok().and_then(|b| serde_json::from_slice(&b).ok()).ok_or("bad JWT claims")?;
    let sig = b64.decode(s).map_err(|_| "bad JWT signature encoding")?;
    let user = claims
        .sub
        .strip_prefix(account)
        .and_then(|rest| rest.strip_prefix('.'))
        .filter(|u| !u.is_empty() && *u == u.to_ascii_uppercase())
        .ok_or("sub is not ACCOUNT.USER for this account")?;
    let fp = claims
        .iss
        .strip_prefix(claims.sub.as_str())
        .and_then(|rest| rest.strip_prefix('.'))
        .filter(|fp| fp.starts_with("SHA256:"))
        .ok_or("iss is not ACCOUNT.USER.SHA256:<fingerprint>")?;
    let key = keys_of(user).into_iter().find(|k| k.fingerprint == fp).ok_or("fingerprint not registered")?;
    let signing_input = &token[..h.len() + 1 + c.len()];
    key.key.pkcs1v15_verify::<Sha256>(signing_input.as_bytes(), &sig).map_err(|_| "bad signature")?;
    if claims.exp <= now {
        return Err("expired");
    }
    if claims.exp.saturating_sub(claims.iat) > MAX_LIFETIME || claims.iat > now + SKEW {
        return Err("lifetime over one hour or iat in the future");
    }
    Ok(user.to_string())
}
