//! SELECTs over `<db>.INFORMATION_SCHEMA.<view>` run by a real SQL engine: the statement is parsed with
//! sqlparser, every INFORMATION_SCHEMA reference is rewritten to a table of an in-memory SQLite database
//! holding only the rows the role may see, Snowflake-only syntax is translated (ILIKE, `::`, CURRENT_*(),
//! including the account's own names from `identity.rs`),
//! and SQLite runs it with the request's bindings. One plain table per (database, view) referenced, so
//! SQLite's 10-attached-databases limit never applies. `SNOWFLAKE.ACCOUNT_USAGE` views go the same way,
//! with rows from `account_usage*.rs`, and so do the table functions `TABLE(<db>.INFORMATION_SCHEMA.
//! POLICY_REFERENCES(...))`, `TAG_REFERENCES(...)`, `TAG_REFERENCES_ALL_COLUMNS(...)` (`info_functions.rs`).
//!
//! Must not mutate the account.

use std::collections::BTreeMap;
use std::ops::ControlFlow;

use rusqlite::types::Value as Sql;
use sqlparser::ast::{
    CastKind, Expr, Ident, ObjectName, Statement, TableAlias, TableFactor, VisitMut, VisitorMut,
};
use sqlparser::dialect::SnowflakeDialect;
use sqlparser::parser::Parser;

use super::account_usage;
use super::engine::{Binding, Session};
use super::info_functions;
use super::info_rows::{self, Ty, VIEWS};
use super::lexer::normalize_ident;
use super::model::{Account, AccountIdentity};
use super::result::{Column, ColumnType, QueryResult, SqlError, Value};
use super::visibility::View;

/// The `tables` key standing for `SNOWFLAKE.ACCOUNT_USAGE` (not a database name a user can create).
const ACCOUNT_USAGE_KEY: &str = "SNOWFLAKE.ACCOUNT_USAGE";

struct Rewriter<'a> {
    session: &'a Session,
    identity: &'a AccountIdentity,
    /// (database, view) -> SQLite table name.
    tables: BTreeMap<(String, String), String>,
    /// Table-function calls (`TABLE(db.INFORMATION_SCHEMA.POLICY_REFERENCES(...))`) and their SQLite tables.
    functions: Vec<(info_functions::Call, String)>,
    error: Option<SqlError>,
}

fn parse_expr(text: &str) -> Option<Expr> {
    Parser::new(&SnowflakeDialect {}).try_with_sql(text).ok()?.parse_expr().ok()
}

