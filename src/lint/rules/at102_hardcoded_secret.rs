//! AT102 hardcoded-secret: a literal Atlassian secret in a file.
use super::common::{self, basic_values, is_real_secret};
use crate::lint::{Cx, Hit};
use crate::secret::mask;
use crate::token::{Checksum, TokenKind};

const FIX: &str = "revoke this credential (id.atlassian.com > Security > API tokens, or admin.atlassian.com for service accounts), create a new one, and load it from the environment or a secret store instead of the file";

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for c in common::prefixed_tokens(cx).iter() {
        // A token split over joined literals (`"ATATT3…" +` / `"…"`) is read whole.
        let joined = match c.info.checksum {
            Checksum::Valid => None,
            _ => common::joined_token(cx, &c.range),
        };
        let (range, value, info) = match &joined {
            Some((range, whole)) => (range.clone(), whole.as_str(), crate::token::classify(whole)),
            None => (c.range.clone(), c.value, c.info.clone()),
        };
        // The kind's name from the one table (token::TokenKind::words); the value shows its
        // prefix.
        let name = info.kind.words().name;
        let what = match (info.kind, info.checksum) {
            (
                TokenKind::ApiToken | TokenKind::AccessToken | TokenKind::OAuthClientSecret,
                Checksum::Valid,
            ) => format!("{name} (checksum valid)"),
            (TokenKind::OAuthClientSecret, _) if c.value.len() >= 60 => name.to_string(),
            (TokenKind::AppPassword, _) => name.to_string(),
            // A long token whose checksum fails is still a literal secret (a character
            // mistyped, or cut short); AT103 reports the broken form as well.
            (TokenKind::ApiToken, _) if value.len() >= 100 => {
                format!("{name} (checksum does not match: mistyped or cut)")
            }
            (TokenKind::AccessToken, _) if value.len() >= 100 => {
                format!("{name} (checksum does not match)")
            }
            _ => continue,
        };
        let what = if joined.is_some() {
            format!("{what}, split over joined string literals,")
        } else {
            what
        };
        let m = mask(value);
        out.push(
            Hit::new(
                range,
                format!("hard-coded {what} {m}"),
                format!("{:?}:{m}", info.kind),
            )
            .fix(FIX),
        );
    }
    for c in common::legacy_tokens(cx) {
        let m = mask(c.value);
        out.push(
            Hit::new(
                c.range.clone(),
                // One allocation each, of the right size (220,000 tokens in a generated file).
                ["hard-coded ", TokenKind::Legacy.words().name, " ", &m].concat(),
                ["legacy:", &m].concat(),
            )
            .fix(FIX),
        );
    }
    for b in basic_values(cx) {
        let is_email = crate::account::is_email(&b.user);
        if !is_real_secret(&b.secret)
            || !(is_email || crate::token::classify(&b.secret).kind != TokenKind::Unknown)
        {
            continue;
        }
        if crate::account::is_placeholder(&b.user) && !is_real_secret(&b.secret) {
            continue;
        }
        let m = mask(&b.secret);
        out.push(
            Hit::new(
                b.range,
                format!("literal Basic header carries the credential {}:{m}", b.user),
                format!("basic:{}:{m}", b.user),
            )
            .fix(format!(
                "{FIX}; build the header at run time from the email and a token in the environment"
            )),
        );
    }
}
