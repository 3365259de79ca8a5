//! Service-account OAuth 2.0 client credentials (issue 13, part 1; facts: governance sheet §A,
//! behaviour sheet §3.5).
//!
//! Offline: the client ID's and the client secret's form (`ATOA` + 64 characters + the CRC-32
//! of what precedes it, 8 upper-case hex digits). Live: the token exchange
//! `POST https://auth.atlassian.com/oauth/token` with a form body (`grant_type`, `client_id`,
//! `client_secret`; no `scope`, no `audience`), then `accessible-resources` with the access
//! token, then the gateway probes with `Authorization: Bearer`.
//!
//! The client secret goes only to `auth.atlassian.com`, the access token only to
//! `api.atlassian.com` ([`Auth::Pinned`]); neither is ever printed: the exchange's evidence is
//! rebuilt from the parsed answer, never copied from the body.
use serde_json::Value;

use super::credential::Analysis;
use super::http::{Auth, Exchange, Http};
use super::report::{Check, Finding, Status};
use crate::catalogue::{Code, Severity};
use crate::secret::{Secret, mask};
use crate::token::{self, Checksum, TokenKind};

pub const TOKEN_URL: &str = "https://auth.atlassian.com/oauth/token";
pub const AUTH_HOST: &str = "auth.atlassian.com";
pub const RESOURCES_URL: &str = "https://api.atlassian.com/oauth/token/accessible-resources";

/// Client credentials, and what the script put in the exchange besides them.
#[derive(Debug, Clone)]
pub struct Client {
    pub id: String,
    pub secret: Secret,
    /// Where the secret came from (a name, never the value).
    pub origin: String,
    /// Parameters of a pasted exchange other than the three required ones (`scope`,
    /// `audience`, ...), with `grant_type` when it is not `client_credentials`.
    pub extra: Vec<(String, String)>,
    /// The pasted exchange sent JSON instead of a form.
    pub json_body: bool,
}

/// What the token endpoint granted.
#[derive(Debug, Clone)]
pub struct Grant {
    pub access_token: Secret,
    pub expires_in: Option<u64>,
    pub scopes: Option<Vec<String>>,
    pub token_type: Option<String>,
}

const FIX_CREDENTIAL: &str = "in admin.atlassian.com > Directory > Service accounts > the account > Credentials: check the OAuth 2.0 credential still exists and the account is active; create a new credential (or secret) if it was rotated or deleted, and store both the client ID and the new secret";

fn strip_quotes(s: &str) -> &str {
    let t = s.trim();
    if t.len() >= 2
        && (t.starts_with('"') && t.ends_with('"') || t.starts_with('\'') && t.ends_with('\''))
    {
        &t[1..t.len() - 1]
    } else {
        t
    }
}

/// The credential's form, offline. Problems of form are AT103 (a dropped or mistyped
/// character) or AT104 (another kind of secret where the client secret belongs).
pub fn analyse(c: &Client) -> Analysis {
    let mut a = Analysis {
        scheme: "oauth-client-credentials".to_string(),
        user: Some(c.id.trim().to_string()),
        user_kind: "oauth-client".to_string(),
        ..Analysis::default()
    };
    let raw = c.secret.expose();
    if raw != raw.trim() {
        a.problems.push((
            Code::AT103,
            format!(
                "the client secret {} has surrounding whitespace or a line break",
                mask(raw.trim())
            ),
            "remove the whitespace around the secret (read it with `tr -d '\\r\\n'` or `.strip()`)"
                .to_string(),
        ));
    }
    let clean = strip_quotes(raw);
    if clean.len() != raw.trim().len() {
        a.problems.push((
            Code::AT103,
            "the client secret is wrapped in quotes that are part of the value".to_string(),
            "remove the quotes from the stored value".to_string(),
        ));
    }
    let info = token::classify(clean);
    a.kind = Some(info.kind);
    a.checksum = Some(info.checksum);
    a.token_kind = Some(info.kind.describe().to_string());
    a.token_masked = Some(mask(clean));
    match info.kind {
        TokenKind::OAuthClientSecret => {
            if info.checksum != Checksum::Valid {
                a.problems.push((
                    Code::AT103,
                    format!(
                        "the client secret {} ({} characters) fails its CRC-32 check: a character was dropped or mistyped (client secrets are `ATOA`, 64 characters and 8 hex digits, 76 in all)",
                        mask(clean),
                        clean.chars().count()
                    ),
                    "copy the secret again from where it was shown once, or create a new secret for the credential".to_string(),
                ));
            }
        }
        TokenKind::ApiToken => a.problems.push((
            Code::AT104,
            format!("{} is an API token, not an OAuth client secret", mask(clean)),
            "diagnose it as an API token: ATLASSIAN_EMAIL=the service account's email and --token-env (Basic email:token), or use the OAuth credential's client secret (ATOA...)".to_string(),
        )),
        _ => a.problems.push((
            Code::AT103,
            format!("the client secret {} does not look like an Atlassian OAuth client secret (`ATOA` and 72 more characters)", mask(clean)),
            "copy the client secret of the service account's OAuth 2.0 credential (it starts with ATOA)".to_string(),
        )),
    }
    let id = c.id.as_str();
    if id != id.trim() {
        a.problems.push((
            Code::AT103,
            "the client ID has surrounding whitespace".to_string(),
            "remove the whitespace around the client ID".to_string(),
        ));
    }
    let id = id.trim();
    if id.starts_with("ATOA") {
        a.problems.push((
            Code::AT103,
            "the client ID is a client secret: the two values are swapped".to_string(),
            "pass the 32-character client ID as --client-id and the ATOA... secret through --client-secret-env".to_string(),
        ));
    } else if !(id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric())) {
        a.problems.push((
            Code::AT103,
            format!("the client ID `{id}` is not 32 letters and digits, the form Atlassian's client IDs have"),
            "copy the client ID again from the service account's OAuth 2.0 credential".to_string(),
        ));
    }
    a
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The body the doctor sends: the three documented parameters, nothing else.
fn form_body(c: &Client) -> Secret {
    Secret::new(format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        form_encode(c.id.trim()),
        form_encode(strip_quotes(c.secret.expose()))
    ))
}

