//! DDL for user-defined functions and stored procedures: CREATE [OR REPLACE] [SECURE] FUNCTION | PROCEDURE
//! name(args) RETURNS type [LANGUAGE l] [COMMENT = '...'] AS 'body' | $$body$$, ALTER ... SET / UNSET SECURE
//! and COMMENT, DROP name(types). Overloads (same name, other argument types) are separate objects, named
//! in grants as `NAME(TYPE, ...)`.
//!
//! Must not render results or decide visibility.

use sqlparser::tokenizer::Token;

use super::ddl::{DdlContext, resolve_object};
use super::ddl_pipeline::{Head, create_head, created, make_room};
use super::lexer::Cursor;
use super::model::Account;
use super::model_pipeline::{Routine, SchemaObjects};
use super::model_types::{DataType, GrantTarget};
use super::result::SqlError;
use super::types::parse_type;

/// FUNCTION or PROCEDURE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoutineKind {
    Function,
    Procedure,
}

impl RoutineKind {
    pub fn parse(word: &str) -> Option<RoutineKind> {
        match word {
            "FUNCTION" => Some(RoutineKind::Function),
            "PROCEDURE" => Some(RoutineKind::Procedure),
            _ => None,
        }
    }

    /// The `granted_on` word.
    pub fn object_type(self) -> &'static str {
        match self {
            RoutineKind::Function => "FUNCTION",
            RoutineKind::Procedure => "PROCEDURE",
        }
    }

    fn title(self) -> &'static str {
        match self {
            RoutineKind::Function => "Function",
            RoutineKind::Procedure => "Procedure",
        }
    }

    pub fn list(self, o: &SchemaObjects) -> &Vec<Routine> {
        match self {
            RoutineKind::Function => &o.functions,
            RoutineKind::Procedure => &o.procedures,
        }
    }

    fn list_mut(self, o: &mut SchemaObjects) -> &mut Vec<Routine> {
        match self {
            RoutineKind::Function => &mut o.functions,
            RoutineKind::Procedure => &mut o.procedures,
        }
    }
}

/// The type name a signature shows: the canonical base name (`VARCHAR` for text, no length or precision).
pub fn signature_type(text: &str) -> String {
    match parse_type(text) {
        Some(DataType::Text { .. }) => "VARCHAR".into(),
        Some(t) => t.name().to_string(),
        None => text.trim().to_uppercase(),
    }
}

/// The tokens up to the matching `)` as text, split on top-level commas (the `(` is already consumed).
fn paren_items(c: &mut Cursor) -> Result<Vec<Vec<Token>>, SqlError> {
    let (mut items, mut cur, mut depth) = (Vec::new(), Vec::new(), 0usize);
    loop {
        let Some(t) = c.peek().cloned() else { return Err(c.unexpected("')'")) };
        c.advance();
        match t {
            Token::RParen if depth == 0 => break,
            Token::Comma if depth == 0 => items.push(std::mem::take(&mut cur)),
            Token::LParen => {
                depth += 1;
                cur.push(t);
            }
            Token::RParen => {
                depth -= 1;
                cur.push(t);
            }
            t => cur.push(t),
        }
    }
    if !cur.is_empty() {
        items.push(cur);
    }
    Ok(items)
}

fn text_of(tokens: &[Token]) -> String {
    tokens.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ").replace(" ( ", "(").replace(" )", ")")
}

/// `(a NUMBER, b VARCHAR DEFAULT 'x')` -> [(A, NUMBER), (B, VARCHAR)].
fn arguments(c: &mut Cursor) -> Result<Vec<(String, String)>, SqlError> {
    if !c.token(&Token::LParen) {
        return Err(c.unexpected("'('"));
    }
    let mut out = Vec::new();
    for item in paren_items(c)? {
        let Some((Token::Word(w), rest)) = item.split_first() else {
            return Err(SqlError::syntax("expected an argument name"));
        };
        let name = super::lexer::normalize_ident(&w.value, w.quote_style.is_some());
        let end =
            rest.iter().position(|t| matches!(t, Token::Word(x) if x.value.eq_ignore_ascii_case("DEFAULT")));
        out.push((name, signature_type(&text_of(&rest[..end.unwrap_or(rest.len())]))));
    }
    Ok(out)
}

/// `(NUMBER, VARCHAR)` in DROP / ALTER: the argument types only.
fn types_only(c: &mut Cursor) -> Result<String, SqlError> {
    if !c.token(&Token::LParen) {
        return Err(c.unexpected("'('"));
    }
    let types: Vec<String> = paren_items(c)?.iter().map(|t| signature_type(&text_of(t))).collect();
    Ok(format!("({})", types.join(", ")))
}

