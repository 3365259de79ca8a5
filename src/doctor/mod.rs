//! `atlcheck doctor`: the live troubleshooting checklist.
//!
//! Offline checks run first ([`offline`]): the URL's surface, scheme, gateway prefix and API
//! path, the credential's form. Then read-only probes run concurrently ([`live`]), and
//! [`verdict`] turns the evidence into findings and the single most likely root cause,
//! following the facts sheet (§3.8 classification table; where a fact is OPEN both answers are
//! handled).
// No function in the doctor over 80 lines (the threshold is in clippy.toml; clippy's
// too_many_lines is on for src/doctor/ only).
#![warn(clippy::too_many_lines)]
pub mod bearer;
pub mod checklist;
pub mod classify;
pub mod compare;
pub mod credential;
pub mod curl;
pub mod gone;
pub mod http;
pub mod jwt;
pub mod known;
pub mod live;
pub mod oauth;
pub mod oauth_flow;
pub mod offline;
pub mod owner;
pub mod proof;
pub mod report;
pub mod request;
pub mod resources;
pub mod sites;
pub mod verdict;

use std::time::Duration;

use credential::{Analysis, Credential};
use http::{Auth, ConnectTo, Http};
use report::{CredentialInfo, Report, RequestInfo, Status, Verdict};
use request::{Surface, Target};

/// Everything a doctor run needs, already gathered from flags, environment, stdin or netrc.
pub struct Inputs {
    pub target: Target,
    pub credential: Option<Credential>,
    pub credential_source: String,
    pub compare: Option<Credential>,
    pub site: Option<String>,
    pub project: Option<String>,
    pub space: Option<String>,
    pub offline: bool,
    pub timeout: Duration,
    pub connect_to: ConnectTo,
    pub warnings: Vec<String>,
    /// The lint configuration's `service-accounts` patterns (AT101).
    pub service_accounts: Vec<String>,
    /// The lint configuration's `org-ids` (AT204).
    pub org_ids: Vec<String>,
    /// Service-account OAuth 2.0 client credentials to diagnose instead of `credential`.
    pub client: Option<oauth::Client>,
    /// The request is a pasted curl of the token exchange itself.
    pub pasted_exchange: bool,
}

/// The access token of a `Bearer <JWT>` credential.
fn bearer_jwt(c: Option<&Credential>, a: &Analysis) -> Option<String> {
    if a.scheme != "bearer" || a.kind != Some(crate::token::TokenKind::Jwt) {
        return None;
    }
    let h = c?.header();
    let v = h.expose().trim();
    Some(v.split_once(' ').map_or(v, |(_, t)| t).trim().to_string())
}

/// `acme`, `acme.atlassian.net` or `https://acme.atlassian.net/` → `acme`.
pub fn normalise_site(s: &str) -> Option<String> {
    let s = s.trim().trim_end_matches('/');
    let s = s.split("://").nth(1).unwrap_or(s);
    let s = s.split('/').next().unwrap_or(s).to_ascii_lowercase();
    let name = s.strip_suffix(".atlassian.net").unwrap_or(&s);
    (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| name.to_string())
}

/// What the run is about beyond the URL: the site, and the project, issue and space keys.
struct Scope {
    site: Option<String>,
    project: Option<String>,
    issue: Option<String>,
    space: Option<String>,
}

impl Scope {
    fn of(inputs: &Inputs) -> Scope {
        let t = &inputs.target;
        let (project_from_url, issue) = t.jira_keys();
        Scope {
            site: inputs.site.clone().or_else(|| match &t.surface {
                Surface::Site { site } => Some(site.clone()),
                _ => None,
            }),
            project: inputs.project.clone().or(project_from_url),
            issue,
            space: inputs.space.clone().or_else(|| t.space_key()),
        }
    }
}

