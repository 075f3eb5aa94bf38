//! Keep Amazon's Order Defect Rate under 1%.
//!
//! # Overview
//!
//! The Order Defect Rate (ODR) is the share of orders in a 60-day window with at
//! least one defect: negative feedback, an A-to-z Guarantee claim or a chargeback.
//! Most claims start as an ordinary buyer message answered too slowly, so this crate
//! spots risky words (in English, Chinese and the Amazon EU/JP languages), picks a
//! risk tier, and computes SLA deadlines so the riskiest tickets are answered first.
//!
//! The core is pure: no I/O, no global state and no clock reads. Callers pass `now`.
//!
//! The architecture reads as the module tree: normalise → match → classify →
//! policy and deadlines → queue; the ODR tracker stands apart.
//!
//! # Crate features
//!
//! - `toml` (default): load policies and lexicons from TOML text.
//! - `json` (default): load policies and lexicons from JSON text.
//! - `amazon-reports` (default): read Amazon's own reports into the ODR tracker
//!   (`AmazonOrders`, `FeedbackReport`, `PerformanceReport` and its
//!   `Reconciliation`), gzip and charsets included (`flate2`, `encoding_rs`).
//! - `mail`: read buyer-message e-mail (Amazon's relay, its claim, chargeback and
//!   return notices; MIME and legacy charsets) into tickets: `MailReader`,
//!   `MailThreads`, `split_mbox`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod assessment;
mod calendar;
mod classify;
mod compact;
mod duration;
mod engine;
mod lexicon;
#[cfg(feature = "mail")]
mod mail;
mod matcher;
mod metrics;
mod normalize;
mod odr;
mod order;
mod policy;
mod queue;
mod risk;
mod rules;
mod sla;
mod ticket;

pub use crate::assessment::{Assessment, Field, Match};
pub use crate::calendar::{
    Calendar, CalendarError, CalendarSpec, LocalRangeSpec, Skipped, WeeklyHoursSpec,
};
pub use crate::classify::{Classifier, ClassifierBuilder};
pub use crate::engine::{Engine, Evaluation};
pub use crate::lexicon::{CoOccurrence, ContextFilter, Lexicon, LexiconError, SyntaxError};
#[cfg(feature = "mail")]
pub use crate::mail::{
    split_mbox, Mail, MailError, MailKind, MailReader, MailThreads, MboxEntry, MboxIter,
};
pub use crate::matcher::{BuildError, Scratch, TermId, TextMatch};
pub use crate::metrics::{GroupMetrics, LateResponse, ServiceMetrics, LATE_RESPONSE_WINDOWS};
pub use crate::normalize::{normalize, Normalized};
#[cfg(feature = "amazon-reports")]
pub use crate::odr::{
    decode_report, AmazonOdr, AmazonOrder, AmazonOrders, ChannelReconciliation, Charset, Compared,
    FeedbackDateFormat, FeedbackEntry, FeedbackReport, MarketplaceOdr, OrdersRead,
    PerformanceReport, Reconciliation, ReportError, ReportErrorKind, ReportOptions,
};
pub use crate::odr::{
    ChargebackKind, ClaimStatus, CountingRules, DailyTally, Defect, DefectDetail, DefectId,
    DefectKind, Forecast, Fulfillment, Ingest, KindCounts, OdrError, OdrPoint, OdrReport,
    OdrSettings, OdrSettingsBuilder, OdrStatus, OdrTallies, OdrTracker, OdrWindow, Order, OrderId,
    PerFulfillment, RateInterval, Stars, WindowExit, WindowRange,
};
pub use crate::order::{
    claim_window, ClaimCondition, ClaimRules, ClaimWindow, NoWindow, OrderContext,
};
pub use crate::policy::{
    AutoReplyRule, ComplianceClock, Policy, PolicyError, PolicySpec, TierSpec, TierTargets,
};
pub use crate::queue::{QueueItem, QueueOrder, TriageQueue};
pub use crate::risk::{CategorySet, RiskCategory, RiskTier, UnknownNameError};
pub use crate::rules::{Facts, Rule, RuleSet};
pub use crate::sla::{Band, Obligation, ObligationKind, Outcome, SlaError, SlaReport, SlaStatus};
pub use crate::ticket::{Author, Channel, Marketplace, Message, MessageKind, Ticket};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
