//! Amazon's own reports: table-driven parser tests for every variant of the All
//! Orders flat file, the seller feedback report and the seller performance report,
//! good and bad, and a property test over overlapping order downloads.
#![cfg(feature = "amazon-reports")]
#![allow(clippy::type_complexity)] // case tables

use std::io::Write;

use chrono::NaiveDate;
use odr_guard::amazon::{
    AmazonOrders, Charset, FeedbackDateFormat, FeedbackReport, PerformanceReport, ReportErrorKind,
    ReportOptions,
};
use odr_guard::odr::{DefectKind, Fulfillment};
use odr_guard::{Marketplace, OdrTracker};
use proptest::prelude::*;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// Fails when two cases share a name.
fn unique(names: impl IntoIterator<Item = &'static str>) {
    let mut seen = std::collections::HashSet::new();
    for n in names {
        assert!(seen.insert(n), "duplicate test name {n}");
    }
}

// ---------------------------------------------------------------- All Orders

const H_FULL: &str = "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\torder-channel\turl\tship-service-level\tproduct-name\tsku\tasin\titem-status\tquantity\tcurrency\titem-price\titem-tax\tshipping-price\tshipping-tax\tship-city\tship-state\tship-postal-code\tship-country\tpromotion-ids\tis-business-order\tpurchase-order-number\tprice-designation\tsignature-confirmation-recommended";
const H_SHORT: &str = "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\tproduct-name\tsku\tquantity\tcpf";
const H_REORDERED: &str =
    "sales-channel\tORDER-STATUS\tfulfillment-channel\tpurchase-date\tamazon-order-id";
const H_NO_UPDATED: &str = "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel";

fn full_row(
    id: &str,
    purchase: &str,
    updated: &str,
    status: &str,
    channel: &str,
    sales: &str,
) -> String {
    format!("{id}\t\t{purchase}\t{updated}\t{status}\t{channel}\t{sales}\t\t\tStandard\tMug, blue\tMUG-1\tB000000001\tShipped\t1\tUSD\t12.99\t1.04\t0.00\t0.00\tSpringfield\tIL\t62701\tUS\t\tfalse\t\t\tfalse")
}

/// `(orders, cancelled, merchant, amazon, non_amazon_rows, rows)` of one read.
type Counts = (usize, usize, usize, usize, u64, u64);

fn counts(o: &AmazonOrders, non_amazon: u64, rows: u64) -> Counts {
    let cancelled = o.iter().filter(|x| x.order.cancelled).count();
    let merchant = o
        .iter()
        .filter(|x| x.order.fulfillment == Fulfillment::Merchant)
        .count();
    (
        o.len(),
        cancelled,
        merchant,
        o.len() - merchant,
        non_amazon,
        rows,
    )
}

