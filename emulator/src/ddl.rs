//! DDL dispatch: loads a script into an [`Account`] and applies one DDL statement at runtime, returning
//! Snowflake's status text. Databases, schemas, DROP, COMMENT ON and USE live here; tables/views are in
//! `ddl_table.rs`, grants in `ddl_grant.rs`, roles/users/warehouses in `ddl_account.rs`.
//!
//! Must not render SHOW/SELECT results or decide visibility.

use super::lexer::{Cursor, split_statements};
use super::model::{Account, LoadError};
use super::model_access::PolicyKind;
use super::model_types::{Database, GrantTarget, Schema};
use super::result::SqlError;

/// Who runs a DDL statement and where: the owner of what it creates, and the default namespace.
#[derive(Debug, Clone)]
pub struct DdlContext {
    pub role: String,
    pub database: Option<String>,
    pub schema: Option<String>,
    /// Real time (ms) for runtime statements; `None` when loading (deterministic logical clock).
    pub now_ms: Option<i64>,
    /// Whether `USE ...` is allowed (scripts yes, the SQL API no).
    pub allow_use: bool,
    /// Databases the role may touch (runtime only; `None` when loading a script). Naming any other
    /// database answers 002003, as for a missing one.
    pub usable_databases: Option<std::collections::HashSet<String>>,
}

impl DdlContext {
    pub fn loader() -> Self {
        DdlContext {
            role: "ACCOUNTADMIN".into(),
            database: None,
            schema: None,
            now_ms: None,
            allow_use: true,
            usable_databases: None,
        }
    }

    /// 002003 unless the role may use `db`.
    pub fn check_database(&self, db: &str) -> Result<(), SqlError> {
        match &self.usable_databases {
            Some(set) if !set.contains(db) => Err(SqlError::does_not_exist("Database", db)),
            _ => Ok(()),
        }
    }
}

/// Run a whole script as ACCOUNTADMIN (USE statements allowed).
pub fn load_script(account: &mut Account, script: &str) -> Result<(), LoadError> {
    let mut ctx = DdlContext::loader();
    for (i, stmt) in split_statements(script).into_iter().enumerate() {
        if let Err(e) = apply(account, &mut ctx, stmt) {
            let snippet: String = stmt.trim().chars().take(60).collect();
            return Err(LoadError { index: i + 1, snippet, message: e.to_string() });
        }
    }
    Ok(())
}

/// Whether the statement is DDL this module applies (used by the engine's dispatcher).
pub fn is_ddl(first: &str) -> bool {
    matches!(first, "CREATE" | "DROP" | "ALTER" | "GRANT" | "REVOKE" | "COMMENT" | "USE" | "UNDROP")
}

/// Apply one DDL statement; returns the `status` text Snowflake answers with.
pub fn apply(account: &mut Account, ctx: &mut DdlContext, sql: &str) -> Result<String, SqlError> {
    let mut c = Cursor::new(sql)?;
    let first = c.word_at(0).unwrap_or_default();
    match first.as_str() {
        "USE" => use_stmt(ctx, &mut c),
        "GRANT" | "REVOKE" => super::ddl_grant::grant(account, ctx, &mut c),
        "COMMENT" => comment_on(account, ctx, &mut c),
        "DROP" => drop_stmt(account, ctx, &mut c),
        "UNDROP" => super::ddl_undrop::undrop(account, ctx, &mut c),
        "ALTER" if let Some(done) = super::ddl_governance_alter::try_alter(account, ctx, sql) => done,
        "ALTER" if c.word_at(1).as_deref() == Some("WAREHOUSE") => {
            super::ddl_account::alter_warehouse(account, &mut c)
        }
        "ALTER" if c.word_at(1).as_deref() == Some("TABLE") => {
            super::ddl_alter::alter_table(account, ctx, sql)
        }
        "ALTER" if matches!(c.word_at(1).as_deref(), Some("DYNAMIC" | "VIEW" | "MATERIALIZED")) => {
            super::ddl_dynamic::alter(account, ctx, sql)
        }
        "ALTER"
            if let Some(k) = c.word_at(1).as_deref().and_then(super::ddl_pipeline::PipelineKind::parse) =>
        {
            super::ddl_pipeline_alter::alter(account, ctx, k, sql)
        }
        "ALTER" if let Some(k) = c.word_at(1).as_deref().and_then(super::ddl_routine::RoutineKind::parse) => {
            super::ddl_routine::alter(account, ctx, k, sql)
        }
        "CREATE" => create(account, ctx, &mut c, sql),
        _ => Err(SqlError::syntax(format!("unsupported DDL statement '{}'", first))),
    }
}

