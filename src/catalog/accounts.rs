//! The accounts a catalog holds history for, by name, and renaming one (`snowcat rename-account`): a
//! catalog whose history was recorded under an old name (such as the URL an account was once reached
//! through) keeps it under the new one, every run, version and change with it.
//!
//! Owns the `accounts` table's names only; runs and versions refer to an account by id and do not move.

use rusqlite::{OptionalExtension, TransactionBehavior};

use super::error::{CatalogError, Result};
use super::store::Catalog;

impl Catalog {
    /// The names of the accounts this catalog holds, sorted.
    pub fn account_names(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT name FROM accounts ORDER BY name")?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(names)
    }

    /// Record the history of account `from` under the name `to`. Refuses when `from` is unknown, when `to`
    /// already has a history of its own (two histories are never merged), or when `to` is empty.
    pub fn rename_account(&mut self, from: &str, to: &str) -> Result<()> {
        if to.trim().is_empty() {
            return Err(CatalogError::Invalid("the new account name is empty".into()));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let exists = |name: &str| -> Result<bool> {
            Ok(tx
                .query_row("SELECT 1 FROM accounts WHERE name = ?1", [name], |_| Ok(()))
                .optional()?
                .is_some())
        };
        if !exists(from)? {
            return Err(CatalogError::Invalid(format!("catalog has no account named {from:?}")));
        }
        if exists(to)? {
            return Err(CatalogError::Invalid(format!(
                "catalog already has an account named {to:?}; two histories are never merged"
            )));
        }
        tx.execute("UPDATE accounts SET name = ?2 WHERE name = ?1", [from, to])?;
        tx.commit()?;
        Ok(())
    }
}
