//! AT104 wrong-credential-kind: a credential of the wrong kind where an API token belongs:
//! an OAuth client secret, an org admin API key / access token, a Bitbucket app password
//! or an expired legacy token.
use super::common;
use crate::lint::{Cx, Hit};
use crate::secret::mask;
use crate::token::{self, TokenKind};

/// The symbols that make a typed password (no token kind carries them).
const TYPED_SYMBOLS: &[u8] = b"!#%^&*?@~+,;";

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let slot = cx.pattern("api-token-slot");
    for c in common::prefixed_tokens(cx).iter() {
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
        out.push(Hit::new(c.range.clone(), msg, format!("{:?}:{m}", c.info.kind)).fix(fix));
    }
    // A literal Basic value: an account password (or an expired legacy token) where an API
    // token belongs.
    // Jira and Confluence Server and Data Center take account passwords: a file that calls a
    // self-hosted host and names no Cloud one holds no password finding. Decided once, and only
    // for a file with a password candidate.
    let first = out.len();
    if cx.atlassian_context() {
        // Cloud's Basic user is an email; a bare login is a Cloud account only in a file that
        // calls a Cloud site.
        let cloud = common::calls_cloud(cx);
        for b in common::basic_values(cx) {
            if !(crate::account::is_email(&b.user) || cloud)
                || crate::account::is_placeholder(&b.user)
                || crate::account::is_variable(&b.user)
            {
                continue;
            }
            let m = mask(&b.secret);
            let (words, key) = match crate::token::classify(&b.secret).kind {
                TokenKind::Legacy => (TokenKind::Legacy.words(), format!("basic-legacy:{m}")),
                TokenKind::Unknown if common::is_password(&b.secret) => {
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
    // A literal account password handed to Basic auth (directly, or through variables the
    // file assigns literally). A user that is not an email is a Data Center login unless the
    // file calls a Cloud site.
    if cx.atlassian_context() {
        let cloud = common::calls_cloud(cx);
        let mut taken: Vec<std::ops::Range<usize>> = Vec::new();
        for p in common::literal_pairs(cx) {
            if !common::is_password(&p.secret) || !(crate::account::is_email(&p.user) || cloud) {
                continue;
            }
            taken.push(p.range.clone());
            let m = mask(&p.secret);
            out.push(
                Hit::new(
                    p.range,
                    format!("Basic auth for {}: {}", p.user, token::PASSWORD.message(&m)),
                    format!("pair-password:{}:{m}", p.user),
                )
                .fix(token::PASSWORD.fix),
            );
        }
        // A typed password in an API token's slot (`apiToken: 'Summer#2024'`) beside the
        // email of its user: letters, digits and a symbol no token kind carries.
        // A typed password has a symbol: a slot whose whole match has none is passed over
        // without a capture pass (a file of 220,000 `JIRA_TOKEN="…"` lines; issue 12, class 5).
        let slot_literal = cx.pattern("token-slot-literal");
        // Searched only on the lines that hold its words ([`common::token_slot_literals`]).
        for whole in common::token_slot_literals(cx) {
            if !cx.text.as_bytes()[whole.clone()]
                .iter()
                .any(|b| TYPED_SYMBOLS.contains(b))
            {
                continue;
            }
            // The same match, found again from where it starts, with its groups.
            let Some(caps) = slot_literal.captures_at(cx.text, whole.start) else {
                continue;
            };
            let Some(v) = caps.name("secret") else {
                continue;
            };
            let secret = v.as_str();
            let typed = secret.bytes().any(|b| b.is_ascii_alphabetic())
                && secret.bytes().any(|b| b.is_ascii_digit())
                && secret.bytes().any(|b| TYPED_SYMBOLS.contains(&b));
            if !typed
                || !common::is_password(secret)
                || crate::token::classify(secret).kind != TokenKind::Unknown
                || taken.iter().any(|r| r.start < v.end() && v.start() < r.end)
            {
                continue;
            }
            let window = common::lines_around(cx, v.start(), 4);
            let Some(user) = common::email_in(cx.pattern("slot-user-email"), window) else {
                continue;
            };
            taken.push(v.range());
            let m = mask(secret);
            out.push(
                Hit::new(
                    v.range(),
                    format!(
                        "API token slot for {user} holds a password: {}",
                        token::PASSWORD.message(&m)
                    ),
                    format!("slot-password:{user}:{m}"),
                )
                .fix(token::PASSWORD.fix),
            );
        }
        // The same in a credential's secret slot written as keys or arguments.
        for p in common::password_slots(cx) {
            if taken
                .iter()
                .any(|r| r.start < p.range.end && p.range.start < r.end)
            {
                continue;
            }
            let m = mask(&p.secret);
            out.push(
                Hit::new(
                    p.range,
                    format!("password for {}: {}", p.user, token::PASSWORD.message(&m)),
                    format!("slot-password:{}:{m}", p.user),
                )
                .fix(token::PASSWORD.fix),
            );
        }
    }
    if out.len() > first && super::at207_removed_endpoint::self_hosted_file(cx) {
        out.truncate(first);
    }
    let legacy = TokenKind::Legacy.words();
    for c in common::legacy_tokens(cx) {
        let m = mask(c.value);
        out.push(
            Hit::new(
                c.range.clone(),
                legacy.message(&m),
                ["legacy:", &m].concat(),
            )
            .fix(legacy.fix),
        );
    }
}