fn create(
    account: &mut Account,
    ctx: &mut DdlContext,
    c: &mut Cursor,
    sql: &str,
) -> Result<String, SqlError> {
    c.expect_kw("CREATE")?;
    let or_replace = c.kws(&["OR", "REPLACE"]);
    let mut mods = Vec::new();
    while let Some(w) = c.word_at(0) {
        if matches!(
            w.as_str(),
            "TRANSIENT"
                | "TEMPORARY"
                | "TEMP"
                | "SECURE"
                | "MATERIALIZED"
                | "EXTERNAL"
                | "LOCAL"
                | "GLOBAL"
                | "VOLATILE"
                | "HYBRID"
                | "ICEBERG"
        ) {
            mods.push(w);
            c.kw(&mods[mods.len() - 1].clone());
        } else {
            break;
        }
    }
    let kind = c.word_at(0).unwrap_or_default();
    match kind.as_str() {
        "DATABASE" if c.word_at(1).as_deref() == Some("ROLE") => {
            super::ddl_database_role::create(account, ctx, c, or_replace)
        }
        "DATABASE" => create_database(account, ctx, c, or_replace, mods.iter().any(|m| m == "TRANSIENT")),
        "SCHEMA" => create_schema(account, ctx, c, or_replace, mods.iter().any(|m| m == "TRANSIENT")),
        "TABLE" | "VIEW" => super::ddl_table::create_table_or_view(account, ctx, sql),
        "DYNAMIC" => super::ddl_dynamic::create_dynamic(account, ctx, sql),
        "EVENT" => super::ddl_dynamic::create_event(account, ctx, sql),
        k if let Some(p) = super::ddl_pipeline::PipelineKind::parse(k) => {
            super::ddl_pipeline::create(account, ctx, p, sql)
        }
        k if let Some(r) = super::ddl_routine::RoutineKind::parse(k) => {
            super::ddl_routine::create(account, ctx, r, sql)
        }
        "ROLE" => super::ddl_account::create_role(account, ctx, c, or_replace),
        "MASKING" => super::ddl_policy::create_policy(account, ctx, sql, PolicyKind::Masking),
        "ROW" if c.word_at(1).as_deref() == Some("ACCESS") => {
            super::ddl_policy::create_policy(account, ctx, sql, PolicyKind::RowAccess)
        }
        "TAG" => super::ddl_policy::create_tag(account, ctx, sql),
        "USER" => super::ddl_account::create_user(account, ctx, c, or_replace),
        "WAREHOUSE" => super::ddl_account::create_warehouse(account, ctx, c, or_replace),
        _ => Err(SqlError::syntax(format!("unsupported CREATE {kind}"))),
    }
}

fn if_not_exists(c: &mut Cursor) -> bool {
    c.kws(&["IF", "NOT", "EXISTS"])
}

/// `COMMENT = '...'` and other properties after a CREATE; returns (comment, retention, managed access).
fn create_props(c: &mut Cursor) -> Result<(Option<String>, Option<u32>, bool), SqlError> {
    let managed = c.kws(&["WITH", "MANAGED", "ACCESS"]);
    let mut comment = None;
    let mut retention = None;
    for (k, v) in c.properties()? {
        match k.as_str() {
            "COMMENT" => comment = Some(v),
            "DATA_RETENTION_TIME_IN_DAYS" => retention = v.parse().ok(),
            _ => {}
        }
    }
    Ok((comment, retention, managed))
}

