//! The arithmetic behind [`Calendar`](crate::Calendar): instants as `i128`
//! nanoseconds since the Unix epoch, local wall-clock times likewise (the local
//! date-time read as if it were UTC).
//!
//! The time line is cut into *pieces*, each of which is either all open, all closed,
//! or follows the weekly pattern under one fixed UTC offset. Within a pattern piece,
//! open time is counted with prefix sums over the weekly intervals, so crossing any
//! number of whole weeks costs the same as crossing one: the cost of `add` and
//! `between` grows with the number of holidays, closures, openings and offset
//! changes crossed, never with minutes, days or weeks.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::{GapInfo, Tz};

use super::spec::Interval;

/// Nanoseconds in a second.
pub(crate) const NS: i128 = 1_000_000_000;
const MINUTE: i128 = 60 * NS;
const DAY: i128 = 86_400 * NS;
const WEEK: i128 = 7 * DAY;
/// Local 1970-01-05T00:00, a Monday: where pattern weeks begin.
const MONDAY: i128 = 4 * DAY;

/// `a / b` rounded down; `b > 0`. Uses 64-bit division when it can.
fn div_floor(a: i128, b: i128) -> i128 {
    match (i64::try_from(a), i64::try_from(b)) {
        (Ok(a), Ok(b)) => i128::from(a.div_euclid(b)),
        _ => a.div_euclid(b),
    }
}

/// An instant as nanoseconds since the epoch (leap-second nanos clamped).
pub(crate) fn instant_ns(t: DateTime<Utc>) -> i128 {
    i128::from(t.timestamp()) * NS + i128::from(t.timestamp_subsec_nanos().min(999_999_999))
}

/// Nanoseconds since the epoch as an instant, if chrono can represent it.
pub(crate) fn ns_instant(ns: i128) -> Option<DateTime<Utc>> {
    let (secs, nanos) = split_ns(ns)?;
    DateTime::from_timestamp(secs, nanos)
}

/// Nanoseconds as whole seconds (rounded down) and the nanoseconds left over.
pub(crate) fn split_ns(ns: i128) -> Option<(i64, u32)> {
    let secs = div_floor(ns, NS);
    Some((
        i64::try_from(secs).ok()?,
        u32::try_from(ns - secs * NS).ok()?,
    ))
}

/// A local date-time as local nanoseconds.
fn local_ns(t: NaiveDateTime) -> i128 {
    instant_ns(t.and_utc())
}

/// One past the last instant chrono can represent.
pub(crate) fn max_ns() -> i128 {
    instant_ns(DateTime::<Utc>::MAX_UTC) + 1
}

/// The weekly open intervals, as nanoseconds from Monday 00:00, sorted, disjoint,
/// with prefix sums of open time.
#[derive(Debug, Clone, Default)]
struct Pattern {
    pieces: Vec<(i128, i128)>,
    /// `cum[i]`: open time in the week before `pieces[i]`; one longer than `pieces`.
    cum: Vec<i128>,
    total: i128,
}

impl Pattern {
    /// `days[0]` is Monday. Intervals are validated (sorted or not, disjoint).
    fn new(days: &[Vec<Interval>; 7]) -> Pattern {
        let mut raw = Vec::new();
        for (d, intervals) in (0i128..).zip(days.iter()) {
            for i in intervals {
                let start = d * DAY + i128::from(i.start) * MINUTE;
                let end = d * DAY + i128::from(i.end) * MINUTE;
                if end > WEEK {
                    raw.push((start, WEEK));
                    raw.push((0, end - WEEK));
                } else {
                    raw.push((start, end));
                }
            }
        }
        raw.sort_unstable();
        let mut pieces: Vec<(i128, i128)> = Vec::with_capacity(raw.len());
        for (s, e) in raw {
            match pieces.last_mut() {
                Some(last) if last.1 >= s => last.1 = last.1.max(e),
                _ => pieces.push((s, e)),
            }
        }
        let mut cum = Vec::with_capacity(pieces.len() + 1);
        let mut total = 0;
        cum.push(0);
        for (s, e) in &pieces {
            total += e - s;
            cum.push(total);
        }
        Pattern { pieces, cum, total }
    }

    /// Week number and position in the week of local time `l`.
    fn split(l: i128) -> (i128, i128) {
        let w = div_floor(l - MONDAY, WEEK);
        (w, l - MONDAY - w * WEEK)
    }

    /// Open time from the start of its week up to position `p` in `[0, WEEK]`.
    fn cum_at(&self, p: i128) -> i128 {
        let i = self.pieces.partition_point(|x| x.1 <= p);
        let before = self.cum.get(i).copied().unwrap_or(self.total);
        match self.pieces.get(i) {
            Some(x) if x.0 < p => before + (p - x.0),
            _ => before,
        }
    }

    /// A running count of open time: `f(b) - f(a)` is the open time in `[a, b)`.
    fn f(&self, l: i128) -> i128 {
        let (w, p) = Pattern::split(l);
        w * self.total + self.cum_at(p)
    }

    /// The smallest local time `l` with `f(l) == target`; `total > 0`.
    fn inverse(&self, target: i128) -> i128 {
        let k = div_floor(target - 1, self.total);
        let r = target - k * self.total;
        // The piece where the count reaches `r` (`0 < r <= total`).
        let i = self
            .cum
            .get(1..)
            .map_or(0, |ends| ends.partition_point(|c| *c < r));
        let (start, before) = match (self.pieces.get(i), self.cum.get(i)) {
            (Some(x), Some(c)) => (x.0, *c),
            _ => (0, 0), // unreachable for total > 0
        };
        MONDAY + k * WEEK + start + (r - before)
    }

