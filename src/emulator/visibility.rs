//! What a role can see: its role closure (granted roles are inherited, PUBLIC always), whether it holds
//! MANAGE GRANTS (ACCOUNTADMIN/SECURITYADMIN by default; SHOW then lists everything), and the set of
//! objects it holds any privilege on (ownership included).
//!
//! Read-only over the account; knows nothing of SQL text or result shapes.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use super::model::Account;
use super::model_types::{GrantTarget, Grantee};

/// A role's view of the account, computed once per statement.
pub struct View {
    pub roles: HashSet<String>,
    pub manage_grants: bool,
    /// Hashes of (kind, database, schema, name) keys the role holds a privilege on.
    held: HashSet<u64>,
}

fn key(kind: u8, parts: &[&str]) -> u64 {
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    for p in parts {
        p.hash(&mut h);
    }
    h.finish()
}

const DB: u8 = 1;
const SCHEMA: u8 = 2;
const OBJECT: u8 = 3;
const WAREHOUSE: u8 = 4;

/// Every role `role` inherits (itself included), following role grants downwards, plus PUBLIC.
pub fn role_closure(account: &Account, role: &str) -> HashSet<String> {
    // One pass over the grants to index role-to-role edges, then a walk over the index.
    let mut children: std::collections::HashMap<&str, Vec<&str>> = std::collections::HashMap::new();
    for g in &account.grants {
        if let (GrantTarget::Role(child), Grantee::Role(parent)) = (&g.target, &g.grantee)
            && g.privilege == "USAGE"
        {
            children.entry(parent.as_str()).or_default().push(child.as_str());
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut stack = vec![role, "PUBLIC"];
    while let Some(r) = stack.pop() {
        if !seen.insert(r.to_string()) {
            continue;
        }
        if let Some(c) = children.get(r) {
            stack.extend(c.iter().copied());
        }
    }
    seen
}

impl View {
    pub fn new(account: &Account, role: &str) -> View {
        let roles = role_closure(account, role);
        let mut held = HashSet::new();
        let mut manage_grants = roles.contains("ACCOUNTADMIN") || roles.contains("SECURITYADMIN");
        for g in &account.grants {
            let Grantee::Role(r) = &g.grantee else { continue };
            if !roles.contains(r) {
                continue;
            }
            match &g.target {
                GrantTarget::Account if g.privilege == "MANAGE GRANTS" => manage_grants = true,
                GrantTarget::Database(d) => {
                    held.insert(key(DB, &[d]));
                }
                GrantTarget::Schema(d, s) => {
                    held.insert(key(SCHEMA, &[d, s]));
                }
                GrantTarget::Object { database, schema, name, .. } => {
                    held.insert(key(OBJECT, &[database, schema, name]));
                }
                GrantTarget::Warehouse(w) => {
                    held.insert(key(WAREHOUSE, &[w]));
                }
                _ => {}
            }
        }
        View { roles, manage_grants, held }
    }

    /// May the role use the database (INFORMATION_SCHEMA, `IN DATABASE`)? Ignores MANAGE GRANTS.
    pub fn database(&self, db: &str) -> bool {
        self.held.contains(&key(DB, &[db]))
    }

    pub fn schema(&self, db: &str, schema: &str) -> bool {
        self.database(db) && self.held.contains(&key(SCHEMA, &[db, schema]))
    }

    pub fn object(&self, db: &str, schema: &str, name: &str) -> bool {
        self.schema(db, schema) && self.held.contains(&key(OBJECT, &[db, schema, name]))
    }

    pub fn warehouse(&self, name: &str) -> bool {
        self.manage_grants || self.held.contains(&key(WAREHOUSE, &[name]))
    }

    /// SHOW visibility: MANAGE GRANTS sees everything.
    pub fn show_database(&self, db: &str) -> bool {
        self.manage_grants || self.database(db)
    }

    pub fn show_schema(&self, db: &str, schema: &str) -> bool {
        self.manage_grants || self.schema(db, schema)
    }

    pub fn show_object(&self, db: &str, schema: &str, name: &str) -> bool {
        self.manage_grants || self.object(db, schema, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::model::Account;

    #[test]
    fn closure_follows_role_grants_and_includes_public() {
        let a = Account::from_sql("CREATE ROLE A; CREATE ROLE B; GRANT ROLE B TO ROLE A;").unwrap();
        let c = role_closure(&a, "A");
        assert!(c.contains("A") && c.contains("B") && c.contains("PUBLIC"));
        assert!(!role_closure(&a, "B").contains("A"));
        let admin = role_closure(&a, "ACCOUNTADMIN");
        assert!(admin.contains("SYSADMIN") && admin.contains("USERADMIN"));
    }
}
