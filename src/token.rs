//! What an Atlassian credential value is, judged offline by its form.
//!
//! Facts sheet §4: `ATATT3…=XXXXXXXX` user and service-account API tokens (scoped and
//! unscoped share the form) and `ATCTT3…=XXXXXXXX` access tokens / org admin API keys end
//! in 8 upper-case hex digits that are the CRC-32 (IEEE) of everything before them, the `=`
//! included. `ATOA` OAuth client secrets end in the CRC-32 of the preceding characters
//! without a `=`. `ATBB` Bitbucket app passwords are `ATBB` + 24 alphanumerics + 8 hex.
//! Legacy (pre-2023) tokens are 24 alphanumerics and all expired by 2026-05-12. Atlassian
//! says token length varies, so nothing here judges a token by its length alone.

/// The kind of a credential value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `ATATT3…`: an API token (personal or service account, scoped or not).
    ApiToken,
    /// `ATCTT3…`: a Bitbucket access token or an organization admin API key.
    AccessToken,
    /// `ATOA…`: an OAuth 2.0 client secret.
    OAuthClientSecret,
    /// `ATBB…`: a Bitbucket app password.
    AppPassword,
    /// 24 alphanumerics: a legacy pre-2023 API token.
    Legacy,
    /// Three dot-separated base64url parts: an OAuth access token or a Connect JWT.
    Jwt,
    /// Anything else.
    Unknown,
}

/// What every face says about one kind of credential: its name, why it fails where a
/// Jira/Confluence API token belongs (AT104) and what to do instead. [`TokenKind::describe`]
/// names kinds with it; lint's AT102 and AT104 and the doctor's credential checks word their
/// findings with it ([`KindWords::message`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindWords {
    /// The kind in a sentence: `OAuth 2.0 client secret`.
    pub name: &'static str,
    /// The prefix Atlassian gives it, when it has one: `ATOA`.
    pub prefix: Option<&'static str>,
    /// What it is not, where an API token belongs: `an API token or access token`.
    pub not: Option<&'static str>,
    /// Why it fails there (empty for an API token and an unrecognised value).
    pub why: &'static str,
    /// What to do instead (empty where nothing is wrong with the kind).
    pub fix: &'static str,
}

impl KindWords {
    /// `OAuth 2.0 client secret (ATOA)`.
    pub fn describe(&self) -> String {
        match self.prefix {
            Some(p) => format!("{} ({p})", self.name),
            None => self.name.to_string(),
        }
    }

    /// The AT104 sentence about a value of this kind (`masked` as [`crate::secret::mask`]
    /// shows it): `ATOA…3F2A is an OAuth 2.0 client secret (ATOA), not an API token or access
    /// token: …`.
    pub fn message(&self, masked: &str) -> String {
        let article = if self
            .name
            .starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u'])
        {
            "an"
        } else {
            "a"
        };
        // `{masked} is {article} {describe}{, not …}: {why}`, built in one string (AT104 says it
        // for each of 220,000 legacy tokens in a generated file; issue 12, class 5).
        let mut m = String::with_capacity(
            masked.len() + 32 + self.name.len() + self.not.map_or(0, str::len) + self.why.len(),
        );
        m.push_str(masked);
        m.push_str(" is ");
        m.push_str(article);
        m.push(' ');
        m.push_str(self.name);
        if let Some(p) = self.prefix {
            m.push_str(" (");
            m.push_str(p);
            m.push(')');
        }
        if let Some(n) = self.not {
            m.push_str(", not ");
            m.push_str(n);
        }
        m.push_str(": ");
        m.push_str(self.why);
        m
    }
}

/// An account password. It is no token kind (nothing tells one by its form), but where a face
/// finds one in place of an API token it is worded like one.
pub const PASSWORD: KindWords = KindWords {
    name: "account password",
    prefix: None,
    not: Some("an API token"),
    why: "Atlassian Cloud refuses account passwords for REST calls (Basic auth with passwords was removed in 2019)",
    fix: "create an API token for the account (id.atlassian.com > Security > API tokens; a service account's in admin.atlassian.com) and send email:token, loaded from the environment or a secret store",
};

