//! MCP's streamable HTTP transport under `/mcp` on `snowcat run`'s server, spoken by hand with reqwest:
//! a session answers tools on loopback, a foreign `Origin` gets 403, and beyond loopback a request
//! without the bearer token gets 401 (and a config that would listen there without one is refused).

use std::time::Duration;

use serde_json::{Value, json};
use snowflake_emulator::faults::Faults;

use crate::common::daemon::start_daemon;
use crate::mcp_support::{TOKEN, config_text, fixture};

const ACCEPT: &str = "application/json, text/event-stream";

/// POST one JSON-RPC message to `/mcp`; the HTTP status, the session header and the reply with `id`
/// (read from the SSE stream or the JSON body), if any.
async fn post(url: &str, headers: &[(&str, &str)], message: Value) -> (u16, Option<String>, Option<Value>) {
    let http = reqwest::Client::new();
    let mut req = http.post(url).header("Accept", ACCEPT).header("Content-Type", "application/json");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.body(message.to_string()).send().await.unwrap();
    let status = resp.status().as_u16();
    let session = resp.headers().get("mcp-session-id").and_then(|v| v.to_str().ok()).map(str::to_string);
    let Some(id) = message.get("id").cloned() else { return (status, session, None) };
    if status != 200 {
        return (status, session, None);
    }
    let mut body = String::new();
    let guard = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        for line in body.lines() {
            let data = line.strip_prefix("data:").map(str::trim).unwrap_or(line);
            if let Ok(v) = serde_json::from_str::<Value>(data)
                && v.get("id") == Some(&id)
            {
                return (status, session, Some(v));
            }
        }
        let chunk =
            tokio::time::timeout_at(guard, resp.chunk()).await.expect("no reply within the guard").unwrap();
        match chunk {
            Some(bytes) => body.push_str(&String::from_utf8_lossy(&bytes)),
            None => panic!("the stream ended without a reply to {id}: {body}"),
        }
    }
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "http-test", "version": "0"}}})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_over_http_on_loopback_and_foreign_origins_get_403() {
    let fx = fixture(Faults::default(), None).await;
    fx.crawl().await;
    let path = fx.dir.path().join("daemon.toml");
    let extra = "[http]\nlisten = \"127.0.0.1:0\"\n[mcp]\nhttp = true\nallowed_origins = [\"https://app.example.com\"]";
    std::fs::write(&path, config_text(&fx.emu.base_url(), &fx.dir.path().join("token"), &fx.catalog, extra))
        .unwrap();
    let daemon = start_daemon(&path, &[TOKEN]);
    let url = format!("{}/mcp", daemon.base);

    let (status, _, _) = post(&url, &[("Origin", "https://evil.example")], initialize()).await;
    assert_eq!(status, 403, "a foreign Origin is refused");
    let (status, session, reply) = post(&url, &[("Origin", "http://localhost:6274")], initialize()).await;
    assert_eq!(status, 200);
    assert_eq!(reply.unwrap()["result"]["serverInfo"]["name"], "snowcat");
    let session = session.expect("a session id in the legacy era");
    let with = [("mcp-session-id", session.as_str()), ("Origin", "https://app.example.com")];
    let (status, _, _) =
        post(&url, &with, json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await;
    assert_eq!(status, 202);
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "catalog_search", "arguments": {"pattern": "MONTHLY_REVENUE"}}});
    let (status, _, reply) = post(&url, &with, call).await;
    assert_eq!(status, 200);
    let result = &reply.unwrap()["result"];
    assert_eq!(
        result["structuredContent"]["hits"][0]["object_name"], "SALES.REPORTING.MONTHLY_REVENUE",
        "{result}"
    );
    // The operator routes are unchanged.
    assert_eq!(reqwest::get(format!("{}/healthz", daemon.base)).await.unwrap().status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn beyond_loopback_a_bearer_token_is_required() {
    let fx = fixture(Faults::default(), None).await;
    let dir = fx.dir.path();
    // Without a token file, a config listening beyond loopback is refused before anything starts.
    let open = config_text(
        &fx.emu.base_url(),
        &dir.join("token"),
        &fx.catalog,
        "[http]\nlisten = \"0.0.0.0:0\"\n[mcp]\nhttp = true",
    );
    std::fs::write(dir.join("open.toml"), open).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_snowcat"))
        .args(["run", "--config"])
        .arg(dir.join("open.toml"))
        .env_remove("SNOWCAT_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("mcp.bearer_token_file") && stderr.contains("not a loopback address"),
        "{stderr}"
    );

    std::fs::write(dir.join("mcp-token"), "mcp-s3cret\n").unwrap();
    let extra = format!(
        "[http]\nlisten = \"0.0.0.0:0\"\n[mcp]\nhttp = true\ncatalog_only = true\nbearer_token_file = {:?}",
        dir.join("mcp-token")
    );
    let path = dir.join("daemon.toml");
    std::fs::write(&path, config_text(&fx.emu.base_url(), &dir.join("token"), &fx.catalog, &extra)).unwrap();
    let daemon = start_daemon(&path, &[TOKEN, "mcp-s3cret"]);
    let url = format!("{}/mcp", daemon.base.replace("0.0.0.0", "127.0.0.1"));
    let (status, _, _) = post(&url, &[], initialize()).await;
    assert_eq!(status, 401, "no token");
    let (status, _, _) = post(&url, &[("Authorization", "Bearer mcp-s3cre")], initialize()).await;
    assert_eq!(status, 401, "a wrong token");
    let good = ("Authorization", "Bearer mcp-s3cret");
    let (status, _, _) = post(&url, &[good, ("Origin", "https://evil.example")], initialize()).await;
    assert_eq!(status, 403, "the token does not excuse a foreign Origin");
    let (status, _, reply) = post(&url, &[good], initialize()).await;
    assert_eq!(status, 200);
    assert_eq!(reply.unwrap()["result"]["serverInfo"]["name"], "snowcat");
}
