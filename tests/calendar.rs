//! Business calendars through the public API: hand-computed deadline tables (DST in
//! New York and Berlin, holidays, split and overnight shifts, closures, openings,
//! leap day, year end), validation messages, serde round trips, and properties
//! that compare the fast arithmetic with a naive minute-by-minute walker.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use odr_guard::calendar::Skipped;
use odr_guard::{Calendar, CalendarComputeError, CalendarError, CalendarSpec};
use proptest::prelude::*;

const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];
const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
        .with_timezone(&Utc)
}

fn local(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn dur(text: &str) -> TimeDelta {
    let (n, unit) = text.split_at(text.len() - 1);
    let n: i64 = n.parse().unwrap();
    match unit {
        "m" => TimeDelta::minutes(n),
        "h" => TimeDelta::hours(n),
        "d" => TimeDelta::days(n),
        _ => panic!("unit {unit}"),
    }
}

/// A calendar with the same hours on the given days.
fn spec(tz: &str, days: &[Weekday], hours: &[&str]) -> CalendarSpec {
    days.iter().fold(CalendarSpec::new("test", tz), |s, d| {
        s.with_hours(*d, hours.iter().copied())
    })
}

fn berlin_office() -> CalendarSpec {
    spec("Europe/Berlin", &WEEKDAYS, &["09:00-17:00"])
}

fn build(spec: CalendarSpec) -> Calendar {
    Calendar::try_from(spec).unwrap()
}

struct AddCase {
    name: &'static str,
    calendar: CalendarSpec,
    start: &'static str,
    business: &'static str,
    due: &'static str,
}

fn add_cases() -> Vec<AddCase> {
    let c = |name, calendar, start, business, due| AddCase {
        name,
        calendar,
        start,
        business,
        due,
    };
    let christmas = || {
        [
            "2026-12-24",
            "2026-12-25",
            "2026-12-26",
            "2026-12-31",
            "2027-01-01",
        ]
        .into_iter()
        .fold(berlin_office(), |s, d| s.with_holiday(date(d)))
    };
    vec![
        // New York springs forward on 2026-03-08 at 02:00 EST -> 03:00 EDT.
        c(
            "ny_spring_interval_is_shorter010",
            spec("America/New_York", &ALL_DAYS, &["01:30-03:30"]),
            "2026-03-08T01:30:00-05:00",
            "1h",
            "2026-03-08T03:30:00-04:00",
        ),
        c(
            "ny_spring_interval_overflow020",
            spec("America/New_York", &ALL_DAYS, &["01:30-03:30"]),
            "2026-03-08T01:30:00-05:00",
            "90m",
            "2026-03-09T02:00:00-04:00",
        ),
        c(
            "ny_spring_starts_in_gap030",
            spec("America/New_York", &ALL_DAYS, &["02:30-04:00"]),
            "2026-03-08T00:00:00-05:00",
            "30m",
            "2026-03-08T03:30:00-04:00",
        ),
        c(
            "ny_spring_day_has_23h040",
            spec("America/New_York", &[Weekday::Sun], &["00:00-24:00"]),
            "2026-03-08T00:00:00-05:00",
            "23h",
            "2026-03-09T00:00:00-04:00",
        ),
        c(
            "ny_spring_day_next_week050",
            spec("America/New_York", &[Weekday::Sun], &["00:00-24:00"]),
            "2026-03-08T00:00:00-05:00",
            "24h",
            "2026-03-15T01:00:00-04:00",
        ),
        // New York falls back on 2026-11-01 at 02:00 EDT -> 01:00 EST.
        c(
            "ny_fall_interval_is_longer060",
            spec("America/New_York", &ALL_DAYS, &["01:30-03:00"]),
            "2026-11-01T01:30:00-04:00",
            "2h",
            "2026-11-01T02:30:00-05:00",
        ),
        c(
            "ny_fall_end_in_fold_is_first070",
            spec("America/New_York", &ALL_DAYS, &["00:00-01:30"]),
            "2026-11-01T00:00:00-04:00",
            "2h",
            "2026-11-02T00:30:00-05:00",
        ),
        c(
            "ny_fall_end_after_fold080",
            spec("America/New_York", &ALL_DAYS, &["01:00-02:00"]),
            "2026-11-01T01:00:00-04:00",
            "2h",
            "2026-11-01T02:00:00-05:00",
        ),
        c(
            "ny_fall_business_week090",
            spec("America/New_York", &WEEKDAYS, &["09:00-17:00"]),
            "2026-10-30T16:00:00-04:00",
            "2h",
            "2026-11-02T10:00:00-05:00",
        ),
        // Berlin springs forward on 2026-03-29 at 02:00 CET -> 03:00 CEST.
        c(
            "berlin_spring_weekend100",
            berlin_office(),
            "2026-03-27T16:00:00+01:00",
            "2h",
            "2026-03-30T10:00:00+02:00",
        ),
        c(
            "berlin_spring_overnight110",
            spec("Europe/Berlin", &[Weekday::Sat], &["22:00-06:00"]),
            "2026-03-28T22:00:00+01:00",
            "7h",
            "2026-03-29T06:00:00+02:00",
        ),
        c(
            "berlin_spring_overnight_next120",
            spec("Europe/Berlin", &[Weekday::Sat], &["22:00-06:00"]),
            "2026-03-28T22:00:00+01:00",
            "421m",
            "2026-04-04T22:01:00+02:00",
        ),
        // Berlin falls back on 2026-10-25 at 03:00 CEST -> 02:00 CET.
        c(
            "berlin_fall_overnight130",
            spec("Europe/Berlin", &[Weekday::Sat], &["22:00-06:00"]),
            "2026-10-24T22:00:00+02:00",
            "9h",
            "2026-10-25T06:00:00+01:00",
        ),
        c(
            "berlin_fall_weekend140",
            berlin_office(),
            "2026-10-23T16:30:00+02:00",
            "1h",
            "2026-10-26T09:30:00+01:00",
        ),
        // Christmas to New Year.
        c(
            "christmas_short150",
            christmas(),
            "2026-12-23T16:00:00+01:00",
            "3h",
            "2026-12-28T11:00:00+01:00",
        ),
        c(
            "christmas_to_new_year160",
            christmas(),
            "2026-12-23T16:00:00+01:00",
            "32h",
            "2027-01-04T16:00:00+01:00",
        ),
        c(
            "christmas_start_on_holiday170",
            christmas(),
            "2026-12-24T10:00:00+01:00",
            "1h",
            "2026-12-28T10:00:00+01:00",
        ),
        // Split shift: lunch 12:30-13:30 is closed.
        c(
            "split_shift_lunch180",
            spec("Europe/Berlin", &WEEKDAYS, &["09:00-12:30", "13:30-18:00"]),
            "2026-11-30T12:00:00+01:00",
            "1h",
            "2026-11-30T14:00:00+01:00",
        ),
        c(
            "split_shift_order190",
            spec("Europe/Berlin", &WEEKDAYS, &["13:30-18:00", "09:00-12:30"]),
            "2026-11-30T08:00:00+01:00",
            "4h",
            "2026-11-30T14:00:00+01:00",
        ),
        // Overnight shifts.
        c(
            "overnight_year_end200",
            spec("UTC", &ALL_DAYS, &["22:00-02:00"]),
            "2026-12-31T23:00:00Z",
            "3h",
            "2027-01-01T02:00:00Z",
        ),
        c(
            "overnight_sunday_into_monday210",
            spec("UTC", &[Weekday::Sun], &["20:00-04:00"]),
            "2026-11-29T21:00:00Z",
            "7h",
            "2026-11-30T04:00:00Z",
        ),
        c(
            "overnight_holiday_start_only220",
            spec("UTC", &ALL_DAYS, &["22:00-06:00"]).with_holiday(date("2026-12-25")),
            "2026-12-25T05:00:00Z",
            "2h",
            "2026-12-26T23:00:00Z",
        ),
        // Closures override everything.
        c(
            "closure_new_years_eve230",
            berlin_office().with_closure(local("2026-12-31T13:00"), local("2027-01-01T00:00")),
            "2026-12-31T12:00:00+01:00",
            "2h",
            "2027-01-01T10:00:00+01:00",
        ),
        c(
            "closure_over_opening240",
            berlin_office()
                .with_opening(local("2026-12-20T10:00"), local("2026-12-20T16:00"))
                .with_closure(local("2026-12-20T12:00"), local("2026-12-20T13:00")),
            "2026-12-20T11:00:00+01:00",
            "2h",
            "2026-12-20T14:00:00+01:00",
        ),
        // Openings override weekly hours and holidays.
        c(
            "opening_on_sunday250",
            berlin_office().with_opening(local("2026-12-20T10:00"), local("2026-12-20T16:00")),
            "2026-12-19T12:00:00+01:00",
            "2h",
            "2026-12-20T12:00:00+01:00",
        ),
        c(
            "opening_on_holiday260",
            berlin_office()
                .with_holiday(date("2026-12-24"))
                .with_opening(local("2026-12-24T09:00"), local("2026-12-24T12:00")),
            "2026-12-24T08:00:00+01:00",
            "4h",
            "2026-12-25T10:00:00+01:00",
        ),
        // Leap day 2028-02-29 (a Tuesday); landing on an interval's end.
        c(
            "leap_day_lands_on_end270",
            spec("UTC", &WEEKDAYS, &["09:00-17:00"]),
            "2028-02-28T16:00:00Z",
            "9h",
            "2028-02-29T17:00:00Z",
        ),
        c(
            "leap_day_to_march280",
            spec("UTC", &WEEKDAYS, &["09:00-17:00"]),
            "2028-02-28T16:00:00Z",
            "10h",
            "2028-03-01T10:00:00Z",
        ),
        // Long spans: whole weeks are counted at once.
        c(
            "many_weeks290",
            berlin_office(),
            "2026-11-02T09:00:00+01:00",
            "400h",
            "2027-01-08T17:00:00+01:00",
        ),
        c(
            "zero_is_start300",
            berlin_office(),
            "2026-11-28T12:00:00+01:00",
            "0m",
            "2026-11-28T12:00:00+01:00",
        ),
        c(
            "closed_start_waits310",
            berlin_office(),
            "2026-11-28T12:00:00+01:00",
            "1m",
            "2026-11-30T09:01:00+01:00",
        ),
        c(
            "half_hour_zone320",
            spec("Asia/Kolkata", &WEEKDAYS, &["09:00-18:00"]),
            "2026-11-27T12:00:00Z",
            "1h",
            "2026-11-30T09:30:00+05:30",
        ),
    ]
}

#[test]
fn add_cases_have_unique_names() {
    let names: HashSet<_> = add_cases().iter().map(|c| c.name).collect();
    assert_eq!(names.len(), add_cases().len());
}

#[test]
fn add_meets_hand_computed_deadlines() {
    for case in add_cases() {
        let cal = build(case.calendar);
        let start = at(case.start);
        let business = dur(case.business);
        let due = cal.add(start, business);
        assert_eq!(due, Ok(at(case.due)), "{}", case.name);
        assert_eq!(
            cal.between(start, at(case.due)),
            Ok(business),
            "{}",
            case.name
        );
    }
}

#[test]
fn is_open_and_next_open_cases() {
    let cases: &[(&str, CalendarSpec, &str, bool, &str)] = &[
        (
            "weekday010",
            berlin_office(),
            "2026-11-30T10:00:00+01:00",
            true,
            "2026-11-30T10:00:00+01:00",
        ),
        (
            "end_exclusive020",
            berlin_office(),
            "2026-11-30T17:00:00+01:00",
            false,
            "2026-12-01T09:00:00+01:00",
        ),
        (
            "start_inclusive030",
            berlin_office(),
            "2026-11-30T09:00:00+01:00",
            true,
            "2026-11-30T09:00:00+01:00",
        ),
        (
            "weekend040",
            berlin_office(),
            "2026-11-28T10:00:00+01:00",
            false,
            "2026-11-30T09:00:00+01:00",
        ),
        (
            "holiday050",
            berlin_office().with_holiday(date("2026-12-25")),
            "2026-12-25T10:00:00+01:00",
            false,
            "2026-12-28T09:00:00+01:00",
        ),
        (
            "overnight_into_holiday060",
            spec("UTC", &ALL_DAYS, &["22:00-06:00"]).with_holiday(date("2026-12-25")),
            "2026-12-25T03:00:00Z",
            true,
            "2026-12-25T03:00:00Z",
        ),
        (
            "overnight_from_holiday070",
            spec("UTC", &ALL_DAYS, &["22:00-06:00"]).with_holiday(date("2026-12-25")),
            "2026-12-25T23:00:00Z",
            false,
            "2026-12-26T22:00:00Z",
        ),
        (
            "gap_start080",
            spec("America/New_York", &ALL_DAYS, &["02:30-04:00"]),
            "2026-03-08T06:59:00Z",
            false,
            "2026-03-08T03:00:00-04:00",
        ),
        (
            "fold_second_pass_open090",
            spec("America/New_York", &ALL_DAYS, &["01:30-03:00"]),
            "2026-11-01T01:10:00-05:00",
            true,
            "2026-11-01T01:10:00-05:00",
        ),
        (
            "fold_second_pass_closed100",
            spec("America/New_York", &ALL_DAYS, &["00:00-01:30"]),
            "2026-11-01T01:10:00-05:00",
            false,
            "2026-11-02T00:00:00-05:00",
        ),
        (
            "closure110",
            berlin_office().with_closure(local("2026-11-30T09:00"), local("2026-11-30T12:00")),
            "2026-11-30T10:00:00+01:00",
            false,
            "2026-11-30T12:00:00+01:00",
        ),
    ];
    for (name, spec, instant, open, next) in cases {
        let cal = build(spec.clone());
        assert_eq!(cal.is_open(at(instant)), *open, "{name}");
        assert_eq!(cal.next_open(at(instant)), Ok(at(next)), "{name}");
    }
}

#[test]
fn skipped_names_holidays_and_closures() {
    let cal = build(
        ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"]
            .into_iter()
            .fold(berlin_office(), |s, d| s.with_holiday(date(d)))
            .with_closure(local("2026-12-31T13:00"), local("2027-01-01T00:00")),
    );
    let from = at("2026-12-23T16:00:00+01:00");
    let due = cal.add(from, dur("32h")).unwrap();
    assert_eq!(due, at("2027-01-04T12:00:00+01:00"));
    let skipped = cal.skipped(from, due);
    assert_eq!(
        skipped.holidays,
        ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"].map(date)
    );
    assert_eq!(skipped.closures, 1);
    assert_eq!(skipped.closed, (due - from) - dur("32h"));
    assert_eq!(cal.skipped(due, from), Skipped::default());
    let quiet = cal.skipped(at("2026-11-30T07:00:00Z"), at("2026-11-30T09:00:00Z"));
    assert_eq!((quiet.holidays.len(), quiet.closures), (0, 0));
    assert_eq!(quiet.closed, TimeDelta::hours(1));
}

#[test]
fn always_open_is_plain_arithmetic() {
    let cal = Calendar::always_open();
    let t = at("2026-03-08T01:30:00-05:00");
    assert!(cal.is_always_open());
    assert_eq!(cal.name(), "always_open");
    assert_eq!(cal.time_zone(), "UTC");
    assert_eq!(cal.add(t, dur("7d")), Ok(t + dur("7d")));
    assert_eq!(cal.between(t, t + dur("90m")), Ok(dur("90m")));
    assert_eq!(cal.next_open(t), Ok(t));
    assert!(cal.is_open(t));
    // The same week written out in another zone is recognised as 24/7.
    let written = build(spec("Europe/Berlin", &ALL_DAYS, &["00:00-24:00"]));
    assert!(written.is_always_open());
    assert_eq!(written.add(t, dur("25h")), Ok(t + dur("25h")));
    let round = build(CalendarSpec::from(&cal));
    assert_eq!(round, cal);
    assert!(round.is_always_open());
    assert!(!build(berlin_office()).is_always_open());
}

#[test]
fn validation_errors_name_calendar_and_field() {
    let cases: Vec<(&str, CalendarSpec, &str)> = vec![
        ("empty_name010", CalendarSpec::new("", "UTC").with_hours(Weekday::Mon, ["09:00-17:00"]),
            "calendar ``: name must not be empty"),
        ("unknown_zone020", CalendarSpec::new("x", "Mars/Olympus").with_hours(Weekday::Mon, ["09:00-17:00"]),
            "calendar `x`: time_zone: unknown time zone `Mars/Olympus`"),
        ("malformed030", CalendarSpec::new("x", "UTC").with_hours(Weekday::Tue, ["9-17"]),
            "calendar `x`: hours.tue: `9-17` is not `HH:MM-HH:MM`"),
        ("zero_length040", CalendarSpec::new("x", "UTC").with_hours(Weekday::Mon, ["09:00-09:00"]),
            "calendar `x`: hours.mon: `09:00-09:00` has zero length"),
        ("start_24_050", CalendarSpec::new("x", "UTC").with_hours(Weekday::Mon, ["24:00-06:00"]),
            "calendar `x`: hours.mon: `24:00-06:00` starts at 24:00 (a start must be 00:00 to 23:59)"),
        ("overlap_same_day060", CalendarSpec::new("x", "UTC").with_hours(Weekday::Wed, ["09:00-12:00", "11:00-13:00"]),
            "calendar `x`: hours.wed `09:00-12:00` overlaps hours.wed `11:00-13:00`"),
        ("overlap_overnight070", CalendarSpec::new("x", "UTC")
            .with_hours(Weekday::Fri, ["22:00-06:00"]).with_hours(Weekday::Sat, ["05:00-09:00"]),
            "calendar `x`: hours.fri `22:00-06:00` overlaps hours.sat `05:00-09:00`"),
        ("overlap_sunday_into_monday080", CalendarSpec::new("x", "UTC")
            .with_hours(Weekday::Sun, ["22:00-06:00"]).with_hours(Weekday::Mon, ["05:00-09:00"]),
            "calendar `x`: hours.sun `22:00-06:00` overlaps hours.mon `05:00-09:00`"),
        ("closure_inverted090", CalendarSpec::new("x", "UTC").with_hours(Weekday::Mon, ["09:00-17:00"])
            .with_closure(local("2026-12-31T13:00"), local("2026-12-31T13:00")),
            "calendar `x`: closures[0]: end 2026-12-31 13:00:00 is not after start 2026-12-31 13:00:00"),
        ("opening_inverted100", CalendarSpec::new("x", "UTC").with_hours(Weekday::Mon, ["09:00-17:00"])
            .with_opening(local("2026-12-20T10:00"), local("2026-12-20T16:00"))
            .with_opening(local("2026-12-20T16:00"), local("2026-12-20T10:00")),
            "calendar `x`: openings[1]: end 2026-12-20 10:00:00 is not after start 2026-12-20 16:00:00"),
        ("no_hours110", CalendarSpec::new("x", "UTC"),
            "calendar `x`: hours: no open time at all (no weekly hours and no openings)"),
        ("opening_all_closed120", CalendarSpec::new("x", "UTC")
            .with_opening(local("2026-12-20T10:00"), local("2026-12-20T16:00"))
            .with_closure(local("2026-12-20T09:00"), local("2026-12-20T17:00")),
            "calendar `x`: hours: no open time at all (no weekly hours and no openings)"),
        ("holiday_at_range_end130", CalendarSpec::new("x", "UTC").with_hours(Weekday::Mon, ["09:00-17:00"])
            .with_holiday(NaiveDate::MAX),
            "calendar `x`: holidays[0]: date is outside the supported range"),
    ];
    let names: HashSet<_> = cases.iter().map(|c| c.0).collect();
    assert_eq!(names.len(), cases.len());
    for (name, spec, message) in cases {
        let err: CalendarError = Calendar::try_from(spec).expect_err(name);
        assert_eq!(err.to_string(), message, "{name}");
    }
}

#[test]
fn touching_intervals_are_fine() {
    let cal = build(
        CalendarSpec::new("x", "UTC")
            .with_hours(Weekday::Sun, ["20:00-06:00"])
            .with_hours(Weekday::Mon, ["06:00-09:00", "09:00-10:00"]),
    );
    let t = at("2026-11-29T20:00:00Z");
    assert_eq!(cal.add(t, dur("14h")), Ok(at("2026-11-30T10:00:00Z")));
}

#[test]
fn runtime_errors_instead_of_panics_or_hangs() {
    let cal = build(berlin_office());
    let t = at("2026-11-30T10:00:00Z");
    assert!(matches!(
        cal.add(t, TimeDelta::minutes(-1)),
        Err(CalendarComputeError::NegativeDuration { .. })
    ));
    assert_eq!(
        cal.between(t, t - TimeDelta::seconds(1)).unwrap_err().to_string(),
        "calendar `test`: between: to (2026-11-30 09:59:59 UTC) is before from (2026-11-30 10:00:00 UTC)"
    );
    // Only one-off openings, all in the past.
    let past = build(
        CalendarSpec::new("pop_up", "Europe/Berlin")
            .with_opening(local("2020-12-20T10:00"), local("2020-12-20T16:00")),
    );
    let err = past.add(t, TimeDelta::hours(1)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "calendar `pop_up`: add: never open at or after 2026-11-30 10:00:00 UTC (no weekly hours and no later openings)"
    );
    assert!(matches!(
        past.next_open(t),
        Err(CalendarComputeError::NeverOpens { .. })
    ));
    // Partly used openings still count.
    let before = at("2020-12-20T14:00:00+01:00");
    assert_eq!(
        past.add(before, dur("2h")),
        Ok(at("2020-12-20T16:00:00+01:00"))
    );
    assert!(past.add(before, dur("121m")).is_err());
    assert_eq!(past.between(at("2000-01-01T00:00:00Z"), t), Ok(dur("6h")));
    // Near the ends of chrono's range.
    let end = DateTime::<Utc>::MAX_UTC;
    for c in [&cal, &Calendar::always_open()] {
        assert!(matches!(
            c.add(end - TimeDelta::hours(1), TimeDelta::days(30)),
            Err(CalendarComputeError::OutOfRange { .. })
        ));
        assert!(matches!(
            c.add(t, TimeDelta::MAX),
            Err(CalendarComputeError::OutOfRange { .. })
        ));
        assert!(c.between(DateTime::<Utc>::MIN_UTC, end).is_ok());
        assert!(c.add(DateTime::<Utc>::MIN_UTC, TimeDelta::days(30)).is_ok());
        let _ = c.is_open(end);
        let _ = c.next_open(end);
        let _ = c.skipped(DateTime::<Utc>::MIN_UTC, end);
    }
}

#[test]
fn whole_range_counts_match_weeks() {
    // 40 h a week: 400 weeks of business hours across DST changes in both
    // directions.
    let cal = build(berlin_office());
    let from = at("2026-11-30T00:00:00+01:00");
    let to = at("2034-07-31T00:00:00+02:00");
    assert_eq!(cal.between(from, to), Ok(TimeDelta::hours(40 * 400)));
    assert_eq!(
        cal.add(from, TimeDelta::hours(40 * 400)),
        Ok(at("2034-07-28T17:00:00+02:00"))
    );
}

#[test]
fn spec_canonicalises_and_round_trips() {
    let messy = CalendarSpec::new("x", "Europe/Berlin")
        .with_hours(Weekday::Mon, ["13:30 - 18:00", "09:00-12:30"])
        .with_hours(Weekday::Sat, ["22:00-00:00"])
        .with_holiday(date("2026-12-25"))
        .with_holiday(date("2026-12-24"))
        .with_holiday(date("2026-12-25"));
    let cal = build(messy);
    let spec = CalendarSpec::from(&cal);
    assert_eq!(spec.hours.mon, ["09:00-12:30", "13:30-18:00"]);
    assert_eq!(spec.hours.sat, ["22:00-24:00"]);
    assert_eq!(spec.holidays, [date("2026-12-24"), date("2026-12-25")]);
    assert_eq!(build(spec.clone()), cal);
    assert_eq!(CalendarSpec::from(build(spec.clone())), spec);
}

#[cfg(feature = "toml")]
#[test]
fn toml_example_loads_and_round_trips() {
    #[derive(Debug, PartialEq, serde::Deserialize, serde::Serialize)]
    struct File {
        calendars: Vec<Calendar>,
    }
    let text = include_str!("../examples/policies/business_hours_calendar.toml");
    let file: File = toml::from_str(text).unwrap();
    assert_eq!(file.calendars.len(), 2);
    let berlin = &file.calendars[0];
    assert_eq!(berlin.name(), "berlin_support");
    assert_eq!(berlin.time_zone(), "Europe/Berlin");
    // The Sunday opening before Christmas, then the split shift on Monday.
    let sunday = at("2026-12-20T15:00:00+01:00");
    assert_eq!(
        berlin.add(sunday, dur("2h")),
        Ok(at("2026-12-21T10:00:00+01:00"))
    );
    let again: File = toml::from_str(&toml::to_string(&file).unwrap()).unwrap();
    assert_eq!(again, file);
    // A bad calendar fails to load with its message.
    let bad = text.replace("\"22:00-06:00\"", "\"22:00-22:00\"");
    let err = toml::from_str::<File>(&bad).unwrap_err().to_string();
    assert!(
        err.contains("calendar `berlin_support`: hours.sat: `22:00-22:00` has zero length"),
        "{err}"
    );
}

#[cfg(feature = "json")]
#[test]
fn json_round_trips() {
    let cal = build(
        berlin_office()
            .with_holiday(date("2026-12-25"))
            .with_closure(local("2026-12-31T13:00"), local("2027-01-01T00:00"))
            .with_opening(local("2026-12-20T10:00"), local("2026-12-20T16:30")),
    );
    let json = serde_json::to_string(&cal).unwrap();
    assert!(json.contains("\"start\":\"2026-12-31T13:00\""), "{json}");
    let back: Calendar = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cal);
    let spec: CalendarSpec = serde_json::from_str(
        r#"{"name":"x","time_zone":"UTC","hours":{"mon":["09:00-17:00"]},
            "closures":[{"start":"2026-12-31T13:00:30","end":"2027-01-01T00:00"}]}"#,
    )
    .unwrap();
    assert_eq!(
        spec.closures[0].start,
        local("2026-12-31T13:00") + TimeDelta::seconds(30)
    );
    assert!(
        serde_json::from_str::<CalendarSpec>(r#"{"name":"x","time_zone":"UTC","hour":{}}"#)
            .is_err()
    );
}

