//! Red team, session 3 (issue 12): the leftovers of the last attack and the holes found in
//! this one, each replayed with generated hostile inputs (a seeded xorshift generator, the seed
//! printed; a capped number of cases). Each test here fails on the code before its fix.
//!
//! 1. A held secret echoed by a server with its non-ASCII letters in another case, decomposed
//!    (NFD), in fullwidth characters, or as hex (any case, with or without separators, `\x`,
//!    octal, `%u`, `\u{…}`, UTF-16) passed the sink: the decoded view knew neither.
//! 2. A held value shorter than 6 characters was not masked anywhere, not even as the whole
//!    value after `password=` in a server's answer.
//! 3. A credential in the environment (`ATLASSIAN_API_TOKEN`, `JIRA_PASS`) pasted where a value
//!    belongs was quoted by clap's errors, `lint`'s missing-path error, `explain`, `inventory`
//!    and the panic message when no pattern knew its shape (a plain password).
//! 4. `inventory` named a FIFO or device met in its walk only under `--verbose`.
use std::io::Write;
use std::time::Duration;

use atlcheck::output::sink::Sink;
use atlcheck::secret::Secret;
use base64::Engine;

use crate::adversarial::{Seen, Server, atlcheck, basic_pair, doctor_verbose, response};
use crate::held_forms::Rng;

/// `text` through a memory sink in random writes.
fn through_sink(rng: &mut Rng, text: &str) -> String {
    let mut sink = Sink::memory();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let end = (i + 1 + rng.below(40)).min(bytes.len());
        sink.write_all(&bytes[i..end]).unwrap();
        i = end;
    }
    String::from_utf8(sink.into_bytes()).unwrap()
}

/// Letters that change with case, width or normalisation.
const ACCENTED: &[&str] = &["ä", "Ö", "ü", "ß", "é", "Ñ", "ø", "Ω", "ж", "Ł", "ç", "Å"];

/// Held secrets, fresh per run: an ASCII password, passwords with accented letters, a token.
fn secrets(rng: &mut Rng) -> Vec<String> {
    let mut accented = || {
        (0..4)
            .map(|_| format!("{}{}", ACCENTED[rng.below(ACCENTED.len())], rng.alnum(3)))
            .collect::<String>()
    };
    let a = accented();
    let b = format!("Pw-{}", accented());
    vec![
        format!("Pw{}", rng.alnum(14)),
        a,
        b,
        format!("ATATT3xFfGF0{}", rng.alnum(40)),
    ]
}

fn hex(bytes: &[u8], upper: bool) -> String {
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect()
}

fn utf16(s: &str, big: bool) -> Vec<u8> {
    s.encode_utf16()
        .flat_map(|u| {
            if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            }
        })
        .collect()
}

