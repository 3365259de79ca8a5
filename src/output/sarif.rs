//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it.
//!
//! A hand-written subset of the schema (as ruff and cargo-deny do) rather than a generated
//! crate: field order is fixed, so the output is byte-stable and snapshot-testable, and every
//! field GitHub requires is visibly here. What it carries:
//!
//! - `tool.driver`: name, version, semanticVersion, informationUri and every lint rule of the
//!   catalogue: id, name, shortDescription, fullDescription, help (text and markdown from the
//!   rule's docs), helpUri, defaultConfiguration.level, and properties (tags,
//!   security-severity).
//! - `results`: ruleId, ruleIndex, level, message (already masked), one location with a
//!   relative URI (`uriBaseId: %SRCROOT%`) and a region, and
//!   `partialFingerprints.primaryLocationLineHash` built from the finding's fingerprint (rule,
//!   path and a secret-free description of the match, no line number), so an alert survives
//!   unrelated edits above it.
//! - `invocations`: whether the scan itself succeeded, and the files it could not read.
//!
//! No `snippet` and no `contextRegion` are ever written: the scanned line is where the secret
//! is, and "the scan artifact becomes the leak".
use std::io::Write;

use serde::Serialize;

use crate::catalogue::{self, Mode, Rule, Severity};
use crate::lint::{Finding, LintResult};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/atlcheck/atlcheck";
/// GitHub truncates descriptions longer than this.
const MAX_DESCRIPTION: usize = 1024;

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: Vec<Invocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    #[serde(rename = "security-severity")]
    security_severity: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    partial_fingerprints: PartialFingerprints,
    /// `lint --history`: `commit`, `in_head` and `paths`, as in the JSON report.
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<&'a crate::lint::history::Provenance>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PartialFingerprints {
    primary_location_line_hash: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// SARIF `level` for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (0.0 to 10.0), from the rule's `security_severity` field: a
/// secret committed to the repository is critical; a credential sent in clear or of the wrong,
/// more powerful kind is high; a person-owned or malformed credential is medium; endpoint and
/// header mistakes, which break the call but leak nothing, are low. Every lint rule has one
/// (`tests/lint/catalogue.rs`).
pub fn security_severity(r: &Rule) -> String {
    format!("{:.1}", r.security_severity.unwrap_or(0.0))
}

/// Tags GitHub shows and filters on: the rule's `tags` (`security` and its family), then a
/// `external/cwe/cwe-N` tag for each of its `cwe` numbers.
pub fn tags(r: &Rule) -> Vec<String> {
    let mut tags = r.tags.clone();
    tags.extend(r.cwe.iter().map(|n| format!("external/cwe/cwe-{n}")));
    tags
}

fn truncate(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max - '…'.len_utf8();
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn help_text(r: &Rule) -> String {
    let d = &r.docs;
    let mut s = format!(
        "{}\n\nWhy: {}\n\nExample:\n{}\n\nFix: {}\n",
        d.what.trim(),
        d.why.trim(),
        d.example.trim_end(),
        d.fix.trim()
    );
    if !d.references.is_empty() {
        s.push_str("\nReferences:\n");
        for reference in &d.references {
            s.push_str(&format!("- {}: {}\n", reference.title, reference.url));
        }
    }
    s.push_str(&format!("\nMore: atlcheck explain {}", r.code));
    s
}

fn help_markdown(r: &Rule) -> String {
    let d = &r.docs;
    let mut s = format!(
        "**{} {}**: {}\n\n{}\n\n### Why\n\n{}\n\n### Example\n\n```text\n{}\n```\n\n### Fix\n\n{}\n",
        r.code,
        r.name,
        r.summary.trim(),
        d.what.trim(),
        d.why.trim(),
        d.example.trim_end(),
        d.fix.trim()
    );
    if !d.references.is_empty() {
        s.push_str("\n### References\n\n");
        for reference in &d.references {
            s.push_str(&format!("- [{}]({})\n", reference.title, reference.url));
        }
    }
    s.push_str(&format!("\n`atlcheck explain {}`", r.code));
    s
}

/// The rules a lint run can report, in catalogue order; `ruleIndex` points into this list.
pub fn lint_rules() -> Vec<&'static Rule> {
    catalogue::rules()
        .iter()
        .filter(|r| r.has_mode(Mode::Lint))
        .collect()
}