#[test]
fn clones_share_and_compare() {
    let a = build(berlin_office());
    let b = a.clone();
    assert_eq!(a, b);
    assert_ne!(a, build(berlin_office().with_holiday(date("2026-12-25"))));
    assert!(format!("{a:?}").contains("Europe/Berlin"));
}

// ---------------------------------------------------------------------------
// Business days.

struct DaysCase {
    name: &'static str,
    calendar: CalendarSpec,
    start: &'static str,
    days: u32,
    due: &'static str,
}

fn days_cases() -> Vec<DaysCase> {
    let c = |name, calendar, start, days, due| DaysCase {
        name,
        calendar,
        start,
        days,
        due,
    };
    // Thanksgiving 2026 is Thursday 11-26.
    let ny =
        || spec("America/New_York", &WEEKDAYS, &["09:00-17:00"]).with_holiday(date("2026-11-26"));
    let ny_nights = || spec("America/New_York", &ALL_DAYS, &["01:00-04:00"]);
    let berlin = || {
        spec("Europe/Berlin", &WEEKDAYS, &["09:00-12:30", "13:30-18:00"])
            .with_holiday(date("2026-12-25"))
            .with_holiday(date("2026-12-26"))
            .with_closure(local("2026-12-28T00:00"), local("2026-12-29T00:00"))
            .with_closure(local("2026-12-31T13:00"), local("2027-01-01T00:00"))
            .with_opening(local("2026-12-20T10:00"), local("2026-12-20T16:00"))
    };
    let tokyo = || {
        spec("Asia/Tokyo", &WEEKDAYS, &["09:00-18:00"]).with_hours(Weekday::Sat, ["11:00-15:00"])
    };
    let overnight = || spec("Europe/Berlin", &WEEKDAYS, &["22:00-06:00"]);
    vec![
        c(
            "ny_same_time_next_day010",
            ny(),
            "2026-11-23T10:00:00-05:00",
            1,
            "2026-11-24T10:00:00-05:00",
        ),
        c(
            "ny_skips_holiday_and_weekend020",
            ny(),
            "2026-11-24T15:30:00-05:00",
            3,
            "2026-11-30T15:30:00-05:00",
        ),
        c(
            "ny_closed_start_counts_from_the_opening030",
            ny(),
            "2026-11-28T10:00:00-05:00",
            1,
            "2026-12-01T09:00:00-05:00",
        ),
        c(
            "ny_evening_start_counts_from_next_morning040",
            ny(),
            "2026-11-23T18:00:00-05:00",
            2,
            "2026-11-27T09:00:00-05:00",
        ),
        c(
            "ny_keeps_local_time_across_dst050",
            ny(),
            "2026-10-30T14:00:00-04:00",
            1,
            "2026-11-02T14:00:00-05:00",
        ),
        c(
            "ny_zero_days_is_the_start060",
            ny(),
            "2026-11-28T10:00:00-05:00",
            0,
            "2026-11-28T10:00:00-05:00",
        ),
        // 02:30 does not exist on 2026-03-08: the gap ends at 03:00 EDT.
        c(
            "ny_time_in_spring_gap070",
            ny_nights(),
            "2026-03-07T02:30:00-05:00",
            1,
            "2026-03-08T03:00:00-04:00",
        ),
        // 01:30 happens twice on 2026-11-01: the first one.
        c(
            "ny_time_in_fall_fold080",
            ny_nights(),
            "2026-10-31T01:30:00-04:00",
            1,
            "2026-11-01T01:30:00-04:00",
        ),
        c(
            "berlin_lunch_start_moves_to_afternoon090",
            berlin(),
            "2026-12-14T12:45:00+01:00",
            1,
            "2026-12-15T13:30:00+01:00",
        ),
        c(
            "berlin_holidays_and_closed_day100",
            berlin(),
            "2026-12-24T10:00:00+01:00",
            1,
            "2026-12-29T10:00:00+01:00",
        ),
        c(
            "berlin_sunday_opening_is_an_open_day110",
            berlin(),
            "2026-12-18T11:00:00+01:00",
            1,
            "2026-12-20T11:00:00+01:00",
        ),
        c(
            "berlin_day_closes_earlier120",
            berlin(),
            "2026-12-18T17:00:00+01:00",
            1,
            "2026-12-20T16:00:00+01:00",
        ),
        c(
            "berlin_partly_closed_day_counts130",
            berlin(),
            "2026-12-30T15:00:00+01:00",
            1,
            "2026-12-31T12:30:00+01:00",
        ),
        c(
            "tokyo_day_opens_later140",
            tokyo(),
            "2026-11-27T09:30:00+09:00",
            1,
            "2026-11-28T11:00:00+09:00",
        ),
        c(
            "tokyo_two_weeks_with_saturdays150",
            tokyo(),
            "2026-11-30T10:00:00+09:00",
            12,
            "2026-12-14T10:00:00+09:00",
        ),
        c(
            "overnight_inside_a_shift160",
            overnight(),
            "2026-12-01T03:00:00+01:00",
            1,
            "2026-12-02T03:00:00+01:00",
        ),
        // Saturday morning ends Friday's shift; Sunday has no open time; Monday
        // opens at 22:00.
        c(
            "overnight_over_the_weekend170",
            overnight(),
            "2026-12-05T03:00:00+01:00",
            1,
            "2026-12-07T22:00:00+01:00",
        ),
        c(
            "overnight_closed_afternoon_moves_to_evening180",
            overnight(),
            "2026-12-02T12:00:00+01:00",
            1,
            "2026-12-03T22:00:00+01:00",
        ),
        c(
            "always_open_utc_is_plain_days190",
            CalendarSpec::new("always", "UTC"),
            "2026-12-02T12:00:00Z",
            400,
            "2028-01-06T12:00:00Z",
        ),
    ]
}

