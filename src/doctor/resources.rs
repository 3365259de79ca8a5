//! `GET https://api.atlassian.com/oauth/token/accessible-resources`: the sites (cloud IDs)
//! and scopes a credential reaches.
use super::live::Evidence;
use super::report::{Check, Finding, Status};
use crate::catalogue::Code;
use crate::surface;

/// `accessible-resources` lists the sites the credential reaches, with their cloud IDs: when
/// it answers, a gateway cloud ID that is not among them is not a site's cloud ID.
pub fn accessible_resources(
    ev: &Evidence,
    url_cloud_id: Option<&str>,
    gateway_url: &dyn Fn(&str) -> String,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) {
    let Some(ex) = &ev.resources else { return };
    let sites: Vec<(String, String)> = (ex.status == Some(200))
        .then(|| serde_json::from_str::<serde_json::Value>(&ex.full_body).ok())
        .flatten()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| {
            Some((
                s.get("id")?.as_str()?.to_string(),
                s.get("url")
                    .and_then(|u| u.as_str())
                    .unwrap_or("")
                    .to_string(),
            ))
        })
        .collect();
    if sites.is_empty() {
        checks.push(
            Check::new(
                "accessible-resources",
                Status::Skip,
                "Sites the credential reaches",
                format!(
                    "not answered for this credential ({}); pass --site to check the cloud ID",
                    ex.status.map_or("no answer".to_string(), |s| s.to_string())
                ),
            )
            .with([ex.clone()]),
        );
        return;
    }
    let list = sites
        .iter()
        .map(|(id, url)| format!("{url} = {id}"))
        .collect::<Vec<_>>()
        .join(", ");
    let Some(id) = url_cloud_id else { return };
    let known = sites.iter().any(|(s, _)| s.eq_ignore_ascii_case(id));
    checks.push(
        Check::new(
            "accessible-resources",
            if known { Status::Pass } else { Status::Fail },
            "Sites the credential reaches",
            list.clone(),
        )
        .with([ex.clone()]),
    );
    if !known && surface::is_uuid(id) && !findings.iter().any(|f| f.rule == Code::AT204) {
        let fix = match sites.as_slice() {
            [(good, _)] => format!("use {}", gateway_url(good)),
            _ => format!("use the cloud ID of the site you mean: {list}"),
        };
        findings.push(Finding::new(Code::AT204, format!("cloud ID {id} is not one of the sites this credential reaches ({list}): an organization ID, or another site's"), fix));
    }
}
