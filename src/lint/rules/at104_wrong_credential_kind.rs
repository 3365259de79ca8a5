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
    for c in common::legacy_tokens(cx) {
        let m = mask(c.value);
        out.push(
            Hit::new(c.range, format!("legacy 24-character API token {m}: every token created before 2024-12-15 expired by 2026-05-12"), format!("legacy:{m}"))
                .fix("create a new API token (with an expiry) and load it from the environment or a secret store"),
        );
    }
}
