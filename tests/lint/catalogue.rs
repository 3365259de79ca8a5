//! The rule catalogue: the code list is frozen (codes are never renamed or reused) and every
//! rule is complete.
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use atlcheck::catalogue::{self, Code, Mode};

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
        assert!(
            r.code.as_str().len() == 5 && r.code.as_str().starts_with("AT"),
            "{}",
            r.code
        );
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
    for p in catalogue::shared_patterns() {
        if let Err(e) = atlcheck::lint::compile_pattern(&p.regex) {
            panic!("rules/patterns.toml pattern `{}`: {e}", p.id);
        }
    }
}

#[test]
fn codes_are_the_rule_files() {
    // `Code` is generated from the file names; each file's code and name match its name.
    let codes: Vec<Code> = catalogue::rules().iter().map(|r| r.code).collect();
    assert_eq!(codes, Code::ALL);
    for r in catalogue::rules() {
        assert_eq!(r.code.rule().name, r.name);
        assert_eq!(r.code.as_str().parse::<Code>(), Ok(r.code));
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("rules/{}-{}.toml", r.code, r.name))
                .is_file()
        );
    }
    assert!("AT999".parse::<Code>().is_err());
}

#[test]
fn every_detector_file_has_a_lint_rule_and_back() {
    // A lint rule's detector is src/lint/rules/atnnn_rule_name.rs (build.rs wires it to the
    // code; a missing module does not compile). A detector file without a rule file is caught here.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lint/rules");
    let files: BTreeSet<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.starts_with("at") && f.ends_with(".rs"))
        .collect();
    let expected: BTreeSet<String> = catalogue::rules()
        .iter()
        .filter(|r| r.lint.is_some())
        .map(|r| {
            format!(
                "{}_{}.rs",
                r.code.as_str().to_ascii_lowercase(),
                r.name.replace('-', "_")
            )
        })
        .collect();
    assert_eq!(
        files, expected,
        "detector files in src/lint/rules/ and lint rules in rules/ differ"
    );
}

#[test]
fn every_lint_rule_has_code_scanning_properties() {
    for r in catalogue::rules().iter().filter(|r| r.has_mode(Mode::Lint)) {
        let s = r.security_severity.unwrap_or_else(|| {
            panic!(
                "{} is a lint rule: give it `security_severity` (0.0 to 10.0, GitHub code scanning)",
                r.code
            )
        });
        assert!((0.0..=10.0).contains(&s), "{} security_severity", r.code);
        assert!(
            r.tags.iter().any(|t| t == "security") && r.tags.len() >= 2,
            "{} is a lint rule: give it `tags = [\"security\", FAMILY]`",
            r.code
        );
    }
}

#[test]
fn every_doctor_rule_has_its_own_priority() {
    let mut seen = BTreeMap::new();
    for r in catalogue::rules()
        .iter()
        .filter(|r| r.has_mode(Mode::Doctor))
    {
        let p = r.priority.unwrap_or_else(|| {
            panic!(
                "{} is a doctor rule: give it `priority = N` (the doctor's root-cause rank, lower explains first; see the other rules)",
                r.code
            )
        });
        if let Some(other) = seen.insert(p, r.code) {
            panic!("{} and {other} have the same priority {p}", r.code);
        }
    }
}

#[test]
fn patterns_are_written_once() {
    let shared: BTreeMap<&str, &str> = catalogue::shared_patterns()
        .iter()
        .map(|p| (p.id.as_str(), p.regex.as_str()))
        .collect();
    assert_eq!(
        shared.len(),
        catalogue::shared_patterns().len(),
        "duplicate id in rules/patterns.toml"
    );
    let mut written: BTreeMap<&str, String> = shared
        .iter()
        .map(|(id, re)| (*re, format!("rules/patterns.toml `{id}`")))
        .collect();
    let mut used = BTreeSet::new();
    for r in catalogue::rules() {
        let Some(spec) = &r.lint else { continue };
        for id in &spec.shared_patterns {
            assert!(
                shared.contains_key(id.as_str()),
                "{} names shared pattern `{id}`, which rules/patterns.toml lacks",
                r.code
            );
            assert!(
                !spec.patterns.iter().any(|p| p.id == *id),
                "{} has its own pattern `{id}` and a shared one",
                r.code
            );
            used.insert(id.as_str());
        }
        for p in &spec.patterns {
            let here = format!("{} `{}`", r.code, p.id);
            if let Some(first) = written.insert(&p.regex, here.clone()) {
                panic!(
                    "{here} repeats the regular expression of {first}: move it to rules/patterns.toml and name it in `shared_patterns`"
                );
            }
        }
    }
    for id in shared.keys() {
        assert!(
            used.contains(id),
            "rules/patterns.toml `{id}` is used by no rule"
        );
    }
}

/// The rules table of README.md, as the catalogue says it should read.
fn rules_table() -> String {
    let mut t =
        String::from("| code | name | modes | default | summary |\n|---|---|---|---|---|\n");
    for r in catalogue::rules() {
        let modes: Vec<String> = r
            .modes
            .iter()
            .map(|m| format!("{m:?}").to_ascii_lowercase())
            .collect();
        t.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            r.code,
            r.name,
            modes.join(", "),
            r.severity,
            r.summary.replace('|', "\\|")
        ));
    }
    t
}

#[test]
fn readme_rules_table_is_the_catalogue() {
    // Regenerate with ATLCHECK_BLESS=1 cargo test --test lint catalogue::readme
    const START: &str =
        "<!-- rules table: generated from rules/*.toml by tests/lint/catalogue.rs -->\n";
    const END: &str = "<!-- end of rules table -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(START)
        .expect("README.md has the rules table start marker")
        + START.len();
    let end = start
        + readme[start..]
            .find(END)
            .expect("README.md has the rules table end marker");
    let want = rules_table();
    if readme[start..end] != want {
        if std::env::var_os("ATLCHECK_BLESS").is_some() {
            std::fs::write(
                &path,
                format!("{}{want}{}", &readme[..start], &readme[end..]),
            )
            .unwrap();
        } else {
            panic!(
                "README.md's rules table differs from rules/*.toml; regenerate it with\n  ATLCHECK_BLESS=1 cargo test --test lint catalogue::readme\nwant:\n{want}"
            );
        }
    }
}
