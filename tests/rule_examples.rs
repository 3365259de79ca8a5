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
        let fails = spec
            .examples
            .iter()
            .filter(|e| e.expect == Expect::Fail)
            .count();
        let passes = spec.examples.len() - fails;
        assert!(
            fails >= 1 && passes >= 1,
            "{} needs at least one fail and one pass example",
            rule.code
        );
        for (i, ex) in spec.examples.iter().enumerate() {
            let path = Path::new(&ex.path);
            let kind = FileKind::detect(path, ex.code.lines().next().unwrap_or(""));
            let report = linter.lint_text(&ex.path, kind, &ex.code);
            let mine: Vec<_> = report
                .findings
                .iter()
                .filter(|f| f.rule == rule.code)
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
            let ok = match (ex.expect, ex.count) {
                (Expect::Pass, _) => mine.is_empty(),
                (Expect::Fail, Some(n)) => mine.len() == n,
                (Expect::Fail, None) => !mine.is_empty(),
            };
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
