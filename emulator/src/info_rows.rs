//! The rows and documented columns of `<db>.INFORMATION_SCHEMA.{SCHEMATA, TABLES, COLUMNS, VIEWS,
//! TABLE_CONSTRAINTS, REFERENTIAL_CONSTRAINTS}` for one database, as a role sees them (INFORMATION_SCHEMA
//! ignores MANAGE GRANTS). Values are SQLite values: timestamps as epoch milliseconds, booleans as 0/1.
//!
//! Knows nothing of SQL text; `info_schema.rs` loads these rows into SQLite and runs the query.

use rusqlite::types::Value as Sql;

use super::model_types::{Column, ConstraintKind, DataType, Database, TableKind};
use super::types::MAX_TEXT;
use super::visibility::View;

/// A column's Snowflake type in the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Text,
    Num,
    Ltz,
    Bool,
    Obj,
}

pub const VIEWS: [&str; 9] = [
    "SCHEMATA",
    "TABLES",
    "COLUMNS",
    "VIEWS",
    "TABLE_CONSTRAINTS",
    "REFERENTIAL_CONSTRAINTS",
    "FUNCTIONS",
    "PROCEDURES",
    "SEQUENCES",
];

use Ty::{Bool, Ltz, Num, Obj, Text};

const SCHEMATA: &[(&str, Ty)] = &[
    ("CATALOG_NAME", Text),
    ("SCHEMA_NAME", Text),
    ("SCHEMA_OWNER", Text),
    ("IS_TRANSIENT", Text),
    ("IS_MANAGED_ACCESS", Text),
    ("RETENTION_TIME", Num),
    ("DEFAULT_CHARACTER_SET_CATALOG", Text),
    ("DEFAULT_CHARACTER_SET_SCHEMA", Text),
    ("DEFAULT_CHARACTER_SET_NAME", Text),
    ("SQL_PATH", Text),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("COMMENT", Text),
    ("OBJECT_VISIBILITY", Obj),
];

const TABLES: &[(&str, Ty)] = &[
    ("TABLE_CATALOG", Text),
    ("TABLE_SCHEMA", Text),
    ("TABLE_NAME", Text),
    ("TABLE_OWNER", Text),
    ("TABLE_TYPE", Text),
    ("IS_TRANSIENT", Text),
    ("CLUSTERING_KEY", Text),
    ("ROW_COUNT", Num),
    ("BYTES", Num),
    ("RETENTION_TIME", Num),
    ("SELF_REFERENCING_COLUMN_NAME", Text),
    ("REFERENCE_GENERATION", Text),
    ("USER_DEFINED_TYPE_CATALOG", Text),
    ("USER_DEFINED_TYPE_SCHEMA", Text),
    ("USER_DEFINED_TYPE_NAME", Text),
    ("IS_INSERTABLE_INTO", Text),
    ("IS_TYPED", Text),
    ("COMMIT_ACTION", Text),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("LAST_DDL", Ltz),
    ("LAST_DDL_BY", Text),
    ("AUTO_CLUSTERING_ON", Bool),
    ("COMMENT", Text),
    ("IS_TEMPORARY", Text),
    ("IS_ICEBERG", Text),
    ("IS_DYNAMIC", Text),
    ("IS_IMMUTABLE", Text),
    ("IS_HYBRID", Text),
];

const COLUMNS: &[(&str, Ty)] = &[
    ("TABLE_CATALOG", Text),
    ("TABLE_SCHEMA", Text),
    ("TABLE_NAME", Text),
    ("COLUMN_NAME", Text),
    ("ORDINAL_POSITION", Num),
    ("COLUMN_DEFAULT", Text),
    ("IS_NULLABLE", Text),
    ("DATA_TYPE", Text),
    ("CHARACTER_MAXIMUM_LENGTH", Num),
    ("CHARACTER_OCTET_LENGTH", Num),
    ("NUMERIC_PRECISION", Num),
    ("NUMERIC_PRECISION_RADIX", Num),
    ("NUMERIC_SCALE", Num),
    ("DATETIME_PRECISION", Num),
    ("INTERVAL_TYPE", Text),
    ("INTERVAL_PRECISION", Num),
    ("CHARACTER_SET_CATALOG", Text),
    ("CHARACTER_SET_SCHEMA", Text),
    ("CHARACTER_SET_NAME", Text),
    ("COLLATION_CATALOG", Text),
    ("COLLATION_SCHEMA", Text),
    ("COLLATION_NAME", Text),
    ("DOMAIN_CATALOG", Text),
    ("DOMAIN_SCHEMA", Text),
    ("DOMAIN_NAME", Text),
    ("UDT_CATALOG", Text),
    ("UDT_SCHEMA", Text),
    ("UDT_NAME", Text),
    ("SCOPE_CATALOG", Text),
    ("SCOPE_SCHEMA", Text),
    ("SCOPE_NAME", Text),
    ("MAXIMUM_CARDINALITY", Num),
    ("DTD_IDENTIFIER", Text),
    ("IS_SELF_REFERENCING", Text),
    ("IS_IDENTITY", Text),
    ("IDENTITY_GENERATION", Text),
    ("IDENTITY_START", Text),
    ("IDENTITY_INCREMENT", Text),
    ("IDENTITY_MAXIMUM", Text),
    ("IDENTITY_MINIMUM", Text),
    ("IDENTITY_CYCLE", Text),
    ("IDENTITY_ORDERED", Text),
    ("SCHEMA_EVOLUTION_RECORD", Text),
    ("COMMENT", Text),
    ("DATA_TYPE_ALIAS", Text),
    ("EXPRESSION", Text),
    ("KIND", Text),
];

