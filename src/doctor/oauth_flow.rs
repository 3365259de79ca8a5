//! The OAuth 2.0 client-credentials path of a doctor run (issue 13, part 1): the exchange
//! (one round trip before the usual waves), the access token's own claims, the sites it
//! reaches, then the gateway probes with the access token, pinned to api.atlassian.com.
use super::http::Http;
use super::jwt;
use super::live::{self, Evidence};
use super::oauth::{self, Client};
use super::report::{Check, Finding};
use super::request::Target;
use super::sites;
use crate::catalogue::Code;

/// The scopes the credential holds, and where the doctor read them.
pub type Held = Option<(Vec<String>, String)>;

pub struct Run<'a> {
    pub target: &'a Target,
    pub site: Option<String>,
    pub project: Option<String>,
    pub issue: Option<String>,
    pub space: Option<String>,
    /// The request is the token endpoint itself: nothing to probe after the exchange.
    pub exchange_only: bool,
}

pub async fn run(
    http: &Http,
    client: &Client,
    r: &Run<'_>,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
    held: &mut Held,
) -> Option<Evidence> {
    let grant = oauth::exchange(http, client, checks, findings).await;
    oauth::settle_form_problems(grant.is_some(), findings);
    let grant = grant?;
    if let Some(s) = grant.scopes.clone() {
        *held = Some((s, "the token endpoint's `scope`".to_string()));
    }
    let claims = jwt::check_claims(
        grant.access_token.expose(),
        "the issued access token",
        checks,
        findings,
    );
    if held.is_none()
        && let Some(s) = claims.and_then(|c| c.scopes)
    {
        *held = Some((s, "the access token's scope claim".to_string()));
    }
    let plan = live::Plan {
        target: r.target,
        site: r.site.clone(),
        auth: oauth::bearer(&grant),
        repaired: None,
        compare: None,
        project: r.project.clone(),
        issue: r.issue.clone(),
        space: r.space.clone(),
        gateway_only: true,
    };
    // accessible-resources and the gateway probes need nothing from each other: one wave.
    let (mut site_checks, mut site_findings) = (Vec::new(), Vec::new());
    let sites = sites::check(
        http,
        &grant,
        r.target,
        r.site.as_deref(),
        &mut site_checks,
        &mut site_findings,
    );
    let (reach, evidence) = if r.exchange_only {
        (sites.await, None)
    } else {
        let (reach, ev) = tokio::join!(sites, live::run(http, &plan));
        (reach, Some(ev))
    };
    checks.extend(site_checks);
    findings.extend(site_findings);
    // AT201 known offline: now the site's cloud ID is known too.
    if let Some(id) = &reach.cloud_id {
        for f in findings.iter_mut().filter(|f| f.rule == Code::AT201) {
            f.fix = f.fix.replace("<cloudId>", id);
        }
    }
    if held.is_none()
        && let Some(s) = reach.scopes
    {
        *held = Some((s, "accessible-resources".to_string()));
    }
    Some(evidence.unwrap_or_default())
}
