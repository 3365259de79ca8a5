//! Rate limits: a 429 anywhere explains everything else (AT501). Atlassian sends
//! `Retry-After` (seconds), `RateLimit-Reason` and `X-RateLimit-Reset`; the gateway may send
//! no `Retry-After` at all (facts sheet §3.6).
use super::{Cx, Out, Said};
use crate::catalogue::{Code, Severity};
use crate::doctor::classify::{self, Answer};
use crate::doctor::http::Exchange;
use crate::doctor::report::{Check, Finding, Status};

pub fn run(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let ex = cx
        .all
        .iter()
        .find(|e| classify::classify(e) == Answer::RateLimited)?;
    let (check, finding) = judge(ex);
    let because = check.detail.clone();
    out.checks.push(check);
    out.findings.push(finding);
    Some(Said::from([*ex], because))
}

/// The check and the AT501 finding for one 429 answer.
fn judge(ex: &Exchange) -> (Check, Finding) {
    let retry = ex
        .header("retry-after")
        .map_or("not given".to_string(), |r| format!("{r} s"));
    let reason = ex.header("ratelimit-reason").unwrap_or("not given");
    let reset = ex
        .header("x-ratelimit-reset")
        .map(|r| format!(", X-RateLimit-Reset {r}"))
        .unwrap_or_default();
    let check = Check::new(
        "rate-limit",
        Status::Fail,
        "Rate limit",
        format!(
            "429 from {}: Retry-After {retry}, RateLimit-Reason {reason}{reset}",
            ex.url
        ),
    )
    .with([ex.clone()]);
    let finding = Finding::new(
        Code::AT501,
        format!("Atlassian answered 429 Too Many Requests (Retry-After: {retry}; RateLimit-Reason: {reason}{reset})"),
        "wait as Retry-After says, then retry with exponential backoff and jitter; spread bulk work over time (API-token traffic is governed by burst limits)",
    )
    .severity(Severity::Error);
    (check, finding)
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{self, Probe};
    use crate::catalogue::Code;

    /// (status, headers, body) of the site's Jira identity answer → the rule found.
    #[test]
    fn answers() {
        let table: &[(u16, &[(&str, &str)], &str, Option<Code>)] = &[
            (
                429,
                &[
                    ("retry-after", "30"),
                    ("ratelimit-reason", "jira-burst-based"),
                ],
                "",
                Some(Code::AT501),
            ),
            // The gateway's 429 may carry no Retry-After (facts sheet §3.4).
            (
                429,
                &[
                    ("x-ratelimit-reset", "2026-09-01T10:00Z"),
                    ("x-failure-category", "FAILURE_CLIENT_RATE_LIMITED"),
                ],
                "",
                Some(Code::AT501),
            ),
            (
                401,
                &[],
                r#"{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}"#,
                None,
            ),
            (503, &[("retry-after", "30")], "", None),
        ];
        for (status, headers, body, want) in table {
            let mut run = fixture::Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
            run.answer(Probe::SiteJira, *status, headers, body);
            let (out, trail) = run.unit(super::run);
            let got = out
                .findings
                .iter()
                .find(|f| f.rule == Code::AT501)
                .map(|f| f.rule);
            assert_eq!(got, *want, "{status} {headers:?}");
            assert_eq!(trail.is_some(), want.is_some());
        }
    }

    #[test]
    fn the_finding_names_the_headers() {
        let mut run = fixture::Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.answer(
            Probe::Target,
            429,
            &[
                ("retry-after", "30"),
                ("ratelimit-reason", "jira-burst-based"),
            ],
            "",
        );
        let (out, trail) = run.unit(super::run);
        let f = &out.findings[0];
        assert_eq!(
            f.message,
            "Atlassian answered 429 Too Many Requests (Retry-After: 30 s; RateLimit-Reason: jira-burst-based)"
        );
        assert_eq!(f.severity, crate::catalogue::Severity::Error);
        let said = trail.expect("applies");
        assert_eq!(
            said.probed,
            ["GET https://acme.atlassian.net/rest/api/3/issue/OPS-1 → 429"]
        );
    }
}
