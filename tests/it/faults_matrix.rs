//! The fault matrix: a clean crawl of an account, then a crawl of the *unchanged* account under one
//! injected fault (the emulator's fault injection, over HTTP on 127.0.0.1). Whatever the fault, the second
//! run must end `complete` or `partial` with a ledger entry saying why, report **zero** removals (nothing
//! was dropped), leave the catalog's current view equal to the clean one (every visible object recorded
//! exactly, unseen scopes carried forward), and never execute a request id twice (the emulator's log).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::crawl_support::snapshot;
use secrecy::SecretString;
use snowcat::catalog::{Object, ObjectKey, ObjectKind, RunStatus};
use snowcat::crawl::{CrawlOptions, NoProgress, RunReport};
use snowcat::sqlapi::{
    BackoffPolicy, BoxFuture, Client, ClientConfig, Token, TokenError, TokenSource, TokenType,
};
use snowflake_emulator::engine::Engine;
use snowflake_emulator::faults::{Faults, SlowRule};
use snowflake_emulator::model::{Account, GenerateSpec};
use snowflake_emulator::requestlog::EntryKind;
use snowflake_emulator::{Emulator, EmulatorHandle};
use tokio_util::sync::CancellationToken;

/// Mints `tok-N`; a refused token moves to `tok-N+1` (an OAuth refresh, for the token-expiry fault).
#[derive(Default)]
struct Minting(AtomicU64);

impl TokenSource for Minting {
    fn token(&self) -> BoxFuture<'_, Result<Token, TokenError>> {
        let n = self.0.load(Ordering::SeqCst);
        Box::pin(async move {
            Ok(Token { secret: SecretString::from(format!("tok-{n}")), token_type: TokenType::OAuth })
        })
    }
    fn invalidate(&self, _rejected: &Token) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

struct Setup {
    account: Account,
    show_cap: usize,
    info_limit: Option<usize>,
    partition_rows: usize,
}

fn sample() -> Setup {
    let account = Account::from_sql(snowflake_emulator::sample_sql()).unwrap();
    Setup { account, show_cap: 10_000, info_limit: None, partition_rows: 40 }
}

/// 2 databases x 3 schemas x 400 tables x 4 columns: 2,400 tables (about 10% views), ~10k columns.
fn generated() -> Setup {
    let spec = GenerateSpec { databases: 2, schemas: 3, tables: 400, columns: 4 };
    Setup { account: Account::generate(spec), show_cap: 10_000, info_limit: None, partition_rows: 1_000 }
}

async fn start(s: &Setup) -> EmulatorHandle {
    let mut engine = Engine::new(s.account.clone());
    engine.set_show_row_limit(s.show_cap);
    if let Some(l) = s.info_limit {
        engine.set_information_schema_limit(l);
    }
    Emulator::with_executor(engine).partition_rows(s.partition_rows).start().await.unwrap()
}

fn client(emu: &EmulatorHandle) -> Client {
    let quick =
        BackoffPolicy { initial: Duration::from_millis(5), max: Duration::from_millis(50), factor: 2.0 };
    let config = ClientConfig { poll: quick, retry: quick, max_retries: 12, ..ClientConfig::default() };
    Client::for_url(&emu.base_url(), Arc::new(Minting::default())).unwrap().config(config).build().unwrap()
}

async fn crawl(emu: &EmulatorHandle, db: &Path, opts: &CrawlOptions) -> RunReport {
    snowcat::crawl::crawl(&client(emu), db, "acct", opts, &NoProgress, CancellationToken::new())
        .await
        .unwrap()
}

/// Options for the generated account's crawler role, which cannot read SNOWFLAKE.ACCOUNT_USAGE: its tag
/// assignments are left out (a denied ACCOUNT_USAGE would make every run partial).
fn crawler_options() -> CrawlOptions {
    let mut o = CrawlOptions::default();
    o.filters.kinds.tag_references = false;
    o
}

fn keys(db: &Path) -> BTreeSet<ObjectKey> {
    snapshot(db).iter().map(Object::key).collect()
}