/// Unicode decomposition of the accented letters used here (NFD), by hand: the test must not
/// share the code under test.
fn nfd(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ä' => "a\u{308}".to_string(),
            'Ö' => "O\u{308}".to_string(),
            'ü' => "u\u{308}".to_string(),
            'é' => "e\u{301}".to_string(),
            'Ñ' => "N\u{303}".to_string(),
            'ç' => "c\u{327}".to_string(),
            'Å' => "A\u{30A}".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// A held secret in one of the forms the last attack found passing (or a new one).
fn echo(rng: &mut Rng, secret: &str) -> (&'static str, String) {
    let b = secret.as_bytes();
    match rng.below(16) {
        0 => ("upper-cased", secret.to_uppercase()),
        1 => ("lower-cased", secret.to_lowercase()),
        2 => (
            "random case",
            secret
                .chars()
                .map(|c| {
                    if rng.coin() {
                        c.to_uppercase().collect::<String>()
                    } else {
                        c.to_lowercase().collect()
                    }
                })
                .collect(),
        ),
        3 => ("decomposed (NFD)", nfd(secret)),
        4 => (
            "fullwidth",
            secret
                .chars()
                .map(|c| match c {
                    '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                    c => c,
                })
                .collect(),
        ),
        5 => ("hex", hex(b, rng.coin())),
        6 => (
            "hex of the upper-cased value",
            hex(secret.to_uppercase().as_bytes(), rng.coin()),
        ),
        7 => {
            let sep = [":", " ", "-", ","][rng.below(4)];
            let pairs: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
            ("hex pairs with a separator", pairs.join(sep))
        }
        8 => (
            "\\x escapes",
            b.iter().map(|x| format!("\\x{x:02X}")).collect(),
        ),
        9 => (
            "octal escapes",
            b.iter().map(|x| format!("\\{x:03o}")).collect(),
        ),
        10 => (
            "%u escapes",
            secret
                .encode_utf16()
                .map(|u| format!("%u{u:04X}"))
                .collect(),
        ),
        11 => (
            "\\u{…} escapes",
            secret
                .chars()
                .map(|c| format!("\\u{{{:x}}}", c as u32))
                .collect(),
        ),
        12 => ("UTF-16 hex", hex(&utf16(secret, rng.coin()), rng.coin())),
        13 => (
            "base64 of UTF-16",
            base64::engine::general_purpose::STANDARD.encode(utf16(secret, rng.coin())),
        ),
        14 => (
            "base64 of the upper-cased value",
            base64::engine::general_purpose::STANDARD.encode(secret.to_uppercase()),
        ),
        _ => (
            "JSON \\u of the upper-cased value",
            secret
                .to_uppercase()
                .chars()
                .map(|c| format!("\\u{:04x}", c as u32))
                .collect(),
        ),
    }
}

/// The first piece of `form` (16 characters, or all of it) or of `secret` (12 characters, in
/// any case) that `out` shows.
fn shown(out: &str, secret: &str, form: &str) -> Option<String> {
    if let Some(how) = crate::held_forms::leaks(out, secret) {
        return Some(how);
    }
    let window = 16.min(form.chars().count());
    crate::common::leaked_piece(out, &[("form", form)], window)
        .map(|(_, p)| format!("the echoed form `{p}`"))
}

/// Leftover 2 of the last attack: which encodings the sink must know. A server may change the
/// case of non-ASCII letters, normalise, widen, or hex-encode what it echoes; all of it is the
/// same secret. 3 to 4 secrets × 24 generated echoes per run, placed in a line with glue
/// (hex digits before a hex form shift its alignment).
#[test]
fn a_held_secret_echoed_in_another_case_width_or_as_hex_is_masked() {
    let mut rng = Rng::seeded();
    for secret in secrets(&mut rng) {
        let _held = Secret::new(secret.clone());
        for case in 0..24 {
            let (name, form) = echo(&mut rng, &secret);
            let glue = ["", "x", "=", "abc", "\"", "0"][rng.below(6)];
            let line = match rng.below(3) {
                0 => format!("{{\"echo\":\"{glue}{form}\",\"n\":{case}}}\n"),
                1 => format!("X-Echo: {glue}{form}\r\nnext: line\n"),
                _ => format!("error: bad credential {glue}{form} for bot@example.com\n"),
            };
            let out = through_sink(&mut rng, &line);
            if let Some(how) = shown(&out, &secret, &form) {
                panic!("{name} of {secret:?} (case {case}): {how} in {out:?}");
            }
        }
    }
}

/// Leftover 1: a held value under 6 characters is masked where it is the whole value of a
/// slot that names a secret (in any case, escaped or not), and left alone elsewhere: in prose
/// it cannot be told from a word. 48 generated slots per run.
#[test]
fn a_short_held_secret_is_masked_in_the_slots_that_name_a_secret() {
    let mut rng = Rng::seeded();
    for case in 0..48 {
        let n = 3 + rng.below(3);
        let short = loop {
            let s = rng.alnum(n);
            if s.bytes().any(|b| b.is_ascii_digit()) && s.bytes().any(|b| b.is_ascii_alphabetic()) {
                break s;
            }
        };
        let _held = Secret::new(short.clone());
        let value = match rng.below(4) {
            0 => short.clone(),
            1 => short.to_uppercase(),
            2 => short.bytes().map(|b| format!("%{b:02X}")).collect(),
            _ => short.bytes().map(|b| format!("\\u{b:04x}")).collect(),
        };
        let (before, after) = match rng.below(8) {
            0 => ("?password=".to_string(), "&next=1"),
            1 => ("{\"api_token\": \"".to_string(), "\"}"),
            2 => ("https://jane:".to_string(), "@acme.atlassian.net/"),
            3 => ("curl -u jane@acme.com:".to_string(), " https://x"),
            4 => ("Authorization: Bearer ".to_string(), ""),
            5 => ("pwd: '".to_string(), "'"),
            6 => ("client_secret=".to_string(), ";"),
            _ => ("<Password>".to_string(), "</Password>"),
        };
        let line = format!("{before}{value}{after} and in prose {short} stays\n");
        let out = through_sink(&mut rng, &line);
        let want = format!("{before}****{after} and in prose {short} stays\n");
        assert_eq!(out, want, "case {case}: {short:?} as {value:?}");
    }
}

/// End to end, leftovers 1 and 2: a server answers the doctor with the password it was sent,
/// upper-cased, as hex and as UTF-16 hex, in its body and a header; a short password as the
/// value of `"password"`: `doctor --verbose`, human and JSON, shows none of it.
#[test]
fn doctor_masks_a_password_echoed_upper_cased_as_hex_or_short_in_a_slot() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Box::new(|seen: &Seen| {
        let pair = basic_pair(seen);
        let secret = pair.split_once(':').map_or("", |(_, s)| s).to_string();
        let body = format!(
            "{{\"password\":\"{secret}\",\"upper\":\"{}\",\"hex\":\"{}\",\"utf16\":\"{}\"}}",
            secret.to_uppercase(),
            hex(secret.as_bytes(), false),
            hex(&utf16(&secret, false), true),
        );
        response(
            "401 Unauthorized",
            &[("X-Echo", hex(secret.to_uppercase().as_bytes(), true))],
            &body,
        )
    }));
    let mut rng = Rng::seeded();
    let accented = secrets(&mut rng).swap_remove(2);
    let short = format!("{}9", rng.alnum(3));
    for (secret, format) in [(&accented, "human"), (&short, "json"), (&accented, "json")] {
        let o = doctor_verbose(
            dir.path(),
            &server,
            "https://acme.atlassian.net/rest/api/3/myself",
            format,
            secret,
        )
        .output()
        .unwrap();
        assert!(
            !server.seen.lock().unwrap().is_empty(),
            "no probe reached the server"
        );
        let out = crate::common::text(&o);
        if secret == &short {
            let slot = format!("password\\\":\\\"{short}");
            let slot_human = format!("password\":\"{short}");
            assert!(
                !out.contains(&slot) && !out.contains(&slot_human),
                "short password in its slot:\n{out}"
            );
            continue;
        }
        for form in [
            secret.to_uppercase(),
            hex(secret.as_bytes(), false),
            hex(&utf16(secret, false), true),
            hex(secret.to_uppercase().as_bytes(), true),
        ] {
            if let Some(how) = shown(&out, secret, &form) {
                panic!("doctor --format {format}: {how}:\n{out}");
            }
        }
    }
}

