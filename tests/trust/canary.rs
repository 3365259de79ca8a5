//! Canary suite (SPEC, security invariants: no output ever carries a whole secret).
//!
//! Every run generates fresh, structurally valid secrets (an `ATATT3` API token and an `ATCTT3`
//! admin key with correct CRC tails, an `ATOA` OAuth client secret, a legacy 24-character token,
//! a literal `Basic base64(email:token)` value), seeds them into files, configuration, the
//! environment, standard input and the command line, then runs every command and every format,
//! the error paths and a forced panic, and asserts that no secret, whole or in a large part,
//! reaches stdout, stderr or any file atlcheck wrote.
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlcheck::doctor::credential::{Credential, analyse};
use atlcheck::doctor::http::Auth;
use atlcheck::secret::{Secret, mask};
use base64::Engine;

use crate::common::{output_with_stdin, text};

const CLOUD: &str = "35273b54-3f06-40d2-880f-dd28cf8daafa";
const EMAIL: &str = "jane.doe@acme.com";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A small xorshift generator seeded from the OS-randomised hasher: fresh secrets every run.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let mut h = RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos(),
        );
        h.write_u32(std::process::id());
        Rng(h.finish() | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick(&mut self, set: &[u8], n: usize) -> String {
        (0..n)
            .map(|_| set[(self.next() % set.len() as u64) as usize] as char)
            .collect()
    }
    /// Alphanumerics with at least one digit, one lower and one upper case letter.
    fn alnum(&mut self, n: usize) -> String {
        loop {
            let s = self.pick(ALNUM, n);
            if s.bytes().any(|b| b.is_ascii_digit())
                && s.bytes().any(|b| b.is_ascii_lowercase())
                && s.bytes().any(|b| b.is_ascii_uppercase())
            {
                return s;
            }
        }
    }
}

/// The canaries of one run.
struct Canaries {
    api: String,
    admin: String,
    oauth: String,
    legacy: String,
    /// The token inside the Basic value.
    basic_token: String,
    /// The base64 part of `Basic …`.
    basic: String,
    /// An API token with one character changed (CRC mismatch): still a secret.
    typo: String,
    /// An opaque OAuth access token a (hostile) token endpoint issues.
    access: String,
}

impl Canaries {
    fn new() -> Canaries {
        let mut r = Rng::new();
        let api = atlcheck::token::with_crc_tail(&format!("ATATT3xFfGF0{}=", r.alnum(170)));
        let admin = atlcheck::token::with_crc_tail(&format!("ATCTT3xFfGN0{}=", r.alnum(170)));
        let oauth = atlcheck::token::with_crc_tail(&format!("ATOA{}", r.alnum(64)));
        let legacy = format!("{}{}", r.alnum(20), r.pick(b"0123456789ABCDEFabcdef", 4));
        let basic_token = atlcheck::token::with_crc_tail(&format!("ATATT3xFfGF0{}=", r.alnum(120)));
        let basic =
            base64::engine::general_purpose::STANDARD.encode(format!("{EMAIL}:{basic_token}"));
        let mut typo =
            atlcheck::token::with_crc_tail(&format!("ATATT3xFfGF0{}=", r.alnum(150))).into_bytes();
        typo[60] = if typo[60] == b'Q' { b'R' } else { b'Q' };
        let typo = String::from_utf8(typo).unwrap();
        let access = r.alnum(120);
        for (name, t) in [("api", &api), ("admin", &admin), ("oauth", &oauth)] {
            assert_eq!(
                atlcheck::token::classify(t).checksum,
                atlcheck::token::Checksum::Valid,
                "{name} canary is structurally valid"
            );
        }
        assert_eq!(
            atlcheck::token::classify(&legacy).kind,
            atlcheck::token::TokenKind::Legacy
        );
        Canaries {
            api,
            admin,
            oauth,
            legacy,
            basic_token,
            basic,
            typo,
            access,
        }
    }

    fn all(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("ATATT3 API token", &self.api),
            ("ATCTT3 admin key", &self.admin),
            ("ATOA client secret", &self.oauth),
            ("legacy token", &self.legacy),
            ("token inside the Basic value", &self.basic_token),
            ("Basic value", &self.basic),
            ("mistyped API token", &self.typo),
            ("OAuth access token", &self.access),
        ]
    }

    /// Fail if any secret, or any 16-character run of one (more than the 6 + 4 the mask
    /// shows), appears in `text`.
    fn assert_absent(&self, what: &str, text: &str) {
        if let Some((name, piece)) = crate::common::leaked_piece(text, &self.all(), 16) {
            let lower = text.to_lowercase();
            let secret = self.all().into_iter().find(|(n, _)| *n == name).unwrap().1;
            assert!(
                !lower.contains(&secret.to_lowercase()),
                "{what}: the whole {name} leaked:\n{text}"
            );
            panic!("{what}: 16 characters of the {name} leaked (`{piece}`):\n{text}");
        }
    }

    fn env(&self, cmd: &mut Command) {
        cmd.env("ATLASSIAN_EMAIL", EMAIL)
            .env("ATLASSIAN_API_TOKEN", &self.api)
            .env("JIRA_API_TOKEN", &self.legacy)
            .env("ATLASSIAN_ADMIN_KEY", &self.admin)
            .env("ATLASSIAN_CLIENT_SECRET", &self.oauth)
            .env("AUTH_HEADER", format!("Basic {}", self.basic))
            .env("NETRC", "/nonexistent/netrc");
    }
}

