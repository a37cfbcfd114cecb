//! Semantic validation of a typed [`Config`]: every problem at once, each naming its key and bad value.
//!
//! Pure: looks at the values only (plus cron and time-zone parsing). Must not read secret files or
//! environment variables (they may be mounted only at run time) and must not open sockets.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use chrono_tz::Tz;
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

use super::ConfigProblem;
use super::schema::*;

/// Object kinds a change can have (the catalog's `ObjectKind` names).
pub const CHANGE_KINDS: &[&str] = &[
    "database",
    "schema",
    "table",
    "column",
    "constraint",
    "grant",
    "role_membership",
    "future_grant",
    "warehouse",
    "view",
    "dynamic_table",
    "stream",
    "task",
    "pipe",
    "stage",
    "function",
    "procedure",
    "sequence",
];
/// Severities a change can have (the catalog's `Severity` names).
pub const SEVERITIES: &[&str] = &["breaking", "security", "additive", "cosmetic", "operational"];

/// Parse a 5-field (minute first) or 6-field (second first) cron expression.
pub fn parse_schedule(expr: &str) -> Result<Cron, String> {
    let fields = expr.split_whitespace().count();
    if fields != 5 && fields != 6 {
        return Err(format!(
            "a cron expression has 5 fields (minute first) or 6 (second first), found {fields}"
        ));
    }
    CronParser::builder()
        .seconds(Seconds::Optional)
        .year(Year::Disallowed)
        .build()
        .parse(expr)
        .map_err(|e| format!("not a valid cron expression: {e}"))
}

/// Parse an IANA time-zone name such as `Europe/Berlin`.
pub fn parse_timezone(name: &str) -> Result<Tz, String> {
    name.parse::<Tz>().map_err(|_| "unknown time zone (use an IANA name such as `Europe/Berlin`)".to_string())
}

/// The next `n` run times (UTC) of a schedule after `after`, computed in `tz`.
pub fn next_runs(
    cron: &Cron,
    tz: Tz,
    after: chrono::DateTime<chrono::Utc>,
    n: usize,
) -> Vec<chrono::DateTime<chrono::Utc>> {
    cron.iter_after(after.with_timezone(&tz)).take(n).map(|t| t.with_timezone(&chrono::Utc)).collect()
}

struct Problems(Vec<ConfigProblem>);

impl Problems {
    fn add(&mut self, key: impl Into<String>, value: impl ToString, message: impl Into<String>) {
        self.0.push(ConfigProblem { key: key.into(), value: value.to_string(), message: message.into() });
    }
}

/// Every problem in `config`, in file order; empty when it is valid.
pub fn validate(config: &Config) -> Vec<ConfigProblem> {
    let mut p = Problems(Vec::new());
    if config.catalog.path.as_os_str().is_empty() {
        p.add("catalog.path", "", "must name the catalog file");
    }
    check_http(&config.http, &mut p);
    if let Err(e) = tracing_subscriber::EnvFilter::try_new(&config.log.level) {
        p.add("log.level", &config.log.level, format!("not a valid log filter: {e}"));
    }
    positive("daemon.shutdown_grace", config.daemon.shutdown_grace, &mut p);
    check_notifications(&config.notifications, &mut p);
    check_mcp(config, &mut p);
    if config.accounts.is_empty() {
        p.add("accounts", "", "at least one [[accounts]] entry is required");
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, account) in config.accounts.iter().enumerate() {
        let key = format!("accounts[{i}]");
        if let Some(first) = seen.insert(account.name.to_ascii_lowercase(), i) {
            p.add(
                format!("{key}.name"),
                &account.name,
                format!("duplicate account name (also accounts[{first}])"),
            );
        }
        check_account(&key, account, &mut p);
    }
    p.0
}

fn positive(key: &str, d: Duration, p: &mut Problems) {
    if d.is_zero() {
        p.add(key, "0s", "must be longer than zero");
    }
}

