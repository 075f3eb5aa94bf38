//! Business-hours calendars and calendar arithmetic: when is a help desk open, and
//! when does `n` hours of open time after an instant run out?
//!
//! The rules are documented on [`Calendar`].

mod engine;
mod error;
mod spec;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use self::engine::{
    date_day, day_date, day_span, instant_ns, ns_instant, resolve, split_ns, Engine, Parts, Stop,
    NS,
};
pub(crate) use self::engine::{day_end, ZoneTable};

pub use self::error::{CalendarComputeError, CalendarError};
use self::spec::{day_name, format_interval, parse_interval, Interval, WEEK};
pub use self::spec::{CalendarSpec, LocalRangeSpec, WeeklyHoursSpec};

/// A named business calendar: an IANA time zone, weekly hours (several intervals a
/// weekday, overnight shifts), holidays, one-off closures and openings.
///
/// Built only through validation ([`Calendar::try_from`] a [`CalendarSpec`], or
/// [`Calendar::always_open`]), so a `Calendar` is always usable: it has open time,
/// and every computation either answers or returns a [`CalendarComputeError`], never
/// panics or loops forever. It is cheap to clone (an `Arc` inside) and
/// `Send + Sync`. Equality compares the calendars' (canonical) specs.
///
/// # Rules
///
/// * **Weekly hours** are local intervals per weekday (several a day; an end before
///   the start is an overnight shift into the next day). See [`WeeklyHoursSpec`].
/// * **Holidays** close the weekly intervals that *start* on that local date. An
///   overnight shift that starts the evening before a holiday still runs into the
///   holiday morning; one that starts on the holiday evening is closed.
/// * **Openings** are one-off open spans: they override holidays and weekly hours.
/// * **Closures** are one-off closed spans: they override everything.
/// * **Daylight saving time.** Local times are resolved to instants with the zone's
///   rules for each instant (`chrono-tz`), never a stored offset. A local time
///   that does not exist (in a spring-forward gap) means the instant the gap ends;
///   a local time that exists twice (in a fall-back fold) means its earlier
///   instant. An interval covers the instants from its resolved start to its
///   resolved end, so a local `01:30-03:30` on a spring-forward night is an hour
///   shorter, on a fall-back night an hour longer, and an interval that starts in
///   a gap starts when the gap ends. The same rule places closures, openings and
///   holiday days on the time line.
/// * Times are exact to the nanosecond; leap seconds are ignored.
///
/// # Cost
///
/// The cost of [`add`](Calendar::add) and [`between`](Calendar::between) grows
/// with the number of closures, openings and daylight-saving changes crossed
/// (holidays cost a binary search), not with the length of the span: weekly hours
/// are counted with prefix sums, so a year costs what an hour costs.
/// [`add_business_days`](Calendar::add_business_days) tests days one by one
/// only near holidays, closures, openings and daylight-saving changes, and
/// crosses regular weeks a week at a time. Building a calendar costs about 2 ms (it reads the zone's offset changes from 1840 to 2100
/// into a table once); share it by cloning.
///
/// # Example
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc, Weekday};
/// use odr_guard::{Calendar, CalendarSpec};
///
/// let mut spec = CalendarSpec::new("berlin", "Europe/Berlin");
/// for day in [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri] {
///     spec = spec.with_hours(day, ["09:00-12:30", "13:30-18:00"]);
/// }
/// let berlin = Calendar::try_from(spec)?;
///
/// // Friday 2026-11-27 17:00 local (16:00 UTC): two business hours later is
/// // Monday 10:00 local (09:00 UTC).
/// let friday = Utc.with_ymd_and_hms(2026, 11, 27, 16, 0, 0).single().ok_or("time")?;
/// let due = berlin.add(friday, TimeDelta::hours(2))?;
/// assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).single().ok_or("time")?);
/// assert_eq!(berlin.between(friday, due)?, TimeDelta::hours(2));
/// assert!(!berlin.is_open(Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).single().ok_or("time")?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(try_from = "CalendarSpec", into = "CalendarSpec")]
pub struct Calendar {
    inner: Arc<Inner>,
}

