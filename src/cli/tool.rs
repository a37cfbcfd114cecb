//! `snowcat tool <name>`: the ten metadata tools of the Scalekit Snowflake connector, run live, with exactly
//! the connector's names and parameters. This is how a user checks what the crawler will see.
//!
//! Owns the tools' flags, their validation (a missing or out-of-set parameter is a usage error naming the
//! flag) and the mapping to `crawl::statements`. SQL text comes only from those builders; running and
//! printing reuse `snowcat sql`'s connection flags and output formats. No SQL is assembled here.

use std::time::Duration;

use clap::{Args, Subcommand, ValueEnum};
use futures_util::StreamExt;

use super::connection::ConnectionArgs;
use super::sql::{self, Format, Printer};
use super::{Outcome, UsageError};
use crate::crawl::statements::{self as st, GrantView, KeyKind, StatementError};
use crate::sqlapi::StatementRequest;

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

/// `show --object-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectType {
    Databases,
    Schemas,
}

/// `show-grants --grant-view`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GrantViewArg {
    #[value(name = "to_role")]
    ToRole,
    #[value(name = "to_user")]
    ToUser,
    #[value(name = "of_role")]
    OfRole,
    #[value(name = "on_object")]
    OnObject,
}

/// `show-keys --key-direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KeyDirection {
    Imported,
    Exported,
}

/// `--constraint-type`: one of the three constraint types Snowflake reports (any case, `_` for space).
fn parse_constraint_type(s: &str) -> Result<String, String> {
    let norm = s.trim().to_ascii_uppercase().replace('_', " ");
    match norm.as_str() {
        "PRIMARY KEY" | "UNIQUE" | "FOREIGN KEY" => Ok(norm),
        _ => Err(format!("{s:?} is not one of: PRIMARY KEY, UNIQUE, FOREIGN KEY")),
    }
}

