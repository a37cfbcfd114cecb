//! The result type of a view's SELECT-list expression, by the rules Snowflake documents: numeric literals
//! by their digits and exponent ("Numeric data types"), arithmetic by "Scale and precision in arithmetic
//! operations", aggregates (SUM, AVG, MIN/MAX, COUNT), CAST / `::`, CASE / COALESCE / IFF / NVL as the
//! common type of their results, string functions, date functions (DATE_TRUNC, DATEADD,
//! CURRENT_TIMESTAMP) and window functions over those.
//!
//! Pure over the column types the caller resolves. An expression outside these rules is an [`Untyped`]
//! error naming it: the emulator never guesses a type.

use sqlparser::ast::{
    BinaryOperator, DataType as SqlType, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments,
    Ident, UnaryOperator, Value,
};

use super::model_types::DataType;
use super::types::{MAX_TEXT, parse_type};

/// An expression the emulator cannot type, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untyped {
    /// The expression as written (sqlparser's rendering).
    pub expr: String,
    pub reason: String,
}

fn untyped(e: &impl std::fmt::Display, reason: impl Into<String>) -> Untyped {
    Untyped { expr: e.to_string(), reason: reason.into() }
}

/// Resolves a column reference (`qualifier.name` or `name`) to its type.
pub trait Columns {
    fn column(&self, qualifier: Option<&Ident>, name: &Ident) -> Option<DataType>;
}

/// The type of `e`, whose column references resolve through `cols`.
pub fn type_of(e: &Expr, cols: &dyn Columns) -> Result<DataType, Untyped> {
    match e {
        Expr::Identifier(i) => cols.column(None, i).ok_or_else(|| untyped(e, "no such column in FROM")),
        Expr::CompoundIdentifier(parts) => {
            let (name, quals) = parts.split_last().ok_or_else(|| untyped(e, "empty name"))?;
            cols.column(quals.last(), name).ok_or_else(|| untyped(e, "no such column in FROM"))
        }
        Expr::Nested(inner) => type_of(inner, cols),
        Expr::Value(v) => literal(&v.value).ok_or_else(|| untyped(e, "a literal without a type (cast it)")),
        Expr::TypedString(ts) => sql_type(&ts.data_type).ok_or_else(|| untyped(e, "unknown type")),
        // CAST, TRY_CAST and `::` alike.
        Expr::Cast { data_type, .. } => {
            sql_type(data_type).ok_or_else(|| untyped(e, format!("unknown type {data_type}")))
        }
        Expr::UnaryOp { op: UnaryOperator::Not, .. } => Ok(DataType::Boolean),
        Expr::UnaryOp { op: UnaryOperator::Minus | UnaryOperator::Plus, expr } => {
            match type_of(expr, cols)? {
                t @ (DataType::Number { .. } | DataType::Float) => Ok(t),
                _ => Err(untyped(e, "a sign on a value that is not a number")),
            }
        }
        Expr::BinaryOp { left, op, right } => binary(e, type_of(left, cols)?, op, type_of(right, cols)?),
        Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsNotTrue(_)
        | Expr::IsNotFalse(_)
        | Expr::IsDistinctFrom(..)
        | Expr::IsNotDistinctFrom(..)
        | Expr::In { .. }
        | Expr::Between { .. }
        | Expr::Like { .. }
        | Expr::ILike { .. }
        | Expr::RLike { .. } => Ok(DataType::Boolean),
        Expr::Case { conditions, else_result, .. } => {
            let mut results: Vec<&Expr> = conditions.iter().map(|c| &c.result).collect();
            results.extend(else_result.as_deref());
            common(e, &results, cols)
        }
        // SUBSTR / SUBSTRING and TRIM have syntax of their own; like the other string functions they keep
        // their input's length.
        Expr::Substring { expr, .. } | Expr::Trim { expr, .. } => match type_of(expr, cols)? {
            t @ DataType::Text { .. } => Ok(t),
            _ => Err(untyped(e, "a string function of a value that is not text (cast it to VARCHAR)")),
        },
        Expr::Function(f) => function(e, f, cols),
        _ => Err(untyped(e, "an expression the emulator does not type")),
    }
}

