//! Windows, reports, forecasts and daily series, read from [`OdrTallies`].

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::model::DefectKind;
use super::settings::{OdrSettings, PPM};
use super::tally::{DailyTally, KindCounts, OdrTallies, PerFulfillment};
use super::OdrError;
use crate::market::Fulfillment;

/// The order dates a window covers, `start ..= end` (both inside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WindowRange {
    /// The first order date inside.
    pub start: NaiveDate,
    /// The last order date inside.
    pub end: NaiveDate,
}

impl WindowRange {
    /// The window of `as_of`: order dates `as_of − lag − (window − 1) ..= as_of − lag`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use odr_guard::odr::{OdrSettings, WindowRange};
    ///
    /// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).ok_or("bad date");
    /// let w = WindowRange::new(&OdrSettings::default(), d(11, 26)?)?;
    /// assert_eq!((w.start, w.end), (d(9, 28)?, d(11, 26)?));
    /// let lagged = OdrSettings::builder().lag_days(14).build()?;
    /// let w = WindowRange::new(&lagged, d(11, 26)?)?;
    /// assert_eq!((w.start, w.end), (d(9, 14)?, d(11, 12)?));
    /// assert!(w.contains(d(9, 14)?) && !w.contains(d(9, 13)?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`OdrError::DateOutOfRange`] when the window would start before the first
    /// date chrono represents.
    pub fn new(settings: &OdrSettings, as_of: NaiveDate) -> Result<WindowRange, OdrError> {
        let out = || OdrError::DateOutOfRange { as_of };
        let end = as_of
            .checked_sub_days(Days::new(u64::from(settings.lag_days())))
            .ok_or_else(out)?;
        let start = end
            .checked_sub_days(Days::new(u64::from(settings.window_days()) - 1))
            .ok_or_else(out)?;
        Ok(WindowRange { start, end })
    }

    /// Whether an order date is inside.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// Where a rate stands against the thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OdrStatus {
    /// Below the warning threshold.
    Healthy,
    /// At or above the warning threshold, still below the target.
    Warning,
    /// At or above the target (Amazon's target is strictly below 1%).
    OverTarget,
}

names!(OdrStatus, "ODR status", {
    Healthy => "healthy",
    Warning => "warning",
    OverTarget => "over_target",
});

/// `defective / orders >= ppm / 1e6`, exactly.
fn at_or_above(defective: u64, orders: u64, ppm: u32) -> bool {
    u128::from(defective) * u128::from(PPM) >= u128::from(orders) * u128::from(ppm)
}

fn status(settings: &OdrSettings, t: &DailyTally) -> OdrStatus {
    if t.orders == 0 {
        OdrStatus::Healthy
    } else if at_or_above(t.defective_orders, t.orders, settings.target_ppm()) {
        OdrStatus::OverTarget
    } else if at_or_above(t.defective_orders, t.orders, settings.warning_ppm()) {
        OdrStatus::Warning
    } else {
        OdrStatus::Healthy
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// The largest `k` with `(defective + k) / orders` strictly below the target.
fn headroom(settings: &OdrSettings, t: &DailyTally) -> u64 {
    // Largest m with m * PPM < target * orders, i.e. (target * orders - 1) / PPM.
    let limit = u128::from(t.orders) * u128::from(settings.target_ppm());
    let Some(below) = limit.checked_sub(1) else {
        return 0;
    };
    let max_defective = below / u128::from(PPM);
    u64::try_from(max_defective.saturating_sub(u128::from(t.defective_orders))).unwrap_or(u64::MAX)
}

/// A two-sided confidence interval for a rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RateInterval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// When defective orders leave the window, if nothing new happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WindowExit {
    /// Their order date.
    pub order_date: NaiveDate,
    /// The first `as_of` date whose window no longer holds them.
    pub leaves_on: NaiveDate,
    /// How many defective orders leave then.
    pub defective_orders: u64,
}

/// What happens to a window if nothing new happens: no new orders and no new
/// defects beyond those already ingested (orders already known in the lag period
/// still enter the window as it slides).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Forecast {
    /// The days on which the window's defective orders leave it, in date order.
    pub exits: Vec<WindowExit>,
    /// The first `as_of` date whose rate is back under the target; `None` when the
    /// rate is under the target already.
    pub back_under_target: Option<NaiveDate>,
}

