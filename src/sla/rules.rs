//! Tier rules: data that maps what is known about a ticket (channel, marketplace,
//! risk categories found, system events) to a [`RiskTier`]. Evaluated in order; the
//! first rule that matches wins.

use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::assessment::{Assessment, Field, Match};
use crate::claim::ClaimWindow;
use crate::market::Marketplace;
use crate::risk::{CategorySet, RiskCategory, RiskTier};
use crate::ticket::{Author, Channel, MessageKind, Ticket};

/// What a rule can look at: the facts known about a ticket at one point in time.
///
/// ```
/// use odr_guard::{CategorySet, Channel, RiskCategory};
/// use odr_guard::sla::Facts;
/// use odr_guard::ticket::MessageKind;
///
/// let facts = Facts::new(&Channel::Shopify)
///     .with_categories(CategorySet::from([RiskCategory::Refund]))
///     .with_event(MessageKind::ChargebackFiled);
/// assert!(facts.has_event(MessageKind::ChargebackFiled));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts<'a> {
    channel: &'a Channel,
    categories: CategorySet,
    events: u16,
    at: Option<DateTime<Utc>>,
    claim_window: Option<ClaimWindow>,
    order_flags: u8,
}

const DELIVERY_OVERDUE: u8 = 1;
const DELIVERED_NOT_RECEIVED: u8 = 2;
const RETURN_WITHOUT_REFUND: u8 = 4;

impl<'a> Facts<'a> {
    /// Facts about a ticket on `channel`, with no categories or events yet.
    pub const fn new(channel: &'a Channel) -> Facts<'a> {
        Facts {
            channel,
            categories: CategorySet::new(),
            events: 0,
            at: None,
            claim_window: None,
            order_flags: 0,
        }
    }

    /// The instant the facts describe (order conditions are evaluated at it).
    #[must_use]
    pub const fn at(mut self, at: DateTime<Utc>) -> Facts<'a> {
        self.at = Some(at);
        self
    }

    /// The buyer's A-to-z claim window, if one is known.
    #[must_use]
    pub const fn with_claim_window(mut self, window: Option<ClaimWindow>) -> Facts<'a> {
        self.claim_window = window;
        self
    }

    /// At [`Facts::at`], the maximum delivery date has passed with no delivery scan.
    #[must_use]
    pub const fn delivery_overdue(self, yes: bool) -> Facts<'a> {
        self.flag(DELIVERY_OVERDUE, yes)
    }

    /// At [`Facts::at`], tracking says delivered but the buyer says not received.
    #[must_use]
    pub const fn delivered_but_not_received(self, yes: bool) -> Facts<'a> {
        self.flag(DELIVERED_NOT_RECEIVED, yes)
    }

    /// At [`Facts::at`], a return was requested but not refunded.
    #[must_use]
    pub const fn return_without_refund(self, yes: bool) -> Facts<'a> {
        self.flag(RETURN_WITHOUT_REFUND, yes)
    }

    const fn flag(mut self, bit: u8, yes: bool) -> Facts<'a> {
        if yes {
            self.order_flags |= bit;
        } else {
            self.order_flags &= !bit;
        }
        self
    }

    /// The claim window, if known.
    pub const fn claim_window(&self) -> Option<ClaimWindow> {
        self.claim_window
    }

    fn claim_window_open(&self) -> bool {
        match (self.claim_window, self.at) {
            (Some(w), Some(at)) => w.is_open(at),
            _ => false,
        }
    }

    fn claim_window_opens_within(&self, d: TimeDelta) -> bool {
        match (self.claim_window, self.at) {
            (Some(w), Some(at)) => {
                w.opens_at.signed_duration_since(at) <= d && w.closes_at.is_none_or(|c| at < c)
            }
            _ => false,
        }
    }

    /// Adds risk categories found in the buyer's words.
    #[must_use]
    pub const fn with_categories(mut self, categories: CategorySet) -> Facts<'a> {
        self.categories = self.categories.union(categories);
        self
    }

    /// Records that an event of this kind happened.
    #[must_use]
    pub const fn with_event(mut self, kind: MessageKind) -> Facts<'a> {
        self.events |= 1 << kind as u16;
        self
    }

    /// The channel.
    pub const fn channel(&self) -> &'a Channel {
        self.channel
    }

    /// The categories found so far.
    pub const fn categories(&self) -> CategorySet {
        self.categories
    }

    /// Whether an event of this kind happened.
    pub const fn has_event(&self, kind: MessageKind) -> bool {
        self.events & (1 << kind as u16) != 0
    }
}

