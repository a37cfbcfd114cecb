//! The emulator's integration tests, one binary: SHOW shapes, INFORMATION_SCHEMA through SQLite, the HTTP
//! protocol driven by plain reqwest, the sample account, DDL fuzzing, and the ignored benchmarks. Nothing here
//! uses snowcat; module names are the old file names (`cargo test -p snowflake-emulator --test it emulator_show::`).

mod emulator_support;

mod emulator_bench;
mod emulator_bin;
mod emulator_database_roles;
mod emulator_governance;
mod emulator_identity;
mod emulator_pipeline;
mod emulator_protocol;
mod emulator_sample;
mod emulator_show;
mod emulator_sql;
mod fuzz_ddl;
