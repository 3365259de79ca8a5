//! Where the doctor sends a credential (issue 12, class 1), end to end: the issue's examples,
//! userinfo read as the credential and never sent in a URL, `ATLCHECK_CONNECT_TO` targets
//! parsed the same way, and no proxy for a plain-http loopback target.
use crate::common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::atlcheck;

/// A raw server recording each request head; answers `status` with a JSON body.
fn server(status: u16) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let log = log.clone();
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                loop {
                    let mut head = Vec::new();
                    let mut b = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
                        match s.read(&mut b) {
                            Ok(1) => head.push(b[0]),
                            _ => return,
                        }
                    }
                    log.lock()
                        .unwrap()
                        .push(String::from_utf8_lossy(&head).into_owned());
                    let body = "{}";
                    let _ = write!(
                        s,
                        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                }
            });
        }
    });
    (port, seen)
}

fn doctor(args: &[&str]) -> std::process::Command {
    let dir = std::env::temp_dir();
    let mut cmd = atlcheck(&dir, &["doctor"]);
    cmd.args(args)
        .env_remove("ATLASSIAN_API_TOKEN")
        .env_remove("ATLASSIAN_EMAIL")
        .env_remove("ATLCHECK_CONNECT_TO")
        .env("NETRC", "/nonexistent/netrc");
    for v in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        cmd.env_remove(v);
    }
    cmd
}

/// The issue's examples: a backslash in the authority is refused, one line, exit 2, and no
/// connection is made to the host a WHATWG parser would read.
#[test]
fn backslash_in_the_authority_is_refused() {
    let (port, seen) = server(200);
    for url in [
        r"https://localhost\.atlassian.net/rest/api/3/myself",
        r"https://evil.example\@acme.atlassian.net/rest/api/3/myself",
    ] {
        let o = doctor(&[url])
            .env("ATLASSIAN_EMAIL", "jane@acme.com")
            .env("ATLASSIAN_API_TOKEN", "not-a-real-token-but-a-secret")
            .env(
                "ATLCHECK_CONNECT_TO",
                format!("localhost=http://127.0.0.1:{port},evil.example=http://127.0.0.1:{port}"),
            )
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{url}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{url}: one line: {err}");
        assert!(err.contains("backslash"), "{err}");
        assert!(o.stdout.is_empty());
    }
    std::thread::sleep(Duration::from_millis(100));
    assert!(seen.lock().unwrap().is_empty(), "nothing was sent");
}

/// `https://me:TOKEN@site/…`: the credential (with a warning), sent only as the
/// Authorization header, never as part of the URL.
#[test]
fn userinfo_is_the_credential_and_never_travels_in_the_url() {
    let (port, seen) = server(200);
    let token = atlcheck::token::with_crc_tail(
        "ATATT3xFfGF0VXNlcmluZm9Jc1RoZUNyZWRlbnRpYWxOZXZlclNlbnRJblRoZVVybDEyMzQ1Njc4OTA=",
    );
    let url = format!("https://jane%40acme.com:{token}@acme.atlassian.net/rest/api/3/myself");
    let o = doctor(&["--timeout", "5", &url])
        .env(
            "ATLCHECK_CONNECT_TO",
            format!("acme.atlassian.net=http://127.0.0.1:{port}"),
        )
        .output()
        .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!out.contains(&token), "{out}");
    assert!(out.contains("user:secret@"), "a warning names it: {out}");
    let heads = seen.lock().unwrap().clone();
    assert!(!heads.is_empty(), "the doctor probed: {out}");
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("jane@acme.com:{token}"));
    assert!(
        heads
            .iter()
            .any(|h| h.contains(&format!("authorization: Basic {basic}"))
                || h.contains(&format!("Authorization: Basic {basic}"))),
        "the userinfo went as Basic: {heads:?}"
    );
    for h in &heads {
        let line = h.lines().next().unwrap();
        assert!(!line.contains('@') && !line.contains(&token), "{line}");
    }
}

/// A curl `-u` outranks the URL's userinfo.
#[test]
fn curl_user_outranks_userinfo() {
    let o = doctor(&[
        "--offline",
        "--format",
        "json",
        "--",
        "curl",
        "-u",
        "bot@serviceaccount.atlassian.com:from-curl-u-secret",
        "https://jane%40acme.com:from-the-url-secret@acme.atlassian.net/rest/api/3/myself",
    ])
    .output()
    .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("bot@serviceaccount.atlassian.com"), "{out}");
    assert!(!out.contains("from-the-url-secret") && !out.contains("from-curl-u-secret"));
}

/// `ATLCHECK_CONNECT_TO`: plain http only to loopback, decided on the parsed host.
#[test]
fn connect_to_targets_are_parsed_and_plain_http_is_loopback_only() {
    for target in [
        "http://10.0.0.1:80",
        "http://127.0.0.1.evil.example:80",
        "http://localhost.evil.example",
        "http://me:pw@127.0.0.1:9",
        r"http://127.0.0.1\@evil.example/",
    ] {
        let o = doctor(&["https://acme.atlassian.net/rest/api/3/myself"])
            .env("ATLASSIAN_EMAIL", "jane@acme.com")
            .env("ATLASSIAN_API_TOKEN", "not-a-real-token-but-a-secret")
            .env(
                "ATLCHECK_CONNECT_TO",
                format!("acme.atlassian.net={target}"),
            )
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{target}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{target}: {err}");
        assert!(err.contains("ATLCHECK_CONNECT_TO"), "{err}");
    }
}

/// A credential never travels in cleartext to a proxy: plain-http loopback targets are
/// reached directly even when a proxy is configured.
#[test]
fn no_proxy_for_plain_http_loopback_targets() {
    let (port, seen) = server(200);
    let (proxy, via_proxy) = server(502);
    let mut cmd = doctor(&[
        "--timeout",
        "5",
        "https://acme.atlassian.net/rest/api/3/myself",
    ]);
    cmd.env("ATLASSIAN_EMAIL", "jane@acme.com")
        .env("ATLASSIAN_API_TOKEN", "not-a-real-token-but-a-secret")
        .env(
            "ATLCHECK_CONNECT_TO",
            format!("acme.atlassian.net=http://127.0.0.1:{port}"),
        );
    for v in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env(v, format!("http://127.0.0.1:{proxy}"));
    }
    let o = cmd.output().unwrap();
    assert!(
        !seen.lock().unwrap().is_empty(),
        "the target was reached: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        via_proxy.lock().unwrap().is_empty(),
        "nothing went through the proxy"
    );
}
