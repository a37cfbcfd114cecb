//! The ten metadata tools of the Scalekit Snowflake connector, with the connector's parameter names: one
//! parameter struct per tool (command-line flags for `snowcat tool`, JSON arguments and their schema for
//! `snowcat mcp`) and the one statement each runs.
//!
//! SQL text comes only from `crawl::statements` (every name quoted, every pattern a literal); this file
//! checks the parameters and picks the builder. It must not run anything or format results.

use clap::Args;
use clap::builder::PossibleValuesParser;
use schemars::JsonSchema;
use serde::Deserialize;

use super::params::{ParamError, choose};
use crate::crawl::statements::{self as st, GrantView, KeyKind};

/// `snowflake_get_schemata` (`snowcat tool schemata`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct Schemata {
    /// Database name (as stored: case-sensitive).
    #[arg(long)]
    pub database: String,
    /// SQL LIKE pattern on the schema name (case-sensitive).
    #[arg(long)]
    pub schema_like: Option<String>,
    /// Maximum rows.
    #[arg(long)]
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
}

/// `snowflake_get_tables` (`snowcat tool tables`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct Tables {
    /// Database name (as stored: case-sensitive).
    #[arg(long)]
    pub database: String,
    /// Only this schema.
    #[arg(long)]
    pub schema: Option<String>,
    /// SQL LIKE pattern on the table name (case-sensitive).
    #[arg(long)]
    pub table_name_like: Option<String>,
    /// Maximum rows.
    #[arg(long)]
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
}

/// `snowflake_get_columns` (`snowcat tool columns`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct Columns {
    /// Database name (as stored: case-sensitive).
    #[arg(long)]
    pub database: String,
    /// Only this schema.
    #[arg(long)]
    pub schema: Option<String>,
    /// Only this table.
    #[arg(long)]
    pub table: Option<String>,
    /// SQL LIKE pattern on the column name (case-sensitive).
    #[arg(long)]
    pub column_name_like: Option<String>,
    /// Maximum rows.
    #[arg(long)]
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
}

/// `snowflake_get_table_constraints` (`snowcat tool table-constraints`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct TableConstraints {
    /// Database name (as stored: case-sensitive).
    #[arg(long)]
    pub database: String,
    /// Only this schema.
    #[arg(long)]
    pub schema: Option<String>,
    /// Only this table.
    #[arg(long)]
    pub table: Option<String>,
    /// PRIMARY KEY, UNIQUE or FOREIGN KEY.
    #[arg(long)]
    pub constraint_type: Option<String>,
    /// Maximum rows.
    #[arg(long)]
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
}

/// `snowflake_get_referential_constraints` (`snowcat tool referential-constraints`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct ReferentialConstraints {
    /// Database name (as stored: case-sensitive).
    #[arg(long)]
    pub database: String,
    /// Only this schema.
    #[arg(long)]
    pub schema: Option<String>,
    /// Only foreign keys of this table.
    #[arg(long)]
    pub table: Option<String>,
    /// Maximum rows.
    #[arg(long)]
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
}

/// `snowflake_show_databases_schemas` (`snowcat tool show`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct ShowDatabasesSchemas {
    /// What to show: databases or schemas.
    #[arg(long, value_parser = PossibleValuesParser::new(["databases", "schemas"]))]
    pub object_type: String,
    /// For schemas: the database to list (default: the whole account).
    #[arg(long)]
    pub database_name: Option<String>,
    /// SHOW LIKE pattern (case-insensitive, % and _ wildcards).
    #[arg(long)]
    pub like_pattern: Option<String>,
}

/// `snowflake_show_warehouses` (`snowcat tool show-warehouses`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct ShowWarehouses {
    /// SHOW LIKE pattern (case-insensitive, % and _ wildcards).
    #[arg(long)]
    pub like_pattern: Option<String>,
}

