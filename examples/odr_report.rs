//! Where the Order Defect Rate stands this morning, per fulfilment channel.
//!
//! ```text
//! cargo run --release --example odr_report -- \
//!     --orders examples/data/orders.csv --defects examples/data/defects.csv \
//!     [--as-of YYYY-MM-DD] [--lag-days N] [--json] [--svg FILE]
//!
//! cargo run --release --example odr_report -- \
//!     --orders examples/data/amazon/all_orders_us_2026-09.txt \
//!     --orders examples/data/amazon/all_orders_us_2026-10.txt.gz \
//!     --feedback examples/data/amazon/feedback_us.txt --marketplace US \
//!     --defects examples/data/amazon/claims_us.csv \
//!     --performance-report examples/data/amazon/performance_report_us.json \
//!     --as-of 2026-11-18 --lag-days 14
//! ```
//!
//! - ORDERS.csv: `order_id,order_date,fulfillment[,marketplace,cancelled]`
//! - DEFECTS.csv: `defect_id,order_id,kind,date[,stars,claim_status,chargeback_kind,removed]`
//! - `--orders` may repeat, and may also be Amazon's All Orders flat file (told
//!   apart by its header; `.gz` accepted; overlapping downloads count an order
//!   once); `--feedback` (repeatable) reads Amazon's seller feedback report, in
//!   the date format of `--marketplace CODE` when the file does not tell;
//!   `--encoding LABEL` overrides the charset (e.g. `Cp1252`, `Windows-31J`);
//!   `--defects` is optional; `--performance-report` reconciles the tracker with
//!   Amazon's own figure (`"reconciliation"` in `--json`).
//! - `--count-cancelled-order-claims` counts A-to-z claims on orders cancelled by
//!   the seller or Amazon (claim status `cancelled_order`) as defects: left out by
//!   default, counted by Amazon staff on the Seller Central forums (see
//!   `CountingRules`).
//!
//! Without `--as-of`, the latest order date in the file. A defect id seen twice is
//! an update (the later row wins: e.g. a claim reversed on appeal). Bad rows are
//! reported with file, line and reason on stderr, the rest is used, and the exit
//! code is 1 if any row was bad (2 if a file could not be read at all). An
//! order_id repeated with another fulfilment channel is such a bad row (the first
//! row is kept). A closed output (`| head`) is a normal end; `--help` prints the
//! usage on stdout.

#[path = "common/odr_csv.rs"]
mod odr_csv;

#[path = "common/amazon_input.rs"]
mod amazon_input;

use std::error::Error;
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::process::ExitCode;

use chrono::{Days, NaiveDate};
use odr_guard::amazon::{Charset, ReportOptions};
use odr_guard::odr::{
    ClaimStatus, CountingRules, DefectKind, Fulfillment, OdrReport, OdrSettings, OdrStatus,
    OdrWindow,
};
use odr_guard::{Marketplace, OdrTracker};
use serde_json::json;

const USAGE: &str = "usage: odr_report --orders FILE [--orders FILE]... [--defects FILE] \
[--feedback FILE]... [--marketplace CODE] [--encoding LABEL] [--performance-report FILE] \
[--as-of YYYY-MM-DD] [--lag-days N] [--count-cancelled-order-claims] [--json] [--svg FILE]
  --orders: our orders CSV or Amazon's All Orders report (.gz accepted), repeatable";

struct Args {
    orders: Vec<String>,
    defects: Option<String>,
    feedback: Vec<String>,
    options: ReportOptions,
    performance: Option<String>,
    as_of: Option<NaiveDate>,
    lag_days: u32,
    cancelled_order_claims: bool,
    json: bool,
    svg: Option<String>,
}

