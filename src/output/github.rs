//! `--format github`: GitHub Actions workflow commands, one annotation per finding.
//!
//! ```text
//! ::error file=PATH,line=L,endLine=EL,col=C,endColumn=EC,title=atlcheck AT201 (direct-site-url)::PATH:L:C: AT201 message%0Afix: ...
//! ```
//!
//! - Data (after `::`) escapes `%`, `\r`, `\n`; properties also escape `:` and `,`.
//! - `col` and `endColumn` only when the finding is on one line (GitHub misplaces multi-line
//!   column ranges).
//! - The log line repeats `path:line:col:` because the properties feed only the annotation
//!   panel.
//! - GitHub keeps at most 10 error and 10 warning (and 10 notice) annotations per step and 50
//!   per job. Findings past a cap are printed as plain log lines, and a closing `::notice` says
//!   how many were not annotated.
use std::io::Write;

use super::sink::Sink;
pub use super::sink::{escape_data, escape_property};
use crate::catalogue::Severity;
use crate::lint::{Finding, LintResult};

/// Annotations GitHub keeps per step, per level.
pub const MAX_PER_LEVEL: usize = 10;
/// Annotations GitHub keeps per job.
pub const MAX_PER_JOB: usize = 50;

struct Annotation<'a> {
    level: &'static str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    title: String,
    text: String,
}

/// The workflow command's properties and message for one annotation.
fn parts(a: &Annotation<'_>) -> (Vec<(&'static str, String)>, String) {
    let mut props = vec![
        ("file", a.path.to_string()),
        ("line", a.line.to_string()),
        ("endLine", a.end_line.to_string()),
    ];
    if a.line == a.end_line {
        props.push(("col", a.column.to_string()));
        props.push(("endColumn", a.end_column.to_string()));
    }
    props.push(("title", a.title.clone()));
    let message = format!("{}:{}:{}: {}", a.path, a.line, a.column, a.text);
    (props, message)
}

/// Write one annotation as a workflow command (through [`Sink::workflow_command`], the only
/// way a line may start with `::`).
fn command(out: &mut Sink, a: &Annotation<'_>) -> std::io::Result<()> {
    let (props, message) = parts(a);
    let props: Vec<(&str, &str)> = props.iter().map(|(k, v)| (*k, v.as_str())).collect();
    out.workflow_command(a.level, &props, &message)
}

/// An annotation's level, path, position and text, borrowed from a finding or a note: the
/// title and text are only built for the few written as workflow commands (issue 12, class 5:
/// a report may hold 500,000 findings, nearly all past GitHub's cap).
struct Item<'a> {
    level: &'static str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    kind: ItemKind<'a>,
}

enum ItemKind<'a> {
    Finding(&'a Finding),
    Note(&'a str),
}

impl Item<'_> {
    fn annotation(&self) -> Annotation<'_> {
        let (title, text) = match &self.kind {
            ItemKind::Finding(f) => (
                format!("atlcheck {} ({})", f.rule, f.name),
                match &f.fix {
                    Some(fix) => format!("{} {}\nfix: {fix}", f.rule, f.message),
                    None => format!("{} {}", f.rule, f.message),
                },
            ),
            ItemKind::Note(text) => ("atlcheck suppression".to_string(), text.to_string()),
        };
        Annotation {
            level: self.level,
            path: self.path,
            line: self.line,
            column: self.column,
            end_line: self.end_line,
            end_column: self.end_column,
            title,
            text,
        }
    }

    /// The plain log line of an annotation past the cap (its text on one line), written
    /// without building it.
    fn write_plain<W: Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        write!(
            out,
            "{}:{}:{}: [{}] ",
            self.path, self.line, self.column, self.level
        )?;
        match &self.kind {
            ItemKind::Finding(f) => {
                write!(out, "{} ", f.rule)?;
                one_line(out, &f.message)?;
                if let Some(fix) = &f.fix {
                    out.write_all(b" fix: ")?;
                    one_line(out, fix)?;
                }
            }
            ItemKind::Note(text) => one_line(out, text)?,
        }
        out.write_all(b"\n")
    }
}

