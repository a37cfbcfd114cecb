//! Crash loop: the real `snowcat crawl --once` crawls a generated account (about 1,800 tables) served by the
//! emulator on 127.0.0.1 and is SIGKILLed at a pseudo-random moment, five times. After every kill the
//! catalog passes `PRAGMA integrity_check`, the last complete snapshot is exactly the clean one, and at the
//! end a crawl runs to completion. (The long soak is `benches/soak.sh`.)

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use snowcat::catalog::{Catalog, Object, ObjectKey};
use snowflake_emulator::Emulator;
use snowflake_emulator::model::{Account, GenerateSpec};

use crate::common::integrity;
use integrity::integrity_ok;

fn crawl_cmd(url: &str, token: &Path, catalog: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_snowcat"));
    c.args(["crawl", "--once", "--url", url, "--token-file"])
        .arg(token)
        .arg("--catalog")
        .arg(catalog)
        .env_remove("SNOWCAT_ACCOUNT")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    c
}

/// The current snapshot's keys; without a config file or --account the CLI records the account under the
/// name the emulator gives (`CURRENT_ORGANIZATION_NAME()-CURRENT_ACCOUNT_NAME()`).
fn keys(catalog: &Path) -> BTreeSet<ObjectKey> {
    Catalog::open(catalog)
        .unwrap()
        .snapshot("snowcat-emulator", None)
        .unwrap()
        .iter()
        .map(Object::key)
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn sigkill_at_random_moments_never_corrupts_the_catalog() {
    let spec = GenerateSpec { databases: 2, schemas: 3, tables: 300, columns: 5 };
    let emu = Emulator::start(Account::generate(spec)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, "crash-loop-token\n").unwrap();
    let catalog = dir.path().join("c.db");
    let url = emu.base_url();

    // A clean, complete crawl first: the snapshot every kill must leave intact. Its wall time bounds the
    // kill moments, so kills land anywhere from start-up to the commit.
    let started = std::time::Instant::now();
    let status = tokio::task::spawn_blocking({
        let (url, token, catalog) = (url.clone(), token.clone(), catalog.clone());
        move || crawl_cmd(&url, &token, &catalog).status().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(0), "clean crawl");
    let clean_ms = started.elapsed().as_millis().max(200) as u64;
    let clean = keys(&catalog);
    assert!(clean.len() > 9_000, "{} objects", clean.len());

    // xorshift, seeded from the clock: a different set of moments on every run of the suite.
    let mut seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    let mut kills = Vec::new();
    for _ in 0..5 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = Duration::from_millis(seed % (clean_ms + clean_ms / 4));
        kills.push(at);
        let mut child = crawl_cmd(&url, &token, &catalog).spawn().unwrap();
        tokio::time::sleep(at).await;
        let _ = child.kill(); // SIGKILL; it may already have finished.
        let _ = child.wait();
        integrity_ok(&catalog);
        assert_eq!(keys(&catalog), clean, "snapshot changed after a kill at {at:?}");
    }

    // The next run completes normally and agrees.
    let status = tokio::task::spawn_blocking({
        let (url, token, catalog) = (url.clone(), token.clone(), catalog.clone());
        move || crawl_cmd(&url, &token, &catalog).status().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(status.code(), Some(0), "crawl after kills at {kills:?}");
    integrity_ok(&catalog);
    assert_eq!(keys(&catalog), clean);
    emu.shutdown().await;
}
