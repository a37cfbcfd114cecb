//! Schedules across DST changes (pure functions over chrono times).

use chrono::{DateTime, TimeZone, Utc};
use snowcat::daemon::Schedule;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn runs(expr: &str, tz: &str, from: &str, n: usize) -> Vec<DateTime<Utc>> {
    let s = Schedule::new(expr, tz, std::time::Duration::ZERO).unwrap();
    let mut out = Vec::new();
    let mut t = utc(from);
    for _ in 0..n {
        t = s.next_after(t).unwrap();
        out.push(t);
    }
    out
}

#[test]
fn nine_oclock_berlin_stays_nine_local_across_spring_forward() {
    // 2027-03-28 02:00 CET -> 03:00 CEST: UTC+1 before, UTC+2 after.
    assert_eq!(
        runs("0 9 * * *", "Europe/Berlin", "2027-03-26T12:00:00Z", 3),
        vec![utc("2027-03-27T08:00:00Z"), utc("2027-03-28T07:00:00Z"), utc("2027-03-29T07:00:00Z")]
    );
}

#[test]
fn nine_oclock_berlin_stays_nine_local_across_fall_back() {
    // 2027-10-31 03:00 CEST -> 02:00 CET: UTC+2 before, UTC+1 after.
    assert_eq!(
        runs("0 0 9 * * *", "Europe/Berlin", "2027-10-29T12:00:00Z", 3),
        vec![utc("2027-10-30T07:00:00Z"), utc("2027-10-31T08:00:00Z"), utc("2027-11-01T08:00:00Z")]
    );
}

#[test]
fn every_local_hour_fires_once_across_spring_forward() {
    // Local 02:xx does not exist on 2027-03-28; every real hour still gets exactly one run.
    let got = runs("0 * * * *", "Europe/Berlin", "2027-03-27T23:30:00Z", 4);
    let want: Vec<_> = (0..4).map(|h| Utc.with_ymd_and_hms(2027, 3, 28, h, 0, 0).unwrap()).collect();
    assert_eq!(got, want);
}

#[test]
fn utc_schedules_and_five_field_equal_six_field_with_zero_seconds() {
    assert_eq!(
        runs("*/15 * * * *", "UTC", "2027-01-01T00:07:00Z", 3),
        runs("0 */15 * * * *", "UTC", "2027-01-01T00:07:00Z", 3)
    );
    assert_eq!(runs("*/15 * * * *", "UTC", "2027-01-01T00:07:00Z", 1), vec![utc("2027-01-01T00:15:00Z")]);
}

#[test]
fn jitter_stays_within_its_bound() {
    let s = Schedule::new("* * * * *", "UTC", std::time::Duration::from_millis(50)).unwrap();
    for _ in 0..200 {
        assert!(s.sample_jitter() <= std::time::Duration::from_millis(50));
    }
}

#[test]
fn a_skipped_local_time_runs_at_the_end_of_the_gap_and_a_repeated_one_runs_once() {
    // 02:30 does not exist in Berlin on 2027-03-28: like Vixie cron, the run happens when the clock
    // jumps (03:00 CEST = 01:00Z), not a day later and not twice.
    assert_eq!(
        runs("30 2 * * *", "Europe/Berlin", "2027-03-27T12:00:00Z", 2),
        vec![utc("2027-03-28T01:00:00Z"), utc("2027-03-29T00:30:00Z")]
    );
    // 02:30 happens twice on 2027-10-31 (00:30Z in CEST, 01:30Z in CET): one run, at the first.
    assert_eq!(
        runs("30 2 * * *", "Europe/Berlin", "2027-10-30T12:00:00Z", 2),
        vec![utc("2027-10-31T00:30:00Z"), utc("2027-11-01T01:30:00Z")]
    );
}