/// The arguments, or `None` for `--help`.
fn parse_args() -> Result<Option<Args>, String> {
    let (mut orders, mut defects, mut as_of, mut lag_days, mut json, mut svg) =
        (Vec::new(), None, None, 0, false, None);
    let (mut feedback, mut options, mut performance) = (Vec::new(), ReportOptions::new(), None);
    let mut cancelled_order_claims = false;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--orders" => orders.push(value()?),
            "--feedback" => feedback.push(value()?),
            "--performance-report" => performance = Some(value()?),
            "--marketplace" => {
                let v = value()?;
                let m: Marketplace = v
                    .parse()
                    .map_err(|_| format!("unknown --marketplace `{v}`"))?;
                options = options.marketplace(m);
            }
            "--encoding" => {
                let v = value()?;
                let c = Charset::for_label(&v).ok_or(format!("unknown --encoding `{v}`"))?;
                options = options.charset(c);
            }
            "--defects" => defects = Some(value()?),
            "--as-of" => {
                let v = value()?;
                as_of = Some(
                    odr_csv::parse_date(&v)
                        .ok_or(format!("bad --as-of `{v}` (want YYYY-MM-DD)"))?,
                );
            }
            "--lag-days" => {
                let v = value()?;
                lag_days = v.parse().map_err(|_| format!("bad --lag-days `{v}`"))?;
            }
            "--json" => json = true,
            "--count-cancelled-order-claims" => cancelled_order_claims = true,
            "--svg" => svg = Some(value()?),
            "-h" | "--help" => return Ok(None),
            _ => return Err(format!("unknown argument `{flag}`\n{USAGE}")),
        }
    }
    if orders.is_empty() {
        return Err(format!("--orders is required\n{USAGE}"));
    }
    Ok(Some(Args {
        orders,
        defects,
        feedback,
        options,
        performance,
        as_of,
        lag_days,
        cancelled_order_claims,
        json,
        svg,
    }))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => return help(),
        Err(e) => {
            eprintln!("odr_report: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(bad_rows) if bad_rows => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("odr_report: {e}");
            ExitCode::from(2)
        }
    }
}

/// `--help`: the usage on stdout, exit code 0.
fn help() -> ExitCode {
    let mut out = io::stdout().lock();
    match writeln!(out, "{USAGE}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => ExitCode::from(2),
        _ => ExitCode::SUCCESS,
    }
}

/// Writes to stdout; a broken pipe (the reader went away, as with `| head`) is a
/// normal end, any other write error is an error.
fn emit(
    write: impl FnOnce(&mut io::StdoutLock<'static>) -> io::Result<()>,
) -> Result<(), Box<dyn Error>> {
    let mut out = io::stdout().lock();
    match write(&mut out).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write output: {e}").into())
        }
        _ => Ok(()),
    }
}

/// Returns whether any row was bad.
fn run(args: &Args) -> Result<bool, Box<dyn Error>> {
    let rules = CountingRules::default()
        .with_claim_status(ClaimStatus::CancelledOrder, args.cancelled_order_claims);
    let settings = OdrSettings::builder()
        .lag_days(args.lag_days)
        .rules(rules)
        .build()?;
    let mut tracker = OdrTracker::new(settings);

    let open = |path: &str| {
        File::open(path)
            .map(BufReader::new)
            .map_err(|e| format!("{path}: {e}"))
    };
    let mut bad = amazon_input::load_orders(&args.orders, &args.options, &mut tracker)?;
    amazon_input::load_feedback(&args.feedback, &args.options, &mut tracker)?;
    if let Some(defects) = &args.defects {
        bad.extend(odr_csv::read_defects(defects, open(defects)?, |d| {
            tracker.insert_defect(d);
        })?);
    }
    for e in &bad {
        eprintln!("{e}");
    }
    if !bad.is_empty() {
        eprintln!("odr_report: {} bad row(s) skipped", bad.len());
    }

    let as_of = match args.as_of {
        Some(d) => d,
        None => tracker
            .latest_order_date()
            .ok_or_else(|| format!("{}: no orders, and no --as-of", args.orders.join(", ")))?,
    };
    let report = tracker.report(as_of)?;
    let reconciliation = match &args.performance {
        Some(path) => Some(amazon_input::reconcile(path, &args.options, &tracker)?),
        None => None,
    };

    if args.json {
        let mut value = to_json(&report);
        if let (Some(r), Some(map)) = (&reconciliation, value.as_object_mut()) {
            map.insert("reconciliation".to_owned(), serde_json::to_value(r)?);
        }
        let json = serde_json::to_string_pretty(&value)?;
        emit(|out| writeln!(out, "{json}"))?;
    } else {
        emit(|out| {
            print_text(out, &tracker, &report)?;
            match &reconciliation {
                Some(r) => amazon_input::print_reconciliation(out, r),
                None => Ok(()),
            }
        })?;
    }
    if let Some(path) = &args.svg {
        draw_svg(&tracker, as_of, path).map_err(|e| format!("--svg {path}: {e}"))?;
        if !args.json {
            emit(|out| writeln!(out, "\nchart written to {path}"))?;
        }
    }
    let orphans = tracker.orphan_defects().count();
    if args.json && orphans > 0 {
        eprintln!(
            "odr_report: {orphans} defect(s) on orders not in {}",
            args.orders.join(", ")
        );
    }
    Ok(!bad.is_empty())
}

