//! `snowcat validate` through the real binary, and config loading with environment overrides.

use std::path::PathBuf;
use std::process::Command;

/// The binary with no config file and no `SNOWCAT__` overrides from the test's own environment.
pub(crate) fn snowcat() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("snowcat"));
    cmd.env_remove("SNOWCAT_CONFIG");
    for (k, _) in std::env::vars() {
        if k.starts_with("SNOWCAT__") {
            cmd.env_remove(k);
        }
    }
    cmd
}

fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/snowcat.example.toml")
}

const BROKEN: &str = r#"
[http]
listen = "localhost:port"

[notifications]
severities = ["breaking", "urgent"]

[[accounts]]
name = "prod"
account = "myorg-prod"
schedule = "0 25 * * *"
timezone = "Mars/Olympus"
[accounts.auth.pat]
token_env = "PAT"
[accounts.auth.keypair]
user = "U"
private_key_file = "/k.p8"

[[accounts]]
name = "PROD"
schedule = "*/5 * * * *"
[accounts.auth.pat]
token = "sekrit-value-123"

[[accounts]]
name = "dev"
url = "http://127.0.0.1:1"
schedule = "* * * * *"
[accounts.auth.pat]
token_env = "pat-sekrit/abc=="
"#;

#[test]
fn validate_lists_every_mistake_by_key_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, BROKEN).unwrap();
    let out = snowcat().arg("validate").arg("--config").arg(&path).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stdout:\n{stdout}\nstderr:\n{stderr}");
    for (key, value) in [
        ("http.listen", "localhost:port"),
        ("notifications.severities[1]", "urgent"),
        ("accounts[0].schedule", "0 25 * * *"),
        ("accounts[0].timezone", "Mars/Olympus"),
        ("accounts[0].auth", "keypair, pat"),
        ("accounts[1].name", "PROD"),
        ("accounts[1].auth.pat.token", "<redacted>"),
        ("accounts[2].auth.pat.token_env", "<redacted>"),
    ] {
        let line = stdout.lines().find(|l| l.starts_with(&format!("{key} "))).unwrap_or_else(|| {
            panic!("no problem reported for {key}:\n{stdout}");
        });
        assert!(line.contains(&format!("{value:?}")), "{key} line lacks the bad value {value:?}: {line}");
    }
    // Missing account identifier/url is reported with the key even though no value exists.
    assert!(stdout.lines().any(|l| l.starts_with("accounts[1].account:")), "{stdout}");
    // The inline secret is refused by key and never echoed.
    assert!(!stdout.contains("sekrit") && !stderr.contains("sekrit"));
    assert!(stderr.contains("problem(s)"), "{stderr}");
}

#[test]
fn the_example_config_is_valid() {
    let out = snowcat().arg("validate").arg("--config").arg(example()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("valid (2 account(s))"), "{stdout}");
}

#[test]
fn snowcat_config_env_names_the_default_file_and_env_overrides_apply() {
    let out = snowcat()
        .arg("validate")
        .env("SNOWCAT_CONFIG", example())
        .env("SNOWCAT__HTTP__LISTEN", "not-an-address")
        .env("SNOWCAT__ACCOUNTS__DEV__CONCURRENCY", "0")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("http.listen = \"not-an-address\""), "{stdout}");
    assert!(stdout.contains("accounts[1].concurrency = \"0\""), "{stdout}");
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let out = snowcat().args(["validate", "--config", "/nonexistent/snowcat.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/snowcat.toml"));
}

#[test]
fn env_overrides_change_typed_values() {
    let text = std::fs::read_to_string(example()).unwrap();
    let env = [
        ("SNOWCAT__ACCOUNTS__PROD__ROLE", "OTHER_ROLE"),
        ("SNOWCAT__ACCOUNTS__1__CONCURRENCY", "3"),
        ("SNOWCAT__DAEMON__SHUTDOWN_GRACE", "45s"),
        ("SNOWCAT__NOTIFICATIONS__KINDS", "[\"grant\"]"),
        ("UNRELATED", "x"),
    ];
    let cfg = snowcat::config::load_str(&text, env).unwrap();
    assert_eq!(cfg.accounts[0].role.as_deref(), Some("OTHER_ROLE"));
    assert_eq!(cfg.accounts[1].concurrency, 3);
    assert_eq!(cfg.daemon.shutdown_grace, std::time::Duration::from_secs(45));
    assert_eq!(cfg.notifications.kinds, vec!["grant".to_string()]);
    // Defaults the example leaves out.
    assert_eq!(cfg.accounts[1].concurrency, 3);
    assert_eq!(cfg.accounts[1].statement_timeout, std::time::Duration::from_secs(600));
    assert_eq!(cfg.accounts[1].max_retries, 10);
    assert_eq!(cfg.accounts[1].retry_budget, std::time::Duration::from_secs(120));
    assert!(!cfg.accounts[1].filters.include_system_databases);
}

