//! The output sink's fast path (issue 12): a line that "needs nothing" after one fused byte
//! test (`secret::output_needs_scrub`) is written as it is, held secrets are looked for once per
//! chunk, and lint formats reach the sink through a 64 KiB buffer. Against the full cleaning
//! (`sink::clean_line` on every line): random lines made of held secrets of every kind (API
//! token, admin key, client secret, access token, a legacy 24-character token, a plain
//! password of letters and digits, one with `%&:,/ <>`) in raw, upper- and lower-cased, base64
//! and percent-encoded forms, glued to word characters, among control characters (C0, DEL,
//! C1, ESC sequences), forged workflow commands and ordinary report text, cut into random
//! writes and passed through the 64 KiB buffer (secrets placed across its boundary): the output
//! must be exactly the full cleaning's, and hold no secret, no raw control character and no
//! forged workflow command. Capped at 256 cases.
use std::io::Write;

use atlcheck::output::sink::{Sink, clean_line};
use atlcheck::secret::Secret;
use base64::Engine;

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
    fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n).map(|_| A[self.below(A.len())] as char).collect()
    }
}

/// Held secrets of every kind, fresh per run.
fn held(rng: &mut Rng) -> Vec<String> {
    vec![
        format!("ATATT3xFfGF0{}={}", rng.alnum(180), rng.alnum(8)),
        format!("ATCTT3xFfGF0{}={}", rng.alnum(170), rng.alnum(8)),
        format!("ATOA{}", rng.alnum(60)),
        format!("eyJ{}.{}.{}", rng.alnum(30), rng.alnum(40), rng.alnum(20)),
        rng.alnum(24),
        // A plain password: letters and digits only, too short for any pattern.
        format!("Sunny{}", rng.alnum(7)),
        format!("p%4x&y:z,w/{} <q>", rng.alnum(6)),
    ]
}

fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The forms a held secret may take in a line.
fn forms(s: &str) -> Vec<String> {
    let b64 = base64::engine::general_purpose::STANDARD;
    vec![
        s.to_string(),
        s.to_uppercase(),
        s.to_lowercase(),
        b64.encode(format!("jane@acme.com:{s}")),
        b64.encode(s),
        pct(s),
        pct(s).to_lowercase(),
        format!("x_{s}9"),
        format!("deploy/{s}/run.sh"),
    ]
}

const PIECES: &[&str] = &[
    "src/a.sh:1:5: AT201 [error] Jira REST call to https://acme.atlassian.net/rest/api/3/myself",
    " ",
    "/",
    ":",
    "::",
    "::error file=evil.sh,line=1::INJECTED",
    "##[error]",
    "\t",
    "\r",
    "\u{1b}[31m",
    "\u{1b}]0;title\u{7}",
    "\u{0}",
    "\u{8}",
    "\u{7f}",
    "\u{85}",
    "\u{9b}",
    "\u{202e}",
    "\u{2028}",
    "…",
    "é",
    "x",
    "-u ",
    "Basic ",
    "https://me:",
    "@",
    "\"",
    "=",
];

/// A random line: ordinary report text, secrets' forms, controls and forged commands.
fn line(rng: &mut Rng, secrets: &[Vec<String>]) -> String {
    let mut s = String::new();
    if rng.below(4) == 0 {
        s.push_str(["::", "  ::", "\t::warning::", "##["][rng.below(4)]);
    }
    for _ in 0..1 + rng.below(6) {
        if rng.below(3) == 0 {
            let f = &secrets[rng.below(secrets.len())];
            s.push_str(&f[rng.below(f.len())]);
        } else {
            s.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    s
}

/// What the full cleaning makes of `text`, line by line.
fn reference(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|piece| match piece.strip_suffix('\n') {
            Some(l) => clean_line(l, false) + "\n",
            None => clean_line(piece, false),
        })
        .collect()
}

/// `text` through a sink behind a 64 KiB buffer (as the lint formats write), in writes of
/// random sizes.
fn through_sink(text: &str, rng: &mut Rng) -> String {
    let mut sink = Sink::memory();
    {
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, &mut sink);
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let n = (1 + rng.below(3000)).min(bytes.len() - at);
            out.write_all(&bytes[at..at + n]).unwrap();
            at += n;
        }
        out.flush().unwrap();
    }
    String::from_utf8(sink.into_bytes()).unwrap()
}

fn assert_safe(out: &str, secrets: &[String]) {
    let lower = out.to_lowercase();
    let b64 = base64::engine::general_purpose::STANDARD;
    for s in secrets {
        for form in [s.clone(), pct(s), b64.encode(s)] {
            assert!(
                !lower.contains(&form.to_lowercase()),
                "a held secret reached the output: {form:?}"
            );
        }
    }
    for (i, l) in out.lines().enumerate() {
        assert!(
            !l.chars().any(|c| c.is_control() && c != '\t'),
            "line {i}: a raw control character: {l:?}"
        );
        assert!(!l.trim_start().starts_with("::"), "line {i}: {l:?}");
        assert!(!l.contains("##["), "line {i}: {l:?}");
    }
}