impl TokenKind {
    /// The one table of credential kinds and their wording.
    pub fn words(self) -> KindWords {
        match self {
            TokenKind::ApiToken => KindWords {
                name: "Atlassian API token",
                prefix: None,
                not: None,
                why: "",
                fix: "",
            },
            TokenKind::AccessToken => KindWords {
                name: "Atlassian access token / organization admin API key",
                prefix: Some("ATCTT3"),
                not: Some("a Jira/Confluence API token"),
                why: "organization API keys only work on the admin APIs (api.atlassian.com/admin) with Bearer, Bitbucket access tokens only on Bitbucket",
                fix: "for Jira and Confluence create an API token (ATATT3…) for the account or service account",
            },
            TokenKind::OAuthClientSecret => KindWords {
                name: "OAuth 2.0 client secret",
                prefix: Some("ATOA"),
                not: Some("an API token or access token"),
                why: "a client secret is exchanged for an access token, never sent to an API",
                fix: "exchange the client ID and secret for an access token at https://auth.atlassian.com/oauth/token (grant_type=client_credentials) and send that as `Authorization: Bearer`, or use an API token with Basic auth",
            },
            TokenKind::AppPassword => KindWords {
                name: "Bitbucket app password",
                prefix: Some("ATBB"),
                not: None,
                why: "app passwords stopped working on 2026-06-09",
                fix: "create an API token and use it with the Atlassian account email (Bitbucket REST) or `x-bitbucket-api-token-auth` (git over HTTPS)",
            },
            TokenKind::Legacy => KindWords {
                name: "legacy 24-character API token",
                prefix: None,
                not: None,
                why: "every token created before 2024-12-15 expired by 2026-05-12",
                fix: "create a new API token (with an expiry) at id.atlassian.com > Security > API tokens (a service account's in admin.atlassian.com) and load it from the environment or a secret store",
            },
            TokenKind::Jwt => KindWords {
                name: "JWT (OAuth access token or Connect token)",
                prefix: None,
                not: Some("an API token"),
                why: "an OAuth access token goes in `Authorization: Bearer`, not in Basic",
                fix: "send an OAuth access token as `Authorization: Bearer` to api.atlassian.com; Basic needs email:API token",
            },
            TokenKind::Unknown => KindWords {
                name: "unrecognised credential",
                prefix: None,
                not: None,
                why: "",
                fix: "",
            },
        }
    }

    /// The kind's name with its prefix: `OAuth 2.0 client secret (ATOA)`.
    pub fn describe(self) -> String {
        self.words().describe()
    }
}

/// Result of the CRC-32 tail check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// The tail matches: the token is complete and untouched.
    Valid,
    /// The tail is well formed but does not match: truncated or mistyped.
    Mismatch,
    /// There is no `=` + 8 upper-case hex tail: truncated, or extra characters pasted after it.
    NoTail,
    /// The kind carries no known checksum.
    NotApplicable,
}

impl Checksum {
    /// AT103: a broken tail in a sentence, `malformed Atlassian token ATATT3…: its CRC-32 tail
    /// does not match: …`, as lint and the doctor both say it; `None` for a sound tail.
    pub fn problem(self, masked: &str) -> Option<String> {
        let why = match self {
            Checksum::Mismatch => {
                "its CRC-32 tail does not match: a character was changed or the token was cut and a wrong tail pasted"
            }
            Checksum::NoTail => {
                "it does not end in `=` and 8 upper-case hex digits: it was truncated, or extra characters were pasted after it"
            }
            Checksum::Valid | Checksum::NotApplicable => return None,
        };
        Some(format!("malformed Atlassian token {masked}: {why}"))
    }
}

/// AT301's fix: a Basic value that encodes a trailing newline. `tr -d '\n'`: GNU base64 also
/// wraps its output every 76 characters, and an API token's `email:token` is longer than
/// that (the doctor said `base64 -w0`, which BSD/macOS base64 does not take).
pub const BASIC_NEWLINE_FIX: &str = "encode without the newline: printf '%s' \"$EMAIL:$TOKEN\" | base64 | tr -d '\\n' (or echo -n), or let the client build the header: curl -u \"$EMAIL:$TOKEN\"";

/// AT103's fix for a broken tail.
pub const MALFORMED_FIX: &str = "copy the whole token again from where it was created (it is shown only once; otherwise create a new one); Atlassian says token length varies, so check the form, not the length";

/// What the offline check learned about a credential value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub kind: TokenKind,
    pub checksum: Checksum,
}

