//! The doctor's network discipline and its behaviour on hostile networks, end to end, against
//! raw `std::net` servers reached through `ATLCHECK_CONNECT_TO` (SPEC, security invariants).
//!
//! - the Authorization header never follows a redirect, not even to the same host on another
//!   port; plain http carries a credential only to a loopback target that
//!   `ATLCHECK_CONNECT_TO` names; response bodies are read up to a cap;
//! - refused connections, names that do not resolve, TLS failures, servers that never answer,
//!   drip a byte a second, answer garbage, non-JSON, 10 MB or endless bodies, 5xx bursts: the
//!   doctor ends within `--timeout` plus a small margin, says "inconclusive" with the reason,
//!   exits 2, and sends a bounded number of requests.
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{CLOUD, Run, SA, doctor_json};

fn token() -> String {
    atlcheck::token::with_crc_tail(
        "ATATT3xFfGF0TmV0d29ya0Rpc2NpcGxpbmVDYW5hcnlUb2tlbkZvckF0bGNoZWNrVGVzdHMxMjM0NTY3ODkw=",
    )
}

fn gateway_url() -> String {
    format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself")
}

/// One request as a raw server saw it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    authorization: Option<String>,
}

/// A raw TCP server; `handle` gets each accepted connection and the request head (`None` when
/// the server does not read it).
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    connections: Arc<AtomicU64>,
}

impl Server {
    fn start<F>(read_head: bool, handle: F) -> Server
    where
        F: Fn(TcpStream, Option<&Seen>) + Send + Sync + 'static,
    {
        Server::start_on("127.0.0.1", read_head, handle)
    }