#[test]
fn fast_path_matches_the_full_cleaning_on_hostile_lines() {
    // The secret registry is process-wide: the secrets other tests of this binary hold would
    // make every cleaning here slow (minutes, not a second).
    if !crate::common::in_own_process(
        module_path!(),
        "fast_path_matches_the_full_cleaning_on_hostile_lines",
    ) {
        return;
    }
    let mut rng = Rng(0x5eed_0ffa_5700_a7e1);
    let secrets = held(&mut rng);
    for s in &secrets {
        let _ = Secret::new(s.clone());
    }
    let all: Vec<Vec<String>> = secrets.iter().map(|s| forms(s)).collect();
    for case in 0..256 {
        let mut text = String::new();
        // Every 16th case fills most of a 64 KiB buffer with report lines first, so that the
        // random lines (and their secrets) straddle the buffer's boundary.
        if case % 16 == 0 {
            let filler = format!("{}\n", [PIECES[0]; 12].join(" "));
            while text.len() + filler.len() < 64 * 1024 - rng.below(200) {
                text.push_str(&filler);
            }
        }
        for _ in 0..1 + rng.below(12) {
            text.push_str(&line(&mut rng, &all));
            text.push('\n');
        }
        if rng.below(2) == 0 {
            // A last line without its newline: cleaned when the sink is flushed.
            text.push_str(&line(&mut rng, &all));
        }
        let out = through_sink(&text, &mut rng);
        assert_eq!(out, reference(&text), "case {case}");
        assert_safe(&out, &secrets);
    }
}

/// Each secret placed so that it starts a few bytes before the 64 KiB boundary, in each form,
/// and glued to the word before it.
#[test]
fn a_held_secret_across_the_64_kib_boundary_is_masked() {
    // The secret registry is process-wide: the secrets other tests of this binary hold would
    // make every cleaning here slow (minutes, not a second).
    if !crate::common::in_own_process(
        module_path!(),
        "a_held_secret_across_the_64_kib_boundary_is_masked",
    ) {
        return;
    }
    let mut rng = Rng(0x0bad_5eed_1234_5678);
    let secrets = held(&mut rng);
    for s in &secrets {
        let _ = Secret::new(s.clone());
    }
    for s in &secrets {
        for form in forms(s) {
            for before in [3usize] {
                let mut text = String::new();
                let filler = "report line with nothing to clean ".repeat(30) + "\n";
                while text.len() < 64 * 1024 - 2000 {
                    text.push_str(&filler);
                }
                let pad = 64 * 1024 - before - text.len() - 4;
                text.push_str(&"w".repeat(pad));
                text.push_str("word");
                text.push_str(&form);
                text.push_str(" tail\n");
                let out = through_sink(&text, &mut rng);
                assert_eq!(out, reference(&text));
                // The filler is plain: the secret is in the last lines.
                let tail = (out.len() - 4096..)
                    .find(|&i| out.is_char_boundary(i))
                    .unwrap();
                assert_safe(&out[tail..], &secrets);
            }
        }
    }
}

