//! CREATE TABLE / CREATE VIEW / DROP TABLE for the emulator (ALTER TABLE is in `ddl_alter.rs`), parsed with sqlparser's
//! SnowflakeDialect. RELY/NORELY (which sqlparser 0.64 rejects) are stripped before parsing and
//! re-attached to the constraint they followed.
//!
//! Must not render results or decide visibility.

use sqlparser::ast::{
    ColumnOption, CommentDef, CreateTableOptions, Ident, ObjectName, SqlOption, Statement, TableConstraint,
};
use sqlparser::dialect::SnowflakeDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::ddl::{DdlContext, already_exists, grant_ownership, resolve_object};
use super::lexer::normalize_ident;
use super::model::Account;
use super::model_types::{Column, Constraint, ConstraintKind, ForeignRef, GrantTarget, Table, TableKind};
use super::result::SqlError;
use super::types::parse_type;

/// Remove RELY/NORELY words and report, per constraint (in textual order), whether it said RELY.
pub(super) fn strip_rely(sql: &str) -> Result<(String, Vec<bool>), SqlError> {
    let dialect = SnowflakeDialect {};
    let tokens = Tokenizer::new(&dialect, sql).tokenize().map_err(|e| SqlError::syntax(e.to_string()))?;
    let (mut out, mut rely, mut pending_fk) = (String::with_capacity(sql.len()), Vec::new(), false);
    for t in &tokens {
        if let Token::Word(w) = t
            && w.quote_style.is_none()
        {
            match w.value.to_uppercase().as_str() {
                "PRIMARY" | "UNIQUE" => rely.push(false),
                "FOREIGN" => {
                    rely.push(false);
                    pending_fk = true;
                }
                "REFERENCES" if pending_fk => pending_fk = false,
                "REFERENCES" => rely.push(false),
                "RELY" | "NORELY" => {
                    if let Some(last) = rely.last_mut() {
                        *last = w.value.eq_ignore_ascii_case("RELY");
                    }
                    continue;
                }
                _ => {}
            }
        }
        out.push_str(&super::lexer::token_text(t));
    }
    Ok((out, rely))
}

