//! The INFORMATION_SCHEMA table functions POLICY_REFERENCES, TAG_REFERENCES and
//! TAG_REFERENCES_ALL_COLUMNS (metadata-shapes-2 §3.4, §4.2): argument checks, documented columns, the
//! rows a role may see. Tag rows include inherited tags (APPLY_METHOD `INHERITED`, LEVEL the domain where
//! the tag is set; the nearest level wins).
//!
//! Knows nothing of SQL text beyond the arguments; `info_schema.rs` loads the rows into SQLite.

use rusqlite::types::Value as Sql;

use super::engine::Session;
use super::info_rows::Ty::{self, Text};
use super::lexer::Cursor;
use super::model::Account;
use super::model_access::{ObjectName, PolicyKind, PolicyRef, Tagged};
use super::result::SqlError;
use super::show_governance::holds_on_account;
use super::visibility::View;

pub const FUNCTIONS: [&str; 3] = ["POLICY_REFERENCES", "TAG_REFERENCES", "TAG_REFERENCES_ALL_COLUMNS"];

/// One call: the database qualifying it, the function, named and positional string arguments.
#[derive(Debug, Clone)]
pub struct Call {
    pub database: String,
    pub function: String,
    pub named: Vec<(String, String)>,
    pub positional: Vec<String>,
}

const POLICY_REFERENCES: &[(&str, Ty)] = &[
    ("POLICY_DB", Text),
    ("POLICY_SCHEMA", Text),
    ("POLICY_NAME", Text),
    ("POLICY_KIND", Text),
    ("REF_DATABASE_NAME", Text),
    ("REF_SCHEMA_NAME", Text),
    ("REF_ENTITY_NAME", Text),
    ("REF_ENTITY_DOMAIN", Text),
    ("REF_COLUMN_NAME", Text),
    ("REF_ARG_COLUMN_NAMES", Text),
    ("TAG_DATABASE", Text),
    ("TAG_SCHEMA", Text),
    ("TAG_NAME", Text),
    ("POLICY_STATUS", Text),
];

const TAG_REFERENCES: &[(&str, Ty)] = &[
    ("TAG_DATABASE", Text),
    ("TAG_SCHEMA", Text),
    ("TAG_NAME", Text),
    ("TAG_VALUE", Text),
    ("APPLY_METHOD", Text),
    ("LEVEL", Text),
    ("OBJECT_DATABASE", Text),
    ("OBJECT_SCHEMA", Text),
    ("OBJECT_NAME", Text),
    ("DOMAIN", Text),
    ("COLUMN_NAME", Text),
];

pub fn columns(function: &str) -> &'static [(&'static str, Ty)] {
    if function == "POLICY_REFERENCES" { POLICY_REFERENCES } else { TAG_REFERENCES }
}

fn bad_args(f: &str, why: &str) -> SqlError {
    SqlError::syntax(format!("Invalid argument for function {f}: {why}"))
}

/// `[[db.]schema.]name` from a string argument, filled from the session.
fn name_parts(s: &Session, text: &str, want: usize) -> Result<Vec<String>, SqlError> {
    let mut p = Cursor::new(text)?.object_name()?;
    if p.len() > want {
        return Err(SqlError::does_not_exist("Object", text));
    }
    let missing = want - p.len();
    if missing > 2 || (missing > 0 && want == 1) {
        return Err(SqlError::does_not_exist("Object", text));
    }
    let fill = [s.database.clone(), s.schema.clone()];
    for f in fill[..missing].iter().rev() {
        p.insert(0, f.clone().ok_or_else(|| SqlError::does_not_exist("Object", text))?);
    }
    Ok(p)
}

fn txt(v: &str) -> Sql {
    Sql::Text(v.to_string())
}

fn opt(v: Option<&str>) -> Sql {
    v.map_or(Sql::Null, txt)
}

/// Rows of one call, as the session's role sees them.
pub fn rows(account: &Account, view: &View, s: &Session, call: &Call) -> Result<Vec<Vec<Sql>>, SqlError> {
    match call.function.as_str() {
        "POLICY_REFERENCES" => policy_references(account, view, s, call),
        f => tag_references(account, view, s, call, f == "TAG_REFERENCES_ALL_COLUMNS"),
    }
}

