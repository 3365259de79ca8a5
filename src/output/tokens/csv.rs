//! `--format csv`: one row per credential (RFC 4180), for spreadsheets. Text cells that a
//! spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start) are
//! prefixed with `'`: labels are chosen by whoever created the token. With `--inventory`,
//! `used_by` names the automations that authenticate as the credential's owner (empty without
//! `--inventory` or when none does).
use std::io::Write;

use super::days_text;
use crate::inventory::join::places;
use crate::tokens::report::Report;

pub const HEADER: &str = "kind,id,label,owner_type,owner_email,owner_name,owner_id,status,created_at,expires_at,last_active_at,days_left,findings,severity,source,used_by";

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A cell of text that came from the server.
fn text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        quote(&format!("'{s}"))
    } else {
        quote(s)
    }
}

pub fn write(out: &mut dyn Write, r: &Report) -> std::io::Result<()> {
    writeln!(out, "{HEADER}")?;
    for group in r.order() {
        for i in group {
            let l = &r.credentials[i];
            let c = &l.credential;
            let rules: Vec<&str> = r.findings_of(i).map(|f| f.rule.as_str()).collect();
            let severity = r
                .findings_of(i)
                .map(|f| f.severity)
                .max()
                .map_or("", |s| s.as_str());
            let ts = |t: Option<crate::tokens::time::Timestamp>| {
                t.map(|t| t.to_rfc3339()).unwrap_or_default()
            };
            let owner_type = match c.owner.kind {
                crate::tokens::model::OwnerType::User => "user",
                crate::tokens::model::OwnerType::ServiceAccount => "service-account",
                crate::tokens::model::OwnerType::Org => "org",
            };
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                c.kind,
                text(&c.id),
                text(c.label.as_deref().unwrap_or("")),
                owner_type,
                text(c.owner.email.as_ref().map_or("", |e| e.as_str())),
                text(c.owner.name.as_deref().unwrap_or("")),
                text(c.owner.id.as_deref().unwrap_or("")),
                text(c.status.as_deref().unwrap_or("")),
                ts(c.created_at),
                ts(c.expires_at.known()),
                ts(c.last_active_at.known()),
                days_text(l),
                rules.join(" "),
                severity,
                c.source,
                text(&l.used_by.as_deref().map_or(String::new(), places))
            )?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_formula_guard() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("a,b"), "\"a,b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(text("-2+3"), "'-2+3");
    }
}
