//! Reading Atlassian's answers (facts sheet §3): what a status, its headers and its body
//! mean for the credential.
use super::http::Exchange;

/// What one answer says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 2xx as an authenticated user.
    Ok,
    /// 2xx, but not as the credential's account: Jira fell back to anonymous
    /// (`X-Seraph-LoginReason: AUTHENTICATED_FAILED`, or no `X-AAccountId`), or Confluence names
    /// the anonymous user (a public Confluence serves anonymous callers whatever they send).
    Anonymous,
    /// An answer that proves nothing either way: 204, an empty or non-JSON 2xx, or a 2xx body
    /// that is not in Atlassian's shape. Never read as "the credential works".
    Unproven,
    /// 401: the credential was not accepted.
    Unauthenticated,
    /// 401 `Unauthorized; scope does not match` / `X-Failure-Category: FAILURE_CLIENT_SCOPE_CHECK`.
    ScopeMismatch,
    /// 403 `Failed to parse Connect Session Auth Token`: a non-JWT Bearer on the site.
    ConnectJwt,
    /// 403 with `AUTHENTICATION_DENIED` / `CAPTCHA_CHALLENGE`.
    Captcha,
    /// 403 `caller cannot access Confluence` / `Current user not permitted to use Confluence`.
    ConfluenceDenied,
    /// Confluence v2 404 with a bare `Not Found` title and no detail: the credential was rejected.
    V2AuthNotFound,
    Forbidden,
    NotFound,
    RateLimited,
    /// 410 Gone: Atlassian removed the endpoint (AT207).
    Gone,
    Redirect,
    ServerError,
    /// Another status.
    Other,
    /// No answer: a network error, a timeout, or a request atlcheck refused to send.
    NoAnswer,
}

impl Answer {
    /// The credential was refused by this answer.
    pub fn rejects(&self) -> bool {
        matches!(
            self,
            Answer::Unauthenticated
                | Answer::Anonymous
                | Answer::V2AuthNotFound
                | Answer::ConnectJwt
        )
    }
}

pub fn classify(ex: &Exchange) -> Answer {
    let Some(status) = ex.status else {
        return Answer::NoAnswer;
    };
    let body = ex.full_body.to_ascii_lowercase();
    let seraph = ex
        .header("x-seraph-loginreason")
        .unwrap_or("")
        .to_ascii_uppercase();
    let denied_reason = ex
        .header("x-authentication-denied-reason")
        .unwrap_or("")
        .to_ascii_uppercase();
    let failure = ex
        .header("x-failure-category")
        .unwrap_or("")
        .to_ascii_uppercase();
    if status == 429 {
        return Answer::RateLimited;
    }
    if denied_reason.contains("CAPTCHA") || seraph.contains("AUTHENTICATION_DENIED") {
        return Answer::Captcha;
    }
    match status {
        // Atlassian's REST APIs answer JSON; a 2xx HTML page on a REST path is a proxy, a
        // captive portal or a login page talking, not Atlassian accepting the request.
        200..=299 if rest_path(&ex.url) && looks_like_html(ex) => Answer::Unproven,
        200..=299 => super::proof::success(ex, &seraph),
        300..=399 => Answer::Redirect,
        401 if failure.contains("SCOPE") || body.contains("scope does not match") => {
            Answer::ScopeMismatch
        }
        401 => Answer::Unauthenticated,
        403 if body.contains("failed to parse connect session auth token") => Answer::ConnectJwt,
        403 if body.contains("cannot access confluence")
            || body.contains("not permitted to use confluence") =>
        {
            Answer::ConfluenceDenied
        }
        403 => Answer::Forbidden,
        404 if is_v2_auth_not_found(&ex.full_body) => Answer::V2AuthNotFound,
        404 => Answer::NotFound,
        410 => Answer::Gone,
        500..=599 => Answer::ServerError,
        _ => Answer::Other,
    }
}

fn rest_path(url: &str) -> bool {
    ["/rest/", "/wiki/api/", "/_edge/"]
        .iter()
        .any(|p| url.contains(p))
}

