//! `odr_report`'s inputs beyond its own CSV: Amazon's All Orders flat file (told
//! apart from our orders CSV by its header, `.gz` or not), seller feedback reports
//! and the seller performance report, read with odr-guard's `amazon-reports`
//! readers; and the side-by-side reconciliation against Amazon's figure.

use std::error::Error;
use std::io::{self, Write};

use odr_guard::amazon::{
    decode_report, AmazonOrders, ChannelReconciliation, FeedbackReport, PerformanceReport,
    Reconciliation, ReportOptions,
};
use odr_guard::odr::{Fulfillment, Order};
use odr_guard::OdrTracker;

use crate::odr_csv::{self, RowError};

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

/// Reads every `--orders` file into the tracker: our CSV rows go straight in
/// (bad rows are returned), All Orders files are merged first (the latest
/// version of an order across overlapping downloads wins) and go in at the end.
///
/// An order has one fulfilment channel: an order that names another channel than
/// the same order read before is reported and skipped, never silently moved
/// between the channels' rates.
pub fn load_orders(
    paths: &[String],
    options: &ReportOptions,
    tracker: &mut OdrTracker,
) -> Result<Vec<RowError>, Box<dyn Error>> {
    let mut amazon = AmazonOrders::new(*options);
    let mut amazon_files = Vec::new();
    let mut bad = Vec::new();
    for path in paths {
        let bytes = read(path)?;
        let (text, charset) = decode_report(path, &bytes, options)?;
        if AmazonOrders::recognizes(&text) {
            amazon.read_text(path, &text, charset)?;
            amazon_files.push(path.as_str());
        } else {
            bad.extend(odr_csv::read_orders_with(path, text.as_bytes(), |o| {
                insert_checked(tracker, o)
            })?);
        }
    }
    for order in amazon.orders() {
        if let Err(reason) = insert_checked(tracker, order) {
            bad.push(RowError {
                file: amazon_files.join(", "),
                line: 0,
                reason,
            });
        }
    }
    Ok(bad)
}

/// Inserts `order`, unless the tracker has it under another fulfilment channel.
fn insert_checked(tracker: &mut OdrTracker, order: Order) -> Result<(), String> {
    if let Some(first) = tracker.order(order.id.as_str()) {
        if first.fulfillment != order.fulfillment {
            return Err(format!(
                "order_id `{}` is {} here but {} on an earlier row (row skipped)",
                order.id.as_str(),
                order.fulfillment.as_str(),
                first.fulfillment.as_str()
            ));
        }
    }
    tracker.insert_order(order);
    Ok(())
}

/// Reads every `--feedback` report into the tracker (one defect per order: a
/// report downloaded twice counts once).
pub fn load_feedback(
    paths: &[String],
    options: &ReportOptions,
    tracker: &mut OdrTracker,
) -> Result<(), Box<dyn Error>> {
    for path in paths {
        let report = FeedbackReport::read(path, &read(path)?, options)?;
        for defect in report.defects() {
            tracker.insert_defect(defect);
        }
    }
    Ok(())
}

/// Reconciles the tracker against the performance report's first marketplace.
pub fn reconcile(
    path: &str,
    options: &ReportOptions,
    tracker: &OdrTracker,
) -> Result<Reconciliation, Box<dyn Error>> {
    let report = PerformanceReport::read(path, &read(path)?, options)?;
    Ok(report.reconcile(tracker.tallies()))
}

fn label(name: &str) -> &str {
    match name {
        "orders" => "orders",
        "defective_orders" => "defective orders",
        "negative_feedback" => "negative feedback",
        "a_to_z_claim" => "A-to-z claims",
        "chargeback" => "chargebacks",
        other => other,
    }
}

/// The text report's reconciliation section: Amazon's figure and ours side by side.
pub fn print_reconciliation(out: &mut impl Write, r: &Reconciliation) -> io::Result<()> {
    writeln!(
        out,
        "\nAmazon's figure (seller performance report) and ours, same order dates"
    )?;
    for (name, f) in [
        ("Seller-fulfilled (MFN)", Fulfillment::Merchant),
        ("Fulfilled by Amazon (FBA)", Fulfillment::Amazon),
    ] {
        match r.get(f) {
            Some(c) => print_channel(out, name, c)?,
            None => writeln!(out, "\n{name}: not in the performance report")?,
        }
    }
    Ok(())
}

fn print_channel(out: &mut impl Write, name: &str, c: &ChannelReconciliation) -> io::Result<()> {
    writeln!(
        out,
        "\n{name}, order dates {} to {}",
        c.range.start, c.range.end
    )?;
    writeln!(out, "  {:<18}{:>10}{:>10}", "", "Amazon", "ours")?;
    for (field, v) in [
        ("orders", c.orders),
        ("defective_orders", c.defective_orders),
        ("negative_feedback", c.negative_feedback),
        ("a_to_z_claim", c.a_to_z_claim),
        ("chargeback", c.chargeback),
    ] {
        let mark = if v.agrees() { "" } else { "   <- differs" };
        writeln!(
            out,
            "  {:<18}{:>10}{:>10}{mark}",
            label(field),
            v.amazon,
            v.ours
        )?;
    }
    writeln!(
        out,
        "  {:<18}{:>10}{:>10}",
        "ODR",
        format!("{:.2}%", c.rate.amazon * 100.0),
        format!("{:.2}%", c.rate.ours * 100.0)
    )?;
    let diffs = c.differences();
    if diffs.is_empty() {
        writeln!(out, "  the counts agree")
    } else {
        let names: Vec<String> = diffs
            .iter()
            .map(|(n, v)| format!("{} (Amazon {}, ours {})", label(n), v.amazon, v.ours))
            .collect();
        writeln!(out, "  differs: {}", names.join(", "))
    }
}
