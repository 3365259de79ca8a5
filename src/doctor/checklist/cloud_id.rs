//! Cloud ID: the gateway routes `/ex/{product}/{cloudId}` by the site's cloud ID, which
//! `https://SITE.atlassian.net/_edge/tenant_info` names. An organization ID, or another site's
//! cloud ID, is not it (AT204); a site whose `tenant_info` answers 404 and that answers nothing
//! else is not an Atlassian Cloud site (AT206).
use super::token_state::State;
use super::{Cx, Out, Said, Standing};
use crate::catalogue::Code;
use crate::doctor::http::Exchange;
use crate::doctor::report::{Check, Finding, Status};
use crate::surface;

/// `_edge/tenant_info` of the site against the URL's cloud ID.
pub fn of_site(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let (Some(site), Some(tenant)) = (cx.ctx.site, &cx.ev.tenant) else {
        return None;
    };
    let because = match (&cx.ev.tenant_cloud_id, tenant.status) {
        (Some(id), _) => resolved(cx, out, site, id, tenant),
        (None, Some(404)) => not_a_site(cx, out, site, tenant),
        (None, _) => {
            let detail = format!("could not read the cloud ID: {}", tenant.summary());
            out.checks.push(
                Check::new("cloud-id", Status::Error, "Cloud ID", detail.clone())
                    .with([tenant.clone()]),
            );
            detail
        }
    };
    Some(Said::from([tenant], because))
}

fn resolved(cx: &Cx<'_>, out: &mut Out<'_>, site: &str, id: &str, tenant: &Exchange) -> String {
    let url_id = cx.url_cloud_id;
    let same = url_id.is_none_or(|u| u.eq_ignore_ascii_case(id));
    let detail = format!(
        "{site}.atlassian.net has cloud ID {id}{}",
        url_id
            .filter(|_| !same)
            .map(|u| format!("; the URL uses {u}"))
            .unwrap_or_default()
    );
    let status = if same { Status::Pass } else { Status::Fail };
    out.checks
        .push(Check::new("cloud-id", status, "Cloud ID", detail.clone()).with([tenant.clone()]));
    if let Some(u) = url_id.filter(|u| !same && surface::is_uuid(u) && !out.has(Code::AT204)) {
        out.findings.push(Finding::new(
            Code::AT204,
            format!("the URL's cloud ID {u} is not {site}.atlassian.net's cloud ID {id} (an organization ID, or another site's)"),
            format!("use {}", cx.gateway_url(id)),
        ));
    }
    detail
}

fn not_a_site(cx: &Cx<'_>, out: &mut Out<'_>, site: &str, tenant: &Exchange) -> String {
    let detail = format!("{site}.atlassian.net answered 404 for _edge/tenant_info");
    out.checks.push(
        Check::new("cloud-id", Status::Fail, "Cloud ID", detail.clone()).with([tenant.clone()]),
    );
    // Only a site that answers nothing else is missing; one that answers identity probes
    // exists, whatever tenant_info said.
    let site_answers = [&cx.ev.site.jira, &cx.ev.site.confluence].iter().any(|e| {
        e.as_ref()
            .is_some_and(|e| matches!(e.status, Some(s) if s != 404))
    });
    if site_answers {
        return format!("{detail}, but the site answers its identity probes");
    }
    out.findings.push(Finding::new(
        Code::AT206,
        format!(
            "{site}.atlassian.net is not an Atlassian Cloud site (_edge/tenant_info answered 404)"
        ),
        "check the site name in the URL or --site",
    ));
    detail
}