/// The ODR of one fulfilment channel over one window.
///
/// ```
/// use chrono::NaiveDate;
/// use odr_guard::OdrTracker;
/// use odr_guard::odr::{Defect, Fulfillment, OdrStatus, Order, Stars};
///
/// let day = NaiveDate::from_ymd_opt(2026, 11, 2).ok_or("bad date")?;
/// let mut tracker = OdrTracker::default();
/// for i in 0..250 {
///     tracker.insert_order(Order::new(format!("o{i}"), day, Fulfillment::Merchant));
/// }
/// tracker.insert_defect(Defect::negative_feedback("f1", "o7", day, Stars::new(1)?));
/// let w = tracker.window(Fulfillment::Merchant, day)?;
/// assert_eq!((w.orders, w.defective_orders), (250, 1));
/// assert_eq!(w.rate, 0.004);
/// assert_eq!(w.status, OdrStatus::Healthy);
/// assert_eq!(w.headroom, 1); // 2/250 = 0.8% < 1%, 3/250 = 1.2% is not
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OdrWindow {
    /// The channel.
    pub fulfillment: Fulfillment,
    /// The date the window is seen from.
    pub as_of: NaiveDate,
    /// The order dates it covers.
    pub range: WindowRange,
    /// Orders in the window (the denominator).
    pub orders: u64,
    /// Orders with at least one counted defect, each once.
    pub defective_orders: u64,
    /// `defective_orders / orders` as a fraction (0 without orders).
    pub rate: f64,
    /// Against the thresholds.
    pub status: OdrStatus,
    /// How many more defective orders keep the rate strictly under the target (0
    /// when at or over it).
    pub headroom: u64,
    /// Orders with at least one counted defect of each kind (may sum to more than
    /// `defective_orders`).
    pub by_kind: KindCounts,
    /// What happens if nothing new happens.
    pub forecast: Forecast,
}

impl OdrWindow {
    /// The rate of one defect kind (Amazon reports each kind's own rate too).
    pub fn kind_rate(&self, kind: DefectKind) -> f64 {
        ratio(self.by_kind.get(kind), self.orders)
    }

    /// The Wilson score interval of the rate for a normal quantile `z` (1.96 for
    /// 95%): with few orders, a rate is a rough estimate, and the interval says how
    /// rough. `None` without orders or when `z` is not finite and positive.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use odr_guard::OdrTracker;
    /// use odr_guard::odr::{Defect, Fulfillment, Order, Stars};
    ///
    /// let day = NaiveDate::from_ymd_opt(2026, 11, 2).ok_or("bad date")?;
    /// let mut tracker = OdrTracker::default();
    /// for i in 0..40 {
    ///     tracker.insert_order(Order::new(format!("o{i}"), day, Fulfillment::Amazon));
    /// }
    /// tracker.insert_defect(Defect::negative_feedback("f1", "o1", day, Stars::new(2)?));
    /// let w = tracker.window(Fulfillment::Amazon, day)?;
    /// let ci = w.wilson_interval(1.96).ok_or("no interval")?;
    /// assert!(ci.low < w.rate && w.rate < ci.high && ci.high > 0.1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn wilson_interval(&self, z: f64) -> Option<RateInterval> {
        if self.orders == 0 || !z.is_finite() || z <= 0.0 {
            return None;
        }
        let n = self.orders as f64;
        let p = self.rate;
        let z2 = z * z;
        let denom = 1.0 + z2 / n;
        let centre = (p + z2 / (2.0 * n)) / denom;
        let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
        Some(RateInterval {
            low: (centre - half).max(0.0),
            high: (centre + half).min(1.0),
        })
    }
}

/// One day of a daily ODR series: the rolling window seen from `as_of`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OdrPoint {
    /// The date the window is seen from.
    pub as_of: NaiveDate,
    /// The window's summed tallies.
    pub totals: DailyTally,
    /// `defective_orders / orders` (0 without orders).
    pub rate: f64,
    /// Against the thresholds.
    pub status: OdrStatus,
}

