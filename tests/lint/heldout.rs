//! Held-out evaluation on `fixtures/heldout`: real public scripts and configs, recreated with fake
//! secrets and labelled from SPEC.md alone (see `fixtures/heldout/SOURCES.md` and `labels.toml`).
//!
//! This set must stay untuned, so the accuracy is PRINTED, never asserted. The test only fails when
//! the corpus does not load: a missing or unlabelled file, or a label that is not a rule code.
//!
//!     cargo test --test lint heldout:: -- --nocapture

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::scoring::{Score, corpus_files};

use atlcheck::config::{Config, Overrides};
use atlcheck::lint::{FileKind, Linter};

#[derive(serde::Deserialize)]
struct Labels {
    files: BTreeMap<String, Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    rules: Vec<String>,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/heldout")
}

#[test]
fn heldout_corpus() {
    let root = root();
    let labels: Labels =
        toml::from_str(&std::fs::read_to_string(root.join("labels.toml")).expect("labels.toml"))
            .expect("labels.toml parses");

    // Every label is a known rule code, every file is labelled, every label has a file.
    let known: BTreeSet<String> = atlcheck::catalogue::rules()
        .iter()
        .map(|r| r.code.to_string())
        .collect();
    for (file, entry) in &labels.files {
        for code in &entry.rules {
            assert!(known.contains(code), "{file}: unknown rule code {code}");
        }
    }
    let mut files = Vec::new();
    corpus_files(
        &root,
        &root,
        &|rel| rel != "labels.toml" && rel != "SOURCES.md",
        &mut files,
    )
    .expect("read the heldout corpus");
    files.sort();
    let on_disk: BTreeSet<&String> = files.iter().collect();
    let labelled: BTreeSet<&String> = labels.files.keys().collect();
    let unlabelled: Vec<_> = on_disk.difference(&labelled).collect();
    let missing: Vec<_> = labelled.difference(&on_disk).collect();
    assert!(
        unlabelled.is_empty(),
        "files without labels: {unlabelled:?}"
    );
    assert!(missing.is_empty(), "labels without files: {missing:?}");
    assert!(
        files.len() >= 60,
        "held-out corpus too small: {}",
        files.len()
    );

    let linter = Linter::new(Config::resolve(None, &Overrides::default()).unwrap()).unwrap();

    let mut score = Score::default();
    let mut mismatches = Vec::new();

    for rel in &files {
        let path = root.join(rel);
        let text = std::fs::read_to_string(&path).expect("corpus files are UTF-8");
        let first_line = text.lines().next().unwrap_or("");
        let display = format!("fixtures/heldout/{rel}");
        let kind = FileKind::detect(Path::new(&display), first_line);
        let report = linter.lint_text(&display, kind, &text);

        let found: BTreeSet<String> = report.findings.iter().map(|f| f.rule.to_string()).collect();
        let expected: BTreeSet<String> = labels.files[rel].rules.iter().cloned().collect();
        if !score.add(&expected, &found) {
            let lines: Vec<String> = report
                .findings
                .iter()
                .map(|f| format!("{}@{}", f.rule, f.line))
                .collect();
            mismatches.push(format!(
                "{rel}\n    expected {:?}\n    found    {:?}  ({})\n    missing  {:?}\n    extra    {:?}",
                expected,
                found,
                lines.join(", "),
                expected.difference(&found).collect::<Vec<_>>(),
                found.difference(&expected).collect::<Vec<_>>(),
            ));
        }
    }

    println!(
        "\nHELD-OUT corpus: {} files, {} exactly right",
        files.len(),
        score.exact
    );
    score.print_table(false);

    println!("\nMISMATCHES ({}):", mismatches.len());
    for m in &mismatches {
        println!("  {m}");
    }
}
