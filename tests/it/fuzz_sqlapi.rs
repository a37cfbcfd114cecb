//! Property tests of the SQL API client's decoders beyond the unit tests in `src/sqlapi/response_tests.rs`
//! (which cover arbitrary bytes and arbitrary JSON): here the bodies are *well-formed* result sets with
//! hostile contents — every documented column type with arbitrary cell text read through every typed
//! getter, hostile `partitionInfo` / `numRows` numbers, gzip bodies that inflate far beyond their size, and
//! Snowflake JSON text (`undefined`) in any shape. No panic, and memory stays bounded (a counting allocator).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use snowcat::sqlapi::{
    Column, ColumnType, Phase, Row, Schema, StatementResponse, decode_partition, decode_statement,
    parse_snowflake_json,
};

/// Counts live heap bytes and the peak since the last reset, so a test can see an allocation blow-up.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const TYPES: &[&str] = &[
    "fixed",
    "real",
    "text",
    "binary",
    "boolean",
    "date",
    "time",
    "timestamp_ntz",
    "timestamp_ltz",
    "timestamp_tz",
    "variant",
    "object",
    "array",
    "vector",
    "FIXED",
    "geography",
    "",
];

/// Cell text: plausible values of every type, their edges, and garbage.
fn arb_cell() -> impl Strategy<Value = Option<String>> {
    let text = prop_oneof![
        "-?[0-9]{0,45}(\\.[0-9]{0,12})?",
        "-?[0-9]{1,12}\\.[0-9]{1,9}( -?[0-9]{1,6})?",
        Just("170141183460469231731687303715884105728".to_string()),
        Just("-99999999999999999999999999999999999999".to_string()),
        Just("1e309".to_string()),
        Just("NaN".to_string()),
        Just("-inf".to_string()),
        Just("9223372036854775807.999999999 2880".to_string()),
        Just("-9223372036854775808.000000000 0".to_string()),
        Just("[1,undefined,{\"a\":undefined}]".to_string()),
        Just("\"undefined\"".to_string()),
        "[0-9a-fA-F]{0,9}",
        "[\\[\\]{}\":,a-z0-9 ]{0,30}",
        "\\PC{0,40}",
    ];
    prop_oneof![1 => Just(None), 8 => text.prop_map(Some)]
}

fn read_every_way(row: &Row) {
    for c in row.cells() {
        let _ = (c.i64(), c.i128(), c.decimal(), c.f64(), c.bool(), c.date(), c.time());
        let _ = (c.timestamp_ntz(), c.timestamp_utc(), c.timestamp_tz(), c.json(), c.binary(), c.text());
    }
    for col in &row.schema().columns {
        let _ = row.get::<u64>(&col.name);
        let _ = row.get::<String>(&col.name);
        let _ = row.req::<i64>(&col.name);
        let _ = row.opt::<chrono::DateTime<chrono::FixedOffset>>(&col.name);
    }
    let _ = row.get::<String>("NO_SUCH_COLUMN");
    let _ = row.get_at::<String>(usize::MAX);
}

