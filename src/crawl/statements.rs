//! The statement catalog: one typed function per metadata statement, parameters in, SQL text out.
//!
//! Every name becomes a double-quoted identifier (embedded `"` doubled) and every pattern or cursor a
//! single-quoted literal (`'` doubled, `\` doubled), so nothing a name contains can change the statement.
//! These functions mirror the Scalekit Snowflake connector's metadata tools one to one and add the few
//! statements a crawl needs beyond them. Pure string building: no I/O, no knowledge of results.

use std::fmt::Write as _;

/// The most rows a SHOW command's `LIMIT` accepts.
pub const SHOW_LIMIT_MAX: u32 = 10_000;

/// A statement that cannot be built from its parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("{param} must be between 1 and {max}, got {value}")]
    LimitOutOfRange { param: &'static str, value: u64, max: u64 },
    #[error("{param} {value:?} is not a valid object name: {reason}")]
    BadName { param: &'static str, value: String, reason: &'static str },
    #[error("{param} is required when {because}")]
    Missing { param: &'static str, because: &'static str },
}

/// `name` as a double-quoted identifier: `a"b` -> `"a""b"`. Stored names are case-sensitive, so always quote.
pub fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Dotted path of quoted identifiers: `["DB", "my schema"]` -> `"DB"."my schema"`.
pub fn path(parts: &[&str]) -> String {
    parts.iter().map(|p| ident(p)).collect::<Vec<_>>().join(".")
}

/// `s` as a single-quoted string literal. Snowflake reads backslash escapes inside single quotes, so both
/// `\` and `'` are escaped: `it's \ ok` -> `'it''s \\ ok'`.
pub fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
}

/// Split a user-typed object name (`DB.SCH.T`, `"my db"."a.b"`, `db.s`) into stored names: unquoted parts
/// are upper-cased as Snowflake resolves them; quoted parts are kept exactly (`""` -> `"`).
pub fn parse_object_name(param: &'static str, input: &str) -> Result<Vec<String>, StatementError> {
    let bad = |reason| StatementError::BadName { param, value: input.to_string(), reason };
    let mut parts = Vec::new();
    let mut chars = input.trim().chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    Some('"') => break,
                    Some(c) => part.push(c),
                    None => return Err(bad("unterminated double quote")),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                if c == '"' || c.is_whitespace() {
                    return Err(bad("unquoted names cannot contain quotes or spaces; quote the part"));
                }
                part.extend(c.to_uppercase());
                chars.next();
            }
        }
        if part.is_empty() {
            return Err(bad("empty name part"));
        }
        parts.push(part);
        match chars.next() {
            None => return Ok(parts),
            Some('.') => continue,
            Some(_) => return Err(bad("expected '.' after a quoted part")),
        }
    }
}

fn show_limit(param: &'static str, limit: Option<u32>) -> Result<Option<u32>, StatementError> {
    match limit {
        Some(n) if n == 0 || n > SHOW_LIMIT_MAX => Err(StatementError::LimitOutOfRange {
            param,
            value: u64::from(n),
            max: u64::from(SHOW_LIMIT_MAX),
        }),
        other => Ok(other),
    }
}

fn select_limit(limit: Option<u64>) -> Result<String, StatementError> {
    match limit {
        Some(0) => Err(StatementError::LimitOutOfRange { param: "limit", value: 0, max: u64::MAX }),
        Some(n) => Ok(format!(" LIMIT {n}")),
        None => Ok(String::new()),
    }
}

/// Appends ` AND <col> = '<v>'` for each given filter, or a LIKE for patterns.
struct Where(Vec<String>);

impl Where {
    fn new() -> Self {
        Where(Vec::new())
    }
    fn eq(mut self, column: &str, value: Option<&str>) -> Self {
        if let Some(v) = value {
            self.0.push(format!("{column} = {}", literal(v)));
        }
        self
    }
    fn like(mut self, column: &str, pattern: Option<&str>) -> Self {
        if let Some(p) = pattern {
            self.0.push(format!("{column} LIKE {}", literal(p)));
        }
        self
    }
    fn raw(mut self, condition: &str) -> Self {
        self.0.push(condition.to_string());
        self
    }
    fn render(&self) -> String {
        if self.0.is_empty() { String::new() } else { format!(" WHERE {}", self.0.join(" AND ")) }
    }
}

