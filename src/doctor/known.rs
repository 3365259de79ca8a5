//! What can be known offline is said offline (issue 13, part 4).
//!
//! - Service-account credentials are always scoped (API tokens) or OAuth access tokens, and
//!   neither ever works on `https://SITE.atlassian.net` (facts sheet §1.2): a
//!   `...@serviceaccount.atlassian.com` user, an OAuth access token (a JWT sent as Bearer) or
//!   OAuth client credentials aimed at a site URL is AT201 as an error, before any probe.
//! - A cloud ID listed in the lint configuration's `org-ids` is an organization ID (AT204).
use super::credential::Analysis;
use super::report::{Check, Finding, Status};
use super::request::{Surface, Target};
use crate::account::{self, User};
use crate::catalogue::Code;
use crate::catalogue::Severity;
use crate::surface::{self, Product};
use crate::token::TokenKind;

/// The always-scoped credential, in words, if this is one.
fn scoped_kind(a: &Analysis, client_credentials: bool) -> Option<String> {
    if client_credentials {
        return Some("an OAuth 2.0 access token (from client credentials)".to_string());
    }
    if a.scheme == "bearer" && a.kind == Some(TokenKind::Jwt) {
        return Some("an OAuth access token (a JWT sent as Bearer)".to_string());
    }
    let user = a.user.as_deref()?;
    // Only the real service-account domain: `service-accounts` in the configuration marks
    // dedicated accounts, which may hold unscoped tokens.
    (account::classify_user(user, &[]) == User::ServiceAccount)
        .then(|| format!("the service account {user}'s API token"))
}

/// Check `scoped-on-site`: an always-scoped credential aimed at a site URL.
pub fn scoped_credential_on_site(
    t: &Target,
    a: &Analysis,
    client_credentials: bool,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) {
    let Surface::Site { site } = &t.surface else {
        return;
    };
    let Some(kind) = scoped_kind(a, client_credentials) else {
        return;
    };
    let product = t.product().unwrap_or(Product::Jira);
    let fixed = surface::gateway_url_for_site_path(&t.path, Some(product), None);
    checks.push(Check::new(
        "scoped-on-site",
        Status::Fail,
        "Credential kind fits the URL",
        format!(
            "{kind} is always scoped, and scoped credentials never work on {site}.atlassian.net (known without sending anything)"
        ),
    ));
    findings.push(
        Finding::new(
            Code::AT201,
            format!(
                "{kind} is sent to {site}.atlassian.net: service-account and OAuth credentials are always scoped, and scoped credentials only work through {}",
                surface::gateway_template(product)
            ),
            format!(
                "use {fixed} (the cloud ID: curl https://{site}.atlassian.net/_edge/tenant_info)"
            ),
        )
        .severity(Severity::Error),
    );
}

/// Check: the gateway cloud ID is one of the configuration's `org-ids`.
pub fn org_id_from_config(
    t: &Target,
    org_ids: &[String],
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) {
    let Surface::Gateway(g) = &t.surface else {
        return;
    };
    // Lint's judgement and words (surface::org_id_problem).
    let Some(p) = surface::org_id_problem(
        g.product.as_str(),
        &g.cloud_id,
        org_ids,
        surface::ORG_ID_FROM_CONFIG,
    ) else {
        return;
    };
    checks.push(Check::new(
        "org-id",
        Status::Fail,
        "Cloud ID is not an organization ID",
        format!("{} is listed in `org-ids` of the configuration", g.cloud_id),
    ));
    findings.push(Finding::new(p.rule, p.message, p.fix));
}
