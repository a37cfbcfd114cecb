//! The catalog's input boundary: typed metadata objects, listing scopes and scope outcomes.
//!
//! The crawler builds these from SHOW / INFORMATION_SCHEMA rows and hands them to a `RunWriter`. Names are
//! Snowflake's stored names (case-sensitive, unquoted). Timestamps are RFC 3339 text in UTC. Nothing here
//! knows HTTP, the SQL API or SQLite; serialisation of the versioned attributes (not the keys, not the
//! volatile statistics) is what the store compares between runs.

use serde::{Deserialize, Serialize};

pub use super::model_access::*;
pub use super::model_pipeline::*;

pub use super::key::{KEY_PARTS, ObjectKey};
pub use super::kind::ObjectKind;

/// A database (SHOW DATABASES / INFORMATION_SCHEMA.DATABASES).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Database {
    #[serde(skip)]
    pub name: String,
    /// `STANDARD`, `IMPORTED DATABASE`, `APPLICATION`, ...
    pub kind: Option<String>,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
    pub retention_time: Option<i64>,
    pub is_transient: bool,
    /// Source of an imported database (`origin`), empty for local ones.
    pub origin: Option<String>,
}

/// A schema (SHOW SCHEMAS / INFORMATION_SCHEMA.SCHEMATA).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schema {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub name: String,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
    pub retention_time: Option<i64>,
    pub is_transient: bool,
    pub is_managed_access: bool,
}

/// A table or view (INFORMATION_SCHEMA.TABLES / SHOW TABLES / SHOW VIEWS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Table {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub name: String,
    /// INFORMATION_SCHEMA `TABLE_TYPE`: `BASE TABLE`, `VIEW`, `MATERIALIZED VIEW`, `EXTERNAL TABLE`, ...
    pub table_type: String,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
    /// Time of the last DDL (`LAST_DDL`), when known; versioned because it changes only with DDL.
    pub last_ddl: Option<String>,
    pub clustering_key: Option<String>,
    pub retention_time: Option<i64>,
    pub is_transient: bool,
    pub is_secure: bool,
    /// `IS_DYNAMIC`, `IS_ICEBERG`, `IS_HYBRID` (INFORMATION_SCHEMA.TABLES): left out of the attributes while
    /// false, so catalogs written before these flags existed see no change.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_dynamic: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_iceberg: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_hybrid: bool,
    /// View text, when the role may see it.
    pub view_definition: Option<String>,
    /// Volatile, never versioned (row count, bytes, last_altered).
    #[serde(skip)]
    pub stats: TableStats,
}

/// Statistics that change without DDL; kept apart from versions, never a schema change.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TableStats {
    pub row_count: Option<i64>,
    pub bytes: Option<i64>,
    pub last_altered: Option<String>,
}

impl TableStats {
    pub fn is_empty(&self) -> bool {
        self.row_count.is_none() && self.bytes.is_none() && self.last_altered.is_none()
    }
}

/// A column (INFORMATION_SCHEMA.COLUMNS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Column {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub table: String,
    #[serde(skip)]
    pub name: String,
    pub ordinal_position: i64,
    /// Canonical type name (`NUMBER`, `TEXT`, `TIMESTAMP_NTZ`, ...).
    pub data_type: String,
    pub character_maximum_length: Option<i64>,
    pub numeric_precision: Option<i64>,
    pub numeric_scale: Option<i64>,
    pub datetime_precision: Option<i64>,
    pub is_nullable: bool,
    pub column_default: Option<String>,
    pub is_identity: bool,
    pub identity_start: Option<String>,
    pub identity_increment: Option<String>,
    pub comment: Option<String>,
}

/// PRIMARY KEY, UNIQUE or FOREIGN KEY.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConstraintType {
    #[serde(rename = "PRIMARY KEY")]
    PrimaryKey,
    #[serde(rename = "UNIQUE")]
    Unique,
    #[serde(rename = "FOREIGN KEY")]
    ForeignKey,
}