pub const API_TOKEN_PREFIX: &str = "ATATT3";
pub const ACCESS_TOKEN_PREFIX: &str = "ATCTT3";

fn is_upper_hex(s: &str) -> bool {
    s.len() == 8
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn crc_hex(data: &str) -> String {
    format!("{:08X}", crc32fast::hash(data.as_bytes()))
}

/// Check the `=XXXXXXXX` CRC tail of an `ATATT3` / `ATCTT3` token.
pub fn check_equals_tail(token: &str) -> Checksum {
    if token.len() < 10 || !token.is_char_boundary(token.len() - 8) {
        return Checksum::NoTail;
    }
    let (head, tail) = token.split_at(token.len() - 8);
    if !head.ends_with('=') || !is_upper_hex(tail) {
        return Checksum::NoTail;
    }
    if crc_hex(head) == tail {
        Checksum::Valid
    } else {
        Checksum::Mismatch
    }
}

/// Check the tail of an `ATOA` client secret: CRC-32 of everything before the last 8 chars.
pub fn check_plain_tail(token: &str) -> Checksum {
    if token.len() < 12 || !token.is_char_boundary(token.len() - 8) {
        return Checksum::NoTail;
    }
    let (head, tail) = token.split_at(token.len() - 8);
    if !is_upper_hex(tail) {
        return Checksum::NoTail;
    }
    if crc_hex(head) == tail {
        Checksum::Valid
    } else {
        Checksum::Mismatch
    }
}

fn is_legacy_shape(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn is_jwt_shape(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 3
        && s.starts_with("eyJ")
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Classify a credential value (already trimmed of quotes by the caller, if it wants that).
pub fn classify(value: &str) -> TokenInfo {
    let v = value;
    if v.starts_with(API_TOKEN_PREFIX) {
        return TokenInfo {
            kind: TokenKind::ApiToken,
            checksum: check_equals_tail(v),
        };
    }
    if v.starts_with(ACCESS_TOKEN_PREFIX) {
        return TokenInfo {
            kind: TokenKind::AccessToken,
            checksum: check_equals_tail(v),
        };
    }
    if v.starts_with("ATOA") {
        return TokenInfo {
            kind: TokenKind::OAuthClientSecret,
            checksum: check_plain_tail(v),
        };
    }
    if v.starts_with("ATBB") && v.len() >= 20 && v.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return TokenInfo {
            kind: TokenKind::AppPassword,
            checksum: Checksum::NotApplicable,
        };
    }
    if is_jwt_shape(v) {
        return TokenInfo {
            kind: TokenKind::Jwt,
            checksum: Checksum::NotApplicable,
        };
    }
    if is_legacy_shape(v) && crate::secret::looks_random(v) {
        return TokenInfo {
            kind: TokenKind::Legacy,
            checksum: Checksum::NotApplicable,
        };
    }
    TokenInfo {
        kind: TokenKind::Unknown,
        checksum: Checksum::NotApplicable,
    }
}

/// Decode the base64 of a Basic `email:token` value, the one way lint and the doctor both do:
/// the standard alphabet first, then the URL-safe one (some clients encode with it), padding
/// optional.
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let t = s.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(t)
        .or_else(|_| URL_SAFE_NO_PAD.decode(t))
        .ok()
}

/// Append a correct CRC tail to `head` (which must end in `=` for `ATATT3`/`ATCTT3`). Used by
/// tests and fixtures to build canary tokens.
pub fn with_crc_tail(head: &str) -> String {
    format!("{head}{}", crc_hex(head))
}

#[cfg(test)]
mod tests {

    /// The sentence built in one string is the one `format!` made.
    #[test]
    fn kind_message_is_the_formatted_sentence() {
        let kinds = [
            TokenKind::ApiToken,
            TokenKind::AccessToken,
            TokenKind::OAuthClientSecret,
            TokenKind::AppPassword,
            TokenKind::Legacy,
            TokenKind::Jwt,
            TokenKind::Unknown,
        ];
        for w in kinds.iter().map(|k| k.words()).chain([PASSWORD]) {
            let article = if w
                .name
                .starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u'])
            {
                "an"
            } else {
                "a"
            };
            let not = w.not.map_or(String::new(), |n| format!(", not {n}"));
            let want = format!("2Yw4aC…6NgI is {article} {}{not}: {}", w.describe(), w.why);
            assert_eq!(w.message("2Yw4aC…6NgI"), want);
        }
    }
    use super::*;

    #[test]
    fn base64_standard_then_url_safe() {
        // "a?b:c>d" encodes with `/` in standard base64 and `_` in URL-safe.
        assert_eq!(decode_base64("YT9iOmM+ZA=="), Some(b"a?b:c>d".to_vec()));
        assert_eq!(decode_base64("YT9iOmM-ZA"), Some(b"a?b:c>d".to_vec()));
        assert_eq!(
            decode_base64("dXNlcjp0b2tlbg"),
            Some(b"user:token".to_vec())
        );
        assert_eq!(decode_base64("not base64!"), None);
    }

    fn sample_head() -> String {
        let mut s = String::from("ATATT3xFfGF0");
        for i in 0..171 {
            s.push(
                b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"[(i * 7) % 64]
                    as char,
            );
        }
        s.push('=');
        s
    }

    #[test]
    fn crc_tail_valid_and_mismatch() {
        let token = with_crc_tail(&sample_head());
        assert_eq!(token.len(), 192);
        assert_eq!(classify(&token).checksum, Checksum::Valid);
        // Variable length is fine as long as the checksum holds.
        let short = with_crc_tail("ATATT3xFfGF0abcDEF123_-xyz=");
        assert_eq!(
            classify(&short),
            TokenInfo {
                kind: TokenKind::ApiToken,
                checksum: Checksum::Valid
            }
        );
        // One character changed.
        let mut typo = token.clone().into_bytes();
        typo[40] = if typo[40] == b'a' { b'b' } else { b'a' };
        assert_eq!(
            classify(std::str::from_utf8(&typo).unwrap()).checksum,
            Checksum::Mismatch
        );
        // Truncated.
        assert_eq!(classify(&token[..150]).checksum, Checksum::NoTail);
        // Extra character pasted after the tail.
        assert_eq!(classify(&format!("{token}x")).checksum, Checksum::NoTail);
    }

    #[test]
    fn other_kinds() {
        assert_eq!(
            classify(&with_crc_tail("ATCTT3xFfGN0abcdefghijkl=")).kind,
            TokenKind::AccessToken
        );
        let oa = with_crc_tail(&format!("ATOA{}", "a1B2c3D4".repeat(8)));
        assert_eq!(
            classify(&oa),
            TokenInfo {
                kind: TokenKind::OAuthClientSecret,
                checksum: Checksum::Valid
            }
        );
        assert_eq!(
            classify("ATBBa1b2c3d4e5f6g7h8i9j0k1l2C0FFEE12").kind,
            TokenKind::AppPassword
        );
        assert_eq!(classify("Xk93jfLq0Pz7Rm2Tb8Wc4Yd1").kind, TokenKind::Legacy);
        // A git commit hash prefix is not a legacy token (hex only, low class mix is allowed but
        // it is 40 chars, not 24).
        assert_eq!(
            classify("3f1c2a9b7e6d5c4b3a291807f6e5d4c3b2a19081").kind,
            TokenKind::Unknown
        );
        assert_eq!(
            classify("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl").kind,
            TokenKind::Jwt
        );
    }

    #[test]
    fn one_table_of_kinds() {
        for kind in [
            TokenKind::AccessToken,
            TokenKind::OAuthClientSecret,
            TokenKind::AppPassword,
            TokenKind::Legacy,
            TokenKind::Jwt,
        ] {
            let w = kind.words();
            assert!(!w.why.is_empty() && !w.fix.is_empty(), "{kind:?}");
        }
        assert!(TokenKind::ApiToken.words().fix.is_empty());
        assert_eq!(
            TokenKind::OAuthClientSecret.describe(),
            "OAuth 2.0 client secret (ATOA)"
        );
        assert_eq!(
            TokenKind::OAuthClientSecret.words().message("ATOA…1A2B"),
            "ATOA…1A2B is an OAuth 2.0 client secret (ATOA), not an API token or access token: a client secret is exchanged for an access token, never sent to an API"
        );
        assert_eq!(
            TokenKind::Legacy.words().message("Xk93…Yd1"),
            "Xk93…Yd1 is a legacy 24-character API token: every token created before 2024-12-15 expired by 2026-05-12"
        );
        assert!(
            PASSWORD
                .message("hu…2")
                .starts_with("hu…2 is an account password, not an API token: ")
        );
    }
}
