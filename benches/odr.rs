//! ODR tracker benchmarks, each group against its baseline in the same run:
//!
//! - `odr_ingest/1m_orders`: the example's CSV reader alone vs the same reader
//!   feeding an `OdrTracker` (bar: ingest at no less than a quarter of the speed).
//! - `odr_ingest/20k_defects`: the same for 20 000 defects onto the 1M orders.
//! - `odr_window/1m_orders`: one report (both channels) from the tallies vs a
//!   naive recount over every order.
//! - `odr_series/365d`: the sliding daily series vs summing each day's window
//!   from the tallies again vs recounting each day's window from the order list
//!   (bar: the sliding series at least 50x faster than recomputing each day).
//!
//! Every variant checks its answer against the expected one inside the timed
//! closure, so a fast wrong answer cannot win.
//!
//! `cargo bench --bench odr` (smoke run: `cargo bench --bench odr -- --test`).

#[allow(dead_code)]
#[path = "../examples/common/odr_csv.rs"]
mod odr_csv;
#[allow(dead_code)]
#[path = "../examples/common/odr_gen.rs"]
mod odr_gen;

use std::collections::HashMap;
use std::hint::black_box;

use chrono::{Days, NaiveDate};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use odr_guard::odr::{Defect, Fulfillment, OdrPoint, OdrSettings, Order};
use odr_guard::OdrTracker;

const ORDERS: usize = 1_000_000;
const DEFECTS: usize = 20_000;

struct Data {
    orders_csv: String,
    defects_csv: String,
    orders: Vec<Order>,
    defects: Vec<Defect>,
    tracker: OdrTracker,
    as_of: NaiveDate,
}

fn data() -> Data {
    let as_of = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
    let g = odr_gen::generate(&odr_gen::GenConfig {
        seed: 4,
        orders: ORDERS,
        defects: DEFECTS,
        last_day: as_of,
        days: 365,
    });
    let mut orders = Vec::with_capacity(ORDERS);
    let bad = odr_csv::read_orders("orders", g.orders_csv.as_bytes(), |o| orders.push(o)).unwrap();
    assert!(bad.is_empty());
    let mut defects = Vec::new();
    let bad =
        odr_csv::read_defects("defects", g.defects_csv.as_bytes(), |d| defects.push(d)).unwrap();
    assert!(bad.is_empty());
    let mut tracker = OdrTracker::with_capacity(OdrSettings::default(), ORDERS);
    orders.iter().for_each(|o| {
        tracker.insert_order(o.clone());
    });
    defects.iter().for_each(|d| {
        tracker.insert_defect(d.clone());
    });
    Data {
        orders_csv: g.orders_csv,
        defects_csv: g.defects_csv,
        orders,
        defects,
        tracker,
        as_of,
    }
}

/// The naive model: whether each order id has a counted defect (latest version
/// of each defect id).
fn defective_ids(d: &Data) -> HashMap<&str, bool> {
    let rules = *OdrSettings::default().rules();
    let mut latest: HashMap<&str, &Defect> = HashMap::new();
    for x in &d.defects {
        latest.insert(x.id.as_str(), x);
    }
    let mut defective: HashMap<&str, bool> = HashMap::new();
    for x in latest.values() {
        *defective.entry(x.order_id.as_str()).or_default() |= rules.counts(x);
    }
    defective
}

/// Per order, its date, channel and whether it is defective, sorted by date.
fn naive_orders(d: &Data, defective: &HashMap<&str, bool>) -> Vec<(NaiveDate, Fulfillment, bool)> {
    let mut v: Vec<_> = d
        .orders
        .iter()
        .map(|o| {
            (
                o.date,
                o.fulfillment,
                defective.get(o.id.as_str()).copied().unwrap_or(false),
            )
        })
        .collect();
    v.sort_by_key(|o| o.0);
    v
}

/// (orders, defective) of one channel's window, recounted from the sorted list.
fn recount(v: &[(NaiveDate, Fulfillment, bool)], f: Fulfillment, as_of: NaiveDate) -> (u64, u64) {
    let start = as_of - Days::new(59);
    let lo = v.partition_point(|o| o.0 < start);
    let hi = v.partition_point(|o| o.0 <= as_of);
    v[lo..hi]
        .iter()
        .filter(|o| o.1 == f)
        .fold((0, 0), |(n, d), o| (n + 1, d + u64::from(o.2)))
}

fn checksum(points: &[OdrPoint]) -> (u64, u64) {
    points.iter().fold((0, 0), |(n, d), p| {
        (n + p.totals.orders, d + p.totals.defective_orders)
    })
}

