//! Tests of the jsonv2 getters against the wire forms recorded in `sql-api-v2.md` §5.

use super::*;

fn col(t: ColumnType) -> Column {
    Column::new("C", t)
}

fn cell<'a>(c: &'a Column, raw: &'a str) -> Cell<'a> {
    Cell::new(c, Some(raw), false)
}

#[test]
fn fixed_beyond_i64_and_with_scale() {
    let c = col(ColumnType::Fixed);
    let big = "12345678901234567890123456789012345678";
    assert_eq!(cell(&c, big).i128().unwrap(), Some(12345678901234567890123456789012345678));
    assert!(cell(&c, big).i64().is_err());
    assert_eq!(cell(&c, "-42").i64().unwrap(), Some(-42));
    assert_eq!(cell(&c, "7.000").i64().unwrap(), Some(7));
    assert_eq!(cell(&c, "12345678.91").decimal().unwrap(), Some("12345678.91"));
    assert_eq!(cell(&c, "12.5000").decimal().unwrap(), Some("12.5000"));
    assert_eq!(cell(&c, "1.5E+40").decimal().unwrap(), Some("1.5E+40"));
    let err = cell(&c, "12.5000").i64().unwrap_err().to_string();
    assert!(err.contains("\"C\"") && err.contains("12.5000"), "{err}");
    assert!(cell(&c, "abc").decimal().is_err());
    assert!(cell(&c, "").i64().is_err());
}

#[test]
fn real_including_specials() {
    let c = col(ColumnType::Real);
    assert_eq!(cell(&c, "1.5").f64().unwrap(), Some(1.5));
    assert!(cell(&c, "NaN").f64().unwrap().unwrap().is_nan());
    assert_eq!(cell(&c, "inf").f64().unwrap(), Some(f64::INFINITY));
    assert_eq!(cell(&c, "-inf").f64().unwrap(), Some(f64::NEG_INFINITY));
    assert_eq!(cell(&c, "1.0E-7").f64().unwrap(), Some(1.0e-7));
    assert!(cell(&c, "one").f64().is_err());
}

#[test]
fn text_boolean_binary() {
    let t = col(ColumnType::Text);
    assert_eq!(cell(&t, "héllo").text(), Some("héllo"));
    let b = col(ColumnType::Boolean);
    assert_eq!(cell(&b, "true").bool().unwrap(), Some(true));
    assert_eq!(cell(&b, "false").bool().unwrap(), Some(false));
    assert_eq!(cell(&b, "1").bool().unwrap(), Some(true));
    assert!(cell(&b, "yes").bool().is_err());
    let x = col(ColumnType::Binary);
    assert_eq!(cell(&x, "DEADBEEF").binary().unwrap(), Some(vec![0xde, 0xad, 0xbe, 0xef]));
    assert_eq!(cell(&x, "").binary().unwrap(), Some(vec![]));
    assert!(cell(&x, "ABC").binary().is_err());
    assert!(cell(&x, "ZZ").binary().is_err());
}

#[test]
fn date_is_days_since_epoch() {
    let c = col(ColumnType::Date);
    assert_eq!(cell(&c, "20735").date().unwrap(), NaiveDate::from_ymd_opt(2026, 10, 9));
    assert_eq!(cell(&c, "-25567").date().unwrap(), NaiveDate::from_ymd_opt(1900, 1, 1));
    assert_eq!(cell(&c, "0").date().unwrap(), NaiveDate::from_ymd_opt(1970, 1, 1));
    // DATE_OUTPUT_FORMAT changes the wire text: a typed error, not a wrong date.
    assert!(cell(&c, "09/10/2026").date().is_err());
    assert!(cell(&c, "99999999999999").date().is_err());
}

#[test]
fn time_is_seconds_since_midnight_with_any_scale() {
    let c = col(ColumnType::Time);
    assert_eq!(
        cell(&c, "45296.123456789").time().unwrap(),
        NaiveTime::from_hms_nano_opt(12, 34, 56, 123_456_789)
    );
    assert_eq!(cell(&c, "45296.123").time().unwrap(), NaiveTime::from_hms_milli_opt(12, 34, 56, 123));
    assert_eq!(cell(&c, "0").time().unwrap(), NaiveTime::from_hms_opt(0, 0, 0));
    assert!(cell(&c, "-1").time().is_err());
    assert!(cell(&c, "86400.5").time().is_err());
}

