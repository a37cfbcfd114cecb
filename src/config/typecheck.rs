//! Typing the config's TOML value into [`Config`] without stopping at the first mistake: every wrong type,
//! bad value (an unknown enum word, an unreadable duration) and unknown key anywhere in the file is
//! reported with its dotted key, and the rest of the file is still typed so that semantic validation
//! can look at it too.
//!
//! How: type the value; on an error, note it under the key serde reports, take the offending key out (so its
//! default applies; a required key gets an empty stand-in), and type again, until the value types. Keys
//! reported here are handed back so validation does not report a stand-in's value a second time. Pure: no
//! I/O, no environment.

use serde_path_to_error::Segment;
use toml::{Table, Value};

use super::ConfigProblem;
use super::schema::Config;

/// More mistakes than this in one file are not all reported (each costs one typing pass).
const MAX_PROBLEMS: usize = 200;

/// The typed config (with defaults or stand-ins where keys were wrong), every problem found on the way,
/// and the keys they were reported under. `None` when the file cannot be typed even so.
pub fn type_leniently(doc: &Table) -> (Option<Config>, Vec<ConfigProblem>, Vec<String>) {
    let mut doc = doc.clone();
    let original = Value::Table(doc.clone());
    let mut problems = Vec::new();
    let mut keys: Vec<String> = Vec::new();
    let mut stand_ins: Vec<String> = Vec::new();
    for _ in 0..MAX_PROBLEMS {
        let err = match serde_path_to_error::deserialize::<_, Config>(Value::Table(doc.clone())) {
            Ok(config) => return (Some(config), problems, keys),
            Err(e) => e,
        };
        let mut path: Vec<Segment> = err.path().iter().cloned().collect();
        let message = err.inner().message().trim().to_string();
        let fixed = if let Some(field) = quoted_after(&message, "unknown field `") {
            if !matches!(path.last(), Some(Segment::Map { key }) if *key == field) {
                path.push(Segment::Map { key: field });
            }
            let known = message.split_once(", expected ").map(|(_, e)| format!("; expected {e}"));
            let text = format!("unknown key{}", known.unwrap_or_default());
            note(&mut problems, &mut keys, &path, &original, &text);
            remove(&mut doc, &path)
        } else if let Some(field) = quoted_after(&message, "missing field `") {
            path.push(Segment::Map { key: field });
            // A required key whose value was refused and taken out is already reported.
            if !keys.contains(&dotted(&path)) {
                note(&mut problems, &mut keys, &path, &original, "missing: this key is required");
            }
            stand_ins.push(dotted(&path));
            insert_stand_in(&mut doc, &path)
        } else if stand_ins.contains(&dotted(&path)) {
            false
        } else {
            let text = match message.strip_prefix("invalid type: ") {
                Some(rest) => format!("wrong type: {}", plain_types(rest)),
                None => plain_types(&message),
            };
            note(&mut problems, &mut keys, &path, &original, &text);
            remove(&mut doc, &path)
        };
        if !fixed {
            problems.push(ConfigProblem::new(
                &dotted(&path),
                "",
                "the rest of the file could not be checked",
            ));
            return (None, problems, keys);
        }
    }
    (None, problems, keys)
}

/// Whether a semantic problem at `key` repeats one the typing already reported (at it or above it).
pub fn already_reported(keys: &[String], key: &str) -> bool {
    keys.iter().any(|k| {
        key == k
            || key.strip_prefix(k.as_str()).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
    })
}

/// serde's Rust type names in a message, in words an operator reads (`expected u32` -> `expected a whole
/// number`).
fn plain_types(message: &str) -> String {
    let Some((head, expected)) = message.rsplit_once("expected ") else { return message.to_string() };
    let words = match expected.trim() {
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "path string" => "a file path (a string)",
        "a sequence" => "a list, e.g. [\"A\", \"B\"]",
        "struct" | "map" => "a table",
        // serde names the Rust type (`struct TokenFileConfig`): the user wrote TOML, not Rust.
        other if other.starts_with("struct ") || other.starts_with("map ") => "a table",
        other => other,
    };
    format!("{head}expected {words}")
}

fn quoted_after(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    rest.split_once('`').map(|(field, _)| field.to_string())
}

fn note(
    problems: &mut Vec<ConfigProblem>,
    keys: &mut Vec<String>,
    path: &[Segment],
    original: &Value,
    text: &str,
) {
    let key = dotted(path);
    let value = lookup(original, path).map(shown).unwrap_or_default();
    problems.push(ConfigProblem::new(&key, &value, text));
    keys.push(key);
}

/// `accounts[0].auth.oauth.client_id`.
fn dotted(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Unknown => {}
        }
    }
    if out.is_empty() { "(file)".to_string() } else { out }
}

/// A value as the operator wrote it (strings bare, tables and arrays abbreviated).
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Table(_) => "{...}".to_string(),
        Value::Array(a) if a.len() > 4 => format!("[{} items]", a.len()),
        other => other.to_string(),
    }
}

fn lookup<'a>(v: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, segment| match segment {
        Segment::Seq { index } => v.as_array()?.get(*index),
        Segment::Map { key } | Segment::Enum { variant: key } => v.as_table()?.get(key),
        Segment::Unknown => None,
    })
}

fn parent_mut<'a, 'p>(doc: &'a mut Table, path: &'p [Segment]) -> Option<(&'a mut Value, &'p Segment)> {
    let (last, parents) = path.split_last()?;
    let mut iter = parents.iter();
    let first = match iter.next() {
        None => return None,
        Some(Segment::Map { key }) => doc.get_mut(key)?,
        Some(_) => return None,
    };
    let parent = iter.try_fold(first, |v, segment| match segment {
        Segment::Seq { index } => v.as_array_mut()?.get_mut(*index),
        Segment::Map { key } | Segment::Enum { variant: key } => v.as_table_mut()?.get_mut(key),
        Segment::Unknown => None,
    })?;
    Some((parent, last))
}

/// Take the value at `path` out of `doc`; false when there is nothing to take.
fn remove(doc: &mut Table, path: &[Segment]) -> bool {
    if let [Segment::Map { key }] = path {
        return doc.remove(key).is_some();
    }
    match parent_mut(doc, path) {
        Some((Value::Table(t), Segment::Map { key })) => t.remove(key).is_some(),
        Some((Value::Array(a), Segment::Seq { index })) if *index < a.len() => {
            a.remove(*index);
            true
        }
        _ => false,
    }
}

/// Put an empty string at `path` (every required key is a string or a path): validation then sees a
/// complete value, and its problems at this key are dropped as already reported.
fn insert_stand_in(doc: &mut Table, path: &[Segment]) -> bool {
    let stand_in = Value::String(String::new());
    if let [Segment::Map { key }] = path {
        return doc.insert(key.clone(), stand_in).is_none();
    }
    match parent_mut(doc, path) {
        Some((Value::Table(t), Segment::Map { key })) => t.insert(key.clone(), stand_in).is_none(),
        _ => false,
    }
}