/// A credential-named variable's value pasted where a value belongs, for every command: clap's
/// "invalid value", an unknown rule, a missing path, a panic. The values are plain passwords
/// (no pattern knows them). 12 generated cases per run; a name that only looks alike
/// (`GIT_AUTHOR_NAME`) holds nothing.
#[test]
fn a_credential_from_the_environment_is_never_quoted_by_an_error() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    const NAMES: &[&str] = &[
        "ATLASSIAN_API_TOKEN",
        "JIRA_PASS",
        "DEPLOY_SECRET",
        "ATLASSIAN_ADMIN_KEY",
        "acme_password",
        "CONFLUENCE_APITOKEN",
    ];
    let commands: &[&[&str]] = &[
        &["lint", "--format", "@"],
        &["lint", "--max-filesize", "@", "."],
        &["lint", "@"],
        &["lint", "--select", "@", "."],
        &["explain", "@"],
        &["inventory", "@"],
        &["scopes", "--from-code", "@"],
        &[
            "doctor",
            "--timeout",
            "@",
            "https://acme.atlassian.net/rest/api/3/myself",
        ],
        &["tokens", "--format", "@"],
        &["@"],
    ];
    for case in 0..12 {
        let name = NAMES[rng.below(NAMES.len())];
        let value = format!("Sunny{}!{}", rng.alnum(5), rng.alnum(4));
        let args: Vec<String> = if case == commands.len() {
            vec!["rules".into()]
        } else {
            commands[case % commands.len()]
                .iter()
                .map(|a| a.replace('@', &value))
                .collect()
        };
        let mut cmd = atlcheck(dir.path());
        cmd.args(&args).env(name, &value);
        if case == commands.len() {
            cmd.env("ATLCHECK_TEST_PANIC", format!("boom {value}"));
        }
        let o = cmd.output().unwrap();
        let out = crate::common::text(&o);
        if let Some((_, piece)) = crate::common::leaked_piece(&out, &[("v", &value)], 12) {
            panic!(
                "{name} quoted by `atlcheck {}`: `{piece}`:\n{out}",
                args.join(" ")
            );
        }
    }
    // Not a credential's name: shown as given.
    let word = format!("Sunny{}", rng.alnum(8));
    let o = atlcheck(dir.path())
        .args(["explain", &word])
        .env("GIT_AUTHOR_NAME", &word)
        .env("SSH_AUTH_SOCK", &word)
        .output()
        .unwrap();
    assert!(
        crate::common::text(&o).contains(&word),
        "{}",
        crate::common::text(&o)
    );
}