/// Columns read from `INFORMATION_SCHEMA.SCHEMATA`.
pub const SCHEMATA_COLUMNS: &str = "CATALOG_NAME, SCHEMA_NAME, SCHEMA_OWNER, IS_TRANSIENT, IS_MANAGED_ACCESS, \
RETENTION_TIME, CREATED, LAST_ALTERED, COMMENT";
/// Columns read from `INFORMATION_SCHEMA.TABLES`.
pub const TABLES_COLUMNS: &str = "TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, TABLE_OWNER, TABLE_TYPE, \
IS_TRANSIENT, CLUSTERING_KEY, ROW_COUNT, BYTES, RETENTION_TIME, CREATED, LAST_ALTERED, LAST_DDL, COMMENT, \
IS_DYNAMIC, IS_ICEBERG, IS_HYBRID";
/// Columns read from `INFORMATION_SCHEMA.COLUMNS`.
pub const COLUMNS_COLUMNS: &str = "TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, \
COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, \
DATETIME_PRECISION, IS_IDENTITY, IDENTITY_START, IDENTITY_INCREMENT, COMMENT";
/// Columns read from `INFORMATION_SCHEMA.TABLE_CONSTRAINTS`.
pub const TABLE_CONSTRAINTS_COLUMNS: &str = "CONSTRAINT_CATALOG, CONSTRAINT_SCHEMA, CONSTRAINT_NAME, \
TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_TYPE, IS_DEFERRABLE, INITIALLY_DEFERRED, ENFORCED, \
COMMENT, CREATED, LAST_ALTERED, RELY";

/// Tool `schemata`: schemas of a database from its INFORMATION_SCHEMA.
pub fn schemata(
    database: &str,
    schema_like: Option<&str>,
    limit: Option<u64>,
) -> Result<String, StatementError> {
    let w = Where::new().like("SCHEMA_NAME", schema_like);
    Ok(format!(
        "SELECT {SCHEMATA_COLUMNS} FROM {}.INFORMATION_SCHEMA.SCHEMATA{} ORDER BY SCHEMA_NAME{}",
        ident(database),
        w.render(),
        select_limit(limit)?
    ))
}

/// Tool `tables`: tables and views of a database (or one schema), INFORMATION_SCHEMA itself left out.
pub fn tables(
    database: &str,
    schema: Option<&str>,
    table_name_like: Option<&str>,
    limit: Option<u64>,
) -> Result<String, StatementError> {
    let w = Where::new()
        .raw("TABLE_SCHEMA <> 'INFORMATION_SCHEMA'")
        .eq("TABLE_SCHEMA", schema)
        .like("TABLE_NAME", table_name_like);
    Ok(format!(
        "SELECT {TABLES_COLUMNS} FROM {}.INFORMATION_SCHEMA.TABLES{} ORDER BY TABLE_SCHEMA, TABLE_NAME{}",
        ident(database),
        w.render(),
        select_limit(limit)?
    ))
}

/// Tool `columns`: columns of a database, schema or table.
pub fn columns(
    database: &str,
    schema: Option<&str>,
    table: Option<&str>,
    column_name_like: Option<&str>,
    limit: Option<u64>,
) -> Result<String, StatementError> {
    columns_where(database, schema, table, column_name_like, &[], limit)
}

/// Columns of a database or schema restricted to a batch of tables named exactly (the 090030 fallback: the
/// crawler already knows the table names from the TABLES listing, so batches are exact, never prefixes).
pub fn columns_where(
    database: &str,
    schema: Option<&str>,
    table: Option<&str>,
    column_name_like: Option<&str>,
    table_names: &[&str],
    limit: Option<u64>,
) -> Result<String, StatementError> {
    let mut w = Where::new()
        .raw("TABLE_SCHEMA <> 'INFORMATION_SCHEMA'")
        .eq("TABLE_SCHEMA", schema)
        .eq("TABLE_NAME", table)
        .like("COLUMN_NAME", column_name_like);
    if !table_names.is_empty() {
        let names = table_names.iter().map(|t| literal(t)).collect::<Vec<_>>().join(", ");
        w = w.raw(&format!("TABLE_NAME IN ({names})"));
    }
    Ok(format!(
        "SELECT {COLUMNS_COLUMNS} FROM {}.INFORMATION_SCHEMA.COLUMNS{} \
         ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION{}",
        ident(database),
        w.render(),
        select_limit(limit)?
    ))
}