/// The gateway refuses the URL's cloud ID: a credential that works elsewhere is refused (or
/// answered 404) with it, or the identity probes answer 404 for it.
pub fn on_gateway(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    if out.has(Code::AT203) {
        return None;
    }
    let id = cx.url_cloud_id.unwrap_or_default();
    let ev = cx.ev;
    let finding = match cx.standing() {
        Standing::Valid => {
            let tenant_agrees = ev
                .tenant_cloud_id
                .as_deref()
                .is_some_and(|a| a.eq_ignore_ascii_case(id));
            if !cx.on_gateway()
                || !matches!(cx.gw_url_state, State::UnknownCloud | State::Rejected)
                || tenant_agrees
                || out.has(Code::AT204)
            {
                return None;
            }
            let fix = ev.tenant_cloud_id.as_deref().map_or("pass --site SITE so atlcheck can resolve the right cloud ID (curl https://SITE.atlassian.net/_edge/tenant_info)".to_string(), |good| format!("use {}", cx.gateway_url(good)));
            Finding::new(
                Code::AT204,
                format!(
                    "the gateway does not accept cloud ID {id} for this credential: it is not the site's cloud ID (an organization ID?)"
                ),
                fix,
            )
        }
        // A credential of the wrong form (a Bearer API token, a client secret) can also be
        // answered 404 by the gateway; its own finding explains the failure.
        Standing::Other
            if cx.gw_url_state == State::UnknownCloud
                && !(cx.ctx.analysis.problems.iter())
                    .any(|p| matches!(p.0, Code::AT303 | Code::AT104 | Code::AT304)) =>
        {
            Finding::new(
                Code::AT204,
                format!(
                    "the gateway answered 404 for cloud ID {id}: it is not a site's cloud ID (an organization ID?)"
                ),
                "use the site's cloud ID: curl https://SITE.atlassian.net/_edge/tenant_info (or pass --site SITE)",
            )
        }
        _ => return None,
    };
    let because = finding.message.clone();
    out.findings.push(finding);
    Some(Said::from(
        &super::token_state::evidence(&ev.gateway_url_id),
        because,
    ))
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{self, ACCOUNT, CLOUD_ID, MYSELF, Probe, Run};
    use crate::catalogue::Code;

    const ORG_ID: &str = "5a1b2c3d-0000-4000-8000-00000000abcd";

    /// `_edge/tenant_info` (status, body) for a gateway URL with an organization ID → rule.
    #[test]
    fn tenant_info_answers() {
        let cloud = format!(r#"{{"cloudId":"{CLOUD_ID}"}}"#);
        let org = format!(r#"{{"cloudId":"{ORG_ID}"}}"#);
        let table: &[(u16, &str, Option<Code>)] = &[
            (200, &cloud, Some(Code::AT204)),
            (200, &org, None),
            (404, "", Some(Code::AT206)),
            (500, "", None),
        ];
        for (status, body, want) in table {
            let mut run = Run::site(&format!(
                "https://api.atlassian.com/ex/jira/{ORG_ID}/rest/api/3/issue/OPS-1"
            ));
            run.site = Some("acme".into());
            run.answer(Probe::Tenant, *status, &[], body);
            let (out, said) = run.unit(super::of_site);
            assert_eq!(out.codes().first().copied(), *want, "{status} {body}");
            assert_eq!(out.checks.len(), 1);
            assert!(said.is_some());
        }
    }

    #[test]
    fn a_site_that_answers_identity_probes_exists() {
        let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
        run.answer(Probe::Tenant, 404, &[], "").answer(
            Probe::SiteJira,
            401,
            &[],
            fixture::UNAUTHENTICATED,
        );
        let (out, said) = run.unit(super::of_site);
        assert!(out.findings.is_empty());
        assert!(
            said.unwrap()
                .because
                .contains("answers its identity probes")
        );
    }

    /// The gateway's identity answers with the URL's cloud ID, the credential accepted on the
    /// site → rule.
    #[test]
    fn gateway_answers() {
        let table: &[(u16, &str, Option<Code>)] = &[
            (404, "", Some(Code::AT204)),
            (
                401,
                r#"{"code":401,"message":"Unauthorized"}"#,
                Some(Code::AT204),
            ),
            (200, MYSELF, None),
            // Scope mismatch: the cloud ID routed, the token lacks the probe's scope.
            (401, fixture::SCOPE_MISMATCH, None),
        ];
        for (status, body, want) in table {
            let mut run = Run::site(&format!(
                "https://api.atlassian.com/ex/jira/{ORG_ID}/rest/api/3/issue/OPS-1"
            ));
            run.accepted_on_site();
            let headers: &[(&str, &str)] = if *status == 200 { &[ACCOUNT] } else { &[] };
            run.answer(Probe::GwJira, *status, headers, body).answer(
                Probe::GwConfluence,
                *status,
                headers,
                body,
            );
            let (out, _) = run.unit(super::on_gateway);
            assert_eq!(out.codes().first().copied(), *want, "{status} {body}");
        }
    }

    #[test]
    fn unknown_cloud_without_an_accepting_surface() {
        let mut run = Run::site(&format!(
            "https://api.atlassian.com/ex/jira/{ORG_ID}/rest/api/3/issue/OPS-1"
        ));
        run.answer(Probe::GwJira, 404, &[], "")
            .answer(Probe::GwConfluence, 404, &[], "");
        let (out, said) = run.unit(super::on_gateway);
        assert_eq!(out.codes(), [Code::AT204]);
        assert!(said.unwrap().because.contains("answered 404"));
        // A Bearer API token (AT303) explains the 404 itself.
        run.analysis
            .problems
            .push((Code::AT303, String::new(), String::new()));
        assert!(run.unit(super::on_gateway).0.findings.is_empty());
    }
}
