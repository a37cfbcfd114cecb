//! Column inference for CREATE VIEW: a view's columns (INFORMATION_SCHEMA.COLUMNS) come from its SELECT
//! list, resolved against what FROM names (tables, views, CTEs, subqueries; `*` and `alias.*` expand), each
//! expression typed by `view_types` with Snowflake's documented rules. A UNION's columns take the common
//! type of both sides.
//!
//! Read-only over the account. A source that does not exist fails like Snowflake (002003); an expression
//! the emulator cannot type fails CREATE VIEW naming it, never a guessed TEXT column.

use sqlparser::ast::{
    Ident, Query, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, TableFactor, TableWithJoins,
};

use super::ddl::{DdlContext, resolve_object};
use super::lexer::normalize_ident;
use super::model::Account;
use super::model_types::{Column, DataType};
use super::result::SqlError;
use super::view_types::{self, Columns, Untyped};

fn col(name: String, data_type: DataType) -> Column {
    Column { name, data_type, nullable: true, default: None, identity: None, comment: None }
}

fn ident_of(i: &Ident) -> String {
    normalize_ident(&i.value, i.quote_style.is_some())
}

/// A relation FROM names: what it may be called by, and its columns.
#[derive(Clone)]
struct Source {
    name: String,
    columns: Vec<Column>,
}

struct Scope<'a> {
    sources: &'a [Source],
}

impl Columns for Scope<'_> {
    fn column(&self, qualifier: Option<&Ident>, name: &Ident) -> Option<DataType> {
        let (qualifier, name) = (qualifier.map(ident_of), ident_of(name));
        self.sources
            .iter()
            .filter(|s| qualifier.as_ref().is_none_or(|q| *q == s.name))
            .find_map(|s| s.columns.iter().find(|c| c.name == name))
            .map(|c| c.data_type)
    }
}

/// The columns a view's query produces, each with the type Snowflake gives it.
pub fn infer(account: &Account, ctx: &DdlContext, query: &Query) -> Result<Vec<Column>, SqlError> {
    query_columns(account, ctx, query, &[])
}

fn query_columns(
    account: &Account,
    ctx: &DdlContext,
    query: &Query,
    outer: &[Source],
) -> Result<Vec<Column>, SqlError> {
    let mut ctes = outer.to_vec();
    for cte in query.with.iter().flat_map(|w| &w.cte_tables) {
        let columns = query_columns(account, ctx, &cte.query, &ctes)?;
        ctes.push(Source { name: ident_of(&cte.alias.name), columns });
    }
    set_columns(account, ctx, &query.body, &ctes)
}

