//! What a role can see: its role closure (granted account and database roles are inherited, PUBLIC
//! always), whether it holds MANAGE GRANTS (ACCOUNTADMIN/SECURITYADMIN by default; SHOW then lists everything), and the set of
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

/// The closure key of database role `db.name`: never equal to an account role's name (it holds a
/// control character no identifier the emulator stores can contain unquoted).
pub fn database_role_key(db: &str, name: &str) -> String {
    format!("{db}\u{1}{name}")
}

/// The closure key of a grantee or role target, when it is a role of either kind.
fn role_key(target: &GrantTarget) -> Option<String> {
    match target {
        GrantTarget::Role(r) => Some(r.clone()),
        GrantTarget::DatabaseRole(d, r) => Some(database_role_key(d, r)),
        _ => None,
    }
}

/// Whether a grantee is in a role closure (account roles by name, database roles by their key).
pub fn holds(roles: &HashSet<String>, grantee: &Grantee) -> bool {
    match grantee {
        Grantee::Role(r) => roles.contains(r),
        Grantee::DatabaseRole(d, r) => roles.contains(&database_role_key(d, r)),
        Grantee::User(_) => false,
    }
}

/// Every role `role` inherits (itself included), following account-role and database-role grants
/// downwards, plus PUBLIC. Database roles appear as [`database_role_key`]s.
pub fn role_closure(account: &Account, role: &str) -> HashSet<String> {
    // One pass over the grants to index role-to-role edges, then a walk over the index.
    let mut children: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for g in &account.grants {
        if g.privilege != "USAGE" {
            continue;
        }
        let Some(child) = role_key(&g.target) else { continue };
        let parent = match &g.grantee {
            Grantee::Role(p) => p.clone(),
            Grantee::DatabaseRole(d, p) => database_role_key(d, p),
            Grantee::User(_) => continue,
        };
        children.entry(parent).or_default().push(child);
    }
    let mut seen: HashSet<String> = HashSet::new();
    let mut stack = vec![role.to_string(), "PUBLIC".to_string()];
    while let Some(r) = stack.pop() {
        if seen.contains(&r) {
            continue;
        }
        if let Some(c) = children.get(&r) {
            stack.extend(c.iter().cloned());
        }
        seen.insert(r);
    }
    seen
}

impl View {
    pub fn new(account: &Account, role: &str) -> View {
        let roles = role_closure(account, role);
        let mut held = HashSet::new();
        let mut manage_grants = roles.contains("ACCOUNTADMIN") || roles.contains("SECURITYADMIN");
        for g in &account.grants {
            if !holds(&roles, &g.grantee) {
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
    use crate::model::Account;

    #[test]
    fn closure_follows_role_grants_and_includes_public() {
        let a = Account::from_sql("CREATE ROLE A; CREATE ROLE B; GRANT ROLE B TO ROLE A;").unwrap();
        let c = role_closure(&a, "A");
        assert!(c.contains("A") && c.contains("B") && c.contains("PUBLIC"));
        assert!(!role_closure(&a, "B").contains("A"));
        let admin = role_closure(&a, "ACCOUNTADMIN");
        assert!(admin.contains("SYSADMIN") && admin.contains("USERADMIN"));
    }

    /// Snowflake: INFORMATION_SCHEMA returns only objects the current role has been granted access
    /// privileges on, whatever MANAGE GRANTS says; SHOW lists everything for a role with MANAGE GRANTS and
    /// only objects with some privilege otherwise. So a revoked table leaves INFORMATION_SCHEMA.TABLES and
    /// COLUMNS for the role, stays in SHOW TABLES only with MANAGE GRANTS.
    #[test]
    fn a_revoked_table_leaves_information_schema_and_stays_in_show_only_with_manage_grants() {
        use crate::engine::{Engine, Session};
        use crate::result::Value;
        let sql = "CREATE ROLE R; CREATE ROLE M; CREATE DATABASE D; CREATE SCHEMA D.S;
            CREATE TABLE D.S.T (X INT); CREATE TABLE D.S.U (Y INT);
            GRANT USAGE ON DATABASE D TO ROLE R; GRANT USAGE ON SCHEMA D.S TO ROLE R;
            GRANT SELECT, REFERENCES ON TABLE D.S.T TO ROLE R; GRANT REFERENCES ON TABLE D.S.U TO ROLE R;
            GRANT ROLE R TO ROLE M; GRANT MANAGE GRANTS ON ACCOUNT TO ROLE M;";
        let mut e = Engine::new(Account::from_sql(sql).unwrap());
        let mut names = |role: &str, sql: &str| -> Vec<String> {
            let session = Session { role: role.into(), ..Session::default() };
            let r = e.execute(&session, sql, &[]).unwrap_or_else(|err| panic!("{sql}: {err}"));
            let i = r.columns.iter().position(|c| c.name.eq_ignore_ascii_case("name")).unwrap_or(0);
            let mut out: Vec<String> = r
                .rows
                .iter()
                .filter_map(|row| match row.get(i) {
                    Some(Value::Text(t)) => Some(t.clone()),
                    _ => None,
                })
                .collect();
            out.sort();
            out
        };
        let tables = "SELECT TABLE_NAME AS NAME FROM D.INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'S'";
        let columns = "SELECT TABLE_NAME AS NAME FROM D.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = 'S'";
        let show = "SHOW TERSE TABLES IN SCHEMA D.S";
        for role in ["R", "M"] {
            assert_eq!(names(role, tables), ["T", "U"]);
            assert_eq!(names(role, columns), ["T", "U"]);
            assert_eq!(names(role, show), ["T", "U"]);
        }
        // Revoking one privilege of two changes nothing; revoking the last hides the table.
        names("ACCOUNTADMIN", "REVOKE SELECT ON TABLE D.S.T FROM ROLE R");
        assert_eq!(names("R", tables), ["T", "U"]);
        names("ACCOUNTADMIN", "REVOKE REFERENCES ON TABLE D.S.T FROM ROLE R");
        for role in ["R", "M"] {
            assert_eq!(names(role, tables), ["U"], "{role}: INFORMATION_SCHEMA ignores MANAGE GRANTS");
            assert_eq!(names(role, columns), ["U"], "{role}");
        }
        assert_eq!(names("R", show), ["U"], "SHOW without MANAGE GRANTS");
        assert_eq!(names("M", show), ["T", "U"], "SHOW with MANAGE GRANTS still lists the revoked table");
        // A dropped table is gone from both.
        names("ACCOUNTADMIN", "DROP TABLE D.S.T");
        assert_eq!(names("M", show), ["U"]);
    }
}
