//! Fuzz target `odr_csv`: see `checks::odr_csv` for what it asserts.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::odr_csv(data));