    fn contains(&self, l: i128) -> bool {
        let (_, p) = Pattern::split(l);
        let i = self.pieces.partition_point(|x| x.1 <= p);
        self.pieces.get(i).is_some_and(|x| x.0 <= p)
    }

    /// The first local time `>= l` inside the pattern.
    fn next_open(&self, l: i128) -> Option<i128> {
        let (w, p) = Pattern::split(l);
        let base = MONDAY + w * WEEK;
        let i = self.pieces.partition_point(|x| x.1 <= p);
        match self.pieces.get(i) {
            Some(x) => Some(base + x.0.max(p)),
            None => self.pieces.first().map(|x| base + WEEK + x.0),
        }
    }
}

/// The weekly pattern minus the intervals cancelled by holidays, in local time.
///
/// `g(b) - g(a)` is its open time in `[a, b)`: the pattern's count minus a prefix
/// sum over the cancelled intervals, so holidays cost a binary search, not a walk.
#[derive(Debug, Clone, Default)]
struct Weekly {
    pattern: Pattern,
    /// Local spans of weekly intervals cancelled by holidays, sorted, disjoint.
    removed: Vec<(i128, i128)>,
    /// `removed_cum[k]`: pattern open time inside `removed[..k]`; one longer.
    removed_cum: Vec<i128>,
}

impl Weekly {
    fn new(pattern: Pattern, mut removed: Vec<(i128, i128)>) -> Weekly {
        removed.sort_unstable();
        let mut removed_cum = Vec::with_capacity(removed.len() + 1);
        let mut sum = 0;
        removed_cum.push(0);
        for (s, e) in &removed {
            sum += pattern.f(*e) - pattern.f(*s);
            removed_cum.push(sum);
        }
        Weekly {
            pattern,
            removed,
            removed_cum,
        }
    }

    /// Cancelled open time before `l`.
    fn r(&self, l: i128) -> i128 {
        let k = self.removed.partition_point(|r| r.1 <= l);
        let before = self.removed_cum.get(k).copied().unwrap_or(0);
        match self.removed.get(k) {
            Some(&(rs, _)) if rs < l => before + self.pattern.f(l) - self.pattern.f(rs),
            _ => before,
        }
    }

    /// A running count of open time (weekly hours minus holidays).
    fn g(&self, l: i128) -> i128 {
        self.pattern.f(l) - self.r(l)
    }

    /// The smallest local time `l` with `g(l) == target`, given `g(from) < target`
    /// and a pattern that is not empty.
    fn inverse(&self, target: i128, from: i128) -> i128 {
        // Find the first cancelled span at or after the answer: `g` is flat across
        // cancelled spans, so the answer lies in the gap before it, where
        // `g = f - removed_cum[k]`.
        let k0 = self.removed.partition_point(|r| r.1 <= from);
        let tail = self.removed.get(k0..).unwrap_or_default();
        let cums = self.removed_cum.get(k0..).unwrap_or_default();
        let (mut lo, mut hi) = (0, tail.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let reached = match (tail.get(mid), cums.get(mid)) {
                (Some(r), Some(c)) => self.pattern.f(r.0) - c >= target,
                _ => true,
            };
            if reached {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let cum = self.removed_cum.get(k0 + lo).copied().unwrap_or(0);
        self.pattern.inverse(target + cum)
    }

    fn contains(&self, l: i128) -> bool {
        if !self.pattern.contains(l) {
            return false;
        }
        let k = self.removed.partition_point(|r| r.1 <= l);
        self.removed.get(k).is_none_or(|r| r.0 > l)
    }

    /// The first local time `>= l` that is open.
    fn next_open(&self, l: i128) -> Option<i128> {
        let mut c = self.pattern.next_open(l)?;
        let mut k = self.removed.partition_point(|r| r.1 <= c);
        while let Some(&(rs, re)) = self.removed.get(k) {
            if rs > c {
                break;
            }
            c = self.pattern.next_open(re)?;
            k += 1;
            while self.removed.get(k).is_some_and(|r| r.1 <= c) {
                k += 1;
            }
        }
        Some(c)
    }
}

/// A change of UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transition {
    /// The first instant with the new offset.
    at: i128,
    /// Offset before, nanoseconds.
    before: i128,
    /// Offset after, nanoseconds.
    after: i128,
}

/// The UTC offsets of a zone as a table of transitions.
///
/// `chrono-tz` does not expose its transition table, so it is recovered once per
/// calendar by sampling the offset every [`Zone::STEP`] seconds over the years that
/// hold transitions and bisecting each change to the second. This finds every
/// transition when no two offset changes of one zone fall into one sampling step.
///
/// That is proven, not assumed, for the chrono-tz release Cargo.toml pins
/// (`=0.10.4`, tz database 2025b): the test `zone_table_is_exact_for_every_zone`
/// reads chrono-tz's own generated data for all 597 zones and checks that the
/// table holds exactly its 65 123 changes of total UTC offset (same second, same
/// offsets on both sides), all between 1840 and 2101, so the table and chrono-tz
/// agree at every instant. The smallest gap between two changes of one zone is
/// 601 200 s (America/Boa_Vista, 2000), just above the 600 000 s step. Widen
/// the pin only after that test passes on the new release.
#[derive(Debug, Clone, Default)]
struct Zone {
    first: i128,
    transitions: Vec<Transition>,
}

impl Zone {
    const FROM: i64 = -4_102_444_800; // 1840-01-01T00:00:00Z
    const TO: i64 = 4_133_980_800; // 2101-01-01T00:00:00Z
    const STEP: i64 = 600_000;