/// Run the checklist.
pub async fn diagnose(inputs: Inputs) -> anyhow::Result<Report> {
    let t = &inputs.target;
    let mut checks = Vec::new();
    let mut findings = Vec::new();

    let url = offline::check_url(t, &mut checks, &mut findings);
    let client = inputs.client.as_ref();
    let analysis: Analysis = match (client, &inputs.credential) {
        (Some(c), _) => oauth::analyse(c),
        (None, Some(c)) => credential::analyse(c, &inputs.service_accounts),
        (None, None) => Analysis::default(),
    };
    let mut held = offline_checks(&inputs, &analysis, &mut checks, &mut findings);
    let scope = Scope::of(&inputs);
    let evidence = probe(
        &inputs,
        &analysis,
        &scope,
        &mut checks,
        &mut findings,
        &mut held,
    )
    .await?;
    let ctx = verdict::Context {
        target: t,
        site: scope.site.as_deref(),
        project: scope.project.as_deref(),
        space: scope.space.as_deref(),
        analysis: &analysis,
        operation: url.operation.as_ref(),
        has_credential: inputs.credential.is_some() || client.is_some(),
        compare: inputs.compare.is_some(),
        service_accounts: &inputs.service_accounts,
    };
    let bearer_token = bearer_jwt(inputs.credential.as_ref(), &analysis).is_some();
    let outcome = judge(
        &ctx,
        &inputs,
        evidence.as_ref(),
        bearer_token,
        &held,
        &mut checks,
        &mut findings,
    );
    let request = request_info(t, scope.site, url.operation.as_ref());
    Ok(Report {
        version: 1,
        request,
        credential: CredentialInfo {
            source: inputs.credential_source.clone(),
            analysis,
            account_id: outcome.account_id,
        },
        checks,
        findings,
        root_cause: outcome.root_cause,
        verdict: outcome.verdict,
        summary: outcome.summary,
        warnings: inputs.warnings,
        trail: outcome.trail,
    })
}

/// The checks that need no network, after the URL's: the credential's form, what is known
/// about it without sending it, the claims of a Bearer access token (the scopes it holds).
fn offline_checks(
    inputs: &Inputs,
    analysis: &Analysis,
    checks: &mut Vec<report::Check>,
    findings: &mut Vec<report::Finding>,
) -> oauth_flow::Held {
    let t = &inputs.target;
    let client = inputs.client.as_ref();
    offline::check_credential(analysis, &inputs.credential_source, checks, findings);
    if let Some(c) = client.filter(|_| inputs.pasted_exchange) {
        oauth::check_pasted_exchange(c, checks, findings);
    }
    known::scoped_credential_on_site(t, analysis, client.is_some(), checks, findings);
    // A Bearer access token given directly: expiry and scopes from its own claims.
    let mut held: oauth_flow::Held = None;
    if let Some(tok) = bearer_jwt(inputs.credential.as_ref(), analysis)
        && let Some(c) = jwt::check_claims(&tok, "the access token", checks, findings)
        && let Some(s) = c.scopes
    {
        held = Some((s, "the access token's scope claim".to_string()));
    }
    known::org_id_from_config(t, &inputs.org_ids, checks, findings);
    bearer::by_surface(t, findings);
    gone::removed_route(t, checks, findings);
    held
}

fn skip_live(detail: impl Into<String>) -> report::Check {
    report::Check::new("live", Status::Skip, "Live probes", detail)
}

