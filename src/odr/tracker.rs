//! The incremental tracker: orders and defects in, any order, idempotent by id.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::NaiveDate;

use super::model::{Defect, DefectId, Fulfillment, Order, OrderId};
use super::report::{OdrPoint, OdrReport, OdrWindow};
use super::settings::{CountingRules, OdrSettings};
use super::tally::{DailyTally, OdrTallies};
use super::OdrError;
use crate::ticket::Marketplace;

/// What an insert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Ingest {
    /// The id was new.
    New,
    /// The id was known with other content; the new content replaced it.
    Updated,
    /// The id was known with the same content: nothing changed.
    Unchanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OrderFacts {
    date: NaiveDate,
    fulfillment: Fulfillment,
    marketplace: Option<Marketplace>,
    cancelled: bool,
}

/// One order id: the order once it is known, and the defects filed on it (which
/// may arrive first).
#[derive(Debug, Clone, Default)]
struct Slot {
    order: Option<OrderFacts>,
    defects: Vec<DefectId>,
    /// Kinds of the counted defects (bits as `DefectKind::bit`).
    mask: u8,
}

impl Slot {
    /// What this order adds to the tallies, if it is known and in the denominator.
    fn contribution(&self, rules: &CountingRules) -> Option<(Fulfillment, NaiveDate, DailyTally)> {
        let order = self.order?;
        if order.cancelled && !rules.counts_cancelled_orders() {
            return None;
        }
        Some((
            order.fulfillment,
            order.date,
            DailyTally::from_mask(self.mask),
        ))
    }
}

/// Tracks the Order Defect Rate incrementally.
///
/// - **Any order, idempotent by id.** Orders and defects may arrive in any order;
///   the same id with the same content twice changes nothing. The same id with
///   *other* content is an update and the last insert wins (an upsert): a claim
///   later `reversed_on_appeal`, a feedback later removed, an order later
///   cancelled. Feed updates of one id in the order they happened.
/// - **At most once per order.** An order is defective once whatever its number of
///   counted defects; the per-kind counts are kept too.
/// - **Order-correlated.** A defect counts in the windows of its order's date, so
///   one arriving today updates past windows, and one arriving before its order
///   counts as soon as the order arrives. Until then it is kept and listed by
///   [`OdrTracker::orphan_defects`], never dropped.
/// - **Counting rules are applied on insert**: build the tracker with the
///   [`OdrSettings`] you want; window length, lag and thresholds are read at report
///   time.
///
/// Cloning copies every order (the tracker is an accumulator, not a shared
/// built object); for distributed counting, merge [`OdrTallies`] instead: shard
/// orders *and their defects* by order id, tally each shard with its own tracker,
/// and merge the shards' [`OdrTracker::tallies`].
///
/// ```
/// use chrono::NaiveDate;
/// use odr_guard::{ChargebackKind, ClaimStatus, Defect, Fulfillment, Ingest, OdrStatus};
/// use odr_guard::{OdrTracker, Order};
///
/// let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).ok_or("bad date");
/// let mut tracker = OdrTracker::default();
/// // A claim and a chargeback on the same order, the claim before the order.
/// let claim = Defect::a_to_z_claim("az-1", "o-1", d(10, 9)?, ClaimStatus::Open);
/// tracker.insert_defect(claim.clone());
/// assert_eq!(tracker.orphan_defects().count(), 1);
/// tracker.insert_order(Order::new("o-1", d(10, 1)?, Fulfillment::Merchant));
/// tracker.insert_defect(Defect::chargeback("cb-1", "o-1", d(10, 20)?, ChargebackKind::Service));
/// for i in 2..=150 {
///     tracker.insert_order(Order::new(format!("o-{i}"), d(10, 2)?, Fulfillment::Merchant));
/// }
/// let w = tracker.window(Fulfillment::Merchant, d(11, 1)?)?;
/// assert_eq!((w.orders, w.defective_orders), (150, 1));
/// assert_eq!((w.by_kind.a_to_z_claim, w.by_kind.chargeback), (1, 1));
/// assert_eq!(w.status, OdrStatus::Healthy);
///
/// // The same claim again changes nothing; its appeal is an update.
/// assert_eq!(tracker.insert_defect(claim.clone()), Ingest::Unchanged);
/// let appealed = claim.with_claim_status(ClaimStatus::ReversedOnAppeal);
/// assert_eq!(tracker.insert_defect(appealed), Ingest::Updated);
/// let w = tracker.window(Fulfillment::Merchant, d(11, 1)?)?;
/// assert_eq!((w.defective_orders, w.by_kind.a_to_z_claim), (1, 0)); // the chargeback stays
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct OdrTracker {
    settings: OdrSettings,
    slots: HashMap<OrderId, Slot>,
    defects: HashMap<DefectId, Defect>,
    tallies: OdrTallies,
    orders: usize,
}

fn apply(
    tallies: &mut OdrTallies,
    old: Option<(Fulfillment, NaiveDate, DailyTally)>,
    new: Option<(Fulfillment, NaiveDate, DailyTally)>,
) {
    if old == new {
        return;
    }
    if let Some((f, date, t)) = old {
        tallies.remove(f, date, &t);
    }
    if let Some((f, date, t)) = new {
        tallies.add(f, date, &t);
    }
}

impl OdrTracker {
    /// An empty tracker with these settings.
    pub fn new(settings: OdrSettings) -> OdrTracker {
        OdrTracker {
            settings,
            ..OdrTracker::default()
        }
    }

    /// An empty tracker with room for about `orders` orders.
    pub fn with_capacity(settings: OdrSettings, orders: usize) -> OdrTracker {
        OdrTracker {
            settings,
            slots: HashMap::with_capacity(orders),
            ..OdrTracker::default()
        }
    }

