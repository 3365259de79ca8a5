//! Human output: rustc-style code frames (secrets masked), a summary line, the rule table
//! and rule documentation. Colour follows [`super::color`].
//!
//! The frame is written by hand rather than with annotate-snippets: the masked line is
//! computed here (carets must sit under the masked text), and a fixed layout keeps the
//! reviewed snapshots stable across crate upgrades (ruff forked annotate-snippets for the
//! same reason).
use std::fmt::Write as _;
use std::io::Write;

use owo_colors::Style;

use super::color::{paint, painted};

use crate::catalogue::{Rule, Severity};
use crate::lint::{Finding, LintResult};

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => Style::new().red().bold(),
        Severity::Warning => Style::new().yellow().bold(),
        Severity::Info => Style::new().cyan().bold(),
    }
}

fn write_finding<W: Write + ?Sized>(out: &mut W, f: &Finding) -> std::io::Result<()> {
    if !super::color::enabled() {
        return write_finding_plain(out, f);
    }
    write_finding_styled(out, f)
}

/// A finding as [`write_finding`] writes it with colour on (and as the test of the plain
/// layout writes it with colour off).
fn write_finding_styled<W: Write + ?Sized>(out: &mut W, f: &Finding) -> std::io::Result<()> {
    let blue = Style::new().blue().bold();
    writeln!(
        out,
        "{}{}",
        painted(
            format_args!("{}[{}]", f.severity, f.rule),
            severity_style(f.severity)
        ),
        painted(format_args!(": {}", f.message), Style::new().bold())
    )?;
    // No string per finding for the gutter's padding (issue 12, class 5: a report may hold
    // 500,000 findings).
    let pad = Run(' ', digits(f.line));
    writeln!(
        out,
        "{pad}{} {}:{}:{}",
        painted("-->", blue),
        f.path,
        f.line,
        f.column
    )?;
    if let Some(frame) = &f.frame {
        writeln!(out, "{pad} {}", painted("|", blue))?;
        write!(out, "{} {} ", painted(f.line, blue), painted("|", blue))?;
        frame.write_to(out)?;
        writeln!(out)?;
        writeln!(
            out,
            "{pad} {} {}{} {}",
            painted("|", blue),
            Run(' ', frame.lead()),
            painted(Run('^', frame.width().max(1)), severity_style(f.severity)),
            painted(f.name, severity_style(f.severity))
        )?;
        writeln!(out, "{pad} {}", painted("|", blue))?;
    }
    if let Some(fix) = &f.fix {
        writeln!(
            out,
            "{pad} {} {}: {fix}",
            painted("=", blue),
            painted("fix", Style::new().bold())
        )?;
    }
    writeln!(
        out,
        "{pad} {} {}: atlcheck explain {}",
        painted("=", blue),
        painted("docs", Style::new().bold()),
        f.rule
    )?;
    writeln!(out)
}

/// [`write_finding`] without colour, the same bytes written as slices rather than through
/// the formatting machinery (a report of 500,000 findings writes thirty pieces each; issue 12,
/// class 5). `tests::plain_finding_matches_the_formatted_one` holds the two layouts together.
fn write_finding_plain<W: Write + ?Sized>(out: &mut W, f: &Finding) -> std::io::Result<()> {
    let mut line_buf = itoa::Buffer::new();
    let line = line_buf.format(f.line).as_bytes();
    let mut column_buf = itoa::Buffer::new();
    let column = column_buf.format(f.column).as_bytes();
    let pad = &SPACES.as_bytes()[..line.len().min(SPACES.len())];
    put(
        out,
        &[
            f.severity.as_str().as_bytes(),
            b"[",
            f.rule.as_bytes(),
            b"]: ",
            f.message.as_bytes(),
            b"\n",
            pad,
            b"--> ",
            f.path.as_bytes(),
            b":",
            line,
            b":",
            column,
            b"\n",
        ],
    )?;
    if let Some(frame) = &f.frame {
        put(out, &[pad, b" |\n", line, b" | "])?;
        frame.write_to(out)?;
        put(out, &[b"\n", pad, b" | "])?;
        repeat(out, SPACES.as_bytes(), frame.lead())?;
        repeat(out, CARETS.as_bytes(), frame.width().max(1))?;
        put(out, &[b" ", f.name.as_bytes(), b"\n", pad, b" |\n"])?;
    }
    if let Some(fix) = &f.fix {
        put(out, &[pad, b" = fix: ", fix.as_bytes(), b"\n"])?;
    }
    put(
        out,
        &[
            pad,
            b" = docs: atlcheck explain ",
            f.rule.as_bytes(),
            b"\n\n",
        ],
    )?;
    Ok(())
}