fn sql_type(t: &SqlType) -> Option<DataType> {
    parse_type(&t.to_string())
}

/// A literal's type: `12.50` is NUMBER(4,2), `1e3` FLOAT, `'abc'` VARCHAR(3), `TRUE` BOOLEAN.
fn literal(v: &Value) -> Option<DataType> {
    match v {
        Value::Number(n, _) => {
            let n = n.to_string();
            if n.contains(['e', 'E']) {
                return Some(DataType::Float);
            }
            let digits = n.trim_start_matches(['-', '+']);
            let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
            let leading = int.trim_start_matches('0').len();
            let scale = frac.len();
            let precision = (leading + scale).max(1);
            (precision <= 38).then(|| number(precision, scale))
        }
        Value::SingleQuotedString(s)
        | Value::DollarQuotedString(sqlparser::ast::DollarQuotedString { value: s, .. }) => {
            Some(DataType::Text { length: (s.chars().count() as u32).clamp(1, MAX_TEXT) })
        }
        Value::Boolean(_) => Some(DataType::Boolean),
        _ => None,
    }
}

fn number(precision: usize, scale: usize) -> DataType {
    DataType::Number { precision: precision.min(38) as u8, scale: scale.min(37) as u8 }
}

/// Leading digits and scale of a NUMBER.
fn digits(t: DataType) -> Option<(usize, usize)> {
    match t {
        DataType::Number { precision, scale } => Some((usize::from(precision - scale), usize::from(scale))),
        _ => None,
    }
}

fn binary(e: &Expr, l: DataType, op: &BinaryOperator, r: DataType) -> Result<DataType, Untyped> {
    use BinaryOperator as B;
    match op {
        B::Plus | B::Minus | B::Multiply | B::Divide => {
            if l == DataType::Float && digits(r).is_some() || r == DataType::Float && digits(l).is_some() {
                return Ok(DataType::Float);
            }
            if (l, r) == (DataType::Float, DataType::Float) {
                return Ok(DataType::Float);
            }
            let ((l1, s1), (l2, s2)) = match (digits(l), digits(r)) {
                (Some(a), Some(b)) => (a, b),
                _ => return Err(untyped(e, "arithmetic on values that are not both numbers")),
            };
            // Snowflake, "Scale and precision in arithmetic operations": L leading digits, S scale.
            let (lead, scale) = match op {
                B::Plus | B::Minus => (l1.max(l2) + 1, s1.max(s2)),
                B::Multiply => (l1 + l2, (s1 + s2).min(s1.max(s2).max(12))),
                _ => (l1 + s2, s1.max((s1 + 6).min(12))),
            };
            Ok(number(lead + scale, scale))
        }
        B::StringConcat => match (l, r) {
            (DataType::Text { length: a }, DataType::Text { length: b }) => {
                Ok(DataType::Text { length: a.saturating_add(b).min(MAX_TEXT) })
            }
            _ => Err(untyped(e, "|| of values that are not both text (cast them to VARCHAR)")),
        },
        B::Eq | B::NotEq | B::Lt | B::LtEq | B::Gt | B::GtEq | B::And | B::Or | B::Xor => {
            Ok(DataType::Boolean)
        }
        _ => Err(untyped(e, format!("the operator {op} is not typed by the emulator"))),
    }
}

/// The common type of two results (CASE branches, COALESCE arguments, UNION columns): numbers widen to the
/// most leading digits and the largest scale, a FLOAT with a NUMBER is a FLOAT, text takes the longer
/// length; other types must agree. `None` when they do not.
pub fn unify(a: DataType, b: DataType) -> Option<DataType> {
    match (a, b) {
        (a, b) if a == b => Some(a),
        (DataType::Text { length: x }, DataType::Text { length: y }) => {
            Some(DataType::Text { length: x.max(y) })
        }
        (DataType::Float, n) | (n, DataType::Float) if digits(n).is_some() => Some(DataType::Float),
        (a, b) => {
            let ((l1, s1), (l2, s2)) = (digits(a)?, digits(b)?);
            Some(number(l1.max(l2) + s1.max(s2), s1.max(s2)))
        }
    }
}