fn create_database(
    account: &mut Account,
    ctx: &mut DdlContext,
    c: &mut Cursor,
    or_replace: bool,
    transient: bool,
) -> Result<String, SqlError> {
    c.expect_kw("DATABASE")?;
    let ine = if_not_exists(c);
    let name = single(c.object_name()?)?;
    let (comment, retention, _) = create_props(c)?;
    if account.database(&name).is_some() {
        if ine {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        drop_database(account, &name);
    }
    let now = account.tick(ctx.now_ms);
    let public = Schema {
        name: "PUBLIC".into(),
        owner: ctx.role.clone(),
        comment: None,
        transient,
        managed_access: false,
        retention_time: retention.unwrap_or(1),
        created_on: now,
        last_altered: now,
        tables: Vec::new(),
        objects: Default::default(),
    };
    account.databases.push(Database {
        name: name.clone(),
        owner: ctx.role.clone(),
        comment,
        transient,
        retention_time: retention.unwrap_or(1),
        created_on: now,
        last_altered: now,
        schemas: vec![public],
    });
    grant_ownership(account, ctx, GrantTarget::Database(name.clone()), now);
    grant_ownership(account, ctx, GrantTarget::Schema(name.clone(), "PUBLIC".into()), now);
    ctx.database = Some(name.clone());
    ctx.schema = Some("PUBLIC".into());
    Ok(format!("Database {name} successfully created."))
}

fn create_schema(
    account: &mut Account,
    ctx: &mut DdlContext,
    c: &mut Cursor,
    or_replace: bool,
    transient: bool,
) -> Result<String, SqlError> {
    c.expect_kw("SCHEMA")?;
    let ine = if_not_exists(c);
    let (db, name) = resolve_schema(ctx, c.object_name()?)?;
    let (comment, retention, managed) = create_props(c)?;
    let now = account.tick(ctx.now_ms);
    let database = account.database_mut(&db).ok_or_else(|| SqlError::does_not_exist("Database", &db))?;
    if database.schemas.iter().any(|s| s.name == name) {
        if ine {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        drop_schema(account, &db, &name);
    }
    let database = account.database_mut(&db).ok_or_else(|| SqlError::does_not_exist("Database", &db))?;
    database.schemas.push(Schema {
        name: name.clone(),
        owner: ctx.role.clone(),
        comment,
        transient,
        managed_access: managed,
        retention_time: retention.unwrap_or(database.retention_time),
        created_on: now,
        last_altered: now,
        tables: Vec::new(),
        objects: Default::default(),
    });
    grant_ownership(account, ctx, GrantTarget::Schema(db.clone(), name.clone()), now);
    super::ddl_grant::apply_future_grants(
        account,
        &db,
        None,
        "SCHEMA",
        &GrantTarget::Schema(db.clone(), name.clone()),
        now,
    );
    ctx.database = Some(db);
    ctx.schema = Some(name.clone());
    Ok(format!("Schema {name} successfully created."))
}

/// The OWNERSHIP grant Snowflake records for a newly created object.
pub fn grant_ownership(account: &mut Account, ctx: &DdlContext, target: GrantTarget, now: i64) {
    account.grants.push(super::model_types::Grant {
        privilege: "OWNERSHIP".into(),
        target,
        grantee: super::model_types::Grantee::Role(ctx.role.clone()),
        grant_option: true,
        granted_by: ctx.role.clone(),
        created_on: now,
    });
}

pub fn already_exists(name: &str) -> SqlError {
    SqlError::new("002002", "42710", format!("SQL compilation error:\nObject '{name}' already exists."))
}

fn no_current(kind: &str) -> SqlError {
    SqlError::new(
        "090105",
        "22000",
        format!(
            "Cannot perform this operation. This session does not have a current {kind}. Call 'USE {}', or use a qualified name.",
            kind.to_uppercase()
        ),
    )
}

fn single(mut parts: Vec<String>) -> Result<String, SqlError> {
    if parts.len() == 1 { Ok(parts.remove(0)) } else { Err(SqlError::syntax("invalid object name")) }
}

/// `[db.]schema` -> (db, schema) using the current database.
pub fn resolve_schema(ctx: &DdlContext, parts: Vec<String>) -> Result<(String, String), SqlError> {
    let (db, schema) = resolve_schema_name(ctx, parts)?;
    ctx.check_database(&db)?;
    Ok((db, schema))
}

fn resolve_schema_name(ctx: &DdlContext, mut parts: Vec<String>) -> Result<(String, String), SqlError> {
    match parts.len() {
        1 => Ok((ctx.database.clone().ok_or_else(|| no_current("database"))?, parts.remove(0))),
        2 => {
            let s = parts.remove(1);
            Ok((parts.remove(0), s))
        }
        _ => Err(SqlError::syntax("invalid schema name")),
    }
}

/// `[[db.]schema.]object` -> (db, schema, object) using the current database and schema.
pub fn resolve_object(ctx: &DdlContext, parts: Vec<String>) -> Result<(String, String, String), SqlError> {
    let (db, schema, name) = resolve_object_name(ctx, parts)?;
    ctx.check_database(&db)?;
    Ok((db, schema, name))
}

fn resolve_object_name(ctx: &DdlContext, parts: Vec<String>) -> Result<(String, String, String), SqlError> {
    let mut p = parts;
    match p.len() {
        1 => Ok((
            ctx.database.clone().ok_or_else(|| no_current("database"))?,
            ctx.schema.clone().ok_or_else(|| no_current("schema"))?,
            p.remove(0),
        )),
        2 => Ok((ctx.database.clone().ok_or_else(|| no_current("database"))?, p.remove(0), p.remove(0))),
        3 => Ok((p.remove(0), p.remove(0), p.remove(0))),
        _ => Err(SqlError::syntax("invalid object name")),
    }
}

fn use_stmt(ctx: &mut DdlContext, c: &mut Cursor) -> Result<String, SqlError> {
    if !ctx.allow_use {
        return Err(unsupported_command());
    }
    c.expect_kw("USE")?;
    if c.kw("ROLE") {
        ctx.role = c.ident()?;
    } else if c.kw("WAREHOUSE") {
        c.ident()?;
    } else if c.kw("SCHEMA") {
        let (db, s) = resolve_schema(ctx, c.object_name()?)?;
        ctx.database = Some(db);
        ctx.schema = Some(s);
    } else {
        c.kw("DATABASE");
        let parts = c.object_name()?;
        if parts.len() == 2 {
            ctx.database = Some(parts[0].clone());
            ctx.schema = Some(parts[1].clone());
        } else {
            ctx.database = Some(single(parts)?);
            ctx.schema = Some("PUBLIC".into());
        }
    }
    Ok("Statement executed successfully.".into())
}

/// 391911 / 0A000: statements the SQL API refuses (USE, BEGIN, ...).
pub fn unsupported_command() -> SqlError {
    SqlError::new("391911", "0A000", "Command not supported by SQL API.")
}

fn drop_database(account: &mut Account, name: &str) {
    account.databases.retain(|d| d.name != name);
    super::ddl_database_role::remove_all_in(account, name);
    super::ddl_policy::forget_scope(account, name, None);
    account.remove_grants_on(|t| match t {
        GrantTarget::Database(d) | GrantTarget::Schema(d, _) => d == name,
        GrantTarget::Object { database, .. } => database == name,
        _ => false,
    });
    account.future_grants.retain(|f| match &f.scope {
        super::model_types::FutureScope::Database(d) | super::model_types::FutureScope::Schema(d, _) => {
            d != name
        }
    });
}

fn drop_schema(account: &mut Account, db: &str, name: &str) {
    if let Some(d) = account.database_mut(db) {
        d.schemas.retain(|s| s.name != name);
    }
    super::ddl_policy::forget_scope(account, db, Some(name));
    account.remove_grants_on(|t| match t {
        GrantTarget::Schema(d, s) => d == db && s == name,
        GrantTarget::Object { database, schema, .. } => database == db && schema == name,
        _ => false,
    });
}

fn drop_stmt(account: &mut Account, ctx: &mut DdlContext, c: &mut Cursor) -> Result<String, SqlError> {
    if c.word_at(1).as_deref() == Some("DATABASE") && c.word_at(2).as_deref() == Some("ROLE") {
        c.expect_kw("DROP")?;
        return super::ddl_database_role::drop(account, ctx, c);
    }
    c.expect_kw("DROP")?;
    if c.kws(&["MASKING", "POLICY"]) {
        return super::ddl_policy::drop_policy(account, ctx, c, PolicyKind::Masking);
    }
    if c.kws(&["ROW", "ACCESS", "POLICY"]) {
        return super::ddl_policy::drop_policy(account, ctx, c, PolicyKind::RowAccess);
    }
    if c.kw("TAG") {
        return super::ddl_policy::drop_tag(account, ctx, c);
    }
    let kind = if c.kws(&["MATERIALIZED", "VIEW"]) {
        "VIEW".to_string()
    } else if c.kws(&["EXTERNAL", "TABLE"]) || c.kws(&["DYNAMIC", "TABLE"]) || c.kws(&["EVENT", "TABLE"]) {
        "TABLE".to_string()
    } else {
        let k = c.word_at(0).ok_or_else(|| c.unexpected("object type"))?;
        c.kw(&k);
        k
    };
    if let Some(r) = super::ddl_routine::RoutineKind::parse(&kind) {
        return super::ddl_routine::drop(account, ctx, r, c);
    }
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let parts = c.object_name()?;
    let display = parts.last().cloned().unwrap_or_default();
    let found = match kind.as_str() {
        "DATABASE" => {
            let n = single(parts)?;
            let found = account.database(&n).is_some();
            drop_database(account, &n);
            found
        }
        "SCHEMA" => {
            let (db, s) = resolve_schema(ctx, parts)?;
            let found = account.schema(&db, &s).is_some();
            drop_schema(account, &db, &s);
            found
        }
        "TABLE" | "VIEW" => {
            let (db, s, t) = resolve_object(ctx, parts)?;
            super::ddl_table::drop_table(account, &db, &s, &t, kind == "VIEW")
        }
        "WAREHOUSE" | "ROLE" | "USER" => super::ddl_account::drop_named(account, &kind, &single(parts)?),
        k if let Some(p) = super::ddl_pipeline::PipelineKind::parse(k) => {
            let (db, s, n) = resolve_object(ctx, parts)?;
            super::ddl_pipeline::drop(account, p, &db, &s, &n)
        }
        _ => return Err(SqlError::syntax(format!("unsupported DROP {kind}"))),
    };
    if found {
        Ok(format!("{display} successfully dropped."))
    } else if if_exists {
        Ok(format!("Drop statement executed successfully ({display} already dropped)."))
    } else {
        let title = kind[..1].to_string() + &kind[1..].to_lowercase();
        Err(SqlError::does_not_exist(&title, &display))
    }
}

fn comment_on(account: &mut Account, ctx: &mut DdlContext, c: &mut Cursor) -> Result<String, SqlError> {
    c.expect_kw("COMMENT")?;
    let if_exists = c.kws(&["IF", "EXISTS"]);
    c.expect_kw("ON")?;
    let kind = c.word_at(0).ok_or_else(|| c.unexpected("object type"))?;
    c.kw(&kind);
    let parts = c.object_name()?;
    let display = parts.join(".");
    c.expect_kw("IS")?;
    let text = c.string()?;
    let comment = if text.is_empty() { None } else { Some(text) };
    let now = account.tick(ctx.now_ms);
    let found = match kind.as_str() {
        "DATABASE" => account.database_mut(&single(parts)?).map(|d| {
            d.comment = comment;
            d.last_altered = now;
        }),
        "SCHEMA" => {
            let (db, s) = resolve_schema(ctx, parts)?;
            account.schema_mut(&db, &s).map(|x| {
                x.comment = comment;
                x.last_altered = now;
            })
        }
        "TABLE" | "VIEW" => {
            let (db, s, t) = resolve_object(ctx, parts)?;
            account.table_mut(&db, &s, &t).map(|x| {
                x.comment = comment;
                x.last_altered = now;
                x.last_ddl = now;
            })
        }
        "COLUMN" => {
            let mut p = parts;
            let col = p.pop().ok_or_else(|| SqlError::syntax("missing column"))?;
            let (db, s, t) = resolve_object(ctx, p)?;
            account
                .table_mut(&db, &s, &t)
                .and_then(|x| x.columns.iter_mut().find(|cc| cc.name == col))
                .map(|cc| cc.comment = comment.map(Into::into))
        }
        "WAREHOUSE" => account.warehouse_mut(&single(parts)?).map(|w| w.comment = comment),
        "ROLE" => {
            let n = single(parts)?;
            account.roles.iter_mut().find(|r| r.name == n).map(|r| r.comment = comment.unwrap_or_default())
        }
        _ => return Err(SqlError::syntax(format!("unsupported COMMENT ON {kind}"))),
    };
    if found.is_none() && !if_exists {
        let title = kind[..1].to_string() + &kind[1..].to_lowercase();
        return Err(SqlError::does_not_exist(&title, &display));
    }
    Ok("Statement executed successfully.".into())
}
