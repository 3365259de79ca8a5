//! A local simulation of Atlassian's organization admin API (`/admin/api-access/v1`), as the
//! governance facts (§B3) describe it: Bearer admin keys, `pageSize` and `links.next`
//! pagination (as a cursor, a whole URL or a path), `data` lists (`items` plus `total` for
//! service accounts), and scripted faults: 401, 403, 404, 429 with `Retry-After` or
//! `X-RateLimit-Reset`, 5xx, slow answers, malformed bodies. Every request is recorded
//! (method, path and query, `Authorization`) so tests can check what atlcheck sent.
//!
//! Plain HTTP/1.1 on 127.0.0.1, one thread per connection, `Connection: close`.
#![allow(dead_code)]
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

/// The fixed instant the tokens tests judge expiry at (`ATLCHECK_NOW`).
pub const NOW: &str = "2026-11-29T12:00:00Z";
pub const ORG: &str = "7c1f0d2e-9a4b-4c3d-8e2f-1a2b3c4d5e6f";
/// A synthetic admin key (ATCTT3 shape); never printed by atlcheck.
pub const KEY: &str = "ATCTT3xFfGF0c2ltdWxhdGVkLWFkbWluLWtleS1ub3QtcmVhbC0wMTIzNDU2Nzg5=AB12CD34";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// `links.next` is an opaque cursor (`?cursor=` on the first URL).
    Cursor,
    /// `links.next` is a whole `https://api.atlassian.com/...` URL.
    Url,
    /// `links.next` is a path `/admin/api-access/v1/...`.
    Path,
    /// `links.next` points to another host.
    Foreign,
}

#[derive(Debug, Clone)]
pub struct Fault {
    /// Path (no query) the fault applies to; `*` for any.
    pub path: String,
    /// Only the request with this cursor (None: any).
    pub cursor: Option<String>,
    /// How many requests it answers before it is spent.
    pub times: usize,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub delay: Duration,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub target: String,
    pub authorization: Option<String>,
}

#[derive(Debug, Default)]
pub struct State {
    pub api_tokens: Vec<Value>,
    pub service_accounts: Vec<Value>,
    pub sa_tokens: HashMap<String, Vec<Value>>,
    pub sa_oauth: HashMap<String, Vec<Value>>,
    pub admin_keys: Vec<Value>,
    /// Items per page (the sim ignores the client's pageSize, as a server may).
    pub page: usize,
    pub links: Option<Links>,
    /// Listings answered with 403 (route names: `api-tokens`, `service-accounts`,
    /// `sa-api-tokens`, `sa-oauth-clients`, `api-keys`).
    pub forbidden: Vec<&'static str>,
    pub faults: Vec<Fault>,
    pub requests: Vec<Request>,
}

pub struct Sim {
    pub base: String,
    pub state: Arc<Mutex<State>>,
}

/// `atlcheck ARGS` as the admin-API tests run it: against `sim` when given (through
/// `ATLCHECK_CONNECT_TO`), judged at [`NOW`], the admin key [`KEY`] in the environment, with
/// the organization, proxy and colour variables of the test's own environment removed and no
/// standard input.
pub fn command(sim: Option<&Sim>, args: &[&str]) -> Command {
    let mut cmd = crate::common::atlcheck(&crate::common::root(), args);
    for var in [
        "ATLASSIAN_ORG_ID",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    if let Some(sim) = sim {
        cmd.env("ATLCHECK_CONNECT_TO", sim.connect_to());
    }
    cmd.env("ATLCHECK_NOW", NOW)
        .env("ATLASSIAN_ADMIN_KEY", KEY)
        .stdin(Stdio::null());
    cmd
}

impl Sim {
    pub fn start() -> Sim {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            page: 2,
            links: Some(Links::Cursor),
            ..State::default()
        }));
        let s = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                std::thread::spawn(move || serve(conn, &s));
            }
        });
        Sim { base, state }
    }

    /// `ATLCHECK_CONNECT_TO` for this sim.
    pub fn connect_to(&self) -> String {
        format!("api.atlassian.com={}", self.base)
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    pub fn fault(
        &self,
        path: &str,
        cursor: Option<&str>,
        times: usize,
        status: u16,
        headers: &[(&str, &str)],
        body: &str,
    ) {
        self.with(|s| {
            s.faults.push(Fault {
                path: path.to_string(),
                cursor: cursor.map(str::to_string),
                times,
                status,
                headers: headers
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                body: body.to_string(),
                delay: Duration::ZERO,
            })
        });
    }

    pub fn slow(&self, path: &str, times: usize, delay: Duration) {
        self.with(|s| {
            s.faults.push(Fault {
                path: path.to_string(),
                cursor: None,
                times,
                status: 0,
                headers: vec![],
                body: String::new(),
                delay,
            })
        });
    }

    pub fn requests(&self) -> Vec<Request> {
        self.with(|s| s.requests.clone())
    }
}

