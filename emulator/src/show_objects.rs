//! SHOW DATABASES / SCHEMAS / TABLES / VIEWS with the documented (live-measured) column order, TERSE forms,
//! scopes and sort order (byte-wise by parent, then name).
//!
//! Read-only; filters and the row ceiling are applied by `show::finish`.

use super::model_types::{Database, Schema, Table, TableKind};
use super::result::{QueryResult, SqlError, Value};
use super::show::{
    Ceiling, Scope, ShowCtx, ShowOpts, cols, finish, ltz, n, num, obj, opt, t, text, tf, ts, yn,
};

const IS_COMMENT: &str = "Views describing the contents of schemas in this database";

fn terse_columns() -> Vec<super::result::Column> {
    vec![ltz("created_on"), text("name"), text("kind"), text("database_name"), text("schema_name")]
}

pub fn databases(ctx: &ShowCtx, opts: &ShowOpts) -> Result<QueryResult, SqlError> {
    let mut dbs: Vec<&Database> =
        ctx.account.databases.iter().filter(|d| ctx.view.show_database(&d.name)).collect();
    dbs.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let default_db = ctx
        .session
        .user
        .as_ref()
        .and_then(|u| ctx.account.user(u))
        .and_then(|u| u.default_namespace.clone())
        .map(|ns| ns.split('.').next().unwrap_or_default().to_string());
    let rows = dbs
        .into_iter()
        .map(|d| {
            let row = if opts.terse {
                vec![ts(d.created_on), t(&d.name), t("STANDARD"), Value::Null, Value::Null]
            } else {
                vec![
                    ts(d.created_on),
                    t(&d.name),
                    yn(default_db.as_deref() == Some(d.name.as_str())),
                    yn(ctx.session.database.as_deref() == Some(d.name.as_str())),
                    t(""),
                    t(&d.owner),
                    opt(&d.comment),
                    t(if d.transient { "TRANSIENT" } else { "" }),
                    t(d.retention_time.to_string()),
                    t("STANDARD"),
                    t("ROLE"),
                    Value::Null,
                    Value::Null,
                ]
            };
            (d.name.clone(), row)
        })
        .collect();
    let columns = if opts.terse {
        terse_columns()
    } else {
        let mut c = cols(&[
            "created_on",
            "name",
            "is_default",
            "is_current",
            "origin",
            "owner",
            "comment",
            "options",
            "retention_time",
            "kind",
            "owner_role_type",
        ]);
        c.push(obj("object_visibility"));
        c.push(obj("resharing_settings"));
        c
    };
    finish(ctx, opts, columns, rows, Ceiling::Error, "DATABASES")
}

/// Databases in scope for SCHEMAS/TABLES/VIEWS; 002003 when an explicit database is not visible.
fn scoped_databases<'a>(ctx: &'a ShowCtx, scope: &Scope) -> Result<Vec<&'a Database>, SqlError> {
    let one = |name: &str| -> Result<Vec<&'a Database>, SqlError> {
        match ctx.account.database(name) {
            Some(d) if ctx.view.show_database(name) => Ok(vec![d]),
            _ => Err(SqlError::does_not_exist("Database", name)),
        }
    };
    match scope {
        Scope::Account => {
            Ok(ctx.account.databases.iter().filter(|d| ctx.view.show_database(&d.name)).collect())
        }
        Scope::Default => match &ctx.session.database {
            Some(d) => one(d),
            None => Ok(ctx.account.databases.iter().filter(|d| ctx.view.show_database(&d.name)).collect()),
        },
        Scope::Database(d) | Scope::Schema(d, _) | Scope::Table(d, _, _) => one(d),
    }
}

/// (database, schema) pairs in scope, with 002003 for an explicit schema the role cannot see.
pub(crate) fn scoped_schemas<'a>(
    ctx: &'a ShowCtx,
    scope: &Scope,
) -> Result<Vec<(&'a Database, &'a Schema)>, SqlError> {
    let mut out = Vec::new();
    for d in scoped_databases(ctx, scope)? {
        for s in &d.schemas {
            if let Scope::Schema(_, want) = scope
                && *want != s.name
            {
                continue;
            }
            if ctx.view.show_schema(&d.name, &s.name) {
                out.push((d, s));
            }
        }
    }
    if let Scope::Schema(d, s) = scope
        && out.is_empty()
    {
        return Err(SqlError::does_not_exist("Schema", &format!("{d}.{s}")));
    }
    Ok(out)
}

