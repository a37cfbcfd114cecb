//! Connection flags shared by every command that talks to Snowflake (`sql`, `statement`, later `crawl`,
//! `tool`): account or base URL, role, warehouse, and a static bearer token from a file.
//!
//! Owns flag/env parsing and turning settings into a `sqlapi::Client`. The daemon's config file plugs in
//! through [`ConnectionSettings::overlay`] (flags and env win over the file). Must not print a token.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use secrecy::SecretString;

use super::UsageError;
use crate::sqlapi::{Client, ClientConfig, StaticToken, TokenType};

/// How to reach and authenticate to a SQL API v2 endpoint. Each flag also reads an environment variable.
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectionArgs {
    /// Account identifier: `myorg-myaccount` or a locator such as `xy12345.us-east-2.aws`.
    #[arg(long, env = "SNOWCAT_ACCOUNT")]
    pub account: Option<String>,
    /// Base URL override (the emulator, a proxy), e.g. http://127.0.0.1:8080. Wins over --account.
    #[arg(long, env = "SNOWCAT_URL")]
    pub url: Option<String>,
    /// Role to run statements as (case-sensitive).
    #[arg(long, env = "SNOWCAT_ROLE")]
    pub role: Option<String>,
    /// Warehouse to run statements on (case-sensitive).
    #[arg(long, env = "SNOWCAT_WAREHOUSE")]
    pub warehouse: Option<String>,
    /// File holding a bearer token (OAuth access token, key-pair JWT or PAT secret).
    #[arg(long, env = "SNOWCAT_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Type of the token in --token-file: OAUTH, KEYPAIR_JWT or PROGRAMMATIC_ACCESS_TOKEN.
    #[arg(long, env = "SNOWCAT_TOKEN_TYPE", value_parser = parse_token_type)]
    pub token_type: Option<TokenType>,
}

fn parse_token_type(s: &str) -> Result<TokenType, String> {
    s.parse()
}

/// Resolved connection settings: what flags, env and (later) the config file agree on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectionSettings {
    pub account: Option<String>,
    pub url: Option<String>,
    pub role: Option<String>,
    pub warehouse: Option<String>,
    pub token_file: Option<PathBuf>,
    pub token_type: Option<TokenType>,
}

impl ConnectionArgs {
    /// The settings given on the command line or in the environment.
    pub fn settings(&self) -> ConnectionSettings {
        ConnectionSettings {
            account: self.account.clone(),
            url: self.url.clone(),
            role: self.role.clone(),
            warehouse: self.warehouse.clone(),
            token_file: self.token_file.clone(),
            token_type: self.token_type,
        }
    }

    /// A client from these flags alone (no config file yet).
    pub fn client(&self) -> anyhow::Result<Client> {
        self.settings().client(ClientConfig::default())
    }
}

impl ConnectionSettings {
    /// Fill every unset field from `base` (e.g. the config file): flags and env win.
    pub fn overlay(self, base: ConnectionSettings) -> ConnectionSettings {
        ConnectionSettings {
            account: self.account.or(base.account),
            url: self.url.or(base.url),
            role: self.role.or(base.role),
            warehouse: self.warehouse.or(base.warehouse),
            token_file: self.token_file.or(base.token_file),
            token_type: self.token_type.or(base.token_type),
        }
    }

    /// What to fix when Snowflake refuses the token these settings send.
    pub fn token_fix(&self) -> String {
        match &self.token_file {
            Some(path) => crate::auth::hint::token_file_fix(
                path,
                self.token_type.unwrap_or(TokenType::OAuth),
                "--token-file",
                "--token-type",
            ),
            None => "give a token: --token-file FILE (or SNOWCAT_TOKEN_FILE)".to_string(),
        }
    }

    /// Read the token file and build a client. Missing settings are usage errors (exit 2).
    pub fn client(&self, config: ClientConfig) -> anyhow::Result<Client> {
        let path = self.token_file.as_ref().ok_or_else(|| {
            UsageError("no token: pass --token-file FILE (or set SNOWCAT_TOKEN_FILE)".into())
        })?;
        let text = std::fs::read_to_string(path)
            .map_err(|e| UsageError(format!("cannot read token file {}: {e}", path.display())))?;
        let token = text.trim();
        if token.is_empty() {
            return Err(UsageError(format!("token file {} is empty", path.display())).into());
        }
        let source = Arc::new(StaticToken::new(
            SecretString::from(token.to_string()),
            self.token_type.unwrap_or(TokenType::OAuth),
        ));
        let builder = match (&self.url, &self.account) {
            (Some(url), _) => Client::for_url(url, source).map_err(|e| UsageError(e.to_string()))?,
            (None, Some(account)) => {
                Client::for_account(account, source).map_err(|e| UsageError(e.to_string()))?
            }
            (None, None) => {
                return Err(UsageError(
                    "no endpoint: pass --account or --url (or SNOWCAT_ACCOUNT / SNOWCAT_URL)".into(),
                )
                .into());
            }
        };
        builder.config(config).build().context("cannot create the SQL API client")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_config_file() {
        let flags = ConnectionSettings { role: Some("R".into()), ..Default::default() };
        let file = ConnectionSettings {
            role: Some("FILE_ROLE".into()),
            warehouse: Some("WH".into()),
            account: Some("org-acct".into()),
            ..Default::default()
        };
        let merged = flags.overlay(file);
        assert_eq!(merged.role.as_deref(), Some("R"));
        assert_eq!(merged.warehouse.as_deref(), Some("WH"));
        assert_eq!(merged.account.as_deref(), Some("org-acct"));
    }

    #[test]
    fn missing_token_or_endpoint_are_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let none = ConnectionSettings::default().client(ClientConfig::default()).unwrap_err();
        assert!(none.downcast_ref::<UsageError>().is_some());
        let file = dir.path().join("t");
        std::fs::write(&file, "tok\n").unwrap();
        let no_endpoint = ConnectionSettings { token_file: Some(file.clone()), ..Default::default() };
        let err = no_endpoint.client(ClientConfig::default()).unwrap_err();
        assert!(err.to_string().contains("--account or --url"), "{err}");
        let ok = ConnectionSettings { url: Some("http://127.0.0.1:9".into()), ..no_endpoint };
        assert_eq!(ok.client(ClientConfig::default()).unwrap().base_url().port(), Some(9));
    }
}
