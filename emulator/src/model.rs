//! The in-memory Snowflake account the emulator serves: databases, schemas, tables, columns, constraints,
//! roles, users, grants and warehouses.
//!
//! Owns the data structures and simple lookups only. Parsing DDL lives in `ddl*.rs`, SHOW rendering in
//! `show*.rs`, visibility in `visibility.rs`; nothing here knows about HTTP or result encoding.
//!
//! CONTRACT (the protocol layer relies on exactly these signatures): `Account::from_sql`,
//! `Account::generate`, `GenerateSpec`, `Account::role_exists`, `LoadError`.

pub use super::identity::AccountIdentity;
pub use super::model_access::*;
pub use super::model_types::*;

/// An in-memory account. Timestamps are milliseconds since the epoch (UTC).
#[derive(Debug, Clone, Default)]
pub struct Account {
    /// Organization, account name, locator and region (what `CURRENT_ACCOUNT()` and friends answer).
    pub identity: AccountIdentity,
    pub databases: Vec<Database>,
    pub roles: Vec<Role>,
    pub users: Vec<User>,
    pub warehouses: Vec<Warehouse>,
    pub grants: Vec<Grant>,
    /// Revoked grants with their revoke time (ms): ACCOUNT_USAGE keeps them with `DELETED_ON` set.
    pub revoked_grants: Vec<(Grant, i64)>,
    pub future_grants: Vec<FutureGrant>,
    /// Database roles of every database.
    pub database_roles: Vec<DatabaseRole>,
    /// Masking and row-access policies, tags, and where each is attached.
    pub governance: Governance,
    /// Logical clock: the last timestamp handed out (ms). Keeps loads deterministic and strictly increasing.
    pub clock_ms: i64,
    /// Counter for system-generated constraint names (deterministic `SYS_CONSTRAINT_<uuid>`).
    pub constraint_seq: u64,
    /// Dropped tables (database, schema, table as dropped), oldest first, for UNDROP TABLE.
    pub dropped_tables: Vec<(String, String, super::model_types::Table)>,
}

/// The size of a generated account: databases x schemas x tables x columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateSpec {
    pub databases: usize,
    pub schemas: usize,
    pub tables: usize,
    pub columns: usize,
}

impl std::str::FromStr for GenerateSpec {
    type Err = String;

    /// Parses `DxSxTxC`, e.g. `20x25x200x20`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('x').collect();
        let [d, sc, t, c] = parts.as_slice() else {
            return Err(format!("expected DATABASESxSCHEMASxTABLESxCOLUMNS (e.g. 20x25x200x20), got {s:?}"));
        };
        let num = |v: &str| v.parse::<usize>().map_err(|_| format!("{v:?} in {s:?} is not a whole number"));
        Ok(GenerateSpec { databases: num(d)?, schemas: num(sc)?, tables: num(t)?, columns: num(c)? })
    }
}

/// A DDL file that could not be loaded: which statement, and why.
#[derive(Debug, thiserror::Error)]
#[error("statement {index} ({snippet}): {message}")]
pub struct LoadError {
    /// 1-based index of the statement in the script.
    pub index: usize,
    /// The start of the statement's text.
    pub snippet: String,
    pub message: String,
}

/// 2025-01-01T00:00:00Z: where the logical clock of a fresh account starts.
pub const CLOCK_START_MS: i64 = 1_735_689_600_000;

/// The system roles every account has, with Snowflake's default hierarchy (child granted to parent).
const SYSTEM_ROLES: [(&str, &str); 6] = [
    ("ACCOUNTADMIN", "Account administrator can manage all aspects of the account."),
    ("ORGADMIN", "Organization administrator can manage organization and accounts inside it."),
    ("PUBLIC", "Public role is automatically available to every user in the account."),
    ("SECURITYADMIN", "Security administrator can manage security aspects of the account."),
    ("SYSADMIN", "System administrator can create and manage databases and warehouses."),
    ("USERADMIN", "User administrator can create and manage users and roles"),
];