/// The common type of several results; a bare NULL result takes the type of the others.
fn common(e: &Expr, results: &[&Expr], cols: &dyn Columns) -> Result<DataType, Untyped> {
    let mut out: Option<DataType> = None;
    for r in results {
        if matches!(r, Expr::Value(v) if v.value == Value::Null) {
            continue;
        }
        let t = type_of(r, cols)?;
        out = Some(match out {
            None => t,
            Some(a) => unify(a, t).ok_or_else(|| {
                untyped(e, format!("results of different types ({} and {})", a.sql(), t.sql()))
            })?,
        });
    }
    out.ok_or_else(|| untyped(e, "every result is NULL"))
}

fn args(f: &Function) -> Vec<&Expr> {
    match &f.args {
        FunctionArguments::List(list) => list
            .args
            .iter()
            .filter_map(|a| match a {
                FunctionArg::Unnamed(FunctionArgExpr::Expr(x))
                | FunctionArg::Named { arg: FunctionArgExpr::Expr(x), .. }
                | FunctionArg::ExprNamed { arg: FunctionArgExpr::Expr(x), .. } => Some(x),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Date parts of DATEADD that keep a DATE a DATE (smaller ones make it a TIMESTAMP_NTZ).
const DATE_PARTS: [&str; 18] = [
    "YEAR", "YEARS", "Y", "YY", "YYY", "YYYY", "YR", "YRS", "QUARTER", "QUARTERS", "Q", "MONTH", "MONTHS",
    "MM", "MON", "WEEK", "DAY", "DAYS",
];

fn function(e: &Expr, f: &Function, cols: &dyn Columns) -> Result<DataType, Untyped> {
    let name = f.name.to_string().to_ascii_uppercase();
    let a = args(f);
    let arg = |i: usize| -> Result<DataType, Untyped> {
        let x = a.get(i).ok_or_else(|| untyped(e, format!("{name} needs more arguments")))?;
        type_of(x, cols)
    };
    let text_of = |t: DataType| match t {
        DataType::Text { .. } => Ok(t),
        _ => Err(untyped(e, format!("{name} of a value that is not text (cast it to VARCHAR)"))),
    };
    let count_star = matches!(&f.args, FunctionArguments::List(l)
        if l.args.iter().any(|x| matches!(x, FunctionArg::Unnamed(FunctionArgExpr::Wildcard))));
    match name.as_str() {
        // Aggregates (and the same functions over a window).
        "COUNT" | "COUNT_IF" if count_star || !a.is_empty() => Ok(number(18, 0)),
        "SUM" => match arg(0)? {
            DataType::Number { scale, .. } => Ok(number(38, scale.into())),
            DataType::Float => Ok(DataType::Float),
            _ => Err(untyped(e, "SUM of a value that is not a number")),
        },
        // AVG divides the NUMBER(38, s) sum by the count: the division rule's scale.
        "AVG" => match arg(0)? {
            DataType::Number { scale, .. } => {
                let s = usize::from(scale);
                Ok(number(38, s.max((s + 6).min(12))))
            }
            DataType::Float => Ok(DataType::Float),
            _ => Err(untyped(e, "AVG of a value that is not a number")),
        },
        "MIN" | "MAX" | "ANY_VALUE" | "ABS" | "LAG" | "LEAD" | "FIRST_VALUE" | "LAST_VALUE" | "NTH_VALUE" => {
            arg(0)
        }
        "ROW_NUMBER" | "RANK" | "DENSE_RANK" | "NTILE" if f.over.is_some() => Ok(number(18, 0)),
        "PERCENT_RANK" | "CUME_DIST" if f.over.is_some() => Ok(DataType::Float),
        // Conditional expressions: the common type of their results.
        "COALESCE" | "NVL" | "IFNULL" => common(e, &a, cols),
        "IFF" | "NVL2" => common(e, a.get(1..).unwrap_or_default(), cols),
        "NULLIF" => arg(0),
        // String functions keep their input's length; CONCAT adds the lengths.
        "UPPER" | "LOWER" | "TRIM" | "LTRIM" | "RTRIM" | "INITCAP" | "SUBSTR" | "SUBSTRING" | "LEFT"
        | "RIGHT" => text_of(arg(0)?),
        "CONCAT" => {
            let mut total: u32 = 0;
            for i in 0..a.len() {
                match arg(i)? {
                    DataType::Text { length } => total = total.saturating_add(length),
                    _ => return Err(untyped(e, "CONCAT of a value that is not text (cast it to VARCHAR)")),
                }
            }
            Ok(DataType::Text { length: total.min(MAX_TEXT) })
        }
        "TO_VARCHAR" | "TO_CHAR" => Ok(DataType::Text { length: MAX_TEXT }),
        // Dates and times.
        "CURRENT_TIMESTAMP" | "LOCALTIMESTAMP" | "GETDATE" => Ok(DataType::TimestampLtz { scale: 9 }),
        "SYSDATE" => Ok(DataType::TimestampNtz { scale: 9 }),
        "CURRENT_DATE" => Ok(DataType::Date),
        "CURRENT_TIME" | "LOCALTIME" => Ok(DataType::Time { scale: 9 }),
        "DATE_TRUNC" => match arg(1)? {
            t @ (DataType::Date
            | DataType::Time { .. }
            | DataType::TimestampNtz { .. }
            | DataType::TimestampLtz { .. }
            | DataType::TimestampTz { .. }) => Ok(t),
            _ => Err(untyped(e, "DATE_TRUNC of a value that is not a date, time or timestamp")),
        },
        "DATEADD" | "TIMEADD" | "TIMESTAMPADD" => {
            let part =
                a.first().map(|p| p.to_string().trim_matches('\'').to_ascii_uppercase()).unwrap_or_default();
            match arg(2)? {
                DataType::Date if DATE_PARTS.contains(&part.as_str()) => Ok(DataType::Date),
                DataType::Date => Ok(DataType::TimestampNtz { scale: 9 }),
                t @ (DataType::Time { .. }
                | DataType::TimestampNtz { .. }
                | DataType::TimestampLtz { .. }
                | DataType::TimestampTz { .. }) => Ok(t),
                _ => Err(untyped(e, "DATEADD of a value that is not a date, time or timestamp")),
            }
        }
        "TO_DATE" | "DATE" | "TRY_TO_DATE" => Ok(DataType::Date),
        "TO_TIMESTAMP" | "TO_TIMESTAMP_NTZ" => Ok(DataType::TimestampNtz { scale: 9 }),
        "TO_TIMESTAMP_LTZ" => Ok(DataType::TimestampLtz { scale: 9 }),
        "TO_TIMESTAMP_TZ" => Ok(DataType::TimestampTz { scale: 9 }),
        // Conversions with a documented default.
        "TO_NUMBER" | "TO_DECIMAL" | "TO_NUMERIC" => {
            let lit = |i: usize| a.get(i).and_then(|x| x.to_string().parse::<usize>().ok());
            match (a.len(), lit(1), lit(2)) {
                (1, _, _) => Ok(number(38, 0)),
                (2, Some(p), _) => Ok(number(p, 0)),
                (3, Some(p), Some(s)) => Ok(number(p, s)),
                _ => Err(untyped(e, "TO_NUMBER with a format; cast instead")),
            }
        }
        "TO_DOUBLE" => Ok(DataType::Float),
        "TO_BOOLEAN" => Ok(DataType::Boolean),
        "TO_VARIANT" | "PARSE_JSON" => Ok(DataType::Variant),
        "OBJECT_CONSTRUCT" => Ok(DataType::Object),
        "ARRAY_AGG" | "ARRAY_CONSTRUCT" => Ok(DataType::Array),
        _ => Err(untyped(e, format!("the function {name} is not typed by the emulator"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_literals_take_their_digits() {
        let t = |s: &str| literal(&Value::Number(s.into(), false));
        assert_eq!(t("1"), Some(number(1, 0)));
        assert_eq!(t("12.50"), Some(number(4, 2)));
        assert_eq!(t("0.5"), Some(number(1, 1)));
        assert_eq!(t("1e3"), Some(DataType::Float));
    }
}
