//! The one-call façade: classify a ticket and evaluate its SLA under a policy.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::assessment::Assessment;
use crate::classify::Classifier;
use crate::sla::Policy;
use crate::sla::{SlaError, SlaReport};
use crate::ticket::Ticket;

/// A ticket's assessment (what the buyer's words say) and SLA report (what is due).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Evaluation {
    /// The classifier's reading of the buyer's words: the matches and the
    /// categories of each message.
    pub assessment: Assessment,
    /// The SLA report at `now`, with the ticket's tier (decided by the policy's
    /// rules: sticky over time and aware of order facts).
    pub report: SlaReport,
}

/// A [`Classifier`] and a [`Policy`] working together: the classifier reads the
/// buyers' words into an [`Assessment`], and the policy's rules alone decide the
/// tier ([`Policy::evaluate`]). Cheap to clone, `Send + Sync`.
///
/// ```
/// use chrono::{TimeDelta, TimeZone, Utc};
/// use odr_guard::{Channel, Engine, Marketplace, Message, Policy, RiskTier, SlaStatus, Ticket};
///
/// let engine = Engine::new(Policy::default());
/// let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("time")?;
/// let ticket = Ticket::new("T-1", Channel::amazon(Marketplace::Us))
///     .with_message(Message::buyer(at, "The box arrived damaged."));
/// let ev = engine.evaluate(&ticket, at + TimeDelta::minutes(100))?;
/// assert_eq!(ev.report.tier, RiskTier::OdrHigh);
/// assert_eq!(ev.report.due_at, Some(at + TimeDelta::hours(2)));
/// assert_eq!(ev.report.status, SlaStatus::AtRisk);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    classifier: Classifier,
    policy: Policy,
}

impl Engine {
    /// The built-in lexicon with `policy`.
    pub fn new(policy: Policy) -> Engine {
        Engine::with_classifier(Classifier::new(), policy)
    }

    /// A classifier of your own (e.g. with an extended lexicon) with `policy`.
    pub fn with_classifier(classifier: Classifier, policy: Policy) -> Engine {
        Engine { classifier, policy }
    }

    /// The classifier.
    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Classifies `ticket` and evaluates its SLA at `now`.
    ///
    /// A ticket received after `now` (clock skew) is evaluated as just arrived:
    /// tiered from its content, with the full target remaining from `now`; replies
    /// dated after `now` are not credited (see [`Policy::evaluate`]).
    ///
    /// # Errors
    /// As [`Policy::evaluate`]: a history out of time order, or a deadline outside
    /// the representable range.
    pub fn evaluate(&self, ticket: &Ticket, now: DateTime<Utc>) -> Result<Evaluation, SlaError> {
        let assessment = self.classifier.classify(ticket);
        let report = self.policy.evaluate(ticket, &assessment, now)?;
        Ok(Evaluation { assessment, report })
    }
}
