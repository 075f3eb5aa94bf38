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

#[cfg(feature = "amazon-reports")]
pub mod amazon;
#[macro_use]
mod names;

mod assessment;
pub mod calendar;
pub mod claim;
mod classify;
mod compact;
mod duration;
mod engine;
mod lexicon;
#[cfg(feature = "mail")]
pub mod mail;
mod market;
mod matcher;
pub mod metrics;
mod normalize;
pub mod odr;
pub mod queue;
mod risk;
pub mod sla;
pub mod text;
pub mod ticket;

pub use crate::calendar::{Calendar, CalendarComputeError, CalendarError, CalendarSpec};
pub use crate::classify::Classifier;
pub use crate::engine::{Engine, Evaluation};
pub use crate::lexicon::{Lexicon, LexiconError};
pub use crate::market::Marketplace;
pub use crate::matcher::BuildError;
pub use crate::odr::{OdrError, OdrTracker};
pub use crate::queue::TriageQueue;
pub use crate::risk::{CategorySet, RiskCategory, RiskTier, UnknownNameError};
pub use crate::sla::{Assessment, Policy, PolicyError, PolicySpec, SlaError, SlaReport, SlaStatus};
pub use crate::ticket::{Channel, Message, Ticket};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