fn to_json(r: &OdrReport) -> serde_json::Value {
    let channel = |w: &OdrWindow| {
        json!({
            "orders": w.orders,
            "defective_orders": w.defective_orders,
            "rate": w.rate,
            "status": w.status.as_str(),
            "headroom": w.headroom,
            "by_kind": {
                "negative_feedback": w.by_kind.negative_feedback,
                "a_to_z_claim": w.by_kind.a_to_z_claim,
                "chargeback": w.by_kind.chargeback,
            },
        })
    };
    json!({
        "as_of": r.as_of.to_string(),
        "window": { "start": r.window.start.to_string(), "end": r.window.end.to_string() },
        "channels": {
            "merchant": channel(r.channel(Fulfillment::Merchant)),
            "amazon": channel(r.channel(Fulfillment::Amazon)),
        },
    })
}

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

fn print_text(out: &mut impl Write, tracker: &OdrTracker, r: &OdrReport) -> io::Result<()> {
    let s = tracker.settings();
    writeln!(
        out,
        "Order Defect Rate as of {} (order dates {} to {}: {} days, lag {} days)",
        r.as_of,
        r.window.start,
        r.window.end,
        s.window_days(),
        s.lag_days()
    )?;
    writeln!(
        out,
        "Amazon's target: below {}; early warning from {}.",
        pct(s.target()),
        pct(s.warning())
    )?;
    for (name, f) in [
        ("Seller-fulfilled (MFN)", Fulfillment::Merchant),
        ("Fulfilled by Amazon (FBA)", Fulfillment::Amazon),
    ] {
        let w = r.channel(f);
        writeln!(out, "\n{name}")?;
        writeln!(out, "  {:<18}{:>10}", "orders", w.orders)?;
        writeln!(
            out,
            "  {:<18}{:>10}",
            "defective orders", w.defective_orders
        )?;
        let ci = w
            .wilson_interval(1.96)
            .map(|c| format!("   (95% range {} to {})", pct(c.low), pct(c.high)))
            .unwrap_or_default();
        writeln!(out, "  {:<18}{:>10}{ci}", "ODR", pct(w.rate))?;
        let status = match w.status {
            OdrStatus::Healthy => "healthy",
            OdrStatus::Warning => "WARNING",
            OdrStatus::OverTarget => "OVER TARGET",
        };
        writeln!(out, "  {:<18}{:>10}", "status", status)?;
        writeln!(
            out,
            "  {:<18}{:>10}   more defective orders would keep it under target",
            "headroom", w.headroom
        )?;
        for kind in DefectKind::ALL.iter().copied() {
            let label = match kind {
                DefectKind::NegativeFeedback => "negative feedback",
                DefectKind::AToZClaim => "A-to-z claims",
                DefectKind::Chargeback => "chargebacks",
            };
            writeln!(
                out,
                "  {:<18}{:>10}   ({})",
                label,
                w.by_kind.get(kind),
                pct(w.kind_rate(kind))
            )?;
        }
        let exits: Vec<String> = w
            .forecast
            .exits
            .iter()
            .take(3)
            .map(|e| format!("{} ({})", e.leaves_on, e.defective_orders))
            .collect();
        if !exits.is_empty() {
            writeln!(out, "  {:<18}{}", "next to leave", exits.join(", "))?;
        }
        if let Some(day) = w.forecast.back_under_target {
            writeln!(
                out,
                "  {:<18}{day} if nothing new happens",
                "back under target"
            )?;
        }
    }
    let all = r.combined();
    let rate = if all.orders == 0 {
        0.0
    } else {
        all.defective_orders as f64 / all.orders as f64
    };
    writeln!(
        out,
        "\nBoth channels together (not an Amazon metric): {} defective of {} orders ({})",
        all.defective_orders,
        all.orders,
        pct(rate)
    )?;
    let orphans: Vec<String> = tracker.orphan_defects().map(|d| d.id.to_string()).collect();
    if !orphans.is_empty() {
        let mut shown = orphans.clone();
        shown.sort();
        shown.truncate(5);
        writeln!(
            out,
            "Defects on orders not in the orders file (not counted): {} ({}{})",
            orphans.len(),
            shown.join(", "),
            if orphans.len() > 5 { ", ..." } else { "" }
        )?;
    }
    Ok(())
}

