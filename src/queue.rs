//! The triage queue: which ticket an agent should open next.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::risk::RiskTier;
use crate::sla::{SlaReport, SlaStatus};

/// How the queue orders waiting tickets. Answered tickets always come last.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QueueOrder {
    /// Most severe tier first, then earliest due time, then first received, then id.
    #[default]
    RiskFirst,
    /// Earliest due time first, then most severe tier, then first received, then id.
    EarliestDeadline,
}

names!(QueueOrder, "queue order", {
    RiskFirst => "risk_first",
    EarliestDeadline => "earliest_deadline",
});

/// One ticket in the queue: what ordering needs, copied from its [`SlaReport`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QueueItem {
    /// The ticket id.
    pub id: Arc<str>,
    /// The ticket's tier.
    pub tier: RiskTier,
    /// Its SLA status when it was (re)queued.
    pub status: SlaStatus,
    /// When the next reply is due (`None`: nothing waits).
    pub due_at: Option<DateTime<Utc>>,
    /// When the first buyer message arrived.
    pub first_received_at: Option<DateTime<Utc>>,
}

impl QueueItem {
    /// An item for a ticket whose SLA was computed elsewhere (e.g. by your own
    /// help desk); [`TriageQueue::upsert`] builds one from an [`SlaReport`].
    ///
    /// Give a waiting item its [`due_at`](QueueItem::due_at): within its tier, an
    /// item without a due time sorts after every item with one (and, with
    /// [`QueueOrder::EarliestDeadline`], after all of them).
    pub fn new(id: impl Into<Arc<str>>, tier: RiskTier, status: SlaStatus) -> QueueItem {
        QueueItem {
            id: id.into(),
            tier,
            status,
            due_at: None,
            first_received_at: None,
        }
    }

    /// When the next reply is due.
    #[must_use]
    pub fn due_at(mut self, at: DateTime<Utc>) -> QueueItem {
        self.due_at = Some(at);
        self
    }

    /// When the first buyer message arrived (the tie-breaker after due time).
    #[must_use]
    pub fn first_received_at(mut self, at: DateTime<Utc>) -> QueueItem {
        self.first_received_at = Some(at);
        self
    }

    /// Whether a reply is owed.
    pub const fn is_waiting(&self) -> bool {
        self.status.is_waiting()
    }

    /// `due_at − now` (negative when overdue); `None` when nothing waits.
    pub fn remaining(&self, now: DateTime<Utc>) -> Option<TimeDelta> {
        self.due_at.map(|d| d.signed_duration_since(now))
    }

    /// Whether the due time has passed at `now`.
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.due_at.is_some_and(|d| now > d)
    }
}

type Key = (u8, i64, i64, i64, Arc<str>);

/// A priority queue of tickets ordered by risk, with O(log n) updates.
///
/// Waiting tickets come first, ordered by [`QueueOrder`]; answered ones last.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use odr_guard::{Channel, Classifier, Marketplace, Message, Policy, Ticket, TriageQueue};
///
/// let now = Utc.with_ymd_and_hms(2026, 11, 2, 10, 0, 0).single().ok_or("time")?;
/// let classifier = Classifier::new();
/// let policy = Policy::default();
/// let mut queue = TriageQueue::new();
/// for (id, channel, text) in [
///     ("ig-1", Channel::Instagram, "love it"),
///     ("amz-1", Channel::amazon(Marketplace::Us), "I will file an A-to-z claim"),
///     ("shop-1", Channel::Shopify, "I want a refund"),
/// ] {
///     let ticket = Ticket::new(id, channel).with_message(Message::buyer(now, text));
///     let report = policy.evaluate(&ticket, &classifier.classify(&ticket), now)?;
///     queue.upsert(id, &report);
/// }
/// let order: Vec<_> = queue.iter().map(|item| item.id.to_string()).collect();
/// assert_eq!(order, ["amz-1", "shop-1", "ig-1"]);
/// assert_eq!(queue.pop().map(|item| item.id.to_string()).as_deref(), Some("amz-1"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct TriageQueue {
    order: QueueOrder,
    items: BTreeMap<Key, QueueItem>,
    keys: HashMap<Arc<str>, Key>,
}

