//! The Snowflake SQL API v2 client: the only module that knows the wire format of `/api/v2/statements`.
//!
//! Owns request building, submission, polling, partition streaming, cancellation, retries and result
//! decoding. Must not touch SQLite, know about crawl plans, or depend on the emulator.
//!
//! Entry points: [`Client`] (built with [`Client::for_account`] / [`Client::for_url`]), [`StatementRequest`],
//! [`Client::execute`] -> [`RowStream`] of [`Row`]s read by column name through [`FromCell`] / [`FromRow`].
//!
//! Several statements in one request: [`Client::execute_statements`]`(req, deadline, cancel) ->
//! Result<`[`Statements`]`, SqlApiError>`, then [`Statements::next`]`() -> Option<`[`StatementResult`]`>` once
//! per statement, in order; each result's [`StatementOutcome`] is `Rows(RowStream)` (streamed like
//! `execute`), `Failed(SqlApiError)`, `NoResult` (ran before a failing statement; Snowflake returns nothing
//! for it) or `NotRun`. A one-statement text gives one result, so it serves any text.

mod account;
mod client;
mod error;
mod multi;
mod observe;
mod request;
mod response;
mod retry;
mod row;
mod split;
mod stream;
mod token;
mod value;

pub use account::{account_base_url, parse_base_url};
pub use client::{Client, ClientBuilder, ClientConfig};
pub use error::{Phase, SqlApiError};
pub use multi::{MULTI_STATEMENT_COUNT, StatementOutcome, StatementResult, Statements};
pub use observe::{NoopObserver, Observer, StatementReport, Totals, TotalsSnapshot};
pub use request::{BindType, BindValue, Binding, StatementRequest};
pub use response::{
    CancelStatus, PartitionInfo, QueryStatus, ResultPage, StatementResponse, decode_cancel, decode_error,
    decode_partition, decode_statement,
};
pub use retry::{Backoff, BackoffPolicy, RetryReason, next_retry_delay, parse_retry_after};
pub use row::{FromCell, FromRow, Row, Schema};
pub use split::{Piece, statements as split_statements};
pub use stream::{ResultSet, RowStream};
pub use token::{BoxFuture, StaticToken, Token, TokenError, TokenSource, TokenType};
pub use value::{Cell, Column, ColumnType, parse_snowflake_json};