fn check_mcp(config: &Config, p: &mut Problems) {
    let mcp = &config.mcp;
    positive("mcp.statement_wait", mcp.statement_wait, p);
    if let Some(name) = &mcp.account
        && !config.accounts.iter().any(|a| &a.name == name)
    {
        p.add("mcp.account", name, "no [[accounts]] entry has this name");
    }
    if mcp.http && mcp.account.is_none() && config.accounts.len() > 1 {
        p.add("mcp.account", "", "required with mcp.http when several [[accounts]] are configured");
    }
    let beyond_loopback = config.http.listen.parse::<SocketAddr>().is_ok_and(|a| !a.ip().is_loopback());
    if mcp.http && beyond_loopback && mcp.bearer_token_file.is_none() {
        p.add(
            "mcp.bearer_token_file",
            "",
            format!(
                "required with mcp.http when http.listen ({}) is not a loopback address",
                config.http.listen
            ),
        );
    }
    for (i, origin) in mcp.allowed_origins.iter().enumerate() {
        let ok = origin.split_once("://").is_some_and(|(scheme, host)| {
            matches!(scheme, "http" | "https")
                && !host.trim_end_matches('/').is_empty()
                && !host.contains('/')
        });
        if !ok {
            p.add(
                format!("mcp.allowed_origins[{i}]"),
                origin,
                "an origin is scheme://host[:port], e.g. https://app.example.com",
            );
        }
    }
}

fn check_http(http: &HttpConfig, p: &mut Problems) {
    if http.listen.parse::<SocketAddr>().is_err() {
        p.add("http.listen", &http.listen, "not a socket address (`IP:PORT`, e.g. `127.0.0.1:18473`)");
    }
    positive("http.request_timeout", http.request_timeout, p);
    if http.max_header_bytes < 1024 {
        p.add("http.max_header_bytes", http.max_header_bytes, "must be at least 1024");
    }
    if let Some(d) = http.stale_after {
        positive("http.stale_after", d, p);
    }
}

fn check_notifications(n: &NotificationsConfig, p: &mut Problems) {
    if let Some(url) = &n.webhook_url {
        check_http_url("notifications.webhook_url", url, p);
    }
    if let Some(path) = &n.ndjson_path
        && path.is_dir()
    {
        p.add("notifications.ndjson_path", path.display(), "is a directory; name a file");
    }
    positive("notifications.webhook_timeout", n.webhook_timeout, p);
    if n.webhook_attempts == 0 {
        p.add("notifications.webhook_attempts", 0, "must be at least 1");
    }
    for (i, k) in n.kinds.iter().enumerate() {
        if !CHANGE_KINDS.contains(&k.as_str()) {
            p.add(
                format!("notifications.kinds[{i}]"),
                k,
                format!("unknown kind; one of {}", CHANGE_KINDS.join(", ")),
            );
        }
    }
    for (i, s) in n.severities.iter().enumerate() {
        if !SEVERITIES.contains(&s.as_str()) {
            p.add(
                format!("notifications.severities[{i}]"),
                s,
                format!("unknown severity; one of {}", SEVERITIES.join(", ")),
            );
        }
    }
}

fn check_http_url(key: &str, url: &str, p: &mut Problems) {
    match reqwest::Url::parse(url) {
        Ok(u) if u.scheme() == "http" || u.scheme() == "https" => {}
        Ok(u) => p.add(key, url, format!("scheme `{}` is not http or https", u.scheme())),
        Err(e) => p.add(key, url, format!("not a URL: {e}")),
    }
}

