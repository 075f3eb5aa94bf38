//! Keep Amazon's Order Defect Rate under 1%.
//!
//! # Overview
//!
//! The Order Defect Rate (ODR) is the share of orders in a 60-day window with at
//! least one defect: negative feedback, an A-to-z Guarantee claim or a service
//! chargeback (Seller Central help page 200285170). Over 1% puts the account at
//! risk. Most claims start as an ordinary buyer message answered too slowly, so this
//! crate reads buyers' words (English, Chinese in every script, and the languages of
//! Amazon's EU and Japanese stores), tiers each ticket by risk, computes its SLA
//! deadlines on business calendars, orders the work queue by risk and tracks the ODR.
//!
//! The core is pure: no I/O, no global state and no clock reads. Callers pass `now`.
//! Every public type is `Send + Sync`; the types built once and shared
//! ([`Engine`], [`Classifier`], [`Policy`], [`Calendar`]) are cheap to clone (an
//! `Arc` inside), while collections such as [`TriageQueue`] and [`OdrTracker`]
//! clone their contents.
//!
//! The headline types are at the root; the rest lives in modules that follow the
//! pipeline:
//!
//! | module | what it holds |
//! |---|---|
//! | [`text`] | normalisation, the keyword matcher, lexicon rules, what a classification finds ([`Classifier`], [`Lexicon`], [`Assessment`]) |
//! | [`sla`] | the tiered [`Policy`]: tier rules, targets, compliance clocks, the evaluation walk and its [`SlaReport`] |
//! | [`calendar`] | business calendars in IANA zones ([`Calendar`]) |
//! | [`claim`] | when a buyer can file an A-to-z claim (help page 200783670) |
//! | [`queue`] | the risk-ordered work queue ([`TriageQueue`]) |
//! | [`ticket`] | tickets, messages, events and order facts ([`Ticket`], [`Message`], [`Channel`]) |
//! | [`metrics`] | response-time metrics (Amazon's Late Response Rate, help page 200549770) |
//! | [`odr`] | the ODR window tracker ([`OdrTracker`], help pages 200285170, 200205250) |
//! | `amazon` | Amazon's own reports, read into the tracker (feature `amazon-reports`) |
//! | `mail` | buyer-message e-mail into tickets (feature `mail`) |
//!
//! # Examples
//!
//! Classify and time a ticket in one call:
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use odr_guard::{Channel, Engine, Marketplace, Message, Policy, RiskTier, SlaStatus, Ticket};
//!
//! let engine = Engine::new(Policy::default()); // built once, shared by every thread
//! let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("time")?;
//! let ticket = Ticket::new("T-1001", Channel::amazon(Marketplace::Us))
//!     .with_message(Message::buyer(at, "Still no package. I'll file an A-to-z claim."));
//! let ev = engine.evaluate(&ticket, at + TimeDelta::minutes(50))?;
//! assert_eq!(ev.report.tier, RiskTier::OdrCritical);
//! assert_eq!(ev.report.due_at, Some(at + TimeDelta::hours(1)));
//! assert_eq!(ev.report.status, SlaStatus::AtRisk); // 10 of 60 minutes left
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The SLA engine without this crate's classifier, with categories from your own
//! model or your agents' tags, and an Amazon ticket answered only by an
//! auto-reply (not a response, by Amazon's rule: help page 202152030):
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use odr_guard::ticket::MessageKind;
//! use odr_guard::{Assessment, Channel, Marketplace, Message, Policy, RiskCategory, RiskTier, SlaStatus, Ticket};
//!
//! let at = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).single().ok_or("time")?;
//! let ticket = Ticket::new("T-7", Channel::amazon(Marketplace::Fr))
//!     .with_message(Message::buyer(at, "Le colis n'est jamais arrivé."))
//!     .with_message(Message::new(MessageKind::AutoReply, at + TimeDelta::minutes(1), "Merci !"));
//! let tags = Assessment::new().with_categories(0, [RiskCategory::Lost]);
//! let report = Policy::default().evaluate(&ticket, &tags, at + TimeDelta::hours(3))?;
//! assert_eq!(report.tier, RiskTier::OdrHigh);
//! assert_eq!(report.status, SlaStatus::Breached); // due at 11:00, the auto-reply did not count
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Crate features
//!
//! - `toml` (default): load policies and lexicons from TOML text.
//! - `json` (default): load policies and lexicons from JSON text.
//! - `amazon-reports` (default): read Amazon's own reports into the ODR tracker
//!   (`amazon::AmazonOrders`, `amazon::FeedbackReport`,
//!   `amazon::PerformanceReport` and its reconciliation), gzip and charsets
//!   included (`flate2`, `encoding_rs`).
//! - `mail`: read buyer-message e-mail (Amazon's relay, its claim, chargeback and
//!   return notices; MIME and legacy charsets) into tickets: `mail::MailReader`,
//!   `mail::MailThreads`, `mail::split_mbox`.
//! - `unstable-bench-hooks`: hooks the benchmarks use; not covered by semantic
//!   versioning.
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
pub use crate::lexicon::{Lexicon, LexiconError, SyntaxError};
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
