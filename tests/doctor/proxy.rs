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

#[test]
fn a_proxy_url_without_a_scheme_is_used_like_curl_does() {
    let (port, seen) = proxy();
    run(&[("HTTPS_PROXY", format!("127.0.0.1:{port}"))]);
    let heads = seen.lock().unwrap().clone();
    assert!(
        heads
            .iter()
            .any(|h| h.starts_with("CONNECT api.atlassian.com:443")),
        "{heads:?}"
    );
}

#[test]
fn a_proxy_variable_the_client_would_ignore_is_one_line_and_exit_2() {
    // Before, an unparsable HTTPS_PROXY was dropped in silence and every request went direct:
    // behind a corporate proxy, a timeout that names no cause.
    let (port, seen) = proxy();
    let password = "Pr0xyPassw0rdNotShown";
    for (name, value) in [
        (
            "HTTPS_PROXY",
            format!("http://me:{password}@127.0.0.1 :{port}"),
        ),
        (
            "https_proxy",
            format!("ftp://me:{password}@127.0.0.1:{port}"),
        ),
        (
            "ALL_PROXY",
            format!("socks5://me:{password}@127.0.0.1:{port}"),
        ),
    ] {
        let o = run(&[(name, value)]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!(
                "{name} is set but atlcheck cannot use it as a proxy"
            )),
            "{err}"
        );
        for out in [&o.stdout, &o.stderr] {
            assert!(!String::from_utf8_lossy(out).contains(password));
        }
    }
    assert!(seen.lock().unwrap().is_empty());
    // A usable HTTPS_PROXY wins: a broken ALL_PROXY is not consulted for https.
    let o = run(&[
        ("HTTPS_PROXY", format!("http://127.0.0.1:{port}")),
        ("ALL_PROXY", "socks5://127.0.0.1:1".to_string()),
    ]);
    assert!(!String::from_utf8_lossy(&o.stderr).contains("cannot use it as a proxy"));
    assert!(!seen.lock().unwrap().is_empty());
}

#[test]
fn tokens_refuses_a_broken_proxy_variable_too() {
    let o = Command::new(env!("CARGO_BIN_EXE_atlcheck"))
        .args([
            "tokens",
            "--org",
            "0a1b2c3d-0000-4000-8000-000000000001",
            "--format",
            "json",
        ])
        .env("ATLASSIAN_ADMIN_KEY", "adminkey-not-real-0123456789")
        .env("HTTPS_PROXY", "http://proxy corp:3128")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("HTTPS_PROXY is set but atlcheck cannot use it as a proxy: it is not a URL"),
        "{err}"
    );
}
