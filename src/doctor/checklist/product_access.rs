//! Product access: an account the credential authenticates as may still have no access to
//! Jira or Confluence on the site (AT402). Confluence says so (403 `caller cannot access
//! Confluence`); what Jira answers is not documented (facts sheet §9.9), so Jira refusing a
//! credential Confluence accepts, or an empty list of application roles, stands for it.
use super::token_state::{State, answer, state};
use super::{Cx, Out, Said};
use crate::catalogue::Code;
use crate::doctor::classify::{Answer, Identity};
use crate::doctor::http::Exchange;
use crate::doctor::live::SurfaceProbes;
use crate::doctor::report::{Check, Finding, Status};
use crate::surface::Product;

/// How to grant `product` on the site.
pub fn fix(product: Product, site: Option<&str>) -> String {
    let p = match product {
        Product::Jira => "Jira",
        Product::Confluence => "Confluence",
    };
    let s = site.map_or("the site".to_string(), |s| format!("{s}.atlassian.net"));
    format!(
        "grant {p} access on {s}: admin.atlassian.com > Directory > Users (or Service accounts) > the account > Product access, or add it to the product's default access group"
    )
}

/// AT402 for Confluence: 403 `caller cannot access Confluence`.
pub fn no_confluence(cx: &Cx<'_>, message: &str) -> Finding {
    Finding::new(Code::AT402, message, fix(Product::Confluence, cx.ctx.site))
}

/// AT402 for Jira.
pub fn no_jira(cx: &Cx<'_>, message: impl Into<String>) -> Finding {
    Finding::new(Code::AT402, message, fix(Product::Jira, cx.ctx.site))
}

pub const CONFLUENCE_DENIED: &str =
    "the account has no access to Confluence on this site: 403 `caller cannot access Confluence`";