/// Leftover 3: a FIFO (and a symlink to a device) met in `inventory`'s walk is named as
/// skipped without `--verbose`, and never opened.
#[test]
fn inventory_names_a_special_file_met_in_its_walk() {
    let dir = tempfile::tempdir().unwrap();
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    for fifo in [wf.join("deploy.yml"), dir.path().join("sync.sh")] {
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
    }
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("jira.py")).unwrap();
    for format in ["human", "json"] {
        let mut cmd = atlcheck(dir.path());
        cmd.args(["inventory", "--format", format, "."]);
        let (o, _) =
            crate::common::output_within(cmd, std::process::Stdio::null(), Duration::from_secs(20));
        let err = String::from_utf8_lossy(&o.stderr);
        for name in [".github/workflows/deploy.yml", "sync.sh"] {
            assert!(
                err.contains(&format!("skipped {name}: not a regular file")),
                "{format}: {name} not named:\n{}",
                crate::common::text(&o)
            );
        }
    }
}

/// A credential the doctor sends in its URL's query or fragment (`?access_token=`,
/// `?password=`, `#jwt=`) was not held: a server quoting the request it got (an error echoing
/// its parameters) printed it through `doctor --verbose`. Generated parameter names and plain
/// values (no pattern knows them), in both formats.
#[test]
fn a_credential_in_the_doctors_url_query_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Box::new(|seen: &Seen| {
        // Echo every query value, decoded, in prose (no `key=` for a pattern to see).
        let query = seen
            .line
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_string();
        let values: Vec<String> = query
            .split_once('?')
            .map(|(_, q)| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(_, v)| v.into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let body = format!("{{\"message\":\"you sent {}\"}}", values.join(" and "));
        response("401 Unauthorized", &[], &body)
    }));
    let mut rng = Rng::seeded();
    const NAMES: &[&str] = &[
        "access_token",
        "password",
        "apiKey",
        "api-key",
        "client_secret",
        "jwt",
        "Token",
        "pwd",
    ];
    for format in ["human", "json"] {
        let name = NAMES[rng.below(NAMES.len())];
        let value = format!("Sunny{}x{}", rng.alnum(5), rng.alnum(4));
        let o = doctor_verbose(
            dir.path(),
            &server,
            &format!("https://acme.atlassian.net/rest/api/3/myself?{name}={value}&expand=x"),
            format,
            format!("Pw{}", rng.alnum(16)),
        )
        .output()
        .unwrap();
        assert!(
            !server.seen.lock().unwrap().is_empty(),
            "no probe reached the server"
        );
        let out = crate::common::text(&o);
        if let Some((_, piece)) = crate::common::leaked_piece(&out, &[("v", &value)], 12) {
            panic!("?{name}= value echoed (`{piece}`), --format {format}:\n{out}");
        }
    }
}

