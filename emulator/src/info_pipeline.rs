//! The rows and documented columns of `<db>.INFORMATION_SCHEMA.{FUNCTIONS, PROCEDURES, SEQUENCES}`
//! (metadata-shapes-2 §6.6-6.8): only objects the role holds a privilege on (the views ignore MANAGE
//! GRANTS), and the definition of a secure function or procedure only for a role that holds its owner role
//! (Snowflake's "secure UDFs and procedures": body, imports, handler and packages are hidden).
//!
//! Knows nothing of SQL text; `info_schema.rs` loads these rows into SQLite and runs the query.

use rusqlite::types::Value as Sql;

use super::info_rows::Ty::{self, Ltz, Num, Text};
use super::model_pipeline::Routine;
use super::model_types::Database;
use super::visibility::View;

pub const VIEWS: [&str; 3] = ["FUNCTIONS", "PROCEDURES", "SEQUENCES"];

const FUNCTIONS: &[(&str, Ty)] = &[
    ("FUNCTION_CATALOG", Text),
    ("FUNCTION_SCHEMA", Text),
    ("FUNCTION_NAME", Text),
    ("FUNCTION_OWNER", Text),
    ("ARGUMENT_SIGNATURE", Text),
    ("DATA_TYPE", Text),
    ("CHARACTER_MAXIMUM_LENGTH", Num),
    ("CHARACTER_OCTET_LENGTH", Num),
    ("NUMERIC_PRECISION", Num),
    ("NUMERIC_PRECISION_RADIX", Num),
    ("NUMERIC_SCALE", Num),
    ("FUNCTION_LANGUAGE", Text),
    ("FUNCTION_DEFINITION", Text),
    ("VOLATILITY", Text),
    ("IS_NULL_CALL", Text),
    ("IS_SECURE", Text),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("COMMENT", Text),
    ("IS_EXTERNAL", Text),
    ("API_INTEGRATION", Text),
    ("CONTEXT_HEADERS", Text),
    ("MAX_BATCH_ROWS", Num),
    ("REQUEST_TRANSLATOR", Text),
    ("RESPONSE_TRANSLATOR", Text),
    ("COMPRESSION", Text),
    ("IMPORTS", Text),
    ("HANDLER", Text),
    ("TARGET_PATH", Text),
    ("RUNTIME_VERSION", Text),
    ("PACKAGES", Text),
    ("INSTALLED_PACKAGES", Text),
    ("IS_MEMOIZABLE", Text),
    ("EXTERNAL_ACCESS_INTEGRATIONS", Text),
    ("SECRETS", Text),
    ("IS_DATA_METRIC", Text),
    ("IS_AGGREGATE", Text),
    ("ARTIFACT_REPOSITORY", Text),
];

const PROCEDURES: &[(&str, Ty)] = &[
    ("PROCEDURE_CATALOG", Text),
    ("PROCEDURE_SCHEMA", Text),
    ("PROCEDURE_NAME", Text),
    ("PROCEDURE_OWNER", Text),
    ("ARGUMENT_SIGNATURE", Text),
    ("DATA_TYPE", Text),
    ("CHARACTER_MAXIMUM_LENGTH", Num),
    ("CHARACTER_OCTET_LENGTH", Num),
    ("NUMERIC_PRECISION", Num),
    ("NUMERIC_PRECISION_RADIX", Num),
    ("NUMERIC_SCALE", Num),
    ("PROCEDURE_LANGUAGE", Text),
    ("PROCEDURE_DEFINITION", Text),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("COMMENT", Text),
    ("EXTERNAL_ACCESS_INTEGRATIONS", Text),
    ("SECRETS", Text),
    ("RUNTIME_VERSION", Text),
    ("PACKAGES", Text),
    ("INSTALLED_PACKAGES", Text),
    ("ARTIFACT_REPOSITORY", Text),
    ("OWNER_ROLE_TYPE", Text),
];

