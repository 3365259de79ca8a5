//! `--format json`: the versioned document SPEC.md fixes.
use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::catalogue::{Rule, Severity};
use crate::lint::suppress::SuppressionNote;
use crate::lint::{Finding, LintResult};
use crate::output::safe_json::{StrCache, write_indented, write_str, write_usize};

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

const TOOL: Tool = Tool {
    name: "atlcheck",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct Summary<'a> {
    files_scanned: usize,
    files_skipped: usize,
    errors: usize,
    findings: usize,
    suppressed: usize,
    by_severity: BTreeMap<&'static str, usize>,
    by_rule: BTreeMap<&'static str, usize>,
    /// `--history`: commits walked, blobs scanned, whether the clone is shallow, the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a crate::lint::history::Coverage>,
}

#[derive(Serialize)]
struct Skipped<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct LintDoc<'a> {
    version: u32,
    tool: Tool,
    findings: &'a [Finding],
    suppressions: &'a [SuppressionNote],
    skipped: Vec<Skipped<'a>>,
    errors: Vec<Skipped<'a>>,
    summary: Summary<'a>,
    /// `--baseline`: the file, how many findings it accepted, its stale entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<crate::lint::baseline::JsonBaseline<'a>>,
}

pub fn write_lint<W: Write + ?Sized>(
    out: &mut W,
    result: &LintResult,
    baseline: Option<crate::lint::baseline::JsonBaseline<'_>>,
) -> std::io::Result<()> {
    // Written by hand below, into the place serde_json leaves for them.
    let doc = LintDoc {
        findings: &[],
        ..document(result, baseline)
    };
    // The document around the findings is small; the findings (500,000 in a generated file;
    // issue 12, class 5) are written one by one straight into `out`, each string escaped by
    // the one safe_json path and the strings a file's findings share escaped once.
    let rest = crate::output::safe_json::to_string_pretty(&doc)?;
    let Some(at) = rest
        .find(FINDINGS_SLOT)
        .map(|i| i + FINDINGS_SLOT.len() - 2)
    else {
        // (Never: the slot is the document's third key.)
        let doc = LintDoc {
            findings: &result.findings,
            ..doc
        };
        crate::output::safe_json::to_writer_pretty(&mut *out, &doc)?;
        return writeln!(out);
    };
    out.write_all(&rest.as_bytes()[..at])?;
    out.write_all(b"[")?;
    let mut cache = Cache::default();
    for (i, f) in result.findings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        write_finding(out, f, &mut cache)?;
    }
    out.write_all(if result.findings.is_empty() {
        b"]"
    } else {
        b"\n  ]"
    })?;
    out.write_all(&rest.as_bytes()[at + 2..])?;
    writeln!(out)
}

/// The report of a run (serialized whole, it is the document `write_lint` writes).
fn document<'a>(
    result: &'a LintResult,
    baseline: Option<crate::lint::baseline::JsonBaseline<'a>>,
) -> LintDoc<'a> {
    let mut by_severity: BTreeMap<&'static str, usize> =
        [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .map(|s| (s.as_str(), 0))
            .collect();
    let mut by_rule = BTreeMap::new();
    for f in &result.findings {
        *by_severity.entry(f.severity.as_str()).or_default() += 1;
        *by_rule.entry(f.rule).or_default() += 1;
    }
    LintDoc {
        version: 1,
        tool: TOOL,
        findings: &result.findings,
        suppressions: &result.notes,
        skipped: result
            .skipped
            .iter()
            .map(|(p, r)| Skipped { path: p, reason: r })
            .collect(),
        errors: result
            .errors
            .iter()
            .map(|(p, r)| Skipped { path: p, reason: r })
            .collect(),
        summary: Summary {
            files_scanned: result.files_scanned,
            files_skipped: result.skipped.len(),
            errors: result.errors.len(),
            findings: result.findings.len(),
            suppressed: result.suppressed,
            by_severity,
            by_rule,
            history: result.history.as_ref(),
        },
        baseline,
    }
}

/// Where the findings go in the document serde_json writes with none.
const FINDINGS_SLOT: &str = "\n  \"findings\": []";

/// The escaped strings of the findings written last.
#[derive(Default)]
struct Cache<'a> {
    path: StrCache<'a>,
    message: StrCache<'a>,
    fix: StrCache<'a>,
}