    /// The settings.
    pub const fn settings(&self) -> &OdrSettings {
        &self.settings
    }

    /// The daily tallies per channel: mergeable across shards.
    pub const fn tallies(&self) -> &OdrTallies {
        &self.tallies
    }

    /// The number of distinct orders known.
    pub const fn order_count(&self) -> usize {
        self.orders
    }

    /// The number of distinct defects known (orphans included).
    pub fn defect_count(&self) -> usize {
        self.defects.len()
    }

    /// An order by id, if known.
    pub fn order(&self, id: &str) -> Option<Order> {
        let (key, slot) = self.slots.get_key_value(id)?;
        let o = slot.order?;
        Some(Order {
            id: key.clone(),
            date: o.date,
            fulfillment: o.fulfillment,
            marketplace: o.marketplace,
            cancelled: o.cancelled,
        })
    }

    /// A defect by id, if known (its latest version).
    pub fn defect(&self, id: &str) -> Option<&Defect> {
        self.defects.get(id)
    }

    /// Defects whose order is not known (yet): they count as soon as it arrives.
    pub fn orphan_defects(&self) -> impl Iterator<Item = &Defect> {
        self.slots
            .values()
            .filter(|s| s.order.is_none())
            .flat_map(|s| s.defects.iter().filter_map(|id| self.defects.get(id)))
    }

    /// The latest order date known, if any (over both channels, cancelled
    /// orders included).
    pub fn latest_order_date(&self) -> Option<NaiveDate> {
        self.slots
            .values()
            .filter_map(|s| s.order.map(|o| o.date))
            .max()
    }

    /// Inserts or updates an order (by id; the last insert wins).
    pub fn insert_order(&mut self, order: Order) -> Ingest {
        let facts = OrderFacts {
            date: order.date,
            fulfillment: order.fulfillment,
            marketplace: order.marketplace,
            cancelled: order.cancelled,
        };
        let rules = self.settings.rules();
        match self.slots.entry(order.id) {
            Entry::Vacant(e) => {
                let slot = e.insert(Slot {
                    order: Some(facts),
                    ..Slot::default()
                });
                self.orders += 1;
                apply(&mut self.tallies, None, slot.contribution(rules));
                Ingest::New
            }
            Entry::Occupied(e) => {
                let slot = e.into_mut();
                let previous = slot.order;
                if previous == Some(facts) {
                    return Ingest::Unchanged;
                }
                let old = slot.contribution(rules);
                slot.order = Some(facts);
                apply(&mut self.tallies, old, slot.contribution(rules));
                if previous.is_some() {
                    Ingest::Updated
                } else {
                    self.orders += 1;
                    Ingest::New
                }
            }
        }
    }

    /// Inserts or updates a defect (by id; the last insert wins, and may move it to
    /// another order).
    pub fn insert_defect(&mut self, defect: Defect) -> Ingest {
        let id = defect.id.clone();
        let order_id = defect.order_id.clone();
        let ingest = match self.defects.insert(id.clone(), defect) {
            None => Ingest::New,
            Some(old) => {
                if self.defects.get(&id) == Some(&old) {
                    return Ingest::Unchanged;
                }
                if old.order_id != order_id {
                    self.detach(&old.order_id, &id);
                }
                Ingest::Updated
            }
        };
        let slot = self.slots.entry(order_id).or_default();
        if !slot.defects.contains(&id) {
            slot.defects.push(id);
        }
        Self::recount(&self.settings, &self.defects, &mut self.tallies, slot);
        ingest
    }

    /// Removes a defect id from an order's list (it moved to another order).
    fn detach(&mut self, order_id: &OrderId, id: &DefectId) {
        let Some(slot) = self.slots.get_mut(order_id) else {
            return;
        };
        slot.defects.retain(|d| d != id);
        Self::recount(&self.settings, &self.defects, &mut self.tallies, slot);
        if slot.order.is_none() && slot.defects.is_empty() {
            self.slots.remove(order_id);
        }
    }

    /// Recomputes an order's counted kinds and updates the tallies.
    fn recount(
        settings: &OdrSettings,
        defects: &HashMap<DefectId, Defect>,
        tallies: &mut OdrTallies,
        slot: &mut Slot,
    ) {
        let rules = settings.rules();
        let old = slot.contribution(rules);
        slot.mask = slot
            .defects
            .iter()
            .filter_map(|id| defects.get(id))
            .filter(|d| rules.counts(d))
            .fold(0, |m, d| m | d.kind().bit());
        apply(tallies, old, slot.contribution(rules));
    }

    /// The window of one channel seen from `as_of`.
    ///
    /// # Errors
    ///
    /// [`OdrError::DateOutOfRange`] when the window leaves chrono's dates.
    pub fn window(&self, f: Fulfillment, as_of: NaiveDate) -> Result<OdrWindow, OdrError> {
        self.tallies.window(&self.settings, f, as_of)
    }

    /// Both channels' windows seen from `as_of`.
    ///
    /// # Errors
    ///
    /// [`OdrError::DateOutOfRange`] when the window leaves chrono's dates.
    pub fn report(&self, as_of: NaiveDate) -> Result<OdrReport, OdrError> {
        self.tallies.report(&self.settings, as_of)
    }

    /// The rolling ODR of one channel for each `as_of` in `first ..= last`
    /// (sliding window).
    ///
    /// # Errors
    ///
    /// As [`OdrTallies::series`].
    pub fn series(
        &self,
        f: Fulfillment,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<OdrPoint>, OdrError> {
        self.tallies.series(&self.settings, f, first, last)
    }
}
