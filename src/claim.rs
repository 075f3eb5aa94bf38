//! The A-to-z claim window: when can this buyer file a claim? (The order facts it
//! reads are a ticket's [`OrderContext`].)
//!
//! Amazon.com help page 200783670 ("About A-to-z Guarantee") says a buyer may request
//! an A-to-z Guarantee refund when:
//! - the package has not arrived and three days have passed since the **maximum
//!   estimated delivery date**, or tracking shows it delivered, whichever is sooner;
//! - the item was not as expected (damaged, defective, wrong) and a return was
//!   requested;
//! - the item was returned and the seller has not refunded;
//! - in every case after first contacting the seller and waiting 48 hours; claims can
//!   be filed up to 90 days after the maximum estimated delivery date; a buyer who
//!   filed a chargeback cannot also claim.
//!
//! The crate stays pure: callers supply the order facts. Every rule lives in
//! [`ClaimRules`], one place, with these defaults.
//!
//! # Dates and instants
//! Order dates are marketplace dates. A date `D` becomes an instant at the **end of
//! `D`** in the marketplace's time zone ([`Marketplace::time_zone`]; UTC when the
//! marketplace is unknown): "three days after the maximum estimated delivery date"
//! is the end of `D + 3`, "90 days after" the end of `D + 90`.

use std::cell::{LazyCell, OnceCell};
use std::fmt;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::day_end;
use crate::market::{Fulfillment, Marketplace};
use crate::risk::{CategorySet, RiskCategory};
use crate::ticket::{OrderContext, Ticket};

/// Which published condition opens the claim window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClaimCondition {
    /// Not received: three days past the maximum estimated delivery date.
    NotReceived,
    /// Tracking shows the parcel delivered, but the buyer says it never arrived.
    DeliveredNotReceived,
    /// Not as expected (damaged, defective, wrong item) and a return was requested.
    NotAsExpected,
    /// Returned (a return was requested) and not refunded.
    ReturnedNotRefunded,
}

names!(ClaimCondition, "claim condition", {
    NotReceived => "not_received",
    DeliveredNotReceived => "delivered_not_received",
    NotAsExpected => "not_as_expected",
    ReturnedNotRefunded => "returned_not_refunded",
});

/// When an A-to-z claim becomes possible for the buyer's problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ClaimWindow {
    /// The condition that opens it.
    pub condition: ClaimCondition,
    /// When the buyer can file (the 48-hour contact rule included).
    pub opens_at: DateTime<Utc>,
    /// When it closes (90 days after the maximum estimated delivery date), if known.
    pub closes_at: Option<DateTime<Utc>>,
}

impl ClaimWindow {
    /// Whether the window is open at `at`.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        at >= self.opens_at && self.closes_at.is_none_or(|c| at < c)
    }
}

/// Why no claim window can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoWindow {
    /// Fulfilled by Amazon: Amazon handles delivery and its claims.
    FulfilledByAmazon,
    /// The buyer filed a chargeback and so cannot also claim.
    ChargebackFiled,
    /// The seller already refunded.
    Refunded,
    /// The buyer's words name no problem a claim covers.
    NoClaimableProblem,
    /// Not received, but neither the maximum delivery date nor delivery is known.
    UnknownDeliveryDate,
    /// Not as expected, but no return was requested yet.
    NoReturnRequested,
    /// The 90 days after the maximum estimated delivery date have passed.
    Expired,
    /// The ticket is not an Amazon ticket: the A-to-z Guarantee is Amazon's.
    NotAmazon,
    /// The ticket carries no order facts ([`OrderContext`]).
    NoOrderFacts,
    /// The buyer has not written yet (the wait before a claim starts at the
    /// buyer's first contact).
    NoBuyerMessage,
    /// The [`ClaimRules`] are not usable ([`ClaimRules::is_valid`]): a count out of
    /// range, or claims that would close before they open.
    InvalidRules,
}

impl fmt::Display for NoWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoWindow::FulfilledByAmazon => "fulfilled by Amazon: Amazon handles delivery claims",
            NoWindow::ChargebackFiled => "a chargeback was filed: the buyer cannot also claim",
            NoWindow::Refunded => "the order was refunded",
            NoWindow::NoClaimableProblem => "no problem a claim covers was mentioned",
            NoWindow::UnknownDeliveryDate => {
                "not received, but the maximum delivery date and delivery are unknown"
            }
            NoWindow::NoReturnRequested => "not as expected, but no return was requested yet",
            NoWindow::Expired => "more than 90 days after the maximum estimated delivery date",
            NoWindow::NotAmazon => "not an Amazon ticket",
            NoWindow::NoOrderFacts => "no order facts are known",
            NoWindow::NoBuyerMessage => "the buyer has not written yet",
            NoWindow::InvalidRules => "the claim rules are not valid (see ClaimRules::is_valid)",
        })
    }
}

