//! Requests of several statements: [`Client::execute_statements`] runs a text of one or more `;`-separated
//! statements as one request (one session: `USE`, transactions, temporary tables and variables carry from one
//! statement to the next) and gives back one [`StatementResult`] per statement, in order.
//!
//! Snowflake documents the exchange ("Submitting multiple SQL statements in a single request"): the parent
//! statement's answer holds no rows of its statements, only their handles in `statementHandles`; each
//! statement's result is fetched by its own handle (status, then partitions), which is what
//! [`Statements::next`] does, through the same polling and partition streaming as [`Client::execute`]. When
//! a statement fails, the parent answers 422 `100132` naming the failing statement by line and position;
//! the statements before it ran but Snowflake returns no result for them, and the ones after it never run.
//!
//! Owns that mapping only; must not print anything or know the CLI's formats.

use std::collections::VecDeque;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::client::Client;
use super::error::SqlApiError;
use super::request::StatementRequest;
use super::split::{self, Piece};
use super::stream::RowStream;

/// The session parameter that allows several statements in one request.
pub const MULTI_STATEMENT_COUNT: &str = "MULTI_STATEMENT_COUNT";

/// What became of one statement of a request.
#[allow(
    clippy::large_enum_variant,
    reason = "one value per statement, moved once; boxing the stream buys nothing"
)]
pub enum StatementOutcome {
    /// It ran; its rows stream exactly as from [`Client::execute`] ([`RowStream::handle`] is its own handle).
    Rows(RowStream),
    /// It failed. For a statement of a multi-statement request the code is Snowflake's `100132` and the
    /// message is the statement's own error, without the `SYSTEM$MULTISTMT` wrapping.
    Failed(SqlApiError),
    /// It ran, but a later statement failed: Snowflake returns no result for the statements of a failed
    /// request.
    NoResult,
    /// An earlier statement failed, so this one never ran.
    NotRun,
}

impl StatementOutcome {
    /// `succeeded`, `failed`, `no_result` or `not_run`.
    pub fn label(&self) -> &'static str {
        match self {
            StatementOutcome::Rows(_) => "succeeded",
            StatementOutcome::Failed(_) => "failed",
            StatementOutcome::NoResult => "no_result",
            StatementOutcome::NotRun => "not_run",
        }
    }
}

/// One statement's result.
pub struct StatementResult {
    /// 1-based position of the statement in the request. `None` only for a failure whose message does not
    /// say which statement failed (then it is the only result).
    pub index: Option<usize>,
    /// The statement's text, as this client splits the request.
    pub text: Option<String>,
    pub outcome: StatementOutcome,
}

enum Pending {
    Child { index: usize, handle: String },
    Ready(Box<StatementResult>),
}

/// The results of a request, one per statement, fetched as they are read.
pub struct Statements {
    client: Client,
    parent: String,
    total: usize,
    pieces: Vec<Piece>,
    pending: VecDeque<Pending>,
    kind: String,
    request_id: String,
    null_string_is_null: bool,
    deadline: Instant,
    cancel: CancellationToken,
}

impl Statements {
    /// The request's own statement handle (for a multi-statement request, the parent of the others).
    pub fn parent_handle(&self) -> &str {
        &self.parent
    }

    /// How many results this yields.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The next statement's result, in statement order; `None` after the last. A statement whose result
    /// cannot be fetched is `Failed` with that error, and the next ones are still fetched.
    pub async fn next(&mut self) -> Option<StatementResult> {
        match self.pending.pop_front()? {
            Pending::Ready(r) => Some(*r),
            Pending::Child { index, handle } => {
                let fetched = self
                    .client
                    .result_of(
                        &handle,
                        self.kind.clone(),
                        self.request_id.clone(),
                        self.null_string_is_null,
                        self.deadline,
                        self.cancel.clone(),
                    )
                    .await;
                let outcome = match fetched {
                    Ok(rows) => StatementOutcome::Rows(rows),
                    Err(e) => StatementOutcome::Failed(e),
                };
                Some(StatementResult { index: Some(index), text: self.text(index), outcome })
            }
        }
    }

    fn text(&self, index: usize) -> Option<String> {
        self.pieces.get(index.wrapping_sub(1)).map(|p| p.text.clone())
    }
}

impl StatementRequest {
    /// Split the text into its statements and, when there are several and `MULTI_STATEMENT_COUNT` is not
    /// set, set it to their number (Snowflake refuses a text of several statements without it).
    pub fn set_statement_count(&mut self) -> Vec<Piece> {
        let pieces = split::statements(&self.statement);
        if pieces.len() > 1 && !self.parameters.keys().any(|k| k.eq_ignore_ascii_case(MULTI_STATEMENT_COUNT))
        {
            self.parameters.insert(MULTI_STATEMENT_COUNT.into(), pieces.len().to_string());
        }
        pieces
    }
}

