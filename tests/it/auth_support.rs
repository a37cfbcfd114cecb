//! Shared helpers of the auth integration tests: a free loopback port for a redirect URI, and `snowcat auth
//! login` through the real binary with a scripted "browser" (reqwest following the printed link).
#![allow(dead_code)]

use std::path::Path;
use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// A port on 127.0.0.1 that was free a moment ago (for an OAuth redirect URI the login listens on).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Run `snowcat auth login --config CONFIG --account ACCOUNT`, play the browser, and return the command's
/// whole stdout. With `no_listen`, the browser stops at the redirect and the URL is pasted on stdin.
pub async fn login(config: &Path, account: &str, no_listen: bool) -> String {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_snowcat"));
    cmd.args(["auth", "login", "--account", account, "--timeout", "60", "--config"]).arg(config);
    if no_listen {
        cmd.arg("--no-listen");
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).kill_on_drop(true).spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut out = String::new();
    let link = loop {
        let line = lines.next_line().await.unwrap().expect("login printed no link");
        out.push_str(&line);
        out.push('\n');
        if line.starts_with("http") {
            break line;
        }
    };
    if no_listen {
        // The browser ends on the redirect URI (nothing listens there); the user copies the URL.
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let resp = http.get(&link).send().await.unwrap();
        assert_eq!(resp.status(), 302);
        let location = resp.headers()["location"].to_str().unwrap().to_string();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(format!("{location}\n").as_bytes()).await.unwrap();
    } else {
        let page = reqwest::get(&link).await.unwrap();
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("login complete"));
    }
    while let Some(line) = lines.next_line().await.unwrap() {
        out.push_str(&line);
        out.push('\n');
    }
    let status = child.wait().await.unwrap();
    assert!(status.success(), "login failed:\n{out}");
    out
}
