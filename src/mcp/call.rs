//! One `tools/call`: check the arguments against the tool's schema (an unknown name is an error that lists
//! the known ones), run the tool, and answer with its structured result and a short text rendering, or
//! with an error result the model can act on.
//!
//! Live calls run with the request's cancellation token (a cancelled call cancels the statement on
//! Snowflake) and report progress while they wait; catalog calls run on the blocking pool.

use std::future::Future;
use std::time::Duration;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, ProgressNotificationParam};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer};
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use super::Inner;
use super::tools::WithRole;
use crate::catalog::ObjectKind;
use crate::catalog::lookup::{Found, When};
use crate::sqlapi::SqlApiError;
use crate::tools::catalog::{self as cat, CatalogSource};
use crate::tools::metadata::{self as md, MetadataTool};
use crate::tools::query::{Live, QueryError};
use crate::tools::{Answer, query};

/// A successful answer: the structured value, and the text rendering as the content.
fn answer<A: Answer>(a: &A) -> CallToolResult {
    match serde_json::to_value(a) {
        Ok(value) => {
            let mut result = CallToolResult::structured(value);
            result.content = vec![ContentBlock::text(a.text())];
            result
        }
        Err(e) => failed(format!("the answer could not be encoded: {e}")),
    }
}

/// An error result the model sees and can fix.
fn failed(message: impl Into<String>) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message.into())])
}

fn reply<A: Answer, E: std::fmt::Display>(r: Result<A, E>) -> CallToolResult {
    match r {
        Ok(a) => answer(&a),
        Err(e) => failed(e.to_string()),
    }
}

/// Refuse an argument the tool's schema does not name (a misspelt parameter would otherwise be ignored).
fn check_names(tool: &rmcp::model::Tool, args: &JsonObject) -> Result<(), String> {
    let known: Vec<&str> = tool
        .input_schema
        .get("properties")
        .and_then(|p| p.as_object())
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    match args.keys().find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => {
            Err(format!("{} has no parameter {unknown:?}; it takes: {}", tool.name, known.join(", ")))
        }
        None => Ok(()),
    }
}

fn parse<T: DeserializeOwned>(name: &str, args: JsonObject) -> Result<T, CallToolResult> {
    serde_json::from_value(serde_json::Value::Object(args))
        .map_err(|e| failed(format!("invalid arguments for {name}: {e}")))
}

/// Run `fut`, sending progress notifications (seconds waited) while it runs when the caller asked for them.
async fn with_progress<F: Future>(ctx: &RequestContext<RoleServer>, fut: F) -> F::Output {
    let Some(token) = ctx.meta.get_progress_token() else { return fut.await };
    tokio::pin!(fut);
    let started = Instant::now();
    let mut tick = tokio::time::interval_at(started + Duration::from_secs(1), Duration::from_secs(1));
    loop {
        tokio::select! {
            out = &mut fut => return out,
            _ = tick.tick() => {
                let secs = started.elapsed().as_secs_f64().floor();
                let note = ProgressNotificationParam::new(token.clone(), secs)
                    .with_message(format!("statement running for {secs:.0} s"));
                if ctx.peer.notify_progress(note).await.is_err() {
                    tracing::debug!("progress notification not delivered");
                }
            }
        }
    }
}

/// A catalog tool: parse its arguments and run it on the blocking pool.
async fn catalog<T, A>(
    src: &CatalogSource,
    name: &str,
    args: JsonObject,
    run: fn(&CatalogSource, &T) -> Result<A, cat::CatalogToolError>,
) -> CallToolResult
where
    T: DeserializeOwned + Send + 'static,
    A: Answer + Send + 'static,
{
    let args: T = match parse(name, args) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let src = src.clone();
    match tokio::task::spawn_blocking(move || run(&src, &args)).await {
        Ok(r) => reply(r),
        Err(e) => failed(format!("the catalog read failed: {e}")),
    }
}

/// What the catalog says about the object a metadata tool named, when Snowflake says it does not exist.
fn suggestion(src: &CatalogSource, tool: &MetadataTool) -> Option<String> {
    let names = tool.scope()?;
    let kind = [ObjectKind::Database, ObjectKind::Schema, ObjectKind::Table][names.len().checked_sub(1)?];
    let cat = src.open().ok()?;
    let account = src.account(&cat, &None).ok()?;
    let typed = names.join(".");
    match cat.find_object(&account, kind, &[names], When::Current).ok()? {
        Found::One(_) => Some(format!(
            "the catalog's latest crawl saw {kind} {typed}: the role may lack privileges on it (try another role)"
        )),
        Found::Missing { closest } if !closest.is_empty() => Some(format!(
            "the catalog knows no {kind} {typed}; the closest names are: {}",
            closest.join(", ")
        )),
        Found::Missing { .. } => None,
    }
}

