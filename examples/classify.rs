//! Classifies tickets given as JSON lines.
//!
//! Input (stdin): one ticket per line, `{"id", "channel", "received_at", "subject"?,
//! "body", "marketplace"?}`; `channel` is `amazon`, `shopify`, `tiktok_shop`,
//! `instagram`, `ebay` or `walmart`, `received_at` is RFC 3339; other fields are
//! ignored. Blank lines are skipped.
//!
//! Output (stdout): one line per ticket, in input order:
//! `{"id", "tier", "categories": [...], "matches": [{"field", "start", "end",
//! "category", "term"}]}`, where `start..end` are byte offsets into the original
//! field and `term` is the lexicon term. A co-occurrence rule's hit is listed once
//! per part, each with the rule's name as `term` and `"rule": true`. Only the
//! matches that count are listed
//! (negated hits are left out, as they are from `categories`).
//!
//! A bad line (invalid JSON, unknown channel or marketplace, bad time) is reported
//! on stderr with its line number; the other lines are still processed, and the
//! exit code is 1.
//!
//! ```sh
//! cargo run --example classify < examples/data/tickets.jsonl
//! ```

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use odr_guard::{Assessment, Channel, Classifier, Field, Marketplace, Message, Ticket};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Input {
    id: String,
    channel: String,
    received_at: String,
    #[serde(default)]
    subject: Option<String>,
    body: String,
    #[serde(default)]
    marketplace: Option<String>,
}

fn parse_ticket(line: &str) -> Result<Ticket, String> {
    let input: Input = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let mut channel: Channel = input.channel.parse().map_err(|e| format!("{e}"))?;
    if let (Channel::Amazon { .. }, Some(m)) = (&channel, &input.marketplace) {
        let m: Marketplace = m.parse().map_err(|e| format!("{e}"))?;
        channel = Channel::amazon(m);
    }
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(&input.received_at)
        .map_err(|e| format!("bad received_at `{}`: {e}", input.received_at))?
        .with_timezone(&Utc);
    let mut message = Message::buyer(at, input.body);
    if let Some(subject) = input.subject {
        message = message.with_subject(subject);
    }
    Ok(Ticket::new(input.id, channel).with_message(message))
}

fn output(ticket: &Ticket, a: &Assessment) -> serde_json::Value {
    let matches: Vec<_> = a
        .matches
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
            if m.rule {
                out["rule"] = json!(true);
            }
            out
        })
        .collect();
    json!({
        "id": ticket.id,
        "tier": a.tier,
        "categories": a.categories,
        "matches": matches,
    })
}

fn main() -> ExitCode {
    let classifier = Classifier::new();
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut bad = 0;
    for (i, line) in stdin.lock().lines().enumerate() {
        let line_no = i + 1;
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("line {line_no}: cannot read: {e}");
                bad += 1;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        match parse_ticket(&line) {
            Ok(ticket) => {
                let a = classifier.classify(&ticket);
                if writeln!(out, "{}", output(&ticket, &a)).is_err() {
                    return ExitCode::FAILURE;
                }
            }
            Err(reason) => {
                eprintln!("line {line_no}: {reason}");
                bad += 1;
            }
        }
    }
    if out.flush().is_err() || bad > 0 {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