/// Offline: what a pasted exchange got wrong (`scope`, `audience`, another grant type).
pub fn check_pasted_exchange(c: &Client, checks: &mut Vec<Check>, findings: &mut Vec<Finding>) {
    let mut problems = Vec::new();
    for (k, v) in &c.extra {
        match k.as_str() {
            "scope" => problems.push((
                format!("the exchange sends `scope={v}`: Atlassian answers any scope with invalid_scope"),
                "send no scope: the scopes were fixed when the credential was created (create a new credential to change them)".to_string(),
            )),
            "audience" => problems.push((
                format!("the exchange sends `audience={v}`: the client-credentials grant takes no audience"),
                "remove `audience`: send only grant_type=client_credentials, client_id and client_secret".to_string(),
            )),
            "grant_type" => problems.push((
                format!("the exchange sends `grant_type={v}`: a service account's OAuth credential uses grant_type=client_credentials"),
                "send grant_type=client_credentials".to_string(),
            )),
            _ => {}
        }
    }
    let status = if problems.is_empty() {
        Status::Pass
    } else {
        Status::Fail
    };
    let mut detail = if problems.is_empty() {
        "grant_type=client_credentials, client_id, client_secret; no scope, no audience".to_string()
    } else {
        problems
            .iter()
            .map(|p| p.0.clone())
            .collect::<Vec<_>>()
            .join("; ")
    };
    if c.json_body {
        detail.push_str("; the body is JSON (atlcheck sends the documented form body)");
    }
    checks.push(Check::new(
        "oauth-request",
        status,
        "Token request parameters",
        detail,
    ));
    for (msg, fix) in problems {
        findings.push(Finding::new(Code::AT106, msg, fix));
    }
}

/// The exchange's answer with nothing secret in it, for the evidence.
fn safe_summary(v: &Value) -> String {
    let mut parts = Vec::new();
    if let Some(obj) = v.as_object() {
        for (k, x) in obj {
            let shown = match (k.as_str(), x) {
                ("access_token" | "refresh_token" | "id_token", Value::String(s)) => {
                    format!("\"{}\"", mask(s))
                }
                (_, Value::String(s)) => format!("\"{}\"", crate::secret::redact_message(s)),
                (_, other) => crate::secret::redact_message(&other.to_string()),
            };
            parts.push(format!("\"{k}\":{shown}"));
        }
    }
    format!("{{{}}}", parts.join(","))
}

const EXCHANGE_TITLE: &str = "OAuth token exchange (client credentials)";

