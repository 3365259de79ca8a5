//! Checks that need no network: the URL and the credential's form.
use super::credential::Analysis;
use super::report::{Check, Finding, Status};
use super::request::{Surface, Target};
use crate::catalogue::Code;
use crate::catalogue::Severity;
use crate::scopes;

/// Hosts under atlassian.com that are real but are not REST API hosts for Jira/Confluence.
const ATLASSIAN_COM_HOSTS: &[&str] = &[
    "api",
    "auth",
    "admin",
    "id",
    "developer",
    "support",
    "community",
    "jira",
    "confluence",
    "status",
    "www",
    "mcp",
    "api.media",
    "start",
];

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A near miss of an Atlassian host, with the host that was meant.
pub fn mistyped_host(host: &str) -> Option<String> {
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return None;
    }
    let domain = labels[labels.len() - 2..].join(".");
    let sub = labels[..labels.len() - 2].join(".");
    for real in ["atlassian.net", "atlassian.com"] {
        let d = edit_distance(&domain, real);
        if (1..=2).contains(&d) {
            return Some(if sub.is_empty() {
                real.to_string()
            } else {
                format!("{sub}.{real}")
            });
        }
    }
    if domain == "atlassian.net" && sub == "api" {
        return Some("api.atlassian.com".to_string());
    }
    if domain == "atlassian.com" && !sub.is_empty() && !ATLASSIAN_COM_HOSTS.contains(&sub.as_str())
    {
        return Some(format!("{sub}.atlassian.net"));
    }
    None
}

/// The result of the offline URL checks.
pub struct UrlFacts {
    pub operation: Option<scopes::Match>,
}

/// The offline checks of the URL, in checklist order: its shape and host, the scheme, the
/// gateway prefix, the API path.
pub fn check_url(t: &Target, checks: &mut Vec<Check>, findings: &mut Vec<Finding>) -> UrlFacts {
    let mistyped = url_surface(t, checks, findings);
    scheme(t, checks, findings);
    gateway_prefix(t, checks, findings);
    let operation =
        if matches!(t.surface, Surface::Site { .. } | Surface::Gateway(_)) && mistyped.is_none() {
            api_path(t, checks, findings)
        } else {
            None
        };
    UrlFacts { operation }
}

/// Whitespace and a missing scheme in the URL as given.
fn shape_problems(t: &Target) -> Vec<String> {
    let mut problems = Vec::new();
    if t.raw != t.raw.trim() {
        problems.push("the URL has leading or trailing whitespace".to_string());
    }
    if t.raw.trim().contains(char::is_whitespace) {
        problems.push("the URL contains whitespace (encode it as %20)".to_string());
    }
    if !t.raw.contains("://") {
        problems.push("the URL has no scheme; https:// is assumed".to_string());
    }
    problems
}

/// Check `url`: shape and host. Returns the host a mistyped one was meant to be.
fn url_surface(t: &Target, checks: &mut Vec<Check>, findings: &mut Vec<Finding>) -> Option<String> {
    let problems = shape_problems(t);
    let mistyped = mistyped_host(&t.host);
    if let Some(meant) = &mistyped {
        findings.push(Finding::new(
            Code::AT206,
            format!("{} is not an Atlassian host: did you mean {meant}?", t.host),
            format!("use https://{meant}{}", rest_of(t)),
        ));
    }
    if let Surface::Site { .. } = t.surface
        && t.path.starts_with("/jira/rest/")
    {
        findings.push(Finding::new(
            Code::AT206,
            "the site URL has /jira before /rest/",
            format!("remove /jira: https://{}{}", t.host, &t.path[5..]),
        ));
    }
    let whitespace: Vec<&String> = problems
        .iter()
        .filter(|p| !p.contains("no scheme"))
        .collect();
    for p in &whitespace {
        findings.push(Finding::new(
            Code::AT206,
            (*p).clone(),
            "remove the whitespace from the URL".to_string(),
        ));
    }
    let (status, mut detail) = surface_status(t, mistyped.as_deref());
    let status = if whitespace.is_empty() {
        status
    } else {
        Status::Fail
    };
    if !problems.is_empty() {
        detail = format!("{detail}; {}", problems.join("; "));
    }
    checks.push(Check::new("url", status, "URL surface", detail));
    mistyped
}