/// The published numbers, in one place. [`ClaimRules::default`] follows Amazon.com
/// (help page 200783670).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ClaimRules {
    /// Days after the maximum estimated delivery date before "not received" opens.
    pub days_after_max_delivery: u32,
    /// Hours the buyer must wait after first contacting the seller.
    pub contact_wait_hours: u32,
    /// Days after the maximum estimated delivery date until claims close.
    pub claim_limit_days: u32,
    /// The older "not received" rule: the window also opens this many days after
    /// the order date, if that is sooner than [`days_after_max_delivery`] after the
    /// maximum delivery date ("3 days after the maximum delivery date or 30 days
    /// after the order date, whichever is sooner", as some marketplaces' seller
    /// help pages still state, e.g. Amazon.ca's A-to-z FAQ). `None` (the default)
    /// follows today's Amazon.com help page 200783670; `Some(30)` the older rule.
    /// With it, an order with an order date but no maximum delivery date has a
    /// "not received" window too.
    ///
    /// [`days_after_max_delivery`]: ClaimRules::days_after_max_delivery
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_after_order_date: Option<u32>,
}

impl ClaimRules {
    /// The largest number of days a rule may give (24 times as many hours for
    /// `contact_wait_hours`), as a policy checks at load.
    pub const MAX_DAYS: u32 = 365;

    /// Whether the rules are usable: every count within [`ClaimRules::MAX_DAYS`]
    /// (`contact_wait_hours` within 24 times as many) and claims closing after
    /// they open. A [`Policy`](crate::Policy) refuses other rules at load, naming
    /// the field; [`ClaimRules::window`] answers [`NoWindow::InvalidRules`].
    pub fn is_valid(&self) -> bool {
        let days_ok = |d: u32| d <= ClaimRules::MAX_DAYS;
        days_ok(self.days_after_max_delivery)
            && days_ok(self.claim_limit_days)
            && self.contact_wait_hours <= ClaimRules::MAX_DAYS * 24
            && self.days_after_order_date.is_none_or(days_ok)
            && self.days_after_max_delivery < self.claim_limit_days
    }
}

impl Default for ClaimRules {
    fn default() -> Self {
        ClaimRules {
            days_after_max_delivery: 3,
            contact_wait_hours: 48,
            claim_limit_days: 90,
            days_after_order_date: None,
        }
    }
}

impl ClaimRules {
    /// The older rule: "not received" also opens `days` after the order date, if
    /// that is sooner (see [`ClaimRules::days_after_order_date`]).
    #[must_use]
    pub fn with_days_after_order_date(mut self, days: u32) -> ClaimRules {
        self.days_after_order_date = Some(days);
        self
    }
}

/// The zone a marketplace's dates are read in (UTC when unknown).
pub(crate) fn zone_of(marketplace: Option<Marketplace>) -> chrono_tz::Tz {
    marketplace.map_or(chrono_tz::UTC, Marketplace::tz)
}

/// The order's dates turned into instants once, for repeated window computations.
///
/// The ends of marketplace days are kept as Unix seconds (whole seconds: midnights
/// and the ends of DST gaps) and compared as such; building a `DateTime` from
/// seconds costs more than the rest of the day arithmetic, so the two that can
/// appear in a [`ClaimWindow`] are converted once, when first needed.
#[derive(Debug, Clone)]
pub(crate) struct OrderClock<'a> {
    pub(crate) order: &'a OrderContext,
    rules: ClaimRules,
    /// End of max delivery date + `days_after_max_delivery`, in Unix seconds.
    not_received: Option<i64>,
    /// End of the max delivery date, in Unix seconds.
    max_delivery_end: Option<i64>,
    /// End of max delivery date + `claim_limit_days`, in Unix seconds.
    closes: Option<i64>,
    not_received_at: OnceCell<Option<DateTime<Utc>>>,
    closes_at: OnceCell<Option<DateTime<Utc>>>,
}

