//! The tool list `snowcat mcp` serves: names, descriptions, input schemas (with the connector's parameter
//! names, required ones marked required), output schemas and annotations, in a fixed order.
//!
//! Owns the definitions only; calls are dispatched in `call.rs`. Input schemas are generated from the
//! parameter structs of `tools` and flattened to the connector's plain types (`"type": "string"` for an
//! optional string, no `null`), so an agent written for the hosted connector sees what it expects.

use std::sync::Arc;

use rmcp::handler::server::tool::schema_for_output;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Deserialize;
use serde_json::Value;

use crate::tools::catalog as cat;
use crate::tools::metadata as md;
use crate::tools::query::{CancelAnswer, ExecuteQuery, QueryAnswer, QueryPartition, StatementHandle};

/// A metadata tool's parameters plus the role and warehouse every live tool takes.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
pub struct WithRole<P> {
    #[serde(flatten)]
    pub params: P,
    /// Role to run the statement as (default: the configured role).
    pub role: Option<String>,
    /// Warehouse to run the statement on (default: the configured warehouse).
    pub warehouse: Option<String>,
}

/// Drop `null` from a property's types: optional parameters are simply not required.
fn plain(schema: &mut Value) {
    let Some(obj) = schema.as_object_mut() else { return };
    if let Some(Value::Array(types)) = obj.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        let single = (kept.len() == 1).then(|| kept[0].clone());
        obj.insert("type".into(), single.unwrap_or(Value::Array(kept)));
    }
    if let Some(Value::Array(any)) = obj.get("anyOf") {
        let kept: Vec<Value> =
            any.iter().filter(|s| s.get("type") != Some(&Value::from("null"))).cloned().collect();
        obj.remove("anyOf");
        match <[Value; 1]>::try_from(kept) {
            Ok([Value::Object(one)]) => obj.extend(one),
            Ok([other]) => {
                obj.insert("anyOf".into(), Value::Array(vec![other]));
            }
            Err(kept) => {
                obj.insert("anyOf".into(), Value::Array(kept));
            }
        }
    }
}

/// The input schema of `T`: subschemas inlined, root title and description removed, nulls dropped.
pub fn input_schema<T: JsonSchema>() -> Arc<JsonObject> {
    let generator = SchemaSettings::draft2020_12().with(|s| s.inline_subschemas = true).into_generator();
    let mut root = serde_json::to_value(generator.into_root_schema_for::<T>()).unwrap_or(Value::Null);
    let Value::Object(mut obj) = root.take() else { return Arc::new(JsonObject::new()) };
    obj.remove("title");
    obj.remove("description");
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        props.values_mut().for_each(plain);
    }
    Arc::new(obj)
}

/// The tools a server with these options lists.
#[derive(Debug, Clone, Copy)]
pub struct Listing {
    /// Serve the fourteen live tools.
    pub live: bool,
    /// `snowflake_execute_query` may write (annotations say so).
    pub allow_write: bool,
}

fn tool<I: JsonSchema, O: JsonSchema + 'static>(
    name: &'static str,
    title: &str,
    description: &str,
    mut annotations: ToolAnnotations,
) -> Tool {
    annotations.title = Some(title.to_string());
    Tool::new(name, description.to_string(), input_schema::<I>())
        .with_title(title)
        .with_raw_output_schema(schema_for_output::<O>())
        .with_annotations(annotations)
}

/// Live tools that only read: read-only, open world (they reach Snowflake).
fn live_read() -> ToolAnnotations {
    ToolAnnotations::new().read_only(true).open_world(true)
}

/// Catalog tools: read-only, closed world (the local catalog file only).
fn catalog_read() -> ToolAnnotations {
    ToolAnnotations::new().read_only(true).open_world(false)
}

const PAGING: &str = "Answers one result partition at a time (next: snowflake_get_query_partition) and at most \
                      ~20k tokens of it.";

