//! Fuzz target `amazon`: see `checks::amazon` for what it asserts.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::amazon(data));