fn looks_like_html(ex: &Exchange) -> bool {
    ex.header("content-type")
        .is_some_and(|c| c.to_ascii_lowercase().contains("html"))
        || ex.full_body.trim_start().starts_with('<')
}

/// Confluence v2 answers a rejected credential with
/// `{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]}`; real
/// 404s name the object.
fn is_v2_auth_not_found(body: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    let Some(errors) = v.get("errors").and_then(|e| e.as_array()) else {
        return false;
    };
    errors.len() == 1
        && errors[0].get("title").and_then(|t| t.as_str()) == Some("Not Found")
        && errors[0].get("detail").is_none_or(|d| d.is_null())
}

/// What `/rest/api/3/myself?expand=groups,applicationRoles` or Confluence
/// `/wiki/rest/api/user/current` says about the account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub account_id: Option<String>,
    pub account_type: Option<String>,
    pub email: Option<String>,
    pub active: Option<bool>,
    pub groups: Option<Vec<String>>,
    pub application_roles: Option<Vec<String>>,
}

pub fn identity(ex: &Exchange) -> Identity {
    let mut id = Identity {
        account_id: ex.header("x-aaccountid").map(str::to_string),
        ..Identity::default()
    };
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&ex.full_body) else {
        return id;
    };
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    id.account_id = s("accountId").or(id.account_id);
    id.account_type = s("accountType");
    id.email = s("emailAddress").or_else(|| s("email"));
    id.active = v.get("active").and_then(|x| x.as_bool());
    let names = |k: &str, field: &str| {
        v.get(k)
            .and_then(|g| g.get("items"))
            .and_then(|i| i.as_array())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|it| it.get(field).and_then(|n| n.as_str()).map(str::to_string))
                    .collect::<Vec<_>>()
            })
    };
    id.groups = names("groups", "name");
    id.application_roles =
        names("applicationRoles", "key").or_else(|| names("applicationRoles", "name"));
    id
}

/// `mypermissions` answer: which of the asked permissions the account has.
pub fn permissions(ex: &Exchange) -> Vec<(String, bool)> {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(&ex.full_body) else {
        return Vec::new();
    };
    let Some(map) = v.get("permissions").and_then(|p| p.as_object()) else {
        return Vec::new();
    };
    let mut out: Vec<(String, bool)> = map
        .iter()
        .map(|(k, p)| {
            (
                k.clone(),
                p.get("havePermission")
                    .and_then(|h| h.as_bool())
                    .unwrap_or(false),
            )
        })
        .collect();
    out.sort();
    out
}

