//! File-level precision and recall of `atlcheck lint` on a labelled corpus of realistic,
//! synthetic scripts and configs (`fixtures/corpus/`, labels in `fixtures/corpus/labels.toml`).
//!
//! The corpus imitates what public repositories that call Jira and Confluence contain:
//! shell, Python, JS/TS, Go, Java/Kotlin, PowerShell, Ruby, CI workflows, `.env`, compose,
//! Terraform, Markdown and JSON/YAML configs, with many realistic negatives. Labels say
//! what SPEC.md and the rule docs say *should* be reported, not what the tool does today.
//!
//! A file is a true positive for rule R when it is labelled R and R is found in it.
//! Run with `cargo test --test lint corpus:: -- --nocapture` to see the table and the mismatches.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use atlcheck::catalogue::{self, Mode};
use atlcheck::config::{Config, Overrides};
use atlcheck::lint::{FileKind, Finding, Linter};
use regex::Regex;

use crate::scoring::{self, Score};

const OVERALL_MIN: f64 = 0.9;
const PER_RULE_MIN: f64 = 0.8;
const PER_RULE_MIN_SUPPORT: usize = 3;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join("corpus")
}

/// `labels.toml`: `[files."rel/path"] rules = ["AT201", ...]`.
fn labels() -> BTreeMap<String, BTreeSet<String>> {
    let text = fs::read_to_string(corpus_dir().join("labels.toml")).expect("read labels.toml");
    let table: toml::Table = text.parse().expect("labels.toml is valid TOML");
    let files = table
        .get("files")
        .and_then(|v| v.as_table())
        .expect("labels.toml has a [files] table");
    files
        .iter()
        .map(|(path, entry)| {
            let rules = entry
                .get("rules")
                .and_then(|r| r.as_array())
                .unwrap_or_else(|| panic!("{path}: missing `rules` array"))
                .iter()
                .map(|r| {
                    r.as_str()
                        .unwrap_or_else(|| panic!("{path}: rule codes are strings"))
                        .to_string()
                })
                .collect();
            (path.clone(), rules)
        })
        .collect()
}

/// Every file under the corpus (hidden files included), `/`-separated and relative.
fn corpus_files() -> BTreeSet<String> {
    let root = corpus_dir();
    let mut out = Vec::new();
    scoring::corpus_files(&root, &root, &|rel| rel != "labels.toml", &mut out)
        .expect("read corpus dir");
    out.into_iter().collect()
}

struct Linted {
    path: String,
    text: String,
    findings: Vec<Finding>,
}

fn lint_corpus() -> Vec<Linted> {
    let linter = Linter::new(Config::resolve(None, &Overrides::default()).unwrap()).unwrap();
    labels()
        .keys()
        .map(|rel| {
            let text = fs::read_to_string(corpus_dir().join(rel))
                .unwrap_or_else(|e| panic!("read {rel}: {e}"));
            let kind = FileKind::detect(Path::new(rel), text.lines().next().unwrap_or(""));
            let report = linter.lint_text(rel, kind, &text);
            Linted {
                path: rel.clone(),
                text,
                findings: report.findings,
            }
        })
        .collect()
}

fn lint_codes() -> BTreeSet<String> {
    catalogue::rules()
        .iter()
        .filter(|r| r.has_mode(Mode::Lint))
        .map(|r| r.code.to_string())
        .collect()
}

#[test]
fn corpus_labels_cover_every_file_and_name_lint_rules() {
    let labels = labels();
    let on_disk = corpus_files();
    let labelled: BTreeSet<String> = labels.keys().cloned().collect();
    let unlabelled: Vec<_> = on_disk.difference(&labelled).collect();
    let missing: Vec<_> = labelled.difference(&on_disk).collect();
    assert!(
        unlabelled.is_empty(),
        "corpus files without a label: {unlabelled:?}"
    );
    assert!(
        missing.is_empty(),
        "labels for files that do not exist: {missing:?}"
    );
    let codes = lint_codes();
    for (path, rules) in &labels {
        for r in rules {
            assert!(codes.contains(r), "{path}: {r} is not a lint rule");
        }
    }
    assert!(
        (60..=160).contains(&labels.len()),
        "corpus has {} files",
        labels.len()
    );
    let clean = labels.values().filter(|r| r.is_empty()).count();
    assert!(
        clean * 3 >= labels.len(),
        "the corpus needs realistic negatives: only {clean} clean files"
    );
}