/// One rule: if every condition given holds, the ticket gets `tier`.
///
/// Conditions left empty do not constrain. `categories` and `events` match when the
/// ticket has *any* of those listed.
///
/// ```
/// use odr_guard::{CategorySet, Channel, RiskCategory, RiskTier};
/// use odr_guard::sla::{Facts, Rule};
///
/// let rule = Rule::new("shopify_refund", RiskTier::Loyalty)
///     .channels(["shopify"])
///     .categories([RiskCategory::Refund, RiskCategory::ReturnExchange]);
/// let refund = Facts::new(&Channel::Shopify)
///     .with_categories(CategorySet::from([RiskCategory::Refund]));
/// assert!(rule.matches(&refund));
/// assert!(!rule.matches(&Facts::new(&Channel::Shopify)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct Rule {
    /// A name, shown in explanations.
    pub name: String,
    /// The tier given when the rule matches.
    pub tier: RiskTier,
    /// Channel names (`amazon`, `shopify`, ...); empty: any channel.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<String>,
    /// Amazon marketplaces; empty: any (and non-Amazon channels too).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marketplaces: Vec<Marketplace>,
    /// Risk categories, any of which must be present; empty: no constraint.
    #[serde(default, skip_serializing_if = "no_categories")]
    pub categories: CategorySet,
    /// Event kinds, any of which must have happened; empty: no constraint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<MessageKind>,
    /// Order fact: the A-to-z claim window is open (`true`) or not (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_window_open: Option<bool>,
    /// Order fact: the claim window is open or opens within this duration.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::duration::option_serde"
    )]
    pub claim_window_opens_within: Option<TimeDelta>,
    /// Order fact: the maximum delivery date has passed with no delivery scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_overdue: Option<bool>,
    /// Order fact: tracking says delivered, the buyer says not received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_but_not_received: Option<bool>,
    /// Order fact: a return was requested and not refunded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_without_refund: Option<bool>,
    /// The business calendar (a name from the policy) for tickets this rule tiers;
    /// `None`: the tier's calendar. Ignored by the classifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
}

fn flag(want: Option<bool>, bit: u8) -> bool {
    want.is_none_or(|w| w == (bit != 0))
}

fn no_categories(set: &CategorySet) -> bool {
    set.is_empty()
}

impl Rule {
    /// A rule that matches everything and gives `tier`.
    pub fn new(name: impl Into<String>, tier: RiskTier) -> Rule {
        Rule {
            name: name.into(),
            tier,
            channels: Vec::new(),
            marketplaces: Vec::new(),
            categories: CategorySet::new(),
            events: Vec::new(),
            claim_window_open: None,
            claim_window_opens_within: None,
            delivery_overdue: None,
            delivered_but_not_received: None,
            return_without_refund: None,
            calendar: None,
        }
    }

    /// Requires the claim window to be open (`true`) or not (`false`).
    #[must_use]
    pub fn claim_window_open(mut self, open: bool) -> Rule {
        self.claim_window_open = Some(open);
        self
    }

    /// Requires the claim window to be open or to open within `d`.
    #[must_use]
    pub fn claim_window_opens_within(mut self, d: TimeDelta) -> Rule {
        self.claim_window_opens_within = Some(d);
        self
    }

    /// Restricts the rule to these channel names.
    #[must_use]
    pub fn channels<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Rule {
        self.channels = names.into_iter().map(Into::into).collect();
        self
    }

    /// Restricts the rule to these Amazon marketplaces.
    #[must_use]
    pub fn marketplaces<I: IntoIterator<Item = Marketplace>>(mut self, ms: I) -> Rule {
        self.marketplaces = ms.into_iter().collect();
        self
    }

    /// Requires any of these categories.
    #[must_use]
    pub fn categories<I: IntoIterator<Item = RiskCategory>>(mut self, cs: I) -> Rule {
        self.categories = cs.into_iter().collect();
        self
    }

    /// Requires any of these events.
    #[must_use]
    pub fn events<I: IntoIterator<Item = MessageKind>>(mut self, ks: I) -> Rule {
        self.events = ks.into_iter().collect();
        self
    }

    /// Runs tickets this rule tiers on the named calendar.
    #[must_use]
    pub fn calendar(mut self, name: impl Into<String>) -> Rule {
        self.calendar = Some(name.into());
        self
    }

