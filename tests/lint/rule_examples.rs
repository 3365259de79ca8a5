//! Every lint rule's own pass and fail examples (in `rules/*.toml`) run through the real
//! engine, with every lint rule enabled, gitleaks style.
use std::path::Path;

use atlcheck::catalogue::{self, Expect, Mode};
use atlcheck::config::{Config, Overrides};
use atlcheck::lint::{FileKind, Linter};

#[test]
fn every_lint_rule_has_pass_and_fail_examples_that_hold() {
    let linter = Linter::new(Config::resolve(None, &Overrides::default()).unwrap()).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut transcript = String::new();
    for rule in catalogue::rules() {
        let Some(spec) = &rule.lint else {
            assert!(
                !rule.has_mode(Mode::Lint) || matches!(rule.code.as_str(), "AT103" | "AT104"),
                "{} is a lint rule without detection data",
                rule.code
            );
            continue;
        };
        assert_pass_and_fail(rule.code, spec.examples.iter().map(|e| e.expect));
        for (i, ex) in spec.examples.iter().enumerate() {
            let path = Path::new(&ex.path);
            let kind = FileKind::detect(path, ex.code.lines().next().unwrap_or(""));
            let report = linter.lint_text(&ex.path, kind, &ex.code);
            let mine: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule == rule.code.as_str())
                .collect();
            checked += 1;
            for f in &mine {
                transcript.push_str(&format!(
                    "{} #{} {}:{}:{}: {}\n",
                    rule.code,
                    i + 1,
                    ex.path,
                    f.line,
                    f.column,
                    f.message
                ));
            }
            let ok = holds(ex.expect, ex.count, mine.len());
            if !ok {
                failures.push(format!(
                    "{} example #{} ({:?}, {}): got {:?}",
                    rule.code,
                    i + 1,
                    ex.expect,
                    ex.path,
                    mine.iter()
                        .map(|f| format!("{}:{} {}", f.line, f.column, f.message))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 80, "only {checked} examples ran");
    // What each fail example reports, reviewed line by line.
    insta::assert_snapshot!("example_findings", transcript);
}

/// Inventory rules (AT109): each example is a small repository, run through
/// `atlcheck inventory`'s own parsers and join.
#[test]
fn every_inventory_rule_has_pass_and_fail_examples_that_hold() {
    use atlcheck::inventory::{self, Tree};
    let linter = Linter::new(Config::resolve(None, &Overrides::default()).unwrap()).unwrap();
    let mut checked = 0;
    for rule in catalogue::rules()
        .iter()
        .filter(|r| r.has_mode(Mode::Inventory))
    {
        let spec = rule
            .inventory
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no [inventory] examples", rule.code));
        assert_pass_and_fail(rule.code, spec.examples.iter().map(|e| e.expect));
        for (i, ex) in spec.examples.iter().enumerate() {
            let tree =
                Tree::from_files(ex.files.iter().map(|f| (f.path.as_str(), f.code.as_str())));
            let inv = inventory::build(&[tree], &linter, &[]);
            let mine = inv
                .findings
                .iter()
                .filter(|f| rule.code.as_str() == f.rule.as_str())
                .count();
            assert!(
                !inv.integrations.is_empty(),
                "{} example #{}: no integration found",
                rule.code,
                i + 1
            );
            let ok = holds(ex.expect, ex.count, mine);
            assert!(
                ok,
                "{} example #{} ({:?}): {mine} findings: {:?}",
                rule.code,
                i + 1,
                ex.expect,
                inv.findings
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "only {checked} inventory examples ran");
}

/// Every tokens rule's pass and fail examples: the listed item goes through the same parser as
/// a page from the admin API, and the judge runs at the example's instant with the default
/// windows (or the example's own).
#[test]
fn every_tokens_rule_has_pass_and_fail_examples_that_hold() {
    use atlcheck::tokens::{Timestamp, judge, sources};

    let mut failures = Vec::new();
    let mut transcript = String::new();
    let mut checked = 0;
    for rule in catalogue::rules() {
        if !rule.has_mode(Mode::Tokens) {
            assert!(
                rule.tokens.is_none(),
                "{} has tokens examples but is not a tokens rule",
                rule.code
            );
            continue;
        }
        let spec = rule
            .tokens
            .as_ref()
            .unwrap_or_else(|| panic!("{} is a tokens rule without examples", rule.code));
        assert_pass_and_fail(rule.code, spec.examples.iter().map(|e| e.expect));
        for (i, ex) in spec.examples.iter().enumerate() {
            checked += 1;
            let item: serde_json::Value = serde_json::from_str(&ex.item).unwrap_or_else(|e| {
                panic!("{} example #{}: item is not JSON: {e}", rule.code, i + 1)
            });
            let credential = sources::parse_item(ex.source, &item);
            let mut policy = judge::Policy::new(
                Timestamp::parse_iso(&ex.now)
                    .unwrap_or_else(|| panic!("{} example #{}: bad now", rule.code, i + 1)),
            );
            policy.expiring_within = ex.expiring_within.unwrap_or(policy.expiring_within);
            policy.stale_after = ex.stale_after.unwrap_or(policy.stale_after);
            let all = judge::judge(std::slice::from_ref(&credential), &policy);
            let mine: Vec<_> = all.iter().filter(|f| f.rule == rule.code).collect();
            for f in &mine {
                transcript.push_str(&format!(
                    "{} #{} [{}] days_left={:?}: {}\n",
                    rule.code,
                    i + 1,
                    f.severity,
                    judge::days_left(&credential, policy.now),
                    f.message
                ));
            }
            let ok = match ex.expect {
                Expect::Pass => mine.is_empty(),
                Expect::Fail => {
                    mine.len() == 1 && ex.severity.is_none_or(|s| mine[0].severity == s)
                }
            };
            if !ok {
                failures.push(format!(
                    "{} example #{} ({:?}): got {:?}",
                    rule.code,
                    i + 1,
                    ex.expect,
                    mine.iter()
                        .map(|f| format!("[{}] {}", f.severity, f.message))
                        .collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} examples failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 16, "only {checked} tokens examples ran");
    insta::assert_snapshot!("tokens_example_findings", transcript);
}

/// A rule's examples hold at least one fail and one pass.
fn assert_pass_and_fail(code: impl std::fmt::Display, expects: impl Iterator<Item = Expect>) {
    let (mut fails, mut passes) = (0, 0);
    for e in expects {
        if e == Expect::Fail {
            fails += 1;
        } else {
            passes += 1;
        }
    }
    assert!(
        fails >= 1 && passes >= 1,
        "{code} needs at least one fail and one pass example"
    );
}

/// An example holds: a pass finds nothing, a fail finds its `count` findings (or some).
fn holds(expect: Expect, count: Option<usize>, found: usize) -> bool {
    match (expect, count) {
        (Expect::Pass, _) => found == 0,
        (Expect::Fail, Some(n)) => found == n,
        (Expect::Fail, None) => found > 0,
    }
}
