//! The evaluation walk: [`Policy::evaluate`] reads a ticket's history once, in
//! time order, opening and closing obligations, re-tiering as facts arrive and
//! processing the claim window's opening as an event of its own.

use std::cell::OnceCell;

use chrono::{DateTime, Datelike, TimeDelta, Utc};

use super::report::{Band, Obligation, ObligationKind, Outcome, SlaError, SlaReport, SlaStatus};
use super::{Facts, Policy, Rule, Target};
use crate::assessment::Assessment;
use crate::calendar::{Calendar, CalendarComputeError};
use crate::claim::{ClaimWindow, NoWindow, OrderClock};
use crate::risk::{CategorySet, RiskTier};
use crate::ticket::{MessageKind, Ticket};

struct Open<'p> {
    ob: Obligation,
    calendar: &'p Calendar,
    at_risk: f64,
    /// The due time may not pass this instant (the claim window opening).
    cap: Option<DateTime<Utc>>,
}

impl Open<'_> {
    fn is_response(&self) -> bool {
        matches!(
            self.ob.kind,
            ObligationKind::FirstResponse | ObligationKind::NextResponse
        )
    }

    /// Caps the due time at `limit` if it falls after the obligation opened.
    fn cap_at(&mut self, limit: DateTime<Utc>) {
        if self.is_response() && limit > self.ob.opened_at {
            self.cap = Some(self.cap.map_or(limit, |c| c.min(limit)));
            self.ob.due_at = self.ob.due_at.min(limit);
        }
    }
}

/// The state of one evaluation walk over a ticket's history.
struct Walk<'p, 't> {
    policy: &'p Policy,
    ticket: &'t Ticket,
    order: Option<OrderClock<'t>>,
    facts: Facts<'t>,
    tier: Option<(RiskTier, Option<&'p Rule>)>,
    open: Vec<Open<'p>>,
    closed: Vec<Obligation>,
    paused_since: Option<DateTime<Utc>>,
    replied_once: bool,
    first_received_at: Option<DateTime<Utc>>,
    window: Option<ClaimWindow>,
    no_window: Option<NoWindow>,
    /// The current window's opening has been processed as an event.
    window_seen: bool,
    /// When `window` / `no_window` were last computed.
    window_known_at: Option<DateTime<Utc>>,
    /// First contact plus the contact wait: the earliest a claim may be filed
    /// (computed when a window first needs it).
    claim_from: OnceCell<DateTime<Utc>>,
}

impl<'p, 't> Walk<'p, 't> {
    fn cal_err(&self, source: CalendarComputeError) -> SlaError {
        SlaError::Calendar {
            ticket: self.ticket.id.clone(),
            source,
        }
    }

    /// `calendar.add(at, d)`; running off the time range on the built-in 24/7
    /// calendar (which no policy file names) is [`SlaError::OutOfRange`].
    fn add(
        &self,
        calendar: &Calendar,
        at: DateTime<Utc>,
        d: TimeDelta,
    ) -> Result<DateTime<Utc>, SlaError> {
        calendar.add(at, d).map_err(|e| self.range_err(calendar, e))
    }

    /// Running off the time range on the built-in 24/7 calendar is
    /// [`SlaError::OutOfRange`]; other calendar failures name the calendar.
    fn range_err(&self, calendar: &Calendar, e: CalendarComputeError) -> SlaError {
        match e {
            CalendarComputeError::OutOfRange { .. } if calendar.is_always_open() => {
                SlaError::OutOfRange {
                    ticket: self.ticket.id.clone(),
                }
            }
            e => self.cal_err(e),
        }
    }

    /// The due time of `target` from `at` on `calendar`, and the target as
    /// business time (what elapsed fractions and pauses count against): a
    /// business-day target becomes the open time between `at` and its due time.
    fn add_target(
        &self,
        calendar: &Calendar,
        at: DateTime<Utc>,
        target: Target,
    ) -> Result<(DateTime<Utc>, TimeDelta), SlaError> {
        match target {
            Target::Time(d) => Ok((self.add(calendar, at, d)?, d)),
            Target::BusinessDays(n) => {
                let due = calendar
                    .add_business_days(at, n)
                    .map_err(|e| self.range_err(calendar, e))?;
                let open = business_between(calendar, at, due).map_err(|e| self.cal_err(e))?;
                Ok((due, open))
            }
        }
    }

    /// The claim window as the facts known at `at` give it.
    fn window_at(&self, at: DateTime<Utc>) -> Option<Result<ClaimWindow, NoWindow>> {
        let clock = self.order.as_ref()?;
        let first = self.first_received_at?;
        let from = || {
            *self
                .claim_from
                .get_or_init(|| clock.after_contact_wait(first))
        };
        Some(clock.window(self.facts.categories(), from, at))
    }

    /// The facts at `at`, order facts included.
    fn facts_at(&self, at: DateTime<Utc>, window: Option<ClaimWindow>) -> Facts<'t> {
        let mut f = self.facts.at(at).with_claim_window(window);
        if let Some(clock) = &self.order {
            let o = clock.order;
            let lost = self.facts.categories().contains(crate::RiskCategory::Lost);
            f = f
                .delivery_overdue(clock.delivery_overdue(at))
                .delivered_but_not_received(lost && o.delivered_at.is_some_and(|d| d <= at))
                .return_without_refund(
                    o.return_requested_at.is_some_and(|r| r <= at)
                        && o.refunded_at.is_none_or(|r| r > at),
                );
        }
        f
    }