/// Columns of exactly these tables of `database`, given per schema (an incremental run's re-reads): one
/// `(TABLE_SCHEMA = s AND TABLE_NAME IN (...))` group per schema, OR-ed, behind plain IN lists of the
/// schemas and names that narrow the scan first. Nothing when `tables` is empty.
pub fn columns_of_tables(database: &str, tables: &[(&str, Vec<&str>)]) -> Option<String> {
    let list = |xs: &mut dyn Iterator<Item = &str>| xs.map(literal).collect::<Vec<_>>().join(", ");
    let groups: Vec<String> = tables
        .iter()
        .filter(|(_, names)| !names.is_empty())
        .map(|(s, names)| {
            format!(
                "(TABLE_SCHEMA = {} AND TABLE_NAME IN ({}))",
                literal(s),
                list(&mut names.iter().copied())
            )
        })
        .collect();
    if groups.is_empty() {
        return None;
    }
    let mut names: Vec<&str> = tables.iter().flat_map(|(_, n)| n.iter().copied()).collect();
    names.sort_unstable();
    names.dedup();
    Some(format!(
        "SELECT {COLUMNS_COLUMNS} FROM {}.INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA IN ({}) AND \
         TABLE_NAME IN ({}) AND ({}) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION",
        ident(database),
        list(&mut tables.iter().map(|(s, _)| *s)),
        list(&mut names.into_iter()),
        groups.join(" OR ")
    ))
}

/// Tool `table-constraints`: constraints of a database, schema or table.
pub fn table_constraints(
    database: &str,
    schema: Option<&str>,
    table: Option<&str>,
    constraint_type: Option<&str>,
    limit: Option<u64>,
) -> Result<String, StatementError> {
    let w = Where::new()
        .eq("TABLE_SCHEMA", schema)
        .eq("TABLE_NAME", table)
        .eq("CONSTRAINT_TYPE", constraint_type.map(|t| t.to_ascii_uppercase()).as_deref());
    Ok(format!(
        "SELECT {TABLE_CONSTRAINTS_COLUMNS} FROM {}.INFORMATION_SCHEMA.TABLE_CONSTRAINTS{} \
         ORDER BY TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME{}",
        ident(database),
        w.render(),
        select_limit(limit)?
    ))
}

/// Tool `referential-constraints`: foreign keys with their child table (joined from TABLE_CONSTRAINTS,
/// since REFERENTIAL_CONSTRAINTS names no table) and the unique constraint they reference.
pub fn referential_constraints(
    database: &str,
    schema: Option<&str>,
    table: Option<&str>,
    limit: Option<u64>,
) -> Result<String, StatementError> {
    let w = Where::new().eq("tc.TABLE_SCHEMA", schema).eq("tc.TABLE_NAME", table);
    let db = ident(database);
    Ok(format!(
        "SELECT rc.CONSTRAINT_CATALOG, rc.CONSTRAINT_SCHEMA, rc.CONSTRAINT_NAME, tc.TABLE_NAME, \
         rc.UNIQUE_CONSTRAINT_CATALOG, rc.UNIQUE_CONSTRAINT_SCHEMA, rc.UNIQUE_CONSTRAINT_NAME, \
         rc.MATCH_OPTION, rc.UPDATE_RULE, rc.DELETE_RULE, rc.COMMENT, rc.CREATED, rc.LAST_ALTERED \
         FROM {db}.INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS rc \
         JOIN {db}.INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc \
         ON tc.CONSTRAINT_CATALOG = rc.CONSTRAINT_CATALOG AND tc.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA \
         AND tc.CONSTRAINT_NAME = rc.CONSTRAINT_NAME AND tc.CONSTRAINT_TYPE = 'FOREIGN KEY'{} \
         ORDER BY rc.CONSTRAINT_SCHEMA, tc.TABLE_NAME, rc.CONSTRAINT_NAME{}",
        w.render(),
        select_limit(limit)?
    ))
}

