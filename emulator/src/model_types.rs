//! The plain data types of the emulator's account model (objects, columns, constraints, grants).
//!
//! Data only: no parsing, no rendering, no visibility rules. Kept compact (a 2M-column account must stay
//! well under 2 GB), so optional text is `Option<Box<str>>` and numbers are small integers.

/// A database and its schemas (INFORMATION_SCHEMA is virtual and never stored here).
#[derive(Debug, Clone)]
pub struct Database {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    pub transient: bool,
    pub retention_time: u32,
    pub created_on: i64,
    pub last_altered: i64,
    pub schemas: Vec<Schema>,
}

#[derive(Debug, Clone)]
pub struct Schema {
    pub name: String,
    pub owner: String,
    pub comment: Option<String>,
    pub transient: bool,
    pub managed_access: bool,
    pub retention_time: u32,
    pub created_on: i64,
    pub last_altered: i64,
    pub tables: Vec<Table>,
    /// Streams, tasks, pipes, stages, functions, procedures and sequences.
    pub objects: super::model_pipeline::SchemaObjects,
}

/// What a table-like object is. Snowflake's INFORMATION_SCHEMA.TABLES `TABLE_TYPE` and SHOW `kind` derive
/// from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Base,
    Transient,
    Temporary,
    External,
    View,
    MaterializedView,
    /// A dynamic table (`BASE TABLE` with `IS_DYNAMIC`); its definition is `Table::dynamic`.
    Dynamic,
    /// `CREATE HYBRID TABLE` (`BASE TABLE` with `IS_HYBRID`).
    Hybrid,
    /// `CREATE ICEBERG TABLE` (`BASE TABLE` with `IS_ICEBERG`).
    Iceberg,
    /// `CREATE EVENT TABLE` (`TABLE_TYPE = 'EVENT TABLE'`).
    Event,
}

impl TableKind {
    pub fn is_view(self) -> bool {
        matches!(self, TableKind::View | TableKind::MaterializedView)
    }

    /// The `granted_on` / future-grant object type word.
    pub fn object_type(self) -> &'static str {
        match self {
            TableKind::View => "VIEW",
            TableKind::MaterializedView => "MATERIALIZED_VIEW",
            TableKind::External => "EXTERNAL_TABLE",
            TableKind::Dynamic => "DYNAMIC_TABLE",
            TableKind::Event => "EVENT_TABLE",
            TableKind::Iceberg => "ICEBERG_TABLE",
            _ => "TABLE",
        }
    }
}

/// A table, view, materialized view or external table.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub kind: TableKind,
    pub owner: String,
    pub comment: Option<String>,
    /// The view's full DDL text (`SHOW VIEWS.text`, `VIEWS.VIEW_DEFINITION`).
    pub view_text: Option<String>,
    pub secure: bool,
    pub cluster_by: Option<String>,
    pub rows: u64,
    pub bytes: u64,
    pub retention_time: u32,
    pub created_on: i64,
    pub last_altered: i64,
    pub last_ddl: i64,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    /// The refresh definition of a dynamic table.
    pub dynamic: Option<Box<super::model_pipeline::DynamicSpec>>,
}

/// A column. `data_type` is the canonical Snowflake type.
#[derive(Debug, Clone)]
pub struct Column {
    pub name: String,
    pub data_type: DataType,
    pub nullable: bool,
    pub default: Option<Box<str>>,
    /// `(start, increment)` for IDENTITY / AUTOINCREMENT columns.
    pub identity: Option<(i64, i64)>,
    pub comment: Option<Box<str>>,
}

/// Canonical Snowflake column types (INFORMATION_SCHEMA `DATA_TYPE`), with their parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataType {
    Number { precision: u8, scale: u8 },
    Float,
    Text { length: u32 },
    Binary { length: u32 },
    Boolean,
    Date,
    Time { scale: u8 },
    TimestampNtz { scale: u8 },
    TimestampLtz { scale: u8 },
    TimestampTz { scale: u8 },
    Variant,
    Object,
    Array,
    Geography,
    Geometry,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
}

/// A PRIMARY KEY, UNIQUE or FOREIGN KEY constraint on a table (never enforced on standard tables).
#[derive(Debug, Clone)]
pub struct Constraint {
    pub name: String,
    pub kind: ConstraintKind,
    pub columns: Vec<String>,
    pub rely: bool,
    pub enforced: bool,
    pub comment: Option<String>,
    pub created_on: i64,
    /// Only for foreign keys.
    pub references: Option<ForeignRef>,
}