/// No request id executed twice (a retried submission is answered from the first execution).
fn assert_no_double_execution(emu: &EmulatorHandle) {
    let mut seen: HashMap<String, String> = HashMap::new();
    for e in emu.request_log().into_iter().filter(|e| e.kind == EntryKind::Execution) {
        let (Some(id), Some(sql)) = (e.request_id, e.statement) else { continue };
        if let Some(first) = seen.insert(id.clone(), sql.clone()) {
            panic!("request id {id} executed twice: {first:?} then {sql:?}");
        }
    }
}

/// Clean crawl, then the same account under `faults`; check the invariants. Returns the faulted report.
async fn under_fault(setup: Setup, faults: Faults, opts: CrawlOptions) -> RunReport {
    under_limits(setup, |_| {}, faults, &opts.clone(), opts).await
}

/// Like [`under_fault`], with the faulted run served by a second emulator over the same account whose
/// engine limits (`SHOW` cap, INFORMATION_SCHEMA 090030 threshold) `limits` changes. The clean runs use
/// `clean_opts`, the faulted one `opts`.
async fn under_limits(
    setup: Setup,
    limits: impl Fn(&mut Setup),
    faults: Faults,
    clean_opts: &CrawlOptions,
    opts: CrawlOptions,
) -> RunReport {
    let emu = start(&setup).await;
    let mut limited = Setup { account: setup.account.clone(), ..setup };
    limits(&mut limited);
    let faulted = start(&limited).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let clean = crawl(&emu, &db, clean_opts).await;
    assert_eq!(clean.status, RunStatus::Complete, "{}", clean.render_text());
    let before = keys(&db);

    // The faulted run is incremental (the clean run before it completed), then full (`--full`): the
    // invariants hold in both modes.
    let full = CrawlOptions { full: true, ..opts.clone() };
    faulted.set_faults(faults.clone());
    let report = crawl(&faulted, &db, &opts).await;
    let incremental = clean_opts.filters.kinds.columns && clean_opts.filters.kinds.tables;
    if incremental && !opts.full {
        assert_eq!(report.mode, snowcat::catalog::RunMode::Incremental, "{}", report.render_text());
    }
    check_faulted(&report, &db, &before, &faulted);
    faulted.set_faults(faults);
    let report = crawl(&faulted, &db, &full).await;
    assert_eq!(report.mode, snowcat::catalog::RunMode::Full);
    check_faulted(&report, &db, &before, &faulted);
    faulted.shutdown().await;

    // The next clean run completes and still agrees.
    let next = crawl(&emu, &db, clean_opts).await;
    assert_eq!(next.status, RunStatus::Complete, "{}", next.render_text());
    assert_eq!(keys(&db), before);
    emu.shutdown().await;
    report
}

/// A faulted run ended complete or partial (with a reason), removed nothing, left the catalog as it was and
/// executed no statement twice.
fn check_faulted(
    report: &RunReport,
    db: &std::path::Path,
    before: &std::collections::BTreeSet<ObjectKey>,
    faulted: &EmulatorHandle,
) {
    assert!(
        matches!(report.status, RunStatus::Complete | RunStatus::Partial),
        "run ended {:?}: {}",
        report.status,
        report.render_text()
    );
    if report.status == RunStatus::Partial {
        assert!(
            report.missing().next().is_some(),
            "partial without a ledger reason: {}",
            report.render_text()
        );
    }
    let removed: Vec<_> =
        report.changes_by_kind.iter().filter(|(k, n)| k.ends_with("/removed") && **n > 0).collect();
    assert!(
        removed.is_empty(),
        "removals reported for an unchanged account: {removed:?}\n{}",
        report.render_text()
    );
    let after = keys(db);
    let lost: Vec<_> = before.difference(&after).map(ObjectKey::display).take(10).collect();
    let invented: Vec<_> = after.difference(before).map(ObjectKey::display).take(10).collect();
    assert!(lost.is_empty() && invented.is_empty(), "catalog changed: lost {lost:?} invented {invented:?}");
    assert_no_double_execution(faulted);
}

fn rate_limited() -> Faults {
    Faults { seed: 9, rate_429: 0.15, rate_503: 0.15, ..Faults::default() }
}