    /// Re-evaluates the rules at `at`, given the claim window known then; the tier
    /// only ever rises. Returns whether it rose.
    fn retier(&mut self, at: DateTime<Utc>, window: Option<ClaimWindow>) -> bool {
        let facts = self.facts_at(at, window);
        let (t, rule) = self.policy.rules().tier(&facts);
        match self.tier {
            Some((old, _)) if old >= t => false,
            _ => {
                self.tier = Some((t, rule));
                true
            }
        }
    }

    fn current_tier(&self) -> (RiskTier, Option<&'p Rule>) {
        self.tier.unwrap_or((self.policy.rules().fallback, None))
    }

    /// Opens a reply obligation at `at` for the current tier.
    fn open_response(&mut self, index: usize, at: DateTime<Utc>) -> Result<(), SlaError> {
        let (t, rule) = self.current_tier();
        let targets = self.policy.targets(t);
        let calendar = self.policy.calendar_for(t, rule);
        let (kind, target) = if self.replied_once {
            (ObligationKind::NextResponse, targets.next_response)
        } else {
            (ObligationKind::FirstResponse, targets.first_response)
        };
        let (due_at, target) = self.add_target(calendar, at, target)?;
        let mut open = Open {
            ob: new_obligation(kind, t, index, at, due_at, target),
            calendar,
            at_risk: targets.at_risk,
            cap: None,
        };
        if let (Some(w), true) = (self.window, self.policy.caps_due_at_claim_window()) {
            open.cap_at(w.opens_at);
        }
        self.open.push(open);
        Ok(())
    }

    fn buyer_message(
        &mut self,
        index: usize,
        at: DateTime<Utc>,
        cats: CategorySet,
    ) -> Result<(), SlaError> {
        self.facts = self.facts.with_categories(cats);
        if self.first_received_at.is_none() {
            self.first_received_at = Some(at);
        }
        if let Some(w) = self.window_at(at) {
            self.window_known_at = Some(at);
            let (window, reason) = match w {
                Ok(w) => (Some(w), None),
                Err(r) => (None, Some(r)),
            };
            if window.map(|w| w.opens_at) != self.window.map(|w| w.opens_at) {
                self.window_seen = window.is_some_and(|w| w.opens_at <= at);
            }
            self.window = window;
            self.no_window = reason;
            if let (Some(w), true) = (window, self.policy.caps_due_at_claim_window()) {
                for o in &mut self.open {
                    o.cap_at(w.opens_at);
                }
            }
        }
        self.retier(at, self.window);
        self.open_response(index, at)?;
        let (t, rule) = self.current_tier();
        let targets = self.policy.targets(t);
        if let Some(clock) = self.policy.compliance_for(self.ticket.channel.name()) {
            let due_at =
                at.checked_add_signed(clock.limit)
                    .ok_or_else(|| SlaError::OutOfRange {
                        ticket: self.ticket.id.clone(),
                    })?;
            let ob = new_obligation(
                ObligationKind::Compliance,
                t,
                index,
                at,
                due_at,
                clock.limit,
            );
            let calendar = self.policy.calendar_for(t, None);
            self.open.push(Open {
                ob,
                calendar,
                at_risk: targets.at_risk,
                cap: None,
            });
        }
        let has_resolution = self
            .open
            .iter()
            .any(|o| o.ob.kind == ObligationKind::Resolution);
        if let (Some(res), false) = (targets.resolution, has_resolution) {
            let calendar = self.policy.calendar_for(t, rule);
            let (due_at, res) = self.add_target(calendar, at, res)?;
            let ob = new_obligation(ObligationKind::Resolution, t, index, at, due_at, res);
            self.open.push(Open {
                ob,
                calendar,
                at_risk: targets.at_risk,
                cap: None,
            });
        }
        Ok(())
    }

    /// Processes the claim window's opening as an event, if it lies at or before
    /// `until` and has not been processed: a waiting ticket is re-tiered then, and
    /// if its tier rose, a reply obligation for the new tier opens at that instant.
    fn window_opening(&mut self, until: DateTime<Utc>) -> Result<(), SlaError> {
        let Some(w) = self.window else { return Ok(()) };
        if self.window_seen || w.opens_at > until {
            return Ok(());
        }
        self.window_seen = true;
        // A refund or chargeback before the opening closes the way to a claim.
        let Some(Ok(then)) = self.window_at(w.opens_at) else {
            return Ok(());
        };
        if then.opens_at != w.opens_at {
            return Ok(());
        }
        let waiting = self.open.iter().any(Open::is_response);
        if waiting && self.retier(w.opens_at, Some(then)) {
            let index = self.open.iter().map(|o| o.ob.message).max().unwrap_or(0);
            self.open_response(index, w.opens_at)?;
        }
        Ok(())
    }
}