/// The fourteen live tools, in the connector's order.
fn live_tools(allow_write: bool) -> Vec<Tool> {
    let execute = if allow_write {
        format!(
            "Execute SQL against Snowflake through the SQL API. This server runs with --allow-write: any \
             statement runs, writes included; several statements separated by semicolons run as one request \
             and each one's result comes in `statements`. {PAGING}"
        )
    } else {
        format!(
            "Execute one read-only SQL statement against Snowflake through the SQL API: SELECT, SHOW, DESCRIBE, \
             DESC, WITH or EXPLAIN (this server refuses writes and multi-statement text). With async, return the \
             statement handle at once. {PAGING}"
        )
    };
    let execute_annotations = if allow_write {
        ToolAnnotations::new().read_only(false).destructive(true).open_world(true)
    } else {
        live_read()
    };
    let m = |name, title, what: &str| {
        (
            name,
            title,
            format!(
                "{what} Runs live on Snowflake (warehouse time); for history use the catalog_ tools. {PAGING}"
            ),
        )
    };
    let metadata = [
        m(
            "snowflake_get_schemata",
            "Schemas (live)",
            "Query INFORMATION_SCHEMA.SCHEMATA for schema metadata.",
        ),
        m(
            "snowflake_get_tables",
            "Tables (live)",
            "Query INFORMATION_SCHEMA.TABLES for table metadata in a Snowflake database.",
        ),
        m("snowflake_get_columns", "Columns (live)", "Query INFORMATION_SCHEMA.COLUMNS for column metadata."),
        m(
            "snowflake_get_table_constraints",
            "Table constraints (live)",
            "Query INFORMATION_SCHEMA.TABLE_CONSTRAINTS.",
        ),
        m(
            "snowflake_get_referential_constraints",
            "Foreign keys (live)",
            "Query INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS.",
        ),
        m(
            "snowflake_show_databases_schemas",
            "SHOW DATABASES / SCHEMAS",
            "Run SHOW DATABASES or SHOW SCHEMAS.",
        ),
        m("snowflake_show_warehouses", "SHOW WAREHOUSES", "Run SHOW WAREHOUSES."),
        m(
            "snowflake_show_grants",
            "SHOW GRANTS",
            "Run SHOW GRANTS in common modes (to role, to user, of role, on object).",
        ),
        m(
            "snowflake_show_primary_keys",
            "SHOW PRIMARY KEYS",
            "Run SHOW PRIMARY KEYS with optional scope; database_name is required when schema_name is set.",
        ),
        m(
            "snowflake_show_imported_exported_keys",
            "SHOW IMPORTED / EXPORTED KEYS",
            "Run SHOW IMPORTED KEYS or SHOW EXPORTED KEYS for a table (give database_name, schema_name and table_name).",
        ),
    ];
    let mut out = vec![
        tool::<ExecuteQuery, QueryAnswer>(
            "snowflake_execute_query",
            "Execute query",
            &execute,
            execute_annotations,
        ),
        tool::<StatementHandle, QueryAnswer>(
            "snowflake_get_query_status",
            "Query status",
            "Get a statement's status by its handle and, once it has finished, its first result partition.",
            live_read(),
        ),
        tool::<QueryPartition, QueryAnswer>(
            "snowflake_get_query_partition",
            "Query result partition",
            "Get one result partition (0-based) of a finished statement by its handle.",
            live_read(),
        ),
        tool::<StatementHandle, CancelAnswer>(
            "snowflake_cancel_query",
            "Cancel query",
            "Cancel a running statement by its handle (answers even when it already finished).",
            ToolAnnotations::new().read_only(false).destructive(false).idempotent(true).open_world(true),
        ),
    ];
    for (i, (name, title, description)) in metadata.into_iter().enumerate() {
        let t = match i {
            0 => tool::<WithRole<md::Schemata>, QueryAnswer>,
            1 => tool::<WithRole<md::Tables>, QueryAnswer>,
            2 => tool::<WithRole<md::Columns>, QueryAnswer>,
            3 => tool::<WithRole<md::TableConstraints>, QueryAnswer>,
            4 => tool::<WithRole<md::ReferentialConstraints>, QueryAnswer>,
            5 => tool::<WithRole<md::ShowDatabasesSchemas>, QueryAnswer>,
            6 => tool::<WithRole<md::ShowWarehouses>, QueryAnswer>,
            7 => tool::<WithRole<md::ShowGrants>, QueryAnswer>,
            8 => tool::<WithRole<md::ShowPrimaryKeys>, QueryAnswer>,
            _ => tool::<WithRole<md::ShowImportedExportedKeys>, QueryAnswer>,
        };
        out.push(t(name, title, &description, live_read()));
    }
    out
}

