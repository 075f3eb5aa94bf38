//! Daily tallies: counts per fulfilment channel and order date that add up
//! (a commutative, associative merge), so shards tallied apart and merged give
//! exactly the single-machine result.

use std::collections::BTreeMap;
use std::ops::{Add, AddAssign};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::model::DefectKind;
use crate::market::Fulfillment;

/// Orders with at least one counted defect of each kind.
///
/// An order with a claim and a chargeback is in both counts, so the counts may sum
/// to more than the defective orders (Amazon's report does the same).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KindCounts {
    /// Orders with counted negative feedback.
    pub negative_feedback: u64,
    /// Orders with a counted A-to-z Guarantee claim.
    pub a_to_z_claim: u64,
    /// Orders with a counted chargeback.
    pub chargeback: u64,
}

impl KindCounts {
    /// The count for one kind.
    pub const fn get(&self, kind: DefectKind) -> u64 {
        match kind {
            DefectKind::NegativeFeedback => self.negative_feedback,
            DefectKind::AToZClaim => self.a_to_z_claim,
            DefectKind::Chargeback => self.chargeback,
        }
    }

    fn get_mut(&mut self, kind: DefectKind) -> &mut u64 {
        match kind {
            DefectKind::NegativeFeedback => &mut self.negative_feedback,
            DefectKind::AToZClaim => &mut self.a_to_z_claim,
            DefectKind::Chargeback => &mut self.chargeback,
        }
    }
}

/// The ODR counts of one channel on one order date (or summed over a window).
///
/// Tallies add up: `merge` (also `+=` and `+`) is commutative and associative, and
/// [`DailyTally::default`] is its identity.
///
/// ```
/// use odr_guard::odr::{DailyTally, DefectKind};
///
/// let a = DailyTally::order(&[DefectKind::NegativeFeedback, DefectKind::AToZClaim]);
/// let b = DailyTally::order(&[]);
/// let mut sum = a;
/// sum.merge(&b);
/// assert_eq!(sum, b + a);
/// assert_eq!((sum.orders, sum.defective_orders), (2, 1));
/// assert_eq!((sum.by_kind.negative_feedback, sum.by_kind.a_to_z_claim), (1, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DailyTally {
    /// Orders (the denominator).
    pub orders: u64,
    /// Orders with at least one counted defect, each counted once.
    pub defective_orders: u64,
    /// Orders with at least one counted defect of each kind.
    pub by_kind: KindCounts,
}

impl DailyTally {
    /// The tally of one order whose counted defects are of these kinds (none: a
    /// good order; repeated kinds count once).
    pub fn order(counted: &[DefectKind]) -> DailyTally {
        DailyTally::from_mask(counted.iter().fold(0, |m, k| m | k.bit()))
    }

    /// The tally of one order from a bit mask of its counted defect kinds.
    pub(crate) fn from_mask(kinds: u8) -> DailyTally {
        let mut t = DailyTally {
            orders: 1,
            defective_orders: u64::from(kinds != 0),
            by_kind: KindCounts::default(),
        };
        for kind in DefectKind::ALL.iter().copied() {
            if kinds & kind.bit() != 0 {
                *t.by_kind.get_mut(kind) = 1;
            }
        }
        t
    }

    /// Adds another tally into this one.
    pub fn merge(&mut self, other: &DailyTally) {
        self.orders += other.orders;
        self.defective_orders += other.defective_orders;
        for kind in DefectKind::ALL.iter().copied() {
            *self.by_kind.get_mut(kind) += other.by_kind.get(kind);
        }
    }

    /// Takes another tally out of this one (saturating at zero; exact whenever
    /// `other` was merged in before).
    pub(crate) fn unmerge(&mut self, other: &DailyTally) {
        self.orders = self.orders.saturating_sub(other.orders);
        self.defective_orders = self.defective_orders.saturating_sub(other.defective_orders);
        for kind in DefectKind::ALL.iter().copied() {
            let c = self.by_kind.get_mut(kind);
            *c = c.saturating_sub(other.by_kind.get(kind));
        }
    }

    /// Whether every count is zero.
    pub fn is_empty(&self) -> bool {
        *self == DailyTally::default()
    }
}

impl AddAssign<&DailyTally> for DailyTally {
    fn add_assign(&mut self, rhs: &DailyTally) {
        self.merge(rhs);
    }
}

impl AddAssign for DailyTally {
    fn add_assign(&mut self, rhs: DailyTally) {
        self.merge(&rhs);
    }
}

impl Add for DailyTally {
    type Output = DailyTally;

    fn add(mut self, rhs: DailyTally) -> DailyTally {
        self.merge(&rhs);
        self
    }
}

