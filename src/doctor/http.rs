//! The doctor's only door to the network.
//!
//! - Every URL is parsed once, by [`crate::destination::parse`] (WHATWG, the parser the client
//!   uses), and the parsed [`url::Url`] is what the client is given: the host the allowlist
//!   checks is the host the connection goes to.
//! - Credentials go only to Atlassian hosts (`*.atlassian.net`, `api.atlassian.com`,
//!   `auth.atlassian.com`; [`Http::send_to`] narrows that to one host) or to what
//!   `ATLCHECK_CONNECT_TO` maps them to (SPEC, security invariants); plain http only to a
//!   loopback target named there, and never through a proxy.
//! - Redirects are never followed: a 3xx is evidence, and a credential never crosses to
//!   another host.
//! - Every request has a timeout; bodies are read up to [`BODY_CAP`] bytes.
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde::Serialize;

use url::Url;

use crate::destination::{self, Allowed};
use crate::secret::Secret;

/// Largest response body read; the rest is discarded.
pub const BODY_CAP: usize = 64 * 1024;

/// `ATLCHECK_CONNECT_TO`: `HOST=BASE_URL` pairs, each target parsed once.
#[derive(Debug, Clone, Default)]
pub struct ConnectTo {
    map: Vec<(String, Url)>,
}

impl ConnectTo {
    /// Parse `api.atlassian.com=http://127.0.0.1:8080,acme.atlassian.net=http://127.0.0.1:8081`.
    pub fn parse(spec: &str) -> Result<ConnectTo, String> {
        let mut map = Vec::new();
        // A target takes no user name or password; one may hold the `,` this splits on, so
        // it is held and refused before the split, and no part of the value is quoted.
        if destination::hold_userinfo(spec) {
            return Err(
                "ATLCHECK_CONNECT_TO: a target carries a user name or password (`user:secret@`); targets take none (not shown)"
                    .to_string(),
            );
        }
        for pair in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (host, base) = pair.split_once('=').ok_or_else(|| {
                format!("ATLCHECK_CONNECT_TO entry `{pair}` is not HOST=BASE_URL")
            })?;
            let base = destination::parse(base.trim())
                .map_err(|e| format!("ATLCHECK_CONNECT_TO target: {e}"))?;
            if !base.username().is_empty() || base.password().is_some() {
                return Err(format!(
                    "ATLCHECK_CONNECT_TO target `{}` carries a user name or password",
                    crate::secret::safe_text(base.as_str())
                ));
            }
            if base.scheme() == "http" && !destination::is_loopback(&base) {
                return Err(format!(
                    "ATLCHECK_CONNECT_TO target `{}`: plain http is accepted only to a loopback host (127.0.0.0/8, [::1], localhost)",
                    crate::secret::safe_text(base.as_str())
                ));
            }
            map.push((host.trim().trim_end_matches('.').to_ascii_lowercase(), base));
        }
        Ok(ConnectTo { map })
    }

    pub fn from_env() -> Result<ConnectTo, String> {
        match std::env::var("ATLCHECK_CONNECT_TO") {
            Ok(v) => ConnectTo::parse(&v),
            Err(_) => Ok(ConnectTo::default()),
        }
    }

    /// The URL actually contacted for a logical `https://HOST/path` URL: the mapped target
    /// with the logical path and query, or the logical URL itself.
    pub fn physical(&self, url: &Url) -> Url {
        let host = destination::host(url);
        match self.map.iter().find(|(h, _)| *h == host) {
            Some((_, base)) => {
                let mut p = base.clone();
                let prefix = base.path().trim_end_matches('/');
                p.set_path(&format!("{prefix}{}", url.path()));
                p.set_query(url.query());
                p
            }
            None => url.clone(),
        }
    }
}