struct Inner {
    spec: CalendarSpec,
    tz: Tz,
    always_open: bool,
    engine: Engine,
}

impl Calendar {
    /// A calendar that is always open, named `always_open`, in UTC: [`add`] is
    /// plain addition and [`between`] plain subtraction.
    ///
    /// [`add`]: Calendar::add
    /// [`between`]: Calendar::between
    ///
    /// ```
    /// use chrono::{TimeDelta, TimeZone, Utc};
    /// use odr_guard::Calendar;
    ///
    /// let cal = Calendar::always_open();
    /// let now = Utc.with_ymd_and_hms(2026, 12, 24, 23, 30, 0).single().ok_or("time")?;
    /// assert_eq!(cal.add(now, TimeDelta::hours(24))?, now + TimeDelta::hours(24));
    /// assert!(cal.is_always_open());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn always_open() -> Calendar {
        let mut spec = CalendarSpec::new("always_open", "UTC");
        for day in WEEK {
            *spec.hours.day_mut(day) = vec!["00:00-24:00".to_owned()];
        }
        Calendar {
            inner: Arc::new(Inner {
                spec,
                tz: Tz::UTC,
                always_open: true,
                engine: Engine::always_open(),
            }),
        }
    }

    /// The calendar's name.
    pub fn name(&self) -> &str {
        &self.inner.spec.name
    }

    /// The IANA name of the calendar's time zone, such as `Europe/Berlin` (`UTC`
    /// for [`Calendar::always_open`]).
    ///
    /// ```
    /// use odr_guard::{Calendar, CalendarSpec};
    ///
    /// let spec = CalendarSpec::new("tokyo", "Asia/Tokyo")
    ///     .with_hours(chrono::Weekday::Mon, ["09:00-18:00"]);
    /// assert_eq!(Calendar::try_from(spec)?.time_zone(), "Asia/Tokyo");
    /// assert_eq!(Calendar::always_open().time_zone(), "UTC");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn time_zone(&self) -> &str {
        self.inner.tz.name()
    }

    /// Whether the calendar is open 24/7: every weekday `00:00-24:00` and no
    /// holidays, closures or openings (in any zone).
    pub fn is_always_open(&self) -> bool {
        self.inner.always_open
    }

    /// The canonical spec the calendar was built from (intervals written
    /// `HH:MM-HH:MM`, holidays sorted and without duplicates).
    pub fn spec(&self) -> &CalendarSpec {
        &self.inner.spec
    }

    /// Whether the calendar is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.inner.always_open || self.inner.engine.is_open(instant_ns(at))
    }

    /// The instant when `business` of open time has elapsed after `start`. If
    /// `start` is closed, counting begins at the next opening; a result that lands
    /// exactly on the end of an open interval is that end (not the next opening).
    /// `business == 0` gives `start` itself.
    ///
    /// # Errors
    ///
    /// [`CalendarComputeError::NegativeDuration`] for a negative `business`;
    /// [`CalendarComputeError::NeverOpens`] if the calendar runs out of open time (no
    /// weekly hours and the last opening is over); [`CalendarComputeError::OutOfRange`]
    /// if the result lies past chrono's last instant.
    pub fn add(
        &self,
        start: DateTime<Utc>,
        business: TimeDelta,
    ) -> Result<DateTime<Utc>, CalendarComputeError> {
        if business < TimeDelta::zero() {
            return Err(CalendarComputeError::NegativeDuration {
                calendar: self.name().to_owned(),
                business,
            });
        }
        if business.is_zero() {
            return Ok(start);
        }
        if self.inner.always_open {
            return start
                .checked_add_signed(business)
                .ok_or_else(|| self.out_of_range("add"));
        }
        self.inner
            .engine
            .add(instant_ns(start), delta_ns(business))
            .map_err(|stop| self.stop_error(stop, "add"))
            .and_then(|ns| ns_instant(ns).ok_or_else(|| self.out_of_range("add")))
    }

    /// The open time in `[from, to)`.
    ///
    /// # Errors
    ///
    /// [`CalendarComputeError::InvertedRange`] if `to < from`.
    pub fn between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<TimeDelta, CalendarComputeError> {
        if to < from {
            return Err(CalendarComputeError::InvertedRange {
                calendar: self.name().to_owned(),
                from,
                to,
            });
        }
        if self.inner.always_open {
            return Ok(to - from);
        }
        let ns = self.inner.engine.between(instant_ns(from), instant_ns(to));
        ns_delta(ns).ok_or_else(|| self.out_of_range("between"))
    }

    /// The first instant `>= at` when the calendar is open.
    ///
    /// # Errors
    ///
    /// [`CalendarComputeError::NeverOpens`] if the calendar is closed from `at` on for
    /// good; [`CalendarComputeError::OutOfRange`] if it opens only past chrono's last
    /// instant.
    pub fn next_open(&self, at: DateTime<Utc>) -> Result<DateTime<Utc>, CalendarComputeError> {
        if self.inner.always_open {
            return Ok(at);
        }
        self.inner
            .engine
            .next_open(instant_ns(at))
            .map_err(|stop| self.stop_error(stop, "next_open"))
            .and_then(|ns| ns_instant(ns).ok_or_else(|| self.out_of_range("next_open")))
    }

    /// The deadline `days` business days after `start`, as help desks mean
    /// "resolve within 3 business days": the same local time of day, `days`
    /// open days later.
    ///
    /// Precisely:
    ///
    /// 1. If the calendar is closed at `start`, `start` moves to the next
    ///    opening ([`next_open`](Calendar::next_open)). Its local date is day 0
    ///    and its local time of day is the *time*.
    /// 2. An **open day** is a local date with any open time: weekly hours
    ///    (including the part of an overnight shift after midnight), openings;
    ///    holidays and closures take their open time away, so a date that keeps
    ///    none is not an open day.
    /// 3. The result lies on the `days`-th open day after day 0, at the time,
    ///    resolved with the calendar's daylight-saving rules (a time in a
    ///    spring-forward gap means the instant the gap ends, a repeated time its
    ///    first instant); if that day closes earlier, at its last close (the end
    ///    of its last open interval); if it opens later, at its first opening.
    ///    A time between two intervals of that day (a lunch break) stays as is:
    ///    no open time lies between it and the interval before.
    ///
    /// `days == 0` gives `start` itself, as [`add`](Calendar::add) does for a
    /// zero duration. A ticket received on Friday 18:00 by a Monday-to-Friday
    /// 09:00-17:00 desk is due within one business day on Tuesday 09:00 (counting
    /// starts on Monday 09:00), one received on Monday 10:00 on Tuesday 10:00.
    ///
    /// Help desks agree on the same time of day for a ticket that arrives during
    /// open hours. When counting starts at an opening, some name the close of
    /// the open day before instead (Freshdesk's day targets before 2026); no
    /// open time lies between the two instants, so the open time allowed is the
    /// same. [`add`](Calendar::add) with `24h × days` is another rule: it
    /// counts business *hours* (Freshdesk's day targets from 2026).
    ///
    /// The cost grows with the holidays, closures, openings and daylight-saving
    /// changes near the days crossed, not with `days`: stretches of regular
    /// weeks are crossed a week at a time.
    ///
    /// # Errors
    ///
    /// [`CalendarComputeError::NeverOpens`] if the calendar runs out of open
    /// days (no weekly hours and the last opening is over);
    /// [`CalendarComputeError::OutOfRange`] if the result lies past chrono's
    /// last date.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc, Weekday};
    /// use odr_guard::{Calendar, CalendarSpec};
    ///
    /// let mut spec = CalendarSpec::new("new_york", "America/New_York")
    ///     .with_holiday(chrono::NaiveDate::from_ymd_opt(2026, 11, 26).ok_or("date")?);
    /// for day in [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri] {
    ///     spec = spec.with_hours(day, ["09:00-17:00"]);
    /// }
    /// let cal = Calendar::try_from(spec)?;
    ///
    /// // Tuesday 2026-11-24 15:30 local (20:30 UTC), 3 business days: Wednesday,
    /// // Friday (Thanksgiving is a holiday), Monday 15:30 local.
    /// let start = Utc.with_ymd_and_hms(2026, 11, 24, 20, 30, 0).single().ok_or("time")?;
    /// let due = cal.add_business_days(start, 3)?;
    /// assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 30, 20, 30, 0).single().ok_or("time")?);
    ///
    /// // Saturday: counting starts on Monday 09:00, so one business day is Tuesday 09:00.
    /// let saturday = Utc.with_ymd_and_hms(2026, 11, 28, 15, 0, 0).single().ok_or("time")?;
    /// let due = cal.add_business_days(saturday, 1)?;
    /// assert_eq!(due, Utc.with_ymd_and_hms(2026, 12, 1, 14, 0, 0).single().ok_or("time")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_business_days(
        &self,
        start: DateTime<Utc>,
        days: u32,
    ) -> Result<DateTime<Utc>, CalendarComputeError> {
        const OP: &str = "add_business_days";
        if days == 0 {
            return Ok(start);
        }
        let from = self.next_open(start).map_err(|e| match e {
            CalendarComputeError::NeverOpens { after, .. } => CalendarComputeError::NeverOpens {
                calendar: self.name().to_owned(),
                operation: OP,
                after,
            },
            _ => self.out_of_range(OP),
        })?;
        let tz = self.inner.tz;
        let local = from.with_timezone(&tz).naive_local();
        let time = local.time();
        // Only the built-in 24/7 calendar has no engine; in UTC every date is open.
        let trivial = self.inner.always_open && tz == Tz::UTC;
        let target_date = if trivial {
            local
                .date()
                .checked_add_days(chrono::Days::new(u64::from(days)))
        } else {
            self.inner
                .engine
                .nth_open_day(tz, date_day(local.date()), days)
                .map_err(|stop| self.stop_error(stop, OP))
                .map(day_date)?
        };
        let target_date = target_date.ok_or_else(|| self.out_of_range(OP))?;
        let engine = &self.inner.engine;
        let wanted =
            resolve(tz, target_date.and_time(time)).ok_or_else(|| self.out_of_range(OP))?;
        let ns = if trivial {
            wanted
        } else {
            let (day_start, day_end) =
                day_span(tz, target_date).ok_or_else(|| self.out_of_range(OP))?;
            let first = engine
                .next_open(day_start)
                .map_err(|stop| self.stop_error(stop, OP))?;
            let open = engine.between(day_start, day_end);
            let last = engine
                .add(day_start, open)
                .map_err(|stop| self.stop_error(stop, OP))?;
            wanted.clamp(first, last.max(first))
        };
        ns_instant(ns).ok_or_else(|| self.out_of_range(OP))
    }

    /// What `[from, to)` skipped: the total closed time, the holidays whose local
    /// day overlaps the span and the number of closures that overlap it. An empty
    /// or inverted span skips nothing.
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
    /// use odr_guard::{Calendar, CalendarSpec};
    ///
    /// let date = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
    /// let mut spec = CalendarSpec::new("berlin", "Europe/Berlin")
    ///     .with_holiday(date(12, 25)?)
    ///     .with_holiday(date(12, 26)?);
    /// for day in [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri] {
    ///     spec = spec.with_hours(day, ["09:00-17:00"]);
    /// }
    /// let cal = Calendar::try_from(spec)?;
    /// let from = Utc.with_ymd_and_hms(2026, 12, 24, 12, 0, 0).single().ok_or("time")?;
    /// let due = cal.add(from, TimeDelta::hours(8))?;
    /// let skipped = cal.skipped(from, due);
    /// assert_eq!(skipped.holidays, [date(12, 25)?, date(12, 26)?]);
    /// assert_eq!(skipped.closed + TimeDelta::hours(8), due - from);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn skipped(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Skipped {
        if to <= from || self.inner.always_open {
            return Skipped::default();
        }
        let (a, b) = (instant_ns(from), instant_ns(to));
        let engine = &self.inner.engine;
        let closed = ns_delta(b - a - engine.between(a, b)).unwrap_or(TimeDelta::MAX);
        Skipped {
            closed,
            holidays: engine.holidays_in(a, b),
            closures: engine.closures_in(a, b),
        }
    }

    fn stop_error(&self, stop: Stop, operation: &'static str) -> CalendarComputeError {
        match stop {
            Stop::NeverOpens(at) => match ns_instant(at) {
                Some(after) => CalendarComputeError::NeverOpens {
                    calendar: self.name().to_owned(),
                    operation,
                    after,
                },
                None => self.out_of_range(operation),
            },
            Stop::OutOfRange => self.out_of_range(operation),
        }
    }

    fn out_of_range(&self, operation: &'static str) -> CalendarComputeError {
        CalendarComputeError::OutOfRange {
            calendar: self.name().to_owned(),
            operation,
        }
    }
}