#[tokio::test]
async fn throttling_429_and_503_at_30_percent() {
    under_fault(sample(), rate_limited(), CrawlOptions::default()).await;
    let r = under_fault(generated(), rate_limited(), CrawlOptions::default()).await;
    assert!(r.total_objects() > 2_400, "{}", r.render_text());
}

#[tokio::test]
async fn latency_spikes() {
    let faults = Faults {
        seed: 3,
        partition_latency_ms: 20,
        slow_statements: vec![SlowRule { contains: "SHOW".into(), ms: 300 }],
        ..Faults::default()
    };
    let r = under_fault(sample(), faults, CrawlOptions::default()).await;
    assert_eq!(r.status, RunStatus::Complete, "{}", r.render_text());
}

#[tokio::test]
async fn connection_resets_in_the_middle_of_a_partition() {
    let faults = Faults { reset_partition: Some(1), reset_times: 3, ..Faults::default() };
    under_fault(sample(), faults.clone(), CrawlOptions::default()).await;
    under_fault(generated(), faults, CrawlOptions::default()).await;
}

#[tokio::test]
async fn a_malformed_partition() {
    let faults = Faults { malformed_partition: Some(1), ..Faults::default() };
    under_fault(sample(), faults.clone(), CrawlOptions::default()).await;
    under_fault(generated(), faults, CrawlOptions::default()).await;
}

#[tokio::test]
async fn a_statement_that_never_finishes_is_cancelled_at_its_deadline() {
    let faults = Faults {
        slow_statements: vec![SlowRule { contains: "INFORMATION_SCHEMA.COLUMNS".into(), ms: 600_000 }],
        ..Faults::default()
    };
    let opts = CrawlOptions { statement_timeout: Duration::from_secs(2), ..CrawlOptions::default() };
    let r = under_fault(sample(), faults, opts).await;
    assert_eq!(r.status, RunStatus::Partial, "{}", r.render_text());
    assert!(r.gaps.iter().any(|g| g.scope.starts_with("columns")), "{}", r.render_text());
}

/// Every token dies 100 ms after its first use, like an OAuth access token, only much sooner: the crawl
/// refreshes many times. (Expiry by request count would starve a request among eight in flight, which no
/// real token does; the client's rule for that case is tested in `sqlapi_faults`.)
#[tokio::test]
async fn token_expiry_every_100_ms() {
    let faults = Faults { token_expires_after_ms: Some(100), ..Faults::default() };
    let r = under_fault(sample(), faults, CrawlOptions::default()).await;
    assert_eq!(r.status, RunStatus::Complete, "a refreshed token keeps the run going: {}", r.render_text());
    let refreshes = r.retries_by_reason.get("unauthorized").copied().unwrap_or(0);
    assert!(refreshes >= 2, "tokens expired and were refreshed during the run: {}", r.render_text());
}

/// Database-wide INFORMATION_SCHEMA queries answer 090030; the crawler falls back to narrower queries.
#[tokio::test]
async fn information_schema_090030_on_every_database() {
    let r = under_limits(
        sample(),
        |s| s.info_limit = Some(40),
        Faults::default(),
        &CrawlOptions::default(),
        CrawlOptions::default(),
    )
    .await;
    assert_eq!(r.status, RunStatus::Complete, "{}", r.render_text());
    let opts = CrawlOptions { column_batch: 100, ..CrawlOptions::default() };
    let r =
        under_limits(generated(), |s| s.info_limit = Some(500), Faults::default(), &opts.clone(), opts).await;
    assert_eq!(r.status, RunStatus::Complete, "{}", r.render_text());
}

/// SHOW answers at most 50 rows: paged listings complete, unpageable ones are ledgered `truncated`.
#[tokio::test]
async fn show_results_past_the_cap() {
    let opts = CrawlOptions { show_limit: 50, ..CrawlOptions::default() };
    let r = under_limits(generated(), |s| s.show_cap = 50, Faults::default(), &CrawlOptions::default(), opts)
        .await;
    if r.status == RunStatus::Partial {
        assert!(r.missing().all(|g| g.outcome == "truncated"), "{}", r.render_text());
    }
}