impl Client {
    /// Run `req` (one statement, or several separated by `;`) as one request and return one result per
    /// statement, in order; the rows of each stream as from [`Client::execute`].
    ///
    /// When the text holds several statements and `req` does not set `MULTI_STATEMENT_COUNT`, it is set to
    /// the number of statements counted here. `Err` when the request as a whole fails (authentication, a
    /// count that does not match, a single statement's own error, the deadline, `cancel`); a failing
    /// statement of a multi-statement request is its `Failed` result instead, between the `NoResult` of the
    /// statements before it and the `NotRun` of those after it.
    pub async fn execute_statements(
        &self,
        mut req: StatementRequest,
        deadline: Instant,
        cancel: CancellationToken,
    ) -> Result<Statements, SqlApiError> {
        let pieces = req.set_statement_count();
        let mut statements = Statements {
            client: self.clone(),
            parent: String::new(),
            total: 0,
            pieces,
            pending: VecDeque::new(),
            kind: req.kind_label(),
            request_id: req.request_id.to_string(),
            null_string_is_null: !req.nullable,
            deadline,
            cancel: cancel.clone(),
        };
        match self.execute(req, deadline, cancel).await {
            Ok(rows) => {
                statements.parent = rows.handle().to_string();
                match rows.statement_handles().map(<[String]>::to_vec) {
                    Some(children) => {
                        // The parent's own result is one status row; read it so its report ends `ok`.
                        rows.collect_all().await?;
                        statements.pending = children
                            .into_iter()
                            .enumerate()
                            .map(|(i, handle)| Pending::Child { index: i + 1, handle })
                            .collect();
                    }
                    None => {
                        let text =
                            Some(statements.pieces.first().map_or_else(String::new, |p| p.text.clone()));
                        let outcome = StatementOutcome::Rows(rows);
                        statements.pending.push_back(Pending::Ready(Box::new(StatementResult {
                            index: Some(1),
                            text,
                            outcome,
                        })));
                    }
                }
            }
            Err(SqlApiError::Sql { phase, status, code, sql_state, message, handle })
                if code == "100132" && statements.pieces.len() > 1 =>
            {
                statements.parent = handle.clone().unwrap_or_default();
                let (failed, own) = locate_failure(&message, &statements.pieces);
                let error = SqlApiError::Sql { phase, status, code, sql_state, message: own, handle };
                statements.pending = match failed {
                    Some(k) => {
                        let mut error = Some(error);
                        (1..=statements.pieces.len())
                            .map(|i| {
                                let outcome = match (i.cmp(&k), error.take_if(|_| i == k)) {
                                    (std::cmp::Ordering::Less, _) => StatementOutcome::NoResult,
                                    (_, Some(e)) => StatementOutcome::Failed(e),
                                    _ => StatementOutcome::NotRun,
                                };
                                let text = statements.text(i);
                                Pending::Ready(Box::new(StatementResult { index: Some(i), text, outcome }))
                            })
                            .collect()
                    }
                    None => VecDeque::from([Pending::Ready(Box::new(StatementResult {
                        index: None,
                        text: None,
                        outcome: StatementOutcome::Failed(error),
                    }))]),
                };
            }
            Err(e) => return Err(e),
        }
        statements.total = statements.pending.len();
        Ok(statements)
    }
}

/// Which statement (1-based) a `100132` message names, and the statement's own error inside it.
///
/// The documented shape is `... failed on statement "<text>..." (at line L, position P).\n<error> in
/// SYSTEM$MULTISTMT at '...'`; the statement is the one starting at line L, position P (or, failing an exact
/// match, the last one starting before it). An unexpected shape keeps the whole message and places nothing.
fn locate_failure(message: &str, pieces: &[Piece]) -> (Option<usize>, String) {
    let Some(rest) = message.split_once("(at line ").map(|(_, r)| r) else {
        return (None, message.to_string());
    };
    let Some((line, rest)) = rest.split_once(", position ") else { return (None, message.to_string()) };
    let Some((column, rest)) = rest.split_once(')') else { return (None, message.to_string()) };
    let (Ok(line), Ok(column)) = (line.trim().parse::<usize>(), column.trim().parse::<usize>()) else {
        return (None, message.to_string());
    };
    let own = rest.trim_start_matches('.').trim_start();
    let own = own.rsplit_once(" in SYSTEM$MULTISTMT").map_or(own, |(m, _)| m).trim().to_string();
    let index = pieces
        .iter()
        .position(|p| (p.line, p.column) == (line, column))
        .or_else(|| pieces.iter().rposition(|p| (p.line, p.column) <= (line, column)))
        .map(|i| i + 1);
    (index, own)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_failure_names_the_statement_and_its_own_error() {
        let text = "create or replace table table1 (i int); insert into table1 (i) values (1); insert into \
                    table1 (i) values ('This is not a valid integer.'); insert into table1 (i) values (2); \
                    select i from table1 order by i";
        // Snowflake's example answer, verbatim.
        let message = "JavaScript execution error: Uncaught Execution of multiple statements failed on statement \
                       \"insert into table1 (i) values ...\" (at line 1, position 75).\nDML operation to table \
                       TABLE1 failed on column I with error: Numeric value 'This is not a valid integer.' is not \
                       recognized in SYSTEM$MULTISTMT at '    throw `Execution of multiple statements failed on \
                       statement {0} (at line {1}, position {2}).`.replace('{1}', LINES[i])' position \
                       4\nstackstrace: \nSYSTEM$MULTISTMT line: 10";
        let (index, own) = locate_failure(message, &split::statements(text));
        assert_eq!(index, Some(3));
        assert_eq!(
            own,
            "DML operation to table TABLE1 failed on column I with error: Numeric value 'This is not a valid \
             integer.' is not recognized"
        );
        assert_eq!(
            locate_failure("something else", &split::statements(text)),
            (None, "something else".into())
        );
    }
}
