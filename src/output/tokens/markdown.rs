//! `--format markdown`: a report to paste into a wiki page or an issue, or to append to
//! `$GITHUB_STEP_SUMMARY`. GitHub-flavoured tables; server text is escaped so that a label
//! cannot break a table, inject HTML or mention anyone.
use std::io::Write;

use super::{date_text, days_text, owner_tag};
use crate::inventory::join::places;
use crate::tokens::report::{Report, SourceState};

/// Escape text for a table cell.
pub fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    for c in s.chars() {
        let after_word = prev.is_alphanumeric();
        prev = c;
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '*' | '_' | '[' | ']' | '`' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            // No @mention from a label: a zero-width space breaks the handle. An email
            // address (`jane@acme.com`) mentions nobody and stays as it is.
            '@' if !after_word => out.push_str("@\u{200B}"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

pub fn write(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    let s = &r.summary;
    writeln!(
        out,
        "## Atlassian credentials of organization `{}`",
        cell(&r.org)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "Judged at {}: {} credentials, **{} errors**, **{} warnings**, {} info{}. Expiring within {} days is flagged (within 7 days is an error); unused for {} days is stale.",
        r.generated_at,
        s.credentials,
        s.errors,
        s.warnings,
        s.info,
        if s.baselined > 0 {
            format!(" ({} accepted by the baseline)", s.baselined)
        } else {
            String::new()
        },
        r.policy.expiring_within_days,
        r.policy.stale_after_days
    )?;
    if !r.complete {
        writeln!(out)?;
        writeln!(
            out,
            "> **Incomplete:** a source could not be read; this report shows only what was read."
        )?;
    }
    writeln!(out)?;
    if !r.findings.is_empty() {
        writeln!(out, "### Findings")?;
        writeln!(out)?;
        writeln!(
            out,
            "| Days left | Credential | Owner | Rule | Severity | Finding | What to do |"
        )?;
        writeln!(out, "|---:|---|---|---|---|---|---|")?;
        for group in r.order() {
            for i in group {
                let l = &r.credentials[i];
                for f in r.findings_of(i) {
                    writeln!(
                        out,
                        "| {} | {} {} | {} | {} {} | {} | {} | {} |",
                        days_text(l),
                        l.credential.kind,
                        cell(l.credential.name()),
                        cell(&l.credential.owner.display()),
                        f.rule,
                        f.name,
                        f.severity,
                        cell(&f.message),
                        cell(&f.fix)
                    )?;
                }
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "### Credentials")?;
    writeln!(out)?;
    if r.credentials.is_empty() {
        writeln!(out, "No credentials were listed.")?;
    } else {
        // With `--inventory`, one more column: the automations that authenticate as the owner.
        let joined = r.credentials.iter().any(|l| l.used_by.is_some());
        writeln!(
            out,
            "| Days left | Expires | Last used | Kind | Label | ID | Owner |{}",
            if joined { " Used by |" } else { "" }
        )?;
        writeln!(
            out,
            "|---:|---|---|---|---|---|---|{}",
            if joined { "---|" } else { "" }
        )?;
        // One list by days left (unknown and no expiry last), unlike the owner groups of
        // the human report: a summary is read top down for what to rotate first.
        let mut flat: Vec<usize> = r.order().into_iter().flatten().collect();
        flat.sort_by_key(|i| r.credentials[*i].days_left.unwrap_or(i64::MAX));
        {
            for i in flat {
                let l = &r.credentials[i];
                let c = &l.credential;
                let tag = owner_tag(l);
                let used = match l.used_by.as_deref() {
                    _ if !joined => String::new(),
                    Some(u) if !u.is_empty() => format!(" {} |", cell(&places(u))),
                    _ => " none found |".to_string(),
                };
                writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {}{} |{used}",
                    days_text(l),
                    date_text(c.expires_at, "never"),
                    date_text(c.last_active_at, "never"),
                    c.kind,
                    cell(c.label.as_deref().unwrap_or("-")),
                    cell(&c.id),
                    cell(&c.owner.display()),
                    if tag.is_empty() {
                        String::new()
                    } else {
                        format!(" ({tag})")
                    }
                )?;
            }
        }
    }
    writeln!(out)?;
    writeln!(out, "### Sources")?;
    writeln!(out)?;
    writeln!(out, "| Source | Status | Detail |")?;
    writeln!(out, "|---|---|---|")?;
    for src in &r.sources {
        let status = match src.status {
            SourceState::Read => "read",
            SourceState::Failed => "**failed**",
            SourceState::Skipped => "skipped",
        };
        let detail = match (&src.status, &src.error) {
            (_, Some(e)) => cell(e),
            (SourceState::Read, None) => format!(
                "{} credential{}, {} page{}",
                src.credentials,
                if src.credentials == 1 { "" } else { "s" },
                src.pages,
                if src.pages == 1 { "" } else { "s" }
            ),
            _ => "not selected".to_string(),
        };
        writeln!(out, "| {} | {status} | {detail} |", src.name)?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "<sub>atlcheck {} · `atlcheck explain AT601` for what each rule means</sub>",
        env!("CARGO_PKG_VERSION")
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_tables_or_inject() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(cell("<img src=x>"), "&lt;img src=x&gt;");
        assert_eq!(cell("**x** [y](z)"), "\\*\\*x\\*\\* \\[y\\](z)");
        assert_eq!(cell("@octocat"), "@\u{200B}octocat");
        assert_eq!(cell("a\nb"), "a b");
        assert_eq!(cell("jane@acme.com"), "jane@acme.com");
    }
}