const fn tier_rank(tier: RiskTier) -> i64 {
    tier.severity_rank() as i64
}

fn millis(t: Option<DateTime<Utc>>) -> i64 {
    t.map_or(i64::MAX, |t| t.timestamp_millis())
}

impl TriageQueue {
    /// An empty queue ordered [`QueueOrder::RiskFirst`].
    pub fn new() -> TriageQueue {
        TriageQueue::default()
    }

    /// An empty queue with the given order.
    pub fn with_order(order: QueueOrder) -> TriageQueue {
        TriageQueue {
            order,
            ..TriageQueue::default()
        }
    }

    /// The queue's order.
    pub const fn order(&self) -> QueueOrder {
        self.order
    }

    fn key(&self, item: &QueueItem) -> Key {
        let waiting = u8::from(!item.is_waiting());
        let tier = tier_rank(item.tier);
        let due = millis(item.due_at);
        let received = millis(item.first_received_at);
        let id = Arc::clone(&item.id);
        match self.order {
            QueueOrder::RiskFirst => (waiting, tier, due, received, id),
            QueueOrder::EarliestDeadline => (waiting, due, tier, received, id),
        }
    }

    /// Inserts a ticket or re-prioritises it after an update, in O(log n).
    pub fn upsert(&mut self, id: impl Into<Arc<str>>, report: &SlaReport) {
        let item = QueueItem {
            id: id.into(),
            tier: report.tier,
            status: report.status,
            due_at: report.due_at,
            first_received_at: report.first_received_at,
        };
        self.insert_item(item);
    }

    /// Inserts or replaces an item (matched by id), in O(log n).
    pub fn insert_item(&mut self, item: QueueItem) {
        self.remove(&item.id);
        let key = self.key(&item);
        self.keys.insert(Arc::clone(&item.id), key.clone());
        self.items.insert(key, item);
    }

    /// Removes a ticket; returns it if it was queued.
    pub fn remove(&mut self, id: &str) -> Option<QueueItem> {
        let key = self.keys.remove(id)?;
        self.items.remove(&key)
    }

    /// The ticket to open next.
    pub fn peek(&self) -> Option<&QueueItem> {
        self.items.values().next()
    }

    /// Removes and returns the ticket to open next.
    pub fn pop(&mut self) -> Option<QueueItem> {
        let (_, item) = self.items.pop_first()?;
        self.keys.remove(&item.id);
        Some(item)
    }

    /// Removes and returns the next ticket that still waits for a reply, or `None`
    /// when no ticket waits. Answered tickets stay queued.
    pub fn pop_waiting(&mut self) -> Option<QueueItem> {
        match self.peek() {
            Some(item) if item.is_waiting() => self.pop(),
            _ => None,
        }
    }

    /// The tickets in queue order.
    pub fn iter(&self) -> impl Iterator<Item = &QueueItem> {
        self.items.values()
    }