#[test]
fn days_cases_have_unique_names() {
    let names: HashSet<_> = days_cases().iter().map(|c| c.name).collect();
    assert_eq!(names.len(), days_cases().len());
}

#[test]
fn add_business_days_meets_hand_computed_deadlines() {
    for case in days_cases() {
        let cal = if case.calendar.time_zone == "UTC" && case.name.starts_with("always") {
            Calendar::always_open()
        } else {
            build(case.calendar)
        };
        let due = cal.add_business_days(at(case.start), case.days);
        assert_eq!(due, Ok(at(case.due)), "{}", case.name);
    }
}

#[test]
fn add_business_days_crosses_centuries_a_week_at_a_time() {
    // Monday 10:00 plus a million business days of a Monday-to-Friday desk is
    // Monday 10:00, 200 000 weeks later, whatever daylight saving did meanwhile.
    for tz in ["UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo"] {
        let cal = build(spec(tz, &WEEKDAYS, &["09:00-17:00"]));
        let zone: Tz = tz.parse().unwrap();
        let monday = local("2026-11-30T10:00");
        let start = zone
            .from_local_datetime(&monday)
            .unwrap()
            .with_timezone(&Utc);
        let later = monday + TimeDelta::weeks(200_000);
        let want = zone
            .from_local_datetime(&later)
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(cal.add_business_days(start, 1_000_000), Ok(want), "{tz}");
        assert!(matches!(
            cal.add_business_days(start, u32::MAX),
            Err(CalendarComputeError::OutOfRange { .. })
        ));
    }
    // A 24/7 calendar written out in Pacific/Apia: 2011-12-30 never happened
    // there, so it is not an open day.
    let apia = build(spec("Pacific/Apia", &ALL_DAYS, &["00:00-24:00"]));
    assert!(apia.is_always_open());
    assert_eq!(
        apia.add_business_days(at("2011-12-29T12:00:00-10:00"), 1),
        Ok(at("2011-12-31T12:00:00+14:00"))
    );
}

