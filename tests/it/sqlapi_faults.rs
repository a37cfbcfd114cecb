//! The SQL API client under faults, against the real emulator over HTTP on 127.0.0.1: cancel on deadline and
//! on a cancellation token, 503 after execution resubmitted without a second run, 429/5xx retries, 401
//! token refresh. The emulator's request log is the witness.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::sqlapi_support::*;
use secrecy::SecretString;
use snowcat::sqlapi::{
    BoxFuture, RetryReason, SqlApiError, StatementRequest, StatementResponse, Token, TokenError, TokenSource,
    TokenType,
};
use snowflake_emulator::faults::Faults;
use snowflake_emulator::requestlog::EntryKind;
use tokio_util::sync::CancellationToken;

fn cancels_for(emu: &snowflake_emulator::EmulatorHandle, handle: &str) -> usize {
    emu.request_log()
        .iter()
        .filter(|e| e.kind == EntryKind::Cancel && e.handle.as_deref() == Some(handle))
        .count()
}

#[tokio::test]
async fn deadline_cancels_the_statement_on_the_server() {
    let emu = emulator().faults(slow("sleepy", 10_000)).start().await.unwrap();
    let c = client(&emu);
    let deadline = tokio::time::Instant::now() + Duration::from_millis(300);
    let err =
        c.execute(StatementRequest::new("sleepy"), deadline, CancellationToken::new()).await.err().unwrap();
    let SqlApiError::Deadline { handle: Some(handle), .. } = &err else {
        panic!("expected Deadline, got {err:?}")
    };
    assert_eq!(cancels_for(&emu, handle), 1, "the emulator's log shows the cancel");
    let after = c.status(handle).await.unwrap_err();
    assert_eq!(after.code(), Some("000604"), "a cancelled statement reports 000604: {after}");
}

#[tokio::test]
async fn cancellation_token_cancels_the_statement_on_the_server() {
    let emu = emulator().faults(slow("sleepy", 10_000)).start().await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let c = client_for(&emu.base_url(), static_token("t"), recorder.clone());
    let token = CancellationToken::new();
    let trigger = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(250)).await;
        trigger.cancel();
    });
    let err = c.execute(StatementRequest::new("sleepy").kind("probe"), far(), token).await.err().unwrap();
    let SqlApiError::Cancelled { handle: Some(handle), .. } = &err else {
        panic!("expected Cancelled, got {err:?}")
    };
    assert_eq!(cancels_for(&emu, handle), 1);
    let reports = recorder.reports.lock().unwrap();
    assert_eq!((reports[0].kind.as_str(), reports[0].outcome.as_str()), ("probe", "cancelled"));
}

#[tokio::test]
async fn a_503_after_execution_is_resubmitted_with_retry_true_and_runs_once() {
    let emu = emulator().start().await.unwrap();
    let proxy = proxy_503_after_forward(emu.base_url(), 1).await;
    let recorder = Arc::new(Recorder::default());
    let c = client_for(&proxy, static_token("t"), recorder.clone());
    let req = StatementRequest::new("rows 3");
    let rid = req.request_id.to_string();
    let rs = c.execute_collect(req, far(), CancellationToken::new()).await.unwrap();
    assert_eq!(rs.rows.len(), 3);
    assert_eq!(emu.log().executions_for_request(&rid), 1, "the statement ran once");
    let submits: Vec<_> = emu
        .request_log()
        .into_iter()
        .filter(|e| e.kind == EntryKind::Submit && e.request_id.as_deref() == Some(rid.as_str()))
        .collect();
    assert_eq!(submits.len(), 2, "first POST + one resubmission");
    assert!(submits[1].replayed, "the resubmission was matched to the first statement");
    assert_eq!(
        recorder.retries.lock().unwrap().as_slice(),
        &[(snowcat::sqlapi::Phase::Submit, RetryReason::Server)]
    );
}

#[tokio::test]
async fn a_connection_reset_on_a_synchronous_result_is_resubmitted_and_runs_once() {
    let faults = Faults { reset_partition: Some(0), reset_times: 1, ..Faults::default() };
    let emu = emulator().faults(faults).start().await.unwrap();
    let c = client(&emu);
    let req = StatementRequest::new("rows 5");
    let rid = req.request_id.to_string();
    let StatementResponse::Done(page) = c.submit(&req).await.unwrap() else { panic!("expected a result") };
    assert_eq!(page.rows.len(), 5);
    assert_eq!(emu.log().executions_for_request(&rid), 1);
    let replayed: Vec<bool> = emu
        .request_log()
        .iter()
        .filter(|e| e.kind == EntryKind::Submit && e.request_id.as_deref() == Some(rid.as_str()))
        .map(|e| e.replayed)
        .collect();
    assert_eq!(replayed, [false, true], "cut once, then answered from the first run");
}

#[tokio::test]
async fn injected_429_and_5xx_on_submit_and_poll_are_retried() {
    let faults = Faults { next_statuses: vec![429, 503, 500, 502, 504], ..Faults::default() };
    let emu = emulator().partition_rows(2).faults(faults).start().await.unwrap();
    let recorder = Arc::new(Recorder::default());
    let c = client_for(&emu.base_url(), static_token("t"), recorder.clone());
    let req = StatementRequest::new("rows 6");
    let rid = req.request_id.to_string();
    let rs = c.execute_collect(req, far(), CancellationToken::new()).await.unwrap();
    assert_eq!(rs.rows.len(), 6);
    assert_eq!(emu.log().executions_for_request(&rid), 1);
    assert_eq!(recorder.retries.lock().unwrap().len(), 5);
    assert_eq!(recorder.reports.lock().unwrap()[0].retries, 5);
}