/// The leak check itself catches a whole secret, 16 of its characters (a case change
/// included) anywhere in a text, and passes the masked forms.
#[test]
fn the_leak_check_catches_pieces_and_passes_masks() {
    let c = Canaries::new();
    let caught = |text: String| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| c.assert_absent("t", &text)))
            .is_err()
    };
    for (_, s) in c.all() {
        assert!(caught(format!("before {s} after")));
        assert!(caught(format!("x{}y", &s[s.len() - 16..])));
        assert!(caught(s[2..18].to_uppercase()));
        assert!(!caught(format!("{} and {}", mask(s), &s[..15])));
    }
}

/// The seeded tree: the canaries where real repositories keep them.
fn seed(dir: &Path, c: &Canaries) {
    let write = |rel: &str, text: String| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "deploy.sh",
        format!(
            "#!/bin/sh\n\
             export JIRA_API_TOKEN={api}\n\
             export ATLASSIAN_ADMIN_KEY=\"{admin}\"\n\
             curl -u {EMAIL}:{api} https://acme.atlassian.net/rest/api/3/issue/OPS-1\n\
             curl -H \"Authorization: Basic {basic}\" https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself\n\
             curl -H \"Authorization: Bearer {api}\" https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/search/jql\n\
             JIRA_TOKEN=\"{typo}\"\n",
            api = c.api,
            admin = c.admin,
            basic = c.basic,
            typo = c.typo,
        ),
    );
    write(
        ".env",
        format!(
            "ATLASSIAN_CLIENT_SECRET={}\nJIRA_API_TOKEN={}\nJIRA_URL=https://acme.atlassian.net\n",
            c.oauth, c.legacy
        ),
    );
    write(
        "sync.py",
        format!(
            "from atlassian import Jira\n\
             jira = Jira(url=\"https://acme.atlassian.net\", username=\"{EMAIL}\", password=\"{api}\")\n\
             HEADERS = {{\"Authorization\": \"Basic {basic}\"}}\n\
             requests.get(\"https://acme.atlassian.net/rest/api/3/myself\", headers=HEADERS)\n\
             assert len(token) == 24  # jira token {legacy}\n",
            api = c.api,
            basic = c.basic,
            legacy = c.legacy,
        ),
    );
    write(
        ".github/workflows/ci.yml",
        format!(
            "on: push\njobs:\n  sync:\n    runs-on: ubuntu-latest\n    env:\n      JIRA_API_TOKEN: {api}\n      CONFLUENCE_TOKEN: \"{legacy}\"\n    steps:\n      - run: curl -u bot@acme.com:{admin} https://acme.atlassian.net/wiki/rest/api/space\n",
            api = c.api,
            legacy = c.legacy,
            admin = c.admin,
        ),
    );
    write(
        "client.js",
        format!(
            "const auth = 'Basic {basic}';\nfetch(`https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1`, {{ headers: {{ Authorization: auth }} }});\nconst secret = \"{oauth}\";\n",
            basic = c.basic,
            oauth = c.oauth,
        ),
    );
}

fn tree(c: &Canaries) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path(), c);
    dir
}

fn atlcheck(dir: &Path, c: &Canaries) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlcheck"));
    cmd.current_dir(dir);
    for var in [
        "NO_COLOR",
        "CLICOLOR_FORCE",
        "GITHUB_ACTIONS",
        "ATLCHECK_CONNECT_TO",
    ] {
        cmd.env_remove(var);
    }
    c.env(&mut cmd);
    cmd
}

/// Run, check stdout and stderr, return the output.
fn run(c: &Canaries, dir: &Path, args: &[&str]) -> Output {
    let o = atlcheck(dir, c).args(args).output().unwrap();
    c.assert_absent(&format!("atlcheck {}", args.join(" ")), &text(&o));
    o
}

fn read(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned()
}

/// The lint findings carry the masked forms: the canaries really went through the engine.
fn assert_masked_shown(c: &Canaries, what: &str, out: &str) {
    for (name, s) in [("API token", &c.api), ("Basic value", &c.basic)] {
        let _ = name;
        let m = mask(s);
        assert!(
            out.contains(&m) || out.contains(&m[m.len() - 4..]),
            "{what}: expected the masked {name} {m} in:\n{out}"
        );
    }
}

