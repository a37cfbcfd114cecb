//! Predicate push-down for INFORMATION_SCHEMA queries: equality and IN-list filters on a view's columns
//! (`TABLE_SCHEMA = 'X'`, `TABLE_NAME IN ('A', 'B')`) found in a single-table SELECT's top-level AND
//! chain are applied while loading rows into SQLite, so narrow queries load few rows. The WHERE clause
//! still runs in SQLite: push-down only skips rows it would reject anyway.
//!
//! Pure analysis of a parsed statement; no account access.

use sqlparser::ast::{BinaryOperator, Expr, InTarget, SetExpr, Statement, Value};

/// Column name (upper-cased) -> the text values it may take.
pub type Filters = Vec<(String, Vec<String>)>;

fn column_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Identifier(i) => Some(i.value.to_uppercase()),
        Expr::CompoundIdentifier(p) => p.last().map(|i| i.value.to_uppercase()),
        Expr::Nested(inner) => column_name(inner),
        _ => None,
    }
}

fn literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Value(v) => match &v.value {
            Value::SingleQuotedString(s) => Some(s.clone()),
            _ => None,
        },
        Expr::Nested(inner) => literal(inner),
        _ => None,
    }
}

fn collect(e: &Expr, out: &mut Filters) {
    match e {
        Expr::BinaryOp { left, op: BinaryOperator::And, right } => {
            collect(left, out);
            collect(right, out);
        }
        Expr::BinaryOp { left, op: BinaryOperator::Eq, right } => {
            if let (Some(c), Some(v)) = (column_name(left), literal(right)) {
                out.push((c, vec![v]));
            } else if let (Some(v), Some(c)) = (literal(left), column_name(right)) {
                out.push((c, vec![v]));
            }
        }
        Expr::In { expr, target: InTarget::List(list), negated: false, .. } => {
            if let Some(c) = column_name(expr) {
                let values: Option<Vec<String>> = list.iter().map(literal).collect();
                if let Some(values) = values {
                    out.push((c, values));
                }
            }
        }
        Expr::Nested(inner) => collect(inner, out),
        _ => {}
    }
}

/// Filters usable for a statement that reads exactly one table (no joins, no set operations).
pub fn filters(stmt: &Statement) -> Filters {
    let mut out = Vec::new();
    let Statement::Query(q) = stmt else { return out };
    let SetExpr::Select(select) = q.body.as_ref() else { return out };
    if select.from.len() != 1 || !select.from[0].joins.is_empty() {
        return out;
    }
    if let Some(w) = &select.selection {
        collect(w, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::SnowflakeDialect;
    use sqlparser::parser::Parser;

    fn f(sql: &str) -> Filters {
        filters(&Parser::parse_sql(&SnowflakeDialect {}, sql).unwrap()[0])
    }

    #[test]
    fn finds_top_level_equalities_only() {
        let got = f("SELECT * FROM T WHERE TABLE_SCHEMA = 'S' AND (c.TABLE_NAME IN ('A', 'B')) AND X > 1");
        assert_eq!(
            got,
            vec![
                ("TABLE_SCHEMA".into(), vec!["S".into()]),
                ("TABLE_NAME".into(), vec!["A".into(), "B".into()])
            ]
        );
        assert!(f("SELECT * FROM T WHERE TABLE_SCHEMA = 'S' OR TABLE_NAME = 'A'").is_empty());
        assert!(f("SELECT * FROM T WHERE TABLE_NAME NOT IN ('A')").is_empty());
        assert!(f("SELECT * FROM T JOIN U ON 1 = 1 WHERE TABLE_SCHEMA = 'S'").is_empty());
    }
}
