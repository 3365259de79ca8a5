//! `atlcheck inventory` formats: human (one block per integration), JSON (SPEC), CSV and
//! Markdown (the register to paste into a spreadsheet or a wiki page).
//!
//! Every string that comes from the scanned files passes [`clean`]: secrets masked, control
//! characters escaped, so no value can start a CI workflow command or a terminal escape.
//! CSV cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) get a leading `'`.
use std::io::Write;

use owo_colors::Style;
use serde::Serialize;

use super::color::paint;
use crate::catalogue::Severity;
use crate::inventory::{Integration, InvFinding, Inventory, RunsIn, Summary};

/// Mask secrets and escape control characters, for values read from the scanned files. The
/// sink ([`super::sink`]) scrubs every line again; cleaning here keeps each value on its own
/// line in every format (a newline in a job name cannot break a CSV row or a Markdown table).
pub fn clean(s: &str) -> String {
    escape(&crate::secret::redact_text(s))
}

/// Escape control characters and bidirectional overrides (the sink's own escaping).
pub fn escape(s: &str) -> String {
    // The sink keeps line breaks (it works line by line); inside a value they are escaped too.
    let one_line = s.replace('\n', "\\u000a").replace('\r', "\\u000d");
    super::sink::escape_controls(&one_line, false).into_owned()
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => Style::new().red().bold(),
        Severity::Warning => Style::new().yellow().bold(),
        Severity::Info => Style::new().cyan().bold(),
    }
}

fn runs_in_text(r: &RunsIn) -> String {
    let mut s = format!("{} {}:{}", r.kind.as_str(), r.path, r.line);
    if let Some(j) = &r.job {
        s.push_str(&format!(", {j}"));
    }
    if let Some(c) = &r.schedule {
        s.push_str(&format!(", schedule {c}"));
    } else if let Some(t) = &r.trigger {
        s.push_str(&format!(", on {t}"));
    }
    if let Some(e) = &r.env {
        s.push_str(&format!(" (as ${e})"));
    }
    clean(&s)
}

fn identity_text(i: &Integration) -> String {
    match &i.identity.value {
        Some(v) => clean(&format!("{v} ({})", i.identity.kind)),
        None => "unknown".to_string(),
    }
}

