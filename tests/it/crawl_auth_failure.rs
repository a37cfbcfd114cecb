//! A crawl whose credentials Snowflake refuses before anything ran, as a newcomer meets it: at most three
//! lines, saying what failed with its code and which token or setting to fix; no coverage list of scopes it
//! never started. The failed run is still recorded when the account's name is known.

use std::process::Output;

use snowflake_emulator::Emulator;

use crate::crawl_support::snowcat;

/// Every line the user sees (stdout, then stderr).
fn lines(out: &Output) -> Vec<String> {
    let mut all: Vec<String> = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
    all.extend(String::from_utf8_lossy(&out.stderr).lines().map(str::to_string));
    all
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_says_what_failed_and_what_to_fix_in_three_lines_at_most() {
    let account = snowflake_emulator::model::Account::from_sql(snowflake_emulator::sample_sql()).unwrap();
    let emu = Emulator::builder(account).token("the-right-token").start().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (bad, db) = (dir.path().join("bad.token"), dir.path().join("c.db"));
    std::fs::write(&bad, "not-the-right-one").unwrap();
    let (bad_s, db_s) = (bad.display().to_string(), db.display().to_string());
    let url = emu.base_url();

    for named in [false, true] {
        let mut args =
            strings(&["crawl", "--once", "--url", &url, "--token-file", &bad_s, "--catalog", &db_s]);
        if named {
            args.extend(strings(&["--account", "myorg-prod"]));
        }
        let out = snowcat(args).await;
        assert_eq!(out.status.code(), Some(1));
        let seen = lines(&out);
        assert!(seen.len() <= 3, "at most three lines:\n{}", seen.join("\n"));
        let all = seen.join("\n");
        assert!(all.contains("not authenticated") && all.contains("HTTP 401, code 390303"), "{all}");
        assert!(
            seen.iter().any(|l| l.starts_with("fix: ") && l.contains(&bad_s) && l.contains("--token-file")),
            "the fix names the token file and its flag:\n{all}"
        );
        assert!(!all.contains("coverage") && !all.contains("stopped"), "{all}");
        assert!(!all.contains("not-the-right-one"), "the token never appears");
    }
    // The named run is in the catalog, as failed.
    let status: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT status FROM runs_v WHERE account_name = 'myorg-prod'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "failed");

    // With a config, the fix names the config key that holds the token.
    let config = dir.path().join("snowcat.toml");
    std::fs::write(
        &config,
        format!(
            "[catalog]\npath = {db_s:?}\n[[accounts]]\nname = \"prod\"\nurl = {url:?}\nschedule = \"0 * * * *\"\n\
             [accounts.auth.token_file]\npath = {bad_s:?}\n"
        ),
    )
    .unwrap();
    let out = snowcat(strings(&["crawl", "--once", "--config", &config.display().to_string()])).await;
    assert_eq!(out.status.code(), Some(1));
    let seen = lines(&out);
    assert!(seen.len() <= 3, "{}", seen.join("\n"));
    assert!(
        seen.iter().any(|l| l.starts_with("fix: ") && l.contains("accounts[0].auth.token_file.path")),
        "{}",
        seen.join("\n")
    );
}
