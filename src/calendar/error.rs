//! The calendar module's two error types: building a calendar
//! ([`CalendarError`]) and computing on a built one ([`CalendarComputeError`]).

use chrono::{DateTime, NaiveDateTime, TimeDelta, Utc};

/// Why a [`Calendar`](crate::Calendar) could not be built from a
/// [`CalendarSpec`](crate::CalendarSpec).
///
/// Computations on a built calendar fail with [`CalendarComputeError`] instead.
///
/// Every message is one lower-case sentence that names the calendar and the field
/// (or the argument) that was wrong, e.g.
/// ``calendar `berlin`: hours.mon: `09:00-09:00` has zero length``.
///
/// ```
/// use chrono::Weekday;
/// use odr_guard::{Calendar, CalendarError, CalendarSpec};
///
/// let spec = CalendarSpec::new("berlin", "Europe/Berlin").with_hours(Weekday::Mon, ["09:00-09:00"]);
/// let err = Calendar::try_from(spec).err().ok_or("expected an error")?;
/// assert!(matches!(err, CalendarError::BadHours { .. }));
/// assert_eq!(err.to_string(), "calendar `berlin`: hours.mon: `09:00-09:00` has zero length");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The calendar's name is empty.
    #[error("calendar ``: name must not be empty")]
    EmptyName,
    /// `time_zone` is not an IANA time zone name known to `chrono-tz`.
    #[error("calendar `{calendar}`: time_zone: unknown time zone `{zone}`")]
    UnknownTimeZone {
        /// The calendar's name.
        calendar: String,
        /// The name that was not recognised.
        zone: String,
    },
    /// A weekly interval is malformed, empty or starts at `24:00`.
    #[error("calendar `{calendar}`: hours.{day}: `{value}` {problem}")]
    BadHours {
        /// The calendar's name.
        calendar: String,
        /// The weekday field (`mon` ... `sun`).
        day: String,
        /// The interval text as written.
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// Two weekly intervals overlap (an overnight shift may spill into the next
    /// day's intervals, and Sunday's into Monday's).
    #[error("calendar `{calendar}`: {first} overlaps {second}")]
    Overlap {
        /// The calendar's name.
        calendar: String,
        /// The earlier interval, as ``hours.mon `09:00-12:00` ``.
        first: String,
        /// The later interval.
        second: String,
    },
    /// A closure or opening does not end after it starts.
    #[error("calendar `{calendar}`: {field}: end {end} is not after start {start}")]
    BadRange {
        /// The calendar's name.
        calendar: String,
        /// The field, as `closures[0]` or `openings[2]`.
        field: String,
        /// The local start as written.
        start: NaiveDateTime,
        /// The local end as written.
        end: NaiveDateTime,
    },
    /// A holiday, closure or opening lies too close to the limits of the supported
    /// date range to be placed on the time line.
    #[error("calendar `{calendar}`: {field}: date is outside the supported range")]
    DateOutOfRange {
        /// The calendar's name.
        calendar: String,
        /// The field, as `holidays[3]` or `closures[0]`.
        field: String,
    },
    /// The calendar is never open: no weekly hours and no (non-empty, not closed)
    /// openings, so no deadline on it could ever come.
    #[error("calendar `{calendar}`: hours: no open time at all (no weekly hours and no openings)")]
    NoOpenHours {
        /// The calendar's name.
        calendar: String,
    },
}

/// Why a computation on a built [`Calendar`](crate::Calendar) has no answer:
/// a bad argument, no open time left, or a result outside the instants `chrono`
/// can represent.
///
/// Every message is one lower-case sentence that names the calendar, the
/// operation and the argument or limit, e.g.
/// ``calendar `berlin`: add: business duration -PT3600S is negative``.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use odr_guard::{Calendar, CalendarComputeError};
///
/// let cal = Calendar::always_open();
/// let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("time")?;
/// let err = cal.add(now, TimeDelta::hours(-1)).err().ok_or("expected an error")?;
/// assert!(matches!(err, CalendarComputeError::NegativeDuration { .. }));
/// assert_eq!(err.to_string(), "calendar `always_open`: add: business duration -PT3600S is negative");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarComputeError {
    /// [`Calendar::add`](crate::Calendar::add) was given a negative duration.
    #[error("calendar `{calendar}`: add: business duration {business} is negative")]
    NegativeDuration {
        /// The calendar's name.
        calendar: String,
        /// The duration given.
        business: TimeDelta,
    },
    /// [`Calendar::between`](crate::Calendar::between) was given `to` before `from`.
    #[error("calendar `{calendar}`: between: to ({to}) is before from ({from})")]
    InvertedRange {
        /// The calendar's name.
        calendar: String,
        /// The start given.
        from: DateTime<Utc>,
        /// The end given.
        to: DateTime<Utc>,
    },
    /// The calendar has no open time left at or after `after`: it has no weekly
    /// hours and its last one-off opening is over.
    #[error("calendar `{calendar}`: {operation}: never open at or after {after} (no weekly hours and no later openings)")]
    NeverOpens {
        /// The calendar's name.
        calendar: String,
        /// The operation (`add`, `next_open` or `add_business_days`).
        operation: &'static str,
        /// The instant from which the calendar stays closed.
        after: DateTime<Utc>,
    },
    /// The answer lies outside the range of instants `chrono` can represent.
    #[error("calendar `{calendar}`: {operation}: result is outside the supported date range")]
    OutOfRange {
        /// The calendar's name.
        calendar: String,
        /// The operation (`add`, `between`, `next_open` or `add_business_days`).
        operation: &'static str,
    },
}
