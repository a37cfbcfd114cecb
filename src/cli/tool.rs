//! `snowcat tool <name>`: the ten metadata tools of the Scalekit Snowflake connector, run live, with exactly
//! the connector's names and parameters. This is how a user checks what the crawler will see.
//!
//! Owns the subcommands and the flag spelling of parameter errors (`--role-name`); the parameters, their
//! checks and the SQL are `tools::metadata`'s (shared with `snowcat mcp`). Running and printing reuse
//! `snowcat sql`'s connection flags and output formats. No SQL is assembled here.

use std::time::Duration;

use clap::{Args, Subcommand};
use futures_util::StreamExt;

use super::connection::ConnectionArgs;
use super::sql::{self, Format, Printer};
use super::{Outcome, UsageError};
use crate::sqlapi::StatementRequest;
use crate::tools::ParamError;
use crate::tools::metadata::{self as md, MetadataTool};

/// Flags every tool takes: output format and the connection (incl. `--role` and `--warehouse`).
#[derive(Debug, Args)]
pub struct Common {
    /// Output format (default: table on a terminal, json otherwise).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

#[derive(Debug, Args)]
pub struct ToolArgs {
    #[command(subcommand)]
    pub tool: Tool,
}

#[derive(Debug, Subcommand)]
pub enum Tool {
    /// Schemas of a database (INFORMATION_SCHEMA.SCHEMATA).
    Schemata {
        #[command(flatten)]
        params: md::Schemata,
        #[command(flatten)]
        common: Common,
    },
    /// Tables and views of a database or schema (INFORMATION_SCHEMA.TABLES).
    Tables {
        #[command(flatten)]
        params: md::Tables,
        #[command(flatten)]
        common: Common,
    },
    /// Columns of a database, schema or table (INFORMATION_SCHEMA.COLUMNS).
    Columns {
        #[command(flatten)]
        params: md::Columns,
        #[command(flatten)]
        common: Common,
    },
    /// Constraints (INFORMATION_SCHEMA.TABLE_CONSTRAINTS).
    TableConstraints {
        #[command(flatten)]
        params: md::TableConstraints,
        #[command(flatten)]
        common: Common,
    },
    /// Foreign keys with the unique constraint they reference (INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS).
    ReferentialConstraints {
        #[command(flatten)]
        params: md::ReferentialConstraints,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW DATABASES or SHOW SCHEMAS (in one database, or the whole account).
    Show {
        #[command(flatten)]
        params: md::ShowDatabasesSchemas,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW WAREHOUSES.
    ShowWarehouses {
        #[command(flatten)]
        params: md::ShowWarehouses,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW GRANTS TO ROLE / TO USER / OF ROLE / ON <object>.
    ShowGrants {
        #[command(flatten)]
        params: md::ShowGrants,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW PRIMARY KEYS in the account, a database, a schema or a table.
    ShowPrimaryKeys {
        #[command(flatten)]
        params: md::ShowPrimaryKeys,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW IMPORTED KEYS (foreign keys of a table) or EXPORTED KEYS (foreign keys pointing at it).
    ShowKeys {
        #[command(flatten)]
        params: md::ShowImportedExportedKeys,
        #[command(flatten)]
        common: Common,
    },
}

/// A parameter error, reworded with the command-line flag the user typed.
fn usage(err: ParamError) -> UsageError {
    UsageError(err.render(&|p| format!("--{}", p.replace('_', "-"))))
}

impl Tool {
    /// The tool call these flags describe, and the flags every tool shares.
    fn split(&self) -> (MetadataTool, &Common) {
        match self {
            Tool::Schemata { params, common } => (MetadataTool::Schemata(params.clone()), common),
            Tool::Tables { params, common } => (MetadataTool::Tables(params.clone()), common),
            Tool::Columns { params, common } => (MetadataTool::Columns(params.clone()), common),
            Tool::TableConstraints { params, common } => {
                (MetadataTool::TableConstraints(params.clone()), common)
            }
            Tool::ReferentialConstraints { params, common } => {
                (MetadataTool::ReferentialConstraints(params.clone()), common)
            }
            Tool::Show { params, common } => (MetadataTool::ShowDatabasesSchemas(params.clone()), common),
            Tool::ShowWarehouses { params, common } => (MetadataTool::ShowWarehouses(params.clone()), common),
            Tool::ShowGrants { params, common } => (MetadataTool::ShowGrants(params.clone()), common),
            Tool::ShowPrimaryKeys { params, common } => {
                (MetadataTool::ShowPrimaryKeys(params.clone()), common)
            }
            Tool::ShowKeys { params, common } => {
                (MetadataTool::ShowImportedExportedKeys(params.clone()), common)
            }
        }
    }

    /// The SQL text this tool runs, or a usage error naming the offending flag.
    pub fn statement(&self) -> Result<String, UsageError> {
        self.split().0.statement().map_err(usage)
    }
}

/// How long a tool waits for its one metadata statement before giving up.
const TOOL_WAIT: Duration = Duration::from_secs(600);

pub async fn run(args: ToolArgs) -> anyhow::Result<Outcome> {
    let (tool, common) = args.tool.split();
    let sql_text = tool.statement().map_err(usage)?;
    let client = common.connection.client()?;
    let mut req = StatementRequest::new(sql_text)
        .kind(tool.cli_name().replace('-', "_"))
        .parameter("QUERY_TAG", format!("snowcat:tool:{}", tool.cli_name()));
    req.role = common.connection.role.clone();
    req.warehouse = common.connection.warehouse.clone();
    let deadline = tokio::time::Instant::now() + TOOL_WAIT;
    let mut rows = client.execute(req, deadline, sql::cancel_on_ctrl_c()).await?;
    let schema = rows.schema().clone();
    let mut printer = Printer::new(std::io::stdout().lock(), sql::pick_format(common.format), &schema)?;
    while let Some(row) = rows.next().await {
        printer.row(&row?)?;
    }
    printer.finish()?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct T {
        #[command(subcommand)]
        tool: Tool,
    }

    fn sql(args: &[&str]) -> Result<String, String> {
        let t = T::try_parse_from(std::iter::once("tool").chain(args.iter().copied()))
            .map_err(|e| e.to_string())?;
        t.tool.statement().map_err(|e| e.0)
    }

    #[test]
    fn grant_views_need_their_names() {
        let e = sql(&["show-grants", "--grant-view", "to_role"]).unwrap_err();
        assert!(e.contains("--role-name is required with --grant-view to_role"), "{e}");
        let e = sql(&["show-grants", "--grant-view", "to_user", "--role-name", "R"]).unwrap_err();
        assert!(e.contains("--user-name"), "{e}");
        let e = sql(&["show-grants", "--grant-view", "on_object", "--object-type", "table"]).unwrap_err();
        assert!(e.contains("--object-name"), "{e}");
        let e = sql(&["show-grants", "--grant-view", "to-role"]).unwrap_err();
        assert!(e.contains("to_role"), "the allowed values are listed: {e}");
        assert_eq!(
            sql(&[
                "show-grants",
                "--grant-view",
                "on_object",
                "--object-type",
                "table",
                "--object-name",
                r#"sales."Legacy Import".t"#
            ])
            .unwrap(),
            r#"SHOW GRANTS ON TABLE "SALES"."Legacy Import"."T""#
        );
        assert_eq!(
            sql(&["show-grants", "--grant-view", "on_object", "--object-type", "account"]).unwrap(),
            "SHOW GRANTS ON ACCOUNT"
        );
    }

    #[test]
    fn keys_and_limits_are_checked_with_flag_names() {
        let e = sql(&["show-keys", "--key-direction", "imported", "--table-name", "T"]).unwrap_err();
        assert!(e.contains("--database-name is required"), "{e}");
        let e =
            sql(&["show-keys", "--key-direction", "exported", "--table-name", "T", "--database-name", "D"])
                .unwrap_err();
        assert!(e.contains("--schema-name is required"), "{e}");
        let e = sql(&["schemata", "--database", "D", "--limit", "0"]).unwrap_err();
        assert!(e.contains("--limit must be at least 1"), "{e}");
        let e = sql(&["table-constraints", "--database", "D", "--constraint-type", "check"]).unwrap_err();
        assert!(e.contains("PRIMARY KEY, UNIQUE, FOREIGN KEY"), "{e}");
        let ok = sql(&["table-constraints", "--database", "D", "--constraint-type", "foreign_key"]).unwrap();
        assert!(ok.contains("CONSTRAINT_TYPE = 'FOREIGN KEY'"), "{ok}");
        let e = sql(&["show", "--object-type", "databases", "--database-name", "D"]).unwrap_err();
        assert!(e.contains("--database-name applies only"), "{e}");
        assert_eq!(
            sql(&["show", "--object-type", "schemas", "--database-name", "my db", "--like-pattern", "c%"])
                .unwrap(),
            "SHOW SCHEMAS LIKE 'c%' IN DATABASE \"my db\""
        );
    }
}