fn check_account(key: &str, a: &AccountConfig, p: &mut Problems) {
    let name_ok =
        !a.name.is_empty() && a.name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c));
    if !name_ok {
        p.add(format!("{key}.name"), &a.name, "use letters, digits, `_`, `-` or `.` only");
    }
    if a.account.is_none() && a.url.is_none() {
        p.add(format!("{key}.account"), "", "give the account identifier (`account`), `url`, or both");
    }
    if let Some(id) = &a.account
        && (id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)))
    {
        p.add(format!("{key}.account"), id, "not an account identifier (`orgname-accountname` or a locator)");
    }
    if let Some(url) = &a.url {
        check_http_url(&format!("{key}.url"), url, p);
        // A key-pair JWT names the account in iss/sub; without `account` it is taken from the URL host,
        // which is only right for a Snowflake host (not a proxy, a private gateway or the emulator).
        if a.account.is_none()
            && a.auth.keypair.is_some()
            && let Ok(u) = reqwest::Url::parse(url)
            && !is_snowflake_host(u.host_str().unwrap_or_default())
        {
            p.add(
                format!("{key}.account"),
                "",
                format!(
                    "key-pair auth names the account in the JWT: add `account` (the URL host `{}` is not \
                     a Snowflake account host)",
                    u.host_str().unwrap_or_default()
                ),
            );
        }
    }
    for (field, value) in [("role", &a.role), ("warehouse", &a.warehouse)] {
        if let Some(v) = value
            && v.trim().is_empty()
        {
            p.add(format!("{key}.{field}"), v, "must not be empty (leave it out to use the user's default)");
        }
    }
    if let Err(e) = parse_schedule(&a.schedule) {
        p.add(format!("{key}.schedule"), &a.schedule, e);
    }
    if let Err(e) = parse_timezone(&a.timezone) {
        p.add(format!("{key}.timezone"), &a.timezone, e);
    }
    if !(1..=64).contains(&a.concurrency) {
        p.add(format!("{key}.concurrency"), a.concurrency, "must be between 1 and 64");
    }
    positive(&format!("{key}.statement_timeout"), a.statement_timeout, p);
    if a.statement_timeout > Duration::from_secs(604_800) {
        p.add(
            format!("{key}.statement_timeout"),
            humantime_serde::re::humantime::format_duration(a.statement_timeout),
            "Snowflake's STATEMENT_TIMEOUT_IN_SECONDS allows at most 7 days",
        );
    }
    if a.max_retries > 100 {
        p.add(format!("{key}.max_retries"), a.max_retries, "must be at most 100");
    }
    positive(&format!("{key}.retry_budget"), a.retry_budget, p);
    if a.retry_budget > Duration::from_secs(3_600) {
        p.add(
            format!("{key}.retry_budget"),
            humantime_serde::re::humantime::format_duration(a.retry_budget),
            "must be at most 1h (a request retried longer would outlive most schedules)",
        );
    }
    let f = &a.filters;
    for (field, patterns) in [
        ("include_databases", &f.include_databases),
        ("exclude_databases", &f.exclude_databases),
        ("include_schemas", &f.include_schemas),
        ("exclude_schemas", &f.exclude_schemas),
    ] {
        for (j, pat) in patterns.iter().enumerate() {
            if pat.trim().is_empty() {
                p.add(format!("{key}.filters.{field}[{j}]"), pat, "empty pattern");
            }
        }
    }
    check_auth(&format!("{key}.auth"), &a.auth, p);
}

fn check_auth(key: &str, auth: &AuthConfig, p: &mut Problems) {
    let methods = auth.methods();
    match methods.len() {
        0 => p.add(key, "", "choose one method: oauth, keypair, pat, token_file or scalekit"),
        1 => {}
        _ => p.add(key, methods.join(", "), "more than one authentication method; keep exactly one"),
    }
    if let Some(o) = &auth.oauth {
        let k = format!("{key}.oauth");
        non_empty(&format!("{k}.client_id"), &o.client_id, p);
        secret_pair(&k, "client_secret", &o.client_secret_file, &o.client_secret_env, true, p);
        match reqwest::Url::parse(&o.redirect_uri) {
            Ok(u) if u.scheme() == "http" && is_loopback(&u) => {}
            _ => p.add(
                format!("{k}.redirect_uri"),
                &o.redirect_uri,
                "must be an http URL on loopback (127.0.0.1, [::1] or localhost)",
            ),
        }
        if !(o.refresh_at_fraction > 0.0 && o.refresh_at_fraction < 1.0) {
            p.add(
                format!("{k}.refresh_at_fraction"),
                o.refresh_at_fraction,
                "must be between 0 and 1 (exclusive)",
            );
        }
    }
    if let Some(kp) = &auth.keypair {
        let k = format!("{key}.keypair");
        non_empty(&format!("{k}.user"), &kp.user, p);
        non_empty_path(&format!("{k}.private_key_file"), &kp.private_key_file, p);
        secret_pair(&k, "passphrase", &kp.passphrase_file, &kp.passphrase_env, false, p);
    }
    if let Some(pat) = &auth.pat {
        secret_pair(&format!("{key}.pat"), "token", &pat.token_file, &pat.token_env, true, p);
    }
    if let Some(t) = &auth.token_file {
        non_empty_path(&format!("{key}.token_file.path"), &t.path, p);
    }
    if let Some(s) = &auth.scalekit {
        let k = format!("{key}.scalekit");
        check_http_url(&format!("{k}.env_url"), &s.env_url, p);
        non_empty(&format!("{k}.client_id"), &s.client_id, p);
        non_empty(&format!("{k}.connection_name"), &s.connection_name, p);
        non_empty(&format!("{k}.identifier"), &s.identifier, p);
        secret_pair(&k, "client_secret", &s.client_secret_file, &s.client_secret_env, true, p);
    }
}

