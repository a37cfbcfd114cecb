//! The account a catalog records does not move with the URL: `snowcat crawl --once` without --account asks
//! Snowflake for the account's name (`CURRENT_ORGANIZATION_NAME()-CURRENT_ACCOUNT_NAME()`), so crawls through
//! two URLs of one account land in one history with zero changes; a history recorded under a URL by older
//! crawls is taken over (same URL) or renamed with `snowcat rename-account` (any other name).

use std::path::Path;
use std::process::Output;

use snowcat::catalog::Catalog;
use snowcat::crawl::{CrawlOptions, NoProgress};
use tokio_util::sync::CancellationToken;

use crate::crawl_support::{client, sample, snowcat, start};

async fn crawl_via(url: &str, db: &Path, token: &Path) -> Output {
    let args = ["crawl", "--once", "--url", url, "--token-file", &token.display().to_string()];
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.extend(["--catalog".into(), db.display().to_string()]);
    snowcat(args).await
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// (account, changes) of each run, oldest first.
fn runs(db: &Path) -> Vec<(String, i64)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT account_name, changes FROM runs_v ORDER BY run_id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_urls_of_one_account_share_one_history() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = (dir.path().join("c.db"), dir.path().join("token"));
    std::fs::write(&token, "t0ken").unwrap();
    let port = emu.local_addr().port();
    let first = crawl_via(&format!("http://127.0.0.1:{port}"), &db, &token).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert_eq!(
        text(&first.stdout).lines().next(),
        Some(
            "account: snowcat-emulator (named by Snowflake's CURRENT_ORGANIZATION_NAME()-CURRENT_ACCOUNT_NAME())"
        )
    );
    // The same account behind another URL (another host name, as behind a proxy).
    let second = crawl_via(&format!("http://localhost:{port}"), &db, &token).await;
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert!(text(&second.stdout).contains("changes: 0 (none)"), "{}", text(&second.stdout));
    let runs = runs(&db);
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|(account, _)| account == "snowcat-emulator"), "{runs:?}");
    assert_eq!(runs[1].1, 0, "the second crawl changes nothing");

    // --account still names the account itself.
    let mut args: Vec<String> = ["crawl", "--once", "--url", &emu.base_url(), "--account", "myorg-prod"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend([
        "--token-file".into(),
        token.display().to_string(),
        "--catalog".into(),
        db.display().to_string(),
    ]);
    args.extend(["--format".into(), "json".into()]);
    let named = snowcat(args).await;
    let json: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    assert_eq!(
        (json["account"].as_str(), json["account_named_by"].as_str()),
        (Some("myorg-prod"), Some("--account"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_named_history_keeps_working() {
    let emu = start(sample(), 10_000, None).await;
    let dir = tempfile::tempdir().unwrap();
    let (db, token) = (dir.path().join("c.db"), dir.path().join("token"));
    std::fs::write(&token, "t0ken").unwrap();
    // What crawls without --account recorded before: the account under the URL it was reached through.
    let old_url = emu.base_url();
    let opts = CrawlOptions::default();
    let cancel = CancellationToken::new();
    snowcat::crawl::crawl(&client(&emu), &db, &old_url, &opts, &NoProgress, cancel).await.unwrap();

    // A crawl through that same URL takes the history over, with nothing changed.
    let again = crawl_via(&old_url, &db, &token).await;
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr)
            .contains(&format!("the history recorded under {old_url} is now account snowcat-emulator"))
    );
    let names: Vec<String> = runs(&db).into_iter().map(|(a, _)| a).collect();
    assert_eq!(names, ["snowcat-emulator", "snowcat-emulator"], "one history");
    assert_eq!(runs(&db)[1].1, 0, "nothing changed");

    // Another URL-named history (the emulator restarted on another port before) moves by command.
    let other = "http://127.0.0.1:1";
    let cancel = CancellationToken::new();
    let db2 = dir.path().join("c2.db");
    snowcat::crawl::crawl(&client(&emu), &db2, other, &opts, &NoProgress, cancel).await.unwrap();
    let rename = |from: &str, to: &str| {
        let args = ["rename-account", "--catalog", &db2.display().to_string(), from, to];
        snowcat(args.iter().map(|s| s.to_string()).collect())
    };
    let unknown = rename("http://nowhere", "x").await;
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown.stderr).contains(&format!("accounts in {}: {other}", db2.display())),
        "{}",
        text(&unknown.stderr)
    );
    let moved = rename(other, "snowcat-emulator").await;
    assert_eq!(moved.status.code(), Some(0), "{}", text(&moved.stderr));
    let after = crawl_via(&emu.base_url(), &db2, &token).await;
    assert_eq!(after.status.code(), Some(0), "{}", text(&after.stderr));
    let names: Vec<String> = runs(&db2).into_iter().map(|(a, _)| a).collect();
    assert_eq!(names, ["snowcat-emulator", "snowcat-emulator"], "one history");
    assert_eq!(runs(&db2)[1].1, 0, "nothing changed");
    // Two histories are never merged.
    let cancel = CancellationToken::new();
    snowcat::crawl::crawl(&client(&emu), &db2, "legacy", &opts, &NoProgress, cancel).await.unwrap();
    let merge = rename("legacy", "snowcat-emulator").await;
    assert_eq!(merge.status.code(), Some(2));
    assert!(text(&merge.stderr).contains("never merged"), "{}", text(&merge.stderr));
    assert_eq!(Catalog::open(&db2).unwrap().account_names().unwrap(), ["legacy", "snowcat-emulator"]);
}

#[test]
fn crawl_help_says_which_name_is_recorded() {
    let out =
        std::process::Command::new(env!("CARGO_BIN_EXE_snowcat")).args(["crawl", "--help"]).output().unwrap();
    let help = text(&out.stdout);
    assert!(help.contains("CURRENT_ORGANIZATION_NAME()-CURRENT_ACCOUNT_NAME()"), "{help}");
    assert!(help.contains("rename-account"), "{help}");
}
