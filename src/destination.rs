//! Where a credential may go: one WHATWG URL parse (the `url` crate, the parser the HTTP client
//! uses) decides, and the host the allowlist checks is the host the connection goes to.
//!
//! ```
//! use atlcheck::destination::{self, Allowed};
//! let url = destination::parse("https://acme.atlassian.net/rest/api/3/myself").unwrap();
//! assert!(destination::check(&url, Allowed::Atlassian).is_ok());
//! // A client secret may go only to the token endpoint's host:
//! assert!(destination::check(&url, Allowed::Only("auth.atlassian.com")).is_err());
//! // A backslash ends the authority for a WHATWG parser: refused outright.
//! assert!(destination::parse(r"https://localhost\.atlassian.net/rest").is_err());
//! ```
//!
//! - [`parse`] accepts `http` and `https` URLs only and refuses a backslash where the authority
//!   is (`https://evil.example\@acme.atlassian.net/`: a WHATWG parser reads host
//!   `evil.example`, a naive splitter `acme.atlassian.net`).
//! - [`check`] refuses userinfo (`user:secret@`: a credential is never sent inside a URL), any
//!   scheme but https, and any host that [`Allowed`] does not name, on the parsed host.
//! - [`is_loopback`] decides on the parsed host too (`127.0.0.0/8`, `[::1]`, `localhost`), for
//!   `ATLCHECK_CONNECT_TO`, the only place plain http is accepted.
use url::{Host, Url};

/// The hosts a credential may be sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowed {
    /// Every Atlassian host that receives API credentials: `*.atlassian.net`,
    /// `api.atlassian.com`, `auth.atlassian.com` (SPEC, security invariants).
    Atlassian,
    /// Exactly this host (a client secret only to `auth.atlassian.com`, an admin key only to
    /// `api.atlassian.com`).
    Only(&'static str),
}

impl Allowed {
    /// Does this allowlist admit the (parsed, lower-case) host?
    pub fn permits(self, host: &str) -> bool {
        match self {
            // Letters, digits, `-` and `.` only: `evil.example;.atlassian.net` is no host name.
            Allowed::Atlassian => {
                host.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
                    && crate::surface::is_atlassian_api_host(host)
            }
            Allowed::Only(h) => host.eq_ignore_ascii_case(h),
        }
    }

    fn describe(self) -> String {
        match self {
            Allowed::Atlassian => {
                "*.atlassian.net, api.atlassian.com and auth.atlassian.com".to_string()
            }
            Allowed::Only(h) => h.to_string(),
        }
    }
}

/// Hold as a secret what a URL-like text carries as `user:secret@` after each `://`, before
/// the text is parsed, split or quoted in an error. A password with `#`, `?`, `/` or `,` in
/// it ends the authority early for a parser (and a list for a split on `,`), so an error would
/// quote the password and the output pattern for `://user:secret@` would never see its `@`
/// (issue 12, class 2). The userinfo runs to the last `@` before the next `://`; a `host:port`
/// (digits up to `/` or the end) is not a password. Returns whether there was one.
pub fn hold_userinfo(raw: &str) -> bool {
    let mut found = false;
    let mut rest = raw;
    while let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        let end = after.find("://").unwrap_or(after.len());
        if let Some(at) = after[..end].rfind('@')
            && let Some((user, secret)) = after[..at].split_once(':')
            && !user.contains(['/', '?', '#'])
        {
            let digits = secret.bytes().take_while(u8::is_ascii_digit).count();
            let port = digits > 0 && matches!(secret.as_bytes().get(digits), None | Some(b'/'));
            if !port {
                crate::secret::register(secret);
                found = true;
            }
        }
        rest = after;
    }
    found
}

/// Parse a URL the way the HTTP client will. Refuses what is not `http(s)://host…`, and a
/// backslash in the authority (one line, for exit 2).
pub fn parse(raw: &str) -> Result<Url, String> {
    let _ = hold_userinfo(raw);
    let shown = crate::secret::safe_text(raw);
    if backslash_in_authority(raw) {
        return Err(format!(
            "`{shown}` has a backslash in the host part: a URL parser reads the host up to it, so this URL does not go where it seems to; write the host with no backslash"
        ));
    }
    let url = Url::parse(raw.trim()).map_err(|e| format!("`{shown}` is not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{shown}` is not an http or https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{shown}` has no host"));
    }
    hold_query_secrets(&url);
    Ok(url)
}

/// Hold as a secret the value of every query (and fragment) parameter whose name says it is
/// one ([`crate::secret::names_a_secret`]: `?access_token=`, `?password=`, `?api_key=`,
/// `#jwt=`). The doctor sends the URL as given; a server that echoes its query (an error
/// quoting the request) would otherwise show a credential the process sent but did not hold
/// (issue 12, class 2).
pub fn hold_query_secrets(url: &Url) {
    let fragment = url
        .fragment()
        .map(|f| form_urlencoded::parse(f.as_bytes()).collect::<Vec<_>>())
        .unwrap_or_default();
    for (k, v) in url.query_pairs().chain(fragment) {
        if crate::secret::names_a_secret(&k) && !v.trim().is_empty() {
            crate::secret::register(&v);
        }
    }
}