/// `s` with each newline written as a space.
fn one_line<W: Write + ?Sized>(out: &mut W, s: &str) -> std::io::Result<()> {
    let mut rest = s.as_bytes();
    while let Some(i) = memchr::memchr(b'\n', rest) {
        out.write_all(&rest[..i])?;
        out.write_all(b" ")?;
        rest = &rest[i + 1..];
    }
    out.write_all(rest)
}

/// Every annotation of a run, uncapped: findings, then suppression notes.
fn items(result: &LintResult) -> impl Iterator<Item = Item<'_>> {
    let findings = result.findings.iter().map(|f| Item {
        level: match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        },
        path: &f.path,
        line: f.line,
        column: f.column,
        end_line: f.end_line,
        end_column: f.end_column,
        kind: ItemKind::Finding(f),
    });
    let notes = result.notes.iter().map(|n| Item {
        level: "warning",
        path: &n.path,
        line: n.line,
        column: 1,
        end_line: n.line,
        end_column: 1,
        kind: ItemKind::Note(&n.message),
    });
    findings.chain(notes)
}

/// Which annotations GitHub keeps: `true` for each one written as a workflow command, in
/// order; the rest are plain log lines.
fn caps() -> impl FnMut(&Item<'_>) -> bool {
    let mut counts = [0usize; 3];
    let mut total = 0;
    move |a| {
        let i = match a.level {
            "error" => 0,
            "warning" => 1,
            _ => 2,
        };
        // One notice is kept for the closing summary.
        let cap = if i == 2 {
            MAX_PER_LEVEL - 1
        } else {
            MAX_PER_LEVEL
        };
        if counts[i] < cap && total < MAX_PER_JOB - 1 {
            counts[i] += 1;
            total += 1;
            true
        } else {
            false
        }
    }
}

pub fn write_lint(out: &mut Sink, result: &LintResult) -> std::io::Result<()> {
    // Two passes over the findings, each deciding the same way: the workflow commands first,
    // then the rest as plain log lines, written as they are read.
    let mut kept = caps();
    for a in items(result) {
        if kept(&a) {
            command(out, &a.annotation())?;
        }
    }
    let mut kept = caps();
    let mut overflow = 0usize;
    {
        // Plain log lines: still visible in the job log, never an annotation. Whole chunks of
        // lines reach the sink, not one write per piece.
        let mut plain = std::io::BufWriter::with_capacity(64 * 1024, &mut *out);
        for a in items(result) {
            if !kept(&a) {
                overflow += 1;
                a.write_plain(&mut plain)?;
            }
        }
        plain.flush()?;
    }
    if overflow == 0 {
        return Ok(());
    }
    out.workflow_command(
        "notice",
        &[("title", "atlcheck: annotation limit reached")],
        &format!(
            "{overflow} more findings were not annotated (GitHub shows at most {MAX_PER_LEVEL} errors and {MAX_PER_LEVEL} warnings per step): they are listed in this log; upload --format sarif to code scanning to see them all"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command_line(a: &Annotation<'_>) -> String {
        let mut out = Sink::memory();
        command(&mut out, a).unwrap();
        String::from_utf8(out.into_bytes()).unwrap()
    }

    #[test]
    fn escapes() {
        assert_eq!(escape_data("a%b\r\nc:d,e"), "a%25b%0D%0Ac:d,e");
        assert_eq!(escape_property("a%b\r\nc:d,e"), "a%25b%0D%0Ac%3Ad%2Ce");
    }

    #[test]
    fn columns_only_on_one_line() {
        let mut a = Annotation {
            level: "error",
            path: "a,b.sh",
            line: 3,
            column: 5,
            end_line: 3,
            end_column: 9,
            title: "t: x".into(),
            text: "m".into(),
        };
        assert_eq!(
            command_line(&a),
            "::error file=a%2Cb.sh,line=3,endLine=3,col=5,endColumn=9,title=t%3A x::a,b.sh:3:5: m\n"
        );
        a.end_line = 4;
        assert_eq!(
            command_line(&a),
            "::error file=a%2Cb.sh,line=3,endLine=4,title=t%3A x::a,b.sh:3:5: m\n"
        );
    }
}