impl ConstraintType {
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintType::PrimaryKey => "PRIMARY KEY",
            ConstraintType::Unique => "UNIQUE",
            ConstraintType::ForeignKey => "FOREIGN KEY",
        }
    }

    pub fn parse(s: &str) -> Option<ConstraintType> {
        match s {
            "PRIMARY KEY" => Some(ConstraintType::PrimaryKey),
            "UNIQUE" | "UNIQUE KEY" => Some(ConstraintType::Unique),
            "FOREIGN KEY" => Some(ConstraintType::ForeignKey),
            _ => None,
        }
    }
}

/// A table constraint (SHOW PRIMARY/UNIQUE/IMPORTED KEYS, one object per constraint, columns in key order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    #[serde(skip)]
    pub database: String,
    #[serde(skip)]
    pub schema: String,
    #[serde(skip)]
    pub table: String,
    #[serde(skip)]
    pub name: String,
    #[serde(skip, default = "pk")]
    pub constraint_type: ConstraintType,
    /// Columns in `key_sequence` order.
    pub columns: Vec<String>,
    /// FOREIGN KEY only: the referenced table (database, schema, table) and its PK/UNIQUE constraint.
    pub referenced_database: Option<String>,
    pub referenced_schema: Option<String>,
    pub referenced_table: Option<String>,
    pub referenced_constraint: Option<String>,
    pub referenced_columns: Vec<String>,
    pub update_rule: Option<String>,
    pub delete_rule: Option<String>,
    pub rely: bool,
    pub enforced: bool,
    pub comment: Option<String>,
}

fn pk() -> ConstraintType {
    ConstraintType::PrimaryKey
}

/// A privilege granted to a role, database role, share or user (SHOW GRANTS TO ROLE / GRANTS_TO_ROLES).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Grant {
    /// `granted_to`: `ROLE`, `DATABASE_ROLE`, `SHARE`, `USER`, ...
    #[serde(skip)]
    pub grantee_type: String,
    #[serde(skip)]
    pub grantee_name: String,
    /// `granted_on`: `TABLE`, `SCHEMA`, `DATABASE`, `WAREHOUSE`, `ACCOUNT`, ...
    #[serde(skip)]
    pub granted_on: String,
    /// The object's name as SHOW GRANTS prints it (`DB.SCHEMA.TABLE`).
    #[serde(skip)]
    pub name: String,
    #[serde(skip)]
    pub privilege: String,
    pub grant_option: bool,
    /// Empty or `None` means Snowflake's SYSTEM role.
    pub granted_by: Option<String>,
    pub created: Option<String>,
}

/// A role granted to a role or a user (SHOW GRANTS OF ROLE / TO USER / GRANTS_TO_USERS).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RoleMembership {
    #[serde(skip)]
    pub role: String,
    /// `ROLE` or `USER`.
    #[serde(skip)]
    pub grantee_type: String,
    #[serde(skip)]
    pub grantee_name: String,
    pub granted_by: Option<String>,
    pub created: Option<String>,
    /// `DATABASE_ROLE` when `role` is a database role (`DB.ROLE`); absent for an account role.
    pub role_type: Option<String>,
}

/// A future grant in a database or schema (SHOW FUTURE GRANTS IN DATABASE / SCHEMA / TO ROLE).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FutureGrant {
    #[serde(skip)]
    pub database: String,
    /// `None` for a database-level future grant.
    #[serde(skip)]
    pub schema: Option<String>,
    /// `grant_on`: `TABLE`, `VIEW`, `SCHEMA`, ...
    #[serde(skip)]
    pub grant_on: String,
    #[serde(skip)]
    pub privilege: String,
    #[serde(skip)]
    pub grantee_name: String,
    /// `grant_to`: `ROLE` or `DATABASE_ROLE`.
    pub grantee_type: String,
    pub grant_option: bool,
    pub created: Option<String>,
}