#[test]
fn timestamps_ntz_ltz_and_tz_with_offset_plus_1440() {
    let ntz = col(ColumnType::TimestampNtz);
    let expect = NaiveDate::from_ymd_opt(2026, 10, 9).unwrap().and_hms_nano_opt(12, 34, 56, 123_456_789);
    assert_eq!(cell(&ntz, "1791549296.123456789").timestamp_ntz().unwrap(), expect);
    assert_eq!(
        cell(&ntz, "1791549296.123").timestamp_ntz().unwrap().unwrap().and_utc().timestamp_subsec_millis(),
        123
    );
    // Before the epoch: -1.5 s is 1969-12-31 23:59:58.5.
    let before = cell(&ntz, "-1.500000000").timestamp_ntz().unwrap().unwrap();
    assert_eq!(before.to_string(), "1969-12-31 23:59:58.500");
    let ltz = col(ColumnType::TimestampLtz);
    assert_eq!(cell(&ltz, "1791549296.123456789").timestamp_utc().unwrap().unwrap().timestamp(), 1791549296);

    let tz = col(ColumnType::TimestampTz);
    let v = cell(&tz, "1791524096.123456789 1860").timestamp_tz().unwrap().unwrap();
    assert_eq!(v.offset().local_minus_utc(), 7 * 3600);
    assert_eq!(v.to_rfc3339(), "2026-10-09T12:34:56.123456789+07:00");
    let utc = cell(&tz, "1791549296.123456789 1440").timestamp_tz().unwrap().unwrap();
    assert_eq!(utc.offset().local_minus_utc(), 0);
    let west = cell(&tz, "1616173619.000000000 960").timestamp_tz().unwrap().unwrap();
    assert_eq!(west.to_rfc3339(), "2021-03-19T09:06:59-08:00");
    assert!(cell(&tz, "1791524096 99999").timestamp_tz().is_err());
    assert!(cell(&tz, "2026-10-09 12:34:56").timestamp_tz().is_err());
    assert!(cell(&tz, "1 1440 x").timestamp_tz().is_err());
}

#[test]
fn variant_object_array_as_text_or_parsed() {
    let v = col(ColumnType::Variant);
    let pretty = "{\n  \"a\" : 1,\n  \"b\" : [ true, null ]\n}";
    assert_eq!(cell(&v, pretty).text(), Some(pretty));
    assert_eq!(cell(&v, pretty).json().unwrap(), Some(serde_json::json!({"a": 1, "b": [true, null]})));
    assert_eq!(cell(&v, "\"s\"").json().unwrap(), Some(serde_json::json!("s")));
    assert_eq!(cell(&v, "null").json().unwrap(), Some(serde_json::Value::Null));
    let a = col(ColumnType::Array);
    let with_undefined = "[\n  1,\n  undefined,\n  \"undefined\"\n]";
    assert_eq!(cell(&a, with_undefined).json().unwrap(), Some(serde_json::json!([1, null, "undefined"])));
    assert!(cell(&a, "[1,").json().is_err());
    assert!(cell(&a, "undefinedx").json().is_err());
}

#[test]
fn nulls_and_nullable_false() {
    let c = col(ColumnType::Fixed);
    let null = Cell::new(&c, None, false);
    assert!(null.is_null());
    assert_eq!(null.i64().unwrap(), None);
    assert_eq!(null.json().unwrap(), None);
    let null_string = Cell::new(&c, Some("null"), true);
    assert_eq!(null_string.i64().unwrap(), None);
    let literal = Cell::new(&c, Some("null"), false);
    assert!(literal.i64().is_err());
}

#[test]
fn column_type_names_are_case_insensitive() {
    assert_eq!(ColumnType::parse("FIXED"), ColumnType::Fixed);
    assert_eq!(ColumnType::parse("timestamp_tz"), ColumnType::TimestampTz);
    assert_eq!(ColumnType::parse("TIMESTAMP_LTZ"), ColumnType::TimestampLtz);
    assert_eq!(ColumnType::parse("geo"), ColumnType::Other("geo".into()));
    assert!(ColumnType::parse("Object").is_semi_structured());
}