/// A duration as nanoseconds.
fn delta_ns(d: TimeDelta) -> i128 {
    i128::from(d.num_seconds()) * NS + i128::from(d.subsec_nanos())
}

/// Nanoseconds as a duration, if it fits.
fn ns_delta(ns: i128) -> Option<TimeDelta> {
    let (secs, nanos) = split_ns(ns)?;
    TimeDelta::new(secs, nanos)
}

/// What a span of time skipped, for explanations such as "skipped 2 holidays:
/// 2026-12-25, 2026-12-26". Returned by [`Calendar::skipped`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Skipped {
    /// The closed time in the span.
    pub closed: TimeDelta,
    /// The holidays whose local day overlaps the span, in date order.
    pub holidays: Vec<NaiveDate>,
    /// How many of the calendar's closures overlap the span.
    pub closures: usize,
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Calendar) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner.spec == other.inner.spec
    }
}

impl Eq for Calendar {}

impl Hash for Calendar {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.inner.spec.hash(state);
    }
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spec = &self.inner.spec;
        f.debug_struct("Calendar")
            .field("name", &spec.name)
            .field("time_zone", &spec.time_zone)
            .field("hours", &spec.hours)
            .field("holidays", &spec.holidays)
            .field("closures", &spec.closures)
            .field("openings", &spec.openings)
            .finish()
    }
}

