//! DDL for streams, tasks, pipes, stages and sequences: CREATE [OR REPLACE] ... [IF NOT EXISTS] with the
//! OWNERSHIP grant Snowflake records for a new object, and DROP (ALTER is `ddl_pipeline_alter.rs`). Parsed by hand: sqlparser reads none of these.
//! Credentials and encryption keys of a stage are accepted and never stored (only that they were given).
//!
//! Must not render results or decide visibility. Functions and procedures are `ddl_routine.rs`, dynamic
//! and event tables `ddl_dynamic.rs`.

use sqlparser::tokenizer::Token;

use super::ddl::{DdlContext, already_exists, grant_ownership, resolve_object};
use super::lexer::{Cursor, quote_ident_if_needed, split_at_as};
use super::model::Account;
use super::model_pipeline::{Pipe, SchemaObjects, Sequence, Stage, Stream, Task, TaskState};
use super::model_types::GrantTarget;
use super::result::SqlError;

/// How long a stream stays readable without being read (Snowflake extends short retention to 14 days).
const STALE_AFTER_MS: i64 = 14 * 24 * 3600 * 1000;

/// The kinds this module creates, alters and drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipelineKind {
    Stream,
    Task,
    Pipe,
    Stage,
    Sequence,
}

impl PipelineKind {
    /// The CREATE / ALTER / DROP keyword.
    pub fn parse(word: &str) -> Option<PipelineKind> {
        Some(match word {
            "STREAM" => PipelineKind::Stream,
            "TASK" => PipelineKind::Task,
            "PIPE" => PipelineKind::Pipe,
            "STAGE" => PipelineKind::Stage,
            "SEQUENCE" => PipelineKind::Sequence,
            _ => return None,
        })
    }

    /// The `granted_on` word.
    pub fn object_type(self) -> &'static str {
        match self {
            PipelineKind::Stream => "STREAM",
            PipelineKind::Task => "TASK",
            PipelineKind::Pipe => "PIPE",
            PipelineKind::Stage => "STAGE",
            PipelineKind::Sequence => "SEQUENCE",
        }
    }

    pub(super) fn title(self) -> &'static str {
        match self {
            PipelineKind::Stream => "Stream",
            PipelineKind::Task => "Task",
            PipelineKind::Pipe => "Pipe",
            PipelineKind::Stage => "Stage",
            PipelineKind::Sequence => "Sequence",
        }
    }

    pub(super) fn names(self, o: &SchemaObjects) -> Vec<&str> {
        match self {
            PipelineKind::Stream => o.streams.iter().map(|x| x.name.as_str()).collect(),
            PipelineKind::Task => o.tasks.iter().map(|x| x.name.as_str()).collect(),
            PipelineKind::Pipe => o.pipes.iter().map(|x| x.name.as_str()).collect(),
            PipelineKind::Stage => o.stages.iter().map(|x| x.name.as_str()).collect(),
            PipelineKind::Sequence => o.sequences.iter().map(|x| x.name.as_str()).collect(),
        }
    }

    pub(super) fn remove(self, o: &mut SchemaObjects, name: &str) {
        match self {
            PipelineKind::Stream => o.streams.retain(|x| x.name != name),
            PipelineKind::Task => o.tasks.retain(|x| x.name != name),
            PipelineKind::Pipe => o.pipes.retain(|x| x.name != name),
            PipelineKind::Stage => o.stages.retain(|x| x.name != name),
            PipelineKind::Sequence => o.sequences.retain(|x| x.name != name),
        }
    }
}

/// `CREATE [OR REPLACE] [modifiers] <kind words> [IF NOT EXISTS] <name> [COPY GRANTS]`, parsed.
pub struct Head {
    pub or_replace: bool,
    pub if_not_exists: bool,
    pub copy_grants: bool,
    /// TEMPORARY, SECURE, TRANSIENT, ... as written.
    pub modifiers: Vec<String>,
    pub db: String,
    pub schema: String,
    pub name: String,
}

/// Parse a CREATE head up to and including the object name.
pub fn create_head(ctx: &DdlContext, c: &mut Cursor, kind: &[&str]) -> Result<Head, SqlError> {
    c.expect_kw("CREATE")?;
    let or_replace = c.kws(&["OR", "REPLACE"]);
    let mut modifiers = Vec::new();
    while let Some(w) = c.word_at(0) {
        if w == kind[0] {
            break;
        }
        modifiers.push(w);
        c.advance();
    }
    if !c.kws(kind) {
        return Err(c.unexpected(&kind.join(" ")));
    }
    let if_not_exists = c.kws(&["IF", "NOT", "EXISTS"]);
    let (db, schema, name) = resolve_object(ctx, c.object_name()?)?;
    let copy_grants = c.kws(&["COPY", "GRANTS"]);
    Ok(Head { or_replace, if_not_exists, copy_grants, modifiers, db, schema, name })
}