pub fn write_human(out: &mut dyn Write, inv: &Inventory, quiet: bool) -> std::io::Result<()> {
    let dim = Style::new().dimmed();
    for i in &inv.integrations {
        writeln!(
            out,
            "{}  {}",
            paint(clean(&i.credential), Style::new().bold()),
            paint(format!("({})", clean(&i.stores.join(", "))), dim)
        )?;
        let label = |s: &str| paint(format!("  {s:<10}"), dim);
        writeln!(out, "{} {}", label("identity"), identity_text(i))?;
        for (n, r) in i.runs_in.iter().enumerate() {
            let l = if n == 0 { label("runs in") } else { label("") };
            writeln!(out, "{l} {}", runs_in_text(r))?;
        }
        if !i.sites.is_empty() {
            writeln!(out, "{} {}", label("sites"), clean(&i.sites.join(", ")))?;
        }
        for (n, c) in i.calls.iter().enumerate() {
            let l = if n == 0 { label("calls") } else { label("") };
            // Operation ids come from the catalogue, not from the scanned files.
            let op = c.operation.as_deref().unwrap_or("no matching operation");
            writeln!(
                out,
                "{l} {} {} ({op})  {}:{}",
                c.method,
                clean(&c.path),
                clean(&c.file),
                c.line
            )?;
        }
        if !i.calls.is_empty() {
            let scopes = |v: &[String]| {
                if v.is_empty() {
                    "(none)".to_string()
                } else {
                    v.join(" ")
                }
            };
            writeln!(
                out,
                "{} classic:  {}",
                label("scopes"),
                scopes(&i.least_privilege.classic)
            )?;
            writeln!(
                out,
                "{} granular: {}",
                label(""),
                scopes(&i.least_privilege.granular)
            )?;
        }
        if !i.owners.is_empty() {
            writeln!(out, "{} {}", label("owners"), clean(&i.owners.join(" ")))?;
        }
        if !i.findings.is_empty() {
            let list: Vec<String> = i
                .findings
                .iter()
                .map(|f| format!("{} {}:{}", f.rule, f.path, f.line))
                .collect();
            writeln!(out, "{} {}", label("findings"), clean(&list.join(", ")))?;
        }
        writeln!(out)?;
    }
    for f in &inv.findings {
        writeln!(
            out,
            "{}{}",
            paint(
                format!("{}[{}]", f.severity, f.rule),
                severity_style(f.severity)
            ),
            paint(format!(": {}", clean(&f.message)), Style::new().bold())
        )?;
        writeln!(out, "  --> {}:{}", clean(&f.path), f.line)?;
        if let Some(fix) = &f.fix {
            writeln!(out, "  = fix: {}", clean(fix))?;
        }
        writeln!(out, "  = docs: atlcheck explain {}", f.rule)?;
    }
    if !quiet {
        if !inv.findings.is_empty() {
            writeln!(out)?;
        }
        let s = &inv.summary;
        if s.integrations == 0 {
            writeln!(
                out,
                "No Atlassian integration found in {} file{}.",
                s.files_scanned,
                if s.files_scanned == 1 { "" } else { "s" }
            )?;
        } else {
            writeln!(
                out,
                "{} integration{} ({} automation{}), {} shared credential{}, {} finding{}; {} files read.",
                s.integrations,
                plural(s.integrations),
                s.automations,
                plural(s.automations),
                s.shared_credentials,
                plural(s.shared_credentials),
                s.findings,
                plural(s.findings),
                s.files_scanned
            )?;
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Problem<'a> {
    path: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    tool: Tool,
    integrations: Vec<Integration>,
    findings: Vec<InvFinding>,
    summary: &'a Summary,
    skipped: Vec<Problem<'a>>,
    errors: Vec<Problem<'a>>,
}

/// A copy with every free-text field cleaned.
fn cleaned(inv: &Inventory) -> (Vec<Integration>, Vec<InvFinding>) {
    let ints = inv
        .integrations
        .iter()
        .map(|i| {
            let mut i = i.clone();
            i.credential = clean(&i.credential);
            i.identity.value = i.identity.value.as_deref().map(clean);
            i.identity.source = i.identity.source.as_deref().map(clean);
            for r in &mut i.runs_in {
                r.path = clean(&r.path);
                r.job = r.job.as_deref().map(clean);
                r.schedule = r.schedule.as_deref().map(clean);
                r.trigger = r.trigger.as_deref().map(clean);
                r.env = r.env.as_deref().map(clean);
            }
            for c in &mut i.calls {
                c.path = clean(&c.path);
                c.file = clean(&c.file);
            }
            for v in [&mut i.stores, &mut i.sites, &mut i.owners, &mut i.files] {
                for s in v.iter_mut() {
                    *s = clean(s);
                }
            }
            for f in &mut i.findings {
                f.path = clean(&f.path);
            }
            i
        })
        .collect();
    let findings = inv
        .findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.path = clean(&f.path);
            f.message = clean(&f.message);
            f.fix = f.fix.as_deref().map(clean);
            f.credentials = f.credentials.iter().map(|c| clean(c)).collect();
            f
        })
        .collect();
    (ints, findings)
}