impl Policy {
    /// Evaluates a ticket's SLA at `now` from its whole history and the risk
    /// categories of each message ([`Assessment::message_categories`]: from the
    /// [`Classifier`](crate::Classifier), or from your own model or tags through
    /// [`Assessment::with_categories`]).
    ///
    /// The report is the state as of `now`. Entries dated after `now` (clock skew
    /// between the help desk and the caller, or a replay at an earlier `now`) are
    /// never credited and never hidden: a buyer message, claim or chargeback after
    /// `now` is evaluated as if it had just arrived at `now` (its tier from its
    /// content, the full target remaining), while a reply, waiver, pause, resume or
    /// resolution after `now` is ignored. So a ticket received after `now` is
    /// waiting, never `met`. For an
    /// Amazon ticket with [`OrderContext`](crate::ticket::OrderContext), the buyer's A-to-z
    /// claim window is computed after each buyer message; its opening while the
    /// ticket waits is an event of its own (re-tiering the ticket), and, with
    /// [`Policy::caps_due_at_claim_window`], no reply is due after it.
    ///
    /// # Errors
    /// [`SlaError::OutOfOrder`] if the history is not in time order;
    /// [`SlaError::Calendar`] or [`SlaError::OutOfRange`] if a deadline falls outside
    /// the representable range or outside the years 0000 to 9999 (every instant of
    /// a report can be written as RFC 3339).
    pub fn evaluate(
        &self,
        ticket: &Ticket,
        assessment: &Assessment,
        now: DateTime<Utc>,
    ) -> Result<SlaReport, SlaError> {
        let mut walk = Walk::new(self, ticket);
        let mut prev: Option<DateTime<Utc>> = None;
        for (index, m) in ticket.messages.iter().enumerate() {
            if prev.is_some_and(|p| m.at < p) {
                return Err(SlaError::OutOfOrder {
                    ticket: ticket.id.clone(),
                    index,
                    at: m.at,
                });
            }
            prev = Some(m.at);
            // Clock skew: work that arrives after `now` is owed from `now` on (never
            // "met" by being ignored); a closing entry after `now` is not credited.
            let at = if m.at <= now {
                m.at
            } else if opens_work(m.kind) {
                now
            } else {
                continue;
            };
            walk.entry(index, m.kind, at, assessment.message_categories(index))?;
        }
        let paused = walk.settle(now)?;
        walk.report(now, paused)
    }
}

impl<'p, 't> Walk<'p, 't> {
    fn new(policy: &'p Policy, ticket: &'t Ticket) -> Walk<'p, 't> {
        let order = ticket
            .order
            .as_ref()
            .filter(|_| ticket.channel.is_amazon())
            .map(|o| {
                let market = ticket.channel.marketplace();
                OrderClock::new(o, policy.claim_rules(), move |d, plus| {
                    policy.ends_of_days(market, d, plus)
                })
            });
        Walk {
            policy,
            ticket,
            order,
            facts: Facts::new(&ticket.channel),
            tier: None,
            open: Vec::new(),
            closed: Vec::new(),
            paused_since: None,
            replied_once: false,
            first_received_at: None,
            window: None,
            no_window: None,
            window_seen: false,
            window_known_at: None,
            claim_from: OnceCell::new(),
        }
    }

    /// Processes one history entry of kind `kind` (message `index`) at `at`.
    fn entry(
        &mut self,
        index: usize,
        kind: MessageKind,
        at: DateTime<Utc>,
        categories: CategorySet,
    ) -> Result<(), SlaError> {
        self.window_opening(at)?;
        let auto = self.policy.auto_reply();
        match kind {
            MessageKind::BuyerMessage => self.buyer_message(index, at, categories)?,
            MessageKind::ClaimFiled | MessageKind::ChargebackFiled => {
                self.facts = self.facts.with_event(kind);
                let window = self.window_at(at).and_then(Result::ok);
                self.retier(at, window);
                self.open_response(index, at)?;
            }
            MessageKind::AgentReply => {
                self.replied_once = true;
                self.split_pause(at)?;
                self.close(at, Outcome::Met, true, |k| k != ObligationKind::Resolution);
            }
            MessageKind::AutoReply => {
                self.split_pause(at)?;
                self.close(at, Outcome::Met, false, |k| match k {
                    ObligationKind::Compliance => auto.stops_compliance_clock,
                    ObligationKind::Resolution => false,
                    _ => auto.stops_internal_clock,
                });
            }
            MessageKind::NoResponseNeeded => {
                self.system_event(kind, at);
                self.split_pause(at)?;
                self.close(at, Outcome::Waived, false, |k| {
                    k != ObligationKind::Resolution
                });
            }
            MessageKind::Pause => {
                self.system_event(kind, at);
                self.paused_since.get_or_insert(at);
            }
            MessageKind::Resume => {
                self.system_event(kind, at);
                self.end_pause(at)?;
            }
            MessageKind::Resolved => {
                self.system_event(kind, at);
                self.end_pause(at)?;
                self.close(at, Outcome::Met, false, |_| true);
            }
        }
        Ok(())
    }

    /// Closes the open obligations `which` selects at `at`.
    fn close(
        &mut self,
        at: DateTime<Utc>,
        outcome: Outcome,
        substantive: bool,
        which: impl Fn(ObligationKind) -> bool,
    ) {
        close(
            &mut self.open,
            &mut self.closed,
            at,
            outcome,
            substantive,
            which,
        );
    }

    /// Records a system event that opens no work (rules may name it) and
    /// re-tiers the ticket then.
    fn system_event(&mut self, kind: MessageKind, at: DateTime<Utc>) {
        self.facts = self.facts.with_event(kind);
        self.retier(at, self.window);
    }

    /// Counts a running pause up to `at` (pushing the open due times back) and
    /// lets it run on from `at`: what closes at `at` is judged with the pause
    /// so far.
    fn split_pause(&mut self, at: DateTime<Utc>) -> Result<(), SlaError> {
        if let Some(since) = self.paused_since {
            apply_pause(&mut self.open, since, at).map_err(|e| self.cal_err(e))?;
            self.paused_since = Some(at);
        }
        Ok(())
    }

    /// Ends a pause (if one is running) at `at`, pushing the open due times back.
    fn end_pause(&mut self, at: DateTime<Utc>) -> Result<(), SlaError> {
        if let Some(since) = self.paused_since.take() {
            apply_pause(&mut self.open, since, at).map_err(|e| self.cal_err(e))?;
        }
        Ok(())
    }