#[test]
fn all_orders_variants() {
    let t = "2026-10-01T10:00:00+00:00";
    let cases: Vec<(&'static str, String, Result<Counts, &str>)> = vec![
        (
            "full_columns_items_010",
            [
                H_FULL.to_owned(),
                full_row("111-0000001-0000001", t, t, "Shipped", "Merchant", "Amazon.com"),
                full_row("111-0000001-0000001", t, t, "Shipped", "Merchant", "Amazon.com"),
                full_row("111-0000002-0000002", t, t, "Shipped", "Amazon", "Amazon.com"),
            ]
            .join("\n"),
            Ok((2, 0, 1, 1, 0, 3)),
        ),
        (
            "short_columns_cpf_020",
            format!("{H_SHORT}\nS01-1234567-1234567\t\t{t}\t{t}\tShipped\tMFN\tAmazon.com.br\tCaneca\tMUG-1\t1\t123.456.789-09\n"),
            Ok((1, 0, 1, 0, 0, 1)),
        ),
        (
            "reordered_columns_any_case_030",
            format!("{H_REORDERED}\nAmazon.de\tShipped\tAFN\t{t}\t302-0000001-0000001\n"),
            Ok((1, 0, 0, 1, 0, 1)),
        ),
        (
            "cancel_spellings_040",
            format!("{H_NO_UPDATED}\na\t{t}\tCancelled\tMerchant\nb\t{t}\tCanceled\tMerchant\nc\t{t}\tCANCELLED\tAmazon\nd\t{t}\tPending\tAmazon\n"),
            Ok((4, 3, 2, 2, 0, 4)),
        ),
        (
            "non_amazon_left_out_050",
            [
                H_FULL.to_owned(),
                full_row("111-0000001-0000001", t, t, "Shipped", "Amazon", "Non-Amazon"),
                full_row("111-0000002-0000002", t, t, "Shipped", "Amazon", "Amazon.com"),
            ]
            .join("\r\n"),
            Ok((1, 0, 0, 1, 1, 2)),
        ),
        (
            "crlf_blank_lines_quotes_060",
            format!("{H_NO_UPDATED}\r\n\r\n\"a\"\t{t}\tShipped\t\"Merchant\"\r\n\r\n"),
            Ok((1, 0, 1, 0, 0, 1)),
        ),
        (
            "offset_without_colon_070",
            format!("{H_NO_UPDATED}\na\t2026-10-01T10:00:00+0900\tShipped\tMerchant\n"),
            Ok((1, 0, 1, 0, 0, 1)),
        ),
        (
            "missing_order_id_column_100",
            "purchase-date\torder-status\tfulfillment-channel\n".to_owned(),
            Err("f.txt:1: header has no `amazon-order-id` column"),
        ),
        (
            "bad_purchase_date_110",
            format!("{H_NO_UPDATED}\na\t{t}\tShipped\tMerchant\nb\t10/01/2026\tShipped\tMerchant\n"),
            Err("f.txt:3: column `purchase-date`: `10/01/2026` is not an RFC 3339 time with an offset"),
        ),
        (
            "bad_channel_120",
            format!("{H_NO_UPDATED}\na\t{t}\tShipped\tDrone\n"),
            Err("f.txt:2: column `fulfillment-channel`: `Drone` is not Amazon, Merchant, AFN or MFN"),
        ),
        (
            "short_row_130",
            format!("{H_NO_UPDATED}\na\t{t}\tShipped\n"),
            Err("f.txt:2: column `fulfillment-channel`: row has no value for this column"),
        ),
        (
            "empty_id_140",
            format!("{H_NO_UPDATED}\n\t{t}\tShipped\tMerchant\n"),
            Err("f.txt:2: column `amazon-order-id`: `` is not an order id"),
        ),
        ("empty_file_150", String::new(), Err("f.txt: the file is empty")),
        (
            "bad_last_updated_160",
            format!("{H_SHORT}\na\t\t{t}\tyesterday\tShipped\tMFN\tAmazon.com\tx\ty\t1\t\n"),
            Err("f.txt:2: column `last-updated-date`: `yesterday` is not an RFC 3339 time with an offset"),
        ),
    ];
    unique(cases.iter().map(|c| c.0));
    for (name, text, want) in cases {
        let mut orders = AmazonOrders::default();
        let got = orders
            .read("f.txt", text.as_bytes())
            .map(|r| counts(&orders, r.non_amazon_rows, r.rows))
            .map_err(|e| e.to_string());
        assert_eq!(got, want.map_err(str::to_owned), "{name}");
        if want.is_err() {
            assert!(
                orders.is_empty(),
                "{name}: a bad file leaves nothing behind"
            );
        }
    }
}

#[test]
fn order_dates_are_marketplace_days() {
    // 2026-10-01T03:30Z is still 30 September in Los Angeles, already 1 October
    // in Tokyo; without a sales channel the written offset's date is used.
    let cases = [
        ("us_010", "Amazon.com", None, "2026-09-30"),
        ("jp_020", "Amazon.co.jp", None, "2026-10-01"),
        ("unknown_channel_030", "", None, "2026-10-01"),
        (
            "option_marketplace_040",
            "",
            Some(Marketplace::Us),
            "2026-09-30",
        ),
        (
            "channel_beats_option_050",
            "Amazon.co.jp",
            Some(Marketplace::Us),
            "2026-10-01",
        ),
    ];
    unique(cases.iter().map(|c| c.0));
    for (name, sales, marketplace, want) in cases {
        let text = format!("amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsales-channel\na\t2026-10-01T03:30:00+00:00\tShipped\tMerchant\t{sales}\n");
        let options = match marketplace {
            Some(m) => ReportOptions::new().marketplace(m),
            None => ReportOptions::new(),
        };
        let mut orders = AmazonOrders::new(options);
        orders.read("f", text.as_bytes()).unwrap();
        assert_eq!(orders.get("a").unwrap().order.date, date(want), "{name}");
    }
}

