//! Never "OK" without proof (issue 13, part 5): what a 2xx answer must show before the doctor
//! reads it as "Atlassian accepted the credential".
//!
//! - 204, an empty body, or a body that is not JSON proves nothing: a proxy, a captive portal
//!   or a stub answered (a body cut at the read cap only has to start like JSON).
//! - Jira names the caller in `X-AAccountId` on every authenticated answer; a 2xx without it,
//!   or with `X-Seraph-LoginReason: AUTHENTICATED_FAILED`, was served to an anonymous caller
//!   (facts sheet §3.1, §3.2).
//! - Confluence's `user/current` answers a public site's anonymous caller with 200 and
//!   `"type": "anonymous"`, whatever credential was sent: that is a refusal.
//! - The identity and permission probes must answer in their documented shape (`accountId`,
//!   `permissions`, a space `key`); anything else is not evidence.
use serde_json::Value;

use super::classify::Answer;
use super::http::{BODY_CAP, Exchange};
use super::report::{Check, Status};
use crate::surface::{Gateway, GatewayProduct, Product};

/// Checks whose `error` status means the doctor has no proof either way: the verdict is then
/// `inconclusive` unless an error-level finding explains the failure.
const PROOF_CHECKS: &[&str] = &[
    "identity-site",
    "identity-gateway",
    "identity-gateway-resolved",
    "request",
    "project-permission",
    "space-permission",
    "oauth-exchange",
    "accessible-resources",
];

/// Why the verdict cannot be `ok`: the first proof check that ended in `error`.
pub fn missing_proof(checks: &[Check]) -> Option<String> {
    checks
        .iter()
        .find(|c| c.status == Status::Error && PROOF_CHECKS.contains(&c.id))
        .map(|c| format!("no proof either way: {}: {}", c.title, c.detail))
}

/// Classify a 2xx answer. `seraph` is the upper-cased `X-Seraph-LoginReason`.
pub fn success(ex: &Exchange, seraph: &str) -> Answer {
    if seraph.contains("AUTHENTICATED_FAILED")
        || ex.header("x-ausername").is_some_and(|u| u == "anonymous")
    {
        return Answer::Anonymous;
    }
    let path = logical_path(&ex.url);
    if is_jira_rest(&path) && ex.header("x-aaccountid").is_none_or(str::is_empty) {
        return Answer::Anonymous;
    }
    if ex.method == "HEAD" {
        return if ex.status == Some(204) {
            Answer::Unproven
        } else {
            Answer::Ok
        };
    }
    let body = ex.full_body.trim();
    if ex.status == Some(204) || body.is_empty() {
        return Answer::Unproven;
    }
    let json = match serde_json::from_str::<Value>(body) {
        Ok(v) => Some(v),
        // A long answer is cut at the read cap: it only has to start like JSON.
        Err(_) if ex.full_body.len() >= BODY_CAP && body.starts_with(['{', '[']) => None,
        Err(_) => return Answer::Unproven,
    };
    let Some(v) = json else { return Answer::Ok };
    let has = |k: &str| v.get(k).is_some_and(|x| !x.is_null());
    if path.ends_with("/wiki/rest/api/user/current")
        && v.get("type").and_then(Value::as_str) == Some("anonymous")
    {
        return Answer::Anonymous;
    }
    let shapeless = if path.ends_with("/wiki/rest/api/user/current") || path.ends_with("/myself") {
        !has("accountId")
    } else if path.ends_with("/mypermissions") {
        !v.get("permissions").is_some_and(Value::is_object)
    } else {
        path.contains("/wiki/rest/api/space/") && !has("key")
    };
    if shapeless {
        return Answer::Unproven;
    }
    Answer::Ok
}

/// What a proof-less answer was, in words, for a check's detail.
pub fn why_unproven(ex: &Exchange) -> String {
    let status = ex.status.unwrap_or(0);
    let ct = ex.header("content-type").unwrap_or("no content type");
    if (300..400).contains(&status) {
        return format!(
            "answered {status} (a redirect to {}): atlcheck does not follow redirects, so this proves nothing",
            ex.header("location").unwrap_or("nowhere")
        );
    }
    if status == 204 || ex.full_body.trim().is_empty() {
        return format!("answered {status} with an empty body: no proof that the credential works");
    }
    format!(
        "answered {status} with {ct}, not the JSON Atlassian sends: a proxy or portal may have answered; no proof that the credential works"
    )
}

/// The path of a logical URL (`https://host/path?q` → `/path`).
fn logical_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    path.split(['?', '#']).next().unwrap_or("").to_string()
}

/// A Jira REST path, on the site or through the gateway (`/ex/jira/{cloudId}/rest/...`).
fn is_jira_rest(path: &str) -> bool {
    let rest = match Gateway::split(path) {
        Some((g, rest)) if g.product == GatewayProduct::Known(Product::Jira) => rest,
        Some(_) => return false,
        None => path,
    };
    rest.starts_with("/rest/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ex(url: &str, status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: url.into(),
            authenticated: true,
            status: Some(status),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>(),
            body: String::new(),
            error: None,
            elapsed_ms: 0,
            full_body: body.into(),
        }
    }

    const MYSELF: &str = "https://acme.atlassian.net/rest/api/3/myself";

    #[test]
    fn jira_needs_the_account_header() {
        let body = r#"{"accountId":"abc"}"#;
        assert_eq!(
            success(&ex(MYSELF, 200, &[("x-aaccountid", "abc")], body), ""),
            Answer::Ok
        );
        assert_eq!(success(&ex(MYSELF, 200, &[], body), ""), Answer::Anonymous);
        let gw = "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself";
        assert_eq!(success(&ex(gw, 200, &[], body), ""), Answer::Anonymous);
        assert_eq!(
            success(
                &ex(MYSELF, 200, &[("x-aaccountid", "abc")], body),
                "AUTHENTICATED_FAILED"
            ),
            Answer::Anonymous
        );
    }

    #[test]
    fn empty_html_and_shapeless_answers_prove_nothing() {
        let h = [("x-aaccountid", "abc")];
        assert_eq!(success(&ex(MYSELF, 204, &h, ""), ""), Answer::Unproven);
        assert_eq!(success(&ex(MYSELF, 200, &h, "  "), ""), Answer::Unproven);
        assert_eq!(success(&ex(MYSELF, 200, &h, "OK"), ""), Answer::Unproven);
        assert_eq!(success(&ex(MYSELF, 200, &h, "{}"), ""), Answer::Unproven);
        let space = "https://acme.atlassian.net/wiki/rest/api/space/ENG";
        assert_eq!(success(&ex(space, 200, &[], "{}"), ""), Answer::Unproven);
        assert_eq!(
            success(&ex(space, 200, &[], r#"{"key":"ENG"}"#), ""),
            Answer::Ok
        );
        let long = format!("{{\"values\":[{}", "1,".repeat(BODY_CAP));
        let search = "https://acme.atlassian.net/rest/api/3/search/jql";
        assert_eq!(success(&ex(search, 200, &h, &long), ""), Answer::Ok);
    }

    #[test]
    fn confluence_anonymous_user_is_a_refusal() {
        let cur = "https://acme.atlassian.net/wiki/rest/api/user/current";
        assert_eq!(
            success(
                &ex(
                    cur,
                    200,
                    &[],
                    r#"{"type":"anonymous","displayName":"Anonymous"}"#
                ),
                ""
            ),
            Answer::Anonymous
        );
        assert_eq!(
            success(
                &ex(cur, 200, &[], r#"{"type":"known","accountId":"a"}"#),
                ""
            ),
            Answer::Ok
        );
    }
}
