//! The ODR tracker through the public API: a table of rule cases, then properties
//! against a naive recount.

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use odr_guard::odr::{
    ChargebackKind, ClaimStatus, CountingRules, DailyTally, Defect, DefectDetail, DefectKind,
    Fulfillment, Ingest, OdrSettings, OdrStatus, OdrTallies, Order, Stars,
};
use odr_guard::{OdrError, OdrTracker};
use proptest::prelude::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn mfn(id: &str, date: &str) -> Order {
    Order::new(id, d(date), Fulfillment::Merchant)
}

fn fba(id: &str, date: &str) -> Order {
    Order::new(id, d(date), Fulfillment::Amazon)
}

const RECEIVED: &str = "2026-11-20";

fn fb(id: &str, order: &str, stars: u8) -> Defect {
    Defect::negative_feedback(id, order, d(RECEIVED), Stars::new(stars).unwrap())
}

fn claim(id: &str, order: &str, status: ClaimStatus) -> Defect {
    Defect::a_to_z_claim(id, order, d(RECEIVED), status)
}

fn cb(id: &str, order: &str, kind: ChargebackKind) -> Defect {
    Defect::chargeback(id, order, d(RECEIVED), kind)
}

/// (orders, defective orders, [negative feedback, a-to-z claim, chargeback])
type Counts = (u64, u64, [u64; 3]);

struct Case {
    name: &'static str,
    settings: OdrSettings,
    orders: Vec<Order>,
    defects: Vec<Defect>,
    as_of: &'static str,
    merchant: Counts,
    amazon: Counts,
}

fn case(name: &'static str, orders: Vec<Order>, defects: Vec<Defect>) -> Case {
    Case {
        name,
        settings: OdrSettings::default(),
        orders,
        defects,
        as_of: "2026-11-26",
        merchant: (0, 0, [0; 3]),
        amazon: (0, 0, [0; 3]),
    }
}

impl Case {
    fn merchant(mut self, c: Counts) -> Case {
        self.merchant = c;
        self
    }
    fn amazon(mut self, c: Counts) -> Case {
        self.amazon = c;
        self
    }
    fn settings(mut self, s: OdrSettings) -> Case {
        self.settings = s;
        self
    }
}

fn counts(t: &OdrTracker, f: Fulfillment, as_of: NaiveDate) -> Counts {
    let w = t.window(f, as_of).unwrap();
    let k = w.by_kind;
    (
        w.orders,
        w.defective_orders,
        [k.negative_feedback, k.a_to_z_claim, k.chargeback],
    )
}

