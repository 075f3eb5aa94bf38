//! Writes the bundled sample data of the `odr_report` example, deterministically:
//!
//! ```text
//! cargo run --example gen_odr_data -- [--out examples/data] [--orders 20000] [--defects 200] [--seed 20261126]
//! ```
//!
//! The same seed and sizes always give the same bytes (splitmix64, no `rand`).

#[path = "common/odr_gen.rs"]
mod odr_gen;

use std::path::PathBuf;

use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = PathBuf::from("examples/data");
    let mut cfg = odr_gen::GenConfig {
        seed: 20_261_126,
        orders: 20_000,
        defects: 200,
        last_day: NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("bad date")?,
        days: 365,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--out" => out = PathBuf::from(value()?),
            "--orders" => cfg.orders = value()?.parse()?,
            "--defects" => cfg.defects = value()?.parse()?,
            "--seed" => cfg.seed = value()?.parse()?,
            _ => return Err(format!("unknown argument `{flag}`").into()),
        }
    }
    let g = odr_gen::generate(&cfg);
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("orders.csv"), &g.orders_csv)?;
    std::fs::write(out.join("defects.csv"), &g.defects_csv)?;
    println!(
        "wrote {} orders and {} defect rows to {}",
        g.order_rows,
        g.defect_rows,
        out.display()
    );
    Ok(())
}