fn put<W: Write + ?Sized>(out: &mut W, pieces: &[&[u8]]) -> std::io::Result<()> {
    for piece in pieces {
        out.write_all(piece)?;
    }
    Ok(())
}

const SPACES: &str = "                                                                ";
const CARETS: &str = "^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^";

/// `n` bytes of the one-byte run `run` (spaces, carets), in slices of it.
fn repeat<W: Write + ?Sized>(out: &mut W, run: &[u8], mut n: usize) -> std::io::Result<()> {
    while n > 0 {
        let k = n.min(run.len());
        out.write_all(&run[..k])?;
        n -= k;
    }
    Ok(())
}

/// `n` copies of an ASCII character, written from a static run in slices rather than one
/// `write_char` per character as `{:^<n$}` padding does.
struct Run(char, usize);

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let run = match self.0 {
            ' ' => SPACES,
            '^' => CARETS,
            c => {
                for _ in 0..self.1 {
                    f.write_char(c)?;
                }
                return Ok(());
            }
        };
        let mut left = self.1;
        while left > 0 {
            let n = left.min(run.len());
            f.write_str(&run[..n])?;
            left -= n;
        }
        Ok(())
    }
}

/// Decimal digits of `n` (the width of a line number in the gutter).
fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Findings with frames, suppression notes, then the summary line (unless `quiet`).
pub fn write_lint<W: Write + ?Sized>(
    out: &mut W,
    result: &LintResult,
    quiet: bool,
) -> std::io::Result<()> {
    for f in &result.findings {
        write_finding(out, f)?;
    }
    for n in &result.notes {
        writeln!(
            out,
            "{}: {}:{}: {}",
            paint("warning", severity_style(Severity::Warning)),
            n.path,
            n.line,
            n.message
        )?;
    }
    if quiet {
        return Ok(());
    }
    let errors = result
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = result
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    let infos = result.findings.len() - errors - warnings;
    let files_with: std::collections::BTreeSet<&str> =
        result.findings.iter().map(|f| &*f.path).collect();
    let scanned = match &result.history {
        Some(h) => format!(
            "{} from {} of history{}",
            plural(h.blobs, "blob"),
            plural(h.commits, "commit"),
            if h.shallow {
                " (shallow clone: incomplete)"
            } else {
                ""
            }
        ),
        None => plural(result.files_scanned, "file"),
    };
    let mut extra = Vec::new();
    if result.suppressed > 0 {
        extra.push(format!("{} suppressed", result.suppressed));
    }
    if !result.skipped.is_empty() {
        let noun = if result.history.is_some() {
            "blob"
        } else {
            "file"
        };
        extra.push(format!("{} skipped", plural(result.skipped.len(), noun)));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!("; {}", extra.join(", "))
    };
    if result.findings.is_empty() {
        writeln!(
            out,
            "{} No findings in {scanned}{extra}.",
            paint("✓", Style::new().green().bold())
        )?;
    } else {
        let mut parts = vec![];
        if errors > 0 {
            parts.push(plural(errors, "error"));
        }
        if warnings > 0 {
            parts.push(plural(warnings, "warning"));
        }
        if infos > 0 {
            parts.push(format!("{infos} info"));
        }
        writeln!(
            out,
            "{} {} ({}) in {} of {scanned}{extra}.",
            paint("Found", Style::new().bold()),
            paint(
                plural(result.findings.len(), "finding"),
                Style::new().bold()
            ),
            parts.join(", "),
            files_with.len()
        )?;
    }
    Ok(())
}

/// The last line of a run that exits 1: what that exit code means, so that a first run does
/// not read as a failed install.
pub fn write_exit_note(out: &mut dyn Write, fail_on: Severity) -> std::io::Result<()> {
    writeln!(
        out,
        "Exit code 1: the scan worked and found problems at or above {fail_on} severity.\n\
         `atlcheck explain CODE` says why a finding matters; `--exit-zero` reports without failing."
    )
}

