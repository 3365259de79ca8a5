//! Test fixture for the checklist units: a request, Atlassian's answers to the probes given as
//! (status, headers, body), and a way to run one unit (or the whole checklist) on them.
use std::collections::BTreeMap;

use super::{Cx, Out, Said, Step};
use crate::doctor::credential::Analysis;
use crate::doctor::http::Exchange;
use crate::doctor::live::{Evidence, SurfaceProbes};
use crate::doctor::report::{Check, Finding};
use crate::doctor::request::{Surface, Target};
use crate::doctor::verdict::Context;

pub const CLOUD_ID: &str = "35273b54-3f06-40d2-880f-dd28cf8daafa";
pub const SITE_JIRA: &str =
    "https://acme.atlassian.net/rest/api/3/myself?expand=groups,applicationRoles";
pub const SITE_CONFLUENCE: &str = "https://acme.atlassian.net/wiki/rest/api/user/current";

/// An identity answer that proves an account: Jira's `myself` with `X-AAccountId`.
pub const MYSELF: &str = r#"{"accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian","emailAddress":"jane@acme.com","applicationRoles":{"items":[{"key":"jira-software"}]}}"#;
pub const ACCOUNT: (&str, &str) = ("x-aaccountid", "5b10ac8d82e05b22cc7d4ef5");
pub const UNAUTHENTICATED: &str =
    r#"{"errorMessages":["Client must be authenticated to access this resource."],"errors":{}}"#;
pub const NO_CONFLUENCE: &str = r#"{"statusCode":403,"message":"com.atlassian.confluence.mvc.rest.common.exception.StacklessResponseStatusException: 403 FORBIDDEN \"Request rejected because caller cannot access Confluence\""}"#;
pub const SCOPE_MISMATCH: &str = r#"{"code":401,"message":"Unauthorized; scope does not match"}"#;

fn slot(s: &mut SurfaceProbes, i: usize) -> &mut Option<Exchange> {
    match i {
        0 => &mut s.jira,
        1 => &mut s.confluence,
        2 => &mut s.project,
        _ => &mut s.space,
    }
}

/// Which probe answered.
#[derive(Debug, Clone, Copy)]
pub enum Probe {
    Tenant,
    Target,
    Repaired,
    SiteJira,
    SiteConfluence,
    SiteProject,
    SiteSpace,
    GwJira,
    GwConfluence,
    ResolvedJira,
    Resources,
}

/// One doctor run's inputs and the answers its probes got.
pub struct Run {
    pub target: Target,
    pub site: Option<String>,
    pub project: Option<String>,
    pub space: Option<String>,
    pub analysis: Analysis,
    pub has_credential: bool,
    pub compare: bool,
    pub ev: Evidence,
    /// Findings already there (offline ones) before the unit runs.
    pub findings: Vec<Finding>,
}

/// What a unit left.
#[derive(Debug, Default)]
pub struct Done {
    pub checks: Vec<Check>,
    pub findings: Vec<Finding>,
    pub inconclusive: Option<String>,
    pub account_id: Option<String>,
}

impl Done {
    pub fn codes(&self) -> Vec<crate::catalogue::Code> {
        self.findings.iter().map(|f| f.rule).collect()
    }
}

impl Run {
    /// A GET of `url` with a Basic credential of a person.
    pub fn new(method: &str, url: &str) -> Run {
        let target = Target::parse(method, url).expect("a valid URL");
        let site = match &target.surface {
            Surface::Site { site } => Some(site.clone()),
            _ => None,
        };
        Run {
            target,
            site,
            project: None,
            space: None,
            analysis: Analysis {
                scheme: "basic".into(),
                user: Some("jane@acme.com".into()),
                user_kind: "person".into(),
                ..Analysis::default()
            },
            has_credential: true,
            compare: false,
            ev: Evidence::default(),
            findings: Vec::new(),
        }
    }

    pub fn site(url: &str) -> Run {
        Run::new("GET", url)
    }