impl OdrPoint {
    fn new(settings: &OdrSettings, as_of: NaiveDate, totals: DailyTally) -> OdrPoint {
        OdrPoint {
            as_of,
            rate: ratio(totals.defective_orders, totals.orders),
            status: status(settings, &totals),
            totals,
        }
    }
}

/// The ODR of both fulfilment channels, seen from one date. Never blended: use
/// [`OdrReport::combined`] only for a labelled, non-Amazon overall view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OdrReport {
    /// The date the windows are seen from.
    pub as_of: NaiveDate,
    /// The order dates covered.
    pub window: WindowRange,
    /// One window per channel.
    pub channels: PerFulfillment<OdrWindow>,
}

impl OdrReport {
    /// The window of one channel.
    pub const fn channel(&self, f: Fulfillment) -> &OdrWindow {
        self.channels.get(f)
    }

    /// MFN and FBA orders summed: *not* a rate Amazon computes or judges, only an
    /// overall view for the seller (label it as such).
    pub fn combined(&self) -> DailyTally {
        let mut t = DailyTally::default();
        for (_, w) in self.channels.iter() {
            t += DailyTally {
                orders: w.orders,
                defective_orders: w.defective_orders,
                by_kind: w.by_kind,
            };
        }
        t
    }
}

/// The longest series computed in one call (about a century).
pub(crate) const MAX_SERIES_DAYS: i64 = 36_600;

fn add_days(date: NaiveDate, days: u64, as_of: NaiveDate) -> Result<NaiveDate, OdrError> {
    date.checked_add_days(Days::new(days))
        .ok_or(OdrError::DateOutOfRange { as_of })
}

impl OdrTallies {
    /// The ODR point of one channel seen from `as_of`, summing the window's
    /// tallies afresh (what [`OdrTallies::series`] computes by sliding).
    ///
    /// # Errors
    ///
    /// [`OdrError::DateOutOfRange`] when the window leaves chrono's dates.
    pub fn point(
        &self,
        settings: &OdrSettings,
        f: Fulfillment,
        as_of: NaiveDate,
    ) -> Result<OdrPoint, OdrError> {
        let range = WindowRange::new(settings, as_of)?;
        Ok(OdrPoint::new(
            settings,
            as_of,
            self.sum(f, range.start, range.end),
        ))
    }