    fn start_on<F>(ip: &str, read_head: bool, handle: F) -> Server
    where
        F: Fn(TcpStream, Option<&Seen>) + Send + Sync + 'static,
    {
        let listener = TcpListener::bind((ip, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let connections = Arc::new(AtomicU64::new(0));
        let handle = Arc::new(handle);
        let (log, count) = (seen.clone(), connections.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let (log, handle) = (log.clone(), handle.clone());
                std::thread::spawn(move || {
                    let req = if read_head {
                        match read_request_head(&mut stream) {
                            Some(r) => {
                                log.lock().unwrap().push(r.clone());
                                Some(r)
                            }
                            None => return,
                        }
                    } else {
                        None
                    };
                    handle(stream, req.as_ref());
                });
            }
        });
        Server {
            port,
            seen,
            connections,
        }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn read_request_head(stream: &mut TcpStream) -> Option<Seen> {
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => return None,
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
    let authorization = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
        .map(|l| l["authorization:".len()..].trim().to_string());
    Some(Seen {
        path,
        authorization,
    })
}

fn respond(mut s: TcpStream, status: &str, headers: &[(&str, &str)], body: &[u8]) {
    let mut head = format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
    let _ = s.flush();
    let _ = s.shutdown(Shutdown::Write);
}

/// `atlcheck doctor --format json` with the service-account credential in the environment.
fn doctor(connect_to: &str, timeout: &str, args: &[&str]) -> Run {
    let run = doctor_json(
        connect_to,
        &[("ATLASSIAN_EMAIL", SA), ("ATLASSIAN_API_TOKEN", &token())],
        &[&["--timeout", timeout][..], args].concat(),
        None,
    );
    assert!(
        !run.text().contains(&token()),
        "token leaked: {}",
        run.text()
    );
    run
}

fn both_hosts(base: &str) -> String {
    format!("api.atlassian.com={base},acme.atlassian.net={base}")
}

// ---- discipline ------------------------------------------------------------------------------

#[test]
fn redirect_to_the_same_host_on_another_port_carries_no_authorization() {
    let second = Server::start(true, |s, _| respond(s, "200 OK", &[], b"{}"));
    let to = format!("{}/steal", second.base());
    let first = Server::start(true, move |s, _| {
        respond(s, "307 Temporary Redirect", &[("Location", &to)], b"")
    });
    let r = doctor(
        &both_hosts(&first.base()),
        "5",
        &["--site", "acme", &gateway_url()],
    );
    let asked = first.seen();
    // The probes reached the first server with the credential...
    assert!(
        asked.iter().any(|s| s.authorization.is_some()),
        "no probe carried a credential: {asked:?}"
    );
    // ...and not one request, with or without it, reached the second.
    assert_eq!(
        second.connections.load(Ordering::SeqCst),
        0,
        "a redirect was followed: {:?}",
        second.seen()
    );
    // No path was asked twice (a followed same-host redirect would ask again).
    for s in &asked {
        let n = asked.iter().filter(|o| o.path == s.path).count();
        assert!(n <= 1, "{} asked {n} times", s.path);
    }
    // The 3xx is kept as evidence, with its Location.
    assert!(
        r.evidence()
            .iter()
            .any(|e| e["status"] == 307 && e["headers"]["location"].is_string()),
        "{}",
        r.json
    );
}

#[test]
fn redirect_from_the_gateway_to_a_site_url_is_not_followed_either() {
    // Both hosts are Atlassian hosts mapped to local servers: still never followed.
    let site = Server::start(true, |s, _| respond(s, "401 Unauthorized", &[], b"{}"));
    let gateway = Server::start(true, |s, _| {
        respond(
            s,
            "302 Found",
            &[(
                "Location",
                "https://acme.atlassian.net/rest/api/3/myself?from=gateway",
            )],
            b"",
        )
    });
    let connect = format!(
        "api.atlassian.com={},acme.atlassian.net={}",
        gateway.base(),
        site.base()
    );
    doctor(&connect, "5", &[&gateway_url()]);
    assert!(
        site.seen().iter().all(|s| !s.path.contains("from=gateway")),
        "{:?}",
        site.seen()
    );
    assert!(!gateway.seen().is_empty());
}

#[test]
fn plain_http_carries_a_credential_only_to_a_mapped_loopback_target() {
    // Control: mapped to http://127.0.0.1, the credential is sent (loopback, named).
    let ok = Server::start(true, |s, _| respond(s, "401 Unauthorized", &[], b"{}"));
    doctor(
        &both_hosts(&ok.base()),
        "5",
        &["--site", "acme", &gateway_url()],
    );
    assert!(ok.seen().iter().any(|s| s.authorization.is_some()));

    // Mapped to plain http on a host that is not loopback (decided on the parsed host:
    // 127.0.0.0/8, [::1], localhost): ATLCHECK_CONNECT_TO itself is refused, exit 2, before
    // anything is sent (tests/doctor/url_trust.rs, connect_to_targets_are_parsed_...).

    // The logical URL itself is http://: the request is not sent with the credential, even to
    // a mapped loopback target (the identity probes go to https://acme.atlassian.net), and
    // AT205 names the problem.
    let logical = Server::start(true, |s, _| respond(s, "401 Unauthorized", &[], b"{}"));
    let r = doctor(
        &both_hosts(&logical.base()),
        "5",
        &["http://acme.atlassian.net/rest/api/3/issue/OPS-1"],
    );
    let seen = logical.seen();
    assert!(
        seen.iter().any(|s| s.authorization.is_some()),
        "the https probes were sent: {seen:?}"
    );
    assert!(
        seen.iter()
            .all(|s| s.path != "/rest/api/3/issue/OPS-1" || s.authorization.is_none()),
        "{seen:?}"
    );
    assert!(r.json.to_string().contains("AT205"), "{}", r.json);

    // A foreign host, even mapped to loopback: nothing is sent at all.
    let foreign = Server::start(true, |s, _| respond(s, "200 OK", &[], b"{}"));
    doctor(
        &format!("example.com={}", foreign.base()),
        "5",
        &["https://example.com/rest/api/3/myself"],
    );
    assert_eq!(foreign.connections.load(Ordering::SeqCst), 0);
}

/// An endless body at full speed: a reader without a cap would read until the timeout.
#[test]
fn response_bodies_are_read_up_to_a_cap() {
    let written = Arc::new(AtomicU64::new(0));
    let closed = Arc::new(AtomicBool::new(false));
    let (w, c) = (written.clone(), closed.clone());
    let server = Server::start(true, move |mut s, _| {
        let _ = s.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        );
        let chunk = vec![b'a'; 64 * 1024];
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if s.write_all(&framed).is_err() {
                c.store(true, Ordering::SeqCst);
                return;
            }
            w.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        }
    });
    let r = doctor(
        &both_hosts(&server.base()),
        "20",
        &["--site", "acme", &gateway_url()],
    );
    assert!(
        r.took < Duration::from_secs(8),
        "took {:?}: the body was not capped",
        r.took
    );
    // Give the handler threads a moment to notice the closed connections.
    std::thread::sleep(Duration::from_millis(300));
    assert!(closed.load(Ordering::SeqCst), "the client kept reading");
    let total = written.load(Ordering::SeqCst);
    assert!(
        total < 64 * 1024 * 1024,
        "{total} bytes were accepted across the probes"
    );
    for e in r.evidence() {
        assert!(e["body"].as_str().unwrap_or("").len() <= 1200, "{e}");
    }
}

