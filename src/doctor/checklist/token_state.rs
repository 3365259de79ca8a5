//! Token state: is the credential accepted, and where? The identity probes (Jira's `myself`,
//! Confluence's current user) on the site, on the gateway with the URL's cloud ID and with the
//! site's resolved cloud ID, read together (facts sheet §3.8). A credential refused wherever
//! it was tried is revoked, expired, paired with another account's email, or deactivated
//! (AT105), unless its form already explains it.
use super::{Cx, Out, Said, Standing};
use crate::catalogue::Code;
use crate::doctor::classify::{self, Answer, Identity};
use crate::doctor::http::Exchange;
use crate::doctor::live::SurfaceProbes;
use crate::doctor::report::{Check, Finding, Status};

/// How one surface (site, or gateway with one cloud ID) treats the credential.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    NotProbed,
    Accepted(Identity),
    /// Authenticated, but the token lacks the scope of the identity probe.
    Scope,
    Rejected,
    /// Bearer with a non-JWT on the site.
    ConnectJwt,
    RateLimited,
    Captcha,
    /// The gateway does not route this cloud ID (identity answered 404).
    UnknownCloud,
    /// Authenticated, but refused by the products themselves: Jira answers 403 in its own
    /// shape (`errorMessages`), Confluence `caller cannot access Confluence`.
    NoAccess,
    NoAnswer,
    /// Answered without proof either way: 204, 3xx, empty or non-JSON (see `proof`).
    Unproven(String),
    Unclear,
}

impl State {
    /// The credential authenticated on this surface.
    pub fn valid(&self) -> bool {
        matches!(self, State::Accepted(_) | State::Scope | State::NoAccess)
    }
    /// The credential was refused on this surface.
    pub fn refused(&self) -> bool {
        matches!(self, State::Rejected | State::ConnectJwt)
    }
}

pub(crate) fn answer(ex: &Option<Exchange>) -> Option<Answer> {
    ex.as_ref().map(classify::classify)
}

/// The state of one surface, from its Jira and Confluence identity answers.
pub fn state(p: &SurfaceProbes) -> State {
    let (Some(j), c) = (answer(&p.jira), answer(&p.confluence)) else {
        return State::NotProbed;
    };
    let c = c.unwrap_or(Answer::NoAnswer);
    if j == Answer::Ok {
        return State::Accepted(classify::identity(p.jira.as_ref().expect("probed")));
    }
    if c == Answer::Ok {
        return State::Accepted(classify::identity(p.confluence.as_ref().expect("probed")));
    }
    let any = |a: Answer| j == a || c == a;
    if any(Answer::ScopeMismatch) {
        State::Scope
    } else if any(Answer::RateLimited) {
        State::RateLimited
    } else if any(Answer::Captcha) {
        State::Captcha
    } else if any(Answer::ConnectJwt) {
        State::ConnectJwt
    } else if j == Answer::Forbidden
        && jira_shaped(&p.jira)
        && matches!(
            c,
            Answer::ConfluenceDenied | Answer::Forbidden | Answer::NotFound | Answer::NoAnswer
        )
    {
        State::NoAccess
    } else if j.rejects() || (c.rejects() && !matches!(j, Answer::Forbidden | Answer::NotFound)) {
        State::Rejected
    } else if j == Answer::NotFound && c == Answer::NotFound {
        State::UnknownCloud
    } else if j == Answer::NoAnswer && c == Answer::NoAnswer {
        State::NoAnswer
    } else if let Some(ex) = [&p.jira, &p.confluence]
        .into_iter()
        .flatten()
        .find(|e| matches!(classify::classify(e), Answer::Unproven | Answer::Redirect))
    {
        State::Unproven(crate::doctor::proof::why_unproven(ex))
    } else {
        State::Unclear
    }
}

/// A body in Jira's own error shape (`{"errorMessages": [...]}`): the request reached Jira,
/// so the credential passed authentication.
fn jira_shaped(ex: &Option<Exchange>) -> bool {
    ex.as_ref()
        .is_some_and(|e| e.full_body.contains("\"errorMessages\""))
}