/// `{"cloudId":"…"}` from `_edge/tenant_info`.
pub fn tenant_cloud_id(ex: &Exchange) -> Option<String> {
    if ex.status != Some(200) {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&ex.full_body).ok()?;
    v.get("cloudId")
        .and_then(|c| c.as_str())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn ex(status: u16, headers: &[(&str, &str)], body: &str) -> Exchange {
        Exchange {
            method: "GET".into(),
            url: "https://acme.atlassian.net/x".into(),
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

    #[test]
    fn classifies_the_documented_answers() {
        assert_eq!(
            classify(&ex(
                401,
                &[("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")],
                r#"{"code":401,"message":"Unauthorized; scope does not match"}"#
            )),
            Answer::ScopeMismatch
        );
        assert_eq!(
            classify(&ex(
                401,
                &[],
                "Client must be authenticated to access this resource."
            )),
            Answer::Unauthenticated
        );
        assert_eq!(
            classify(&ex(
                200,
                &[("x-seraph-loginreason", "AUTHENTICATED_FAILED")],
                "{}"
            )),
            Answer::Anonymous
        );
        assert_eq!(
            classify(&ex(
                403,
                &[],
                r#"{"error":"Failed to parse Connect Session Auth Token"}"#
            )),
            Answer::ConnectJwt
        );
        assert_eq!(
            classify(&ex(
                403,
                &[
                    ("x-seraph-loginreason", "AUTHENTICATION_DENIED"),
                    (
                        "x-authentication-denied-reason",
                        "CAPTCHA_CHALLENGE; login-url=x"
                    )
                ],
                ""
            )),
            Answer::Captcha
        );
        assert_eq!(
            classify(&ex(
                403,
                &[],
                r#"{"message":"Current user not permitted to use Confluence","statusCode":403}"#
            )),
            Answer::ConfluenceDenied
        );
        assert_eq!(
            classify(&ex(
                404,
                &[],
                r#"{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":null}]}"#
            )),
            Answer::V2AuthNotFound
        );
        assert_eq!(
            classify(&ex(
                404,
                &[],
                r#"{"errors":[{"status":404,"code":"NOT_FOUND","title":"Not Found","detail":"Cannot find a page with id [1]"}]}"#
            )),
            Answer::NotFound
        );
        assert_eq!(
            classify(&ex(429, &[("retry-after", "30")], "")),
            Answer::RateLimited
        );
    }

    /// (status, headers, body) of Jira's `myself` → what the answer says (facts sheet §3).
    #[test]
    #[allow(clippy::type_complexity)] // table rows
    fn every_kind_of_answer() {
        let table: &[(u16, &[(&str, &str)], &str, Answer)] = &[
            (
                200,
                &[("x-aaccountid", "5b10")],
                r#"{"accountId":"5b10"}"#,
                Answer::Ok,
            ),
            // No X-AAccountId: Jira answered as anonymous.
            (200, &[], r#"{"accountId":"5b10"}"#, Answer::Anonymous),
            (
                200,
                &[("content-type", "text/html")],
                "<html>log in</html>",
                Answer::Unproven,
            ),
            (204, &[("x-aaccountid", "5b10")], "", Answer::Unproven),
            (
                302,
                &[("location", "https://id.atlassian.com/login")],
                "",
                Answer::Redirect,
            ),
            (
                401,
                &[("x-failure-category", "FAILURE_CLIENT_SCOPE_CHECK")],
                "",
                Answer::ScopeMismatch,
            ),
            (
                401,
                &[(
                    "www-authenticate",
                    "OAuth realm=\"https%3A%2F%2Facme.atlassian.net\"",
                )],
                "",
                Answer::Unauthenticated,
            ),
            (
                403,
                &[],
                r#"{"errorMessages":["no"],"errors":{}}"#,
                Answer::Forbidden,
            ),
            (
                403,
                &[("x-seraph-loginreason", "AUTHENTICATION_DENIED")],
                "",
                Answer::Captcha,
            ),
            (
                404,
                &[],
                r#"{"errorMessages":["no"],"errors":{}}"#,
                Answer::NotFound,
            ),
            (410, &[], "", Answer::Gone),
            (
                429,
                &[("x-ratelimit-reset", "2026-09-01T10:00Z")],
                "",
                Answer::RateLimited,
            ),
            (503, &[("retry-after", "30")], "", Answer::ServerError),
            (418, &[], "", Answer::Other),
        ];
        for (status, headers, body, want) in table {
            let mut e = ex(*status, headers, body);
            e.url = "https://acme.atlassian.net/rest/api/3/myself".into();
            assert_eq!(classify(&e), *want, "{status} {headers:?} {body}");
        }
        let mut silent = ex(200, &[], "");
        silent.status = None;
        assert_eq!(classify(&silent), Answer::NoAnswer);
    }

    #[test]
    fn reads_identity() {
        let e = ex(
            200,
            &[("x-aaccountid", "abc")],
            r#"{"accountId":"557058:x","accountType":"atlassian","active":true,"groups":{"items":[{"name":"jira-software-users"}]},"applicationRoles":{"items":[{"key":"jira-software"}]}}"#,
        );
        let id = identity(&e);
        assert_eq!(id.account_id.as_deref(), Some("557058:x"));
        assert_eq!(
            id.application_roles,
            Some(vec!["jira-software".to_string()])
        );
        assert_eq!(id.groups, Some(vec!["jira-software-users".to_string()]));
    }
}
