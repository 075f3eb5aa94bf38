//! Classifies tickets given as JSON lines.
//!
//! Input (stdin): the lines `triage` reads (see README.md), through the same
//! shared reader: `{"id", "channel", "received_at", "subject"?, "body"?,
//! "marketplace"?, "events"?, "order"?, ...}`; other fields are ignored. Blank
//! lines are skipped, as is a UTF-8 byte order mark before the first line.
//!
//! Output (stdout): one line per ticket, in input order:
//! `{"id", "tier", "categories": [...], "matches": [{"field", "start", "end",
//! "category", "term"}]}`, where `start..end` are byte offsets into the original
//! field and `term` is the lexicon term. A match in an event's body also has
//! `"message": n` (`events[n - 1]`); matches in the line's own subject and body
//! have no `message`. A co-occurrence rule's hit is listed once per part, each
//! with the rule's name as `term` and `"rule": true`. Only the matches that count
//! are listed (negated hits are left out, as they are from `categories`). The
//! tier is what the built-in policy's rules give the whole history's words and
//! events (such as `claim_filed`), with no order facts and no time
//! (`RuleSet::tier_of`); `triage` gives the tier over time.
//!
//! A bad line (invalid JSON, unknown channel, marketplace or event kind, bad time,
//! an event before the ticket, a repeated id) is reported on stderr with its line
//! number; the other lines are still processed, and the exit code is 1. An input
//! that cannot be read ends the run (exit code 1); a closed output (`| head`) is
//! a normal end.
//!
//! ```sh
//! cargo run --example classify < examples/data/tickets.jsonl
//! ```

mod common;

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use odr_guard::sla::RuleSet;
use odr_guard::text::Field;
use odr_guard::{Assessment, Classifier, Ticket};
use serde_json::json;

use common::{Line, TicketReader};

const USAGE: &str = "usage: classify < tickets.jsonl";

fn output(ticket: &Ticket, a: &Assessment, rules: &RuleSet) -> serde_json::Value {
    let matches: Vec<_> = a
        .matches()
        .iter()
        .filter(|m| !m.negated)
        .map(|m| {
            let mut out = json!({
                "field": match m.field {
                    Field::Subject => "subject",
                    Field::Body => "body",
                },
                "start": m.start,
                "end": m.end,
                "category": m.category,
                "term": &*m.term,
            });
            if m.message > 0 {
                out["message"] = json!(m.message);
            }
            if m.rule {
                out["rule"] = json!(true);
            }
            out
        })
        .collect();
    json!({
        "id": ticket.id,
        "tier": rules.tier_of(ticket, a).tier,
        "categories": a.categories(),
        "matches": matches,
    })
}

fn main() -> ExitCode {
    if let Some(arg) = std::env::args().nth(1) {
        if arg == "-h" || arg == "--help" {
            return common::help(USAGE);
        }
        eprintln!("unknown argument `{arg}`\n{USAGE}");
        return ExitCode::from(2);
    }
    let classifier = Classifier::new();
    let rules = RuleSet::default();
    let mut reader = TicketReader::new(io::stdin().lock());
    let mut out = BufWriter::new(io::stdout().lock());
    let mut bad = 0;
    loop {
        match reader.next_line() {
            Ok(Some(Line::Ticket(_, ticket))) => {
                let a = classifier.classify(&ticket);
                if let Err(e) = writeln!(out, "{}", output(&ticket, &a, &rules)) {
                    match common::write_failed("classify", &e) {
                        Ok(()) => break,
                        Err(code) => return code,
                    }
                }
            }
            Ok(Some(Line::Bad(n, reason))) => {
                eprintln!("line {n}: {reason}");
                bad += 1;
            }
            Ok(None) => break,
            Err(e) => {
                let _ = out.flush();
                return common::read_failed("classify", &e);
            }
        }
    }
    if let Err(e) = out.flush() {
        if let Err(code) = common::write_failed("classify", &e) {
            return code;
        }
    }
    if bad > 0 {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
