//! SHOW WAREHOUSES / ROLES / USERS: account-level listings (no IN scope), silently capped at the row
//! ceiling.
//!
//! Read-only; filters and the ceiling are applied by `show::finish`.

use super::model_types::{GrantTarget, Grantee};
use super::result::{QueryResult, SqlError, Value};
use super::show::{Ceiling, ShowCtx, ShowOpts, finish, ltz, n, num, opt, t, text, tf, ts, yn};

const WAREHOUSE_COLUMNS: [&str; 34] = [
    "name",
    "state",
    "type",
    "size",
    "min_cluster_count",
    "max_cluster_count",
    "started_clusters",
    "running",
    "queued",
    "is_default",
    "is_current",
    "auto_suspend",
    "auto_resume",
    "available",
    "provisioning",
    "quiescing",
    "other",
    "created_on",
    "resumed_on",
    "updated_on",
    "owner",
    "comment",
    "enable_query_acceleration",
    "query_acceleration_max_scale_factor",
    "resource_monitor",
    "actives",
    "pendings",
    "failed",
    "suspended",
    "uuid",
    "scaling_policy",
    "owner_role_type",
    "resource_constraint",
    "generation",
];

pub fn warehouses(ctx: &ShowCtx, opts: &ShowOpts) -> Result<QueryResult, SqlError> {
    let mut list: Vec<_> = ctx.account.warehouses.iter().filter(|w| ctx.view.warehouse(&w.name)).collect();
    list.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let default_wh =
        ctx.session.user.as_ref().and_then(|u| ctx.account.user(u)).and_then(|u| u.default_warehouse.clone());
    let rows = list
        .into_iter()
        .map(|w| {
            let started = w.state == "STARTED";
            let clusters = if started { w.min_cluster_count } else { 0 };
            let row = vec![
                t(&w.name),
                t(&w.state),
                t(&w.warehouse_type),
                t(&w.size),
                n(w.min_cluster_count),
                n(w.max_cluster_count),
                n(clusters),
                n(0),
                n(0),
                yn(default_wh.as_deref() == Some(w.name.as_str())),
                yn(ctx.session.warehouse.as_deref() == Some(w.name.as_str())),
                w.auto_suspend.map_or(Value::Null, n),
                tf(w.auto_resume),
                t(if started { "100" } else { "" }),
                t(if started { "0" } else { "" }),
                t(if started { "0" } else { "" }),
                t(if started { "0" } else { "" }),
                ts(w.created_on),
                ts(w.resumed_on),
                ts(w.updated_on),
                t(&w.owner),
                opt(&w.comment),
                tf(w.enable_query_acceleration),
                n(w.query_acceleration_max_scale_factor),
                t(w.resource_monitor.clone().unwrap_or_else(|| "null".into())),
                t(""),
                t(""),
                t(""),
                t(""),
                t(&w.uuid),
                t(&w.scaling_policy),
                t("ROLE"),
                t(if w.warehouse_type == "STANDARD" { "STANDARD_GEN_1" } else { "MEMORY_16X" }),
                t("1"),
            ];
            (w.name.clone(), row)
        })
        .collect();
    let columns = WAREHOUSE_COLUMNS
        .iter()
        .map(|c| match *c {
            "created_on" | "resumed_on" | "updated_on" => ltz(c),
            "min_cluster_count"
            | "max_cluster_count"
            | "started_clusters"
            | "running"
            | "queued"
            | "auto_suspend"
            | "query_acceleration_max_scale_factor" => num(c),
            _ => text(c),
        })
        .collect();
    finish(ctx, opts, columns, rows, Ceiling::Truncate, "WAREHOUSES")
}