pub fn path(rest: &str) -> String {
    format!("/admin/api-access/v1/orgs/{ORG}{rest}")
}

fn respond(conn: &mut TcpStream, status: u16, headers: &[(String, String)], body: &str) {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = conn.write_all(head.as_bytes());
    let _ = conn.write_all(body.as_bytes());
}

fn serve(mut conn: TcpStream, state: &Arc<Mutex<State>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut authorization = None;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("authorization")
        {
            authorization = Some(v.trim().to_string());
        }
    }
    let (p, query) = target.split_once('?').unwrap_or((&target, ""));
    let cursor = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("cursor="))
        .map(str::to_string);
    let (status, headers, body, delay) = {
        let mut s = state.lock().unwrap();
        s.requests.push(Request {
            method: method.clone(),
            target: target.clone(),
            authorization: authorization.clone(),
        });
        answer(
            &mut s,
            &method,
            p,
            cursor.as_deref(),
            authorization.as_deref(),
        )
    };
    if !delay.is_zero() {
        std::thread::sleep(delay);
    }
    respond(&mut conn, status, &headers, &body);
}

type Answer = (u16, Vec<(String, String)>, String, Duration);

fn answer(
    s: &mut State,
    method: &str,
    p: &str,
    cursor: Option<&str>,
    auth: Option<&str>,
) -> Answer {
    let json_err = |status: u16, msg: &str| -> Answer {
        (
            status,
            vec![],
            json!({"code": status, "message": msg}).to_string(),
            Duration::ZERO,
        )
    };
    if method != "GET" {
        return json_err(405, "method not allowed");
    }
    if let Some(i) = s.faults.iter().position(|f| {
        f.times > 0
            && (f.path == "*" || f.path == p)
            && (f.cursor.is_none() || f.cursor.as_deref() == cursor)
    }) {
        let f = &mut s.faults[i];
        f.times -= 1;
        if f.status != 0 {
            return (f.status, f.headers.clone(), f.body.clone(), f.delay);
        }
        // A slow answer that is otherwise normal.
        let delay = f.delay;
        let mut a = answer_normal(s, p, cursor, auth);
        a.3 = delay;
        return a;
    }
    answer_normal(s, p, cursor, auth)
}

fn answer_normal(s: &State, p: &str, cursor: Option<&str>, auth: Option<&str>) -> Answer {
    let json_err = |status: u16, msg: &str| -> Answer {
        (
            status,
            vec![],
            json!({"code": status, "message": msg}).to_string(),
            Duration::ZERO,
        )
    };
    if auth != Some(&format!("Bearer {KEY}")) {
        return json_err(401, "Unauthorized");
    }
    let Some(rest) = p.strip_prefix("/admin/api-access/v1/orgs/") else {
        return json_err(404, "Not Found");
    };
    let (org, rest) = rest.split_once('/').unwrap_or((rest, ""));
    if org != ORG {
        return json_err(404, "Organization not found");
    }
    let segs: Vec<&str> = rest.split('/').collect();
    let (route, items, key): (&str, Vec<Value>, &str) = match segs.as_slice() {
        ["api-tokens"] => ("api-tokens", s.api_tokens.clone(), "data"),
        ["service-accounts"] => ("service-accounts", s.service_accounts.clone(), "items"),
        ["service-accounts", id, "api-tokens"] => (
            "sa-api-tokens",
            s.sa_tokens.get(*id).cloned().unwrap_or_default(),
            "data",
        ),
        ["service-accounts", id, "oauth-clients"] => (
            "sa-oauth-clients",
            s.sa_oauth.get(*id).cloned().unwrap_or_default(),
            "data",
        ),
        ["api-keys"] => ("api-keys", s.admin_keys.clone(), "data"),
        _ => return json_err(404, "Not Found"),
    };
    if s.forbidden.contains(&route) {
        return json_err(403, "The API key does not have the required scope");
    }
    let start: usize = match cursor {
        None => 0,
        Some(c) => match c.strip_prefix("off-").and_then(|n| n.parse().ok()) {
            Some(n) => n,
            None => return json_err(400, "bad cursor"),
        },
    };
    let end = (start + s.page.max(1)).min(items.len());
    let page: Vec<Value> = items
        .get(start..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let next = (end < items.len()).then(|| {
        let c = format!("off-{end}");
        match s.links.unwrap_or(Links::Cursor) {
            Links::Cursor => c,
            Links::Url => format!("https://api.atlassian.com{p}?cursor={c}"),
            Links::Path => format!("{p}?cursor={c}"),
            Links::Foreign => format!("https://evil.example{p}?cursor={c}"),
        }
    });
    let mut body = json!({ key: page, "links": {"self": p, "next": next}});
    if key == "items" {
        body["total"] = json!(items.len());
    }
    (
        200,
        vec![
            ("X-RateLimit-Limit".into(), "1000".into()),
            ("X-RateLimit-Remaining".into(), "999".into()),
        ],
        body.to_string(),
        Duration::ZERO,
    )
}