    /// Whether every condition of the rule holds for `facts`.
    pub fn matches(&self, facts: &Facts<'_>) -> bool {
        let channel = facts.channel();
        (self.channels.is_empty() || self.channels.iter().any(|c| c == channel.name()))
            && (self.marketplaces.is_empty()
                || channel
                    .marketplace()
                    .is_some_and(|m| self.marketplaces.contains(&m)))
            && (self.categories.is_empty() || self.categories.intersects(facts.categories()))
            && (self.events.is_empty() || self.events.iter().any(|k| facts.has_event(*k)))
            && self
                .claim_window_open
                .is_none_or(|want| facts.claim_window_open() == want)
            && self
                .claim_window_opens_within
                .is_none_or(|d| facts.claim_window_opens_within(d))
            && flag(self.delivery_overdue, facts.order_flags & DELIVERY_OVERDUE)
            && flag(
                self.delivered_but_not_received,
                facts.order_flags & DELIVERED_NOT_RECEIVED,
            )
            && flag(
                self.return_without_refund,
                facts.order_flags & RETURN_WITHOUT_REFUND,
            )
    }
}

/// An ordered list of [`Rule`]s with a fallback tier. The first matching rule wins.
///
/// [`RuleSet::default`] is the seed table: on Amazon, claims, chargebacks and legal
/// threats (or a claim or chargeback event), or a ticket waiting while the buyer's
/// A-to-z claim window is open, are `odr_critical`; a claim window opening within
/// 12 h (the compliance target), damage, loss, wrong items, negative feedback and
/// order status are `odr_high`; any other Amazon message is `compliance`.
/// Rules are sorted most severe first, so the first match is also the highest. On Shopify, refunds, returns and any defect are `loyalty`; the
/// rest of Shopify and every other channel is `low`.
///
/// ```
/// use odr_guard::{CategorySet, Channel, RiskCategory, RiskTier};
/// use odr_guard::sla::{Facts, RuleSet};
///
/// let rules = RuleSet::default();
/// let amazon = Channel::Amazon { marketplace: None };
/// let lost = Facts::new(&amazon).with_categories(CategorySet::from([RiskCategory::Lost]));
/// assert_eq!(rules.tier(&lost).0, RiskTier::OdrHigh);
/// assert_eq!(rules.tier(&Facts::new(&amazon)).0, RiskTier::Compliance);
/// assert_eq!(rules.tier(&Facts::new(&Channel::Instagram)).0, RiskTier::Low);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The rules, in evaluation order.
    pub rules: Vec<Rule>,
    /// The tier when no rule matches.
    pub fallback: RiskTier,
}

impl RuleSet {
    /// The tier for `facts` and the rule that gave it (`None`: the fallback).
    pub fn tier(&self, facts: &Facts<'_>) -> (RiskTier, Option<&Rule>) {
        match self.rules.iter().find(|r| r.matches(facts)) {
            Some(rule) => (rule.tier, Some(rule)),
            None => (self.fallback, None),
        }
    }

    /// The tier a ticket's words and events give, with no time and no order facts:
    /// the channel, the categories that count in `assessment` for the ticket's
    /// buyer messages and the ticket's system events (claims, chargebacks, ...),
    /// with a short reason naming the rule and its first piece of evidence.
    /// Categories given for a message the ticket does not have, or for one that is
    /// not a buyer message, are ignored, as [`Policy::evaluate`](crate::Policy::evaluate)
    /// ignores them.
    ///
    /// [`Policy::evaluate`](crate::Policy::evaluate) decides tiers with the same
    /// rules but over time (a tier only rises) and with order facts (the A-to-z
    /// claim window): its [`SlaReport::tier`](crate::SlaReport::tier) is the one
    /// to act on. This is for reading a text alone (e.g. the `classify` example).
    pub fn tier_of(&self, ticket: &Ticket, assessment: &Assessment) -> Tiering {
        let mut facts = Facts::new(&ticket.channel);
        for (index, m) in ticket.messages.iter().enumerate() {
            match m.author() {
                Author::Buyer => {
                    facts = facts.with_categories(assessment.message_categories(index));
                }
                Author::System => facts = facts.with_event(m.kind),
                Author::Agent | Author::AutoReply => {}
            }
        }
        let (tier, rule) = self.tier(&facts);
        Tiering {
            tier,
            rule: rule.map(|r| r.name.clone()),
            reason: reason(ticket, assessment.matches(), &facts, tier, rule),
        }
    }
}

/// The tier a ticket's words and events give ([`RuleSet::tier_of`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tiering {
    /// The tier.
    pub tier: RiskTier,
    /// The name of the rule that gave it, or `None` for the fallback.
    pub rule: Option<String>,
    /// A short human-readable reason.
    pub reason: String,
}

