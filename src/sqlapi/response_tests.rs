//! Tests of the body decoder on the recorded shapes of `sql-api-v2.md` §3-§4, plus a property test that no
//! body (arbitrary bytes or arbitrary JSON) can panic it.

use super::*;
use proptest::prelude::*;

/// The DBIMP-shaped 200 (Jackson pretty-print, compact rows joined by ",\n", unstable rowType key order).
const RESULT_200: &str = r#"{
  "resultSetMetaData" : {
    "numRows" : 2,
    "format" : "jsonv2",
    "partitionInfo" : [ { "rowCount" : 2, "uncompressedSize" : 53 } ],
    "rowType" : [ {
      "name" : "ID", "database" : "DB", "schema" : "PUBLIC", "table" : "T",
      "collation" : null, "precision" : 38, "scale" : 0, "nullable" : true,
      "byteLength" : null, "length" : null, "type" : "fixed"
    }, {
      "name" : "NAME", "database" : "", "schema" : "", "table" : "", "collation" : null,
      "byteLength" : 64, "nullable" : false, "scale" : null, "precision" : null, "length" : 16, "type" : "TEXT"
    } ]
  },
  "data" : [ ["1","a"],
[null,null] ],
  "code" : "090001",
  "statementStatusUrl" : "/api/v2/statements/01b2?requestId=6f1e",
  "requestId" : "6f1e",
  "sqlState" : "00000",
  "statementHandle" : "01b2",
  "message" : "Statement executed successfully.",
  "createdOn" : 1791549296123,
  "unknownFutureField" : { "x" : 1 }
}"#;

fn done(r: StatementResponse) -> ResultPage {
    match r {
        StatementResponse::Done(p) => p,
        StatementResponse::Running(s) => panic!("expected a result, got {s:?}"),
    }
}

#[test]
fn result_200_decodes_metadata_rows_and_tolerates_unknown_fields() {
    let page = done(decode_statement(Phase::Submit, 200, RESULT_200.as_bytes(), false).unwrap());
    assert_eq!(page.handle, "01b2");
    assert_eq!(page.num_rows, 2);
    assert_eq!(page.code.as_deref(), Some("090001"));
    assert_eq!(page.created_on, Some(1791549296123));
    assert_eq!(
        page.partitions,
        vec![PartitionInfo { row_count: 2, uncompressed_size: Some(53), compressed_size: None }]
    );
    let cols = &page.schema.columns;
    assert_eq!(cols[0].column_type, ColumnType::Fixed);
    assert_eq!((cols[0].precision, cols[0].scale), (Some(38), Some(0)));
    assert_eq!(cols[1].column_type, ColumnType::Text);
    assert!(!cols[1].nullable);
    assert_eq!(page.rows.len(), 2);
    assert_eq!(page.rows[0].get::<i64>("id").unwrap(), Some(1));
    assert_eq!(page.rows[0].get::<String>("name").unwrap().as_deref(), Some("a"));
    assert_eq!(page.rows[1].get::<i64>("ID").unwrap(), None);
}

#[test]
fn running_202_and_empty_result() {
    let body = r#"{ "code" : "333334", "message" : "Asynchronous execution in progress. Use provided query id to perform query monitoring and management.",
  "statementHandle" : "01b3", "statementStatusUrl" : "/api/v2/statements/01b3" }"#;
    match decode_statement(Phase::Submit, 202, body.as_bytes(), false).unwrap() {
        StatementResponse::Running(s) => {
            assert_eq!(s.handle, "01b3");
            assert_eq!(s.code.as_deref(), Some("333334"));
        }
        StatementResponse::Done(_) => panic!("202 must be Running"),
    }
    let err = decode_statement(Phase::Submit, 202, br#"{"code":"333334"}"#, false).unwrap_err();
    assert!(err.to_string().contains("202 without statementHandle"), "{err}");
    let empty = r#"{"resultSetMetaData":{"numRows":0,"format":"jsonv2","partitionInfo":[],"rowType":[{"name":"X","type":"fixed"}]},
      "data":[ ],"code":"090001","statementHandle":"h"}"#;
    let page = done(decode_statement(Phase::Poll, 200, empty.as_bytes(), false).unwrap());
    assert!(page.rows.is_empty());
    assert_eq!(page.num_rows, 0);
}

