//! Fuzz target `calendar`: see `checks::calendar` for what it asserts.
#![no_main]

#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::calendar(data));
