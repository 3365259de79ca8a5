//! Project and space permissions: an account with product access may still not see or act in
//! the Jira project (AT403) or the Confluence space (AT404). Jira answers 404, not 403, for what
//! the account may not see (facts sheet §8); `mypermissions?projectKey=KEY` and the space
//! itself say which it is. Service accounts need project roles like users.
use super::{Cx, Out};
use crate::catalogue::Code;
use crate::doctor::classify::{self, Answer};
use crate::doctor::http::Exchange;
use crate::doctor::report::{Check, Finding, Status};

/// What `mypermissions` says about the project.
struct Project {
    detail: String,
    /// The account may not browse the project, or lacks a permission a write needs.
    refused: bool,
    /// The answer carries no permission data (never a pass without it).
    no_data: bool,
}

fn read_project(key: &str, p: &Exchange, write: bool) -> Project {
    let a = classify::classify(p);
    let perms = classify::permissions(p);
    let missing: Vec<&str> = (perms.iter())
        .filter(|(_, has)| !has)
        .map(|(k, _)| k.as_str())
        .collect();
    let detail = if a == Answer::NotFound {
        format!(
            "{key} is not visible to the account (404: it does not exist, or the account may not browse it)"
        )
    } else if perms.is_empty() {
        p.summary()
    } else if missing.is_empty() {
        let all: Vec<&str> = perms.iter().map(|(k, _)| k.as_str()).collect();
        format!("the account has {} on {key}", all.join(", "))
    } else {
        format!("missing on {key}: {}", missing.join(", "))
    };
    let browse_missing = a == Answer::NotFound || missing.contains(&"BROWSE_PROJECTS");
    Project {
        detail,
        refused: browse_missing || write && !missing.is_empty(),
        no_data: perms.is_empty() && a != Answer::NotFound,
    }
}

/// The Jira project: `target` is the request's own refused answer, if it was sent.
pub fn project(cx: &Cx<'_>, out: &mut Out<'_>, target: Option<&Exchange>) {
    let key = cx.ctx.project.unwrap_or("the project");
    let role_fix = format!(
        "add the account (or a group it is in) to a role of {key} that has the permission: Project settings > People (service accounts too: they need project roles like users)"
    );
    let Some(p) = &cx.surface_probes().project else {
        if let Some(ex) = target {
            out.findings.push(Finding::new(
                Code::AT403,
                format!("Jira answered {} for an authenticated account: the issue or project does not exist, or the account lacks permission (Jira answers 404 for what it may not see)", ex.status.unwrap_or(0)),
                format!("{role_fix}; pass --project KEY to let atlcheck check the permissions"),
            ));
        }
        return;
    };
    let title = format!("Project permissions ({key})");
    let seen = read_project(key, p, cx.ctx.target.method != "GET");
    if seen.no_data {
        let detail = format!("no permission data: {}", p.summary());
        out.checks
            .push(Check::new("project-permission", Status::Error, title, detail).with([p.clone()]));
        return;
    }
    let status = if seen.refused {
        Status::Fail
    } else {
        Status::Pass
    };
    out.checks.push(
        Check::new("project-permission", status, title, seen.detail.clone()).with([p.clone()]),
    );
    if seen.refused {
        out.findings.push(Finding::new(
            Code::AT403,
            format!("the account cannot act in {key}: {}", seen.detail),
            role_fix,
        ));
    } else if let Some(ex) = target {
        let msg = crate::secret::redact_message(&ex.body);
        out.checks.push(Check::new(
            "resource",
            Status::Warn,
            "The resource",
            format!(
                "the account may browse {key}, so the {} is about the object itself: {msg}",
                ex.status.unwrap_or(0)
            ),
        ));
    }
}