/// The default window for as_of 2026-11-26 is 2026-09-28 ..= 2026-11-26.
fn cases() -> Vec<Case> {
    use ChargebackKind::*;
    use ClaimStatus::*;
    let lag14 = OdrSettings::builder().lag_days(14).build().unwrap();
    let no_cancelled = OdrSettings::builder()
        .rules(CountingRules::default().with_cancelled_orders(false))
        .build()
        .unwrap();
    let every_claim = OdrSettings::builder()
        .rules(
            ClaimStatus::ALL
                .iter()
                .copied()
                .fold(CountingRules::default(), |r, s| {
                    r.with_claim_status(s, true)
                })
                .with_chargeback_kind(Fraud, true),
        )
        .build()
        .unwrap();
    vec![
        case(
            "edge010_first_day_inside",
            vec![mfn("a", "2026-09-28")],
            vec![fb("f", "a", 1)],
        )
        .merchant((1, 1, [1, 0, 0])),
        case(
            "edge020_last_day_inside",
            vec![mfn("a", "2026-11-26")],
            vec![fb("f", "a", 1)],
        )
        .merchant((1, 1, [1, 0, 0])),
        case(
            "edge030_day_before_outside",
            vec![mfn("a", "2026-09-27")],
            vec![fb("f", "a", 1)],
        ),
        case(
            "edge040_day_after_outside",
            vec![mfn("a", "2026-11-27")],
            vec![fb("f", "a", 1)],
        ),
        case(
            "lag010_window_moves_back",
            vec![
                mfn("first", "2026-09-14"),
                mfn("before", "2026-09-13"),
                mfn("last", "2026-11-12"),
                mfn("after", "2026-11-13"),
            ],
            vec![
                fb("f1", "first", 2),
                fb("f2", "last", 1),
                fb("f3", "after", 1),
            ],
        )
        .settings(lag14)
        .merchant((2, 2, [2, 0, 0])),
        case(
            "multi010_three_kinds_one_order",
            vec![mfn("a", "2026-10-01"), mfn("b", "2026-10-01")],
            vec![
                fb("f", "a", 1),
                claim("c", "a", Open),
                cb("x", "a", Service),
                cb("y", "a", Service),
            ],
        )
        .merchant((2, 1, [1, 1, 1])),
        case(
            "stars010_only_one_and_two_count",
            (1..=5)
                .map(|i| mfn(&format!("o{i}"), "2026-10-01"))
                .collect(),
            (1..=5)
                .map(|i| fb(&format!("f{i}"), &format!("o{i}"), i))
                .collect(),
        )
        .merchant((5, 2, [2, 0, 0])),
        case(
            "removed010_removed_feedback_does_not_count",
            vec![mfn("a", "2026-10-01"), mfn("b", "2026-10-01")],
            vec![fb("f", "a", 1).with_removed(true), fb("g", "b", 2)],
        )
        .merchant((2, 1, [1, 0, 0])),
        case(
            "removed020_removed_claim_does_not_count",
            vec![mfn("a", "2026-10-01")],
            vec![claim("c", "a", Granted).with_removed(true)],
        )
        .merchant((1, 0, [0; 3])),
        case(
            "claim010_every_status_default_table",
            ClaimStatus::ALL
                .iter()
                .map(|s| mfn(s.as_str(), "2026-10-01"))
                .collect(),
            ClaimStatus::ALL
                .iter()
                .map(|s| claim(&format!("c-{s}"), s.as_str(), *s))
                .collect(),
        )
        .merchant((7, 2, [0, 2, 0])),
        case(
            "claim020_every_status_counts_when_configured",
            ClaimStatus::ALL
                .iter()
                .map(|s| mfn(s.as_str(), "2026-10-01"))
                .collect(),
            ClaimStatus::ALL
                .iter()
                .map(|s| claim(&format!("c-{s}"), s.as_str(), *s))
                .collect(),
        )
        .settings(every_claim)
        .merchant((7, 7, [0, 7, 0])),
        case(
            "chargeback010_service_counts_fraud_does_not",
            vec![mfn("s", "2026-10-01"), mfn("f", "2026-10-01")],
            vec![cb("cs", "s", Service), cb("cf", "f", Fraud)],
        )
        .merchant((2, 1, [0, 0, 1])),
        case(
            "chargeback020_fraud_counts_when_configured",
            vec![mfn("s", "2026-10-01"), mfn("f", "2026-10-01")],
            vec![cb("cs", "s", Service), cb("cf", "f", Fraud)],
        )
        .settings(every_claim)
        .merchant((2, 2, [0, 0, 2])),
        case(
            "split010_mfn_and_fba_apart",
            vec![
                mfn("m1", "2026-10-01"),
                mfn("m2", "2026-10-01"),
                fba("a1", "2026-10-01"),
                fba("a2", "2026-10-02"),
                fba("a3", "2026-10-03"),
            ],
            vec![
                fb("f", "m1", 1),
                claim("c", "a3", Granted),
                claim("d", "a2", AmazonFunded),
            ],
        )
        .merchant((2, 1, [1, 0, 0]))
        .amazon((3, 1, [0, 1, 0])),
        case(
            "late010_defect_received_after_window_counts_for_order_date",
            vec![mfn("a", "2026-10-01")],
            vec![Defect::negative_feedback(
                "f",
                "a",
                d("2027-03-01"),
                Stars::new(1).unwrap(),
            )],
        )
        .merchant((1, 1, [1, 0, 0])),
        case(
            "orphan010_defect_without_order_is_not_counted",
            vec![mfn("a", "2026-10-01")],
            vec![fb("f", "unknown", 1)],
        )
        .merchant((1, 0, [0; 3])),
        case(
            "cancel010_cancelled_orders_stay_in_denominator",
            vec![
                mfn("a", "2026-10-01").with_cancelled(true),
                mfn("b", "2026-10-01").with_cancelled(true),
                mfn("c", "2026-10-01"),
            ],
            vec![claim("x", "a", CancelledOrder), fb("y", "b", 1)],
        )
        .merchant((3, 1, [1, 0, 0])),
        case(
            "cancel020_cancelled_orders_dropped_when_configured",
            vec![
                mfn("a", "2026-10-01").with_cancelled(true),
                mfn("b", "2026-10-01").with_cancelled(true),
                mfn("c", "2026-10-01"),
            ],
            vec![claim("x", "a", CancelledOrder), fb("y", "b", 1)],
        )
        .settings(no_cancelled)
        .merchant((1, 0, [0; 3])),
    ]
}