/// What kind of URL it is.
fn surface_status(t: &Target, mistyped: Option<&str>) -> (Status, String) {
    match (&t.surface, mistyped) {
        (_, Some(m)) => (Status::Fail, format!("{} looks like a typo of {m}", t.host)),
        (Surface::Site { site }, _) => (Status::Pass, format!("site URL: {site}.atlassian.net")),
        (Surface::Gateway(g), _) => (
            Status::Pass,
            format!(
                "gateway URL: product `{}`, cloud ID `{}`",
                g.product, g.cloud_id
            ),
        ),
        (Surface::OtherAtlassian, _)
            if t.host == "auth.atlassian.com"
                && t.path_only().trim_end_matches('/') == "/oauth/token" =>
        {
            (Status::Pass, "the OAuth 2.0 token endpoint".to_string())
        }
        (Surface::OtherAtlassian, _) => (
            Status::Warn,
            format!(
                "{} is an Atlassian host but not a Jira or Confluence REST surface",
                t.host
            ),
        ),
        (Surface::Foreign, _) => (
            Status::Warn,
            format!(
                "{} is not an Atlassian host: atlcheck will not send it a credential",
                t.host
            ),
        ),
    }
}

/// Check `scheme`: https only (AT205).
fn scheme(t: &Target, checks: &mut Vec<Check>, findings: &mut Vec<Finding>) {
    if t.scheme == "https" || t.surface == Surface::Foreign {
        checks.push(Check::new("scheme", Status::Pass, "HTTPS", "https://"));
        return;
    }
    // Lint's judgement and words (surface::insecure_scheme_problem).
    let p = crate::surface::insecure_scheme_problem(&t.scheme, &t.host, &rest_of(t));
    findings.push(Finding::new(p.rule, p.message, p.fix));
    checks.push(Check::new(
        "scheme",
        Status::Fail,
        "HTTPS",
        format!("the URL uses {}://", t.scheme),
    ));
}