fn policy_references(
    account: &Account,
    view: &View,
    s: &Session,
    call: &Call,
) -> Result<Vec<Vec<Sql>>, SqlError> {
    const F: &str = "POLICY_REFERENCES";
    let arg = |k: &str| call.named.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if !call.positional.is_empty()
        || call.named.iter().any(|(n, _)| {
            !["POLICY_NAME", "POLICY_KIND", "REF_ENTITY_NAME", "REF_ENTITY_DOMAIN"].contains(&n.as_str())
        })
    {
        return Err(bad_args(
            F,
            "use POLICY_NAME => '...' or REF_ENTITY_NAME => '...', REF_ENTITY_DOMAIN => '...'",
        ));
    }
    let keep: Box<dyn Fn(&PolicyRef) -> bool> =
        match (arg("POLICY_NAME"), arg("REF_ENTITY_NAME"), arg("REF_ENTITY_DOMAIN")) {
            (Some(p), None, None) => {
                if arg("POLICY_KIND").is_some_and(|k| k.eq_ignore_ascii_case("NETWORK_POLICY")) {
                    return Ok(Vec::new());
                }
                let parts = name_parts(s, p, 3)?;
                let id = ObjectName::new(&parts[0], &parts[1], &parts[2]);
                if !account
                    .governance
                    .policies
                    .iter()
                    .any(|x| x.database == id.database && x.schema == id.schema && x.name == id.name)
                {
                    return Err(SqlError::does_not_exist("Policy", p));
                }
                Box::new(move |r| r.policy == id)
            }
            (None, Some(e), Some(d)) if arg("POLICY_KIND").is_none() => {
                let domain = d.to_uppercase();
                match domain.as_str() {
                    "TABLE" | "VIEW" => {}
                    "ACCOUNT" | "INTEGRATION" | "TAG" | "USER" => return Ok(Vec::new()),
                    _ => return Err(bad_args(F, &format!("unsupported REF_ENTITY_DOMAIN '{d}'"))),
                }
                let parts = name_parts(s, e, 3)?;
                let id = ObjectName::new(&parts[0], &parts[1], &parts[2]);
                match account.table(&id.database, &id.schema, &id.name) {
                    Some(t) if t.kind.is_view() == (domain == "VIEW") => {}
                    _ => return Err(SqlError::does_not_exist("Object", e)),
                }
                Box::new(move |r| r.object == id)
            }
            (None, Some(_), None) | (None, None, Some(_)) => {
                return Err(bad_args(F, "REF_ENTITY_NAME and REF_ENTITY_DOMAIN go together"));
            }
            _ => {
                return Err(bad_args(
                    F,
                    "POLICY_NAME cannot be combined with REF_ENTITY_NAME / REF_ENTITY_DOMAIN",
                ));
            }
        };
    let admin = view.roles.contains("ACCOUNTADMIN");
    let mut out = Vec::new();
    for r in account.governance.policy_refs.iter().filter(|r| keep(r)) {
        let Some(table) = account.table(&r.object.database, &r.object.schema, &r.object.name) else {
            continue;
        };
        if r.column.as_ref().is_some_and(|c| !table.columns.iter().any(|x| &x.name == c)) {
            continue;
        }
        let policy_owner = account
            .governance
            .policies
            .iter()
            .find(|p| {
                p.kind == r.kind
                    && p.database == r.policy.database
                    && p.schema == r.policy.schema
                    && p.name == r.policy.name
            })
            .map(|p| p.owner.as_str());
        let visible = admin
            || holds_on_account(account, view, &format!("APPLY {}", r.kind.ddl()))
            || (policy_owner.is_some_and(|o| view.roles.contains(o)) && view.roles.contains(&table.owner));
        if !visible {
            continue;
        }
        let args = match r.kind {
            PolicyKind::Masking if r.arg_columns.is_empty() => Sql::Null,
            _ => txt(&serde_json::to_string(&r.arg_columns).unwrap_or_default()),
        };
        out.push(vec![
            txt(&r.policy.database),
            txt(&r.policy.schema),
            txt(&r.policy.name),
            txt(r.kind.word()),
            txt(&r.object.database),
            txt(&r.object.schema),
            txt(&r.object.name),
            txt(if table.kind.is_view() { "VIEW" } else { "TABLE" }),
            opt(r.column.as_deref()),
            args,
            Sql::Null,
            Sql::Null,
            Sql::Null,
            txt("ACTIVE"),
        ]);
    }
    Ok(out)
}

/// The chain of places a tag on `leaf` can come from, nearest first, with each one's LEVEL word.
fn chain(leaf: &Tagged) -> Vec<(Tagged, &'static str)> {
    let mut out = Vec::new();
    let (db, schema, table) = match leaf {
        Tagged::Column(o, _) => {
            out.push((leaf.clone(), "COLUMN"));
            (o.database.clone(), Some(o.schema.clone()), Some(o.clone()))
        }
        Tagged::Table(o) => (o.database.clone(), Some(o.schema.clone()), Some(o.clone())),
        Tagged::Schema(d, s) => (d.clone(), Some(s.clone()), None),
        Tagged::Database(d) => (d.clone(), None, None),
    };
    if let Some(t) = table {
        out.push((Tagged::Table(t), "TABLE"));
    }
    if let Some(s) = schema {
        out.push((Tagged::Schema(db.clone(), s), "SCHEMA"));
    }
    out.push((Tagged::Database(db), "DATABASE"));
    out
}

