//! SLA evaluation and queue ordering on a batch of 100 000 typical 500-byte tickets,
//! compared in the same run with classification alone (the bar: SLA evaluation plus
//! ordering adds at most 50% to classification's cost).

use std::hint::black_box;

use chrono::{DateTime, Days, NaiveDate, TimeDelta, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use odr_guard::odr::Fulfillment;
use odr_guard::ticket::{MessageKind, OrderContext};
use odr_guard::{Channel, Classifier, Marketplace, Message, Policy, Ticket, TriageQueue};

const SENTENCES: &[&str] = &[
    "Hello, I ordered this last week for my daughter's birthday. ",
    "The tracking number has not updated in five days and I am getting worried. ",
    "Could you please tell me when it will arrive? ",
    "The box arrived damaged and the screen is cracked. ",
    "Thanks a lot for your help, have a nice day. ",
    "I would like to return it and get a refund please. ",
    "If I do not hear back I will open an A-to-z claim. ",
    "Is this compatible with the 2024 model? ",
    "我的快递一直没动，请帮忙查一下。",
    "Wo ist mein Paket? Ich warte seit zwei Wochen. ",
];

/// Deterministic tickets of about 500 bytes each, across channels, with histories.
fn tickets(n: usize, start: DateTime<Utc>) -> Vec<Ticket> {
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..n)
        .map(|i| {
            let channel = match next() % 10 {
                0..=5 => Channel::amazon(Marketplace::Us),
                6 | 7 => Channel::Shopify,
                8 => Channel::TiktokShop,
                _ => Channel::Instagram,
            };
            let mut body = String::with_capacity(560);
            while body.len() < 500 {
                let k = (next() % SENTENCES.len() as u64) as usize;
                body.push_str(SENTENCES.get(k).copied().unwrap_or_default());
            }
            let at = start + TimeDelta::minutes((next() % 600) as i64);
            let mut t =
                Ticket::new(format!("T{i}"), channel).with_message(Message::buyer(at, body));
            match next() % 4 {
                0 => t
                    .messages
                    .push(Message::agent(at + TimeDelta::minutes(30), "On it.")),
                1 => t
                    .messages
                    .push(Message::new(MessageKind::AutoReply, at, "Thanks!")),
                _ => {}
            }
            t
        })
        .collect()
}

fn bench_batch(c: &mut Criterion) {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 2, 8, 0, 0)
        .single()
        .unwrap_or_default();
    let now = start + TimeDelta::hours(10);
    let batch = tickets(100_000, start);
    let classifier = Classifier::new();
    let policy = Policy::default();
    let assessments: Vec<_> = batch.iter().map(|t| classifier.classify(t)).collect();

    let rules = odr_guard::sla::RuleSet::default();
    let mut group = c.benchmark_group("sla/100k_tickets_500b");
    group.sample_size(10);
    group.bench_function("classify", |b| {
        b.iter(|| {
            let critical = batch
                .iter()
                .filter(|t| {
                    rules.tier_of(t, &classifier.classify(t)).tier
                        == odr_guard::RiskTier::OdrCritical
                })
                .count();
            assert!(critical > 0);
            black_box(critical)
        })
    });
    group.bench_function("sla+queue", |b| {
        b.iter(|| {
            let mut queue = TriageQueue::new();
            for (t, a) in batch.iter().zip(&assessments) {
                let report = policy.evaluate(t, a, now).unwrap_or_else(|e| panic!("{e}"));
                queue.upsert(t.id.as_str(), &report);
            }
            assert_eq!(queue.len(), batch.len());
            black_box(queue.peek().map(|i| i.tier))
        })
    });
    group.finish();
}

/// Issue 5's bar: evaluation with order context costs at most 1.2x without.
fn bench_order_context(c: &mut Criterion) {
    let start = Utc
        .with_ymd_and_hms(2026, 11, 2, 8, 0, 0)
        .single()
        .unwrap_or_default();
    let now = start + TimeDelta::hours(10);
    let plain = tickets(100_000, start);
    let classifier = Classifier::new();
    let policy = Policy::default();
    let assessments: Vec<_> = plain.iter().map(|t| classifier.classify(t)).collect();
    let with_order: Vec<Ticket> = plain
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let day = (i % 9) as u64;
            let max_delivery = NaiveDate::from_ymd_opt(2026, 10, 28)
                .and_then(|d| d.checked_add_days(Days::new(day)))
                .unwrap_or_default();
            let mut order = OrderContext::new()
                .fulfillment(if i % 5 == 0 {
                    Fulfillment::Amazon
                } else {
                    Fulfillment::Merchant
                })
                .max_delivery_date(max_delivery);
            if i % 7 == 0 {
                order = order.delivered_at(start - TimeDelta::hours(30));
            }
            t.clone().with_order(order)
        })
        .collect();

    let mut group = c.benchmark_group("sla/order_context_100k");
    group.sample_size(10);
    for (name, batch) in [("without", &plain), ("with", &with_order)] {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut critical = 0;
                for (t, a) in batch.iter().zip(&assessments) {
                    let r = policy.evaluate(t, a, now).unwrap_or_else(|e| panic!("{e}"));
                    critical += usize::from(r.tier == odr_guard::RiskTier::OdrCritical);
                }
                assert!(critical > 0);
                black_box(critical)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_batch, bench_order_context);
criterion_main!(benches);
