//! The schema-level objects a platform team owns beside tables and views: streams, tasks, pipes, stages,
//! user functions, procedures and sequences, plus the definition of a dynamic table (which is a table in
//! every other respect: INFORMATION_SCHEMA.TABLES lists it as a `BASE TABLE` with `IS_DYNAMIC = YES`).
//!
//! Data only: no parsing (`ddl_pipeline.rs`, `ddl_routine.rs`), no rendering (`show_pipeline.rs`,
//! `info_pipeline.rs`), no visibility rules. Timestamps are milliseconds since the epoch.

/// The objects of one schema other than tables and views.
#[derive(Debug, Clone, Default)]
pub struct SchemaObjects {
    pub streams: Vec<Stream>,
    pub tasks: Vec<Task>,
    pub pipes: Vec<Pipe>,
    pub stages: Vec<Stage>,
    pub functions: Vec<Routine>,
    pub procedures: Vec<Routine>,
    pub sequences: Vec<Sequence>,
}

/// What a dynamic table adds to its table: the refresh definition and its scheduling state.
#[derive(Debug, Clone)]
pub struct DynamicSpec {
    /// The whole CREATE statement, as SHOW DYNAMIC TABLES `text` prints it.
    pub text: String,
    /// `'1 minute'`, `DOWNSTREAM`, ... as given.
    pub target_lag: String,
    pub warehouse: String,
    /// `AUTO`, `FULL` or `INCREMENTAL` as given (default `AUTO`).
    pub refresh_mode: String,
    /// `RUNNING` or `SUSPENDED`.
    pub scheduling_state: String,
    pub last_suspended_on: Option<i64>,
    /// When the last refresh read its sources (the creation time until a refresh runs).
    pub data_timestamp: i64,
}

/// A stream on a table or view.
#[derive(Debug, Clone)]
pub struct Stream {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    /// The source object, fully qualified as SHOW STREAMS `table_name` prints it (`DB.SCHEMA.TABLE`).
    pub source: String,
    /// `Table`, `View`, `External Table`, `Directory Table`.
    pub source_type: String,
    /// `DEFAULT`, `APPEND_ONLY` or `INSERT_ONLY`.
    pub mode: String,
    /// Set when the source's history the stream needs is gone (e.g. the source was re-created).
    pub stale: bool,
    /// When the stream becomes stale unless it is read.
    pub stale_after: i64,
    pub created_on: i64,
}

/// Whether a task runs on its schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskState {
    Started,
    Suspended,
}

/// A task: a schedule (or predecessors), a warehouse and a SQL statement.
#[derive(Debug, Clone)]
pub struct Task {
    pub name: String,
    /// Changes on every CREATE OR REPLACE.
    pub id: String,
    pub owner: String,
    pub comment: Option<String>,
    pub warehouse: Option<String>,
    pub schedule: Option<String>,
    /// Predecessor tasks, fully qualified (`DB.SCHEMA.TASK`).
    pub predecessors: Vec<String>,
    pub condition: Option<String>,
    pub definition: String,
    pub state: TaskState,
    pub allow_overlapping_execution: bool,
    pub error_integration: Option<String>,
    pub created_on: i64,
    pub last_suspended_on: Option<i64>,
}

/// A Snowpipe pipe.
#[derive(Debug, Clone)]
pub struct Pipe {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    /// The COPY statement.
    pub definition: String,
    /// The SQS queue ARN of an auto-ingest pipe on S3.
    pub notification_channel: Option<String>,
    /// The notification integration of an auto-ingest pipe on GCS / Azure.
    pub integration: Option<String>,
    pub pattern: Option<String>,
    pub error_integration: Option<String>,
    /// `PIPE_EXECUTION_PAUSED` (not shown by SHOW PIPES).
    pub paused: bool,
    pub created_on: i64,
}

/// A named stage.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    /// External stages only.
    pub url: Option<String>,
    /// `INTERNAL`, `EXTERNAL` or `INTERNAL TEMPORARY`.
    pub stage_type: String,
    pub cloud: Option<String>,
    pub storage_integration: Option<String>,
    /// Credentials were given (never stored).
    pub has_credentials: bool,
    /// An encryption key was given (never stored).
    pub has_encryption_key: bool,
    pub directory_enabled: bool,
    pub created_on: i64,
}

/// A user-defined function or a stored procedure. Overloads are separate routines.
#[derive(Debug, Clone)]
pub struct Routine {
    pub name: String,
    /// (argument name, canonical type name) in order.
    pub arguments: Vec<(String, String)>,
    /// Canonical type name, or `TABLE (...)` for table functions.
    pub returns: String,
    /// `SQL`, `JAVASCRIPT`, `PYTHON`, `JAVA`, `SCALA`.
    pub language: String,
    pub body: String,
    pub secure: bool,
    pub owner: String,
    pub comment: Option<String>,
    pub created_on: i64,
    pub last_altered: i64,
}

impl Routine {
    /// The argument types, `(NUMBER, VARCHAR)`.
    pub fn signature(&self) -> String {
        let types: Vec<&str> = self.arguments.iter().map(|(_, t)| t.as_str()).collect();
        format!("({})", types.join(", "))
    }

    /// The name with its argument types, `ADD_ONE(NUMBER)`: how grants name one overload.
    pub fn name_with_signature(&self) -> String {
        format!("{}{}", self.name, self.signature())
    }

    pub fn is_table_function(&self) -> bool {
        self.returns.starts_with("TABLE")
    }
}

/// A sequence.
#[derive(Debug, Clone)]
pub struct Sequence {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    pub start: i64,
    pub increment: i64,
    /// The next value `NEXTVAL` would hand out.
    pub next_value: i64,
    pub ordered: bool,
    pub created_on: i64,
    pub last_altered: i64,
}
