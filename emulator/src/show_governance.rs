//! SHOW MASKING POLICIES, SHOW ROW ACCESS POLICIES, SHOW TAGS and DESCRIBE {MASKING | ROW ACCESS} POLICY,
//! with the columns and visibility rules of metadata-shapes-2 §3.1, §3.2 and §4.1.
//!
//! Who sees a policy: MANAGE GRANTS sees all; otherwise the role needs OWNERSHIP of it or the
//! account-level `APPLY {MASKING | ROW ACCESS} POLICY`, plus a privilege on its database and schema.
//! DESCRIBE shows the body only to those roles; to any other role the policy does not exist (002003).
//! A tag is seen with USAGE on its schema, the account-level APPLY TAG, or MANAGE GRANTS.
//! Read-only.

use super::lexer::Cursor;
use super::model::Account;
use super::model_access::{Policy, PolicyKind};
use super::model_types::GrantTarget;
use super::result::{QueryResult, SqlError, Value};
use super::show::{Ceiling, Scope, ShowCtx, ShowOpts, cols, finish, opt, t, ts};
use super::visibility::{View, holds};

/// Whether the role holds the account-level privilege `privilege` (e.g. `APPLY MASKING POLICY`).
pub fn holds_on_account(account: &Account, view: &View, privilege: &str) -> bool {
    account.grants.iter().any(|g| {
        g.target == GrantTarget::Account && g.privilege == privilege && holds(&view.roles, &g.grantee)
    })
}

/// May the role see this policy's definition (SHOW row, DESCRIBE)?
pub fn sees_policy(account: &Account, view: &View, p: &Policy) -> bool {
    if view.manage_grants {
        return true;
    }
    let entitled =
        view.roles.contains(&p.owner) || holds_on_account(account, view, &format!("APPLY {}", p.kind.ddl()));
    entitled && view.schema(&p.database, &p.schema)
}

fn in_scope(ctx: &ShowCtx, opts: &ShowOpts, db: &str, schema: &str) -> bool {
    match &opts.scope {
        None | Some(Scope::Default) => ctx.session.database.as_deref().is_none_or(|d| d == db),
        Some(Scope::Account) => true,
        Some(Scope::Database(d)) => d == db,
        Some(Scope::Schema(d, s)) => d == db && s == schema,
        Some(Scope::Table(..)) => false,
    }
}

/// SHOW MASKING POLICIES / SHOW ROW ACCESS POLICIES.
pub fn policies(ctx: &ShowCtx, opts: &ShowOpts, kind: PolicyKind) -> Result<QueryResult, SqlError> {
    let account = ctx.account;
    let mut list: Vec<&Policy> = account
        .governance
        .policies
        .iter()
        .filter(|p| p.kind == kind && in_scope(ctx, opts, &p.database, &p.schema))
        .filter(|p| sees_policy(account, &ctx.view, p))
        .collect();
    list.sort_by(|a, b| (&a.database, &a.schema, &a.name).cmp(&(&b.database, &b.schema, &b.name)));
    let rows = list
        .into_iter()
        .map(|p| {
            let options = if p.exempt_other_policies { r#"{"EXEMPT_OTHER_POLICIES": "TRUE"}"# } else { "" };
            let row = vec![
                ts(p.created_on),
                t(&p.name),
                t(&p.database),
                t(&p.schema),
                t(kind.word()),
                t(&p.owner),
                opt(&p.comment),
                t(options),
                t("ROLE"),
            ];
            (p.name.clone(), row)
        })
        .collect();
    let names = [
        "created_on",
        "name",
        "database_name",
        "schema_name",
        "kind",
        "owner",
        "comment",
        "options",
        "owner_role_type",
    ];
    let what = if kind == PolicyKind::Masking { "MASKING POLICIES" } else { "ROW ACCESS POLICIES" };
    finish(ctx, opts, cols(&names), rows, Ceiling::Error, what)
}

/// SHOW TAGS: `allowed_values` NULL when any value is allowed, else a JSON array text.
pub fn tags(ctx: &ShowCtx, opts: &ShowOpts) -> Result<QueryResult, SqlError> {
    let account = ctx.account;
    let apply_tag = holds_on_account(account, &ctx.view, "APPLY TAG");
    let mut list: Vec<_> = account
        .governance
        .tags
        .iter()
        .filter(|g| in_scope(ctx, opts, &g.database, &g.schema))
        .filter(|g| ctx.view.manage_grants || apply_tag || ctx.view.schema(&g.database, &g.schema))
        .collect();
    list.sort_by(|a, b| (&a.database, &a.schema, &a.name).cmp(&(&b.database, &b.schema, &b.name)));
    let rows = list
        .into_iter()
        .map(|g| {
            let allowed = g
                .allowed_values
                .as_ref()
                .map_or(Value::Null, |v| t(serde_json::to_string(v).unwrap_or_default()));
            let row = vec![
                ts(g.created_on),
                t(&g.name),
                t(&g.database),
                t(&g.schema),
                t(&g.owner),
                opt(&g.comment),
                allowed,
                t("ROLE"),
            ];
            (g.name.clone(), row)
        })
        .collect();
    let names = [
        "created_on",
        "name",
        "database_name",
        "schema_name",
        "owner",
        "comment",
        "allowed_values",
        "owner_role_type",
    ];
    finish(ctx, opts, cols(&names), rows, Ceiling::Error, "TAGS")
}

/// `DESC[RIBE] {MASKING | ROW ACCESS} POLICY [[db.]schema.]name`; `None` when the statement is another
/// DESCRIBE (the caller answers it as before).
pub fn describe(ctx: &ShowCtx, sql: &str) -> Option<Result<QueryResult, SqlError>> {
    let mut c = Cursor::new(sql).ok()?;
    if !(c.kw("DESCRIBE") || c.kw("DESC")) {
        return None;
    }
    let kind = if c.kws(&["MASKING", "POLICY"]) {
        PolicyKind::Masking
    } else if c.kws(&["ROW", "ACCESS", "POLICY"]) {
        PolicyKind::RowAccess
    } else {
        return None;
    };
    Some(describe_policy(ctx, &mut c, kind))
}

fn describe_policy(ctx: &ShowCtx, c: &mut Cursor, kind: PolicyKind) -> Result<QueryResult, SqlError> {
    let mut p = c.object_name()?;
    c.expect_end()?;
    let s = ctx.session;
    while p.len() < 3 {
        let fill = if p.len() == 2 { s.database.clone() } else { s.schema.clone() };
        p.insert(0, fill.ok_or_else(|| SqlError::syntax("no current database or schema"))?);
    }
    let (d, sc, n) = (&p[0], &p[1], &p[2]);
    let found = ctx
        .account
        .governance
        .policies
        .iter()
        .find(|x| x.kind == kind && &x.database == d && &x.schema == sc && &x.name == n);
    let Some(policy) = found.filter(|x| sees_policy(ctx.account, &ctx.view, x)) else {
        return Err(SqlError::does_not_exist(&super::ddl_policy::title(kind), &format!("{d}.{sc}.{n}")));
    };
    let signature: Vec<String> = policy.signature.iter().map(|(a, ty)| format!("{a} {ty}")).collect();
    let row = vec![
        t(&policy.name),
        t(format!("({})", signature.join(", "))),
        t(&policy.return_type),
        t(&policy.body),
    ];
    Ok(QueryResult {
        columns: cols(&["name", "signature", "return_type", "body"]),
        rows: vec![row],
        stats: Vec::new(),
    })
}