/// A short explanation: the rule and the first piece of evidence it used.
fn reason(
    ticket: &Ticket,
    matches: &[Match],
    facts: &Facts<'_>,
    tier: RiskTier,
    rule: Option<&Rule>,
) -> String {
    let Some(rule) = rule else {
        return format!("no rule matched: fallback tier {tier}");
    };
    let mut s = rule.name.clone();
    if let Some(kind) = rule.events.iter().find(|k| facts.has_event(**k)) {
        let _ = write!(s, ": {kind} event");
        return s;
    }
    // Evidence only from the buyer messages whose categories counted.
    let evidence = matches
        .iter()
        .filter(|m| !m.negated)
        .filter(|m| {
            ticket
                .messages
                .get(m.message)
                .is_some_and(|msg| msg.author() == Author::Buyer)
        })
        .find(|m| rule.categories.is_empty() || rule.categories.contains(m.category));
    match evidence {
        Some(m) if !rule.categories.is_empty() => {
            let text = ticket
                .messages
                .get(m.message)
                .and_then(|msg| match m.field {
                    Field::Subject => msg.subject.as_deref(),
                    Field::Body => Some(msg.body.as_str()),
                });
            let quoted = text.and_then(|t| t.get(m.start..m.end)).unwrap_or(&m.term);
            let field = match m.field {
                Field::Subject => "subject",
                Field::Body => "body",
            };
            let _ = write!(
                s,
                ": {} ({quoted:?} in message {} {field})",
                m.category, m.message
            );
        }
        _ if facts.categories().is_empty() => s.push_str(": no risk words found"),
        _ => {
            let names: Vec<&str> = facts.categories().iter().map(|c| c.as_str()).collect();
            let _ = write!(s, ": {}", names.join(", "));
        }
    }
    s
}

impl Default for RuleSet {
    fn default() -> Self {
        use MessageKind as K;
        use RiskCategory as C;
        const DEFECTS: [C; 5] = [
            C::Damaged,
            C::Lost,
            C::WrongItem,
            C::NegativeFeedback,
            C::OrderStatus,
        ];
        const ESCALATIONS: [C; 3] = [C::AToZClaim, C::Chargeback, C::LegalThreat];
        let shopify_loyalty: Vec<C> = [C::Refund, C::ReturnExchange]
            .into_iter()
            .chain(ESCALATIONS)
            .chain([C::Damaged, C::Lost, C::WrongItem, C::NegativeFeedback])
            .collect();
        RuleSet {
            rules: vec![
                Rule::new("amazon_claim_or_chargeback_event", RiskTier::OdrCritical)
                    .channels(["amazon"])
                    .events([K::ClaimFiled, K::ChargebackFiled]),
                Rule::new("amazon_escalation_words", RiskTier::OdrCritical)
                    .channels(["amazon"])
                    .categories(ESCALATIONS),
                Rule::new("amazon_claim_window_open", RiskTier::OdrCritical)
                    .channels(["amazon"])
                    .claim_window_open(true),
                Rule::new("amazon_claim_window_opens_within_12h", RiskTier::OdrHigh)
                    .channels(["amazon"])
                    .claim_window_opens_within(TimeDelta::hours(12)),
                Rule::new("amazon_defect_or_order_status", RiskTier::OdrHigh)
                    .channels(["amazon"])
                    .categories(DEFECTS),
                Rule::new("amazon_any_message", RiskTier::Compliance).channels(["amazon"]),
                Rule::new("shopify_chargeback_event", RiskTier::Loyalty)
                    .channels(["shopify"])
                    .events([K::ChargebackFiled]),
                Rule::new("shopify_refund_return_or_defect", RiskTier::Loyalty)
                    .channels(["shopify"])
                    .categories(shopify_loyalty),
            ],
            fallback: RiskTier::Low,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use RiskCategory as C;

    fn tier(channel: &Channel, cats: &[C], events: &[MessageKind]) -> RiskTier {
        let mut f = Facts::new(channel).with_categories(cats.iter().copied().collect());
        for e in events {
            f = f.with_event(*e);
        }
        RuleSet::default().tier(&f).0
    }

    #[test]
    fn default_rules_follow_the_seed_table() {
        let amazon = Channel::amazon(Marketplace::Us);
        let table: &[(&Channel, &[C], &[MessageKind], RiskTier)] = &[
            (&amazon, &[C::AToZClaim], &[], RiskTier::OdrCritical),
            (&amazon, &[C::Chargeback], &[], RiskTier::OdrCritical),
            (&amazon, &[C::LegalThreat], &[], RiskTier::OdrCritical),
            (
                &amazon,
                &[],
                &[MessageKind::ClaimFiled],
                RiskTier::OdrCritical,
            ),
            (
                &amazon,
                &[],
                &[MessageKind::ChargebackFiled],
                RiskTier::OdrCritical,
            ),
            (&amazon, &[C::Damaged], &[], RiskTier::OdrHigh),
            (&amazon, &[C::Lost], &[], RiskTier::OdrHigh),
            (&amazon, &[C::WrongItem], &[], RiskTier::OdrHigh),
            (&amazon, &[C::NegativeFeedback], &[], RiskTier::OdrHigh),
            (&amazon, &[C::OrderStatus], &[], RiskTier::OdrHigh),
            (&amazon, &[C::Refund], &[], RiskTier::Compliance),
            (&amazon, &[], &[], RiskTier::Compliance),
            (&Channel::Shopify, &[C::Refund], &[], RiskTier::Loyalty),
            (
                &Channel::Shopify,
                &[C::ReturnExchange],
                &[],
                RiskTier::Loyalty,
            ),
            (&Channel::Shopify, &[C::Damaged], &[], RiskTier::Loyalty),
            (
                &Channel::Shopify,
                &[],
                &[MessageKind::ChargebackFiled],
                RiskTier::Loyalty,
            ),
            (&Channel::Shopify, &[C::OrderStatus], &[], RiskTier::Low),
            (&Channel::Shopify, &[], &[], RiskTier::Low),
            (
                &Channel::TiktokShop,
                &[C::AToZClaim, C::Refund],
                &[],
                RiskTier::Low,
            ),
            (&Channel::Instagram, &[C::Damaged], &[], RiskTier::Low),
        ];
        for (channel, cats, events, want) in table {
            assert_eq!(
                tier(channel, cats, events),
                *want,
                "{channel} {cats:?} {events:?}"
            );
        }
    }

    #[test]
    fn more_categories_never_lower_the_default_tier() {
        let channels = [
            Channel::Amazon { marketplace: None },
            Channel::Shopify,
            Channel::Walmart,
        ];
        for channel in &channels {
            for mask in 0u16..(1 << C::ALL.len()) {
                let cats: Vec<C> = C::ALL
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << i) != 0)
                    .map(|(_, c)| *c)
                    .collect();
                let base = tier(channel, &cats, &[]);
                for extra in C::ALL.iter().copied() {
                    let mut more = cats.clone();
                    more.push(extra);
                    assert!(
                        tier(channel, &more, &[]) >= base,
                        "{channel} {cats:?} + {extra}"
                    );
                }
            }
        }
    }