/// Every case, ingested orders-first, defects-first and in reverse: the same answer.
#[test]
fn rule_table() {
    let cases = cases();
    let mut names: Vec<_> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names must be unique");

    for c in &cases {
        let as_of = d(c.as_of);
        let orders_first = {
            let mut t = OdrTracker::new(c.settings);
            c.orders
                .iter()
                .for_each(|o| assert_eq!(t.insert_order(o.clone()), Ingest::New));
            c.defects
                .iter()
                .for_each(|x| assert_eq!(t.insert_defect(x.clone()), Ingest::New));
            t
        };
        let defects_first = {
            let mut t = OdrTracker::new(c.settings);
            c.defects.iter().rev().for_each(|x| {
                t.insert_defect(x.clone());
            });
            c.orders.iter().rev().for_each(|o| {
                t.insert_order(o.clone());
            });
            t
        };
        for t in [&orders_first, &defects_first] {
            assert_eq!(
                counts(t, Fulfillment::Merchant, as_of),
                c.merchant,
                "{}: merchant",
                c.name
            );
            assert_eq!(
                counts(t, Fulfillment::Amazon, as_of),
                c.amazon,
                "{}: amazon",
                c.name
            );
        }
        assert_eq!(
            orders_first.tallies(),
            defects_first.tallies(),
            "{}",
            c.name
        );
    }
}

#[test]
fn same_defect_twice_counts_once() {
    let mut t = OdrTracker::default();
    t.insert_order(mfn("a", "2026-10-01"));
    t.insert_order(mfn("b", "2026-10-01"));
    assert_eq!(t.insert_defect(fb("f", "a", 1)), Ingest::New);
    assert_eq!(t.insert_defect(fb("f", "a", 1)), Ingest::Unchanged);
    assert_eq!(t.insert_order(mfn("a", "2026-10-01")), Ingest::Unchanged);
    assert_eq!(
        counts(&t, Fulfillment::Merchant, d("2026-11-01")),
        (2, 1, [1, 0, 0])
    );
    assert_eq!(t.defect_count(), 1);
    assert_eq!(t.order_count(), 2);
}

#[test]
fn updates_last_insert_wins() {
    let as_of = d("2026-11-26");
    let mut t = OdrTracker::default();
    t.insert_order(mfn("a", "2026-10-01"));
    t.insert_order(mfn("b", "2026-10-01"));
    t.insert_defect(claim("c", "a", ClaimStatus::Open));
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (2, 1, [0, 1, 0]));

    // Reversed on appeal: the same claim id, new status.
    let appealed = claim("c", "a", ClaimStatus::ReversedOnAppeal);
    assert_eq!(t.insert_defect(appealed), Ingest::Updated);
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (2, 0, [0; 3]));
    assert_eq!(
        t.defect("c").map(|x| x.detail),
        Some(DefectDetail::AToZClaim {
            claim_status: ClaimStatus::ReversedOnAppeal
        })
    );

    // Feedback later removed.
    t.insert_defect(fb("f", "b", 1));
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (2, 1, [1, 0, 0]));
    t.insert_defect(fb("f", "b", 1).with_removed(true));
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (2, 0, [0; 3]));

    // A defect id moved to another order.
    t.insert_defect(cb("x", "a", ChargebackKind::Service));
    t.insert_defect(cb("x", "b", ChargebackKind::Service));
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (2, 1, [0, 0, 1]));

    // An order moved out of the window and to FBA.
    assert_eq!(t.insert_order(fba("b", "2026-11-20")), Ingest::Updated);
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (1, 0, [0; 3]));
    assert_eq!(counts(&t, Fulfillment::Amazon, as_of), (1, 1, [0, 0, 1]));
    assert_eq!(
        t.order("b").map(|o| o.fulfillment),
        Some(Fulfillment::Amazon)
    );
}

