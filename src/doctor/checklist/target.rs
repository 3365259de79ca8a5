//! The request itself: what the failing request answered, read against what the probes
//! established. A refusal where the credential works is about the scope (AT401), the product
//! access (AT402), or the project or space (AT403, AT404); a write is not sent (atlcheck only
//! reads), so its likely cause is reasoned from the same probes.
use super::token_state::answer;
use super::{Cx, Out, Said, Standing, permissions, product_access, scopes};
use crate::doctor::classify::Answer;
use crate::doctor::http::Exchange;
use crate::doctor::report::{Check, Status};
use crate::surface::Product;

pub fn run(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let t = cx.ctx.target;
    let title = format!("The request itself ({} {})", t.method, t.path_only());
    match (&cx.ev.target, cx.target_answer.clone()) {
        (Some(ex), Some(a)) => {
            let (status, detail) = match a {
                Answer::Ok => (Status::Pass, "the request works".to_string()),
                Answer::NoAnswer => (Status::Error, ex.error.clone().unwrap_or_default()),
                Answer::Unproven | Answer::Redirect => {
                    (Status::Error, crate::doctor::proof::why_unproven(ex))
                }
                _ => (
                    Status::Fail,
                    format!(
                        "answered {}",
                        ex.status.map_or("nothing".to_string(), |s| s.to_string())
                    ),
                ),
            };
            out.checks
                .push(Check::new("request", status, title, detail.clone()).with([ex.clone()]));
            answered(cx, out, ex, a);
            Some(Said::from([ex], detail))
        }
        _ if cx.ctx.has_credential
            && cx.standing() == Standing::Valid
            && !matches!(t.method.as_str(), "GET" | "HEAD") =>
        {
            let needs = (cx.ctx.operation)
                .map(|m| scopes::scope_fix(Some(m)).0)
                .unwrap_or_default();
            let detail = format!("not sent: atlcheck only reads. {needs}");
            out.checks
                .push(Check::new("request", Status::Skip, title, detail.clone()));
            if cx.target_on_valid_surface() {
                not_sent(cx, out);
            }
            Some(Said::new(
                [format!("{} {} (not sent)", t.method, t.url)],
                detail,
            ))
        }
        _ => None,
    }
}

/// What the request's answer `a` means.
fn answered(cx: &Cx<'_>, out: &mut Out<'_>, ex: &Exchange, a: Answer) {
    let quiet = !out.has_error();
    let status = || ex.status.map_or("nothing".to_string(), |s| s.to_string());
    if a == Answer::ScopeMismatch {
        scopes::missing(cx, out);
    } else if cx.target_on_valid_surface() {
        on_working_surface(cx, out, ex, a);
    } else if a == Answer::NoAnswer && out.inconclusive.is_none() && quiet {
        *out.inconclusive = Some(format!(
            "the request got no answer: {}",
            ex.error.clone().unwrap_or_default()
        ));
    } else if a == Answer::ServerError && quiet {
        *out.inconclusive = Some(format!(
            "Atlassian answered {} (a server error): retry later",
            ex.status.unwrap_or(500)
        ));
    } else if a == Answer::Other && out.inconclusive.is_none() && quiet {
        *out.inconclusive = Some(format!(
            "the request was answered {} with {}, not an Atlassian REST answer: a proxy, captive portal or login page may be in the way",
            status(),
            ex.header("content-type").unwrap_or("no content type")
        ));
    }
}

/// A GET/HEAD on a surface where the credential works, that still failed.
fn on_working_surface(cx: &Cx<'_>, out: &mut Out<'_>, ex: &Exchange, a: Answer) {
    let probes = cx.surface_probes();
    match (cx.product, a) {
        // The request answers, but what it asks about is invisible to the account: a search
        // over a project it may not browse answers 200 and an empty list.
        (Product::Jira, Answer::Ok) if probes.project.is_some() => {
            permissions::project(cx, out, None);
        }
        (Product::Confluence, Answer::Ok) if probes.space.is_some() => {
            permissions::space(cx, out, None);
        }
        (
            _,
            Answer::Ok
            | Answer::RateLimited
            | Answer::Captcha
            | Answer::NoAnswer
            | Answer::ServerError
            | Answer::ScopeMismatch
            | Answer::Unproven
            | Answer::Redirect
            | Answer::Gone,
        ) => {}
        (Product::Confluence, Answer::ConfluenceDenied) => {
            out.findings.push(product_access::no_confluence(
                cx,
                product_access::CONFLUENCE_DENIED,
            ));
        }
        (Product::Jira, Answer::Forbidden) if answer(&probes.jira) == Some(Answer::Forbidden) => {
            out.findings.push(product_access::no_jira(cx, "the account has no access to Jira on this site: Jira refuses it while the credential is valid"));
        }
        (Product::Jira, _) => permissions::project(cx, out, Some(ex)),
        (Product::Confluence, _) => permissions::space(cx, out, Some(ex)),
    }
}

