//! Triage a batch of tickets: classify, evaluate SLAs, and print them in queue order.
//!
//! ```text
//! cargo run --release --example triage -- [--policy FILE] [--now RFC3339] < in.jsonl
//! ```
//!
//! Input: one JSON ticket per line (see README.md). Output: one JSON object per valid
//! ticket, most urgent first: `id`, `tier`, `categories`, `matches`, `due_at`,
//! `compliance_due_at`, `status`, `remaining_seconds`. Bad lines (including a
//! repeated id) are reported on stderr with their line number; the exit code is 1
//! if any line was bad or the input could not be read, 2 for bad arguments. A
//! closed output (`| head`) ends the run normally.

mod common;

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use odr_guard::{Engine, Evaluation, Field, TriageQueue};
use serde::Serialize;

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

const USAGE: &str = "usage: triage [--policy FILE] [--now RFC3339] < tickets.jsonl";

fn main() -> ExitCode {
    let opts = match common::options_or_exit(USAGE) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if let Some(flag) = opts.flags.first() {
        eprintln!("unknown argument `{flag}`\n{USAGE}");
        return ExitCode::from(2);
    }
    let engine = Engine::new(opts.policy);
    let (tickets, mut bad) = match common::read_tickets("triage", std::io::stdin().lock()) {
        Ok(read) => read,
        Err(code) => return code,
    };

    let mut queue = TriageQueue::new();
    let mut results: HashMap<String, (odr_guard::Ticket, Evaluation)> = HashMap::new();
    for (line, ticket) in tickets {
        match engine.evaluate(&ticket, opts.now) {
            Ok(ev) => {
                queue.upsert(ticket.id.as_str(), &ev.report);
                results.insert(ticket.id.clone(), (ticket, ev));
            }
            Err(e) => {
                eprintln!("line {line}: {e}");
                bad += 1;
            }
        }
    }

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for item in queue.iter() {
        let Some((ticket, ev)) = results.get(&*item.id) else {
            continue;
        };
        let r = &ev.report;
        let line = OutputLine {
            id: &item.id,
            tier: r.tier.as_str(),
            categories: ev
                .assessment
                .categories
                .iter()
                .map(|c| c.as_str())
                .collect(),
            matches: ev
                .assessment
                .matches
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
            due_at: r.due_at.map(common::rfc3339),
            compliance_due_at: r.compliance_due_at.map(common::rfc3339),
            status: r.status.as_str(),
            remaining_seconds: r.remaining.map(|d| d.num_seconds()),
            // Order-aware fields appear only for tickets that carry order facts.
            claim_window_opens_at: ticket
                .order
                .as_ref()
                .map(|_| r.claim_window.map(|w| common::rfc3339(w.opens_at))),
            claim_window_open: ticket.order.as_ref().map(|_| r.claim_window_open),
        };
        let written = serde_json::to_string(&line)
            .map_err(std::io::Error::other)
            .and_then(|json| writeln!(out, "{json}"));
        if let Err(e) = written {
            match common::write_failed("triage", &e) {
                Ok(()) => break,
                Err(code) => return code,
            }
        }
    }
    if let Err(e) = out.flush() {
        if let Err(code) = common::write_failed("triage", &e) {
            return code;
        }
    }
    if bad > 0 {
        eprintln!("{bad} bad line(s)");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
