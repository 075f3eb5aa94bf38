//! What an evaluation says: the [`SlaReport`] of a ticket at `now`, its
//! obligations and their outcomes, and why an evaluation can fail.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarComputeError, Skipped};
use crate::claim::{ClaimWindow, NoWindow};
use crate::risk::RiskTier;
/// Why a ticket's SLA could not be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SlaError {
    /// The history is not in time order.
    #[error("ticket `{ticket}`: message {index} at {at} is earlier than the one before it")]
    OutOfOrder {
        /// The ticket id.
        ticket: String,
        /// The index of the offending message.
        index: usize,
        /// Its time.
        at: DateTime<Utc>,
    },
    /// A deadline fell outside the representable time range, or outside the years
    /// 0000 to 9999 that RFC 3339 can write.
    #[error("ticket `{ticket}`: a deadline falls outside the representable time range (years 0000 to 9999)")]
    OutOfRange {
        /// The ticket id.
        ticket: String,
    },
    /// A calendar could not compute a deadline.
    #[error("ticket `{ticket}`: {source}")]
    Calendar {
        /// The ticket id.
        ticket: String,
        /// The calendar's error.
        #[source]
        source: CalendarComputeError,
    },
}

/// Where a ticket stands against its SLA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    /// Waiting, with more than the at-risk share of the target left.
    OnTrack,
    /// Waiting, with the at-risk share of the target or less left.
    AtRisk,
    /// Waiting, past the due time.
    Breached,
    /// Nothing waits, and every obligation was met (or waived).
    Met,
    /// Nothing waits, and at least one obligation was closed late.
    Missed,
}

impl SlaStatus {
    /// Whether a reply is still owed.
    pub const fn is_waiting(self) -> bool {
        matches!(
            self,
            SlaStatus::OnTrack | SlaStatus::AtRisk | SlaStatus::Breached
        )
    }
}

names!(SlaStatus, "SLA status", {
    OnTrack => "on_track",
    AtRisk => "at_risk",
    Breached => "breached",
    Met => "met",
    Missed => "missed",
});

/// A colour band for UIs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Waiting, less than half of the target used.
    Green,
    /// Waiting, half or more of the target used, not yet at risk.
    Amber,
    /// Waiting and at risk.
    Red,
    /// Waiting past the due time.
    Breached,
    /// Nothing waits.
    Done,
}

names!(Band, "band", {
    Green => "green",
    Amber => "amber",
    Red => "red",
    Breached => "breached",
    Done => "done",
});

/// What kind of promise an obligation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    /// The first reply of the ticket.
    FirstResponse,
    /// A reply after the first one.
    NextResponse,
    /// Resolution of the ticket.
    Resolution,
    /// A marketplace's own wall-clock limit (e.g. Amazon's 24 h).
    Compliance,
}

names!(ObligationKind, "obligation kind", {
    FirstResponse => "first_response",
    NextResponse => "next_response",
    Resolution => "resolution",
    Compliance => "compliance",
});

/// How an obligation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still waiting.
    Open,
    /// Closed on or before its due time.
    Met,
    /// Closed after its due time.
    Missed,
    /// Closed without a reply by "no response needed".
    Waived,
}

names!(Outcome, "outcome", {
    Open => "open",
    Met => "met",
    Missed => "missed",
    Waived => "waived",
});

/// One promise: opened by a buyer message (or a claim/chargeback event), closed by a
/// reply, "no response needed" or resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Obligation {
    /// What kind of promise.
    pub kind: ObligationKind,
    /// The ticket's tier when it opened (its target comes from that tier).
    pub tier: RiskTier,
    /// The index of the history entry that opened it.
    pub message: usize,
    /// When it opened.
    pub opened_at: DateTime<Utc>,
    /// When it is due (moved by pauses).
    pub due_at: DateTime<Utc>,
    /// The target, in business time on its calendar (wall-clock for compliance).
    pub target: TimeDelta,
    /// Business time spent paused (never for compliance).
    pub paused: TimeDelta,
    /// When it closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub outcome: Outcome,
    /// The closing entry was an agent reply (not a waiver or resolution).
    pub replied: bool,
}

/// A ticket's SLA at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SlaReport {
    /// The sticky tier: the highest reached by any message or event so far.
    pub tier: RiskTier,
    /// The rule that gave that tier (`None`: the fallback).
    pub rule: Option<String>,
    /// Where the ticket stands.
    pub status: SlaStatus,
    /// A colour band for UIs.
    pub band: Band,
    /// The earliest due time of the open obligations (compliance ones included).
    pub due_at: Option<DateTime<Utc>>,
    /// The compliance clock's due time for the oldest buyer message it waits on.
    pub compliance_due_at: Option<DateTime<Utc>>,
    /// `due_at − now`, negative when breached.
    pub remaining: Option<TimeDelta>,
    /// Share of the earliest-due obligation's target used (business time, pauses
    /// excluded); above 1 when breached.
    pub elapsed_fraction: Option<f64>,
    /// How late: `now − due_at` while breached; the largest lateness of a missed
    /// obligation once nothing waits.
    pub breach: Option<TimeDelta>,
    /// The internal clocks are paused now (`due_at` assumes they resume now).
    pub paused: bool,
    /// When the first buyer message arrived.
    pub first_received_at: Option<DateTime<Utc>>,
    /// What the earliest open deadline skipped on its calendar (closed hours,
    /// holidays, closures); `None` for 24/7 and compliance clocks.
    pub skipped: Option<Skipped>,
    /// The buyer's A-to-z claim window (Amazon tickets with order facts).
    pub claim_window: Option<ClaimWindow>,
    /// Why there is no claim window, when order facts were given but none applies.
    pub no_claim_window: Option<NoWindow>,
    /// The claim window is open at `now`.
    pub claim_window_open: bool,
    /// Every obligation, open and closed, in the order opened.
    pub obligations: Vec<Obligation>,
}

impl SlaReport {
    /// Whether a reply is still owed.
    pub const fn is_waiting(&self) -> bool {
        self.status.is_waiting()
    }

    /// A one-line human explanation: the rule, the deadline, what it skipped.
    pub fn explanation(&self) -> String {
        let mut out = format!(
            "tier {} by {}",
            self.tier,
            self.rule.as_deref().unwrap_or("the fallback tier")
        );
        match self.due_at {
            Some(due) => {
                out.push_str(&format!("; {} due {}", self.status, due.to_rfc3339()));
            }
            None => out.push_str(&format!("; {}", self.status)),
        }
        if self.paused {
            out.push_str(" (paused)");
        }
        if let Some(s) = &self.skipped {
            let hours = s.closed.num_minutes() as f64 / 60.0;
            out.push_str(&format!("; skipped {hours:.1} h closed"));
            if !s.holidays.is_empty() {
                let days: Vec<String> = s.holidays.iter().map(|d| d.to_string()).collect();
                out.push_str(&format!(", holidays {}", days.join(", ")));
            }
            if s.closures > 0 {
                out.push_str(&format!(", {} closure(s)", s.closures));
            }
        }
        match (self.claim_window, self.no_claim_window) {
            (Some(w), _) if self.claim_window_open => out.push_str(&format!(
                "; A-to-z claim window open since {} ({})",
                w.opens_at.to_rfc3339(),
                w.condition.as_str()
            )),
            (Some(w), _) => out.push_str(&format!(
                "; A-to-z claim window opens {} ({})",
                w.opens_at.to_rfc3339(),
                w.condition.as_str()
            )),
            (None, Some(reason)) => out.push_str(&format!("; no A-to-z claim window: {reason}")),
            (None, None) => {}
        }
        out
    }
}
