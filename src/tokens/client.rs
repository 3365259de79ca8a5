//! The admin API client of `atlcheck tokens`: GET only, every page followed, bounded retries
//! and rate-limit waits, and the admin key sent nowhere but `https://api.atlassian.com` (or
//! what `ATLCHECK_CONNECT_TO` maps it to).
//!
//! The transport is the doctor's ([`crate::doctor::http::Http`]: no redirects, a timeout per
//! request, bounded bodies, the `ATLCHECK_CONNECT_TO` mapping and its credential allowlist).
//! This module adds what a listing needs: pagination, retries, 429 handling.
use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::sources::{self, API_HOST, Page};
use crate::doctor::http::{Auth, Exchange, Http};

/// Largest page body read (a page of 1,000 tokens is about 300 KB).
pub const PAGE_CAP: usize = 8 * 1024 * 1024;

/// How long and how often the client keeps trying.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Attempts per request on a 5xx, a timeout or a failed connection (1 + retries).
    pub attempts: u32,
    /// First pause between such attempts; doubled each time.
    pub backoff: Duration,
    /// Total time the whole run may spend waiting for rate limits (429).
    pub rate_wait_budget: Duration,
    /// 429 answers accepted for one request before giving up.
    pub rate_attempts: u32,
    /// Pages per listing before giving up (a server that never stops paging).
    pub max_pages: usize,
    /// Pages over all listings of the run (`--max-pages`): each service account has listings
    /// of its own, so a per-listing cap alone does not bound a run.
    pub max_total_pages: usize,
}

/// Default of `tokens --max-pages`: pages read in all before a run stops (10 pages of 1,000
/// tokens read about 3.6 MB; 20,000 pages is far beyond any organization Atlassian allows).
pub const MAX_TOTAL_PAGES: u32 = 20_000;

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            attempts: 3,
            backoff: Duration::from_millis(500),
            rate_wait_budget: Duration::from_secs(60),
            rate_attempts: 5,
            max_pages: 10_000,
            max_total_pages: MAX_TOTAL_PAGES as usize,
        }
    }
}

/// Why a listing stopped before its last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// 401: the key is wrong, expired or revoked.
    Unauthorized,
    /// 403: the key lacks a scope (or its owner is no longer an org admin).
    Forbidden { detail: String },
    /// 404: unknown organization (or endpoint).
    NotFound { detail: String },
    /// 429 beyond the wait budget.
    RateLimited {
        wanted_secs: Option<u64>,
        waited_secs: u64,
    },
    /// 5xx after every attempt.
    Server { status: u16, attempts: u32 },
    /// Another unexpected status.
    Status { status: u16, detail: String },
    /// No answer: timeout, connection failure (after every attempt).
    Network { error: String, attempts: u32 },
    /// An answer that is not a page.
    Malformed(String),
    /// atlcheck refused to send the request (pagination to another host, plain http, ...).
    Refused(String),
    /// The run's page budget over all listings (`--max-pages`) is spent.
    Budget { pages: usize },
}

/// How far a listing got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub pages: usize,
    pub items: usize,
}

pub struct Client {
    http: Http,
    auth: Auth,
    limits: Limits,
    rate_waited: Duration,
    /// Pages read so far over every listing (against [`Limits::max_total_pages`]).
    pages_read: usize,
    /// Every request made, for `--verbose`.
    pub log: Vec<String>,
}

/// Is `next` a URL reference rather than an opaque cursor?
fn looks_like_url(next: &str) -> bool {
    let has_scheme = next.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    has_scheme || next.starts_with(['/', '\\', '?'])
}

