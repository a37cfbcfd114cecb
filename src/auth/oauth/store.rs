//! The OAuth token file: one JSON file per account in the state directory, mode 0600, written atomically
//! (temp file + fsync + rename) so a crash never leaves a half-written refresh token.
//!
//! Owns persistence only. The file holds the refresh token; nothing else in snowcat may write it.

use std::io::Write;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::auth::AuthError;

/// What `snowcat auth login` stores and the refresher updates.
#[derive(Clone, Debug)]
pub struct StoredToken {
    pub refresh_token: SecretString,
    /// Epoch seconds when it was stored.
    pub saved_at: u64,
    /// The Snowflake user the token belongs to (from the code exchange).
    pub username: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct OnDisk {
    refresh_token: String,
    saved_at: u64,
    #[serde(default)]
    username: Option<String>,
}

/// Where an account's token lives.
#[derive(Debug, Clone)]
pub struct TokenStore {
    path: PathBuf,
}

impl TokenStore {
    /// `<dir>/<account>.oauth.json`.
    pub fn new(dir: &Path, account: &str) -> Self {
        let safe: String = account
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
            .collect();
        TokenStore { path: dir.join(format!("{safe}.oauth.json")) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, reason: String) -> AuthError {
        AuthError::Secret { what: "OAuth token file", location: self.path.display().to_string(), reason }
    }

    /// The stored token, or `None` when there is no file yet.
    pub fn load(&self) -> Result<Option<StoredToken>, AuthError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.err(e.to_string())),
        };
        // serde_json errors quote no input for a type mismatch, but be safe and drop the detail.
        let disk: OnDisk =
            serde_json::from_str(&text).map_err(|_| self.err("it is not valid JSON".into()))?;
        Ok(Some(StoredToken {
            refresh_token: SecretString::from(disk.refresh_token),
            saved_at: disk.saved_at,
            username: disk.username,
        }))
    }

    /// Write atomically with mode 0600 (the directory is created 0700 if missing).
    pub fn save(&self, token: &StoredToken) -> Result<(), AuthError> {
        let dir = self.path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(|e| self.err(format!("cannot create {}: {e}", dir.display())))?;
        let disk = OnDisk {
            refresh_token: token.refresh_token.expose_secret().to_owned(),
            saved_at: token.saved_at,
            username: token.username.clone(),
        };
        let body = serde_json::to_vec_pretty(&disk).map_err(|e| self.err(e.to_string()))?;
        let tmp = self.path.with_extension(format!("tmp.{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let _ = std::fs::remove_file(&tmp);
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
            let mut f = opts.open(&tmp)?;
            f.write_all(&body)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)?;
            if let Ok(d) = std::fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            self.err(format!("cannot write it: {e}"))
        })
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_0600_atomically_and_loads_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = TokenStore::new(&dir.path().join("state"), "prod/eu");
        assert!(store.load().unwrap().is_none());
        let tok = StoredToken { refresh_token: SecretString::from("rt-1"), saved_at: 5, username: None };
        store.save(&tok).unwrap();
        store.save(&StoredToken { refresh_token: SecretString::from("rt-2"), ..tok }).unwrap();
        assert_eq!(store.load().unwrap().unwrap().refresh_token.expose_secret(), "rt-2");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(store.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(
            std::fs::read_dir(store.path().parent().unwrap()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
