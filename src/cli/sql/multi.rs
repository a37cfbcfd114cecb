//! Printing the results of a request of several statements, one block per statement in its order: a
//! headed table for people, one JSON object per statement (its rows inside), CSV blocks separated by a blank
//! line. A statement that failed, ran without a result, or never ran says so (on stderr for table and CSV).
//!
//! Owns this layout only; each block's rows go through the single-statement [`Printer`], and the results
//! come from `sqlapi::Client::execute_statements`.

use std::io::Write;

use futures_util::StreamExt;
use serde_json::{Value, json};

use super::output::{Format, Printer};
use crate::sqlapi::{SqlApiError, StatementOutcome, StatementResult, Statements};

/// Print every result of `results` to `out`; returns the failures, each as one line `statement N of M
/// failed: ...` (already printed in place on stderr for table and CSV, inside the objects for JSON).
pub async fn print_all<W: Write>(
    out: &mut W,
    results: &mut Statements,
    format: Format,
) -> anyhow::Result<Vec<String>> {
    let total = results.len();
    let mut failures = Vec::new();
    if format == Format::Json {
        write!(out, "[")?;
    }
    let mut n = 0;
    while let Some(result) = results.next().await {
        let name = match result.index {
            Some(i) => format!("statement {i} of {total}"),
            None => "the request".to_string(),
        };
        if format == Format::Json {
            write!(out, "{}", if n == 0 { "\n" } else { ",\n" })?;
        } else if n > 0 {
            writeln!(out)?;
        }
        n += 1;
        if let Some(failure) = print_one(out, result, &name, format).await? {
            failures.push(failure);
        }
    }
    if format == Format::Json {
        writeln!(out, "\n]")?;
    }
    out.flush()?;
    Ok(failures)
}

/// One statement's block; `Some(failure)` when it failed.
async fn print_one<W: Write>(
    out: &mut W,
    result: StatementResult,
    name: &str,
    format: Format,
) -> anyhow::Result<Option<String>> {
    let mut head = serde_json::Map::new();
    head.insert("statement".into(), json!(result.index));
    head.insert("sql".into(), json!(result.text));
    head.insert("status".into(), json!(result.outcome.label()));
    let text = result.text.as_deref().map(one_line).unwrap_or_default();
    match result.outcome {
        StatementOutcome::Rows(mut rows) => {
            head.insert("handle".into(), json!(rows.handle()));
            match format {
                Format::Json => {
                    let head = Value::Object(head).to_string();
                    write!(out, "{},\"rows\":", head.trim_end_matches('}'))?;
                }
                Format::Table => writeln!(out, "-- {name} [{}]: {text}", rows.handle())?,
                Format::Csv => {}
            }
            let mut printer = Printer::new(&mut *out, format, &rows.schema().clone())?;
            let mut failure = None;
            while let Some(row) = rows.next().await {
                match row {
                    Ok(row) => printer.row(&row)?,
                    Err(e) => {
                        let text =
                            format!("{name} failed while reading its rows: {}", one_line(&e.to_string()));
                        if format != Format::Json {
                            eprintln!("{text}");
                        }
                        failure = Some(text);
                        break;
                    }
                }
            }
            printer.finish()?;
            if format == Format::Json {
                write!(out, "}}")?;
            }
            Ok(failure)
        }
        StatementOutcome::Failed(e) => {
            let failure = format!("{name} failed: {}", one_line(&describe(&e)));
            if format == Format::Json {
                head.insert("handle".into(), json!(handle_of(&e)));
                head.insert("code".into(), json!(e.code()));
                head.insert("sqlState".into(), json!(sql_state_of(&e)));
                head.insert("message".into(), json!(message_of(&e)));
                write!(out, "{}", Value::Object(head))?;
            } else {
                eprintln!("{failure}");
            }
            Ok(Some(failure))
        }
        StatementOutcome::NoResult | StatementOutcome::NotRun => {
            let why = if matches!(result.outcome, StatementOutcome::NoResult) {
                "ran, but a later statement failed and Snowflake returns no result for it"
            } else {
                "did not run: an earlier statement failed"
            };
            if format == Format::Json {
                head.insert("message".into(), json!(why));
                write!(out, "{}", Value::Object(head))?;
            } else {
                eprintln!("{name} {why}: {text}");
            }
            Ok(None)
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `SQL error 100132 (SQL state P0000): <message>` without the phase prefix of the error's Display.
fn describe(e: &SqlApiError) -> String {
    match e {
        SqlApiError::Sql { code, sql_state, message, .. } => {
            format!("SQL error {code} (SQL state {}): {message}", sql_state.as_deref().unwrap_or("-"))
        }
        other => other.to_string(),
    }
}

fn handle_of(e: &SqlApiError) -> Option<&str> {
    match e {
        SqlApiError::Sql { handle, .. } | SqlApiError::Timeout { handle, .. } => handle.as_deref(),
        _ => None,
    }
}

fn sql_state_of(e: &SqlApiError) -> Option<&str> {
    match e {
        SqlApiError::Sql { sql_state, .. } => sql_state.as_deref(),
        _ => None,
    }
}

fn message_of(e: &SqlApiError) -> String {
    match e {
        SqlApiError::Sql { message, .. } | SqlApiError::Timeout { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// `snowcat statement status` of a multi-statement request's parent: each child with its handle and state.
pub async fn print_children<W: Write>(
    out: &mut W,
    client: &crate::sqlapi::Client,
    children: &[String],
    format: Format,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for (i, handle) in children.iter().enumerate() {
        let (status, detail) = match client.status(handle).await {
            Ok(crate::sqlapi::StatementResponse::Running(_)) => ("running", String::new()),
            Ok(crate::sqlapi::StatementResponse::Done(page)) => (
                "succeeded",
                format!("{} rows in {} partition(s)", page.num_rows, page.partitions.len().max(1)),
            ),
            Err(e) => ("failed", describe(&e)),
        };
        rows.push((i + 1, handle, status, detail));
    }
    match format {
        Format::Json => {
            let items: Vec<Value> = rows
                .iter()
                .map(|(i, h, s, d)| json!({"statement": i, "handle": h, "status": s, "detail": d}))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&items)?)?;
        }
        Format::Csv => {
            writeln!(out, "statement,handle,status,detail")?;
            for (i, h, s, d) in &rows {
                writeln!(out, "{i},{h},{s},\"{}\"", d.replace('"', "\"\""))?;
            }
        }
        Format::Table => {
            for (i, h, s, d) in &rows {
                writeln!(
                    out,
                    "statement {i} of {}: {h} {s}{}",
                    rows.len(),
                    if d.is_empty() { String::new() } else { format!(", {d}") }
                )?;
            }
        }
    }
    Ok(())
}
