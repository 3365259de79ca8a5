//! Red-team regressions (issue 12): each test is an attack that broke a security invariant of
//! SPEC.md on main, replayed with generated hostile inputs (a seeded xorshift generator, a
//! capped number of cases, so a warm `cargo test` stays fast). A test here fails on the code
//! before its fix.
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;

use crate::common::text;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Xorshift, seeded from the OS-randomised hasher; the seed is printed so a failure replays.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("ATLCHECK_ADVERSARIAL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                let mut h = RandomState::new().build_hasher();
                h.write_u32(std::process::id());
                h.finish() | 1
            });
        eprintln!("adversarial seed: ATLCHECK_ADVERSARIAL_SEED={seed}");
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Alphanumerics with a digit, a lower and an upper case letter.
    fn alnum(&mut self, n: usize) -> String {
        loop {
            let s: String = (0..n)
                .map(|_| ALNUM[self.below(ALNUM.len())] as char)
                .collect();
            if s.bytes().any(|b| b.is_ascii_digit())
                && s.bytes().any(|b| b.is_ascii_lowercase())
                && s.bytes().any(|b| b.is_ascii_uppercase())
            {
                return s;
            }
        }
    }
    /// A password: not token-shaped, 16 to 19 characters (too short for the shape-based
    /// redaction, so only the registry of held secrets can mask it).
    fn password(&mut self) -> String {
        let n = 16 + self.below(4);
        format!("Pw{}", self.alnum(n - 2))
    }
}

/// Fail if `secret`, or any 16 characters of it, appears in `text` (case-insensitive: a
/// lower- or upper-cased secret is still a secret).
fn assert_absent(what: &str, secret: &str, text: &str) {
    if let Some((_, piece)) = crate::common::leaked_piece(text, &[("secret", secret)], 16) {
        panic!("{what}: 16 characters of a secret leaked (`{piece}`):\n{text}");
    }
}

pub(crate) fn atlcheck(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.current_dir(dir);
    for var in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "GITHUB_ACTIONS",
        "ATLCHECK_CONNECT_TO",
        "ATLASSIAN_EMAIL",
        "ATLASSIAN_API_TOKEN",
        "ATLASSIAN_CLIENT_ID",
        "ATLASSIAN_CLIENT_SECRET",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NETRC", "/nonexistent/netrc").stdin(Stdio::null());
    cmd
}

/// `doctor -v --format FORMAT URL` in `dir` against the local `server`, with a Basic credential
/// from the environment (`bot@example.com` and `token`): how the attacks on the doctor's
/// output run it. More flags can be added to the command.
pub(crate) fn doctor_verbose(
    dir: &Path,
    server: &Server,
    url: &str,
    format: &str,
    token: impl AsRef<std::ffi::OsStr>,
) -> Command {
    let mut cmd = atlcheck(dir);
    cmd.args(["doctor", "--isolated", "--no-netrc", "-v", "--timeout", "5"])
        .args(["--format", format])
        .arg(url)
        .env("ATLCHECK_CONNECT_TO", server.connect_to())
        .env("ATLASSIAN_EMAIL", "bot@example.com")
        .env("ATLASSIAN_API_TOKEN", token);
    cmd
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
#[allow(dead_code)]
pub(crate) struct Seen {
    pub(crate) line: String,
    pub(crate) headers: Vec<(String, String)>,
}

pub(crate) type Reply = dyn Fn(&Seen) -> Vec<u8> + Send + Sync;

/// A raw HTTP/1.1 server on 127.0.0.1: answers every request with `reply`, records what it saw.
pub(crate) struct Server {
    port: u16,
    pub(crate) seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub(crate) fn start(reply: Box<Reply>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let reply: Arc<Reply> = Arc::from(reply);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = log.clone();
                let reply = reply.clone();
                std::thread::spawn(move || serve(stream, &log, &*reply));
            }
        });
        Server { port, seen }
    }
    /// `ATLCHECK_CONNECT_TO` mapping every Atlassian host the doctor uses to this server.
    pub(crate) fn connect_to(&self) -> String {
        [
            "acme.atlassian.net",
            "api.atlassian.com",
            "auth.atlassian.com",
        ]
        .iter()
        .map(|h| format!("{h}=http://127.0.0.1:{}", self.port))
        .collect::<Vec<_>>()
        .join(",")
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Seen>>, reply: &Reply) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut headers = Vec::new();
        let mut length = 0usize;
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.trim().parse().unwrap_or(0);
                }
                headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        let mut body = vec![0u8; length];
        let _ = reader.read_exact(&mut body);
        let seen = Seen {
            line: line.trim_end().to_string(),
            headers,
        };
        log.lock().unwrap().push(seen.clone());
        if writer.write_all(&reply(&seen)).is_err() {
            return;
        }
    }
}

/// A complete HTTP response.
pub(crate) fn response(status: &str, headers: &[(&str, String)], body: &str) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 {status}\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    ));
    r.into_bytes()
}

/// The `user:secret` a request carried as Basic, decoded.
pub(crate) fn basic_pair(seen: &Seen) -> String {
    seen.headers
        .iter()
        .find(|(k, _)| k == "authorization")
        .and_then(|(_, v)| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Break 1: a held secret echoed back by a server in another letter case passed the sink
// (the registry matched case-sensitively), e.g. `X@Y.COM:PW…` in a 401 body or header.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_held_secret_echoed_in_another_case_is_scrubbed() {
    let mut rng = Rng::new();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Box::new(|seen: &Seen| {
        let pair = basic_pair(seen);
        let body = serde_json::json!({
            "message": format!("bad credentials {} / {}", pair.to_uppercase(), pair.to_lowercase()),
            "errorMessages": [pair.to_uppercase()],
        })
        .to_string();
        response(
            "401 Unauthorized",
            &[
                (
                    "WWW-Authenticate",
                    format!("Basic realm=\"{}\"", pair.to_lowercase()),
                ),
                ("X-Failure-Category", pair.to_uppercase()),
            ],
            &body,
        )
    }));
    for _ in 0..3 {
        let secret = rng.password();
        for format in ["human", "json"] {
            let o = doctor_verbose(
                dir.path(),
                &server,
                "https://acme.atlassian.net/rest/api/3/myself",
                format,
                &secret,
            )
            .output()
            .unwrap();
            assert!(
                !server.seen.lock().unwrap().is_empty(),
                "no probe reached the server"
            );
            assert_absent(&format!("doctor --format {format}"), &secret, &text(&o));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Break 2: with no credential given, every probe answering 401 (the request itself too) ended
// "OK: the request works", exit 0: a failed check without a finding was taken for success.
// ---------------------------------------------------------------------------------------------

#[test]
fn a_failed_request_without_a_diagnosis_is_never_ok() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Box::new(|_: &Seen| {
        response(
            "401 Unauthorized",
            &[],
            r#"{"errorMessages":["You are not authenticated. Authentication required to perform this operation."]}"#,
        )
    }));
    for url in [
        "https://acme.atlassian.net/rest/api/3/myself",
        "https://acme.atlassian.net/rest/api/3/issue/OPS-1",
    ] {
        let o = atlcheck(dir.path())
            .args(["doctor", "--isolated", "--no-netrc", "--timeout", "5"])
            .args(["--format", "json", url])
            .env("ATLCHECK_CONNECT_TO", server.connect_to())
            .output()
            .unwrap();
        let report: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
        assert_ne!(report["verdict"], "ok", "{}", text(&o));
        assert_ne!(o.status.code(), Some(0), "{}", text(&o));
    }
}