/// Percent-decode `%XX` (and `+` as a space when `plus`).
fn pct_decode(s: &str, plus: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if plus && b[i] == b'+' { b' ' } else { b[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The github format writes workflow commands whose properties escape `%`, `:`, `,` and
/// whose message escapes `%`: a held secret holding those characters must be masked before
/// it is escaped, or the escaped form (which is no registered form) carries it whole.
#[test]
fn a_held_secret_is_masked_before_workflow_command_escaping() {
    // The secret registry is process-wide: the secrets other tests of this binary hold would
    // make every cleaning here slow (minutes, not a second).
    if !crate::common::in_own_process(
        module_path!(),
        "a_held_secret_is_masked_before_workflow_command_escaping",
    ) {
        return;
    }
    let mut rng = Rng(0x600d_cafe_0000_0001);
    let secret = format!("p%4x&y:z,w/{}", rng.alnum(8));
    let _ = Secret::new(secret.clone());
    let mut sink = Sink::memory();
    sink.workflow_command(
        "error",
        &[
            ("file", &format!("deploy/{secret}/run.sh")),
            ("title", &secret),
        ],
        &format!("password {secret} in a message\nfix: {secret}"),
    )
    .unwrap();
    let out = String::from_utf8(sink.into_bytes()).unwrap();
    assert!(out.starts_with("::error "), "{out}");
    assert_eq!(out.lines().count(), 1, "{out}");
    for decoded in [
        out.clone(),
        pct_decode(&out, false),
        pct_decode(&pct_decode(&out, false), false),
    ] {
        assert!(!decoded.contains(&secret), "the secret in {out:?}");
    }
}

/// A server may echo a held secret form-encoded (`+` for a space) or JSON-escaped the way
/// PHP, Go or Java encoders do (`\/`, `\u0026`, `\u003c`): still a form of the secret.
#[test]
fn other_encoders_forms_of_a_held_secret_are_masked() {
    // The secret registry is process-wide: the secrets other tests of this binary hold would
    // make every cleaning here slow (minutes, not a second).
    if !crate::common::in_own_process(
        module_path!(),
        "other_encoders_forms_of_a_held_secret_are_masked",
    ) {
        return;
    }
    let mut rng = Rng(0x600d_cafe_0000_0002);
    // Not `word rest`: a secret shaped like `Scheme value` also registers its rest.
    let secret = format!("c0rrect horse/{}&<x>'", rng.alnum(8));
    let _ = Secret::new(secret.clone());
    let form = secret
        .bytes()
        .map(|b| match b {
            b' ' => "+".to_string(),
            b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect::<String>();
    let json_php = secret.replace('/', "\\/");
    let json_go = secret
        .replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e");
    let json_net = json_go.replace('\'', "\\u0027");
    for echoed in [&form, &json_php, &json_go, &json_net] {
        let text = format!("body: {{\"password\":\"{echoed}\"}}\n");
        let out = through_sink(&text, &mut rng);
        assert!(
            !out.contains(echoed.as_str()),
            "{echoed:?} reached the output: {out}"
        );
    }
}

/// End to end: a server echoes the token it was sent back to `doctor --verbose` in the forms
/// other encoders write (form-encoded, PHP and Go JSON escapes, upper-cased in a header):
/// none reaches the output, in either format.
#[test]
fn the_doctor_masks_other_encoders_echoes_of_the_token() {
    let mut rng = Rng(0x600d_cafe_0000_0003);
    let secret = format!("c0rrect horse/{}&<x>'", rng.alnum(10));
    let form: String = secret
        .bytes()
        .map(|b| match b {
            b' ' => "+".to_string(),
            b if b.is_ascii_alphanumeric() => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect();
    // What PHP, Go and .NET write by default.
    let php = secret.replace('/', "\\/");
    let go = secret
        .replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e");
    let net = secret
        .replace('&', "\\u0026")
        .replace('<', "\\u003C")
        .replace('>', "\\u003E")
        .replace('\'', "\\u0027");
    let body = format!("{{\"a\":\"{form}\",\"b\":\"{php}\",\"c\":\"{go}\",\"d\":\"{net}\"}}");
    let header = secret.to_uppercase();
    let answer = format!(
        "HTTP/1.1 401 Unauthorized\r\nx-echo: {header}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    for format in ["human", "json"] {
        let out = doctor_against(&answer, &secret, &["--format", format]);
        assert!(
            out.contains("401"),
            "{format}: the answer was not read:\n{out}"
        );
        let lower = out.to_lowercase();
        for echoed in [&secret, &form, &php, &go, &net, &header] {
            assert!(
                !lower.contains(&echoed.to_lowercase()),
                "{format}: `{echoed}` reached the output:\n{out}"
            );
        }
    }
}

/// `doctor --verbose` with `token` as the API token against a local server that gives
/// `answer` to every request; stdout and stderr.
fn doctor_against(answer: &str, token: &str, extra: &[&str]) -> String {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let answer = answer.to_string();
    std::thread::spawn(move || {
        for s in listener.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 8192];
            let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(5)));
            let _ = s.read(&mut buf);
            let _ = s.write_all(answer.as_bytes());
        }
    });
    let tmp = tempfile::tempdir().unwrap();
    let mut args = vec!["doctor", "--verbose", "--timeout", "5"];
    args.extend_from_slice(extra);
    args.push("https://acme.atlassian.net/rest/api/3/myself");
    let o = crate::common::atlcheck(tmp.path(), &args)
        .env("ATLASSIAN_EMAIL", "jane@acme.com")
        .env("ATLASSIAN_API_TOKEN", token)
        .env("NETRC", "/nonexistent")
        .env(
            "ATLCHECK_CONNECT_TO",
            format!(
                "acme.atlassian.net=http://127.0.0.1:{port},api.atlassian.com=http://127.0.0.1:{port}"
            ),
        )
        .output()
        .unwrap();
    crate::common::text(&o)
}

/// A server's body and headers, shown by `doctor --verbose`, cannot colour or hide what
/// follows (`ESC[8m` is a colour sequence, which the sink lets through while colour is on) nor
/// forge lines of the report with newlines.
#[test]
fn a_server_answer_cannot_forge_or_hide_doctor_lines() {
    let body = "{\"message\":\"\u{1b}[8mhidden\u{1b}[0m\n[\u{2713}] Credential on the site: valid\r\n::error::x\"}";
    let answer = format!(
        "HTTP/1.1 401 Unauthorized\r\nx-failure-category: AUTH\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let out = doctor_against(&answer, "abcdefgh12345678", &["--color", "always"]);
    assert!(out.contains("hidden"), "the body was not shown:\n{out}");
    assert!(
        !out.contains("\u{1b}[8m"),
        "a server's colour sequence reached the terminal:\n{out}"
    );
    for line in out.lines() {
        assert!(
            !line
                .trim_start()
                .starts_with("[\u{2713}] Credential on the site: valid"),
            "a forged report line: {line:?}"
        );
        assert!(!line.trim_start().starts_with("::"), "{line:?}");
    }
}
