//! `HTTPS_PROXY` / `NO_PROXY` (SPEC, environment; issue 13 part 1: corporate proxies). A local
//! listener plays the proxy: it records the `CONNECT` line and closes, so nothing ever reaches
//! Atlassian and no TLS is needed. The credential travels inside the tunnel, never in the
//! `CONNECT` request itself.
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

fn proxy() -> (u16, Arc<Mutex<Vec<String>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { continue };
            let mut r = BufReader::new(s);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            log.lock().unwrap().push(head);
            // Close: the doctor sees a failed tunnel.
        }
    });
    (port, seen)
}

fn token() -> String {
    atlcheck::token::with_crc_tail(
        "ATATT3xFfGF0UHJveHlUZXN0VG9rZW5Ob3RBUmVhbE9uZUF0QWxsMTIzNDU2Nzg5MGFiY2RlZmdo=",
    )
}

fn run(env: &[(&str, String)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.args([
        "doctor",
        "--format",
        "json",
        "--timeout",
        "3",
        "--no-netrc",
        "--isolated",
        "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself",
    ])
    .env(
        "ATLASSIAN_EMAIL",
        "jira-sync-x1axxw94zz@serviceaccount.atlassian.com",
    )
    .env("ATLASSIAN_API_TOKEN", token());
    for v in [
        "ATLCHECK_CONNECT_TO",
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
        "NO_PROXY",
        "no_proxy",
        "ATLASSIAN_CLIENT_ID",
        "ATLASSIAN_CLIENT_SECRET",
    ] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn https_proxy_is_used_and_the_credential_stays_inside_the_tunnel() {
    let (port, seen) = proxy();
    let o = run(&[("HTTPS_PROXY", format!("http://127.0.0.1:{port}"))]);
    let heads = seen.lock().unwrap().clone();
    assert!(
        heads
            .iter()
            .any(|h| h.starts_with("CONNECT api.atlassian.com:443")),
        "the proxy saw no CONNECT: {heads:?}\n{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let t = token();
    assert!(heads.iter().all(|h| !h.contains(&t[..40])));
    assert!(
        heads
            .iter()
            .all(|h| !h.to_ascii_lowercase().contains("authorization"))
    );
    // The tunnel failed: the checks could not run.
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn no_proxy_bypasses_the_proxy() {
    let (port, seen) = proxy();
    // A local stand-in for the gateway, reached through ATLCHECK_CONNECT_TO and exempted by
    // NO_PROXY: the proxy must see nothing.
    let gw = httpmock::MockServer::start();
    let hit = gw.mock(|w, t| {
        w.any_request();
        t.status(401)
            .body(r#"{"code":401,"message":"Unauthorized"}"#);
    });
    let o = run(&[
        ("HTTPS_PROXY", format!("http://127.0.0.1:{port}")),
        ("HTTP_PROXY", format!("http://127.0.0.1:{port}")),
        ("NO_PROXY", "127.0.0.1,localhost".to_string()),
        (
            "ATLCHECK_CONNECT_TO",
            format!("api.atlassian.com={}", gw.base_url()),
        ),
    ]);
    assert!(hit.calls() > 0, "{}", String::from_utf8_lossy(&o.stdout));
    assert!(seen.lock().unwrap().is_empty());
}
