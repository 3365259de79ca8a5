//! A Bearer access token's claims, read offline (issue 13, part 2). Never verified (atlcheck
//! holds no key) and never printed: only `exp` and the scope claim are read.
//!
//! Whether Atlassian's access tokens are JWTs is OPEN (governance sheet §A2): when no `exp`
//! can be read, nothing is said here, and a gateway refusal stays AT105 "expired or revoked";
//! AT107 is reported only when `exp` is known to be in the past.
use base64::Engine;
use serde_json::Value;

use super::report::{Check, Finding, Status};
use crate::catalogue::Code;
use crate::scopes::{self, Family};

/// What the doctor reads from a token's payload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims {
    pub exp: Option<i64>,
    /// `scope` (space-separated) or `scp` (a list).
    pub scopes: Option<Vec<String>>,
}

/// Decode the payload of a three-part token; `None` when it is not a JWT with a JSON payload.
pub fn claims(token: &str) -> Option<Claims> {
    let mut parts = token.trim().split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let v: Value = serde_json::from_slice(&bytes).ok()?;
    let exp = v
        .get("exp")
        .and_then(|e| e.as_i64().or_else(|| e.as_f64().map(|f| f as i64)));
    let scopes = match (v.get("scope"), v.get("scp")) {
        (Some(Value::String(s)), _) => Some(s.split_whitespace().map(str::to_string).collect()),
        (_, Some(Value::Array(a))) => Some(
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
        ),
        (_, Some(Value::String(s))) => Some(s.split_whitespace().map(str::to_string).collect()),
        _ => None,
    };
    Some(Claims { exp, scopes })
}

/// Now, in Unix seconds: `ATLCHECK_NOW` (RFC 3339, for tests and reproducible reports) or the
/// clock.
pub fn now() -> i64 {
    std::env::var("ATLCHECK_NOW")
        .ok()
        .and_then(|s| parse_rfc3339(&s))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `2026-11-29T23:00:00Z` or with a `+hh:mm` offset → Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, se) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" => 0,
        o if o.len() == 6 && (o.starts_with('+') || o.starts_with('-')) => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            sign * (o[1..3].parse::<i64>().ok()? * 3600 + o[4..6].parse::<i64>().ok()? * 60)
        }
        _ => return None,
    };
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + se - offset)
}

/// Unix seconds → `2026-11-29T23:00:00Z`.
pub fn format_rfc3339(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `3 h 12 min`, `45 s`, `2 days`.
pub fn human_duration(secs: i64) -> String {
    let s = secs.abs();
    if s < 120 {
        format!("{s} s")
    } else if s < 7200 {
        format!("{} min", s / 60)
    } else if s < 172_800 {
        format!("{} h {} min", s / 3600, s % 3600 / 60)
    } else {
        format!("{} days", s / 86_400)
    }
}

/// Check `access-token-claims`: expiry (AT107) and scopes, from the token's own payload.
pub fn check_claims(
    token: &str,
    what: &str,
    checks: &mut Vec<Check>,
    findings: &mut Vec<Finding>,
) -> Option<Claims> {
    let Some(c) = claims(token) else {
        checks.push(Check::new(
            "access-token-claims",
            Status::Skip,
            "Access token claims",
            format!("{what} is not a JWT with readable claims: its expiry and scopes are unknown offline"),
        ));
        return None;
    };
    let now = now();
    let mut parts = Vec::new();
    let mut status = Status::Pass;
    match c.exp {
        Some(exp) if exp <= now => {
            status = Status::Fail;
            let ago = human_duration(now - exp);
            parts.push(format!("expired {ago} ago ({})", format_rfc3339(exp)));
            findings.push(Finding::new(
                Code::AT107,
                format!("{what} expired {ago} ago (exp {}): Atlassian access tokens live about 60 minutes", format_rfc3339(exp)),
                "get a new access token before each run (or when the old one is within a minute of exp): POST https://auth.atlassian.com/oauth/token with grant_type=client_credentials; cache it no longer than expires_in",
            ));
        }
        Some(exp) => parts.push(format!(
            "expires in {} ({})",
            human_duration(exp - now),
            format_rfc3339(exp)
        )),
        None => parts.push("no exp claim: expiry unknown".to_string()),
    }
    match &c.scopes {
        Some(s) if !s.is_empty() => parts.push(format!("scopes: {}", s.join(" "))),
        Some(_) => parts.push("an empty scope claim".to_string()),
        None => parts.push("no scope claim".to_string()),
    }
    checks.push(Check::new(
        "access-token-claims",
        status,
        "Access token claims (read, not verified)",
        parts.join("; "),
    ));
    Some(c)
}

/// The scopes an operation needs that `held` lacks, for the cheapest alternative set of each
/// family; `None` when one alternative is fully held (or the operation needs none).
pub fn missing_scopes(op: &scopes::Match, held: &[String]) -> Option<Vec<&'static str>> {
    let mut best: Option<Vec<&'static str>> = None;
    for fam in [Family::Classic, Family::Granular] {
        for set in op.operation.scopes(fam) {
            let missing: Vec<&'static str> = set
                .iter()
                .copied()
                .filter(|s| !held.iter().any(|h| h == s))
                .collect();
            if missing.is_empty() {
                return None;
            }
            if best.as_ref().is_none_or(|b| missing.len() < b.len()) {
                best = Some(missing);
            }
        }
    }
    best
}

