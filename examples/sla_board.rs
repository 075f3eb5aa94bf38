//! A terminal board of the triage queue with coloured SLA countdowns.
//!
//! ```text
//! cargo run --example sla_board -- [--policy FILE] [--now RFC3339] [--no-color] < in.jsonl
//! ```
//!
//! Green: less than half the target used; amber: half or more; red: at risk;
//! a red background: breached. Beside the SLA countdown: Amazon's own 24 h clock,
//! the order's state and the countdown to the buyer's A-to-z claim window (`OPEN`
//! once the buyer can file). Colour is off with `--no-color`, when `NO_COLOR` is
//! set, or when standard output is not a terminal.
//!
//! Input is read as by `triage` (the shared reader): bad lines, including a
//! repeated id, are reported on stderr with their line number. Exit code 1 if any
//! line was bad, the input could not be read or the board could not be written (a
//! closed pipe, as with `| head`, is a normal end); 2 for bad arguments.
//!
//! With feature `mail`, `--mail PATH` and `--seller-address ADDR` read tickets from
//! e-mail as in the `triage` example.

mod common;

use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use common::triage::{Batch, Rank};
use odr_guard::claim::NoWindow;
use odr_guard::odr::Fulfillment;
use odr_guard::sla::Band;
use odr_guard::{Engine, Evaluation, SlaReport, Ticket};

const USAGE: &str = "usage: sla_board [--policy FILE] [--now RFC3339] [--no-color] < tickets.jsonl
       sla_board [--policy FILE] [--now RFC3339] [--no-color] --mail PATH... [--seller-address ADDR]...";

/// `1h05m`, `3d02h`, `45s`; overdue values get a `-`.
fn countdown(d: TimeDelta) -> String {
    let sign = if d < TimeDelta::zero() { "-" } else { "" };
    let s = d.num_seconds().unsigned_abs();
    let (days, hours, minutes) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    if days > 0 {
        format!("{sign}{days}d{hours:02}h")
    } else if hours > 0 {
        format!("{sign}{hours}h{minutes:02}m")
    } else if minutes > 0 {
        format!("{sign}{minutes}m")
    } else {
        format!("{sign}{s}s")
    }
}