#[test]
fn add_business_days_errors() {
    let t = at("2026-11-30T10:00:00Z");
    let past = build(
        CalendarSpec::new("pop_up", "Europe/Berlin")
            .with_opening(local("2020-12-20T10:00"), local("2020-12-20T16:00")),
    );
    assert_eq!(
        past.add_business_days(t, 1).unwrap_err().to_string(),
        "calendar `pop_up`: add_business_days: never open at or after 2026-11-30 10:00:00 UTC (no weekly hours and no later openings)"
    );
    // Two one-off open days: counting from the first reaches the second, and
    // no third one ever comes.
    let two = build(
        CalendarSpec::new("pop_up", "Europe/Berlin")
            .with_opening(local("2020-12-20T10:00"), local("2020-12-20T16:00"))
            .with_opening(local("2020-12-22T14:00"), local("2020-12-22T15:00")),
    );
    let sunday = at("2020-12-20T12:00:00+01:00");
    assert_eq!(
        two.add_business_days(sunday, 1),
        Ok(at("2020-12-22T14:00:00+01:00"))
    );
    assert!(matches!(
        two.add_business_days(sunday, 2),
        Err(CalendarComputeError::NeverOpens { .. })
    ));
    let end = DateTime::<Utc>::MAX_UTC - TimeDelta::days(3);
    for cal in [build(berlin_office()), Calendar::always_open()] {
        let err = cal.add_business_days(end, 10).unwrap_err();
        assert!(
            matches!(err, CalendarComputeError::OutOfRange { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("add_business_days"), "{err}");
        assert!(cal.add_business_days(DateTime::<Utc>::MIN_UTC, 10).is_ok());
    }
}

// ---------------------------------------------------------------------------
// The oracle: a naive minute-by-minute walker over independently resolved
// intervals.

/// Resolves a local time: earlier instant in a fold; in a gap, the first local
/// minute after the gap (which is the instant the gap ends).
fn naive_resolve(tz: Tz, mut local: NaiveDateTime) -> DateTime<Utc> {
    for _ in 0..3 * 24 * 60 {
        match tz.from_local_datetime(&local) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
                return t.with_timezone(&Utc)
            }
            chrono::LocalResult::None => local += TimeDelta::minutes(1),
        }
    }
    panic!("no valid local time near {local}")
}

