//! Check `accessible-resources` on the OAuth path (issue 13, part 1): which sites (cloud IDs)
//! and scopes the service account's access token reaches, and AT108 when the URL's site is not
//! among them. Documented for OAuth access tokens, "regardless of granted scopes" (governance
//! sheet §A6), so a missing or shapeless answer is an `error`, not a skip.
use crate::catalogue::Code;
use serde_json::Value;

use super::http::Http;
use super::oauth::{Grant, RESOURCES_URL, bearer};
use super::report::{Check, Finding, Status};
use super::request::{Surface, Target};

/// One site the token reaches.
#[derive(Debug, Clone)]
pub struct Site {
    pub id: String,
    pub url: String,
    pub scopes: Vec<String>,
}

/// What the check settled for the probes that follow.
#[derive(Debug, Default, Clone)]
pub struct Reach {
    /// The cloud ID of the URL's site (or the only site), to probe the gateway with.
    pub cloud_id: Option<String>,
    /// The scopes the site lists for the token.
    pub scopes: Option<Vec<String>>,
}

fn parse(body: &str) -> Option<Vec<Site>> {
    let v: Value = serde_json::from_str(body).ok()?;
    v.as_array()?
        .iter()
        .map(|s| {
            Some(Site {
                id: s.get("id")?.as_str()?.to_string(),
                url: s
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                scopes: s
                    .get("scopes")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            })
        })
        .collect()
}

fn host_site(url: &str) -> Option<String> {
    super::normalise_site(url)
}

pub async fn check(
    http: &Http,
    grant: &Grant,
    t: &Target,
    site: Option<&str>,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) -> Reach {
    let title = "Sites the service account reaches";
    let ex = http.send("GET", RESOURCES_URL, &bearer(grant)).await;
    let sites = (ex.status == Some(200))
        .then(|| parse(&ex.full_body))
        .flatten();
    let Some(sites) = sites else {
        let detail = match (ex.status, &ex.error) {
            (_, Some(e)) => e.clone(),
            (Some(200), _) => super::proof::why_unproven(&ex),
            (Some(s), _) => format!("answered {s}: {}", ex.body),
            _ => "no answer".to_string(),
        };
        checks.push(Check::new("accessible-resources", Status::Error, title, detail).with([ex]));
        return Reach::default();
    };
    let list = describe(&sites);
    let url_cloud_id = match &t.surface {
        Surface::Gateway(g) => Some(g.cloud_id.as_str()),
        _ => None,
    };
    let by_id = url_cloud_id.and_then(|id| sites.iter().find(|s| s.id.eq_ignore_ascii_case(id)));
    let by_site = site.and_then(|want| {
        sites
            .iter()
            .find(|s| host_site(&s.url).is_some_and(|h| h.eq_ignore_ascii_case(want)))
    });
    let found = match (url_cloud_id, site) {
        (Some(_), _) => by_id,
        (None, Some(_)) => by_site,
        (None, None) => None,
    };
    if let Some(s) = found {
        checks.push(Check::new("accessible-resources", Status::Pass, title, list).with([ex]));
        return Reach {
            cloud_id: Some(s.id.clone()),
            scopes: Some(s.scopes.clone()),
        };
    }
    if url_cloud_id.is_none() && site.is_none() {
        // Nothing to compare with (a pasted exchange): list what it reaches.
        let status = if sites.is_empty() {
            Status::Fail
        } else {
            Status::Pass
        };
        checks.push(Check::new("accessible-resources", status, title, list.clone()).with([ex]));
        if sites.is_empty() {
            findings.push(Finding::new(
                Code::AT108,
                "the service account's access token reaches no site",
                "an organization admin gives the service account access to the site and product: admin.atlassian.com > Directory > Service accounts > the account > Product access",
            ));
        }
        return Reach {
            cloud_id: (sites.len() == 1).then(|| sites[0].id.clone()),
            scopes: (sites.len() == 1).then(|| sites[0].scopes.clone()),
        };
    }
    checks.push(Check::new("accessible-resources", Status::Fail, title, list.clone()).with([ex]));
    not_given(url_cloud_id, site, by_site, &list, findings)
}

/// The sites the token reaches, in a line.
fn describe(sites: &[Site]) -> String {
    if sites.is_empty() {
        return "no site".to_string();
    }
    sites
        .iter()
        .map(|s| {
            let scopes = if s.scopes.is_empty() {
                "none listed".to_string()
            } else {
                s.scopes.join(" ")
            };
            format!("{} = {} (scopes: {scopes})", s.url, s.id)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The URL's site or cloud ID is not among the sites the token reaches: the cloud ID is the
/// mistake when the site is there under another (AT204), else the site was not given (AT108).
fn not_given(
    url_cloud_id: Option<&str>,
    site: Option<&str>,
    by_site: Option<&Site>,
    list: &str,
    findings: &mut Vec<Finding>,
) -> Reach {
    let wanted = match (url_cloud_id, site) {
        (Some(id), Some(s)) => format!("{s}.atlassian.net (cloud ID {id})"),
        (Some(id), None) => format!("cloud ID {id}"),
        (None, Some(s)) => format!("{s}.atlassian.net"),
        (None, None) => unreachable!("handled above"),
    };
    // The site is reachable under another cloud ID: the URL's ID is the mistake (AT204).
    if let (Some(id), Some(s)) = (url_cloud_id, by_site) {
        findings.push(Finding::new(
            Code::AT204,
            format!("cloud ID {id} is not {}'s cloud ID {} (accessible-resources lists the site under that ID)", s.url, s.id),
            format!("use the cloud ID {} after /ex/{{product}}/", s.id),
        ));
        return Reach {
            cloud_id: Some(s.id.clone()),
            scopes: Some(s.scopes.clone()),
        };
    }
    findings.push(Finding::new(
        Code::AT108,
        format!("the service account was not given {wanted}: its access token reaches {list}"),
        format!(
            "an organization admin gives the service account access to the site: admin.atlassian.com > Directory > Service accounts > the account > Product access (add the product on that site){}",
            if url_cloud_id.is_some() && site.is_none() {
                "; or, if the cloud ID is mistyped or an organization ID, use the cloud ID of the site you mean"
            } else {
                ""
            }
        ),
    ));
    Reach::default()
}