    /// The rolling ODR of one channel for every `as_of` date in `first ..= last`,
    /// computed with a sliding window: one addition and one subtraction per day,
    /// not a recount.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use odr_guard::OdrTracker;
    /// use odr_guard::odr::{Defect, Fulfillment, Order, Stars};
    ///
    /// let d = |day| NaiveDate::from_ymd_opt(2026, 9, day).ok_or("bad date");
    /// let mut tracker = OdrTracker::default();
    /// tracker.insert_order(Order::new("a", d(1)?, Fulfillment::Merchant));
    /// tracker.insert_order(Order::new("b", d(2)?, Fulfillment::Merchant));
    /// tracker.insert_defect(Defect::negative_feedback("f", "a", d(20)?, Stars::new(1)?));
    /// let settings = tracker.settings();
    /// let series = tracker.tallies().series(settings, Fulfillment::Merchant, d(1)?, d(3)?)?;
    /// let rates: Vec<f64> = series.iter().map(|p| p.rate).collect();
    /// assert_eq!(rates, [1.0, 0.5, 0.5]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`OdrError::DateRange`] when `last < first`, [`OdrError::SeriesTooLong`]
    /// beyond 36 600 days, [`OdrError::DateOutOfRange`] when a window leaves
    /// chrono's dates.
    pub fn series(
        &self,
        settings: &OdrSettings,
        f: Fulfillment,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<OdrPoint>, OdrError> {
        if last < first {
            return Err(OdrError::DateRange { first, last });
        }
        let first_range = WindowRange::new(settings, first)?;
        let last_range = WindowRange::new(settings, last)?;
        let days = (last - first).num_days();
        if days > MAX_SERIES_DAYS {
            return Err(OdrError::SeriesTooLong { days });
        }
        let days = usize::try_from(days).map_err(|_| OdrError::SeriesTooLong { days })?;
        let width = settings.window_days() as usize;

        // Dense copy of the tallies the series touches: order dates
        // first_range.start ..= last_range.end.
        let mut dense = vec![DailyTally::default(); days + width];
        for (date, t) in self.channel(f).range(first_range.start..=last_range.end) {
            let offset = (*date - first_range.start).num_days();
            if let Some(slot) = usize::try_from(offset).ok().and_then(|i| dense.get_mut(i)) {
                *slot = *t;
            }
        }

        let mut totals = DailyTally::default();
        for t in dense.iter().take(width) {
            totals += t;
        }
        let mut out = Vec::with_capacity(days + 1);
        out.push(OdrPoint::new(settings, first, totals));
        let mut as_of = first;
        for (leaving, entering) in dense.iter().zip(dense.iter().skip(width)) {
            totals.unmerge(leaving);
            totals += entering;
            as_of = as_of.succ_opt().ok_or(OdrError::DateOutOfRange { as_of })?;
            out.push(OdrPoint::new(settings, as_of, totals));
        }
        Ok(out)
    }

    /// The full window of one channel seen from `as_of`, with headroom and
    /// forecast.
    ///
    /// # Errors
    ///
    /// [`OdrError::DateOutOfRange`] when the window or its forecast leaves chrono's
    /// dates.
    pub fn window(
        &self,
        settings: &OdrSettings,
        f: Fulfillment,
        as_of: NaiveDate,
    ) -> Result<OdrWindow, OdrError> {
        let range = WindowRange::new(settings, as_of)?;
        let totals = self.sum(f, range.start, range.end);
        let point = OdrPoint::new(settings, as_of, totals);
        let shift = u64::from(settings.lag_days()) + u64::from(settings.window_days());

        let mut exits = Vec::new();
        for (date, t) in self.channel(f).range(range.start..=range.end) {
            if t.defective_orders > 0 {
                exits.push(WindowExit {
                    order_date: *date,
                    leaves_on: add_days(*date, shift, as_of)?,
                    defective_orders: t.defective_orders,
                });
            }
        }

        let back_under_target = if point.status == OdrStatus::OverTarget {
            Some(self.back_under_target(settings, f, as_of, range, totals)?)
        } else {
            None
        };

        Ok(OdrWindow {
            fulfillment: f,
            as_of,
            range,
            orders: totals.orders,
            defective_orders: totals.defective_orders,
            rate: point.rate,
            status: point.status,
            headroom: headroom(settings, &totals),
            by_kind: totals.by_kind,
            forecast: Forecast {
                exits,
                back_under_target,
            },
        })
    }

    /// Slides the window forward from an over-target `as_of` until the rate is
    /// under target; ends at the latest once the window has passed every tally
    /// (no orders is a rate of 0).
    fn back_under_target(
        &self,
        settings: &OdrSettings,
        f: Fulfillment,
        as_of: NaiveDate,
        range: WindowRange,
        mut totals: DailyTally,
    ) -> Result<NaiveDate, OdrError> {
        let (mut day, mut start, mut end) = (as_of, range.start, range.end);
        loop {
            totals.unmerge(&self.day(f, start));
            day = add_days(day, 1, as_of)?;
            start = add_days(start, 1, as_of)?;
            end = add_days(end, 1, as_of)?;
            totals += self.day(f, end);
            if status(settings, &totals) != OdrStatus::OverTarget {
                return Ok(day);
            }
        }
    }

    /// Both channels' windows seen from `as_of`.
    ///
    /// # Errors
    ///
    /// As [`OdrTallies::window`].
    pub fn report(&self, settings: &OdrSettings, as_of: NaiveDate) -> Result<OdrReport, OdrError> {
        Ok(OdrReport {
            as_of,
            window: WindowRange::new(settings, as_of)?,
            channels: PerFulfillment {
                merchant: self.window(settings, Fulfillment::Merchant, as_of)?,
                amazon: self.window(settings, Fulfillment::Amazon, as_of)?,
            },
        })
    }
}
