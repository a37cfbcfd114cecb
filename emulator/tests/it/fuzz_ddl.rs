//! Property tests of the emulator's DDL loader (`Account::from_sql`): arbitrary text, SQL-shaped token
//! soup, and the sample account's DDL mutated (cut, spliced, duplicated, truncated). Every input loads or
//! is refused with a `LoadError`; nothing panics or hangs.

use proptest::prelude::*;
use snowflake_emulator::model::Account;
use snowflake_emulator::sample::SAMPLE_SQL;

const WORDS: &[&str] = &[
    "CREATE",
    "OR",
    "REPLACE",
    "DATABASE",
    "SCHEMA",
    "TABLE",
    "VIEW",
    "ROLE",
    "USER",
    "WAREHOUSE",
    "GRANT",
    "REVOKE",
    "ON",
    "TO",
    "ALL",
    "FUTURE",
    "TABLES",
    "IN",
    "USE",
    "ALTER",
    "DROP",
    "RENAME",
    "AS",
    "SELECT",
    "FROM",
    "WHERE",
    "PRIMARY",
    "KEY",
    "FOREIGN",
    "REFERENCES",
    "UNIQUE",
    "NOT",
    "NULL",
    "DEFAULT",
    "COMMENT",
    "=",
    "(",
    ")",
    ",",
    ".",
    ";",
    "'",
    "\"",
    "$$",
    "--",
    "/*",
    "*/",
    "NUMBER(38,0)",
    "VARCHAR(",
    "x",
    "\"a\"\"b\"",
    "'it''s'",
    "DB1",
    "S1",
    "T1",
    "IDENTITY",
    "CLUSTER",
    "BY",
    "TRANSIENT",
    "SECURE",
    "OWNERSHIP",
    "USAGE",
    "EXTERNAL",
    "COLUMN",
    "ADD",
    "SET",
    "UNSET",
    "WITH",
    "MANAGED",
    "ACCESS",
    "MASKING",
    "POLICY",
    "ROW",
    "RETURNS",
    "->",
    "USING",
    "MODIFY",
    "TAG",
    "ALLOWED_VALUES",
    "DESCRIBE",
    "SHOW",
    "ROLES",
    "GRANTS",
    "OF",
];

fn sample_statements() -> Vec<&'static str> {
    SAMPLE_SQL.split_inclusive(';').collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,300}") {
        let _ = Account::from_sql(&s);
    }

    #[test]
    fn sql_token_soup_never_panics(words in prop::collection::vec(prop::sample::select(WORDS), 0..60)) {
        let _ = Account::from_sql(&words.join(" "));
        let _ = Account::from_sql(&words.concat());
    }

    /// The sample DDL with a random byte range cut out and random text put in its place.
    #[test]
    fn mutated_sample_never_panics(at in any::<prop::sample::Index>(), len in 0usize..80, insert in "\\PC{0,12}|[;'\"()$]{1,3}") {
        let mut start = at.index(SAMPLE_SQL.len());
        while !SAMPLE_SQL.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(SAMPLE_SQL.len());
        while !SAMPLE_SQL.is_char_boundary(end) {
            end -= 1;
        }
        let mutated = format!("{}{}{}", &SAMPLE_SQL[..start], insert, &SAMPLE_SQL[end..]);
        let _ = Account::from_sql(&mutated);
    }

    /// The sample's statements shuffled, dropped and repeated: dependency and duplicate errors, no panic.
    #[test]
    fn reordered_sample_statements_never_panic(order in prop::collection::vec(any::<prop::sample::Index>(), 0..40)) {
        let stmts = sample_statements();
        let script: String = order.iter().map(|i| stmts[i.index(stmts.len())]).collect();
        let _ = Account::from_sql(&script);
    }
}

#[test]
fn the_sample_loads_and_a_bad_statement_is_named() {
    Account::from_sql(SAMPLE_SQL).unwrap();
    let err = Account::from_sql("CREATE DATABASE A; CREATE TABLE NOPE.X.Y (A INT);").unwrap_err();
    assert_eq!(err.index, 2, "{err}");
}

/// Found by `mutated_sample_never_panics`: an external table whose column says `AS` with no
/// parenthesised expression after it used to underflow the parenthesis depth.
#[test]
fn external_table_with_a_bare_as_is_refused_or_loaded_without_panic() {
    for sql in [
        "CREATE DATABASE D; CREATE SCHEMA D.S; CREATE EXTERNAL TABLE D.S.E (A VARCHAR AS) LOCATION = @x;",
        "CREATE DATABASE D; CREATE SCHEMA D.S; CREATE EXTERNAL TABLE D.S.E (A VARCHAR AS)) LOCATION = @x;",
        "CREATE DATABASE D; CREATE SCHEMA D.S; CREATE EXTERNAL TABLE D.S.E (A VARCHAR AS (VALUE:a::VARCHAR), B INT AS) X;",
    ] {
        let _ = Account::from_sql(sql);
    }
}
