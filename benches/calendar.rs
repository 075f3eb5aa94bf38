//! Deadline arithmetic: `Calendar::add` against a naive minute-by-minute walker
//! (how several help desks compute business time), on a 24/7 calendar and on
//! Berlin business hours (split shift, Christmas to New Year and Easter holidays,
//! a DST change), for a 1-hour and a 30-day business-time target.
//!
//! Run with `cargo bench --bench calendar`; the ratios to read are
//! `business_30d_holidays/odr-guard` over `business_1h/odr-guard` (bar: at most
//! 3x) and `business_30d_holidays/minute-walker` over
//! `business_30d_holidays/odr-guard` (bar: at least 1000x).
//!
//! `business_days/*` times `Calendar::add_business_days` against a naive walker
//! that steps one local date at a time, for 3 and 250 business days on the same
//! Berlin calendar.

use std::hint::black_box;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use criterion::{criterion_group, criterion_main, Criterion};
use odr_guard::{Calendar, CalendarSpec};

const HOLIDAYS: [&str; 7] = [
    "2026-12-24",
    "2026-12-25",
    "2026-12-26",
    "2026-12-31",
    "2027-01-01",
    "2027-03-26",
    "2027-03-29",
];

/// The naive way: step a minute at a time, convert to local time, look the
/// minute up in the weekly hours and the holiday list.
struct MinuteWalker {
    tz: Tz,
    /// Monday first; (start, end) minutes of the day, no overnight shifts.
    hours: [Vec<(u32, u32)>; 7],
    holidays: Vec<NaiveDate>,
}

impl MinuteWalker {
    fn is_open(&self, t: DateTime<Utc>) -> bool {
        let local = t.with_timezone(&self.tz);
        if self.holidays.contains(&local.date_naive()) {
            return false;
        }
        let minute = local.hour() * 60 + local.minute();
        let day = local.weekday().num_days_from_monday() as usize;
        self.hours[day]
            .iter()
            .any(|&(s, e)| s <= minute && minute < e)
    }

    fn add(&self, start: DateTime<Utc>, business: TimeDelta) -> DateTime<Utc> {
        let mut rem = business.num_minutes();
        let mut t = start;
        while rem > 0 {
            if self.is_open(t) {
                rem -= 1;
            }
            t += TimeDelta::minutes(1);
        }
        t
    }
}

impl MinuteWalker {
    /// Business days the naive way: one local date at a time, each open unless
    /// a holiday or a weekday without hours; the same local time, clamped to
    /// the day's hours. `start` must be open.
    fn add_days(&self, start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        let local = start.with_timezone(&self.tz).naive_local();
        let minute = local.hour() * 60 + local.minute();
        let mut date = local.date();
        let mut count = 0;
        loop {
            date = date.succ_opt().unwrap();
            let hours = &self.hours[date.weekday().num_days_from_monday() as usize];
            if hours.is_empty() || self.holidays.contains(&date) {
                continue;
            }
            count += 1;
            if count == days {
                let first = hours.first().unwrap().0;
                let last = hours.last().unwrap().1;
                let m = minute.clamp(first, last);
                let t = date.and_hms_opt(m / 60, m % 60, 0).unwrap();
                return self
                    .tz
                    .from_local_datetime(&t)
                    .earliest()
                    .unwrap()
                    .with_timezone(&Utc);
            }
        }
    }
}

fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|e| panic!("{rfc3339}: {e}"))
}

fn business_hours() -> (Calendar, MinuteWalker) {
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let holidays: Vec<NaiveDate> = HOLIDAYS.iter().map(|d| d.parse().unwrap()).collect();
    let mut spec = CalendarSpec::new("berlin_support", "Europe/Berlin");
    for day in weekdays {
        spec = spec.with_hours(day, ["09:00-12:30", "13:30-18:00"]);
    }
    for h in &holidays {
        spec = spec.with_holiday(*h);
    }
    let calendar = Calendar::try_from(spec).unwrap();
    let mut hours: [Vec<(u32, u32)>; 7] = Default::default();
    for day in hours.iter_mut().take(5) {
        *day = vec![(540, 750), (810, 1080)];
    }
    let walker = MinuteWalker {
        tz: chrono_tz::Europe::Berlin,
        hours,
        holidays,
    };
    (calendar, walker)
}

fn always_open() -> (Calendar, MinuteWalker) {
    let walker = MinuteWalker {
        tz: Tz::UTC,
        hours: std::array::from_fn(|_| vec![(0, 1440)]),
        holidays: Vec::new(),
    };
    (Calendar::always_open(), walker)
}

fn deadline(c: &mut Criterion) {
    let mut group = c.benchmark_group("deadline");
    group.sample_size(20);
    let cases = [
        (
            "24x7_1h",
            always_open(),
            "2026-12-14T10:17:00Z",
            TimeDelta::hours(1),
        ),
        (
            "business_1h",
            business_hours(),
            "2026-12-14T10:17:00Z",
            TimeDelta::hours(1),
        ),
        (
            "business_30d_holidays",
            business_hours(),
            "2026-12-14T10:17:00Z",
            TimeDelta::days(30),
        ),
    ];
    for (name, (calendar, walker), start, business) in cases {
        let start = at(start);
        // Both must agree before either is timed.
        let expected = walker.add(start, business);
        assert_eq!(calendar.add(start, business), Ok(expected), "{name}");
        group.bench_function(format!("{name}/odr-guard"), |b| {
            b.iter(|| {
                let due = calendar.add(black_box(start), black_box(business));
                assert_eq!(due, Ok(expected));
                due
            })
        });
        group.bench_function(format!("{name}/minute-walker"), |b| {
            b.iter(|| {
                let due = walker.add(black_box(start), black_box(business));
                assert_eq!(due, expected);
                due
            })
        });
    }
    group.finish();
}

fn business_days(c: &mut Criterion) {
    let mut group = c.benchmark_group("business_days");
    group.sample_size(20);
    let (calendar, walker) = business_hours();
    let start = at("2026-12-14T10:17:00Z");
    for days in [3u32, 250] {
        let expected = walker.add_days(start, days);
        assert_eq!(
            calendar.add_business_days(start, days),
            Ok(expected),
            "{days}"
        );
        group.bench_function(format!("{days}d/odr-guard"), |b| {
            b.iter(|| {
                let due = calendar.add_business_days(black_box(start), black_box(days));
                assert_eq!(due, Ok(expected));
                due
            })
        });
        group.bench_function(format!("{days}d/day-walker"), |b| {
            b.iter(|| {
                let due = walker.add_days(black_box(start), black_box(days));
                assert_eq!(due, expected);
                due
            })
        });
    }
    group.finish();
}

criterion_group!(benches, deadline, business_days);
criterion_main!(benches);
