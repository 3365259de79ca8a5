//! The doctor's checklist as named units: each item of Atlassian's troubleshooting checklist
//! (rate limits, endpoint form, cloud ID, credential form, token state, scopes, product
//! access, project and space permissions) is a small unit that reads the live evidence, adds
//! its checks and findings, and says what it probed and how it concluded (a [`Step`] of the
//! trail `doctor -v` prints). [`CHECKLIST`] is the list, in the order the report shows it;
//! choosing the root cause among the findings is [`rank`].
//!
//! The offline items (the URL's form, the credential's form) run before the probes, in
//! `offline`, `known`, `bearer` and `gone`; these units judge what the probes saw.
pub mod cloud_id;
pub mod credential_form;
pub mod endpoint_form;
pub mod lockout;
pub mod permissions;
pub mod product_access;
pub mod rank;
pub mod rate_limit;
pub mod scopes;
pub mod target;
pub mod token_state;

#[cfg(test)]
pub(crate) mod fixture;

use super::classify::{self, Answer};
use super::http::Exchange;
use super::live::{Evidence, SurfaceProbes};
use super::report::{Check, Finding};
use super::request::Surface;
use super::verdict::Context;
use crate::catalogue::{Code, Severity};
use crate::surface::{self as url_surface, Product};
use token_state::State;

/// One item of the checklist.
pub struct Unit {
    /// What the item checks, in words (`rate limit`, `cloud ID of the site`).
    pub name: &'static str,
    /// Reads the evidence, adds checks and findings; says what it probed and concluded, or
    /// `None` when it does not apply to this run.
    pub run: fn(&Cx<'_>, &mut Out<'_>) -> Option<Said>,
}

/// Atlassian's troubleshooting checklist, in the order the report lists what it finds.
/// Rate limits and CAPTCHA come first: where they show, they explain everything else.
pub const CHECKLIST: &[Unit] = &[
    Unit {
        name: "rate limit",
        run: rate_limit::run,
    },
    Unit {
        name: "CAPTCHA lockout",
        run: lockout::run,
    },
    Unit {
        name: "cloud ID of the site",
        run: cloud_id::of_site,
    },
    Unit {
        name: "credential on each surface",
        run: token_state::identity,
    },
    Unit {
        name: "credential refused everywhere",
        run: token_state::refused,
    },
    Unit {
        name: "credential form, once accepted",
        run: credential_form::accepted_anyway,
    },
    Unit {
        name: "endpoint: site URL or gateway",
        run: endpoint_form::site_or_gateway,
    },
    Unit {
        name: "cloud ID on the gateway",
        run: cloud_id::on_gateway,
    },
    Unit {
        name: "probes answered",
        run: token_state::silent,
    },
    Unit {
        name: "site access",
        run: site_access,
    },
    Unit {
        name: "the request itself",
        run: target::run,
    },
    Unit {
        name: "product access",
        run: product_access::run,
    },
    Unit {
        name: "credentials compared",
        run: compared,
    },
];

/// What a unit probed and how it concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// The requests and answers it read (`GET https://… → 401`), or the offline fact.
    pub probed: Vec<String>,
    /// The conclusion, in one line.
    pub because: String,
}

impl Said {
    pub fn new(probed: impl IntoIterator<Item = String>, because: impl Into<String>) -> Said {
        Said {
            probed: probed.into_iter().collect(),
            because: crate::secret::redact_message(&because.into()),
        }
    }

    /// Concluded from these answers.
    pub fn from<'e>(
        answers: impl IntoIterator<Item = &'e Exchange>,
        because: impl Into<String>,
    ) -> Said {
        Said::new(answers.into_iter().map(Exchange::summary), because)
    }
}

/// One line of the trail: a unit that applied, what it probed, how it concluded and the
/// findings it added or changed (a fix with the resolved cloud ID, a lowered severity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub unit: &'static str,
    pub probed: Vec<String>,
    pub because: String,
    pub found: Vec<Code>,
}

/// What every unit reads: the run's context, the evidence and what it says about the
/// credential on each surface.
pub struct Cx<'a> {
    pub ctx: &'a Context<'a>,
    pub ev: &'a Evidence,
    /// Every answer the probes got (rate limits and CAPTCHA are looked for in all of them).
    pub all: Vec<&'a Exchange>,
    /// The cloud ID in a gateway URL.
    pub url_cloud_id: Option<&'a str>,
    /// The request's product (Jira when the URL does not say).
    pub product: Product,
    pub site_state: State,
    pub gw_url_state: State,
    pub gw_res_state: State,
    pub target_answer: Option<Answer>,
}