impl From<&Calendar> for CalendarSpec {
    fn from(calendar: &Calendar) -> CalendarSpec {
        calendar.inner.spec.clone()
    }
}

impl From<Calendar> for CalendarSpec {
    fn from(calendar: Calendar) -> CalendarSpec {
        calendar.inner.spec.clone()
    }
}

impl TryFrom<CalendarSpec> for Calendar {
    type Error = CalendarError;

    /// Validates a spec: see [`CalendarError`] for what is rejected.
    fn try_from(spec: CalendarSpec) -> Result<Calendar, CalendarError> {
        build(spec)
    }
}

impl TryFrom<&CalendarSpec> for Calendar {
    type Error = CalendarError;

    fn try_from(spec: &CalendarSpec) -> Result<Calendar, CalendarError> {
        build(spec.clone())
    }
}

fn build(mut spec: CalendarSpec) -> Result<Calendar, CalendarError> {
    if spec.name.is_empty() {
        return Err(CalendarError::EmptyName);
    }
    let name = spec.name.clone();
    let tz: Tz = spec
        .time_zone
        .parse()
        .map_err(|_| CalendarError::UnknownTimeZone {
            calendar: name.clone(),
            zone: spec.time_zone.clone(),
        })?;

    // Weekly hours: parse, sort, check overlaps (across days too), canonicalise.
    let mut days: [Vec<Interval>; 7] = Default::default();
    let mut all: Vec<(u32, u32, &'static str, Interval)> = Vec::new();
    for (d, (day, parsed)) in (0u32..).zip(WEEK.into_iter().zip(days.iter_mut())) {
        for text in spec.hours.day(day) {
            let i = parse_interval(text).map_err(|problem| CalendarError::BadHours {
                calendar: name.clone(),
                day: day_name(day).to_owned(),
                value: text.clone(),
                problem,
            })?;
            parsed.push(i);
            all.push((d * 1440 + i.start, d * 1440 + i.end, day_name(day), i));
        }
        parsed.sort_unstable_by_key(|i| i.start);
    }
    all.sort_unstable_by_key(|x| x.0);
    let describe =
        |x: &(u32, u32, &str, Interval)| format!("hours.{} `{}`", x.2, format_interval(x.3));
    for pair in all.windows(2) {
        if let [a, b] = pair {
            if b.0 < a.1 {
                return Err(CalendarError::Overlap {
                    calendar: name.clone(),
                    first: describe(a),
                    second: describe(b),
                });
            }
        }
    }
    if let (Some(first), Some(last)) = (all.first(), all.last()) {
        const WEEK_MINUTES: u32 = 7 * 1440;
        if last.1 > WEEK_MINUTES && last.1 - WEEK_MINUTES > first.0 && all.len() > 1 {
            return Err(CalendarError::Overlap {
                calendar: name.clone(),
                first: describe(last),
                second: describe(first),
            });
        }
    }
    for (day, parsed) in WEEK.into_iter().zip(days.iter()) {
        *spec.hours.day_mut(day) = parsed.iter().map(|i| format_interval(*i)).collect();
    }

    spec.holidays.sort_unstable();
    spec.holidays.dedup();
    let mut holiday_days = Vec::with_capacity(spec.holidays.len());
    for (n, date) in spec.holidays.iter().enumerate() {
        let (start, end) = day_span(tz, *date).ok_or_else(|| CalendarError::DateOutOfRange {
            calendar: name.clone(),
            field: format!("holidays[{n}]"),
        })?;
        holiday_days.push((*date, start, end));
    }
    let closures = resolve_ranges(&name, tz, "closures", &spec.closures)?;
    let openings = resolve_ranges(&name, tz, "openings", &spec.openings)?;

    let always_open = spec.holidays.is_empty()
        && spec.closures.is_empty()
        && spec.openings.is_empty()
        && WEEK
            .into_iter()
            .all(|d| spec.hours.day(d) == ["00:00-24:00".to_owned()]);
    // A 24/7 calendar in a zone other than UTC keeps its engine for
    // `add_business_days`, which needs the zone's days.
    let engine = if always_open && tz == Tz::UTC {
        Engine::always_open()
    } else {
        Engine::new(Parts {
            tz,
            days: &days,
            holidays: &spec.holidays,
            closures,
            openings,
            holiday_days,
        })
    };
    if !always_open && !engine.has_open_time() {
        return Err(CalendarError::NoOpenHours { calendar: name });
    }
    Ok(Calendar {
        inner: Arc::new(Inner {
            spec,
            tz,
            always_open,
            engine,
        }),
    })
}

fn resolve_ranges(
    name: &str,
    tz: Tz,
    field: &str,
    ranges: &[LocalRangeSpec],
) -> Result<Vec<(i128, i128)>, CalendarError> {
    ranges
        .iter()
        .enumerate()
        .map(|(n, r)| {
            if r.end <= r.start {
                return Err(CalendarError::BadRange {
                    calendar: name.to_owned(),
                    field: format!("{field}[{n}]"),
                    start: r.start,
                    end: r.end,
                });
            }
            match (resolve(tz, r.start), resolve(tz, r.end)) {
                (Some(s), Some(e)) => Ok((s, e)),
                _ => Err(CalendarError::DateOutOfRange {
                    calendar: name.to_owned(),
                    field: format!("{field}[{n}]"),
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_traits<
        T: Send + Sync + Clone + fmt::Debug + std::panic::UnwindSafe + std::panic::RefUnwindSafe,
    >() {
    }

    #[test]
    fn public_types_are_send_sync_clone_debug() {
        assert_traits::<Calendar>();
        assert_traits::<CalendarSpec>();
        assert_traits::<WeeklyHoursSpec>();
        assert_traits::<LocalRangeSpec>();
        assert_traits::<Skipped>();
        assert_traits::<CalendarError>();
        assert_traits::<CalendarComputeError>();
    }
}
