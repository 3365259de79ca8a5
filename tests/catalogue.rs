//! The rule catalogue: the code list is frozen (codes are never renamed or reused) and every
//! rule is complete.
use atlcheck::catalogue::{self, Mode};

#[test]
fn codes_are_frozen() {
    let listed: Vec<String> = catalogue::rules()
        .iter()
        .map(|r| format!("{} {} {:?}", r.code, r.name, r.modes))
        .collect();
    insta::assert_snapshot!(listed.join("\n"));
}

#[test]
fn every_rule_is_documented() {
    for r in catalogue::rules() {
        assert!(r.code.len() == 5 && r.code.starts_with("AT"), "{}", r.code);
        assert!(
            !r.summary.is_empty() && r.summary.len() <= 100,
            "{} summary",
            r.code
        );
        for (what, text) in [
            ("what", &r.docs.what),
            ("why", &r.docs.why),
            ("example", &r.docs.example),
            ("fix", &r.docs.fix),
        ] {
            assert!(
                text.trim().len() > 20,
                "{} docs.{what} is too short",
                r.code
            );
        }
        assert!(
            !r.docs.references.is_empty(),
            "{} has no references",
            r.code
        );
        assert!(
            r.docs
                .references
                .iter()
                .all(|x| x.url.starts_with("https://")),
            "{} reference urls",
            r.code
        );
        assert!(!r.modes.is_empty());
        if r.lint.is_some() {
            assert!(
                r.has_mode(Mode::Lint),
                "{} has detection data but is not a lint rule",
                r.code
            );
        }
    }
}

#[test]
fn every_lint_mode_rule_can_detect() {
    for r in catalogue::rules().iter().filter(|r| r.has_mode(Mode::Lint)) {
        assert!(
            r.lint.is_some(),
            "{} is a lint rule but has no [lint] detection data",
            r.code
        );
    }
}

#[test]
fn docs_carry_no_whole_secret() {
    // Documentation shows tokens shortened (`ATATT3xFfGF0…`), never whole.
    let long_token = regex::Regex::new(r"(?:ATATT3|ATCTT3|ATOA|ATBB)[A-Za-z0-9_\-=]{30,}").unwrap();
    for r in catalogue::rules() {
        let text = format!(
            "{} {} {} {}",
            r.docs.what, r.docs.why, r.docs.example, r.docs.fix
        );
        assert!(
            !long_token.is_match(&text),
            "{} docs contain a whole token",
            r.code
        );
        assert!(
            !text.contains("Basic ey") && !text.contains("Basic am"),
            "{} docs contain a literal Basic value",
            r.code
        );
    }
}

#[test]
fn every_pattern_compiles() {
    // The engine compiles patterns on first use; a broken one must fail here, not in a run.
    for r in catalogue::rules() {
        for p in r.lint.iter().flat_map(|l| &l.patterns) {
            if let Err(e) = atlcheck::lint::compile_pattern(&p.regex) {
                panic!("{} pattern `{}`: {e}", r.code, p.id);
            }
        }
    }
}
