//! View column types as Snowflake documents them, read back from the emulator's
//! `INFORMATION_SCHEMA.COLUMNS` and through a crawl into the catalog: one view per expression over a table of
//! known types, each row citing the Snowflake page that gives the result type. A view-definition diff then
//! never reports a type change that did not happen.

use snowcat::catalog::{Catalog, Object};
use snowcat::crawl::CrawlOptions;
use snowcat::sqlapi::StatementRequest;
use tokio_util::sync::CancellationToken;

use crate::crawl_support::{client, crawl, start};

const DOCS: &str = "https://docs.snowflake.com/en/sql-reference";

/// (SELECT-list expression, the type Snowflake gives it, the page that says so under `DOCS`).
const TABLE: &[(&str, &str, &str)] = &[
    ("AMOUNT", "NUMBER(12,2)", "/data-types-numeric (a column keeps its declared type)"),
    ("1", "NUMBER(1,0)", "/data-types-numeric#numeric-constants"),
    ("12.50", "NUMBER(4,2)", "/data-types-numeric#numeric-constants"),
    ("1.5e3", "FLOAT", "/data-types-numeric#numeric-constants (an exponent makes a FLOAT)"),
    ("'abc'", "VARCHAR(3)", "/data-types-text#string-constants"),
    ("TRUE", "BOOLEAN", "/data-types-logical"),
    ("AMOUNT + QTY", "NUMBER(13,2)", "/operators-arithmetic#addition-and-subtraction: L = max(L1, L2) + 1"),
    ("AMOUNT - DISCOUNT", "NUMBER(14,3)", "/operators-arithmetic#addition-and-subtraction: S = max(S1, S2)"),
    ("AMOUNT * QTY", "NUMBER(22,2)", "/operators-arithmetic#multiplication: L = L1 + L2"),
    (
        "AMOUNT * DISCOUNT",
        "NUMBER(17,5)",
        "/operators-arithmetic#multiplication: S = min(S1 + S2, max(S1, S2, 12))",
    ),
    (
        "AMOUNT / QTY",
        "NUMBER(18,8)",
        "/operators-arithmetic#division: L = L1 + S2, S = max(S1, min(S1 + 6, 12))",
    ),
    ("QTY / 3", "NUMBER(16,6)", "/operators-arithmetic#division"),
    ("AMOUNT * RATE", "FLOAT", "/operators-arithmetic (a FLOAT operand makes a FLOAT)"),
    ("-AMOUNT", "NUMBER(12,2)", "/operators-arithmetic (unary minus)"),
    ("SUM(AMOUNT)", "NUMBER(38,2)", "/functions/sum"),
    ("SUM(RATE)", "FLOAT", "/functions/sum"),
    (
        "AVG(AMOUNT)",
        "NUMBER(38,8)",
        "/functions/avg (the sum divided by the count: the division rule's scale)",
    ),
    ("MIN(ORDER_DATE)", "DATE", "/functions/min"),
    ("MAX(NAME)", "VARCHAR(100)", "/functions/max"),
    ("COUNT(*)", "NUMBER(18,0)", "/functions/count"),
    ("COUNT(DISTINCT REGION)", "NUMBER(18,0)", "/functions/count"),
    ("CAST(AMOUNT AS NUMBER(10,1))", "NUMBER(10,1)", "/functions/cast"),
    ("AMOUNT::VARCHAR", "VARCHAR(16777216)", "/functions/cast and /data-types-text#varchar (default length)"),
    ("CREATED_AT::DATE", "DATE", "/functions/cast"),
    ("CASE WHEN IS_OPEN THEN 'open' ELSE 'closed' END", "VARCHAR(6)", "/functions/case"),
    ("COALESCE(AMOUNT, 0)", "NUMBER(12,2)", "/functions/coalesce"),
    ("IFF(IS_OPEN, QTY, AMOUNT)", "NUMBER(12,2)", "/functions/iff"),
    ("NVL(NAME, 'n/a')", "VARCHAR(100)", "/functions/nvl"),
    ("UPPER(NAME)", "VARCHAR(100)", "/functions/upper"),
    ("CONCAT(NAME, '-', CODE)", "VARCHAR(111)", "/functions/concat"),
    ("NAME || CODE", "VARCHAR(110)", "/functions/concat (the || operator)"),
    ("SUBSTR(NAME, 1, 3)", "VARCHAR(100)", "/functions/substr"),
    ("TRIM(CODE)", "VARCHAR(10)", "/functions/trim"),
    ("DATE_TRUNC('MONTH', ORDER_DATE)", "DATE", "/functions/date_trunc (the input's type)"),
    ("DATE_TRUNC('HOUR', CREATED_AT)", "TIMESTAMP_NTZ(9)", "/functions/date_trunc (the input's type)"),
    ("DATEADD(day, 7, ORDER_DATE)", "DATE", "/functions/dateadd (a date part keeps a DATE)"),
    (
        "DATEADD(hour, 1, ORDER_DATE)",
        "TIMESTAMP_NTZ(9)",
        "/functions/dateadd (a time part makes a TIMESTAMP_NTZ)",
    ),
    ("CURRENT_TIMESTAMP()", "TIMESTAMP_LTZ(9)", "/functions/current_timestamp"),
    ("CURRENT_DATE()", "DATE", "/functions/current_date"),
    ("ROW_NUMBER() OVER (PARTITION BY REGION ORDER BY ORDER_DATE)", "NUMBER(18,0)", "/functions/row_number"),
    ("SUM(AMOUNT) OVER (PARTITION BY REGION)", "NUMBER(38,2)", "/functions/sum (as a window function)"),
    ("LAG(AMOUNT) OVER (PARTITION BY REGION ORDER BY ORDER_DATE)", "NUMBER(12,2)", "/functions/lag"),
    ("AMOUNT > 100", "BOOLEAN", "/operators-comparison"),
];