    /// How many tickets are queued.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl Extend<QueueItem> for TriageQueue {
    fn extend<I: IntoIterator<Item = QueueItem>>(&mut self, iter: I) {
        for item in iter {
            self.insert_item(item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn item(id: &str, tier: RiskTier, status: SlaStatus, due: Option<i64>, rec: i64) -> QueueItem {
        let at = |m: i64| Utc.timestamp_opt(1_790_000_000 + m * 60, 0).unwrap();
        QueueItem {
            id: id.into(),
            tier,
            status,
            due_at: due.map(at),
            first_received_at: Some(at(rec)),
        }
    }

    fn ids(q: &TriageQueue) -> Vec<String> {
        q.iter().map(|i| i.id.to_string()).collect()
    }

    use RiskTier as T;
    use SlaStatus as S;

    fn sample() -> Vec<QueueItem> {
        vec![
            item("low-soon", T::Low, S::AtRisk, Some(5), 0),
            item("crit-late", T::OdrCritical, S::OnTrack, Some(60), 10),
            item("crit-early", T::OdrCritical, S::OnTrack, Some(30), 20),
            item("crit-early-b", T::OdrCritical, S::OnTrack, Some(30), 20),
            item("crit-early-old", T::OdrCritical, S::OnTrack, Some(30), 5),
            item("high-breached", T::OdrHigh, S::Breached, Some(-10), 0),
            item("answered-crit", T::OdrCritical, S::Met, None, 0),
            item("answered-low", T::Low, S::Missed, None, 1),
        ]
    }

    #[test]
    fn risk_first_orders_by_tier_due_received_id() {
        let mut q = TriageQueue::new();
        q.extend(sample());
        assert_eq!(
            ids(&q),
            [
                "crit-early-old",
                "crit-early",
                "crit-early-b",
                "crit-late",
                "high-breached",
                "low-soon",
                "answered-crit",
                "answered-low"
            ]
        );
    }

    #[test]
    fn earliest_deadline_orders_by_due_first() {
        let mut q = TriageQueue::with_order(QueueOrder::EarliestDeadline);
        q.extend(sample());
        assert_eq!(
            ids(&q),
            [
                "high-breached",
                "low-soon",
                "crit-early-old",
                "crit-early",
                "crit-early-b",
                "crit-late",
                "answered-crit",
                "answered-low"
            ]
        );
    }

    #[test]
    fn updates_reprioritise_and_pop_takes_waiting_first() {
        let mut q = TriageQueue::new();
        q.extend(sample());
        // The critical ticket is answered: it drops behind every waiting ticket.
        q.insert_item(item("crit-early-old", T::OdrCritical, S::Met, None, 5));
        assert_eq!(q.len(), 8);
        assert_eq!(q.peek().map(|i| &*i.id), Some("crit-early"));
        let mut popped = Vec::new();
        while let Some(i) = q.pop_waiting() {
            popped.push(i.id.to_string());
        }
        assert_eq!(
            popped,
            [
                "crit-early",
                "crit-early-b",
                "crit-late",
                "high-breached",
                "low-soon"
            ]
        );
        assert_eq!(q.len(), 3);
        assert!(q.remove("answered-low").is_some());
        assert!(q.remove("answered-low").is_none());
        assert_eq!(q.len(), 2);
    }

    #[test]
    fn remaining_and_overdue_read_the_due_time() {
        let i = item("x", T::OdrHigh, S::OnTrack, Some(10), 0);
        let due = i.due_at.unwrap();
        assert_eq!(
            i.remaining(due - TimeDelta::minutes(3)),
            Some(TimeDelta::minutes(3))
        );
        assert!(!i.is_overdue(due));
        assert!(i.is_overdue(due + TimeDelta::seconds(1)));
        assert_eq!(item("y", T::Low, S::Met, None, 0).remaining(due), None);
    }

    fn arb_item() -> impl Strategy<Value = QueueItem> {
        let tier = prop::sample::select(RiskTier::ALL.to_vec());
        let status =
            prop::sample::select(vec![S::OnTrack, S::AtRisk, S::Breached, S::Met, S::Missed]);
        (
            0u8..40,
            tier,
            status,
            prop::option::of(-100i64..100),
            0i64..50,
        )
            .prop_map(|(id, tier, status, due, rec)| {
                item(&format!("t{id}"), tier, status, due, rec)
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// After any sequence of upserts, the queue holds the last version of each id,
        /// in exactly the order a plain sort by the documented key gives.
        #[test]
        fn queue_equals_sorting_the_latest_versions(items in prop::collection::vec(arb_item(), 0..60)) {
            let mut q = TriageQueue::new();
            let mut latest: HashMap<Arc<str>, QueueItem> = HashMap::new();
            for i in items {
                latest.insert(Arc::clone(&i.id), i.clone());
                q.insert_item(i);
            }
            let mut want: Vec<QueueItem> = latest.into_values().collect();
            want.sort_by(|a, b| {
                (!a.is_waiting(), std::cmp::Reverse(a.tier), millis(a.due_at), millis(a.first_received_at), &a.id)
                    .cmp(&(!b.is_waiting(), std::cmp::Reverse(b.tier), millis(b.due_at), millis(b.first_received_at), &b.id))
            });
            let got: Vec<QueueItem> = q.iter().cloned().collect();
            prop_assert_eq!(got, want);
        }
    }
}