pub fn run(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<Said> {
    let before = out.findings.len();
    refused_by_both(cx, out);
    let roles = for_product(cx, out);
    let because = (out.findings[before..].first())
        .map(|f| f.message.clone())
        .or(roles)?;
    let probes = cx.surface_probes();
    Some(Said::from(
        [&probes.jira, &probes.confluence].into_iter().flatten(),
        because,
    ))
}

/// Authenticated, but both products refuse the account.
fn refused_by_both(cx: &Cx<'_>, out: &mut Out<'_>) {
    if *cx.url_state() != State::NoAccess || out.has(Code::AT402) {
        return;
    }
    let jira = (cx.surface_probes().jira.as_ref()).or(cx.ev.gateway_resolved.jira.as_ref());
    out.findings.push(Finding::new(
        Code::AT402,
        format!(
            "the credential is accepted, but Jira refuses the account ({}) and Confluence does too: it has no product access on this site",
            jira.map_or(String::new(), Exchange::summary)
        ),
        fix(cx.product, cx.ctx.site),
    ));
}

fn identity_of(p: &SurfaceProbes) -> Option<Identity> {
    match state(p) {
        State::Accepted(i) => Some(i),
        _ => None,
    }
}

/// Product access for the request's product, on the surface the credential works on; the
/// application roles when nothing else shows. Returns the roles check's detail.
fn for_product(cx: &Cx<'_>, out: &mut Out<'_>) -> Option<String> {
    let probes = cx.surface_probes();
    let resolved = &cx.ev.gateway_resolved;
    let idn = identity_of(probes).or_else(|| identity_of(resolved))?;
    let conf = answer(&probes.confluence).or(answer(&resolved.confluence));
    if cx.product == Product::Confluence
        && conf == Some(Answer::ConfluenceDenied)
        && !out.has(Code::AT402)
    {
        out.findings.push(no_confluence(cx, "the account is authenticated (Jira accepts it) but has no access to Confluence: 403 `caller cannot access Confluence`"));
    }
    if cx.product != Product::Jira || out.has(Code::AT402) {
        return None;
    }
    let jira = answer(&probes.jira);
    if matches!(jira, Some(Answer::Unauthenticated | Answer::Forbidden))
        && answer(&probes.confluence) == Some(Answer::Ok)
    {
        // Confluence accepting the same credential rules out a dead one.
        let seen = probes
            .jira
            .as_ref()
            .map_or(String::new(), Exchange::summary);
        out.findings.push(no_jira(cx, format!("Confluence accepts the credential but Jira refuses it ({seen}): the account has no Jira access on this site")));
        return None;
    }
    if !(idn.application_roles.as_ref().is_some_and(Vec::is_empty) && jira == Some(Answer::Ok)) {
        return None;
    }
    let detail = "myself lists no Jira application role";
    out.checks.push(Check::new(
        "product-access",
        Status::Warn,
        "Product access",
        detail,
    ));
    let target_refused = matches!(
        cx.target_answer,
        Some(Answer::Forbidden | Answer::NotFound | Answer::Unauthenticated)
    );
    if target_refused {
        out.findings.push(no_jira(cx, "the account has no Jira application role (myself?expand=applicationRoles is empty) and the request is refused: no Jira product access"));
    }
    Some(detail.to_string())
}

#[cfg(test)]
#[allow(clippy::type_complexity)] // table rows: (answer..., expected)
mod tests {
    use super::super::fixture::{ACCOUNT, MYSELF, NO_CONFLUENCE, Probe, Run, UNAUTHENTICATED};
    use crate::catalogue::Code;

    const CONF_USER: &str =
        r#"{"type":"known","accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian"}"#;
    const NO_ROLES: &str = r#"{"accountId":"5b10ac8d82e05b22cc7d4ef5","accountType":"atlassian","applicationRoles":{"size":0,"items":[]}}"#;
    const JIRA_403: &str = r#"{"errorMessages":["You do not have access to Jira"],"errors":{}}"#;

    type Answer<'a> = (u16, &'a [(&'a str, &'a str)], &'a str);

    /// (URL, Jira identity, Confluence identity, the request's answer) → rule.
    #[test]
    fn answers() {
        let ok: Answer = (200, &[ACCOUNT], MYSELF);
        let conf_ok: Answer = (200, &[], CONF_USER);
        let denied: Answer = (403, &[], NO_CONFLUENCE);
        let refused: Answer = (401, &[], UNAUTHENTICATED);
        let no_roles: Answer = (200, &[ACCOUNT], NO_ROLES);
        let jira_403: Answer = (403, &[], JIRA_403);
        let not_found: Answer = (
            404,
            &[],
            r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#,
        );
        let page = "https://acme.atlassian.net/wiki/rest/api/content/123";
        let issue = "https://acme.atlassian.net/rest/api/3/issue/OPS-1";
        let table: &[(&str, Answer, Answer, Answer, Option<Code>)] = &[
            (page, ok, denied, denied, Some(Code::AT402)),
            (page, ok, conf_ok, denied, None),
            (issue, refused, conf_ok, refused, Some(Code::AT402)),
            (issue, no_roles, conf_ok, not_found, Some(Code::AT402)),
            (issue, no_roles, conf_ok, ok, None),
            // Jira's own 403 shape with Confluence refusing too: no product access at all.
            (issue, jira_403, denied, jira_403, Some(Code::AT402)),
            (issue, refused, refused, refused, None),
        ];
        for (url, jira, conf, target, want) in table {
            let mut run = Run::site(url);
            run.answer(Probe::SiteJira, jira.0, jira.1, jira.2)
                .answer(Probe::SiteConfluence, conf.0, conf.1, conf.2)
                .answer(Probe::Target, target.0, target.1, target.2);
            let (out, said) = run.unit(super::run);
            assert_eq!(
                out.codes().first().copied(),
                *want,
                "{url} {jira:?} {conf:?} {target:?}"
            );
            assert_eq!(said.is_some(), want.is_some() || out.checks.len() == 1);
        }
    }
}