/// Name what is missing in the AT401 findings, and report it offline when the held scopes
/// cover no alternative at all.
pub fn scope_findings(
    op: Option<&scopes::Match>,
    held: Option<&[String]>,
    source: &str,
    findings: &mut Vec<Finding>,
) {
    let (Some(op), Some(held)) = (op, held) else {
        return;
    };
    let Some(missing) = missing_scopes(op, held) else {
        // Covered: a "likely missing scope" guess is wrong.
        findings.retain(|f| {
            !(f.rule == Code::AT401 && f.severity != crate::catalogue::Severity::Error)
        });
        return;
    };
    let note = format!(
        "; {source} lists {}: missing {}",
        if held.is_empty() {
            "no scope".to_string()
        } else {
            held.join(" ")
        },
        missing.join(" ")
    );
    match findings.iter_mut().find(|f| f.rule == Code::AT401) {
        Some(f) => {
            f.message.push_str(&note);
            f.severity = crate::catalogue::Severity::Error;
        }
        None => findings.push(Finding::new(
            Code::AT401,
            format!(
                "{} {} ({}) needs a scope the credential does not hold{note}",
                op.method, op.operation.path, op.operation.operation_id
            ),
            format!(
                "create a new credential with {} (scopes cannot be added to an existing token or OAuth credential)",
                missing.join(" ")
            ),
        )),
    }
}

/// A Bearer access token refused by the gateway: a known past `exp` explains it (AT107 and no
/// AT105); otherwise AT105 says "expired or revoked" in an access token's words.
pub fn refine_refusal(findings: &mut Vec<Finding>) {
    if findings.iter().any(|f| f.rule == Code::AT107) {
        findings.retain(|f| f.rule != Code::AT105);
        return;
    }
    for f in findings.iter_mut().filter(|f| f.rule == Code::AT105) {
        f.message = "the gateway refused the access token: it expired or was revoked (its expiry cannot be read from the token), or it was issued for another site".to_string();
        f.fix = "get a new access token (POST https://auth.atlassian.com/oauth/token with the client credentials) and use it within its expires_in; run atlcheck doctor --client-id to check the whole chain".to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.{}", e(r#"{"alg":"RS256"}"#), e(payload), e("sig"))
    }

    #[test]
    fn reads_exp_and_scopes() {
        let c = claims(&jwt(
            r#"{"exp":1700000000,"scope":"read:jira-work write:jira-work"}"#,
        ))
        .unwrap();
        assert_eq!(c.exp, Some(1_700_000_000));
        assert_eq!(c.scopes.unwrap(), vec!["read:jira-work", "write:jira-work"]);
        let c = claims(&jwt(r#"{"scp":["read:me"]}"#)).unwrap();
        assert_eq!(c.exp, None);
        assert_eq!(c.scopes.unwrap(), vec!["read:me"]);
        assert!(claims("ATATT3xFfGF0abc").is_none());
        assert!(claims("a.b.c").is_none());
    }

    #[test]
    fn rfc3339_round_trip() {
        let t = parse_rfc3339("2026-11-29T23:48:10Z").unwrap();
        assert_eq!(format_rfc3339(t), "2026-11-29T23:48:10Z");
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339("2024-02-29T00:00:00.5Z"), Some(1_709_164_800));
        assert!(parse_rfc3339("yesterday").is_none());
        assert_eq!(human_duration(3 * 3600 + 720), "3 h 12 min");
    }
}
