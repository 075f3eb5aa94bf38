//! SLA clocks: a [`Policy`] applied to a ticket's history at `now` gives an
//! [`SlaReport`]. One authoritative computation that every view (queue, board,
//! metrics) reads.
//!
//! - [`Policy`] (built from a [`PolicySpec`]) holds the targets per tier
//!   ([`TierSpec`], [`TierTargets`]), the tier [`RuleSet`], the business
//!   calendars, the compliance clocks ([`ComplianceClock`]: Amazon's 24 hours,
//!   Seller Central help page 202152030) and the [`AutoReplyRule`] (an
//!   auto-reply is not a response, by Amazon's own rule).
//! - [`Rule`]s map [`Facts`] (channel, marketplace, risk categories, events, the
//!   A-to-z claim window) to a [`RiskTier`](crate::RiskTier); the first that
//!   matches wins. This is the one place tiers are decided.
//! - [`Policy::evaluate`] walks the history and reports every [`Obligation`],
//!   the earliest one due, its [`SlaStatus`] and [`Band`].
//!
//! The risk categories of each message are an input ([`Assessment`]): they can
//! come from this crate's [`Classifier`](crate::Classifier), from your own model
//! or from your agents' tags.

mod policy;
mod report;
mod rules;
mod walk;

pub use self::policy::{
    AutoReplyRule, ComplianceClock, Policy, PolicyError, PolicySpec, Target, TierSpec, TierTargets,
};
pub use self::report::{Band, Obligation, ObligationKind, Outcome, SlaError, SlaReport, SlaStatus};
pub use self::rules::{Facts, Rule, RuleSet, Tiering};
pub use crate::assessment::Assessment;
