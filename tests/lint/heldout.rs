//! Held-out evaluation on `fixtures/heldout`: real public scripts and configs, recreated with fake
//! secrets and labelled from SPEC.md alone (see `fixtures/heldout/SOURCES.md` and `labels.toml`).
//!
//! This set must stay untuned, so the accuracy is PRINTED, never asserted. The test only fails when
//! the corpus does not load: a missing or unlabelled file, or a label that is not a rule code.
//!
//!     cargo test --test lint heldout:: -- --nocapture

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

fn corpus_files(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("read heldout dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            corpus_files(&path, base, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel != "labels.toml" && rel != "SOURCES.md" {
                out.push(rel);
            }
        }
    }
}

#[derive(Default)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn ratio(num: usize, den: usize) -> String {
    if den == 0 {
        "   -  ".to_string()
    } else {
        format!("{:6.3}", num as f64 / den as f64)
    }
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
    corpus_files(&root, &root, &mut files);
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

    let mut per_rule: BTreeMap<String, Counts> = BTreeMap::new();
    let mut overall = Counts::default();
    let mut exact = 0usize;
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

        for code in expected.union(&found) {
            let c = per_rule.entry(code.clone()).or_default();
            match (expected.contains(code), found.contains(code)) {
                (true, true) => {
                    c.tp += 1;
                    overall.tp += 1;
                }
                (false, true) => {
                    c.fp += 1;
                    overall.fp += 1;
                }
                (true, false) => {
                    c.fn_ += 1;
                    overall.fn_ += 1;
                }
                (false, false) => {}
            }
        }
        if expected == found {
            exact += 1;
        } else {
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
        exact
    );
    println!(
        "{:<8} {:>4} {:>4} {:>4}  {:>9} {:>9}",
        "rule", "TP", "FP", "FN", "precision", "recall"
    );
    for (code, c) in &per_rule {
        println!(
            "{:<8} {:>4} {:>4} {:>4}  {:>9} {:>9}",
            code,
            c.tp,
            c.fp,
            c.fn_,
            ratio(c.tp, c.tp + c.fp),
            ratio(c.tp, c.tp + c.fn_)
        );
    }
    println!(
        "{:<8} {:>4} {:>4} {:>4}  {:>9} {:>9}   (file x rule pairs)",
        "overall",
        overall.tp,
        overall.fp,
        overall.fn_,
        ratio(overall.tp, overall.tp + overall.fp),
        ratio(overall.tp, overall.tp + overall.fn_)
    );

    // File level, ignoring which rule: is a file with any expected finding flagged at all?
    let mut ftp = 0;
    let mut ffp = 0;
    let mut ffn = 0;
    for rel in &files {
        let expected_any = !labels.files[rel].rules.is_empty();
        let text = std::fs::read_to_string(root.join(rel)).unwrap();
        let display = format!("fixtures/heldout/{rel}");
        let kind = FileKind::detect(Path::new(&display), text.lines().next().unwrap_or(""));
        let found_any = !linter.lint_text(&display, kind, &text).findings.is_empty();
        match (expected_any, found_any) {
            (true, true) => ftp += 1,
            (false, true) => ffp += 1,
            (true, false) => ffn += 1,
            _ => {}
        }
    }
    println!(
        "{:<8} {:>4} {:>4} {:>4}  {:>9} {:>9}   (file flagged at all)",
        "any",
        ftp,
        ffp,
        ffn,
        ratio(ftp, ftp + ffp),
        ratio(ftp, ftp + ffn)
    );

    println!("\nMISMATCHES ({}):", mismatches.len());
    for m in &mismatches {
        println!("  {m}");
    }
}
