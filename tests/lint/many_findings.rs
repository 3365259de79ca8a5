//! Files with a finding every few bytes (the shapes of `benches/worst-case.sh`, issue 12,
//! class 5), at a size a test can afford: every finding is reported, once, in order, with the
//! same count in every format, the summary, the exit code and a baseline agree, and the code
//! frames cut from one masked line stay short and keep secrets masked.
use std::path::Path;

use serde_json::Value;

use crate::common;

/// A generated file: `units` copies of `unit(i)`, separated by a space (one line) or a newline.
fn generate(units: usize, one_line: bool, unit: impl Fn(usize) -> String) -> String {
    let sep = if one_line { " " } else { "\n" };
    let mut s: String = (0..units).map(|i| unit(i) + sep).collect();
    s.push('\n');
    s
}

/// A random-looking 24-character legacy token per unit (xorshift, fixed seed).
fn legacy_token(i: usize) -> String {
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..24)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ALNUM[(x % ALNUM.len() as u64) as usize] as char
        })
        .collect()
}

fn json_of(dir: &Path, args: &[&str]) -> (Value, Option<i32>) {
    let out = common::run(dir, args);
    (
        serde_json::from_slice(&out.stdout).expect("json output"),
        out.status.code(),
    )
}

/// Lint `text` as `gen.sh` and check what every format says about it; `per_rule` is the
/// number of findings expected of each rule.
fn check(text: &str, per_rule: &[(&str, usize)], secrets: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gen.sh"), text).unwrap();
    let total: usize = per_rule.iter().map(|(_, n)| n).sum();

    let (json, code) = json_of(dir.path(), &["lint", "--format", "json", "gen.sh"]);
    assert_eq!(code, Some(1), "findings fail the run");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), total);
    assert_eq!(json["summary"]["findings"], total);
    for (rule, n) in per_rule {
        assert_eq!(json["summary"]["by_rule"][rule], *n, "{rule}");
        let listed = findings.iter().filter(|f| f["rule"] == *rule).count();
        assert_eq!(listed, *n, "{rule}");
    }
    // In order (line, column, rule), and no finding twice.
    let keys: Vec<(u64, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(keys.windows(2).all(|w| w[0] < w[1]), "sorted, distinct");
    let fingerprints: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), total, "one fingerprint per finding");

    // Concise: one line per finding, the same findings in the same order.
    let concise = common::run(dir.path(), &["lint", "--format", "concise", "gen.sh"]);
    let concise = common::stdout(&concise);
    let lines: Vec<&str> = concise.lines().collect();
    assert_eq!(lines.len(), total);
    for (line, f) in lines.iter().zip(findings) {
        let head = format!(
            "gen.sh:{}:{}: {} ",
            f["line"],
            f["column"],
            f["rule"].as_str().unwrap()
        );
        assert!(line.starts_with(&head), "{line} / {head}");
    }

    // Human: a frame per finding, each short, the summary counting them all.
    let human = common::run(dir.path(), &["lint", "--format", "human", "gen.sh"]);
    assert_eq!(human.status.code(), Some(1));
    let human = common::stdout(&human);
    assert_eq!(human.matches(" --> gen.sh:").count(), total);
    assert_eq!(human.matches(" = docs: atlcheck explain ").count(), total);
    assert!(
        human.contains(&format!("Found {total} findings")),
        "{}",
        human.lines().rev().nth(2).unwrap_or("")
    );
    let carets = human
        .lines()
        .filter(|l| l.trim_end().ends_with(|c: char| c.is_ascii_lowercase()) && l.contains(" ^"))
        .count();
    assert_eq!(carets, total, "one underline per finding");
    assert!(
        human.lines().all(|l| l.chars().count() < 400),
        "frames are cut around their match"
    );
    for out in [&human, &concise] {
        for s in secrets {
            assert!(!out.contains(s.as_str()), "secret {s} reached the output");
        }
    }

    // A baseline of every finding accepts them all; one of half of them, the other half.
    let all = common::run(
        dir.path(),
        &["lint", "-q", "--write-baseline", "all.txt", "gen.sh"],
    );
    assert_eq!(all.status.code(), Some(0), "recording a baseline accepts");
    let (json, code) = json_of(
        dir.path(),
        &[
            "lint",
            "--format",
            "json",
            "--baseline",
            "all.txt",
            "gen.sh",
        ],
    );
    assert_eq!(
        (json["summary"]["findings"].as_u64(), code),
        (Some(0), Some(0))
    );
    let recorded = std::fs::read_to_string(dir.path().join("all.txt")).unwrap();
    let entries: Vec<&str> = recorded.lines().filter(|l| l.starts_with('{')).collect();
    assert_eq!(entries.len(), total);
    let half: String = entries
        .iter()
        .step_by(2)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("half.txt"), half).unwrap();
    let (json, code) = json_of(
        dir.path(),
        &[
            "lint",
            "--format",
            "json",
            "--baseline",
            "half.txt",
            "gen.sh",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(json["summary"]["findings"], total - total.div_ceil(2));
    assert_eq!(json["baseline"]["matched"], total.div_ceil(2));
    let (json, code) = json_of(
        dir.path(),
        &["lint", "--format", "json", "--exit-zero", "gen.sh"],
    );
    assert_eq!(
        (json["summary"]["findings"].as_u64(), code),
        (Some(total as u64), Some(0))
    );
}

#[test]
fn every_finding_of_a_file_of_plain_http_urls_is_reported() {
    for one_line in [true, false] {
        let text = generate(300, one_line, |_| "http://acme.atlassian.net/rest".into());
        check(&text, &[("AT201", 300), ("AT205", 300)], &[]);
    }
}

#[test]
fn every_finding_of_a_file_of_site_base_urls_is_reported() {
    for one_line in [true, false] {
        let text = generate(250, one_line, |i| {
            format!("JIRA_URL=https://s{i}.atlassian.net")
        });
        check(&text, &[("AT201", 250)], &[]);
    }
}

#[test]
fn every_finding_of_a_file_of_legacy_tokens_is_reported_masked() {
    let tokens: Vec<String> = (0..200).map(legacy_token).collect();
    for one_line in [true, false] {
        let text = generate(200, one_line, |i| format!("JIRA_TOKEN=\"{}\"", tokens[i]));
        check(&text, &[("AT102", 200), ("AT104", 200)], &tokens);
    }
}
