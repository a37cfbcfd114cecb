//! SHOW PRIMARY / UNIQUE / IMPORTED / EXPORTED KEYS with their scopes (account, database, schema,
//! table). One row per key column; IMPORTED lists FKs whose child table is in scope, EXPORTED FKs whose
//! parent table is in scope.
//!
//! Read-only. These commands take no LIKE / STARTS WITH / LIMIT (as documented).

use super::model_types::{ConstraintKind, Database, Schema, Table};
use super::result::{QueryResult, SqlError, Value};
use super::show::{Scope, ShowCtx, ShowOpts, ltz, n, num, t, text, tf, ts};

fn in_scope(scope: &Scope, d: &str, s: &str, tb: &str) -> bool {
    match scope {
        Scope::Account | Scope::Default => true,
        Scope::Database(x) => x == d,
        Scope::Schema(x, y) => x == d && y == s,
        Scope::Table(x, y, z) => x == d && y == s && z == tb,
    }
}

/// Every table the role may see (SHOW visibility), account-wide.
fn visible<'a>(ctx: &'a ShowCtx) -> Vec<(&'a Database, &'a Schema, &'a Table)> {
    let mut v: Vec<_> = ctx
        .account
        .databases
        .iter()
        .flat_map(move |d| {
            d.schemas.iter().flat_map(move |s| {
                s.tables
                    .iter()
                    .filter(move |tb| ctx.view.show_object(&d.name, &s.name, &tb.name))
                    .map(move |tb| (d, s, tb))
            })
        })
        .collect();
    v.sort_by(|a, b| {
        (a.0.name.as_bytes(), a.1.name.as_bytes(), a.2.name.as_bytes()).cmp(&(
            b.0.name.as_bytes(),
            b.1.name.as_bytes(),
            b.2.name.as_bytes(),
        ))
    });
    v
}

fn check_scope(ctx: &ShowCtx, scope: &Scope) -> Result<(), SqlError> {
    let v = &ctx.view;
    let a = ctx.account;
    match scope {
        Scope::Database(d) if a.database(d).is_none() || !v.show_database(d) => {
            Err(SqlError::does_not_exist("Database", d))
        }
        Scope::Schema(d, s) if a.schema(d, s).is_none() || !v.show_schema(d, s) => {
            Err(SqlError::does_not_exist("Schema", &format!("{d}.{s}")))
        }
        Scope::Table(d, s, tb) if a.table(d, s, tb).is_none() || !v.show_object(d, s, tb) => {
            Err(SqlError::does_not_exist("Table", &format!("{d}.{s}.{tb}")))
        }
        _ => Ok(()),
    }
}

pub fn keys(ctx: &ShowCtx, opts: &ShowOpts, what: &str) -> Result<QueryResult, SqlError> {
    let scope = match opts.scope.clone() {
        Some(s) => s,
        None => match &ctx.session.database {
            Some(d) => Scope::Database(d.clone()),
            None => Scope::Account,
        },
    };
    check_scope(ctx, &scope)?;
    let mut rows = Vec::new();
    if what == "PRIMARY KEYS" || what == "UNIQUE KEYS" {
        let kind = if what == "PRIMARY KEYS" { ConstraintKind::PrimaryKey } else { ConstraintKind::Unique };
        for (d, s, tb) in
            visible(ctx).into_iter().filter(|(d, s, tb)| in_scope(&scope, &d.name, &s.name, &tb.name))
        {
            for c in tb.constraints.iter().filter(|c| c.kind == kind) {
                for (i, col) in c.columns.iter().enumerate() {
                    rows.push(vec![
                        ts(tb.created_on),
                        t(&d.name),
                        t(&s.name),
                        t(&tb.name),
                        t(col),
                        n(i as i64 + 1),
                        t(&c.name),
                        tf(c.rely),
                        c.comment.clone().map_or(Value::Null, t),
                    ]);
                }
            }
        }
        let columns = vec![
            ltz("created_on"),
            text("database_name"),
            text("schema_name"),
            text("table_name"),
            text("column_name"),
            num("key_sequence"),
            text("constraint_name"),
            text("rely"),
            text("comment"),
        ];
        return Ok(QueryResult { columns, rows, stats: Vec::new() });
    }
    let exported = what == "EXPORTED KEYS";
    for (d, s, tb) in visible(ctx) {
        for c in tb.constraints.iter().filter(|c| c.kind == ConstraintKind::ForeignKey) {
            let Some(r) = &c.references else { continue };
            let keep = if exported {
                in_scope(&scope, &r.database, &r.schema, &r.table)
            } else {
                in_scope(&scope, &d.name, &s.name, &tb.name)
            };
            if !keep {
                continue;
            }
            for (i, col) in c.columns.iter().enumerate() {
                rows.push(vec![
                    ts(c.created_on),
                    t(&r.database),
                    t(&r.schema),
                    t(&r.table),
                    t(r.columns.get(i).cloned().unwrap_or_default()),
                    t(&d.name),
                    t(&s.name),
                    t(&tb.name),
                    t(col),
                    n(i as i64 + 1),
                    t(&r.update_rule),
                    t(&r.delete_rule),
                    t(&c.name),
                    t(&r.constraint_name),
                    t("NOT DEFERRABLE"),
                    tf(c.rely),
                    c.comment.clone().map_or(Value::Null, t),
                ]);
            }
        }
    }
    let mut columns = vec![ltz("created_on")];
    for name in [
        "pk_database_name",
        "pk_schema_name",
        "pk_table_name",
        "pk_column_name",
        "fk_database_name",
        "fk_schema_name",
        "fk_table_name",
        "fk_column_name",
    ] {
        columns.push(text(name));
    }
    columns.push(num("key_sequence"));
    for name in ["update_rule", "delete_rule", "fk_name", "pk_name", "deferrability", "rely", "comment"] {
        columns.push(text(name));
    }
    Ok(QueryResult { columns, rows, stats: Vec::new() })
}
