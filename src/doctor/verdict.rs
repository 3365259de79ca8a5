//! From evidence to findings and the single most likely root cause.
use super::classify::{self, Answer, Identity};
use super::credential::Analysis;
use super::http::Exchange;
use super::live::{Evidence, SurfaceProbes};
use super::report::{Check, Finding, Status, Verdict};
use super::request::{Surface, Target};
use crate::catalogue::{Code, Severity};
use crate::scopes::{self, Family};
use crate::surface::{self, Product};

pub struct Context<'a> {
    pub target: &'a Target,
    pub site: Option<&'a str>,
    pub project: Option<&'a str>,
    pub space: Option<&'a str>,
    pub analysis: &'a Analysis,
    pub operation: Option<&'a scopes::Match>,
    pub has_credential: bool,
    pub compare: bool,
    /// The lint configuration's `service-accounts` patterns.
    pub service_accounts: &'a [String],
}

pub struct Outcome {
    pub root_cause: Option<Code>,
    pub verdict: Verdict,
    pub summary: String,
    pub account_id: Option<String>,
}

/// How one surface (site, or gateway with one cloud ID) treats the credential.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum State {
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
    fn valid(&self) -> bool {
        matches!(self, State::Accepted(_) | State::Scope | State::NoAccess)
    }
    fn refused(&self) -> bool {
        matches!(self, State::Rejected | State::ConnectJwt)
    }
}

fn answer(ex: &Option<Exchange>) -> Option<Answer> {
    ex.as_ref().map(classify::classify)
}