pub fn write_rules(out: &mut dyn Write, rules: &[Rule]) -> std::io::Result<()> {
    let name_w = rules.iter().map(|r| r.name.len()).max().unwrap_or(10);
    writeln!(
        out,
        "{}",
        paint(
            format!(
                "{:<6} {:<name_w$} {:<12} {:<8} summary",
                "code", "name", "mode", "severity"
            ),
            Style::new().bold()
        )
    )?;
    for r in rules {
        let modes = r
            .modes
            .iter()
            .map(|m| format!("{m:?}").to_lowercase())
            .collect::<Vec<_>>()
            .join(",");
        writeln!(
            out,
            "{:<6} {:<name_w$} {:<12} {:<8} {}",
            paint(format!("{:<6}", r.code), Style::new().bold()),
            r.name,
            modes,
            paint(
                format!("{:<8}", r.severity.as_str()),
                severity_style(r.severity)
            ),
            r.summary
        )?;
    }
    writeln!(
        out,
        "\n{} rules. Details: atlcheck explain CODE",
        rules.len()
    )
}

pub fn write_explain(out: &mut dyn Write, r: &Rule) -> std::io::Result<()> {
    let modes = r
        .modes
        .iter()
        .map(|m| format!("{m:?}").to_lowercase())
        .collect::<Vec<_>>()
        .join(", ");
    writeln!(
        out,
        "{} ({})",
        paint(r.code, Style::new().bold()),
        paint(&r.name, Style::new().bold())
    )?;
    writeln!(out, "{}", r.summary)?;
    writeln!(
        out,
        "Mode: {modes}. Default severity: {}.",
        paint(r.severity, severity_style(r.severity))
    )?;
    for (title, body) in [
        ("What it does", &r.docs.what),
        ("Why it matters", &r.docs.why),
    ] {
        writeln!(
            out,
            "\n{}\n{}",
            paint(title, Style::new().bold().underline()),
            body.trim_end()
        )?;
    }
    writeln!(
        out,
        "\n{}",
        paint("Example", Style::new().bold().underline())
    )?;
    for line in r.docs.example.trim_end().lines() {
        writeln!(out, "    {line}")?;
    }
    writeln!(
        out,
        "\n{}\n{}",
        paint("Fix", Style::new().bold().underline()),
        r.docs.fix.trim_end()
    )?;
    writeln!(
        out,
        "\n{}",
        paint("References", Style::new().bold().underline())
    )?;
    for rf in &r.docs.references {
        writeln!(out, "- {}: {}", rf.title, rf.url)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{Frame, LineIndex};

    fn finding(text: &str, at: &str, fix: Option<&str>, frame: bool) -> Finding {
        let start = text.find(at).unwrap();
        let index = LineIndex::new(text);
        let (line, column) = index.position(text, start);
        Finding {
            rule: "AT205",
            name: "insecure-http",
            severity: Severity::Error,
            path: "dir/a b.sh".into(),
            line,
            column,
            end_line: line,
            end_column: column + at.chars().count(),
            message: "plain http:// to acme.atlassian.net: credentials".into(),
            fix: fix.map(Into::into),
            fingerprint: "0123456789abcdef".to_string(),
            history: None,
            frame: frame.then(|| -> Frame {
                crate::output::frame::frame(
                    text,
                    &index,
                    start..start + at.len(),
                    &mut Default::default(),
                )
            }),
            span: start..start + at.len(),
        }
    }

    /// The plain layout is the styled one with colour off, byte for byte: short and long
    /// lines (cut with `…`), tabs, multi-byte text, line numbers of several widths.
    #[test]
    fn plain_finding_matches_the_formatted_one() {
        crate::output::color::disable();
        let long = format!(
            "{}\té http://acme.atlassian.net/rest {}",
            "x".repeat(300),
            "€".repeat(200)
        );
        let many = format!(
            "{}\tcurl http://acme.atlassian.net/rest\n",
            "\n".repeat(12_345)
        );
        for (text, at) in [
            (
                "curl http://acme.atlassian.net/rest\n",
                "http://acme.atlassian.net/rest",
            ),
            (
                "\tcurl 'é' http://acme.atlassian.net\n",
                "http://acme.atlassian.net",
            ),
            (long.as_str(), "http://acme.atlassian.net/rest"),
            (many.as_str(), "http://acme.atlassian.net/rest"),
            ("x\n", "\n"),
        ] {
            for fix in [None, Some("use https://acme.atlassian.net/rest")] {
                for frame in [false, true] {
                    let f = finding(text, at, fix, frame);
                    let (mut plain, mut styled) = (Vec::new(), Vec::new());
                    write_finding_plain(&mut plain, &f).unwrap();
                    write_finding_styled(&mut styled, &f).unwrap();
                    assert_eq!(
                        String::from_utf8(plain).unwrap(),
                        String::from_utf8(styled).unwrap()
                    );
                }
            }
        }
    }
}