/// Check `gateway-prefix`: product and cloud ID.
fn gateway_prefix(t: &Target, checks: &mut Vec<Check>, findings: &mut Vec<Finding>) {
    let Surface::Gateway(g) = &t.surface else {
        return;
    };
    // One judgement of the prefix for every face (lint's AT202 and AT203, the same words).
    let gw_problems = g.problems(&t.path);
    let status = if gw_problems.is_empty() {
        Status::Pass
    } else {
        Status::Fail
    };
    let detail = if gw_problems.is_empty() {
        format!("{} fits the path", g.prefix())
    } else {
        gw_problems
            .iter()
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    checks.push(Check::new(
        "gateway-prefix",
        status,
        "Gateway product and cloud ID",
        detail,
    ));
    for p in gw_problems {
        findings.push(Finding::new(p.rule, p.message, p.fix));
    }
}

/// Check `api-path`: the API path, against Atlassian's OpenAPI specs.
fn api_path(
    t: &Target,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) -> Option<scopes::Match> {
    // For a gateway URL, the path after /ex/{product}/{id}: the prefix was judged above
    // (an empty id, `/ex/jira//rest/...`, must not shift the path).
    let lookup_url = match &t.surface {
        Surface::Gateway(_) => t.path.clone(),
        _ => t.url.clone(),
    };
    match scopes::lookup(&t.method, &lookup_url) {
        Ok(m) => {
            checks.push(Check::new(
                "api-path",
                Status::Pass,
                "Documented REST operation",
                format!(
                    "{} {} ({}, {})",
                    m.method,
                    m.operation.path,
                    m.operation.operation_id,
                    m.spec().title
                ),
            ));
            Some(m)
        }
        Err(no) => {
            undocumented(t, &no, checks, findings);
            None
        }
    }
}

/// The path is not documented: for this method (a warning), or at all (AT206).
fn undocumented(
    t: &Target,
    no: &scopes::NoMatch,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) {
    let suggestions: Vec<String> = no
        .suggestions
        .iter()
        .take(3)
        .map(|s| s.to_string())
        .collect();
    let hint = if suggestions.is_empty() {
        String::new()
    } else {
        format!("; nearest: {}", suggestions.join(", "))
    };
    let title = "Documented REST operation";
    match &no.reason {
        scopes::NoMatchReason::MethodNotAllowed { template, allowed } => {
            let allowed = allowed.join(", ");
            checks.push(Check::new(
                "api-path",
                Status::Warn,
                title,
                format!(
                    "{template} is documented for {allowed} only, not {}",
                    t.method
                ),
            ));
            findings.push(
                Finding::new(
                    Code::AT206,
                    format!("{} {template}: the API documents only {allowed}", t.method),
                    format!("use one of {allowed} for this path"),
                )
                .severity(Severity::Warning),
            );
        }
        _ if findings.iter().any(|f| f.rule == Code::AT202) => checks.push(Check::new(
            "api-path",
            Status::Warn,
            title,
            format!(
                "not judged: the gateway prefix does not fit the path ({}){hint}",
                no.path
            ),
        )),
        _ => {
            checks.push(Check::new(
                "api-path",
                Status::Fail,
                title,
                format!("no Atlassian REST API has {}{hint}", no.path),
            ));
            let fix = match no.suggestions.first() {
                Some(s) => format!("check the path; the nearest documented path is {} {}", s.methods.join("|"), s.path),
                None => "check the path against the REST API reference (atlcheck scopes lists operations)".to_string(),
            };
            findings.push(Finding::new(
                Code::AT206,
                format!("no Atlassian REST API has the path {}", no.path),
                fix,
            ));
        }
    }
}

fn rest_of(t: &Target) -> String {
    match &t.surface {
        Surface::Gateway(g) => format!("{}{}", g.prefix(), t.path),
        _ => t.path.clone(),
    }
}

/// The credential's form (kind, checksum, encoding) and owner.
pub fn check_credential(
    a: &Analysis,
    source: &str,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) {
    if a.scheme.is_empty() {
        checks.push(Check::new(
            "credential",
            Status::Skip,
            "Credential form",
            format!("no credential ({source})"),
        ));
        return;
    }
    let what = match (&a.user, &a.token_kind) {
        (Some(u), Some(k)) => format!(
            "{} {u}:{} ({k})",
            a.scheme,
            a.token_masked.clone().unwrap_or_default()
        ),
        (None, Some(k)) => format!(
            "{} {} ({k})",
            a.scheme,
            a.token_masked.clone().unwrap_or_default()
        ),
        _ => a.scheme.clone(),
    };
    if a.problems.is_empty() {
        checks.push(Check::new(
            "credential",
            Status::Pass,
            "Credential form",
            format!("{what}, from {source}"),
        ));
    } else {
        let detail = a
            .problems
            .iter()
            .map(|p| p.1.clone())
            .collect::<Vec<_>>()
            .join("; ");
        checks.push(Check::new(
            "credential",
            Status::Fail,
            "Credential form",
            format!("{what}, from {source}: {detail}"),
        ));
        for (code, msg, fix) in &a.problems {
            findings.push(Finding::new(*code, msg.clone(), fix.clone()));
        }
    }
    match a.user_kind.as_str() {
        "service-account" => checks.push(Check::new(
            "account",
            Status::Pass,
            "Service account",
            format!(
                "{} is a service account",
                a.user.clone().unwrap_or_default()
            ),
        )),
        "person" => {
            let u = a.user.clone().unwrap_or_default();
            checks.push(Check::new(
                "account",
                Status::Warn,
                "Service account",
                format!("{u} is a user account, not a service account"),
            ));
            let what = if crate::account::is_shared_mailbox(&u) {
                "a user account used as a shared \"dummy user\" mailbox, not a service account: it holds a licence, whoever reads the mailbox can reset its password, and its actions are attributed to no one"
            } else {
                "a person's user account, not a service account: it stops when that person leaves or is deactivated"
            };
            findings.push(Finding::new(
                Code::AT101,
                format!("the automation authenticates as {u}, {what}"),
                crate::account::PERSON_FIX,
            ));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos() {
        assert_eq!(
            mistyped_host("acme.atlasian.net"),
            Some("acme.atlassian.net".into())
        );
        assert_eq!(
            mistyped_host("acme.atlassian.com"),
            Some("acme.atlassian.net".into())
        );
        assert_eq!(
            mistyped_host("api.atlassian.net"),
            Some("api.atlassian.com".into())
        );
        assert_eq!(
            mistyped_host("api.atlassain.com"),
            Some("api.atlassian.com".into())
        );
        assert_eq!(mistyped_host("acme.atlassian.net"), None);
        assert_eq!(mistyped_host("api.atlassian.com"), None);
        assert_eq!(mistyped_host("example.com"), None);
    }
}