#[test]
fn the_latest_update_wins_across_overlapping_files() {
    let h = "amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel";
    let oct = format!("{h}\na\t2026-10-30T10:00:00Z\t2026-10-30T10:00:00Z\tPending\tMerchant\nb\t2026-10-30T11:00:00Z\t2026-10-31T09:00:00Z\tShipped\tAmazon\n");
    let nov = format!("{h}\na\t2026-10-30T10:00:00Z\t2026-11-02T08:00:00Z\tCancelled\tMerchant\nb\t2026-10-30T11:00:00Z\t2026-10-31T09:00:00Z\tShipped\tAmazon\n");
    for (name, files) in [
        ("oct_then_nov_010", [&oct, &nov]),
        ("nov_then_oct_020", [&nov, &oct]),
    ] {
        let mut orders = AmazonOrders::default();
        for f in files {
            orders.read(name, f.as_bytes()).unwrap();
        }
        assert_eq!(orders.len(), 2, "{name}");
        assert!(orders.get("a").unwrap().order.cancelled, "{name}");
    }
}

#[test]
fn charsets_and_gzip() {
    let h = "amazon-order-id\tpurchase-date\torder-status\tfulfillment-channel\tsales-channel\tproduct-name\n";
    let de = [
        h.as_bytes(),
        b"302-1\t2026-10-01T10:00:00+02:00\tShipped\tAFN\tAmazon.de\tKaffeem\xfchle Gro\xdf\n",
    ]
    .concat();
    let jp = [h.as_bytes(), b"503-1\t2026-10-01T10:00:00+09:00\tShipped\tAFN\tAmazon.co.jp\t\x83\x7d\x83\x4f\x83\x4a\x83\x62\x83\x76\n"].concat(); // マグカップ
    let cases: Vec<(&'static str, Vec<u8>, ReportOptions, Result<&str, &str>)> = vec![
        (
            "cp1252_sniffed_010",
            de.clone(),
            ReportOptions::new(),
            Ok("windows-1252"),
        ),
        (
            "sjis_sniffed_020",
            jp.clone(),
            ReportOptions::new(),
            Ok("Shift_JIS"),
        ),
        (
            "gzip_sjis_030",
            gzip(&jp),
            ReportOptions::new(),
            Ok("Shift_JIS"),
        ),
        (
            "declared_cp1252_040",
            de.clone(),
            ReportOptions::new().charset(Charset::for_label("Cp1252").unwrap()),
            Ok("windows-1252"),
        ),
        (
            "declared_utf8_wrong_050",
            de.clone(),
            ReportOptions::new().charset(Charset::UTF_8),
            Err("de.txt:2: bytes that are not valid UTF-8"),
        ),
        (
            "truncated_gzip_060",
            {
                let g = gzip(&jp);
                g[..g.len() / 2].to_vec()
            },
            ReportOptions::new(),
            Err("de.txt: not a complete gzip stream (truncated)"),
        ),
        (
            "corrupt_gzip_070",
            {
                let mut g = gzip(&jp);
                let n = g.len();
                g[n - 3] ^= 0xff;
                g
            },
            ReportOptions::new(),
            Err("de.txt: not a complete gzip stream (corrupt deflate stream)"),
        ),
    ];
    unique(cases.iter().map(|c| c.0));
    for (name, bytes, options, want) in cases {
        let mut orders = AmazonOrders::new(options);
        let got = orders
            .read("de.txt", &bytes)
            .map(|r| r.charset.name())
            .map_err(|e| e.to_string());
        let want = want.map_err(str::to_owned);
        // A corrupt CRC or length is reported by flate2 with its own words.
        if name == "corrupt_gzip_070" {
            assert!(
                got.as_ref()
                    .is_err_and(|e| e.starts_with("de.txt: not a complete gzip stream")),
                "{name}: {got:?}"
            );
            continue;
        }
        assert_eq!(got, want, "{name}");
    }
}

// ------------------------------------------------------------------- Feedback

const FB_EN6: &str = "Date\tRating\tComments\tYour Response\tOrder ID\tRater Email";
const FB_EN9: &str = "Date\tRating\tComments\tYour Response\tArrived on Time\tItem as Described\tCustomer Service\tOrder ID\tRater Email";
const FB_DE6: &str =
    "Datum\tBewertung\tKommentare\tIhre Antwort\tBestellnummer\tE-Mail-Adresse des Bewerters";