/// `LIKE '<p>'` clause for SHOW (case-insensitive, `%` and `_` wildcards), or nothing.
fn show_like(pattern: Option<&str>) -> String {
    pattern.map(|p| format!(" LIKE {}", literal(p))).unwrap_or_default()
}

pub(crate) fn show_page(limit: Option<u32>, from: Option<&str>) -> Result<String, StatementError> {
    let mut out = String::new();
    if let Some(n) = show_limit("limit", limit)? {
        let _ = write!(out, " LIMIT {n}");
        if let Some(f) = from {
            let _ = write!(out, " FROM {}", literal(f));
        }
    }
    Ok(out)
}

/// `SHOW DATABASES [LIKE] [LIMIT n [FROM 'name']]` (tool `show --object-type databases`, and the crawl's
/// paginated listing).
pub fn show_databases(
    like: Option<&str>,
    limit: Option<u32>,
    from: Option<&str>,
) -> Result<String, StatementError> {
    Ok(format!("SHOW DATABASES{}{}", show_like(like), show_page(limit, from)?))
}

/// `SHOW SCHEMAS [LIKE] IN {ACCOUNT | DATABASE "d"} [LIMIT n [FROM 'name']]`. Paginate only per database:
/// FROM compares names alone, so an account-wide page would skip or repeat schemas across databases.
pub fn show_schemas(
    database: Option<&str>,
    like: Option<&str>,
    limit: Option<u32>,
    from: Option<&str>,
) -> Result<String, StatementError> {
    let scope = match database {
        Some(d) => format!(" IN DATABASE {}", ident(d)),
        None => " IN ACCOUNT".to_string(),
    };
    Ok(format!("SHOW SCHEMAS{}{scope}{}", show_like(like), show_page(limit, from)?))
}

/// What a per-schema name listing shows: `SHOW TABLES` (tables of every kind but external) or `SHOW VIEWS`
/// (views and materialized views).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaObjects {
    Tables,
    Views,
}

/// `SHOW TERSE {TABLES | VIEWS} IN SCHEMA "d"."s" LIMIT n [FROM 'name']`: the names SHOW lists in one schema
/// (all of them for a role with MANAGE GRANTS, whatever its privileges on each). TERSE keeps the rows small;
/// paginating by name is safe because every row shares the one schema (metadata-shapes 1.2).
pub fn show_in_schema(
    what: SchemaObjects,
    database: &str,
    schema: &str,
    limit: u32,
    from: Option<&str>,
) -> Result<String, StatementError> {
    let word = match what {
        SchemaObjects::Tables => "TABLES",
        SchemaObjects::Views => "VIEWS",
    };
    Ok(format!("SHOW TERSE {word} IN SCHEMA {}{}", path(&[database, schema]), show_page(Some(limit), from)?))
}

/// Tool `show-warehouses`: `SHOW WAREHOUSES [LIKE]` (no pagination exists; silently capped at 10,000).
pub fn show_warehouses(like: Option<&str>) -> String {
    format!("SHOW WAREHOUSES{}", show_like(like))
}

/// `SHOW ROLES` (the grant crawl's starting point).
/// The account's own names (Snowflake's context functions): the preferred identifier is
/// `ORGANIZATION-ACCOUNT_NAME`; the locator is the fallback when either part is missing.
pub const ACCOUNT_IDENTITY: &str = "SELECT CURRENT_ORGANIZATION_NAME() AS ORGANIZATION, \
    CURRENT_ACCOUNT_NAME() AS ACCOUNT_NAME, CURRENT_ACCOUNT() AS LOCATOR";

pub fn show_roles() -> String {
    "SHOW ROLES".to_string()
}

/// `SHOW USERS`.
pub fn show_users() -> String {
    "SHOW USERS".to_string()
}

/// What `show-grants` lists (the tool's `grant_view`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GrantView {
    /// Privileges and roles granted to a role.
    ToRole(String),
    /// Roles granted to a user.
    ToUser(String),
    /// Roles and users a role is granted to.
    OfRole(String),
    /// Grants on one object; `object_type` like `TABLE`, `name` the dotted stored path.
    OnObject { object_type: String, name: Vec<String> },
    /// Grants on the account itself.
    OnAccount,
}