#[test]
fn orphans_are_kept_and_count_once_their_order_arrives() {
    let as_of = d("2026-11-26");
    let mut t = OdrTracker::default();
    t.insert_defect(fb("f", "late-order", 1));
    let orphans: Vec<_> = t
        .orphan_defects()
        .map(|x| x.id.as_str().to_owned())
        .collect();
    assert_eq!(orphans, ["f"]);
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (0, 0, [0; 3]));
    assert_eq!(t.latest_order_date(), None);
    assert_eq!(t.insert_order(mfn("late-order", "2026-11-01")), Ingest::New);
    assert_eq!(t.orphan_defects().count(), 0);
    assert_eq!(t.order_count(), 1);
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (1, 1, [1, 0, 0]));
    assert_eq!(t.latest_order_date(), Some(d("2026-11-01")));

    // Moved to an order that is not known: an orphan again, and no longer counted.
    t.insert_defect(fb("f", "another", 1));
    let orphans: Vec<_> = t.orphan_defects().map(|x| x.order_id.to_string()).collect();
    assert_eq!(orphans, ["another"]);
    assert_eq!(counts(&t, Fulfillment::Merchant, as_of), (1, 0, [0; 3]));
}

#[test]
fn status_headroom_and_forecast() {
    // 200 orders on 10-01, 3 of them defective: 1.5% >= 1%.
    let mut t = OdrTracker::default();
    for i in 0..200 {
        t.insert_order(mfn(&format!("o{i}"), "2026-10-01"));
    }
    for i in 0..3 {
        t.insert_defect(fb(&format!("f{i}"), &format!("o{i}"), 1));
    }
    // 100 clean orders on 10-20 and 1 defective on 10-25 among 100.
    for i in 0..100 {
        t.insert_order(mfn(&format!("p{i}"), "2026-10-20"));
        t.insert_order(mfn(&format!("q{i}"), "2026-10-25"));
    }
    t.insert_defect(fb("g", "q0", 2));
    let w = t.window(Fulfillment::Merchant, d("2026-11-26")).unwrap();
    assert_eq!((w.orders, w.defective_orders), (400, 4));
    assert_eq!(w.status, OdrStatus::OverTarget); // 4/400 = 1% is not below 1%
    assert_eq!(w.headroom, 0);
    let exits: Vec<_> = w
        .forecast
        .exits
        .iter()
        .map(|e| (e.order_date, e.leaves_on, e.defective_orders))
        .collect();
    assert_eq!(
        exits,
        [
            (d("2026-10-01"), d("2026-11-30"), 3),
            (d("2026-10-25"), d("2026-12-24"), 1)
        ]
    );
    // On 11-30 the 10-01 orders leave: 1/200 = 0.5%.
    assert_eq!(w.forecast.back_under_target, Some(d("2026-11-30")));
    let next = t.window(Fulfillment::Merchant, d("2026-11-30")).unwrap();
    assert_eq!((next.orders, next.defective_orders), (200, 1));
    assert_eq!(next.status, OdrStatus::Healthy);
    assert_eq!(next.headroom, 0); // 2/200 = 1% is not below 1%
    assert_eq!(next.forecast.back_under_target, None);

    let warn = t.window(Fulfillment::Merchant, d("2026-11-29")).unwrap();
    assert_eq!(warn.forecast.back_under_target, Some(d("2026-11-30")));

    // Warning: 3/400 = 0.75%.
    t.insert_defect(fb("g", "q0", 2).with_removed(true));
    let w = t.window(Fulfillment::Merchant, d("2026-11-26")).unwrap();
    assert_eq!((w.status, w.headroom), (OdrStatus::Warning, 0));
    assert!((w.kind_rate(DefectKind::NegativeFeedback) - 0.0075).abs() < 1e-12);
    let ci = w.wilson_interval(1.96).unwrap();
    assert!(ci.low > 0.0 && ci.low < 0.0075 && ci.high > 0.0075 && ci.high < 0.03);
}

#[test]
fn forecast_waits_for_lagged_orders() {
    // With a lag, the window ends before as_of; defective orders in the lag period
    // enter the window later, so back_under_target accounts for them.
    let s = OdrSettings::builder()
        .lag_days(10)
        .window_days(5)
        .build()
        .unwrap();
    let mut t = OdrTracker::new(s);
    t.insert_order(mfn("a", "2026-10-01"));
    t.insert_defect(fb("f", "a", 1));
    t.insert_order(mfn("b", "2026-10-08"));
    t.insert_defect(fb("g", "b", 1));
    // as_of 10-11: window 09-27 ..= 10-01 holds a (defective).
    let w = t.window(Fulfillment::Merchant, d("2026-10-11")).unwrap();
    assert_eq!((w.orders, w.status), (1, OdrStatus::OverTarget));
    // 10-12: window 09-28 ..= 10-02 still holds a; a leaves on 10-16
    // (window 10-02 ..= 10-06, empty); b enters on 10-18 (window 10-04 ..= 10-08).
    assert_eq!(w.forecast.back_under_target, Some(d("2026-10-16")));
    assert_eq!(w.forecast.exits[0].leaves_on, d("2026-10-16"));
}