/// The URL of the page after `current`, given its `links.next`, or why it will not be
/// followed. `first` is the listing's first URL: a link is followed only to its host and
/// scheme (SPEC, security invariants).
pub fn next_url(first: &str, current: &str, next: &str) -> Result<String, String> {
    let first = url::Url::parse(first).map_err(|e| format!("bad first URL: {e}"))?;
    if looks_like_url(next) {
        let base = url::Url::parse(current).map_err(|e| format!("bad page URL: {e}"))?;
        let u = base.join(next).map_err(|e| {
            format!(
                "links.next `{}` is not a URL ({e})",
                sources::clean_text(next)
            )
        })?;
        let same = u.scheme() == first.scheme()
            && u.host_str() == first.host_str()
            && u.port_or_known_default() == first.port_or_known_default();
        if !same || !u.username().is_empty() || u.password().is_some() {
            return Err(format!(
                "links.next points to {}://{}, not {}: atlcheck follows a pagination link only to the host the first request went to",
                u.scheme(),
                u.host_str().unwrap_or("(no host)"),
                first.host_str().unwrap_or("")
            ));
        }
        Ok(u.to_string())
    } else {
        let mut u = first.clone();
        let kept: Vec<(String, String)> = first
            .query_pairs()
            .filter(|(k, _)| k != "cursor")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        u.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("cursor", next);
        Ok(u.to_string())
    }
}

/// Seconds to wait before retrying a 429 (or a 503 that says so): `Retry-After` (seconds),
/// else `X-RateLimit-Reset` (an ISO 8601 instant, epoch seconds or milliseconds, or seconds
/// from now).
pub fn rate_wait(ex: &Exchange, now: super::time::Timestamp) -> Option<u64> {
    if let Some(v) = ex.header("retry-after")
        && let Ok(secs) = v.trim().parse::<f64>()
        && secs.is_finite()
        && secs >= 0.0
    {
        return Some(secs.ceil() as u64);
    }
    let reset = ex.header("x-ratelimit-reset")?.trim();
    if let Some(at) = super::time::Timestamp::parse_iso(reset) {
        return Some(((at.0 - now.0).max(0) as u64).div_ceil(1000));
    }
    let n: f64 = reset
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite() && *n >= 0.0)?;
    if n > 1e12 {
        Some(((n as i64 - now.0).max(0) as u64).div_ceil(1000))
    } else if n > 1e9 {
        Some((n as i64 - now.0 / 1000).max(0) as u64)
    } else {
        Some(n.ceil() as u64)
    }
}

fn excerpt(ex: &Exchange) -> String {
    let body = ex.body.trim();
    if body.is_empty() {
        String::new()
    } else {
        let short: String = body.chars().take(160).collect();
        format!(": Atlassian said {}", sources::clean_text(&short))
    }
}

impl Client {
    pub fn new(http: Http, admin_key: &crate::secret::Secret, limits: Limits) -> Client {
        Client {
            http,
            // Pinned: the transport itself refuses to send it to any other host.
            auth: Auth::Pinned(
                crate::secret::Secret::new(format!("Bearer {}", admin_key.expose())),
                API_HOST,
            ),
            limits,
            rate_waited: Duration::ZERO,
            pages_read: 0,
            log: Vec::new(),
        }
    }