/// Azure Pipelines' agent acts on `##vso[…]` anywhere in a line of stdout or stderr
/// (`task.setvariable`, `task.prependpath`, `task.uploadfile`), TeamCity on `##teamcity[`; the
/// sink defused only `##[`. Generated commands (any case, split by invisible characters,
/// after any text) in file names through every lint format, and in a server's answer through
/// `doctor -v`: no line holds `##word[` once invisible characters are dropped.
#[test]
fn azure_and_teamcity_log_commands_are_defused_everywhere() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let invisible = [
        "", "\u{200B}", "\u{00AD}", "\u{FEFF}", "\u{2060}", "\u{FE0F}",
    ];
    let mut commands = Vec::new();
    for i in 0..6 {
        let word: String = ["vso", "VSO", "vSo", "teamcity", "", "Vso"][i]
            .chars()
            .map(|c| format!("{c}{}", invisible[rng.below(invisible.len())]))
            .collect();
        let z = invisible[rng.below(invisible.len())];
        let cmd = format!(
            "{}#{z}#{word}[task.setvariable variable=PATH]evil{i}",
            ["", "x ", "a-"][rng.below(3)]
        );
        std::fs::write(
            dir.path().join(format!("{cmd}.sh")),
            "curl https://acme.atlassian.net/rest/api/3/myself\n",
        )
        .unwrap();
        commands.push(cmd);
    }
    let forged = |out: &str| -> Option<String> {
        out.lines().find_map(|line| {
            let seen: String = line
                .chars()
                .filter(|c| {
                    !matches!(
                        c,
                        '\u{200B}' | '\u{00AD}' | '\u{FEFF}' | '\u{2060}' | '\u{FE0F}'
                    )
                })
                .collect::<String>()
                .to_ascii_lowercase();
            ["##[", "##vso[", "##teamcity["]
                .iter()
                .any(|p| seen.contains(p))
                .then(|| line.to_string())
        })
    };
    for format in ["human", "concise", "json", "sarif", "github", "junit"] {
        let o = atlcheck(dir.path())
            .args(["lint", "--format", format, "."])
            .output()
            .unwrap();
        let out = crate::common::text(&o);
        assert!(
            out.contains("evil5"),
            "{format}: the files were not reported:\n{out}"
        );
        if let Some(line) = forged(&out) {
            panic!("lint --format {format} wrote a log command: {line:?}");
        }
    }
    let server = Server::start(Box::new(move |_: &Seen| {
        let body = format!(
            "{{\"errorMessages\":[\"{}\"]}}",
            "##vso[task.prependpath]/tmp/evil"
        );
        response(
            "401 Unauthorized",
            &[(
                "X-Note",
                "a ##VSO[task.complete result=Succeeded]".to_string(),
            )],
            &body,
        )
    }));
    for format in ["human", "json"] {
        let o = doctor_verbose(
            dir.path(),
            &server,
            "https://acme.atlassian.net/rest/api/3/myself",
            format,
            format!("Pw{}", rng.alnum(16)),
        )
        .output()
        .unwrap();
        let out = crate::common::text(&o);
        assert!(
            out.contains("prependpath"),
            "{format}: the body was not shown:\n{out}"
        );
        if let Some(line) = forged(&out) {
            panic!("doctor --format {format} wrote a log command: {line:?}");
        }
    }
}

/// The password of a proxy URL in the environment (`HTTPS_PROXY=http://user:pw@proxy:3128`,
/// percent-encoded there) is held like a credential-named variable's value.
#[test]
fn a_proxy_password_from_the_environment_is_held() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    for var in ["HTTPS_PROXY", "all_proxy"] {
        let value = format!("Sunny{}!{}", rng.alnum(5), rng.alnum(4));
        let o = atlcheck(dir.path())
            .args(["explain", &value])
            .env(
                var,
                format!("http://me:{}@127.0.0.1:9", value.replace('!', "%21")),
            )
            .output()
            .unwrap();
        let out = crate::common::text(&o);
        if let Some((_, piece)) = crate::common::leaked_piece(&out, &[("v", &value)], 12) {
            panic!("{var}'s password quoted: `{piece}`:\n{out}");
        }
    }
}

/// The environment hold masks credentials, not settings: a mode or a flag in a variable whose
/// name mentions auth (`AUTH_TYPE=service-account`, `SKIP_AUTH=enabled`) stays readable.
#[test]
fn settings_in_the_environment_are_not_taken_for_credentials() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value) in [
        ("AUTH_TYPE", "Sunny7SettingValue"),
        ("SKIP_AUTH", "enabled"),
        ("JIRA_AUTH_METHOD", "service-account"),
        ("TOKEN_TTL", "3600000"),
    ] {
        let o = atlcheck(dir.path())
            .args(["explain", value])
            .env(var, value)
            .output()
            .unwrap();
        let out = crate::common::text(&o);
        assert!(
            out.contains(&format!("`{value}`")),
            "{var}={value} masked:\n{out}"
        );
    }
}