/// The live probes, unless the run is offline or the credential may not be sent.
async fn probe(
    inputs: &Inputs,
    analysis: &Analysis,
    scope: &Scope,
    checks: &mut Vec<report::Check>,
    findings: &mut Vec<report::Finding>,
    held: &mut oauth_flow::Held,
) -> anyhow::Result<Option<live::Evidence>> {
    let t = &inputs.target;
    let client = inputs.client.as_ref();
    if inputs.offline {
        checks.push(skip_live("--offline: no request was sent"));
        return Ok(None);
    }
    if client.is_none() && analysis.kind == Some(crate::token::TokenKind::OAuthClientSecret) {
        // Once a value is known to be a client secret, it goes nowhere but the token endpoint.
        checks.push(skip_live("not sent: the credential is an OAuth client secret, which atlcheck sends only to auth.atlassian.com in a token exchange (--client-id ID --client-secret-env NAME)"));
        return Ok(None);
    }
    if let Some(c) = client {
        let http = Http::new(inputs.connect_to.clone(), inputs.timeout)?;
        let r = oauth_flow::Run {
            target: t,
            site: scope.site.clone(),
            project: scope.project.clone(),
            issue: scope.issue.clone(),
            space: scope.space.clone(),
            exchange_only: inputs.pasted_exchange
                || t.surface == Surface::OtherAtlassian && t.host == oauth::AUTH_HOST,
        };
        return Ok(oauth_flow::run(&http, c, &r, checks, findings, held).await);
    }
    if t.surface == Surface::Foreign || t.surface == Surface::OtherAtlassian && scope.site.is_none()
    {
        checks.push(skip_live(format!(
            "{} is not a Jira or Confluence surface; nothing was sent",
            t.host
        )));
        return Ok(None);
    }
    let http = Http::new(inputs.connect_to.clone(), inputs.timeout)?;
    let auth = inputs
        .credential
        .as_ref()
        .map_or(Auth::None, |c| Auth::Header(c.header()));
    let plan = live::Plan {
        target: t,
        site: scope.site.clone(),
        auth,
        repaired: analysis.repaired.clone().map(Auth::Header),
        compare: inputs.compare.as_ref().map(|c| Auth::Header(c.header())),
        project: scope.project.clone(),
        issue: scope.issue.clone(),
        space: scope.space.clone(),
        gateway_only: false,
    };
    Ok(Some(live::run(&http, &plan).await))
}

/// The verdict, with the refinements that run before the root cause is chosen.
fn judge(
    ctx: &verdict::Context<'_>,
    inputs: &Inputs,
    evidence: Option<&live::Evidence>,
    bearer_token: bool,
    held: &oauth_flow::Held,
    checks: &mut Vec<report::Check>,
    findings: &mut Vec<report::Finding>,
) -> verdict::Outcome {
    let t = &inputs.target;
    let oauth_client = inputs.client.is_some();
    let op = ctx.operation;
    let mut outcome = verdict::decide(ctx, evidence, checks, findings, &mut |checks, findings| {
        bearer::from_evidence(t, evidence, findings);
        gone::answered_gone(t, evidence, findings);
        if oauth_client {
            oauth::refine(findings);
        } else if bearer_token {
            jwt::refine_refusal(findings);
        }
        // The scopes the credential holds name what AT401 finds missing; a request that
        // worked needs no such finding.
        let worked = checks
            .iter()
            .any(|c| c.id == "request" && c.status == Status::Pass);
        if let Some((h, src)) = held
            && !worked
        {
            jwt::scope_findings(op, Some(h), src, findings);
        }
    });
    if inputs.pasted_exchange && outcome.verdict == Verdict::Ok {
        outcome.summary =
            "the token exchange works: the client credentials are accepted".to_string();
    }
    outcome
}

/// The report's `request` block.
fn request_info(
    t: &Target,
    site: Option<String>,
    op: Option<&crate::scopes::Match>,
) -> RequestInfo {
    RequestInfo {
        method: t.method.clone(),
        url: crate::secret::redact_text(&t.url),
        surface: t.surface.name(),
        site,
        product: t.product().map(|p| p.as_str().to_string()),
        cloud_id: t.surface.cloud_id().map(str::to_string),
        operation: op.map(|m| m.operation.operation_id.to_string()),
    }
}

impl Report {
    pub fn exit_status(&self) -> crate::ExitStatus {
        match self.verdict {
            Verdict::Ok => crate::ExitStatus::Success,
            Verdict::Problem => crate::ExitStatus::Failure,
            Verdict::Inconclusive => crate::ExitStatus::Error,
        }
    }
}