/// One value per fulfilment channel: Amazon never blends MFN and FBA.
///
/// ```
/// use odr_guard::odr::{Fulfillment, PerFulfillment};
///
/// let mut counts = PerFulfillment::<u32>::default();
/// *counts.get_mut(Fulfillment::Amazon) += 1;
/// assert_eq!((counts.merchant, counts.amazon), (0, 1));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PerFulfillment<T> {
    /// Seller-fulfilled (MFN).
    pub merchant: T,
    /// Fulfilled by Amazon (FBA).
    pub amazon: T,
}

impl<T> PerFulfillment<T> {
    /// The value for one channel.
    pub const fn get(&self, f: Fulfillment) -> &T {
        match f {
            Fulfillment::Merchant => &self.merchant,
            Fulfillment::Amazon => &self.amazon,
        }
    }

    /// The value for one channel, mutably.
    pub fn get_mut(&mut self, f: Fulfillment) -> &mut T {
        match f {
            Fulfillment::Merchant => &mut self.merchant,
            Fulfillment::Amazon => &mut self.amazon,
        }
    }

    /// Both values, merchant first, with their channel.
    pub fn iter(&self) -> impl Iterator<Item = (Fulfillment, &T)> {
        [
            (Fulfillment::Merchant, &self.merchant),
            (Fulfillment::Amazon, &self.amazon),
        ]
        .into_iter()
    }
}

/// Daily tallies per channel and order date: everything a window, report or
/// series needs, and the unit of merging across shards.
///
/// Days whose tally is all zero are not stored, so equal counts compare equal
/// whatever the history that produced them.
///
/// ```
/// use chrono::NaiveDate;
/// use odr_guard::odr::{DailyTally, DefectKind, Fulfillment, OdrTallies};
///
/// let day = NaiveDate::from_ymd_opt(2026, 10, 1).ok_or("bad date")?;
/// let mut shard_a = OdrTallies::new();
/// shard_a.add(Fulfillment::Merchant, day, &DailyTally::order(&[DefectKind::Chargeback]));
/// let mut shard_b = OdrTallies::new();
/// shard_b.add(Fulfillment::Merchant, day, &DailyTally::order(&[]));
///
/// let mut whole = shard_b.clone();
/// whole.merge(&shard_a);
/// shard_a += &shard_b;
/// assert_eq!(whole, shard_a);
/// assert_eq!(whole.day(Fulfillment::Merchant, day).orders, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct OdrTallies {
    days: PerFulfillment<BTreeMap<NaiveDate, DailyTally>>,
}

impl OdrTallies {
    /// No tallies.
    pub fn new() -> OdrTallies {
        OdrTallies::default()
    }

    /// Adds a tally to a channel's order date.
    pub fn add(&mut self, f: Fulfillment, date: NaiveDate, tally: &DailyTally) {
        if tally.is_empty() {
            return;
        }
        *self.days.get_mut(f).entry(date).or_default() += tally;
    }

    /// Takes back a tally added before.
    pub(crate) fn remove(&mut self, f: Fulfillment, date: NaiveDate, tally: &DailyTally) {
        let days = self.days.get_mut(f);
        if let Some(t) = days.get_mut(&date) {
            t.unmerge(tally);
            if t.is_empty() {
                days.remove(&date);
            }
        }
    }

    /// Merges another set of tallies into this one (commutative and associative).
    pub fn merge(&mut self, other: &OdrTallies) {
        for (f, days) in other.days.iter() {
            for (date, tally) in days {
                self.add(f, *date, tally);
            }
        }
    }

    /// The tally of one channel on one order date (zero if none).
    pub fn day(&self, f: Fulfillment, date: NaiveDate) -> DailyTally {
        self.days.get(f).get(&date).copied().unwrap_or_default()
    }

    /// A channel's non-zero daily tallies in date order.
    pub fn days(&self, f: Fulfillment) -> impl Iterator<Item = (NaiveDate, &DailyTally)> {
        self.days.get(f).iter().map(|(d, t)| (*d, t))
    }

    /// The sum of a channel's tallies over the order dates `first ..= last`.
    pub fn sum(&self, f: Fulfillment, first: NaiveDate, last: NaiveDate) -> DailyTally {
        let mut total = DailyTally::default();
        if first <= last {
            for t in self.days.get(f).range(first..=last).map(|(_, t)| t) {
                total += t;
            }
        }
        total
    }

    /// The first and last order dates with a tally, over both channels.
    pub fn date_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let firsts = self.days.iter().filter_map(|(_, d)| d.keys().next());
        let lasts = self.days.iter().filter_map(|(_, d)| d.keys().next_back());
        Some((*firsts.min()?, *lasts.max()?))
    }

    pub(crate) fn channel(&self, f: Fulfillment) -> &BTreeMap<NaiveDate, DailyTally> {
        self.days.get(f)
    }
}

impl AddAssign<&OdrTallies> for OdrTallies {
    fn add_assign(&mut self, rhs: &OdrTallies) {
        self.merge(rhs);
    }
}