fn descriptor(r: &Rule) -> ReportingDescriptor {
    ReportingDescriptor {
        id: r.code.to_string(),
        name: r.name.clone(),
        short_description: Text {
            text: truncate(&r.summary, MAX_DESCRIPTION),
        },
        full_description: Text {
            text: truncate(&r.docs.what, MAX_DESCRIPTION),
        },
        help: Help {
            text: help_text(r),
            markdown: help_markdown(r),
        },
        help_uri: r.help_uri(),
        default_configuration: Configuration {
            level: level(r.severity),
        },
        properties: RuleProperties {
            tags: tags(r),
            security_severity: security_severity(r),
        },
    }
}

/// A finding's path as a SARIF URI reference: relative paths are percent-encoded and resolved
/// against `%SRCROOT%`; absolute paths (a scan outside the current folder) become `file:` URIs.
pub fn artifact(path: &str) -> ArtifactLocationOut {
    fn encode(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    if path.starts_with('/') {
        ArtifactLocationOut {
            uri: format!("file://{}", encode(path)),
            uri_base_id: None,
        }
    } else {
        ArtifactLocationOut {
            uri: encode(path),
            uri_base_id: Some("%SRCROOT%"),
        }
    }
}

/// The artifact location of a path (public for tests).
#[derive(Debug, PartialEq, Eq)]
pub struct ArtifactLocationOut {
    pub uri: String,
    pub uri_base_id: Option<&'static str>,
}

fn location(path: &str, region: Option<Region>) -> Location {
    let a = artifact(path);
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: a.uri,
                uri_base_id: a.uri_base_id,
            },
            region,
        },
    }
}

/// The message GitHub shows: the finding's (masked) message, then its fix.
fn message(f: &Finding) -> String {
    match &f.fix {
        Some(fix) => format!("{}.\nFix: {fix}", f.message.trim_end_matches('.')),
        None => f.message.to_string(),
    }
}

/// [`message`] as a JSON string, as `write_str(message(f))` writes it, without making the
/// string: escaping is a character at a time, so the escaped parts of a text are the escaped
/// text (a file of 440,000 distinct messages joined each to its fix first).
fn write_message(out: &mut Vec<u8>, f: &Finding) -> std::io::Result<()> {
    use crate::output::safe_json::{write_str, write_str_body};
    match &f.fix {
        Some(fix) => {
            out.push(b'"');
            write_str_body(out, f.message.trim_end_matches('.'))?;
            // `.\nFix: `, escaped.
            out.extend_from_slice(b".\\nFix: ");
            write_str_body(out, fix)?;
            out.push(b'"');
            Ok(())
        }
        None => write_str(out, &f.message),
    }
}

/// `primaryLocationLineHash`: GitHub expects `HASH:OCCURRENCE`. The finding's fingerprint
/// already counts occurrences of the same match in a file, so the suffix is always 1.
pub fn line_hash(f: &Finding) -> String {
    format!("{}:1", f.fingerprint)
}

/// One result, as serde writes it (the reference of [`write_result`], and its `--history`
/// fallback).
fn sarif_result<'a>(f: &'a Finding, rules: &[&Rule]) -> SarifResult<'a> {
    SarifResult {
        rule_id: f.rule,
        rule_index: rule_index(rules, f.rule),
        level: level(f.severity),
        message: Text { text: message(f) },
        locations: vec![location(
            &f.path,
            Some(Region {
                start_line: f.line,
                start_column: f.column,
                end_line: f.end_line,
                end_column: f.end_column,
            }),
        )],
        partial_fingerprints: PartialFingerprints {
            primary_location_line_hash: line_hash(f),
        },
        properties: f.history.as_deref(),
    }
}

fn rule_index(rules: &[&Rule], code: &str) -> usize {
    rules
        .iter()
        .position(|r| r.code.as_str() == code)
        .unwrap_or(0)
}

/// The log of a run with these results.
fn log<'a>(result: &LintResult, rules: &[&Rule], results: Vec<SarifResult<'a>>) -> Log<'a> {
    let notifications = result
        .errors
        .iter()
        .map(|(path, msg)| Notification {
            level: "error",
            message: Text {
                text: crate::secret::redact_text(msg),
            },
            // The path of an unreadable input is what the user typed: it may be a token.
            locations: vec![location(&crate::secret::redact_text(path), None)],
        })
        .collect();
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "atlcheck",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: INFORMATION_URI,
                    rules: rules.iter().map(|r| descriptor(r)).collect(),
                },
            },
            invocations: vec![Invocation {
                execution_successful: result.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            column_kind: "unicodeCodePoints",
            results,
        }],
    }
}

