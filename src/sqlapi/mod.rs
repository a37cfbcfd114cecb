//! The Snowflake SQL API v2 client: the only module that knows the wire format of `/api/v2/statements`.
//!
//! Owns request building, submission, polling, partition streaming, cancellation, retries and result
//! decoding. Must not touch SQLite, know about crawl plans, or depend on the emulator.