const VIEWS_COLS: &[(&str, Ty)] = &[
    ("TABLE_CATALOG", Text),
    ("TABLE_SCHEMA", Text),
    ("TABLE_NAME", Text),
    ("TABLE_OWNER", Text),
    ("VIEW_DEFINITION", Text),
    ("CHECK_OPTION", Text),
    ("IS_UPDATABLE", Text),
    ("INSERTABLE_INTO", Text),
    ("IS_SECURE", Text),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("LAST_DDL", Ltz),
    ("LAST_DDL_BY", Text),
    ("COMMENT", Text),
];

const TABLE_CONSTRAINTS: &[(&str, Ty)] = &[
    ("CONSTRAINT_CATALOG", Text),
    ("CONSTRAINT_SCHEMA", Text),
    ("CONSTRAINT_NAME", Text),
    ("TABLE_CATALOG", Text),
    ("TABLE_SCHEMA", Text),
    ("TABLE_NAME", Text),
    ("CONSTRAINT_TYPE", Text),
    ("IS_DEFERRABLE", Text),
    ("INITIALLY_DEFERRED", Text),
    ("ENFORCED", Text),
    ("COMMENT", Text),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("RELY", Text),
];

const REFERENTIAL_CONSTRAINTS: &[(&str, Ty)] = &[
    ("CONSTRAINT_CATALOG", Text),
    ("CONSTRAINT_SCHEMA", Text),
    ("CONSTRAINT_NAME", Text),
    ("UNIQUE_CONSTRAINT_CATALOG", Text),
    ("UNIQUE_CONSTRAINT_SCHEMA", Text),
    ("UNIQUE_CONSTRAINT_NAME", Text),
    ("MATCH_OPTION", Text),
    ("UPDATE_RULE", Text),
    ("DELETE_RULE", Text),
    ("COMMENT", Text),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
];

/// The documented columns of a view, in order.
pub fn columns(view: &str) -> &'static [(&'static str, Ty)] {
    match view {
        "SCHEMATA" => SCHEMATA,
        "TABLES" => TABLES,
        "COLUMNS" => COLUMNS,
        "VIEWS" => VIEWS_COLS,
        "TABLE_CONSTRAINTS" => TABLE_CONSTRAINTS,
        v if let Some(c) = super::info_pipeline::columns(v) => c,
        _ => REFERENTIAL_CONSTRAINTS,
    }
}

fn s(v: &str) -> Sql {
    Sql::Text(v.to_string())
}

fn os<T: AsRef<str>>(v: &Option<T>) -> Sql {
    v.as_ref().map_or(Sql::Null, |x| Sql::Text(x.as_ref().to_string()))
}

fn yes(b: bool) -> Sql {
    s(if b { "YES" } else { "NO" })
}

fn i(v: impl Into<i64>) -> Sql {
    Sql::Integer(v.into())
}

const IS_COMMENT: &str = "Views describing the contents of schemas in this database";

