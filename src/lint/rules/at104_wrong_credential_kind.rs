//! AT104 wrong-credential-kind: a credential of the wrong kind where an API token belongs:
//! an OAuth client secret, an org admin API key / access token, a Bitbucket app password
//! or an expired legacy token.
use super::common;
use crate::lint::{Cx, Hit};
use crate::secret::mask;
use crate::token::{self, TokenKind};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let slot = cx.pattern("api-token-slot");
    for c in common::prefixed_tokens(cx) {
        let m = mask(c.value);
        let before = common::line_prefix(cx, c.range.start);
        let in_slot = slot.is_match(before);
        // Words from the one table of kinds (token::TokenKind::words), as the doctor says them.
        let fits = match c.info.kind {
            TokenKind::OAuthClientSecret => in_slot || before.trim_end().ends_with("Bearer"),
            TokenKind::AccessToken | TokenKind::AppPassword => in_slot,
            _ => false,
        };
        if !fits {
            continue;
        }
        let words = c.info.kind.words();
        let (msg, fix) = (words.message(&m), words.fix);
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
            let (words, key) = match crate::token::classify(&b.secret).kind {
                TokenKind::Legacy => (TokenKind::Legacy.words(), format!("basic-legacy:{m}")),
                TokenKind::Unknown if is_password(&b.secret) => {
                    (token::PASSWORD, format!("basic-password:{}:{m}", b.user))
                }
                _ => continue,
            };
            out.push(
                Hit::new(
                    b.range,
                    format!("literal Basic header for {}: {}", b.user, words.message(&m)),
                    key,
                )
                .fix(words.fix),
            );
        }
    }
    let legacy = TokenKind::Legacy.words();
    for c in common::legacy_tokens(cx) {
        let m = mask(c.value);
        out.push(Hit::new(c.range, legacy.message(&m), format!("legacy:{m}")).fix(legacy.fix));
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