impl Account {
    /// An account with only the system roles (ACCOUNTADMIN, SECURITYADMIN, SYSADMIN, USERADMIN, PUBLIC,
    /// ORGADMIN) and their default hierarchy.
    pub fn empty() -> Account {
        let mut a = Account { clock_ms: CLOCK_START_MS, ..Account::default() };
        for (name, comment) in SYSTEM_ROLES {
            let owner = if name == "ACCOUNTADMIN" || name == "PUBLIC" || name == "ORGADMIN" {
                String::new()
            } else {
                "ACCOUNTADMIN".to_string()
            };
            a.roles.push(Role { name: name.into(), owner, comment: comment.into(), created_on: a.clock_ms });
        }
        for (child, parent) in
            [("SECURITYADMIN", "ACCOUNTADMIN"), ("SYSADMIN", "ACCOUNTADMIN"), ("USERADMIN", "SECURITYADMIN")]
        {
            let created_on = a.clock_ms;
            a.grants.push(Grant {
                privilege: "USAGE".into(),
                target: GrantTarget::Role(child.into()),
                grantee: Grantee::Role(parent.into()),
                grant_option: false,
                granted_by: String::new(),
                created_on,
            });
        }
        a
    }

    /// Build an account by running a DDL script (statements separated by `;`) as ACCOUNTADMIN.
    /// `USE ROLE / DATABASE / SCHEMA` statements in the script change who owns what is created next.
    pub fn from_sql(script: &str) -> Result<Account, LoadError> {
        let mut account = Account::empty();
        super::ddl::load_script(&mut account, script)?;
        Ok(account)
    }

    /// Run another DDL script against this account (e.g. a second `--account FILE.sql`), as ACCOUNTADMIN.
    pub fn apply_sql(&mut self, script: &str) -> Result<(), LoadError> {
        super::ddl::load_script(self, script)
    }

    /// Generate a large account with realistic proportions of constraints, roles, grants and warehouses.
    pub fn generate(spec: GenerateSpec) -> Account {
        super::generate::generate(spec)
    }

    pub fn role_exists(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.name == role)
    }

    /// The next timestamp: real time when it is ahead of the logical clock, else the clock plus 1 s.
    /// Revoke every grant matching `pred`, keeping it in the revoked history at the current tick.
    pub fn revoke_grants(&mut self, real_now_ms: Option<i64>, pred: impl Fn(&Grant) -> bool) {
        let (gone, keep): (Vec<Grant>, Vec<Grant>) =
            std::mem::take(&mut self.grants).into_iter().partition(&pred);
        self.grants = keep;
        if !gone.is_empty() {
            let at = self.tick(real_now_ms);
            self.revoked_grants.extend(gone.into_iter().map(|g| (g, at)));
        }
    }

    pub fn tick(&mut self, real_now_ms: Option<i64>) -> i64 {
        let next = self.clock_ms + 1000;
        self.clock_ms = real_now_ms.map_or(next, |now| now.max(self.clock_ms + 1));
        self.clock_ms
    }

    /// A deterministic system constraint name, `SYS_CONSTRAINT_<uuid-shaped hex>`.
    pub fn next_constraint_name(&mut self) -> String {
        self.constraint_seq += 1;
        let n = self.constraint_seq;
        let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5bd1_e995_1234_5678;
        format!(
            "SYS_CONSTRAINT_{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            (h >> 32) as u32,
            (h >> 16) as u16,
            (h & 0xfff) as u16,
            (n & 0xfff) as u16,
            n & 0xffff_ffff_ffff
        )
    }

    pub fn database(&self, name: &str) -> Option<&Database> {
        self.databases.iter().find(|d| d.name == name)
    }

    pub fn database_mut(&mut self, name: &str) -> Option<&mut Database> {
        self.databases.iter_mut().find(|d| d.name == name)
    }

    pub fn schema(&self, db: &str, schema: &str) -> Option<&Schema> {
        self.database(db)?.schemas.iter().find(|s| s.name == schema)
    }

    pub fn schema_mut(&mut self, db: &str, schema: &str) -> Option<&mut Schema> {
        self.database_mut(db)?.schemas.iter_mut().find(|s| s.name == schema)
    }

    pub fn table(&self, db: &str, schema: &str, table: &str) -> Option<&Table> {
        self.schema(db, schema)?.tables.iter().find(|t| t.name == table)
    }

    pub fn table_mut(&mut self, db: &str, schema: &str, table: &str) -> Option<&mut Table> {
        self.schema_mut(db, schema)?.tables.iter_mut().find(|t| t.name == table)
    }

    pub fn warehouse_mut(&mut self, name: &str) -> Option<&mut Warehouse> {
        self.warehouses.iter_mut().find(|w| w.name == name)
    }

    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    /// Drop every grant whose target satisfies `pred` (used when objects are dropped or replaced).
    pub fn remove_grants_on(&mut self, pred: impl Fn(&GrantTarget) -> bool) {
        self.grants.retain(|g| !pred(&g.target));
    }
}
