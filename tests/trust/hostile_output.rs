//! Hostile inputs against the output sink (issue 12, classes 2 and 3).
//!
//! A seeded generator (capped cases, fixed seeds so a failure replays) makes secrets of every
//! kind and hides them where the formatters never expected them: in file and folder names, glued
//! to word characters, inside URLs, in suppression comments, configuration values and doctor
//! URLs; it also puts control characters and forged workflow commands in file names. Every
//! command and format then runs, and every byte of stdout, stderr and `--output-file` must hold
//! no whole secret, no raw control character, and no line starting with `::` except the
//! workflow commands the github format writes for real findings.
use crate::common::{self, text};

use std::path::Path;

use common::atlcheck;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick(&mut self, set: &[u8], n: usize) -> String {
        (0..n).map(|_| set[self.below(set.len())] as char).collect()
    }
    fn alnum3(&mut self, n: usize) -> String {
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
    /// A secret of one of the kinds the patterns recognise.
    fn secret(&mut self) -> (&'static str, String) {
        match self.below(5) {
            0 => (
                "api token",
                atlcheck::token::with_crc_tail(&format!("ATATT3xFfGF0{}=", self.alnum3(80))),
            ),
            1 => (
                "admin key",
                atlcheck::token::with_crc_tail(&format!("ATCTT3xFfGN0{}=", self.alnum3(80))),
            ),
            2 => (
                "client secret",
                atlcheck::token::with_crc_tail(&format!("ATOA{}", self.alnum3(56))),
            ),
            3 => ("app password", format!("ATBB{}", self.alnum3(28))),
            _ => ("legacy token", self.alnum3(24)),
        }
    }
}

/// The invariants every output must keep.
fn assert_clean(what: &str, out: &str, secrets: &[String], github: bool) {
    for s in secrets {
        assert!(
            !out.contains(s.as_str()),
            "{what}: a whole secret leaked ({s}):\n{out}"
        );
    }
    for (i, line) in out.lines().enumerate() {
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{what}: raw control character on line {}: {line:?}",
            i + 1
        );
        let t = line.trim_start();
        if t.starts_with("::") {
            assert!(
                github
                    && (t.starts_with("::error file=")
                        || t.starts_with("::warning file=")
                        || t.starts_with("::notice file=")
                        || t.starts_with("::notice title=atlcheck%3A annotation limit")),
                "{what}: a line starts a workflow command atlcheck did not write: {line:?}"
            );
        }
        assert!(
            !line.contains("##["),
            "{what}: `##[` (a v1 workflow command) on line {}",
            i + 1
        );
    }
}

const FORMATS: &[&str] = &["human", "concise", "json", "sarif", "github", "junit"];