/// Feed every row of `view` in `db` that `role_view` may see to `emit`.
pub fn rows(db: &Database, view: &str, role_view: &View, emit: &mut dyn FnMut(Vec<Sql>)) {
    let d = &db.name;
    match view {
        "SCHEMATA" => {
            let mut emit_schema = |name: &str,
                                   owner: Sql,
                                   transient: bool,
                                   managed: bool,
                                   ret: u32,
                                   c: i64,
                                   a: i64,
                                   comment: Sql| {
                emit(vec![
                    s(d),
                    s(name),
                    owner,
                    yes(transient),
                    yes(managed),
                    i(ret),
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    i(c),
                    i(a),
                    comment,
                    Sql::Null,
                ]);
            };
            for sc in db.schemas.iter().filter(|sc| role_view.schema(d, &sc.name)) {
                emit_schema(
                    &sc.name,
                    s(&sc.owner),
                    sc.transient,
                    sc.managed_access,
                    sc.retention_time,
                    sc.created_on,
                    sc.last_altered,
                    os(&sc.comment),
                );
            }
            emit_schema(
                "INFORMATION_SCHEMA",
                Sql::Null,
                false,
                false,
                1,
                db.created_on,
                db.created_on,
                s(IS_COMMENT),
            );
        }
        "TABLES" => {
            for sc in &db.schemas {
                if !role_view.schema(d, &sc.name) {
                    continue;
                }
                for t in sc.tables.iter().filter(|t| role_view.object(d, &sc.name, &t.name)) {
                    let ty = match t.kind {
                        TableKind::Base
                        | TableKind::Transient
                        | TableKind::Dynamic
                        | TableKind::Hybrid
                        | TableKind::Iceberg => "BASE TABLE",
                        TableKind::Event => "EVENT TABLE",
                        TableKind::Temporary => "TEMPORARY TABLE",
                        TableKind::External => "EXTERNAL TABLE",
                        TableKind::View => "VIEW",
                        TableKind::MaterializedView => "MATERIALIZED VIEW",
                    };
                    let table = !t.kind.is_view();
                    let count =
                        |v: u64| if table && t.kind != TableKind::External { i(v as i64) } else { Sql::Null };
                    emit(vec![
                        s(d),
                        s(&sc.name),
                        s(&t.name),
                        s(&t.owner),
                        s(ty),
                        yes(t.kind == TableKind::Transient),
                        os(&t.cluster_by),
                        count(t.rows),
                        count(t.bytes),
                        i(t.retention_time),
                        Sql::Null,
                        Sql::Null,
                        Sql::Null,
                        Sql::Null,
                        Sql::Null,
                        yes(table),
                        yes(table),
                        Sql::Null,
                        i(t.created_on),
                        i(t.last_altered),
                        i(t.last_ddl),
                        s(&t.owner),
                        i(i64::from(t.cluster_by.is_some())),
                        os(&t.comment),
                        yes(t.kind == TableKind::Temporary),
                        yes(t.kind == TableKind::Iceberg),
                        yes(t.kind == TableKind::Dynamic),
                        yes(false),
                        yes(t.kind == TableKind::Hybrid),
                    ]);
                }
            }
            for v in VIEWS {
                emit(vec![
                    s(d),
                    s("INFORMATION_SCHEMA"),
                    s(v),
                    Sql::Null,
                    s("VIEW"),
                    yes(false),
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    Sql::Null,
                    yes(false),
                    yes(false),
                    Sql::Null,
                    i(db.created_on),
                    i(db.created_on),
                    i(db.created_on),
                    Sql::Null,
                    i(0),
                    Sql::Null,
                    yes(false),
                    yes(false),
                    yes(false),
                    yes(false),
                    yes(false),
                ]);
            }
        }
        "COLUMNS" => {
            for v in VIEWS {
                for (pos, (name, ty)) in columns(v).iter().enumerate() {
                    let data_type = match ty {
                        Text => DataType::Text { length: MAX_TEXT },
                        Num => DataType::Number { precision: 9, scale: 0 },
                        Ltz => DataType::TimestampLtz { scale: 9 },
                        Bool => DataType::Boolean,
                        Obj => DataType::Object,
                    };
                    let c = Column {
                        name: name.to_string(),
                        data_type,
                        nullable: true,
                        default: None,
                        identity: None,
                        comment: None,
                    };
                    emit(column_row(d, "INFORMATION_SCHEMA", v, pos, &c));
                }
            }
            for sc in db.schemas.iter().filter(|sc| role_view.schema(d, &sc.name)) {
                for t in sc.tables.iter().filter(|t| role_view.object(d, &sc.name, &t.name)) {
                    for (pos, c) in t.columns.iter().enumerate() {
                        emit(column_row(d, &sc.name, &t.name, pos, c));
                    }
                }
            }
        }
        "VIEWS" => {
            for sc in db.schemas.iter().filter(|sc| role_view.schema(d, &sc.name)) {
                for t in
                    sc.tables.iter().filter(|t| t.kind.is_view() && role_view.object(d, &sc.name, &t.name))
                {
                    let def = if role_view.roles.contains(&t.owner) { os(&t.view_text) } else { Sql::Null };
                    emit(vec![
                        s(d),
                        s(&sc.name),
                        s(&t.name),
                        s(&t.owner),
                        def,
                        s("NONE"),
                        yes(false),
                        yes(false),
                        yes(t.secure),
                        i(t.created_on),
                        i(t.last_altered),
                        i(t.last_ddl),
                        s(&t.owner),
                        os(&t.comment),
                    ]);
                }
            }
        }
        "TABLE_CONSTRAINTS" | "REFERENTIAL_CONSTRAINTS" => {
            let referential = view == "REFERENTIAL_CONSTRAINTS";
            for sc in db.schemas.iter().filter(|sc| role_view.schema(d, &sc.name)) {
                for t in sc.tables.iter().filter(|t| role_view.object(d, &sc.name, &t.name)) {
                    for c in &t.constraints {
                        if referential {
                            let Some(r) = &c.references else { continue };
                            emit(vec![
                                s(d),
                                s(&sc.name),
                                s(&c.name),
                                s(&r.database),
                                s(&r.schema),
                                s(&r.constraint_name),
                                s("FULL"),
                                s(&r.update_rule),
                                s(&r.delete_rule),
                                os(&c.comment),
                                i(c.created_on),
                                i(c.created_on),
                            ]);
                            continue;
                        }
                        let ty = match c.kind {
                            ConstraintKind::PrimaryKey => "PRIMARY KEY",
                            ConstraintKind::Unique => "UNIQUE",
                            ConstraintKind::ForeignKey => "FOREIGN KEY",
                        };
                        emit(vec![
                            s(d),
                            s(&sc.name),
                            s(&c.name),
                            s(d),
                            s(&sc.name),
                            s(&t.name),
                            s(ty),
                            yes(false),
                            yes(true),
                            yes(c.enforced),
                            os(&c.comment),
                            i(c.created_on),
                            i(c.created_on),
                            yes(c.rely),
                        ]);
                    }
                }
            }
        }
        v if super::info_pipeline::VIEWS.contains(&v) => super::info_pipeline::rows(db, v, role_view, emit),
        _ => {}
    }
}

