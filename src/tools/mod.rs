//! The tools snowcat offers people (`snowcat tool`, `snowcat sql`, `snowcat statement`) and agents
//! (`snowcat mcp`): the Scalekit Snowflake connector's fourteen live tools with its parameter names, and
//! the catalog's reads. One implementation per tool, whatever the front end.
//!
//! Owns the tools' parameters (one struct gives both the clap flags and the JSON schema), their checks, the
//! read-only guard, paging and the answers' shapes. Must not print or speak MCP: the front ends in `cli`
//! and `mcp` do that. Data flows in from `sqlapi` and `catalog` only.

pub mod catalog;
pub mod cursor;
pub mod guard;
pub mod metadata;
pub mod page;
pub mod params;
pub mod query;
pub mod result;
pub mod textdiff;

pub use params::ParamError;

/// A tool's answer: the structured value (serialized) and a short text rendering of the same page.
pub trait Answer: serde::Serialize {
    fn text(&self) -> String;
}
