//! The emulator's SQL engine: runs one statement as a role against the in-memory account.
//!
//! Owns statement dispatch (DDL, SHOW, INFORMATION_SCHEMA SELECTs) and visibility. Knows nothing of HTTP,
//! handles, partitions or encodings: the protocol layer calls [`Engine::execute`] and renders the result.
//!
//! CONTRACT (the protocol layer relies on exactly these signatures): `Engine::new`, `Engine::execute`,
//! `Engine::role_exists`, `Session`, `Binding`.

use super::model::Account;
use super::result::{QueryResult, SqlError};

/// What a statement runs as: the request's role, database, schema and warehouse, and its session parameters.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// The role the statement runs as (already resolved: request `role`, else the user's default role).
    pub role: String,
    /// The authenticated user's name, when known.
    pub user: Option<String>,
    pub database: Option<String>,
    pub schema: Option<String>,
    pub warehouse: Option<String>,
    /// Request `parameters`, keys upper-cased (e.g. `QUERY_TAG`, `TIMEZONE`).
    pub parameters: Vec<(String, String)>,
}

/// One bound value from the request's `bindings`, keyed by position ("1", "2", ...) or by name.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub key: String,
    /// Snowflake type name as sent (`TEXT`, `FIXED`, ...), upper-cased.
    pub type_name: String,
    /// The value string, or `None` for SQL NULL.
    pub value: Option<String>,
}

/// The engine over one account. `Send`, so the protocol layer can run it on a blocking thread behind a lock.
pub struct Engine {
    account: Account,
}

impl Engine {
    pub fn new(account: Account) -> Self {
        Engine { account }
    }

    /// Whether a role of this name exists (case-sensitive, stored form).
    pub fn role_exists(&self, role: &str) -> bool {
        self.account.role_exists(role)
    }

    /// Run one statement. DDL mutates the account; SHOW and SELECT read it as `session.role` sees it.
    pub fn execute(
        &mut self,
        _session: &Session,
        sql: &str,
        _bindings: &[Binding],
    ) -> Result<QueryResult, SqlError> {
        Err(SqlError::syntax(format!("unsupported statement: {sql}")))
    }
}
