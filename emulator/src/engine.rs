//! The emulator's SQL engine: runs one statement as a role against the in-memory account.
//!
//! Owns statement dispatch (DDL, SHOW, INFORMATION_SCHEMA SELECTs) and visibility. Knows nothing of HTTP,
//! handles, partitions or encodings: the protocol layer calls [`Engine::execute`] and renders the result.
//!
//! CONTRACT (the protocol layer relies on exactly these signatures): `Engine::new`, `Engine::execute`,
//! `Engine::role_exists`, `Session`, `Binding`.

use super::ddl::{self, DdlContext};
use super::info_schema;
use super::lexer::{Cursor, split_statements};
use super::model::Account;
use super::result::{Column, ColumnType, QueryResult, SqlError, Value};
use super::show::{self, ShowCtx};
use super::visibility::View;

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
    show_row_limit: usize,
    information_schema_limit: usize,
}

/// Default row threshold for INFORMATION_SCHEMA results before 090030 (Snowflake's is undocumented).
pub const DEFAULT_INFORMATION_SCHEMA_LIMIT: usize = 1_000_000;

impl Engine {
    pub fn new(account: Account) -> Self {
        Engine { account, show_row_limit: 10_000, information_schema_limit: DEFAULT_INFORMATION_SCHEMA_LIMIT }
    }

    /// Whether a role of this name exists (case-sensitive, stored form).
    pub fn role_exists(&self, role: &str) -> bool {
        self.account.role_exists(role)
    }

    /// The SHOW 10,000-row ceiling (error for DATABASES/SCHEMAS/TABLES/VIEWS without LIMIT, silent
    /// truncation for the others). Tests set small numbers.
    pub fn set_show_row_limit(&mut self, rows: usize) {
        self.show_row_limit = rows;
    }

    /// INFORMATION_SCHEMA queries returning more rows than this fail with 090030.
    pub fn set_information_schema_limit(&mut self, rows: usize) {
        self.information_schema_limit = rows;
    }

    pub fn account(&self) -> &Account {
        &self.account
    }

    pub fn account_mut(&mut self) -> &mut Account {
        &mut self.account
    }

    /// Run one statement. DDL mutates the account; SHOW and SELECT read it as `session.role` sees it.
    pub fn execute(
        &mut self,
        session: &Session,
        sql: &str,
        bindings: &[Binding],
    ) -> Result<QueryResult, SqlError> {
        let statements = split_statements(sql);
        let sql = match statements.as_slice() {
            [one] => *one,
            [] => return Err(SqlError::syntax("Empty SQL statement.")),
            many => {
                return Err(SqlError::new(
                    "000008",
                    "0A000",
                    format!(
                        "Actual statement count {} did not match the desired statement count 1.",
                        many.len()
                    ),
                ));
            }
        };
        let session = self.normalize(session);
        let first = Cursor::new(sql)?.word_at(0).unwrap_or_default();
        match first.as_str() {
            "SHOW" => {
                let ctx = ShowCtx {
                    account: &self.account,
                    session: &session,
                    view: View::new(&self.account, &session.role),
                    row_limit: self.show_row_limit,
                };
                show::execute(&ctx, sql)
            }
            "DESCRIBE" | "DESC" => {
                let ctx = ShowCtx {
                    account: &self.account,
                    session: &session,
                    view: View::new(&self.account, &session.role),
                    row_limit: self.show_row_limit,
                };
                super::show_governance::describe(&ctx, sql).unwrap_or_else(|| {
                    Err(SqlError::syntax(format!("syntax error line 1 at position 0 unexpected '{first}'.")))
                })
            }
            "SELECT" | "WITH" => {
                info_schema::execute(&self.account, &session, sql, bindings, self.information_schema_limit)
            }
            "USE" | "BEGIN" | "START" | "COMMIT" | "ROLLBACK" | "PUT" | "GET" | "CALL" => {
                Err(ddl::unsupported_command())
            }
            f if ddl::is_ddl(f) => {
                let view = View::new(&self.account, &session.role);
                let usable = self
                    .account
                    .databases
                    .iter()
                    .filter(|d| view.manage_grants || view.database(&d.name))
                    .map(|d| d.name.clone())
                    .collect();
                let mut ctx = DdlContext {
                    role: session.role.clone(),
                    database: session.database.clone(),
                    schema: session.schema.clone(),
                    now_ms: Some(chrono::Utc::now().timestamp_millis()),
                    allow_use: false,
                    usable_databases: Some(usable),
                };
                let status = ddl::apply(&mut self.account, &mut ctx, sql)?;
                Ok(QueryResult {
                    columns: vec![Column::expr("status", ColumnType::Text { length: 16_777_216 }, true)],
                    rows: vec![vec![Value::Text(status)]],
                    stats: Vec::new(),
                })
            }
            _ => Err(SqlError::syntax(format!(
                "syntax error line 1 at position 0 unexpected '{}'.",
                sql.split_whitespace().next().unwrap_or_default()
            ))),
        }
    }

    /// Session names as the account stores them: an exact match wins, `"quoted"` is taken verbatim,
    /// anything else is upper-cased (Snowflake identifier rules).
    fn normalize(&self, session: &Session) -> Session {
        let norm = |v: &str, exists: &dyn Fn(&str) -> bool| -> String {
            if exists(v) {
                v.to_string()
            } else if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
                v[1..v.len() - 1].replace("\"\"", "\"")
            } else {
                v.to_uppercase()
            }
        };
        let a = &self.account;
        let mut s = session.clone();
        s.role = norm(&session.role, &|r| a.role_exists(r));
        s.database = session.database.as_deref().map(|d| norm(d, &|x| a.database(x).is_some()));
        let db = s.database.clone().unwrap_or_default();
        s.schema = session.schema.as_deref().map(|sc| norm(sc, &|x| a.schema(&db, x).is_some()));
        s.warehouse =
            session.warehouse.as_deref().map(|w| norm(w, &|x| a.warehouses.iter().any(|h| h.name == x)));
        s.user = session.user.as_deref().map(|u| norm(u, &|x| a.user(x).is_some()));
        s
    }
}
