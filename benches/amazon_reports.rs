//! Reading Amazon's All Orders flat file, against a same-run baseline:
//!
//! - `amazon_all_orders/1m_rows/csv-crate`: the `csv` crate alone parsing the
//!   same bytes (tab-delimited, no quoting, every record into a `StringRecord`,
//!   so UTF-8 is validated as ours does), counting rows.
//! - `amazon_all_orders/1m_rows/odr-guard`: `AmazonOrders::read`: UTF-8 check,
//!   header by name, every row's order-level fields, dates in the marketplace's
//!   zone, one order per `amazon-order-id`, merged into the order set.
//!
//! Bar: odr-guard at most 2x the `csv` crate alone. Both check their answer
//! inside the timed closure. 1M item rows of 33 columns (about 500 000 orders of
//! 1 to 3 items, both channels, some cancelled), generated here.
//!
//! `cargo bench --bench amazon_reports` (smoke run: `-- --test`).

use std::fmt::Write;
use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use odr_guard::amazon::AmazonOrders;

const ROWS: usize = 1_000_000;

const HEADER: &str = "amazon-order-id\tmerchant-order-id\tpurchase-date\tlast-updated-date\torder-status\tfulfillment-channel\tsales-channel\torder-channel\turl\tship-service-level\tproduct-name\tsku\tasin\titem-status\tquantity\tcurrency\titem-price\titem-tax\tshipping-price\tshipping-tax\tgift-wrap-price\tgift-wrap-tax\titem-promotion-discount\tship-promotion-discount\tship-city\tship-state\tship-postal-code\tship-country\tpromotion-ids\tis-business-order\tpurchase-order-number\tprice-designation\tsignature-confirmation-recommended";

const PRODUCTS: [(&str, &str, &str, &str); 4] = [
    (
        "Ceramic mug, 12 oz, blue",
        "MUG-12-BLU",
        "B0F1EXA001",
        "12.99",
    ),
    (
        "Bamboo lid for 12 oz mug",
        "LID-BAM-12",
        "B0F1EXA003",
        "4.49",
    ),
    (
        "Pour-over coffee stand",
        "STAND-PO-1",
        "B0F1EXA004",
        "24.95",
    ),
    ("Glass carafe, 600 ml", "CARAFE-600", "B0F1EXA005", "19.50"),
];

/// `ROWS` item rows and the number of distinct orders in them.
fn generate() -> (String, usize) {
    let mut s = String::with_capacity(ROWS * 260);
    s.push_str(HEADER);
    s.push_str("\r\n");
    let (mut rows, mut orders) = (0, 0);
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    while rows < ROWS {
        orders += 1;
        let r = next();
        let items = 1 + (r % 3) as usize;
        let day = 1 + (r >> 8) % 60;
        let (month, dom) = if day > 30 { (10, day - 30) } else { (9, day) };
        let (h, m, sec) = ((r >> 16) % 24, (r >> 24) % 60, (r >> 32) % 60);
        let fba = (r >> 40) % 5 < 2;
        let status = if (r >> 44) % 50 == 0 {
            "Cancelled"
        } else {
            "Shipped"
        };
        let id = format!(
            "11{}-{:07}-{:07}",
            1 + (r >> 48) % 4,
            orders,
            (r >> 20) % 10_000_000
        );
        for item in 0..items.min(ROWS - rows) {
            let (name, sku, asin, price) = PRODUCTS[(item + (r as usize)) % PRODUCTS.len()];
            let _ = write!(
                s,
                "{id}\t\t2026-{month:02}-{dom:02}T{h:02}:{m:02}:{sec:02}+00:00\t2026-{month:02}-{dom:02}T{h:02}:{m:02}:{sec:02}+00:00\t{status}\t{}\tAmazon.com\t\t\t{}\t{name}\t{sku}\t{asin}\tShipped\t1\tUSD\t{price}\t1.04\t0.00\t0.00\t\t\t\t\tSpringfield\tIL\t62704\tUS\t\tfalse\t\t\tfalse\r\n",
                if fba { "Amazon" } else { "Merchant" },
                if fba { "Expedited" } else { "Standard" },
            );
            rows += 1;
        }
    }
    (s, orders)
}

fn benches(c: &mut Criterion) {
    let (text, orders) = generate();
    let bytes = text.as_bytes();
    let mut g = c.benchmark_group("amazon_all_orders/1m_rows");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.sample_size(10);
    g.bench_function("csv-crate", |b| {
        b.iter(|| {
            let mut rdr = csv::ReaderBuilder::new()
                .delimiter(b'\t')
                .quoting(false)
                .flexible(true)
                .from_reader(black_box(bytes));
            let mut record = csv::StringRecord::new();
            let mut n = 0;
            while rdr.read_record(&mut record).expect("csv parse") {
                n += 1;
            }
            assert_eq!(n, ROWS);
        })
    });
    g.bench_function("odr-guard", |b| {
        b.iter(|| {
            let mut all = AmazonOrders::default();
            let read = all.read("bench.txt", black_box(bytes)).expect("read");
            assert_eq!((read.rows as usize, all.len()), (ROWS, orders));
        })
    });
    g.finish();
}

criterion_group!(amazon_reports, benches);
criterion_main!(amazon_reports);