/// The identity answers of one surface in a line, with the header that decided.
pub fn describe(p: &SurfaceProbes) -> String {
    [&p.jira, &p.confluence]
        .iter()
        .filter_map(|e| e.as_ref())
        .map(|e| {
            let mut s = e.summary();
            if let Some(r) = e.header("x-failure-category") {
                s.push_str(&format!(" ({r})"));
            } else if let Some(r) = e.header("x-seraph-loginreason") {
                s.push_str(&format!(" (X-Seraph-LoginReason: {r})"));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The identity answers of one surface.
pub fn evidence(p: &SurfaceProbes) -> Vec<Exchange> {
    [&p.jira, &p.confluence]
        .iter()
        .filter_map(|e| (*e).clone())
        .collect()
}

fn surface_check(id: &'static str, title: &str, p: &SurfaceProbes, st: &State) -> Option<Check> {
    let (status, what) = match st {
        State::NotProbed => return None,
        State::Accepted(idn) => (
            Status::Pass,
            format!(
                "accepted as {}",
                idn.email
                    .clone()
                    .or(idn.account_id.clone())
                    .unwrap_or_else(|| "an authenticated account".into())
            ),
        ),
        State::Scope => (
            Status::Warn,
            "authenticated, but the token lacks the identity probe's scope".to_string(),
        ),
        State::Rejected => (Status::Fail, "credential rejected".to_string()),
        State::ConnectJwt => (
            Status::Fail,
            "the site read the Bearer value as a Connect session token and refused it".to_string(),
        ),
        State::RateLimited => (Status::Warn, "rate limited (429)".to_string()),
        State::Captcha => (Status::Fail, "login denied by CAPTCHA".to_string()),
        State::NoAccess => (
            Status::Fail,
            "authenticated, but Jira and Confluence refuse the account (no product access)"
                .to_string(),
        ),
        State::UnknownCloud => (
            Status::Fail,
            "the gateway does not route this cloud ID (404 on identity)".to_string(),
        ),
        State::NoAnswer => (Status::Error, "no answer".to_string()),
        State::Unproven(why) => (Status::Error, why.clone()),
        State::Unclear => (Status::Warn, "no clear answer".to_string()),
    };
    Some(Check::new(id, status, title, what).with(evidence(p)))
}

/// The identity probes on each surface: a check per surface, the confirmed account ID, and
/// whether the confirmed account is a person's (AT101).
pub fn identity(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let ev = cx.ev;
    if !cx.ctx.has_credential {
        out.checks.push(Check::new("identity", Status::Skip, "Credential", "no credential was given: set ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN, or --auth-header-env"));
    }
    let resolved_title = format!(
        "Credential on the gateway with cloud ID {}",
        ev.tenant_cloud_id.clone().unwrap_or_default()
    );
    let surfaces = [
        (
            "identity-site",
            "Credential on the site",
            &ev.site,
            &cx.site_state,
        ),
        (
            "identity-gateway",
            "Credential on the gateway",
            &ev.gateway_url_id,
            &cx.gw_url_state,
        ),
        (
            "identity-gateway-resolved",
            resolved_title.as_str(),
            &ev.gateway_resolved,
            &cx.gw_res_state,
        ),
    ];
    let mut said = Vec::new();
    for (id, title, probes, st) in surfaces {
        if let Some(c) = surface_check(id, title, probes, st) {
            said.push(format!("{}: {}", c.title, c.detail));
            out.checks.push(c);
        }
    }
    let accepted: Vec<&Identity> = (cx.states().into_iter())
        .filter_map(|s| match s {
            State::Accepted(i) => Some(i),
            _ => None,
        })
        .collect();
    if let Some(idn) = accepted.iter().find(|i| i.account_id.is_some())
        && out.account_id.is_none()
    {
        out.account_id.clone_from(&idn.account_id);
    }
    if let Some(idn) = accepted.first() {
        crate::doctor::owner::confirmed_person(
            cx.ctx.analysis,
            idn,
            cx.ctx.service_accounts,
            out.checks,
            out.findings,
        );
    }
    if said.is_empty() {
        return None;
    }
    let probes = [&ev.site, &ev.gateway_url_id, &ev.gateway_resolved];
    Some(Said::new(
        probes.iter().flat_map(|p| evidence(p)).map(|e| e.summary()),
        said.join("; "),
    ))
}

/// Form problems found offline that explain a refusal by themselves.
const FORM_CODES: [Code; 5] = [
    Code::AT301,
    Code::AT304,
    Code::AT103,
    Code::AT104,
    Code::AT303,
];

/// Refused wherever it was tried: the form problem found offline, a password, a Connect
/// session token, or else a dead credential (AT105).
pub fn refused(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    if cx.standing() != Standing::Refused {
        return None;
    }
    let mut offline: Vec<Code> = (cx.ctx.analysis.problems.iter())
        .map(|p| p.0)
        .filter(|c| FORM_CODES.contains(c))
        .collect();
    // "Basic authentication with passwords is deprecated": an account password was sent.
    let password = cx.all.iter().any(|e| {
        e.full_body
            .to_ascii_lowercase()
            .contains("passwords is deprecated")
    });
    if offline.is_empty() && password {
        out.findings.push(Finding::new(
            Code::AT104,
            "Atlassian answered `Basic authentication with passwords is deprecated`: the credential is an account password, not an API token",
            crate::token::PASSWORD.fix,
        ));
        offline.push(Code::AT104);
    }
    repaired(cx, out);
    let connect = cx.probed().iter().any(|s| **s == State::ConnectJwt);
    if connect && !offline.contains(&Code::AT303) {
        out.findings.push(Finding::new(Code::AT303, "the site refused the Bearer value as a Connect session token (403 `Failed to parse Connect Session Auth Token`)", "send API tokens with Basic auth (curl -u \"$EMAIL:$TOKEN\"); Bearer is only for OAuth 2.0 access tokens at api.atlassian.com"));
    }
    // A service account or access token refused on the site alone: AT201, known offline,
    // explains that refusal; the gateway was not reached to judge the credential itself.
    let site_only_explained = out.has(Code::AT201)
        && cx.gw_url_state == State::NotProbed
        && cx.gw_res_state == State::NotProbed;
    let because = if !offline.is_empty() {
        format!(
            "refused, and the form explains it ({})",
            join_codes(&offline)
        )
    } else if site_only_explained {
        "refused on the site only, which the URL's form explains (AT201)".to_string()
    } else if connect {
        "the site read the Bearer value as a Connect session token".to_string()
    } else {
        out.findings.push(dead_credential(cx));
        "refused on every surface tried, with nothing in its form to explain it".to_string()
    };
    let probes = [&cx.ev.site, &cx.ev.gateway_url_id, &cx.ev.gateway_resolved];
    Some(Said::new(
        probes.iter().flat_map(|p| evidence(p)).map(|e| e.summary()),
        because,
    ))
}

fn join_codes(codes: &[Code]) -> String {
    codes
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The credential with stray characters removed, tried once: does the repair work?
fn repaired(cx: &Cx<'_>, out: &mut Out<'_>) {
    let Some(rep) = &cx.ev.repaired else { return };
    let fixed = classify::classify(rep) == Answer::Ok;
    out.checks.push(
        Check::new(
            "repaired",
            if fixed { Status::Pass } else { Status::Warn },
            "Credential with the stray characters removed",
            if fixed {
                format!("accepted: {}", rep.summary())
            } else {
                format!("still refused: {}", rep.summary())
            },
        )
        .with([rep.clone()]),
    );
}

/// AT105: a credential refused everywhere without a reason in its form.
fn dead_credential(cx: &Cx<'_>) -> Finding {
    let a = cx.ctx.analysis;
    let who = a.user.clone().unwrap_or_else(|| "the account".into());
    let where_ = cx.probed().len();
    // Without the site, a wrong cloud ID cannot be told from a dead credential when the
    // gateway answers 401 for both (facts sheet §9.1).
    let gateway_hint = if cx.ctx.site.is_none() && cx.on_gateway() {
        ". The gateway may also refuse a cloud ID that is not the site's: run again with --site SITE to rule that out"
    } else {
        ""
    };
    Finding::new(
        Code::AT105,
        format!(
            "the credential was refused on {} surface{} tried: likely causes, most likely first: the token was revoked; it expired; {who} is not the email of the account that created the token; the account is deactivated{gateway_hint}",
            where_,
            if where_ == 1 { "" } else { "s" },
        ),
        if a.user_kind == "service-account" {
            format!(
                "an organization admin creates a new API token for {who} (admin.atlassian.com > Directory > Service accounts > the account > Credentials), checks the service account is active, and the script uses that token with exactly this email"
            )
        } else {
            format!(
                "create a new API token while logged in as {who} (id.atlassian.com > Security > API tokens), check the account is active, and use exactly that email with it"
            )
        },
    )
}

/// No surface answered: the checks could not run.
pub fn silent(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let probed = cx.probed();
    if cx.standing() != Standing::Other
        || probed.is_empty()
        || !probed.iter().all(|s| matches!(s, State::NoAnswer))
    {
        return None;
    }
    let why = (cx.all.iter())
        .find_map(|e| e.error.clone())
        .unwrap_or_else(|| "no answer".to_string());
    *out.inconclusive = Some(format!("the checks could not run: {why}"));
    Some(Said::new([why], "no surface answered: inconclusive"))
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{
        ACCOUNT, MYSELF, NO_CONFLUENCE, Probe, Run, SCOPE_MISMATCH, UNAUTHENTICATED,
    };
    use super::State;
    use crate::catalogue::Code;
    use crate::doctor::report::Status;

    type Answer<'a> = (u16, &'a [(&'a str, &'a str)], &'a str);

    /// Jira's and Confluence's identity answers on one surface → what they say about the
    /// credential (facts sheet §3.8).
    #[test]
    fn states() {
        let none: Answer = (0, &[], "");
        let ok: Answer = (200, &[ACCOUNT], MYSELF);
        let anonymous: Answer = (
            200,
            &[("x-seraph-loginreason", "AUTHENTICATED_FAILED")],
            MYSELF,
        );
        let refused: Answer = (
            401,
            &[(
                "www-authenticate",
                "OAuth realm=\"https%3A%2F%2Facme.atlassian.net\"",
            )],
            UNAUTHENTICATED,
        );
        let scope: Answer = (
            401,
            &[("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")],
            SCOPE_MISMATCH,
        );
        let connect: Answer = (403, &[], "Failed to parse Connect Session Auth Token");
        let limited: Answer = (429, &[("retry-after", "30")], "");
        let jira_403: Answer = (403, &[], r#"{"errorMessages":["no"],"errors":{}}"#);
        let denied: Answer = (403, &[], NO_CONFLUENCE);
        let not_found: Answer = (404, &[], r#"{"message":"not found"}"#);
        let v2_auth: Answer = (
            404,
            &[],
            r#"{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]}"#,
        );
        let table: &[(Answer, Answer, fn(&State) -> bool)] = &[
            (ok, none, |s| matches!(s, State::Accepted(_))),
            (
                refused,
                (200, &[], r#"{"type":"known","accountId":"5b10"}"#),
                |s| matches!(s, State::Accepted(_)),
            ),
            (anonymous, none, |s| *s == State::Rejected),
            (refused, denied, |s| *s == State::Rejected),
            (refused, v2_auth, |s| *s == State::Rejected),
            (scope, scope, |s| *s == State::Scope),
            (connect, none, |s| *s == State::ConnectJwt),
            (limited, none, |s| *s == State::RateLimited),
            (jira_403, denied, |s| *s == State::NoAccess),
            (not_found, not_found, |s| *s == State::UnknownCloud),
            ((204, &[ACCOUNT], ""), none, |s| {
                matches!(s, State::Unproven(_))
            }),
        ];
        for (jira, conf, want) in table {
            let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
            run.answer(Probe::SiteJira, jira.0, jira.1, jira.2);
            if conf.0 != 0 {
                run.answer(Probe::SiteConfluence, conf.0, conf.1, conf.2);
            }
            let st = super::state(&run.ev.site);
            assert!(want(&st), "{jira:?} {conf:?} → {st:?}");
        }
    }

    /// The site's identity answer (nothing else probed), with the offline form problems →
    /// what `refused` finds.
    #[test]
    fn refused_everywhere() {
        let password = r#"{"errorMessages":["Basic authentication with passwords is deprecated. For more information, see: https://developer.atlassian.com/cloud/confluence/deprecation-notice-basic-auth/"],"errors":{}}"#;
        let table: &[(u16, &str, &[Code], Option<&[Code]>)] = &[
            (401, UNAUTHENTICATED, &[], Some(&[Code::AT105])),
            (401, password, &[], Some(&[Code::AT104])),
            (
                403,
                "Failed to parse Connect Session Auth Token",
                &[],
                Some(&[Code::AT303]),
            ),
            // The form found offline (a newline in the encoded value) explains the refusal.
            (401, UNAUTHENTICATED, &[Code::AT301], Some(&[])),
            (401, UNAUTHENTICATED, &[Code::AT201], Some(&[Code::AT105])),
            (200, MYSELF, &[], None),
        ];
        for (status, body, offline, want) in table {
            let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
            for c in *offline {
                run.analysis
                    .problems
                    .push((*c, String::new(), String::new()));
            }
            run.answer(Probe::SiteJira, *status, &[ACCOUNT], body);
            let (out, said) = run.unit(super::refused);
            assert_eq!(said.is_some(), want.is_some(), "{status} {body}");
            assert_eq!(
                out.codes(),
                want.unwrap_or(&[]),
                "{status} {body} {offline:?}"
            );
        }
    }

    #[test]
    fn a_service_account_refused_on_the_site_alone_is_explained_by_at201() {
        let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.findings.push(crate::doctor::report::Finding::new(
            Code::AT201,
            "scoped on the site",
            "use the gateway",
        ));
        run.answer(Probe::SiteJira, 401, &[], UNAUTHENTICATED);
        let (out, said) = run.unit(super::refused);
        assert_eq!(out.codes(), [Code::AT201]);
        assert!(said.unwrap().because.contains("AT201"));
    }

    #[test]
    fn the_repaired_credential_is_tried() {
        let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.analysis
            .problems
            .push((Code::AT103, String::new(), String::new()));
        run.answer(Probe::SiteJira, 401, &[], UNAUTHENTICATED)
            .answer(Probe::Repaired, 200, &[ACCOUNT], MYSELF);
        let (out, _) = run.unit(super::refused);
        assert_eq!(out.checks[0].id, "repaired");
        assert_eq!(out.checks[0].status, Status::Pass);
    }

    #[test]
    fn identity_records_the_account_and_each_surface() {
        let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.accepted_on_site().answer(
            Probe::ResolvedJira,
            401,
            &[],
            r#"{"code":401,"message":"Unauthorized"}"#,
        );
        let (out, said) = run.unit(super::identity);
        let ids: Vec<&str> = out.checks.iter().map(|c| c.id).collect();
        // The live answer confirms a person's account: AT101 (owner.rs).
        assert_eq!(
            ids,
            ["identity-site", "identity-gateway-resolved", "account-live"]
        );
        assert_eq!(out.codes(), [Code::AT101]);
        assert_eq!(out.account_id.as_deref(), Some("5b10ac8d82e05b22cc7d4ef5"));
        assert_eq!(said.unwrap().probed.len(), 2);
    }

    #[test]
    fn no_answer_anywhere_is_inconclusive() {
        let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.no_answer(Probe::SiteJira, "timed out after 10 s")
            .no_answer(Probe::SiteConfluence, "timed out after 10 s");
        let (out, said) = run.unit(super::silent);
        assert_eq!(
            out.inconclusive.as_deref(),
            Some("the checks could not run: timed out after 10 s")
        );
        assert!(said.is_some());
    }
}