    /// Brings the walk to `now`: the claim window's opening, the window as the
    /// order facts give it at `now`, and a pause still running (counted up to
    /// `now`). Returns whether the ticket is paused.
    fn settle(&mut self, now: DateTime<Utc>) -> Result<bool, SlaError> {
        self.window_opening(now)?;
        // Recompute the window at `now` only if an order fact changed since it was
        // last computed (the same facts give the same window).
        let stale = match (&self.order, self.window_known_at) {
            (Some(clock), Some(known)) => clock.changes_between(known, now),
            _ => true,
        };
        if let Some(at_now) = self.window_at(now).filter(|_| stale) {
            (self.window, self.no_window) = match at_now {
                Ok(cw) => (Some(cw), None),
                Err(reason) => (None, Some(reason)),
            };
        }
        let paused = self.paused_since.is_some();
        if let Some(since) = self.paused_since {
            apply_pause(&mut self.open, since, now).map_err(|e| self.cal_err(e))?;
        }
        Ok(paused)
    }

    /// The report at `now`: the tier, the earliest open obligation's standing (or
    /// the worst miss when nothing is open) and every obligation.
    fn report(self, now: DateTime<Utc>, paused: bool) -> Result<SlaReport, SlaError> {
        let (tier, rule) = match self.tier {
            Some((t, r)) => (t, r),
            None => self.policy.rules().tier(&self.facts),
        };
        let compliance_due_at = self
            .open
            .iter()
            .filter(|o| o.ob.kind == ObligationKind::Compliance)
            .map(|o| o.ob.due_at)
            .min();
        let mut report = SlaReport {
            tier,
            rule: rule.map(|r| r.name.clone()),
            status: SlaStatus::Met,
            band: Band::Done,
            due_at: None,
            compliance_due_at,
            remaining: None,
            elapsed_fraction: None,
            breach: None,
            paused,
            first_received_at: self.first_received_at,
            skipped: None,
            claim_window: self.window,
            no_claim_window: self.no_window,
            claim_window_open: self.window.is_some_and(|cw| cw.is_open(now)),
            obligations: Vec::new(),
        };
        let earliest = self
            .open
            .iter()
            .min_by_key(|o| (o.ob.due_at, o.ob.kind == ObligationKind::Compliance));
        match earliest {
            Some(o) => {
                let due = o.ob.due_at;
                let fraction = o.elapsed_fraction(now).map_err(|e| self.cal_err(e))?;
                let (status, band) = standing(now, due, fraction, o.at_risk);
                report.status = status;
                report.band = band;
                report.due_at = Some(due);
                report.remaining = Some(due.signed_duration_since(now));
                report.elapsed_fraction = Some(fraction);
                report.breach = (now > due).then(|| now.signed_duration_since(due));
                if o.ob.kind != ObligationKind::Compliance && !o.calendar.is_always_open() {
                    report.skipped = Some(o.calendar.skipped(o.ob.opened_at, due));
                }
            }
            None => {
                let worst = self
                    .closed
                    .iter()
                    .filter(|o| o.outcome == Outcome::Missed)
                    .filter_map(|o| o.closed_at.map(|c| c.signed_duration_since(o.due_at)))
                    .max();
                if let Some(late) = worst {
                    report.status = SlaStatus::Missed;
                    report.breach = Some(late);
                }
            }
        }
        let mut all = self.closed;
        all.extend(self.open.into_iter().map(|o| o.ob));
        if all.iter().any(|o| !(0..=9999).contains(&o.due_at.year())) {
            return Err(SlaError::OutOfRange {
                ticket: self.ticket.id.clone(),
            });
        }
        all.sort_by_key(|o| (o.message, o.opened_at, o.kind == ObligationKind::Compliance));
        report.obligations = all;
        Ok(report)
    }
}

impl Open<'_> {
    /// The share of the target used at `now` (business time on the obligation's
    /// calendar, wall-clock for a compliance clock; a capped deadline counts
    /// against the capped span).
    fn elapsed_fraction(&self, now: DateTime<Utc>) -> Result<f64, CalendarComputeError> {
        let used = if self.ob.kind == ObligationKind::Compliance {
            now.signed_duration_since(self.ob.opened_at)
        } else {
            business_between(self.calendar, self.ob.opened_at, now)? - self.ob.paused
        };
        let span = match self.cap {
            Some(cap) if cap <= self.ob.due_at => cap.signed_duration_since(self.ob.opened_at),
            _ => self.ob.target,
        };
        Ok(ratio(used.max(TimeDelta::zero()), span.min(self.ob.target)))
    }
}

/// Status and band of an obligation due at `due` with `fraction` of its target
/// used, at risk when `at_risk` or less of it remains.
fn standing(
    now: DateTime<Utc>,
    due: DateTime<Utc>,
    fraction: f64,
    at_risk: f64,
) -> (SlaStatus, Band) {
    if now > due {
        (SlaStatus::Breached, Band::Breached)
    } else if 1.0 - fraction <= at_risk {
        (SlaStatus::AtRisk, Band::Red)
    } else if fraction >= 0.5 {
        (SlaStatus::OnTrack, Band::Amber)
    } else {
        (SlaStatus::OnTrack, Band::Green)
    }
}

/// Whether an entry of this kind opens work (a reply becomes owed).
const fn opens_work(kind: MessageKind) -> bool {
    matches!(
        kind,
        MessageKind::BuyerMessage | MessageKind::ClaimFiled | MessageKind::ChargebackFiled
    )
}

fn new_obligation(
    kind: ObligationKind,
    tier: RiskTier,
    message: usize,
    opened_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
    target: TimeDelta,
) -> Obligation {
    Obligation {
        kind,
        tier,
        message,
        opened_at,
        due_at,
        target,
        paused: TimeDelta::zero(),
        closed_at: None,
        outcome: Outcome::Open,
        replied: false,
    }
}

