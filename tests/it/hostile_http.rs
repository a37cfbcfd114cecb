//! The operator HTTP server under hostile clients, beyond `daemon_http.rs` (which covers 405, 431 and one
//! connection that never finishes its headers): a declared oversized body, an endless chunked body, a
//! slow-loris that keeps every connection slot busy by trickling header bytes, and the loopback default.
//! Real HTTP on 127.0.0.1; the outer timeouts only turn a hang into a failure.

use std::sync::Arc;
use std::time::Duration;

use snowcat::metrics::Metrics;
use snowcat::serve::{self, HttpLimits, Readiness, ServeState};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

async fn start(request_timeout: Duration) -> (String, CancellationToken) {
    let listener = serve::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let stop = CancellationToken::new();
    let limits = HttpLimits { request_timeout, max_header_bytes: 4096, max_body_bytes: 1024 };
    let state = ServeState { metrics: Metrics::new().unwrap(), readiness: Arc::new(Readiness::default()) };
    tokio::spawn(serve::serve(listener, state, limits, stop.clone()));
    (addr, stop)
}

/// Send `head` (+ `body`) on a fresh connection and return the status line of the answer.
async fn status_line(addr: &str, head: &str, body: &[u8]) -> String {
    let mut c = TcpStream::connect(addr).await.unwrap();
    c.write_all(head.as_bytes()).await.unwrap();
    let _ = c.write_all(body).await;
    let mut buf = vec![0u8; 256];
    let n =
        tokio::time::timeout(Duration::from_secs(30), c.read(&mut buf)).await.expect("no answer").unwrap();
    String::from_utf8_lossy(&buf[..n]).lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_declared_oversized_body_is_refused_before_it_is_read() {
    let (addr, stop) = start(Duration::from_secs(5)).await;
    let head = "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n";
    let line = status_line(&addr, head, b"only a few bytes of the promised gigabyte").await;
    assert!(line.starts_with("HTTP/1.1 413"), "{line}");
    stop.cancel();
}

#[tokio::test]
async fn an_endless_chunked_body_does_not_hold_the_answer() {
    let (addr, stop) = start(Duration::from_secs(5)).await;
    let mut c = TcpStream::connect(&addr).await.unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n").await.unwrap();
    let writer = tokio::spawn(async move {
        let (mut r, mut w) = c.into_split();
        let chunk = format!("{:x}\r\n{}\r\n", 4096, "a".repeat(4096));
        // Keep sending until the server stops reading (bounded: 64 MiB at most).
        for _ in 0..16_384 {
            if w.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
        }
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(30), r.read_to_end(&mut buf)).await;
        buf
    });
    let got = tokio::time::timeout(Duration::from_secs(60), writer).await.expect("hung").unwrap();
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 "), "no answer while a body streamed: {text:.80}");
    stop.cancel();
}

/// 140 connections each trickle one header byte every 100 ms (under the 300 ms idle limit, so each looks
/// alive) and never finish. A scrape on a fresh connection must still be answered while they trickle.
#[tokio::test]
async fn slow_loris_connections_cannot_starve_a_scrape() {
    let (addr, stop) = start(Duration::from_millis(100)).await;
    let trickle = CancellationToken::new();
    for _ in 0..140 {
        let (addr, trickle) = (addr.clone(), trickle.clone());
        tokio::spawn(async move {
            let Ok(mut c) = TcpStream::connect(&addr).await else { return };
            let _ = c.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ").await;
            while !trickle.is_cancelled() {
                if c.write_all(b"a").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let scrape = async {
        let mut c = TcpStream::connect(&addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await.unwrap();
        let mut buf = Vec::new();
        c.read_to_end(&mut buf).await.unwrap();
        String::from_utf8_lossy(&buf).to_string()
    };
    let got = tokio::time::timeout(Duration::from_secs(15), scrape).await;
    trickle.cancel();
    stop.cancel();
    let text = got.expect("a scrape was not answered while slow-loris connections trickled");
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
}

#[test]
fn the_operator_server_binds_to_loopback_by_default() {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/snowcat.example.toml")).unwrap();
    // The example without its [http] section: the default applies.
    let start = example.find("[http]").unwrap();
    let end = start + example[start..].find("\n[log]").unwrap();
    let text = format!("{}{}", &example[..start], &example[end..]);
    let cfg = snowcat::config::load_str(&text, Vec::<(String, String)>::new()).unwrap();
    let addr: std::net::SocketAddr = cfg.http.listen.parse().unwrap();
    assert!(addr.ip().is_loopback(), "default listen {addr} is not loopback");
}
