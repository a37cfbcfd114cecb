//! ALTER TABLE for the emulator (ADD / DROP / RENAME COLUMN, ALTER COLUMN type / NOT NULL / DEFAULT,
//! RENAME TO, ADD / DROP CONSTRAINT), parsed with sqlparser's SnowflakeDialect.
//!
//! Must not render results or decide visibility.

use sqlparser::ast::{AlterColumnOperation, AlterTableOperation, Statement};

use super::ddl::{DdlContext, already_exists, resolve_object};
use super::ddl_table::{Owner, column_from, constraints_from, ident, name_parts, parse_one, strip_rely};
use super::model::Account;
use super::model_access::ObjectName;
use super::model_types::{ConstraintKind, GrantTarget, Table};
use super::result::SqlError;
use super::types::parse_type;

/// ALTER TABLE ADD / DROP / RENAME COLUMN, ALTER COLUMN ... TYPE, RENAME TO, ADD CONSTRAINT.
pub fn alter_table(account: &mut Account, ctx: &mut DdlContext, sql: &str) -> Result<String, SqlError> {
    let (clean, rely) = strip_rely(sql)?;
    let Statement::AlterTable(at) = parse_one(&clean)? else {
        return Err(SqlError::syntax("expected ALTER TABLE"));
    };
    let (db, schema, name) = resolve_object(ctx, name_parts(&at.name))?;
    let now = account.tick(ctx.now_ms);
    if account.table(&db, &schema, &name).is_none() {
        if at.if_exists {
            return Ok("Statement executed successfully.".into());
        }
        return Err(SqlError::does_not_exist("Table", &format!("{db}.{schema}.{name}")));
    }
    for op in &at.operations {
        match op {
            AlterTableOperation::AddConstraint { constraint, .. } => {
                let cons = constraints_from(
                    account,
                    ctx,
                    &Owner { db: &db, schema: &schema, name: &name },
                    &[],
                    std::slice::from_ref(constraint),
                    &rely,
                    now,
                )?;
                table_mut(account, &db, &schema, &name)?.constraints.extend(cons);
            }
            other => alter_one(table_mut(account, &db, &schema, &name)?, other, &mut *ctx, &db, &schema)?,
        }
    }
    let t = table_mut(account, &db, &schema, &name)?;
    t.last_altered = now;
    t.last_ddl = now;
    if let Some(AlterTableOperation::RenameTable { table_name }) =
        at.operations.iter().find(|o| matches!(o, AlterTableOperation::RenameTable { .. }))
    {
        let new = match table_name {
            sqlparser::ast::RenameTableNameKind::As(n) | sqlparser::ast::RenameTableNameKind::To(n) => n,
        };
        let new_name = name_parts(new).pop().unwrap_or_default();
        table_mut(account, &db, &schema, &name)?.name = new_name.clone();
        for g in &mut account.grants {
            if let GrantTarget::Object { database, schema: s, name: n, .. } = &mut g.target
                && *database == db
                && *s == schema
                && *n == name
            {
                *n = new_name.clone();
            }
        }
        let old = ObjectName::new(&db, &schema, &name);
        super::ddl_policy::rename_object(account, &old, &new_name, None);
    }
    for op in &at.operations {
        if let AlterTableOperation::RenameColumn { old_column_name, new_column_name } = op {
            let t = at.operations.iter().find_map(|o| match o {
                AlterTableOperation::RenameTable { table_name } => match table_name {
                    sqlparser::ast::RenameTableNameKind::As(n)
                    | sqlparser::ast::RenameTableNameKind::To(n) => name_parts(n).pop(),
                },
                _ => None,
            });
            let obj = ObjectName::new(&db, &schema, t.as_deref().unwrap_or(&name));
            let cols = (ident(old_column_name), ident(new_column_name));
            super::ddl_policy::rename_object(account, &obj, &obj.name.clone(), Some(cols));
        }
    }
    Ok("Statement executed successfully.".into())
}

fn table_mut<'a>(
    account: &'a mut Account,
    db: &str,
    schema: &str,
    name: &str,
) -> Result<&'a mut Table, SqlError> {
    account
        .table_mut(db, schema, name)
        .ok_or_else(|| SqlError::does_not_exist("Table", &format!("{db}.{schema}.{name}")))
}

fn alter_one(
    t: &mut Table,
    op: &AlterTableOperation,
    _ctx: &mut DdlContext,
    _db: &str,
    _schema: &str,
) -> Result<(), SqlError> {
    let invalid = |c: &str| {
        SqlError::new(
            "000904",
            "42000",
            format!("SQL compilation error: error line 0 at position 0\ninvalid identifier '{c}'"),
        )
    };
    match op {
        AlterTableOperation::AddColumn { column_def, if_not_exists, .. } => {
            let col = column_from(column_def)?;
            if t.columns.iter().any(|c| c.name == col.name) {
                if *if_not_exists {
                    return Ok(());
                }
                return Err(already_exists(&col.name));
            }
            t.columns.push(col);
        }
        AlterTableOperation::DropColumn { column_names, if_exists, .. } => {
            for n in column_names.iter().map(ident) {
                if !t.columns.iter().any(|c| c.name == n) {
                    if *if_exists {
                        continue;
                    }
                    return Err(invalid(&n));
                }
                t.columns.retain(|c| c.name != n);
                t.constraints.retain(|c| !c.columns.contains(&n));
            }
        }
        AlterTableOperation::RenameColumn { old_column_name, new_column_name } => {
            let (old, new) = (ident(old_column_name), ident(new_column_name));
            let col = t.columns.iter_mut().find(|c| c.name == old).ok_or_else(|| invalid(&old))?;
            col.name = new.clone();
            for c in &mut t.constraints {
                for cc in &mut c.columns {
                    if *cc == old {
                        *cc = new.clone();
                    }
                }
            }
        }
        AlterTableOperation::AlterColumn { column_name, op } => {
            let n = ident(column_name);
            let col = t.columns.iter_mut().find(|c| c.name == n).ok_or_else(|| invalid(&n))?;
            match op {
                AlterColumnOperation::SetDataType { data_type, .. } => {
                    let text = data_type.to_string();
                    col.data_type = parse_type(&text)
                        .ok_or_else(|| SqlError::syntax(format!("unsupported data type '{text}'")))?;
                }
                AlterColumnOperation::SetNotNull => col.nullable = false,
                AlterColumnOperation::DropNotNull => col.nullable = true,
                AlterColumnOperation::SetDefault { value } => col.default = Some(value.to_string().into()),
                AlterColumnOperation::DropDefault => col.default = None,
                _ => return Err(SqlError::syntax("unsupported ALTER COLUMN operation")),
            }
        }
        AlterTableOperation::RenameTable { .. } => {}
        AlterTableOperation::DropPrimaryKey { .. } => {
            t.constraints.retain(|c| c.kind != ConstraintKind::PrimaryKey)
        }
        AlterTableOperation::DropConstraint { name, .. } => {
            let n = ident(name);
            t.constraints.retain(|c| c.name != n);
        }
        _ => return Err(SqlError::syntax("unsupported ALTER TABLE operation")),
    }
    Ok(())
}