/// The catalog tools.
fn catalog_tools() -> Vec<Tool> {
    let note = "Answers from snowcat's local catalog (every crawl's snapshot and the changes between them): no \
                warehouse, no network.";
    vec![
        tool::<cat::Changes, cat::ChangesAnswer>(
            "catalog_changes",
            "What changed",
            &format!(
                "What changed in the account: added, removed, modified, renamed or replaced objects, columns, keys, \
                 grants and warehouses, each with a severity (breaking, security, additive, cosmetic), since a run \
                 or a time, filtered by severity, kind or object name. {note}"
            ),
            catalog_read(),
        ),
        tool::<cat::History, cat::HistoryAnswer>(
            "catalog_history",
            "Object history",
            &format!(
                "One object's history: its versions (from which run to which it looked like that) and every \
                 change to it, to what it contains and to grants on it, even after it was dropped. {note}"
            ),
            catalog_read(),
        ),
        tool::<cat::ObjectAt, cat::ObjectAnswer>(
            "catalog_object",
            "Object as it was",
            &format!(
                "One database, schema, table, column or warehouse as it was at a run or time (default: the latest \
                 crawl), with a table's columns and keys and the grants on it. {note}"
            ),
            catalog_read(),
        ),
        tool::<cat::Coverage, cat::CoverageAnswer>(
            "catalog_coverage",
            "Coverage gaps",
            &format!(
                "What a crawl could not see: scopes that failed, were denied, truncated or filtered, with Snowflake's \
                 error. Nothing under a gap is reported as removed. {note}"
            ),
            catalog_read(),
        ),
        tool::<cat::Search, cat::SearchAnswer>(
            "catalog_search",
            "Search names and comments",
            &format!(
                "Find current databases, schemas, tables, views, columns and warehouses by name or comment. {note}"
            ),
            catalog_read(),
        ),
        tool::<cat::WhoCanReach, cat::AccessAnswer>(
            "catalog_who_can_reach",
            "Who can reach an object",
            &format!(
                "Every user, account role and database role holding a privilege on a database, schema, table, view                  or column, with the path through the role hierarchy (USER -> ROLE -> DATABASE ROLE -> privilege),                  ownership included; a column comes with its masking policy and tags. Now or at a run. {note}"
            ),
            catalog_read(),
        ),
        tool::<cat::WhatCanReach, cat::AccessAnswer>(
            "catalog_what_can_reach",
            "What a role or user reaches",
            &format!(
                "Every database, schema, table and view a user or role (account role, or database role DB.ROLE)                  holds a privilege on, with the path. Now or at a run. {note}"
            ),
            catalog_read(),
        ),
        tool::<cat::Runs, cat::RunsAnswer>(
            "catalog_runs",
            "Crawl runs",
            &format!(
                "The crawls recorded, newest first: status, objects, changes, incomplete scopes. {note}"
            ),
            catalog_read(),
        ),
    ]
}

/// Every tool served with these options, in a fixed order (live tools first).
pub fn list(listing: Listing) -> Vec<Tool> {
    let mut tools = if listing.live { live_tools(listing.allow_write) } else { Vec::new() };
    tools.extend(catalog_tools());
    tools
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_parameters_have_plain_types_and_required_ones_are_listed() {
        let s = input_schema::<WithRole<md::Tables>>();
        let props = s["properties"].as_object().unwrap();
        let mut names: Vec<&str> = props.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["database", "limit", "role", "schema", "table_name_like", "warehouse"]);
        assert_eq!(props["schema"]["type"], "string");
        assert_eq!(props["limit"]["type"], "integer");
        assert_eq!(s["required"], serde_json::json!(["database"]));
        let e = input_schema::<ExecuteQuery>();
        assert_eq!(e["properties"]["async"]["type"], "boolean");
        assert_eq!(e["properties"]["bindings"]["type"], "object");
        let c = input_schema::<cat::Changes>();
        assert_eq!(c["properties"]["since"]["type"], serde_json::json!(["integer", "string"]));
        assert!(c.get("required").is_none_or(|r| r.as_array().is_some_and(Vec::is_empty)));
    }

    #[test]
    fn the_listing_follows_the_mode() {
        let all = list(Listing { live: true, allow_write: false });
        assert_eq!(all.len(), 22);
        let exec = &all[0];
        assert_eq!(exec.annotations.as_ref().and_then(|a| a.read_only_hint), Some(true));
        let write = list(Listing { live: true, allow_write: true });
        assert_eq!(write[0].annotations.as_ref().and_then(|a| a.destructive_hint), Some(true));
        assert!(write[0].description.as_deref().unwrap_or("").contains("--allow-write"));
        let offline = list(Listing { live: false, allow_write: false });
        assert!(offline.iter().all(|t| t.name.starts_with("catalog_")));
        assert!(all.iter().all(|t| t.output_schema.as_ref().is_some_and(|o| o["type"] == "object")));
    }
}