pub fn write_json(out: &mut dyn Write, inv: &Inventory) -> std::io::Result<()> {
    let (integrations, findings) = cleaned(inv);
    let doc = Doc {
        version: 1,
        tool: Tool {
            name: "atlcheck",
            version: env!("CARGO_PKG_VERSION"),
        },
        integrations,
        findings,
        summary: &inv.summary,
        skipped: inv
            .skipped
            .iter()
            .map(|(p, r)| Problem { path: p, reason: r })
            .collect(),
        errors: inv
            .errors
            .iter()
            .map(|(p, r)| Problem { path: p, reason: r })
            .collect(),
    };
    crate::output::safe_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

const COLUMNS: &[&str] = &[
    "credential",
    "stores",
    "identity",
    "identity_kind",
    "runs_in",
    "schedules",
    "sites",
    "calls",
    "classic_scopes",
    "granular_scopes",
    "owners",
    "findings",
];

fn row(i: &Integration) -> Vec<String> {
    let schedules: Vec<String> = i
        .runs_in
        .iter()
        .filter_map(|r| r.schedule.clone())
        .collect();
    let calls: Vec<String> = i
        .calls
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c.method,
                c.operation.as_deref().unwrap_or(&clean(&c.path))
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let runs: Vec<String> = i
        .runs_in
        .iter()
        .map(|r| {
            let mut s = format!("{} {}:{}", r.kind.as_str(), r.path, r.line);
            if let Some(j) = &r.job {
                s.push_str(&format!(" ({j})"));
            }
            s
        })
        .collect();
    let findings: Vec<String> = i
        .findings
        .iter()
        .map(|f| format!("{} {}:{}", f.rule, f.path, f.line))
        .collect();
    vec![
        clean(&i.credential),
        clean(&i.stores.join("; ")),
        clean(&i.identity.value.clone().unwrap_or_default()),
        i.identity.kind.to_string(),
        clean(&runs.join("; ")),
        clean(&schedules.join("; ")),
        clean(&i.sites.join("; ")),
        // Methods and operation ids come from the catalogue; unmatched paths were cleaned.
        escape(&calls.join("; ")),
        i.least_privilege.classic.join(" "),
        i.least_privilege.granular.join(" "),
        clean(&i.owners.join(" ")),
        clean(&findings.join("; ")),
    ]
}

fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

pub fn write_csv(out: &mut dyn Write, inv: &Inventory) -> std::io::Result<()> {
    writeln!(out, "{}", COLUMNS.join(","))?;
    for i in &inv.integrations {
        let cells: Vec<String> = row(i).iter().map(|c| csv_cell(c)).collect();
        writeln!(out, "{}", cells.join(","))?;
    }
    Ok(())
}

/// A table cell: escaped as `tokens --format markdown` escapes its cells (no link, image,
/// HTML, emphasis, code span or @mention from a file, job or owner name: `@admins-team` in a
/// job name would notify a team where the register is pasted), several values on lines.
fn md_cell(s: &str) -> String {
    let s = super::tokens::markdown::cell(s).replace("; ", "<br>");
    if s.is_empty() { "–".to_string() } else { s }
}

/// A value shown in a code span (a credential's name): a backtick would close the span, and a
/// `|` ends a table cell even inside one.
fn md_code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'").replace('|', "\\|"))
}

pub fn write_markdown(out: &mut dyn Write, inv: &Inventory) -> std::io::Result<()> {
    writeln!(out, "# Atlassian integrations\n")?;
    writeln!(
        out,
        "Written by `atlcheck inventory` {}: {} integration{}, {} shared credential{}, {} finding{}.\n",
        env!("CARGO_PKG_VERSION"),
        inv.summary.integrations,
        plural(inv.summary.integrations),
        inv.summary.shared_credentials,
        plural(inv.summary.shared_credentials),
        inv.summary.findings,
        plural(inv.summary.findings)
    )?;
    let headers = [
        "Credential",
        "Stored in",
        "Identity",
        "Runs in",
        "Schedule",
        "Sites",
        "Calls",
        "Classic scopes",
        "Granular scopes",
        "Owners",
        "Findings",
    ];
    writeln!(out, "| {} |", headers.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(headers.len()))?;
    for i in &inv.integrations {
        let r = row(i);
        let identity = if r[2].is_empty() {
            "unknown".to_string()
        } else {
            format!("{} ({})", r[2], r[3])
        };
        let cells = [
            r[1].clone(),
            identity,
            r[4].clone(),
            r[5].clone(),
            r[6].clone(),
            r[7].clone(),
            r[8].clone(),
            r[9].clone(),
            r[10].clone(),
            r[11].clone(),
        ];
        let cells: Vec<String> = std::iter::once(md_code(&r[0]))
            .chain(cells.iter().map(|c| md_cell(c)))
            .collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    if !inv.findings.is_empty() {
        writeln!(out, "\n## Findings\n")?;
        for f in &inv.findings {
            writeln!(
                out,
                "- **{}** {} `{}:{}`: {}",
                f.rule,
                f.severity,
                clean(&f.path).replace('`', "'"),
                f.line,
                md_cell(&clean(&f.message))
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_and_cells() {
        assert_eq!(clean("a\u{1b}[31mb"), "a\\u001b[31mb");
        assert_eq!(clean("x\n::error::y"), "x\\u000a::error::y");
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(md_cell("a|b; c"), "a\\|b<br>c");
        assert_eq!(
            md_cell("[fix](https://evil.example)"),
            "\\[fix\\](https://evil.example)"
        );
    }
}
