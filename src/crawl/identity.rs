//! The name a crawl records its account under when it was not given one: asked of Snowflake once, so the
//! catalog's history does not depend on the URL (a proxy, a port) the account was reached through.
//!
//! The name is the preferred account identifier `organization-account_name` (lower case, as one passes it
//! to `--account`), from `CURRENT_ORGANIZATION_NAME()` and `CURRENT_ACCOUNT_NAME()`; the locator
//! (`CURRENT_ACCOUNT()`) when either is empty. Runs one statement; must not touch the catalog.

use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::statements::ACCOUNT_IDENTITY;
use crate::sqlapi::{Client, SqlApiError, StatementRequest};

/// Ask Snowflake which account `client` reaches, as `role` on `warehouse` (either may be the default).
pub async fn ask_account_name(
    client: &Client,
    role: Option<&str>,
    warehouse: Option<&str>,
    timeout: Duration,
    cancel: CancellationToken,
) -> Result<String, SqlApiError> {
    let mut req = StatementRequest::new(ACCOUNT_IDENTITY).kind("account_identity").timeout(timeout);
    if let Some(r) = role {
        req = req.role(r);
    }
    if let Some(w) = warehouse {
        req = req.warehouse(w);
    }
    let deadline = Instant::now() + timeout + Duration::from_secs(30);
    let result = client.execute_collect(req, deadline, cancel).await?;
    let row = result.rows.first().ok_or_else(|| SqlApiError::Protocol {
        phase: crate::sqlapi::Phase::Poll,
        status: 200,
        detail: "the account identity query returned no row".into(),
        excerpt: String::new(),
    })?;
    let text = |name: &str| -> Result<String, SqlApiError> {
        Ok(row.get::<String>(name)?.map(|s| s.trim().to_string()).unwrap_or_default())
    };
    let (organization, name, locator) = (text("ORGANIZATION")?, text("ACCOUNT_NAME")?, text("LOCATOR")?);
    let id =
        if !organization.is_empty() && !name.is_empty() { format!("{organization}-{name}") } else { locator };
    if id.is_empty() {
        return Err(SqlApiError::Protocol {
            phase: crate::sqlapi::Phase::Poll,
            status: 200,
            detail: "Snowflake gave neither the organization and account names nor the locator".into(),
            excerpt: String::new(),
        });
    }
    Ok(id.to_ascii_lowercase())
}
