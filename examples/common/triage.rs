//! The core of the `triage` example, shared with `sla_board` (the queue order)
//! and with `benches/triage_memory.rs` (through `#[path]`): each ticket is
//! evaluated as it is read and only what the output needs is kept, its output
//! line and its place in the queue, never the ticket or its evaluation.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use odr_guard::text::Field;
use odr_guard::{Engine, Evaluation, RiskTier, SlaReport, Ticket};
use serde::{Deserialize, Serialize};

/// One output line, keys in the contract's order.
#[derive(Serialize)]
struct OutputLine<'a> {
    id: &'a str,
    tier: &'static str,
    categories: Vec<&'static str>,
    matches: Vec<OutputMatch<'a>>,
    due_at: Option<String>,
    compliance_due_at: Option<String>,
    status: &'static str,
    remaining_seconds: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim_window_opens_at: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claim_window_open: Option<bool>,
}

/// One match: `start..end` are byte offsets into the original field of message
/// `message` (0: the line's own subject/body; n: `events[n - 1]`).
#[derive(Serialize)]
struct OutputMatch<'a> {
    message: usize,
    field: &'static str,
    start: usize,
    end: usize,
    category: &'static str,
    term: &'a str,
    negated: bool,
    /// Set for each part of a co-occurrence rule's hit (`term` is the rule).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    rule: bool,
}

/// The `triage` output line of an evaluated ticket (without the newline).
///
/// # Errors
/// Serialisation failed (it cannot with these types).
pub fn output_line(ticket: &Ticket, ev: &Evaluation) -> serde_json::Result<String> {
    let r = &ev.report;
    let line = OutputLine {
        id: &ticket.id,
        tier: r.tier.as_str(),
        categories: ev
            .assessment
            .categories()
            .iter()
            .map(|c| c.as_str())
            .collect(),
        matches: ev
            .assessment
            .matches()
            .iter()
            .map(|m| OutputMatch {
                message: m.message,
                field: match m.field {
                    Field::Subject => "subject",
                    _ => "body",
                },
                start: m.start,
                end: m.end,
                category: m.category.as_str(),
                term: &m.term,
                negated: m.negated,
                rule: m.rule,
            })
            .collect(),
        due_at: r.due_at.map(super::rfc3339),
        compliance_due_at: r.compliance_due_at.map(super::rfc3339),
        status: r.status.as_str(),
        remaining_seconds: r.remaining.map(|d| d.num_seconds()),
        // Order-aware fields appear only for tickets that carry order facts.
        claim_window_opens_at: ticket
            .order
            .as_ref()
            .map(|_| r.claim_window.map(|w| super::rfc3339(w.opens_at))),
        claim_window_open: ticket.order.as_ref().map(|_| r.claim_window_open),
    };
    serde_json::to_string(&line)
}

/// A ticket's place in the queue, the id aside: the key of
/// [`odr_guard::TriageQueue`]'s default order (`QueueOrder::RiskFirst`) in 24
/// bytes. Waiting tickets first, then the most severe tier, the earliest due time,
/// the first received; ties go to the smaller id ([`Batch`] compares them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rank {
    answered: bool,
    tier: u8,
    due_ms: i64,
    received_ms: i64,
}

impl Rank {
    /// The rank `TriageQueue::upsert` would give this report.
    pub fn of(r: &SlaReport) -> Rank {
        let millis = |t: Option<DateTime<Utc>>| t.map_or(i64::MAX, |t| t.timestamp_millis());
        let tier = RiskTier::ALL
            .iter()
            .position(|&t| t == r.tier)
            .unwrap_or(RiskTier::ALL.len());
        Rank {
            answered: !r.status.is_waiting(),
            tier: u8::try_from(tier).unwrap_or(u8::MAX),
            due_ms: millis(r.due_at),
            received_ms: millis(r.first_received_at),
        }
    }
}

/// A queue built once and read once, in [`odr_guard::TriageQueue`]'s order: a
/// plain vector sorted at the end. `TriageQueue` updates a ticket in O(log n)
/// through a B-tree and an id index, which cost more than a whole output line per
/// ticket; a batch that is printed once needs neither. Ids must be unique (the
/// shared reader rejects a repeated one).
pub struct Batch<T> {
    items: Vec<(Rank, T)>,
}

impl<T> Default for Batch<T> {
    fn default() -> Self {
        Batch { items: Vec::new() }
    }
}

impl<T> Batch<T> {
    pub fn push(&mut self, rank: Rank, item: T) {
        self.items.push((rank, item));
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items in queue order; `id` gives an item's ticket id (for ties). Sorts
    /// in place: no second copy.
    pub fn into_sorted(mut self, id: impl Fn(&T) -> Cow<'_, str>) -> Vec<(Rank, T)> {
        self.items
            .sort_unstable_by(|(ra, a), (rb, b)| ra.cmp(rb).then_with(|| id(a).cmp(&id(b))));
        self.items
    }
}

/// The ticket id of a `triage` output line (it is the first key).
pub fn line_id(line: &str) -> Cow<'_, str> {
    if let Some(rest) = line.strip_prefix(r#"{"id":""#) {
        // Without an escape, the JSON string is the id itself.
        if let Some(end) = rest.find(['"', '\\']) {
            if rest.as_bytes()[end] == b'"' {
                return Cow::Borrowed(&rest[..end]);
            }
        }
    }
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    Cow::Owned(serde_json::from_str::<Id>(line).map_or_else(|_| String::new(), |l| l.id))
}

/// `triage`'s work on each ticket: evaluated as it is read, kept as its output
/// line and rank (about the size of the line; the ticket and its evaluation are
/// dropped at once).
pub struct Triage<'e> {
    engine: &'e Engine,
    now: DateTime<Utc>,
    queue: Batch<Box<str>>,
    /// Why each ticket that could not be evaluated was left out, in input order.
    errors: Vec<String>,
}

impl<'e> Triage<'e> {
    pub fn new(engine: &'e Engine, now: DateTime<Utc>) -> Self {
        Triage {
            engine,
            now,
            queue: Batch::default(),
            errors: Vec::new(),
        }
    }

    /// Evaluates one ticket from input line `line` (0: from e-mail) and queues its
    /// output line; an error is kept as `line N: ...` for [`Triage::report_errors`].
    pub fn add(&mut self, line: usize, ticket: &Ticket) {
        let ev = match self.engine.evaluate(ticket, self.now) {
            Ok(ev) => ev,
            Err(e) => return self.reject(line, &e),
        };
        match output_line(ticket, &ev) {
            Ok(json) => self.queue.push(Rank::of(&ev.report), json.into_boxed_str()),
            Err(e) => self.reject(line, &e),
        }
    }

    fn reject(&mut self, line: usize, e: &dyn std::fmt::Display) {
        self.errors.push(format!("line {line}: {e}"));
    }

    /// Prints the evaluation errors so far on stderr and returns how many there
    /// were. Called once all input is read, they come after the reader's own
    /// messages, as when every ticket was read before any was evaluated.
    pub fn report_errors(&mut self) -> usize {
        let n = self.errors.len();
        for e in self.errors.drain(..) {
            eprintln!("{e}");
        }
        n
    }

    /// How many tickets are queued.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// The output lines in queue order.
    pub fn into_lines(self) -> impl Iterator<Item = Box<str>> {
        self.queue
            .into_sorted(|line| line_id(line))
            .into_iter()
            .map(|(_, line)| line)
    }
}