/// One INFORMATION_SCHEMA.COLUMNS row.
fn column_row(d: &str, schema: &str, table: &str, pos: usize, c: &Column) -> Vec<Sql> {
    let ty = c.data_type;
    let (cl, ol) = ty.char_lengths().map_or((Sql::Null, Sql::Null), |(a, b)| (i(a), i(b)));
    let (np, nr, ns) = ty.numeric().map_or((Sql::Null, Sql::Null, Sql::Null), |(a, b, c)| (i(a), i(b), i(c)));
    let dp = ty.datetime_precision().map_or(Sql::Null, i);
    let (ist, inc) =
        c.identity.map_or((Sql::Null, Sql::Null), |(a, b)| (s(&a.to_string()), s(&b.to_string())));
    let mut row = vec![
        s(d),
        s(schema),
        s(table),
        s(&c.name),
        i(pos as i64 + 1),
        os(&c.default),
        yes(c.nullable),
        s(ty.name()),
        cl,
        ol,
        np,
        nr,
        ns,
        dp,
    ];
    row.extend(std::iter::repeat_n(Sql::Null, 19));
    row.push(yes(false));
    row.push(yes(c.identity.is_some()));
    row.push(Sql::Null);
    row.push(ist);
    row.push(inc);
    row.push(Sql::Null);
    row.push(Sql::Null);
    row.push(if c.identity.is_some() { s("NO") } else { Sql::Null });
    row.push(if c.identity.is_some() { s("YES") } else { Sql::Null });
    row.push(Sql::Null);
    row.push(os(&c.comment));
    row.push(Sql::Null);
    row.push(Sql::Null);
    row.push(s("COLUMN"));
    row
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Account;
    use crate::sample::SAMPLE_SQL;

    #[test]
    fn every_row_has_one_value_per_documented_column() {
        let account = Account::from_sql(SAMPLE_SQL).unwrap();
        let view = View::new(&account, "ACCOUNTADMIN");
        for db in &account.databases {
            for v in VIEWS {
                let mut n = 0;
                rows(db, v, &view, &mut |row| {
                    assert_eq!(row.len(), columns(v).len(), "{v}");
                    n += 1;
                });
                let optional = ["REFERENTIAL_CONSTRAINTS", "VIEWS"].contains(&v)
                    || crate::info_pipeline::VIEWS.contains(&v);
                assert!(n > 0 || optional, "{} {v} is empty", db.name);
            }
        }
    }
}