/// `snowflake_show_grants` (`snowcat tool show-grants`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct ShowGrants {
    /// Which grants: to_role, to_user, of_role or on_object.
    #[arg(long, value_parser = PossibleValuesParser::new(["to_role", "to_user", "of_role", "on_object"]))]
    pub grant_view: String,
    /// The role, for to_role and of_role.
    #[arg(long)]
    pub role_name: Option<String>,
    /// The user, for to_user.
    #[arg(long)]
    pub user_name: Option<String>,
    /// For on_object: TABLE, VIEW, SCHEMA, DATABASE, WAREHOUSE, ... (ACCOUNT needs no object_name).
    #[arg(long)]
    pub object_type: Option<String>,
    /// For on_object: the object as typed in SQL (`db.schema.t`, `"my db"."Mixed"`).
    #[arg(long)]
    pub object_name: Option<String>,
}

/// `snowflake_show_primary_keys` (`snowcat tool show-primary-keys`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct ShowPrimaryKeys {
    /// The database (required when schema_name is set).
    #[arg(long)]
    pub database_name: Option<String>,
    /// The schema (required when table_name is set).
    #[arg(long)]
    pub schema_name: Option<String>,
    /// The table.
    #[arg(long)]
    pub table_name: Option<String>,
}

/// `snowflake_show_imported_exported_keys` (`snowcat tool show-keys`).
#[derive(Debug, Clone, Args, Deserialize, JsonSchema)]
#[group(skip)]
pub struct ShowImportedExportedKeys {
    /// imported (the table's foreign keys) or exported (foreign keys pointing at it).
    #[arg(long, value_parser = PossibleValuesParser::new(["imported", "exported"]))]
    pub key_direction: String,
    /// The table.
    #[arg(long)]
    pub table_name: String,
    /// The table's schema (required).
    #[arg(long)]
    pub schema_name: Option<String>,
    /// The table's database (required).
    #[arg(long)]
    pub database_name: Option<String>,
}

/// One call of a metadata tool.
#[derive(Debug, Clone)]
pub enum MetadataTool {
    Schemata(Schemata),
    Tables(Tables),
    Columns(Columns),
    TableConstraints(TableConstraints),
    ReferentialConstraints(ReferentialConstraints),
    ShowDatabasesSchemas(ShowDatabasesSchemas),
    ShowWarehouses(ShowWarehouses),
    ShowGrants(ShowGrants),
    ShowPrimaryKeys(ShowPrimaryKeys),
    ShowImportedExportedKeys(ShowImportedExportedKeys),
}

fn o(v: &Option<String>) -> Option<&str> {
    v.as_deref()
}

fn required<'a>(
    value: &'a Option<String>,
    param: &'static str,
    with: &'static str,
    view: &'static str,
) -> Result<&'a str, ParamError> {
    value.as_deref().ok_or(ParamError::RequiredWith { param, with, value: view })
}