const SEQUENCES: &[(&str, Ty)] = &[
    ("SEQUENCE_CATALOG", Text),
    ("SEQUENCE_SCHEMA", Text),
    ("SEQUENCE_NAME", Text),
    ("SEQUENCE_OWNER", Text),
    ("DATA_TYPE", Text),
    ("NUMERIC_PRECISION", Num),
    ("NUMERIC_PRECISION_RADIX", Num),
    ("NUMERIC_SCALE", Num),
    ("START_VALUE", Text),
    ("MINIMUM_VALUE", Text),
    ("MAXIMUM_VALUE", Text),
    ("NEXT_VALUE", Text),
    ("INCREMENT", Text),
    ("CYCLE_OPTION", Text),
    ("CREATED", Ltz),
    ("LAST_ALTERED", Ltz),
    ("ORDERED", Text),
    ("COMMENT", Text),
];

/// The documented columns of one of these views, in order.
pub fn columns(view: &str) -> Option<&'static [(&'static str, Ty)]> {
    match view {
        "FUNCTIONS" => Some(FUNCTIONS),
        "PROCEDURES" => Some(PROCEDURES),
        "SEQUENCES" => Some(SEQUENCES),
        _ => None,
    }
}

fn s(v: &str) -> Sql {
    Sql::Text(v.to_string())
}

fn os(v: &Option<String>) -> Sql {
    v.as_ref().map_or(Sql::Null, |x| s(x))
}

fn yes(b: bool) -> Sql {
    s(if b { "YES" } else { "NO" })
}

/// `(A NUMBER, B VARCHAR)`: the signature with argument names, as these views print it.
fn argument_signature(r: &Routine) -> String {
    let args: Vec<String> = r.arguments.iter().map(|(n, t)| format!("{n} {t}")).collect();
    format!("({})", args.join(", "))
}

/// Feed every row of `view` in `db` that `role_view` may see to `emit`.
pub fn rows(db: &Database, view: &str, role_view: &View, emit: &mut dyn FnMut(Vec<Sql>)) {
    let d = &db.name;
    for sc in db.schemas.iter().filter(|sc| role_view.schema(d, &sc.name)) {
        let o = &sc.objects;
        match view {
            "FUNCTIONS" | "PROCEDURES" => {
                let function = view == "FUNCTIONS";
                let list = if function { &o.functions } else { &o.procedures };
                for r in list.iter().filter(|r| role_view.object(d, &sc.name, &r.name_with_signature())) {
                    let visible = !r.secure || role_view.roles.contains(&r.owner);
                    let definition = if visible { s(&r.body) } else { Sql::Null };
                    let mut row = vec![
                        s(d),
                        s(&sc.name),
                        s(&r.name),
                        s(&r.owner),
                        s(&argument_signature(r)),
                        s(&r.returns),
                        Sql::Null,
                        Sql::Null,
                        Sql::Null,
                        Sql::Null,
                        Sql::Null,
                        s(&r.language),
                        definition,
                    ];
                    if function {
                        row.extend([s("VOLATILE"), yes(true), yes(r.secure)]);
                        row.extend([
                            Sql::Integer(r.created_on),
                            Sql::Integer(r.last_altered),
                            os(&r.comment),
                        ]);
                        row.push(yes(false));
                        row.extend(std::iter::repeat_n(Sql::Null, 12));
                        row.extend([yes(false), Sql::Null, Sql::Null, yes(false), yes(false), Sql::Null]);
                    } else {
                        row.extend([
                            Sql::Integer(r.created_on),
                            Sql::Integer(r.last_altered),
                            os(&r.comment),
                        ]);
                        row.extend(std::iter::repeat_n(Sql::Null, 6));
                        row.push(s("ROLE"));
                    }
                    emit(row);
                }
            }
            "SEQUENCES" => {
                for q in o.sequences.iter().filter(|q| role_view.object(d, &sc.name, &q.name)) {
                    emit(vec![
                        s(d),
                        s(&sc.name),
                        s(&q.name),
                        s(&q.owner),
                        s("NUMBER"),
                        Sql::Integer(38),
                        Sql::Integer(10),
                        Sql::Integer(0),
                        s(&q.start.to_string()),
                        Sql::Null,
                        Sql::Null,
                        s(&q.next_value.to_string()),
                        s(&q.increment.to_string()),
                        Sql::Null,
                        Sql::Integer(q.created_on),
                        Sql::Integer(q.last_altered),
                        yes(q.ordered),
                        os(&q.comment),
                    ]);
                }
            }
            _ => {}
        }
    }
}
