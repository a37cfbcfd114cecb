//! The catalog's pipeline and code kinds: views (definition text), dynamic tables, streams, tasks, pipes,
//! stages, user functions, procedures and sequences. Keys are `#[serde(skip)]`; volatile state (a stream's
//! staleness, a dynamic table's scheduling state, a task's last suspension, a sequence's next value) is in
//! `stats` and kept apart from versions like table statistics.
//!
//! A *detail* is an attribute only a second statement gives (a view's text for a secure view, a routine's
//! body, a sequence's start): when the role may not see it, it is left out and its `*_hidden` flag set,
//! and the catalog keeps the last value it saw instead of recording a change (`hidden_details`).

use serde::{Deserialize, Serialize};

use super::model::ObjectKind;

fn is_false(b: &bool) -> bool {
    !*b
}

/// A view or materialized view's definition (SHOW VIEWS). The view's columns are `column` objects of the
/// `table` of the same name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct View {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    /// The whole CREATE statement; `None` while hidden.
    pub text: Option<String>,
    /// A secure view whose text the role may not see (only roles holding the owner role may).
    #[serde(default, skip_serializing_if = "is_false")]
    pub text_hidden: bool,
    pub is_secure: bool,
    pub is_materialized: bool,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
}

/// A dynamic table's refresh definition (SHOW DYNAMIC TABLES); it is also a `table` with its columns.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DynamicTable {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    /// The whole CREATE statement.
    pub text: Option<String>,
    pub target_lag: Option<String>,
    pub warehouse: Option<String>,
    /// `AUTO`, `FULL`, `INCREMENTAL`, ...
    pub refresh_mode: Option<String>,
    pub cluster_by: Option<String>,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
    #[serde(skip)]
    pub stats: DynamicTableStats,
}

/// A dynamic table's volatile state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DynamicTableStats {
    /// `RUNNING`, `ACTIVE` or `SUSPENDED`; a change is an operational event.
    pub scheduling_state: Option<String>,
    pub rows: Option<i64>,
    pub bytes: Option<i64>,
    pub data_timestamp: Option<String>,
    pub last_suspended_on: Option<String>,
}

/// A stream (SHOW STREAMS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stream {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    /// The source object as SHOW prints it (`DB.SCHEMA.TABLE`).
    pub source: Option<String>,
    /// `Table`, `View`, `External Table`, `Directory Table`.
    pub source_type: Option<String>,
    /// Always `DELTA` today.
    pub stream_type: Option<String>,
    /// `DEFAULT`, `APPEND_ONLY`, `INSERT_ONLY`.
    pub mode: Option<String>,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
    #[serde(skip)]
    pub stats: StreamStats,
}

/// A stream's volatile state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StreamStats {
    /// A stream gone stale must be re-created; a change is an operational event.
    pub stale: Option<bool>,
    pub stale_after: Option<String>,
    pub invalid_reason: Option<String>,
}

/// A task (SHOW TASKS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Task {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    pub schedule: Option<String>,
    pub warehouse: Option<String>,
    /// Predecessor tasks, fully qualified, in SHOW's order.
    pub predecessors: Vec<String>,
    pub condition: Option<String>,
    pub definition: Option<String>,
    /// `started` or `suspended`; a change is an operational event.
    pub state: Option<String>,
    /// Root tasks only.
    pub allow_overlapping_execution: Option<bool>,
    pub error_integration: Option<String>,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
    #[serde(skip)]
    pub stats: TaskStats,
}

/// A task's volatile state.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskStats {
    pub last_committed_on: Option<String>,
    pub last_suspended_on: Option<String>,
    pub last_suspended_reason: Option<String>,
}

/// A pipe (SHOW PIPES).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Pipe {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    /// The COPY statement.
    pub definition: Option<String>,
    /// Derived: SHOW PIPES has no such column; an auto-ingest pipe has a notification channel (S3) or a
    /// notification integration (GCS, Azure).
    pub auto_ingest: bool,
    pub notification_channel: Option<String>,
    pub integration: Option<String>,
    pub pattern: Option<String>,
    pub error_integration: Option<String>,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
}

/// A stage (SHOW STAGES). Credentials and keys are never read: only whether the stage has them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stage {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    pub url: Option<String>,
    /// `INTERNAL`, `EXTERNAL`, `INTERNAL TEMPORARY`, ...
    pub stage_type: Option<String>,
    pub cloud: Option<String>,
    pub storage_integration: Option<String>,
    pub has_credentials: bool,
    pub has_encryption_key: bool,
    pub directory_enabled: bool,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
}

/// A user function or procedure (SHOW USER FUNCTIONS / PROCEDURES, body from INFORMATION_SCHEMA). Each
/// overload is its own object, keyed by its argument types.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Routine {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    /// `(NUMBER, VARCHAR)`.
    #[serde(skip)]
    pub signature: String,
    pub return_type: Option<String>,
    pub language: Option<String>,
    pub body: Option<String>,
    /// The role may not see the body (a secure routine it does not own, or one it holds no privilege on).
    #[serde(default, skip_serializing_if = "is_false")]
    pub body_hidden: bool,
    pub is_secure: bool,
    pub is_table_function: bool,
    pub comment: Option<String>,
    pub created: Option<String>,
}

/// A sequence (SHOW SEQUENCES; its start from INFORMATION_SCHEMA.SEQUENCES).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Sequence {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    pub start: Option<i64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub start_hidden: bool,
    pub increment: Option<i64>,
    pub ordered: bool,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
    /// Volatile: moves with every NEXTVAL.
    #[serde(skip)]
    pub next_value: Option<i64>,
}

/// The detail fields of a kind that its `*_hidden` flag covers, if it has any.
pub fn hidden_details(kind: ObjectKind) -> Option<(&'static str, &'static [&'static str])> {
    match kind {
        ObjectKind::View => Some(("text_hidden", &["text"])),
        ObjectKind::Function => Some(("body_hidden", &["body"])),
        ObjectKind::Procedure => Some(("body_hidden", &["body", "language"])),
        ObjectKind::Sequence => Some(("start_hidden", &["start"])),
        ObjectKind::Policy => Some(("body_hidden", &["body", "signature", "return_type"])),
        _ => None,
    }
}

/// Volatile fields whose every change is an operational event (`stale` of a stream, the scheduling state of
/// a dynamic table).
pub fn watched_stats(kind: ObjectKind) -> &'static [&'static str] {
    match kind {
        ObjectKind::Stream => &["stale"],
        ObjectKind::DynamicTable => &["scheduling_state"],
        _ => &[],
    }
}
