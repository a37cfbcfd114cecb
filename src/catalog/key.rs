//! An object's identity in the catalog: its kind and up to five name parts, and how it reads to a person.
//!
//! Owns the key only; the objects themselves are in `model`. Knows nothing of SQLite or the SQL API.

use serde::{Deserialize, Serialize};

use super::kind::ObjectKind;

/// How many key columns an object has at most (`p1`..`p5` in the store).
pub const KEY_PARTS: usize = 5;

/// An object's identity: its kind and up to five name parts (unused parts are empty strings).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ObjectKey {
    pub kind: ObjectKind,
    pub parts: [String; KEY_PARTS],
}

impl ObjectKey {
    pub fn new(kind: ObjectKind, parts: &[&str]) -> ObjectKey {
        let mut p: [String; KEY_PARTS] = Default::default();
        for (slot, v) in p.iter_mut().zip(parts) {
            *slot = (*v).to_string();
        }
        ObjectKey { kind, parts: p }
    }

    /// A dotted display name, e.g. `DB.S.T.C`; grants read `PRIVILEGE on TYPE NAME to TYPE GRANTEE`.
    pub fn display(&self) -> String {
        let p = &self.parts;
        match self.kind {
            ObjectKind::Grant => format!("{} on {} {} to {} {}", p[4], p[2], p[3], p[0], p[1]),
            ObjectKind::RoleMembership => format!("role {} to {} {}", p[0], p[1], p[2]),
            ObjectKind::FutureGrant => {
                let scope = if p[1].is_empty() { p[0].clone() } else { format!("{}.{}", p[0], p[1]) };
                format!("{} on future {} in {} to {}", p[3], p[2], scope, p[4])
            }
            ObjectKind::Constraint => format!("{}.{}.{}.{}", p[0], p[1], p[2], p[3]),
            ObjectKind::Function | ObjectKind::Procedure => format!("{}.{}.{}{}", p[0], p[1], p[2], p[3]),
            _ => p.iter().filter(|s| !s.is_empty()).cloned().collect::<Vec<_>>().join("."),
        }
    }
}
