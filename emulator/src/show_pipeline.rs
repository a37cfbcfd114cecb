//! SHOW DYNAMIC TABLES / STREAMS / TASKS / PIPES / STAGES / USER FUNCTIONS / USER PROCEDURES / SEQUENCES
//! with Snowflake's documented columns (metadata-shapes-2 §5-6) and encodings: task `state` lowercase and
//! `predecessors` pretty-printed JSON text, stream `stale` `true`/`false`, stage and function flags `Y`/`N`.
//! The 10,000-row rule per command (§1.1): DYNAMIC TABLES, STREAMS and TASKS fail above the ceiling without
//! LIMIT (and page with LIMIT ... FROM); PIPES, STAGES, the routines and SEQUENCES have no LIMIT in their
//! syntax and are cut at the ceiling silently, even with a filter.
//!
//! Read-only; filters and the ceiling are applied by `show::finish`.

use super::model_pipeline::TaskState;
use super::model_types::{Database, Schema, TableKind};
use super::result::{QueryResult, SqlError, Value};
use super::show::{Ceiling, Scope, ShowCtx, ShowOpts, finish, ltz, n, num, opt, t, text, tf, ts, yn};

/// The commands this module serves, by the words after SHOW.
pub const COMMANDS: [&str; 8] = [
    "DYNAMIC TABLES",
    "STREAMS",
    "TASKS",
    "PIPES",
    "STAGES",
    "USER FUNCTIONS",
    "USER PROCEDURES",
    "SEQUENCES",
];

type Row = (Vec<u8>, String, Vec<Value>);

fn null() -> Value {
    Value::Null
}

fn or_null(s: &Option<String>) -> Value {
    s.as_ref().map_or(Value::Null, |v| t(v.clone()))
}

fn columns(names: &[&str], nums: &[&str], times: &[&str]) -> Vec<super::result::Column> {
    names
        .iter()
        .map(|c| {
            if times.contains(c) {
                ltz(c)
            } else if nums.contains(c) {
                num(c)
            } else {
                text(c)
            }
        })
        .collect()
}

/// Sort key: database, schema, name (and signature), byte-wise.
fn key(d: &Database, s: &Schema, name: &str) -> Vec<u8> {
    [d.name.as_bytes(), &[0], s.name.as_bytes(), &[0], name.as_bytes()].concat()
}