/// Open minutes of a calendar in a window, one flag per UTC minute.
struct Walker {
    origin: DateTime<Utc>,
    open: Vec<bool>,
}

#[derive(Debug, Clone)]
struct RandomCalendar {
    tz: Tz,
    /// (weekday index, start minute, length in minutes).
    hours: Vec<(usize, u32, u32)>,
    holidays: Vec<NaiveDate>,
    closures: Vec<(NaiveDateTime, NaiveDateTime)>,
    openings: Vec<(NaiveDateTime, NaiveDateTime)>,
}

impl RandomCalendar {
    fn spec(&self) -> CalendarSpec {
        let mut spec = CalendarSpec::new("random", self.tz.name());
        for &(d, start, len) in &self.hours {
            let end = (start + len) % 1440;
            let text = format!(
                "{:02}:{:02}-{:02}:{:02}",
                start / 60,
                start % 60,
                end / 60,
                end % 60
            );
            let text = if end == 0 {
                text.replace("-00:00", "-24:00")
            } else {
                text
            };
            spec.hours.day_mut(ALL_DAYS[d]).push(text);
        }
        spec.holidays = self.holidays.clone();
        for &(s, e) in &self.closures {
            spec = spec.with_closure(s, e);
        }
        for &(s, e) in &self.openings {
            spec = spec.with_opening(s, e);
        }
        spec
    }