    fn offset_at(tz: Tz, secs: i64) -> i128 {
        let utc = DateTime::from_timestamp(secs, 0).unwrap_or_default();
        i128::from(
            tz.offset_from_utc_datetime(&utc.naive_utc())
                .fix()
                .local_minus_utc(),
        ) * NS
    }

    fn new(tz: Tz) -> Zone {
        let first = Zone::offset_at(tz, Zone::FROM);
        let mut transitions = Vec::new();
        let (mut at, mut offset) = (Zone::FROM, first);
        while at < Zone::TO {
            let next = at + Zone::STEP;
            let o = Zone::offset_at(tz, next);
            if o != offset {
                let (mut lo, mut hi) = (at, next);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if Zone::offset_at(tz, mid) == offset {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                transitions.push(Transition {
                    at: i128::from(hi) * NS,
                    before: offset,
                    after: o,
                });
                offset = o;
            }
            at = next;
        }
        Zone { first, transitions }
    }

    /// The index of the first transition after `u`.
    fn index(&self, u: i128) -> usize {
        self.transitions.partition_point(|t| t.at <= u)
    }
}

/// A zone's offset changes as a table in whole seconds, for fast conversion of
/// many local dates in one zone (claim windows read marketplace dates at
/// the end of the day). Building one costs about as much as building a calendar;
/// share it.
#[derive(Debug, Clone)]
pub(crate) struct ZoneTable {
    tz: Tz,
    /// The offset before the first transition, seconds.
    first: i64,
    /// `(at, before, after)`: the first instant with the new offset (Unix
    /// seconds) and the offsets before and after it (seconds).
    transitions: Vec<(i64, i64, i64)>,
    /// For each span of `2^BUCKET_BITS` seconds from `Zone::FROM`, the index of the
    /// first transition at or after its start: a lookup is an index and a scan of
    /// a transition or two, not a binary search.
    buckets: Vec<u32>,
}

impl ZoneTable {
    /// 26 hours. No UTC offset exceeds 14 hours and a zone's transitions are days
    /// apart, so within `MAX_SHIFT` of a local time at most one transition matters.
    const MAX_SHIFT: i64 = 26 * 3_600;
    /// Buckets of about 48.5 days.
    const BUCKET_BITS: u32 = 22;

    pub(crate) fn new(tz: Tz) -> ZoneTable {
        let zone = Zone::new(tz);
        let secs = |ns: i128| i64::try_from(div_floor(ns, NS)).unwrap_or_default();
        let transitions: Vec<(i64, i64, i64)> = zone
            .transitions
            .iter()
            .map(|t| (secs(t.at), secs(t.before), secs(t.after)))
            .collect();
        let count = ((Zone::TO - Zone::FROM) >> Self::BUCKET_BITS) + 1;
        let buckets = (0..count)
            .map(|b| {
                let start = Zone::FROM + (b << Self::BUCKET_BITS);
                let i = transitions.partition_point(|t| t.0 < start);
                u32::try_from(i).unwrap_or(u32::MAX)
            })
            .collect();
        ZoneTable {
            tz,
            first: secs(zone.first),
            transitions,
            buckets,
        }
    }

    /// An index at or before the first transition after `low` (`low` within the
    /// table's years).
    fn start_index(&self, low: i64) -> usize {
        let bucket = (low.max(Zone::FROM) - Zone::FROM) >> Self::BUCKET_BITS;
        usize::try_from(bucket)
            .ok()
            .and_then(|b| self.buckets.get(b))
            .map_or(0, |&i| i as usize)
    }

    /// The instants, in Unix seconds, at which the local days `date + n` end, for
    /// each `n` of `plus` (ascending), under the rules of [`resolve`]: the end of a
    /// day is the next local midnight; a midnight in a DST gap means the instant the
    /// gap ends. `None` where chrono cannot represent the instant.
    pub(crate) fn ends_of_days<const N: usize>(
        &self,
        date: NaiveDate,
        plus: [u32; N],
    ) -> [Option<i64>; N] {
        let next = date_day(date) + 1;
        let mut from = None;
        let mut ends = [None; N];
        for (end, n) in ends.iter_mut().zip(plus) {
            let Some(l) = (next + i64::from(n)).checked_mul(86_400) else {
                continue;
            };
            *end = if (Zone::FROM..Zone::TO).contains(&l) {
                // Within the table's years: always representable.
                Some(self.resolve_secs(l, &mut from))
            } else {
                // Outside them, defer to chrono-tz itself.
                DateTime::from_timestamp(l, 0)
                    .and_then(|t| resolve(self.tz, t.naive_utc()))
                    .and_then(ns_instant)
                    .map(|t| t.timestamp())
            };
        }
        ends
    }

    /// Local wall-clock seconds `l` to Unix seconds. `from` carries the search
    /// position between calls with ascending `l`: a short scan instead of a binary
    /// search.
    fn resolve_secs(&self, l: i64, from: &mut Option<usize>) -> i64 {
        let ts = &self.transitions;
        let low = l - Self::MAX_SHIFT;
        let mut i = from.unwrap_or_else(|| self.start_index(low));
        while ts.get(i).is_some_and(|t| t.0 <= low) {
            i += 1;
        }
        *from = Some(i);
        match ts.get(i).filter(|t| t.0 < l + Self::MAX_SHIFT) {
            None => {
                let offset = i
                    .checked_sub(1)
                    .and_then(|p| ts.get(p))
                    .map_or(self.first, |t| t.2);
                l - offset
            }
            // Before the change, or a fold's first pass.
            Some(&(at, before, _)) if l < at + before => l - before,
            Some(&(at, _, after)) if l >= at + after => l - after,
            // In the gap: the instant the gap ends.
            Some(&(at, _, _)) => at,
        }
    }
}

/// Resolves a local date-time to an instant: an ambiguous time (in a fall-back
/// fold) means its earlier instant; a time in a spring-forward gap means the
/// instant the gap ends. `None` only near the limits of chrono's range.
pub(crate) fn resolve(tz: Tz, local: NaiveDateTime) -> Option<i128> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => {
            Some(instant_ns(t.with_timezone(&Utc)))
        }
        chrono::LocalResult::None => GapInfo::new(&local, &tz)
            .and_then(|gap| gap.end)
            .map(|t| instant_ns(t.with_timezone(&Utc))),
    }
}