pub fn execute(ctx: &ShowCtx, opts: &ShowOpts, what: &str) -> Result<QueryResult, SqlError> {
    let ceiling = match what {
        "DYNAMIC TABLES" | "STREAMS" | "TASKS" => Ceiling::Error,
        _ => Ceiling::Truncate,
    };
    if ceiling == Ceiling::Truncate && opts.limit.is_some() {
        return Err(SqlError::syntax(format!(
            "syntax error line 1: SHOW {what} takes no LIMIT (it returns at most 10,000 rows)"
        )));
    }
    let scope = opts.scope.clone().unwrap_or(Scope::Default);
    let mut rows: Vec<Row> = Vec::new();
    for (d, s) in super::show_objects::scoped_schemas(ctx, &scope)? {
        let visible = |name: &str| ctx.view.show_object(&d.name, &s.name, name);
        let o = &s.objects;
        match what {
            "DYNAMIC TABLES" => {
                for tb in s.tables.iter().filter(|tb| tb.kind == TableKind::Dynamic && visible(&tb.name)) {
                    let Some(dy) = tb.dynamic.as_deref() else { continue };
                    rows.push((
                        key(d, s, &tb.name),
                        tb.name.clone(),
                        vec![
                            ts(tb.created_on),
                            t(&tb.name),
                            t(&d.name),
                            t(&s.name),
                            opt(&tb.cluster_by),
                            n(tb.rows),
                            n(tb.bytes),
                            t(&tb.owner),
                            t(&dy.target_lag),
                            t("ENABLE"),
                            t(&dy.refresh_mode),
                            null(),
                            t(&dy.warehouse),
                            opt(&tb.comment),
                            t(&dy.text),
                            t(if tb.cluster_by.is_some() { "ON" } else { "OFF" }),
                            t(&dy.scheduling_state),
                            dy.last_suspended_on.map_or(null(), ts),
                            tf(false),
                            tf(false),
                            tf(false),
                            ts(dy.data_timestamp),
                            t("ROLE"),
                            null(),
                            null(),
                        ],
                    ));
                }
            }
            "STREAMS" => {
                for st in o.streams.iter().filter(|x| visible(&x.name)) {
                    rows.push((
                        key(d, s, &st.name),
                        st.name.clone(),
                        vec![
                            ts(st.created_on),
                            t(&st.name),
                            t(&d.name),
                            t(&s.name),
                            t(&st.owner),
                            opt(&st.comment),
                            t(&st.source),
                            t(&st.source_type),
                            t(if st.source_type == "View" { st.source.clone() } else { String::new() }),
                            t("DELTA"),
                            tf(st.stale),
                            t(&st.mode),
                            ts(st.stale_after),
                            t("N/A"),
                            t("ROLE"),
                        ],
                    ));
                }
            }
            "TASKS" => {
                for tk in o.tasks.iter().filter(|x| visible(&x.name)) {
                    let root = tk.predecessors.is_empty();
                    let preds =
                        serde_json::to_string_pretty(&tk.predecessors).unwrap_or_else(|_| "[]".into());
                    let relations = serde_json::json!({ "Predecessors": tk.predecessors }).to_string();
                    let suspended = tk.state == TaskState::Suspended;
                    rows.push((
                        key(d, s, &tk.name),
                        tk.name.clone(),
                        vec![
                            ts(tk.created_on),
                            t(&tk.name),
                            t(&tk.id),
                            t(&d.name),
                            t(&s.name),
                            t(&tk.owner),
                            opt(&tk.comment),
                            or_null(&tk.warehouse),
                            if root { or_null(&tk.schedule) } else { null() },
                            null(),
                            null(),
                            t(preds),
                            t(if suspended { "suspended" } else { "started" }),
                            t(&tk.definition),
                            or_null(&tk.condition),
                            if root { tf(tk.allow_overlapping_execution) } else { null() },
                            or_null(&tk.error_integration),
                            null(),
                            null(),
                            tk.last_suspended_on.map_or(null(), ts),
                            t("ROLE"),
                            null(),
                            if suspended && tk.last_suspended_on.is_some() {
                                t("USER_SUSPENDED")
                            } else {
                                null()
                            },
                            t(relations),
                            null(),
                        ],
                    ));
                }
            }
            "PIPES" => {
                for p in o.pipes.iter().filter(|x| visible(&x.name)) {
                    rows.push((
                        key(d, s, &p.name),
                        p.name.clone(),
                        vec![
                            ts(p.created_on),
                            t(&p.name),
                            t(&d.name),
                            t(&s.name),
                            t(&p.definition),
                            t(&p.owner),
                            or_null(&p.notification_channel),
                            opt(&p.comment),
                            or_null(&p.integration),
                            or_null(&p.pattern),
                            or_null(&p.error_integration),
                            t("ROLE"),
                            null(),
                            t("STAGE"),
                        ],
                    ));
                }
            }
            "STAGES" => {
                for g in o.stages.iter().filter(|x| visible(&x.name)) {
                    rows.push((
                        key(d, s, &g.name),
                        g.name.clone(),
                        vec![
                            ts(g.created_on),
                            t(&g.name),
                            t(&d.name),
                            t(&s.name),
                            opt(&g.url),
                            yn(g.has_credentials),
                            yn(g.has_encryption_key),
                            t(&g.owner),
                            opt(&g.comment),
                            null(),
                            t(&g.stage_type),
                            or_null(&g.cloud),
                            null(),
                            or_null(&g.storage_integration),
                            null(),
                            t("ROLE"),
                            yn(g.directory_enabled),
                        ],
                    ));
                }
            }
            "USER FUNCTIONS" | "USER PROCEDURES" => {
                let function = what == "USER FUNCTIONS";
                let list = if function { &o.functions } else { &o.procedures };
                for r in list.iter().filter(|x| visible(&x.name_with_signature())) {
                    let args = format!("{}{} RETURN {}", r.name, r.signature(), r.returns);
                    let default = if function { "user-defined function" } else { "user-defined procedure" };
                    let arity = n(r.arguments.len() as i64);
                    let mut row = vec![
                        ts(r.created_on),
                        t(&r.name),
                        t(&s.name),
                        yn(false),
                        yn(false),
                        yn(false),
                        arity.clone(),
                        arity,
                        t(args),
                        t(r.comment.clone().unwrap_or_else(|| default.into())),
                        t(&d.name),
                        yn(r.is_table_function()),
                        yn(false),
                        yn(r.secure),
                        null(),
                        null(),
                    ];
                    if function {
                        row.extend([yn(false), t(&r.language), yn(false), yn(false)]);
                    }
                    rows.push((key(d, s, &r.name_with_signature()), r.name.clone(), row));
                }
            }
            "SEQUENCES" => {
                for q in o.sequences.iter().filter(|x| visible(&x.name)) {
                    rows.push((
                        key(d, s, &q.name),
                        q.name.clone(),
                        vec![
                            ts(q.created_on),
                            t(&q.name),
                            t(&s.name),
                            t(&d.name),
                            n(q.next_value),
                            n(q.increment),
                            t(&q.owner),
                            t("ROLE"),
                            opt(&q.comment),
                            yn(q.ordered),
                        ],
                    ));
                }
            }
            _ => return Err(SqlError::syntax(format!("unsupported SHOW {what}"))),
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let rows = rows.into_iter().map(|(_, name, row)| (name, row)).collect();
    finish(ctx, opts, layout(what), rows, ceiling, what)
}

/// The documented output columns of each command, in order.
fn layout(what: &str) -> Vec<super::result::Column> {
    let routine = [
        "created_on",
        "name",
        "schema_name",
        "is_builtin",
        "is_aggregate",
        "is_ansi",
        "min_num_arguments",
        "max_num_arguments",
        "arguments",
        "description",
        "catalog_name",
        "is_table_function",
        "valid_for_clustering",
        "is_secure",
        "secrets",
        "external_access_integrations",
    ];
    let arity = ["min_num_arguments", "max_num_arguments"];
    match what {
        "DYNAMIC TABLES" => columns(
            &[
                "created_on",
                "name",
                "database_name",
                "schema_name",
                "cluster_by",
                "rows",
                "bytes",
                "owner",
                "target_lag",
                "scheduler",
                "refresh_mode",
                "refresh_mode_reason",
                "warehouse",
                "comment",
                "text",
                "automatic_clustering",
                "scheduling_state",
                "last_suspended_on",
                "is_clone",
                "is_replica",
                "is_iceberg",
                "data_timestamp",
                "owner_role_type",
                "immutable_where",
                "execute_as_user",
            ],
            &["rows", "bytes"],
            &["created_on", "last_suspended_on", "data_timestamp"],
        ),
        "STREAMS" => columns(
            &[
                "created_on",
                "name",
                "database_name",
                "schema_name",
                "owner",
                "comment",
                "table_name",
                "source_type",
                "base_tables",
                "type",
                "stale",
                "mode",
                "stale_after",
                "invalid_reason",
                "owner_role_type",
            ],
            &[],
            &["created_on", "stale_after"],
        ),
        "TASKS" => columns(
            &[
                "created_on",
                "name",
                "id",
                "database_name",
                "schema_name",
                "owner",
                "comment",
                "warehouse",
                "schedule",
                "scheduling_mode",
                "target_completion_interval",
                "predecessors",
                "state",
                "definition",
                "condition",
                "allow_overlapping_execution",
                "error_integration",
                "success_integration",
                "last_committed_on",
                "last_suspended_on",
                "owner_role_type",
                "config",
                "last_suspended_reason",
                "task_relations",
                "execute_as_user",
            ],
            &[],
            &["created_on", "last_committed_on", "last_suspended_on"],
        ),
        "PIPES" => columns(
            &[
                "created_on",
                "name",
                "database_name",
                "schema_name",
                "definition",
                "owner",
                "notification_channel",
                "comment",
                "integration",
                "pattern",
                "error_integration",
                "owner_role_type",
                "invalid_reason",
                "kind",
            ],
            &[],
            &["created_on"],
        ),
        "STAGES" => columns(
            &[
                "created_on",
                "name",
                "database_name",
                "schema_name",
                "url",
                "has_credentials",
                "has_encryption_key",
                "owner",
                "comment",
                "region",
                "type",
                "cloud",
                "notification_channel",
                "storage_integration",
                "endpoint",
                "owner_role_type",
                "directory_enabled",
            ],
            &[],
            &["created_on"],
        ),
        "USER FUNCTIONS" => {
            let mut names = routine.to_vec();
            names.extend(["is_external_function", "language", "is_memoizable", "is_data_metric"]);
            columns(&names, &arity, &["created_on"])
        }
        "USER PROCEDURES" => columns(&routine, &arity, &["created_on"]),
        _ => columns(
            &[
                "created_on",
                "name",
                "schema_name",
                "database_name",
                "next_value",
                "interval",
                "owner",
                "owner_role_type",
                "comment",
                "ordered",
            ],
            &["next_value", "interval"],
            &["created_on"],
        ),
    }
}