const FB_JP6: &str = "日付\t評価\tコメント\t出品者の返答\t注文番号\t評価者のメールアドレス";

/// `(order id, date, stars)` of each entry.
type Entries = Vec<(String, NaiveDate, u8)>;

#[test]
fn feedback_variants() {
    let us = ReportOptions::new().marketplace(Marketplace::Us);
    let de = ReportOptions::new().marketplace(Marketplace::De);
    let uk = ReportOptions::new().marketplace(Marketplace::Uk);
    let none = ReportOptions::new();
    let e = |id: &str, d: &str, s: u8| (id.to_owned(), date(d), s);
    let cases: Vec<(&'static str, String, ReportOptions, Result<Entries, &str>)> = vec![
        (
            "us_6_columns_010",
            format!(
                "{FB_EN6}\n10/3/26\t1\tLate\t\t111-1\tx@example.com\n12/24/26\t2\t\t\t111-2\t\n"
            ),
            us,
            Ok(vec![
                e("111-1", "2026-10-03", 1),
                e("111-2", "2026-12-24", 2),
            ]),
        ),
        (
            "us_9_columns_020",
            format!("{FB_EN9}\n10/03/26\t3\tOk\t\tYes\tNo\tYes\t111-3\tx@example.com\n"),
            us,
            Ok(vec![e("111-3", "2026-10-03", 3)]),
        ),
        (
            "de_translated_030",
            format!("{FB_DE6}\n3.10.26\t1\tKaputt\t\t302-1\tx@example.de\n"),
            de,
            Ok(vec![e("302-1", "2026-10-03", 1)]),
        ),
        (
            "de_inferred_from_dots_040",
            format!("{FB_DE6}\n03.10.26\t2\t\t\t302-2\t\n"),
            none,
            Ok(vec![e("302-2", "2026-10-03", 2)]),
        ),
        (
            "jp_inferred_from_header_050",
            format!("{FB_JP6}\n26/10/03\t1\t届かない\t\t503-1\t\n"),
            none,
            Ok(vec![e("503-1", "2026-10-03", 1)]),
        ),
        (
            "se_iso_060",
            format!("{FB_EN6}\n2026-10-03\t1\t\t\t404-1\t\n"),
            ReportOptions::new().marketplace(Marketplace::Se),
            Ok(vec![e("404-1", "2026-10-03", 1)]),
        ),
        (
            "uk_day_first_070",
            format!("{FB_EN6}\n3/10/26\t1\t\t\t202-1\t\n"),
            uk,
            Ok(vec![e("202-1", "2026-10-03", 1)]),
        ),
        (
            "quoted_comment_080",
            format!("{FB_EN6}\n10/3/26\t1\t\"Never, ever arrived\"\t\t111-1\t\n"),
            us,
            Ok(vec![e("111-1", "2026-10-03", 1)]),
        ),
        ("header_only_090", format!("{FB_EN6}\n"), us, Ok(vec![])),
        (
            "us_date_in_de_file_100",
            format!("{FB_DE6}\n10/13/26\t1\t\t\t302-1\t\n"),
            de,
            Err("f:2: column `Datum`: `10/13/26` is not DD.MM.YY"),
        ),
        (
            "day_first_in_us_file_110",
            format!("{FB_EN6}\n13/10/26\t1\t\t\t111-1\t\n"),
            us,
            Err("f:2: column `Date`: `13/10/26` is not M/D/YY"),
        ),
        (
            "ambiguous_without_marketplace_120",
            format!("{FB_EN6}\n10/3/26\t1\t\t\t111-1\t\n"),
            none,
            Err("f:2: column `Date`: `10/3/26` could be M/D/YY or DD/MM/YY: give the marketplace"),
        ),
        (
            "rating_zero_130",
            format!("{FB_EN6}\n10/3/26\t0\t\t\t111-1\t\n"),
            us,
            Err("f:2: column `Rating`: `0` is not a rating of 1 to 5"),
        ),
        (
            "rating_text_140",
            format!("{FB_EN6}\n10/3/26\tbad\t\t\t111-1\t\n"),
            us,
            Err("f:2: column `Rating`: `bad` is not a rating of 1 to 5"),
        ),
        (
            "unknown_layout_150",
            "Datum\tBewertung\tBestellnummer\n".to_owned(),
            de,
            Err("f:1: header is not a seller feedback report (3 columns, want 6 or 9)"),
        ),
        (
            "short_row_160",
            format!("{FB_EN6}\n10/3/26\t1\n"),
            us,
            Err("f:2: column `Order ID`: row has no value for this column"),
        ),
        (
            "empty_order_id_170",
            format!("{FB_EN6}\n10/3/26\t1\t\t\t\t\n"),
            us,
            Err("f:2: column `Order ID`: `` is not an order id"),
        ),
        (
            "three_digit_year_180",
            format!("{FB_EN6}\n10/3/026\t1\t\t\t111-1\t\n"),
            us,
            Err("f:2: column `Date`: `10/3/026` is not M/D/YY"),
        ),
        (
            "later_row_wrong_format_190",
            format!("{FB_DE6}\n03.10.26\t1\t\t\t302-1\t\n2026-10-04\t1\t\t\t302-2\t\n"),
            none,
            Err("f:3: column `Datum`: `2026-10-04` is not DD.MM.YY"),
        ),
    ];
    unique(cases.iter().map(|c| c.0));
    for (name, text, options, want) in cases {
        let got = FeedbackReport::read("f", text.as_bytes(), &options)
            .map(|r| {
                r.entries
                    .iter()
                    .map(|x| (x.order_id.to_string(), x.date, x.stars.get()))
                    .collect::<Entries>()
            })
            .map_err(|e| e.to_string());
        assert_eq!(got, want.map_err(str::to_owned), "{name}");
    }
}

