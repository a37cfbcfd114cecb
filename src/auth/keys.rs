//! RSA private keys for key-pair JWT: PEM loading (PKCS#8, encrypted PKCS#8, PKCS#1) and the Snowflake
//! public-key fingerprint (`SHA256:` + base64 of SHA-256 over the DER SubjectPublicKeyInfo).
//!
//! Owns key parsing only. Errors name the key file, never the passphrase or key material.

use std::path::Path;

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePublicKey};
use rsa::{PrivateKey, PublicKey};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::AuthError;

/// Load a private key from a PEM file. `passphrase` is needed for `ENCRYPTED PRIVATE KEY` files only.
pub fn load_private_key(path: &Path, passphrase: Option<&SecretString>) -> Result<PrivateKey, AuthError> {
    let err = |reason: String| AuthError::Key { path: path.display().to_string(), reason };
    let pem = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read it: {e}")))?;
    parse_private_key(&pem, passphrase).map_err(err)
}

/// Parse a PEM private key; the error is a reason without the file name.
pub fn parse_private_key(pem: &str, passphrase: Option<&SecretString>) -> Result<PrivateKey, String> {
    let label = pem
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("-----BEGIN ").and_then(|r| r.strip_suffix("-----")))
        .ok_or_else(|| "not a PEM file (no -----BEGIN line)".to_string())?;
    match label {
        "PRIVATE KEY" => PrivateKey::from_pkcs8_pem(pem)
            .map_err(|e| format!("not a valid unencrypted PKCS#8 RSA key ({e})")),
        "ENCRYPTED PRIVATE KEY" => {
            let Some(pass) = passphrase else {
                return Err("the key is encrypted; set passphrase_file or passphrase_env".into());
            };
            PrivateKey::from_pkcs8_encrypted_pem(pem, pass.expose_secret().as_bytes()).map_err(|_| {
                "cannot decrypt the key: wrong passphrase, or an unsupported cipher \
                 (supported: PBES2 with des3, aes-128/256-cbc and HMAC-SHA256)"
                    .to_string()
            })
        }
        "RSA PRIVATE KEY" => {
            if pem.contains("Proc-Type: 4,ENCRYPTED") {
                return Err("encrypted PKCS#1 keys are not supported; convert with \
                            `openssl pkcs8 -topk8 -v2 aes-256-cbc`"
                    .into());
            }
            PrivateKey::from_pkcs1_pem(pem).map_err(|e| format!("not a valid PKCS#1 RSA key ({e})"))
        }
        other => Err(format!("unsupported PEM block {other:?} (expected an RSA private key)")),
    }
}

/// Snowflake's fingerprint of a public key: `SHA256:<base64>`, as `DESC USER` shows in `RSA_PUBLIC_KEY_FP`.
pub fn fingerprint(key: &PublicKey) -> Result<String, AuthError> {
    let der = key
        .to_public_key_der()
        .map_err(|e| AuthError::Key { path: "(in memory)".into(), reason: format!("cannot encode: {e}") })?;
    let digest = Sha256::digest(der.as_bytes());
    Ok(format!("SHA256:{}", base64::engine::general_purpose::STANDARD.encode(digest)))
}

/// The fingerprint of the public half of a private key file.
pub fn fingerprint_file(path: &Path, passphrase: Option<&SecretString>) -> Result<String, AuthError> {
    let key = load_private_key(path, passphrase)?;
    fingerprint(&key.to_public_key())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keys").join(name)
    }

    // Computed with openssl (tests/fixtures/keys/README.md).
    const KEY1_FP: &str = "SHA256:UIQP0yUF5oW8tfQhwxaXmonlwBPAZBouhc7sM3QlPII=";

    #[test]
    fn every_key_format_gives_openssls_fingerprint() {
        let pass = SecretString::from("test-passphrase-not-secret");
        for name in ["key1_pkcs8.pem", "key1_pkcs1.pem", "key1_des3.pem", "key1_aes256.pem"] {
            assert_eq!(fingerprint_file(&fixture(name), Some(&pass)).unwrap(), KEY1_FP, "{name}");
        }
    }

    #[test]
    fn wrong_passphrase_names_the_file_not_the_passphrase() {
        let pass = SecretString::from("hunter2-wrong");
        let err = load_private_key(&fixture("key1_des3.pem"), Some(&pass)).unwrap_err().to_string();
        assert!(err.contains("key1_des3.pem") && err.contains("wrong passphrase"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        let err = load_private_key(&fixture("key1_aes256.pem"), None).unwrap_err().to_string();
        assert!(err.contains("encrypted"), "{err}");
    }
}