/// The parent side of a foreign key.
#[derive(Debug, Clone)]
pub struct ForeignRef {
    pub database: String,
    pub schema: String,
    pub table: String,
    pub columns: Vec<String>,
    /// The name of the referenced PRIMARY KEY / UNIQUE constraint.
    pub constraint_name: String,
    pub update_rule: String,
    pub delete_rule: String,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub owner: String,
    pub comment: String,
    pub created_on: i64,
}

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub login_name: String,
    pub display_name: String,
    pub email: Option<String>,
    pub default_role: Option<String>,
    pub default_warehouse: Option<String>,
    pub default_namespace: Option<String>,
    pub disabled: bool,
    pub comment: Option<String>,
    pub owner: String,
    pub created_on: i64,
    pub has_password: bool,
    pub has_rsa_public_key: bool,
    pub user_type: Option<String>,
}

/// A warehouse with every property SHOW WAREHOUSES reports.
#[derive(Debug, Clone)]
pub struct Warehouse {
    pub name: String,
    /// `STARTED` or `SUSPENDED`.
    pub state: String,
    /// `STANDARD` or `SNOWPARK-OPTIMIZED`.
    pub warehouse_type: String,
    /// Display form: `X-Small`, `Small`, ..., `6X-Large`.
    pub size: String,
    pub min_cluster_count: u32,
    pub max_cluster_count: u32,
    /// Seconds; `None` means never suspend.
    pub auto_suspend: Option<u32>,
    pub auto_resume: bool,
    pub scaling_policy: String,
    pub resource_monitor: Option<String>,
    pub enable_query_acceleration: bool,
    pub query_acceleration_max_scale_factor: u32,
    pub owner: String,
    pub comment: Option<String>,
    pub created_on: i64,
    pub resumed_on: i64,
    pub updated_on: i64,
    pub uuid: String,
}

/// What a grant is on. Names are stored (unquoted) forms.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GrantTarget {
    Account,
    Database(String),
    Schema(String, String),
    /// A table-like object; the kind word is `TABLE`, `VIEW`, `MATERIALIZED_VIEW` or `EXTERNAL_TABLE`.
    Object {
        kind: &'static str,
        database: String,
        schema: String,
        name: String,
    },
    Warehouse(String),
    /// A role granted to the grantee (privilege `USAGE`).
    Role(String),
    User(String),
    /// A database role `(database, name)` granted to the grantee (privilege `USAGE`).
    DatabaseRole(String, String),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Grantee {
    Role(String),
    User(String),
    /// A database role `(database, name)`.
    DatabaseRole(String, String),
}

impl Grantee {
    /// The grantee's name; bare (without its database) for a database role.
    pub fn name(&self) -> &str {
        match self {
            Grantee::Role(n) | Grantee::User(n) | Grantee::DatabaseRole(_, n) => n,
        }
    }
}

/// One privilege (or role) granted to a role or user.
#[derive(Debug, Clone)]
pub struct Grant {
    /// `USAGE`, `SELECT`, `OWNERSHIP`, `CREATE SCHEMA`, ... (role grants use `USAGE`).
    pub privilege: String,
    pub target: GrantTarget,
    pub grantee: Grantee,
    pub grant_option: bool,
    /// The granting role; empty for grants made by the system.
    pub granted_by: String,
    pub created_on: i64,
}

/// Where a future grant applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FutureScope {
    Database(String),
    Schema(String, String),
}

/// `GRANT <privilege> ON FUTURE <objects> IN {DATABASE d | SCHEMA d.s} TO ROLE r`.
#[derive(Debug, Clone)]
pub struct FutureGrant {
    pub privilege: String,
    /// Singular object type: `TABLE`, `VIEW`, `SCHEMA`, `MATERIALIZED_VIEW`, `EXTERNAL_TABLE`.
    pub object_type: String,
    pub scope: FutureScope,
    /// The grantee role's name (bare for a database role).
    pub grantee: String,
    /// `Some(db)` when the grantee is the database role `db.grantee`, `None` for an account role.
    pub grantee_database: Option<String>,
    pub grant_option: bool,
    pub created_on: i64,
}