// ---- faults ------------------------------------------------------------------------------------
/// The doctor, with a 2 s timeout against `server` on both hosts, ends `inconclusive` within
/// the timeout, saying it got no answer in time.
fn assert_times_out(server: &Server) {
    let r = doctor(
        &both_hosts(&server.base()),
        "2",
        &["--site", "acme", &gateway_url()],
    );
    assert_inconclusive(
        &r,
        Duration::from_secs(2),
        &["no answer within", "timed out"],
    );
}

/// The doctor gave up cleanly: inconclusive, exit 2, within the timeout and a margin, with the
/// reason in the summary.
fn assert_inconclusive(r: &Run, timeout: Duration, reason: &[&str]) {
    assert_eq!(r.json["verdict"], "inconclusive", "{}", r.text());
    assert_eq!(r.code(), 2, "{}", r.text());
    assert!(
        r.took < timeout + Duration::from_secs(3),
        "took {:?} with --timeout {timeout:?}",
        r.took
    );
    let summary = r.json["summary"].as_str().unwrap_or("").to_lowercase();
    let all = r.json.to_string().to_lowercase();
    assert!(!summary.is_empty(), "no reason given: {}", r.json);
    assert!(
        reason.iter().any(|w| all.contains(w)),
        "expected one of {reason:?} in {}",
        r.json
    );
}

/// No probe was sent without bound: at most two requests per path, few connections in all.
fn assert_bounded(server: &Server) {
    let seen = server.seen();
    for s in &seen {
        let n = seen.iter().filter(|o| o.path == s.path).count();
        assert!(n <= 2, "{} asked {n} times", s.path);
    }
    let conns = server.connections.load(Ordering::SeqCst);
    assert!(conns <= 30, "{conns} connections");
}

#[test]
fn connection_refused() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let r = doctor(
        &both_hosts(&format!("http://127.0.0.1:{port}")),
        "3",
        &["--site", "acme", &gateway_url()],
    );
    assert_inconclusive(&r, Duration::from_secs(3), &["connection", "refused"]);
}

#[test]
fn name_that_does_not_resolve() {
    let r = doctor(
        &both_hosts("https://atlcheck-test.invalid"),
        "3",
        &["--site", "acme", &gateway_url()],
    );
    assert_inconclusive(
        &r,
        Duration::from_secs(3),
        &["dns", "resolve", "connection"],
    );
}

#[test]
fn tls_handshake_with_a_plain_tcp_server() {
    let server = Server::start(false, |mut s, _| {
        let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        let mut sink = [0u8; 1024];
        let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
        let _ = s.read(&mut sink);
    });
    let r = doctor(
        &both_hosts(&format!("https://127.0.0.1:{}", server.port)),
        "3",
        &["--site", "acme", &gateway_url()],
    );
    assert_inconclusive(
        &r,
        Duration::from_secs(3),
        &["tls", "certificate", "connection"],
    );
    assert_bounded(&server);
}