/// A warehouse (SHOW WAREHOUSES).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Warehouse {
    #[serde(skip)]
    pub name: String,
    pub size: Option<String>,
    /// `type`: `STANDARD` or `SNOWPARK-OPTIMIZED`.
    pub warehouse_type: Option<String>,
    /// Seconds; `None` means never suspends.
    pub auto_suspend: Option<i64>,
    pub auto_resume: bool,
    pub min_cluster_count: Option<i64>,
    pub max_cluster_count: Option<i64>,
    pub scaling_policy: Option<String>,
    /// `None` when SHOW WAREHOUSES says `null`.
    pub resource_monitor: Option<String>,
    pub enable_query_acceleration: bool,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub created: Option<String>,
    /// Volatile, never versioned (state, running, queued, started clusters).
    #[serde(skip)]
    pub stats: WarehouseStats,
}

/// Warehouse state and load; kept apart from versions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WarehouseStats {
    pub state: Option<String>,
    pub running: Option<i64>,
    pub queued: Option<i64>,
    pub started_clusters: Option<i64>,
}

impl WarehouseStats {
    pub fn is_empty(&self) -> bool {
        self.state.is_none()
            && self.running.is_none()
            && self.queued.is_none()
            && self.started_clusters.is_none()
    }
}

/// One object of any kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    Database(Database),
    Schema(Schema),
    Table(Table),
    Column(Column),
    Constraint(Constraint),
    Grant(Grant),
    RoleMembership(RoleMembership),
    FutureGrant(FutureGrant),
    Warehouse(Warehouse),
    View(View),
    DynamicTable(DynamicTable),
    Stream(Stream),
    Task(Task),
    Pipe(Pipe),
    Stage(Stage),
    Function(Routine),
    Procedure(Routine),
    Sequence(Sequence),
    DatabaseRole(DatabaseRole),
    Policy(Policy),
    PolicyReference(PolicyReference),
    Tag(Tag),
    TagReference(TagReference),
}

impl Object {
    pub fn kind(&self) -> ObjectKind {
        match self {
            Object::Database(_) => ObjectKind::Database,
            Object::Schema(_) => ObjectKind::Schema,
            Object::Table(_) => ObjectKind::Table,
            Object::Column(_) => ObjectKind::Column,
            Object::Constraint(_) => ObjectKind::Constraint,
            Object::Grant(_) => ObjectKind::Grant,
            Object::RoleMembership(_) => ObjectKind::RoleMembership,
            Object::FutureGrant(_) => ObjectKind::FutureGrant,
            Object::Warehouse(_) => ObjectKind::Warehouse,
            Object::View(_) => ObjectKind::View,
            Object::DynamicTable(_) => ObjectKind::DynamicTable,
            Object::Stream(_) => ObjectKind::Stream,
            Object::Task(_) => ObjectKind::Task,
            Object::Pipe(_) => ObjectKind::Pipe,
            Object::Stage(_) => ObjectKind::Stage,
            Object::Function(_) => ObjectKind::Function,
            Object::Procedure(_) => ObjectKind::Procedure,
            Object::Sequence(_) => ObjectKind::Sequence,
            Object::DatabaseRole(_) => ObjectKind::DatabaseRole,
            Object::Policy(_) => ObjectKind::Policy,
            Object::PolicyReference(_) => ObjectKind::PolicyReference,
            Object::Tag(_) => ObjectKind::Tag,
            Object::TagReference(_) => ObjectKind::TagReference,
        }
    }

