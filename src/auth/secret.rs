//! Secrets named by reference: a file or an environment variable, never an inline value. [`WatchedSecret`]
//! re-reads a file when it changes (a rotated Kubernetes secret) without a restart.
//!
//! Owns reading and change detection only. Must never put a secret's value in an error or a log line;
//! secret values live in `SecretString` (redacting `Debug`, no `Display`).

use std::fmt;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use secrecy::SecretString;

use super::AuthError;

/// Where a secret lives.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// A file holding the secret; surrounding whitespace (a trailing newline) is ignored.
    File(PathBuf),
    /// An environment variable holding the secret.
    Env(String),
}

impl SecretSource {
    /// From a config `*_file` / `*_env` pair: exactly one must be given.
    pub fn from_pair(
        what: &str,
        file: Option<&PathBuf>,
        env: Option<&String>,
    ) -> Result<Option<SecretSource>, AuthError> {
        match (file, env) {
            (Some(f), None) => Ok(Some(SecretSource::File(f.clone()))),
            (None, Some(e)) => Ok(Some(SecretSource::Env(e.clone()))),
            (None, None) => Ok(None),
            (Some(_), Some(_)) => {
                Err(AuthError::Config(format!("give either a file or an env var for the {what}, not both")))
            }
        }
    }

    /// Read the secret now.
    pub fn read(&self, what: &'static str) -> Result<SecretString, AuthError> {
        let raw = match self {
            SecretSource::File(path) => {
                std::fs::read_to_string(path).map_err(|e| self.err(what, e.to_string()))?
            }
            SecretSource::Env(name) => std::env::var(name).map_err(|e| self.err(what, e.to_string()))?,
        };
        let value = raw.trim();
        if value.is_empty() {
            return Err(self.err(what, "it is empty".into()));
        }
        Ok(SecretString::from(value.to_owned()))
    }

    fn err(&self, what: &'static str, reason: String) -> AuthError {
        AuthError::Secret { what, location: self.to_string(), reason }
    }

    /// A cheap change marker: file metadata (mtime, length, inode), or `None` for env vars.
    fn stamp(&self) -> Option<Stamp> {
        match self {
            SecretSource::File(path) => std::fs::metadata(path).ok().map(|m| Stamp::of(&m)),
            SecretSource::Env(_) => None,
        }
    }
}

/// Says where, never what.
impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::File(p) => write!(f, "file {}", p.display()),
            SecretSource::Env(n) => write!(f, "environment variable {n}"),
        }
    }
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretSource({self})")
    }
}

/// File metadata that changes when the file is replaced or rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
    ino: u64,
}

impl Stamp {
    pub(crate) fn of(m: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        let ino = std::os::unix::fs::MetadataExt::ino(m);
        #[cfg(not(unix))]
        let ino = 0;
        Stamp { modified: m.modified().ok(), len: m.len(), ino }
    }
}

/// A secret that is re-read when its file changes.
pub struct WatchedSecret {
    source: SecretSource,
    what: &'static str,
    cache: Mutex<Option<(Option<Stamp>, SecretString)>>,
}

impl WatchedSecret {
    pub fn new(source: SecretSource, what: &'static str) -> Self {
        WatchedSecret { source, what, cache: Mutex::new(None) }
    }

    pub fn source(&self) -> &SecretSource {
        &self.source
    }

    /// The current value, re-read if the file changed since the last call.
    pub fn current(&self) -> Result<SecretString, AuthError> {
        let stamp = self.source.stamp();
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((seen, value)) = cache.as_ref() {
            let fresh = match self.source {
                SecretSource::File(_) => stamp.is_some() && *seen == stamp,
                SecretSource::Env(_) => true,
            };
            if fresh {
                return Ok(value.clone());
            }
        }
        let value = self.source.read(self.what)?;
        *cache = Some((stamp, value.clone()));
        Ok(value)
    }
}

impl fmt::Debug for WatchedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WatchedSecret({}, [REDACTED])", self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn file_secret_is_trimmed_and_reread_after_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tok");
        std::fs::write(&path, "first-value\n").unwrap();
        let w = WatchedSecret::new(SecretSource::File(path.clone()), "token");
        assert_eq!(w.current().unwrap().expose_secret(), "first-value");
        // Rotation the way a mounted secret changes: a new file renamed over the old one.
        let tmp = dir.path().join("tok.new");
        std::fs::write(&tmp, "second-value-longer\n").unwrap();
        std::fs::rename(&tmp, &path).unwrap();
        assert_eq!(w.current().unwrap().expose_secret(), "second-value-longer");
        assert!(!format!("{w:?}").contains("second"));
    }

    #[test]
    fn errors_name_the_place_not_the_value() {
        let src = SecretSource::Env("SNOWCAT_TEST_SURELY_UNSET_VAR".into());
        let err = src.read("token").unwrap_err().to_string();
        assert!(err.contains("environment variable SNOWCAT_TEST_SURELY_UNSET_VAR"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let err = SecretSource::File(empty).read("passphrase").unwrap_err().to_string();
        assert!(err.contains("passphrase") && err.contains("empty"), "{err}");
    }
}