#[test]
fn unknown_keys_are_refused() {
    let text = "[http]\nlisten = \"127.0.0.1:1\"\nlisten_port = 3\n";
    let err = snowcat::config::load_str(text, Vec::<(String, String)>::new()).unwrap_err();
    assert!(err.to_string().contains("listen_port"), "{err}");
}

#[test]
fn both_cron_forms_are_accepted_and_others_are_not() {
    for (expr, ok) in
        [("*/15 * * * *", true), ("0 */15 * * * *", true), ("0 0 3 * * * 2027", false), ("* * *", false)]
    {
        assert_eq!(snowcat::config::parse_schedule(expr).is_ok(), ok, "{expr}");
    }
}

#[test]
fn schema_errors_of_several_sections_are_all_reported_by_key() {
    let text = "[http]\nlisten = \"127.0.0.1:1\"\nbogus = 1\n[[accounts]]\nname = \"a\"\n\
                url = \"http://127.0.0.1:1\"\nschedule = \"* * * * *\"\nconcurrency = \"x\"\n";
    let Err(snowcat::config::ConfigError::Invalid(problems)) =
        snowcat::config::load_str(text, Vec::<(String, String)>::new())
    else {
        panic!("accepted");
    };
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert!(keys.contains(&"http.bogus"), "{problems:?}");
    assert!(keys.contains(&"accounts[0].concurrency"), "{problems:?}");
}

#[test]
fn a_toml_syntax_error_names_the_line_without_quoting_it() {
    let text = "[http]\nlisten = \"127.0.0.1:1\"\n[[accounts]]\nname = \"a\"\ntoken = \"sekrit\n";
    let err = snowcat::config::load_str(text, Vec::<(String, String)>::new()).unwrap_err().to_string();
    assert!(err.contains("line 5"), "{err}");
    assert!(!err.contains("sekrit"), "{err}");
}

#[test]
fn a_secret_injected_inline_through_the_environment_is_refused_too() {
    let text = std::fs::read_to_string(example()).unwrap();
    let env = [("SNOWCAT__ACCOUNTS__DEV__AUTH__PAT__TOKEN", "sekrit-from-env")];
    let err = snowcat::config::load_str(&text, env).unwrap_err().to_string();
    assert!(err.contains("accounts[1].auth.pat.token = \"<redacted>\""), "{err}");
    assert!(!err.contains("sekrit"), "{err}");
}

fn problems(text: &str) -> Vec<snowcat::config::ConfigProblem> {
    match snowcat::config::load_str(text, Vec::<(String, String)>::new()) {
        Ok(_) => Vec::new(),
        Err(snowcat::config::ConfigError::Invalid(p)) => p,
        Err(e) => panic!("{e}"),
    }
}

/// `account` names the Snowflake account (JWT iss/sub), `url` moves the endpoint: both together are the way
/// to use key-pair auth through a proxy or the emulator; `url` alone on a non-Snowflake host is refused.
#[test]
fn account_and_url_together_name_the_account_and_the_endpoint() {
    let keypair = "[accounts.auth.keypair]\nuser = \"CRAWLER\"\nprivate_key_file = \"/k.p8\"\n";
    let account =
        |ids: &str| format!("[[accounts]]\nname = \"a\"\nschedule = \"* * * * *\"\n{ids}\n{keypair}");
    let both = account("account = \"myorg-myaccount\"\nurl = \"http://127.0.0.1:9\"");
    assert!(problems(&both).is_empty(), "{:?}", problems(&both));
    let cfg = snowcat::config::load_str(&both, Vec::<(String, String)>::new()).unwrap();
    assert_eq!(cfg.accounts[0].account.as_deref(), Some("myorg-myaccount"));
    assert_eq!(cfg.accounts[0].url.as_deref(), Some("http://127.0.0.1:9"));

    let url_only = problems(&account("url = \"http://127.0.0.1:9\""));
    assert_eq!(url_only.len(), 1, "{url_only:?}");
    assert_eq!(url_only[0].key, "accounts[0].account");
    assert!(url_only[0].message.contains("add `account`") && url_only[0].message.contains("127.0.0.1"));
    // A Snowflake host carries the account itself; other methods do not need it at all.
    assert!(problems(&account("url = \"https://myorg-myaccount.snowflakecomputing.com\"")).is_empty());
    let pat = "[[accounts]]\nname = \"a\"\nurl = \"http://127.0.0.1:9\"\nschedule = \"* * * * *\"\n\
               [accounts.auth.pat]\ntoken_env = \"PAT\"\n";
    assert!(problems(pat).is_empty(), "{:?}", problems(pat));
    // Both given: each is still checked on its own.
    let bad = problems(&account("account = \"my org\"\nurl = \"ftp://127.0.0.1\""));
    let keys: Vec<&str> = bad.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["accounts[0].account", "accounts[0].url"], "{bad:?}");
}
