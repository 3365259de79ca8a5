//! The credential under diagnosis, and what can be learned about it offline.
use base64::Engine;
use serde::Serialize;

use crate::account::{self, User};
use crate::catalogue::Code;
use crate::secret::{Secret, mask};
use crate::token::{self, Checksum, TokenKind};

/// The credential as the script sends it.
#[derive(Debug, Clone)]
pub enum Credential {
    /// An email and an API token, sent as Basic `base64(email:token)`.
    Basic { email: String, token: Secret },
    /// A whole `Authorization` header value, sent exactly as given.
    Header(Secret),
}

/// Where the credential came from, for the report (never the value).
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    pub email: Option<String>,
    pub token: String,
}

/// What the offline checks found in a credential.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Analysis {
    /// `basic`, `bearer`, or another scheme.
    pub scheme: String,
    /// The Basic user, when readable.
    pub user: Option<String>,
    /// `service-account`, `person`, `placeholder`, `not-email`, `unknown`.
    pub user_kind: String,
    /// The secret part, masked.
    pub token_masked: Option<String>,
    /// The token kind, in words.
    pub token_kind: Option<String>,
    #[serde(skip)]
    pub kind: Option<TokenKind>,
    #[serde(skip)]
    pub checksum: Option<Checksum>,
    /// Problems of form: (rule, message, fix).
    #[serde(skip)]
    pub problems: Vec<(Code, String, String)>,
    /// The header value with the form problems that can be repaired (whitespace, quotes,
    /// trailing newline) repaired, to confirm a diagnosis live.
    #[serde(skip)]
    pub repaired: Option<Secret>,
}

impl Credential {
    /// The `Authorization` header value to send.
    pub fn header(&self) -> Secret {
        match self {
            Credential::Basic { email, token } => Secret::new(basic_value(email, token.expose())),
            Credential::Header(h) => h.clone(),
        }
    }
}

pub fn basic_value(user: &str, secret: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{secret}"))
    )
}

fn b64_decode(s: &str) -> Option<Vec<u8>> {
    crate::token::decode_base64(s)
}

/// An Atlassian account ID: `557058:…` or 24 hex characters.
fn looks_like_account_id(s: &str) -> bool {
    let hex24 = s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit());
    let prefixed = s.split_once(':').is_some_and(|(a, b)| {
        a.len() == 6 && a.bytes().all(|c| c.is_ascii_digit()) && b.len() >= 20
    });
    hex24 || prefixed
}

/// Check a token value's form: kind, checksum, stray characters.
fn check_token(raw: &str, a: &mut Analysis) -> String {
    let mut clean = raw.to_string();
    if raw.ends_with('\n') || raw.ends_with('\r') {
        a.problems.push((
            Code::AT103,
            format!("the token {} ends in a line break", mask(raw.trim_end())),
            "remove the line break (read the token with `tr -d '\\r\\n'` or `.strip()`)"
                .to_string(),
        ));
    } else if raw != raw.trim() {
        a.problems.push((
            Code::AT103,
            format!("the token {} has surrounding whitespace", mask(raw.trim())),
            "remove the whitespace around the token".to_string(),
        ));
    }
    clean = clean.trim().to_string();
    if clean.len() >= 2
        && (clean.starts_with('"') && clean.ends_with('"')
            || clean.starts_with('\'') && clean.ends_with('\''))
    {
        a.problems.push((
            Code::AT103,
            "the token is wrapped in quotes that are part of the value".to_string(),
            "remove the quotes from the stored value".to_string(),
        ));
        clean = clean[1..clean.len() - 1].to_string();
    }
    let info = token::classify(&clean);
    a.kind = Some(info.kind);
    a.checksum = Some(info.checksum);
    a.token_kind = Some(info.kind.describe().to_string());
    a.token_masked = Some(mask(&clean));
    // Lint's AT103 words (token::Checksum::problem).
    let tail_judged = match info.kind {
        TokenKind::ApiToken | TokenKind::AccessToken => true,
        TokenKind::OAuthClientSecret => info.checksum == Checksum::Mismatch,
        _ => false,
    };
    if let Some(message) = tail_judged
        .then(|| info.checksum.problem(&mask(&clean)))
        .flatten()
    {
        a.problems
            .push((Code::AT103, message, token::MALFORMED_FIX.to_string()));
    }
    // The kind's words from the one table (token::TokenKind::words), as lint says them.
    let wrong = match info.kind {
        TokenKind::OAuthClientSecret
        | TokenKind::AccessToken
        | TokenKind::AppPassword
        | TokenKind::Legacy => Some(info.kind.words().message(&mask(&clean))),
        TokenKind::Jwt if a.scheme == "basic" => Some(format!(
            "the Basic password {}",
            info.kind.words().message(&mask(&clean))
        )),
        _ => None,
    };
    if let Some(message) = wrong {
        a.problems
            .push((Code::AT104, message, info.kind.words().fix.to_string()));
    } else if info.kind == TokenKind::Unknown
        && a.scheme == "basic"
        && clean.len() < 24
        && !clean.is_empty()
    {
        // Short, no prefix: most likely an account password (nothing tells one for sure).
        a.problems.push((
            Code::AT104,
            format!(
                "the Basic password {} is short and has no token prefix: an account password? {}",
                mask(&clean),
                token::PASSWORD.why
            ),
            token::PASSWORD.fix.to_string(),
        ));
    }
    clean
}

