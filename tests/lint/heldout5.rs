//! Fifth held-out corpus, `fixtures/heldout5`: real public files recreated with fake secrets and
//! labelled by hand by three labellers (`labels-a.toml`, `labels-b.toml`, `labels-c.toml` in each
//! half) before atlcheck ran on them (protocol and provenance in `fixtures/heldout5/README.md`).
//!
//! - `tune`: detectors may be tuned on it. Its per-rule scores and every mismatch are printed:
//!
//!       cargo test --test lint heldout5:: -- --nocapture
//!
//! - `report`: frozen. Its labels are loaded and checked on every run (a broken half fails the
//!   build); its files are linted and scored only with `HELDOUT5_REPORT=1`: once untuned (the
//!   baseline) and once at the end of the round. Its per-file mismatches are never printed.
//!
//! Scores are a report, never asserted. The loader's own tests are in `heldout3.rs`.
use crate::scoring as scorer;

#[test]
fn heldout5_tune_half() {
    scorer::round::tune("heldout5");
}

#[test]
fn heldout5_report_half() {
    scorer::round::report("heldout5");
}
