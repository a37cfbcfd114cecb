//! The catalog's typed errors. No secrets ever reach these messages (the catalog holds none).

/// Anything that can go wrong opening, migrating, writing or reading a catalog.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("catalog {path}: {source}")]
    Open { path: String, source: rusqlite::Error },
    #[error(
        "catalog {path} has schema version {found}, newer than this snowcat understands ({supported}); \
         upgrade snowcat or use another catalog file"
    )]
    TooNew { path: String, found: i64, supported: i64 },
    #[error("catalog migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("catalog SQL error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("catalog JSON error: {0}")]
    Json(#[from] serde_json::Error),
    #[error("run {0} not found")]
    RunNotFound(i64),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T, E = CatalogError> = std::result::Result<T, E>;
