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
//!
//! With feature `mail`, `--mail PATH` (repeatable: an `.eml` file, a directory of
//! them, Maildir `cur/`/`new/` included, or an mbox file) adds tickets threaded from
//! e-mail, besides JSON lines on stdin (read unless stdin is a terminal);
//! `--seller-address ADDR` (repeatable) marks the seller's own mail as agent replies.
//! Unreadable messages are reported on stderr with their file (and position in an
//! mbox); the exit code is then 1.

mod common;

use std::io::Write;
use std::process::ExitCode;

use odr_guard::Engine;

const USAGE: &str = "usage: triage [--policy FILE] [--now RFC3339] < tickets.jsonl
       triage [--policy FILE] [--now RFC3339] --mail PATH... [--seller-address ADDR]...";

fn main() -> ExitCode {
    let opts = match common::options_or_exit(USAGE) {
        Ok(o) => o,
        Err(code) => return code,
    };
    // `--mail PATH` (feature `mail`): e-mail threaded into tickets, besides stdin.
    #[cfg(feature = "mail")]
    let mut opts = opts;
    #[cfg(feature = "mail")]
    let mail = match common::mail::MailArgs::take(&mut opts.flags) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(flag) = opts.flags.first() {
        eprintln!("unknown argument `{flag}`\n{USAGE}");
        return ExitCode::from(2);
    }
    let engine = Engine::new(opts.policy);
    #[cfg(feature = "mail")]
    let reads_stdin = mail.reads_stdin();
    #[cfg(not(feature = "mail"))]
    let reads_stdin = true;
    // Each JSON line is evaluated as it is read; only its output line is kept.
    let mut triage = common::triage::Triage::new(&engine, opts.now);
    let mut reader = common::TicketReader::new(std::io::stdin().lock());
    let mut bad = 0;
    if reads_stdin {
        match common::stream_tickets("triage", &mut reader, |n, t| triage.add(n, &t)) {
            Ok(b) => bad += b,
            Err(code) => return code,
        }
    }
    // Bad messages (files, threads) of `--mail`, counted apart from lines.
    #[cfg(feature = "mail")]
    let bad_mail = {
        let mut tickets = Vec::new();
        let bad_mail = mail.chain_into(|id| reader.line_of(id), &mut tickets);
        for (line, ticket) in tickets {
            triage.add(line, &ticket);
        }
        bad_mail
    };
    #[cfg(not(feature = "mail"))]
    let bad_mail = 0;
    bad += triage.report_errors();

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for line in triage.into_lines() {
        if let Err(e) = writeln!(out, "{line}") {
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
    if let Some(summary) = common::bad_summary(bad, bad_mail) {
        eprintln!("{summary}");
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