#[test]
fn combined_view_is_labelled_and_separate() {
    let mut t = OdrTracker::default();
    t.insert_order(mfn("a", "2026-10-01"));
    t.insert_order(fba("b", "2026-10-01"));
    t.insert_defect(fb("f", "a", 1));
    let r = t.report(d("2026-10-02")).unwrap();
    assert_eq!(r.channel(Fulfillment::Merchant).rate, 1.0);
    assert_eq!(r.channel(Fulfillment::Amazon).rate, 0.0);
    let all = r.combined();
    assert_eq!((all.orders, all.defective_orders), (2, 1));
    assert_eq!(
        (r.window.start, r.window.end),
        (d("2026-08-04"), d("2026-10-02"))
    );
}

#[test]
fn bad_settings_and_ranges_are_typed_errors() {
    let b = OdrSettings::builder;
    let table: Vec<(&str, Result<OdrSettings, OdrError>, &str)> = vec![
        (
            "window0",
            b().window_days(0).build(),
            "odr settings: window_days must be between 1 and 3650, got 0",
        ),
        (
            "lag",
            b().lag_days(4000).build(),
            "odr settings: lag_days must be at most 3650, got 4000",
        ),
        (
            "nan",
            b().target(f64::NAN).build(),
            "odr settings: target must be a fraction above 0 and at most 1, got NaN",
        ),
        (
            "neg",
            b().warning(-0.1).build(),
            "odr settings: warning must be a fraction above 0 and at most 1, got -0.1",
        ),
        (
            "big",
            b().target(1.5).build(),
            "odr settings: target must be a fraction above 0 and at most 1, got 1.5",
        ),
        (
            "below_ppm",
            b().warning(0.0000004).build(),
            "odr settings: warning 0.0000004 is below one part per million (0.000001), the smallest threshold the tracker resolves",
        ),
        (
            "order",
            b().warning(0.02).build(),
            "odr settings: warning (0.02) must not be above target (0.01)",
        ),
    ];
    for (name, result, message) in table {
        assert_eq!(
            result.map_err(|e| e.to_string()),
            Err(message.to_owned()),
            "{name}"
        );
    }
    assert!(CountingRules::default()
        .with_negative_feedback_max_stars(6)
        .is_err());
    assert!(Stars::new(0).is_err());

    let t = OdrTracker::default();
    let err = t.series(Fulfillment::Merchant, d("2026-10-02"), d("2026-10-01"));
    assert!(matches!(err, Err(OdrError::DateRange { .. })));
    assert!(t.window(Fulfillment::Merchant, NaiveDate::MIN).is_err());
}

