//! Inline suppressions, in any comment syntax:
//!
//! - `atlcheck:allow AT101 -- reason` silences the listed rules on its own line;
//! - `atlcheck:allow-next-line AT101,AT201 -- reason` on the following line;
//! - `atlcheck:allow-file AT302 -- reason` in the whole file.
//!
//! Codes may be rule codes or names; with no code the directive covers every rule. A
//! directive that silences nothing, or names a code that does not exist, is reported.
use serde::Serialize;

use super::FileReport;

pub const MARKER: &str = "atlcheck:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Line,
    NextLine,
    File,
}

#[derive(Debug)]
struct Directive {
    line: usize,
    scope: Scope,
    /// Canonical codes; empty with `all` set means every rule.
    codes: Vec<&'static str>,
    all: bool,
    used: Vec<bool>,
    used_any: bool,
}

/// A problem with a suppression comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressionNote {
    pub path: String,
    pub line: usize,
    /// `unused` or `unknown-code`.
    pub kind: &'static str,
    pub code: String,
    pub message: String,
}

fn parse(text: &str, display: &str, notes: &mut Vec<SuppressionNote>) -> Vec<Directive> {
    let mut out = Vec::new();
    // One searcher for every line (`str::find` sets one up per call: a file that mentions the
    // marker once has every line searched).
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let finder = FINDER.get_or_init(|| memchr::memmem::Finder::new(MARKER));
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(pos) = finder.find(rest.as_bytes()) {
            let after = &rest[pos + MARKER.len()..];
            rest = after;
            let word_end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(after.len());
            let scope = match &after[..word_end] {
                "allow" => Scope::Line,
                "allow-next-line" => Scope::NextLine,
                "allow-file" => Scope::File,
                _ => continue,
            };
            let args = &after[word_end..];
            let args = args.split("--").next().unwrap_or("");
            let args = args.split(['*', '#', '<']).next().unwrap_or("");
            let mut codes = Vec::new();
            let mut words = 0;
            for word in args
                .split([',', ' ', '\t'])
                .map(str::trim)
                .filter(|w| !w.is_empty())
            {
                let word = word.trim_end_matches(['"', '\'', ';', ')']);
                if word.is_empty() {
                    continue;
                }
                words += 1;
                match crate::catalogue::find(word) {
                    Some(rule) => codes.push(rule.code.as_str()),
                    None => notes.push(SuppressionNote {
                        path: crate::secret::safe_text(display),
                        line: i + 1,
                        kind: "unknown-code",
                        code: crate::secret::safe_text(word),
                        message: format!("suppression names `{}`, which is not a rule code or name (see `atlcheck rules`)", crate::secret::safe_text(word)),
                    }),
                }
            }
            let used = vec![false; codes.len()];
            out.push(Directive {
                line: i + 1,
                scope,
                codes,
                all: words == 0,
                used,
                used_any: false,
            });
        }
    }
    out
}

/// Remove suppressed findings from `report`, count them, and add notes for unknown codes
/// and for directives that silenced nothing among the `enabled` rules.
pub fn apply(text: &str, display: &str, enabled: &[&str], report: &mut FileReport) {
    let mut notes = Vec::new();
    let mut directives = parse(text, display, &mut notes);
    let before = report.findings.len();
    report.findings.retain(|f| {
        let mut suppressed = false;
        for d in directives.iter_mut() {
            let covers_line = match d.scope {
                Scope::Line => d.line == f.line,
                Scope::NextLine => d.line + 1 == f.line,
                Scope::File => true,
            };
            if !covers_line {
                continue;
            }
            if d.all {
                d.used_any = true;
                suppressed = true;
            } else if let Some(i) = d.codes.iter().position(|c| *c == f.rule) {
                d.used[i] = true;
                suppressed = true;
            }
        }
        !suppressed
    });
    report.suppressed += before - report.findings.len();
    for d in &directives {
        if d.all {
            if !d.used_any {
                notes.push(SuppressionNote {
                    path: crate::secret::safe_text(display),
                    line: d.line,
                    kind: "unused",
                    code: "*".to_string(),
                    message: "suppression silences nothing; remove it".to_string(),
                });
            }
            continue;
        }
        for (code, used) in d.codes.iter().zip(&d.used) {
            if !used && enabled.contains(code) {
                notes.push(SuppressionNote {
                    path: crate::secret::safe_text(display),
                    line: d.line,
                    kind: "unused",
                    code: code.to_string(),
                    message: format!("suppression for {code} silences nothing; remove it"),
                });
            }
        }
    }
    report.notes.extend(notes);
}