/// Where the results go in the log serde_json writes with none.
const RESULTS_SLOT: &str = "\n      \"results\": []";

pub fn write_lint(out: &mut dyn Write, result: &LintResult) -> std::io::Result<()> {
    let rules = lint_rules();
    // The log around the results is small (the rules' help); the results (500,000 for a
    // generated file; issue 12, class 5) are written one by one straight into `out` instead
    // of being built as a document first.
    let rest = crate::output::safe_json::to_string_pretty(&log(result, &rules, Vec::new()))?;
    let Some(at) = rest.find(RESULTS_SLOT).map(|i| i + RESULTS_SLOT.len() - 2) else {
        // (Never: `results` is the run's last key.)
        let results = result
            .findings
            .iter()
            .map(|f| sarif_result(f, &rules))
            .collect();
        crate::output::safe_json::to_writer_pretty(&mut *out, &log(result, &rules, results))?;
        return writeln!(out);
    };
    out.write_all(&rest.as_bytes()[..at])?;
    out.write_all(b"[")?;
    let mut cache = Cache::default();
    for (i, f) in result.findings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        write_result(out, f, &rules, &mut cache)?;
    }
    out.write_all(if result.findings.is_empty() {
        b"]"
    } else {
        b"\n      ]"
    })?;
    out.write_all(&rest.as_bytes()[at + 2..])?;
    writeln!(out)
}

/// What consecutive results share, written once: a file's findings share their path, and a
/// rule's findings in a row their message and fix.
#[derive(Default)]
struct Cache<'a> {
    rule: Option<(&'a str, usize)>,
    texts: Vec<(TextKey<'a>, Vec<u8>)>,
    path: Option<&'a str>,
    artifact_json: Vec<u8>,
}

/// A result's message and fix, the text of its `message`.
type TextKey<'a> = (&'a str, Option<&'a str>);

/// Is `b` the same string as `a` (not only equal text)?
fn same(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b)
}

fn same_text(a: TextKey<'_>, b: TextKey<'_>) -> bool {
    same(a.0, b.0)
        && match (a.1, b.1) {
            (Some(x), Some(y)) => same(x, y),
            (None, None) => true,
            _ => false,
        }
}