#[test]
fn serde_round_trips() {
    let s = OdrSettings::builder()
        .lag_days(14)
        .rules(CountingRules::default().with_claim_status(ClaimStatus::Denied, true))
        .build()
        .unwrap();
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<OdrSettings>(&json).unwrap(), s);
    assert!(
        json.contains(r#""counted_claim_statuses":["open","granted","denied"]"#),
        "{json}"
    );
    assert!(serde_json::from_str::<OdrSettings>(r#"{"window_days": 0}"#).is_err());
    assert_eq!(
        serde_json::from_str::<OdrSettings>("{}").unwrap(),
        OdrSettings::default()
    );

    let defect = claim("c", "a", ClaimStatus::Open).with_removed(true);
    let json = serde_json::to_value(&defect).unwrap();
    assert_eq!(json["kind"], "a_to_z_claim");
    assert_eq!(json["claim_status"], "open");
    assert_eq!(serde_json::from_value::<Defect>(json).unwrap(), defect);
    let bad =
        r#"{"id":"f","order_id":"a","kind":"negative_feedback","stars":9,"received":"2026-01-01"}"#;
    assert!(serde_json::from_str::<Defect>(bad).is_err());

    let mut t = OdrTracker::default();
    t.insert_order(fba("a", "2026-10-01"));
    let json = serde_json::to_string(t.tallies()).unwrap();
    assert_eq!(
        &serde_json::from_str::<OdrTallies>(&json).unwrap(),
        t.tallies()
    );
}

#[test]
fn public_types_are_send_sync_and_unwind_safe() {
    fn assert_all<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
    assert_all::<OdrTracker>();
    assert_all::<OdrTallies>();
    assert_all::<OdrSettings>();
    assert_all::<odr_guard::odr::OdrReport>();
    assert_all::<Defect>();
    assert_all::<Order>();
    assert_all::<OdrError>();
}

// ---------------------------------------------------------------------------
// Properties against a naive recount.

const BASE: &str = "2026-01-01";

#[derive(Debug, Clone)]
enum Event {
    Order(Order),
    Defect(Defect),
}

fn order_strategy() -> impl Strategy<Value = Order> {
    (
        0u32..40,
        0u64..120,
        any::<bool>(),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(id, day, amazon, cancelled)| {
            let f = if amazon {
                Fulfillment::Amazon
            } else {
                Fulfillment::Merchant
            };
            Order::new(format!("o{id}"), d(BASE) + Days::new(day), f).with_cancelled(cancelled)
        })
}

fn detail_strategy() -> impl Strategy<Value = DefectDetail> {
    prop_oneof![
        (1u8..=5).prop_map(|s| DefectDetail::NegativeFeedback {
            stars: Stars::new(s).unwrap()
        }),
        prop::sample::select(ClaimStatus::ALL.to_vec())
            .prop_map(|claim_status| DefectDetail::AToZClaim { claim_status }),
        prop::sample::select(ChargebackKind::ALL.to_vec())
            .prop_map(|chargeback_kind| DefectDetail::Chargeback { chargeback_kind }),
    ]
}

fn defect_strategy() -> impl Strategy<Value = Defect> {
    // Order ids up to 44: some defects never meet their order.
    (
        0u32..30,
        0u32..45,
        detail_strategy(),
        0u64..200,
        prop::bool::weighted(0.15),
    )
        .prop_map(|(id, order, detail, day, removed)| {
            Defect::new(
                format!("x{id}"),
                format!("o{order}"),
                detail,
                d(BASE) + Days::new(day),
            )
            .with_removed(removed)
        })
}

fn events_strategy() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec(
        prop_oneof![
            order_strategy().prop_map(Event::Order),
            defect_strategy().prop_map(Event::Defect)
        ],
        0..120,
    )
}

fn settings_strategy() -> impl Strategy<Value = OdrSettings> {
    (1u32..90, 0u32..20, any::<bool>(), any::<bool>()).prop_map(|(w, lag, cancelled, denied)| {
        OdrSettings::builder()
            .window_days(w)
            .lag_days(lag)
            .rules(
                CountingRules::default()
                    .with_cancelled_orders(cancelled)
                    .with_claim_status(ClaimStatus::Denied, denied),
            )
            .build()
            .unwrap()
    })
}

fn ingest(settings: OdrSettings, events: &[Event]) -> OdrTracker {
    let mut t = OdrTracker::new(settings);
    for e in events {
        match e {
            Event::Order(o) => t.insert_order(o.clone()),
            Event::Defect(x) => t.insert_defect(x.clone()),
        };
    }
    t
}

/// The last version of each id, as a naive reference keeps it.
fn final_state(events: &[Event]) -> (BTreeMap<String, Order>, BTreeMap<String, Defect>) {
    let mut orders = BTreeMap::new();
    let mut defects = BTreeMap::new();
    for e in events {
        match e {
            Event::Order(o) => {
                orders.insert(o.id.to_string(), o.clone());
            }
            Event::Defect(x) => {
                defects.insert(x.id.to_string(), x.clone());
            }
        }
    }
    (orders, defects)
}

/// Recounts a window from scratch: every order, every defect.
fn naive(settings: &OdrSettings, events: &[Event], f: Fulfillment, as_of: NaiveDate) -> Counts {
    let (orders, defects) = final_state(events);
    let end = as_of - Days::new(settings.lag_days().into());
    let start = end - Days::new((settings.window_days() - 1).into());
    let rules = settings.rules();
    let mut c: Counts = (0, 0, [0; 3]);
    for o in orders.values() {
        if o.fulfillment != f || o.date < start || o.date > end {
            continue;
        }
        if o.cancelled && !rules.counts_cancelled_orders() {
            continue;
        }
        c.0 += 1;
        let mut kinds = [false; 3];
        for x in defects.values().filter(|x| x.order_id == o.id) {
            // The rules spelled out again, independently of CountingRules::counts.
            let counts = !x.removed
                && match x.detail {
                    DefectDetail::NegativeFeedback { stars } => stars.get() <= 2,
                    DefectDetail::AToZClaim { claim_status } => {
                        matches!(claim_status, ClaimStatus::Open | ClaimStatus::Granted)
                            || (claim_status == ClaimStatus::Denied
                                && rules.counts_claim(ClaimStatus::Denied))
                    }
                    DefectDetail::Chargeback { chargeback_kind } => {
                        chargeback_kind == ChargebackKind::Service
                    }
                    _ => unreachable!(),
                };
            if counts {
                let i = DefectKind::ALL.iter().position(|k| *k == x.kind()).unwrap();
                kinds[i] = true;
            }
        }
        if kinds.iter().any(|k| *k) {
            c.1 += 1;
        }
        for (slot, k) in c.2.iter_mut().zip(kinds) {
            *slot += u64::from(k);
        }
    }
    c
}

fn shard_of(order_id: &str, shards: usize) -> usize {
    order_id
        .bytes()
        .fold(7usize, |h, b| h.wrapping_mul(31).wrapping_add(b.into()))
        % shards
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The tracker's windows equal a naive recount of the final state.
    #[test]
    fn window_equals_naive_recount(
        settings in settings_strategy(),
        events in events_strategy(),
        as_of_day in 0u64..220,
    ) {
        let t = ingest(settings, &events);
        let as_of = d(BASE) + Days::new(as_of_day);
        for f in Fulfillment::ALL.iter().copied() {
            prop_assert_eq!(counts(&t, f, as_of), naive(&settings, &events, f, as_of));
        }
    }

    /// Shards keyed by order id, tallied apart and merged in any order, give
    /// exactly the single-tracker tallies.
    #[test]
    fn merged_shards_equal_the_whole(
        settings in settings_strategy(),
        events in events_strategy(),
        shards in 1usize..5,
    ) {
        // Sharding is by order id, so a defect id stays on the order it was first
        // filed on (a defect moved across shards is outside that contract).
        let mut owner: HashMap<String, odr_guard::odr::OrderId> = HashMap::new();
        let events: Vec<Event> = events
            .into_iter()
            .map(|e| match e {
                Event::Defect(mut x) => {
                    x.order_id = owner.entry(x.id.to_string()).or_insert(x.order_id).clone();
                    Event::Defect(x)
                }
                other => other,
            })
            .collect();
        let whole = ingest(settings, &events);
        let parts: Vec<OdrTracker> = (0..shards)
            .map(|s| {
                let mine: Vec<Event> = events
                    .iter()
                    .filter(|e| {
                        let order = match e {
                            Event::Order(o) => &o.id,
                            Event::Defect(x) => &x.order_id,
                        };
                        shard_of(order.as_str(), shards) == s
                    })
                    .cloned()
                    .collect();
                ingest(settings, &mine)
            })
            .collect();
        let mut forward = OdrTallies::new();
        for p in &parts {
            forward.merge(p.tallies());
        }
        let mut backward = OdrTallies::new();
        for p in parts.iter().rev() {
            backward += p.tallies();
        }
        prop_assert_eq!(&forward, &backward);
        prop_assert_eq!(&forward, whole.tallies());
        let as_of = d(BASE) + Days::new(100);
        prop_assert_eq!(forward.report(&settings, as_of).unwrap(), whole.report(as_of).unwrap());
    }

    /// Tally merge is commutative and associative with the empty tally as identity.
    #[test]
    fn tally_merge_is_a_commutative_monoid(
        masks in prop::collection::vec(prop::collection::vec(0usize..3, 0..3), 3..30),
        split_a in 0usize..30,
        split_b in 0usize..30,
    ) {
        let tallies: Vec<DailyTally> = masks
            .iter()
            .map(|ks| DailyTally::order(&ks.iter().map(|k| DefectKind::ALL[*k]).collect::<Vec<_>>()))
            .collect();
        let sum = |ts: &[DailyTally]| ts.iter().fold(DailyTally::default(), |acc, t| acc + *t);
        let (i, j) = (split_a.min(tallies.len()), split_b.min(tallies.len()));
        let (i, j) = (i.min(j), i.max(j));
        let (a, b, c) = (sum(&tallies[..i]), sum(&tallies[i..j]), sum(&tallies[j..]));
        prop_assert_eq!((a + b) + c, a + (b + c));
        prop_assert_eq!(a + b, b + a);
        prop_assert_eq!(a + DailyTally::default(), a);
        let total = sum(&tallies);
        prop_assert_eq!(c + b + a, total);
        prop_assert_eq!(total.orders, tallies.len() as u64);
        prop_assert!(total.defective_orders <= total.orders);
        for k in DefectKind::ALL.iter().copied() {
            prop_assert!(total.by_kind.get(k) <= total.defective_orders);
        }
    }

    /// Ingesting the final versions of distinct ids in any order gives the same
    /// tallies.
    #[test]
    fn ingest_order_does_not_matter(
        settings in settings_strategy(),
        (events, shuffled) in events_strategy().prop_flat_map(|events| {
            let (orders, defects) = final_state(&events);
            let finals: Vec<Event> = orders
                .into_values()
                .map(Event::Order)
                .chain(defects.into_values().map(Event::Defect))
                .collect();
            (Just(finals.clone()), Just(finals).prop_shuffle())
        }),
    ) {
        let a = ingest(settings, &events);
        let b = ingest(settings, &shuffled);
        prop_assert_eq!(a.tallies(), b.tallies());
        // Re-ingesting everything is a no-op.
        let mut again = b.clone();
        for e in &events {
            let r = match e {
                Event::Order(o) => again.insert_order(o.clone()),
                Event::Defect(x) => again.insert_defect(x.clone()),
            };
            prop_assert_eq!(r, Ingest::Unchanged);
        }
        prop_assert_eq!(again.tallies(), a.tallies());
    }

    /// The sliding series equals recomputing each day, and rates stay in [0, 1].
    #[test]
    fn sliding_series_equals_per_day_recomputation(
        settings in settings_strategy(),
        events in events_strategy(),
        first in 0u64..150,
        len in 0u64..120,
    ) {
        let t = ingest(settings, &events);
        let first = d(BASE) + Days::new(first);
        let last = first + Days::new(len);
        for f in Fulfillment::ALL.iter().copied() {
            let series = t.series(f, first, last).unwrap();
            prop_assert_eq!(series.len() as u64, len + 1);
            for p in &series {
                let again = t.tallies().point(&settings, f, p.as_of).unwrap();
                prop_assert_eq!(p, &again);
                prop_assert!((0.0..=1.0).contains(&p.rate));
                let w = t.window(f, p.as_of).unwrap();
                prop_assert_eq!((w.orders, w.defective_orders, w.rate, w.status),
                    (p.totals.orders, p.totals.defective_orders, p.rate, p.status));
            }
        }
    }

    /// Headroom is exact: that many more defective orders stay strictly under the
    /// target, one more does not; and the forecast's date is really the first.
    #[test]
    fn headroom_is_exact(
        orders in 1u64..3000,
        defective_share in 0u64..=100,
        target_ppm in 1u32..=1_000_000,
    ) {
        let defective = orders * defective_share / 100 / 20; // 0 .. 5% of orders
        let settings = OdrSettings::builder()
            .target(f64::from(target_ppm) / 1e6)
            .warning(f64::from(target_ppm) / 1e6)
            .build()
            .unwrap();
        let day = d(BASE);
        let build = |bad: u64| {
            let mut t = OdrTallies::new();
            for i in 0..orders {
                let kinds: &[DefectKind] = if i < bad { &[DefectKind::AToZClaim] } else { &[] };
                t.add(Fulfillment::Merchant, day, &DailyTally::order(kinds));
            }
            t
        };
        let under = |bad: u64| u128::from(bad) * 1_000_000 < u128::from(orders) * u128::from(target_ppm);
        let w = build(defective).window(&settings, Fulfillment::Merchant, day).unwrap();
        prop_assert!((0.0..=1.0).contains(&w.rate));
        let h = w.headroom;
        if under(defective) {
            prop_assert!(w.status != OdrStatus::OverTarget);
            prop_assert!(under(defective + h));
            prop_assert!(!under(defective + h + 1));
            if defective + h < orders {
                let more = build(defective + h).window(&settings, Fulfillment::Merchant, day).unwrap();
                prop_assert!(more.status != OdrStatus::OverTarget);
                let one_more = build(defective + h + 1).window(&settings, Fulfillment::Merchant, day).unwrap();
                prop_assert_eq!(one_more.status, OdrStatus::OverTarget);
            }
        } else {
            prop_assert_eq!(h, 0);
            prop_assert_eq!(w.status, OdrStatus::OverTarget);
            // Everything is on one day, so the rate is back under target the day
            // it leaves the window.
            prop_assert_eq!(w.forecast.back_under_target, Some(day + Days::new(60)));
        }
    }
}