/// Analyse a credential offline.
pub fn analyse(cred: &Credential, allowed_service_accounts: &[String]) -> Analysis {
    let mut a = Analysis::default();
    let set_user = |a: &mut Analysis, user: &str| {
        a.user = Some(user.to_string());
        a.user_kind = match account::classify_user(user, allowed_service_accounts) {
            User::ServiceAccount => "service-account",
            User::Person(_) => "person",
            User::Placeholder => "placeholder",
            User::NotEmail => "not-email",
            User::Variable => "unknown",
        }
        .to_string();
    };
    match cred {
        Credential::Basic { email, token } => {
            a.scheme = "basic".to_string();
            set_user(&mut a, email);
            if email != email.trim() {
                a.problems.push((
                    Code::AT304,
                    "the email has surrounding whitespace".to_string(),
                    "remove the whitespace around the email".to_string(),
                ));
            }
            let clean = check_token(token.expose(), &mut a);
            if clean != token.expose() {
                a.repaired = Some(Secret::new(basic_value(email.trim(), &clean)));
            }
        }
        Credential::Header(h) => {
            let value = h.expose();
            let trimmed = value.trim();
            let (scheme, rest) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
            a.scheme = scheme.to_ascii_lowercase();
            match a.scheme.as_str() {
                "basic" => analyse_basic(rest.trim(), &mut a, &set_user),
                "bearer" => {
                    let clean = check_token(rest, &mut a);
                    if matches!(a.kind, Some(TokenKind::ApiToken | TokenKind::Legacy)) {
                        a.problems.push((
                            Code::AT303,
                            format!("the API token {} is sent as a Bearer token; API tokens use Basic email:token", mask(&clean)),
                            "send `Authorization: Basic base64(email:token)` (curl -u \"$EMAIL:$TOKEN\")".to_string(),
                        ));
                    }
                    if scheme != "Bearer" || rest.starts_with(' ') {
                        a.problems.push((
                            Code::AT304,
                            format!("the scheme is written `{scheme}` with {} space(s); Atlassian reads only `Bearer` followed by exactly one space", 1 + rest.len() - rest.trim_start().len()),
                            "write the header as `Authorization: Bearer <token>`".to_string(),
                        ));
                    }
                }
                other => a.problems.push((
                    Code::AT304,
                    format!("the Authorization scheme `{other}` is neither Basic nor Bearer"),
                    "API tokens use `Authorization: Basic base64(email:token)`; OAuth access tokens use `Bearer`".to_string(),
                )),
            }
        }
    }
    a
}