/// Whether the whole second `secs` is at or before `t`.
fn secs_at_or_before(secs: i64, t: DateTime<Utc>) -> bool {
    // `t` is `t.timestamp()` plus a non-negative fraction.
    secs <= t.timestamp()
}

/// The instant of whole Unix second `secs`, converted once into `cell`.
fn instant(cell: &OnceCell<Option<DateTime<Utc>>>, secs: Option<i64>) -> Option<DateTime<Utc>> {
    *cell.get_or_init(|| DateTime::from_timestamp(secs?, 0))
}

impl<'a> OrderClock<'a> {
    /// `ends_of_days(d, [a, b, c])` gives the Unix seconds at which the marketplace
    /// dates `d + a`, `d + b` and `d + c` end.
    pub(crate) fn new(
        order: &'a OrderContext,
        rules: ClaimRules,
        ends_of_days: impl Fn(NaiveDate, [u32; 3]) -> [Option<i64>; 3],
    ) -> OrderClock<'a> {
        let (mut a, mut b) = (rules.days_after_max_delivery, rules.claim_limit_days);
        if a > b {
            std::mem::swap(&mut a, &mut b);
        }
        let [end, first, second] = order
            .max_delivery_date
            .map_or([None; 3], |d| ends_of_days(d, [0, a, b]));
        let (not_received, closes) = if rules.days_after_max_delivery <= rules.claim_limit_days {
            (first, second)
        } else {
            (second, first)
        };
        // The older rule: also `n` days after the order date, whichever is sooner.
        let by_order_date = rules
            .days_after_order_date
            .zip(order.order_date)
            .and_then(|(n, d)| ends_of_days(d, [n; 3])[0]);
        let not_received = match (not_received, by_order_date) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        OrderClock {
            order,
            rules,
            not_received,
            max_delivery_end: end,
            closes,
            not_received_at: OnceCell::new(),
            closes_at: OnceCell::new(),
        }
    }

    /// Whether any order fact takes effect in `(from, to]` (so a window computed at
    /// `from` may differ at `to`).
    pub(crate) fn changes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        let o = self.order;
        [
            o.delivered_at,
            o.return_requested_at,
            o.refunded_at,
            o.chargeback_at,
        ]
        .into_iter()
        .flatten()
        .any(|t| from < t && t <= to)
            || self
                .closes
                .is_some_and(|c| !secs_at_or_before(c, from) && secs_at_or_before(c, to))
    }

    /// Whether the max delivery date has passed at `at` without a delivery scan.
    pub(crate) fn delivery_overdue(&self, at: DateTime<Utc>) -> bool {
        self.max_delivery_end
            .is_some_and(|end| secs_at_or_before(end, at))
            && self.order.delivered_at.is_none_or(|d| d > at)
    }

    /// The earliest instant a buyer who first wrote at `first_contact` may claim
    /// (the contact wait). Past the end of the time range it saturates at
    /// [`DateTime::<Utc>::MAX_UTC`]: never a shorter wait than the rule's.
    pub(crate) fn after_contact_wait(&self, first_contact: DateTime<Utc>) -> DateTime<Utc> {
        first_contact
            .checked_add_signed(TimeDelta::hours(i64::from(self.rules.contact_wait_hours)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The claim window for the buyer's problem (`categories`), as known at `at`,
    /// for a buyer who may claim from `contact()` on ([`Self::after_contact_wait`];
    /// asked only if some condition holds).
    pub(crate) fn window(
        &self,
        categories: CategorySet,
        contact: impl FnOnce() -> DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<ClaimWindow, NoWindow> {
        let o = self.order;
        if o.fulfillment == Some(Fulfillment::Amazon) {
            return Err(NoWindow::FulfilledByAmazon);
        }
        if o.chargeback_at.is_some_and(|c| c <= at) {
            return Err(NoWindow::ChargebackFiled);
        }
        if o.refunded_at.is_some_and(|r| r <= at) {
            return Err(NoWindow::Refunded);
        }
        let mut best: Option<(ClaimCondition, DateTime<Utc>)> = None;
        let mut missing = NoWindow::NoClaimableProblem;
        let contact = LazyCell::new(contact);
        let mut consider = |cond: ClaimCondition, opens: DateTime<Utc>| {
            let opens = opens.max(*contact);
            if best.is_none_or(|(_, b)| opens < b) {
                best = Some((cond, opens));
            }
        };
        use RiskCategory as C;
        if categories.contains(C::Lost) || categories.contains(C::OrderStatus) {
            let delivered = o.delivered_at.filter(|d| *d <= at);
            let not_received = || instant(&self.not_received_at, self.not_received);
            match (self.not_received, delivered) {
                (_, Some(d)) if categories.contains(C::Lost) => {
                    let opens = match self.not_received {
                        Some(n) if secs_at_or_before(n, d) => not_received().unwrap_or(d),
                        _ => d,
                    };
                    consider(ClaimCondition::DeliveredNotReceived, opens);
                }
                (Some(_), _) => match not_received() {
                    Some(n) => consider(ClaimCondition::NotReceived, n),
                    None => missing = NoWindow::UnknownDeliveryDate,
                },
                (None, _) => missing = NoWindow::UnknownDeliveryDate,
            }
        }
        let not_as_expected = categories.contains(C::Damaged) || categories.contains(C::WrongItem);
        let wants_money = categories.contains(C::Refund) || categories.contains(C::ReturnExchange);
        if not_as_expected || wants_money {
            match o.return_requested_at.filter(|r| *r <= at) {
                Some(r) if not_as_expected => consider(ClaimCondition::NotAsExpected, r),
                Some(r) => consider(ClaimCondition::ReturnedNotRefunded, r),
                None if best.is_none() && not_as_expected => missing = NoWindow::NoReturnRequested,
                None => {}
            }
        }
        let (condition, opens_at) = best.ok_or(missing)?;
        if self
            .closes
            .is_some_and(|c| secs_at_or_before(c, opens_at) || secs_at_or_before(c, at))
        {
            return Err(NoWindow::Expired);
        }
        Ok(ClaimWindow {
            condition,
            opens_at,
            closes_at: instant(&self.closes_at, self.closes),
        })
    }
}

impl ClaimRules {
    /// The buyer's A-to-z claim window on an Amazon ticket, from its order facts
    /// ([`Ticket::order`](crate::Ticket::order)) as known at `at`.
    ///
    /// `categories` are the risk categories of the buyer's words (e.g.
    /// [`Assessment::categories`](crate::Assessment::categories)); the first buyer
    /// message is the first contact, and the ticket's marketplace gives the zone in
    /// which dates are read (UTC when unknown). Unknown facts give a reason that
    /// says which, never a guess.
    ///
    /// # Errors
    /// A [`NoWindow`] reason when no window can be given.
    ///
    /// ```
    /// use chrono::{NaiveDate, TimeZone, Utc};
    /// use odr_guard::claim::{ClaimCondition, ClaimRules};
    /// use odr_guard::odr::Fulfillment;
    /// use odr_guard::ticket::OrderContext;
    /// use odr_guard::{CategorySet, Channel, Marketplace, Message, RiskCategory, Ticket};
    ///
    /// let contact = Utc.with_ymd_and_hms(2026, 11, 4, 9, 0, 0).single().ok_or("time")?;
    /// let order = OrderContext::new()
    ///     .fulfillment(Fulfillment::Merchant)
    ///     .max_delivery_date(NaiveDate::from_ymd_opt(2026, 11, 3).ok_or("date")?);
    /// let ticket = Ticket::new("T-1", Channel::amazon(Marketplace::Us))
    ///     .with_order(order)
    ///     .with_message(Message::buyer(contact, "Where is my parcel?"));
    /// let lost = CategorySet::from([RiskCategory::Lost]);
    /// let w = ClaimRules::default().window(&ticket, lost, contact)?;
    /// assert_eq!(w.condition, ClaimCondition::NotReceived);
    /// // End of Nov 6 (3 days after Nov 3) in Los Angeles: 08:00 UTC on Nov 7.
    /// assert_eq!(w.opens_at, Utc.with_ymd_and_hms(2026, 11, 7, 8, 0, 0).single().ok_or("time")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn window(
        &self,
        ticket: &Ticket,
        categories: CategorySet,
        at: DateTime<Utc>,
    ) -> Result<ClaimWindow, NoWindow> {
        if !self.is_valid() {
            return Err(NoWindow::InvalidRules);
        }
        if !ticket.channel.is_amazon() {
            return Err(NoWindow::NotAmazon);
        }
        let order = ticket.order.as_ref().ok_or(NoWindow::NoOrderFacts)?;
        let first_contact = ticket.first_received_at().ok_or(NoWindow::NoBuyerMessage)?;
        let zone = zone_of(ticket.channel.marketplace());
        let ends = |d: NaiveDate, plus: [u32; 3]| {
            plus.map(|n| {
                d.checked_add_days(Days::new(u64::from(n)))
                    .and_then(|d| day_end(zone, d))
                    .map(|t| t.timestamp())
            })
        };
        let clock = OrderClock::new(order, *self, ends);
        clock.window(categories, || clock.after_contact_wait(first_contact), at)
    }
}

impl std::error::Error for NoWindow {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ticket::{Channel, Message};
    use chrono::TimeZone;
    use RiskCategory as C;

    /// The window on an Amazon ticket with this order, first written at `contact`.
    fn window(
        order: OrderContext,
        marketplace: Option<Marketplace>,
        rules: ClaimRules,
        categories: CategorySet,
        contact: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<ClaimWindow, NoWindow> {
        let ticket = Ticket::new("t", Channel::Amazon { marketplace })
            .with_order(order)
            .with_message(Message::buyer(contact, "where is it?"));
        rules.window(&ticket, categories, at)
    }

    fn utc(mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, mo, d, h, mi, 0).unwrap()
    }

    fn date(mo: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, mo, d).unwrap()
    }

    #[test]
    fn whole_seconds_compare_with_instants_exactly() {
        let t = utc(11, 7, 8, 0);
        let ns = |n: i64| t + TimeDelta::nanoseconds(n);
        // (secs relative to t, instant, secs at or before the instant)
        let table = [
            (0, ns(0), true),
            (0, ns(1), true),
            (0, ns(-1), false),
            (-1, ns(-1), true),
            (1, ns(999_999_999), false),
            (1, ns(1_000_000_000), true),
        ];
        for (d, at, want) in table {
            assert_eq!(secs_at_or_before(t.timestamp() + d, at), want, "{d} {at}");
        }
    }

    fn merchant() -> OrderContext {
        OrderContext::new()
            .fulfillment(Fulfillment::Merchant)
            .max_delivery_date(date(11, 3))
    }

    type Case = (
        &'static str,
        OrderContext,
        Option<Marketplace>,
        &'static [C],
        DateTime<Utc>,
        DateTime<Utc>,
        Result<(ClaimCondition, DateTime<Utc>), NoWindow>,
    );

    #[test]
    fn published_conditions_table() {
        let cases: Vec<Case> = vec![
            (
                "not received: end of max delivery date + 3 days, Los Angeles",
                merchant(),
                Some(Marketplace::Us),
                &[C::Lost],
                utc(11, 4, 9, 0),
                utc(11, 4, 9, 0),
                Ok((ClaimCondition::NotReceived, utc(11, 7, 8, 0))),
            ),
            (
                "where-is-my-order counts as not received",
                merchant(),
                Some(Marketplace::Us),
                &[C::OrderStatus],
                utc(11, 4, 9, 0),
                utc(11, 4, 9, 0),
                Ok((ClaimCondition::NotReceived, utc(11, 7, 8, 0))),
            ),
            (
                "Tokyo dates end at 15:00 UTC",
                merchant(),
                Some(Marketplace::Jp),
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Ok((ClaimCondition::NotReceived, utc(11, 6, 15, 0))),
            ),
            (
                "Berlin dates end at 23:00 UTC in winter",
                merchant(),
                Some(Marketplace::De),
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Ok((ClaimCondition::NotReceived, utc(11, 6, 23, 0))),
            ),
            (
                "unknown marketplace reads dates in UTC",
                merchant(),
                None,
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Ok((ClaimCondition::NotReceived, utc(11, 7, 0, 0))),
            ),
            (
                "delivered scan before the 3-day mark, buyer says not received: 48 h after contact",
                merchant().delivered_at(utc(11, 2, 15, 0)),
                Some(Marketplace::Us),
                &[C::Lost],
                utc(11, 2, 16, 0),
                utc(11, 2, 16, 0),
                Ok((ClaimCondition::DeliveredNotReceived, utc(11, 4, 16, 0))),
            ),
            (
                "48-hour contact rule delays a window that would be open",
                merchant(),
                Some(Marketplace::Us),
                &[C::Lost],
                utc(11, 20, 10, 0),
                utc(11, 20, 10, 0),
                Ok((ClaimCondition::NotReceived, utc(11, 22, 10, 0))),
            ),
            (
                "damaged with a return requested",
                merchant().return_requested_at(utc(11, 5, 12, 0)),
                None,
                &[C::Damaged],
                utc(11, 5, 10, 0),
                utc(11, 5, 13, 0),
                Ok((ClaimCondition::NotAsExpected, utc(11, 7, 10, 0))),
            ),
            (
                "returned and not refunded",
                merchant().return_requested_at(utc(11, 9, 12, 0)),
                None,
                &[C::Refund],
                utc(11, 5, 10, 0),
                utc(11, 10, 0, 0),
                Ok((ClaimCondition::ReturnedNotRefunded, utc(11, 9, 12, 0))),
            ),
            (
                "FBA orders are Amazon's to handle",
                merchant().fulfillment(Fulfillment::Amazon),
                None,
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Err(NoWindow::FulfilledByAmazon),
            ),
            (
                "after the 90-day limit",
                merchant().max_delivery_date(date(7, 1)),
                None,
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Err(NoWindow::Expired),
            ),
            (
                "chargeback already filed",
                merchant().chargeback_at(utc(11, 3, 0, 0)),
                None,
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Err(NoWindow::ChargebackFiled),
            ),
            (
                "a chargeback filed later is not known yet",
                merchant().chargeback_at(utc(11, 9, 0, 0)),
                None,
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Ok((ClaimCondition::NotReceived, utc(11, 7, 0, 0))),
            ),
            (
                "refunded",
                merchant().refunded_at(utc(11, 3, 0, 0)),
                None,
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Err(NoWindow::Refunded),
            ),
            (
                "damaged without a return request: unknown, not a guess",
                merchant(),
                None,
                &[C::Damaged],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Err(NoWindow::NoReturnRequested),
            ),
            (
                "not received without any delivery date",
                OrderContext::new(),
                None,
                &[C::Lost],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Err(NoWindow::UnknownDeliveryDate),
            ),
            (
                "nothing claimable said",
                merchant(),
                None,
                &[C::NegativeFeedback],
                utc(11, 4, 0, 0),
                utc(11, 4, 0, 0),
                Err(NoWindow::NoClaimableProblem),
            ),
            (
                "two problems: the earliest opening wins",
                merchant().return_requested_at(utc(11, 1, 0, 0)),
                None,
                &[C::Lost, C::Damaged],
                utc(11, 1, 0, 0),
                utc(11, 4, 0, 0),
                Ok((ClaimCondition::NotAsExpected, utc(11, 3, 0, 0))),
            ),
        ];
        for (name, order, market, cats, contact, at, want) in cases {
            let got = window(
                order,
                market,
                ClaimRules::default(),
                cats.iter().copied().collect(),
                contact,
                at,
            )
            .map(|w| (w.condition, w.opens_at));
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn older_rule_opens_30_days_after_the_order_date_if_sooner() {
        // Los Angeles: a US date ends at 08:00 UTC in winter (07:00 in summer).
        let older = ClaimRules::default().with_days_after_order_date(30);
        let order = |ordered: Option<NaiveDate>, max: Option<NaiveDate>| {
            let mut o = OrderContext::new().fulfillment(Fulfillment::Merchant);
            o.order_date = ordered;
            o.max_delivery_date = max;
            o
        };
        // (name, order, rules, expected window)
        let cases: Vec<(&str, OrderContext, ClaimRules, Result<_, NoWindow>)> = vec![
            (
                "order date + 30 is sooner than max delivery + 3",
                order(Some(date(10, 1)), Some(date(11, 3))),
                older,
                Ok((ClaimCondition::NotReceived, utc(11, 1, 7, 0))),
            ),
            (
                "max delivery + 3 is sooner",
                order(Some(date(10, 20)), Some(date(11, 3))),
                older,
                Ok((ClaimCondition::NotReceived, utc(11, 7, 8, 0))),
            ),
            (
                "no max delivery date: the order date alone opens it",
                order(Some(date(10, 1)), None),
                older,
                Ok((ClaimCondition::NotReceived, utc(11, 1, 7, 0))),
            ),
            (
                "today's rule ignores the order date",
                order(Some(date(10, 1)), Some(date(11, 3))),
                ClaimRules::default(),
                Ok((ClaimCondition::NotReceived, utc(11, 7, 8, 0))),
            ),
            (
                "today's rule without a max delivery date has no window",
                order(Some(date(10, 1)), None),
                ClaimRules::default(),
                Err(NoWindow::UnknownDeliveryDate),
            ),
            (
                "the older rule without an order date is today's rule",
                order(None, Some(date(11, 3))),
                older,
                Ok((ClaimCondition::NotReceived, utc(11, 7, 8, 0))),
            ),
        ];
        for (name, o, rules, want) in cases {
            let got = window(
                o,
                Some(Marketplace::Us),
                rules,
                [C::Lost].into_iter().collect(),
                utc(10, 2, 9, 0),
                utc(11, 20, 9, 0),
            )
            .map(|w| (w.condition, w.opens_at));
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn invalid_rules_give_no_window_rather_than_a_wrong_one() {
        let ok = ClaimRules::default();
        let cases = [
            (
                "inverted",
                ClaimRules {
                    claim_limit_days: 2,
                    ..ok
                },
            ),
            (
                "empty",
                ClaimRules {
                    claim_limit_days: 3,
                    ..ok
                },
            ),
            (
                "huge wait",
                ClaimRules {
                    contact_wait_hours: u32::MAX,
                    ..ok
                },
            ),
            (
                "huge days",
                ClaimRules {
                    days_after_max_delivery: u32::MAX,
                    ..ok
                },
            ),
            ("huge order days", ok.with_days_after_order_date(366)),
        ];
        for (name, rules) in cases {
            assert!(!rules.is_valid(), "{name}");
            let got = window(
                merchant(),
                Some(Marketplace::Us),
                rules,
                [C::Lost].into(),
                utc(11, 4, 0, 0),
                utc(11, 20, 0, 0),
            );
            assert_eq!(got, Err(NoWindow::InvalidRules), "{name}");
        }
        assert!(ok.is_valid());
        assert!(ok.with_days_after_order_date(30).is_valid());
    }

    #[test]
    fn condition_names_match_serde() {
        for c in [
            ClaimCondition::NotReceived,
            ClaimCondition::DeliveredNotReceived,
            ClaimCondition::NotAsExpected,
            ClaimCondition::ReturnedNotRefunded,
        ] {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }

    #[test]
    fn window_closes_90_days_after_max_delivery() {
        let w = window(
            merchant(),
            None,
            ClaimRules::default(),
            [C::Lost].into(),
            utc(11, 4, 0, 0),
            utc(11, 4, 0, 0),
        )
        .unwrap();
        let closes = Utc.with_ymd_and_hms(2027, 2, 2, 0, 0, 0).unwrap();
        assert_eq!(w.closes_at, Some(closes));
        assert!(!w.is_open(utc(11, 6, 23, 59)));
        assert!(w.is_open(utc(11, 7, 0, 0)));
        assert!(!w.is_open(closes));
    }

    #[test]
    fn end_of_day_handles_dst_and_range_edges() {
        // Europe/Berlin leaves DST on 2026-10-25: that day ends at 23:00 UTC.
        let berlin = chrono_tz::Europe::Berlin;
        assert_eq!(day_end(berlin, date(10, 25)), Some(utc(10, 25, 23, 0)));
        assert_eq!(day_end(berlin, date(10, 24)), Some(utc(10, 24, 22, 0)));
        // Sao Paulo skipped midnight on 2018-11-04: that day began at 01:00 local.
        let sp = chrono_tz::America::Sao_Paulo;
        let d = NaiveDate::from_ymd_opt(2018, 11, 3).unwrap();
        assert_eq!(
            day_end(sp, d),
            Some(Utc.with_ymd_and_hms(2018, 11, 4, 3, 0, 0).unwrap())
        );
        assert!(day_end(chrono_tz::UTC, NaiveDate::MAX).is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

        /// The policy's per-marketplace offset tables agree with chrono-tz on the
        /// end of every day.
        #[test]
        fn zone_tables_agree_with_chrono_tz(m in 0usize..Marketplace::ALL.len(), days in 0i64..50_000) {
            let market = Marketplace::ALL[m];
            let d = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::TimeDelta::days(days);
            let policy = crate::Policy::default();
            let want = [0u32, 3, 90].map(|n| {
                d.checked_add_days(Days::new(u64::from(n)))
                    .and_then(|d| day_end(market.tz(), d))
                    .map(|t| t.timestamp())
            });
            proptest::prop_assert_eq!(policy.ends_of_days(Some(market), d, [0, 3, 90]), want, "{} {}", market, d);
        }
    }
}