#[test]
fn partition_body_is_data_only_and_row_width_is_checked() {
    let page = done(decode_statement(Phase::Submit, 200, RESULT_200.as_bytes(), false).unwrap());
    let rows = decode_partition(200, b"{\"data\":[[\"3\",\"c\"],\n[\"4\",null]]}", &page.schema).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].get::<i64>("ID").unwrap(), Some(4));
    let err = decode_partition(200, br#"{"data":[["3"]]}"#, &page.schema).unwrap_err();
    assert!(err.to_string().contains("row 0 has 1 cells but rowType has 2 columns"), "{err}");
    let err = decode_partition(200, br#"{"data":[[3,"c"]]}"#, &page.schema).unwrap_err();
    assert!(matches!(err, SqlApiError::Protocol { phase: Phase::Partition, .. }), "{err}");
}

#[test]
fn gzip_body_without_content_encoding_is_still_decoded() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(br#"{"data":[["9","z"]]}"#).unwrap();
    let body = gz.finish().unwrap();
    let page = done(decode_statement(Phase::Submit, 200, RESULT_200.as_bytes(), false).unwrap());
    let rows = decode_partition(200, &body, &page.schema).unwrap();
    assert_eq!(rows[0].get::<String>("NAME").unwrap().as_deref(), Some("z"));
}

#[test]
fn error_statuses_map_to_typed_errors() {
    let e = decode_error(Phase::Poll, 422, br#"{ "code" : "002003", "message" : "SQL compilation error:\nObject 'NOPE' does not exist or not authorized.",
  "sqlState" : "42S02", "statementHandle" : "01b2", "createdOn" : 1791549296123 }"#);
    match &e {
        SqlApiError::Sql { code, sql_state, handle, status, .. } => {
            assert_eq!(
                (code.as_str(), sql_state.as_deref(), handle.as_deref(), *status),
                ("002003", Some("42S02"), Some("01b2"), 422)
            );
        }
        other => panic!("{other:?}"),
    }
    let t = decode_error(Phase::Submit, 408, br#"{"code":"000630","message":"Statement reached its statement or warehouse timeout of 2 second(s) and was canceled.","sqlState":"57014","statementHandle":"h"}"#);
    assert!(
        matches!(&t, SqlApiError::Timeout { code, handle: Some(h), .. } if code == "000630" && h == "h"),
        "{t:?}"
    );
    let t422 = decode_error(Phase::Poll, 422, br#"{"code":"000630","message":"timeout"}"#);
    assert!(matches!(t422, SqlApiError::Timeout { .. }));
    let auth =
        decode_error(Phase::Submit, 401, br#"{"code":"390144","message":"JWT token is invalid. [abc]"}"#);
    assert!(matches!(&auth, SqlApiError::Auth { status: 401, code: Some(c), .. } if c == "390144"));
    let rate = decode_error(Phase::Poll, 429, br#"{"code":"390505","message":"Too many requests."}"#);
    assert!(matches!(rate, SqlApiError::RateLimited { .. }));
    let server = decode_error(Phase::Submit, 503, b"<html>Service Unavailable</html>");
    assert!(
        matches!(&server, SqlApiError::Server { status: 503, message, .. } if message.contains("Service Unavailable"))
    );
    let not_found = decode_error(
        Phase::Poll,
        400,
        br#"{"code":"000709","sqlState":"02000","message":"Statement h not found"}"#,
    );
    assert_eq!(not_found.code(), Some("000709"));
    let jersey = decode_error(
        Phase::Submit,
        400,
        br#"{"servlet":"x","message":"Bad Request","url":"/api/v2/statements","status":"400"}"#,
    );
    assert!(matches!(jersey, SqlApiError::Protocol { status: 400, .. }));
    let empty405 = decode_error(Phase::Submit, 405, b"");
    assert!(matches!(empty405, SqlApiError::Protocol { status: 405, .. }));
    let role = decode_error(Phase::Submit, 400, br#"{"code":"390186","message":"Role 'X' specified in the connect string is not granted to this user."}"#);
    assert_eq!(role.code(), Some("390186"));
}

#[test]
fn cancel_body_both_documented_forms() {
    let real = decode_cancel(200, br#"{"code":"000604","sqlState":"57014","message":"SQL execution canceled","statementHandle":"h","statementStatusUrl":"/api/statements/h"}"#).unwrap();
    assert_eq!(real.code.as_deref(), Some("000604"));
    let docs = decode_cancel(200, br#"{"code":"0","sqlState":"","message":"successfully canceled","statementHandle":"h","statementStatusUrl":"/api/v2/statements/h"}"#).unwrap();
    assert_eq!(docs.handle.as_deref(), Some("h"));
}

#[test]
fn bad_bodies_are_protocol_errors_quoting_the_body() {
    let err = decode_statement(Phase::Submit, 200, b"{\"resultSetMetaData\": 5", false).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("invalid JSON") && text.contains("resultSetMetaData"), "{text}");
    let err = decode_statement(Phase::Submit, 200, br#"{"data":[]}"#, false).unwrap_err();
    assert!(err.to_string().contains("without resultSetMetaData"));
    let err = decode_statement(Phase::Submit, 200, &[0x1f, 0x8b, 0, 1], false).unwrap_err();
    assert!(err.to_string().contains("gzip"));
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        "[a-z0-9 ]{0,8}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("resultSetMetaData".to_string()),
            Just("rowType".to_string()),
            Just("data".to_string()),
            Just("partitionInfo".to_string()),
            Just("statementHandle".to_string()),
            Just("code".to_string()),
            Just("name".to_string()),
            Just("type".to_string()),
            "[a-z]{1,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys, inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(body in prop::collection::vec(any::<u8>(), 0..512), status in prop_oneof![Just(200u16), Just(202), Just(400), Just(401), Just(408), Just(422), Just(429), Just(503), 100u16..600]) {
        let _ = decode_statement(Phase::Submit, status, &body, false);
        let _ = decode_cancel(status, &body);
        let schema = std::sync::Arc::new(crate::sqlapi::row::Schema::new(vec![Column::new("A", ColumnType::Text)]));
        let _ = decode_partition(status, &body, &schema);
        let _ = decode_error(Phase::Poll, status, &body);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json(), nn in any::<bool>()) {
        let body = serde_json::to_vec(&v).unwrap();
        for status in [200u16, 202, 422] {
            if let Ok(StatementResponse::Done(page)) = decode_statement(Phase::Poll, status, &body, nn) {
                for row in &page.rows {
                    for c in row.cells() {
                        let _ = (c.i64(), c.f64(), c.date(), c.time(), c.timestamp_tz(), c.json(), c.binary(), c.bool());
                    }
                }
            }
        }
    }

    #[test]
    fn arbitrary_cell_text_never_panics_any_getter(s in "\\PC{0,40}", t in prop_oneof![Just("fixed"), Just("date"), Just("time"), Just("timestamp_tz"), Just("array")]) {
        let c = Column::new("X", ColumnType::parse(t));
        let cell = crate::sqlapi::value::Cell::new(&c, Some(&s), true);
        let _ = (cell.i64(), cell.i128(), cell.decimal(), cell.f64(), cell.bool(), cell.date(), cell.time());
        let _ = (cell.timestamp_ntz(), cell.timestamp_utc(), cell.timestamp_tz(), cell.json(), cell.binary());
    }
}

#[test]
fn a_gzip_body_over_the_cap_is_refused_naming_the_limit() {
    use std::io::Write as _;
    let json = format!("{{\"data\":[[\"{}\"]]}}", "a".repeat(4096));
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(json.as_bytes()).unwrap();
    let member = z.finish().unwrap();
    let err = super::gunzip_capped(&member, 1000).unwrap_err();
    assert!(err.contains("1000 byte limit"), "{err}");
    // Two members (multi-member gzip) inflate to both halves within the cap.
    let two = [member.clone(), member].concat();
    let out = super::gunzip_capped(&two, 1 << 20).unwrap();
    assert_eq!(out.len(), 2 * json.len());
}
