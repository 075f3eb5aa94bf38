//! The plain serde form of a calendar, as policy files hold it.

use chrono::{NaiveDate, NaiveDateTime, Weekday};
use serde::{Deserialize, Serialize};

/// The plain, serialisable form of a [`Calendar`](crate::Calendar): what a TOML or
/// JSON policy file holds. Convert it with [`Calendar::try_from`](crate::Calendar),
/// which validates everything; convert back with `CalendarSpec::from(&calendar)`.
///
/// In TOML, one calendar reads:
///
/// ```toml
/// name = "berlin_support"
/// time_zone = "Europe/Berlin"
/// holidays = ["2026-12-24", "2026-12-25", "2026-12-26", "2027-01-01"]
///
/// [hours]
/// mon = ["09:00-12:30", "13:30-18:00"]   # split shift
/// tue = ["09:00-18:00"]
/// sat = ["22:00-06:00"]                  # overnight: Sat 22:00 to Sun 06:00
///
/// [[closures]]                           # one-off, local times
/// start = "2026-12-31T13:00"
/// end = "2027-01-01T00:00"
///
/// [[openings]]
/// start = "2026-12-20T10:00"
/// end = "2026-12-20T16:00"
/// ```
///
/// ```
/// use chrono::{NaiveDate, Weekday};
/// use odr_guard::{Calendar, CalendarSpec};
///
/// let spec = CalendarSpec::new("berlin_support", "Europe/Berlin")
///     .with_hours(Weekday::Mon, ["09:00-12:30", "13:30-18:00"])
///     .with_holiday(NaiveDate::from_ymd_opt(2026, 12, 25).ok_or("date")?);
/// let calendar = Calendar::try_from(spec.clone())?;
/// assert_eq!(CalendarSpec::from(&calendar), spec);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CalendarSpec {
    /// The calendar's name, referred to by policies and shown in explanations.
    pub name: String,
    /// An IANA time zone name such as `Europe/Berlin`; weekly hours, holidays,
    /// closures and openings are local times in this zone.
    pub time_zone: String,
    /// Local dates on which the intervals that *start* on that date are closed (an
    /// overnight shift that starts the evening before still runs into the holiday
    /// morning; one that starts on the holiday evening is closed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<NaiveDate>,
    /// The weekly open hours.
    #[serde(default)]
    pub hours: WeeklyHoursSpec,
    /// One-off closed spans (local times). Closures override everything.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closures: Vec<LocalRangeSpec>,
    /// One-off open spans (local times). Openings override holidays and weekly
    /// hours, but not closures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub openings: Vec<LocalRangeSpec>,
}

impl CalendarSpec {
    /// A calendar spec with no hours, holidays, closures or openings yet (which is
    /// not valid until it gets some open time).
    pub fn new(name: impl Into<String>, time_zone: impl Into<String>) -> CalendarSpec {
        CalendarSpec {
            name: name.into(),
            time_zone: time_zone.into(),
            holidays: Vec::new(),
            hours: WeeklyHoursSpec::default(),
            closures: Vec::new(),
            openings: Vec::new(),
        }
    }

    /// Sets the open intervals of one weekday (`"09:00-17:00"`, `"22:00-06:00"`).
    #[must_use]
    pub fn with_hours<I, S>(mut self, day: Weekday, intervals: I) -> CalendarSpec
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        *self.hours.day_mut(day) = intervals.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a holiday.
    #[must_use]
    pub fn with_holiday(mut self, date: NaiveDate) -> CalendarSpec {
        self.holidays.push(date);
        self
    }

    /// Adds a one-off closure from `start` to `end` (local times).
    #[must_use]
    pub fn with_closure(mut self, start: NaiveDateTime, end: NaiveDateTime) -> CalendarSpec {
        self.closures.push(LocalRangeSpec { start, end });
        self
    }

    /// Adds a one-off opening from `start` to `end` (local times).
    #[must_use]
    pub fn with_opening(mut self, start: NaiveDateTime, end: NaiveDateTime) -> CalendarSpec {
        self.openings.push(LocalRangeSpec { start, end });
        self
    }
}

/// Weekly open hours: for each weekday, a list of local intervals `"HH:MM-HH:MM"`.
///
/// * `"24:00"` is accepted as an end time; a start must be `00:00` to `23:59`.
/// * An end *before* the start (`"22:00-06:00"`) is an overnight shift that ends on
///   the next day (Sunday's ends on Monday). An end equal to the start
///   (`"09:00-09:00"`) is an error, not a 24-hour shift: write `"00:00-24:00"`.
/// * Intervals must not overlap, within a day or across days (an overnight spill
///   into the next day's first interval is an overlap); touching is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHoursSpec {
    /// Monday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mon: Vec<String>,
    /// Tuesday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tue: Vec<String>,
    /// Wednesday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub wed: Vec<String>,
    /// Thursday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thu: Vec<String>,
    /// Friday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fri: Vec<String>,
    /// Saturday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sat: Vec<String>,
    /// Sunday.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sun: Vec<String>,
}

impl WeeklyHoursSpec {
    /// The intervals of one weekday.
    pub fn day(&self, day: Weekday) -> &[String] {
        match day {
            Weekday::Mon => &self.mon,
            Weekday::Tue => &self.tue,
            Weekday::Wed => &self.wed,
            Weekday::Thu => &self.thu,
            Weekday::Fri => &self.fri,
            Weekday::Sat => &self.sat,
            Weekday::Sun => &self.sun,
        }
    }