    /// The identity of the object. Part layout per kind is documented in docs/catalog.md.
    pub fn key(&self) -> ObjectKey {
        let k = self.kind();
        match self {
            Object::Database(o) => ObjectKey::new(k, &[&o.name]),
            Object::Schema(o) => ObjectKey::new(k, &[&o.database, &o.name]),
            Object::Table(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::Column(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.table, &o.name]),
            Object::Constraint(o) => {
                ObjectKey::new(k, &[&o.database, &o.schema, &o.table, &o.name, o.constraint_type.as_str()])
            }
            Object::Grant(o) => {
                ObjectKey::new(k, &[&o.grantee_type, &o.grantee_name, &o.granted_on, &o.name, &o.privilege])
            }
            Object::RoleMembership(o) => ObjectKey::new(k, &[&o.role, &o.grantee_type, &o.grantee_name]),
            Object::FutureGrant(o) => ObjectKey::new(
                k,
                &[&o.database, o.schema.as_deref().unwrap_or(""), &o.grant_on, &o.privilege, &o.grantee_name],
            ),
            Object::Warehouse(o) => ObjectKey::new(k, &[&o.name]),
            Object::View(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::DynamicTable(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::Stream(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::Task(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::Pipe(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::Stage(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::Function(o) | Object::Procedure(o) => {
                ObjectKey::new(k, &[&o.database, &o.schema, &o.name, &o.signature])
            }
            Object::Sequence(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::DatabaseRole(o) => ObjectKey::new(k, &[&o.database, &o.name]),
            Object::Policy(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name, &o.policy_kind]),
            Object::PolicyReference(o) => {
                ObjectKey::new(k, &[&o.database, &o.schema, &o.entity, &o.column, &o.policy])
            }
            Object::Tag(o) => ObjectKey::new(k, &[&o.database, &o.schema, &o.name]),
            Object::TagReference(o) => {
                ObjectKey::new(k, &[&o.database, &o.schema, &o.object, &o.column, &o.tag])
            }
        }
    }

    /// The versioned attributes as canonical JSON: keys and volatile stats excluded, fields in name order,
    /// null fields left out (absent reads as NULL).
    pub fn attrs_json(&self) -> Result<String, serde_json::Error> {
        let mut v = self.attrs_value()?;
        if let serde_json::Value::Object(m) = &mut v {
            m.retain(|_, x| !x.is_null());
        }
        serde_json::to_string(&v)
    }

    fn attrs_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        match self {
            Object::Database(o) => serde_json::to_value(o),
            Object::Schema(o) => serde_json::to_value(o),
            Object::Table(o) => serde_json::to_value(o),
            Object::Column(o) => serde_json::to_value(o),
            Object::Constraint(o) => serde_json::to_value(o),
            Object::Grant(o) => serde_json::to_value(o),
            Object::RoleMembership(o) => serde_json::to_value(o),
            Object::FutureGrant(o) => serde_json::to_value(o),
            Object::Warehouse(o) => serde_json::to_value(o),
            Object::View(o) => serde_json::to_value(o),
            Object::DynamicTable(o) => serde_json::to_value(o),
            Object::Stream(o) => serde_json::to_value(o),
            Object::Task(o) => serde_json::to_value(o),
            Object::Pipe(o) => serde_json::to_value(o),
            Object::Stage(o) => serde_json::to_value(o),
            Object::Function(o) | Object::Procedure(o) => serde_json::to_value(o),
            Object::Sequence(o) => serde_json::to_value(o),
            Object::DatabaseRole(o) => serde_json::to_value(o),
            Object::Policy(o) => serde_json::to_value(o),
            Object::PolicyReference(o) => serde_json::to_value(o),
            Object::Tag(o) => serde_json::to_value(o),
            Object::TagReference(o) => serde_json::to_value(o),
        }
    }

    /// The volatile statistics as JSON, if this kind has any and any were reported.
    pub fn stats_json(&self) -> Result<Option<String>, serde_json::Error> {
        match self {
            Object::Table(t) if !t.stats.is_empty() => serde_json::to_string(&t.stats).map(Some),
            Object::Warehouse(w) if !w.stats.is_empty() => serde_json::to_string(&w.stats).map(Some),
            Object::DynamicTable(d) if d.stats != DynamicTableStats::default() => {
                serde_json::to_string(&d.stats).map(Some)
            }
            Object::Stream(s) if s.stats != StreamStats::default() => {
                serde_json::to_string(&s.stats).map(Some)
            }
            Object::Task(t) if t.stats != TaskStats::default() => serde_json::to_string(&t.stats).map(Some),
            Object::Sequence(q) if q.next_value.is_some() => {
                serde_json::to_string(&serde_json::json!({ "next_value": q.next_value })).map(Some)
            }
            _ => Ok(None),
        }
    }

    /// Rebuild an object from its stored key and attributes (stats are not restored).
    pub fn from_stored(key: &ObjectKey, attrs: &str) -> Result<Object, serde_json::Error> {
        let p = &key.parts;
        let s = |i: usize| p[i].clone();
        Ok(match key.kind {
            ObjectKind::Database => Object::Database(Database { name: s(0), ..serde_json::from_str(attrs)? }),
            ObjectKind::Schema => {
                Object::Schema(Schema { database: s(0), name: s(1), ..serde_json::from_str(attrs)? })
            }
            ObjectKind::Table => Object::Table(Table {
                database: s(0),
                schema: s(1),
                name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Column => Object::Column(Column {
                database: s(0),
                schema: s(1),
                table: s(2),
                name: s(3),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Constraint => Object::Constraint(Constraint {
                database: s(0),
                schema: s(1),
                table: s(2),
                name: s(3),
                constraint_type: ConstraintType::parse(&p[4]).unwrap_or(ConstraintType::PrimaryKey),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Grant => Object::Grant(Grant {
                grantee_type: s(0),
                grantee_name: s(1),
                granted_on: s(2),
                name: s(3),
                privilege: s(4),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::RoleMembership => Object::RoleMembership(RoleMembership {
                role: s(0),
                grantee_type: s(1),
                grantee_name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::FutureGrant => Object::FutureGrant(FutureGrant {
                database: s(0),
                schema: if p[1].is_empty() { None } else { Some(s(1)) },
                grant_on: s(2),
                privilege: s(3),
                grantee_name: s(4),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Warehouse => {
                Object::Warehouse(Warehouse { name: s(0), ..serde_json::from_str(attrs)? })
            }
            ObjectKind::View => Object::View(View {
                database: s(0),
                schema: s(1),
                name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::DynamicTable => Object::DynamicTable(DynamicTable {
                database: s(0),
                schema: s(1),
                name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Stream => Object::Stream(Stream {
                database: s(0),
                schema: s(1),
                name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Task => Object::Task(Task {
                database: s(0),
                schema: s(1),
                name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Pipe => Object::Pipe(Pipe {
                database: s(0),
                schema: s(1),
                name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Stage => Object::Stage(Stage {
                database: s(0),
                schema: s(1),
                name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Function | ObjectKind::Procedure => {
                let r = Routine {
                    database: s(0),
                    schema: s(1),
                    name: s(2),
                    signature: s(3),
                    ..serde_json::from_str(attrs)?
                };
                if key.kind == ObjectKind::Function { Object::Function(r) } else { Object::Procedure(r) }
            }
            ObjectKind::Sequence => Object::Sequence(Sequence {
                database: s(0),
                schema: s(1),
                name: s(2),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::DatabaseRole => Object::DatabaseRole(DatabaseRole {
                database: s(0),
                name: s(1),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Policy => Object::Policy(Policy {
                database: s(0),
                schema: s(1),
                name: s(2),
                policy_kind: s(3),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::PolicyReference => Object::PolicyReference(PolicyReference {
                database: s(0),
                schema: s(1),
                entity: s(2),
                column: s(3),
                policy: s(4),
                ..serde_json::from_str(attrs)?
            }),
            ObjectKind::Tag => {
                Object::Tag(Tag { database: s(0), schema: s(1), name: s(2), ..serde_json::from_str(attrs)? })
            }
            ObjectKind::TagReference => Object::TagReference(TagReference {
                database: s(0),
                schema: s(1),
                object: s(2),
                column: s(3),
                tag: s(4),
                ..serde_json::from_str(attrs)?
            }),
        })
    }
}