/// CREATE FUNCTION / PROCEDURE.
pub fn create(
    account: &mut Account,
    ctx: &DdlContext,
    kind: RoutineKind,
    sql: &str,
) -> Result<String, SqlError> {
    let mut c = Cursor::new(sql)?;
    let head = create_head(ctx, &mut c, &[kind.object_type()])?;
    let args = arguments(&mut c)?;
    c.expect_kw("RETURNS")?;
    let returns = if c.kw("TABLE") {
        let cols = if c.token(&Token::LParen) { paren_items(&mut c)? } else { Vec::new() };
        let cols: Vec<String> = cols.iter().map(|t| text_of(t).to_uppercase()).collect();
        format!("TABLE ({})", cols.join(", "))
    } else {
        let mut ty = vec![c.peek().cloned().ok_or_else(|| c.unexpected("a type"))?];
        c.advance();
        if c.token(&Token::LParen) {
            ty.push(Token::LParen);
            for (i, item) in paren_items(&mut c)?.into_iter().enumerate() {
                if i > 0 {
                    ty.push(Token::Comma);
                }
                ty.extend(item);
            }
            ty.push(Token::RParen);
        }
        signature_type(&text_of(&ty))
    };
    let (mut language, mut comment, mut body) = ("SQL".to_string(), None, None);
    while !c.at_end() {
        if c.kw("LANGUAGE") {
            language = c.ident()?.to_uppercase();
        } else if c.kw("COMMENT") {
            c.token(&Token::Eq);
            comment = Some(c.string()?);
        } else if c.kw("AS") {
            body = Some(c.string()?);
        } else {
            c.advance();
        }
    }
    let body = body.ok_or_else(|| SqlError::syntax("expected AS '<body>'"))?;
    let now = account.tick(ctx.now_ms);
    let routine = Routine {
        name: head.name.clone(),
        arguments: args,
        returns,
        language,
        body,
        secure: head.modifiers.iter().any(|m| m == "SECURE"),
        owner: ctx.role.clone(),
        comment,
        created_on: now,
        last_altered: now,
    };
    let grant_name = routine.name_with_signature();
    let schema = account
        .schema(&head.db, &head.schema)
        .ok_or_else(|| SqlError::does_not_exist("Schema", &format!("{}.{}", head.db, head.schema)))?;
    let exists = kind.list(&schema.objects).iter().any(|r| r.name_with_signature() == grant_name);
    let room = Head { name: grant_name.clone(), ..head };
    if let Some(status) = make_room(account, &room, kind.object_type(), exists, |a| {
        if let Some(s) = a.schema_mut(&room.db, &room.schema) {
            kind.list_mut(&mut s.objects).retain(|r| r.name_with_signature() != grant_name);
        }
    })? {
        return Ok(status);
    }
    let schema =
        account.schema_mut(&room.db, &room.schema).ok_or_else(|| SqlError::syntax("schema vanished"))?;
    kind.list_mut(&mut schema.objects).push(routine);
    created(account, ctx, &room, kind.object_type(), &grant_name, now);
    Ok(format!("{} {} successfully created.", kind.title(), room.name))
}

/// `ALTER FUNCTION | PROCEDURE name(types) SET SECURE | UNSET SECURE | SET COMMENT = '...' | UNSET COMMENT`.
pub fn alter(
    account: &mut Account,
    ctx: &DdlContext,
    kind: RoutineKind,
    sql: &str,
) -> Result<String, SqlError> {
    let mut c = Cursor::new(sql)?;
    c.expect_kw("ALTER")?;
    c.expect_kw(kind.object_type())?;
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let (db, sc, name) = resolve_object(ctx, c.object_name()?)?;
    let sig = format!("{name}{}", types_only(&mut c)?);
    let now = account.tick(ctx.now_ms);
    let found = account
        .schema_mut(&db, &sc)
        .and_then(|s| kind.list_mut(&mut s.objects).iter_mut().find(|r| r.name_with_signature() == sig));
    let Some(r) = found else {
        if if_exists {
            return Ok("Statement executed successfully.".into());
        }
        return Err(SqlError::does_not_exist(kind.title(), &format!("{db}.{sc}.{sig}")));
    };
    let set = if c.kw("SET") {
        true
    } else {
        c.expect_kw("UNSET")?;
        false
    };
    if c.kw("SECURE") {
        r.secure = set;
    } else if c.kw("COMMENT") {
        r.comment = if set {
            c.token(&Token::Eq);
            Some(c.string()?)
        } else {
            None
        };
    } else {
        return Err(c.unexpected("SECURE or COMMENT"));
    }
    r.last_altered = now;
    Ok("Statement executed successfully.".into())
}

/// DROP FUNCTION | PROCEDURE [IF EXISTS] name(types): the status text, or does-not-exist.
pub fn drop(
    account: &mut Account,
    ctx: &DdlContext,
    kind: RoutineKind,
    c: &mut Cursor,
) -> Result<String, SqlError> {
    let if_exists = c.kws(&["IF", "EXISTS"]);
    let (db, sc, name) = resolve_object(ctx, c.object_name()?)?;
    let sig = format!("{name}{}", types_only(c)?);
    let found = match account.schema_mut(&db, &sc) {
        Some(s) => {
            let list = kind.list_mut(&mut s.objects);
            let before = list.len();
            list.retain(|r| r.name_with_signature() != sig);
            list.len() != before
        }
        None => false,
    };
    if found {
        let t = GrantTarget::Object { kind: kind.object_type(), database: db, schema: sc, name: sig.clone() };
        account.remove_grants_on(|g| *g == t);
        Ok(format!("{sig} successfully dropped."))
    } else if if_exists {
        Ok(format!("Drop statement executed successfully ({sig} already dropped)."))
    } else {
        Err(SqlError::does_not_exist(kind.title(), &sig))
    }
}