/// `KEY = value` where value is a string, number, word, or a parenthesised `(K = V ...)` list (its pairs
/// come back as `KEY.K`).
pub(super) fn props(c: &mut Cursor) -> Result<Vec<(String, String)>, SqlError> {
    let mut out = Vec::new();
    while let Some(key) = c.word_at(0) {
        if matches!(
            key.as_str(),
            "AS" | "AFTER" | "WHEN" | "ON" | "START" | "INCREMENT" | "ORDER" | "NOORDER"
        ) {
            break;
        }
        c.advance();
        c.token(&Token::Eq);
        if c.token(&Token::LParen) {
            while !c.token(&Token::RParen) {
                let Some(k) = c.word_at(0) else { return Err(c.unexpected("property")) };
                c.advance();
                c.token(&Token::Eq);
                out.push((format!("{key}.{k}"), c.value_text()?));
                c.token(&Token::Comma);
            }
            out.push((key, String::new()));
        } else {
            out.push((key, c.value_text()?));
        }
        c.token(&Token::Comma);
    }
    Ok(out)
}

pub(super) fn get<'a>(p: &'a [(String, String)], key: &str) -> Option<&'a str> {
    p.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

pub(super) fn truthy(v: Option<&str>) -> bool {
    v.is_some_and(|v| v.eq_ignore_ascii_case("TRUE"))
}

pub(super) fn opt(v: Option<&str>) -> Option<String> {
    v.filter(|s| !s.is_empty()).map(str::to_string)
}

pub(super) fn objects_mut<'a>(
    account: &'a mut Account,
    db: &str,
    schema: &str,
) -> Result<&'a mut SchemaObjects, SqlError> {
    account
        .schema_mut(db, schema)
        .map(|s| &mut s.objects)
        .ok_or_else(|| SqlError::does_not_exist("Schema", &format!("{db}.{schema}")))
}

pub(super) fn target(kind: &'static str, db: &str, schema: &str, name: &str) -> GrantTarget {
    GrantTarget::Object { kind, database: db.into(), schema: schema.into(), name: name.into() }
}

/// Make room for a new object: `Ok(Some(status))` when it exists and IF NOT EXISTS says to keep it; an
/// error when it exists without OR REPLACE; otherwise the old one (and, without COPY GRANTS, its grants)
/// is gone. Call `created` after inserting the new one.
pub fn make_room(
    account: &mut Account,
    head: &Head,
    kind: &'static str,
    exists: bool,
    remove: impl FnOnce(&mut Account),
) -> Result<Option<String>, SqlError> {
    if !exists {
        return Ok(None);
    }
    if head.if_not_exists {
        return Ok(Some(format!("{} already exists, statement succeeded.", head.name)));
    }
    if !head.or_replace {
        return Err(already_exists(&head.name));
    }
    remove(account);
    if !head.copy_grants {
        let t = target(kind, &head.db, &head.schema, &head.name);
        account.remove_grants_on(|g| *g == t);
    }
    Ok(None)
}

/// Record OWNERSHIP of a new object for the creating role (kept by COPY GRANTS) and apply future grants.
pub fn created(
    account: &mut Account,
    ctx: &DdlContext,
    head: &Head,
    kind: &'static str,
    grant_name: &str,
    now: i64,
) {
    let t = target(kind, &head.db, &head.schema, grant_name);
    if !account.grants.iter().any(|g| g.target == t && g.privilege == "OWNERSHIP") {
        grant_ownership(account, ctx, t.clone(), now);
    }
    super::ddl_grant::apply_future_grants(account, &head.db, Some(&head.schema), kind, &t, now);
}