#[test]
fn feedback_date_formats() {
    use FeedbackDateFormat as F;
    let cases = [
        (F::MonthDayYear, "1/2/26", Some("2026-01-02")),
        (F::MonthDayYear, "01/02/2026", Some("2026-01-02")),
        (F::MonthDayYear, "2/30/26", None),
        (F::DayMonthYearDots, "1.2.26", Some("2026-02-01")),
        (F::DayMonthYearDots, "01/02/26", None),
        (F::YearMonthDay, "26/1/2", Some("2026-01-02")),
        (F::Iso, "2026-01-02", Some("2026-01-02")),
        (F::Iso, "26-01-02", None),
        (F::DayMonthYear, "31/12/26", Some("2026-12-31")),
        (F::DayMonthYear, "31/12/26/1", None),
        (F::DayMonthYear, "+1/12/26", None),
        (F::DayMonthYear, "", None),
    ];
    for (format, text, want) in cases {
        assert_eq!(format.parse(text), want.map(date), "{format:?} {text}");
    }
}

#[test]
fn the_same_feedback_twice_counts_once() {
    let text = format!("{FB_EN6}\n10/3/26\t1\tLate\t\t111-1\t\n");
    let us = ReportOptions::new().marketplace(Marketplace::Us);
    let mut tracker = OdrTracker::default();
    tracker.insert_order(odr_guard::odr::Order::new(
        "111-1",
        date("2026-10-01"),
        Fulfillment::Merchant,
    ));
    for _ in 0..2 {
        for d in FeedbackReport::read("f", text.as_bytes(), &us)
            .unwrap()
            .defects()
        {
            tracker.insert_defect(d);
        }
    }
    let w = tracker
        .window(Fulfillment::Merchant, date("2026-10-01"))
        .unwrap();
    assert_eq!(
        (
            w.defective_orders,
            w.by_kind.get(DefectKind::NegativeFeedback)
        ),
        (1, 1)
    );
    assert_eq!(tracker.defect_count(), 1);
}

// -------------------------------------------------------- Performance report

fn odr_json(mfn_extra: &str, afn: bool) -> String {
    let channel = |kind: &str, extra: &str| {
        format!(
            r#"{{"reportingDateRange": {{"reportingDateFrom": "2026-09-06T00:00Z", "reportingDateTo": "2026-11-04T23:59Z"}},
          "orderCount": 40, "orderWithDefects": {{"count": 2, "status": "BAD"}},
          "claims": {{"count": 1, "status": "NONE"}}, "chargebacks": {{"count": 1, "status": "NONE"}},
          "negativeFeedback": {{"count": 1, "status": "NONE"}}, "fulfillmentType": "{kind}",
          "status": "BAD", "rate": 0.05, "targetValue": 0.01, "targetCondition": "LESS_THAN"{extra}}}"#
        )
    };
    let afn = if afn {
        format!(r#", "afn": {}"#, channel("afn", ""))
    } else {
        String::new()
    };
    format!(
        r#"{{"accountStatuses": [], "performanceMetrics": [{{"marketplaceId": "ATVPDKIKX0DER", "lateShipmentRate": {{}}, "orderDefectRate": {{"mfn": {}{afn}}}}}]}}"#,
        channel("mfn", mfn_extra)
    )
}

