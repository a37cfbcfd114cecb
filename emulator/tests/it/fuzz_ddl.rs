//! Property tests of the emulator's DDL loader (`Account::from_sql`): arbitrary text, SQL-shaped token
//! soup, and the sample account's DDL mutated (cut, spliced, duplicated, truncated). Every input loads or
//! is refused with a `LoadError`; nothing panics or hangs.

use proptest::prelude::*;
use snowflake_emulator::engine::{Engine, Session};
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

/// Statements over the access layer, cut and spliced by the property below.
const ACCESS_STATEMENTS: &[&str] = &[
    "SHOW DATABASE ROLES LIKE 'R%' IN DATABASE SALES LIMIT 5 FROM 'A'",
    "SHOW GRANTS TO DATABASE ROLE SALES.READER",
    "SHOW GRANTS OF DATABASE ROLE SALES.\"READER\"",
    "SHOW FUTURE GRANTS TO DATABASE ROLE SALES.ANALYST",
    "SHOW GRANTS ON DATABASE ROLE SALES.ANALYST",
    "SHOW MASKING POLICIES LIKE '%' LIMIT 3 IN SCHEMA SALES.CORE",
    "SHOW ROW ACCESS POLICIES IN ACCOUNT",
    "SHOW TAGS IN DATABASE SALES",
    "DESCRIBE MASKING POLICY SALES.CORE.EMAIL_MASK",
    "DESC ROW ACCESS POLICY SALES.CORE.OPEN_ORDERS_ONLY",
    "SELECT * FROM TABLE(SALES.INFORMATION_SCHEMA.POLICY_REFERENCES(POLICY_NAME => 'SALES.CORE.EMAIL_MASK'))",
    "SELECT * FROM TABLE(SALES.INFORMATION_SCHEMA.POLICY_REFERENCES(REF_ENTITY_NAME => 'SALES.CORE.ORDERS', REF_ENTITY_DOMAIN => 'table'))",
    "SELECT * FROM TABLE(SALES.INFORMATION_SCHEMA.TAG_REFERENCES('SALES.CORE.CUSTOMERS.EMAIL', 'column'))",
    "SELECT * FROM TABLE(SALES.INFORMATION_SCHEMA.TAG_REFERENCES_ALL_COLUMNS('SALES.CORE.CUSTOMERS', 'table'))",
    "SELECT * FROM SNOWFLAKE.ACCOUNT_USAGE.TAG_REFERENCES",
    "CREATE MASKING POLICY SALES.CORE.M2 AS (V VARCHAR, W NUMBER) RETURNS VARCHAR -> IFF(W > 0, V, '*') COMMENT = 'x'",
    "ALTER TABLE SALES.CORE.CUSTOMERS MODIFY COLUMN EMAIL SET MASKING POLICY SALES.CORE.EMAIL_MASK USING (EMAIL) FORCE",
    "ALTER TABLE SALES.CORE.ORDERS DROP ROW ACCESS POLICY SALES.CORE.OPEN_ORDERS_ONLY, ADD ROW ACCESS POLICY SALES.CORE.OPEN_ORDERS_ONLY ON (STATUS)",
    "ALTER SCHEMA SALES.CORE SET TAG SALES.CORE.PII = 'email', SALES.CORE.DATA_OWNER = 'x'",
    "GRANT DATABASE ROLE SALES.READER TO DATABASE ROLE SALES.ANALYST",
    "REVOKE SELECT ON FUTURE TABLES IN SCHEMA SALES.REPORTING FROM DATABASE ROLE SALES.ANALYST",
];

fn sample_statements() -> Vec<&'static str> {
    SAMPLE_SQL.split_inclusive(';').collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// An access-layer statement with a random range cut out and random text put in, run through the
    /// engine as ACCOUNTADMIN and as the crawler: it answers or fails, never panics.
    #[test]
    fn mutated_access_statements_never_panic(which in any::<prop::sample::Index>(), at in any::<prop::sample::Index>(), len in 0usize..20, insert in "\\PC{0,8}|[;'\"()$.,>=-]{1,3}") {
        let sql = ACCESS_STATEMENTS[which.index(ACCESS_STATEMENTS.len())];
        let mut start = at.index(sql.len());
        while !sql.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + len).min(sql.len());
        while !sql.is_char_boundary(end) {
            end -= 1;
        }
        let mutated = format!("{}{}{}", &sql[..start], insert, &sql[end..]);
        let mut engine = Engine::new(Account::from_sql(SAMPLE_SQL).unwrap());
        for role in ["ACCOUNTADMIN", "SNOWCAT_CRAWLER"] {
            let session = Session { role: role.into(), ..Session::default() };
            let _ = engine.execute(&session, &mutated, &[]);
        }
    }

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

#[test]
fn every_access_statement_the_fuzzer_mutates_runs_unmutated() {
    for sql in ACCESS_STATEMENTS {
        let mut engine = Engine::new(Account::from_sql(SAMPLE_SQL).unwrap());
        let session = Session { role: "ACCOUNTADMIN".into(), ..Session::default() };
        if let Err(e) = engine.execute(&session, sql, &[]) {
            panic!("{sql}: {e}");
        }
    }
}