fn set_columns(
    account: &Account,
    ctx: &DdlContext,
    body: &SetExpr,
    ctes: &[Source],
) -> Result<Vec<Column>, SqlError> {
    match body {
        SetExpr::Query(q) => query_columns(account, ctx, q, ctes),
        SetExpr::SetOperation { left, right, .. } => {
            let (l, r) = (set_columns(account, ctx, left, ctes)?, set_columns(account, ctx, right, ctes)?);
            if l.len() != r.len() {
                return Err(SqlError::syntax(format!(
                    "SQL compilation error: invalid number of result columns for set operator input branches, \
                     expected {}, got {} in branch 2",
                    l.len(),
                    r.len()
                )));
            }
            l.into_iter()
                .zip(r)
                .map(|(a, b)| {
                    let t = view_types::unify(a.data_type, b.data_type).ok_or_else(|| {
                        refused(&Untyped {
                            expr: body.to_string(),
                            reason: format!(
                                "column {} is {} in one branch and {} in the other",
                                a.name,
                                a.data_type.sql(),
                                b.data_type.sql()
                            ),
                        })
                    })?;
                    Ok(col(a.name, t))
                })
                .collect()
        }
        SetExpr::Select(select) => {
            let mut sources = Vec::new();
            for twj in &select.from {
                add_join(account, ctx, twj, ctes, &mut sources)?;
            }
            let scope = Scope { sources: &sources };
            let mut out = Vec::new();
            for item in &select.projection {
                match item {
                    SelectItem::Wildcard(_) => {
                        out.extend(sources.iter().flat_map(|s| s.columns.iter().cloned()));
                    }
                    SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(n), _) => {
                        let q = n.0.last().and_then(|p| p.as_ident()).map(ident_of).unwrap_or_default();
                        out.extend(
                            sources.iter().filter(|s| s.name == q).flat_map(|s| s.columns.iter().cloned()),
                        );
                    }
                    SelectItem::UnnamedExpr(e) => {
                        let name = match e {
                            sqlparser::ast::Expr::Identifier(i) => ident_of(i),
                            sqlparser::ast::Expr::CompoundIdentifier(p) => {
                                p.last().map(ident_of).unwrap_or_default()
                            }
                            other => other.to_string().to_uppercase(),
                        };
                        out.push(col(name, view_types::type_of(e, &scope).map_err(|u| refused(&u))?));
                    }
                    SelectItem::ExprWithAlias { expr, alias } => {
                        out.push(col(
                            ident_of(alias),
                            view_types::type_of(expr, &scope).map_err(|u| refused(&u))?,
                        ));
                    }
                    other => {
                        return Err(refused(&Untyped {
                            expr: other.to_string(),
                            reason: "a select item the emulator does not type".into(),
                        }));
                    }
                }
            }
            Ok(out)
        }
        other => Err(refused(&Untyped { expr: other.to_string(), reason: "not a SELECT".into() })),
    }
}

fn add_join(
    account: &Account,
    ctx: &DdlContext,
    twj: &TableWithJoins,
    ctes: &[Source],
    sources: &mut Vec<Source>,
) -> Result<(), SqlError> {
    for factor in std::iter::once(&twj.relation).chain(twj.joins.iter().map(|j| &j.relation)) {
        match factor {
            TableFactor::Table { name, alias, .. } => {
                let parts: Vec<String> =
                    name.0.iter().map(|p| p.as_ident().map_or(p.to_string(), ident_of)).collect();
                let columns = match (parts.as_slice(), ctes.iter().rev().find(|c| parts == [c.name.clone()]))
                {
                    (_, Some(cte)) => cte.columns.clone(),
                    _ => {
                        let (d, s, t) = resolve_object(ctx, parts.clone())?;
                        account
                            .table(&d, &s, &t)
                            .ok_or_else(|| SqlError::does_not_exist("Object", &format!("{d}.{s}.{t}")))?
                            .columns
                            .clone()
                    }
                };
                let own = parts.last().cloned().unwrap_or_default();
                sources.push(Source { name: alias.as_ref().map_or(own, |a| ident_of(&a.name)), columns });
            }
            TableFactor::Derived { subquery, alias, .. } => {
                let columns = query_columns(account, ctx, subquery, ctes)?;
                sources.push(Source {
                    name: alias.as_ref().map(|a| ident_of(&a.name)).unwrap_or_default(),
                    columns,
                });
            }
            TableFactor::NestedJoin { table_with_joins, .. } => {
                add_join(account, ctx, table_with_joins, ctes, sources)?;
            }
            other => {
                return Err(refused(&Untyped {
                    expr: other.to_string(),
                    reason: "a FROM item the emulator does not type".into(),
                }));
            }
        }
    }
    Ok(())
}

/// CREATE VIEW refused because a column's type cannot be inferred: the emulator would otherwise invent one.
fn refused(u: &Untyped) -> SqlError {
    SqlError::new(
        "000002",
        "0A000",
        format!(
            "Unsupported feature 'view column type': the emulator cannot type `{}` ({}); cast it to the type \
             Snowflake gives it, e.g. ({})::VARCHAR",
            u.expr, u.reason, u.expr
        ),
    )
}