/// How the credential stands across the surfaces probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Refused wherever it was tried (and accepted nowhere).
    Refused,
    /// Accepted (or authenticated) on at least one surface.
    Valid,
    /// Neither: nothing probed, no answer, or unclear answers.
    Other,
}

impl<'a> Cx<'a> {
    pub fn new(ctx: &'a Context<'a>, ev: &'a Evidence) -> Cx<'a> {
        let all = [&ev.tenant, &ev.target, &ev.repaired]
            .into_iter()
            .chain(
                [&ev.site, &ev.gateway_url_id, &ev.gateway_resolved]
                    .into_iter()
                    .flat_map(|p| [&p.jira, &p.confluence, &p.project, &p.space]),
            )
            .filter_map(Option::as_ref)
            .collect();
        let url_cloud_id = ctx.target.surface.cloud_id();
        Cx {
            ctx,
            ev,
            all,
            url_cloud_id,
            product: ctx.target.product().unwrap_or(Product::Jira),
            site_state: token_state::state(&ev.site),
            gw_url_state: token_state::state(&ev.gateway_url_id),
            gw_res_state: token_state::state(&ev.gateway_resolved),
            target_answer: ev.target.as_ref().map(classify::classify),
        }
    }

    /// The site name of a site URL.
    pub fn site_url(&self) -> Option<&'a str> {
        match &self.ctx.target.surface {
            Surface::Site { site } => Some(site.as_str()),
            _ => None,
        }
    }

    pub fn on_gateway(&self) -> bool {
        matches!(self.ctx.target.surface, Surface::Gateway(_))
    }

    /// The request's URL through the gateway with cloud ID `id`.
    pub fn gateway_url(&self, id: &str) -> String {
        let t = self.ctx.target;
        match &t.surface {
            Surface::Site { .. } => {
                url_surface::gateway_url_for_site_path(&t.path, Some(self.product), Some(id))
            }
            Surface::Gateway(g) => g.url_with_cloud_id(id, &t.path),
            _ => t.url.clone(),
        }
    }

    pub fn states(&self) -> [&State; 3] {
        [&self.site_state, &self.gw_url_state, &self.gw_res_state]
    }

    /// The surfaces that were probed.
    pub fn probed(&self) -> Vec<&State> {
        self.states()
            .into_iter()
            .filter(|s| !matches!(s, State::NotProbed))
            .collect()
    }

    pub fn standing(&self) -> Standing {
        let probed = self.probed();
        if self.states().iter().any(|s| s.valid()) {
            Standing::Valid
        } else if self.ctx.has_credential
            && probed.iter().any(|s| s.refused())
            && probed
                .iter()
                .all(|s| s.refused() || matches!(s, State::UnknownCloud | State::Unclear))
        {
            Standing::Refused
        } else {
            Standing::Other
        }
    }

    /// The identity probes on the request's own surface.
    pub fn surface_probes(&self) -> &'a SurfaceProbes {
        match &self.ctx.target.surface {
            Surface::Site { .. } => &self.ev.site,
            _ => &self.ev.gateway_url_id,
        }
    }

    /// How the credential fares on the request's own surface.
    pub fn url_state(&self) -> &State {
        match &self.ctx.target.surface {
            Surface::Site { .. } => &self.site_state,
            _ if self.gw_url_state != State::NotProbed => &self.gw_url_state,
            _ => &self.gw_res_state,
        }
    }

    /// The credential works where the request was sent.
    pub fn target_on_valid_surface(&self) -> bool {
        match &self.ctx.target.surface {
            Surface::Site { .. } => self.site_state.valid(),
            Surface::Gateway(g) => {
                self.gw_url_state.valid()
                    || self
                        .ev
                        .tenant_cloud_id
                        .as_deref()
                        .is_some_and(|r| r.eq_ignore_ascii_case(&g.cloud_id))
                        && self.gw_res_state.valid()
            }
            _ => false,
        }
    }
}

/// Where units write: the run's checks and findings, and what decides the verdict.
pub struct Out<'a> {
    pub checks: &'a mut Vec<Check>,
    pub findings: &'a mut Vec<Finding>,
    /// Why the result is inconclusive, once a unit says so.
    pub inconclusive: &'a mut Option<String>,
    /// The account ID the identity probes confirmed.
    pub account_id: &'a mut Option<String>,
}

