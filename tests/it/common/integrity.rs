//! Catalog checks shared by the crash and shutdown tests.

use std::path::Path;

/// `PRAGMA integrity_check` of the catalog file answers `ok`.
pub fn integrity_ok(catalog: &Path) {
    let conn = rusqlite::Connection::open(catalog).unwrap();
    let rows: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows, vec!["ok".to_string()], "integrity_check of {}", catalog.display());
}
