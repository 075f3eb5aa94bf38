//! Deterministic sample orders and defects for the `odr_report` example and the
//! ODR benchmark: a seeded splitmix64, no `rand` needed.
//!
//! Shared by `examples/gen_odr_data.rs` and `benches/odr.rs` through `#[path]`.

use std::fmt::Write as _;

use chrono::{Days, NaiveDate};

/// splitmix64 (Steele, Lea and Flood 2014): tiny, fast and good enough for test data.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Picks from `(weight, value)` pairs.
    pub fn pick<T: Copy>(&mut self, table: &[(f64, T)]) -> T {
        let total: f64 = table.iter().map(|(w, _)| w).sum();
        let mut x = self.unit() * total;
        for (w, v) in table {
            if x < *w {
                return *v;
            }
            x -= w;
        }
        table[table.len() - 1].1
    }
}

/// What to generate.
pub struct GenConfig {
    pub seed: u64,
    pub orders: usize,
    /// Defect rows to write, about (updates and a second defect on some orders
    /// may add a few).
    pub defects: usize,
    /// The last order date; orders span `days` days ending there.
    pub last_day: NaiveDate,
    pub days: u32,
}

/// Orders and defects as CSV text (headers included), in the `odr_report` formats.
pub struct Generated {
    pub orders_csv: String,
    pub defects_csv: String,
    pub order_rows: usize,
    pub defect_rows: usize,
}

const MARKETPLACES: &[(f64, &str)] = &[
    (60.0, "US"),
    (12.0, "CA"),
    (12.0, "UK"),
    (10.0, "DE"),
    (6.0, "JP"),
];

/// A year of a mid-sized seller: about two thirds seller-fulfilled, a growing
/// volume, 2% cancellations, and a defect mix of low and high star feedback,
/// claims of every status (some later reversed on appeal), service and fraud
/// chargebacks, removed feedback, a few defects on orders not in the file, and a
/// bad spell for seller-fulfilled orders (a carrier problem) about 100 days before
/// the end, which pushes the MFN rate over 1% for a while.
pub fn generate(cfg: &GenConfig) -> Generated {
    let mut rng = SplitMix64::new(cfg.seed);
    let first_day = cfg.last_day - Days::new(u64::from(cfg.days) - 1);

    // Orders: (day offset, merchant?, id)
    let mut orders: Vec<(u32, bool, String)> = (0..cfg.orders)
        .map(|i| {
            // Growing volume: later days are likelier; the last day always has orders.
            let day = if i == 0 {
                cfg.days - 1
            } else {
                ((cfg.days as f64) * rng.unit().powf(0.8)) as u32
            };
            let merchant = rng.unit() < 0.65;
            let id = format!(
                "{:03}-{:07}-{:07}",
                111 + rng.below(90),
                i,
                rng.below(10_000_000)
            );
            (day.min(cfg.days - 1), merchant, id)
        })
        .collect();
    orders.sort_by_key(|o| o.0);

    let mut orders_csv = String::with_capacity(cfg.orders * 48);
    orders_csv.push_str("order_id,order_date,fulfillment,marketplace,cancelled\n");
    for (day, merchant, id) in &orders {
        let date = first_day + Days::new(u64::from(*day));
        let f = if *merchant { "merchant" } else { "amazon" };
        let m = rng.pick(MARKETPLACES);
        let cancelled = rng.unit() < 0.02;
        let _ = writeln!(orders_csv, "{id},{date},{f},{m},{cancelled}");
    }

    // Defects: pick orders with a channel- and period-dependent acceptance.
    let bad_spell = cfg.days.saturating_sub(110)..cfg.days.saturating_sub(80);
    let mut defects: Vec<(NaiveDate, String)> = Vec::with_capacity(cfg.defects + cfg.defects / 8);
    let mut next_id = 0usize;
    let mut new_id = |prefix: &str| {
        next_id += 1;
        format!("{prefix}-{next_id:07}")
    };
    while defects.len() < cfg.defects {
        if cfg.orders == 0 {
            break;
        }
        let (day, merchant, order_id) = &orders[rng.below(cfg.orders as u64) as usize];
        let accept = match (*merchant, bad_spell.contains(day)) {
            (true, true) => 1.0,
            (true, false) => 0.28,
            (false, _) => 0.2,
        };
        if rng.unit() >= accept {
            continue;
        }
        let order_date = first_day + Days::new(u64::from(*day));
        // One in 60 defects is on an order missing from the file.
        let order_id = if rng.below(60) == 0 {
            format!("999-{:07}-0000000", rng.below(10_000_000))
        } else {
            order_id.clone()
        };
        // One or, for 15%, two defects on the order.
        let n = if rng.unit() < 0.15 { 2 } else { 1 };
        for _ in 0..n {
            let received = order_date + Days::new(3 + rng.below(43));
            // An export made on the last day holds no defect received later:
            // recent orders have had less time to collect defects.
            if received > cfg.last_day {
                continue;
            }
            let kind = rng.pick(&[(55.0, 0u8), (30.0, 1), (15.0, 2)]);
            let row = match kind {
                0 => {
                    let stars = rng.pick(&[(45.0, 1u8), (35.0, 2), (12.0, 3), (8.0, 4)]);
                    let removed = rng.unit() < 0.1;
                    format!(
                        "{},{order_id},negative_feedback,{received},{stars},,,{removed}",
                        new_id("FB")
                    )
                }
                1 => {
                    let status = if *merchant {
                        rng.pick(&[
                            (30.0, "open"),
                            (30.0, "granted"),
                            (20.0, "denied"),
                            (10.0, "withdrawn"),
                            (5.0, "cancelled_order"),
                            (5.0, "reversed_on_appeal"),
                        ])
                    } else {
                        rng.pick(&[
                            (20.0, "open"),
                            (10.0, "granted"),
                            (10.0, "denied"),
                            (60.0, "amazon_funded"),
                        ])
                    };
                    let id = new_id("AZ");
                    // Some open or granted claims are later reversed on appeal: an
                    // update row with the same id.
                    let later = received + Days::new(5 + rng.below(7));
                    if matches!(status, "open" | "granted")
                        && rng.unit() < 0.1
                        && later <= cfg.last_day
                    {
                        defects.push((
                            later,
                            format!("{id},{order_id},a_to_z_claim,{received},,reversed_on_appeal,,false"),
                        ));
                    }
                    format!("{id},{order_id},a_to_z_claim,{received},,{status},,false")
                }
                _ => {
                    let kind = rng.pick(&[(60.0, "service"), (40.0, "fraud")]);
                    format!(
                        "{},{order_id},chargeback,{received},,,{kind},false",
                        new_id("CB")
                    )
                }
            };
            defects.push((received, row));
        }
    }
    // A stable sort by the date the row was exported keeps an update after its
    // original (the update's date is later).
    defects.sort_by_key(|d| d.0);

    let mut defects_csv = String::with_capacity(defects.len() * 64);
    defects_csv
        .push_str("defect_id,order_id,kind,date,stars,claim_status,chargeback_kind,removed\n");
    for (_, row) in &defects {
        defects_csv.push_str(row);
        defects_csv.push('\n');
    }
    Generated {
        orders_csv,
        defects_csv,
        order_rows: orders.len(),
        defect_rows: defects.len(),
    }
}
