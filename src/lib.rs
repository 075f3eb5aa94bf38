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
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)
)]

mod assessment;
mod odr;
mod risk;
mod rules;
mod ticket;

pub use crate::assessment::{Assessment, Field, Match};
pub use crate::odr::{
    ChargebackKind, ClaimStatus, CountingRules, DailyTally, Defect, DefectDetail, DefectId,
    DefectKind, Forecast, Fulfillment, Ingest, Interval, KindCounts, OdrError, OdrPoint, OdrReport,
    OdrSettings, OdrSettingsBuilder, OdrStatus, OdrTallies, OdrTracker, OdrWindow, Order, OrderId,
    PerFulfillment, Stars, WindowExit, WindowRange,
};
pub use crate::risk::{CategorySet, RiskCategory, RiskTier, UnknownNameError};
pub use crate::rules::{Facts, Rule, RuleSet};
pub use crate::ticket::{Author, Channel, Marketplace, Message, MessageKind, Ticket};
