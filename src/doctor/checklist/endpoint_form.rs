//! Endpoint form: scoped and service-account tokens work only through the gateway
//! `api.atlassian.com/ex/{product}/{cloudId}`; on the site URL they are refused with 401
//! (facts sheet §1.2, §3.8). A credential refused on the site but accepted through the gateway
//! proves it (AT201, an error); when AT201 was known offline, the live answer adds the fix
//! with the resolved cloud ID.
use super::{Cx, Out, Said, Standing};
use crate::catalogue::{Code, Severity};
use crate::doctor::report::Finding;
use crate::surface;

pub fn site_or_gateway(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let site = cx.site_url()?;
    if cx.standing() != Standing::Valid
        || !cx.site_state.refused()
        || !(cx.gw_res_state.valid() || cx.gw_url_state.valid())
    {
        return None;
    }
    let fixed = cx.ev.tenant_cloud_id.as_deref().map_or_else(
        || surface::gateway_url_for_site_path(&cx.ctx.target.path, Some(cx.product), None),
        |id| cx.gateway_url(id),
    );
    match out.findings.iter_mut().find(|f| f.rule == Code::AT201) {
        // Known offline (a service account, an access token): the live answer adds the cloud ID.
        Some(f) => f.fix = format!("use {fixed}"),
        None => out.findings.push(Finding::new(
            Code::AT201,
            format!("the credential is refused on {site}.atlassian.net but accepted through the API gateway: a scoped or service-account token only works at {}", surface::gateway_template(cx.product)),
            format!("use {fixed}"),
        ).severity(Severity::Error)),
    }
    let probes = [&cx.ev.site, &cx.ev.gateway_url_id, &cx.ev.gateway_resolved];
    Some(Said::new(
        probes
            .iter()
            .flat_map(|p| super::token_state::evidence(p))
            .map(|e| e.summary()),
        format!("refused on {site}.atlassian.net, accepted through the gateway: use {fixed}"),
    ))
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{ACCOUNT, CLOUD_ID, MYSELF, Probe, Run, UNAUTHENTICATED};
    use crate::catalogue::{Code, Severity};

    /// (site identity answer, gateway identity answer) → AT201 or nothing.
    #[test]
    fn answers() {
        let ok: (u16, &[(&str, &str)], &str) = (200, &[ACCOUNT], MYSELF);
        let refused: (u16, &[(&str, &str)], &str) = (401, &[], UNAUTHENTICATED);
        let table = [
            (refused, ok, Some(Code::AT201)),
            (ok, ok, None),
            (refused, refused, None),
            (ok, refused, None),
        ];
        for (site, gw, want) in table {
            let mut run = Run::site("https://acme.atlassian.net/rest/api/3/issue/OPS-1");
            run.answer(
                Probe::Tenant,
                200,
                &[],
                &format!(r#"{{"cloudId":"{CLOUD_ID}"}}"#),
            )
            .answer(Probe::SiteJira, site.0, site.1, site.2)
            .answer(Probe::ResolvedJira, gw.0, gw.1, gw.2);
            let (out, _) = run.unit(super::site_or_gateway);
            assert_eq!(out.codes().first().copied(), want, "{site:?} {gw:?}");
            if want.is_some() {
                let f = &out.findings[0];
                assert_eq!(f.severity, Severity::Error);
                assert_eq!(
                    f.fix,
                    format!(
                        "use https://api.atlassian.com/ex/jira/{CLOUD_ID}/rest/api/3/issue/OPS-1"
                    )
                );
            }
        }
    }
}
