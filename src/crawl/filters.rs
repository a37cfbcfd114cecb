//! What a crawl covers: include/exclude database and schema patterns (SQL LIKE, case-insensitive), object
//! kinds on or off, and the system databases (SNOWFLAKE, SNOWFLAKE_SAMPLE_DATA) left out by default.
//!
//! Pure decisions over names; must not run statements or know about the catalog.

use crate::catalog::ObjectKind;
use crate::config::{FiltersConfig, KindsConfig};

/// The databases Snowflake ships with, skipped unless asked for.
pub const SYSTEM_DATABASES: [&str; 2] = ["SNOWFLAKE", "SNOWFLAKE_SAMPLE_DATA"];

/// The filters of one crawl.
#[derive(Debug, Clone, PartialEq)]
pub struct Filters {
    pub include_databases: Vec<String>,
    pub exclude_databases: Vec<String>,
    /// `SCHEMA` or `DATABASE.SCHEMA` patterns.
    pub include_schemas: Vec<String>,
    pub exclude_schemas: Vec<String>,
    pub include_system_databases: bool,
    pub kinds: KindsConfig,
}

impl Default for Filters {
    fn default() -> Self {
        Filters::from_config(&FiltersConfig::default())
    }
}

impl Filters {
    pub fn from_config(c: &FiltersConfig) -> Filters {
        Filters {
            include_databases: c.include_databases.clone(),
            exclude_databases: c.exclude_databases.clone(),
            include_schemas: c.include_schemas.clone(),
            exclude_schemas: c.exclude_schemas.clone(),
            include_system_databases: c.include_system_databases,
            kinds: c.kinds.clone(),
        }
    }

    /// Is this database crawled (its schemas, tables, columns, future grants)?
    pub fn database(&self, name: &str) -> bool {
        if !self.include_system_databases && SYSTEM_DATABASES.contains(&name) {
            return false;
        }
        if self.exclude_databases.iter().any(|p| like(p, name)) {
            return false;
        }
        self.include_databases.is_empty() || self.include_databases.iter().any(|p| like(p, name))
    }

    /// Is this schema of `database` crawled? A pattern with a `.` matches `DATABASE.SCHEMA`.
    pub fn schema(&self, database: &str, schema: &str) -> bool {
        let qualified = format!("{database}.{schema}");
        let hit = |p: &String| if p.contains('.') { like(p, &qualified) } else { like(p, schema) };
        if self.exclude_schemas.iter().any(hit) {
            return false;
        }
        self.include_schemas.is_empty() || self.include_schemas.iter().any(hit)
    }

    /// Does any schema filter apply at all (then listings are ledgered schema by schema)?
    pub fn filters_schemas(&self) -> bool {
        !self.include_schemas.is_empty() || !self.exclude_schemas.is_empty()
    }

    /// Tables or views are wanted (INFORMATION_SCHEMA.TABLES runs).
    pub fn wants_tables(&self) -> bool {
        self.kinds.tables || self.kinds.views || self.kinds.columns
    }

    /// Is this pipeline or code kind (`ObjectKind::PIPELINE`) crawled?
    pub fn pipeline(&self, kind: ObjectKind) -> bool {
        let k = &self.kinds;
        match kind {
            ObjectKind::View => k.view_definitions,
            ObjectKind::DynamicTable => k.dynamic_tables,
            ObjectKind::Stream => k.streams,
            ObjectKind::Task => k.tasks,
            ObjectKind::Pipe => k.pipes,
            ObjectKind::Stage => k.stages,
            ObjectKind::Function => k.functions,
            ObjectKind::Procedure => k.procedures,
            ObjectKind::Sequence => k.sequences,
            _ => false,
        }
    }

    /// Keep a table of this INFORMATION_SCHEMA `TABLE_TYPE`?
    pub fn table_type(&self, table_type: &str) -> bool {
        if table_type.to_ascii_uppercase().contains("VIEW") { self.kinds.views } else { self.kinds.tables }
    }
}

/// SQL LIKE, case-insensitive: `%` any run, `_` any one character, `\` escapes the next character.
pub fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_uppercase().chars().collect();
    let t: Vec<char> = text.to_uppercase().chars().collect();
    like_at(&p, &t)
}

fn like_at(p: &[char], t: &[char]) -> bool {
    // Iterative matcher with backtracking on the last `%`.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('%') => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some('\\') if p.get(pi + 1) == t.get(ti) => {
                pi += 2;
                ti += 1;
                continue;
            }
            Some('_') => {
                pi += 1;
                ti += 1;
                continue;
            }
            Some(c) if *c != '\\' && Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
                continue;
            }
            _ => {}
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '%')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_is_case_insensitive_with_wildcards() {
        assert!(like("sales%", "SALES_2024"));
        assert!(like("S_LES", "sales"));
        assert!(!like("SALES", "SALES2"));
        assert!(like("%ale%", "SALES"));
        assert!(like("a\\_b", "A_B"));
        assert!(!like("a\\_b", "AXB"));
        assert!(like("%", ""));
    }

    #[test]
    fn system_databases_are_excluded_unless_asked_for() {
        let mut f = Filters::default();
        assert!(!f.database("SNOWFLAKE") && !f.database("SNOWFLAKE_SAMPLE_DATA") && f.database("SALES"));
        f.include_system_databases = true;
        assert!(f.database("SNOWFLAKE"));
        f.exclude_databases = vec!["snow%".into()];
        assert!(!f.database("SNOWFLAKE"));
        f.include_databases = vec!["sales".into()];
        assert!(f.database("SALES") && !f.database("FINANCE"));
    }

    #[test]
    fn schema_patterns_may_be_qualified() {
        let f = Filters { exclude_schemas: vec!["SALES.STAG%".into(), "TMP".into()], ..Filters::default() };
        assert!(!f.schema("SALES", "STAGING") && f.schema("OTHER", "STAGING"));
        assert!(!f.schema("X", "tmp") && f.schema("SALES", "CORE"));
    }
}
