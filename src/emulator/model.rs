//! The in-memory Snowflake account the emulator serves: databases, schemas, tables, columns, constraints,
//! roles, users, grants and warehouses.
//!
//! CONTRACT (the protocol layer relies on exactly these signatures): `Account::from_sql`,
//! `Account::generate`, `GenerateSpec`, `Account::role_exists`, `LoadError`.

/// An in-memory account.
#[derive(Debug, Clone, Default)]
pub struct Account {
    roles: Vec<String>,
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

impl Account {
    /// Build an account by running a DDL script (statements separated by `;`) as ACCOUNTADMIN.
    pub fn from_sql(_script: &str) -> Result<Account, LoadError> {
        Ok(Account::default())
    }

    /// Generate a large account with realistic proportions of constraints, roles, grants and warehouses.
    pub fn generate(_spec: GenerateSpec) -> Account {
        Account::default()
    }

    pub fn role_exists(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}