/// A password made only of letters, digits and `_` is a valid variable name, so the flags
/// that take one (`--token-env` and the four others) accepted it and `$NAME is not set`
/// quoted it. Generated passwords (mixed case, and all lower case with digits) in each flag:
/// no 12 characters shown; an UPPER_CASE name is still named.
#[test]
fn a_password_pasted_as_a_variable_name_is_not_quoted() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let site = "https://acme.atlassian.net/rest/api/3/myself";
    let gateway =
        "https://api.atlassian.com/ex/jira/11111111-2222-3333-4444-555555555555/rest/api/3/myself";
    let runs: [(&[&str], &str); 5] = [
        (&["doctor", "--offline", "--token-env"], site),
        (&["doctor", "--offline", "--auth-header-env"], site),
        (
            &[
                "doctor",
                "--offline",
                "--client-id",
                "Zr4Tq8Wm2Kx6Nb0Vc3Hd7Jf1Lp5Sg9Ya",
                "--client-secret-env",
            ],
            gateway,
        ),
        (
            &[
                "doctor",
                "--offline",
                "--compare-email",
                "a@example.com",
                "--compare-token-env",
            ],
            site,
        ),
        (
            &[
                "tokens",
                "--org",
                "11111111-2222-3333-4444-555555555555",
                "--admin-key-env",
            ],
            "",
        ),
    ];
    for (i, (args, url)) in runs.iter().enumerate() {
        let password = if i % 2 == 0 {
            format!("Sunny{}", rng.alnum(10))
        } else {
            format!("hunter{}pass", rng.alnum(8)).to_lowercase()
        };
        let mut cmd = atlcheck(dir.path());
        cmd.args(*args).arg(&password);
        if !url.is_empty() {
            cmd.arg(url);
        }
        let out = crate::common::text(&cmd.output().unwrap());
        if let Some((_, piece)) = crate::common::leaked_piece(&out, &[("p", &password)], 12) {
            panic!(
                "`{}` quoted the password (`{piece}`):\n{out}",
                args.join(" ")
            );
        }
    }
    let out = crate::common::text(
        &atlcheck(dir.path())
            .args(["doctor", "--offline", "--token-env", "MY_JIRA_TOKEN", site])
            .output()
            .unwrap(),
    );
    assert!(out.contains("$MY_JIRA_TOKEN is not set"), "{out}");
}

/// `scopes --from-code DIR` named a FIFO met in its walk only under `--verbose`, like
/// `inventory` did.
#[test]
fn scopes_from_code_names_a_special_file_met_in_its_walk() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(src.join("api.py"))
            .status()
            .unwrap()
            .success()
    );
    std::fs::write(
        src.join("ok.py"),
        "requests.get(\"https://acme.atlassian.net/rest/api/3/myself\")\n",
    )
    .unwrap();
    let mut cmd = atlcheck(dir.path());
    cmd.args(["scopes", "--from-code", "src"]);
    let (o, _) =
        crate::common::output_within(cmd, std::process::Stdio::null(), Duration::from_secs(20));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("skipped src/api.py: not a regular file"),
        "{}",
        crate::common::text(&o)
    );
}