#[test]
fn corpus_file_level_precision_and_recall() {
    let labels = labels();
    let linted = lint_corpus();

    let mut score = Score::default();
    let mut mismatches = Vec::new();
    for file in &linted {
        let expected = &labels[&file.path];
        let found: BTreeSet<String> = file.findings.iter().map(|f| f.rule.to_string()).collect();
        score.add(expected, &found);
        if *expected != found {
            let missing: Vec<_> = expected.difference(&found).cloned().collect();
            let extra: Vec<_> = found.difference(expected).cloned().collect();
            let details: Vec<String> = file
                .findings
                .iter()
                .filter(|f| extra.contains(&f.rule.to_string()))
                .map(|f| format!("      {} {}:{} {}", f.rule, f.line, f.column, f.message))
                .collect();
            mismatches.push(format!(
                "  {}\n    expected {:?}\n    found    {:?}\n    missing  {:?}  extra {:?}{}{}",
                file.path,
                expected,
                found,
                missing,
                extra,
                if details.is_empty() { "" } else { "\n" },
                details.join("\n")
            ));
        }
    }

    let (per_rule, total, any) = (&score.per_rule, score.overall, score.any);

    let mut table = String::new();
    table.push_str(&format!(
        "corpus: {} files, {} labelled clean\n",
        linted.len(),
        labels.values().filter(|r| r.is_empty()).count()
    ));
    table.push_str(&format!(
        "{:<8} {:>4} {:>4} {:>4} {:>8} {:>10} {:>7}\n",
        "rule", "TP", "FP", "FN", "support", "precision", "recall"
    ));
    for (rule, c) in per_rule {
        table.push_str(&format!(
            "{:<8} {:>4} {:>4} {:>4} {:>8} {:>10.3} {:>7.3}\n",
            rule,
            c.tp,
            c.fp,
            c.fn_,
            c.support(),
            c.precision(),
            c.recall()
        ));
    }
    table.push_str(&format!(
        "{:<8} {:>4} {:>4} {:>4} {:>8} {:>10.3} {:>7.3}\n",
        "overall",
        total.tp,
        total.fp,
        total.fn_,
        total.support(),
        total.precision(),
        total.recall()
    ));
    table.push_str(&format!("{:<8} {:>4} {:>4} {:>4} {:>8} {:>10.3} {:>7.3}   (file flagged at all vs labelled non-clean)\n", "any", any.tp, any.fp, any.fn_, any.support(), any.precision(), any.recall()));
    let report = format!(
        "{table}\n{} mismatching files:\n{}\n",
        mismatches.len(),
        mismatches.join("\n")
    );
    println!("{report}");

    let mut failures = Vec::new();
    if total.precision() < OVERALL_MIN {
        failures.push(format!(
            "overall precision {:.3} < {OVERALL_MIN}",
            total.precision()
        ));
    }
    if total.recall() < OVERALL_MIN {
        failures.push(format!(
            "overall recall {:.3} < {OVERALL_MIN}",
            total.recall()
        ));
    }
    for (rule, c) in per_rule {
        if c.support() >= PER_RULE_MIN_SUPPORT {
            if c.precision() < PER_RULE_MIN {
                failures.push(format!(
                    "{rule} precision {:.3} < {PER_RULE_MIN}",
                    c.precision()
                ));
            }
            if c.recall() < PER_RULE_MIN {
                failures.push(format!("{rule} recall {:.3} < {PER_RULE_MIN}", c.recall()));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} (table and mismatches printed above)",
        failures.join("\n")
    );
}

/// Whole secrets in the corpus: prefixed tokens, literal Basic values, legacy 24-char tokens.
fn secrets_in(text: &str) -> Vec<String> {
    let prefixed = Regex::new(r"(?:ATATT3|ATCTT3|ATOA|ATBB)[A-Za-z0-9_\-=]{20,}").unwrap();
    let basic = Regex::new(r"(?i)\bbasic\s+([A-Za-z0-9+/]{20,}={0,2})").unwrap();
    let legacy = Regex::new(r"\b[A-Za-z0-9]{24}\b").unwrap();
    let mut out: Vec<String> = prefixed
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect();
    out.extend(basic.captures_iter(text).map(|c| c[1].to_string()));
    out.extend(
        legacy
            .find_iter(text)
            .map(|m| m.as_str())
            .filter(|s| {
                s.bytes().any(|b| b.is_ascii_uppercase())
                    && s.bytes().any(|b| b.is_ascii_lowercase())
                    && s.bytes().any(|b| b.is_ascii_digit())
            })
            .map(str::to_string),
    );
    // Strip the CRC tail too: a message that shows everything but the last 8 chars still leaks.
    let heads: Vec<String> = out
        .iter()
        .filter(|s| s.len() > 40 && s.contains('='))
        .filter_map(|s| s.rsplit_once('=').map(|(h, _)| h.to_string()))
        .collect();
    out.extend(heads);
    out
}

#[test]
fn corpus_findings_never_echo_a_whole_token() {
    let linted = lint_corpus();
    let mut secrets_seen = 0;
    let mut leaks = Vec::new();
    for file in &linted {
        let secrets = secrets_in(&file.text);
        secrets_seen += secrets.len();
        for f in &file.findings {
            for s in &secrets {
                let in_message = f.message.contains(s.as_str());
                let in_fix = f.fix.as_deref().is_some_and(|fix| fix.contains(s.as_str()));
                if in_message || in_fix {
                    leaks.push(format!(
                        "{} {}:{} {} echoes {}…",
                        file.path,
                        f.line,
                        f.rule,
                        if in_message { "message" } else { "fix" },
                        &s[..6.min(s.len())]
                    ));
                }
            }
        }
    }
    assert!(
        secrets_seen >= 15,
        "the corpus should hold secrets to check ({secrets_seen})"
    );
    assert!(
        leaks.is_empty(),
        "findings carry whole secrets:\n{}",
        leaks.join("\n")
    );
}
