//! The incremental tracker: orders and defects in, any order, idempotent by id.

use std::hash::BuildHasher;

use chrono::NaiveDate;
use hashbrown::hash_table::Entry;
use hashbrown::{DefaultHashBuilder, HashMap, HashTable};

use super::model::{Defect, DefectId, Order, OrderId};
use super::report::{OdrPoint, OdrReport, OdrWindow};
use super::settings::{CountingRules, OdrSettings};
use super::tally::{DailyTally, OdrTallies};
use super::OdrError;
use crate::market::Fulfillment;
use crate::market::Marketplace;

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

/// One order id: the order once it is known, and the kinds of the counted
/// defects filed on it (which may arrive first). 24 bytes: a million orders
/// stay compact and ingest is not dominated by memory traffic.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// The id's place in `OrderIndex::ids`.
    id_start: usize,
    id_len: u32,
    /// Kinds of the counted defects (bits as `DefectKind::bit`).
    mask: u8,
    order: Option<OrderFacts>,
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

/// Order ids to slots: the ids live end to end in one string, the hash table
/// holds slot numbers only. Hashed with foldhash (hashbrown's default, randomly
/// seeded per table): several times faster than SipHash on order ids.
#[derive(Debug, Clone, Default)]
struct OrderIndex {
    hasher: DefaultHashBuilder,
    table: HashTable<usize>,
    ids: String,
    slots: Vec<Slot>,
    /// The defect ids filed on a slot (only slots with defects).
    defects: HashMap<usize, Vec<DefectId>>,
}

fn slot_id<'a>(ids: &'a str, slots: &[Slot], i: usize) -> &'a str {
    slots
        .get(i)
        .and_then(|s| ids.get(s.id_start..s.id_start + s.id_len as usize))
        .unwrap_or("")
}

impl OrderIndex {
    fn with_capacity(orders: usize) -> OrderIndex {
        OrderIndex {
            table: HashTable::with_capacity(orders),
            ids: String::with_capacity(orders.saturating_mul(20)),
            slots: Vec::with_capacity(orders),
            ..OrderIndex::default()
        }
    }

    fn find(&self, id: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(id);
        self.table
            .find(hash, |&i| slot_id(&self.ids, &self.slots, i) == id)
            .copied()
    }

    /// The slot of an id, created empty if new.
    fn find_or_insert(&mut self, id: &str) -> usize {
        let hash = self.hasher.hash_one(id);
        let (ids, slots, hasher) = (&self.ids, &self.slots, &self.hasher);
        match self.table.entry(
            hash,
            |&i| slot_id(ids, slots, i) == id,
            |&i| hasher.hash_one(slot_id(ids, slots, i)),
        ) {
            Entry::Occupied(e) => *e.get(),
            Entry::Vacant(e) => {
                let i = self.slots.len();
                self.slots.push(Slot {
                    id_start: self.ids.len(),
                    // An id of 4 GiB cannot be a String on the way in anyway.
                    id_len: u32::try_from(id.len()).unwrap_or(u32::MAX),
                    mask: 0,
                    order: None,
                });
                self.ids.push_str(id);
                e.insert(i);
                i
            }
        }
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
/// use odr_guard::odr::{ChargebackKind, ClaimStatus, Defect, Fulfillment, Ingest, OdrStatus};
/// use odr_guard::OdrTracker;
/// use odr_guard::odr::Order;
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
    index: OrderIndex,
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
            index: OrderIndex::with_capacity(orders),
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
        let i = self.index.find(id)?;
        let o = self.index.slots.get(i)?.order?;
        Some(Order {
            id: OrderId::from(id),
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
        self.index
            .defects
            .iter()
            .filter(|(i, _)| self.index.slots.get(**i).is_some_and(|s| s.order.is_none()))
            .flat_map(|(_, ids)| ids.iter().filter_map(|id| self.defects.get(id)))
    }

    /// The latest order date known, if any (over both channels, cancelled
    /// orders included).
    pub fn latest_order_date(&self) -> Option<NaiveDate> {
        self.index
            .slots
            .iter()
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
        let i = self.index.find_or_insert(order.id.as_str());
        let Some(slot) = self.index.slots.get_mut(i) else {
            return Ingest::Unchanged; // unreachable: find_or_insert returns a slot
        };
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
                    if let Some(i) = self.index.find(old.order_id.as_str()) {
                        if let Some(list) = self.index.defects.get_mut(&i) {
                            list.retain(|d| *d != id);
                            if list.is_empty() {
                                self.index.defects.remove(&i);
                            }
                        }
                        self.recount(i);
                    }
                }
                Ingest::Updated
            }
        };
        let i = self.index.find_or_insert(order_id.as_str());
        let list = self.index.defects.entry(i).or_default();
        if !list.contains(&id) {
            list.push(id);
        }
        self.recount(i);
        ingest
    }

    /// Recomputes an order's counted kinds and updates the tallies.
    fn recount(&mut self, i: usize) {
        let rules = self.settings.rules();
        let mask = self.index.defects.get(&i).map_or(0, |ids| {
            ids.iter()
                .filter_map(|id| self.defects.get(id))
                .filter(|d| rules.counts(d))
                .fold(0, |m, d| m | d.kind().bit())
        });
        if let Some(slot) = self.index.slots.get_mut(i) {
            let old = slot.contribution(rules);
            slot.mask = mask;
            apply(&mut self.tallies, old, slot.contribution(rules));
        }
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