/// Effective tags of `leaf`: `(tag, value, level, direct)`, nearest level first per tag.
pub fn effective(account: &Account, leaf: &Tagged) -> Vec<(ObjectName, String, &'static str, bool)> {
    let mut out: Vec<(ObjectName, String, &'static str, bool)> = Vec::new();
    for (i, (on, level)) in chain(leaf).into_iter().enumerate() {
        for r in account.governance.tag_refs.iter().filter(|r| r.on == on) {
            if !out.iter().any(|(t, ..)| *t == r.tag) {
                out.push((r.tag.clone(), r.value.clone(), level, i == 0));
            }
        }
    }
    out
}

fn tag_references(
    account: &Account,
    view: &View,
    s: &Session,
    call: &Call,
    all_columns: bool,
) -> Result<Vec<Vec<Sql>>, SqlError> {
    let f = &call.function;
    let [name, domain] = call.positional.as_slice() else {
        return Err(bad_args(f, "expected ('<object_name>', '<object_domain>')"));
    };
    if !call.named.is_empty() {
        return Err(bad_args(f, "expected positional arguments"));
    }
    let domain = domain.to_uppercase();
    if all_columns && domain != "TABLE" {
        return Err(bad_args(f, "the domain must be 'TABLE'"));
    }
    let denied = || SqlError::does_not_exist("Object", name);
    let leaves: Vec<Tagged> = match domain.as_str() {
        "DATABASE" => {
            let p = name_parts(s, name, 1)?;
            if account.database(&p[0]).is_none() || !view.database(&p[0]) {
                return Err(denied());
            }
            vec![Tagged::Database(p[0].clone())]
        }
        "SCHEMA" => {
            let p = name_parts(s, name, 2)?;
            if account.schema(&p[0], &p[1]).is_none() || !view.schema(&p[0], &p[1]) {
                return Err(denied());
            }
            vec![Tagged::Schema(p[0].clone(), p[1].clone())]
        }
        "TABLE" | "COLUMN" => {
            let mut p = name_parts(s, name, if domain == "COLUMN" { 4 } else { 3 })?;
            let column = if domain == "COLUMN" { Some(p.remove(3)) } else { None };
            let o = ObjectName::new(&p[0], &p[1], &p[2]);
            let table = account
                .table(&o.database, &o.schema, &o.name)
                .filter(|_| view.object(&o.database, &o.schema, &o.name))
                .ok_or_else(denied)?;
            match column {
                Some(c) if table.columns.iter().any(|x| x.name == c) => vec![Tagged::Column(o, c)],
                Some(_) => return Err(denied()),
                None if all_columns => {
                    table.columns.iter().map(|c| Tagged::Column(o.clone(), c.name.clone())).collect()
                }
                None => vec![Tagged::Table(o)],
            }
        }
        "ACCOUNT" | "DATABASE ROLE" | "ROLE" | "USER" | "WAREHOUSE" | "STAGE" | "STREAM" | "TASK"
        | "FUNCTION" | "PROCEDURE" | "INTEGRATION" | "SHARE" | "PIPE" | "SEQUENCE" | "ALERT"
        | "APPLICATION" => return Ok(Vec::new()),
        _ => return Err(bad_args(f, &format!("unsupported object domain '{domain}'"))),
    };
    let mut out = Vec::new();
    for leaf in &leaves {
        let (odb, osch, oname, col, dom) = match leaf {
            Tagged::Database(d) => ("", "", d.as_str(), None, "DATABASE"),
            Tagged::Schema(d, sc) => (d.as_str(), "", sc.as_str(), None, "SCHEMA"),
            Tagged::Table(o) => (o.database.as_str(), o.schema.as_str(), o.name.as_str(), None, "TABLE"),
            Tagged::Column(o, c) => {
                (o.database.as_str(), o.schema.as_str(), o.name.as_str(), Some(c.as_str()), "COLUMN")
            }
        };
        for (tag, value, level, direct) in effective(account, leaf) {
            out.push(vec![
                txt(&tag.database),
                txt(&tag.schema),
                txt(&tag.name),
                txt(&value),
                txt(if direct { "MANUAL" } else { "INHERITED" }),
                txt(level),
                txt(odb),
                txt(osch),
                txt(oname),
                txt(dom),
                opt(col),
            ]);
        }
    }
    Ok(out)
}
