//! Column inference for CREATE VIEW: a view's columns (INFORMATION_SCHEMA.COLUMNS) come from its explicit
//! column list, else from its SELECT list resolved against the tables in FROM (`*`, `t.*`, plain and
//! aliased column references keep the source type; other expressions are typed by a simple rule).
//!
//! Read-only over the account; never fails (unknown sources give TEXT columns).

use sqlparser::ast::{Expr, Query, SelectItem, SetExpr, TableFactor};

use super::ddl::{DdlContext, resolve_object};
use super::lexer::normalize_ident;
use super::model::Account;
use super::model_types::{Column, DataType};
use super::types::MAX_TEXT;

fn col(name: String, data_type: DataType) -> Column {
    Column { name, data_type, nullable: true, default: None, identity: None, comment: None }
}

fn ident_of(i: &sqlparser::ast::Ident) -> String {
    normalize_ident(&i.value, i.quote_style.is_some())
}

/// The columns a view's query produces, best effort.
pub fn infer(account: &Account, ctx: &DdlContext, query: &Query) -> Vec<Column> {
    let SetExpr::Select(select) = query.body.as_ref() else { return Vec::new() };
    let mut sources: Vec<&Column> = Vec::new();
    for twj in &select.from {
        let factors = std::iter::once(&twj.relation).chain(twj.joins.iter().map(|j| &j.relation));
        for f in factors {
            let TableFactor::Table { name, .. } = f else { continue };
            let parts: Vec<String> =
                name.0.iter().map(|p| p.as_ident().map_or(p.to_string(), ident_of)).collect();
            if let Ok((d, s, t)) = resolve_object(ctx, parts)
                && let Some(table) = account.table(&d, &s, &t)
            {
                sources.extend(table.columns.iter());
            }
        }
    }
    let lookup = |name: &str| sources.iter().find(|c| c.name == name).map(|c| c.data_type);
    let expr_type = |e: &Expr| -> DataType {
        match e {
            Expr::Identifier(i) => lookup(&ident_of(i)),
            Expr::CompoundIdentifier(p) => p.last().and_then(|i| lookup(&ident_of(i))),
            Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("COUNT") => {
                Some(DataType::Number { precision: 18, scale: 0 })
            }
            _ => None,
        }
        .unwrap_or(DataType::Text { length: MAX_TEXT })
    };
    let mut out = Vec::new();
    for item in &select.projection {
        match item {
            SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..) => {
                out.extend(sources.iter().map(|c| col(c.name.clone(), c.data_type)));
            }
            SelectItem::UnnamedExpr(e) => {
                let name = match e {
                    Expr::Identifier(i) => ident_of(i),
                    Expr::CompoundIdentifier(p) => p.last().map(ident_of).unwrap_or_default(),
                    other => other.to_string().to_uppercase(),
                };
                out.push(col(name, expr_type(e)));
            }
            SelectItem::ExprWithAlias { expr, alias } => out.push(col(ident_of(alias), expr_type(expr))),
            _ => {}
        }
    }
    out
}
