//! The catalog: snapshots, versions, diffs and history of an account's metadata in one SQLite file.
//!
//! The only module that touches SQLite for the product (the emulator keeps its own private engine). Takes
//! typed objects grouped by listing scope with each scope's outcome; knows nothing of HTTP or the SQL API.