/// Tool `show-grants`.
pub fn show_grants(view: &GrantView) -> Result<String, StatementError> {
    Ok(match view {
        GrantView::ToRole(r) => format!("SHOW GRANTS TO ROLE {}", ident(r)),
        GrantView::ToUser(u) => format!("SHOW GRANTS TO USER {}", ident(u)),
        GrantView::OfRole(r) => format!("SHOW GRANTS OF ROLE {}", ident(r)),
        GrantView::OnAccount => "SHOW GRANTS ON ACCOUNT".to_string(),
        GrantView::OnObject { object_type, name } => {
            let kind = object_type.trim().to_ascii_uppercase().replace('_', " ");
            if kind.is_empty() || !kind.chars().all(|c| c.is_ascii_alphabetic() || c == ' ') {
                return Err(StatementError::BadName {
                    param: "object_type",
                    value: object_type.clone(),
                    reason: "an object type is a keyword such as TABLE, SCHEMA or WAREHOUSE",
                });
            }
            let parts: Vec<&str> = name.iter().map(String::as_str).collect();
            format!("SHOW GRANTS ON {kind} {}", path(&parts))
        }
    })
}

/// `SHOW FUTURE GRANTS IN DATABASE "d"` or `IN SCHEMA "d"."s"`.
pub fn show_future_grants(database: &str, schema: Option<&str>) -> String {
    match schema {
        Some(s) => format!("SHOW FUTURE GRANTS IN SCHEMA {}", path(&[database, s])),
        None => format!("SHOW FUTURE GRANTS IN DATABASE {}", ident(database)),
    }
}

/// `SHOW FUTURE GRANTS TO ROLE "r"`: every future grant held by a role, whatever database or schema.
pub fn show_future_grants_to_role(role: &str) -> String {
    format!("SHOW FUTURE GRANTS TO ROLE {}", ident(role))
}

/// Grants from `SNOWFLAKE.ACCOUNT_USAGE` (up to 2 h behind): privileges held by roles, live rows only.
pub fn account_usage_grants_to_roles() -> String {
    "SELECT CREATED_ON, PRIVILEGE, GRANTED_ON, NAME, TABLE_CATALOG, TABLE_SCHEMA, GRANTED_TO, GRANTEE_NAME, \
     GRANT_OPTION, GRANTED_BY FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_ROLES WHERE DELETED_ON IS NULL"
        .to_string()
}

/// Roles granted to users from `SNOWFLAKE.ACCOUNT_USAGE` (up to 2 h behind), live rows only.
pub fn account_usage_grants_to_users() -> String {
    "SELECT CREATED_ON, ROLE, GRANTED_TO, GRANTEE_NAME, GRANTED_BY \
     FROM SNOWFLAKE.ACCOUNT_USAGE.GRANTS_TO_USERS WHERE DELETED_ON IS NULL"
        .to_string()
}

/// Which key listing: SHOW PRIMARY / UNIQUE / IMPORTED / EXPORTED KEYS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Primary,
    Unique,
    Imported,
    Exported,
}

impl KeyKind {
    fn keyword(self) -> &'static str {
        match self {
            KeyKind::Primary => "PRIMARY",
            KeyKind::Unique => "UNIQUE",
            KeyKind::Imported => "IMPORTED",
            KeyKind::Exported => "EXPORTED",
        }
    }
}

