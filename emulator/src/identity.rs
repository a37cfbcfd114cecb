//! Who the emulated account is: its organization, account name, account locator and region, and the
//! context functions that answer them (`CURRENT_ORGANIZATION_NAME()`, `CURRENT_ACCOUNT_NAME()`,
//! `CURRENT_ACCOUNT()`, `CURRENT_REGION()`), modelled on Snowflake's "Context functions" pages.
//!
//! Data and lookup only; the SELECT engine (`info_schema.rs`) substitutes the values.

/// The identifiers Snowflake reports for an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountIdentity {
    /// `CURRENT_ORGANIZATION_NAME()`.
    pub organization: String,
    /// `CURRENT_ACCOUNT_NAME()`; with the organization it makes the preferred identifier `org-account`.
    pub name: String,
    /// `CURRENT_ACCOUNT()`: the account locator.
    pub locator: String,
    /// `CURRENT_REGION()`.
    pub region: String,
}

impl Default for AccountIdentity {
    fn default() -> Self {
        AccountIdentity {
            organization: "SNOWCAT".into(),
            name: "EMULATOR".into(),
            locator: "EM10001".into(),
            region: "AWS_US_WEST_2".into(),
        }
    }
}

impl AccountIdentity {
    /// The value of a context function about the account (`name` upper-cased, without parentheses).
    pub fn context_function(&self, name: &str) -> Option<&str> {
        match name {
            "CURRENT_ORGANIZATION_NAME" => Some(&self.organization),
            "CURRENT_ACCOUNT_NAME" => Some(&self.name),
            "CURRENT_ACCOUNT" => Some(&self.locator),
            "CURRENT_REGION" => Some(&self.region),
            _ => None,
        }
    }
}
