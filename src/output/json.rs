//! `--format json`: the versioned document SPEC.md fixes.
use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use crate::catalogue::{Rule, Severity};
use crate::lint::suppress::SuppressionNote;
use crate::lint::{Finding, LintResult};

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
    let doc = LintDoc {
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
    };
    crate::output::safe_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
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