/// One result of the `results` array, as serde_json's pretty printer writes it there.
fn write_result<'a>(
    out: &mut dyn Write,
    f: &'a Finding,
    rules: &[&Rule],
    cache: &mut Cache<'a>,
) -> std::io::Result<()> {
    use crate::output::safe_json::{write_indented, write_str, write_usize};
    if f.history.is_some() {
        // `--history` provenance in `properties`: serde's own layout.
        return write_indented(out, &sarif_result(f, rules), 8);
    }
    let index = match cache.rule {
        Some((rule, index)) if rule == f.rule => index,
        _ => {
            let index = rule_index(rules, f.rule);
            cache.rule = Some((f.rule, index));
            index
        }
    };
    let fix = f.fix.as_deref();
    let key = (&*f.message, fix);
    let slot = match cache.texts.iter().position(|(k, _)| same_text(*k, key)) {
        Some(slot) => slot,
        None => {
            // Two or three rules' findings take turns on a line: a few are kept.
            // The oldest one's buffer is reused (a file of distinct messages misses each time).
            let mut json = if cache.texts.len() == 4 {
                let mut json = cache.texts.remove(0).1;
                json.clear();
                json
            } else {
                Vec::new()
            };
            write_message(&mut json, f)?;
            cache.texts.push((key, json));
            cache.texts.len() - 1
        }
    };
    if !cache.path.is_some_and(|p| same(p, &f.path)) {
        let a = artifact(&f.path);
        cache.artifact_json.clear();
        cache.artifact_json.extend_from_slice(
            b"                \"artifactLocation\": {\n                  \"uri\": ",
        );
        write_str(&mut cache.artifact_json, &a.uri)?;
        if let Some(base) = a.uri_base_id {
            cache
                .artifact_json
                .extend_from_slice(b",\n                  \"uriBaseId\": ");
            write_str(&mut cache.artifact_json, base)?;
        }
        cache
            .artifact_json
            .extend_from_slice(b"\n                },\n");
        cache.path = Some(&f.path);
    }
    out.write_all(b"        {\n          \"ruleId\": ")?;
    write_str(out, f.rule)?;
    out.write_all(b",\n          \"ruleIndex\": ")?;
    write_usize(out, index)?;
    out.write_all(b",\n          \"level\": ")?;
    write_str(out, level(f.severity))?;
    out.write_all(b",\n          \"message\": {\n            \"text\": ")?;
    out.write_all(&cache.texts[slot].1)?;
    out.write_all(
        b"\n          },\n          \"locations\": [\n            {\n              \"physicalLocation\": {\n",
    )?;
    out.write_all(&cache.artifact_json)?;
    out.write_all(b"                \"region\": {\n                  \"startLine\": ")?;
    write_usize(out, f.line)?;
    out.write_all(b",\n                  \"startColumn\": ")?;
    write_usize(out, f.column)?;
    out.write_all(b",\n                  \"endLine\": ")?;
    write_usize(out, f.end_line)?;
    out.write_all(b",\n                  \"endColumn\": ")?;
    write_usize(out, f.end_column)?;
    out.write_all(
        b"\n                }\n              }\n            }\n          ],\n          \"partialFingerprints\": {\n            \"primaryLocationLineHash\": ",
    )?;
    // `line_hash`, without making the string.
    crate::output::safe_json::write_str2(out, &f.fingerprint, ":1")?;
    out.write_all(b"\n          }\n        }")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_encoded() {
        assert_eq!(
            artifact("dir/a b#1.sh"),
            ArtifactLocationOut {
                uri: "dir/a%20b%231.sh".into(),
                uri_base_id: Some("%SRCROOT%")
            }
        );
        assert_eq!(artifact("/tmp/x.sh").uri, "file:///tmp/x.sh");
        assert_eq!(artifact("<stdin>").uri, "%3Cstdin%3E");
    }

    #[test]
    fn descriptions_are_capped() {
        let long = "é".repeat(2000);
        let t = truncate(&long, MAX_DESCRIPTION);
        assert!(t.len() <= MAX_DESCRIPTION, "{}", t.len());
        assert!(t.ends_with('…'));
    }

    #[test]
    fn every_lint_rule_has_tags_and_a_severity_in_range() {
        for r in lint_rules() {
            let s: f64 = security_severity(r).parse().unwrap();
            assert!((0.0..=10.0).contains(&s), "{}", r.code);
            assert!(
                r.security_severity.is_some(),
                "{} has no security_severity",
                r.code
            );
            assert!(tags(r).len() <= 20);
            assert!(tags(r).iter().any(|t| t == "security"), "{}", r.code);
        }
    }

    /// Results of every shape: with and without a fix, shared and distinct paths and
    /// messages, strings to escape, an absolute path, several rules.
    #[test]
    fn results_written_by_hand_are_what_serde_json_writes() {
        use std::sync::Arc;
        let path: Arc<str> = "dir/a \"b\"\\c é.sh".into();
        let message: Arc<str> = "m \u{202e} 2Yw4aC…6NgI \u{1b}[31m\t/.".into();
        let fix: Arc<str> = "fix \"x\"".into();
        let findings: Vec<Finding> = (0..8)
            .map(|i| Finding {
                rule: ["AT201", "AT102", "AT205"][i % 3],
                name: "direct-site-url",
                severity: [Severity::Error, Severity::Warning, Severity::Info][i % 3],
                path: match i {
                    0..3 => path.clone(),
                    3 => "/tmp/abs.sh".into(),
                    _ => format!("p{i}.sh").into(),
                },
                line: i * 1000 + 1,
                column: 0,
                end_line: usize::MAX,
                end_column: 12,
                message: if i < 4 {
                    message.clone()
                } else {
                    format!("msg {i}").into()
                },
                fix: match i {
                    0 | 1 | 5 => Some(fix.clone()),
                    6 => Some("other\u{85} \u{2028}\"\\ ..".into()),
                    _ => None,
                },
                fingerprint: format!("{i:016x}"),
                history: None,
                frame: None,
                span: 0..0,
            })
            .collect();
        for findings in [findings, Vec::new()] {
            let result = LintResult {
                findings,
                errors: vec![("gone.sh".into(), "not found".into())],
                ..Default::default()
            };
            let mut hand = Vec::new();
            write_lint(&mut hand, &result).unwrap();
            let rules = lint_rules();
            let results = result
                .findings
                .iter()
                .map(|f| sarif_result(f, &rules))
                .collect();
            let mut reference = Vec::new();
            crate::output::safe_json::to_writer_pretty(
                &mut reference,
                &log(&result, &rules, results),
            )
            .unwrap();
            reference.push(b'\n');
            assert_eq!(
                String::from_utf8(hand).unwrap(),
                String::from_utf8(reference).unwrap()
            );
        }
    }
}