/// One finding of the `findings` array, as serde_json's pretty printer writes it there.
fn write_finding<'a, W: Write + ?Sized>(
    out: &mut W,
    f: &'a Finding,
    cache: &mut Cache<'a>,
) -> std::io::Result<()> {
    if f.history.is_some() {
        // `--history` provenance (flattened fields): serde's own layout.
        return write_indented(out, f, 4);
    }
    out.write_all(b"    {\n      \"rule\": ")?;
    write_str(out, f.rule)?;
    out.write_all(b",\n      \"name\": ")?;
    write_str(out, f.name)?;
    out.write_all(b",\n      \"severity\": ")?;
    write_str(out, f.severity.as_str())?;
    out.write_all(b",\n      \"path\": ")?;
    cache.path.write(out, &f.path)?;
    out.write_all(b",\n      \"line\": ")?;
    write_usize(out, f.line)?;
    out.write_all(b",\n      \"column\": ")?;
    write_usize(out, f.column)?;
    out.write_all(b",\n      \"end_line\": ")?;
    write_usize(out, f.end_line)?;
    out.write_all(b",\n      \"end_column\": ")?;
    write_usize(out, f.end_column)?;
    out.write_all(b",\n      \"message\": ")?;
    cache.message.write(out, &f.message)?;
    if let Some(fix) = &f.fix {
        out.write_all(b",\n      \"fix\": ")?;
        cache.fix.write(out, fix)?;
    }
    out.write_all(b",\n      \"fingerprint\": ")?;
    write_str(out, &f.fingerprint)?;
    out.write_all(b"\n    }")
}

#[derive(Serialize)]
struct RuleEntry<'a> {
    code: &'a str,
    name: &'a str,
    modes: &'a [crate::catalogue::Mode],
    severity: Severity,
    summary: &'a str,
    help_uri: String,
    lint_detection: bool,
}

fn entry(r: &Rule) -> RuleEntry<'_> {
    RuleEntry {
        code: r.code.as_str(),
        name: &r.name,
        modes: &r.modes,
        severity: r.severity,
        summary: &r.summary,
        help_uri: r.help_uri(),
        lint_detection: r.lint.is_some(),
    }
}

pub fn write_rules(out: &mut dyn Write, rules: &[Rule]) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        tool: Tool,
        rules: Vec<RuleEntry<'a>>,
    }
    crate::output::safe_json::to_writer_pretty(
        &mut *out,
        &Doc {
            version: 1,
            tool: TOOL,
            rules: rules.iter().map(entry).collect(),
        },
    )?;
    writeln!(out)
}

pub fn write_explain(out: &mut dyn Write, rule: &Rule) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        version: u32,
        #[serde(flatten)]
        entry: RuleEntry<'a>,
        docs: &'a crate::catalogue::Docs,
    }
    crate::output::safe_json::to_writer_pretty(
        &mut *out,
        &Doc {
            version: 1,
            entry: entry(rule),
            docs: &rule.docs,
        },
    )?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings of every shape: with and without a fix, strings to escape, shared and not.
    fn findings() -> Vec<Finding> {
        let path: std::sync::Arc<str> = "dir/a \"b\"\\c\u{7f}é.sh".into();
        let message: std::sync::Arc<str> = "m \u{202e} 2Yw4aC…6NgI \u{1b}[31m\t/".into();
        (0..6)
            .map(|i| Finding {
                rule: if i % 2 == 0 { "AT201" } else { "AT102" },
                name: "direct-site-url",
                severity: [Severity::Error, Severity::Warning, Severity::Info][i % 3],
                path: if i < 3 {
                    path.clone()
                } else {
                    format!("p{i}.sh").into()
                },
                line: i * 1000 + 1,
                column: 0,
                end_line: usize::MAX,
                end_column: 12,
                message: if i % 3 == 0 {
                    message.clone()
                } else {
                    format!("msg {i}").into()
                },
                fix: (i % 2 == 1).then(|| format!("fix\n{i}").into()),
                fingerprint: format!("{i:016x}"),
                history: None,
                frame: None,
                span: 0..0,
            })
            .collect()
    }

    #[test]
    fn findings_written_by_hand_are_what_serde_json_writes() {
        let result = LintResult {
            findings: findings(),
            ..Default::default()
        };
        let mut hand = Vec::new();
        write_lint(&mut hand, &result, None).unwrap();
        // The reference: the whole document through serde_json, findings included.
        let mut reference = Vec::new();
        crate::output::safe_json::to_writer_pretty(&mut reference, &document(&result, None))
            .unwrap();
        reference.push(b'\n');
        assert_eq!(
            String::from_utf8(hand).unwrap(),
            String::from_utf8(reference).unwrap()
        );
        let empty = LintResult::default();
        let mut none = Vec::new();
        write_lint(&mut none, &empty, None).unwrap();
        assert!(
            String::from_utf8(none)
                .unwrap()
                .contains("\"findings\": [],")
        );
    }
}