/// The composite action's step summary (`scripts/action-run.sh`) wrote each finding's path in
/// a code span and its message as it was: a file named with a backtick closed the span, and
/// brackets, `<img>`, `@mentions` and `|` made links, images, mentions and extra table cells
/// in the job's summary page. Generated hostile file names and URLs: every row keeps its five
/// cell borders and holds no unescaped Markdown or HTML.
#[test]
fn the_actions_step_summary_escapes_paths_and_messages() {
    if std::process::Command::new("jq")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("jq is not installed: the step summary has no table to check");
        return;
    }
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    const PIECES: &[&str] = &[
        "`",
        "[fix](http:evil.example)",
        "<img src=x>",
        "@octocat",
        "|",
        "![i](x)",
        "*a*",
        "_b_",
        "<b>",
        "&lt;",
        "\\",
        "www.evil.example",
        "~~s~~",
        "#1",
        "x",
    ];
    for i in 0..6 {
        let name: String = (0..4).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        std::fs::write(
            repo.join(format!("{i}{name}.sh")),
            format!(
                "curl \"https://acme.atlassian.net/rest/api/3/myself?q={}\"\n",
                PIECES[rng.below(PIECES.len())]
            ),
        )
        .unwrap();
    }
    let summary = dir.path().join("summary.md");
    let o = std::process::Command::new("bash")
        .arg(crate::common::root().join("scripts/action-run.sh"))
        .current_dir(&repo)
        .env("ATLCHECK", env!("CARGO_BIN_EXE_atlcheck"))
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("INPUT_ARGS", ".")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("GITHUB_ACTIONS")
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&summary).unwrap_or_default();
    let rows: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("| warning"))
        .collect();
    assert!(rows.len() >= 6, "{}\n{text}", crate::common::text(&o));
    for row in rows {
        // The characters after the rule's own link, with `\x` escapes taken out.
        let cells = &row[row.find(".toml)").unwrap() + 6..];
        let mut bare = String::new();
        let mut chars = cells.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                chars.next();
                bare.push('.');
            } else {
                bare.push(c);
            }
        }
        assert_eq!(bare.matches('|').count(), 3, "cells broken: {row}");
        for bad in ["`", "[", "]", "<", ">", "@", "!", "*", "_", "&", "://", "~"] {
            assert!(!bare.contains(bad), "unescaped {bad:?} in {row}");
        }
    }
}

/// `inventory --format markdown` escaped brackets and `<>` but not `@`, `` ` ``, `*`, `_`,
/// `#` or `~`: a workflow named `@octocat *x*.yml` or a job named `@admins-team` mentioned a
/// user or a team (and emphasised text) where the register is pasted, and a backtick opened a
/// code span that swallowed the next cells. Generated hostile workflow, job and step names:
/// every row keeps its 11 cells, and no cell holds an unescaped mention or Markdown.
#[test]
fn inventory_markdown_cells_carry_no_mention_or_markup() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let wf = dir.path().join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    const PIECES: &[&str] = &[
        "@octocat",
        "@acme/admins",
        "`",
        "*b*",
        "_i_",
        "~~s~~",
        "#12",
        "![i](x)",
        "[l](x)",
        "<b>",
        "|",
        "\\",
        "&amp;",
        "x",
    ];
    let mut pick =
        |n: usize| -> String { (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect() };
    for i in 0..3 {
        let (file, job) = (pick(3), pick(3));
        std::fs::write(
            wf.join(format!("{i}{}.yml", file.replace('/', "-"))),
            format!(
                "name: \"{}\"\non: push\njobs:\n  \"{job}\":\n    runs-on: ubuntu-latest\n    steps:\n      - run: curl -u \"bot@acme.com:$JIRA_TOKEN\" https://api.atlassian.com/ex/jira/11111111-2222-3333-4444-555555555555/rest/api/3/myself\n        env:\n          JIRA_TOKEN: ${{{{ secrets.JIRA_TOKEN }}}}\n",
                pick(2).replace('"', "'").replace('\\', "/")
            ),
        )
        .unwrap();
    }
    let o = atlcheck(dir.path())
        .args(["inventory", "--format", "markdown", "."])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&o.stdout).into_owned();
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| `")).collect();
    assert!(!rows.is_empty(), "{}", crate::common::text(&o));
    for row in rows {
        // Escapes taken out, the credential's code span left aside.
        let rest = &row[row[3..].find('`').unwrap() + 4..];
        let mut bare = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' {
                chars.next();
                bare.push('.');
            } else {
                bare.push(c);
            }
        }
        assert_eq!(bare.matches('|').count(), 11, "cells broken: {row}");
        for bad in ["`", "*", "_", "[", "]", "<b>", "<img", "~", "#"] {
            assert!(!bare.contains(bad), "unescaped {bad:?} in {row}");
        }
        let chars: Vec<char> = bare.chars().collect();
        for (k, c) in chars.iter().enumerate() {
            let mention = *c == '@'
                && chars.get(k + 1).is_some_and(|n| n.is_alphanumeric())
                && (k == 0 || !chars[k - 1].is_alphanumeric());
            assert!(!mention, "@mention in {row}");
        }
    }
}