#[test]
fn performance_report_variants() {
    let remove =
        |key: &str| odr_json("", true).replacen(&format!("\"{key}\""), "\"renamedByTest\"", 1);
    let cases: Vec<(&'static str, String, Result<(u64, bool, Option<Marketplace>), &str>)> = vec![
        ("both_channels_010", odr_json("", true), Ok((40, true, Some(Marketplace::Us)))),
        ("mfn_only_020", odr_json("", false), Ok((40, false, Some(Marketplace::Us)))),
        ("unknown_keys_ignored_030", odr_json(r#", "sellerNote": "x", "nested": {"a": [1, 2]}"#, true), Ok((40, true, Some(Marketplace::Us)))),
        ("seconds_in_range_040", odr_json("", true).replace("T00:00Z", "T00:00:00Z"), Ok((40, true, Some(Marketplace::Us)))),
        ("missing_order_count_100", remove("orderCount"), Err("perf.json: key `$.performanceMetrics[0].orderDefectRate.mfn.orderCount`: missing, or not of the schema's type")),
        ("missing_claims_110", remove("claims"), Err("perf.json: key `$.performanceMetrics[0].orderDefectRate.mfn.claims`: missing, or not of the schema's type")),
        ("missing_range_120", remove("reportingDateTo"), Err("perf.json: key `$.performanceMetrics[0].orderDefectRate.mfn.reportingDateRange.reportingDateTo`: missing, or not of the schema's type")),
        ("count_as_text_130", odr_json("", true).replacen("\"orderCount\": 40", "\"orderCount\": \"40\"", 1), Err("perf.json: key `$.performanceMetrics[0].orderDefectRate.mfn.orderCount`: missing, or not of the schema's type")),
        ("no_odr_140", r#"{"performanceMetrics": [{"lateShipmentRate": {}}]}"#.to_owned(), Err("perf.json: key `$.performanceMetrics[].orderDefectRate`: missing, or not of the schema's type")),
        ("no_metrics_150", "{}".to_owned(), Err("perf.json: key `$.performanceMetrics`: missing, or not of the schema's type")),
        ("bad_date_160", odr_json("", true).replacen("2026-09-06T00:00Z", "06/09/2026", 1), Err("perf.json: key `$.performanceMetrics[0].orderDefectRate.mfn.reportingDateRange.reportingDateFrom`: `06/09/2026` is not a UTC time like 2020-11-18T23:59Z")),
        ("not_json_170", "{\n\"performanceMetrics\": [\n".to_owned(), Err("perf.json:3: invalid JSON: EOF while parsing a list at line 3 column 0")),
        ("empty_odr_180", r#"{"performanceMetrics": [{"orderDefectRate": {}}]}"#.to_owned(), Err("perf.json: key `$.performanceMetrics[0].orderDefectRate.mfn`: missing, or not of the schema's type")),
    ];
    unique(cases.iter().map(|c| c.0));
    for (name, text, want) in cases {
        let got = PerformanceReport::read("perf.json", text.as_bytes(), &ReportOptions::new())
            .map(|r| {
                let m = &r.marketplaces[0];
                (
                    m.channels.merchant.unwrap().orders,
                    m.channels.amazon.is_some(),
                    m.marketplace,
                )
            })
            .map_err(|e| e.to_string());
        assert_eq!(got, want.map_err(str::to_owned), "{name}");
    }
    // The kind of a missing key is typed.
    let err = PerformanceReport::read("p", remove("orderCount").as_bytes(), &ReportOptions::new())
        .unwrap_err();
    assert!(matches!(err.kind(), ReportErrorKind::MissingKey { .. }));
}

#[test]
fn reconciliation_names_what_differs() {
    let report =
        PerformanceReport::read("p", odr_json("", true).as_bytes(), &ReportOptions::new()).unwrap();
    let mut tracker = OdrTracker::default();
    for i in 0..40 {
        let day = if i == 0 { "2026-09-05" } else { "2026-10-01" }; // one before the range
        tracker.insert_order(odr_guard::odr::Order::new(
            format!("m{i}"),
            date(day),
            Fulfillment::Merchant,
        ));
    }
    tracker.insert_defect(odr_guard::odr::Defect::a_to_z_claim(
        "c",
        "m1",
        date("2026-10-09"),
        odr_guard::odr::ClaimStatus::Open,
    ));
    let r = report.reconcile(tracker.tallies());
    let mfn = r.merchant.unwrap();
    assert_eq!(
        (mfn.range.start, mfn.range.end),
        (date("2026-09-06"), date("2026-11-04"))
    );
    let diffs: Vec<(&str, u64, u64)> = mfn
        .differences()
        .iter()
        .map(|(n, c)| (*n, c.amazon, c.ours))
        .collect();
    assert_eq!(
        diffs,
        [
            ("orders", 40, 39),
            ("defective_orders", 2, 1),
            ("negative_feedback", 1, 0),
            ("chargeback", 1, 0)
        ]
    );
    assert!((mfn.rate.ours - 1.0 / 39.0).abs() < 1e-12);
    let afn = r.amazon.unwrap();
    assert_eq!((afn.orders.ours, afn.rate.ours), (0, 0.0));
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(
        json["merchant"]["range"],
        serde_json::json!({"from": "2026-09-06", "to": "2026-11-04"})
    );
    assert_eq!(
        json["merchant"]["orders"],
        serde_json::json!({"amazon": 40, "ours": 39})
    );
    assert_eq!(
        json["amazon"]["rate"],
        serde_json::json!({"amazon": 0.05, "ours": 0.0})
    );
}

// ------------------------------------------------------------------ Property

/// An order as generated: id, day offset, update hour, channel, cancelled.
type Gen = (u16, u8, u8, bool, bool);

fn report(orders: &[Gen], items: u8) -> String {
    let mut s = String::from("amazon-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\tsku\n");
    for &(id, day, hour, fba, cancelled) in orders {
        for item in 0..=(id % u16::from(items.max(1))) {
            s.push_str(&format!(
                "111-{id:07}-0000000\t2026-10-{:02}T12:00:00+00:00\t2026-11-01T{:02}:00:00+00:00\t{}\t{}\tAmazon.com\tSKU-{item}\n",
                1 + day % 28,
                hour % 24,
                if cancelled { "Canceled" } else { "Shipped" },
                if fba { "Amazon" } else { "Merchant" },
            ));
        }
    }
    s
}

proptest! {
    /// Re-reading overlapping downloads never changes the counts: the orders and
    /// the tracker's tallies after reading the files in any order and any number
    /// of times equal those of reading their union once.
    #[test]
    fn overlapping_order_reports_never_change_the_counts(
        orders in proptest::collection::vec((0u16..300, 0u8..28, 0u8..24, any::<bool>(), any::<bool>()), 1..60),
        cut_a in 0usize..60, cut_b in 0usize..60, items in 1u8..4, repeats in 1usize..3,
    ) {
        // One truth per id (the generator may repeat an id: keep its first facts).
        let mut seen = std::collections::HashSet::new();
        let truth: Vec<Gen> = orders.into_iter().filter(|o| seen.insert(o.0)).collect();
        let (lo, hi) = (cut_a.min(cut_b).min(truth.len()), cut_a.max(cut_b).min(truth.len()));
        // Two overlapping "monthly" files: [0, hi) and [lo, end).
        let first = report(&truth[..hi], items);
        let second = report(&truth[lo..], items);
        let union = report(&truth, items);

        let tally = |files: &[&str]| {
            let mut o = AmazonOrders::default();
            for f in files {
                o.read("f", f.as_bytes()).unwrap();
            }
            let mut t = OdrTracker::default();
            for order in o.orders() {
                t.insert_order(order);
            }
            (o.len(), t.tallies().clone())
        };
        let once = tally(&[&union]);
        prop_assert_eq!(once.0, truth.len());
        let mut files = Vec::new();
        for _ in 0..repeats {
            files.extend([first.as_str(), second.as_str()]);
        }
        prop_assert_eq!(&tally(&files), &once);
        files.reverse();
        prop_assert_eq!(&tally(&files), &once);
    }
}