/// Closes the open obligations whose kind `which` selects, at `at`. `Met` means
/// "met or missed by time"; `Waived` waives.
fn close(
    open: &mut Vec<Open<'_>>,
    closed: &mut Vec<Obligation>,
    at: DateTime<Utc>,
    outcome: Outcome,
    replied: bool,
    which: impl Fn(ObligationKind) -> bool,
) {
    let mut i = 0;
    while i < open.len() {
        let selected = open.get(i).is_some_and(|o| which(o.ob.kind));
        if !selected {
            i += 1;
            continue;
        }
        let mut ob = open.swap_remove(i).ob;
        ob.closed_at = Some(at);
        ob.replied = replied;
        ob.outcome = match outcome {
            Outcome::Met if at > ob.due_at => Outcome::Missed,
            other => other,
        };
        closed.push(ob);
    }
}

/// Moves the due time of every open internal obligation by the business time of the
/// pause `[since, until)` that falls after it opened, if the pause began before it
/// was due (a pause after a breach does not undo the breach).
fn apply_pause(
    open: &mut [Open<'_>],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(), CalendarComputeError> {
    for o in open
        .iter_mut()
        .filter(|o| o.ob.kind != ObligationKind::Compliance)
    {
        let start = since.max(o.ob.opened_at);
        if start >= o.ob.due_at || until <= start {
            continue;
        }
        // A pause pushes the deadline back by the open time it covers, and only
        // while open time is left before the deadline: a business-day deadline can
        // lie at an opening after a closed gap, with none left in the gap.
        if business_between(o.calendar, start, o.ob.due_at)? <= TimeDelta::zero() {
            continue;
        }
        let paused = business_between(o.calendar, start, until)?;
        if paused <= TimeDelta::zero() {
            continue;
        }
        o.ob.paused += paused;
        let due = o
            .calendar
            .add(o.ob.opened_at, o.ob.target + o.ob.paused)?
            .max(o.ob.due_at);
        o.ob.due_at = o.cap.map_or(due, |cap| due.min(cap));
    }
    Ok(())
}

fn business_between(
    calendar: &Calendar,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<TimeDelta, CalendarComputeError> {
    if to <= from {
        return Ok(TimeDelta::zero());
    }
    calendar.between(from, to)
}

fn ratio(used: TimeDelta, target: TimeDelta) -> f64 {
    let target = target.num_milliseconds();
    if target <= 0 {
        return 1.0;
    }
    used.num_milliseconds() as f64 / target as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::assessed;
    use crate::market::Marketplace;
    use crate::risk::RiskCategory;
    use crate::ticket::{Channel, Message};
    use chrono::TimeZone;

    fn t(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, h, m, 0).unwrap()
    }

    fn amazon(messages: Vec<Message>) -> Ticket {
        let mut t = Ticket::new("T", Channel::amazon(Marketplace::Us));
        t.messages = messages;
        t
    }

    fn eval(ticket: &Ticket, cats: &[&[RiskCategory]], now: DateTime<Utc>) -> SlaReport {
        Policy::default()
            .evaluate(ticket, &assessed(cats), now)
            .unwrap()
    }

    use MessageKind as K;
    use RiskCategory as C;

    #[test]
    fn plain_amazon_message_is_compliance_with_both_clocks() {
        let ticket = amazon(vec![Message::buyer(t(8, 0), "Can I change the colour?")]);
        let r = eval(&ticket, &[&[]], t(9, 0));
        assert_eq!(r.tier, RiskTier::Compliance);
        assert_eq!(r.rule.as_deref(), Some("amazon_any_message"));
        assert_eq!(r.due_at, Some(t(20, 0)));
        assert_eq!(r.compliance_due_at, Some(t(8, 0) + TimeDelta::hours(24)));
        assert_eq!(r.status, SlaStatus::OnTrack);
        assert_eq!(r.band, Band::Green);
        assert_eq!(r.remaining, Some(TimeDelta::hours(11)));
        assert_eq!(r.first_received_at, Some(t(8, 0)));
    }

    #[test]
    fn tier_is_sticky_and_each_obligation_keeps_its_own_target() {
        // The example: a standard question at 08:00, a claim threat at 11:20.
        let ticket = amazon(vec![
            Message::buyer(t(8, 0), "Is this compatible with my phone?"),
            Message::buyer(t(11, 20), "Answer or I'll open an A-to-z claim"),
        ]);
        let r = eval(&ticket, &[&[], &[C::AToZClaim]], t(11, 30));
        assert_eq!(r.tier, RiskTier::OdrCritical);
        assert_eq!(r.due_at, Some(t(12, 20)));
        // A calmer follow-up never lowers the tier.
        let calmer = amazon(vec![
            Message::buyer(t(8, 0), "I'll open an A-to-z claim"),
            Message::buyer(t(8, 30), "ok thanks"),
        ]);
        let r = eval(&calmer, &[&[C::AToZClaim], &[]], t(8, 40));
        assert_eq!(r.tier, RiskTier::OdrCritical);
        assert_eq!(r.due_at, Some(t(9, 0)));
    }

    #[test]
    fn replies_close_obligations_on_time_or_late() {
        let table = [
            ("on time", t(9, 30), SlaStatus::Met, None),
            ("at the due instant", t(10, 0), SlaStatus::Met, None),
            (
                "late",
                t(10, 45),
                SlaStatus::Missed,
                Some(TimeDelta::minutes(45)),
            ),
        ];
        for (name, reply_at, status, breach) in table {
            let ticket = amazon(vec![
                Message::buyer(t(8, 0), "my parcel never arrived"),
                Message::agent(reply_at, "Sorry, refunding now."),
            ]);
            let r = eval(&ticket, &[&[C::Lost], &[]], t(12, 0));
            assert_eq!(r.status, status, "{name}");
            assert_eq!(r.breach, breach, "{name}");
            assert_eq!(r.due_at, None, "{name}");
            assert_eq!(r.compliance_due_at, None, "{name}");
            assert_eq!(r.band, Band::Done, "{name}");
            assert!(
                r.obligations.iter().all(|o| o.outcome != Outcome::Open),
                "{name}"
            );
        }
    }

    #[test]
    fn auto_reply_stops_no_clock_by_default() {
        let ticket = amazon(vec![
            Message::buyer(t(8, 0), "where is my order"),
            Message::new(K::AutoReply, t(8, 1), "We got your message!"),
        ]);
        let r = eval(&ticket, &[&[C::OrderStatus], &[]], t(9, 0));
        assert_eq!(r.status, SlaStatus::OnTrack);
        assert_eq!(r.due_at, Some(t(10, 0)));

        let mut spec = Policy::default().to_spec();
        spec.auto_reply.stops_internal_clock = true;
        let policy = Policy::try_from(spec).unwrap();
        let r = policy
            .evaluate(&ticket, &assessed(&[&[C::OrderStatus], &[]]), t(9, 0))
            .unwrap();
        // The internal clock stopped, Amazon's 24 h clock did not.
        assert_eq!(r.due_at, Some(t(8, 0) + TimeDelta::hours(24)));
        assert_eq!(r.compliance_due_at, r.due_at);
        let internal = r
            .obligations
            .iter()
            .find(|o| o.kind == ObligationKind::FirstResponse)
            .unwrap();
        assert_eq!(internal.outcome, Outcome::Met);
        assert!(!internal.replied);
    }

    #[test]
    fn no_response_needed_waives_without_a_miss() {
        let ticket = amazon(vec![
            Message::buyer(t(8, 0), "thank you!"),
            Message::event(K::NoResponseNeeded, t(23, 0)),
        ]);
        let r = eval(&ticket, &[&[]], t(23, 30));
        assert_eq!(r.status, SlaStatus::Met);
        assert!(r.obligations.iter().all(|o| o.outcome == Outcome::Waived));
    }

    #[test]
    fn resolving_stops_every_clock() {
        let ticket = amazon(vec![
            Message::buyer(t(8, 0), "item arrived damaged"),
            Message::agent(t(8, 30), "Replacement sent."),
            Message::buyer(t(9, 0), "thanks"),
            Message::event(K::Resolved, t(9, 5)),
        ]);
        let r = eval(&ticket, &[&[C::Damaged], &[], &[], &[]], t(20, 0));
        assert_eq!(r.status, SlaStatus::Met);
        assert_eq!(r.due_at, None);
        let next = r
            .obligations
            .iter()
            .find(|o| o.kind == ObligationKind::NextResponse)
            .unwrap();
        assert_eq!(next.closed_at, Some(t(9, 5)));
        // A new buyer message re-opens the ticket.
        let mut reopened = ticket.clone();
        reopened
            .messages
            .push(Message::buyer(t(10, 0), "still broken"));
        let r = eval(
            &reopened,
            &[&[C::Damaged], &[], &[], &[], &[C::Damaged]],
            t(10, 30),
        );
        assert_eq!(r.status, SlaStatus::OnTrack);
        assert_eq!(r.due_at, Some(t(12, 0)));
    }

    #[test]
    fn pauses_move_internal_deadlines_but_not_compliance() {
        let ticket = amazon(vec![
            Message::buyer(t(8, 0), "wrong item"),
            Message::event(K::Pause, t(8, 30)),
            Message::event(K::Resume, t(9, 30)),
        ]);
        let r = eval(&ticket, &[&[C::WrongItem], &[], &[]], t(9, 45));
        assert_eq!(r.due_at, Some(t(11, 0)));
        assert!(!r.paused);
        assert_eq!(r.compliance_due_at, Some(t(8, 0) + TimeDelta::hours(24)));

        // Still paused at `now`: the deadline assumes the pause ends now.
        let open_pause = amazon(ticket.messages[..2].to_vec());
        let r = eval(&open_pause, &[&[C::WrongItem], &[]], t(12, 0));
        assert!(r.paused);
        assert_eq!(r.due_at, Some(t(13, 30)));
        assert_eq!(r.status, SlaStatus::OnTrack);

        // A pause that starts after the breach does not undo it.
        let late_pause = amazon(vec![
            Message::buyer(t(8, 0), "wrong item"),
            Message::event(K::Pause, t(10, 30)),
            Message::event(K::Resume, t(11, 30)),
        ]);
        let r = eval(&late_pause, &[&[C::WrongItem], &[], &[]], t(12, 0));
        assert_eq!(r.status, SlaStatus::Breached);
        assert_eq!(r.due_at, Some(t(10, 0)));
        assert_eq!(r.breach, Some(TimeDelta::hours(2)));
    }

    #[test]
    fn claim_event_is_critical_without_any_text() {
        let ticket = amazon(vec![
            Message::buyer(t(8, 0), "hello"),
            Message::agent(t(8, 10), "hi"),
            Message::event(K::ClaimFiled, t(9, 0)),
        ]);
        let r = eval(&ticket, &[&[], &[], &[]], t(9, 10));
        assert_eq!(r.tier, RiskTier::OdrCritical);
        assert_eq!(r.rule.as_deref(), Some("amazon_claim_or_chargeback_event"));
        assert_eq!(r.due_at, Some(t(10, 0)));
        assert_eq!(r.compliance_due_at, None);
    }

    #[test]
    fn status_and_band_follow_the_share_of_target_used() {
        // odr_high: 2 h target, at risk with 25% (30 min) or less left.
        let ticket = amazon(vec![Message::buyer(t(8, 0), "damaged")]);
        let table = [
            (t(8, 0), SlaStatus::OnTrack, Band::Green),
            (t(8, 59), SlaStatus::OnTrack, Band::Green),
            (t(9, 0), SlaStatus::OnTrack, Band::Amber),
            (t(9, 29), SlaStatus::OnTrack, Band::Amber),
            (t(9, 30), SlaStatus::AtRisk, Band::Red),
            (t(10, 0), SlaStatus::AtRisk, Band::Red),
            (t(10, 1), SlaStatus::Breached, Band::Breached),
        ];
        for (now, status, band) in table {
            let r = eval(&ticket, &[&[C::Damaged]], now);
            assert_eq!((r.status, r.band), (status, band), "at {now}");
            assert_eq!(r.remaining, Some(t(10, 0) - now));
        }
    }

    #[test]
    fn history_out_of_order_is_an_error_and_future_entries_are_ignored() {
        let ticket = amazon(vec![
            Message::buyer(t(9, 0), "a"),
            Message::agent(t(8, 0), "b"),
        ]);
        let err = Policy::default()
            .evaluate(&ticket, &assessed(&[&[], &[]]), t(10, 0))
            .unwrap_err();
        assert!(
            matches!(err, SlaError::OutOfOrder { index: 1, .. }),
            "{err}"
        );

        let future = amazon(vec![
            Message::buyer(t(8, 0), "a"),
            Message::agent(t(9, 0), "b"),
        ]);
        let r = eval(&future, &[&[], &[]], t(8, 30));
        assert_eq!(r.status, SlaStatus::OnTrack);
    }

    #[test]
    fn second_message_after_a_reply_is_a_next_response() {
        let mut ticket = Ticket::new("S", Channel::Shopify);
        ticket.messages = vec![
            Message::buyer(t(8, 0), "refund please"),
            Message::agent(t(9, 0), "sure"),
            Message::buyer(t(10, 0), "when?"),
        ];
        let r = eval(&ticket, &[&[C::Refund], &[], &[]], t(10, 5));
        assert_eq!(r.tier, RiskTier::Loyalty);
        assert_eq!(r.compliance_due_at, None);
        assert_eq!(r.due_at, Some(t(14, 0)));
        let kinds: Vec<_> = r.obligations.iter().map(|o| (o.kind, o.outcome)).collect();
        assert_eq!(
            kinds,
            [
                (ObligationKind::FirstResponse, Outcome::Met),
                (ObligationKind::NextResponse, Outcome::Open)
            ]
        );
    }

    mod order_aware {
        use super::*;
        use crate::claim::{ClaimCondition, NoWindow};
        use crate::market::Fulfillment;
        use crate::ticket::OrderContext;
        use chrono::NaiveDate;
        use proptest::prelude::*;

        fn d(mo: u32, day: u32, h: u32, mi: u32) -> DateTime<Utc> {
            Utc.with_ymd_and_hms(2026, mo, day, h, mi, 0).unwrap()
        }

        /// Merchant-fulfilled, max delivery Nov 3; no marketplace, so dates end at
        /// midnight UTC: "not received" opens at the end of Nov 6 = Nov 7 00:00 UTC.
        fn order() -> OrderContext {
            OrderContext::new()
                .fulfillment(Fulfillment::Merchant)
                .max_delivery_date(NaiveDate::from_ymd_opt(2026, 11, 3).unwrap())
        }

        fn with_order(messages: Vec<Message>, order: Option<OrderContext>) -> Ticket {
            let mut t = Ticket::new("O", Channel::Amazon { marketplace: None });
            t.messages = messages;
            t.order = order;
            t
        }

        fn history() -> Vec<Message> {
            vec![
                Message::buyer(d(11, 4, 10, 0), "where is my order?"),
                Message::agent(d(11, 4, 11, 0), "It is on its way."),
            ]
        }

        #[test]
        fn window_opening_inside_the_target_caps_the_deadline() {
            let mut msgs = history();
            msgs.push(Message::buyer(d(11, 6, 23, 0), "still nothing"));
            let cats: &[&[C]] = &[&[C::OrderStatus], &[], &[]];
            let r = eval(
                &with_order(msgs.clone(), Some(order())),
                cats,
                d(11, 6, 23, 10),
            );
            assert_eq!(r.tier, RiskTier::OdrHigh);
            assert_eq!(
                r.due_at,
                Some(d(11, 7, 0, 0)),
                "due no later than the window opening"
            );
            assert_eq!(
                r.claim_window.map(|w| w.condition),
                Some(ClaimCondition::NotReceived)
            );
            assert!(!r.claim_window_open);
            // Without order facts: exactly as before.
            let plain = eval(&with_order(msgs, None), cats, d(11, 6, 23, 10));
            assert_eq!(plain.due_at, Some(d(11, 7, 1, 0)));
            assert_eq!(plain.claim_window, None);
            assert_eq!(plain.no_claim_window, None);
        }

        #[test]
        fn a_message_while_the_window_is_open_is_critical() {
            let mut msgs = history();
            msgs.push(Message::buyer(d(11, 7, 9, 0), "hello?"));
            let r = eval(
                &with_order(msgs, Some(order())),
                &[&[C::OrderStatus], &[], &[]],
                d(11, 7, 9, 5),
            );
            assert_eq!(r.tier, RiskTier::OdrCritical);
            assert_eq!(r.rule.as_deref(), Some("amazon_claim_window_open"));
            assert_eq!(r.due_at, Some(d(11, 7, 10, 0)));
            assert!(r.claim_window_open);
            let why = r.explanation();
            assert!(
                why.starts_with("tier odr_critical by amazon_claim_window_open"),
                "{why}"
            );
            assert!(
                why.ends_with(
                    "A-to-z claim window open since 2026-11-07T00:00:00+00:00 (not_received)"
                ),
                "{why}"
            );
        }

        #[test]
        fn the_window_opening_while_waiting_escalates_the_ticket() {
            let mut spec = Policy::default().to_spec();
            spec.cap_due_at_claim_window = false;
            let policy = Policy::try_from(spec).unwrap();
            let mut msgs = history();
            msgs.push(Message::buyer(d(11, 6, 23, 30), "any news?"));
            let t = with_order(msgs, Some(order()));
            let a = assessed(&[&[C::OrderStatus], &[], &[]]);
            let before = policy.evaluate(&t, &a, d(11, 6, 23, 50)).unwrap();
            assert_eq!(before.tier, RiskTier::OdrHigh);
            assert_eq!(before.due_at, Some(d(11, 7, 1, 30)));
            let after = policy.evaluate(&t, &a, d(11, 7, 0, 30)).unwrap();
            assert_eq!(after.tier, RiskTier::OdrCritical);
            assert_eq!(
                after.due_at,
                Some(d(11, 7, 1, 0)),
                "60 min from the opening"
            );
        }

        #[test]
        fn fba_and_chargebacks_give_reasons_not_windows() {
            let cats: &[&[C]] = &[&[C::Lost], &[]];
            let fba = order().fulfillment(Fulfillment::Amazon);
            let r = eval(&with_order(history(), Some(fba)), cats, d(11, 8, 0, 0));
            assert_eq!(
                (r.claim_window, r.no_claim_window),
                (None, Some(NoWindow::FulfilledByAmazon))
            );
            let cb = order().chargeback_at(d(11, 5, 0, 0));
            let r = eval(&with_order(history(), Some(cb)), cats, d(11, 8, 0, 0));
            assert_eq!(r.no_claim_window, Some(NoWindow::ChargebackFiled));
        }

        #[test]
        fn order_facts_are_ignored_off_amazon() {
            let mut t = with_order(history(), Some(order()));
            t.channel = Channel::Shopify;
            let r = eval(&t, &[&[C::Lost], &[]], d(11, 8, 0, 0));
            assert_eq!((r.claim_window, r.no_claim_window), (None, None));
        }

        fn arb_order() -> impl Strategy<Value = OrderContext> {
            let day = |lo: u32, hi: u32| {
                (lo..hi).prop_map(|h| d(11, 1, 0, 0) + TimeDelta::hours(i64::from(h)))
            };
            (
                prop::option::of(prop::sample::select(vec![
                    Fulfillment::Merchant,
                    Fulfillment::Amazon,
                ])),
                prop::option::of(0u32..20),
                prop::option::of(day(0, 480)),
                prop::option::of(day(0, 480)),
                prop::option::of(day(0, 480)),
                prop::option::of(day(0, 480)),
            )
                .prop_map(|(f, mdd, delivered, ret, refunded, cb)| OrderContext {
                    order_date: None,
                    fulfillment: f,
                    max_delivery_date: mdd.and_then(|n| NaiveDate::from_ymd_opt(2026, 11, 1 + n)),
                    delivered_at: delivered,
                    return_requested_at: ret,
                    refunded_at: refunded,
                    chargeback_at: cb,
                })
        }

        fn arb_history() -> impl Strategy<Value = (Vec<Message>, Vec<Vec<C>>)> {
            let cats = prop::collection::vec(prop::sample::select(C::ALL.to_vec()), 0..3);
            let kind = prop::sample::select(vec![
                K::BuyerMessage,
                K::BuyerMessage,
                K::AgentReply,
                K::Pause,
                K::Resume,
            ]);
            prop::collection::vec((1i64..1500, kind, cats), 1..6).prop_map(|steps| {
                let mut at = d(11, 1, 0, 0);
                let mut msgs = Vec::new();
                let mut cats = Vec::new();
                for (gap, kind, cs) in steps {
                    at += TimeDelta::minutes(gap * 5);
                    msgs.push(Message::new(kind, at, ""));
                    cats.push(if kind == K::BuyerMessage {
                        cs
                    } else {
                        Vec::new()
                    });
                }
                (msgs, cats)
            })
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// Adding order facts never lowers the tier and never moves `due_at` later.
            #[test]
            fn order_facts_never_lower_the_tier_or_delay_the_deadline(
                (msgs, cats) in arb_history(),
                order in arb_order(),
                now_offset in 0i64..20_000,
            ) {
                let now = d(11, 1, 0, 0) + TimeDelta::minutes(now_offset);
                let refs: Vec<&[C]> = cats.iter().map(Vec::as_slice).collect();
                let plain = eval(&with_order(msgs.clone(), None), &refs, now);
                let rich = eval(&with_order(msgs, Some(order)), &refs, now);
                prop_assert!(rich.tier >= plain.tier, "{:?} < {:?}", rich.tier, plain.tier);
                prop_assert_eq!(rich.due_at.is_some(), plain.due_at.is_some());
                if let (Some(a), Some(b)) = (rich.due_at, plain.due_at) {
                    prop_assert!(a <= b, "due moved later: {} > {}", a, b);
                }
            }
        }
    }
}