    pub fn url_of(&self, p: Probe) -> String {
        let gw = |id: &str, product: &str, path: &str| {
            format!("https://api.atlassian.com/ex/{product}/{id}{path}")
        };
        let url_id = match &self.target.surface {
            Surface::Gateway(g) => g.cloud_id.clone(),
            _ => CLOUD_ID.to_string(),
        };
        let jira = "/rest/api/3/myself?expand=groups,applicationRoles";
        let conf = "/wiki/rest/api/user/current";
        let project = "/rest/api/3/mypermissions?projectKey=OPS";
        let space = "/wiki/rest/api/space/DOCS";
        match p {
            Probe::Tenant => "https://acme.atlassian.net/_edge/tenant_info".into(),
            Probe::Target => self.target.url.clone(),
            Probe::Repaired | Probe::SiteJira => SITE_JIRA.into(),
            Probe::SiteConfluence => SITE_CONFLUENCE.into(),
            Probe::SiteProject => format!("https://acme.atlassian.net{project}"),
            Probe::SiteSpace => format!("https://acme.atlassian.net{space}"),
            Probe::GwJira => gw(&url_id, "jira", jira),
            Probe::GwConfluence => gw(&url_id, "confluence", conf),
            Probe::ResolvedJira => gw(CLOUD_ID, "jira", jira),
            Probe::Resources => "https://api.atlassian.com/oauth/token/accessible-resources".into(),
        }
    }

    /// Record the answer of probe `p`.
    pub fn answer(
        &mut self,
        p: Probe,
        status: u16,
        headers: &[(&str, &str)],
        body: &str,
    ) -> &mut Run {
        let method = if matches!(p, Probe::Target) {
            self.target.method.clone()
        } else {
            "GET".into()
        };
        let ex = Exchange {
            method,
            url: self.url_of(p),
            authenticated: true,
            status: Some(status),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_string()))
                .collect::<BTreeMap<_, _>>(),
            body: body.chars().take(300).collect(),
            error: None,
            elapsed_ms: 1,
            full_body: body.to_string(),
        };
        let ev = &mut self.ev;
        let place: &mut Option<Exchange> = match p {
            Probe::Tenant => &mut ev.tenant,
            Probe::Target => &mut ev.target,
            Probe::Repaired => &mut ev.repaired,
            Probe::Resources => &mut ev.resources,
            Probe::SiteJira => slot(&mut ev.site, 0),
            Probe::SiteConfluence => slot(&mut ev.site, 1),
            Probe::SiteProject => slot(&mut ev.site, 2),
            Probe::SiteSpace => slot(&mut ev.site, 3),
            Probe::GwJira => slot(&mut ev.gateway_url_id, 0),
            Probe::GwConfluence => slot(&mut ev.gateway_url_id, 1),
            Probe::ResolvedJira => slot(&mut ev.gateway_resolved, 0),
        };
        if matches!(p, Probe::Tenant) && status == 200 {
            ev.tenant_cloud_id = crate::doctor::classify::tenant_cloud_id(&ex);
        }
        *place = Some(ex);
        self
    }

    /// Probe `p` got no answer (a timeout, a refused connection).
    pub fn no_answer(&mut self, p: Probe, error: &str) -> &mut Run {
        self.answer(p, 0, &[], "");
        let ex = match p {
            Probe::SiteJira => &mut self.ev.site.jira,
            Probe::SiteConfluence => &mut self.ev.site.confluence,
            Probe::GwJira => &mut self.ev.gateway_url_id.jira,
            Probe::GwConfluence => &mut self.ev.gateway_url_id.confluence,
            Probe::Target => &mut self.ev.target,
            _ => unreachable!("no_answer is for identity probes and the request"),
        };
        let ex = ex.as_mut().expect("just answered");
        ex.status = None;
        ex.error = Some(error.to_string());
        self
    }

    /// Jira's `myself` accepting the credential on the site.
    pub fn accepted_on_site(&mut self) -> &mut Run {
        self.answer(Probe::SiteJira, 200, &[ACCOUNT], MYSELF)
    }

    fn with<T>(&self, f: impl FnOnce(&Cx<'_>, &mut Out<'_>) -> T) -> (Done, T) {
        let ctx = Context {
            target: &self.target,
            site: self.site.as_deref(),
            project: self.project.as_deref(),
            space: self.space.as_deref(),
            analysis: &self.analysis,
            operation: None,
            has_credential: self.has_credential,
            compare: self.compare,
            service_accounts: &[],
        };
        let cx = Cx::new(&ctx, &self.ev);
        let mut done = Done {
            findings: self.findings.clone(),
            ..Done::default()
        };
        let mut out = Out {
            checks: &mut done.checks,
            findings: &mut done.findings,
            inconclusive: &mut done.inconclusive,
            account_id: &mut done.account_id,
        };
        let said = f(&cx, &mut out);
        (done, said)
    }

    /// Run one unit.
    pub fn unit(&self, unit: fn(&Cx<'_>, &mut Out<'_>) -> Option<Said>) -> (Done, Option<Said>) {
        self.with(unit)
    }

    /// Run the whole checklist.
    pub fn checklist(&self) -> (Done, Vec<Step>) {
        self.with(super::run)
    }
}