impl Out<'_> {
    /// A finding of this rule is already there.
    pub fn has(&self, code: Code) -> bool {
        self.findings.iter().any(|f| f.rule == code)
    }

    /// An error-level finding is already there.
    pub fn has_error(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// Run every unit of [`CHECKLIST`] in order; the trail of those that applied.
pub fn run(cx: &Cx<'_>, out: &mut Out<'_>) -> Vec<Step> {
    let mut trail = Vec::new();
    for unit in CHECKLIST {
        let before: Vec<String> = out.findings.iter().map(fingerprint).collect();
        if let Some(said) = (unit.run)(cx, out) {
            let found = (out.findings.iter().enumerate())
                .filter(|(i, f)| before.get(*i) != Some(&fingerprint(f)))
                .map(|(_, f)| f.rule)
                .collect();
            trail.push(Step {
                unit: unit.name,
                probed: said.probed,
                because: said.because,
                found,
            });
        }
    }
    trail
}

/// What a unit may change in a finding.
fn fingerprint(f: &Finding) -> String {
    format!("{} {} {} {}", f.rule, f.severity, f.message, f.fix)
}

/// `accessible-resources`: is the URL's cloud ID among the sites the credential reaches?
fn site_access(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let ex = cx.ev.resources.as_ref()?;
    let before = (out.checks.len(), out.findings.len());
    super::resources::accessible_resources(
        cx.ev,
        cx.url_cloud_id,
        &|id| cx.gateway_url(id),
        out.checks,
        out.findings,
    );
    let because = match (out.findings.len() > before.1, out.checks.get(before.0)) {
        (true, _) => "the URL's cloud ID is not among the sites the credential reaches".to_string(),
        (false, Some(c)) => c.detail.clone(),
        (false, None) => "nothing to compare".to_string(),
    };
    Some(Said::from([ex], because))
}

/// `--compare`: the second credential on the same probes.
fn compared(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    if !cx.ctx.compare {
        return None;
    }
    let before = out.checks.len();
    super::compare::compare_check(cx.ev, out.checks);
    let because = out
        .checks
        .get(before)
        .map_or("no comparison", |c| c.detail.as_str())
        .to_string();
    Some(Said::from(&token_state::evidence(&cx.ev.compare), because))
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::fixture::{ACCOUNT, CLOUD_ID, MYSELF, Probe, Run, UNAUTHENTICATED};
    use crate::catalogue::Code;

    /// A service account's token sent to the site URL: refused there, accepted through the
    /// gateway with the site's cloud ID (the README's example). The trail names each unit that
    /// applied, in checklist order, with what it found.
    #[test]
    fn the_trail_follows_the_checklist() {
        let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.answer(
            Probe::Tenant,
            200,
            &[],
            &format!(r#"{{"cloudId":"{CLOUD_ID}"}}"#),
        )
        .answer(Probe::SiteJira, 401, &[], UNAUTHENTICATED)
        .answer(Probe::ResolvedJira, 200, &[ACCOUNT], MYSELF)
        .answer(Probe::Target, 401, &[], UNAUTHENTICATED);
        let (out, trail) = run.checklist();
        let units: Vec<&str> = trail.iter().map(|s| s.unit).collect();
        assert_eq!(
            units,
            [
                "cloud ID of the site",
                "credential on each surface",
                "endpoint: site URL or gateway",
                "the request itself",
            ]
        );
        assert_eq!(trail[2].found, [Code::AT201]);
        assert_eq!(
            trail[0].probed,
            ["GET https://acme.atlassian.net/_edge/tenant_info → 200"]
        );
        assert!(out.codes().contains(&Code::AT201));
        assert_eq!(
            super::rank::root_cause(&out.findings).map(|f| f.rule),
            Some(Code::AT201)
        );
    }

    /// `accessible-resources` not listing the URL's cloud ID: AT204.
    #[test]
    fn site_access() {
        let other = "0f6b9b3e-1111-4222-8333-444455556666";
        let table: &[(u16, String, Option<Code>)] = &[
            (
                200,
                format!(r#"[{{"id":"{CLOUD_ID}","url":"https://acme.atlassian.net"}}]"#),
                Some(Code::AT204),
            ),
            (
                200,
                format!(r#"[{{"id":"{other}","url":"https://globex.atlassian.net"}}]"#),
                None,
            ),
            (401, String::new(), None),
        ];
        for (status, body, want) in table {
            let mut run = Run::site(&format!(
                "https://api.atlassian.com/ex/jira/{other}/rest/api/3/issue/OPS-1"
            ));
            run.answer(Probe::Resources, *status, &[], body);
            let (out, said) = run.unit(super::site_access);
            assert_eq!(out.codes().first().copied(), *want, "{status} {body}");
            assert!(said.is_some());
        }
    }
}