fn benches(c: &mut Criterion) {
    let d = data();

    let mut g = c.benchmark_group("odr_ingest/1m_orders");
    g.sample_size(10)
        .throughput(Throughput::Elements(ORDERS as u64));
    g.bench_function("csv_parse_only", |b| {
        b.iter(|| {
            let mut n = 0usize;
            odr_csv::read_orders("orders", d.orders_csv.as_bytes(), |o| {
                black_box(&o);
                n += 1;
            })
            .unwrap();
            assert_eq!(n, ORDERS);
        })
    });
    g.bench_function("csv_parse_and_ingest", |b| {
        b.iter(|| {
            let mut t = OdrTracker::with_capacity(OdrSettings::default(), ORDERS);
            odr_csv::read_orders("orders", d.orders_csv.as_bytes(), |o| {
                t.insert_order(o);
            })
            .unwrap();
            assert_eq!(t.order_count(), ORDERS);
            t
        })
    });
    g.finish();

    let mut only_orders = OdrTracker::with_capacity(OdrSettings::default(), ORDERS);
    d.orders.iter().for_each(|o| {
        only_orders.insert_order(o.clone());
    });
    let mut g = c.benchmark_group("odr_ingest/20k_defects");
    g.sample_size(10)
        .throughput(Throughput::Elements(d.defects.len() as u64));
    g.bench_function("csv_parse_only", |b| {
        b.iter(|| {
            let mut n = 0usize;
            odr_csv::read_defects("defects", d.defects_csv.as_bytes(), |x| {
                black_box(&x);
                n += 1;
            })
            .unwrap();
            assert_eq!(n, d.defects.len());
        })
    });
    g.bench_function("csv_parse_and_ingest", |b| {
        b.iter_batched(
            || only_orders.clone(),
            |mut t| {
                odr_csv::read_defects("defects", d.defects_csv.as_bytes(), |x| {
                    t.insert_defect(x);
                })
                .unwrap();
                assert_eq!(t.tallies(), d.tracker.tallies());
                t
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let defective = defective_ids(&d);
    let naive = naive_orders(&d, &defective);
    let expected: Vec<(u64, u64)> = Fulfillment::ALL
        .iter()
        .map(|f| recount(&naive, *f, d.as_of))
        .collect();
    let mut g = c.benchmark_group("odr_window/1m_orders");
    g.bench_function("tallies_report", |b| {
        b.iter(|| {
            let r = d.tracker.report(black_box(d.as_of)).unwrap();
            let got: Vec<(u64, u64)> = Fulfillment::ALL
                .iter()
                .map(|f| (r.channel(*f).orders, r.channel(*f).defective_orders))
                .collect();
            assert_eq!(got, expected);
        })
    });
    g.sample_size(10).bench_function("naive_recount", |b| {
        b.iter(|| {
            let start = d.as_of - Days::new(59);
            let got: Vec<(u64, u64)> = Fulfillment::ALL
                .iter()
                .map(|f| {
                    d.orders
                        .iter()
                        .filter(|o| o.fulfillment == *f && start <= o.date && o.date <= d.as_of)
                        .fold((0, 0), |(n, x), o| {
                            let bad = defective.get(o.id.as_str()).copied().unwrap_or(false);
                            (n + 1, x + u64::from(bad))
                        })
                })
                .collect();
            assert_eq!(got, expected);
        })
    });
    g.finish();

    let first = d.as_of - Days::new(364);
    let settings = *d.tracker.settings();
    let days: Vec<NaiveDate> = first.iter_days().take(365).collect();
    let expected = checksum(
        &days
            .iter()
            .map(|day| {
                d.tracker
                    .tallies()
                    .point(&settings, Fulfillment::Merchant, *day)
                    .unwrap()
            })
            .collect::<Vec<_>>(),
    );
    let mut g = c.benchmark_group("odr_series/365d");
    g.bench_function("sliding", |b| {
        b.iter(|| {
            let s = d
                .tracker
                .series(Fulfillment::Merchant, black_box(first), d.as_of)
                .unwrap();
            assert_eq!(checksum(&s), expected);
            s
        })
    });
    g.bench_function("per_day_tally_sum", |b| {
        b.iter(|| {
            let s: Vec<OdrPoint> = days
                .iter()
                .map(|day| {
                    d.tracker
                        .tallies()
                        .point(&settings, Fulfillment::Merchant, *day)
                        .unwrap()
                })
                .collect();
            assert_eq!(checksum(&s), expected);
            s
        })
    });
    g.sample_size(10).bench_function("per_day_recount", |b| {
        b.iter(|| {
            let s: (u64, u64) = days
                .iter()
                .map(|day| recount(&naive, Fulfillment::Merchant, *day))
                .fold((0, 0), |(n, x), (a, b)| (n + a, x + b));
            assert_eq!(s, expected);
            s
        })
    });
    g.finish();
}

criterion_group!(odr, benches);
criterion_main!(odr);