/// CREATE STREAM / TASK / PIPE / STAGE / SEQUENCE.
pub fn create(
    account: &mut Account,
    ctx: &DdlContext,
    kind: PipelineKind,
    sql: &str,
) -> Result<String, SqlError> {
    let (head_sql, body) = match kind {
        PipelineKind::Task | PipelineKind::Pipe => {
            let (h, b) = split_at_as(sql).ok_or_else(|| SqlError::syntax("expected AS <statement>"))?;
            (h, Some(b.to_string()))
        }
        _ => (sql, None),
    };
    // A task's WHEN condition is an expression: keep its text as written.
    let (head_sql, condition) = match kind {
        PipelineKind::Task => match find_word(head_sql, "WHEN") {
            Some(i) => (&head_sql[..i], Some(head_sql[i + 4..].trim().to_string())),
            None => (head_sql, None),
        },
        _ => (head_sql, None),
    };
    let mut c = Cursor::new(head_sql)?;
    let head = create_head(ctx, &mut c, &[kind.object_type()])?;
    let now = account.tick(ctx.now_ms);
    let exists = account
        .schema(&head.db, &head.schema)
        .ok_or_else(|| SqlError::does_not_exist("Schema", &format!("{}.{}", head.db, head.schema)))?
        .objects
        .clone();
    let exists = kind.names(&exists).contains(&head.name.as_str());
    let (db, sc, name) = (head.db.clone(), head.schema.clone(), head.name.clone());
    if let Some(status) = make_room(account, &head, kind.object_type(), exists, |a| {
        if let Ok(o) = objects_mut(a, &db, &sc) {
            kind.remove(o, &name);
        }
    })? {
        return Ok(status);
    }
    let owner = ctx.role.clone();
    match kind {
        PipelineKind::Stream => {
            c.expect_kw("ON")?;
            let source_type = if c.kw("VIEW") {
                "View"
            } else if c.kws(&["EXTERNAL", "TABLE"]) {
                "External Table"
            } else {
                c.expect_kw("TABLE")?;
                "Table"
            };
            let (d, s, t) = resolve_object(ctx, c.object_name()?)?;
            let src = account.table(&d, &s, &t).ok_or_else(|| SqlError::does_not_exist("Table", &t))?;
            let source_type = if src.kind.is_view() { "View" } else { source_type };
            let p = props(&mut c)?;
            let mode = if truthy(get(&p, "APPEND_ONLY")) {
                "APPEND_ONLY"
            } else if truthy(get(&p, "INSERT_ONLY")) {
                "INSERT_ONLY"
            } else {
                "DEFAULT"
            };
            let stream = Stream {
                name: name.clone(),
                owner,
                comment: opt(get(&p, "COMMENT")),
                source: qualified(&d, &s, &t),
                source_type: source_type.into(),
                mode: mode.into(),
                stale: false,
                stale_after: now + STALE_AFTER_MS,
                created_on: now,
            };
            objects_mut(account, &db, &sc)?.streams.push(stream);
        }
        PipelineKind::Task => {
            let p = props(&mut c)?;
            let mut predecessors = Vec::new();
            if c.kw("AFTER") {
                loop {
                    let (d, s, t) = resolve_object(ctx, c.object_name()?)?;
                    predecessors.push(qualified(&d, &s, &t));
                    if !c.token(&Token::Comma) {
                        break;
                    }
                }
            }
            c.expect_end()?;
            let task = Task {
                name: name.clone(),
                id: format!("01b{now:013x}-0000-{:04x}-0000", name.len()),
                owner,
                comment: opt(get(&p, "COMMENT")),
                warehouse: opt(get(&p, "WAREHOUSE")),
                schedule: opt(get(&p, "SCHEDULE")),
                predecessors,
                condition,
                definition: body.unwrap_or_default(),
                state: TaskState::Suspended,
                allow_overlapping_execution: truthy(get(&p, "ALLOW_OVERLAPPING_EXECUTION")),
                error_integration: opt(get(&p, "ERROR_INTEGRATION")),
                created_on: now,
                last_suspended_on: None,
            };
            objects_mut(account, &db, &sc)?.tasks.push(task);
        }
        PipelineKind::Pipe => {
            let p = props(&mut c)?;
            c.expect_end()?;
            let definition = body.unwrap_or_default();
            let integration = opt(get(&p, "INTEGRATION"));
            let notification_channel = (truthy(get(&p, "AUTO_INGEST")) && integration.is_none())
                .then(|| format!("arn:aws:sqs:us-west-2:123456789012:sf-snowpipe-{now:x}"));
            let pipe = Pipe {
                name: name.clone(),
                owner,
                comment: opt(get(&p, "COMMENT")),
                pattern: copy_pattern(&definition),
                definition,
                notification_channel,
                integration,
                error_integration: opt(get(&p, "ERROR_INTEGRATION")),
                paused: false,
                created_on: now,
            };
            objects_mut(account, &db, &sc)?.pipes.push(pipe);
        }
        PipelineKind::Stage => {
            let p = props(&mut c)?;
            c.expect_end()?;
            let temporary = head.modifiers.iter().any(|m| m == "TEMPORARY" || m == "TEMP");
            let url = opt(get(&p, "URL"));
            let stage = Stage {
                name: name.clone(),
                owner,
                comment: opt(get(&p, "COMMENT")),
                stage_type: match (&url, temporary) {
                    (Some(_), _) => "EXTERNAL",
                    (None, true) => "INTERNAL TEMPORARY",
                    (None, false) => "INTERNAL",
                }
                .into(),
                cloud: url.as_deref().and_then(cloud_of).map(str::to_string),
                url,
                storage_integration: opt(get(&p, "STORAGE_INTEGRATION")),
                has_credentials: p.iter().any(|(k, v)| k.starts_with("CREDENTIALS.") && !v.is_empty()),
                has_encryption_key: get(&p, "ENCRYPTION.MASTER_KEY").is_some(),
                directory_enabled: truthy(get(&p, "DIRECTORY.ENABLE")),
                created_on: now,
            };
            objects_mut(account, &db, &sc)?.stages.push(stage);
        }
        PipelineKind::Sequence => {
            let (mut start, mut increment, mut ordered, mut comment) = (1, 1, false, None);
            c.kw("WITH");
            while !c.at_end() {
                if c.kw("START") {
                    c.kw("WITH");
                    c.token(&Token::Eq);
                    start = c.number()?;
                } else if c.kw("INCREMENT") {
                    c.kw("BY");
                    c.token(&Token::Eq);
                    increment = c.number()?;
                } else if c.kw("ORDER") {
                    ordered = true;
                } else if c.kw("NOORDER") {
                    ordered = false;
                } else if c.kw("COMMENT") {
                    c.token(&Token::Eq);
                    comment = Some(c.string()?);
                } else {
                    return Err(c.unexpected("START, INCREMENT, ORDER, NOORDER or COMMENT"));
                }
            }
            let seq = Sequence {
                name: name.clone(),
                owner,
                comment,
                start,
                increment,
                next_value: start,
                ordered,
                created_on: now,
                last_altered: now,
            };
            objects_mut(account, &db, &sc)?.sequences.push(seq);
        }
    }
    created(account, ctx, &head, kind.object_type(), &name, now);
    Ok(format!("{} {name} successfully created.", kind.title()))
}