/// `SHOW <kind> KEYS IN {ACCOUNT | DATABASE d | SCHEMA d.s | TABLE d.s.t}`: the narrowest scope the given
/// names allow. A schema needs its database and a table needs its schema (an unqualified name would be
/// resolved against a current database, which SQL API sessions do not have).
pub fn show_keys(
    kind: KeyKind,
    database: Option<&str>,
    schema: Option<&str>,
    table: Option<&str>,
) -> Result<String, StatementError> {
    let scope = match (database, schema, table) {
        (None, None, None) => " IN ACCOUNT".to_string(),
        (Some(d), None, None) => format!(" IN DATABASE {}", ident(d)),
        (Some(d), Some(s), None) => format!(" IN SCHEMA {}", path(&[d, s])),
        (Some(d), Some(s), Some(t)) => format!(" IN TABLE {}", path(&[d, s, t])),
        (None, _, _) => {
            return Err(StatementError::Missing {
                param: "database_name",
                because: "a schema or table is named",
            });
        }
        (Some(_), None, Some(_)) => {
            return Err(StatementError::Missing { param: "schema_name", because: "a table is named" });
        }
    };
    Ok(format!("SHOW {} KEYS{scope}", kind.keyword()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_and_literals_cannot_break_out() {
        assert_eq!(ident(r#"a"b"#), r#""a""b""#);
        assert_eq!(ident("x\"; DROP DATABASE y; --"), "\"x\"\"; DROP DATABASE y; --\"");
        assert_eq!(literal(r"it's \ ok"), r"'it''s \\ ok'");
        assert_eq!(literal("a\\'; SELECT 1; --"), "'a\\\\''; SELECT 1; --'");
        assert_eq!(path(&["my db", "ünï"]), "\"my db\".\"ünï\"");
    }

    #[test]
    fn object_names_parse_like_snowflake_resolves_them() {
        assert_eq!(parse_object_name("n", "db.sch.t").unwrap(), ["DB", "SCH", "T"]);
        assert_eq!(parse_object_name("n", r#""my db"."a.b""x".T"#).unwrap(), ["my db", "a.b\"x", "T"]);
        assert!(parse_object_name("n", "db..t").is_err());
        assert!(parse_object_name("n", "\"open").is_err());
        assert!(parse_object_name("n", "a b").is_err());
    }

    #[test]
    fn information_schema_statements_filter_by_literal() {
        let sql = tables("D'B", Some("S\"1"), Some("%_x"), Some(5)).unwrap();
        assert_eq!(
            sql,
            format!(
                "SELECT {TABLES_COLUMNS} FROM \"D'B\".INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA <> \
                 'INFORMATION_SCHEMA' AND TABLE_SCHEMA = 'S\"1' AND TABLE_NAME LIKE '%_x' \
                 ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT 5"
            )
        );
        let batched = columns_where("D", Some("S"), None, None, &["A", "B'"], None).unwrap();
        assert!(batched.contains("AND TABLE_NAME IN ('A', 'B''')"), "{batched}");
        assert!(schemata("D", None, Some(0)).is_err());
    }

    #[test]
    fn show_statements_scope_and_page() {
        assert_eq!(
            show_databases(None, Some(10_000), Some("it's")).unwrap(),
            "SHOW DATABASES LIMIT 10000 FROM 'it''s'"
        );
        assert!(show_databases(None, Some(10_001), None).is_err());
        assert_eq!(show_schemas(Some("d"), None, None, None).unwrap(), "SHOW SCHEMAS IN DATABASE \"d\"");
        assert_eq!(show_keys(KeyKind::Imported, None, None, None).unwrap(), "SHOW IMPORTED KEYS IN ACCOUNT");
        assert_eq!(
            show_keys(KeyKind::Primary, Some("D"), Some("S"), Some("T")).unwrap(),
            "SHOW PRIMARY KEYS IN TABLE \"D\".\"S\".\"T\""
        );
        assert!(show_keys(KeyKind::Exported, None, Some("S"), None).is_err());
        assert_eq!(
            show_grants(&GrantView::OnObject {
                object_type: "table".into(),
                name: vec!["D".into(), "t t".into()]
            })
            .unwrap(),
            "SHOW GRANTS ON TABLE \"D\".\"t t\""
        );
        assert!(
            show_grants(&GrantView::OnObject { object_type: "TABLE; DROP".into(), name: vec![] }).is_err()
        );
        assert_eq!(show_future_grants("D", Some("S")), "SHOW FUTURE GRANTS IN SCHEMA \"D\".\"S\"");
        assert_eq!(
            show_in_schema(SchemaObjects::Views, "D", "s\"x", 500, Some("V'1")).unwrap(),
            "SHOW TERSE VIEWS IN SCHEMA \"D\".\"s\"\"x\" LIMIT 500 FROM 'V''1'"
        );
        assert!(show_in_schema(SchemaObjects::Tables, "D", "S", 0, None).is_err());
    }
}
