//! Shared fixtures for the SQL API client tests: a tiny executor behind the real emulator on 127.0.0.1,
//! a fast-retry client, a counting observer, and a proxy that can answer 503 after forwarding.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use secrecy::SecretString;
use snowcat::sqlapi::{
    BackoffPolicy, Client, ClientConfig, Observer, Phase, RetryReason, StatementReport, StaticToken,
    TokenSource, TokenType,
};
use snowflake_emulator::engine::{Binding as EmuBinding, Session};
use snowflake_emulator::faults::{Faults, SlowRule};
use snowflake_emulator::result::{Column, ColumnType, QueryResult, SqlError, Value};
use snowflake_emulator::{Emulator, EmulatorBuilder, EmulatorHandle, Executor};

use snowflake_emulator::testing::test_statement;

/// `rows N` -> N rows (N, LABEL); `types` -> one column of every jsonv2 type (+ a NULL row);
/// `fail` -> 002003; `echo` -> one (KEY, TYPE, VALUE) row per binding, parameter and session field;
/// anything else -> one row with the session role.
pub struct TestExecutor;

impl Executor for TestExecutor {
    fn execute(&mut self, session: &Session, sql: &str, b: &[EmuBinding]) -> Result<QueryResult, SqlError> {
        if sql.trim() == "echo" {
            return Ok(echo(session, b));
        }
        test_statement(session, sql)
    }

    fn role_exists(&self, role: &str) -> bool {
        matches!(role, "ACCOUNTADMIN" | "ANALYST")
    }
}

fn echo(session: &Session, bindings: &[EmuBinding]) -> QueryResult {
    let text = |s: &str| Value::Text(s.to_string());
    let opt = |v: &Option<String>| v.as_deref().map_or(Value::Null, text);
    let mut rows: Vec<Vec<Value>> =
        bindings.iter().map(|b| vec![text(&b.key), text(&b.type_name), opt(&b.value)]).collect();
    for (k, v) in &session.parameters {
        rows.push(vec![text(&format!("param:{k}")), text(""), text(v)]);
    }
    for (k, v) in
        [("database", &session.database), ("schema", &session.schema), ("warehouse", &session.warehouse)]
    {
        rows.push(vec![text(k), text(""), opt(v)]);
    }
    rows.push(vec![text("role"), text(""), text(&session.role)]);
    let columns = ["KEY", "TYPE", "VALUE"]
        .iter()
        .map(|n| Column::expr(*n, ColumnType::Text { length: 255 }, true))
        .collect();
    QueryResult { columns, rows, stats: vec![] }
}

pub fn emulator() -> EmulatorBuilder {
    Emulator::with_executor(TestExecutor).sync_threshold(Duration::from_secs(10))
}

pub fn slow(contains: &str, ms: u64) -> Faults {
    Faults { slow_statements: vec![SlowRule { contains: contains.into(), ms }], ..Faults::default() }
}

/// Short delays so retry tests finish quickly (speed itself is never asserted).
pub fn fast_config() -> ClientConfig {
    let quick =
        BackoffPolicy { initial: Duration::from_millis(5), max: Duration::from_millis(40), factor: 2.0 };
    ClientConfig { poll: quick, retry: quick, ..ClientConfig::default() }
}

pub fn static_token(secret: &str) -> Arc<dyn TokenSource> {
    Arc::new(StaticToken::new(SecretString::from(secret.to_string()), TokenType::OAuth))
}

pub fn client_for(url: &str, tokens: Arc<dyn TokenSource>, observer: Arc<dyn Observer>) -> Client {
    Client::for_url(url, tokens).unwrap().config(fast_config()).observer(observer).build().unwrap()
}

pub fn client(emu: &EmulatorHandle) -> Client {
    client_for(&emu.base_url(), static_token("any-token"), Arc::new(Recorder::default()))
}

pub fn far() -> tokio::time::Instant {
    tokio::time::Instant::now() + Duration::from_secs(60)
}

/// An observer that remembers everything it is told.
#[derive(Default)]
pub struct Recorder {
    pub statuses: Mutex<Vec<(Phase, u16)>>,
    pub retries: Mutex<Vec<(Phase, RetryReason)>>,
    pub reports: Mutex<Vec<StatementReport>>,
}

impl Observer for Recorder {
    fn http_status(&self, phase: Phase, status: u16) {
        self.statuses.lock().unwrap().push((phase, status));
    }
    fn retry(&self, phase: Phase, reason: RetryReason) {
        self.retries.lock().unwrap().push((phase, reason));
    }
    fn statement_finished(&self, report: &StatementReport) {
        self.reports.lock().unwrap().push(report.clone());
    }
}

/// A reverse proxy on 127.0.0.1 that forwards everything to `upstream`, except that the first
/// `fail_first_posts` POSTs to `/api/v2/statements` are forwarded (so the statement runs) and then answered
/// with a 503 instead of the real reply.
pub async fn proxy_503_after_forward(upstream: String, fail_first_posts: u32) -> String {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, Method, StatusCode, Uri};
    use axum::response::{IntoResponse, Response};

    #[derive(Clone)]
    struct P {
        upstream: String,
        left: Arc<AtomicU32>,
        http: reqwest::Client,
    }

    async fn forward(
        State(p): State<P>,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        let url = format!("{}{}", p.upstream, uri.path_and_query().map_or("/", |pq| pq.as_str()));
        let mut req = p.http.request(method.clone(), url).body(body);
        for name in
            ["authorization", "x-snowflake-authorization-token-type", "content-type", "accept", "user-agent"]
        {
            if let Some(v) = headers.get(name) {
                req = req.header(name, v);
            }
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap();
        let is_submit = method == Method::POST && uri.path() == "/api/v2/statements";
        if is_submit && p.left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok()
        {
            return (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
        }
        let mut out = (StatusCode::from_u16(status).unwrap(), bytes.to_vec()).into_response();
        out.headers_mut().insert("content-type", "application/json".parse().unwrap());
        out
    }

    let state =
        P { upstream, left: Arc::new(AtomicU32::new(fail_first_posts)), http: reqwest::Client::new() };
    let app = axum::Router::new().fallback(forward).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}
