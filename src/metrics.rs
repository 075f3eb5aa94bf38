//! Service metrics from SLA reports: is customer service keeping the promises that
//! protect the ODR?
//!
//! Amazon's own figures: the Late Response Rate, the share of buyer messages not
//! answered within 24 hours over 7, 30 and 90 days; messages marked "no response
//! needed" leave it (Seller Central help page 200549770); auto-replies are not
//! responses (202152030).

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::risk::RiskTier;
use crate::sla::{ObligationKind, Outcome, SlaReport};
use crate::ticket::{MessageKind, Ticket};

/// The windows of Amazon's Late Response Rate, in days.
pub const LATE_RESPONSE_WINDOWS: [u32; 3] = [7, 30, 90];

/// Amazon's late-response figure for one window.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LateResponse {
    /// The window, in days before `now`.
    pub days: u32,
    /// Buyer messages in the window whose 24 h outcome is known (answered, or
    /// unanswered past the limit); "no response needed" excluded.
    pub messages: u64,
    /// Of those, the ones not answered within the limit.
    pub late: u64,
    /// `late / messages`, `None` without messages.
    pub rate: Option<f64>,
}

/// Service metrics for one tier on one channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GroupMetrics {
    /// The tier (an obligation's tier, or a ticket's final tier).
    pub tier: RiskTier,
    /// The channel name.
    pub channel: String,
    /// Reply obligations closed as met or missed (waived ones excluded).
    pub closed_obligations: u64,
    /// Of those, the ones met.
    pub met: u64,
    /// SLA attainment: `met / closed_obligations`.
    pub attainment: Option<f64>,
    /// Median time from a ticket's first buyer message to its first agent reply.
    pub first_response_median: Option<TimeDelta>,
    /// 90th percentile of the same (nearest rank).
    pub first_response_p90: Option<TimeDelta>,
    /// Amazon's Late Response Rate over 7, 30 and 90 days (compliance clocks only).
    pub late_response: Vec<LateResponse>,
    /// Replies sent: agent replies plus auto-replies.
    pub replies: u64,
    /// Share of replies that were auto-replies.
    pub auto_reply_share: Option<f64>,
    /// Tickets resolved.
    pub resolved: u64,
    /// Share of resolved tickets resolved after exactly one agent reply.
    pub first_contact_resolution: Option<f64>,
}

#[derive(Debug, Clone, Default)]
struct Acc {
    closed: u64,
    met: u64,
    first_response: Vec<TimeDelta>,
    /// Closed compliance obligations: (opened, late).
    compliance: Vec<(DateTime<Utc>, bool)>,
    /// Open compliance obligations: (opened, due).
    compliance_open: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    agent_replies: u64,
    auto_replies: u64,
    resolved: u64,
    resolved_first_contact: u64,
}

/// Accumulates tickets and their [`SlaReport`]s, then reports per tier and channel.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use odr_guard::{Channel, Classifier, Message, Policy, RiskTier, Ticket};
/// use odr_guard::metrics::ServiceMetrics;
/// use odr_guard::ticket::MessageKind;
///
/// let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).single().ok_or("time")?;
/// let ticket = Ticket::new("T1", Channel::Shopify)
///     .with_message(Message::buyer(t0, "I want a refund"))
///     .with_message(Message::agent(t0 + TimeDelta::minutes(30), "Refunded."))
///     .with_message(Message::event(MessageKind::Resolved, t0 + TimeDelta::minutes(31)));
/// let now = t0 + TimeDelta::hours(1);
/// let report = Policy::default().evaluate(&ticket, &Classifier::new().classify(&ticket), now)?;
///
/// let mut metrics = ServiceMetrics::new();
/// metrics.add(&ticket, &report);
/// let groups = metrics.report(now);
/// let loyalty = groups.iter().find(|g| g.tier == RiskTier::Loyalty).ok_or("no loyalty group")?;
/// assert_eq!(loyalty.attainment, Some(1.0));
/// assert_eq!(loyalty.first_response_median, Some(TimeDelta::minutes(30)));
/// assert_eq!(loyalty.first_contact_resolution, Some(1.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ServiceMetrics {
    groups: BTreeMap<(RiskTier, String), Acc>,
}

impl ServiceMetrics {
    /// No tickets yet.
    pub fn new() -> ServiceMetrics {
        ServiceMetrics::default()
    }

    fn acc(&mut self, tier: RiskTier, channel: &str) -> &mut Acc {
        self.groups.entry((tier, channel.to_owned())).or_default()
    }