/// How to authenticate a probe.
#[derive(Debug, Clone)]
pub enum Auth {
    None,
    /// A whole `Authorization` header value.
    Header(Secret),
    /// A whole `Authorization` header value that may go to this host only (an OAuth access
    /// token: `api.atlassian.com`).
    Pinned(Secret, &'static str),
}

/// Response headers that decide a diagnosis, kept as evidence.
pub const EVIDENCE_HEADERS: &[&str] = &[
    "www-authenticate",
    "x-aaccountid",
    "x-seraph-loginreason",
    "x-authentication-denied-reason",
    "x-failure-category",
    "retry-after",
    "ratelimit-reason",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "x-arequestid",
    "location",
    "content-type",
];

/// One HTTP exchange, as evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Exchange {
    pub method: String,
    /// The URL as Atlassian would see it (before `ATLCHECK_CONNECT_TO`), secrets masked.
    pub url: String,
    pub authenticated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub headers: BTreeMap<String, String>,
    /// The start of the body, secrets masked.
    pub body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub elapsed_ms: u64,
    #[serde(skip)]
    pub full_body: String,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
    /// `GET https://… → 401`
    pub fn summary(&self) -> String {
        match (self.status, &self.error) {
            (Some(s), _) => format!("{} {} → {s}", self.method, self.url),
            (None, Some(e)) => format!("{} {} → {e}", self.method, self.url),
            (None, None) => format!("{} {}", self.method, self.url),
        }
    }
}

/// The proxy variables https requests consult, in the order the client reads them: the first
/// of each pair that is set wins, and `ALL_PROXY` is the fallback when no https one is set.
const PROXY_VARS: [[&str; 2]; 2] = [["HTTPS_PROXY", "https_proxy"], ["ALL_PROXY", "all_proxy"]];

/// Refuse a proxy variable the client would silently ignore (SPEC, environment: `HTTPS_PROXY`
/// is honoured). Without this a mistyped `HTTPS_PROXY` sends every request direct, which behind
/// a corporate proxy ends in a timeout that names no cause. The value is never quoted: a proxy
/// URL may carry a password.
fn proxy_from_env() -> Result<(), String> {
    for names in PROXY_VARS {
        let Some((name, value)) = names
            .iter()
            .find_map(|n| std::env::var_os(n).map(|v| (*n, v)))
        else {
            continue;
        };
        let problem = match value.to_str() {
            None => Some("it is not valid UTF-8"),
            Some(v) => proxy_problem(v),
        };
        if let Some(why) = problem {
            return Err(format!(
                "{name} is set but atlcheck cannot use it as a proxy: {why}; expected http://[user:password@]host:port (or https://...); fix or unset it (value not shown; nothing was sent)"
            ));
        }
        if !value.is_empty() {
            // A usable https proxy: `ALL_PROXY` is not consulted.
            return Ok(());
        }
    }
    Ok(())
}

/// Why a proxy variable's value cannot be used, read with the parser the client uses
/// (`http::Uri`, as hyper-util reads the variables); `None` when it can be, or when it is empty
/// (an empty variable means no proxy, as for curl).
pub fn proxy_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return None;
    }
    let Ok(uri) = value.parse::<http::Uri>() else {
        return Some("it is not a URL");
    };
    match uri.scheme_str() {
        None | Some("http" | "https") => {}
        Some("socks4" | "socks4a" | "socks5" | "socks5h") => {
            return Some("SOCKS proxies are not supported");
        }
        Some(_) => return Some("its scheme is not http or https"),
    }
    let Some(authority) = uri.authority() else {
        return Some("it names no host");
    };
    // The user and password are split off as the client does, and what is left must be a
    // host (and port) of its own.
    let host_port = authority
        .as_str()
        .split_once('@')
        .map_or(authority.as_str(), |(_, h)| h);
    if host_port.is_empty()
        || host_port.starts_with(':')
        || http::uri::Authority::try_from(host_port).is_err()
    {
        return Some("it names no host");
    }
    None
}

