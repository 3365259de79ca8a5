//! CAPTCHA lockout: after failed logins Atlassian denies Basic auth with a CAPTCHA challenge
//! (`X-Authentication-Denied-Reason: CAPTCHA_CHALLENGE`, `X-Seraph-LoginReason:
//! AUTHENTICATION_DENIED`) until someone logs in in a browser (AT502; facts sheet §3.2).
use super::{Cx, Out, Said};
use crate::catalogue::Code;
use crate::doctor::classify::{self, Answer};
use crate::doctor::report::{Check, Finding, Status};

pub fn run(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let ex = cx
        .all
        .iter()
        .find(|e| classify::classify(e) == Answer::Captcha)?;
    let reason = ex
        .header("x-authentication-denied-reason")
        .unwrap_or("AUTHENTICATION_DENIED");
    out.checks.push(
        Check::new(
            "captcha",
            Status::Fail,
            "CAPTCHA lockout",
            format!("{}: {reason}", ex.summary()),
        )
        .with([(*ex).clone()]),
    );
    out.findings.push(Finding::new(
        Code::AT502,
        format!("login denied by CAPTCHA after failed logins ({reason})"),
        "log in once in a browser as this account and solve the CAPTCHA (or have an admin reset the failed-login count); then fix the credential that kept failing",
    ));
    Some(Said::from([*ex], format!("denied: {reason}")))
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{self, Probe};
    use crate::catalogue::Code;

    #[test]
    fn answers() {
        let table: &[(u16, &[(&str, &str)], Option<Code>)] = &[
            (
                403,
                &[
                    ("x-seraph-loginreason", "AUTHENTICATION_DENIED"),
                    (
                        "x-authentication-denied-reason",
                        "CAPTCHA_CHALLENGE; login-url=https://acme.atlassian.net/login.jsp",
                    ),
                ],
                Some(Code::AT502),
            ),
            (
                403,
                &[("x-seraph-loginreason", "AUTHENTICATION_DENIED")],
                Some(Code::AT502),
            ),
            // AUTHENTICATED_FAILED is Cloud's ordinary "not accepted" marker, not a lockout.
            (
                401,
                &[("x-seraph-loginreason", "AUTHENTICATED_FAILED")],
                None,
            ),
            (403, &[], None),
        ];
        for (status, headers, want) in table {
            let mut run = fixture::Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
            run.answer(Probe::SiteJira, *status, headers, "<html></html>");
            let (out, trail) = run.unit(super::run);
            assert_eq!(
                out.findings.first().map(|f| f.rule),
                *want,
                "{status} {headers:?}"
            );
            assert_eq!(trail.is_some(), want.is_some());
        }
    }
}