/// (name, created_on, owner, comment, owner_role_type, options) of one SHOW SCHEMAS row.
type SchemaRow<'a> = (String, i64, String, Option<String>, &'a str, String);

pub fn schemas(ctx: &ShowCtx, opts: &ShowOpts) -> Result<QueryResult, SqlError> {
    let scope = opts.scope.clone().unwrap_or(Scope::Default);
    let mut rows = Vec::new();
    let mut dbs = scoped_databases(ctx, &scope)?;
    dbs.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    for d in dbs {
        let mut list: Vec<SchemaRow> = d
            .schemas
            .iter()
            .filter(|s| ctx.view.show_schema(&d.name, &s.name))
            .map(|s| {
                let mut o = Vec::new();
                if s.transient {
                    o.push("TRANSIENT");
                }
                if s.managed_access {
                    o.push("MANAGED ACCESS");
                }
                (s.name.clone(), s.created_on, s.owner.clone(), s.comment.clone(), "ROLE", o.join(", "))
            })
            .collect();
        list.push((
            "INFORMATION_SCHEMA".into(),
            d.created_on,
            String::new(),
            Some(IS_COMMENT.into()),
            "",
            String::new(),
        ));
        list.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        for (name, created, owner, comment, ort, options) in list {
            let row = if opts.terse {
                vec![ts(created), t(&name), Value::Null, t(&d.name), Value::Null]
            } else {
                vec![
                    ts(created),
                    t(&name),
                    yn(false),
                    yn(ctx.session.database.as_deref() == Some(d.name.as_str())
                        && ctx.session.schema.as_deref() == Some(name.as_str())),
                    t(&d.name),
                    t(owner),
                    opt(&comment),
                    t(options),
                    t(if name == "INFORMATION_SCHEMA" {
                        "1".to_string()
                    } else {
                        d.retention_time.to_string()
                    }),
                    t(ort),
                    Value::Null,
                    t("N"),
                ]
            };
            rows.push((name, row));
        }
    }
    let columns = if opts.terse {
        terse_columns()
    } else {
        let mut c = cols(&[
            "created_on",
            "name",
            "is_default",
            "is_current",
            "database_name",
            "owner",
            "comment",
            "options",
            "retention_time",
            "owner_role_type",
        ]);
        c.push(obj("object_visibility"));
        c.push(text("is_nested"));
        c
    };
    finish(ctx, opts, columns, rows, Ceiling::Error, "SCHEMAS")
}

/// Table-like objects in scope matching `keep`, sorted by (database, schema, name) byte-wise.
fn scoped_tables<'a>(
    ctx: &'a ShowCtx,
    opts: &ShowOpts,
    keep: impl Fn(&Table) -> bool,
) -> Result<Vec<(&'a Database, &'a Schema, &'a Table)>, SqlError> {
    let scope = opts.scope.clone().unwrap_or(Scope::Default);
    let mut out = Vec::new();
    for (d, s) in scoped_schemas(ctx, &scope)? {
        for tb in &s.tables {
            if keep(tb) && ctx.view.show_object(&d.name, &s.name, &tb.name) {
                out.push((d, s, tb));
            }
        }
    }
    out.sort_by(|a, b| {
        (a.0.name.as_bytes(), a.1.name.as_bytes(), a.2.name.as_bytes()).cmp(&(
            b.0.name.as_bytes(),
            b.1.name.as_bytes(),
            b.2.name.as_bytes(),
        ))
    });
    Ok(out)
}

