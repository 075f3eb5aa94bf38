//! The `odr_report` example's CSV reader (shared with the ingest benchmark):
//! bad rows are reported with file, line and reason, and the rest is used.

#[allow(dead_code)]
#[path = "../examples/common/odr_csv.rs"]
mod odr_csv;

use odr_guard::odr::{ClaimStatus, DefectDetail, Fulfillment};
use odr_guard::OdrTracker;

#[test]
fn bad_order_rows_are_reported_and_skipped() {
    let csv = "order_id,order_date,fulfillment,marketplace,cancelled
a,2026-10-01,merchant,US,false
b,2026-13-01,merchant,,
c,2026-10-01,drone,,
d,2026-10-01
e,2026-10-02,amazon,,true
,2026-10-02,amazon,,
f,2026-10-02,amazon,XX,
g,2026-10-02,amazon,,maybe
";
    let mut orders = Vec::new();
    let bad = odr_csv::read_orders("orders.csv", csv.as_bytes(), |o| orders.push(o)).unwrap();
    let got: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        got,
        [
            "orders.csv:3: bad order_date `2026-13-01` (want YYYY-MM-DD)",
            "orders.csv:4: unknown fulfillment `drone` (merchant or amazon)",
            "orders.csv:5: missing column `fulfillment`",
            "orders.csv:7: empty order_id",
            "orders.csv:8: unknown marketplace `XX`",
            "orders.csv:9: bad cancelled `maybe` (true or false)",
        ]
    );
    let ids: Vec<&str> = orders.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["a", "e"]);
    assert!(orders[1].cancelled && orders[1].fulfillment == Fulfillment::Amazon);
}

/// Found by the `odr_csv` fuzz target: an unclosed quote made the next rows one
/// order's id, and the row after the closing quote's rest its date and channel.
#[test]
fn a_quote_left_open_is_a_bad_row_not_a_merged_order() {
    let csv = "order_id,order_date,fulfillment
a,2026-10-01,merchant
\"b,2026-10-01,amazon
c,2026-10-02,merchant
\"d,2026-10-03,merchant
e,2026-10-04,amazon
";
    let mut orders = Vec::new();
    let bad = odr_csv::read_orders("orders.csv", csv.as_bytes(), |o| orders.push(o)).unwrap();
    let got: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        got,
        ["orders.csv:3: a field spans lines: is a quote left open?"]
    );
    let ids: Vec<&str> = orders.iter().map(|o| o.id.as_str()).collect();
    assert_eq!(ids, ["a", "e"]);
}

#[test]
fn minimal_headers_and_defect_rows() {
    let orders = "order_id,order_date,fulfillment\na,2026-10-01,merchant\n";
    let defects = "defect_id,order_id,kind,date,claim_status
c1,a,a_to_z_claim,2026-10-09,granted
c2,a,a_to_z_claim,2026-10-09,
x,a,refund,2026-10-09,
y,a,chargeback,10/09/2026,
c1,a,a_to_z_claim,2026-10-09,reversed_on_appeal
";
    let mut t = OdrTracker::default();
    assert!(odr_csv::read_orders("o.csv", orders.as_bytes(), |o| {
        t.insert_order(o);
    })
    .unwrap()
    .is_empty());
    let bad = odr_csv::read_defects("d.csv", defects.as_bytes(), |d| {
        t.insert_defect(d);
    })
    .unwrap();
    let got: Vec<String> = bad.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        got,
        [
            "d.csv:4: unknown kind `refund` (negative_feedback, a_to_z_claim or chargeback)",
            "d.csv:5: bad date `10/09/2026` (want YYYY-MM-DD)",
        ]
    );
    // c1 was reversed on appeal by its later row; c2 has no status: open.
    assert_eq!(
        t.defect("c1").map(|d| d.detail),
        Some(DefectDetail::AToZClaim {
            claim_status: ClaimStatus::ReversedOnAppeal
        })
    );
    assert_eq!(
        t.defect("c2").map(|d| d.detail),
        Some(DefectDetail::AToZClaim {
            claim_status: ClaimStatus::Open
        })
    );
    let w = t
        .window(
            Fulfillment::Merchant,
            odr_csv::parse_date("2026-10-01").unwrap(),
        )
        .unwrap();
    assert_eq!(
        (w.orders, w.defective_orders, w.by_kind.a_to_z_claim),
        (1, 1, 1)
    );
}

#[test]
fn a_header_without_required_columns_stops_the_file() {
    let err =
        odr_csv::read_defects("d.csv", "defect_id,order_id,date\n".as_bytes(), |_| {}).unwrap_err();
    assert_eq!(err.to_string(), "d.csv:1: header has no `kind` column");
}

#[test]
fn dates_are_strict() {
    for (text, ok) in [
        ("2026-02-28", true),
        ("2024-02-29", true),
        ("2026-02-29", false),
        ("2026-2-28", false),
        ("2026-02-28T00:00", false),
        ("２０２６-02-28", false),
        ("", false),
    ] {
        assert_eq!(odr_csv::parse_date(text).is_some(), ok, "{text}");
    }
}