/// `<account>.snowflakecomputing.com` (any region or privatelink suffix), or the `.cn` form.
fn is_snowflake_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    [".snowflakecomputing.com", ".snowflakecomputing.cn"].iter().any(|d| host.ends_with(d))
}

fn is_loopback(u: &reqwest::Url) -> bool {
    match u.host_str() {
        Some("localhost") => true,
        Some(h) => h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}

fn non_empty(key: &str, v: &str, p: &mut Problems) {
    if v.trim().is_empty() {
        p.add(key, v, "must not be empty");
    }
}

fn non_empty_path(key: &str, v: &std::path::Path, p: &mut Problems) {
    if v.as_os_str().is_empty() {
        p.add(key, "", "must name a file");
    }
}

/// `<name>_file` / `<name>_env`: exactly one when `required`, at most one otherwise; env names well formed.
fn secret_pair(
    key: &str,
    name: &str,
    file: &Option<PathBuf>,
    env: &Option<String>,
    required: bool,
    p: &mut Problems,
) {
    match (file, env) {
        (Some(_), Some(_)) => p.add(
            format!("{key}.{name}_env"),
            env.as_deref().unwrap_or(""),
            format!("give `{name}_file` or `{name}_env`, not both"),
        ),
        (None, None) if required => {
            p.add(format!("{key}.{name}_file"), "", format!("missing: give `{name}_file` or `{name}_env`"))
        }
        _ => {}
    }
    if let Some(var) = env {
        let ok = var.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            // Not echoed: a malformed name is often the secret itself pasted in the wrong place.
            p.add(
                format!("{key}.{name}_env"),
                "<redacted>",
                "not an environment variable name (the variable's NAME goes here, not the secret)",
            );
        }
    }
    if let Some(f) = file
        && f.as_os_str().is_empty()
    {
        p.add(format!("{key}.{name}_file"), "", "must name a file");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let config: Config = toml::from_str(text).unwrap();
        validate(&config).into_iter().map(|p| p.to_string()).collect()
    }

    const ACCOUNT: &str = "[[accounts]]\nname = \"prod\"\naccount = \"o-a\"\nschedule = \"0 * * * *\"\n\
                           [accounts.auth.pat]\ntoken_env = \"PAT\"\n";

    #[test]
    fn mcp_over_http_beyond_loopback_needs_a_token_and_origins_are_checked() {
        let wide = format!(
            "[http]\nlisten = \"0.0.0.0:18473\"\n[mcp]\nhttp = true\naccount = \"dev\"\n\
                            allowed_origins = [\"app.example.com\"]\n{ACCOUNT}"
        );
        let found = problems(&wide);
        assert!(
            found.iter().any(|p| p.starts_with("mcp.bearer_token_file: required with mcp.http")),
            "{found:?}"
        );
        assert!(found.iter().any(|p| p.starts_with("mcp.account = \"dev\"")), "{found:?}");
        assert!(found.iter().any(|p| p.starts_with("mcp.allowed_origins[0]")), "{found:?}");
        let ok = format!(
            "[http]\nlisten = \"0.0.0.0:18473\"\n[mcp]\nhttp = true\n\
                          bearer_token_file = \"/t\"\nallowed_origins = [\"https://app.example.com\"]\n{ACCOUNT}"
        );
        assert_eq!(problems(&ok), Vec::<String>::new());
        assert_eq!(
            problems(&format!("[mcp]\nhttp = true\n{ACCOUNT}")),
            Vec::<String>::new(),
            "loopback needs no token"
        );
    }
}
