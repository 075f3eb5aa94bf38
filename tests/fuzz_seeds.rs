//! Replays the fuzz targets' committed seeds (`fuzz/seeds/TARGET/*`) through the
//! same checks the fuzzers run (`fuzz/checks.rs`), on stable, in every
//! `cargo test`: a crash or a broken invariant that fuzzing once found stays
//! caught. Fuzzing itself: see `fuzz/README.md`.

#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

/// A target's check: the input bytes in, a panic when an invariant breaks.
type Check = fn(&[u8]);

const TARGETS: &[(&str, Check)] = &[
    ("scan", checks::scan),
    ("lexicon", checks::lexicon),
    ("policy", checks::policy),
    ("sla", checks::sla),
    ("calendar", checks::calendar),
    ("triage", checks::triage),
    ("odr_csv", checks::odr_csv),
    #[cfg(feature = "amazon-reports")]
    ("amazon", checks::amazon),
    #[cfg(feature = "mail")]
    ("mail", checks::mail),
];

#[test]
fn every_target_replays_its_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds");
    for (target, check) in TARGETS {
        let dir = root.join(target);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.expect("directory entry").path())
            .collect();
        files.sort();
        assert!(files.len() >= 3, "{target}: only {} seeds", files.len());
        for file in files {
            let data = std::fs::read(&file).expect("read a seed");
            let outcome = std::panic::catch_unwind(|| check(&data));
            assert!(outcome.is_ok(), "{target}: seed {} fails", file.display());
        }
    }
}
