//! Shared helpers for the emulator engine tests (they call `Engine::execute` directly, no HTTP).
#![allow(dead_code, unused_imports)]

pub use snowflake_emulator::engine::{Binding, Engine, Session};
pub use snowflake_emulator::model::{Account, GenerateSpec};
pub use snowflake_emulator::model_types::ConstraintKind;
pub use snowflake_emulator::result::{ColumnType, QueryResult, SqlError, Value};
pub use snowflake_emulator::sample::SAMPLE_SQL;

pub fn sample() -> Engine {
    Engine::new(Account::from_sql(SAMPLE_SQL).unwrap())
}

pub fn as_role(role: &str) -> Session {
    Session { role: role.into(), ..Session::default() }
}

pub fn run(e: &mut Engine, role: &str, sql: &str) -> QueryResult {
    e.execute(&as_role(role), sql, &[]).unwrap_or_else(|err| panic!("{sql}: {err}"))
}

pub fn fail(e: &mut Engine, role: &str, sql: &str) -> SqlError {
    e.execute(&as_role(role), sql, &[]).err().unwrap_or_else(|| panic!("{sql} should fail"))
}

pub fn names(r: &QueryResult) -> Vec<&str> {
    r.columns.iter().map(|c| c.name.as_str()).collect()
}

pub fn col(r: &QueryResult, name: &str) -> Vec<String> {
    let i = r.columns.iter().position(|c| c.name == name).unwrap_or_else(|| panic!("no column {name}"));
    r.rows
        .iter()
        .map(|row| match &row[i] {
            Value::Text(s) => s.clone(),
            Value::Fixed(n) => n.to_string(),
            Value::Null => "NULL".into(),
            other => format!("{other:?}"),
        })
        .collect()
}

pub fn is_err(err: &SqlError, code: &str, sql_state: &str) {
    assert_eq!((err.code.as_str(), err.sql_state.as_str()), (code, sql_state), "{err}");
}

pub fn as_user(role: &str, user: &str) -> Session {
    Session { role: role.into(), user: Some(user.into()), ..Session::default() }
}

pub fn select(e: &mut Engine, role: &str, sql: &str) -> QueryResult {
    run(e, role, sql)
}

pub fn binding(key: &str, ty: &str, v: &str) -> Binding {
    Binding { key: key.into(), type_name: ty.into(), value: Some(v.into()) }
}