pub fn roles(ctx: &ShowCtx, opts: &ShowOpts) -> Result<QueryResult, SqlError> {
    let grants = &ctx.account.grants;
    let default_role =
        ctx.session.user.as_ref().and_then(|u| ctx.account.user(u)).and_then(|u| u.default_role.clone());
    let mut list: Vec<_> = ctx.account.roles.iter().collect();
    list.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let rows = list
        .into_iter()
        .map(|r| {
            let of_role = |g: &&super::model_types::Grant| {
                g.privilege == "USAGE" && matches!(&g.target, GrantTarget::Role(x) if *x == r.name)
            };
            let users =
                grants.iter().filter(of_role).filter(|g| matches!(g.grantee, Grantee::User(_))).count();
            let to_roles =
                grants.iter().filter(of_role).filter(|g| matches!(g.grantee, Grantee::Role(_))).count();
            let granted = grants
                .iter()
                .filter(|g| {
                    g.privilege == "USAGE"
                        && matches!(&g.target, GrantTarget::Role(_))
                        && g.grantee == Grantee::Role(r.name.clone())
                })
                .count();
            let row = vec![
                ts(r.created_on),
                t(&r.name),
                yn(default_role.as_deref() == Some(r.name.as_str())),
                yn(ctx.session.role == r.name),
                yn(ctx.session.role != r.name && ctx.view.roles.contains(&r.name)),
                n(users as i64),
                n(to_roles as i64),
                n(granted as i64),
                t(&r.owner),
                t(&r.comment),
                t(if r.owner.is_empty() { "" } else { "ROLE" }),
            ];
            (r.name.clone(), row)
        })
        .collect();
    let columns = [
        "created_on",
        "name",
        "is_default",
        "is_current",
        "is_inherited",
        "assigned_to_users",
        "granted_to_roles",
        "granted_roles",
        "owner",
        "comment",
        "owner_role_type",
    ]
    .iter()
    .map(|c| match *c {
        "created_on" => ltz(c),
        "assigned_to_users" | "granted_to_roles" | "granted_roles" => num(c),
        _ => text(c),
    })
    .collect();
    finish(ctx, opts, columns, rows, Ceiling::Truncate, "ROLES")
}

const USER_COLUMNS: [&str; 28] = [
    "name",
    "created_on",
    "login_name",
    "display_name",
    "first_name",
    "last_name",
    "email",
    "mins_to_unlock",
    "days_to_expiry",
    "comment",
    "disabled",
    "must_change_password",
    "snowflake_lock",
    "default_warehouse",
    "default_namespace",
    "default_role",
    "default_secondary_roles",
    "ext_authn_duo",
    "ext_authn_uid",
    "mins_to_bypass_mfa",
    "owner",
    "last_success_login",
    "expires_at_time",
    "locked_until_time",
    "has_password",
    "has_rsa_public_key",
    "type",
    "has_mfa",
];

pub fn users(ctx: &ShowCtx, opts: &ShowOpts) -> Result<QueryResult, SqlError> {
    let mut list: Vec<_> = ctx
        .account
        .users
        .iter()
        .filter(|u| ctx.view.manage_grants || ctx.view.roles.contains(&u.owner))
        .collect();
    list.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
    let rows = list
        .into_iter()
        .map(|u| {
            let row = vec![
                t(&u.name),
                ts(u.created_on),
                t(&u.login_name),
                t(&u.display_name),
                Value::Null,
                Value::Null,
                u.email.clone().map_or(Value::Null, t),
                Value::Null,
                Value::Null,
                opt(&u.comment),
                tf(u.disabled),
                tf(false),
                tf(false),
                u.default_warehouse.clone().map_or(Value::Null, t),
                u.default_namespace.clone().map_or(Value::Null, t),
                u.default_role.clone().map_or(Value::Null, t),
                t(""),
                tf(false),
                t(""),
                Value::Null,
                t(&u.owner),
                Value::Null,
                Value::Null,
                Value::Null,
                tf(u.has_password),
                tf(u.has_rsa_public_key),
                u.user_type.clone().map_or(Value::Null, t),
                tf(false),
            ];
            (u.name.clone(), row)
        })
        .collect();
    let columns = USER_COLUMNS
        .iter()
        .map(|c| match *c {
            "created_on" | "last_success_login" | "expires_at_time" | "locked_until_time" => ltz(c),
            _ => text(c),
        })
        .collect();
    finish(ctx, opts, columns, rows, Ceiling::Truncate, "USERS")
}
