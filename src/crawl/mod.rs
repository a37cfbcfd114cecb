//! The crawler: plans the metadata statements for an account, runs them with bounded concurrency through
//! `sqlapi`, maps rows to typed objects and feeds the catalog scope by scope. Must not touch SQLite directly.

pub mod statements;
