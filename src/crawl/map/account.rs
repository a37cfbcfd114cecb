//! SHOW DATABASES / SCHEMAS / WAREHOUSES / ROLES rows -> catalog objects (by lowercase SHOW column name).

use super::{flag, int, name, text, time};
use crate::catalog::{Database, Schema, Warehouse, WarehouseStats};
use crate::sqlapi::{Row, SqlApiError};

fn options_has(row: &Row, word: &str) -> Result<bool, SqlApiError> {
    Ok(text(row, "options")?.is_some_and(|o| o.to_ascii_uppercase().contains(word)))
}

/// One row of SHOW DATABASES.
pub fn database(row: &Row) -> Result<Database, SqlApiError> {
    Ok(Database {
        name: name(row, "name")?,
        kind: text(row, "kind")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
        retention_time: int(row, "retention_time")?,
        is_transient: options_has(row, "TRANSIENT")?,
        origin: text(row, "origin")?,
    })
}

/// One row of SHOW SCHEMAS.
pub fn schema(row: &Row) -> Result<Schema, SqlApiError> {
    Ok(Schema {
        database: name(row, "database_name")?,
        name: name(row, "name")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
        retention_time: int(row, "retention_time")?,
        is_transient: options_has(row, "TRANSIENT")?,
        is_managed_access: options_has(row, "MANAGED ACCESS")?,
    })
}

/// One row of SHOW WAREHOUSES.
pub fn warehouse(row: &Row) -> Result<Warehouse, SqlApiError> {
    Ok(Warehouse {
        name: name(row, "name")?,
        size: text(row, "size")?,
        warehouse_type: text(row, "type")?,
        auto_suspend: int(row, "auto_suspend")?,
        auto_resume: flag(row, "auto_resume")?,
        min_cluster_count: int(row, "min_cluster_count")?,
        max_cluster_count: int(row, "max_cluster_count")?,
        scaling_policy: text(row, "scaling_policy")?,
        resource_monitor: text(row, "resource_monitor")?,
        enable_query_acceleration: flag(row, "enable_query_acceleration")?,
        owner: text(row, "owner")?,
        comment: text(row, "comment")?,
        created: time(row, "created_on")?,
        stats: WarehouseStats {
            state: text(row, "state")?,
            running: int(row, "running")?,
            queued: int(row, "queued")?,
            started_clusters: int(row, "started_clusters")?,
        },
    })
}

/// The role name of one row of SHOW ROLES.
pub fn role_name(row: &Row) -> Result<String, SqlApiError> {
    name(row, "name")
}
