//! ALTER STREAM / TASK / PIPE / STAGE / SEQUENCE: SUSPEND / RESUME (tasks), SET and UNSET of the modelled
//! properties, MODIFY AS / WHEN (tasks), PIPE_EXECUTION_PAUSED (pipes). Creation and DROP are
//! `ddl_pipeline.rs`. Must not render results or decide visibility.

use sqlparser::tokenizer::Token;

use super::ddl::{DdlContext, resolve_object};
use super::ddl_pipeline::{PipelineKind, cloud_of, find_word, get, opt, props, truthy};
use super::lexer::Cursor;
use super::model::Account;
use super::model_pipeline::TaskState;
use super::result::SqlError;

/// ALTER STREAM / TASK / PIPE / STAGE / SEQUENCE.
pub fn alter(
    account: &mut Account,
    ctx: &DdlContext,
    kind: PipelineKind,
    sql: &str,
) -> Result<String, SqlError> {
    let (head_sql, body) = match (kind, find_word(sql, "MODIFY")) {
        (PipelineKind::Task, Some(i)) => (&sql[..i], Some(sql[i + 6..].trim())),
        _ => (sql, None),
    };
    let mut c = Cursor::new(head_sql)?;
    c.expect_kw("ALTER")?;
    c.expect_kw(kind.object_type())?;
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let (db, sc, name) = resolve_object(ctx, c.object_name()?)?;
    let now = account.tick(ctx.now_ms);
    let Some(schema) = account.schema_mut(&db, &sc) else {
        return Err(SqlError::does_not_exist("Schema", &format!("{db}.{sc}")));
    };
    if !kind.names(&schema.objects).contains(&name.as_str()) {
        if if_exists {
            return Ok("Statement executed successfully.".into());
        }
        return Err(SqlError::does_not_exist(kind.title(), &format!("{db}.{sc}.{name}")));
    }
    let o = &mut schema.objects;
    let unset = c.kw("UNSET");
    let set = !unset && c.kw("SET");
    let p = if set { props(&mut c)? } else { Vec::new() };
    let unset_keys: Vec<String> = if unset { props_names(&mut c) } else { Vec::new() };
    let comment = |old: &mut Option<String>| {
        if let Some(v) = get(&p, "COMMENT") {
            *old = opt(Some(v));
        }
        if unset_keys.iter().any(|k| k == "COMMENT") {
            *old = None;
        }
    };
    match kind {
        PipelineKind::Stream => {
            let s = o.streams.iter_mut().find(|x| x.name == name).ok_or_else(|| missing(kind, &name))?;
            comment(&mut s.comment);
        }
        PipelineKind::Task => {
            let t = o.tasks.iter_mut().find(|x| x.name == name).ok_or_else(|| missing(kind, &name))?;
            if c.kw("RESUME") {
                t.state = TaskState::Started;
            } else if c.kw("SUSPEND") {
                t.state = TaskState::Suspended;
                t.last_suspended_on = Some(now);
            } else if let Some(b) = body {
                let mut m = Cursor::new(b)?;
                if m.kw("AS") {
                    t.definition = b[2..].trim().to_string();
                } else if m.kw("WHEN") {
                    t.condition = Some(b[4..].trim().to_string());
                } else {
                    return Err(m.unexpected("AS or WHEN"));
                }
            }
            comment(&mut t.comment);
            if let Some(w) = get(&p, "WAREHOUSE") {
                t.warehouse = opt(Some(w));
            }
            if let Some(s) = get(&p, "SCHEDULE") {
                t.schedule = opt(Some(s));
            }
            if let Some(v) = get(&p, "ALLOW_OVERLAPPING_EXECUTION") {
                t.allow_overlapping_execution = truthy(Some(v));
            }
            for k in &unset_keys {
                match k.as_str() {
                    "WAREHOUSE" => t.warehouse = None,
                    "SCHEDULE" => t.schedule = None,
                    _ => {}
                }
            }
        }
        PipelineKind::Pipe => {
            let pp = o.pipes.iter_mut().find(|x| x.name == name).ok_or_else(|| missing(kind, &name))?;
            comment(&mut pp.comment);
            if let Some(v) = get(&p, "PIPE_EXECUTION_PAUSED") {
                pp.paused = truthy(Some(v));
            }
            c.kw("REFRESH");
        }
        PipelineKind::Stage => {
            let s = o.stages.iter_mut().find(|x| x.name == name).ok_or_else(|| missing(kind, &name))?;
            comment(&mut s.comment);
            if let Some(u) = get(&p, "URL") {
                s.url = opt(Some(u));
                s.cloud = s.url.as_deref().and_then(cloud_of).map(str::to_string);
            }
            if let Some(i) = get(&p, "STORAGE_INTEGRATION") {
                s.storage_integration = opt(Some(i));
            }
            if p.iter().any(|(k, _)| k == "CREDENTIALS") {
                s.has_credentials = p.iter().any(|(k, v)| k.starts_with("CREDENTIALS.") && !v.is_empty());
            }
        }
        PipelineKind::Sequence => {
            let s = o.sequences.iter_mut().find(|x| x.name == name).ok_or_else(|| missing(kind, &name))?;
            comment(&mut s.comment);
            if set && c.kw("INCREMENT") {
                c.kw("BY");
                c.token(&Token::Eq);
                s.increment = c.number()?;
            }
            if c.kw("ORDER") {
                s.ordered = true;
            } else if c.kw("NOORDER") {
                s.ordered = false;
            }
            s.last_altered = now;
        }
    }
    Ok("Statement executed successfully.".into())
}

/// The property names after UNSET (`COMMENT`, `WAREHOUSE, SCHEDULE`).
fn props_names(c: &mut Cursor) -> Vec<String> {
    let mut out = Vec::new();
    while let Some(w) = c.word_at(0) {
        out.push(w);
        c.advance();
        c.token(&Token::Comma);
    }
    out
}

fn missing(kind: PipelineKind, name: &str) -> SqlError {
    SqlError::does_not_exist(kind.title(), name)
}
