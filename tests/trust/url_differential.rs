//! Differential test (issue 12, class 1): for a corpus of tricky URLs, the host atlcheck's
//! allowlist checks is the host the doctor's HTTP client connects to, and anything else is
//! refused before a byte is sent.
//!
//! The real client (`doctor::http::Http`) is pointed at a recording proxy through
//! `HTTPS_PROXY`: for an https URL it asks the proxy `CONNECT host:port`, which names exactly
//! where it would connect. The client reads its proxy from the process environment, which the
//! children other tests of this binary spawn inherit: the test runs itself again in a child
//! process (`common::in_own_process`) and only that child sets the proxy.
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlcheck::destination::{self, Allowed};
use atlcheck::doctor::http::{Auth, ConnectTo, Http};
use atlcheck::secret::Secret;

/// A proxy that records the request line of every connection and answers 403.
fn recording_proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut head = Vec::new();
            let mut b = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
                match s.read(&mut b) {
                    Ok(1) => head.push(b[0]),
                    _ => break,
                }
            }
            let line = String::from_utf8_lossy(&head)
                .lines()
                .next()
                .unwrap_or("")
                .to_string();
            log.lock().unwrap().push(line);
            let _ = s.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
        }
    });
    (port, seen)
}

const CORPUS: &[&str] = &[
    "https://acme.atlassian.net/rest/api/3/myself",
    "https://ACME.Atlassian.NET/rest/api/3/myself",
    "https://acme.atlassian.net:443/x",
    "https://acme.atlassian.net:8443/x",
    "https://acme.atlassian.net./x",
    "https://acme.atlassian.net..evil.example/x",
    "https://acme.atlassian.net@evil.example/x",
    "https://evil.example@acme.atlassian.net/x",
    "https://me:pw@acme.atlassian.net/x",
    "https://evil.example#@acme.atlassian.net/",
    "https://evil.example?@acme.atlassian.net/",
    "https://evil.example/@acme.atlassian.net/",
    "https://evil.example;.atlassian.net/",
    "https://evil.example%3B.atlassian.net/",
    "https://evil_example.atlassian.net/",
    "https://acme.atlassian.net%2F@evil.example/",
    "https://acme%2Eatlassian.net/x",
    "https://acme%2eatlassian%2enet/x",
    "https://\u{ff41}\u{ff43}\u{ff4d}\u{ff45}.atlassian.net/x",
    "https://acme\u{3002}atlassian.net/x",
    "https://acme.atlassian.net\u{ff0e}evil.example/x",
    "https://evil.example\u{ff0e}atlassian.net/x",
    "https://acm\u{e9}.atlassian.net/x",
    "https://xn--acm-bpa.atlassian.net/x",
    "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself",
    "https://api.atlassian.com.evil.example/x",
    "https://auth.atlassian.com/oauth/token",
    "https://atlassian.net/x",
    "https://127.0.0.1/x",
    "https://[::1]/x",
    "https://0x7f000001/x",
    "https://2130706433/x",
    "https://localhost/x",
    r"https://localhost\.atlassian.net/rest/api/3/myself",
    r"https://evil.example\@acme.atlassian.net/rest/api/3/myself",
    r"https:\\evil.example\.atlassian.net/",
    r"https://acme.atlassian.net\@evil.example/",
    "https:acme.atlassian.net/x",
    "https:/acme.atlassian.net/x",
    "https:///acme.atlassian.net/x",
    "https://acme.atlas\nsian.net/x",
    "https://acme.atlas\tsian.net/x",
    " https://acme.atlassian.net/x ",
    "http://acme.atlassian.net/x",
    "HTTPS://acme.atlassian.net/x",
    "ftp://acme.atlassian.net/x",
    "https://acme.atlassian.net/%2e%2e/%2e%2e/x",
    "https://acme.atlassian.net/x?next=https://evil.example",
    "https://acme.atlassian.net#@evil.example",
    "https://%61cme.atlassian.net/x",
    "https://acme.atlassian.net%00.evil.example/x",
    "https://acme.atlassian.net:0/x",
    "https://acme.atlassian.net:65536/x",
    "//acme.atlassian.net/x",
];

#[test]
fn the_host_checked_is_the_host_connected_to() {
    if crate::common::in_own_process(module_path!(), "the_host_checked_is_the_host_connected_to") {
        differential();
    }
}

fn differential() {
    let (port, seen) = recording_proxy();
    // SAFETY: this process is the child that runs this one test (`--exact`, one thread); nothing
    // else reads the environment concurrently.
    unsafe {
        for v in ["NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"] {
            std::env::remove_var(v);
        }
        std::env::set_var("HTTPS_PROXY", format!("http://127.0.0.1:{port}"));
        std::env::set_var("https_proxy", format!("http://127.0.0.1:{port}"));
    }
    let http = Http::new(ConnectTo::default(), Duration::from_secs(5)).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let auth = Auth::Header(Secret::new("Basic amFuZUBhY21lLmNvbTpkaWZmZXJlbnRpYWw="));
    let mut sent = 0;
    for raw in CORPUS {
        let before = seen.lock().unwrap().len();
        let ex = rt.block_on(http.send("GET", raw, &auth));
        let after: Vec<String> = seen.lock().unwrap()[before..].to_vec();
        let ours = destination::parse(raw).and_then(|u| {
            destination::check(&u, Allowed::Atlassian)?;
            Ok(u)
        });
        match ours {
            Ok(url) => {
                sent += 1;
                let port = url.port_or_known_default().unwrap();
                let expected = format!("CONNECT {}:{port} HTTP/1.1", destination::host(&url));
                assert_eq!(
                    after,
                    vec![expected],
                    "{raw:?}: the client connected elsewhere than the host checked"
                );
                assert!(
                    atlcheck::surface::is_atlassian_api_host(&destination::host(&url)),
                    "{raw:?}"
                );
            }
            Err(why) => {
                assert!(
                    after.is_empty(),
                    "{raw:?} was refused ({why}) but the client connected: {after:?}"
                );
                assert!(ex.error.is_some(), "{raw:?}: refusal is evidence");
            }
        }
    }
    assert!(sent >= 10, "the corpus exercises the client ({sent} sent)");
}