fn account() -> snowflake_emulator::model::Account {
    let mut ddl = String::from(
        "CREATE DATABASE SALES; CREATE SCHEMA SALES.CORE;\n\
         CREATE TABLE SALES.CORE.ORDERS (REGION VARCHAR(20), AMOUNT NUMBER(12,2), QTY NUMBER(10,0), \
         DISCOUNT NUMBER(5,3), RATE FLOAT, NAME VARCHAR(100), CODE VARCHAR(10), ORDER_DATE DATE, \
         CREATED_AT TIMESTAMP_NTZ(9), IS_OPEN BOOLEAN);\n",
    );
    for (i, (expr, _, _)) in TABLE.iter().enumerate() {
        ddl.push_str(&format!(
            "CREATE VIEW SALES.CORE.V{i:02} AS SELECT {expr} AS X FROM SALES.CORE.ORDERS;\n"
        ));
    }
    snowflake_emulator::model::Account::from_sql(&ddl).unwrap()
}

/// `NUMBER(13,2)`, `VARCHAR(100)`, `TIMESTAMP_NTZ(9)`, `DATE`: a column's type from its documented parts.
fn written(
    data_type: &str,
    length: Option<i64>,
    precision: Option<i64>,
    scale: Option<i64>,
    dt: Option<i64>,
) -> String {
    match data_type {
        "NUMBER" => format!("NUMBER({},{})", precision.unwrap_or(-1), scale.unwrap_or(-1)),
        "TEXT" => format!("VARCHAR({})", length.unwrap_or(-1)),
        "TIME" | "TIMESTAMP_NTZ" | "TIMESTAMP_LTZ" | "TIMESTAMP_TZ" => {
            format!("{data_type}({})", dt.unwrap_or(-1))
        }
        other => other.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn view_columns_have_the_types_snowflake_documents() {
    assert!(TABLE.len() >= 25);
    let emu = start(account(), 10_000, None).await;

    // Through INFORMATION_SCHEMA.COLUMNS, as any client reads it.
    let sql = "SELECT TABLE_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, \
               DATETIME_PRECISION FROM SALES.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'CORE' AND TABLE_NAME LIKE 'V%' ORDER BY TABLE_NAME";
    let far = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    let rs = client(&emu)
        .execute_collect(StatementRequest::new(sql), far, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(rs.rows.len(), TABLE.len());
    for (row, (expr, expected, page)) in rs.rows.iter().zip(TABLE) {
        let got = written(
            &row.req::<String>("DATA_TYPE").unwrap(),
            row.get("CHARACTER_MAXIMUM_LENGTH").unwrap(),
            row.get("NUMERIC_PRECISION").unwrap(),
            row.get("NUMERIC_SCALE").unwrap(),
            row.get("DATETIME_PRECISION").unwrap(),
        );
        assert_eq!(&got, expected, "INFORMATION_SCHEMA.COLUMNS of `{expr}` ({DOCS}{page})");
    }

    // Through a crawl: the catalog records the same types.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    crawl(&emu, &db, &CrawlOptions::default()).await;
    let objects = Catalog::open(&db).unwrap().snapshot("acct", None).unwrap();
    for (i, (expr, expected, page)) in TABLE.iter().enumerate() {
        let view = format!("V{i:02}");
        let column = objects
            .iter()
            .find_map(|o| match o {
                Object::Column(c) if c.table == view => Some(c),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no column of {view} in the catalog"));
        let got = written(
            &column.data_type,
            column.character_maximum_length,
            column.numeric_precision,
            column.numeric_scale,
            column.datetime_precision,
        );
        assert_eq!(&got, expected, "the crawled type of `{expr}` ({DOCS}{page})");
    }
}

#[test]
fn an_expression_the_emulator_cannot_type_is_refused_by_name() {
    let base = "CREATE DATABASE D; CREATE SCHEMA D.S; CREATE TABLE D.S.T (A NUMBER(12,2), B VARCHAR(5));";
    for (select, words) in [
        ("SELECT MY_UDF(A) AS X FROM D.S.T", "`MY_UDF(A)`"),
        ("SELECT NULL AS X FROM D.S.T", "`NULL`"),
        (
            "SELECT CASE WHEN A > 0 THEN A ELSE B END AS X FROM D.S.T",
            "results of different types (NUMBER(12,2) and VARCHAR(5))",
        ),
        ("SELECT A % 7 AS X FROM D.S.T", "`A % 7`"),
    ] {
        let err =
            snowflake_emulator::model::Account::from_sql(&format!("{base} CREATE VIEW D.S.V AS {select};"))
                .unwrap_err()
                .to_string();
        assert!(
            err.contains("Unsupported feature 'view column type'") && err.contains(words),
            "{select}: {err}"
        );
    }
    let missing = snowflake_emulator::model::Account::from_sql(&format!(
        "{base} CREATE VIEW D.S.V AS SELECT * FROM D.S.NOPE;"
    ))
    .unwrap_err()
    .to_string();
    assert!(missing.contains("'D.S.NOPE' does not exist or not authorized"), "{missing}");
}