/// Lint in one format, plain, verbose and coloured (one test per format, so they run in
/// parallel).
fn lint_format(format: &str) {
    let c = Canaries::new();
    let dir = tree(&c);
    for extra in [&[][..], &["--verbose"][..], &["--color", "always"][..]] {
        let mut args = vec!["lint", "--no-ignore", "--format", format];
        args.extend_from_slice(extra);
        let o = run(&c, dir.path(), &args);
        assert_eq!(o.status.code(), Some(1), "{format} {extra:?}: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("AT102"), "{format}: no AT102 finding:\n{out}");
    }
    if format == "human" {
        // The human frame shows the masked token where the secret was.
        let o = run(&c, dir.path(), &["lint", "--color", "never", "deploy.sh"]);
        assert_masked_shown(&c, "lint human", &String::from_utf8_lossy(&o.stdout));
    }
}

#[test]
fn lint_human_with_and_without_verbose() {
    lint_format("human");
}

#[test]
fn lint_concise_with_and_without_verbose() {
    lint_format("concise");
}

#[test]
fn lint_json_with_and_without_verbose() {
    lint_format("json");
}

#[test]
fn lint_sarif_with_and_without_verbose() {
    lint_format("sarif");
}

#[test]
fn lint_github_with_and_without_verbose() {
    lint_format("github");
}

#[test]
fn lint_junit_with_and_without_verbose() {
    lint_format("junit");
}

/// `--output-file` in each of `formats`.
fn lint_output_files(formats: &[&str]) {
    let c = Canaries::new();
    let dir = tree(&c);
    let out = tempfile::tempdir().unwrap();
    for &format in formats {
        let file = out.path().join(format!("report.{format}"));
        let o = run(
            &c,
            dir.path(),
            &[
                "lint",
                "--format",
                format,
                "--verbose",
                "--output-file",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        let written = read(&file);
        assert!(written.contains("AT102"), "{format}: {written}");
        c.assert_absent(&format!("--output-file ({format})"), &written);
    }
}

#[test]
fn lint_output_files_in_text_formats() {
    lint_output_files(&["human", "concise", "github"]);
}

#[test]
fn lint_output_files_in_structured_formats() {
    lint_output_files(&["json", "sarif", "junit"]);
}

#[test]
fn lint_baselines() {
    let c = Canaries::new();
    let dir = tree(&c);
    let out = tempfile::tempdir().unwrap();
    let baseline = out.path().join("baseline.json");
    let b = baseline.to_str().unwrap();
    run(&c, dir.path(), &["lint", "--write-baseline", b]);
    let written = read(&baseline);
    assert!(written.contains("AT102"), "{written}");
    c.assert_absent("--write-baseline file", &written);
    let o = run(&c, dir.path(), &["lint", "--baseline", b, "--verbose"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // A stale baseline lists its entries: still no secret.
    std::fs::write(dir.path().join("deploy.sh"), "echo clean\n").unwrap();
    run(
        &c,
        dir.path(),
        &["lint", "--baseline", b, "--verbose", "--format", "json"],
    );
}

#[test]
fn lint_standard_input() {
    let c = Canaries::new();
    let dir = tree(&c);
    let script = std::fs::read(dir.path().join("deploy.sh")).unwrap();
    for format in ["human", "json", "sarif"] {
        let mut child = atlcheck(dir.path(), &c)
            .args([
                "lint",
                "-",
                "--stdin-filename",
                "deploy.sh",
                "--format",
                format,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&script).unwrap();
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        c.assert_absent(&format!("lint - ({format})"), &text(&o));
    }
}

#[test]
fn lint_staged() {
    let c = Canaries::new();
    let dir = tree(&c);
    // --staged reads the git index.
    let git = |args: &[&str]| {
        Command::new("git")
            .current_dir(dir.path())
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .output()
    };
    if git(&["init", "-q"]).is_ok_and(|o| o.status.success()) {
        assert!(git(&["add", "-A"]).unwrap().status.success());
        let o = run(&c, dir.path(), &["lint", "--staged", "--verbose"]);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o));
        run(&c, dir.path(), &["lint", "--staged", "--format", "json"]);
    }
}

#[test]
fn lint_configuration_error_paths() {
    let c = Canaries::new();
    let dir = tree(&c);
    let cfg = dir.path().join(".atlcheck.toml");
    let cases = [
        // A token pasted where a code belongs.
        format!("select = [\"{}\"]\n", c.api),
        format!("ignore = [\"AT101\", \"{}\"]\n", c.legacy),
        // Not TOML: the error quotes the position, never the line.
        format!("ignore = [{}]\n", c.admin),
        format!("token = \"{}\"\n", c.oauth),
        format!("fail-on = \"{}\"\n", c.basic),
        format!("[severity]\n\"{}\" = \"error\"\n", c.api),
        format!("[per-file-ignores]\n\"{}\" = [\"{}\"]\n", c.legacy, c.typo),
        format!("exclude = [\"[{}\"]\n", c.api),
        format!("max-filesize = \"{}\"\n", c.basic_token),
    ];
    for case in &cases {
        std::fs::write(&cfg, case).unwrap();
        let o = run(&c, dir.path(), &["lint", "--verbose"]);
        assert_eq!(o.status.code(), Some(2), "{case}\n{}", text(&o));
        let o = run(&c, dir.path(), &["lint", "--show-config"]);
        assert_eq!(o.status.code(), Some(2), "{case}\n{}", text(&o));
    }
    // Valid, but holding a token where an address belongs: --show-config echoes settings.
    std::fs::write(
        &cfg,
        format!(
            "service-accounts = [\"{}\"]\norg-ids = [\"{}\"]\n",
            c.api, c.legacy
        ),
    )
    .unwrap();
    run(&c, dir.path(), &["lint", "--show-config"]);
    run(&c, dir.path(), &["lint", "--verbose", "--format", "json"]);
    std::fs::remove_file(&cfg).unwrap();

    // Unreadable configurations, named explicitly. (File names are not secrets: the path of
    // a folder is shown as it is; only ATATT3-style prefixed tokens in paths are masked.)
    let folder = dir.path().join("config-folder.toml");
    std::fs::create_dir(&folder).unwrap();
    let o = run(
        &c,
        dir.path(),
        &["lint", "--config", folder.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let missing = format!("/nonexistent/{}.toml", c.api);
    let o = run(&c, dir.path(), &["lint", "--config", &missing]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let locked = dir.path().join("locked.toml");
    std::fs::write(&locked, format!("select = [\"{}\"]\n", c.api)).unwrap();
    set_mode(&locked, 0o000);
    let o = run(
        &c,
        dir.path(),
        &["lint", "--config", locked.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn bad_flags_quoting_a_token() {
    let c = Canaries::new();
    let dir = tree(&c);
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself");
    let bogus = format!("--bogus={}", c.admin);
    let cases: Vec<Vec<&str>> = vec![
        vec!["lint", "--format", &c.api],
        vec!["lint", &bogus],
        vec!["lint", "--select", &c.oauth],
        vec!["lint", "--ignore", &c.legacy],
        vec!["lint", "--max-filesize", &c.basic],
        vec!["lint", "--fail-on", &c.typo],
        vec!["lint", "--color", &c.basic_token],
        vec!["lint", &c.api],
        vec!["explain", &c.api],
        vec!["explain", "--format", &c.legacy, "AT102"],
        vec!["rules", &c.admin],
        vec!["scopes", &c.api, &url],
        vec!["scopes", "GET", &c.oauth],
        vec!["doctor", "--timeout", &c.api, &url],
        vec!["doctor", "--site", &c.legacy, &url],
        vec!["doctor", "--format", &c.basic, &url],
        vec![&c.api],
        vec!["completions", &c.admin],
    ];
    for args in &cases {
        let o = run(&c, dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    }
    // A token pasted where the URL belongs: read as a (foreign) host name, never shown whole.
    for args in [
        vec!["doctor", "--offline", &c.typo],
        vec!["doctor", &c.api],
        vec!["doctor", "--format", "json", &c.legacy],
    ] {
        let o = run(&c, dir.path(), &args);
        assert!(matches!(o.status.code(), Some(0..=2)), "{}", text(&o));
    }
}

#[test]
fn rules_explain_and_scopes() {
    let c = Canaries::new();
    let dir = tree(&c);
    let out = tempfile::tempdir().unwrap();
    for format in ["human", "json"] {
        run(&c, dir.path(), &["rules", "--format", format, "--verbose"]);
        for code in ["AT102", "AT103", "AT303"] {
            run(&c, dir.path(), &["explain", code, "--format", format]);
        }
        let o = run(
            &c,
            dir.path(),
            &[
                "scopes",
                "--from-code",
                ".",
                "--format",
                format,
                "--verbose",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let file = out.path().join(format!("scopes.{format}"));
        run(
            &c,
            dir.path(),
            &[
                "scopes",
                "--from-code",
                ".",
                "--no-ignore",
                "--format",
                format,
                "--output-file",
                file.to_str().unwrap(),
            ],
        );
        c.assert_absent("scopes --output-file", &read(&file));
        // A token in the query string of the URL asked about.
        let url = format!(
            "https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself?access_token={}",
            c.api
        );
        run(&c, dir.path(), &["scopes", "GET", &url, "--format", format]);
        let url = format!(
            "https://{EMAIL}:{}@acme.atlassian.net/rest/api/3/myself",
            c.legacy
        );
        run(&c, dir.path(), &["scopes", "GET", &url, "--format", format]);
    }
}

#[test]
fn forced_panic_is_masked() {
    let c = Canaries::new();
    let dir = tree(&c);
    for payload in [
        c.api.clone(),
        format!("Authorization: Basic {}", c.basic),
        format!("curl -u {EMAIL}:{}", c.legacy),
        format!("token={}", c.oauth),
    ] {
        let o = atlcheck(dir.path(), &c)
            .env("ATLCHECK_TEST_PANIC", &payload)
            .args(["lint", "--verbose"])
            .output()
            .unwrap();
        let t = text(&o);
        assert!(
            t.contains("internal error"),
            "the hook did not run (is ATLCHECK_TEST_PANIC wired in main?): {t}"
        );
        assert_ne!(o.status.code(), Some(0));
        c.assert_absent("panic", &t);
    }
}

#[test]
fn credential_types_redact_themselves() {
    let c = Canaries::new();
    let s = Secret::new(c.api.clone());
    for shown in [format!("{s:?}"), format!("{s}"), format!("{s:#?}")] {
        c.assert_absent("Secret", &shown);
        assert!(shown.contains(&mask(&c.api)), "{shown}");
    }
    let creds = [
        Credential::Basic {
            email: EMAIL.to_string(),
            token: Secret::new(c.api.clone()),
        },
        Credential::Header(Secret::new(format!("Basic {}", c.basic))),
        Credential::Header(Secret::new(format!("Bearer {}", c.admin))),
        Credential::Basic {
            email: EMAIL.to_string(),
            token: Secret::new(format!("{}\n", c.legacy)),
        },
    ];
    for cred in &creds {
        c.assert_absent("Credential Debug", &format!("{cred:?} {cred:#?}"));
        c.assert_absent("Credential::header", &format!("{:?}", cred.header()));
        c.assert_absent("Credential::header", &format!("{}", cred.header()));
        let a = analyse(cred, &[]);
        c.assert_absent("Analysis Debug", &format!("{a:?}"));
        c.assert_absent(
            "Analysis JSON",
            &serde_json::to_string(&a).expect("serialises"),
        );
        c.assert_absent("Auth Debug", &format!("{:?}", Auth::Header(cred.header())));
    }
    let words = atlcheck::doctor::request::shell_words(&format!(
        "curl -u {EMAIL}:{} -H 'Authorization: Basic {}' https://acme.atlassian.net/rest/api/3/myself",
        c.api, c.basic
    ))
    .unwrap();
    let curl = atlcheck::doctor::request::parse_curl(&words).unwrap();
    c.assert_absent("CurlCommand Debug", &format!("{curl:?}"));
    assert!(curl.user.is_some() && curl.authorization.is_some());
}

// ---- doctor ------------------------------------------------------------------------------

/// A hostile local server: answers 401 and reflects the request's Authorization header back
/// in every header the doctor keeps as evidence and in the body. Records the requests.
struct Reflector {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Reflector {
    fn start() -> Reflector {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let log = log.clone();
                std::thread::spawn(move || reflect(stream, &log));
            }
        });
        Reflector { port, seen }
    }
    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
    fn connect_to(&self) -> String {
        format!(
            "acme.atlassian.net={b},api.atlassian.com={b}",
            b = self.base()
        )
    }
    fn authorizations(&self) -> Vec<String> {
        self.seen
            .lock()
            .unwrap()
            .iter()
            .filter_map(|req| {
                req.lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
                    .map(|l| l["authorization:".len()..].trim().to_string())
            })
            .collect()
    }
}

fn reflect(stream: TcpStream, log: &Mutex<Vec<String>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
        head.push_str(&line);
    }
    let auth = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("authorization:"))
        .map(|l| l["authorization:".len()..].trim().to_string())
        .unwrap_or_default();
    log.lock().unwrap().push(head.clone());
    let decoded = auth
        .strip_prefix("Basic ")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .map(|d| String::from_utf8_lossy(&d).into_owned())
        .unwrap_or_default();
    let body = format!(
        "{{\"message\":\"Unauthorized\",\"you sent\":\"{auth}\",\"decoded\":\"{decoded}\",\"request\":\"{}\"}}",
        head.replace(['\r', '\n'], " ")
    );
    let mut w = stream;
    let _ = write!(
        w,
        "HTTP/1.1 401 Unauthorized\r\n\
         Content-Type: application/json\r\n\
         WWW-Authenticate: Basic realm=\"{auth}\"\r\n\
         X-Failure-Category: {auth}\r\n\
         X-Seraph-LoginReason: {decoded}\r\n\
         Location: https://acme.atlassian.net/login?auth={auth}\r\n\
         Content-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = w.flush();
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

fn doctor_cmd(c: &Canaries, dir: &Path, connect_to: &str) -> Command {
    let mut cmd = atlcheck(dir, c);
    cmd.env("ATLCHECK_CONNECT_TO", connect_to)
        .arg("doctor")
        .args(["--timeout", "5", "--no-netrc"]);
    cmd
}

fn check_doctor(c: &Canaries, what: &str, o: &Output, files: &[PathBuf]) {
    c.assert_absent(what, &text(o));
    for f in files {
        c.assert_absent(&format!("{what}: {}", f.display()), &read(f));
    }
}

/// Every credential source offline, in one format, plain or verbose.
fn doctor_offline_every_credential_source(format: &str, verbose: bool) {
    let c = Canaries::new();
    let dir = tree(&c);
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1");
    let mut base = vec!["--offline", "--format", format];
    if verbose {
        base.push("--verbose");
    }
    let mut runs: Vec<(Vec<String>, Option<String>)> = Vec::new();
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    runs.push((own(&[&base[..], &[&url]].concat()), None));
    runs.push((
        own(&[&base[..], &["--token-env", "JIRA_API_TOKEN", &url]].concat()),
        None,
    ));
    runs.push((
        own(&[&base[..], &["--token-env", "ATLASSIAN_ADMIN_KEY", &url]].concat()),
        None,
    ));
    runs.push((
        own(&[&base[..], &["--token-env", "ATLASSIAN_CLIENT_SECRET", &url]].concat()),
        None,
    ));
    runs.push((
        own(&[&base[..], &["--auth-header-env", "AUTH_HEADER", &url]].concat()),
        None,
    ));
    let curl_u = format!("{EMAIL}:{}", c.api);
    runs.push((
        own(&[&base[..], &["--", "curl", "-u", &curl_u, &url]].concat()),
        None,
    ));
    let curl_h = format!("Authorization: Basic {}", c.basic);
    runs.push((
        own(&[&base[..], &["--", "curl", "-H", &curl_h, &url]].concat()),
        None,
    ));
    let bearer = format!("Authorization: Bearer {}", c.api);
    runs.push((
        own(&[&base[..], &["--", "curl", "-sS", "--header", &bearer, &url]].concat()),
        None,
    ));
    runs.push((
        own(&[&base[..], &["--token-stdin", &url]].concat()),
        Some(format!("{}\n", c.typo)),
    ));
    runs.push((
        own(&[&base[..], &["--token-stdin", &url]].concat()),
        Some(format!("  {} \r\n", c.legacy)),
    ));
    // Secrets in the URL itself.
    let in_url = format!(
        "https://{EMAIL}:{}@acme.atlassian.net/rest/api/3/myself",
        c.api
    );
    runs.push((own(&[&base[..], &[&in_url]].concat()), None));
    let in_query = format!("{url}?access_token={}", c.admin);
    runs.push((own(&[&base[..], &[&in_query]].concat()), None));
    for (args, stdin) in runs {
        let mut cmd = doctor_cmd(&c, dir.path(), "");
        cmd.args(&args);
        let o = output_with_stdin(&mut cmd, stdin.as_deref());
        check_doctor(&c, &format!("doctor {args:?}"), &o, &[]);
        assert!(
            matches!(o.status.code(), Some(0..=2)),
            "{args:?}: {}",
            text(&o)
        );
    }
}

#[test]
fn doctor_offline_every_credential_source_human() {
    doctor_offline_every_credential_source("human", false);
}

#[test]
fn doctor_offline_every_credential_source_human_verbose() {
    doctor_offline_every_credential_source("human", true);
}

#[test]
fn doctor_offline_every_credential_source_json() {
    doctor_offline_every_credential_source("json", false);
}

#[test]
fn doctor_offline_every_credential_source_json_verbose() {
    doctor_offline_every_credential_source("json", true);
}

/// One credential source against a server that reflects the credential: both formats, plain
/// and verbose, to stdout and to a file. Returns the canaries and the Authorization headers the
/// server received.
fn doctor_live(name: &str) -> (Canaries, Vec<String>) {
    let c = Canaries::new();
    let dir = tree(&c);
    let server = Reflector::start();
    let out = tempfile::tempdir().unwrap();
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1");
    let curl_u = format!("{EMAIL}:{}", c.api);
    let curl_h = format!("Authorization: Basic {}", c.basic);
    let (args, stdin): (Vec<&str>, Option<String>) = match name {
        "env" => (vec!["--site", "acme", &url], None),
        "auth-header-env" => (vec!["--auth-header-env", "AUTH_HEADER", &url], None),
        "curl -u" => (vec!["--", "curl", "-u", &curl_u, &url], None),
        "curl -H" => (vec!["--", "curl", "-H", &curl_h, &url], None),
        "token-stdin" => (
            vec!["--token-stdin", "--site", "acme.atlassian.net", &url],
            Some(format!("{}\n", c.api)),
        ),
        "legacy token" => (
            vec!["--token-env", "JIRA_API_TOKEN", "--project", "OPS", &url],
            None,
        ),
        "admin key" => (
            vec!["--token-env", "ATLASSIAN_ADMIN_KEY", "--space", "OPS", &url],
            None,
        ),
        _ => unreachable!("{name}"),
    };
    let (args, stdin) = (&args, &stdin);
    for format in ["human", "json"] {
        for verbose in [false, true] {
            let file = out.path().join(format!("{name}-{format}-{verbose}.out"));
            // Once to stdout, once to a file.
            for to_file in [false, true] {
                let mut cmd = doctor_cmd(&c, dir.path(), &server.connect_to());
                cmd.args(["--format", format]);
                if verbose {
                    cmd.arg("--verbose");
                }
                if to_file {
                    cmd.args(["--output-file", file.to_str().unwrap()]);
                }
                cmd.args(args);
                let o = output_with_stdin(&mut cmd, stdin.as_deref());
                let files = if to_file { vec![file.clone()] } else { vec![] };
                check_doctor(&c, &format!("doctor live ({name}, {format})"), &o, &files);
                assert!(
                    matches!(o.status.code(), Some(1 | 2)),
                    "{name}: {}",
                    text(&o)
                );
            }
        }
    }
    let seen = server.authorizations();
    (c, seen)
}

/// The probes really carried the canaries to the server (the test is not vacuous): the Basic
/// value as it was given.
fn assert_basic_value_reached(c: &Canaries, seen: &[String]) {
    assert!(
        seen.iter().any(|a| a == &format!("Basic {}", c.basic)),
        "the Basic value never reached the server: {seen:?}"
    );
}

/// ... or the e-mail address and API token, encoded by the doctor.
fn assert_api_token_reached(c: &Canaries, seen: &[String]) {
    assert!(
        seen.iter().any(|a| {
            a.strip_prefix("Basic ")
                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                .is_some_and(|d| d == format!("{EMAIL}:{}", c.api).into_bytes())
        }),
        "the API token never reached the server: {seen:?}"
    );
}

#[test]
fn doctor_live_credential_from_the_environment() {
    let (c, seen) = doctor_live("env");
    assert_api_token_reached(&c, &seen);
}

#[test]
fn doctor_live_auth_header_env() {
    let (c, seen) = doctor_live("auth-header-env");
    assert_basic_value_reached(&c, &seen);
}

#[test]
fn doctor_live_pasted_curl_user() {
    let (c, seen) = doctor_live("curl -u");
    assert_api_token_reached(&c, &seen);
}

#[test]
fn doctor_live_pasted_curl_header() {
    let (c, seen) = doctor_live("curl -H");
    assert_basic_value_reached(&c, &seen);
}

#[test]
fn doctor_live_token_stdin() {
    let (c, seen) = doctor_live("token-stdin");
    assert_api_token_reached(&c, &seen);
}

#[test]
fn doctor_live_legacy_token() {
    doctor_live("legacy token");
}

#[test]
fn doctor_live_admin_key() {
    doctor_live("admin key");
}

#[test]
fn doctor_network_failures() {
    let c = Canaries::new();
    let dir = tree(&c);
    // A port nothing listens on.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    // A server that closes every connection at once.
    let slam = TcpListener::bind("127.0.0.1:0").unwrap();
    let slam_port = slam.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in slam.incoming() {
            drop(s);
        }
    });
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/myself");
    let curl_u = format!("{EMAIL}:{}", c.legacy);
    for connect_to in [
        format!("api.atlassian.com=http://127.0.0.1:{closed},acme.atlassian.net=http://127.0.0.1:{closed}"),
        format!("api.atlassian.com=http://127.0.0.1:{slam_port},acme.atlassian.net=http://127.0.0.1:{slam_port}"),
        // TLS to a listener that speaks plain TCP.
        format!("api.atlassian.com=https://127.0.0.1:{slam_port}"),
        "api.atlassian.com=https://atlcheck-canary.invalid,acme.atlassian.net=https://atlcheck-canary.invalid".to_string(),
    ] {
        for format in ["human", "json"] {
            for args in [
                vec!["--site", "acme", "--verbose", &url],
                vec!["--auth-header-env", "AUTH_HEADER", &url],
                vec!["--", "curl", "-u", &curl_u, &url],
            ] {
                let o = doctor_cmd(&c, dir.path(), &connect_to)
                    .args(["--timeout", "3", "--format", format])
                    .args(&args)
                    .output()
                    .unwrap();
                check_doctor(&c, &format!("doctor {connect_to} {args:?}"), &o, &[]);
                assert_eq!(o.status.code(), Some(2), "{connect_to} {args:?}: {}", text(&o));
            }
        }
    }
    // A malformed ATLCHECK_CONNECT_TO holding a token.
    let bad = format!("api.atlassian.com={}", c.api);
    let o = doctor_cmd(&c, dir.path(), &bad).arg(&url).output().unwrap();
    check_doctor(&c, "bad ATLCHECK_CONNECT_TO", &o, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// A hostile token endpoint: grants `access` (or refuses with 400 invalid_client) and echoes the
/// request body, client secret included, in its answer. Records the bodies it received.
struct TokenServer {
    port: u16,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl TokenServer {
    fn start(access: String, refuse: bool) -> TokenServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let log = bodies.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (log, access) = (log.clone(), access.clone());
                std::thread::spawn(move || token_answer(stream, &log, &access, refuse));
            }
        });
        TokenServer { port, bodies }
    }
}

fn token_answer(stream: TcpStream, log: &Mutex<Vec<String>>, access: &str, refuse: bool) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut body = vec![0u8; len.min(1 << 16)];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body).into_owned();
    log.lock().unwrap().push(body.clone());
    let (status, answer) = if refuse {
        (
            "400 Bad Request",
            format!("{{\"error\":\"invalid_client\",\"error_description\":\"you sent {body}\"}}"),
        )
    } else {
        (
            "200 OK",
            format!(
                "{{\"access_token\":\"{access}\",\"expires_in\":3600,\"token_type\":\"Bearer\",\"scope\":\"read:jira-work {body}\"}}"
            ),
        )
    };
    let mut w = stream;
    let _ = write!(
        w,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nX-Failure-Category: {body}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
    let _ = w.flush();
}

/// The OAuth exchange with a token endpoint that grants (`refuse` false) or refuses, every way
/// of giving the client secret, both formats, to stdout and to a file.
fn doctor_oauth_never_prints_the_client_secret_or_the_access_token(refuse: bool) {
    let c = Canaries::new();
    let dir = tree(&c);
    let gateway = Reflector::start();
    let out = tempfile::tempdir().unwrap();
    let id = "Ab3De5Fg7Hj9Kl1Mn2Pq4Rs6Tu8Vw0Xy";
    let url = format!("https://api.atlassian.com/ex/jira/{CLOUD}/rest/api/3/issue/OPS-1");
    let site_url = "https://acme.atlassian.net/rest/api/3/issue/OPS-1";
    let pasted = format!(
        "grant_type=client_credentials&client_id={id}&client_secret={}&scope=read:jira-work",
        c.oauth
    );
    let token = TokenServer::start(c.access.clone(), refuse);
    let connect_to = format!(
        "auth.atlassian.com=http://127.0.0.1:{},api.atlassian.com={b},acme.atlassian.net={b}",
        token.port,
        b = gateway.base()
    );
    let runs: Vec<(Vec<&str>, Option<String>)> = vec![
        (vec!["--client-id", id, &url], None),
        (vec!["--client-id", id, "--site", "acme", site_url], None),
        (
            vec!["--client-id", id, "--client-secret-stdin", &url],
            Some(format!("{}\n", c.oauth)),
        ),
        (
            vec![
                "--",
                "curl",
                "-d",
                &pasted,
                "https://auth.atlassian.com/oauth/token",
            ],
            None,
        ),
    ];
    for (args, stdin) in &runs {
        for format in ["human", "json"] {
            let file = out.path().join(format!("oauth-{refuse}-{format}.out"));
            for to_file in [false, true] {
                let mut cmd = doctor_cmd(&c, dir.path(), &connect_to);
                cmd.args(["--format", format, "--verbose"]);
                if to_file {
                    cmd.args(["--output-file", file.to_str().unwrap()]);
                }
                cmd.args(args);
                let o = output_with_stdin(&mut cmd, stdin.as_deref());
                let files = if to_file { vec![file.clone()] } else { vec![] };
                check_doctor(&c, &format!("doctor oauth {args:?} {format}"), &o, &files);
                assert!(
                    matches!(o.status.code(), Some(1 | 2)),
                    "{args:?}: {}",
                    text(&o)
                );
            }
        }
    }
    // Not vacuous: the secret reached the token endpoint, in the form body.
    let bodies = token.bodies.lock().unwrap().clone();
    assert!(bodies.iter().any(|b| b.contains(&c.oauth)), "{bodies:?}");
    assert!(
        bodies.iter().all(|b| !b.contains("scope=")),
        "the doctor sent a scope"
    );
    // The access token (when granted) reached the gateway; the client secret never did; the
    // site got no credential from the OAuth runs.
    let seen = gateway.authorizations();
    assert!(
        refuse || seen.iter().any(|a| a == &format!("Bearer {}", c.access)),
        "{seen:?}"
    );
    let heads = gateway.seen.lock().unwrap().clone();
    assert!(heads.iter().all(|h| !h.contains(&c.oauth)));
    assert!(
        heads
            .iter()
            .filter(|h| h.to_ascii_lowercase().contains("authorization: bearer"))
            .all(|h| !h.contains("/rest/api/3/issue/OPS-1 ") || h.contains("/ex/jira/"))
    );
}

#[test]
fn doctor_oauth_granted_never_prints_the_client_secret_or_the_access_token() {
    doctor_oauth_never_prints_the_client_secret_or_the_access_token(false);
}

#[test]
fn doctor_oauth_refused_never_prints_the_client_secret() {
    doctor_oauth_never_prints_the_client_secret_or_the_access_token(true);
}
