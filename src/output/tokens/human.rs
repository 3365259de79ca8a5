//! The human report: one table, grouped by owner (service accounts and org-owned keys
//! marked), sorted by days left, each finding with what to do under its credential; then the
//! sources read and the summary.
use std::io::Write;

use owo_colors::Style;

use super::{date_text, days_text, owner_tag};
use crate::catalogue::Severity;
use crate::output::color::paint;
use crate::tokens::report::{Report, SourceState};

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn sev(s: Severity) -> String {
    match s {
        Severity::Error => paint("error", Style::new().red().bold()),
        Severity::Warning => paint("warning", Style::new().yellow().bold()),
        Severity::Info => paint("info", Style::new().cyan()),
    }
}

pub fn write(out: &mut dyn Write, r: &Report, quiet: bool, verbose: bool) -> std::io::Result<()> {
    let read: Vec<&str> = r
        .sources
        .iter()
        .filter(|s| s.status == SourceState::Read)
        .map(|s| s.name.as_str())
        .collect();
    if !quiet {
        writeln!(
            out,
            "{} org {}: {} credentials from {}, judged at {} (expiring within {} days, stale after {} days)",
            paint("atlcheck tokens:", Style::new().bold()),
            r.org,
            r.credentials.len(),
            if read.is_empty() {
                "no source".to_string()
            } else {
                read.join(", ")
            },
            r.generated_at,
            r.policy.expiring_within_days,
            r.policy.stale_after_days
        )?;
    }
    let rows: Vec<[String; 6]> = r
        .credentials
        .iter()
        .map(|l| {
            let c = &l.credential;
            [
                days_text(l),
                date_text(c.expires_at, "never"),
                date_text(c.last_active_at, "never"),
                c.kind.as_str().to_string(),
                c.label.clone().unwrap_or_else(|| "-".to_string()),
                c.id.clone(),
            ]
        })
        .collect();
    let head = ["DAYS", "EXPIRES", "LAST USED", "KIND", "LABEL", "ID"];
    let mut width = head.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for group in r.order() {
        let shown: Vec<usize> = group
            .iter()
            .copied()
            .filter(|i| !quiet || r.findings_of(*i).next().is_some())
            .collect();
        if shown.is_empty() {
            continue;
        }
        let first = &r.credentials[shown[0]];
        let owner = &first.credential.owner;
        let mut title = owner.display();
        if let (Some(name), Some(_)) = (&owner.name, &owner.email) {
            title.push_str(&format!(" ({name})"));
        }
        let tag = owner_tag(first);
        writeln!(out)?;
        if tag.is_empty() {
            writeln!(out, "{}", paint(&title, Style::new().bold()))?;
        } else {
            writeln!(out, "{} [{tag}]", paint(&title, Style::new().bold()))?;
        }
        let line = |cells: &[String; 6]| {
            let mut s = String::from("  ");
            for (i, (cell, w)) in cells.iter().zip(width).enumerate() {
                if i == 0 {
                    s.push_str(&format!("{cell:>w$}"));
                } else {
                    s.push_str(&pad(cell, w));
                }
                s.push_str("  ");
            }
            s.trim_end().to_string()
        };
        writeln!(
            out,
            "{}",
            paint(line(&head.map(String::from)), Style::new().dimmed())
        )?;
        for i in shown {
            writeln!(out, "{}", line(&rows[i]))?;
            if let Some(used) = r.credentials[i]
                .used_by
                .as_deref()
                .filter(|u| !u.is_empty())
            {
                writeln!(
                    out,
                    "      {}",
                    paint(
                        crate::inventory::join::describe(used),
                        Style::new().dimmed()
                    )
                )?;
            }
            for f in r.findings_of(i) {
                writeln!(
                    out,
                    "      {} {} {}",
                    sev(f.severity),
                    paint(f.rule, Style::new().bold()),
                    f.message
                )?;
                writeln!(out, "        fix: {}", f.fix)?;
            }
            if verbose {
                for n in &r.credentials[i].credential.notes {
                    writeln!(
                        out,
                        "      {}",
                        paint(format!("note: {n}"), Style::new().dimmed())
                    )?;
                }
            }
        }
    }
    writeln!(out)?;
    if quiet {
        // Even quiet, a report must say that it is partial and why.
        for s in r.sources.iter().filter(|s| s.status == SourceState::Failed) {
            writeln!(
                out,
                "{} {}: {}",
                paint("source failed:", Style::new().red().bold()),
                s.name,
                s.error.as_deref().unwrap_or("could not be read")
            )?;
        }
    } else {
        writeln!(out, "Sources:")?;
        for s in &r.sources {
            let state = match s.status {
                SourceState::Read => paint("read   ", Style::new().green()),
                SourceState::Failed => paint("FAILED ", Style::new().red().bold()),
                SourceState::Skipped => paint("skipped", Style::new().dimmed()),
            };
            let detail = match (&s.status, &s.error) {
                (_, Some(e)) => e.clone(),
                (SourceState::Read, None) => {
                    format!(
                        "{}, {}",
                        plural(s.credentials, "credential"),
                        plural(s.pages, "page")
                    )
                }
                _ => "not selected (--sources)".to_string(),
            };
            writeln!(out, "  {}  {state}  {detail}", pad(s.name.as_str(), 16))?;
        }
        if r.summary.unknown_expiry > 0 {
            writeln!(
                out,
                "  {} credentials have no expiry the API reports (shown as ?): AT601, AT602 and AT604 cannot judge them",
                r.summary.unknown_expiry
            )?;
        }
    }
    let s = &r.summary;
    let mut summary = format!(
        "{} credentials, {} findings ({} errors, {} warnings, {} info)",
        s.credentials, s.findings, s.errors, s.warnings, s.info
    );
    if s.baselined > 0 {
        summary.push_str(&format!(", {} accepted by the baseline", s.baselined));
    }
    if let Some(b) = &r.baseline
        && !b.stale.is_empty()
    {
        summary.push_str(&format!(
            ", {} baseline entries match nothing (fixed? rewrite it with --write-baseline)",
            b.stale.len()
        ));
    }
    writeln!(out, "{summary}")?;
    if !r.complete {
        writeln!(
            out,
            "{}",
            paint(
                "INCOMPLETE: a source could not be read; this report shows only what was read.",
                Style::new().red().bold()
            )
        )?;
    }
    Ok(())
}
