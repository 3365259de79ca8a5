//! AT104 wrong-credential-kind: a credential of the wrong kind where an API token belongs:
//! an OAuth client secret, an org admin API key / access token, a Bitbucket app password
//! or an expired legacy token.
use super::common;
use crate::lint::{Cx, Hit};
use crate::secret::mask;
use crate::token::TokenKind;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let slot = cx.pattern("api-token-slot");
    for c in common::prefixed_tokens(cx) {
        let m = mask(c.value);
        let before = common::line_prefix(cx, c.range.start);
        let in_slot = slot.is_match(before);
        let (msg, fix) = match c.info.kind {
            TokenKind::OAuthClientSecret if in_slot || before.trim_end().ends_with("Bearer") => (
                format!("OAuth 2.0 client secret {m} used as an API token or access token"),
                "a client secret is exchanged for an access token at https://auth.atlassian.com/oauth/token (grant_type=client_credentials); send that access token as `Authorization: Bearer`, or use an API token with Basic auth",
            ),
            TokenKind::AccessToken if in_slot => (
                format!(
                    "ATCTT3 credential {m} (Bitbucket access token or organization admin API key) used where a Jira/Confluence API token belongs"
                ),
                "organization API keys only work on the admin APIs (api.atlassian.com/admin) with Bearer; for Jira and Confluence create an API token (ATATT3…) for the account or service account",
            ),
            TokenKind::AppPassword if in_slot => (
                format!("Bitbucket app password {m}: app passwords stopped working on 2026-06-09"),
                "create an API token and use it with the Atlassian account email (Bitbucket REST) or `x-bitbucket-api-token-auth` (git over HTTPS)",
            ),
            _ => continue,
        };
        out.push(Hit::new(c.range, msg, format!("{:?}:{m}", c.info.kind)).fix(fix));
    }
    // A literal Basic value: an account password (or an expired legacy token) where an API
    // token belongs.
    if cx.atlassian_context() {
        for b in common::basic_values(cx) {
            if !crate::account::is_email(&b.user) || crate::account::is_placeholder(&b.user) {
                continue;
            }
            let m = mask(&b.secret);
            match crate::token::classify(&b.secret).kind {
                TokenKind::Legacy => out.push(
                    Hit::new(b.range, format!("literal Basic header carries a legacy 24-character API token {m}: every token created before 2024-12-15 expired by 2026-05-12"), format!("basic-legacy:{m}"))
                        .fix("create a new API token (with an expiry) and load it from the environment or a secret store"),
                ),
                TokenKind::Unknown if is_password(&b.secret) => out.push(
                    Hit::new(b.range, format!("literal Basic header for {} carries an account password {m}, not an API token: Atlassian Cloud refuses passwords for REST (basic auth with passwords was removed in 2019)", b.user), format!("basic-password:{}:{m}", b.user))
                        .fix("create an API token for the account (id.atlassian.com > Security > API tokens; a service account's in admin.atlassian.com) and send email:token, loaded from the environment or a secret store"),
                ),
                _ => {}
            }
        }
    }
    for c in common::legacy_tokens(cx) {
        let m = mask(c.value);
        out.push(
            Hit::new(c.range, format!("legacy 24-character API token {m}: every token created before 2024-12-15 expired by 2026-05-12"), format!("legacy:{m}"))
                .fix("create a new API token (with an expiry) and load it from the environment or a secret store"),
        );
    }
}

/// Does a decoded Basic secret look like a password someone typed (and not a placeholder,
/// a variable or a token of a known kind)?
fn is_password(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    secret.len() >= 6
        && !crate::account::is_placeholder(secret)
        && !crate::account::is_variable(secret)
        && ![
            "password", "passwd", "secret", "token", "example", "sample", "dummy", "pass123",
        ]
        .iter()
        .any(|w| lower.contains(w))
        && secret
            .chars()
            .collect::<std::collections::HashSet<_>>()
            .len()
            >= 4
}
