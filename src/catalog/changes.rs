//! Change events and their severity rules.
//!
//! Pure functions: given a kind and the old/new attribute JSON of one object, list the field changes and
//! classify each one. No SQL here. Rules (from issue 4): breaking = column or table removed, type narrowed,
//! nullable -> not null, PK/FK removed; additive = new objects, widening; cosmetic = comment; security =
//! any grant or ownership change. Documented with the rest in docs/catalog.md.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::model::ObjectKind;

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Modified,
    Renamed,
    Replaced,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Modified => "modified",
            ChangeKind::Renamed => "renamed",
            ChangeKind::Replaced => "replaced",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeKind> {
        [Self::Added, Self::Removed, Self::Modified, Self::Renamed, Self::Replaced]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// How much a change matters to someone who depends on the object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Breaking,
    Security,
    Additive,
    Cosmetic,
    /// Not a change of definition but of how an object runs: a task suspended or resumed, a stream gone
    /// stale, a dynamic table's scheduling suspended. Carried by the change feed and its own counter.
    Operational,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Breaking,
        Severity::Security,
        Severity::Additive,
        Severity::Cosmetic,
        Severity::Operational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Security => "security",
            Severity::Additive => "additive",
            Severity::Cosmetic => "cosmetic",
            Severity::Operational => "operational",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Kinds whose every change is a security change: grants, memberships, future grants, database roles,
/// policies (a body decides what a role sees) and policy attachments. Tag assignments are graded by the
/// account's sensitive tags after the diff (`diff_access`).
pub fn is_security_kind(kind: ObjectKind) -> bool {
    matches!(
        kind,
        ObjectKind::Grant
            | ObjectKind::RoleMembership
            | ObjectKind::FutureGrant
            | ObjectKind::DatabaseRole
            | ObjectKind::Policy
            | ObjectKind::PolicyReference
    )
}

/// Severity of an object appearing.
pub fn added_severity(kind: ObjectKind) -> Severity {
    if is_security_kind(kind) { Severity::Security } else { Severity::Additive }
}

/// Severity of an object disappearing: every removal breaks someone, except grants which are security.
pub fn removed_severity(kind: ObjectKind) -> Severity {
    if is_security_kind(kind) { Severity::Security } else { Severity::Breaking }
}

/// One field that differs between two versions of an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub severity: Severity,
}

/// Text form of a JSON attribute value for the `before`/`after` columns (`None` for JSON null).
pub fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// The differing fields of two attribute objects, each with its severity, in field order of `new`.
pub fn field_changes(
    kind: ObjectKind,
    old: &Map<String, Value>,
    new: &Map<String, Value>,
) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut fields: Vec<&String> = new.keys().collect();
    fields.extend(old.keys().filter(|k| !new.contains_key(*k)));
    let hidden = super::model_pipeline::hidden_details(kind);
    for field in fields {
        // What the role may see is not the object: a hidden flag flipping, or a detail seen for the first
        // time after being hidden, is no change (a hidden detail keeps its last value, see `diff`).
        if let Some((flag, details)) = hidden
            && (field == flag
                || (details.contains(&field.as_str()) && old.get(flag) == Some(&Value::Bool(true))))
        {
            continue;
        }
        let before = old.get(field).unwrap_or(&Value::Null);
        let after = new.get(field).unwrap_or(&Value::Null);
        if before == after {
            continue;
        }
        out.push(FieldChange {
            field: field.clone(),
            before: value_text(before),
            after: value_text(after),
            severity: field_severity(kind, field, before, after),
        });
    }
    out
}

/// Classify one field change.
pub fn field_severity(kind: ObjectKind, field: &str, before: &Value, after: &Value) -> Severity {
    if is_security_kind(kind) || field == "owner" {
        return Severity::Security;
    }
    if kind == ObjectKind::Task && field == "state" {
        return Severity::Operational;
    }
    // A foreign key follows its parent's system-named key when the parent table is re-created.
    if field == "referenced_constraint"
        && [before, after].iter().all(|v| v.as_str().is_some_and(super::rename::is_system_constraint_name))
    {
        return Severity::Cosmetic;
    }
    match field {
        // `last_ddl` moves with every DDL on the table; the DDL's own effect is reported on the column,
        // constraint or attribute it touched, so the timestamp alone tells a reader nothing new.
        "comment" | "last_ddl" => Severity::Cosmetic,
        "data_type"
        | "numeric_scale"
        | "table_type"
        | "columns"
        | "referenced_columns"
        | "referenced_table"
        | "referenced_schema"
        | "referenced_database"
        | "referenced_constraint" => Severity::Breaking,
        "character_maximum_length" | "numeric_precision" | "datetime_precision" => {
            match (before.as_i64(), after.as_i64()) {
                (Some(b), Some(a)) if a >= b => Severity::Additive,
                (None, Some(_)) => Severity::Breaking,
                (Some(_), None) => Severity::Additive,
                _ => Severity::Breaking,
            }
        }
        // true -> false is nullable -> not null.
        "is_nullable" => {
            if before.as_bool() == Some(true) && after.as_bool() == Some(false) {
                Severity::Breaking
            } else {
                Severity::Additive
            }
        }
        "column_default" | "is_identity" | "identity_start" | "identity_increment" => Severity::Breaking,
        "view_definition" => Severity::Breaking,
        _ => Severity::Additive,
    }
}