fn analyse_basic(b64: &str, a: &mut Analysis, set_user: &dyn Fn(&mut Analysis, &str)) {
    const FIX: &str = "build the header from the email and the token: printf '%s' \"$EMAIL:$TOKEN\" | base64 | tr -d '\\n', or curl -u \"$EMAIL:$TOKEN\"";
    let Some(bytes) = b64_decode(b64) else {
        a.problems.push((
            Code::AT304,
            "the Basic value is not valid base64".to_string(),
            FIX.to_string(),
        ));
        return;
    };
    let Ok(mut decoded) = String::from_utf8(bytes) else {
        a.problems.push((
            Code::AT304,
            "the Basic value does not decode to text".to_string(),
            FIX.to_string(),
        ));
        return;
    };
    // Encoded twice: the decoded text is itself base64 of user:secret.
    if !decoded.contains(':')
        && let Some(inner) = b64_decode(decoded.trim()).and_then(|b| String::from_utf8(b).ok())
        && inner.contains(':')
    {
        a.problems.push((
            Code::AT304,
            "the Basic value is base64-encoded twice".to_string(),
            FIX.to_string(),
        ));
        decoded = inner;
    }
    let newline = decoded.ends_with('\n') || decoded.ends_with('\r');
    if newline {
        a.problems.push((
            Code::AT301,
            "the encoded email:token ends in a line break (`echo` without -n)".to_string(),
            token::BASIC_NEWLINE_FIX.to_string(),
        ));
    }
    let body = decoded.trim_end_matches(['\n', '\r']);
    let Some((user, secret)) = body.split_once(':') else {
        a.problems.push((
            Code::AT304,
            "the decoded Basic value has no `:` between email and token".to_string(),
            FIX.to_string(),
        ));
        return;
    };
    set_user(a, user);
    if looks_like_account_id(user) {
        a.problems.push((
            Code::AT304,
            "the Basic user is an Atlassian account ID; Basic auth needs the account's email address".to_string(),
            "use the email address of the account that created the token".to_string(),
        ));
    } else if !account::is_email(user) {
        a.problems.push((
            Code::AT304,
            format!("the Basic user `{user}` is not an email address; Atlassian Cloud needs the account email"),
            "use the email address of the account that created the token".to_string(),
        ));
    }
    let clean = check_token(secret, a);
    if newline || clean != secret {
        a.repaired = Some(Secret::new(basic_value(user.trim(), &clean)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> String {
        token::with_crc_tail("ATATT3xFfGF0abcdefghijklmnopqrstuvwxyzABCDEFGH0123456789=")
    }

    fn codes(a: &Analysis) -> Vec<Code> {
        a.problems.iter().map(|p| p.0).collect()
    }

    #[test]
    fn clean_basic() {
        let a = analyse(
            &Credential::Basic {
                email: "bot-x1@serviceaccount.atlassian.com".into(),
                token: Secret::new(token()),
            },
            &[],
        );
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        assert_eq!(a.user_kind, "service-account");
    }

    #[test]
    fn newline_whitespace_and_crc() {
        let h = Secret::new(basic_value("jane@acme.com", &format!("{}\n", token())));
        let a = analyse(&Credential::Header(h), &[]);
        assert!(codes(&a).contains(&Code::AT301), "{:?}", a.problems);
        assert!(a.repaired.is_some());
        let mut t = token();
        t.truncate(40);
        let a = analyse(
            &Credential::Basic {
                email: "jane@acme.com".into(),
                token: Secret::new(format!(" {t} ")),
            },
            &[],
        );
        assert_eq!(codes(&a), vec![Code::AT103, Code::AT103]);
    }

    #[test]
    fn header_shapes() {
        let a = analyse(
            &Credential::Header(Secret::new(format!("Bearer {}", token()))),
            &[],
        );
        assert!(codes(&a).contains(&Code::AT303));
        let double = base64::engine::general_purpose::STANDARD
            .encode(&basic_value("a@b.co", &token()).as_bytes()[6..]);
        let a = analyse(
            &Credential::Header(Secret::new(format!("Basic {double}"))),
            &[],
        );
        assert!(codes(&a).contains(&Code::AT304));
        let a = analyse(
            &Credential::Header(Secret::new(basic_value(
                "557058:f1e2d3c4-b5a6-4789-8abc-def012345678",
                &token(),
            ))),
            &[],
        );
        assert!(codes(&a).contains(&Code::AT304));
        let a = analyse(&Credential::Header(Secret::new("Basic bm9jb2xvbg==")), &[]);
        assert_eq!(codes(&a), vec![Code::AT304]);
        let a = analyse(
            &Credential::Basic {
                email: "jane@acme.com".into(),
                token: Secret::new("hunter2"),
            },
            &[],
        );
        assert_eq!(codes(&a), vec![Code::AT104]);
    }
}