    /// The intervals of one weekday, for changing them.
    pub fn day_mut(&mut self, day: Weekday) -> &mut Vec<String> {
        match day {
            Weekday::Mon => &mut self.mon,
            Weekday::Tue => &mut self.tue,
            Weekday::Wed => &mut self.wed,
            Weekday::Thu => &mut self.thu,
            Weekday::Fri => &mut self.fri,
            Weekday::Sat => &mut self.sat,
            Weekday::Sun => &mut self.sun,
        }
    }

    /// Whether no weekday has any interval.
    pub fn is_empty(&self) -> bool {
        WEEK.iter().all(|d| self.day(*d).is_empty())
    }
}

/// The weekdays in calendar order, Monday first.
pub(crate) const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The field name of a weekday (`mon` ... `sun`).
pub(crate) const fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    }
}

/// A one-off span of local time, `start` inclusive, `end` exclusive.
///
/// Serialised as strings `"YYYY-MM-DDTHH:MM"` (seconds are accepted and written
/// only when not zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalRangeSpec {
    /// The local start.
    #[serde(with = "local_minute")]
    pub start: NaiveDateTime,
    /// The local end.
    #[serde(with = "local_minute")]
    pub end: NaiveDateTime,
}

impl LocalRangeSpec {
    /// A span from `start` to `end`.
    pub const fn new(start: NaiveDateTime, end: NaiveDateTime) -> LocalRangeSpec {
        LocalRangeSpec { start, end }
    }
}

/// Serde for local date-times written to the minute (`2026-12-31T13:00`).
mod local_minute {
    use chrono::{NaiveDateTime, Timelike};
    use serde::{Deserialize, Deserializer, Serializer};

    const MINUTE: &str = "%Y-%m-%dT%H:%M";

    pub(super) fn serialize<S: Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        if t.second() == 0 && t.nanosecond() == 0 {
            s.collect_str(&t.format(MINUTE))
        } else {
            s.collect_str(&t.format("%Y-%m-%dT%H:%M:%S%.f"))
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        let text = String::deserialize(d)?;
        NaiveDateTime::parse_from_str(&text, MINUTE)
            .or_else(|_| text.parse::<NaiveDateTime>())
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "`{text}` is not a local date-time like `2026-12-31T13:00`"
                ))
            })
    }
}

/// One parsed weekly interval, in minutes from the local midnight of its weekday;
/// `end` may exceed 1440 for an overnight shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interval {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// Parses `"HH:MM-HH:MM"`; the error is the problem, phrased to follow the value.
pub(crate) fn parse_interval(text: &str) -> Result<Interval, &'static str> {
    const SHAPE: &str = "is not `HH:MM-HH:MM`";
    let (a, b) = text.split_once('-').ok_or(SHAPE)?;
    let start = parse_clock(a.trim()).ok_or(SHAPE)?;
    let end = parse_clock(b.trim()).ok_or(SHAPE)?;
    if start >= 1440 {
        return Err("starts at 24:00 (a start must be 00:00 to 23:59)");
    }
    match end.cmp(&start) {
        std::cmp::Ordering::Equal => Err("has zero length"),
        std::cmp::Ordering::Greater => Ok(Interval { start, end }),
        std::cmp::Ordering::Less => Ok(Interval {
            start,
            end: end + 1440,
        }),
    }
}

/// `HH:MM` with two digits each, `00:00` to `24:00`, in minutes.
fn parse_clock(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    match (h, m) {
        (24, 0) => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// Formats minutes from midnight as `HH:MM` (`1440` as `24:00`).
pub(crate) fn format_clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The canonical text of an interval.
pub(crate) fn format_interval(i: Interval) -> String {
    let end = if i.end > 1440 { i.end - 1440 } else { i.end };
    format!("{}-{}", format_clock(i.start), format_clock(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Case = (&'static str, &'static str, Result<(u32, u32), &'static str>);

    #[test]
    fn intervals_parse_or_name_the_problem() {
        let cases: &[Case] = &[
            ("plain010", "09:00-17:00", Ok((540, 1020))),
            ("end_24_020", "18:00-24:00", Ok((1080, 1440))),
            ("whole_day030", "00:00-24:00", Ok((0, 1440))),
            ("overnight040", "22:00-06:00", Ok((1320, 1800))),
            ("to_midnight050", "22:00-00:00", Ok((1320, 1440))),
            ("spaces060", "09:00 - 17:00", Ok((540, 1020))),
            ("zero070", "09:00-09:00", Err("has zero length")),
            (
                "start_24_080",
                "24:00-06:00",
                Err("starts at 24:00 (a start must be 00:00 to 23:59)"),
            ),
            ("one_digit090", "9:00-17:00", Err("is not `HH:MM-HH:MM`")),
            ("minutes100", "09:60-17:00", Err("is not `HH:MM-HH:MM`")),
            ("hour110", "25:00-26:00", Err("is not `HH:MM-HH:MM`")),
            ("no_dash120", "09:00", Err("is not `HH:MM-HH:MM`")),
            ("sign130", "+9:00-17:00", Err("is not `HH:MM-HH:MM`")),
            ("empty140", "", Err("is not `HH:MM-HH:MM`")),
            ("past_24_150", "09:00-24:01", Err("is not `HH:MM-HH:MM`")),
        ];
        for (name, text, want) in cases {
            let got = parse_interval(text).map(|i| (i.start, i.end));
            assert_eq!(&got, want, "{name}: {text}");
        }
    }

    #[test]
    fn intervals_format_back() {
        for text in ["09:00-17:00", "22:00-06:00", "00:00-24:00", "18:30-24:00"] {
            let i = parse_interval(text).unwrap();
            assert_eq!(format_interval(i), text);
        }
    }
}
