//! AT207 in the doctor (issue 13, part 6): a request to an endpoint Atlassian removed is not an
//! authentication problem. Offline, from the shared table `rules/removed-endpoints.toml` (the
//! "documented operation" check never passes a removed route); live, from a 410 Gone answer.
use super::live::Evidence;
use super::report::{Check, Finding, Status};
use super::request::{Surface, Target};
use crate::catalogue::Code;
use crate::removed;

/// Check: the request's route is in the removed-endpoints table.
pub fn removed_route(t: &Target, checks: &mut [Check], findings: &mut Vec<Finding>) {
    if !matches!(t.surface, Surface::Site { .. } | Surface::Gateway(_)) {
        return;
    }
    let path = t.path_only();
    let Some(e) = removed::lookup(Some(&t.method), path) else {
        return;
    };
    if let Some(c) = checks.iter_mut().find(|c| c.id == "api-path") {
        c.status = Status::Fail;
        c.detail = format!(
            "{} is removed by Atlassian ({}): use {}",
            path, e.status, e.replacement
        );
    }
    let (msg, fix) = removed::describe(e, &t.method, path);
    findings.push(Finding::new(Code::AT207, msg, fix));
}

/// Live: the request itself answered 410 Gone. A route from the table that this site still
/// answers otherwise is only a warning: live evidence beats the table, and the answer explains
/// the failure better.
pub fn answered_gone(t: &Target, ev: Option<&Evidence>, findings: &mut Vec<Finding>) {
    let Some(ex) = ev.and_then(|e| e.target.as_ref()) else {
        return;
    };
    if let Some(status) = ex.status.filter(|s| *s != 410) {
        for f in findings.iter_mut().filter(|f| f.rule == Code::AT207) {
            f.severity = crate::catalogue::Severity::Warning;
            f.message.push_str(&format!(
                " (this site still answered {status}: move before it stops)"
            ));
        }
        return;
    }
    if ex.status != Some(410) || findings.iter().any(|f| f.rule == Code::AT207) {
        return;
    }
    // Jira says where to go: "Please migrate to the /rest/api/3/search/jql API".
    let said = ex
        .full_body
        .split("migrate to the ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .map(|s| {
            s.trim_matches(|c: char| !c.is_ascii_graphic() || c == '"')
                .to_string()
        });
    let fix = match said {
        Some(p) if p.starts_with('/') => format!("use {p}, the replacement Atlassian names in the answer"),
        _ => "look up the endpoint's replacement in Atlassian's changelog (developer.atlassian.com/changelog)".to_string(),
    };
    findings.push(Finding::new(
        Code::AT207,
        format!(
            "{} {} answered 410 Gone: Atlassian removed this endpoint; this is not a credential problem",
            t.method,
            t.path_only()
        ),
        fix,
    ));
}