#[derive(Debug, Subcommand)]
pub enum Tool {
    /// Schemas of a database (INFORMATION_SCHEMA.SCHEMATA).
    Schemata {
        #[arg(long)]
        database: String,
        /// SQL LIKE pattern on the schema name (case-sensitive).
        #[arg(long)]
        schema_like: Option<String>,
        #[arg(long)]
        limit: Option<u64>,
        #[command(flatten)]
        common: Common,
    },
    /// Tables and views of a database or schema (INFORMATION_SCHEMA.TABLES).
    Tables {
        #[arg(long)]
        database: String,
        #[arg(long)]
        schema: Option<String>,
        /// SQL LIKE pattern on the table name (case-sensitive).
        #[arg(long)]
        table_name_like: Option<String>,
        #[arg(long)]
        limit: Option<u64>,
        #[command(flatten)]
        common: Common,
    },
    /// Columns of a database, schema or table (INFORMATION_SCHEMA.COLUMNS).
    Columns {
        #[arg(long)]
        database: String,
        #[arg(long)]
        schema: Option<String>,
        #[arg(long)]
        table: Option<String>,
        /// SQL LIKE pattern on the column name (case-sensitive).
        #[arg(long)]
        column_name_like: Option<String>,
        #[arg(long)]
        limit: Option<u64>,
        #[command(flatten)]
        common: Common,
    },
    /// Constraints (INFORMATION_SCHEMA.TABLE_CONSTRAINTS).
    TableConstraints {
        #[arg(long)]
        database: String,
        #[arg(long)]
        schema: Option<String>,
        #[arg(long)]
        table: Option<String>,
        /// PRIMARY KEY, UNIQUE or FOREIGN KEY.
        #[arg(long, value_parser = parse_constraint_type)]
        constraint_type: Option<String>,
        #[arg(long)]
        limit: Option<u64>,
        #[command(flatten)]
        common: Common,
    },
    /// Foreign keys with the unique constraint they reference (INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS).
    ReferentialConstraints {
        #[arg(long)]
        database: String,
        #[arg(long)]
        schema: Option<String>,
        #[arg(long)]
        table: Option<String>,
        #[arg(long)]
        limit: Option<u64>,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW DATABASES or SHOW SCHEMAS (in one database, or the whole account).
    Show {
        #[arg(long, value_enum)]
        object_type: ObjectType,
        /// For schemas: the database to list (default: the whole account).
        #[arg(long)]
        database_name: Option<String>,
        /// SHOW LIKE pattern (case-insensitive, % and _ wildcards).
        #[arg(long)]
        like_pattern: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW WAREHOUSES.
    ShowWarehouses {
        /// SHOW LIKE pattern (case-insensitive, % and _ wildcards).
        #[arg(long)]
        like_pattern: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW GRANTS TO ROLE / TO USER / OF ROLE / ON <object>.
    ShowGrants {
        #[arg(long, value_enum)]
        grant_view: GrantViewArg,
        /// The role, for to_role and of_role.
        #[arg(long)]
        role_name: Option<String>,
        /// The user, for to_user.
        #[arg(long)]
        user_name: Option<String>,
        /// For on_object: TABLE, VIEW, SCHEMA, DATABASE, WAREHOUSE, ... (ACCOUNT needs no --object-name).
        #[arg(long)]
        object_type: Option<String>,
        /// For on_object: the object as typed in SQL (`db.schema.t`, `"my db"."Mixed"`).
        #[arg(long)]
        object_name: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW PRIMARY KEYS in the account, a database, a schema or a table.
    ShowPrimaryKeys {
        #[arg(long)]
        database_name: Option<String>,
        #[arg(long)]
        schema_name: Option<String>,
        #[arg(long)]
        table_name: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// SHOW IMPORTED KEYS (foreign keys of a table) or EXPORTED KEYS (foreign keys pointing at it).
    ShowKeys {
        #[arg(long, value_enum)]
        key_direction: KeyDirection,
        #[arg(long)]
        table_name: String,
        #[arg(long)]
        schema_name: Option<String>,
        #[arg(long)]
        database_name: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

/// A builder's complaint, reworded with the command-line flag the user typed.
fn usage(err: StatementError) -> UsageError {
    let flag = |p: &str| format!("--{}", p.replace('_', "-"));
    UsageError(match err {
        StatementError::LimitOutOfRange { param, value, max } if max == u64::MAX => {
            format!("{} must be at least 1, got {value}", flag(param))
        }
        StatementError::LimitOutOfRange { param, value, max } => {
            format!("{} must be between 1 and {max}, got {value}", flag(param))
        }
        StatementError::BadName { param, value, reason } => {
            format!("{} {value:?} is not valid: {reason}", flag(param))
        }
        StatementError::Missing { param, because } => format!("{} is required when {because}", flag(param)),
    })
}

fn required<'a>(value: &'a Option<String>, param: &str, view: &str) -> Result<&'a str, UsageError> {
    value.as_deref().ok_or_else(|| UsageError(format!("--{param} is required with --grant-view {view}")))
}

fn grant_view(
    view: GrantViewArg,
    role: &Option<String>,
    user: &Option<String>,
    object_type: &Option<String>,
    object_name: &Option<String>,
) -> Result<GrantView, UsageError> {
    Ok(match view {
        GrantViewArg::ToRole => GrantView::ToRole(required(role, "role-name", "to_role")?.to_string()),
        GrantViewArg::OfRole => GrantView::OfRole(required(role, "role-name", "of_role")?.to_string()),
        GrantViewArg::ToUser => GrantView::ToUser(required(user, "user-name", "to_user")?.to_string()),
        GrantViewArg::OnObject => {
            let kind = required(object_type, "object-type", "on_object")?;
            if kind.trim().eq_ignore_ascii_case("account") {
                return Ok(GrantView::OnAccount);
            }
            let name = required(object_name, "object-name", "on_object")?;
            let name = st::parse_object_name("object_name", name).map_err(usage)?;
            GrantView::OnObject { object_type: kind.to_string(), name }
        }
    })
}

impl Tool {
    /// The tool's name as the connector spells it (also the statement's QUERY_TAG suffix).
    pub fn name(&self) -> &'static str {
        match self {
            Tool::Schemata { .. } => "schemata",
            Tool::Tables { .. } => "tables",
            Tool::Columns { .. } => "columns",
            Tool::TableConstraints { .. } => "table-constraints",
            Tool::ReferentialConstraints { .. } => "referential-constraints",
            Tool::Show { .. } => "show",
            Tool::ShowWarehouses { .. } => "show-warehouses",
            Tool::ShowGrants { .. } => "show-grants",
            Tool::ShowPrimaryKeys { .. } => "show-primary-keys",
            Tool::ShowKeys { .. } => "show-keys",
        }
    }

    fn common(&self) -> &Common {
        match self {
            Tool::Schemata { common, .. }
            | Tool::Tables { common, .. }
            | Tool::Columns { common, .. }
            | Tool::TableConstraints { common, .. }
            | Tool::ReferentialConstraints { common, .. }
            | Tool::Show { common, .. }
            | Tool::ShowWarehouses { common, .. }
            | Tool::ShowGrants { common, .. }
            | Tool::ShowPrimaryKeys { common, .. }
            | Tool::ShowKeys { common, .. } => common,
        }
    }

    /// The SQL text this tool runs, or a usage error naming the offending flag.
    pub fn statement(&self) -> Result<String, UsageError> {
        match self {
            Tool::Schemata { database, schema_like, limit, .. } => {
                st::schemata(database, o(schema_like), *limit).map_err(usage)
            }
            Tool::Tables { database, schema, table_name_like, limit, .. } => {
                st::tables(database, o(schema), o(table_name_like), *limit).map_err(usage)
            }
            Tool::Columns { database, schema, table, column_name_like, limit, .. } => {
                st::columns(database, o(schema), o(table), o(column_name_like), *limit).map_err(usage)
            }
            Tool::TableConstraints { database, schema, table, constraint_type, limit, .. } => {
                st::table_constraints(database, o(schema), o(table), o(constraint_type), *limit)
                    .map_err(usage)
            }
            Tool::ReferentialConstraints { database, schema, table, limit, .. } => {
                st::referential_constraints(database, o(schema), o(table), *limit).map_err(usage)
            }
            Tool::Show { object_type: ObjectType::Databases, database_name: Some(_), .. } => {
                Err(UsageError("--database-name applies only to --object-type schemas".into()))
            }
            Tool::Show { object_type: ObjectType::Databases, like_pattern, .. } => {
                st::show_databases(o(like_pattern), None, None).map_err(usage)
            }
            Tool::Show { object_type: ObjectType::Schemas, database_name, like_pattern, .. } => {
                st::show_schemas(o(database_name), o(like_pattern), None, None).map_err(usage)
            }
            Tool::ShowWarehouses { like_pattern, .. } => Ok(st::show_warehouses(o(like_pattern))),
            Tool::ShowGrants { grant_view: view, role_name, user_name, object_type, object_name, .. } => {
                let view = grant_view(*view, role_name, user_name, object_type, object_name)?;
                st::show_grants(&view).map_err(usage)
            }
            Tool::ShowPrimaryKeys { database_name, schema_name, table_name, .. } => {
                st::show_keys(KeyKind::Primary, o(database_name), o(schema_name), o(table_name))
                    .map_err(usage)
            }
            Tool::ShowKeys { key_direction, table_name, schema_name, database_name, .. } => {
                let kind = match key_direction {
                    KeyDirection::Imported => KeyKind::Imported,
                    KeyDirection::Exported => KeyKind::Exported,
                };
                st::show_keys(kind, o(database_name), o(schema_name), Some(table_name)).map_err(usage)
            }
        }
    }
}

fn o(v: &Option<String>) -> Option<&str> {
    v.as_deref()
}

/// How long a tool waits for its one metadata statement before giving up.
const TOOL_WAIT: Duration = Duration::from_secs(600);

pub async fn run(args: ToolArgs) -> anyhow::Result<Outcome> {
    let tool = args.tool;
    let sql_text = tool.statement()?;
    let common = tool.common();
    let client = common.connection.client()?;
    let mut req = StatementRequest::new(sql_text)
        .kind(tool.name().replace('-', "_"))
        .parameter("QUERY_TAG", format!("snowcat:tool:{}", tool.name()));
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