/// `DB.SCHEMA.NAME`, each part quoted only where Snowflake would need it.
pub fn qualified(db: &str, schema: &str, name: &str) -> String {
    [db, schema, name].map(quote_ident_if_needed).join(".")
}

pub(super) fn cloud_of(url: &str) -> Option<&'static str> {
    let u = url.to_ascii_lowercase();
    if u.starts_with("s3") {
        Some("AWS")
    } else if u.starts_with("gcs") {
        Some("GCP")
    } else if u.starts_with("azure") {
        Some("AZURE")
    } else {
        None
    }
}

/// The byte offset of the first top-level unquoted `word` in `sql` (whole word, any case).
pub(super) fn find_word(sql: &str, word: &str) -> Option<usize> {
    let upper = sql.to_ascii_uppercase();
    let mut quote = None;
    for (i, ch) in sql.char_indices() {
        match (quote, ch) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(ch),
            (None, _) => {
                let before = i == 0 || !sql.as_bytes()[i - 1].is_ascii_alphanumeric();
                let after = sql.as_bytes().get(i + word.len()).is_none_or(|b| !b.is_ascii_alphanumeric());
                if before && after && upper[i..].starts_with(word) {
                    return Some(i);
                }
            }
        }
    }
    None
}

/// The `PATTERN = '<regex>'` copy option of a COPY statement.
fn copy_pattern(copy: &str) -> Option<String> {
    let mut c = Cursor::new(copy).ok()?;
    while !c.at_end() {
        if c.kw("PATTERN") {
            c.token(&Token::Eq);
            return c.string().ok();
        }
        c.advance();
    }
    None
}

/// DROP STREAM / TASK / PIPE / STAGE / SEQUENCE: whether it existed. Grants on it go too.
pub fn drop(account: &mut Account, kind: PipelineKind, db: &str, schema: &str, name: &str) -> bool {
    let Some(s) = account.schema_mut(db, schema) else { return false };
    let found = kind.names(&s.objects).contains(&name);
    kind.remove(&mut s.objects, name);
    if found {
        let t = target(kind.object_type(), db, schema, name);
        account.remove_grants_on(|g| *g == t);
    }
    found
}

/// A table or view was re-created (CREATE OR REPLACE): its history is gone, so every stream on it is stale
/// (Snowflake: "recreating an object drops its history, which also makes any stream on it stale").
pub fn source_replaced(account: &mut Account, db: &str, schema: &str, name: &str) {
    let source = qualified(db, schema, name);
    for d in &mut account.databases {
        for s in &mut d.schemas {
            for st in s.objects.streams.iter_mut().filter(|st| st.source == source) {
                st.stale = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_outside_quotes_only() {
        assert_eq!(find_word("CREATE TASK t WHEN x = 'WHEN' AS SELECT 1", "WHEN"), Some(14));
        assert_eq!(find_word("CREATE TASK t COMMENT = 'WHEN' AS SELECT 1", "WHEN"), None);
        assert_eq!(
            copy_pattern("COPY INTO t FROM @s PATTERN = '.*[.]csv' FILE_FORMAT = (TYPE = CSV)").as_deref(),
            Some(".*[.]csv")
        );
        assert_eq!(
            split_at_as("CREATE PIPE p COMMENT = 'as x' AS COPY INTO t FROM @s"),
            Some(("CREATE PIPE p COMMENT = 'as x'", "COPY INTO t FROM @s"))
        );
    }
}