    /// One page, with retries. The admin key goes only to `https://api.atlassian.com`.
    async fn get(&mut self, url: &str) -> Result<Page, FetchError> {
        let parsed = url::Url::parse(url).map_err(|e| FetchError::Refused(format!("{e}")))?;
        if parsed.scheme() != "https" || parsed.host_str() != Some(API_HOST) {
            return Err(FetchError::Refused(format!(
                "the admin key goes only to https://{API_HOST}, not {}://{}",
                parsed.scheme(),
                parsed.host_str().unwrap_or("")
            )));
        }
        self.http
            .credential_allowed_to(&parsed, crate::destination::Allowed::Only(API_HOST))
            .map_err(FetchError::Refused)?;
        let mut attempt = 0;
        let mut rate_hits = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let ex = self.http.send("GET", url, &self.auth).await;
            self.log.push(format!(
                "{} ({} ms)",
                ex.summary(),
                started.elapsed().as_millis()
            ));
            let Some(status) = ex.status else {
                let error = ex.error.clone().unwrap_or_else(|| "no answer".to_string());
                if attempt < self.limits.attempts {
                    tokio::time::sleep(self.limits.backoff * 2u32.pow(attempt - 1)).await;
                    continue;
                }
                return Err(FetchError::Network {
                    error,
                    attempts: attempt,
                });
            };
            match status {
                200..=299 => {
                    if ex.full_body.len() >= PAGE_CAP {
                        return Err(FetchError::Malformed(format!(
                            "a page larger than {} MiB",
                            PAGE_CAP / (1024 * 1024)
                        )));
                    }
                    return sources::parse_page(&ex.full_body).map_err(FetchError::Malformed);
                }
                401 => return Err(FetchError::Unauthorized),
                403 => {
                    return Err(FetchError::Forbidden {
                        detail: excerpt(&ex),
                    });
                }
                404 => {
                    return Err(FetchError::NotFound {
                        detail: excerpt(&ex),
                    });
                }
                429 | 503 if status == 429 || ex.header("retry-after").is_some() => {
                    rate_hits += 1;
                    let wanted = rate_wait(&ex, super::time::Timestamp::now());
                    let wait = Duration::from_secs(wanted.unwrap_or(1u64 << rate_hits.min(5)));
                    let over_budget = self.rate_waited + wait > self.limits.rate_wait_budget;
                    if rate_hits > self.limits.rate_attempts || over_budget {
                        return Err(FetchError::RateLimited {
                            wanted_secs: wanted,
                            waited_secs: self.rate_waited.as_secs(),
                        });
                    }
                    self.log
                        .push(format!("rate limited: waiting {}s", wait.as_secs()));
                    tokio::time::sleep(wait).await;
                    self.rate_waited += wait;
                    attempt -= 1;
                }
                500..=599 => {
                    if attempt < self.limits.attempts {
                        tokio::time::sleep(self.limits.backoff * 2u32.pow(attempt - 1)).await;
                        continue;
                    }
                    return Err(FetchError::Server {
                        status,
                        attempts: attempt,
                    });
                }
                300..=399 => {
                    return Err(FetchError::Status {
                        status,
                        detail: format!(
                            ": a redirect (to {}), not followed: the admin key never leaves {API_HOST}",
                            sources::clean_text(ex.header("location").unwrap_or("nowhere"))
                        ),
                    });
                }
                _ => {
                    return Err(FetchError::Status {
                        status,
                        detail: excerpt(&ex),
                    });
                }
            }
        }
    }

    /// Every page of a listing, from `first` on; `on_items` gets each page's items. On
    /// failure, how far it got comes with the error.
    pub async fn list(
        &mut self,
        first: &str,
        mut on_items: impl FnMut(Vec<Value>),
    ) -> Result<Progress, (FetchError, Progress)> {
        let mut progress = Progress::default();
        let mut seen = HashSet::new();
        let mut url = first.to_string();
        loop {
            if !seen.insert(url.clone()) {
                return Err((
                    FetchError::Malformed("pagination loops back to a page already read".into()),
                    progress,
                ));
            }
            if progress.pages >= self.limits.max_pages {
                return Err((
                    FetchError::Malformed(format!(
                        "more than {} pages; stopped",
                        self.limits.max_pages
                    )),
                    progress,
                ));
            }
            if self.pages_read >= self.limits.max_total_pages {
                return Err((
                    FetchError::Budget {
                        pages: self.pages_read,
                    },
                    progress,
                ));
            }
            let page = self.get(&url).await.map_err(|e| (e, progress))?;
            self.pages_read += 1;
            progress.pages += 1;
            progress.items += page.items.len();
            let empty = page.items.is_empty();
            on_items(page.items);
            match page.next {
                // An empty page that still points on would page forever on a broken server;
                // the loop guard above catches a repeat, this catches an endless cursor.
                Some(next) if !(empty && progress.pages > 1) => {
                    url = next_url(first, &url, &next)
                        .map_err(|e| (FetchError::Refused(e), progress))?;
                }
                _ => return Ok(progress),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRST: &str =
        "https://api.atlassian.com/admin/api-access/v1/orgs/o/api-tokens?pageSize=1000";

    #[test]
    fn cursor_and_url_links() {
        assert_eq!(
            next_url(FIRST, FIRST, "b64/+=cursor").unwrap(),
            "https://api.atlassian.com/admin/api-access/v1/orgs/o/api-tokens?pageSize=1000&cursor=b64%2F%2B%3Dcursor"
        );
        let second = next_url(FIRST, FIRST, "c2").unwrap();
        assert!(
            next_url(FIRST, &second, "c3")
                .unwrap()
                .ends_with("pageSize=1000&cursor=c3")
        );
        assert_eq!(
            next_url(
                FIRST,
                FIRST,
                "https://api.atlassian.com/admin/api-access/v1/orgs/o/api-tokens?cursor=x"
            )
            .unwrap(),
            "https://api.atlassian.com/admin/api-access/v1/orgs/o/api-tokens?cursor=x"
        );
        assert_eq!(
            next_url(
                FIRST,
                FIRST,
                "/admin/api-access/v1/orgs/o/api-tokens?cursor=y"
            )
            .unwrap(),
            "https://api.atlassian.com/admin/api-access/v1/orgs/o/api-tokens?cursor=y"
        );
        assert!(
            next_url(FIRST, FIRST, "?cursor=z")
                .unwrap()
                .ends_with("/api-tokens?cursor=z")
        );
    }

    #[test]
    fn links_to_other_hosts_are_refused() {
        for evil in [
            "https://evil.example/admin/x?cursor=1",
            "http://api.atlassian.com/admin/x",
            "https://api.atlassian.com.evil.example/admin/x",
            "https://user:pw@api.atlassian.com/admin/x",
            "https://api.atlassian.com:8443/admin/x",
            "//evil.example/admin/x",
            "https:\\\\evil.example/admin/x",
        ] {
            let r = next_url(FIRST, FIRST, evil);
            assert!(r.is_err(), "{evil} -> {r:?}");
        }
        // A backslash trick that WHATWG parsers read as a path stays on the host.
        let r = next_url(
            FIRST,
            FIRST,
            "https://api.atlassian.com\\@evil.example/admin/x",
        )
        .unwrap();
        assert!(r.starts_with("https://api.atlassian.com/"), "{r}");
    }

    #[test]
    fn rate_limit_headers() {
        let now = super::super::time::Timestamp::parse_iso("2026-11-29T12:00:00Z").unwrap();
        let ex = |h: &[(&str, &str)]| Exchange {
            method: "GET".into(),
            url: String::new(),
            authenticated: true,
            status: Some(429),
            headers: h
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: String::new(),
            error: None,
            elapsed_ms: 0,
            full_body: String::new(),
        };
        assert_eq!(rate_wait(&ex(&[("retry-after", "7")]), now), Some(7));
        assert_eq!(rate_wait(&ex(&[("retry-after", "0.2")]), now), Some(1));
        assert_eq!(
            rate_wait(&ex(&[("x-ratelimit-reset", "2026-11-29T12:00:30Z")]), now),
            Some(30)
        );
        assert_eq!(
            rate_wait(&ex(&[("x-ratelimit-reset", "2026-11-29T11:00:00Z")]), now),
            Some(0)
        );
        assert_eq!(
            rate_wait(&ex(&[("x-ratelimit-reset", "1795953605")]), now),
            Some(5)
        );
        assert_eq!(
            rate_wait(&ex(&[("x-ratelimit-reset", "1795953605000")]), now),
            Some(5)
        );
        assert_eq!(
            rate_wait(&ex(&[("x-ratelimit-reset", "12")]), now),
            Some(12)
        );
        assert_eq!(rate_wait(&ex(&[("retry-after", "soon")]), now), None);
        assert_eq!(rate_wait(&ex(&[]), now), None);
    }
}