    fn walker(&self, origin: DateTime<Utc>, days: i64) -> Walker {
        let minutes = usize::try_from(days * 1440).unwrap();
        let mut open = vec![false; minutes];
        let mut mark = |s: DateTime<Utc>, e: DateTime<Utc>, value: bool| {
            let s = (s - origin).num_minutes().clamp(0, minutes as i64) as usize;
            let e = (e - origin).num_minutes().clamp(0, minutes as i64) as usize;
            for flag in open.iter_mut().take(e).skip(s) {
                *flag = value;
            }
        };
        let first = origin.with_timezone(&self.tz).date_naive() - TimeDelta::days(2);
        for n in 0..days + 3 {
            let day = first + TimeDelta::days(n);
            if self.holidays.contains(&day) {
                continue;
            }
            let wd = day.weekday().num_days_from_monday() as usize;
            for &(d, start, len) in &self.hours {
                if d == wd {
                    let midnight = day.and_hms_opt(0, 0, 0).unwrap();
                    let s = naive_resolve(self.tz, midnight + TimeDelta::minutes(start.into()));
                    let e =
                        naive_resolve(self.tz, midnight + TimeDelta::minutes((start + len).into()));
                    mark(s, e, true);
                }
            }
        }
        for &(s, e) in &self.openings {
            mark(naive_resolve(self.tz, s), naive_resolve(self.tz, e), true);
        }
        for &(s, e) in &self.closures {
            mark(naive_resolve(self.tz, s), naive_resolve(self.tz, e), false);
        }
        Walker { origin, open }
    }
}