/// The rolling ODR per channel over the last 180 days, with the target and the
/// warning line, drawn with plotters' SVG backend.
fn draw_svg(tracker: &OdrTracker, as_of: NaiveDate, path: &str) -> Result<(), Box<dyn Error>> {
    use plotters::prelude::*;

    const DAYS: u64 = 180;
    let first = as_of
        .checked_sub_days(Days::new(DAYS - 1))
        .ok_or("as_of too early")?;
    let mut lines = Vec::new();
    for f in Fulfillment::ALL.iter().copied() {
        let series = tracker.series(f, first, as_of)?;
        let points: Vec<(i32, f64)> = series
            .iter()
            .enumerate()
            .map(|(i, p)| (i as i32, p.rate * 100.0))
            .collect();
        lines.push((f, points));
    }
    let s = tracker.settings();
    let (target, warning) = (s.target() * 100.0, s.warning() * 100.0);
    let peak = lines
        .iter()
        .flat_map(|(_, p)| p.iter().map(|(_, y)| *y))
        .fold(target, f64::max);
    let y_max = (peak * 1.2).max(target * 1.5);

    let root = SVGBackend::new(path, (960, 480)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "Rolling {}-day ODR per channel, {} to {}",
                s.window_days(),
                first,
                as_of
            ),
            ("sans-serif", 20),
        )
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0i32..(DAYS as i32 - 1), 0f64..y_max)?;
    let label_date = |x: &i32| {
        first
            .checked_add_days(Days::new(u64::try_from(*x).unwrap_or(0)))
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    chart
        .configure_mesh()
        .x_labels(7)
        .x_label_formatter(&label_date)
        .y_label_formatter(&|y| format!("{y:.2}%"))
        .y_desc("ODR (defective orders / orders)")
        .x_desc("as-of date")
        .draw()?;

    let last = DAYS as i32 - 1;
    chart
        .draw_series(LineSeries::new(
            [(0, target), (last, target)],
            RED.stroke_width(2),
        ))?
        .label(format!("target: below {target:.2}%"))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
    let amber = RGBColor(230, 150, 0);
    chart
        .draw_series(LineSeries::new(
            [(0, warning), (last, warning)],
            amber.stroke_width(1),
        ))?
        .label(format!("warning: {warning:.2}%"))
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], amber.stroke_width(1)));
    for (f, points) in lines {
        let (label, color) = match f {
            Fulfillment::Merchant => ("seller-fulfilled (MFN)", RGBColor(31, 119, 180)),
            Fulfillment::Amazon => ("Fulfilled by Amazon (FBA)", RGBColor(44, 160, 44)),
        };
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], color.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