#[tokio::test]
async fn retries_stop_at_the_cap_with_a_typed_error() {
    let faults = Faults { rate_503: 1.0, ..Faults::default() };
    let emu = emulator().faults(faults).start().await.unwrap();
    let c = client(&emu);
    let err = c.submit(&StatementRequest::new("x")).await.unwrap_err();
    assert!(matches!(err, SqlApiError::Server { status: 503, .. }), "{err:?}");
}

/// Hands out `bad` until invalidated, then `good`; counts invalidations.
struct Rotating {
    tokens: [&'static str; 2],
    invalidated: AtomicUsize,
}

impl TokenSource for Rotating {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let i = self.invalidated.load(Ordering::SeqCst).min(1);
        let secret = SecretString::from(self.tokens[i].to_string());
        Box::pin(async move { Ok(Token { secret, token_type: TokenType::OAuth }) })
    }
    fn invalidate(&self, _rejected: &Token) {
        self.invalidated.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries() {
    let emu = emulator().token("good-token").start().await.unwrap();
    let src = Arc::new(Rotating { tokens: ["stale-token", "good-token"], invalidated: AtomicUsize::new(0) });
    let c = client_for(&emu.base_url(), src.clone(), Arc::new(Recorder::default()));
    let rs = c.execute_collect(StatementRequest::new("x"), far(), CancellationToken::new()).await.unwrap();
    assert_eq!(rs.rows.len(), 1);
    assert_eq!(src.invalidated.load(Ordering::SeqCst), 1);

    let never = Arc::new(Rotating { tokens: ["wrong-1", "wrong-2"], invalidated: AtomicUsize::new(0) });
    let c = client_for(&emu.base_url(), never.clone(), Arc::new(Recorder::default()));
    let err = c.execute(StatementRequest::new("x"), far(), CancellationToken::new()).await.err().unwrap();
    match &err {
        SqlApiError::Auth { status: 401, code, .. } => assert_eq!(code.as_deref(), Some("390303")),
        other => panic!("expected Auth, got {other:?}"),
    }
    assert_eq!(never.invalidated.load(Ordering::SeqCst), 1, "refreshed exactly once");
    let text = format!("{err} {err:?}");
    assert!(!text.contains("wrong-"), "no token in the error: {text}");
}

/// With many requests in flight, the token a refresh just gave us can expire before this request uses it:
/// a newer token refused as *expired* (390318) earns another refresh. Tokens `tok-0` and `tok-1` are used up
/// before the statement is sent, so it needs two refreshes in one request.
#[tokio::test]
async fn a_refreshed_token_that_expired_too_is_refreshed_again() {
    let faults = Faults { token_expires_after_requests: Some(3), ..Faults::default() };
    let emu = emulator().faults(faults).start().await.unwrap();
    for used_up in ["tok-0", "tok-1"] {
        let c = client_for(&emu.base_url(), static_token(used_up), Arc::new(Recorder::default()));
        for _ in 0..3 {
            let _ = c.status("01b2c3d4-0000-0000-0000-000000000000").await;
        }
    }
    let src = Arc::new(Minting { invalidated: AtomicUsize::new(0) });
    let c = client_for(&emu.base_url(), src.clone(), Arc::new(Recorder::default()));
    let req = StatementRequest::new("SELECT 1");
    let rid = req.request_id.to_string();
    let rs = c.execute_collect(req, far(), CancellationToken::new()).await.unwrap();
    assert_eq!(rs.rows.len(), 1);
    assert_eq!(src.invalidated.load(Ordering::SeqCst), 2, "tok-0 and tok-1 refused, tok-2 used");
    assert_eq!(emu.log().executions_for_request(&rid), 1);
}

/// Mints a new token (`tok-0`, `tok-1`, ...) each time the last one is invalidated, like an OAuth refresh.
struct Minting {
    invalidated: AtomicUsize,
}

impl TokenSource for Minting {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let secret = SecretString::from(format!("tok-{}", self.invalidated.load(Ordering::SeqCst)));
        Box::pin(async move { Ok(Token { secret, token_type: TokenType::OAuth }) })
    }
    fn invalidate(&self, _rejected: &Token) {
        self.invalidated.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::test]
async fn tokens_expiring_mid_poll_are_refreshed_and_polling_goes_on() {
    // Every token dies (401 390318) after 2 requests; the statement needs several polls.
    let faults = Faults { token_expires_after_requests: Some(2), ..slow("slowish", 300) };
    let emu = emulator().faults(faults).start().await.unwrap();
    let src = Arc::new(Minting { invalidated: AtomicUsize::new(0) });
    let c = client_for(&emu.base_url(), src.clone(), Arc::new(Recorder::default()));
    let req = StatementRequest::new("slowish");
    let rid = req.request_id.to_string();
    let rs = c.execute_collect(req, far(), CancellationToken::new()).await.unwrap();
    assert_eq!(rs.rows.len(), 1);
    assert!(src.invalidated.load(Ordering::SeqCst) >= 1, "at least one refresh happened");
    assert_eq!(emu.log().executions_for_request(&rid), 1);
}
