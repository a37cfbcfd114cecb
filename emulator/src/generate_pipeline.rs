//! The pipeline and code objects of generated accounts (`generate.rs`): a realistic density per schema for
//! the benchmark accounts, and `add_sequences_and_tasks` for tests that need more than 10,000 objects of a
//! kind. Builds the model directly and deterministically, like the rest of the generator.

use super::generate::{CRAWLER_ROLE, grant};
use super::model::Account;
use super::model_pipeline::{DynamicSpec, Pipe, Routine, Sequence, Stage, Stream, Task, TaskState};
use super::model_types::{GrantTarget, Schema, TableKind};

/// The pipeline and code objects of one generated schema, at a realistic density: every schema has a
/// sequence, a function (every third one two overloads) and a task; every other one a stream on its first
/// table and a procedure; every fifth a stage and a pipe; every tenth of at least ten tables turns its
/// fifth table (one no foreign key references) into a dynamic table. Each gets its OWNERSHIP grant.
pub(super) fn pipeline_objects(a: &mut Account, schema: &mut Schema, db: &str, s: usize, at: i64) {
    let owner = "SYSADMIN".to_string();
    let sc = schema.name.clone();
    // Owned by SYSADMIN; the crawler holds the privilege that lets it see each object without MANAGE GRANTS.
    let own = |kind: &'static str, name: String, a: &mut Account| {
        let target = GrantTarget::Object { kind, database: db.into(), schema: sc.clone(), name };
        let watch = match kind {
            "TASK" | "PIPE" => "MONITOR",
            "STREAM" => "SELECT",
            _ => "USAGE",
        };
        a.grants.push(grant(watch, target.clone(), CRAWLER_ROLE, at));
        a.grants.push(grant("OWNERSHIP", target, "SYSADMIN", at));
    };
    let o = &mut schema.objects;
    o.sequences.push(sequence("ID_SEQ", &owner, at));
    own("SEQUENCE", "ID_SEQ".into(), a);
    let overloads = if s.is_multiple_of(3) { 2 } else { 1 };
    for n in 0..overloads {
        let f = routine("NORMALIZE", n, &owner, at);
        own("FUNCTION", f.name_with_signature(), a);
        o.functions.push(f);
    }
    let first = schema.tables.iter().find(|t| !t.kind.is_view()).map(|t| t.name.clone());
    o.tasks.push(Task {
        name: "NIGHTLY".into(),
        id: format!("01b{at:013x}-0000-{s:04x}-0000"),
        owner: owner.clone(),
        comment: None,
        warehouse: Some("WH_00".into()),
        schedule: Some("USING CRON 0 2 * * * UTC".into()),
        predecessors: Vec::new(),
        condition: None,
        definition: format!("CALL {db}.{}.REFRESH()", schema.name),
        state: if s.is_multiple_of(4) { TaskState::Suspended } else { TaskState::Started },
        allow_overlapping_execution: false,
        error_integration: None,
        created_on: at,
        last_suspended_on: None,
    });
    own("TASK", "NIGHTLY".into(), a);
    if s.is_multiple_of(2) {
        let p = routine("REFRESH", 0, &owner, at);
        own("PROCEDURE", p.name_with_signature(), a);
        o.procedures.push(p);
        if let Some(t) = &first {
            o.streams.push(Stream {
                name: format!("{t}_CHANGES"),
                owner: owner.clone(),
                comment: None,
                source: format!("{db}.{}.{t}", schema.name),
                source_type: "Table".into(),
                mode: "DEFAULT".into(),
                stale: false,
                stale_after: at + 14 * 86_400_000,
                created_on: at,
            });
            own("STREAM", format!("{t}_CHANGES"), a);
        }
    }
    if s.is_multiple_of(5) {
        o.stages.push(Stage {
            name: "LANDING".into(),
            owner: owner.clone(),
            comment: None,
            url: Some(format!("s3://generated/{db}/{}/", schema.name.to_lowercase())),
            stage_type: "EXTERNAL".into(),
            cloud: Some("AWS".into()),
            storage_integration: Some("S3_INT".into()),
            has_credentials: false,
            has_encryption_key: false,
            directory_enabled: false,
            created_on: at,
        });
        own("STAGE", "LANDING".into(), a);
        if let Some(t) = &first {
            o.pipes.push(Pipe {
                name: "LOAD".into(),
                owner: owner.clone(),
                comment: None,
                definition: format!("COPY INTO {db}.{}.{t} FROM @{db}.{}.LANDING", schema.name, schema.name),
                notification_channel: Some(format!("arn:aws:sqs:us-west-2:123456789012:sf-snowpipe-{at:x}")),
                integration: None,
                pattern: None,
                error_integration: None,
                paused: false,
                created_on: at,
            });
            own("PIPE", "LOAD".into(), a);
        }
    }
    if s.is_multiple_of(10)
        && schema.tables.len() >= 10
        && let Some(t) = schema.tables.iter_mut().filter(|t| !t.kind.is_view()).nth(4)
    {
        t.kind = TableKind::Dynamic;
        t.constraints.clear();
        t.dynamic = Some(Box::new(DynamicSpec {
            text: format!(
                "CREATE DYNAMIC TABLE {} TARGET_LAG = '1 hour' WAREHOUSE = WH_00 AS SELECT 1",
                t.name
            ),
            target_lag: "1 hour".into(),
            warehouse: "WH_00".into(),
            refresh_mode: "AUTO".into(),
            scheduling_state: "RUNNING".into(),
            last_suspended_on: None,
            data_timestamp: at,
        }));
        for g in a.grants.iter_mut() {
            if let GrantTarget::Object { kind, database, schema: gs, name } = &mut g.target
                && database == db
                && *gs == sc
                && *name == t.name
            {
                *kind = "DYNAMIC_TABLE";
            }
        }
    }
}