/// Is there a `\` before the path starts (`scheme:` then the authority)? WHATWG parsers treat
/// it as `/` in special schemes, so the host ends there.
pub fn backslash_in_authority(raw: &str) -> bool {
    let s = raw.trim();
    let rest = match s.find(':') {
        Some(i)
            if s[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) =>
        {
            &s[i + 1..]
        }
        _ => s,
    };
    let lead = rest.len() - rest.trim_start_matches(['/', '\\']).len();
    if rest[..lead].contains('\\') {
        return true;
    }
    let authority_end = rest[lead..].find(['/', '\\', '?', '#']).map(|i| i + lead);
    authority_end.is_some_and(|i| rest.as_bytes()[i] == b'\\')
}

/// The lower-case host as the connection will use it (IPv6 literals in brackets).
pub fn host(url: &Url) -> String {
    match url.host() {
        Some(Host::Ipv6(a)) => format!("[{a}]"),
        Some(h) => h.to_string().to_ascii_lowercase(),
        None => String::new(),
    }
}

/// May a credential be sent to this URL under `allowed`?
pub fn check(url: &Url, allowed: Allowed) -> Result<(), String> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "the URL carries a user name or password: atlcheck never sends a credential inside a URL"
                .to_string(),
        );
    }
    let host = host(url);
    if !allowed.permits(&host) {
        return Err(format!(
            "{} is not an Atlassian host that may receive this credential; atlcheck sends it only to {}",
            crate::secret::safe_text(&host),
            allowed.describe()
        ));
    }
    if url.scheme() != "https" {
        return Err(format!(
            "refusing to send a credential over {}://",
            url.scheme()
        ));
    }
    Ok(())
}

/// A loopback host, decided on the parsed host: `127.0.0.0/8`, `::1`, `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(a)) => a.is_loopback(),
        Some(Host::Ipv6(a)) => a.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The user name and password of `https://user:secret@host/…`, percent-decoded; `None` when
/// the URL has no password.
pub fn userinfo(url: &Url) -> Option<(String, String)> {
    let pass = url.password()?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    Some((decode(url.username()), decode(pass)))
}

/// The URL with its userinfo removed (what may be shown, stored and sent).
pub fn without_userinfo(url: &Url) -> Url {
    let mut u = url.clone();
    let _ = u.set_username("");
    let _ = u.set_password(None);
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslashes_before_the_path_are_refused() {
        for raw in [
            r"https://localhost\.atlassian.net/rest/api/3/myself",
            r"https://evil.example\@acme.atlassian.net/rest",
            r"https:\\evil.example/rest",
            r"https:/\acme.atlassian.net/",
            r"https://acme.atlassian.net\",
        ] {
            assert!(parse(raw).is_err(), "{raw}");
        }
        assert!(parse(r"https://acme.atlassian.net/rest\api").is_ok());
        assert!(parse(r"https://acme.atlassian.net/?q=a\b").is_ok());
    }

    #[test]
    fn allowlist_on_the_parsed_host() {
        let ok = |s: &str| check(&parse(s).unwrap(), Allowed::Atlassian).is_ok();
        assert!(ok("https://acme.atlassian.net/rest"));
        assert!(ok("https://ACME.Atlassian.NET/rest"));
        assert!(ok("https://api.atlassian.com/ex/jira/x"));
        assert!(!ok("https://acme.atlassian.net@evil.example/rest"));
        assert!(!ok("https://evil.example#@acme.atlassian.net/"));
        assert!(!ok("https://evil.example?.atlassian.net/"));
        assert!(!ok("https://acme.atlassian.net.evil.example/"));
        assert!(!ok("https://evil.example;.atlassian.net/"));
        assert!(!ok("http://acme.atlassian.net/rest"));
        assert!(!ok("https://me:pw@acme.atlassian.net/rest"));
        let only = Allowed::Only("auth.atlassian.com");
        assert!(
            check(
                &parse("https://auth.atlassian.com/oauth/token").unwrap(),
                only
            )
            .is_ok()
        );
        assert!(
            check(
                &parse("https://api.atlassian.com/oauth/token").unwrap(),
                only
            )
            .is_err()
        );
    }

    #[test]
    fn loopback_and_userinfo() {
        for (s, lo) in [
            ("http://127.0.0.1:9/", true),
            ("http://127.9.9.9/", true),
            ("http://[::1]:80/", true),
            ("http://LOCALHOST/", true),
            ("http://0x7f.1/", true),
            ("http://localhost.evil.example/", false),
            ("http://10.0.0.1/", false),
        ] {
            assert_eq!(is_loopback(&parse(s).unwrap()), lo, "{s}");
        }
        let u = parse("https://jane%40acme.com:p%3Ass@acme.atlassian.net/x").unwrap();
        assert_eq!(
            userinfo(&u),
            Some(("jane@acme.com".to_string(), "p:ss".to_string()))
        );
        assert_eq!(
            without_userinfo(&u).as_str(),
            "https://acme.atlassian.net/x"
        );
    }
}