fn lint_every_format(dir: &Path, what: &str, secrets: &[String], extra: &[&str]) {
    for format in FORMATS {
        let mut args = vec!["lint", ".", "--format", format, "--no-ignore"];
        args.extend_from_slice(extra);
        let o = atlcheck(dir, &args).output().unwrap();
        assert!(
            o.status.code().is_some_and(|c| c <= 2),
            "{what} {format}: {o:?}"
        );
        assert_clean(
            &format!("{what} --format {format}"),
            &text(&o),
            secrets,
            *format == "github",
        );
    }
    // The same report written to a file.
    let out = dir.join("..").join("report.out");
    let o = atlcheck(
        dir,
        &[
            "lint",
            ".",
            "--format",
            "concise",
            "--no-ignore",
            "--output-file",
            out.to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    let written = std::fs::read_to_string(&out).unwrap_or_default();
    assert_clean(
        &format!("{what} --output-file"),
        &format!("{written}\n{}", text(&o)),
        secrets,
        false,
    );
}

/// Random secrets in random places: names, glued to word characters, in URLs, in comments.
/// One test per seed, so they run in parallel.
fn generated_secrets_never_reach_any_output(seed: u64) {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    let mut secrets = Vec::new();
    for case in 0..4 {
        let (kind, s) = r.secret();
        let glue = ["x_", "a", "9", "-", "_", ""][r.below(6)];
        let file = match r.below(4) {
            0 => format!("{glue}{s}.sh"),
            1 => format!("deploy/{s}/run.sh"),
            2 => format!("cfg/{glue}{s}/jira.env"),
            _ => format!("k{case}.sh"),
        };
        let content = match r.below(6) {
            0 => {
                format!("curl -u jane@acme.com:{s} https://acme.atlassian.net/rest/api/3/myself\n")
            }
            1 => format!("curl https://jane%40acme.com:{s}@acme.atlassian.net/rest/api/3/myself\n"),
            2 => format!("JIRA_URL=https://acme.atlassian.net/{glue}{s}/rest/api/3/myself\n"),
            3 => format!(
                "# atlcheck:allow-next-line {s}\ncurl https://acme.atlassian.net/rest/api/3/myself\n"
            ),
            4 => format!("jira_token = \"{glue}{s}\"\n"),
            _ => format!("x = \"{glue}{s}\"  # jira token\n"),
        };
        let path = dir.join(&file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        secrets.push(s.clone());
        let _ = kind;
    }
    lint_every_format(&dir, &format!("seed {seed}"), &secrets, &[]);
    // Configuration values hold a secret: --show-config prints them.
    let cfg = dir.join(".atlcheck.toml");
    std::fs::write(
        &cfg,
        format!("exclude = [\"{}\"]\n", secrets[0].replace('"', "")),
    )
    .unwrap();
    let o = atlcheck(&dir, &["lint", "--show-config"]).output().unwrap();
    assert_clean("lint --show-config", &text(&o), &secrets, false);
    std::fs::remove_file(&cfg).unwrap();
    // scopes --from-code prints evidence and paths.
    for format in ["human", "json"] {
        let o = atlcheck(&dir, &["scopes", "--from-code", ".", "--format", format])
            .output()
            .unwrap();
        assert_clean(
            &format!("scopes --from-code {format}"),
            &text(&o),
            &secrets,
            false,
        );
    }
    // The doctor, offline: the secret in the URL, in the environment, in flags.
    let s = &secrets[1];
    for url in [
        format!("https://acme.atlassian.net/rest/api/3/issue/{s}"),
        format!("https://jane%40acme.com:{s}@acme.atlassian.net/rest/api/3/myself"),
        format!("https://acme.atlassian.net/rest/api/3/myself?token={s}"),
    ] {
        for format in ["human", "json"] {
            let o = atlcheck(
                &dir,
                &[
                    "doctor",
                    "--offline",
                    "--format",
                    format,
                    "--email",
                    s,
                    &url,
                ],
            )
            .env("ATLASSIAN_API_TOKEN", &secrets[2])
            .env("NETRC", "/nonexistent")
            .output()
            .unwrap();
            assert_clean(
                &format!("doctor {format} {url}"),
                &text(&o),
                &secrets,
                false,
            );
        }
    }
}

#[test]
fn generated_secrets_never_reach_any_output_seed_1() {
    generated_secrets_never_reach_any_output(1);
}

#[test]
fn generated_secrets_never_reach_any_output_seed_2() {
    generated_secrets_never_reach_any_output(2);
}

/// Issue 12: a file named `a\n::error file=evil.sh,line=1::INJECTED\nx.sh`, and escape
/// sequences in names and in URLs inside files.
#[cfg(unix)]
#[test]
fn file_names_cannot_inject_workflow_commands_or_escapes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    std::fs::create_dir_all(&dir).unwrap();
    let finding = "curl https://acme.atlassian.net/rest/api/3/myself\n";
    for name in [
        "a\n::error file=evil.sh,line=1::INJECTED\nx.sh",
        "b\n::add-mask::secret\n.sh",
        "c\r::stop-commands::tok\n.sh",
        "d\u{1b}]0;pwned\u{7}\u{1b}[2J.sh",
        "::warning file=w.sh::e.sh",
        "f\u{85}::error::C1.sh",
        "g ##[error]v1.sh",
    ] {
        std::fs::write(dir.join(name), finding).unwrap();
    }
    // An escape sequence inside a URL in a file.
    std::fs::write(
        dir.join("u.sh"),
        "curl 'https://acme.atlassian.net/rest/api/3/\u{1b}]8;;http://evil\u{7}x'\n",
    )
    .unwrap();
    lint_every_format(&dir, "hostile names", &[], &[]);
    let o = atlcheck(&dir, &["lint", ".", "--verbose"])
        .output()
        .unwrap();
    assert_clean("hostile names, --verbose", &text(&o), &[], false);
    // Past GitHub's annotation caps, findings are plain log lines: still no injection.
    for i in 0..30 {
        std::fs::write(dir.join(format!("z{i}\n::error::overflow.sh")), finding).unwrap();
    }
    lint_every_format(&dir, "github overflow", &[], &[]);
    // --color always still escapes what the file names carry.
    let o = atlcheck(&dir, &["lint", ".", "--color", "always"])
        .output()
        .unwrap();
    let out = text(&o);
    assert!(
        !out.contains("\u{1b}]"),
        "an OSC sequence reached the terminal"
    );
    assert!(
        !out.contains("\u{1b}[2J"),
        "a clear-screen sequence reached the terminal"
    );
}

/// Issue 12 examples: a 24-character legacy token inside a path, an ATATT3 token glued to a
/// word character, a token as an unknown suppression code.
#[test]
fn issue_examples_of_unmasked_values() {
    let mut r = Rng(42);
    let legacy = r.alnum3(24);
    let api = atlcheck::token::with_crc_tail(&format!("ATATT3xFfGF0{}=", r.alnum3(100)));
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    std::fs::create_dir_all(dir.join(format!("deploy/{legacy}"))).unwrap();
    std::fs::write(
        dir.join(format!("deploy/{legacy}/run.sh")),
        "curl https://acme.atlassian.net/rest/api/3/myself\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("glued.sh"),
        format!("TOKEN=x_{api}\n# atlcheck:allow {api}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join(format!("x_{api}.sh")),
        "curl https://acme.atlassian.net/rest/api/3/myself\n",
    )
    .unwrap();
    // A plain password in a pasted curl: scopes --from-code shows the call as evidence.
    std::fs::write(
        dir.join("call.sh"),
        "curl -u jane@acme.com:hunter2plain https://acme.atlassian.net/rest/api/3/issue/OPS-1\n",
    )
    .unwrap();
    for format in ["human", "json"] {
        let o = atlcheck(&dir, &["scopes", "--from-code", ".", "--format", format])
            .output()
            .unwrap();
        assert_clean(
            "scopes --from-code with curl -u",
            &text(&o),
            &["hunter2plain".to_string()],
            false,
        );
    }
    let secrets = vec![legacy, api];
    lint_every_format(&dir, "issue examples", &secrets, &[]);
    let o = atlcheck(&dir, &["lint", ".", "--verbose"])
        .output()
        .unwrap();
    assert_clean("issue examples --verbose", &text(&o), &secrets, false);
}

/// Held secrets of random shapes (passwords no pattern recognises) echoed back by a server
/// in its body and headers, raw and encoded: the registry masks every form.
#[test]
fn echoed_held_secrets_never_reach_any_output() {
    use std::io::{Read, Write};
    let mut r = Rng(7);
    for case in 0..3 {
        let secret = match case {
            0 => format!("pw-{}", r.pick(b"abcdefghijklmnop0123456789", 14)),
            1 => format!("{}\"q/%&<x>", r.pick(b"ABCDEFGHabcdefgh", 10)),
            _ => atlcheck::token::with_crc_tail(&format!("ATATT3xFfGF0{}=", r.alnum3(90))),
        };
        use base64::Engine;
        let b64 =
            base64::engine::general_purpose::STANDARD.encode(format!("jane@acme.com:{secret}"));
        let pct: String = secret
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let json = serde_json::to_string(&secret).unwrap();
        let body = format!(
            "{{\"message\":\"token {} rejected\",\"auth\":\"Basic {b64}\",\"q\":\"{pct}\"}}",
            &json[1..json.len() - 1]
        );
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (hdr, body2) = (secret.replace('"', ""), body.clone());
        std::thread::spawn(move || {
            for s in listener.incoming() {
                let Ok(mut s) = s else { continue };
                let mut buf = [0u8; 8192];
                let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(5)));
                let _ = s.read(&mut buf);
                let _ = write!(
                    s,
                    "HTTP/1.1 401 Unauthorized\r\nwww-authenticate: Basic realm=\"{hdr}\"\r\nx-failure-category: {hdr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body2}",
                    body2.len()
                );
            }
        });
        let tmp = tempfile::tempdir().unwrap();
        for format in ["human", "json"] {
            let o = atlcheck(
                tmp.path(),
                &[
                    "doctor",
                    "--verbose",
                    "--timeout",
                    "5",
                    "--format",
                    format,
                    "https://acme.atlassian.net/rest/api/3/myself",
                ],
            )
            .env("ATLASSIAN_EMAIL", "jane@acme.com")
            .env("ATLASSIAN_API_TOKEN", &secret)
            .env("NETRC", "/nonexistent")
            .env(
                "ATLCHECK_CONNECT_TO",
                format!(
                    "acme.atlassian.net=http://127.0.0.1:{port},api.atlassian.com=http://127.0.0.1:{port}"
                ),
            )
            .output()
            .unwrap();
            let out = text(&o);
            for form in [&secret, &b64, &pct, &json[1..json.len() - 1].to_string()] {
                assert!(
                    !out.contains(form.as_str()),
                    "case {case} {format}: `{form}` reached the output:\n{out}"
                );
            }
        }
    }
}

/// A legacy token pasted as `--site` passes for a site name (24 letters and digits) and was
/// echoed lower-cased, which the patterns no longer see as random: it is held as a secret, and
/// held secrets are masked in any letter case (red-team finding, issue 12 class 2).
#[test]
fn a_token_given_as_the_site_is_masked_in_any_case() {
    let mut r = Rng(2024);
    let tmp = tempfile::tempdir().unwrap();
    for _ in 0..3 {
        let legacy = r.alnum3(24);
        let forms = vec![
            legacy.clone(),
            legacy.to_ascii_lowercase(),
            legacy.to_ascii_uppercase(),
        ];
        for format in ["json", "human"] {
            for url in [
                "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daaf1/rest/api/3/myself",
                "https://acme.atlassian.net/rest/api/3/myself",
            ] {
                let o = atlcheck(
                    tmp.path(),
                    &[
                        "doctor",
                        "--offline",
                        "--site",
                        &legacy,
                        "--format",
                        format,
                        url,
                    ],
                )
                .env("NETRC", "/nonexistent")
                .env_remove("ATLASSIAN_API_TOKEN")
                .env_remove("ATLASSIAN_EMAIL")
                .output()
                .unwrap();
                assert_clean("doctor --site <legacy token>", &text(&o), &forms, false);
            }
        }
    }
}
