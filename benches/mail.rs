//! E-mail ingestion benchmarks: `mail/{message}` groups comparing
//!
//! - `parse+classify`: a buyer's e-mail read by `MailReader` (MIME, transfer
//!   encoding, charset, Amazon's relay boilerplate stripped), threaded into a ticket
//!   by `MailThreads` and classified;
//! - `classify-body`: the same-run baseline, classifying the e-mail's body text alone
//!   (the buyer's words, already decoded) as a one-message ticket;
//! - `classify-decoded-text`: a second reading of "its body text": the decoded
//!   text/plain body as the e-mail carries it, Amazon's wrapper and footer included
//!   (what a help desk without this module would classify).
//!
//! The bar (issue 15): `parse+classify` costs at most 3x `classify-body`. The
//! messages are bundled ones: a quoted-printable UTF-8 relay message with Amazon's
//! wrapper and footer, and a base64 GBK one with an encoded-word subject. Every row
//! checks its answer inside the timed closure.
//!
//! Run: `cargo bench --bench mail --features mail -- --warm-up-time 1 --measurement-time 3`.

use std::hint::black_box;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use odr_guard::mail::{MailReader, MailThreads};
use odr_guard::{Channel, Classifier, Marketplace, Message, RiskCategory, Ticket};

const MESSAGES: [(&str, &[u8]); 2] = [
    (
        "en_relay_qp",
        include_bytes!("../examples/data/mail/01_en_not_received.eml"),
    ),
    (
        "zh_gbk_base64",
        include_bytes!("../examples/data/mail/04_zh_gbk.eml"),
    ),
];

fn bench(c: &mut Criterion) {
    let classifier = Classifier::new();
    let reader = MailReader::new().seller_address("support@brightline.example");
    let at = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("time");
    for (name, raw) in MESSAGES {
        let body = reader.read(raw).expect("bundled message").body;
        let decoded = mail_parser::MessageParser::new()
            .parse(raw)
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .expect("text body");
        let mut group = c.benchmark_group(format!("mail/{name}"));
        group.throughput(Throughput::Bytes(raw.len() as u64));
        group.bench_function("parse+classify", |b| {
            b.iter(|| {
                let mail = reader.read(black_box(raw)).expect("parses");
                let tickets = MailThreads::from_iter([mail]).into_tickets();
                let a = classifier.classify(&tickets[0]);
                assert!(a.categories().contains(RiskCategory::AToZClaim));
                a
            })
        });
        group.bench_function("classify-body", |b| {
            b.iter(|| {
                let ticket = Ticket::new("t", Channel::amazon(Marketplace::Us))
                    .with_message(Message::buyer(at, black_box(body.as_str())));
                let a = classifier.classify(&ticket);
                assert!(a.categories().contains(RiskCategory::AToZClaim));
                a
            })
        });
        group.bench_function("classify-decoded-text", |b| {
            b.iter(|| {
                let ticket = Ticket::new("t", Channel::amazon(Marketplace::Us))
                    .with_message(Message::buyer(at, black_box(decoded.as_str())));
                let a = classifier.classify(&ticket);
                assert!(a.categories().contains(RiskCategory::AToZClaim));
                a
            })
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