/// Severity of a new definition text (a view's or dynamic table's query, a task's SQL, a routine's body):
/// `breaking` when the relation's column list changed with it, `cosmetic` when only whitespace differs,
/// else `additive` (same shape, new logic).
pub fn definition_severity(before: Option<&str>, after: Option<&str>, columns_changed: bool) -> Severity {
    let words = |s: Option<&str>| s.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
    if columns_changed {
        Severity::Breaking
    } else if words(before) == words(after) {
        Severity::Cosmetic
    } else {
        Severity::Additive
    }
}

/// Fields holding definition text, whose change `definition_severity` classifies.
pub fn is_definition(kind: ObjectKind, field: &str) -> bool {
    matches!(
        (kind, field),
        (ObjectKind::View | ObjectKind::DynamicTable, "text")
            | (ObjectKind::Task | ObjectKind::Pipe, "definition")
            | (ObjectKind::Function | ObjectKind::Procedure, "body")
    )
}

/// Severity of a rename (old name gone for every reader): breaking.
pub fn renamed_severity() -> Severity {
    Severity::Breaking
}

/// Severity of CREATE OR REPLACE: the object was recreated (data, grants and history reset): breaking.
pub fn replaced_severity(kind: ObjectKind) -> Severity {
    if is_security_kind(kind) { Severity::Security } else { Severity::Breaking }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn widening_is_additive_and_narrowing_is_breaking() {
        let old = map(json!({"data_type": "TEXT", "character_maximum_length": 100, "is_nullable": true}));
        let wide = map(json!({"data_type": "TEXT", "character_maximum_length": 200, "is_nullable": true}));
        let narrow = map(json!({"data_type": "TEXT", "character_maximum_length": 50, "is_nullable": false}));
        let c = field_changes(ObjectKind::Column, &old, &wide);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].severity, Severity::Additive);
        assert_eq!(c[0].before.as_deref(), Some("100"));
        let c = field_changes(ObjectKind::Column, &old, &narrow);
        assert_eq!(
            c.iter().map(|c| c.severity).collect::<Vec<_>>(),
            [Severity::Breaking, Severity::Breaking]
        );
    }

    #[test]
    fn definitions_break_only_with_their_columns_and_hidden_details_never_change() {
        assert_eq!(
            definition_severity(Some("SELECT a FROM t"), Some("SELECT a  FROM t\n"), false),
            Severity::Cosmetic
        );
        assert_eq!(
            definition_severity(Some("SELECT a FROM t"), Some("SELECT a FROM u"), false),
            Severity::Additive
        );
        assert_eq!(
            definition_severity(Some("SELECT a FROM t"), Some("SELECT b FROM t"), true),
            Severity::Breaking
        );
        let seen = map(json!({"text": "SELECT 1", "is_secure": true}));
        let hidden = map(json!({"text": "SELECT 1", "text_hidden": true, "is_secure": true}));
        assert!(field_changes(ObjectKind::View, &seen, &hidden).is_empty(), "hidden is not changed");
        let never_seen = map(json!({"text_hidden": true, "is_secure": true}));
        assert!(
            field_changes(ObjectKind::View, &never_seen, &seen).is_empty(),
            "first sight is not a change"
        );
        let task = field_changes(
            ObjectKind::Task,
            &map(json!({"state": "started"})),
            &map(json!({"state": "suspended"})),
        );
        assert_eq!(task[0].severity, Severity::Operational);
    }

    #[test]
    fn comment_is_cosmetic_owner_is_security() {
        let old = map(json!({"owner": "A", "comment": null, "last_ddl": "2025-01-01T00:00:00Z"}));
        let new = map(json!({"owner": "B", "comment": "hello", "last_ddl": "2026-01-01T00:00:00Z"}));
        let c = field_changes(ObjectKind::Table, &old, &new);
        let sev = |f: &str| c.iter().find(|x| x.field == f).map(|x| (x.severity, x.before.clone()));
        assert_eq!(sev("owner"), Some((Severity::Security, Some("A".into()))));
        assert_eq!(sev("comment"), Some((Severity::Cosmetic, None)));
        assert_eq!(sev("last_ddl"), Some((Severity::Cosmetic, Some("2025-01-01T00:00:00Z".into()))));
        assert_eq!(c.len(), 3);
    }
}
