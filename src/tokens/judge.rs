//! AT601-AT604: judge every credential against one fixed instant (`ATLCHECK_NOW`, or the
//! clock once at start), so a report is reproducible and its arithmetic testable.
use std::collections::BTreeMap;

use serde::Serialize;

use super::model::{Credential, Field, Kind, OwnerType};
use super::time::{MS_PER_DAY, Timestamp};
use crate::catalogue::{Code, Severity};

/// Within this many days an expiring credential is an error, not a warning (SPEC).
pub const ERROR_WITHIN_DAYS: i64 = 7;

/// What the report judges against.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub now: Timestamp,
    /// AT601 fires within this many days (`--expiring-within`, default 30).
    pub expiring_within: u32,
    /// AT603 fires after this many days without use (`--stale-after`, default 90).
    pub stale_after: u32,
}

impl Policy {
    pub fn new(now: Timestamp) -> Policy {
        Policy {
            now,
            expiring_within: 30,
            stale_after: 90,
        }
    }
}

/// One finding about one credential (SPEC: `rule`, `name`, `severity`, `credential_id`,
/// `message`, `fix`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: Code,
    pub name: &'static str,
    pub severity: Severity,
    pub credential_id: String,
    pub message: String,
    pub fix: String,
    /// Index of the credential in the report's list.
    #[serde(skip)]
    pub index: usize,
}

/// Whole days until it expires, rounded down; negative once expired; `None` when there is no
/// known expiry (SPEC: `days_left`).
pub fn days_left(c: &Credential, now: Timestamp) -> Option<i64> {
    c.expires_at.known().map(|t| t.days_after(now))
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn subject(c: &Credential) -> String {
    let what = match c.kind {
        Kind::ApiToken => "API token",
        Kind::ServiceAccountApiToken => "service-account API token",
        Kind::OauthClient => "OAuth client",
        Kind::AdminKey => "admin API key",
    };
    let owner = match c.owner.kind {
        OwnerType::Org => String::new(),
        _ => format!(" of {}", c.owner.display()),
    };
    match &c.label {
        Some(l) => format!("{what} \"{l}\" ({}){owner}", c.id),
        None => format!("{what} {}{owner}", c.id),
    }
}

fn person_hint(c: &Credential) -> &'static str {
    if c.kind == Kind::ApiToken && c.owner.kind == OwnerType::User {
        " If an automation uses this person's token, move it to a service account's credential instead (admin.atlassian.com > Directory > Service accounts): a person's token breaks when they leave or it expires, and only they are told."
    } else {
        ""
    }
}

fn revoke_there(c: &Credential) -> String {
    if c.kind.where_to_create() == c.kind.where_to_revoke() {
        "there".to_string()
    } else {
        format!("in {}", c.kind.where_to_revoke())
    }
}

fn rotate_fix(c: &Credential) -> String {
    format!(
        "Rotate it now: create the replacement in {}, update every place that uses it (CI secrets, vaults, app configuration), then revoke the old one {}.{}",
        c.kind.where_to_create(),
        revoke_there(c),
        person_hint(c)
    )
}

/// Service accounts (by owner key) that have credentials, all of them expired.
fn stranded_accounts(credentials: &[Credential], now: Timestamp) -> Vec<String> {
    let mut by_account: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for c in credentials.iter().filter(|c| c.is_active()) {
        if c.owner.kind != OwnerType::ServiceAccount
            || !matches!(c.kind, Kind::ServiceAccountApiToken | Kind::OauthClient)
        {
            continue;
        }
        let key = c.owner.display();
        let e = by_account.entry(key).or_default();
        e.0 += 1;
        if c.expires_at.known().is_some_and(|t| t <= now) {
            e.1 += 1;
        }
    }
    by_account
        .into_iter()
        .filter(|(_, (all, expired))| all == expired)
        .map(|(k, _)| k)
        .collect()
}