/// A span of the time line that is open, closed, or follows the weekly hours
/// (minus holidays).
#[derive(Debug, Clone, Copy)]
enum Kind {
    Const(bool),
    /// Weekly hours minus holidays under this UTC offset (nanoseconds).
    Pattern(i128),
}

/// `[start, end)` in UTC nanoseconds.
#[derive(Debug, Clone, Copy)]
struct Piece {
    start: i128,
    end: i128,
    kind: Kind,
}

/// Why a computation stopped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// No open time at or after this instant.
    NeverOpens(i128),
    /// The answer is past chrono's last instant.
    OutOfRange,
}

/// The checked, precomputed form of a calendar.
#[derive(Debug, Clone, Default)]
pub(crate) struct Engine {
    weekly: Weekly,
    zone: Zone,
    /// UTC spans that are all open (openings) or all closed (closures), sorted,
    /// disjoint, non-empty.
    overrides: Vec<(i128, i128, bool)>,
    /// The end of the last open override (openings minus closures).
    last_open_end: Option<i128>,
    /// Each holiday with the UTC span of its local day, sorted by date.
    holiday_days: Vec<(NaiveDate, i128, i128)>,
    /// The UTC span of each closure as given (possibly empty), sorted by start.
    closures: Vec<(i128, i128)>,
    /// Local day numbers (days since 1970-01-01, local) near which a day's
    /// open time may differ from the weekly pattern's: around holidays,
    /// closures, openings and offset changes. Inclusive ranges, sorted, merged.
    irregular: Vec<(i64, i64)>,
    /// Per weekday (Monday first): whether the weekly pattern alone has open
    /// time on that local date.
    open_weekdays: [bool; 7],
    max: i128,
}

/// What [`Engine::new`] needs: the parsed spec.
pub(crate) struct Parts<'a> {
    pub(crate) tz: Tz,
    /// Monday first.
    pub(crate) days: &'a [Vec<Interval>; 7],
    /// Sorted, deduplicated.
    pub(crate) holidays: &'a [NaiveDate],
    /// UTC spans, resolved.
    pub(crate) closures: Vec<(i128, i128)>,
    /// UTC spans, resolved.
    pub(crate) openings: Vec<(i128, i128)>,
    /// Each holiday's local day as a UTC span.
    pub(crate) holiday_days: Vec<(NaiveDate, i128, i128)>,
}