impl Walker {
    /// Business days the naive way: day by day over the local dates after the
    /// (moved) start, each one open if any of its minutes is; `None` if the
    /// window ends first.
    fn add_business_days(&self, tz: Tz, start: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
        if days == 0 {
            return Some(start);
        }
        let from = self.next_open(start)?;
        let local = from.with_timezone(&tz).naive_local();
        let end = self.origin + TimeDelta::minutes(self.open.len() as i64);
        let mut count = 0;
        let mut date = local.date();
        loop {
            date = date.succ_opt()?;
            let midnight = |d: NaiveDate| naive_resolve(tz, d.and_hms_opt(0, 0, 0).unwrap());
            let (ds, de) = (midnight(date), midnight(date.succ_opt()?));
            if de > end {
                return None;
            }
            let open: Vec<usize> = (self.minute(ds)..self.minute(de))
                .filter(|m| self.open[*m])
                .collect();
            if let (Some(first), Some(last)) = (open.first(), open.last()) {
                count += 1;
                if count == days {
                    let minute = |m: usize| self.origin + TimeDelta::minutes(m as i64);
                    let wanted = naive_resolve(tz, date.and_time(local.time()));
                    return Some(wanted.clamp(minute(*first), minute(*last + 1)));
                }
            }
        }
    }

    fn minute(&self, t: DateTime<Utc>) -> usize {
        usize::try_from((t - self.origin).num_minutes()).unwrap()
    }

    fn is_open(&self, t: DateTime<Utc>) -> bool {
        self.open[self.minute(t)]
    }

    /// `None` if the window ends first.
    fn add(&self, start: DateTime<Utc>, minutes: i64) -> Option<DateTime<Utc>> {
        let mut rem = minutes;
        let mut m = self.minute(start);
        while rem > 0 {
            if *self.open.get(m)? {
                rem -= 1;
            }
            m += 1;
        }
        Some(self.origin + TimeDelta::minutes(m as i64))
    }

    fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        self.open[self.minute(from)..self.minute(to)]
            .iter()
            .filter(|o| **o)
            .count() as i64
    }

    fn next_open(&self, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let m = self.minute(from);
        let k = self.open[m..].iter().position(|o| *o)?;
        Some(self.origin + TimeDelta::minutes((m + k) as i64))
    }
}

const ZONES: [Tz; 9] = [
    Tz::UTC,
    chrono_tz::Asia::Tokyo,
    // Skipped 2011-12-30 entirely (a 24-hour gap).
    chrono_tz::Pacific::Apia,
    // Two-hour DST changes.
    chrono_tz::Antarctica::Troll,
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kolkata,
    chrono_tz::America::Sao_Paulo,
];

/// Instants near offset changes in the zones above.
const ANCHORS: [&str; 7] = [
    "2011-12-29T10:00:00Z",
    "2026-03-08T07:00:00Z",
    "2026-03-29T01:00:00Z",
    "2026-10-25T01:00:00Z",
    "2026-11-01T06:00:00Z",
    "2026-04-04T15:00:00Z",
    "2026-10-03T16:00:00Z",
];

const WINDOW_DAYS: i64 = 28;