#[test]
fn server_accepts_and_never_answers() {
    let server = Server::start(false, |s, _| {
        std::thread::sleep(Duration::from_secs(30));
        drop(s);
    });
    assert_times_out(&server);
    assert!(server.connections.load(Ordering::SeqCst) <= 30);
}

#[test]
fn server_drips_a_byte_a_second_in_the_status_line() {
    let head = Server::start(true, |mut s, _| {
        for b in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}" {
            if s.write_all(&[*b]).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    assert_times_out(&head);
    assert_bounded(&head);
}

#[test]
fn server_drips_a_byte_a_second_in_the_body() {
    // After complete headers.
    let body = Server::start(true, |mut s, _| {
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        for _ in 0..60 {
            if s.write_all(b" ").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    assert_times_out(&body);
    assert_bounded(&body);
}

#[test]
fn server_answers_garbage() {
    let server = Server::start(true, |mut s, _| {
        let mut junk = Vec::new();
        for i in 0..4096u32 {
            junk.push((i.wrapping_mul(2_654_435_761) >> 13) as u8);
        }
        let _ = s.write_all(b"\x00\xffSSH-2.0-OpenSSH_9.6\r\n");
        let _ = s.write_all(&junk);
        let _ = s.shutdown(Shutdown::Write);
    });
    let r = doctor(
        &both_hosts(&server.base()),
        "3",
        &["--site", "acme", &gateway_url()],
    );
    assert_inconclusive(
        &r,
        Duration::from_secs(3),
        &["request failed", "connection", "invalid"],
    );
    assert_bounded(&server);
}

#[test]
fn server_answers_non_json() {
    // A captive portal or a proxy's login page, answering 200 to everything: nothing confirms
    // who the credential is, so no diagnosis can be made.
    let server = Server::start(true, |s, _| {
        respond(
            s,
            "200 OK",
            &[("Content-Type", "text/html")],
            b"<html><body>Please log in to the corporate proxy</body></html>",
        )
    });
    let r = doctor(
        &both_hosts(&server.base()),
        "3",
        &["--site", "acme", &gateway_url()],
    );
    assert_inconclusive(&r, Duration::from_secs(3), &["proxy", "not an atlassian"]);
    assert_bounded(&server);
}

#[test]
fn ten_megabyte_body() {
    let body = vec![b'x'; 10 * 1024 * 1024];
    let body = Arc::new(body);
    let server = Server::start(true, move |s, _| {
        respond(
            s,
            "503 Service Unavailable",
            &[("Content-Type", "text/plain")],
            &body,
        )
    });
    let r = doctor(
        &both_hosts(&server.base()),
        "5",
        &["--site", "acme", &gateway_url()],
    );
    assert_inconclusive(&r, Duration::from_secs(5), &["503", "unavailable"]);
    assert!(r.took < Duration::from_secs(5), "took {:?}", r.took);
    for e in r.evidence() {
        assert!(e["body"].as_str().unwrap_or("").len() <= 1200, "{e}");
    }
    assert_bounded(&server);
}

#[test]
fn five_hundreds_burst() {
    let statuses = [
        "500 Internal Server Error",
        "502 Bad Gateway",
        "503 Service Unavailable",
        "504 Gateway Timeout",
    ];
    let n = Arc::new(AtomicU64::new(0));
    let server = Server::start(true, move |s, _| {
        let i = n.fetch_add(1, Ordering::SeqCst) as usize;
        respond(
            s,
            statuses[i % statuses.len()],
            &[("Content-Type", "application/json"), ("Retry-After", "1")],
            br#"{"message":"upstream error"}"#,
        )
    });
    let r = doctor(
        &both_hosts(&server.base()),
        "3",
        &["--site", "acme", &gateway_url()],
    );
    assert_inconclusive(&r, Duration::from_secs(3), &["50"]);
    assert_bounded(&server);
}