    #[test]
    fn marketplace_condition_needs_a_known_marketplace() {
        let rule = Rule::new("jp", RiskTier::OdrHigh).marketplaces([Marketplace::Jp]);
        assert!(rule.matches(&Facts::new(&Channel::amazon(Marketplace::Jp))));
        assert!(!rule.matches(&Facts::new(&Channel::amazon(Marketplace::De))));
        assert!(!rule.matches(&Facts::new(&Channel::Amazon { marketplace: None })));
    }

    /// `tier_of` counts the categories `Policy::evaluate` counts: those of the
    /// ticket's buyer messages, not of a message index the ticket does not have
    /// or of an agent's reply.
    #[test]
    fn tier_of_counts_only_buyer_messages_like_evaluate() {
        use crate::ticket::Message;
        use crate::Policy;
        use chrono::TimeZone;
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let ticket = Ticket::new("t", Channel::amazon(Marketplace::Us))
            .with_message(Message::buyer(at, "hello"))
            .with_message(Message::agent(at + TimeDelta::minutes(1), "hi"));
        let policy = Policy::default();
        let table: &[(&str, usize, RiskTier)] = &[
            ("buyer message", 0, RiskTier::OdrCritical),
            ("agent reply", 1, RiskTier::Compliance),
            ("no such message", 2, RiskTier::Compliance),
            ("far beyond", usize::MAX, RiskTier::Compliance),
        ];
        for &(name, message, want) in table {
            let a = Assessment::new().with_categories(message, [C::Chargeback]);
            let tiering = policy.rules().tier_of(&ticket, &a);
            assert_eq!(tiering.tier, want, "{name}");
            let report = policy.evaluate(&ticket, &a, at).unwrap();
            assert_eq!(report.tier, want, "{name}: evaluate");
            if want == RiskTier::Compliance {
                assert!(
                    tiering.reason.ends_with("no risk words found"),
                    "{name}: {}",
                    tiering.reason
                );
            }
        }
    }

    #[test]
    fn rules_round_trip_through_serde() {
        let rules = RuleSet::default();
        let json = serde_json::to_string(&rules).unwrap();
        let back: RuleSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rules);
        let bad = r#"{"rules":[{"name":"x","tier":"urgent"}],"fallback":"low"}"#;
        assert!(serde_json::from_str::<RuleSet>(bad).is_err());
    }
}