/// Check `oauth-exchange`: run the token exchange and judge its answer.
pub async fn exchange(
    http: &Http,
    c: &Client,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) -> Option<Grant> {
    let mut ex = http.post_form(TOKEN_URL, &form_body(c)).await;
    let parsed: Option<Value> = serde_json::from_str(&ex.full_body).ok();
    // Never keep the raw answer: it holds the access token.
    ex.full_body.clear();
    ex.body = parsed
        .as_ref()
        .map_or_else(|| crate::secret::redact_message(&ex.body), safe_summary);
    let Some(status) = ex.status else {
        let why = ex.error.clone().unwrap_or_else(|| "no answer".to_string());
        checks.push(Check::new("oauth-exchange", Status::Error, EXCHANGE_TITLE, why).with([ex]));
        return None;
    };
    if (200..300).contains(&status) {
        return granted(status, parsed.as_ref(), ex, checks);
    }
    refused(status, parsed.as_ref(), ex, checks, findings);
    None
}

fn field(parsed: Option<&Value>, k: &str) -> Option<String> {
    parsed
        .and_then(|v| v.get(k))
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// A 2xx answer: the grant, if it carries an access token.
fn granted(
    status: u16,
    parsed: Option<&Value>,
    ex: Exchange,
    checks: &mut Vec<Check>,
) -> Option<Grant> {
    let Some(tok) = field(parsed, "access_token").filter(|t| !t.is_empty()) else {
        let detail = format!(
            "answered {status} without an access token: {}",
            super::proof::why_unproven(&ex)
        );
        checks.push(Check::new("oauth-exchange", Status::Error, EXCHANGE_TITLE, detail).with([ex]));
        return None;
    };
    let grant = Grant {
        access_token: Secret::new(tok),
        expires_in: parsed
            .and_then(|v| v.get("expires_in"))
            .and_then(Value::as_u64),
        scopes: field(parsed, "scope").map(|s| s.split_whitespace().map(str::to_string).collect()),
        token_type: field(parsed, "token_type"),
    };
    let mut detail = format!("access token {} issued", grant.access_token.masked());
    match grant.expires_in {
        Some(s) => detail.push_str(&format!(", expires in {s} s")),
        None => detail.push_str(", no expires_in (lifetime unknown; documented as 60 minutes)"),
    }
    match &grant.scopes {
        Some(s) if !s.is_empty() => detail.push_str(&format!("; scopes: {}", s.join(" "))),
        _ => detail.push_str("; the answer lists no scopes"),
    }
    if let Some(t) = grant
        .token_type
        .as_deref()
        .filter(|t| !t.eq_ignore_ascii_case("bearer"))
    {
        detail.push_str(&format!("; token_type `{t}` (expected bearer)"));
    }
    checks.push(Check::new("oauth-exchange", Status::Pass, EXCHANGE_TITLE, detail).with([ex]));
    Some(grant)
}

/// An error answer: which part of the exchange the token endpoint refused.
fn refused(
    status: u16,
    parsed: Option<&Value>,
    ex: Exchange,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) {
    let error = field(parsed, "error").unwrap_or_default();
    let description = field(parsed, "error_description").unwrap_or_default();
    let said = if description.is_empty() {
        format!("{status} {error}")
    } else {
        format!("{status} {error}: {description}")
    };
    let (check_status, detail, finding) = match error.as_str() {
        "invalid_client" | "access_denied" | "unauthorized_client" => (
            Status::Fail,
            format!("refused: {said}"),
            Some(Finding::new(
                Code::AT106,
                format!("the token endpoint refused the client credentials ({said}): likely causes, most likely first: the secret was rotated or mistyped; the credential was deleted; the service account is deactivated"),
                FIX_CREDENTIAL,
            )),
        ),
        "invalid_scope" => (
            Status::Fail,
            format!("refused: {said}"),
            Some(Finding::new(
                Code::AT106,
                format!("the token endpoint refused the request's scope ({said})"),
                "send no scope: the scopes were fixed when the credential was created (create a new credential to change them)",
            )),
        ),
        _ if status == 429 => (
            Status::Fail,
            format!("rate limited: {said}"),
            Some(Finding::new(
                Code::AT501,
                format!("the token endpoint answered 429 ({said})"),
                "wait (Retry-After, when given), then retry with backoff; cache the access token for its lifetime instead of exchanging per request",
            ).severity(Severity::Error)),
        ),
        "" if status >= 500 => (
            Status::Error,
            format!("answered {status}: a server error, retry later"),
            None,
        ),
        "" if parsed.is_none() => (Status::Error, super::proof::why_unproven(&ex), None),
        _ => (
            Status::Fail,
            format!("refused: {said}"),
            Some(Finding::new(
                Code::AT106,
                format!("the token endpoint refused the exchange ({said})"),
                "send exactly grant_type=client_credentials, client_id and client_secret as a form body (Content-Type: application/x-www-form-urlencoded); then check the credential in admin.atlassian.com",
            )),
        ),
    };
    checks.push(Check::new("oauth-exchange", check_status, EXCHANGE_TITLE, detail).with([ex]));
    findings.extend(finding);
}

/// The Bearer the gateway probes send: pinned to api.atlassian.com.
pub fn bearer(grant: &Grant) -> Auth {
    Auth::Pinned(
        Secret::new(format!("Bearer {}", grant.access_token.expose())),
        crate::surface::GATEWAY_HOST,
    )
}

/// A refused exchange makes offline AT103 the root cause; an exchange that works makes it a
/// warning: the format assumption did not hold.
pub fn settle_form_problems(granted: bool, findings: &mut [Finding]) {
    if !granted {
        return;
    }
    for f in findings.iter_mut().filter(|f| f.rule == Code::AT103) {
        f.severity = Severity::Warning;
        f.message
            .push_str(" (the exchange worked anyway: the format assumption did not hold)");
    }
}

/// The OAuth path's own words for a gateway refusal: a fresh access token refused means the
/// service account lacks the site or the product, not a dead token.
pub fn refine(findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| f.rule == Code::AT105) {
        f.message = "the gateway refused the access token the exchange had just issued: the service account was removed from the site or product, or deactivated since the exchange".to_string();
        f.fix = "in admin.atlassian.com > Directory > Service accounts > the account: check it is active and has product access on this site".to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(id: &str, secret: &str) -> Client {
        Client {
            id: id.into(),
            secret: Secret::new(secret),
            origin: "test".into(),
            extra: Vec::new(),
            json_body: false,
        }
    }

    fn secret() -> String {
        let head = "ATOA".to_string() + &"aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz".repeat(2)[..64];
        format!("{head}{:08X}", crc32fast::hash(head.as_bytes()))
    }

    fn codes(a: &Analysis) -> Vec<Code> {
        a.problems.iter().map(|p| p.0).collect()
    }

    #[test]
    fn well_formed_credentials_pass() {
        let s = secret();
        assert_eq!(s.len(), 76);
        let a = analyse(&client("Ab3De5Fg7Hj9Kl1Mn2Pq4Rs6Tu8Vw0Xy", &s));
        assert!(a.problems.is_empty(), "{:?}", a.problems);
    }

    #[test]
    fn a_dropped_character_swapped_values_and_an_api_token() {
        let mut s = secret();
        s.remove(30);
        let a = analyse(&client("Ab3De5Fg7Hj9Kl1Mn2Pq4Rs6Tu8Vw0Xy", &s));
        assert_eq!(codes(&a), vec![Code::AT103]);
        assert!(a.problems[0].1.contains("75 characters"));
        let a = analyse(&client(&secret(), "Ab3De5Fg7Hj9Kl1Mn2Pq4Rs6Tu8Vw0Xy"));
        assert!(codes(&a).contains(&Code::AT103));
        let api = token::with_crc_tail("ATATT3xFfGF0abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789=");
        let a = analyse(&client("Ab3De5Fg7Hj9Kl1Mn2Pq4Rs6Tu8Vw0Xy", &api));
        assert_eq!(codes(&a), vec![Code::AT104]);
        let a = analyse(&client(
            " Ab3De5Fg7Hj9Kl1Mn2Pq4Rs6Tu8Vw0Xy",
            &format!("{}\n", secret()),
        ));
        assert_eq!(codes(&a), vec![Code::AT103, Code::AT103]);
    }

    #[test]
    fn the_form_body_is_encoded_and_carries_nothing_else() {
        let c = Client {
            extra: vec![("scope".into(), "read:jira-work".into())],
            ..client("id 1", "a&b=c")
        };
        assert_eq!(
            form_body(&c).expose(),
            "grant_type=client_credentials&client_id=id%201&client_secret=a%26b%3Dc"
        );
    }

    #[test]
    fn the_evidence_never_holds_the_access_token() {
        let v: Value = serde_json::from_str(
            r#"{"access_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlc2lnbmF0dXJl","expires_in":3600,"scope":"read:jira-work","token_type":"Bearer"}"#,
        )
        .unwrap();
        let s = safe_summary(&v);
        assert!(!s.contains("eyJzdWIiOiJ4In0"), "{s}");
        assert!(s.contains("3600"));
    }
}