/// The HTTP client of one doctor (or tokens) run.
pub struct Http {
    client: reqwest::Client,
    /// For plain-http loopback targets: never a proxy (a credential must not travel in
    /// cleartext to one).
    direct: reqwest::Client,
    connect_to: ConnectTo,
    timeout: Duration,
    body_cap: usize,
}

impl Http {
    pub fn new(connect_to: ConnectTo, timeout: Duration) -> anyhow::Result<Http> {
        Http::with_options(connect_to, timeout, BODY_CAP, "doctor")
    }

    /// A client whose bodies are read up to `body_cap` bytes, announcing `purpose` in its
    /// User-Agent (`atlcheck/0.1.0 (tokens)`).
    pub fn with_options(
        connect_to: ConnectTo,
        timeout: Duration,
        body_cap: usize,
        purpose: &str,
    ) -> anyhow::Result<Http> {
        let builder = || {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout)
                .connect_timeout(timeout)
                .user_agent(format!(
                    "atlcheck/{} ({purpose})",
                    env!("CARGO_PKG_VERSION")
                ))
        };
        // The client reads the proxy variables itself and silently goes direct when one
        // cannot be parsed; behind a corporate proxy that is a timeout with no reason given.
        proxy_from_env().map_err(anyhow::Error::msg)?;
        Ok(Http {
            client: builder().build()?,
            direct: builder().no_proxy().build()?,
            connect_to,
            timeout,
            body_cap,
        })
    }

    /// May a credential be sent to this logical URL (any Atlassian API host)?
    pub fn credential_allowed(&self, url: &str) -> Result<(), String> {
        self.credential_allowed_to(&destination::parse(url)?, Allowed::Atlassian)
    }

    /// May a credential be sent to this parsed URL under `allowed`? Decided on the parsed
    /// host, which is the host the connection goes to (or the one `ATLCHECK_CONNECT_TO`
    /// maps it to, whose plain-http targets are loopback only).
    pub fn credential_allowed_to(&self, url: &Url, allowed: Allowed) -> Result<(), String> {
        destination::check(url, allowed)?;
        let physical = self.connect_to.physical(url);
        if physical.scheme() != "https" && !destination::is_loopback(&physical) {
            return Err(format!(
                "refusing to send a credential over plain http to {}",
                destination::host(&physical)
            ));
        }
        Ok(())
    }

    /// Send one read-only request and record it. Never fails: errors are evidence too. A
    /// credential goes only to an Atlassian API host ([`Allowed::Atlassian`]).
    pub async fn send(&self, method: &str, url: &str, auth: &Auth) -> Exchange {
        self.send_to(method, url, auth, Allowed::Atlassian).await
    }

    /// [`Http::send`] with the hosts the credential may go to (`Allowed::Only("auth.atlassian.com")`
    /// for a client secret).
    pub async fn send_to(
        &self,
        method: &str,
        url: &str,
        auth: &Auth,
        allowed: Allowed,
    ) -> Exchange {
        let start = Instant::now();
        let mut ex = Exchange {
            method: method.to_string(),
            url: crate::secret::redact_text(url),
            authenticated: !matches!(auth, Auth::None),
            status: None,
            headers: BTreeMap::new(),
            body: String::new(),
            error: None,
            elapsed_ms: 0,
            full_body: String::new(),
        };
        // Parsed once: this `Url` is checked and is what the client connects to.
        let logical = match destination::parse(url) {
            Ok(u) => u,
            Err(why) => {
                ex.error = Some(why);
                return ex;
            }
        };
        let (header, allowed) = match auth {
            Auth::None => (None, allowed),
            Auth::Header(h) => (Some(h), allowed),
            // An access token goes to its one host, decided on the parsed host too.
            Auth::Pinned(h, only) => (Some(h), Allowed::Only(only)),
        };
        if header.is_some()
            && let Err(why) = self.credential_allowed_to(&logical, allowed)
        {
            ex.error = Some(why);
            return ex;
        }
        // Userinfo is never sent as part of a URL.
        let physical = destination::without_userinfo(&self.connect_to.physical(&logical));
        let Ok(m) = reqwest::Method::from_bytes(method.as_bytes()) else {
            ex.error = Some(format!("invalid method {method}"));
            return ex;
        };
        let client = if physical.scheme() == "http" {
            &self.direct
        } else {
            &self.client
        };
        let mut req = client
            .request(m, physical)
            .header("Accept", "application/json");
        if let Some(h) = header {
            let mut value = match reqwest::header::HeaderValue::from_str(h.expose()) {
                Ok(v) => v,
                Err(_) => {
                    ex.error = Some("the Authorization value has characters HTTP headers cannot carry (a line break?)".to_string());
                    return ex;
                }
            };
            value.set_sensitive(true);
            req = req.header(reqwest::header::AUTHORIZATION, value);
        }
        self.execute(ex, req, start).await
    }

    /// `POST` a form body to the OAuth token endpoint: the only request that carries a client
    /// secret, and it goes to `auth.atlassian.com` (or what `ATLCHECK_CONNECT_TO` maps it to)
    /// and nowhere else.
    pub async fn post_form(&self, url: &str, body: &Secret) -> Exchange {
        let start = Instant::now();
        let mut ex = Exchange {
            method: "POST".to_string(),
            url: crate::secret::redact_text(url),
            authenticated: true,
            status: None,
            headers: BTreeMap::new(),
            body: String::new(),
            error: None,
            elapsed_ms: 0,
            full_body: String::new(),
        };
        // Parsed once, checked on the parsed host: a client secret goes only to
        // auth.atlassian.com.
        let logical = match destination::parse(url) {
            Ok(u) => u,
            Err(why) => {
                ex.error = Some(why);
                return ex;
            }
        };
        if let Err(why) = self.credential_allowed_to(&logical, Allowed::Only("auth.atlassian.com"))
        {
            ex.error = Some(format!(
                "not sent: a client secret goes only to auth.atlassian.com ({why})"
            ));
            return ex;
        }
        let physical = destination::without_userinfo(&self.connect_to.physical(&logical));
        let client = if physical.scheme() == "http" {
            &self.direct
        } else {
            &self.client
        };
        let req = client
            .post(physical)
            .header("Accept", "application/json")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body.expose().to_string());
        self.execute(ex, req, start).await
    }

    /// Send a built request and record the answer (status, evidence headers, bounded body).
    async fn execute(
        &self,
        mut ex: Exchange,
        req: reqwest::RequestBuilder,
        start: Instant,
    ) -> Exchange {
        let result = tokio::time::timeout(self.timeout + Duration::from_millis(500), async {
            let mut resp = req.send().await?;
            let status = resp.status().as_u16();
            let mut headers = BTreeMap::new();
            for name in EVIDENCE_HEADERS {
                if let Some(v) = resp.headers().get(*name) {
                    // Evidence is printed: a server (or proxy) may echo the credential.
                    headers.insert(
                        name.to_string(),
                        crate::secret::redact_message(&String::from_utf8_lossy(v.as_bytes())),
                    );
                }
            }
            let mut body = Vec::new();
            while let Some(chunk) = resp.chunk().await? {
                let room = self.body_cap.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= self.body_cap {
                    break;
                }
            }
            Ok::<_, reqwest::Error>((status, headers, body))
        })
        .await;
        ex.elapsed_ms = start.elapsed().as_millis() as u64;
        match result {
            Ok(Ok((status, headers, body))) => {
                ex.status = Some(status);
                ex.headers = headers;
                let text = String::from_utf8_lossy(&body).into_owned();
                let excerpt: String = text.chars().take(300).collect();
                ex.body = crate::secret::redact_message(&excerpt.replace(['\n', '\r'], " "));
                ex.full_body = text;
            }
            Ok(Err(e)) => ex.error = Some(describe(&e, self.timeout)),
            Err(_) => ex.error = Some(format!("no answer within {}s", self.timeout.as_secs_f32())),
        }
        ex
    }
}

fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    use std::error::Error;
    if e.is_timeout() {
        return format!("no answer within {}s", timeout.as_secs_f32());
    }
    let mut msg = if e.is_connect() {
        "connection failed".to_string()
    } else {
        "request failed".to_string()
    };
    let mut source = e.source();
    while let Some(s) = source {
        msg = format!("{msg}: {s}");
        source = s.source();
    }
    crate::secret::redact_message(&msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connect_to_maps_hosts() {
        let c = ConnectTo::parse(
            "api.atlassian.com=http://127.0.0.1:9000/, acme.atlassian.net=http://127.0.0.1:9001",
        )
        .unwrap();
        let p = |s: &str| c.physical(&destination::parse(s).unwrap()).to_string();
        assert_eq!(
            p("https://api.atlassian.com/ex/jira/x/rest?y=1"),
            "http://127.0.0.1:9000/ex/jira/x/rest?y=1"
        );
        assert_eq!(
            p("https://other.atlassian.net/a"),
            "https://other.atlassian.net/a"
        );
        assert!(ConnectTo::parse("nonsense").is_err());
        // Plain http only to loopback, decided on the parsed host; no userinfo, no backslash.
        for bad in [
            "acme.atlassian.net=http://10.0.0.1:80",
            "acme.atlassian.net=http://127.0.0.1.evil.example/",
            "acme.atlassian.net=http://localhost.evil.example/",
            "acme.atlassian.net=http://me:pw@127.0.0.1:9/",
            r"acme.atlassian.net=http://127.0.0.1\@evil.example/",
            "acme.atlassian.net=ftp://127.0.0.1/",
        ] {
            assert!(ConnectTo::parse(bad).is_err(), "{bad}");
        }
        for good in [
            "acme.atlassian.net=http://127.0.0.2:9",
            "acme.atlassian.net=http://[::1]:9",
            "acme.atlassian.net=http://localhost:9",
            "acme.atlassian.net=https://sim.example:8443",
        ] {
            assert!(ConnectTo::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn proxy_values_the_client_would_ignore_are_named() {
        for good in [
            "",
            "http://proxy.corp:3128",
            "https://proxy.corp:3128",
            "proxy.corp:3128",
            "http://user:p%40ss@proxy.corp:3128/",
            "http://[::1]:3128",
            "127.0.0.1:3128",
        ] {
            assert_eq!(proxy_problem(good), None, "{good}");
        }
        for (bad, why) in [
            ("http://", "it is not a URL"),
            (" http://proxy.corp:3128", "it is not a URL"),
            ("http://proxy corp:3128", "it is not a URL"),
            ("ftp://proxy.corp:21", "its scheme is not http or https"),
            (
                "socks5://proxy.corp:1080",
                "SOCKS proxies are not supported",
            ),
            ("http://user:pw@:3128", "it names no host"),
            ("/just/a/path", "it names no host"),
        ] {
            assert_eq!(proxy_problem(bad), Some(why), "{bad}");
        }
    }

    #[test]
    fn credentials_only_to_atlassian() {
        let c = ConnectTo::parse("acme.atlassian.net=http://127.0.0.1:9001").unwrap();
        let http = Http::new(c, Duration::from_secs(1)).unwrap();
        assert!(
            http.credential_allowed("https://acme.atlassian.net/rest/api/3/myself")
                .is_ok()
        );
        assert!(http.credential_allowed("https://example.com/rest").is_err());
        assert!(
            http.credential_allowed("http://acme.atlassian.net/rest")
                .is_err()
        );
        assert!(
            http.credential_allowed(r"https://localhost\.atlassian.net/rest")
                .is_err()
        );
        assert!(
            http.credential_allowed("https://acme.atlassian.net@127.0.0.1/rest")
                .is_err()
        );
        assert!(
            http.credential_allowed("https://api.atlassian.com/ex/jira/x")
                .is_ok()
        );
    }
}