fn body(types: &[usize], rows: &[Vec<Option<String>>], extra_meta: serde_json::Value) -> Vec<u8> {
    let row_type: Vec<_> = types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            serde_json::json!({"name": format!("C{i}"), "type": TYPES[*t % TYPES.len()], "nullable": i % 2 == 0,
                "scale": i64::try_from(i).unwrap() - 1, "precision": 38})
        })
        .collect();
    let mut meta = serde_json::json!({"rowType": row_type, "format": "jsonv2"});
    if let (Some(m), Some(extra)) = (meta.as_object_mut(), extra_meta.as_object()) {
        m.extend(extra.clone());
    }
    serde_json::to_vec(&serde_json::json!({
        "resultSetMetaData": meta, "data": rows, "statementHandle": "01-h", "code": "090001"
    }))
    .unwrap()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Well-formed result sets of every type with arbitrary cell text: decoding and every read never panic.
    #[test]
    fn typed_reads_of_arbitrary_cells_never_panic(
        types in prop::collection::vec(0usize..64, 1..6),
        cells in prop::collection::vec(arb_cell(), 0..30),
        nn in any::<bool>(),
        zipped in any::<bool>(),
    ) {
        let width = types.len();
        let rows: Vec<Vec<Option<String>>> = cells.chunks(width).filter(|c| c.len() == width).map(<[_]>::to_vec).collect();
        let mut bytes = body(&types, &rows, serde_json::json!({}));
        if zipped {
            bytes = gzip(&bytes);
        }
        let got = decode_statement(Phase::Poll, 200, &bytes, nn);
        let Ok(StatementResponse::Done(page)) = got else {
            return Err(TestCaseError::fail(format!("well-formed body refused: {got:?}")));
        };
        prop_assert_eq!(page.rows.len(), rows.len());
        for row in &page.rows {
            read_every_way(row);
        }
        // The same rows as a later partition.
        let part = serde_json::to_vec(&serde_json::json!({ "data": rows })).unwrap();
        let parsed = decode_partition(200, &part, &page.schema).unwrap();
        for row in &parsed {
            read_every_way(row);
        }
    }

    /// Ragged rows are refused, never indexed out of bounds.
    #[test]
    fn ragged_rows_are_errors(types in prop::collection::vec(0usize..64, 1..5), extra in 1usize..3) {
        let row: Vec<Option<String>> = vec![Some("1".into()); types.len() + extra];
        let bytes = body(&types, std::slice::from_ref(&row), serde_json::json!({}));
        prop_assert!(decode_statement(Phase::Submit, 200, &bytes, false).is_err());
        let schema = Arc::new(Schema::new(types.iter().map(|_| Column::new("A", ColumnType::Text)).collect()));
        let part = serde_json::to_vec(&serde_json::json!({ "data": [row] })).unwrap();
        prop_assert!(decode_partition(200, &part, &schema).is_err());
    }

    /// Any JSON-ish text (with `undefined` sprinkled in) through the VARIANT/ARRAY parser never panics.
    #[test]
    fn snowflake_json_text_never_panics(s in "[\\[\\]{}\":,\\\\a-z0-9 ]{0,40}", undef in 0usize..4, at in any::<prop::sample::Index>()) {
        let mut text = s.clone();
        for _ in 0..undef {
            let i = at.index(text.len() + 1);
            if text.is_char_boundary(i) {
                text.insert_str(i, "undefined");
            }
        }
        let _ = parse_snowflake_json(&text);
        let _ = parse_snowflake_json(&format!("\"{text}"));
    }

    /// Hostile metadata numbers (numRows, partition row counts and sizes) never panic the decoder. Counts
    /// whose sum overflows u64 are the named (ignored, bug) case below.
    #[test]
    fn hostile_partition_info_numbers(counts in prop::collection::vec(0..u64::MAX / 4, 0..4), num_rows in prop::option::of(any::<u64>())) {
        let parts: Vec<_> = counts.iter().map(|c| serde_json::json!({"rowCount": c, "uncompressedSize": c})).collect();
        let mut extra = serde_json::json!({ "partitionInfo": parts });
        if let Some(n) = num_rows {
            extra["numRows"] = n.into();
        }
        let bytes = body(&[2], &[], extra);
        let _ = decode_statement(Phase::Poll, 200, &bytes, false);
    }
}

/// Two partitions whose row counts sum past `u64::MAX` and no `numRows`: the decoder adds them up.
/// Found by `hostile_partition_info_numbers`; kept as a named case.
#[test]
fn partition_row_counts_that_overflow_are_an_error_not_a_panic() {
    let extra = serde_json::json!({ "partitionInfo": [{"rowCount": u64::MAX}, {"rowCount": 1}] });
    let bytes = body(&[2], &[], extra);
    let got = std::panic::catch_unwind(|| decode_statement(Phase::Poll, 200, &bytes, false).is_ok());
    assert!(got.is_ok(), "decoder panicked on partition counts summing past u64::MAX");
    let err = decode_statement(Phase::Poll, 200, &bytes, false).unwrap_err().to_string();
    assert!(err.contains("rowCount"), "the error does not name the bad field: {err}");
}

/// A gzip body (no Content-Encoding, as some proxies send) of 128 concatenated members, each 1 MiB of
/// zeros: ~130 KB on the wire. A bounded decoder refuses it (or decodes it) without holding the
/// inflated 128 MiB; the peak heap growth while decoding must stay under 64 MiB.
#[test]
fn a_gzip_bomb_is_refused_with_bounded_memory() {
    let member = gzip(&vec![0u8; 1 << 20]);
    let bomb: Vec<u8> = member.iter().copied().cycle().take(member.len() * 128).collect();
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let got = decode_statement(Phase::Poll, 200, &bomb, false);
    let grew = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(got.is_err(), "zeros are not JSON");
    assert!(grew < 64 << 20, "decoding a {} byte body allocated {} bytes", bomb.len(), grew);
    let schema = Arc::new(Schema::new(vec![Column::new("A", ColumnType::Text)]));
    PEAK.store(LIVE.load(Ordering::Relaxed), Ordering::Relaxed);
    let before = LIVE.load(Ordering::Relaxed);
    let _ = decode_partition(200, &bomb, &schema);
    let grew = PEAK.load(Ordering::Relaxed).saturating_sub(before);
    assert!(grew < 64 << 20, "decoding a partition of {} bytes allocated {} bytes", bomb.len(), grew);
}