/// For `CREATE EXTERNAL TABLE`, keep the text up to the end of the column list: Snowflake's external
/// table properties (`LOCATION = @stage`, `FILE_FORMAT = (...)`, `AUTO_REFRESH`) are not SQL sqlparser
/// reads, and the emulator only needs the name and columns.
fn external_prefix(sql: &str) -> Result<String, SqlError> {
    let dialect = SnowflakeDialect {};
    let tokens = Tokenizer::new(&dialect, sql).tokenize().map_err(|e| SqlError::syntax(e.to_string()))?;
    let (mut out, mut depth, mut seen) = (String::new(), 0usize, false);
    // Depth at which a column's `AS (expression)` is being skipped.
    let mut skip: Option<usize> = None;
    for t in &tokens {
        if let Token::Word(w) = t
            && w.quote_style.is_none()
            && w.value.eq_ignore_ascii_case("AS")
            && depth == 1
        {
            skip = Some(depth);
            continue;
        }
        if let Some(at) = skip {
            match t {
                // `AS` with no parenthesised expression: this `)` closes the column
                // list, so it ends the skip and is handled below like any other.
                Token::RParen if depth == at => skip = None,
                Token::LParen => {
                    depth += 1;
                    continue;
                }
                Token::RParen => {
                    depth -= 1;
                    if depth == at {
                        skip = None;
                    }
                    continue;
                }
                _ => continue,
            }
        }
        out.push_str(&super::lexer::token_text(t));
        match t {
            Token::LParen => {
                depth += 1;
                seen = true;
            }
            Token::RParen => {
                depth = depth.saturating_sub(1);
                if seen && depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

pub(super) fn parse_one(sql: &str) -> Result<Statement, SqlError> {
    let mut stmts = Parser::parse_sql(&SnowflakeDialect {}, sql)
        .map_err(|e| SqlError::syntax(format!("syntax error: {e}")))?;
    if stmts.len() != 1 {
        return Err(SqlError::syntax("expected exactly one statement"));
    }
    Ok(stmts.remove(0))
}

pub(super) fn ident(i: &Ident) -> String {
    normalize_ident(&i.value, i.quote_style.is_some())
}

pub(super) fn name_parts(n: &ObjectName) -> Vec<String> {
    n.0.iter().map(|p| p.as_ident().map(ident).unwrap_or_else(|| p.to_string())).collect()
}

fn comment_text(c: &CommentDef) -> String {
    match c {
        CommentDef::WithEq(s) | CommentDef::WithoutEq(s) => s.clone(),
    }
}

pub(super) fn column_from(def: &sqlparser::ast::ColumnDef) -> Result<Column, SqlError> {
    let ty_text = def.data_type.to_string();
    let data_type =
        parse_type(&ty_text).ok_or_else(|| SqlError::syntax(format!("unsupported data type '{ty_text}'")))?;
    let mut col = Column {
        name: ident(&def.name),
        data_type,
        nullable: true,
        default: None,
        identity: None,
        comment: None,
    };
    for opt in &def.options {
        match &opt.option {
            ColumnOption::NotNull => col.nullable = false,
            ColumnOption::Default(e) => col.default = Some(e.to_string().into()),
            ColumnOption::Comment(s) => col.comment = Some(s.as_str().into()),
            ColumnOption::Identity(kind) => col.identity = Some(identity_of(kind)),
            ColumnOption::PrimaryKey(_) => col.nullable = false,
            _ => {}
        }
    }
    Ok(col)
}

fn identity_of(kind: &sqlparser::ast::IdentityPropertyKind) -> (i64, i64) {
    use sqlparser::ast::{IdentityPropertyFormatKind as F, IdentityPropertyKind as K};
    let prop = match kind {
        K::Autoincrement(p) | K::Identity(p) => p,
    };
    let num = |e: &sqlparser::ast::Expr| e.to_string().parse::<i64>().unwrap_or(1);
    match &prop.parameters {
        Some(F::FunctionCall(p)) | Some(F::StartAndIncrement(p)) => (num(&p.seed), num(&p.increment)),
        None => (1, 1),
    }
}

/// (name, kind, columns, foreign key, enforced) as parsed, before names and references are resolved.
type RawConstraint<'a> = (
    Option<Ident>,
    ConstraintKind,
    Vec<String>,
    Option<&'a sqlparser::ast::ForeignKeyConstraint>,
    Option<bool>,
);

/// The table a constraint list belongs to.
pub(super) struct Owner<'a> {
    pub db: &'a str,
    pub schema: &'a str,
    pub name: &'a str,
}

/// Collect constraints (column-level first, then table-level) in textual order with their RELY flags.
pub(super) fn constraints_from(
    account: &mut Account,
    ctx: &DdlContext,
    owner: &Owner,
    columns: &[sqlparser::ast::ColumnDef],
    table_constraints: &[TableConstraint],
    rely: &[bool],
    now: i64,
) -> Result<Vec<Constraint>, SqlError> {
    let mut raw: Vec<RawConstraint> = Vec::new();
    for def in columns {
        let col = ident(&def.name);
        for opt in &def.options {
            match &opt.option {
                ColumnOption::PrimaryKey(p) => raw.push((
                    opt.name.clone().or(p.name.clone()),
                    ConstraintKind::PrimaryKey,
                    vec![col.clone()],
                    None,
                    p.characteristics.and_then(|c| c.enforced),
                )),
                ColumnOption::Unique(u) => raw.push((
                    opt.name.clone().or(u.name.clone()),
                    ConstraintKind::Unique,
                    vec![col.clone()],
                    None,
                    u.characteristics.and_then(|c| c.enforced),
                )),
                ColumnOption::ForeignKey(f) => raw.push((
                    opt.name.clone().or(f.name.clone()),
                    ConstraintKind::ForeignKey,
                    vec![col.clone()],
                    Some(f),
                    f.characteristics.and_then(|c| c.enforced),
                )),
                _ => {}
            }
        }
    }
    for tc in table_constraints {
        let cols = |v: &[sqlparser::ast::IndexColumn]| v.iter().map(|c| expr_ident(&c.column.expr)).collect();
        match tc {
            TableConstraint::PrimaryKey(p) => raw.push((
                p.name.clone(),
                ConstraintKind::PrimaryKey,
                cols(&p.columns),
                None,
                p.characteristics.and_then(|c| c.enforced),
            )),
            TableConstraint::Unique(u) => raw.push((
                u.name.clone(),
                ConstraintKind::Unique,
                cols(&u.columns),
                None,
                u.characteristics.and_then(|c| c.enforced),
            )),
            TableConstraint::ForeignKey(f) => raw.push((
                f.name.clone(),
                ConstraintKind::ForeignKey,
                f.columns.iter().map(ident).collect(),
                Some(f),
                f.characteristics.and_then(|c| c.enforced),
            )),
            _ => {}
        }
    }
    let mut out: Vec<Constraint> = Vec::new();
    let mut fks = Vec::new();
    for (i, (name, kind, cols, fk, enforced)) in raw.into_iter().enumerate() {
        let name = match name {
            Some(n) => ident(&n),
            None => account.next_constraint_name(),
        };
        if let Some(f) = fk {
            fks.push((out.len(), f));
        }
        out.push(Constraint {
            name,
            kind,
            columns: cols,
            rely: rely.get(i).copied().unwrap_or(false),
            enforced: enforced.unwrap_or(false),
            comment: None,
            created_on: now,
            references: None,
        });
    }
    for (idx, f) in fks {
        let r = foreign_ref(account, ctx, owner, &out, f)?;
        out[idx].references = Some(r);
    }
    Ok(out)
}

fn expr_ident(e: &sqlparser::ast::Expr) -> String {
    match e {
        sqlparser::ast::Expr::Identifier(i) => ident(i),
        other => other.to_string().to_uppercase(),
    }
}

fn foreign_ref(
    account: &Account,
    ctx: &DdlContext,
    owner: &Owner,
    own: &[Constraint],
    f: &sqlparser::ast::ForeignKeyConstraint,
) -> Result<ForeignRef, SqlError> {
    let mut local = ctx.clone();
    local.database = Some(owner.db.to_string());
    local.schema = Some(owner.schema.to_string());
    let (pdb, ps, pt) = resolve_object(&local, name_parts(&f.foreign_table))?;
    let parent_constraints: &[Constraint] = if pdb == owner.db && ps == owner.schema && pt == owner.name {
        own
    } else {
        &account
            .table(&pdb, &ps, &pt)
            .ok_or_else(|| SqlError::does_not_exist("Table", &format!("{pdb}.{ps}.{pt}")))?
            .constraints
    };
    let mut columns: Vec<String> = f.referred_columns.iter().map(ident).collect();
    let target = if columns.is_empty() {
        parent_constraints.iter().find(|c| c.kind == ConstraintKind::PrimaryKey)
    } else {
        parent_constraints.iter().find(|c| c.kind != ConstraintKind::ForeignKey && c.columns == columns)
    };
    let target = target.ok_or_else(|| {
        SqlError::new(
            "002029",
            "42601",
            format!("SQL compilation error:\nThe referenced key of table '{pt}' does not exist."),
        )
    })?;
    if columns.is_empty() {
        columns = target.columns.clone();
    }
    let rule =
        |a: &Option<sqlparser::ast::ReferentialAction>| a.map_or("NO ACTION".to_string(), |a| a.to_string());
    Ok(ForeignRef {
        database: pdb,
        schema: ps,
        table: pt,
        columns,
        constraint_name: target.name.clone(),
        update_rule: rule(&f.on_update),
        delete_rule: rule(&f.on_delete),
    })
}

fn table_comment(ct: &sqlparser::ast::CreateTable) -> Option<String> {
    if let Some(c) = &ct.comment {
        return Some(comment_text(c));
    }
    let opts = match &ct.table_options {
        CreateTableOptions::With(v) | CreateTableOptions::Options(v) | CreateTableOptions::Plain(v) => v,
        _ => return None,
    };
    opts.iter().find_map(|o| match o {
        SqlOption::Comment(c) => Some(comment_text(c)),
        SqlOption::KeyValue { key, value } if key.to_string().eq_ignore_ascii_case("COMMENT") => {
            Some(value.to_string().trim_matches('\'').to_string())
        }
        _ => None,
    })
}

/// CREATE [OR REPLACE] [TRANSIENT|TEMPORARY|EXTERNAL] TABLE / [SECURE] [MATERIALIZED] VIEW.
pub fn create_table_or_view(
    account: &mut Account,
    ctx: &mut DdlContext,
    sql: &str,
) -> Result<String, SqlError> {
    let (mut clean, rely) = strip_rely(sql)?;
    let words: Vec<String> = clean.split_whitespace().take(5).map(str::to_uppercase).collect();
    let special = words.iter().find_map(|w| match w.as_str() {
        "HYBRID" => Some(TableKind::Hybrid),
        "ICEBERG" => Some(TableKind::Iceberg),
        _ => None,
    });
    if let Some(k) = special {
        // sqlparser reads neither word; an Iceberg table's catalog properties follow its column list.
        let word = if k == TableKind::Hybrid { "HYBRID" } else { "ICEBERG" };
        clean = super::lexer::tokenize(&clean)?
            .iter()
            .filter(|t| !matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word)))
            .map(super::lexer::token_text)
            .collect::<Vec<_>>()
            .join(" ");
        if k == TableKind::Iceberg {
            clean = external_prefix(&clean)?;
        }
    }
    if words.iter().any(|w| w == "EXTERNAL") {
        clean = external_prefix(&clean)?;
    }
    let now = account.tick(ctx.now_ms);
    let (parts, mut table, or_replace, if_not_exists, copy_grants) = match parse_one(&clean)? {
        Statement::CreateTable(ct) => {
            let (db, s, tname) = resolve_object(ctx, name_parts(&ct.name))?;
            let kind = if ct.external {
                TableKind::External
            } else if ct.temporary {
                TableKind::Temporary
            } else if ct.transient {
                TableKind::Transient
            } else {
                special.unwrap_or(TableKind::Base)
            };
            let columns = ct.columns.iter().map(column_from).collect::<Result<Vec<_>, _>>()?;
            let constraints = constraints_from(
                account,
                ctx,
                &Owner { db: &db, schema: &s, name: &tname },
                &ct.columns,
                &ct.constraints,
                &rely,
                now,
            )?;
            let table = new_table(
                ctx,
                name_parts(&ct.name).pop().unwrap_or_default(),
                kind,
                now,
                columns,
                constraints,
            );
            let mut table = table;
            table.comment = table_comment(&ct);
            table.cluster_by = ct
                .cluster_by
                .as_ref()
                .map(|c| format!("LINEAR({})", c.to_string().trim_matches(|ch| ch == '(' || ch == ')')));
            (name_parts(&ct.name), table, ct.or_replace, ct.if_not_exists, ct.copy_grants)
        }
        Statement::CreateView(cv) => {
            let kind = if cv.materialized { TableKind::MaterializedView } else { TableKind::View };
            let mut columns: Vec<Column> = cv
                .columns
                .iter()
                .map(|c| Column {
                    name: ident(&c.name),
                    data_type: c
                        .data_type
                        .as_ref()
                        .and_then(|t| parse_type(&t.to_string()))
                        .unwrap_or(super::model_types::DataType::Text { length: super::types::MAX_TEXT }),
                    nullable: true,
                    default: None,
                    identity: None,
                    comment: None,
                })
                .collect();
            let inferred = super::ddl_view::infer(account, ctx, &cv.query)?;
            if columns.is_empty() {
                columns = inferred;
            } else {
                for (c, i) in columns.iter_mut().zip(inferred) {
                    c.data_type = i.data_type;
                }
            }
            let mut table = new_table(
                ctx,
                name_parts(&cv.name).pop().unwrap_or_default(),
                kind,
                now,
                columns,
                Vec::new(),
            );
            table.view_text = Some(sql.trim().to_string());
            table.secure = cv.secure;
            table.comment = cv.comment.clone();
            (name_parts(&cv.name), table, cv.or_replace, cv.if_not_exists, cv.copy_grants)
        }
        _ => return Err(SqlError::syntax("expected CREATE TABLE or CREATE VIEW")),
    };
    let (db, schema, name) = resolve_object(ctx, parts)?;
    table.name = name.clone();
    let word = if table.kind.is_view() { "View" } else { "Table" };
    let sch = account
        .schema_mut(&db, &schema)
        .ok_or_else(|| SqlError::does_not_exist("Schema", &format!("{db}.{schema}")))?;
    if let Some(pos) = sch.tables.iter().position(|t| t.name == name) {
        if if_not_exists {
            return Ok(format!("{name} already exists, statement succeeded."));
        }
        if !or_replace {
            return Err(already_exists(&name));
        }
        sch.tables.remove(pos);
        super::ddl_pipeline::source_replaced(account, &db, &schema, &name);
        super::ddl_policy::forget_object(account, &db, &schema, &name);
        if !copy_grants {
            account.remove_grants_on(|t| is_object(t, &db, &schema, &name));
        }
    }
    let sch = account
        .schema_mut(&db, &schema)
        .ok_or_else(|| SqlError::does_not_exist("Schema", &format!("{db}.{schema}")))?;
    let object_type = table.kind.object_type();
    sch.tables.push(table);
    let target = GrantTarget::Object {
        kind: object_type,
        database: db.clone(),
        schema: schema.clone(),
        name: name.clone(),
    };
    if !account.grants.iter().any(|g| g.target == target && g.privilege == "OWNERSHIP") {
        grant_ownership(account, ctx, target.clone(), now);
    }
    super::ddl_grant::apply_future_grants(account, &db, Some(&schema), object_type, &target, now);
    Ok(format!("{word} {name} successfully created."))
}