/// The Confluence space: `target` is the request's own refused answer, if it was sent.
pub fn space(cx: &Cx<'_>, out: &mut Out<'_>, target: Option<&Exchange>) {
    let key = cx.ctx.space.unwrap_or("the space");
    let fix = format!(
        "give the account permission in {key}: Space settings > Permissions (view, and the action the call needs), and check page restrictions"
    );
    let Some(p) = &cx.surface_probes().space else {
        if let Some(ex) = target {
            out.findings.push(Finding::new(
                Code::AT404,
                format!("Confluence answered {} for an authenticated account: the page or space does not exist, or the account may not see it", ex.status.unwrap_or(0)),
                format!("{fix}; pass --space KEY to let atlcheck check the space"),
            ));
        }
        return;
    };
    let title = format!("Space permissions ({key})");
    let a = classify::classify(p);
    let visible = a == Answer::Ok;
    // Never a pass (nor a fail) without an answer that says so.
    let says = matches!(
        a,
        Answer::NotFound
            | Answer::Forbidden
            | Answer::ConfluenceDenied
            | Answer::V2AuthNotFound
            | Answer::Unauthenticated
            | Answer::Anonymous
    );
    if !visible && !says {
        let detail = format!("no permission data: {}", p.summary());
        out.checks
            .push(Check::new("space-permission", Status::Error, title, detail).with([p.clone()]));
        return;
    }
    let (status, detail) = if visible {
        (Status::Pass, format!("the account can view {key}"))
    } else {
        (
            Status::Fail,
            format!("{key} is not visible to the account: {}", p.summary()),
        )
    };
    out.checks
        .push(Check::new("space-permission", status, title, detail).with([p.clone()]));
    if !visible {
        out.findings.push(Finding::new(
            Code::AT404,
            format!("the account cannot see the Confluence space {key}"),
            fix,
        ));
    } else if let Some(ex) = target {
        out.findings.push(Finding::new(Code::AT404, format!("the account can view {key} but Confluence answered {} for this content: a page restriction or a missing space permission", ex.status.unwrap_or(0)), fix));
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{ACCOUNT, Probe, Run};
    use crate::catalogue::Code;
    use crate::doctor::report::Status;

    const NOT_VISIBLE: &str = r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#;

    fn perms(browse: bool, create: bool) -> String {
        format!(
            r#"{{"permissions":{{"BROWSE_PROJECTS":{{"havePermission":{browse}}},"CREATE_ISSUES":{{"havePermission":{create}}}}}}}"#
        )
    }

    /// (method, `mypermissions` answer, the request's answer) → rule and the project check.
    #[test]
    fn project_answers() {
        let yes = perms(true, true);
        let no_browse = perms(false, false);
        let no_create = perms(true, false);
        let table: &[(&str, u16, &str, Option<Code>, Option<Status>)] = &[
            (
                "GET",
                200,
                &no_browse,
                Some(Code::AT403),
                Some(Status::Fail),
            ),
            (
                "GET",
                404,
                NOT_VISIBLE,
                Some(Code::AT403),
                Some(Status::Fail),
            ),
            ("GET", 200, &yes, None, Some(Status::Pass)),
            ("GET", 200, &no_create, None, Some(Status::Pass)),
            (
                "POST",
                200,
                &no_create,
                Some(Code::AT403),
                Some(Status::Fail),
            ),
            // No permission data: never a pass, never a finding.
            ("GET", 200, "{}", None, Some(Status::Error)),
        ];
        for (method, status, body, want, check) in table {
            let mut run = Run::new(method, "https://acme.atlassian.net/rest/api/3/issue/OPS-1");
            run.project = Some("OPS".into());
            run.accepted_on_site()
                .answer(Probe::SiteProject, *status, &[ACCOUNT], body);
            let (out, _) = run.unit(|cx, out| {
                super::project(cx, out, None);
                None
            });
            assert_eq!(
                out.codes().first().copied(),
                *want,
                "{method} {status} {body}"
            );
            assert_eq!(
                out.checks.first().map(|c| c.status),
                *check,
                "{method} {body}"
            );
        }
    }

    #[test]
    fn without_the_project_probe_the_refused_request_is_the_evidence() {
        let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.accepted_on_site()
            .answer(Probe::Target, 404, &[], NOT_VISIBLE);
        let (out, _) = run.unit(|cx, out| {
            super::project(cx, out, cx.ev.target.as_ref());
            None
        });
        assert_eq!(out.codes(), [Code::AT403]);
        assert!(out.findings[0].fix.contains("--project KEY"));
    }

    /// The space's answer (status, body) with the request answered 404 → rule and check.
    #[test]
    fn space_answers() {
        let v2_auth =
            r#"{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]}"#;
        let table: &[(u16, &str, Option<Code>, Status)] = &[
            (
                200,
                r#"{"key":"DOCS","name":"Docs"}"#,
                Some(Code::AT404),
                Status::Pass,
            ),
            (
                404,
                r#"{"statusCode":404,"message":"No space with key : DOCS"}"#,
                Some(Code::AT404),
                Status::Fail,
            ),
            (404, v2_auth, Some(Code::AT404), Status::Fail),
            (500, "", None, Status::Error),
        ];
        for (status, body, want, check) in table {
            let mut run = Run::site("https://acme.atlassian.net/wiki/rest/api/content/123");
            run.space = Some("DOCS".into());
            run.accepted_on_site()
                .answer(Probe::SiteSpace, *status, &[], body)
                .answer(
                    Probe::Target,
                    404,
                    &[],
                    r#"{"statusCode":404,"message":"No content found with id : 123"}"#,
                );
            let (out, _) = run.unit(|cx, out| {
                super::space(cx, out, cx.ev.target.as_ref());
                None
            });
            assert_eq!(out.codes().first().copied(), *want, "{status} {body}");
            assert_eq!(out.checks[0].status, *check, "{status} {body}");
        }
    }
}
