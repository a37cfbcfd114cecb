//! The emulator's library API: [`Emulator::start`] / [`EmulatorBuilder`] bind a loopback server and return
//! an [`EmulatorHandle`] (base URL, request log, live faults, shutdown). Also the [`Executor`] seam between
//! the protocol layer and the engine, so protocol tests can plug in a tiny executor.
//!
//! Owns startup and shutdown only; request handling lives in `server`, `submit` and `poll`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::engine::{Binding, Engine, Session};
use super::faults::{FaultState, Faults};
use super::model::Account;
use super::requestlog::{LogEntry, RequestLog};
use super::result::{QueryResult, SqlError};
use super::server::{self, Shared};
use super::tokens::{AnyToken, StaticToken, TokenVerifier};

/// What runs statements. [`Engine`] is the real one; tests may plug in their own.
pub trait Executor: Send + 'static {
    fn execute(
        &mut self,
        session: &Session,
        sql: &str,
        bindings: &[Binding],
    ) -> Result<QueryResult, SqlError>;
    /// Whether a role of this exact (case-sensitive) name exists.
    fn role_exists(&self, role: &str) -> bool;
}

impl Executor for Engine {
    fn execute(
        &mut self,
        session: &Session,
        sql: &str,
        bindings: &[Binding],
    ) -> Result<QueryResult, SqlError> {
        Engine::execute(self, session, sql, bindings)
    }

    fn role_exists(&self, role: &str) -> bool {
        Engine::role_exists(self, role)
    }
}

/// Server options. Defaults match the real service where it has one.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where to listen; the port may be 0. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Rows per result partition (default 10,000).
    pub partition_rows: usize,
    /// How long a synchronous POST waits before it answers 202 (default 45 s, like Snowflake).
    pub sync_threshold: Duration,
    /// The role statements run as when neither the body nor the token names one (default ACCOUNTADMIN,
    /// so a client without `--role` sees the whole account).
    pub default_role: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            partition_rows: 10_000,
            sync_threshold: Duration::from_secs(45),
            default_role: "ACCOUNTADMIN".into(),
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// Entry point of the library API.
pub struct Emulator;

impl Emulator {
    /// Start an emulator over `account` with default options on `127.0.0.1:0`, accepting any token.
    pub async fn start(account: Account) -> Result<EmulatorHandle, StartError> {
        Emulator::builder(account).start().await
    }

    /// A builder over the real engine for `account`.
    pub fn builder(account: Account) -> EmulatorBuilder {
        Emulator::with_executor(Engine::new(account))
    }

    /// A builder over any executor (protocol tests use a tiny one).
    pub fn with_executor(executor: impl Executor) -> EmulatorBuilder {
        EmulatorBuilder {
            executor: Box::new(executor),
            options: Options::default(),
            verifier: Arc::new(AnyToken),
            faults: Faults::default(),
            routes: axum::Router::new(),
        }
    }
}

/// Options for [`Emulator`] before it starts.
pub struct EmulatorBuilder {
    executor: Box<dyn Executor>,
    options: Options,
    verifier: Arc<dyn TokenVerifier>,
    faults: Faults,
    routes: axum::Router,
}

impl EmulatorBuilder {
    /// Serve extra routes next to the SQL API (the auth endpoints: `oauth::OAuthServer::router`).
    pub fn routes(mut self, routes: axum::Router) -> Self {
        self.routes = self.routes.merge(routes);
        self
    }

    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.options.listen = addr;
        self
    }

    pub fn partition_rows(mut self, rows: usize) -> Self {
        self.options.partition_rows = rows.max(1);
        self
    }

    pub fn sync_threshold(mut self, wait: Duration) -> Self {
        self.options.sync_threshold = wait;
        self
    }

    pub fn default_role(mut self, role: impl Into<String>) -> Self {
        self.options.default_role = role.into();
        self
    }

    /// Accept only this bearer token.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.verifier = Arc::new(StaticToken::new(token));
        self
    }

    /// Check tokens with a custom verifier (OAuth, key-pair JWT, PAT).
    pub fn verifier(mut self, verifier: Arc<dyn TokenVerifier>) -> Self {
        self.verifier = verifier;
        self
    }

    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// Bind and serve in the background.
    pub async fn start(self) -> Result<EmulatorHandle, StartError> {
        let addr = self.options.listen;
        let listener =
            tokio::net::TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source })?;
        let local = listener.local_addr().map_err(|source| StartError::Bind { addr, source })?;
        let shutdown = CancellationToken::new();
        let shared = Arc::new(Shared {
            executor: Arc::new(Mutex::new(self.executor)),
            store: Default::default(),
            faults: Arc::new(Mutex::new(FaultState::new(self.faults))),
            log: RequestLog::default(),
            verifier: self.verifier,
            options: self.options,
            shutdown: shutdown.clone(),
        });
        let task = tokio::spawn(server::serve(listener, shared.clone(), self.routes));
        Ok(EmulatorHandle { addr: local, shared, shutdown, task: Some(task) })
    }
}

/// A running emulator. Dropping it stops the server.
pub struct EmulatorHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: CancellationToken,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A copy of the request log so far.
    pub fn request_log(&self) -> Vec<LogEntry> {
        self.shared.log.snapshot()
    }

    /// The live log (for `executions_for_request` and `clear`).
    pub fn log(&self) -> &RequestLog {
        &self.shared.log
    }

    /// The current fault configuration.
    pub fn faults(&self) -> Faults {
        self.shared.faults.lock().unwrap_or_else(|p| p.into_inner()).faults().clone()
    }

    /// Replace the fault configuration at runtime (counters and the random source restart).
    pub fn set_faults(&self, faults: Faults) {
        self.shared.faults.lock().unwrap_or_else(|p| p.into_inner()).set(faults);
    }

    /// Stop accepting requests, cancel running statements and wait for the server to finish.
    pub async fn shutdown(mut self) {
        self.shutdown.cancel();
        self.shared.store.cancel_all();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        self.shutdown.cancel();
        self.shared.store.cancel_all();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