fn metadata_tool(
    name: &str,
    args: JsonObject,
) -> Result<(MetadataTool, Option<String>, Option<String>), CallToolResult> {
    macro_rules! with_role {
        ($params:ty, $variant:ident) => {{
            let p: WithRole<$params> = parse(name, args)?;
            (MetadataTool::$variant(p.params), p.role, p.warehouse)
        }};
    }
    Ok(match name {
        "snowflake_get_schemata" => with_role!(md::Schemata, Schemata),
        "snowflake_get_tables" => with_role!(md::Tables, Tables),
        "snowflake_get_columns" => with_role!(md::Columns, Columns),
        "snowflake_get_table_constraints" => with_role!(md::TableConstraints, TableConstraints),
        "snowflake_get_referential_constraints" => {
            with_role!(md::ReferentialConstraints, ReferentialConstraints)
        }
        "snowflake_show_databases_schemas" => with_role!(md::ShowDatabasesSchemas, ShowDatabasesSchemas),
        "snowflake_show_warehouses" => with_role!(md::ShowWarehouses, ShowWarehouses),
        "snowflake_show_grants" => with_role!(md::ShowGrants, ShowGrants),
        "snowflake_show_primary_keys" => with_role!(md::ShowPrimaryKeys, ShowPrimaryKeys),
        _ => with_role!(md::ShowImportedExportedKeys, ShowImportedExportedKeys),
    })
}

async fn live_call(
    inner: &Inner,
    live: &Live,
    name: &str,
    args: JsonObject,
    ctx: &RequestContext<RoleServer>,
) -> Result<CallToolResult, CallToolResult> {
    let ct = ctx.ct.clone();
    Ok(match name {
        "snowflake_execute_query" => {
            let a: query::ExecuteQuery = parse(name, args)?;
            reply(with_progress(ctx, live.execute(&a, ct)).await)
        }
        "snowflake_get_query_status" => reply(live.status(&parse(name, args)?).await),
        "snowflake_get_query_partition" => reply(live.partition(&parse(name, args)?).await),
        "snowflake_cancel_query" => reply(live.cancel(&parse(name, args)?).await),
        _ => {
            let (tool, role, warehouse) = metadata_tool(name, args)?;
            match with_progress(ctx, live.metadata(&tool, &role, &warehouse, ct)).await {
                Err(QueryError::Snowflake(e @ SqlApiError::Sql { .. }))
                    if e.to_string().contains("002003") =>
                {
                    let src = inner.catalog.clone();
                    let hint =
                        tokio::task::spawn_blocking(move || suggestion(&src, &tool)).await.ok().flatten();
                    failed(match hint {
                        Some(h) => format!("{e}\n{h}"),
                        None => e.to_string(),
                    })
                }
                other => reply(other),
            }
        }
    })
}

/// Answer one `tools/call`.
pub(super) async fn call(
    inner: &Inner,
    name: &str,
    args: JsonObject,
    ctx: &RequestContext<RoleServer>,
) -> Result<CallToolResult, ErrorData> {
    let Some(tool) = inner.tools.iter().find(|t| t.name == name) else {
        let known: Vec<&str> = inner.tools.iter().map(|t| t.name.as_ref()).collect();
        return Err(ErrorData::invalid_params(
            format!("unknown tool {name:?}; the tools are: {}", known.join(", ")),
            None,
        ));
    };
    if let Err(message) = check_names(tool, &args) {
        return Ok(failed(message));
    }
    let src = &inner.catalog;
    Ok(match name {
        "catalog_changes" => catalog(src, name, args, cat::changes).await,
        "catalog_history" => catalog(src, name, args, cat::history).await,
        "catalog_object" => catalog(src, name, args, cat::object).await,
        "catalog_coverage" => catalog(src, name, args, cat::coverage).await,
        "catalog_search" => catalog(src, name, args, cat::search).await,
        "catalog_runs" => catalog(src, name, args, cat::runs).await,
        "catalog_who_can_reach" => catalog(src, name, args, cat::who_can_reach).await,
        "catalog_what_can_reach" => catalog(src, name, args, cat::what_can_reach).await,
        _ => match &inner.live {
            Some(live) => live_call(inner, live, name, args, ctx).await.unwrap_or_else(|e| e),
            None => {
                return Err(ErrorData::invalid_params(
                    format!("{name} is not served (catalog-only mode)"),
                    None,
                ));
            }
        },
    })
}