fn random_calendar() -> impl Strategy<Value = (RandomCalendar, DateTime<Utc>)> {
    let hours = prop::collection::vec((0usize..7, 0u32..1440, 1u32..1439), 1..9);
    let holidays = prop::collection::vec(-3i64..20, 0..5);
    let spans = || prop::collection::vec((-2i64..20 * 1440, 1i64..2 * 1440), 0..3);
    (
        0usize..ZONES.len(),
        0usize..ANCHORS.len(),
        -5 * 1440i64..5 * 1440,
        hours,
        holidays,
        spans(),
        spans(),
    )
        .prop_map(|(z, a, shift, hours, holidays, closures, openings)| {
            let tz = ZONES[z];
            let start = at(ANCHORS[a]) + TimeDelta::minutes(shift);
            let day0 = start.with_timezone(&tz).date_naive();
            let midnight = day0.and_hms_opt(0, 0, 0).unwrap();
            // Keep weekly intervals that do not overlap (touching is fine).
            let mut used = vec![false; 7 * 1440];
            let mut kept = Vec::new();
            for (d, s, len) in hours {
                let first = d * 1440 + s as usize;
                let minutes = (first..first + len as usize).map(|m| m % (7 * 1440));
                if minutes.clone().all(|m| !used[m]) {
                    minutes.for_each(|m| used[m] = true);
                    kept.push((d, s, len));
                }
            }
            let span = |(s, len): (i64, i64)| {
                let s = midnight + TimeDelta::minutes(s);
                (s, s + TimeDelta::minutes(len))
            };
            let cal = RandomCalendar {
                tz,
                hours: kept,
                holidays: holidays
                    .into_iter()
                    .map(|d| day0 + TimeDelta::days(d))
                    .collect(),
                closures: closures.into_iter().map(span).collect(),
                openings: openings.into_iter().map(span).collect(),
            };
            (cal, start)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fast_arithmetic_matches_the_minute_walker(
        (random, start) in random_calendar(),
        business in 0i64..36 * 60,
        probes in prop::collection::vec(0i64..(WINDOW_DAYS - 3) * 1440, 4),
    ) {
        let cal = Calendar::try_from(random.spec()).unwrap();
        let walker = random.walker(start, WINDOW_DAYS);
        let d = TimeDelta::minutes(business);
        let due = cal.add(start, d).unwrap();
        match walker.add(start, business) {
            Some(want) => prop_assert_eq!(due, want),
            None => prop_assert!(due >= start + TimeDelta::days(WINDOW_DAYS)),
        }
        for p in &probes {
            let t = start + TimeDelta::minutes(*p);
            prop_assert_eq!(cal.is_open(t), walker.is_open(t), "is_open at {}", t);
            prop_assert_eq!(
                cal.between(start, t).unwrap(),
                TimeDelta::minutes(walker.between(start, t)),
                "between {} and {}", start, t
            );
            if let Some(next) = walker.next_open(t) {
                prop_assert_eq!(cal.next_open(t).unwrap(), next, "next_open at {}", t);
            }
            let skipped = cal.skipped(start, t);
            prop_assert_eq!(skipped.closed + cal.between(start, t).unwrap(), t - start);
        }
    }

    #[test]
    fn business_days_match_the_naive_day_walker(
        (random, start) in random_calendar(),
        days in 0u32..8,
    ) {
        let cal = Calendar::try_from(random.spec()).unwrap();
        let walker = random.walker(start, WINDOW_DAYS);
        if let Some(want) = walker.add_business_days(random.tz, start, days) {
            prop_assert_eq!(cal.add_business_days(start, days).unwrap(), want);
        }
    }

    /// Long counts cross regular weeks a week at a time; a day-by-day walk that
    /// asks the calendar about each local date must agree.
    #[test]
    fn business_days_match_a_day_by_day_walk(
        (random, start) in random_calendar(),
        far_holidays in prop::collection::vec(0i64..900, 0..6),
        days in 1u32..500,
    ) {
        let mut random = random;
        let day0 = start.with_timezone(&random.tz).date_naive();
        random.holidays.extend(far_holidays.iter().map(|d| day0 + TimeDelta::days(*d)));
        let tz = random.tz;
        let cal = Calendar::try_from(random.spec()).unwrap();
        let got = cal.add_business_days(start, days).unwrap();
        let from = cal.next_open(start).unwrap();
        let local = from.with_timezone(&tz).naive_local();
        let mut date = local.date();
        let mut count = 0;
        let midnight = |d: NaiveDate| naive_resolve(tz, d.and_hms_opt(0, 0, 0).unwrap());
        let want = loop {
            date = date.succ_opt().unwrap();
            let (ds, de) = (midnight(date), midnight(date.succ_opt().unwrap()));
            let open = cal.between(ds, de).unwrap();
            if open > TimeDelta::zero() {
                count += 1;
                if count == days {
                    let first = cal.next_open(ds).unwrap();
                    let last = cal.add(ds, open).unwrap();
                    break naive_resolve(tz, date.and_time(local.time())).clamp(first, last);
                }
            }
        };
        prop_assert_eq!(got, want);
        // Monotone in the count, and always at an open day's open time or its end.
        prop_assert!(cal.add_business_days(start, days - 1).unwrap() < got);
        prop_assert!(cal.between(got - TimeDelta::days(1), got + TimeDelta::days(1)).unwrap() > TimeDelta::zero());
    }

    #[test]
    fn add_then_between_gives_back_the_duration(
        (random, start) in random_calendar(),
        seconds in prop::collection::vec(0i64..40 * 86_400, 3),
        nanos in 0u32..1_000_000_000,
    ) {
        let cal = Calendar::try_from(random.spec()).unwrap();
        let start = start + TimeDelta::nanoseconds(nanos.into());
        let mut seconds = seconds;
        seconds.sort_unstable();
        let mut last = start;
        for s in seconds {
            let d = TimeDelta::seconds(s) + TimeDelta::nanoseconds(i64::from(nanos) / 3);
            let due = cal.add(start, d).unwrap();
            prop_assert_eq!(cal.between(start, due).unwrap(), d);
            prop_assert!(due >= last, "add is monotone in the duration");
            if d > TimeDelta::zero() {
                // Just before the deadline, less than `d` has elapsed.
                prop_assert!(cal.between(start, due - TimeDelta::nanoseconds(1)).unwrap() < d);
                // A deadline is the end of open time, never a later opening.
                prop_assert!(cal.is_open(due - TimeDelta::nanoseconds(1)));
            }
            last = due;
        }
    }
}