/// A write request (not sent): product access, permissions, then scopes as the likely cause.
fn not_sent(cx: &Cx<'_>, out: &mut Out<'_>) {
    let probes = cx.surface_probes();
    let before = out.findings.len();
    match cx.product {
        Product::Confluence if answer(&probes.confluence) == Some(Answer::ConfluenceDenied) => {
            out.findings.push(product_access::no_confluence(
                cx,
                product_access::CONFLUENCE_DENIED,
            ));
        }
        Product::Jira if answer(&probes.jira) == Some(Answer::Forbidden) => {
            out.findings.push(product_access::no_jira(
                cx,
                "the account has no access to Jira on this site",
            ));
        }
        Product::Jira if cx.ctx.project.is_some() => permissions::project(cx, out, None),
        Product::Confluence if cx.ctx.space.is_some() => permissions::space(cx, out, None),
        _ => {}
    }
    if out.findings.len() == before {
        scopes::likely_for_write(cx, out);
    }
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{ACCOUNT, NO_CONFLUENCE, Probe, Run, UNAUTHENTICATED};
    use crate::catalogue::Code;
    use crate::doctor::report::Status;

    type Answer<'a> = (u16, &'a [(&'a str, &'a str)], &'a str);

    /// The request's own answer, the credential accepted on the site → check status, rule,
    /// inconclusive.
    #[test]
    fn answers_where_the_credential_works() {
        let html: &[(&str, &str)] = &[("content-type", "text/html")];
        let table: &[(&str, Answer, Status, Option<Code>)] = &[
            (
                "https://acme.atlassian.net/rest/api/3/issue/OPS-1",
                (200, &[ACCOUNT], r#"{"key":"OPS-1"}"#),
                Status::Pass,
                None,
            ),
            (
                "https://acme.atlassian.net/rest/api/3/issue/OPS-1",
                (
                    404,
                    &[],
                    r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#,
                ),
                Status::Fail,
                Some(Code::AT403),
            ),
            (
                "https://acme.atlassian.net/rest/api/3/issue/OPS-1",
                (403, &[], r#"{"errorMessages":["nope"],"errors":{}}"#),
                Status::Fail,
                Some(Code::AT403),
            ),
            (
                "https://acme.atlassian.net/wiki/rest/api/content/1",
                (403, &[], NO_CONFLUENCE),
                Status::Fail,
                Some(Code::AT402),
            ),
            (
                "https://acme.atlassian.net/wiki/rest/api/content/1",
                (
                    404,
                    &[],
                    r#"{"statusCode":404,"message":"No content found with id : 1"}"#,
                ),
                Status::Fail,
                Some(Code::AT404),
            ),
            (
                "https://acme.atlassian.net/rest/api/3/issue/OPS-1",
                (200, html, "<html>login</html>"),
                Status::Error,
                None,
            ),
            (
                "https://acme.atlassian.net/rest/api/3/issue/OPS-1",
                (503, &[], ""),
                Status::Fail,
                None,
            ),
        ];
        for (url, (status, headers, body), check, want) in table {
            let mut run = Run::site(url);
            run.accepted_on_site()
                .answer(Probe::Target, *status, headers, body);
            let (out, said) = run.unit(super::run);
            assert_eq!(out.checks[0].status, *check, "{url} {status}");
            assert_eq!(out.codes().first().copied(), *want, "{url} {status}");
            assert!(said.is_some());
        }
    }

    /// Where the credential was refused, the request's answer only makes the run inconclusive.
    #[test]
    fn answers_where_the_credential_is_refused() {
        let table: &[(Answer, Option<&str>)] = &[
            (
                (503, &[], ""),
                Some("Atlassian answered 503 (a server error): retry later"),
            ),
            (
                (418, &[("content-type", "text/plain")], "teapot"),
                Some(
                    "the request was answered 418 with text/plain, not an Atlassian REST answer: a proxy, captive portal or login page may be in the way",
                ),
            ),
            ((401, &[], UNAUTHENTICATED), None),
        ];
        for ((status, headers, body), want) in table {
            let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
            run.answer(Probe::SiteJira, 401, &[], UNAUTHENTICATED)
                .answer(Probe::Target, *status, headers, body);
            let (out, _) = run.unit(super::run);
            assert_eq!(out.inconclusive.as_deref(), *want, "{status}");
            assert!(out.findings.is_empty());
        }
    }

    #[test]
    fn a_write_is_not_sent() {
        let mut run = Run::new("POST", "https://acme.atlassian.net/rest/api/3/issue");
        run.accepted_on_site().answer(
            Probe::SiteJira,
            403,
            &[ACCOUNT],
            r#"{"errorMessages":["no"],"errors":{}}"#,
        );
        // Jira refusing the identity probe with 403 while Confluence accepts: no Jira access.
        run.answer(
            Probe::SiteConfluence,
            200,
            &[],
            r#"{"type":"known","accountId":"5b10ac8d82e05b22cc7d4ef5"}"#,
        );
        let (out, said) = run.unit(super::run);
        assert_eq!(out.checks[0].status, Status::Skip);
        assert_eq!(out.codes(), [Code::AT402]);
        assert!(said.unwrap().because.starts_with("not sent"));
    }
}
