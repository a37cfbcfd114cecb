//! The sample account shipped with the repo (`config/emulator/sample.sql`), embedded at build time.
//!
//! Data only; loading it is `Account::from_sql(SAMPLE_SQL)`.

/// DDL of the sample account: 3+ databases, quoted/mixed-case identifiers, views, every constraint kind,
/// a role hierarchy with a partly-privileged SNOWCAT_CRAWLER role, users, grants, future grants, warehouses.
pub const SAMPLE_SQL: &str = include_str!("../../config/emulator/sample.sql");
