//! Second held-out corpus, `fixtures/heldout2`: real public files and three whole small repositories,
//! recreated with fake secrets and labelled by hand from SPEC.md before atlcheck ever ran on them
//! (protocol and provenance in `fixtures/heldout2/README.md`).
//!
//! The corpus has two halves, chosen by a hash of each file's id:
//! - `tune`: detectors may be tuned on it. Its per-rule scores and every mismatch are printed.
//! - `report`: frozen. Only its per-rule scores are printed (no per-file detail), so it can stay
//!   untuned; fixing its misses would contaminate it.
//!
//! Scores are a report, never asserted: the build does not fail on low recall or precision. The test
//! fails only when a half does not load: a file without labels, labels without a file, a file in the
//! wrong half, a label that is not a lint rule code, missing provenance, or a half too small to measure.
//!
//!     cargo test --test lint heldout2:: -- --nocapture

use std::path::{Path, PathBuf};

use atlcheck::config::{Config, Overrides};
use atlcheck::lint::Linter;

use crate::scoring::{self, Measured};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/heldout2")
}

/// Load and check one half (see `scoring::load`), then lint it.
fn measure(half: &str, linter: &Linter) -> Measured {
    let h = scoring::load(&root(), half).unwrap_or_else(|| panic!("heldout2/{half} is missing"));
    scoring::measure(&h, &format!("fixtures/heldout2/{half}"), linter)
}

#[test]
fn heldout2_corpus() {
    let linter = Linter::new(Config::resolve(None, &Overrides::default()).unwrap()).unwrap();

    let Measured {
        score: tune,
        mismatches,
    } = measure("tune", &linter);
    let report = measure("report", &linter).score;

    // Both halves must be big enough to measure anything.
    assert!(
        tune.files + report.files >= 60,
        "heldout2 too small: {} files",
        tune.files + report.files
    );
    for (name, m) in [("tune", &tune), ("report", &report)] {
        assert!(
            m.files >= 30 && m.positive_files >= 10 && m.clean_files >= 10,
            "{name} half too small to measure: {} files, {} with findings, {} clean",
            m.files,
            m.positive_files,
            m.clean_files
        );
    }

    scoring::print_table("HELDOUT2 tune", &tune);
    println!("\nMISMATCHES in tune ({}):", mismatches.len());
    for line in &mismatches {
        println!("  {line}");
    }

    // The reporting half: scores only. Its per-file mismatches are deliberately not printed.
    scoring::print_table("HELDOUT2 report (frozen)", &report);
}