fn paint(text: &str, band: Band, color: bool) -> String {
    if !color {
        return text.to_owned();
    }
    let code = match band {
        Band::Green => "32",
        Band::Amber => "33",
        Band::Red => "1;31",
        Band::Breached => "1;97;41",
        _ => "2",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

fn band_label(r: &SlaReport) -> &'static str {
    match r.band {
        Band::Green => "green",
        Band::Amber => "amber",
        Band::Red => "red",
        Band::Breached => "BREACHED",
        _ => "done",
    }
}

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
    let mut color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for flag in &opts.flags {
        match flag.as_str() {
            "--no-color" => color = false,
            other => {
                eprintln!("unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let engine = Engine::new(opts.policy);
    #[cfg(feature = "mail")]
    let reads_stdin = mail.reads_stdin();
    #[cfg(not(feature = "mail"))]
    let reads_stdin = true;
    // Each JSON line is evaluated as it is read; only its board row is kept.
    let mut board = Board {
        engine: &engine,
        now: opts.now,
        color,
        rows: Batch::default(),
        errors: Vec::new(),
    };
    let mut reader = common::TicketReader::new(std::io::stdin().lock());
    let mut bad = 0;
    if reads_stdin {
        match common::stream_tickets("sla_board", &mut reader, |n, t| board.add(n, &t)) {
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
            board.add(line, &ticket);
        }
        bad_mail
    };
    #[cfg(not(feature = "mail"))]
    let bad_mail = 0;
    // Evaluation errors after the reader's own messages, as before streaming.
    for e in &board.errors {
        eprintln!("{e}");
    }
    bad += board.errors.len();

    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if let Err(e) = draw(&mut out, board.rows, opts.now).and_then(|()| out.flush()) {
        if let Err(code) = common::write_failed("sla_board", &e) {
            return code;
        }
    }
    if let Some(summary) = common::bad_summary(bad, bad_mail) {
        eprintln!("{summary}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

/// One row of the board, ready to print, and its ticket's id (for the order).
struct Row {
    id: Box<str>,
    text: Box<str>,
}

/// The board's rows, built as tickets are read: neither a ticket nor its
/// evaluation is kept.
struct Board<'e> {
    engine: &'e Engine,
    now: DateTime<Utc>,
    color: bool,
    rows: Batch<Row>,
    /// Why each ticket that could not be evaluated was left out, in input order.
    errors: Vec<String>,
}

impl Board<'_> {
    /// Evaluates one ticket from input line `line` (0: from e-mail) and queues its
    /// row; an error is kept as `line N: ...`, to be reported once all is read.
    fn add(&mut self, line: usize, ticket: &Ticket) {
        match self.engine.evaluate(ticket, self.now) {
            Ok(ev) => {
                let text = paint(&row(ticket, &ev, self.now), ev.report.band, self.color);
                self.rows.push(
                    Rank::of(&ev.report),
                    Row {
                        id: ticket.id.as_str().into(),
                        text: text.into_boxed_str(),
                    },
                );
            }
            Err(e) => self.errors.push(format!("line {line}: {e}")),
        }
    }
}

/// Writes the board; the first write error ends it.
fn draw(out: &mut impl Write, rows: Batch<Row>, now: DateTime<Utc>) -> std::io::Result<()> {
    writeln!(
        out,
        "SLA board at {}  ({} tickets)",
        common::rfc3339(now),
        rows.len()
    )?;
    writeln!(
        out,
        "{:<12} {:<12} {:<13} {:<9} {:>8} {:>10}  {:<14} {:>8}  {:<8} CATEGORIES",
        "ID", "CHANNEL", "TIER", "STATUS", "DUE IN", "AMAZON 24H", "ORDER", "CLAIM IN", "BAND"
    )?;
    for (_, row) in rows.into_sorted(|row| Cow::Borrowed(&row.id)) {
        writeln!(out, "{}", row.text)?;
    }
    Ok(())
}

/// A ticket's row, uncoloured.
fn row(ticket: &Ticket, ev: &Evaluation, now: DateTime<Utc>) -> String {
    let r = &ev.report;
    let due = r.remaining.map_or_else(|| "-".to_owned(), countdown);
    let compliance = r.compliance_due_at.map_or_else(
        || "-".to_owned(),
        |d| countdown(d.signed_duration_since(now)),
    );
    let cats: Vec<&str> = ev
        .assessment
        .categories()
        .iter()
        .map(|c| c.as_str())
        .collect();
    format!(
        "{:<12} {:<12} {:<13} {:<9} {:>8} {:>10}  {:<14} {:>8}  {:<8} {}{}",
        truncate(&ticket.id, 12),
        truncate(&ticket.channel.to_string(), 12),
        r.tier.as_str(),
        r.status.as_str(),
        due,
        compliance,
        order_status(ticket, now),
        claim(r, now),
        band_label(r),
        cats.join(","),
        if r.paused { " (paused)" } else { "" },
    )
}

/// The order's state at `now`, from the facts the ticket carries.
fn order_status(ticket: &Ticket, now: DateTime<Utc>) -> String {
    let Some(o) = &ticket.order else {
        return "-".to_owned();
    };
    let by = |t: Option<DateTime<Utc>>| t.is_some_and(|t| t <= now);
    let state = if by(o.chargeback_at) {
        "chargeback"
    } else if by(o.refunded_at) {
        "refunded"
    } else if by(o.return_requested_at) {
        "return req"
    } else if by(o.delivered_at) {
        "delivered"
    } else if o.max_delivery_date.is_some_and(|d| d < now.date_naive()) {
        "late"
    } else {
        "in transit"
    };
    if o.fulfillment == Some(Fulfillment::Amazon) {
        format!("FBA {state}")
    } else {
        state.to_owned()
    }
}

/// The A-to-z claim countdown: `OPEN`, time until it opens, or why there is none.
fn claim(r: &SlaReport, now: DateTime<Utc>) -> String {
    if r.claim_window_open {
        return "OPEN".to_owned();
    }
    if let Some(w) = r.claim_window {
        return countdown(w.opens_at.signed_duration_since(now));
    }
    match r.no_claim_window {
        Some(NoWindow::FulfilledByAmazon) => "FBA".to_owned(),
        Some(NoWindow::ChargebackFiled) => "no (cb)".to_owned(),
        Some(NoWindow::Refunded) => "no (ref)".to_owned(),
        Some(NoWindow::Expired) => "expired".to_owned(),
        Some(_) => "unknown".to_owned(),
        None => "-".to_owned(),
    }
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut t: String = s.chars().take(width.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
