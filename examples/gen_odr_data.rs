//! Writes the bundled sample data of the `odr_report` example, deterministically:
//!
//! ```text
//! cargo run --example gen_odr_data -- [--out examples/data] [--orders 20000] [--defects 200] [--seed 20261126]
//! ```
//!
//! The same seed and sizes always give the same bytes (splitmix64, no `rand`).

#[path = "common/odr_gen.rs"]
mod odr_gen;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;

const USAGE: &str = "usage: gen_odr_data [--out DIR] [--orders N] [--defects N] [--seed N]";

/// A whole number for `flag`, or an error saying what was given and what is wanted.
fn number<T: std::str::FromStr>(flag: &str, value: &str, what: &str) -> Result<T, String> {
    value
        .parse()
        .map_err(|_| format!("{flag}: `{value}` is not {what}\n{USAGE}"))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen_odr_data: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
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
        if flag == "-h" || flag == "--help" {
            let mut stdout = std::io::stdout().lock();
            return match writeln!(stdout, "{USAGE}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(()),
            };
        }
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag.as_str() {
            "--out" => out = PathBuf::from(value()?),
            "--orders" => {
                cfg.orders = number(&flag, &value()?, "a whole number of orders (0 or more)")?
            }
            "--defects" => {
                cfg.defects = number(&flag, &value()?, "a whole number of defects (0 or more)")?
            }
            "--seed" => cfg.seed = number(&flag, &value()?, "a whole number (0 or more)")?,
            _ => return Err(format!("unknown argument `{flag}`\n{USAGE}").into()),
        }
    }
    let g = odr_gen::generate(&cfg);
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    write("orders.csv", &g.orders_csv)?;
    write("defects.csv", &g.defects_csv)?;
    let mut stdout = std::io::stdout().lock();
    match writeln!(
        stdout,
        "wrote {} orders and {} defect rows to {}",
        g.order_rows,
        g.defect_rows,
        out.display()
    ) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