fn sequence(name: &str, owner: &str, at: i64) -> Sequence {
    Sequence {
        name: name.into(),
        owner: owner.into(),
        comment: None,
        start: 1,
        increment: 1,
        next_value: 1,
        ordered: false,
        created_on: at,
        last_altered: at,
    }
}

fn routine(name: &str, overload: usize, owner: &str, at: i64) -> Routine {
    let mut arguments = vec![("V".to_string(), "VARCHAR".to_string())];
    if overload > 0 {
        arguments.push(("MODE".into(), "NUMBER".into()));
    }
    Routine {
        name: name.into(),
        arguments,
        returns: "VARCHAR".into(),
        language: "SQL".into(),
        body: "UPPER(TRIM(V))".into(),
        secure: false,
        owner: owner.into(),
        comment: None,
        created_on: at,
        last_altered: at,
    }
}

/// Add `n` sequences and `n` tasks to every schema of `account` (for tests that need more than 10,000
/// objects of a kind: the SHOW fallbacks), each owned by SYSADMIN.
pub fn add_sequences_and_tasks(account: &mut Account, n: usize) {
    let at = account.clock_ms;
    let mut grants = Vec::new();
    for d in &mut account.databases {
        for s in &mut d.schemas {
            for i in 0..n {
                let name = format!("SEQ_{i:05}");
                s.objects.sequences.push(sequence(&name, "SYSADMIN", at));
                let task = format!("TASK_{i:05}");
                s.objects.tasks.push(Task {
                    name: task.clone(),
                    id: format!("01b{at:013x}-{i:04x}"),
                    owner: "SYSADMIN".into(),
                    comment: None,
                    warehouse: None,
                    schedule: Some("60 MINUTE".into()),
                    predecessors: Vec::new(),
                    condition: None,
                    definition: "SELECT 1".into(),
                    state: TaskState::Suspended,
                    allow_overlapping_execution: false,
                    error_integration: None,
                    created_on: at,
                    last_suspended_on: None,
                });
                for (kind, name) in [("SEQUENCE", name), ("TASK", task)] {
                    let target =
                        GrantTarget::Object { kind, database: d.name.clone(), schema: s.name.clone(), name };
                    grants.push(grant("OWNERSHIP", target, "SYSADMIN", at));
                }
            }
        }
    }
    account.grants.extend(grants);
}
