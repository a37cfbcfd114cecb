//! Deterministic database roles and masking policies for a generated account (`--generate-database-roles
//! N`, `--generate-masking-policies M`), for the access benchmark (200 database roles, 50 policies).
//!
//! Database role i lives in database i mod D; it holds USAGE on one schema and SELECT on up to five of its
//! tables; every 4th is nested under the previous role of its database, the others are granted to an
//! account role; every 10th has a future grant. Masking policy i lives in the first schema of database
//! i mod D and is attached to the first text column of one table there. Grants stay linear in N and M.
//! Builds the model directly; never touches anything but `database_roles`, `grants`, `future_grants` and
//! `governance`.

use super::model::Account;
use super::model_access::{DatabaseRole, ObjectName, Policy, PolicyKind, PolicyRef};
use super::model_types::{DataType, FutureGrant, FutureScope, Grant, GrantTarget, Grantee};

/// How many database roles and masking policies to add.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessSpec {
    pub database_roles: usize,
    pub masking_policies: usize,
}

fn grant(privilege: &str, target: GrantTarget, grantee: Grantee, at: i64) -> Grant {
    Grant {
        privilege: privilege.into(),
        target,
        grantee,
        grant_option: false,
        granted_by: "SYSADMIN".into(),
        created_on: at,
    }
}

/// Add `spec`'s database roles and masking policies to a generated account.
pub fn add_access(a: &mut Account, spec: AccessSpec) {
    if a.databases.is_empty() {
        return;
    }
    let mut at = a.clock_ms;
    let account_roles: Vec<String> = a
        .roles
        .iter()
        .map(|r| r.name.clone())
        .filter(|n| {
            !matches!(n.as_str(), "ACCOUNTADMIN" | "ORGADMIN" | "PUBLIC" | "SECURITYADMIN" | "USERADMIN")
        })
        .collect();
    let dbs = a.databases.len();
    for i in 0..spec.database_roles {
        at += 1;
        let d = &a.databases[i % dbs];
        let db = d.name.clone();
        let name = format!("DBR_{i:04}");
        let mut grants = vec![grant(
            "OWNERSHIP",
            GrantTarget::DatabaseRole(db.clone(), name.clone()),
            Grantee::Role("SYSADMIN".into()),
            at,
        )];
        let me = Grantee::DatabaseRole(db.clone(), name.clone());
        grants.push(grant("USAGE", GrantTarget::Database(db.clone()), me.clone(), at));
        if let Some(s) = d.schemas.get((i / dbs) % d.schemas.len().max(1)) {
            grants.push(grant("USAGE", GrantTarget::Schema(db.clone(), s.name.clone()), me.clone(), at));
            for t in s.tables.iter().skip(i % 7).take(5) {
                let target = GrantTarget::Object {
                    kind: t.kind.object_type(),
                    database: db.clone(),
                    schema: s.name.clone(),
                    name: t.name.clone(),
                };
                grants.push(grant("SELECT", target, me.clone(), at));
            }
            if i % 10 == 0 {
                a.future_grants.push(FutureGrant {
                    privilege: "SELECT".into(),
                    object_type: "TABLE".into(),
                    scope: FutureScope::Schema(db.clone(), s.name.clone()),
                    grantee: name.clone(),
                    grantee_database: Some(db.clone()),
                    grant_option: false,
                    created_on: at,
                });
            }
        }
        let target = GrantTarget::DatabaseRole(db.clone(), name.clone());
        if i % 4 == 3 && i >= dbs {
            let parent = format!("DBR_{:04}", i - dbs);
            grants.push(grant("USAGE", target, Grantee::DatabaseRole(db.clone(), parent), at));
        } else if !account_roles.is_empty() {
            let r = account_roles[i % account_roles.len()].clone();
            grants.push(grant("USAGE", target, Grantee::Role(r), at));
        }
        a.database_roles.push(DatabaseRole {
            database: db,
            name,
            owner: "SYSADMIN".into(),
            comment: (i % 3 == 0).then(|| format!("Generated database role {i}")),
            created_on: at,
        });
        a.grants.extend(grants);
    }
    for i in 0..spec.masking_policies {
        at += 1;
        let d = &a.databases[i % dbs];
        let Some(s) = d.schemas.first() else { continue };
        let policy = ObjectName::new(&d.name, &s.name, &format!("MASK_{i:03}"));
        let attach = s.tables.iter().skip((i / dbs) % s.tables.len().max(1)).find_map(|t| {
            let c = t.columns.iter().find(|c| matches!(c.data_type, DataType::Text { .. }))?;
            Some((ObjectName::new(&d.name, &s.name, &t.name), c.name.clone()))
        });
        a.governance.policies.push(Policy {
            kind: PolicyKind::Masking,
            database: policy.database.clone(),
            schema: policy.schema.clone(),
            name: policy.name.clone(),
            signature: vec![("VAL".into(), "VARCHAR".into())],
            return_type: "VARCHAR(16777216)".into(),
            body: "CASE WHEN CURRENT_ROLE() = 'SYSADMIN' THEN VAL ELSE '***' END".into(),
            comment: None,
            owner: "SYSADMIN".into(),
            exempt_other_policies: false,
            created_on: at,
        });
        if let Some((object, column)) = attach {
            let taken = a
                .governance
                .policy_refs
                .iter()
                .any(|r| r.object == object && r.column.as_ref() == Some(&column));
            if !taken {
                a.governance.policy_refs.push(PolicyRef {
                    kind: PolicyKind::Masking,
                    policy,
                    object,
                    column: Some(column),
                    arg_columns: Vec::new(),
                });
            }
        }
    }
    a.clock_ms = at + 1_000;
}