    /// Adds a ticket and the report evaluated for it.
    pub fn add(&mut self, ticket: &Ticket, report: &SlaReport) {
        let channel = ticket.channel.name();
        for o in &report.obligations {
            let acc = self.acc(o.tier, channel);
            match o.kind {
                ObligationKind::FirstResponse | ObligationKind::NextResponse => {
                    if matches!(o.outcome, Outcome::Met | Outcome::Missed) {
                        acc.closed += 1;
                        acc.met += u64::from(o.outcome == Outcome::Met);
                    }
                }
                ObligationKind::Compliance => match o.outcome {
                    Outcome::Met => acc.compliance.push((o.opened_at, false)),
                    Outcome::Missed => acc.compliance.push((o.opened_at, true)),
                    // Still open: late once the limit has passed, decided at `report`.
                    Outcome::Open => acc.compliance_open.push((o.opened_at, o.due_at)),
                    Outcome::Waived => {}
                },
                ObligationKind::Resolution => {}
            }
        }
        let first_reply = ticket
            .messages
            .iter()
            .find(|m| m.kind == MessageKind::AgentReply);
        let tier_acc = self.acc(report.tier, channel);
        if let (Some(received), Some(reply)) = (report.first_received_at, first_reply) {
            if reply.at >= received {
                tier_acc
                    .first_response
                    .push(reply.at.signed_duration_since(received));
            }
        }
        let mut agent_replies = 0;
        let mut resolved = false;
        for m in &ticket.messages {
            match m.kind {
                MessageKind::AgentReply => agent_replies += 1,
                MessageKind::AutoReply => tier_acc.auto_replies += 1,
                MessageKind::Resolved => resolved = true,
                _ => {}
            }
        }
        tier_acc.agent_replies += agent_replies;
        if resolved {
            tier_acc.resolved += 1;
            tier_acc.resolved_first_contact += u64::from(agent_replies == 1);
        }
    }

    /// The metrics at `now`, most severe tier first, then by channel name.
    ///
    /// Any `now` is valid: a late-response window that would start before
    /// [`DateTime::<Utc>::MIN_UTC`] starts there (saturation), so this never panics.
    pub fn report(&self, now: DateTime<Utc>) -> Vec<GroupMetrics> {
        let mut out: Vec<GroupMetrics> = self
            .groups
            .iter()
            .map(|((tier, channel), acc)| {
                let mut fr = acc.first_response.clone();
                fr.sort_unstable();
                let late_response = LATE_RESPONSE_WINDOWS
                    .iter()
                    .map(|&days| {
                        // A window reaching before the earliest representable
                        // instant starts there.
                        let since = now
                            .checked_sub_signed(TimeDelta::days(i64::from(days)))
                            .unwrap_or(DateTime::<Utc>::MIN_UTC);
                        let mut messages = 0;
                        let mut late = 0;
                        for (opened, is_late) in &acc.compliance {
                            if *opened >= since && *opened <= now {
                                messages += 1;
                                late += u64::from(*is_late);
                            }
                        }
                        for (opened, due) in &acc.compliance_open {
                            if *opened >= since && *opened <= now && now > *due {
                                messages += 1;
                                late += 1;
                            }
                        }
                        LateResponse {
                            days,
                            messages,
                            late,
                            rate: share(late, messages),
                        }
                    })
                    .collect();
                let replies = acc.agent_replies + acc.auto_replies;
                GroupMetrics {
                    tier: *tier,
                    channel: channel.clone(),
                    closed_obligations: acc.closed,
                    met: acc.met,
                    attainment: share(acc.met, acc.closed),
                    first_response_median: nearest_rank(&fr, 0.5),
                    first_response_p90: nearest_rank(&fr, 0.9),
                    late_response,
                    replies,
                    auto_reply_share: share(acc.auto_replies, replies),
                    resolved: acc.resolved,
                    first_contact_resolution: share(acc.resolved_first_contact, acc.resolved),
                }
            })
            .collect();
        out.sort_by(|a, b| b.tier.cmp(&a.tier).then_with(|| a.channel.cmp(&b.channel)));
        out
    }
}

fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// The nearest-rank percentile of sorted values.
fn nearest_rank(sorted: &[TimeDelta], p: f64) -> Option<TimeDelta> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.saturating_sub(1)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::assessed;
    use crate::market::Marketplace;
    use crate::risk::RiskCategory;
    use crate::sla::Policy;
    use crate::ticket::{Channel, Message};
    use chrono::TimeZone;

    fn at(day: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 10, day, h, m, 0).unwrap()
    }

    fn add(
        metrics: &mut ServiceMetrics,
        channel: Channel,
        msgs: Vec<Message>,
        cats: &[&[RiskCategory]],
        now: DateTime<Utc>,
    ) {
        let mut t = Ticket::new("t", channel);
        t.messages = msgs;
        let mut all: Vec<&[RiskCategory]> = cats.to_vec();
        all.resize(t.messages.len(), &[]);
        let report = Policy::default()
            .evaluate(&t, &assessed(&all), now)
            .unwrap();
        metrics.add(&t, &report);
    }

    #[test]
    fn attainment_and_first_response_percentiles() {
        let now = at(31, 12, 0);
        let mut m = ServiceMetrics::new();
        let amazon = Channel::amazon(Marketplace::Us);
        // odr_high (2 h target): replies after 10, 30, 50, 70 and 150 minutes.
        for minutes in [10, 30, 50, 70, 150] {
            let start = at(30, 8, 0);
            let msgs = vec![
                Message::buyer(start, "damaged"),
                Message::agent(start + TimeDelta::minutes(minutes), "sorry"),
            ];
            add(
                &mut m,
                amazon.clone(),
                msgs,
                &[&[RiskCategory::Damaged]],
                now,
            );
        }
        let groups = m.report(now);
        let g = groups
            .iter()
            .find(|g| g.tier == RiskTier::OdrHigh && g.channel == "amazon")
            .unwrap();
        assert_eq!((g.closed_obligations, g.met), (5, 4));
        assert_eq!(g.attainment, Some(0.8));
        assert_eq!(g.first_response_median, Some(TimeDelta::minutes(50)));
        assert_eq!(g.first_response_p90, Some(TimeDelta::minutes(150)));
        assert_eq!(g.auto_reply_share, Some(0.0));
    }

    #[test]
    fn late_response_rate_counts_known_outcomes_per_window() {
        let now = at(31, 12, 0);
        let mut m = ServiceMetrics::new();
        let amazon = Channel::amazon(Marketplace::De);
        let buyer = |t| Message::buyer(t, "hallo");
        let cases: Vec<Vec<Message>> = vec![
            // Answered after 2 h: on time.
            vec![buyer(at(30, 8, 0)), Message::agent(at(30, 10, 0), "ok")],
            // Answered after 25 h: late.
            vec![buyer(at(29, 8, 0)), Message::agent(at(30, 9, 0), "ok")],
            // Unanswered for more than 24 h: late.
            vec![buyer(at(30, 9, 0))],
            // Unanswered, still inside 24 h: not counted yet.
            vec![buyer(at(31, 11, 0))],
            // No response needed: excluded.
            vec![
                buyer(at(30, 7, 0)),
                Message::event(MessageKind::NoResponseNeeded, at(30, 8, 0)),
            ],
            // 20 days ago, answered late: only in the 30- and 90-day windows.
            vec![buyer(at(11, 8, 0)), Message::agent(at(12, 9, 0), "sorry")],
        ];
        for msgs in cases {
            add(&mut m, amazon.clone(), msgs, &[], now);
        }
        let groups = m.report(now);
        let g = groups
            .iter()
            .find(|g| g.tier == RiskTier::Compliance)
            .unwrap();
        let windows: Vec<(u32, u64, u64)> = g
            .late_response
            .iter()
            .map(|l| (l.days, l.messages, l.late))
            .collect();
        assert_eq!(windows, [(7, 3, 2), (30, 4, 3), (90, 4, 3)]);
        assert_eq!(
            g.late_response.first().and_then(|l| l.rate),
            Some(2.0 / 3.0)
        );
    }

    #[test]
    fn auto_reply_share_and_first_contact_resolution() {
        let now = at(31, 12, 0);
        let mut m = ServiceMetrics::new();
        let t0 = at(30, 8, 0);
        let min = TimeDelta::minutes;
        // Resolved after one agent reply (first contact), with an auto-reply.
        add(
            &mut m,
            Channel::Shopify,
            vec![
                Message::buyer(t0, "refund?"),
                Message::new(MessageKind::AutoReply, t0 + min(1), "got it"),
                Message::agent(t0 + min(20), "done"),
                Message::event(MessageKind::Resolved, t0 + min(21)),
            ],
            &[&[RiskCategory::Refund]],
            now,
        );
        // Resolved after two agent replies.
        add(
            &mut m,
            Channel::Shopify,
            vec![
                Message::buyer(t0, "refund?"),
                Message::agent(t0 + min(20), "checking"),
                Message::agent(t0 + min(40), "done"),
                Message::event(MessageKind::Resolved, t0 + min(41)),
            ],
            &[&[RiskCategory::Refund]],
            now,
        );
        let groups = m.report(now);
        let g = groups.iter().find(|g| g.tier == RiskTier::Loyalty).unwrap();
        assert_eq!(g.replies, 4);
        assert_eq!(g.auto_reply_share, Some(0.25));
        assert_eq!(g.resolved, 2);
        assert_eq!(g.first_contact_resolution, Some(0.5));
        assert!(g
            .late_response
            .iter()
            .all(|l| l.messages == 0 && l.rate.is_none()));
    }
}