pub(super) fn state(p: &SurfaceProbes) -> State {
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
        State::Unproven(super::proof::why_unproven(ex))
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

pub(super) fn describe(p: &SurfaceProbes) -> String {
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

pub(super) fn evidence_of(p: &SurfaceProbes) -> Vec<Exchange> {
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
    Some(Check::new(id, status, title, what).with(evidence_of(p)))
}

fn join_scopes(sets: &[Vec<&'static str>]) -> String {
    sets.iter()
        .map(|s| s.join(" + "))
        .collect::<Vec<_>>()
        .join(", or ")
}

/// The fix for a missing scope, from the scope catalogue.
fn scope_fix(op: Option<&scopes::Match>) -> (String, String) {
    let Some(m) = op else {
        return ("the token lacks a scope this request needs".to_string(), "create a new token with the scope the operation needs (atlcheck scopes METHOD URL names it); scopes cannot be added to an existing token".to_string());
    };
    let o = m.operation;
    let classic = o.scopes(Family::Classic);
    let granular = o.scopes(Family::Granular);
    let mut parts = Vec::new();
    if !classic.is_empty() {
        parts.push(format!("classic {}", join_scopes(classic)));
    }
    if !granular.is_empty() {
        parts.push(format!("granular {}", join_scopes(granular)));
    }
    let needs = if parts.is_empty() {
        "no documented scope".to_string()
    } else {
        parts.join("; or ")
    };
    let mut fix =
        format!("create a new API token (scopes cannot be edited after creation) with {needs}");
    if let Some(why) = o.uncovered_reason(Family::Classic) {
        fix.push_str(&format!(" ({why})"));
    }
    (
        format!(
            "the token lacks a scope {} {} ({}) needs: {needs}",
            m.method, o.path, o.operation_id
        ),
        fix,
    )
}

fn product_access_fix(product: Product, site: Option<&str>) -> String {
    let p = match product {
        Product::Jira => "Jira",
        Product::Confluence => "Confluence",
    };
    let s = site.map_or("the site".to_string(), |s| format!("{s}.atlassian.net"));
    format!(
        "grant {p} access on {s}: admin.atlassian.com > Directory > Users (or Service accounts) > the account > Product access, or add it to the product's default access group"
    )
}

/// `settle` runs after the live findings and before the root cause is chosen: the OAuth
/// path's wording, the scopes a token holds.
pub fn decide(
    ctx: &Context<'_>,
    ev: Option<&Evidence>,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
    settle: &mut dyn FnMut(&mut Vec<Check>, &mut Vec<Finding>),
) -> Outcome {
    let t = ctx.target;
    let mut inconclusive: Option<String> = None;
    let mut account_id = None;
    if let Some(ev) = ev {
        live_findings(
            ctx,
            ev,
            checks,
            findings,
            &mut inconclusive,
            &mut account_id,
        );
    }
    settle(checks, findings);
    if inconclusive.is_none() {
        inconclusive = super::proof::missing_proof(checks);
    }
    // A check that failed without a finding to explain it (a 401 to a request sent with no
    // credential) is no proof that the request works.
    if inconclusive.is_none() && findings.is_empty() {
        inconclusive = checks
            .iter()
            .find(|c| c.status == Status::Fail)
            .map(|c| format!("{} failed and no cause was found: {}", c.title, c.detail));
    }
    // Root cause: errors first, by each rule's `priority` (rules/*.toml); then warnings.
    let rank = |f: &Finding| {
        (
            std::cmp::Reverse(f.severity),
            f.rule.rule().priority.unwrap_or(u32::MAX),
        )
    };
    let root = findings
        .iter()
        .min_by_key(|f| rank(f))
        .map(|f| (f.rule, f.message.clone(), f.severity));
    let has_error = findings.iter().any(|f| f.severity == Severity::Error);
    let (verdict, summary) = match (&root, has_error, &inconclusive) {
        (Some((_, msg, _)), true, _) => (Verdict::Problem, msg.clone()),
        (None, _, Some(why)) | (_, false, Some(why)) => (Verdict::Inconclusive, why.clone()),
        (Some((_, msg, _)), false, None) => {
            (Verdict::Ok, format!("the request works; note: {msg}"))
        }
        (None, _, None) if ev.is_none() => (
            Verdict::Ok,
            "no problem found offline; live checks were not run".to_string(),
        ),
        (None, _, None) if matches!(t.method.as_str(), "GET" | "HEAD") => {
            (Verdict::Ok, "the request works".to_string())
        }
        (None, _, None) => (
            Verdict::Ok,
            format!(
                "the credential works and no problem was found; the {} itself was not sent (atlcheck only reads)",
                t.method
            ),
        ),
    };
    Outcome {
        root_cause: root.map(|r| r.0),
        verdict,
        summary,
        account_id,
    }
}

#[allow(clippy::too_many_lines)]
fn live_findings(
    ctx: &Context<'_>,
    ev: &Evidence,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
    inconclusive: &mut Option<String>,
    account_id: &mut Option<String>,
) {
    let t = ctx.target;
    let url_cloud_id = t.surface.cloud_id();
    let product = t.product().unwrap_or(Product::Jira);
    let gateway_url = |id: &str| match &t.surface {
        Surface::Site { .. } => {
            surface::gateway_url_for_site_path(&t.path, Some(product), Some(id))
        }
        Surface::Gateway(g) => g.url_with_cloud_id(id, &t.path),
        _ => t.url.clone(),
    };

    // Rate limits and CAPTCHA: anywhere they show, they explain everything else.
    let all: Vec<&Exchange> = [&ev.tenant, &ev.target, &ev.repaired]
        .into_iter()
        .chain(
            [&ev.site, &ev.gateway_url_id, &ev.gateway_resolved]
                .iter()
                .flat_map(|p| [&p.jira, &p.confluence, &p.project, &p.space]),
        )
        .filter_map(|e| e.as_ref())
        .collect();
    if let Some(ex) = all
        .iter()
        .find(|e| classify::classify(e) == Answer::RateLimited)
    {
        let retry = ex
            .header("retry-after")
            .map_or("not given".to_string(), |r| format!("{r} s"));
        let reason = ex.header("ratelimit-reason").unwrap_or("not given");
        let reset = ex
            .header("x-ratelimit-reset")
            .map(|r| format!(", X-RateLimit-Reset {r}"))
            .unwrap_or_default();
        checks.push(
            Check::new(
                "rate-limit",
                Status::Fail,
                "Rate limit",
                format!(
                    "429 from {}: Retry-After {retry}, RateLimit-Reason {reason}{reset}",
                    ex.url
                ),
            )
            .with([(*ex).clone()]),
        );
        findings.push(Finding::new(
            Code::AT501,
            format!("Atlassian answered 429 Too Many Requests (Retry-After: {retry}; RateLimit-Reason: {reason}{reset})"),
            "wait as Retry-After says, then retry with exponential backoff and jitter; spread bulk work over time (API-token traffic is governed by burst limits)",
        ).severity(Severity::Error));
    }
    if let Some(ex) = all
        .iter()
        .find(|e| classify::classify(e) == Answer::Captcha)
    {
        let reason = ex
            .header("x-authentication-denied-reason")
            .unwrap_or("AUTHENTICATION_DENIED");
        checks.push(
            Check::new(
                "captcha",
                Status::Fail,
                "CAPTCHA lockout",
                format!("{}: {reason}", ex.summary()),
            )
            .with([(*ex).clone()]),
        );
        findings.push(Finding::new(
            Code::AT502,
            format!("login denied by CAPTCHA after failed logins ({reason})"),
            "log in once in a browser as this account and solve the CAPTCHA (or have an admin reset the failed-login count); then fix the credential that kept failing",
        ));
    }

    // Cloud ID of the site.
    if let (Some(site), Some(tenant)) = (ctx.site, &ev.tenant) {
        match (&ev.tenant_cloud_id, tenant.status) {
            (Some(id), _) => {
                let same = url_cloud_id.is_none_or(|u| u.eq_ignore_ascii_case(id));
                let status = if same { Status::Pass } else { Status::Fail };
                checks.push(
                    Check::new(
                        "cloud-id",
                        status,
                        "Cloud ID",
                        format!(
                            "{site}.atlassian.net has cloud ID {id}{}",
                            url_cloud_id
                                .filter(|_| !same)
                                .map(|u| format!("; the URL uses {u}"))
                                .unwrap_or_default()
                        ),
                    )
                    .with([tenant.clone()]),
                );
                if let Some(u) = url_cloud_id.filter(|u| {
                    !same && surface::is_uuid(u) && !findings.iter().any(|f| f.rule == Code::AT204)
                }) {
                    findings.push(Finding::new(Code::AT204, format!("the URL's cloud ID {u} is not {site}.atlassian.net's cloud ID {id} (an organization ID, or another site's)"), format!("use {}", gateway_url(id))));
                }
            }
            (None, Some(404)) => {
                checks.push(
                    Check::new(
                        "cloud-id",
                        Status::Fail,
                        "Cloud ID",
                        format!("{site}.atlassian.net answered 404 for _edge/tenant_info"),
                    )
                    .with([tenant.clone()]),
                );
                // Only a site that answers nothing else is missing; one that answers
                // identity probes exists, whatever tenant_info said.
                let site_answers = [&ev.site.jira, &ev.site.confluence].iter().any(|e| {
                    e.as_ref()
                        .is_some_and(|e| matches!(e.status, Some(s) if s != 404))
                });
                if !site_answers {
                    findings.push(Finding::new(Code::AT206, format!("{site}.atlassian.net is not an Atlassian Cloud site (_edge/tenant_info answered 404)"), "check the site name in the URL or --site"));
                }
            }
            (None, _) => checks.push(
                Check::new(
                    "cloud-id",
                    Status::Error,
                    "Cloud ID",
                    format!("could not read the cloud ID: {}", tenant.summary()),
                )
                .with([tenant.clone()]),
            ),
        }
    }

    if !ctx.has_credential {
        checks.push(Check::new("identity", Status::Skip, "Credential", "no credential was given: set ATLASSIAN_EMAIL and ATLASSIAN_API_TOKEN, or --auth-header-env"));
    }
    let site_state = state(&ev.site);
    let gw_url_state = state(&ev.gateway_url_id);
    let gw_res_state = state(&ev.gateway_resolved);
    checks.extend(surface_check(
        "identity-site",
        "Credential on the site",
        &ev.site,
        &site_state,
    ));
    checks.extend(surface_check(
        "identity-gateway",
        "Credential on the gateway",
        &ev.gateway_url_id,
        &gw_url_state,
    ));
    let resolved_title = format!(
        "Credential on the gateway with cloud ID {}",
        ev.tenant_cloud_id.clone().unwrap_or_default()
    );
    checks.extend(surface_check(
        "identity-gateway-resolved",
        &resolved_title,
        &ev.gateway_resolved,
        &gw_res_state,
    ));

    let states = [&site_state, &gw_url_state, &gw_res_state];
    let valid = states.iter().any(|s| s.valid());
    for s in states {
        if let State::Accepted(idn) = s
            && account_id.is_none()
        {
            account_id.clone_from(&idn.account_id);
        }
    }
    if let Some(idn) = states.iter().find_map(|s| match s {
        State::Accepted(i) => Some(i),
        _ => None,
    }) {
        super::owner::confirmed_person(ctx.analysis, idn, ctx.service_accounts, checks, findings);
    }
    let probed: Vec<&&State> = states
        .iter()
        .filter(|s| !matches!(s, State::NotProbed))
        .collect();
    let target_answer = answer(&ev.target);

    if ctx.has_credential
        && !valid
        && !probed.is_empty()
        && probed
            .iter()
            .all(|s| s.refused() || matches!(s, State::UnknownCloud | State::Unclear))
        && probed.iter().any(|s| s.refused())
    {
        // Refused wherever it was tried.
        let offline: Vec<Code> = ctx
            .analysis
            .problems
            .iter()
            .map(|p| p.0)
            .filter(|c| {
                matches!(
                    *c,
                    Code::AT301 | Code::AT304 | Code::AT103 | Code::AT104 | Code::AT303
                )
            })
            .collect();
        let mut offline = offline;
        // "Basic authentication with passwords is deprecated": an account password was sent.
        if offline.is_empty()
            && all.iter().any(|e| {
                e.full_body
                    .to_ascii_lowercase()
                    .contains("passwords is deprecated")
            })
        {
            findings.push(Finding::new(
                Code::AT104,
                "Atlassian answered `Basic authentication with passwords is deprecated`: the credential is an account password, not an API token",
                "create an API token (id.atlassian.com > Security > API tokens, or a scoped token for a service account) and send it with the account email",
            ));
            offline.push(Code::AT104);
        }
        if let Some(rep) = &ev.repaired {
            let fixed = classify::classify(rep) == Answer::Ok;
            checks.push(
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
        if probed.iter().any(|s| **s == &State::ConnectJwt) && !offline.contains(&Code::AT303) {
            findings.push(Finding::new(Code::AT303, "the site refused the Bearer value as a Connect session token (403 `Failed to parse Connect Session Auth Token`)", "send API tokens with Basic auth (curl -u \"$EMAIL:$TOKEN\"); Bearer is only for OAuth 2.0 access tokens at api.atlassian.com"));
        }
        // A service account or access token refused on the site alone: AT201, known offline,
        // explains that refusal; the gateway was not reached to judge the credential itself.
        let site_only_explained = findings.iter().any(|f| f.rule == Code::AT201)
            && gw_url_state == State::NotProbed
            && gw_res_state == State::NotProbed;
        if offline.is_empty()
            && !site_only_explained
            && !probed.iter().any(|s| **s == &State::ConnectJwt)
        {
            let who = ctx
                .analysis
                .user
                .clone()
                .unwrap_or_else(|| "the account".into());
            let where_ = probed.len();
            findings.push(Finding::new(
                Code::AT105,
                format!(
                    "the credential was refused on {} surface{} tried: likely causes, most likely first: the token was revoked; it expired; {who} is not the email of the account that created the token; the account is deactivated{}",
                    where_,
                    if where_ == 1 { "" } else { "s" },
                    // Without the site, a wrong cloud ID cannot be told from a dead credential
                    // when the gateway answers 401 for both (facts sheet §9.1).
                    if ctx.site.is_none() && matches!(t.surface, Surface::Gateway(_)) {
                        ". The gateway may also refuse a cloud ID that is not the site's: run again with --site SITE to rule that out"
                    } else {
                        ""
                    }
                ),
                if ctx.analysis.user_kind == "service-account" {
                    format!("an organization admin creates a new API token for {who} (admin.atlassian.com > Directory > Service accounts > the account > Credentials), checks the service account is active, and the script uses that token with exactly this email")
                } else {
                    format!("create a new API token while logged in as {who} (id.atlassian.com > Security > API tokens), check the account is active, and use exactly that email with it")
                },
            ));
        }
    } else if valid {
        // The credential is good somewhere.
        for f in findings.iter_mut().filter(|f| {
            (f.rule == Code::AT103 || f.rule == Code::AT303) && f.severity == Severity::Error
        }) {
            f.severity = Severity::Warning;
            f.message.push_str(" (the credential was accepted anyway)");
        }
        if let Surface::Site { site } = &t.surface
            && site_state.refused()
            && (gw_res_state.valid() || gw_url_state.valid())
        {
            let id = ev.tenant_cloud_id.clone();
            let fixed = id.as_deref().map_or_else(
                || surface::gateway_url_for_site_path(&t.path, Some(product), None),
                gateway_url,
            );
            match findings.iter_mut().find(|f| f.rule == Code::AT201) {
                // Known offline (a service account, an access token): the live answer adds the cloud ID.
                Some(f) => f.fix = format!("use {fixed}"),
                None => findings.push(Finding::new(
                    Code::AT201,
                    format!("the credential is refused on {site}.atlassian.net but accepted through the API gateway: a scoped or service-account token only works at {}", surface::gateway_template(product)),
                    format!("use {fixed}"),
                ).severity(Severity::Error)),
            }
        }
        let tenant_agrees = matches!((ev.tenant_cloud_id.as_deref(), url_cloud_id), (Some(a), Some(b)) if a.eq_ignore_ascii_case(b));
        if let Surface::Gateway(_) = &t.surface
            && matches!(gw_url_state, State::UnknownCloud | State::Rejected)
            && !tenant_agrees
            && !findings
                .iter()
                .any(|f| f.rule == Code::AT204 || f.rule == Code::AT203)
        {
            let id = url_cloud_id.unwrap_or_default();
            let fix = ev.tenant_cloud_id.as_deref().map_or("pass --site SITE so atlcheck can resolve the right cloud ID (curl https://SITE.atlassian.net/_edge/tenant_info)".to_string(), |good| format!("use {}", gateway_url(good)));
            findings.push(Finding::new(Code::AT204, format!("the gateway does not accept cloud ID {id} for this credential: it is not the site's cloud ID (an organization ID?)"), fix));
        }
    } else if gw_url_state == State::UnknownCloud
        && !findings.iter().any(|f| f.rule == Code::AT203)
        // A credential of the wrong form (a Bearer API token, a client secret) can also be
        // answered 404 by the gateway; its own finding explains the failure.
        && !ctx.analysis.problems.iter().any(|p| matches!(p.0, Code::AT303 | Code::AT104 | Code::AT304))
    {
        let id = url_cloud_id.unwrap_or_default();
        findings.push(Finding::new(Code::AT204, format!("the gateway answered 404 for cloud ID {id}: it is not a site's cloud ID (an organization ID?)"), "use the site's cloud ID: curl https://SITE.atlassian.net/_edge/tenant_info (or pass --site SITE)"));
    } else if probed.iter().all(|s| matches!(s, State::NoAnswer)) && !probed.is_empty() {
        let why = all
            .iter()
            .find_map(|e| e.error.clone())
            .unwrap_or_else(|| "no answer".to_string());
        *inconclusive = Some(format!("the checks could not run: {why}"));
    }

    super::resources::accessible_resources(ev, url_cloud_id, &gateway_url, checks, findings);

    // The request itself.
    let target_on_valid_surface = match &t.surface {
        Surface::Site { .. } => site_state.valid(),
        Surface::Gateway(g) => {
            gw_url_state.valid()
                || ev
                    .tenant_cloud_id
                    .as_deref()
                    .is_some_and(|r| r.eq_ignore_ascii_case(&g.cloud_id))
                    && gw_res_state.valid()
        }
        _ => false,
    };
    let identity_of = |p: &SurfaceProbes| match state(p) {
        State::Accepted(i) => Some(i),
        _ => None,
    };
    let surface_probes = match &t.surface {
        Surface::Site { .. } => &ev.site,
        _ => &ev.gateway_url_id,
    };
    match (&ev.target, target_answer.clone()) {
        (Some(ex), Some(a)) => {
            let (status, detail) = match a {
                Answer::Ok => (Status::Pass, "the request works".to_string()),
                Answer::NoAnswer => (Status::Error, ex.error.clone().unwrap_or_default()),
                Answer::Unproven | Answer::Redirect => {
                    (Status::Error, super::proof::why_unproven(ex))
                }
                _ => (
                    Status::Fail,
                    format!(
                        "answered {}",
                        ex.status.map_or("nothing".to_string(), |s| s.to_string())
                    ),
                ),
            };
            checks.push(
                Check::new(
                    "request",
                    status,
                    format!("The request itself ({} {})", t.method, t.path_only()),
                    detail,
                )
                .with([ex.clone()]),
            );
            if a == Answer::ScopeMismatch {
                let (msg, fix) = scope_fix(ctx.operation);
                findings.push(Finding::new(Code::AT401, msg, fix));
            } else if target_on_valid_surface {
                target_failure(ctx, ev, surface_probes, a, ex, findings, checks);
            } else if a == Answer::NoAnswer
                && inconclusive.is_none()
                && !findings.iter().any(|f| f.severity == Severity::Error)
            {
                *inconclusive = Some(format!(
                    "the request got no answer: {}",
                    ex.error.clone().unwrap_or_default()
                ));
            } else if a == Answer::ServerError
                && !findings.iter().any(|f| f.severity == Severity::Error)
            {
                *inconclusive = Some(format!(
                    "Atlassian answered {} (a server error): retry later",
                    ex.status.unwrap_or(500)
                ));
            } else if a == Answer::Other
                && inconclusive.is_none()
                && !findings.iter().any(|f| f.severity == Severity::Error)
            {
                *inconclusive = Some(format!(
                    "the request was answered {} with {}, not an Atlassian REST answer: a proxy, captive portal or login page may be in the way",
                    ex.status.map_or("nothing".to_string(), |s| s.to_string()),
                    ex.header("content-type").unwrap_or("no content type")
                ));
            }
        }
        _ if ctx.has_credential && valid && !matches!(t.method.as_str(), "GET" | "HEAD") => {
            let needs = ctx
                .operation
                .map(|m| scope_fix(Some(m)).0)
                .unwrap_or_default();
            checks.push(Check::new(
                "request",
                Status::Skip,
                format!("The request itself ({} {})", t.method, t.path_only()),
                format!("not sent: atlcheck only reads. {needs}"),
            ));
            if target_on_valid_surface {
                write_request(ctx, ev, surface_probes, findings, checks);
            }
        }
        _ => {}
    }

    // Authenticated, but both products refuse the account.
    let url_state = match &t.surface {
        Surface::Site { .. } => &site_state,
        _ if gw_url_state != State::NotProbed => &gw_url_state,
        _ => &gw_res_state,
    };
    if *url_state == State::NoAccess && !findings.iter().any(|f| f.rule == Code::AT402) {
        findings.push(Finding::new(
            Code::AT402,
            format!(
                "the credential is accepted, but Jira refuses the account ({}) and Confluence does too: it has no product access on this site",
                surface_probes.jira.as_ref().or(ev.gateway_resolved.jira.as_ref()).map_or(String::new(), Exchange::summary)
            ),
            product_access_fix(product, ctx.site),
        ));
    }

    // Product access for the request's product, on the surface the credential works on.
    if let Some(idn) = identity_of(surface_probes).or_else(|| identity_of(&ev.gateway_resolved)) {
        let conf = answer(&surface_probes.confluence).or(answer(&ev.gateway_resolved.confluence));
        if product == Product::Confluence
            && conf == Some(Answer::ConfluenceDenied)
            && !findings.iter().any(|f| f.rule == Code::AT402)
        {
            findings.push(Finding::new(Code::AT402, "the account is authenticated (Jira accepts it) but has no access to Confluence: 403 `caller cannot access Confluence`", product_access_fix(Product::Confluence, ctx.site)));
        }
        let jira = answer(&surface_probes.jira);
        let target_refused = matches!(
            target_answer,
            Some(Answer::Forbidden | Answer::NotFound | Answer::Unauthenticated)
        );
        if product == Product::Jira
            && !findings.iter().any(|f| f.rule == Code::AT402)
            && matches!(jira, Some(Answer::Unauthenticated | Answer::Forbidden))
            && answer(&surface_probes.confluence) == Some(Answer::Ok)
        {
            // What Jira answers an account without Jira access is not documented (facts
            // sheet §9.9); Confluence accepting the same credential rules out a dead one.
            findings.push(Finding::new(Code::AT402, format!("Confluence accepts the credential but Jira refuses it ({}): the account has no Jira access on this site", surface_probes.jira.as_ref().map_or(String::new(), Exchange::summary)), product_access_fix(Product::Jira, ctx.site)));
        } else if product == Product::Jira
            && idn.application_roles.as_ref().is_some_and(Vec::is_empty)
            && !findings.iter().any(|f| f.rule == Code::AT402)
            && jira == Some(Answer::Ok)
        {
            checks.push(Check::new(
                "product-access",
                Status::Warn,
                "Product access",
                "myself lists no Jira application role",
            ));
            if target_refused {
                findings.push(Finding::new(Code::AT402, "the account has no Jira application role (myself?expand=applicationRoles is empty) and the request is refused: no Jira product access", product_access_fix(Product::Jira, ctx.site)));
            }
        }
    }
    if ctx.compare {
        super::compare::compare_check(ev, checks);
    }
}

/// A GET/HEAD on a surface where the credential works, that still failed.
fn target_failure(
    ctx: &Context<'_>,
    _ev: &Evidence,
    probes: &SurfaceProbes,
    a: Answer,
    ex: &Exchange,
    findings: &mut Vec<Finding>,
    checks: &mut Vec<Check>,
) {
    let product = ctx.target.product().unwrap_or(Product::Jira);
    match (product, a) {
        // The request answers, but what it asks about is invisible to the account: a search
        // over a project it may not browse answers 200 and an empty list.
        (Product::Jira, Answer::Ok) if probes.project.is_some() => {
            project_permission(ctx, probes, None, findings, checks)
        }
        (Product::Confluence, Answer::Ok) if probes.space.is_some() => {
            space_permission(ctx, probes, None, findings, checks)
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
            findings.push(Finding::new(Code::AT402, "the account has no access to Confluence on this site: 403 `caller cannot access Confluence`", product_access_fix(Product::Confluence, ctx.site)));
        }
        (Product::Jira, Answer::Forbidden) if answer(&probes.jira) == Some(Answer::Forbidden) => {
            findings.push(Finding::new(Code::AT402, "the account has no access to Jira on this site: Jira refuses it while the credential is valid", product_access_fix(Product::Jira, ctx.site)));
        }
        (Product::Jira, _) => project_permission(ctx, probes, Some(ex), findings, checks),
        (Product::Confluence, _) => space_permission(ctx, probes, Some(ex), findings, checks),
    }
}

/// A write request (not sent): product access, permissions, then scopes as the likely cause.
fn write_request(
    ctx: &Context<'_>,
    _ev: &Evidence,
    probes: &SurfaceProbes,
    findings: &mut Vec<Finding>,
    checks: &mut Vec<Check>,
) {
    let product = ctx.target.product().unwrap_or(Product::Jira);
    let before = findings.len();
    match product {
        Product::Confluence if answer(&probes.confluence) == Some(Answer::ConfluenceDenied) => {
            findings.push(Finding::new(Code::AT402, "the account has no access to Confluence on this site: 403 `caller cannot access Confluence`", product_access_fix(Product::Confluence, ctx.site)));
        }
        Product::Jira if answer(&probes.jira) == Some(Answer::Forbidden) => {
            findings.push(Finding::new(
                Code::AT402,
                "the account has no access to Jira on this site",
                product_access_fix(Product::Jira, ctx.site),
            ));
        }
        Product::Jira if ctx.project.is_some() => {
            project_permission(ctx, probes, None, findings, checks)
        }
        Product::Confluence if ctx.space.is_some() => {
            space_permission(ctx, probes, None, findings, checks)
        }
        _ => {}
    }
    if findings.len() == before
        && matches!(ctx.target.surface, Surface::Gateway(_))
        && let Some(m) = ctx.operation
    {
        let (msg, fix) = scope_fix(Some(m));
        findings.push(Finding::new(Code::AT401, format!("{msg} (not verified: atlcheck does not send writes; identity and permissions check out, so a missing scope is the likely cause)"), fix).severity(Severity::Warning));
    }
}

fn project_permission(
    ctx: &Context<'_>,
    probes: &SurfaceProbes,
    target: Option<&Exchange>,
    findings: &mut Vec<Finding>,
    checks: &mut Vec<Check>,
) {
    let key = ctx.project.unwrap_or("the project");
    let role_fix = format!(
        "add the account (or a group it is in) to a role of {key} that has the permission: Project settings > People (service accounts too: they need project roles like users)"
    );
    match &probes.project {
        Some(p) => {
            let a = classify::classify(p);
            let perms = classify::permissions(p);
            let missing: Vec<&str> = perms
                .iter()
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
                format!(
                    "the account has {} on {key}",
                    perms
                        .iter()
                        .map(|(k, _)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            } else {
                format!("missing on {key}: {}", missing.join(", "))
            };
            let browse_missing = a == Answer::NotFound || missing.contains(&"BROWSE_PROJECTS");
            let needed_missing = ctx.target.method != "GET" && !missing.is_empty();
            // Never a pass without permission data.
            if perms.is_empty() && a != Answer::NotFound {
                checks.push(
                    Check::new(
                        "project-permission",
                        Status::Error,
                        format!("Project permissions ({key})"),
                        format!("no permission data: {}", p.summary()),
                    )
                    .with([p.clone()]),
                );
                return;
            }
            let status = if browse_missing || needed_missing {
                Status::Fail
            } else {
                Status::Pass
            };
            checks.push(
                Check::new(
                    "project-permission",
                    status,
                    format!("Project permissions ({key})"),
                    detail.clone(),
                )
                .with([p.clone()]),
            );
            if browse_missing || needed_missing {
                findings.push(Finding::new(
                    Code::AT403,
                    format!("the account cannot act in {key}: {detail}"),
                    role_fix,
                ));
            } else if let Some(ex) = target {
                let msg = crate::secret::redact_message(&ex.body);
                checks.push(Check::new(
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
        None => {
            if let Some(ex) = target {
                findings.push(Finding::new(
                    Code::AT403,
                    format!("Jira answered {} for an authenticated account: the issue or project does not exist, or the account lacks permission (Jira answers 404 for what it may not see)", ex.status.unwrap_or(0)),
                    format!("{role_fix}; pass --project KEY to let atlcheck check the permissions"),
                ));
            }
        }
    }
}

fn space_permission(
    ctx: &Context<'_>,
    probes: &SurfaceProbes,
    target: Option<&Exchange>,
    findings: &mut Vec<Finding>,
    checks: &mut Vec<Check>,
) {
    let key = ctx.space.unwrap_or("the space");
    let fix = format!(
        "give the account permission in {key}: Space settings > Permissions (view, and the action the call needs), and check page restrictions"
    );
    match &probes.space {
        Some(p) => {
            let a = classify::classify(p);
            let visible = a == Answer::Ok;
            // Never a pass (nor a fail) without an answer that says so.
            if !visible
                && !matches!(
                    a,
                    Answer::NotFound
                        | Answer::Forbidden
                        | Answer::ConfluenceDenied
                        | Answer::V2AuthNotFound
                        | Answer::Unauthenticated
                        | Answer::Anonymous
                )
            {
                checks.push(
                    Check::new(
                        "space-permission",
                        Status::Error,
                        format!("Space permissions ({key})"),
                        format!("no permission data: {}", p.summary()),
                    )
                    .with([p.clone()]),
                );
                return;
            }
            checks.push(
                Check::new(
                    "space-permission",
                    if visible { Status::Pass } else { Status::Fail },
                    format!("Space permissions ({key})"),
                    if visible {
                        format!("the account can view {key}")
                    } else {
                        format!("{key} is not visible to the account: {}", p.summary())
                    },
                )
                .with([p.clone()]),
            );
            if !visible {
                findings.push(Finding::new(
                    Code::AT404,
                    format!("the account cannot see the Confluence space {key}"),
                    fix,
                ));
            } else if let Some(ex) = target {
                findings.push(Finding::new(Code::AT404, format!("the account can view {key} but Confluence answered {} for this content: a page restriction or a missing space permission", ex.status.unwrap_or(0)), fix));
            }
        }
        None => {
            if let Some(ex) = target {
                findings.push(Finding::new(
                    Code::AT404,
                    format!("Confluence answered {} for an authenticated account: the page or space does not exist, or the account may not see it", ex.status.unwrap_or(0)),
                    format!("{fix}; pass --space KEY to let atlcheck check the space"),
                ));
            }
        }
    }
}