const TABLE_COLUMNS: [&str; 27] = [
    "created_on",
    "name",
    "database_name",
    "schema_name",
    "kind",
    "comment",
    "cluster_by",
    "rows",
    "bytes",
    "owner",
    "retention_time",
    "automatic_clustering",
    "change_tracking",
    "search_optimization",
    "search_optimization_progress",
    "search_optimization_bytes",
    "is_external",
    "enable_schema_evolution",
    "owner_role_type",
    "is_event",
    "is_hybrid",
    "is_iceberg",
    "is_dynamic",
    "is_immutable",
    "is_interactive",
    "row_timestamp",
    "error_logging",
];

pub fn tables(ctx: &ShowCtx, opts: &ShowOpts) -> Result<QueryResult, SqlError> {
    let list = scoped_tables(ctx, opts, |t| !t.kind.is_view() && t.kind != TableKind::External)?;
    let rows = list
        .into_iter()
        .map(|(d, s, tb)| {
            let kind = match tb.kind {
                TableKind::Transient => "TRANSIENT",
                TableKind::Temporary => "TEMPORARY",
                _ => "TABLE",
            };
            let row = if opts.terse {
                vec![ts(tb.created_on), t(&tb.name), t("TABLE"), t(&d.name), t(&s.name)]
            } else {
                vec![
                    ts(tb.created_on),
                    t(&tb.name),
                    t(&d.name),
                    t(&s.name),
                    t(kind),
                    opt(&tb.comment),
                    opt(&tb.cluster_by),
                    n(tb.rows),
                    n(tb.bytes),
                    t(&tb.owner),
                    t(tb.retention_time.to_string()),
                    t(if tb.cluster_by.is_some() { "ON" } else { "OFF" }),
                    t("OFF"),
                    t("OFF"),
                    Value::Null,
                    Value::Null,
                    yn(false),
                    yn(false),
                    t("ROLE"),
                    yn(tb.kind == TableKind::Event),
                    yn(tb.kind == TableKind::Hybrid),
                    yn(tb.kind == TableKind::Iceberg),
                    yn(tb.kind == TableKind::Dynamic),
                    yn(false),
                    yn(false),
                    yn(false),
                    yn(false),
                ]
            };
            (tb.name.clone(), row)
        })
        .collect();
    let columns = if opts.terse {
        terse_columns()
    } else {
        TABLE_COLUMNS
            .iter()
            .map(|c| match *c {
                "created_on" => ltz(c),
                "rows" | "bytes" | "search_optimization_bytes" => num(c),
                _ => text(c),
            })
            .collect()
    };
    finish(ctx, opts, columns, rows, Ceiling::Error, "TABLES")
}

pub fn views(ctx: &ShowCtx, opts: &ShowOpts, materialized_only: bool) -> Result<QueryResult, SqlError> {
    let list = scoped_tables(ctx, opts, |t| {
        if materialized_only { t.kind == TableKind::MaterializedView } else { t.kind.is_view() }
    })?;
    let rows = list
        .into_iter()
        .map(|(d, s, v)| {
            let mat = v.kind == TableKind::MaterializedView;
            let row = if opts.terse {
                vec![
                    ts(v.created_on),
                    t(&v.name),
                    t(if mat { "MATERIALIZED_VIEW" } else { "VIEW" }),
                    t(&d.name),
                    t(&s.name),
                ]
            } else {
                let owns = ctx.view.roles.contains(&v.owner);
                let text_value = if v.secure && !owns { t("") } else { opt(&v.view_text) };
                vec![
                    ts(v.created_on),
                    t(&v.name),
                    t(""),
                    t(&d.name),
                    t(&s.name),
                    t(&v.owner),
                    opt(&v.comment),
                    text_value,
                    tf(v.secure),
                    tf(mat),
                    t("ROLE"),
                    t("OFF"),
                ]
            };
            (v.name.clone(), row)
        })
        .collect();
    let columns = if opts.terse {
        terse_columns()
    } else {
        [
            "created_on",
            "name",
            "reserved",
            "database_name",
            "schema_name",
            "owner",
            "comment",
            "text",
            "is_secure",
            "is_materialized",
            "owner_role_type",
            "change_tracking",
        ]
        .iter()
        .map(|c| if *c == "created_on" { ltz(c) } else { text(c) })
        .collect()
    };
    finish(ctx, opts, columns, rows, Ceiling::Error, "VIEWS")
}