/// Judge every credential; findings come in credential order, then by rule.
pub fn judge(credentials: &[Credential], policy: &Policy) -> Vec<Finding> {
    let now = policy.now;
    let stranded = stranded_accounts(credentials, now);
    let mut out = Vec::new();
    for (index, c) in credentials.iter().enumerate() {
        if !c.is_active() {
            continue;
        }
        let finding = |rule: Code, severity, message: String, fix: String| Finding {
            rule,
            name: rule.rule().name.as_str(),
            severity,
            credential_id: c.id.clone(),
            message,
            fix,
            index,
        };
        match c.expires_at {
            Field::Known(at) if at <= now => {
                let ago = (now.0 - at.0) / MS_PER_DAY;
                let when = if ago == 0 {
                    "less than a day ago".to_string()
                } else {
                    format!("{} ago", plural(ago, "day"))
                };
                let mut message = format!("{} expired {when}, on {}", subject(c), at.date());
                if c.owner.kind == OwnerType::ServiceAccount
                    && stranded.contains(&c.owner.display())
                {
                    message.push_str(&format!(
                        "; service account {} has no unexpired credential left",
                        c.owner.display()
                    ));
                }
                out.push(finding(
                    Code::AT602,
                    Severity::Error,
                    message,
                    format!(
                        "Anything still using it now fails with 401. Create a replacement in {}, update the automations that used it, then revoke the expired one {} so it leaves this list.{}",
                        c.kind.where_to_create(),
                        revoke_there(c),
                        person_hint(c)
                    ),
                ));
            }
            Field::Known(at) if at.0 - now.0 <= i64::from(policy.expiring_within) * MS_PER_DAY => {
                let left = at.days_after(now);
                let severity = if at.0 - now.0 <= ERROR_WITHIN_DAYS * MS_PER_DAY {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                let when = if left == 0 {
                    format!("in less than a day, at {}", at.to_rfc3339())
                } else {
                    format!("in {}, on {}", plural(left, "day"), at.date())
                };
                out.push(finding(
                    Code::AT601,
                    severity,
                    format!("{} expires {when}", subject(c)),
                    rotate_fix(c),
                ));
            }
            _ => {}
        }
        let expired = c.expires_at.known().is_some_and(|t| t <= now);
        let stale_ms = i64::from(policy.stale_after) * MS_PER_DAY;
        if !expired {
            let stale = match (c.last_active_at, c.created_at) {
                (Field::Known(last), _) if now.0 - last.0 >= stale_ms => Some(format!(
                    "{} has not been used for {} (last used {})",
                    subject(c),
                    plural((now.0 - last.0) / MS_PER_DAY, "day"),
                    last.date()
                )),
                (Field::None, Some(created)) if now.0 - created.0 >= stale_ms => Some(format!(
                    "{} has never been used since it was created {} ago ({})",
                    subject(c),
                    plural((now.0 - created.0) / MS_PER_DAY, "day"),
                    created.date()
                )),
                _ => None,
            };
            if let Some(message) = stale {
                out.push(finding(
                    Code::AT603,
                    Severity::Warning,
                    message,
                    format!(
                        "If nothing needs it, revoke it in {}: an unused credential can only leak. If something should be using it, find out why it stopped authenticating.",
                        c.kind.where_to_revoke()
                    ),
                ));
            }
        }
        if c.expires_at == Field::None {
            out.push(finding(
                Code::AT604,
                Severity::Warning,
                format!("{} has no expiry date", subject(c)),
                format!(
                    "Replace it with a credential that expires (one year at most, Atlassian's limit for new tokens and keys), created in {}; move its users over, then revoke this one {}. A deliberate exception belongs in a baseline with a reason (--write-baseline).",
                    c.kind.where_to_create(),
                    revoke_there(c)
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::model::{Owner, OwnerEmail, SourceName};

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse_iso(s).unwrap()
    }

    fn token(id: &str, expires: Field<Timestamp>, last: Field<Timestamp>) -> Credential {
        Credential {
            kind: Kind::ApiToken,
            source: SourceName::ApiTokens,
            id: id.to_string(),
            label: Some("ci".to_string()),
            owner: Owner {
                id: Some("u1".into()),
                email: OwnerEmail::parse("jane@acme.com"),
                name: None,
                kind: OwnerType::User,
            },
            created_at: Some(ts("2026-01-01T00:00:00Z")),
            expires_at: expires,
            last_active_at: last,
            status: Some("ALLOWED".into()),
            notes: vec![],
        }
    }

    fn rules(c: &[Credential], now: &str) -> Vec<(Code, Severity)> {
        judge(c, &Policy::new(ts(now)))
            .into_iter()
            .map(|f| (f.rule, f.severity))
            .collect()
    }

    #[test]
    fn expiry_windows() {
        let used = Field::Known(ts("2026-11-28T00:00:00Z"));
        let now = "2026-11-29T12:00:00Z";
        let case = |exp: &str| rules(&[token("t", Field::Known(ts(exp)), used)], now);
        assert_eq!(
            case("2026-12-06T12:00:00Z"),
            [(Code::AT601, Severity::Error)]
        );
        assert_eq!(
            case("2026-12-06T12:00:01Z"),
            [(Code::AT601, Severity::Warning)]
        );
        assert_eq!(
            case("2026-12-29T12:00:00Z"),
            [(Code::AT601, Severity::Warning)]
        );
        assert_eq!(case("2026-12-29T12:00:01Z"), []);
        assert_eq!(
            case("2026-11-29T12:00:00Z"),
            [(Code::AT602, Severity::Error)]
        );
        assert_eq!(
            case("2026-11-29T12:00:01Z"),
            [(Code::AT601, Severity::Error)]
        );
    }

    #[test]
    fn days_left_rounds_down() {
        let now = ts("2026-11-29T12:00:00Z");
        let c = token("t", Field::Known(ts("2026-11-30T11:00:00Z")), Field::None);
        assert_eq!(days_left(&c, now), Some(0));
        let c = token("t", Field::Known(ts("2026-11-29T11:00:00Z")), Field::None);
        assert_eq!(days_left(&c, now), Some(-1));
        assert_eq!(days_left(&token("t", Field::None, Field::None), now), None);
    }

    #[test]
    fn stale_and_never_used() {
        let far = Field::Known(ts("2027-06-01T00:00:00Z"));
        let now = "2026-11-29T00:00:00Z";
        // Last used exactly 90 days ago.
        let c = token("t", far, Field::Known(ts("2026-08-31T00:00:00Z")));
        assert_eq!(rules(&[c], now), [(Code::AT603, Severity::Warning)]);
        let c = token("t", far, Field::Known(ts("2026-08-31T00:00:01Z")));
        assert_eq!(rules(&[c], now), []);
        // Never used, created 332 days ago.
        assert_eq!(
            rules(&[token("t", far, Field::None)], now),
            [(Code::AT603, Severity::Warning)]
        );
        // Unknown last use never makes it stale.
        assert_eq!(rules(&[token("t", far, Field::Unknown)], now), []);
    }

    #[test]
    fn no_expiry_versus_unknown() {
        let used = Field::Known(ts("2026-11-28T00:00:00Z"));
        let now = "2026-11-29T00:00:00Z";
        assert_eq!(
            rules(&[token("t", Field::None, used)], now),
            [(Code::AT604, Severity::Warning)]
        );
        assert_eq!(rules(&[token("t", Field::Unknown, used)], now), []);
    }

    #[test]
    fn blocked_credentials_are_not_judged() {
        let mut c = token("t", Field::Known(ts("2026-11-01T00:00:00Z")), Field::None);
        c.status = Some("BLOCKED".into());
        assert_eq!(rules(&[c], "2026-11-29T00:00:00Z"), []);
    }

    #[test]
    fn a_service_account_left_with_only_expired_credentials() {
        let sa = Owner {
            id: Some("sa1".into()),
            email: OwnerEmail::parse("bot-x1@serviceaccount.atlassian.com"),
            name: None,
            kind: OwnerType::ServiceAccount,
        };
        let mut a = token("a", Field::Known(ts("2026-11-01T00:00:00Z")), Field::None);
        a.kind = Kind::ServiceAccountApiToken;
        a.owner = sa.clone();
        let mut b = a.clone();
        b.id = "b".into();
        let f = judge(
            &[a.clone(), b.clone()],
            &Policy::new(ts("2026-11-29T00:00:00Z")),
        );
        assert!(
            f[0].message.contains("has no unexpired credential left"),
            "{}",
            f[0].message
        );
        b.expires_at = Field::Known(ts("2027-11-01T00:00:00Z"));
        let f = judge(&[a, b], &Policy::new(ts("2026-11-29T00:00:00Z")));
        assert!(!f[0].message.contains("no unexpired"), "{}", f[0].message);
    }
}
