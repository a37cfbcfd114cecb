//! The kinds of object the catalog versions: their stored names, which listing owns each, and which
//! kind's removal takes another with it. Owns no object data (that is `model`) and no SQL.

use serde::{Deserialize, Serialize};

/// The kinds of object the catalog versions. `as_str` is the value stored in the `kind` columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    Database,
    Schema,
    Table,
    Column,
    Constraint,
    Grant,
    RoleMembership,
    FutureGrant,
    Warehouse,
    View,
    DynamicTable,
    Stream,
    Task,
    Pipe,
    Stage,
    Function,
    Procedure,
    Sequence,
    DatabaseRole,
    Policy,
    PolicyReference,
    Tag,
    TagReference,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 23] = [
        ObjectKind::Database,
        ObjectKind::Schema,
        ObjectKind::Table,
        ObjectKind::Column,
        ObjectKind::Constraint,
        ObjectKind::Grant,
        ObjectKind::RoleMembership,
        ObjectKind::FutureGrant,
        ObjectKind::Warehouse,
        ObjectKind::View,
        ObjectKind::DynamicTable,
        ObjectKind::Stream,
        ObjectKind::Task,
        ObjectKind::Pipe,
        ObjectKind::Stage,
        ObjectKind::Function,
        ObjectKind::Procedure,
        ObjectKind::Sequence,
        ObjectKind::DatabaseRole,
        ObjectKind::Policy,
        ObjectKind::PolicyReference,
        ObjectKind::Tag,
        ObjectKind::TagReference,
    ];

    /// The access kinds of issue 16 (`model_access`).
    pub const ACCESS: [ObjectKind; 5] = [
        ObjectKind::DatabaseRole,
        ObjectKind::Policy,
        ObjectKind::PolicyReference,
        ObjectKind::Tag,
        ObjectKind::TagReference,
    ];

    /// The schema-level kinds of issue 17 (`model_pipeline`), each listed by its own SHOW command.
    pub const PIPELINE: [ObjectKind; 9] = [
        ObjectKind::View,
        ObjectKind::DynamicTable,
        ObjectKind::Stream,
        ObjectKind::Task,
        ObjectKind::Pipe,
        ObjectKind::Stage,
        ObjectKind::Function,
        ObjectKind::Procedure,
        ObjectKind::Sequence,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Database => "database",
            ObjectKind::Schema => "schema",
            ObjectKind::Table => "table",
            ObjectKind::Column => "column",
            ObjectKind::Constraint => "constraint",
            ObjectKind::Grant => "grant",
            ObjectKind::RoleMembership => "role_membership",
            ObjectKind::FutureGrant => "future_grant",
            ObjectKind::Warehouse => "warehouse",
            ObjectKind::View => "view",
            ObjectKind::DynamicTable => "dynamic_table",
            ObjectKind::Stream => "stream",
            ObjectKind::Task => "task",
            ObjectKind::Pipe => "pipe",
            ObjectKind::Stage => "stage",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Sequence => "sequence",
            ObjectKind::DatabaseRole => "database_role",
            ObjectKind::Policy => "policy",
            ObjectKind::PolicyReference => "policy_reference",
            ObjectKind::Tag => "tag",
            ObjectKind::TagReference => "tag_reference",
        }
    }

    pub fn parse(s: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kind whose removal removes this kind's objects (containment), if any.
    pub fn parent(self) -> Option<ObjectKind> {
        match self {
            ObjectKind::Schema => Some(ObjectKind::Database),
            ObjectKind::Table => Some(ObjectKind::Schema),
            ObjectKind::Column | ObjectKind::Constraint => Some(ObjectKind::Table),
            // A view's or dynamic table's definition is the same relation as its `table`.
            ObjectKind::View | ObjectKind::DynamicTable => Some(ObjectKind::Table),
            ObjectKind::Stream
            | ObjectKind::Task
            | ObjectKind::Pipe
            | ObjectKind::Stage
            | ObjectKind::Function
            | ObjectKind::Procedure
            | ObjectKind::Sequence
            | ObjectKind::Policy
            | ObjectKind::Tag => Some(ObjectKind::Schema),
            ObjectKind::DatabaseRole => Some(ObjectKind::Database),
            // A reference is removed with the table it protects (policies) or by its own listing (tags).
            ObjectKind::PolicyReference => Some(ObjectKind::Table),
            _ => None,
        }
    }
}

impl std::fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
