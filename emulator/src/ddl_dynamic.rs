//! DDL for tables of the special kinds and for views' properties: CREATE [OR REPLACE] DYNAMIC TABLE (its
//! columns inferred from the query like a view's), ALTER DYNAMIC TABLE SUSPEND / RESUME / REFRESH / SET,
//! CREATE EVENT TABLE (the documented fixed columns), and ALTER VIEW SET / UNSET SECURE and COMMENT.
//!
//! Must not render results or decide visibility.

use sqlparser::ast::Statement;
use sqlparser::dialect::SnowflakeDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use super::ddl::{DdlContext, resolve_object};
use super::ddl_pipeline::{Head, create_head, created, make_room};
use super::lexer::{Cursor, split_at_as};
use super::model::Account;
use super::model_pipeline::DynamicSpec;
use super::model_types::{Column, DataType, Table, TableKind};
use super::result::SqlError;

fn table(head: &Head, ctx: &DdlContext, kind: TableKind, columns: Vec<Column>, now: i64) -> Table {
    super::ddl_table::new_table(ctx, head.name.clone(), kind, now, columns, Vec::new())
}

fn column(name: &str, data_type: DataType) -> Column {
    Column { name: name.into(), data_type, nullable: true, default: None, identity: None, comment: None }
}

/// Put `t` in its schema, replacing a table of the same name when the head allows it.
fn place(
    account: &mut Account,
    ctx: &DdlContext,
    head: &Head,
    t: Table,
    now: i64,
) -> Result<String, SqlError> {
    let kind = t.kind.object_type();
    let schema = account
        .schema(&head.db, &head.schema)
        .ok_or_else(|| SqlError::does_not_exist("Schema", &format!("{}.{}", head.db, head.schema)))?;
    let exists = schema.tables.iter().any(|x| x.name == head.name);
    if let Some(status) = make_room(account, head, kind, exists, |a| {
        if let Some(s) = a.schema_mut(&head.db, &head.schema) {
            s.tables.retain(|x| x.name != head.name);
        }
        super::ddl_pipeline::source_replaced(a, &head.db, &head.schema, &head.name);
    })? {
        return Ok(status);
    }
    let s = account.schema_mut(&head.db, &head.schema).ok_or_else(|| SqlError::syntax("schema vanished"))?;
    s.tables.push(t);
    created(account, ctx, head, kind, &head.name, now);
    Ok(format!("Table {} successfully created.", head.name))
}

/// `CREATE [OR REPLACE] [TRANSIENT] DYNAMIC TABLE [IF NOT EXISTS] n TARGET_LAG = '...' WAREHOUSE = w
/// [REFRESH_MODE = m] [INITIALIZE = ...] [COMMENT = '...'] AS <query>`.
pub fn create_dynamic(account: &mut Account, ctx: &DdlContext, sql: &str) -> Result<String, SqlError> {
    let (head_sql, query) = split_at_as(sql).ok_or_else(|| SqlError::syntax("expected AS <query>"))?;
    let mut c = Cursor::new(head_sql)?;
    let head = create_head(ctx, &mut c, &["DYNAMIC", "TABLE"])?;
    let (mut lag, mut warehouse, mut mode, mut comment, mut cluster) =
        (None, None, "AUTO".to_string(), None, None);
    while !c.at_end() {
        let Some(key) = c.word_at(0) else { return Err(c.unexpected("a property")) };
        c.advance();
        if key == "CLUSTER" {
            c.expect_kw("BY")?;
            let mut cols = Vec::new();
            c.token(&Token::LParen);
            while !c.token(&Token::RParen) {
                cols.push(c.ident()?);
                c.token(&Token::Comma);
            }
            cluster = Some(format!("LINEAR({})", cols.join(", ")));
            continue;
        }
        c.token(&Token::Eq);
        let v = c.value_text()?;
        match key.as_str() {
            "TARGET_LAG" => lag = Some(v),
            "WAREHOUSE" => warehouse = Some(v),
            "REFRESH_MODE" => mode = v.to_uppercase(),
            "COMMENT" => comment = Some(v),
            _ => {}
        }
    }
    let lag = lag.ok_or_else(|| SqlError::syntax("a dynamic table needs TARGET_LAG"))?;
    let warehouse = warehouse.ok_or_else(|| SqlError::syntax("a dynamic table needs WAREHOUSE"))?;
    let columns = match Parser::parse_sql(&SnowflakeDialect {}, query) {
        Ok(mut s) if s.len() == 1 => match s.remove(0) {
            Statement::Query(q) => super::ddl_view::infer(account, ctx, &q)?,
            _ => return Err(SqlError::syntax("a dynamic table's AS must be a query")),
        },
        Ok(_) => return Err(SqlError::syntax("a dynamic table's AS must be one query")),
        Err(e) => return Err(SqlError::syntax(format!("syntax error: {e}"))),
    };
    let now = account.tick(ctx.now_ms);
    let mut t = table(&head, ctx, TableKind::Dynamic, columns, now);
    t.comment = comment;
    t.cluster_by = cluster;
    t.dynamic = Some(Box::new(DynamicSpec {
        text: sql.trim().to_string(),
        target_lag: lag,
        warehouse,
        refresh_mode: mode,
        scheduling_state: "RUNNING".into(),
        last_suspended_on: None,
        data_timestamp: now,
    }));
    place(account, ctx, &head, t, now)
}