/// Sorts and merges spans, dropping empty ones.
fn union(mut spans: Vec<(i128, i128)>) -> Vec<(i128, i128)> {
    spans.retain(|s| s.0 < s.1);
    spans.sort_unstable();
    let mut out: Vec<(i128, i128)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if last.1 >= s => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// `a` minus `b`; both sorted and disjoint.
fn subtract(a: &[(i128, i128)], b: &[(i128, i128)]) -> Vec<(i128, i128)> {
    let mut out = Vec::new();
    for &(s, e) in a {
        let mut s = s;
        for &(bs, be) in b.iter().skip(b.partition_point(|x| x.1 <= s)) {
            if bs >= e {
                break;
            }
            if bs > s {
                out.push((s, bs));
            }
            s = s.max(be);
            if s >= e {
                break;
            }
        }
        if s < e {
            out.push((s, e));
        }
    }
    out
}

impl Engine {
    /// A 24/7 engine needs no zone or tables: callers short-circuit.
    pub(crate) fn always_open() -> Engine {
        Engine {
            max: max_ns(),
            ..Engine::default()
        }
    }

    pub(crate) fn new(parts: Parts<'_>) -> Engine {
        let pattern = Pattern::new(parts.days);
        let zone = Zone::new(parts.tz);
        let mut removed = Vec::new();
        for h in parts.holidays {
            let midnight = local_ns(h.and_time(NaiveTime::MIN));
            let wd = h.weekday_index();
            for i in parts.days.get(wd).into_iter().flatten() {
                removed.push((
                    midnight + i128::from(i.start) * MINUTE,
                    midnight + i128::from(i.end) * MINUTE,
                ));
            }
        }
        let weekly = Weekly::new(pattern, removed);
        let closed = union(parts.closures.clone());
        let open = subtract(&union(parts.openings), &closed);
        let last_open_end = open.last().map(|o| o.1);
        let mut overrides: Vec<(i128, i128, bool)> = open
            .into_iter()
            .map(|(s, e)| (s, e, true))
            .chain(closed.into_iter().map(|(s, e)| (s, e, false)))
            .collect();
        overrides.sort_unstable();
        let mut closures = parts.closures;
        closures.sort_unstable();
        // A holiday changes its own date and the next (an overnight interval
        // that starts on it ends by the next midnight); an override or an offset
        // change, the local dates its instants can have (no UTC offset exceeds
        // 26 hours; a fold lasts hours).
        let day = |ns: i128| i64::try_from(div_floor(ns, DAY)).unwrap_or(i64::MAX);
        const SHIFT: i128 = 26 * 3_600 * NS;
        let mut irregular: Vec<(i64, i64)> = parts
            .holidays
            .iter()
            .map(|h| {
                let k = day(local_ns(h.and_time(NaiveTime::MIN)));
                (k, k.saturating_add(1))
            })
            .chain(
                overrides
                    .iter()
                    .map(|o| (day(o.0 - SHIFT), day(o.1 + SHIFT))),
            )
            .chain(
                zone.transitions
                    .iter()
                    .map(|t| (day(t.at - SHIFT), day(t.at + SHIFT))),
            )
            .collect();
        irregular.sort_unstable();
        let mut merged: Vec<(i64, i64)> = Vec::with_capacity(irregular.len());
        for (s, e) in irregular {
            match merged.last_mut() {
                Some(last) if last.1.saturating_add(1) >= s => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        let mut open_weekdays = [false; 7];
        for (w, open) in (0i128..).zip(open_weekdays.iter_mut()) {
            let start = MONDAY + w * DAY;
            *open = weekly.pattern.f(start + DAY) > weekly.pattern.f(start);
        }
        Engine {
            weekly,
            zone,
            overrides,
            last_open_end,
            holiday_days: parts.holiday_days,
            closures,
            irregular: merged,
            open_weekdays,
            max: max_ns(),
        }
    }

    /// Whether the calendar has any open time at all.
    pub(crate) fn has_open_time(&self) -> bool {
        self.weekly.pattern.total > 0 || self.last_open_end.is_some()
    }

    /// The piece of the time line that starts at `cur` (`cur < max`).
    fn piece_at(&self, cur: i128) -> Piece {
        let mut end = self.max;
        let i = self.overrides.partition_point(|o| o.1 <= cur);
        if let Some(&(s, e, open)) = self.overrides.get(i) {
            if s <= cur {
                return Piece {
                    start: cur,
                    end: e,
                    kind: Kind::Const(open),
                };
            }
            end = end.min(s);
        }
        let j = self.zone.index(cur);
        if let Some(t) = self.zone.transitions.get(j) {
            end = end.min(t.at);
        }
        let offset = match j.checked_sub(1).and_then(|p| self.zone.transitions.get(p)) {
            Some(t) => {
                let fold = t.before - t.after;
                if fold > 0 && cur < t.at + fold {
                    // The second pass through a repeated local hour: open iff a
                    // weekly interval runs from before the fold to its end or later.
                    let fold_end_local = t.at + t.before;
                    return Piece {
                        start: cur,
                        end: end.min(t.at + fold),
                        kind: Kind::Const(self.weekly.contains(fold_end_local - 1)),
                    };
                }
                t.after
            }
            None => self.zone.first,
        };
        Piece {
            start: cur,
            end,
            kind: Kind::Pattern(offset),
        }
    }

    /// Whether nothing is open at or after `cur`.
    fn closed_for_good(&self, cur: i128) -> bool {
        self.weekly.pattern.total == 0 && self.last_open_end.is_none_or(|e| e <= cur)
    }

    pub(crate) fn is_open(&self, u: i128) -> bool {
        if u >= self.max {
            return false;
        }
        let p = self.piece_at(u);
        match p.kind {
            Kind::Const(open) => open,
            Kind::Pattern(offset) => self.weekly.contains(u + offset),
        }
    }

    /// The instant when `rem` (> 0) of open time has elapsed after `start`.
    pub(crate) fn add(&self, start: i128, rem: i128) -> Result<i128, Stop> {
        let mut cur = start;
        let mut rem = rem;
        loop {
            if cur >= self.max {
                return Err(Stop::OutOfRange);
            }
            if self.closed_for_good(cur) {
                return Err(Stop::NeverOpens(cur));
            }
            let p = self.piece_at(cur);
            match p.kind {
                Kind::Const(true) => {
                    if p.end - p.start >= rem {
                        return Ok(p.start + rem);
                    }
                    rem -= p.end - p.start;
                }
                Kind::Const(false) => {}
                Kind::Pattern(offset) => {
                    let a = p.start + offset;
                    let ga = self.weekly.g(a);
                    let got = self.weekly.g(p.end + offset) - ga;
                    if got >= rem {
                        return Ok(self.weekly.inverse(ga + rem, a) - offset);
                    }
                    rem -= got;
                }
            }
            cur = p.end;
        }
    }

    /// Open time in `[from, to)`, `from <= to`.
    pub(crate) fn between(&self, from: i128, to: i128) -> i128 {
        let to = to.min(self.max);
        let mut cur = from;
        let mut sum = 0;
        while cur < to {
            if self.closed_for_good(cur) {
                break;
            }
            let p = self.piece_at(cur);
            let end = p.end.min(to);
            sum += match p.kind {
                Kind::Const(true) => end - p.start,
                Kind::Const(false) => 0,
                Kind::Pattern(offset) => {
                    self.weekly.g(end + offset) - self.weekly.g(p.start + offset)
                }
            };
            cur = end;
        }
        sum
    }

    /// The first open instant `>= at`.
    pub(crate) fn next_open(&self, at: i128) -> Result<i128, Stop> {
        let mut cur = at;
        loop {
            if cur >= self.max {
                return Err(Stop::OutOfRange);
            }
            if self.closed_for_good(cur) {
                return Err(Stop::NeverOpens(cur));
            }
            let p = self.piece_at(cur);
            match p.kind {
                Kind::Const(true) => return Ok(cur),
                Kind::Const(false) => {}
                Kind::Pattern(offset) => {
                    if let Some(l) = self.weekly.next_open(cur + offset) {
                        if l - offset < p.end {
                            return Ok(l - offset);
                        }
                    }
                }
            }
            cur = p.end;
        }
    }

    /// The local day of the `n`-th open day after local day `from` (day numbers
    /// count from 1970-01-01; `n > 0`). A day is open if its UTC span (see
    /// [`day_span`]) holds open time.
    ///
    /// Days that no holiday, closure, opening or offset change comes near are
    /// open exactly when the weekly pattern has open time on their weekday, and
    /// stretches of such days are crossed a whole week at a time; only the
    /// other days are measured. The cost grows with the irregular days crossed,
    /// not with `n`.
    pub(crate) fn nth_open_day(&self, tz: Tz, from: i64, n: u32) -> Result<i64, Stop> {
        let per_week = self.open_weekdays.iter().filter(|o| **o).count() as u64;
        let mut remaining = u64::from(n);
        let mut k = from;
        loop {
            k = k.checked_add(1).ok_or(Stop::OutOfRange)?;
            let i = self.irregular.partition_point(|r| r.1 < k);
            let room = match self.irregular.get(i) {
                Some(r) => r.0.saturating_sub(k),
                None if per_week == 0 => 0, // closed for good: the day test says so
                None => i64::MAX,
            };
            let weeks = u64::try_from(room / 7).unwrap_or(0);
            let weeks = match per_week {
                0 => weeks,
                p => weeks.min((remaining - 1) / p),
            };
            if weeks > 0 {
                let days = i64::try_from(weeks.saturating_mul(7)).map_err(|_| Stop::OutOfRange)?;
                k = k.checked_add(days).ok_or(Stop::OutOfRange)?;
                remaining -= weeks * per_week;
            }
            let regular = self
                .irregular
                .get(self.irregular.partition_point(|r| r.1 < k))
                .is_none_or(|r| r.0 > k);
            if regular && per_week > 0 {
                // 1970-01-01 was a Thursday.
                let weekday = usize::try_from((k.rem_euclid(7) + 3) % 7).unwrap_or(0);
                if self.open_weekdays.get(weekday).copied().unwrap_or(false) {
                    remaining -= 1;
                    if remaining == 0 {
                        return Ok(k);
                    }
                }
                continue;
            }
            let date = day_date(k).ok_or(Stop::OutOfRange)?;
            let (start, end) = day_span(tz, date).ok_or(Stop::OutOfRange)?;
            if start >= self.max {
                return Err(Stop::OutOfRange);
            }
            if self.closed_for_good(start) {
                return Err(Stop::NeverOpens(start));
            }
            if start < end && self.between(start, end) > 0 {
                remaining -= 1;
                if remaining == 0 {
                    return Ok(k);
                }
            }
        }
    }

    /// Holidays whose local day overlaps `[from, to)`.
    pub(crate) fn holidays_in(&self, from: i128, to: i128) -> Vec<NaiveDate> {
        let i = self.holiday_days.partition_point(|h| h.2 <= from);
        self.holiday_days
            .iter()
            .skip(i)
            .take_while(|h| h.1 < to)
            .filter(|h| h.1 < h.2)
            .map(|h| h.0)
            .collect()
    }

    /// How many closures overlap `[from, to)`.
    pub(crate) fn closures_in(&self, from: i128, to: i128) -> usize {
        self.closures
            .iter()
            .take_while(|c| c.0 < to)
            .filter(|c| c.0 < c.1 && c.1 > from)
            .count()
    }
}

/// The local day of `date` as a UTC span, in nanoseconds: from its start to the
/// start of the next day (a midnight in a DST gap means the instant the gap ends).
/// The one definition of a local day: claim windows, the marketplace zone tables
/// ([`ZoneTable::ends_of_days`], tested equal) and calendars all use it.
pub(crate) fn day_span(tz: Tz, date: NaiveDate) -> Option<(i128, i128)> {
    let next = date.succ_opt()?;
    Some((
        resolve(tz, date.and_time(NaiveTime::MIN))?,
        resolve(tz, next.and_time(NaiveTime::MIN))?,
    ))
}

/// The end of local date `date` in `tz` as an instant (see [`day_span`]).
pub(crate) fn day_end(tz: Tz, date: NaiveDate) -> Option<DateTime<Utc>> {
    let next = date.succ_opt()?;
    resolve(tz, next.and_time(NaiveTime::MIN)).and_then(ns_instant)
}

/// Days from 0001-01-01 to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// A date's local day number (days since 1970-01-01).
pub(crate) fn date_day(date: NaiveDate) -> i64 {
    i64::from(chrono::Datelike::num_days_from_ce(&date)) - UNIX_EPOCH_DAYS_FROM_CE
}

/// The date of a local day number, if chrono can represent it.
pub(crate) fn day_date(day: i64) -> Option<NaiveDate> {
    let ce = i32::try_from(day.checked_add(UNIX_EPOCH_DAYS_FROM_CE)?).ok()?;
    NaiveDate::from_num_days_from_ce_opt(ce)
}

/// Monday-first weekday index of a date.
trait WeekdayIndex {
    fn weekday_index(&self) -> usize;
}

impl WeekdayIndex for NaiveDate {
    fn weekday_index(&self) -> usize {
        use chrono::Datelike;
        self.weekday().num_days_from_monday() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One zone as chrono-tz's generated data holds it: the total UTC offset
    /// (seconds) of its first span, and each later span's start and total offset.
    type ZoneData = (i64, Vec<(i64, i64)>);

    /// Where the chrono-tz this crate is built with keeps its source: as
    /// `cargo metadata` resolves it (registry, vendored or git), or else the
    /// registry copy of the version Cargo.lock names.
    fn chrono_tz_manifest_dir() -> std::path::PathBuf {
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let metadata = std::process::Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--offline",
                "--manifest-path",
            ])
            .arg(manifest)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .and_then(|out| serde_json::from_slice::<serde_json::Value>(&out.stdout).ok());
        if let Some(meta) = metadata {
            let packages: Vec<&serde_json::Value> = meta["packages"]
                .as_array()
                .expect("packages")
                .iter()
                .filter(|p| p["name"] == "chrono-tz")
                .collect();
            assert_eq!(packages.len(), 1, "exactly one chrono-tz in the build");
            let manifest = packages[0]["manifest_path"]
                .as_str()
                .expect("manifest_path");
            return std::path::Path::new(manifest)
                .parent()
                .expect("manifest dir")
                .to_path_buf();
        }
        let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"))
            .expect("cargo metadata failed and there is no Cargo.lock");
        let version = lock
            .split("[[package]]")
            .find(|p| p.contains("name = \"chrono-tz\"\n"))
            .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
            .expect("chrono-tz in Cargo.lock")
            .trim_matches('"')
            .to_owned();
        let home = std::env::var("CARGO_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|_| std::env::var("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
            .expect("CARGO_HOME or HOME");
        std::fs::read_dir(home.join("registry/src"))
            .expect("the cargo registry")
            .filter_map(Result::ok)
            .map(|index| index.path().join(format!("chrono-tz-{version}")))
            .find(|dir| dir.is_dir())
            .unwrap_or_else(|| panic!("chrono-tz {version} not found in the cargo registry"))
    }

    /// Reads every zone's spans from chrono-tz's generated table
    /// (`src/prebuilt/timezones.rs`, the file its `Tz` is compiled from), keyed by
    /// IANA name.
    fn chrono_tz_data(dir: &std::path::Path) -> std::collections::HashMap<String, ZoneData> {
        let path = dir.join("src/prebuilt/timezones.rs");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let number = |line: &str, key: &str| -> i64 {
            let at = line.find(key).expect(key) + key.len();
            let rest = &line[at..];
            let end = rest.find([',', ' ', '}']).unwrap_or(rest.len());
            rest[..end].parse().expect("a number")
        };
        let (names_part, spans_part) = text
            .split_once("impl TimeSpans for Tz")
            .expect("the TimeSpans impl");
        // `Tz::Europe__Berlin => "Europe/Berlin",` in `Tz::name`.
        let mut names = std::collections::HashMap::new();
        for line in names_part.lines().map(str::trim) {
            if let Some((ident, rest)) = line.split_once(" => \"") {
                if let (Some(ident), Some(name)) =
                    (ident.strip_prefix("Tz::"), rest.strip_suffix("\","))
                {
                    names.insert(ident.to_owned(), name.to_owned());
                }
            }
        }
        let mut zones = std::collections::HashMap::new();
        let mut current: Option<(String, Vec<(i64, i64)>)> = None;
        let mut lines = spans_part.lines().map(str::trim);
        while let Some(line) = lines.next() {
            if let Some(ident) = line
                .strip_prefix("Tz::")
                .and_then(|l| l.strip_suffix(" => {"))
            {
                assert!(current.is_none(), "zone {ident} starts inside another");
                current = Some((names[ident].clone(), Vec::new()));
            } else if line.starts_with('(') && line.contains("FixedTimespan {") {
                let at: i64 = line[1..line.find(',').expect("a comma")]
                    .parse()
                    .expect("a timestamp");
                let total = number(line, "utc_offset: ") + number(line, "dst_offset: ");
                current.as_mut().expect("inside a zone").1.push((at, total));
            } else if line == "first: FixedTimespan {" {
                let utc = number(lines.next().expect("utc_offset"), "utc_offset: ");
                let dst = number(lines.next().expect("dst_offset"), "dst_offset: ");
                let (name, rest) = current.take().expect("inside a zone");
                zones.insert(name, (utc + dst, rest));
            }
        }
        assert!(current.is_none());
        zones
    }

    /// The proof behind [`Zone::new`]'s sampling, for every zone chrono-tz ships:
    /// the table it builds holds exactly the changes of total UTC offset in
    /// chrono-tz's own data (same instants to the second, same offsets on both
    /// sides), none of which lies outside the sampled years, so the table and
    /// chrono-tz agree at every instant. It also reports the smallest gap between
    /// two offset changes of one zone, the margin the sampling step relies on.
    #[test]
    fn zone_table_is_exact_for_every_zone() {
        // The release the docs and the Cargo.toml pin name; on a new release,
        // re-run this proof, then update both.
        assert_eq!(chrono_tz::IANA_TZDB_VERSION, "2025b");
        let dir = chrono_tz_manifest_dir();
        let data = chrono_tz_data(&dir);
        assert_eq!(data.len(), chrono_tz::TZ_VARIANTS.len());
        let mut smallest_gap = (i64::MAX, String::new());
        let mut count = 0;
        for tz in chrono_tz::TZ_VARIANTS {
            let (first, spans) = data
                .get(tz.name())
                .unwrap_or_else(|| panic!("{tz}: not in chrono-tz's data"));
            // The changes of total offset (a span may change only the name or the
            // split between standard time and DST).
            let mut changes = Vec::new();
            let mut offset = *first;
            for &(at, total) in spans {
                if total != offset {
                    changes.push((at, offset, total));
                    offset = total;
                }
            }
            // The data is what chrono-tz answers (the right file was read).
            for &(at, before, after) in &changes {
                assert_eq!(
                    Zone::offset_at(tz, at - 1),
                    i128::from(before) * NS,
                    "{tz} {at}"
                );
                assert_eq!(Zone::offset_at(tz, at), i128::from(after) * NS, "{tz} {at}");
            }
            for pair in changes.windows(2) {
                let gap = pair[1].0 - pair[0].0;
                if gap < smallest_gap.0 {
                    smallest_gap = (gap, format!("{tz} at {}", pair[1].0));
                }
            }
            assert!(
                changes.iter().all(|c| c.0 > Zone::FROM && c.0 <= Zone::TO),
                "{tz}: an offset change outside the sampled years"
            );
            let zone = Zone::new(tz);
            assert_eq!(zone.first, i128::from(*first) * NS, "{tz}");
            let table: Vec<(i64, i64, i64)> = zone
                .transitions
                .iter()
                .map(|t| {
                    let s = |ns: i128| i64::try_from(ns / NS).expect("seconds");
                    (s(t.at), s(t.before), s(t.after))
                })
                .collect();
            assert_eq!(table, changes, "{tz}");
            count += changes.len();
        }
        eprintln!(
            "chrono-tz {} (tzdb {}): {} zones, {count} offset changes, all in the table; \
             smallest gap {} s ({})",
            dir.display(),
            chrono_tz::IANA_TZDB_VERSION,
            data.len(),
            smallest_gap.0,
            smallest_gap.1
        );
        assert!(
            smallest_gap.0 >= Zone::STEP,
            "two offset changes closer than the sampling step: {smallest_gap:?}"
        );
    }

    #[test]
    fn zone_table_covers_every_transition_range() {
        // Every zone keeps one offset before the sampled range and after it, so
        // the table (which assumes so) is complete at both ends.
        let early = DateTime::parse_from_rfc3339("1000-01-01T00:00:00Z")
            .unwrap()
            .timestamp();
        let late = DateTime::parse_from_rfc3339("3000-01-01T00:00:00Z")
            .unwrap()
            .timestamp();
        for tz in chrono_tz::TZ_VARIANTS {
            assert_eq!(
                Zone::offset_at(tz, early),
                Zone::offset_at(tz, Zone::FROM),
                "{tz}"
            );
            assert_eq!(
                Zone::offset_at(tz, late),
                Zone::offset_at(tz, Zone::TO),
                "{tz}"
            );
        }
    }

    #[test]
    fn zone_table_matches_an_hourly_scan() {
        // Zones with short DST periods and odd rules; hourly over 1995-2030.
        let from = 788_918_400; // 1995-01-01
        let to = 1_893_456_000; // 2030-01-01
        for tz in [
            chrono_tz::Africa::Casablanca,
            chrono_tz::America::Sao_Paulo,
            chrono_tz::Asia::Gaza,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Europe::Berlin,
            chrono_tz::America::New_York,
        ] {
            let zone = Zone::new(tz);
            let mut found = Vec::new();
            let mut prev = Zone::offset_at(tz, from);
            let mut at = from;
            while at < to {
                let o = Zone::offset_at(tz, at + 3600);
                if o != prev {
                    found.push((at + 3600) / 3600);
                    prev = o;
                }
                at += 3600;
            }
            let table: Vec<i64> = zone
                .transitions
                .iter()
                .map(|t| i64::try_from(t.at / NS).unwrap())
                .filter(|s| *s > from && *s <= to)
                .map(|s| (s + 3599) / 3600)
                .collect();
            assert_eq!(table, found, "{tz}");
            assert!(!found.is_empty(), "{tz}");
        }
    }

    #[test]
    fn pattern_counts_and_inverts() {
        let iv = |s: u32, e: u32| Interval { start: s, end: e };
        // Mon 09:00-17:00, Sun 22:00-06:00 (spills into Monday).
        let mut days: [Vec<Interval>; 7] = Default::default();
        days[0] = vec![iv(540, 1020)];
        days[6] = vec![iv(1320, 1800)];
        let p = Pattern::new(&days);
        assert_eq!(p.total, 16 * 60 * MINUTE);
        let mon = MONDAY + 10 * WEEK;
        assert_eq!(p.f(mon + 9 * 60 * MINUTE) - p.f(mon), 6 * 60 * MINUTE);
        assert!(p.contains(mon + 5 * 60 * MINUTE));
        assert!(!p.contains(mon + 6 * 60 * MINUTE));
        assert_eq!(p.inverse(p.f(mon) + 6 * 60 * MINUTE), mon + 6 * 60 * MINUTE);
        assert_eq!(
            p.inverse(p.f(mon) + 7 * 60 * MINUTE),
            mon + 10 * 60 * MINUTE
        );
        assert_eq!(
            p.next_open(mon + 7 * 60 * MINUTE),
            Some(mon + 9 * 60 * MINUTE)
        );
        assert_eq!(
            p.next_open(mon + 18 * 60 * MINUTE),
            Some(mon + 6 * DAY + 22 * 60 * MINUTE)
        );
    }

    #[test]
    fn union_and_subtract() {
        assert_eq!(
            union(vec![(5, 9), (1, 3), (2, 4), (7, 7)]),
            vec![(1, 4), (5, 9)]
        );
        assert_eq!(
            subtract(&[(0, 10), (20, 30)], &[(2, 3), (8, 22)]),
            vec![(0, 2), (3, 8), (22, 30)]
        );
        assert_eq!(subtract(&[(0, 10)], &[]), vec![(0, 10)]);
        assert_eq!(subtract(&[(0, 10)], &[(0, 10)]), Vec::<(i128, i128)>::new());
    }
}
