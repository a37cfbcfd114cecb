//! A newcomer's first config, with one mistake of each kind (wrong type, bad value, unknown key, a required
//! key missing) in several sections at once: `snowcat validate` lists every one in a single pass, each with
//! its key and the value as written, and the `SNOWCAT__SECTION__KEY` overrides still apply before the check.

const MISTAKES: &str = r#"
[catalog]
path = 5

[http]
listen = "nowhere"
request_timeout = "soon"
lisen = "127.0.0.1:9"

[log]
format = "xml"

[retention]
keep_days = "forever"

[notifications]
webhook_attempts = -1
kinds = ["table", "tabel"]

[[accounts]]
name = "prod"
url = "http://127.0.0.1:1"
schedule = "bogus"
concurrency = "eight"
timezone = "Mars/Base"
colour = "red"
[accounts.auth.token_file]
path = "/run/snowcat/token"
token_type = "BEARER"

[[accounts]]
name = 7
url = "http://127.0.0.1:2"
schedule = "0 * * * *"
[accounts.filters]
include_databases = "SALES"
[accounts.auth]
token_file = "/run/token"
[accounts.auth.pat]
token_env = "SNOW_PAT"

[[accounts]]
url = "http://127.0.0.1:3"
schedule = "0 * * * *"
[accounts.auth.pat]
token_env = "SNOW_PAT"
"#;

/// Every mistake of `MISTAKES`: (key, value as written, words of the message).
const EXPECTED: &[(&str, &str, &str)] = &[
    ("catalog.path", "5", "wrong type: integer `5`, expected a file path"),
    ("http.listen", "nowhere", "not a socket address"),
    ("http.request_timeout", "soon", ""),
    ("http.lisen", "127.0.0.1:9", "unknown key; expected one of `listen`"),
    ("log.format", "xml", "unknown variant `xml`, expected one of `auto`, `text`, `json`"),
    ("notifications.webhook_attempts", "-1", "expected a whole number, 0 or more"),
    ("notifications.kinds[1]", "tabel", "unknown kind"),
    ("accounts[0].schedule", "bogus", "cron"),
    ("accounts[0].concurrency", "eight", "wrong type: string \"eight\", expected a whole number"),
    ("accounts[0].timezone", "Mars/Base", "unknown time zone"),
    ("accounts[0].colour", "red", "unknown key"),
    ("accounts[0].auth.token_file.token_type", "BEARER", "unknown variant `BEARER`"),
    ("accounts[1].name", "7", "wrong type: integer `7`, expected a string"),
    ("accounts[1].filters.include_databases", "SALES", "expected a list"),
    ("accounts[1].auth.token_file", "/run/token", "wrong type: string \"/run/token\", expected a table"),
    ("accounts[2].name", "", "missing: this key is required"),
];

fn validate(file: &std::path::Path, env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = crate::config_validate::snowcat();
    let out = cmd.arg("validate").arg("--config").arg(file).envs(env.iter().copied()).output().unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn every_mistake_in_every_section_is_listed_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snowcat.toml");
    std::fs::write(&file, MISTAKES).unwrap();
    // An override fixes one mistake (keep_days) and makes another (an empty role): both before the check.
    let (code, stdout) = validate(
        &file,
        &[("SNOWCAT__RETENTION__KEEP_DAYS", "30"), ("SNOWCAT__ACCOUNTS__PROD__ROLE", "\" \"")],
    );
    assert_eq!(code, Some(2), "{stdout}");
    for (key, value, words) in EXPECTED {
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")) || l.starts_with(&format!("{key}:")))
            .unwrap_or_else(|| panic!("no problem reported for {key}:\n{stdout}"));
        if !value.is_empty() {
            assert!(line.contains(&format!("{value:?}")), "{key}: the value as written is missing: {line}");
        }
        assert!(line.contains(words), "{key}: expected {words:?} in: {line}");
    }
    assert!(stdout.lines().any(|l| l.starts_with("accounts[0].role ")), "the override's mistake: {stdout}");
    assert!(!stdout.contains("retention.keep_days"), "the override fixed it: {stdout}");
    // Each mistake once: a key whose value was refused is not reported again by the semantic checks.
    let keys: Vec<&str> = stdout.lines().map(|l| l.split([' ', ':']).next().unwrap_or_default()).collect();
    let mut unique = keys.clone();
    unique.dedup();
    assert_eq!(keys, unique, "{stdout}");
    assert_eq!(keys.len(), EXPECTED.len() + 1, "nothing but the mistakes:\n{stdout}");
}