/// The columns every event table has (Snowflake's documented event table layout).
const EVENT_COLUMNS: [(&str, DataType); 13] = [
    ("TIMESTAMP", DataType::TimestampNtz { scale: 9 }),
    ("START_TIMESTAMP", DataType::TimestampNtz { scale: 9 }),
    ("OBSERVED_TIMESTAMP", DataType::TimestampNtz { scale: 9 }),
    ("TRACE", DataType::Object),
    ("RESOURCE", DataType::Object),
    ("RESOURCE_ATTRIBUTES", DataType::Object),
    ("SCOPE", DataType::Object),
    ("SCOPE_ATTRIBUTES", DataType::Object),
    ("RECORD_TYPE", DataType::Text { length: super::types::MAX_TEXT }),
    ("RECORD", DataType::Object),
    ("RECORD_ATTRIBUTES", DataType::Object),
    ("VALUE", DataType::Variant),
    ("EXEMPLARS", DataType::Array),
];

/// `CREATE [OR REPLACE] EVENT TABLE [IF NOT EXISTS] n [COMMENT = '...']`.
pub fn create_event(account: &mut Account, ctx: &DdlContext, sql: &str) -> Result<String, SqlError> {
    let mut c = Cursor::new(sql)?;
    let head = create_head(ctx, &mut c, &["EVENT", "TABLE"])?;
    let props = c.properties()?;
    let now = account.tick(ctx.now_ms);
    let columns = EVENT_COLUMNS.iter().map(|(n, t)| column(n, *t)).collect();
    let mut t = table(&head, ctx, TableKind::Event, columns, now);
    t.comment = props.into_iter().find(|(k, _)| k == "COMMENT").map(|(_, v)| v);
    place(account, ctx, &head, t, now)
}

/// `ALTER DYNAMIC TABLE n {SUSPEND | RESUME | REFRESH | SET TARGET_LAG = .. | SET WAREHOUSE = .. |
/// SET COMMENT = ..}` and `ALTER VIEW v {SET | UNSET} {SECURE | COMMENT}`.
pub fn alter(account: &mut Account, ctx: &DdlContext, sql: &str) -> Result<String, SqlError> {
    let mut c = Cursor::new(sql)?;
    c.expect_kw("ALTER")?;
    let dynamic = c.kws(&["DYNAMIC", "TABLE"]) || {
        c.kw("MATERIALIZED");
        c.expect_kw("VIEW")?;
        false
    };
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let (db, sc, name) = resolve_object(ctx, c.object_name()?)?;
    let now = account.tick(ctx.now_ms);
    let found = account
        .table_mut(&db, &sc, &name)
        .filter(|t| if dynamic { t.dynamic.is_some() } else { t.kind.is_view() });
    let Some(t) = found else {
        if if_exists {
            return Ok("Statement executed successfully.".into());
        }
        let what = if dynamic { "Dynamic table" } else { "View" };
        return Err(SqlError::does_not_exist(what, &format!("{db}.{sc}.{name}")));
    };
    t.last_altered = now;
    t.last_ddl = now;
    if let Some(d) = t.dynamic.as_deref_mut() {
        if c.kw("SUSPEND") {
            d.scheduling_state = "SUSPENDED".into();
            d.last_suspended_on = Some(now);
            return Ok("Statement executed successfully.".into());
        }
        if c.kw("RESUME") {
            d.scheduling_state = "RUNNING".into();
            return Ok("Statement executed successfully.".into());
        }
        if c.kw("REFRESH") {
            d.data_timestamp = now;
            return Ok("Statement executed successfully.".into());
        }
    }
    let set = if c.kw("SET") {
        true
    } else {
        c.expect_kw("UNSET")?;
        false
    };
    while !c.at_end() {
        let Some(key) = c.word_at(0) else { return Err(c.unexpected("a property")) };
        c.advance();
        let value = if set && key != "SECURE" {
            c.token(&Token::Eq);
            Some(c.value_text()?)
        } else {
            None
        };
        match (key.as_str(), t.dynamic.as_deref_mut()) {
            ("SECURE", None) => t.secure = set,
            ("COMMENT", _) => t.comment = value,
            ("TARGET_LAG", Some(d)) => d.target_lag = value.unwrap_or_default(),
            ("WAREHOUSE", Some(d)) => d.warehouse = value.unwrap_or_default(),
            _ => return Err(SqlError::syntax(format!("unsupported ALTER property {key}"))),
        }
        c.token(&Token::Comma);
    }
    Ok("Statement executed successfully.".into())
}