/// One of the three constraint types Snowflake reports (any case, `_` for space).
fn constraint_type(value: &str) -> Result<String, ParamError> {
    let norm = value.trim().to_ascii_uppercase().replace('_', " ");
    match norm.as_str() {
        "PRIMARY KEY" | "UNIQUE" | "FOREIGN KEY" => Ok(norm),
        _ => Err(ParamError::NotOneOf {
            param: "constraint_type",
            value: value.to_string(),
            allowed: "PRIMARY KEY, UNIQUE, FOREIGN KEY",
        }),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    ToRole,
    ToUser,
    OfRole,
    OnObject,
}

fn grant_view(p: &ShowGrants) -> Result<GrantView, ParamError> {
    let choices: &[(View, &[&str])] = &[
        (View::ToRole, &["to_role"]),
        (View::ToUser, &["to_user"]),
        (View::OfRole, &["of_role"]),
        (View::OnObject, &["on_object"]),
    ];
    let view = choose("grant_view", &p.grant_view, "to_role, to_user, of_role, on_object", choices)?;
    Ok(match view {
        View::ToRole => {
            GrantView::ToRole(required(&p.role_name, "role_name", "grant_view", "to_role")?.into())
        }
        View::OfRole => {
            GrantView::OfRole(required(&p.role_name, "role_name", "grant_view", "of_role")?.into())
        }
        View::ToUser => {
            GrantView::ToUser(required(&p.user_name, "user_name", "grant_view", "to_user")?.into())
        }
        View::OnObject => {
            let kind = required(&p.object_type, "object_type", "grant_view", "on_object")?;
            if kind.trim().eq_ignore_ascii_case("account") {
                return Ok(GrantView::OnAccount);
            }
            let name = required(&p.object_name, "object_name", "grant_view", "on_object")?;
            let name = st::parse_object_name("object_name", name)?;
            GrantView::OnObject { object_type: kind.to_string(), name }
        }
    })
}

impl MetadataTool {
    /// The tool's name in the connector (and in `snowcat mcp`).
    pub fn connector_name(&self) -> &'static str {
        match self {
            MetadataTool::Schemata(_) => "snowflake_get_schemata",
            MetadataTool::Tables(_) => "snowflake_get_tables",
            MetadataTool::Columns(_) => "snowflake_get_columns",
            MetadataTool::TableConstraints(_) => "snowflake_get_table_constraints",
            MetadataTool::ReferentialConstraints(_) => "snowflake_get_referential_constraints",
            MetadataTool::ShowDatabasesSchemas(_) => "snowflake_show_databases_schemas",
            MetadataTool::ShowWarehouses(_) => "snowflake_show_warehouses",
            MetadataTool::ShowGrants(_) => "snowflake_show_grants",
            MetadataTool::ShowPrimaryKeys(_) => "snowflake_show_primary_keys",
            MetadataTool::ShowImportedExportedKeys(_) => "snowflake_show_imported_exported_keys",
        }
    }

    /// The tool's `snowcat tool` subcommand (also the statement's QUERY_TAG suffix).
    pub fn cli_name(&self) -> &'static str {
        match self {
            MetadataTool::Schemata(_) => "schemata",
            MetadataTool::Tables(_) => "tables",
            MetadataTool::Columns(_) => "columns",
            MetadataTool::TableConstraints(_) => "table-constraints",
            MetadataTool::ReferentialConstraints(_) => "referential-constraints",
            MetadataTool::ShowDatabasesSchemas(_) => "show",
            MetadataTool::ShowWarehouses(_) => "show-warehouses",
            MetadataTool::ShowGrants(_) => "show-grants",
            MetadataTool::ShowPrimaryKeys(_) => "show-primary-keys",
            MetadataTool::ShowImportedExportedKeys(_) => "show-keys",
        }
    }

    /// The database, schema and table an INFORMATION_SCHEMA tool is scoped to, outermost first, as far as
    /// the call names them without a gap (`None` for the SHOW tools).
    pub fn scope(&self) -> Option<Vec<String>> {
        let none = None;
        let (database, schema, table) = match self {
            MetadataTool::Schemata(p) => (&p.database, &none, &none),
            MetadataTool::Tables(p) => (&p.database, &p.schema, &none),
            MetadataTool::Columns(p) => (&p.database, &p.schema, &p.table),
            MetadataTool::TableConstraints(p) => (&p.database, &p.schema, &p.table),
            MetadataTool::ReferentialConstraints(p) => (&p.database, &p.schema, &p.table),
            _ => return None,
        };
        let mut path = vec![database.clone()];
        if let Some(s) = schema {
            path.push(s.clone());
            path.extend(table.clone());
        }
        Some(path)
    }

    /// The SQL text this call runs, or the parameter at fault.
    pub fn statement(&self) -> Result<String, ParamError> {
        Ok(match self {
            MetadataTool::Schemata(p) => st::schemata(&p.database, o(&p.schema_like), p.limit)?,
            MetadataTool::Tables(p) => st::tables(&p.database, o(&p.schema), o(&p.table_name_like), p.limit)?,
            MetadataTool::Columns(p) => {
                st::columns(&p.database, o(&p.schema), o(&p.table), o(&p.column_name_like), p.limit)?
            }
            MetadataTool::TableConstraints(p) => {
                let kind = p.constraint_type.as_deref().map(constraint_type).transpose()?;
                st::table_constraints(&p.database, o(&p.schema), o(&p.table), kind.as_deref(), p.limit)?
            }
            MetadataTool::ReferentialConstraints(p) => {
                st::referential_constraints(&p.database, o(&p.schema), o(&p.table), p.limit)?
            }
            MetadataTool::ShowDatabasesSchemas(p) => {
                let choices: &[(bool, &[&str])] =
                    &[(false, &["databases", "database"]), (true, &["schemas", "schema"])];
                let schemas = choose("object_type", &p.object_type, "databases, schemas", choices)?;
                match (schemas, &p.database_name) {
                    (false, Some(_)) => {
                        return Err(ParamError::OnlyWith {
                            param: "database_name",
                            with: "object_type",
                            value: "schemas",
                        });
                    }
                    (false, None) => st::show_databases(o(&p.like_pattern), None, None)?,
                    (true, db) => st::show_schemas(o(db), o(&p.like_pattern), None, None)?,
                }
            }
            MetadataTool::ShowWarehouses(p) => st::show_warehouses(o(&p.like_pattern)),
            MetadataTool::ShowGrants(p) => st::show_grants(&grant_view(p)?)?,
            MetadataTool::ShowPrimaryKeys(p) => {
                st::show_keys(KeyKind::Primary, o(&p.database_name), o(&p.schema_name), o(&p.table_name))?
            }
            MetadataTool::ShowImportedExportedKeys(p) => {
                let choices: &[(KeyKind, &[&str])] =
                    &[(KeyKind::Imported, &["imported"]), (KeyKind::Exported, &["exported"])];
                let kind = choose("key_direction", &p.key_direction, "imported, exported", choices)?;
                st::show_keys(kind, o(&p.database_name), o(&p.schema_name), Some(&p.table_name))?
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grants(view: &str, role: Option<&str>) -> ShowGrants {
        ShowGrants {
            grant_view: view.into(),
            role_name: role.map(Into::into),
            user_name: None,
            object_type: None,
            object_name: None,
        }
    }

    #[test]
    fn json_values_are_read_case_insensitively_and_errors_name_the_parameter() {
        let t = MetadataTool::ShowGrants(grants("TO_ROLE", Some("R")));
        assert_eq!(t.statement().unwrap(), "SHOW GRANTS TO ROLE \"R\"");
        let e = MetadataTool::ShowGrants(grants("to_role", None)).statement().unwrap_err();
        assert_eq!(e.to_string(), "role_name is required with grant_view to_role");
        let e = MetadataTool::ShowGrants(grants("to-role", Some("R"))).statement().unwrap_err();
        assert!(e.to_string().contains("to_role, to_user, of_role, on_object"), "{e}");
        let show = |t: &str| {
            MetadataTool::ShowDatabasesSchemas(ShowDatabasesSchemas {
                object_type: t.into(),
                database_name: None,
                like_pattern: None,
            })
            .statement()
        };
        assert_eq!(show("DATABASES").unwrap(), "SHOW DATABASES");
        assert_eq!(show("schema").unwrap(), "SHOW SCHEMAS IN ACCOUNT");
        assert!(show("tables").is_err());
        let keys = MetadataTool::ShowImportedExportedKeys(ShowImportedExportedKeys {
            key_direction: "Exported".into(),
            table_name: "T".into(),
            schema_name: Some("S".into()),
            database_name: Some("D".into()),
        });
        assert_eq!(keys.statement().unwrap(), "SHOW EXPORTED KEYS IN TABLE \"D\".\"S\".\"T\"");
        assert_eq!(keys.connector_name(), "snowflake_show_imported_exported_keys");
        assert_eq!(keys.scope(), None);
        let columns = |schema: Option<&str>, table: Option<&str>| {
            MetadataTool::Columns(Columns {
                database: "D".into(),
                schema: schema.map(Into::into),
                table: table.map(Into::into),
                column_name_like: None,
                limit: None,
            })
            .scope()
        };
        assert_eq!(columns(Some("S"), Some("T")), Some(vec!["D".into(), "S".into(), "T".into()]));
        assert_eq!(columns(None, Some("T")), Some(vec!["D".to_string()]), "no gap: a table needs its schema");
        assert_eq!(keys.cli_name(), "show-keys");
    }
}