/// Run `sql` as ACCOUNTADMIN (the emulator's default role) through the client.
async fn admin(emu: &EmulatorHandle, sql: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    let req = snowcat::sqlapi::StatementRequest::new(sql);
    client(emu)
        .execute_collect(req, deadline, CancellationToken::new())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Between two runs the crawler's role loses USAGE on a schema or a database (`revoke` builds the
/// statement from the first database, its first schema, the second database, and names the object it
/// revokes on as `(granted_on, name)`). Those objects still exist: the second run must not report them
/// removed (the role lacks MANAGE GRANTS, so the vanished listing is ledgered `unverified` and carried
/// forward). The revoked grant itself is a real change and may be reported removed.
async fn lose_access(revoke: impl Fn(&str, &str, &str, &str) -> (String, &'static str, String)) {
    let account = Account::generate(GenerateSpec { databases: 2, schemas: 2, tables: 20, columns: 3 });
    let db0 = account.databases[0].name.clone();
    let db1 = account.databases[1].name.clone();
    let sc =
        account.databases[0].schemas.iter().find(|s| s.name != "INFORMATION_SCHEMA").unwrap().name.clone();
    let setup = Setup { account, show_cap: 10_000, info_limit: None, partition_rows: 1_000 };
    let emu = start(&setup).await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let role = snowflake_emulator::generate::CRAWLER_ROLE;
    let opts = CrawlOptions { role: Some(role.to_string()), ..crawler_options() };
    let clean = crawl(&emu, &db, &opts).await;
    assert_eq!(clean.status, RunStatus::Complete, "{}", clean.render_text());
    let before = keys(&db);

    let (revoke, granted_on, object) = revoke(&db0, &sc, &db1, role);
    admin(&emu, &revoke).await;
    let r = crawl(&emu, &db, &opts).await;
    assert_eq!(r.status, RunStatus::Partial, "after {revoke}: {}", r.render_text());
    assert!(
        r.gaps.iter().any(|g| g.code.as_deref() == Some("unverified")),
        "after {revoke}: the vanished listing says why: {}",
        r.render_text()
    );
    let after = keys(&db);
    assert!(after.is_subset(&before), "after {revoke}: new objects {:?}", after.difference(&before));
    let lost: Vec<&ObjectKey> = before.difference(&after).collect();
    let the_revoked_grant = |k: &ObjectKey| {
        k.kind == ObjectKind::Grant
            && k.parts[0] == "ROLE"
            && k.parts[1] == role
            && k.parts[2] == granted_on
            && k.parts[3] == object
    };
    assert!(
        lost.iter().all(|k| the_revoked_grant(k)),
        "after {revoke}: objects that still exist left the catalog {lost:?}\n{}",
        r.render_text()
    );
    let removed: Vec<_> = r
        .changes_by_kind
        .iter()
        .filter(|(k, n)| {
            k.ends_with("/removed")
                && **n > 0
                && (k.as_str() != "grant/removed" || **n as usize != lost.len())
        })
        .collect();
    assert!(
        removed.is_empty(),
        "after {revoke}: objects that still exist reported removed {removed:?}\n{}",
        r.render_text()
    );
    emu.shutdown().await;
}

#[tokio::test]
async fn a_role_that_loses_a_schema_between_runs_reports_no_removals() {
    lose_access(|db0, sc, _, role| {
        let sql = format!("REVOKE USAGE ON SCHEMA \"{db0}\".\"{sc}\" FROM ROLE {role}");
        (sql, "SCHEMA", format!("{db0}.{sc}"))
    })
    .await;
}

#[tokio::test]
async fn a_role_that_loses_a_database_between_runs_reports_no_removals() {
    lose_access(|_, _, db1, role| {
        (format!("REVOKE USAGE ON DATABASE \"{db1}\" FROM ROLE {role}"), "DATABASE", db1.to_string())
    })
    .await;
}

/// A real `DROP SCHEMA` between two runs, crawled as `role`: returns the second run's report and the
/// catalog keys that left it. The generated account has 2 schemas per database with tables and columns.
async fn drop_schema_as(role: Option<&str>, setup_sql: &[&str]) -> (RunReport, Vec<ObjectKey>, String) {
    let account = Account::generate(GenerateSpec { databases: 1, schemas: 2, tables: 5, columns: 2 });
    let db0 = account.databases[0].name.clone();
    let sc =
        account.databases[0].schemas.iter().find(|s| s.name != "INFORMATION_SCHEMA").unwrap().name.clone();
    let setup = Setup { account, show_cap: 10_000, info_limit: None, partition_rows: 1_000 };
    let emu = start(&setup).await;
    for sql in setup_sql {
        admin(&emu, sql).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let opts = CrawlOptions { role: role.map(str::to_string), ..crawler_options() };
    let clean = crawl(&emu, &db, &opts).await;
    assert_eq!(clean.status, RunStatus::Complete, "{}", clean.render_text());
    let before = keys(&db);
    admin(&emu, &format!("DROP SCHEMA \"{db0}\".\"{sc}\"")).await;
    let r = crawl(&emu, &db, &opts).await;
    let lost = before.difference(&keys(&db)).cloned().collect();
    emu.shutdown().await;
    (r, lost, sc)
}

/// ACCOUNTADMIN holds MANAGE GRANTS, so SHOW lists every schema: a vanished schema was dropped and it and
/// its tables are reported removed. The same holds for a role that inherits MANAGE GRANTS on ACCOUNT.
#[tokio::test]
async fn a_dropped_schema_is_removed_for_a_role_with_manage_grants() {
    let (r, lost, sc) = drop_schema_as(Some("ACCOUNTADMIN"), &[]).await;
    assert_removed(&r, &lost, &sc);
    // No role configured: the session's role (the emulator's default, ACCOUNTADMIN) is asked for.
    let (r, lost, sc) = drop_schema_as(None, &[]).await;
    assert_removed(&r, &lost, &sc);
    let crawler = snowflake_emulator::generate::CRAWLER_ROLE;
    let setup = [
        "CREATE ROLE GRANT_ADMIN".to_string(),
        "GRANT MANAGE GRANTS ON ACCOUNT TO ROLE GRANT_ADMIN".to_string(),
        format!("GRANT ROLE GRANT_ADMIN TO ROLE {crawler}"),
    ];
    let setup: Vec<&str> = setup.iter().map(String::as_str).collect();
    let (r, lost, sc) = drop_schema_as(Some(crawler), &setup).await;
    assert_removed(&r, &lost, &sc);
}

fn assert_removed(r: &RunReport, lost: &[ObjectKey], sc: &str) {
    assert_eq!(r.status, RunStatus::Complete, "{}", r.render_text());
    assert!(lost.iter().any(|k| k.kind == ObjectKind::Schema && k.parts[1] == sc), "{lost:?}");
    assert!(lost.iter().any(|k| k.kind == ObjectKind::Table && k.parts[1] == sc), "{lost:?}");
    assert!(r.changes_by_kind.get("schema/removed").is_some_and(|n| *n == 1), "{}", r.render_text());
    assert!(r.changes_by_kind.get("table/removed").is_some_and(|n| *n > 0), "{}", r.render_text());
}

/// The documented trade-off: a role without MANAGE GRANTS cannot tell a drop from a revoked grant, so a
/// real drop is reported `unverified` (run partial, nothing removed) until a role that can see it crawls.
#[tokio::test]
async fn a_dropped_schema_is_unverified_for_a_role_without_manage_grants() {
    let (r, lost, sc) = drop_schema_as(Some(snowflake_emulator::generate::CRAWLER_ROLE), &[]).await;
    assert_eq!(r.status, RunStatus::Partial, "{}", r.render_text());
    let gap = r.gaps.iter().find(|g| g.code.as_deref() == Some("unverified")).expect("an unverified gap");
    assert!(gap.scope.starts_with("schemas:"), "{gap:?}");
    assert!(gap.message.as_deref().is_some_and(|m| m.contains(&sc)), "{gap:?}");
    assert!(
        lost.iter().all(|k| k.kind == ObjectKind::Grant),
        "only grants on the dropped schema go: {lost:?}"
    );
    let removed: Vec<_> = r
        .changes_by_kind
        .iter()
        .filter(|(k, n)| k.ends_with("/removed") && **n > 0 && k.as_str() != "grant/removed")
        .collect();
    assert!(removed.is_empty(), "{removed:?}\n{}", r.render_text());
}

/// The pipeline kinds' scopes under faults: an account-wide listing that never finishes, a detail
/// statement that fails, and a role that loses a schema holding pipeline objects. Nothing is removed, and
/// each gap is in the report (and so in `coverage_v`).
#[tokio::test]
async fn failed_pipeline_listings_and_details_remove_nothing() {
    let faults = Faults {
        slow_statements: vec![
            SlowRule { contains: "SHOW TASKS IN ACCOUNT".into(), ms: 600_000 },
            SlowRule { contains: "INFORMATION_SCHEMA.FUNCTIONS".into(), ms: 600_000 },
        ],
        ..Faults::default()
    };
    let opts = CrawlOptions { statement_timeout: Duration::from_secs(2), ..CrawlOptions::default() };
    let r = under_fault(sample(), faults, opts).await;
    assert_eq!(r.status, RunStatus::Partial, "{}", r.render_text());
    let gaps: Vec<&str> = r.missing().map(|g| g.scope.as_str()).collect();
    assert!(gaps.contains(&"tasks:account"), "{gaps:?}");
    assert!(gaps.contains(&"function_details:SALES"), "{gaps:?}");
}

#[tokio::test]
async fn a_role_that_loses_a_schema_keeps_its_pipeline_objects() {
    // The generated account has a sequence, a function and a task in every schema, each visible to the
    // crawler through its own privilege; lose_access checks that none of them (nor anything else that
    // still exists) leaves the catalog when the schema's USAGE goes.
    lose_access(|db0, sc, _, role| {
        let sql = format!("REVOKE USAGE ON SCHEMA \"{db0}\".\"{sc}\" FROM ROLE {role}");
        (sql, "SCHEMA", format!("{db0}.{sc}"))
    })
    .await;
}

/// The access scopes under faults (issue 16): a database-role listing, one role's grants, the policy
/// listing, one policy's references and the tag assignments never finish. Nothing is removed (the catalog
/// keeps the sample's database roles, policies, references and tags), and each gap is in the report.
#[tokio::test]
async fn failed_access_listings_remove_nothing() {
    let slow = |contains: &str| SlowRule { contains: contains.into(), ms: 600_000 };
    let faults = Faults {
        slow_statements: vec![
            slow("SHOW DATABASE ROLES IN DATABASE \"FINANCE\""),
            slow("SHOW GRANTS TO DATABASE ROLE \"SALES\".\"READER\""),
            slow("SHOW GRANTS OF DATABASE ROLE \"SALES\".\"ANALYST\""),
            slow("SHOW ROW ACCESS POLICIES IN ACCOUNT"),
            slow("POLICY_NAME => '\"SALES\".\"CORE\".\"EMAIL_MASK\"'"),
            slow("DESCRIBE MASKING POLICY"),
            slow("SHOW TAGS IN ACCOUNT"),
            slow("ACCOUNT_USAGE.TAG_REFERENCES"),
        ],
        ..Faults::default()
    };
    let opts = CrawlOptions { statement_timeout: Duration::from_secs(2), ..CrawlOptions::default() };
    let r = under_fault(sample(), faults, opts).await;
    assert_eq!(r.status, RunStatus::Partial, "{}", r.render_text());
    let gaps: BTreeSet<&str> = r.missing().map(|g| g.scope.as_str()).collect();
    for scope in [
        "database_roles:FINANCE",
        "grants_to_database_role:SALES.READER",
        "grants_of_database_role:SALES.ANALYST",
        "policies/row_access_policy:account",
        "policy_references:SALES.CORE.EMAIL_MASK",
        "policy_details:SALES.CORE.EMAIL_MASK",
        "tags:account",
        "tag_references:account",
    ] {
        assert!(gaps.contains(scope), "{scope} not in {gaps:?}");
    }
}