pub(super) fn new_table(
    ctx: &DdlContext,
    name: String,
    kind: TableKind,
    now: i64,
    columns: Vec<Column>,
    constraints: Vec<Constraint>,
) -> Table {
    Table {
        name,
        kind,
        owner: ctx.role.clone(),
        comment: None,
        view_text: None,
        secure: false,
        cluster_by: None,
        rows: 0,
        bytes: 0,
        retention_time: if kind == TableKind::Temporary || kind == TableKind::Transient { 0 } else { 1 },
        created_on: now,
        last_altered: now,
        last_ddl: now,
        columns,
        constraints,
        dynamic: None,
    }
}

fn is_object(t: &GrantTarget, db: &str, schema: &str, name: &str) -> bool {
    matches!(t, GrantTarget::Object { database, schema: s, name: n, .. } if database == db && s == schema && n == name)
}

/// Remove a table (or view); true if it existed. Grants on it go too.
pub fn drop_table(account: &mut Account, db: &str, schema: &str, name: &str, view: bool) -> bool {
    let Some(sch) = account.schema_mut(db, schema) else { return false };
    let Some(at) = sch.tables.iter().position(|t| t.name == name && t.kind.is_view() == view) else {
        return false;
    };
    let gone = sch.tables.remove(at);
    if !view {
        account.dropped_tables.push((db.to_string(), schema.to_string(), gone));
    }
    account.remove_grants_on(|t| is_object(t, db, schema, name));
    super::ddl_policy::forget_object(account, db, schema, name);
    true
}
