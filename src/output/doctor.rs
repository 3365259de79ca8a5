//! The doctor's human output: a checklist with evidence, then the root cause and the fix.
use std::io::Write;

use owo_colors::Style;

use super::color::paint;
use crate::doctor::http::Exchange;
use crate::doctor::report::{Report, Status, Verdict};

fn mark(s: Status) -> String {
    match s {
        Status::Pass => paint("[✓]", Style::new().green().bold()),
        Status::Fail => paint("[✗]", Style::new().red().bold()),
        Status::Warn => paint("[!]", Style::new().yellow().bold()),
        Status::Skip => paint("[-]", Style::new().dimmed()),
        Status::Error => paint("[?]", Style::new().magenta().bold()),
    }
}

/// The headers that decided, in the order a reader wants them.
const SHOWN: &[&str] = &[
    "x-failure-category",
    "x-seraph-loginreason",
    "x-authentication-denied-reason",
    "www-authenticate",
    "retry-after",
    "ratelimit-reason",
    "x-aaccountid",
    "location",
];

fn evidence(out: &mut dyn Write, ex: &Exchange, verbose: bool) -> std::io::Result<()> {
    writeln!(out, "      {}", paint(ex.summary(), Style::new().dimmed()))?;
    for h in SHOWN {
        if let Some(v) = ex.header(h) {
            // A server's words stay on their line and cannot colour or hide what follows.
            writeln!(
                out,
                "        {h}: {}",
                super::sink::one_line(&crate::secret::redact_message(v))
            )?;
        }
    }
    if !ex.body.is_empty() && ex.status.is_some_and(|s| s >= 300 || verbose) {
        let body: String = ex
            .body
            .chars()
            .take(if verbose { 300 } else { 120 })
            .collect();
        writeln!(out, "        body: {}", super::sink::one_line(&body))?;
    }
    Ok(())
}

/// `-v`: how each live checklist unit concluded, and from which answers.
fn trail(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    if r.trail.is_empty() {
        return Ok(());
    }
    writeln!(out, "{}", paint("Checklist:", Style::new().bold()))?;
    for step in &r.trail {
        let found = if step.found.is_empty() {
            String::new()
        } else {
            let codes: Vec<&str> = step.found.iter().map(|c| c.as_str()).collect();
            format!(" → {}", codes.join(", "))
        };
        writeln!(out, "  {}: {}{found}", step.unit, step.because)?;
        for p in &step.probed {
            writeln!(
                out,
                "      {}",
                paint(crate::secret::redact_message(p), Style::new().dimmed())
            )?;
        }
    }
    writeln!(out)
}

pub fn write_human(out: &mut dyn Write, r: &Report, verbose: bool) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {} {}",
        paint("atlcheck doctor:", Style::new().bold()),
        r.request.method,
        r.request.url
    )?;
    writeln!(out)?;
    for c in &r.checks {
        writeln!(
            out,
            "{} {}: {}",
            mark(c.status),
            paint(&c.title, Style::new().bold()),
            c.detail
        )?;
        for ex in &c.evidence {
            evidence(out, ex, verbose)?;
        }
    }
    writeln!(out)?;
    if verbose {
        trail(out, r)?;
    }
    match (r.root_cause, r.verdict) {
        (Some(code), _) => {
            let f = r
                .findings
                .iter()
                .find(|f| f.rule == code)
                .expect("root cause is a finding");
            let style = if r.verdict == Verdict::Problem {
                Style::new().red().bold()
            } else {
                Style::new().yellow().bold()
            };
            writeln!(
                out,
                "{} {} {}: {}",
                paint("Root cause:", style),
                paint(code, Style::new().bold()),
                f.name,
                f.message
            )?;
            writeln!(
                out,
                "{} {}",
                paint("Fix:", Style::new().green().bold()),
                f.fix
            )?;
            let others: Vec<_> = r
                .findings
                .iter()
                .filter(|o| o.rule != code || o.message != f.message)
                .collect();
            if !others.is_empty() {
                writeln!(out, "{}", paint("Also:", Style::new().bold()))?;
                for o in others {
                    writeln!(
                        out,
                        "  {} {} ({}): {}\n    fix: {}",
                        o.rule, o.name, o.severity, o.message, o.fix
                    )?;
                }
            }
            writeln!(out, "Docs: atlcheck explain {code}")?;
        }
        (None, Verdict::Inconclusive) => writeln!(
            out,
            "{} {}",
            paint("Inconclusive:", Style::new().magenta().bold()),
            r.summary
        )?,
        (None, _) => writeln!(
            out,
            "{} {}",
            paint("OK:", Style::new().green().bold()),
            r.summary
        )?,
    }
    Ok(())
}
