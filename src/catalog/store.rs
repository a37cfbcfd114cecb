//! Opening a catalog file: connection pragmas (WAL, busy timeout), schema migrations, version guard.
//!
//! Owns the `Catalog` handle. Does not diff or write runs (see `run`) and does not format output.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use include_dir::{Dir, include_dir};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use rusqlite_migration::Migrations;

use super::error::{CatalogError, Result};

static MIGRATIONS_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/migrations");

static MIGRATIONS: LazyLock<std::result::Result<Migrations<'static>, String>> =
    LazyLock::new(|| Migrations::from_directory(&MIGRATIONS_DIR).map_err(|e| e.to_string()));

/// How long a writer or reader waits for a lock before failing.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// The schema version this binary writes (the number of migrations).
pub fn supported_version() -> i64 {
    MIGRATIONS_DIR.dirs().count() as i64
}

/// An open catalog file. One writer at a time; any number of readers (WAL).
#[derive(Debug)]
pub struct Catalog {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
}

impl Catalog {
    /// Open (creating if needed) and migrate to the latest schema. Refuses a catalog newer than this binary.
    pub fn open(path: impl AsRef<Path>) -> Result<Catalog> {
        let path = path.as_ref().to_path_buf();
        let mut conn = Connection::open(&path).map_err(|source| open_err(&path, source))?;
        configure(&conn, &path)?;
        migrate(&mut conn, &path)?;
        Ok(Catalog { conn, path })
    }

    /// Open an existing catalog for reading only; never migrates or writes.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Catalog> {
        let path = path.as_ref().to_path_buf();
        let flags =
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(&path, flags).map_err(|source| open_err(&path, source))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|source| open_err(&path, source))?;
        let found = user_version(&conn)?;
        if found > supported_version() {
            return Err(CatalogError::TooNew {
                path: path.display().to_string(),
                found,
                supported: supported_version(),
            });
        }
        if found < supported_version() {
            return Err(CatalogError::Invalid(format!(
                "catalog {} has schema version {found}, this snowcat needs {}; run `snowcat migrate`",
                path.display(),
                supported_version()
            )));
        }
        Ok(Catalog { conn, path })
    }

    /// The file this catalog lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file.
    pub fn schema_version(&self) -> Result<i64> {
        user_version(&self.conn)
    }

    /// Direct read access for queries the typed API does not cover (tests, docs examples).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// The id of an account, creating it when `create` is set.
    pub(crate) fn account_id(&self, name: &str, create: bool) -> Result<Option<i64>> {
        if create {
            self.conn.execute("INSERT OR IGNORE INTO accounts (name) VALUES (?1)", [name])?;
        }
        Ok(self.conn.query_row("SELECT id FROM accounts WHERE name = ?1", [name], |r| r.get(0)).optional()?)
    }
}

fn open_err(path: &Path, source: rusqlite::Error) -> CatalogError {
    CatalogError::Open { path: path.display().to_string(), source }
}

fn configure(conn: &Connection, path: &Path) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|source| open_err(path, source))?;
    // In-memory databases answer `memory`; files switch to WAL.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA temp_store = FILE;
         PRAGMA cache_size = -65536;",
    )?;
    Ok(())
}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let found = user_version(conn)?;
    if found > supported_version() {
        return Err(CatalogError::TooNew {
            path: path.display().to_string(),
            found,
            supported: supported_version(),
        });
    }
    let migrations =
        MIGRATIONS.as_ref().map_err(|e| CatalogError::Invalid(format!("embedded migrations: {e}")))?;
    migrations.to_latest(conn)?;
    Ok(())
}
