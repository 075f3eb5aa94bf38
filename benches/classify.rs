//! Placeholder replaced by the classifier benchmark.
fn main() {}
