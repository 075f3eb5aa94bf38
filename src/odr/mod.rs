//! The Order Defect Rate (ODR) window tracker.
//!
//! Amazon's rule (Seller Central help page 200285170): the share of orders in a
//! 60-day window, by *order date*, with negative feedback, an A-to-z Guarantee
//! claim or a service chargeback; an order counts once; the target is below 1%,
//! for seller-fulfilled and Fulfilled-by-Amazon orders separately (200205250).
//!
//! Orders and defects go into an [`OdrTracker`] in any order; it keeps, per
//! fulfilment channel, one [`DailyTally`] per order date ([`OdrTallies`]). Windows,
//! reports and daily series are read from those tallies, so they cost a few hundred
//! additions whatever the number of orders, and tallies of shards merge exactly.
//!
//! The rules and their sources are in one place each: which defects count in
//! [`CountingRules`], window length, lag and thresholds in [`OdrSettings`].

mod model;
mod report;
mod settings;
mod tally;
mod tracker;

pub use self::model::{
    ChargebackKind, ClaimStatus, Defect, DefectDetail, DefectId, DefectKind, Order, OrderId, Stars,
};
pub use self::report::{
    Forecast, OdrPoint, OdrReport, OdrStatus, OdrWindow, RateInterval, WindowExit, WindowRange,
};
pub use self::settings::{CountingRules, OdrSettings, OdrSettingsBuilder};
pub use self::tally::{DailyTally, KindCounts, OdrTallies, PerFulfillment};
pub use self::tracker::{Ingest, OdrTracker};
pub use crate::market::Fulfillment;

/// What can go wrong when building ODR settings, defects or windows.
///
/// ```
/// use odr_guard::OdrError;
/// use odr_guard::odr::OdrSettings;
///
/// let result = OdrSettings::builder().window_days(0).build();
/// assert_eq!(result, Err(OdrError::WindowDays { value: 0 }));
/// if let Err(err) = result {
///     assert_eq!(err.to_string(), "odr settings: window_days must be between 1 and 3650, got 0");
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OdrError {
    /// The window length is out of range.
    #[error("odr settings: window_days must be between 1 and {max}, got {value}", max = settings::MAX_DAYS)]
    WindowDays {
        /// The rejected value.
        value: u32,
    },
    /// The lag is out of range.
    #[error("odr settings: lag_days must be at most {max}, got {value}", max = settings::MAX_DAYS)]
    LagDays {
        /// The rejected value.
        value: u32,
    },
    /// A threshold is not a fraction in (0, 1].
    #[error("odr settings: {name} must be a fraction above 0 and at most 1, got {value}")]
    Threshold {
        /// `target` or `warning`.
        name: &'static str,
        /// The rejected value, as text (it may be NaN).
        value: String,
    },
    /// A threshold is above 0 but below one part per million, the finest
    /// resolution the tracker counts in.
    #[error("odr settings: {name} {value} is below one part per million (0.000001), the smallest threshold the tracker resolves")]
    ThresholdBelowPpm {
        /// `target` or `warning`.
        name: &'static str,
        /// The rejected value, as text.
        value: String,
    },
    /// The warning threshold is above the target.
    #[error("odr settings: warning ({warning}) must not be above target ({target})")]
    WarningAboveTarget {
        /// The warning threshold.
        warning: String,
        /// The target.
        target: String,
    },
    /// The negative-feedback star limit is out of range.
    #[error("odr counting rules: negative_feedback_max_stars must be at most 5, got {value}")]
    MaxStars {
        /// The rejected value.
        value: u8,
    },
    /// A feedback rating is not 1 to 5 stars.
    #[error("feedback rating must be 1 to 5 stars, got {value}")]
    Stars {
        /// The rejected value.
        value: u8,
    },
    /// A date range ends before it starts.
    #[error("date range {first} ..= {last} ends before it starts")]
    DateRange {
        /// The first date asked for.
        first: chrono::NaiveDate,
        /// The last date asked for.
        last: chrono::NaiveDate,
    },
    /// A daily series was asked for too many days.
    #[error("a daily odr series covers at most {max} days, asked for {days}", max = report::MAX_SERIES_DAYS)]
    SeriesTooLong {
        /// The number of days asked for (minus one).
        days: i64,
    },
    /// A window would start or end outside the dates chrono can represent.
    #[error("the odr window for {as_of} falls outside the representable dates")]
    DateOutOfRange {
        /// The `as_of` date asked for.
        as_of: chrono::NaiveDate,
    },
}