impl VisitorMut for Rewriter<'_> {
    type Break = ();

    fn pre_visit_table_factor(&mut self, tf: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::TableFunction { expr: Expr::Function(f), alias } = tf {
            return match self.table_function(f, alias.clone()) {
                Ok(Some(replacement)) => {
                    *tf = replacement;
                    ControlFlow::Continue(())
                }
                Ok(None) => ControlFlow::Continue(()),
                Err(e) => {
                    self.error = Some(e);
                    ControlFlow::Break(())
                }
            };
        }
        let TableFactor::Table { name, alias, .. } = tf else { return ControlFlow::Continue(()) };
        let parts: Vec<String> = name
            .0
            .iter()
            .map(|p| {
                p.as_ident().map_or(p.to_string(), |i| normalize_ident(&i.value, i.quote_style.is_some()))
            })
            .collect();
        let (db, view) = match parts.as_slice() {
            [db, au, v] if db == account_usage::DATABASE && au == account_usage::SCHEMA => {
                if !account_usage::VIEWS.contains(&v.as_str()) {
                    self.error = Some(SqlError::does_not_exist("Object", &parts.join(".")));
                    return ControlFlow::Break(());
                }
                (ACCOUNT_USAGE_KEY.to_string(), v.clone())
            }
            [db, is, v] if is == "INFORMATION_SCHEMA" => (db.clone(), v.clone()),
            [is, v] if is == "INFORMATION_SCHEMA" => match &self.session.database {
                Some(db) => (db.clone(), v.clone()),
                None => {
                    self.error = Some(SqlError::new(
                        "090105",
                        "22000",
                        "Cannot perform SELECT. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.",
                    ));
                    return ControlFlow::Break(());
                }
            },
            [_] => return ControlFlow::Continue(()),
            _ => {
                self.error = Some(SqlError::does_not_exist("Object", &parts.join(".")));
                return ControlFlow::Break(());
            }
        };
        if db != ACCOUNT_USAGE_KEY && !VIEWS.contains(&view.as_str()) {
            self.error = Some(SqlError::does_not_exist("Object", &format!("{db}.INFORMATION_SCHEMA.{view}")));
            return ControlFlow::Break(());
        }
        let n = self.tables.len();
        let table = self.tables.entry((db, view.clone())).or_insert_with(|| format!("is_{n}")).clone();
        *name = ObjectName::from(vec![Ident::new(table)]);
        if alias.is_none() {
            *alias =
                Some(TableAlias { explicit: true, name: Ident::new(view), columns: Vec::new(), at: None });
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        let replacement = match expr {
            Expr::ILike { negated, any: false, expr: e, pattern, escape_char: None } => {
                let not = if *negated { "NOT " } else { "" };
                parse_expr(&format!("LOWER({e}) {not}LIKE LOWER({pattern})"))
            }
            Expr::Cast { kind, .. } if *kind == CastKind::DoubleColon => {
                *kind = CastKind::Cast;
                None
            }
            Expr::Function(f) => {
                let fname = f.name.to_string().to_uppercase();
                let s = self.session;
                let lit =
                    |v: Option<&String>| parse_expr(&v.map_or("NULL".into(), |x| super::lexer::quote_str(x)));
                match fname.as_str() {
                    "CURRENT_ROLE" => lit(Some(&s.role)),
                    "CURRENT_DATABASE" => lit(s.database.as_ref()),
                    "CURRENT_SCHEMA" => lit(s.schema.as_ref()),
                    "CURRENT_WAREHOUSE" => lit(s.warehouse.as_ref()),
                    "CURRENT_USER" => lit(s.user.as_ref()),
                    "CURRENT_ORGANIZATION_NAME"
                    | "CURRENT_ACCOUNT_NAME"
                    | "CURRENT_ACCOUNT"
                    | "CURRENT_REGION" => {
                        lit(self.identity.context_function(&fname).map(str::to_string).as_ref())
                    }
                    "IFF" => {
                        f.name = ObjectName::from(vec![Ident::new("IIF")]);
                        None
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(r) = replacement {
            *expr = r;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_value(&mut self, value: &mut sqlparser::ast::ValueWithSpan) -> ControlFlow<()> {
        if let sqlparser::ast::Value::Placeholder(p) = &mut value.value
            && let Some(rest) = p.strip_prefix(':')
        {
            *p = format!("?{rest}");
        }
        ControlFlow::Continue(())
    }
}

impl Rewriter<'_> {
    /// A call of an INFORMATION_SCHEMA table function becomes a plain SQLite table holding its rows;
    /// `None` for other table functions (left to SQLite, which refuses them).
    fn table_function(
        &mut self,
        f: &sqlparser::ast::Function,
        alias: Option<TableAlias>,
    ) -> Result<Option<TableFactor>, SqlError> {
        use sqlparser::ast::{FunctionArg, FunctionArgExpr, FunctionArguments};
        let parts: Vec<String> = f
            .name
            .0
            .iter()
            .map(|p| {
                p.as_ident().map_or(p.to_string(), |i| normalize_ident(&i.value, i.quote_style.is_some()))
            })
            .collect();
        let (database, function) = match parts.as_slice() {
            [db, is, fun] if is == "INFORMATION_SCHEMA" => (db.clone(), fun.clone()),
            [is, fun] if is == "INFORMATION_SCHEMA" => {
                let db = self.session.database.clone().ok_or_else(|| {
                    SqlError::new("090105", "22000", "Cannot perform SELECT. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.")
                })?;
                (db, fun.clone())
            }
            _ => return Ok(None),
        };
        if !info_functions::FUNCTIONS.contains(&function.as_str()) {
            return Err(SqlError::does_not_exist("Function", &parts.join(".")));
        }
        let literal = |e: &FunctionArgExpr| match e {
            FunctionArgExpr::Expr(Expr::Value(v)) => match &v.value {
                sqlparser::ast::Value::SingleQuotedString(s) => Some(s.clone()),
                _ => None,
            },
            _ => None,
        };
        let bad = || SqlError::syntax(format!("arguments of {function} must be string literals"));
        let mut call = info_functions::Call {
            database,
            function: function.clone(),
            named: Vec::new(),
            positional: Vec::new(),
        };
        if let FunctionArguments::List(list) = &f.args {
            for a in &list.args {
                match a {
                    FunctionArg::Named { name, arg, .. } => {
                        call.named.push((name.value.to_uppercase(), literal(arg).ok_or_else(bad)?))
                    }
                    FunctionArg::ExprNamed { name, arg, .. } => {
                        call.named.push((name.to_string().to_uppercase(), literal(arg).ok_or_else(bad)?))
                    }
                    FunctionArg::Unnamed(arg) => call.positional.push(literal(arg).ok_or_else(bad)?),
                }
            }
        }
        let table = format!("tf_{}", self.functions.len());
        let alias_name = alias.as_ref().map_or(function.clone(), |a| a.name.value.clone());
        self.functions.push((call, table.clone()));
        let text = format!("SELECT * FROM {table} AS \"{}\"", alias_name.replace('"', "\"\""));
        let parsed =
            Parser::parse_sql(&SnowflakeDialect {}, &text).map_err(|e| SqlError::syntax(e.to_string()))?;
        let relation = match parsed.into_iter().next() {
            Some(Statement::Query(q)) => match *q.body {
                sqlparser::ast::SetExpr::Select(sel) => sel.from.into_iter().next().map(|t| t.relation),
                _ => None,
            },
            _ => None,
        };
        relation.map(Some).ok_or_else(|| SqlError::syntax("could not rewrite the table function"))
    }
}

fn binding_value(b: &Binding) -> Sql {
    let Some(v) = &b.value else { return Sql::Null };
    match b.type_name.as_str() {
        "FIXED" => v
            .parse::<i64>()
            .map(Sql::Integer)
            .unwrap_or_else(|_| v.parse::<f64>().map_or(Sql::Text(v.clone()), Sql::Real)),
        "REAL" => v.parse::<f64>().map_or(Sql::Text(v.clone()), Sql::Real),
        "BOOLEAN" => Sql::Integer(i64::from(v.eq_ignore_ascii_case("true") || v == "1")),
        _ => Sql::Text(v.clone()),
    }
}

fn sqlite_err(e: rusqlite::Error) -> SqlError {
    let msg = e.to_string();
    if let Some(table) = msg.strip_prefix("no such table: ") {
        return SqlError::does_not_exist("Object", &table.to_uppercase());
    }
    if msg.contains("no such column") {
        let col = msg.rsplit(':').next().unwrap_or_default().trim().to_uppercase();
        return SqlError::new(
            "000904",
            "42000",
            format!("SQL compilation error: error line 1 at position 0\ninvalid identifier '{col}'"),
        );
    }
    SqlError::syntax(msg)
}

/// Run a SELECT over INFORMATION_SCHEMA views as the session's role.
pub fn execute(
    account: &Account,
    session: &Session,
    sql: &str,
    bindings: &[Binding],
    limit: usize,
) -> Result<QueryResult, SqlError> {
    let mut stmts = Parser::parse_sql(&SnowflakeDialect {}, sql)
        .map_err(|e| SqlError::syntax(format!("syntax error: {e}")))?;
    if stmts.len() != 1 || !matches!(stmts[0], Statement::Query(_)) {
        return Err(SqlError::syntax("expected a single SELECT statement"));
    }
    let mut rw = Rewriter {
        session,
        identity: &account.identity,
        tables: BTreeMap::new(),
        functions: Vec::new(),
        error: None,
    };
    let _ = stmts[0].visit(&mut rw);
    if let Some(e) = rw.error {
        return Err(e);
    }
    let pushed = if rw.tables.len() == 1 && rw.functions.is_empty() {
        super::info_pushdown::filters(&stmts[0])
    } else {
        Vec::new()
    };
    let view = View::new(account, &session.role);
    let conn = rusqlite::Connection::open_in_memory().map_err(sqlite_err)?;
    conn.execute_batch("PRAGMA case_sensitive_like = ON;").map_err(sqlite_err)?;
    let mut types: BTreeMap<String, Ty> = BTreeMap::new();
    for ((db, v), table) in &rw.tables {
        let usage = db == ACCOUNT_USAGE_KEY;
        let database = if usage {
            if !account_usage::may_read(account, &session.role) {
                return Err(SqlError::does_not_exist("Database", account_usage::DATABASE));
            }
            None
        } else {
            match account.database(db) {
                Some(d) if view.database(db) => Some(d),
                _ => return Err(SqlError::does_not_exist("Database", db)),
            }
        };
        let cols = if usage { account_usage::columns(v) } else { info_rows::columns(v) };
        for (c, ty) in cols {
            types.insert(c.to_string(), *ty);
        }
        let defs: Vec<String> = cols.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        conn.execute_batch(&format!("CREATE TABLE {table} ({});", defs.join(", "))).map_err(sqlite_err)?;
        let marks = vec!["?"; cols.len()].join(", ");
        let keep: Vec<(usize, &Vec<String>)> = pushed
            .iter()
            .filter_map(|(c, vals)| cols.iter().position(|(n, _)| n == c).map(|i| (i, vals)))
            .collect();
        let tx = conn.unchecked_transaction().map_err(sqlite_err)?;
        {
            let mut ins = tx.prepare(&format!("INSERT INTO {table} VALUES ({marks})")).map_err(sqlite_err)?;
            let mut failure = None;
            let mut emit = |row: Vec<Sql>| {
                let rejected = keep.iter().any(|(i, vals)| match &row[*i] {
                    Sql::Text(t) => !vals.contains(t),
                    _ => true,
                });
                if !rejected
                    && failure.is_none()
                    && let Err(e) = ins.execute(rusqlite::params_from_iter(row))
                {
                    failure = Some(e);
                }
            };
            match database {
                Some(d) => info_rows::rows(d, v, &view, &mut emit),
                None => account_usage::rows(account, v, &mut emit),
            }
            if let Some(e) = failure {
                return Err(sqlite_err(e));
            }
        }
        tx.commit().map_err(sqlite_err)?;
    }
    for (call, table) in &rw.functions {
        if account.database(&call.database).is_none() || !view.database(&call.database) {
            return Err(SqlError::does_not_exist("Database", &call.database));
        }
        let cols = info_functions::columns(&call.function);
        for (c, ty) in cols {
            types.insert(c.to_string(), *ty);
        }
        let defs: Vec<String> = cols.iter().map(|(c, _)| format!("\"{c}\"")).collect();
        conn.execute_batch(&format!("CREATE TABLE {table} ({});", defs.join(", "))).map_err(sqlite_err)?;
        let marks = vec!["?"; cols.len()].join(", ");
        let mut ins = conn.prepare(&format!("INSERT INTO {table} VALUES ({marks})")).map_err(sqlite_err)?;
        for row in info_functions::rows(account, &view, session, call)? {
            ins.execute(rusqlite::params_from_iter(row)).map_err(sqlite_err)?;
        }
    }
    let text = stmts[0].to_string();
    let mut stmt = conn.prepare(&text).map_err(sqlite_err)?;
    let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
    let params: Vec<Sql> = bindings.iter().map(binding_value).collect();
    let mut rows_out: Vec<Vec<Sql>> = Vec::new();
    let mut q = stmt.query(rusqlite::params_from_iter(params)).map_err(sqlite_err)?;
    while let Some(r) = q.next().map_err(sqlite_err)? {
        if rows_out.len() >= limit {
            return Err(SqlError::information_schema_too_much_data());
        }
        let mut row = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            row.push(r.get::<_, Sql>(i).map_err(sqlite_err)?);
        }
        rows_out.push(row);
    }
    Ok(typed(names, rows_out, &types))
}

/// Name and type result columns: a documented view column keeps its type; others are inferred.
fn typed(names: Vec<String>, rows: Vec<Vec<Sql>>, types: &BTreeMap<String, Ty>) -> QueryResult {
    let mut columns = Vec::new();
    let mut tys = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let upper = n.to_uppercase();
        let column_type = match types.get(&upper) {
            Some(Ty::Text) => ColumnType::Text { length: 16_777_216 },
            Some(Ty::Num) => {
                ColumnType::Fixed { precision: if upper == "ORDINAL_POSITION" { 9 } else { 38 }, scale: 0 }
            }
            Some(Ty::Ltz) => ColumnType::TimestampLtz { scale: 3 },
            Some(Ty::Bool) => ColumnType::Boolean,
            Some(Ty::Obj) => ColumnType::Object,
            None => match rows.iter().map(|r| &r[i]).find(|v| !matches!(v, Sql::Null)) {
                Some(Sql::Integer(_)) => ColumnType::Fixed { precision: 38, scale: 0 },
                Some(Sql::Real(_)) => ColumnType::Real,
                _ => ColumnType::Text { length: 16_777_216 },
            },
        };
        columns.push(Column::expr(upper, column_type.clone(), true));
        tys.push(column_type);
    }
    let rows = rows
        .into_iter()
        .map(|r| {
            r.into_iter()
                .zip(&tys)
                .map(|(v, ty)| match (v, ty) {
                    (Sql::Null, _) => Value::Null,
                    (Sql::Integer(x), ColumnType::TimestampLtz { .. }) => {
                        Value::TimestampLtz(i128::from(x) * 1_000_000)
                    }
                    (Sql::Integer(x), ColumnType::Boolean) => Value::Boolean(x != 0),
                    (Sql::Integer(x), ColumnType::Real) => Value::Real(x as f64),
                    (Sql::Integer(x), ColumnType::Text { .. }) => Value::Text(x.to_string()),
                    (Sql::Integer(x), _) => Value::Fixed(i128::from(x)),
                    (Sql::Real(x), ColumnType::Fixed { .. }) => Value::Fixed(x as i128),
                    (Sql::Real(x), _) => Value::Real(x),
                    (Sql::Text(s), ColumnType::Object) => Value::Variant(s),
                    (Sql::Text(s), _) => Value::Text(s),
                    (Sql::Blob(b), _) => Value::Binary(b),
                })
                .collect()
        })
        .collect();
    QueryResult { columns, rows, stats: Vec::new() }
}
