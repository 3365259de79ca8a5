//! Red team, session 2 (issue 12, class 2): the forms in which a held secret came back through
//! the sink on main. The registry used to list encoded forms one by one (base64 of the value at
//! three alignments, percent-encoding with all-upper or all-lower hex, JSON as four encoders
//! write it); an adversarial echo picks another: the base64 of the upper- or lower-cased value,
//! base64 wrapped at 76 columns (`\n` or `\r\n` inside, also written line by line), URL-safe
//! base64, percent-encoding of any subset of the characters in mixed-case hex, `\uXXXX` for
//! any subset of the characters, the value cut by a colour sequence or by a line break and a
//! code-frame gutter. Generated cases (capped: 96 per run), each through the sink in random
//! writes; no 12 characters of a secret, in any letter case, may come out.
use std::io::Write;

use atlcheck::output::sink::Sink;
use atlcheck::secret::Secret;
use base64::Engine;

pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn seeded() -> Rng {
        let seed = std::env::var("ATLCHECK_HELD_FORMS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("held forms seed: ATLCHECK_HELD_FORMS_SEED={seed}");
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub(crate) fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n).map(|_| A[self.below(A.len())] as char).collect()
    }
    pub(crate) fn coin(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

/// Held secrets of every kind, fresh per run.
fn secrets(rng: &mut Rng) -> Vec<String> {
    vec![
        format!("ATATT3xFfGF0{}={}", rng.alnum(120), rng.alnum(8)),
        format!("ATOA{}", rng.alnum(60)),
        rng.alnum(24),
        // Plain passwords: too short and too plain for any pattern; only the registry masks them.
        format!("Sunny{}", rng.alnum(9)),
        format!("p%4x&y:z,w/{} <q>é", rng.alnum(8)),
    ]
}

fn b64(s: &[u8], url: bool) -> String {
    if url {
        base64::engine::general_purpose::URL_SAFE.encode(s)
    } else {
        base64::engine::general_purpose::STANDARD.encode(s)
    }
}

/// `base64` as the command-line tool writes it (`-w 76` by default), `\n` or `\r\n` between
/// lines.
fn wrapped(s: &str, nl: &str) -> String {
    wrapped_at(s, nl, 76)
}

fn wrapped_at(s: &str, nl: &str, width: usize) -> String {
    s.as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(nl)
}

/// Percent-encode a random subset of the characters (all the unsafe ones), hex in random case.
fn pct_any(rng: &mut Rng, s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() && rng.below(3) != 0 {
                (b as char).to_string()
            } else if rng.coin() {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            }
        })
        .collect()
}

/// JSON-escape a random subset of the characters as `\uXXXX` (hex in random case).
fn json_any(rng: &mut Rng, s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let mut units = [0u16; 2];
        let esc = !c.is_ascii_alphanumeric() || rng.below(3) == 0;
        if esc {
            for u in c.encode_utf16(&mut units) {
                if rng.coin() {
                    out.push_str(&format!("\\u{:04X}", u));
                } else {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Cut `s` at a random character boundary (not at its ends).
fn cut(rng: &mut Rng, s: &str) -> (String, String) {
    let idx: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).collect();
    let at = idx[rng.below(idx.len())];
    (s[..at].to_string(), s[at..].to_string())
}

/// One hostile form of `secret`, as a server (or a report) could carry it.
fn hostile_form(rng: &mut Rng, secret: &str) -> (String, String) {
    let user = format!("{}@acme.com:", &"jane.doe.x"[..rng.below(6) + 1]);
    match rng.below(15) {
        0 => (
            "base64 upper".into(),
            b64(secret.to_uppercase().as_bytes(), false),
        ),
        1 => (
            "base64 lower".into(),
            b64(secret.to_lowercase().as_bytes(), rng.coin()),
        ),
        2 => {
            // A prefix long enough that the secret's base64 crosses a line of 76 columns.
            let pair = format!("{}{user}{secret}", "x".repeat(30 + rng.below(40)));
            let nl = if rng.coin() { "\n" } else { "\r\n" };
            (
                "base64 wrapped".into(),
                wrapped(&b64(pair.as_bytes(), false), nl),
            )
        }
        3 => {
            let pair = format!("{user}{secret}");
            ("base64 user:secret".into(), b64(pair.as_bytes(), false))
        }
        4 => {
            let pair = format!("{user}{secret}");
            (
                "base64 url-safe".into(),
                b64(pair.as_bytes(), true).trim_end_matches('=').into(),
            )
        }
        5 => ("percent any".into(), pct_any(rng, secret)),
        6 => ("json \\u any".into(), json_any(rng, secret)),
        7 => {
            let (a, b) = cut(rng, secret);
            let esc = ["\u{1b}[1m", "\u{1b}[0m", "\u{1b}[31;1m", "\u{1b}[4m"][rng.below(4)];
            ("ansi split".into(), format!("{a}{esc}{b}"))
        }
        8 => {
            let (a, b) = cut(rng, secret);
            let gutter = ["\n12 | ", "\n  7 │ ", "\n", "\r\n", "\n    | "][rng.below(5)];
            ("line break in a frame".into(), format!("{a}{gutter}{b}"))
        }
        9 => {
            let pair = format!("{user}{}", secret.to_uppercase());
            (
                "base64 user:SECRET".into(),
                b64(pair.as_bytes(), rng.coin()),
            )
        }
        10 => {
            let (a, b) = cut(rng, secret);
            ("json split by escape".into(), format!("{a}\\u001b[1m{b}"))
        }
        // Escaped twice: a server's JSON inside a JSON report, a percent-encoded URL in a query.
        11 => (
            "json \\u twice".into(),
            json_any(rng, secret).replace('\\', "\\\\"),
        ),
        12 => (
            "percent twice".into(),
            pct_any(rng, secret).replace('%', "%25"),
        ),
        // A Markdown cell's escapes, and an invisible character a report inserts (a zero-width
        // space after `@` stops a mention).
        13 => {
            let md: String = secret
                .chars()
                .flat_map(|c| {
                    let esc = c.is_ascii_punctuation().then_some('\\');
                    esc.into_iter().chain(std::iter::once(c))
                })
                .collect();
            ("markdown escaped".into(), md)
        }
        _ => {
            let (a, b) = cut(rng, secret);
            let zw = ["\u{200B}", "\u{00AD}", "\u{FEFF}", "\u{2060}"][rng.below(4)];
            ("invisible split".into(), format!("{a}{zw}{b}"))
        }
    }
}

/// `text` through a memory sink in random writes.
fn through_sink(rng: &mut Rng, text: &str) -> String {
    let mut sink = Sink::memory();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let n = 1 + rng.below(40);
        let end = (i + n).min(bytes.len());
        sink.write_all(&bytes[i..end]).unwrap();
        i = end;
    }
    String::from_utf8(sink.into_bytes()).unwrap()
}

/// Decode everything a reader could decode: base64 runs (joined across line breaks) at each
/// alignment, percent and `\u` escapes; the secret must not be in any of it either.
pub(crate) fn leaks(out: &str, secret: &str) -> Option<String> {
    let window = 12.min(secret.chars().count());
    if let Some((_, p)) = crate::common::leaked_piece(out, &[("s", secret)], window) {
        return Some(format!("raw `{p}`"));
    }
    // What a reader copies: invisible characters gone, Markdown's backslash escapes undone.
    let chars: Vec<char> = out
        .chars()
        .filter(|c| {
            !matches!(
                c,
                '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
            )
        })
        .collect();
    let mut seen = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && chars.get(i + 1).is_some_and(|c| c.is_ascii_punctuation()) {
            i += 1;
        }
        seen.push(chars[i]);
        i += 1;
    }
    if let Some((_, p)) = crate::common::leaked_piece(&seen, &[("s", secret)], window) {
        return Some(format!("as a reader sees it `{p}`"));
    }
    let pct = percent_encoding::percent_decode_str(out).decode_utf8_lossy();
    let pct2 = percent_encoding::percent_decode_str(&pct).decode_utf8_lossy();
    if let Some((_, p)) = crate::common::leaked_piece(&pct2, &[("s", secret)], window) {
        return Some(format!("percent-decoded `{p}`"));
    }
    let json = json_unescape(&json_unescape(&out.replace("\\\\", "\\")));
    if let Some((_, p)) = crate::common::leaked_piece(&json, &[("s", secret)], window) {
        return Some(format!("\\u-decoded `{p}`"));
    }
    // Every base64 run (lines joined) decoded at each alignment, searched in one pass.
    let joined: String = out.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
    let mut decoded = String::new();
    for run in joined.split(|c: char| !(c.is_ascii_alphanumeric() || "+/-_=".contains(c))) {
        if run.len() < 8 {
            continue;
        }
        for skip in 0..4 {
            let r = run[skip..].replace('-', "+").replace('_', "/");
            let r = r.trim_end_matches('=');
            let r = &r[..r.len() - r.len() % 4];
            if let Ok(d) = base64::engine::general_purpose::STANDARD_NO_PAD.decode(r) {
                decoded.push_str(&String::from_utf8_lossy(&d));
                decoded.push('\n');
            }
        }
    }
    if let Some((_, p)) = crate::common::leaked_piece(&decoded, &[("s", secret)], window) {
        return Some(format!("base64 `{p}`"));
    }
    None
}

/// `\uXXXX` escapes decoded (surrogate pairs joined), the rest as it is.
fn json_unescape(s: &str) -> String {
    let mut units = Vec::new();
    let mut out = String::new();
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(hex) = rest.strip_prefix("\\u").and_then(|r| r.get(..4))
            && let Ok(u) = u16::from_str_radix(hex, 16)
        {
            units.push(u);
            rest = &rest[6..];
            continue;
        }
        out.extend(char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or('?')));
        let c = rest.chars().next().unwrap();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.extend(char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or('?')));
    out
}

#[test]
fn every_hostile_form_of_a_held_secret_is_masked() {
    if !crate::common::in_own_process(
        module_path!(),
        "every_hostile_form_of_a_held_secret_is_masked",
    ) {
        return;
    }
    let mut rng = Rng::seeded();
    let secrets = secrets(&mut rng);
    for s in &secrets {
        Secret::new(s.clone());
    }
    let mut failures = Vec::new();
    for case in 0..96 {
        let secret = &secrets[case % secrets.len()];
        let (name, form) = hostile_form(&mut rng, secret);
        let line = match rng.below(3) {
            0 => format!("  evidence: server said {form} (401)\n"),
            1 => format!("{{\"body\":\"{form}\"}}\n"),
            _ => format!("{form}\n"),
        };
        let out = through_sink(&mut rng, &line);
        if let Some(how) = leaks(&out, secret) {
            failures.push(format!("{name}: {how} in {out:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} leaks:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A report written line by line (as `writeln!` does) while secrets are held: the sink holds
/// the last lines back for a secret they may continue, and must still write every other byte
/// once, in order, unchanged (multi-byte characters at every cut), and mask a base64 value
/// wrapped across those writes (at 8 to 19 columns).
#[test]
fn lines_held_back_for_a_secret_come_out_once_and_in_order() {
    if !crate::common::in_own_process(
        module_path!(),
        "lines_held_back_for_a_secret_come_out_once_and_in_order",
    ) {
        return;
    }
    let mut rng = Rng::seeded();
    let secret = format!("Sunny{}", rng.alnum(11));
    Secret::new(secret.clone());
    for case in 0..32 {
        let mut report = String::new();
        for n in 0..rng.below(300) {
            let pad = "…é".repeat(rng.below(40));
            report.push_str(&format!("[✓] check {n} {pad} done\n"));
        }
        // Without a secret: the same bytes.
        let mut sink = Sink::memory();
        for line in report.split_inclusive('\n') {
            sink.write_all(line.as_bytes()).unwrap();
        }
        assert_eq!(
            String::from_utf8(sink.into_bytes()).unwrap(),
            report,
            "case {case}"
        );
        // With a wrapped base64 value written a line at a time: masked.
        let pair = format!("{}jane@acme.com:{secret}", "x".repeat(rng.below(120)));
        // Narrow (`base64 -w 12`): no line is long or random enough for the patterns, only
        // the held value can tell.
        let width = 8 + rng.below(12);
        let wrapped = wrapped_at(&b64(pair.as_bytes(), false), "\n", width);
        let mut sink = Sink::memory();
        for line in report
            .split_inclusive('\n')
            .chain(wrapped.split_inclusive('\n'))
        {
            sink.write_all(line.as_bytes()).unwrap();
        }
        sink.write_all(b"\nend\n").unwrap();
        let out = String::from_utf8(sink.into_bytes()).unwrap();
        assert!(
            out.starts_with(&report) && out.ends_with("\nend\n"),
            "case {case}"
        );
        if let Some(how) = leaks(&out, &secret) {
            let tail = &out[out.len() - wrapped.len() - 5..];
            panic!("case {case}: {how} in the report's last lines {tail:?}");
        }
    }
}

/// End to end: a local server answers the doctor with the credential it was sent, in the
/// forms above (JSON `\u`-escaped in part, percent-encoded in mixed-case hex, base64 of the
/// upper-cased pair, `base64`-wrapped with `\r\n` in the body and a header), to `doctor
/// --verbose` in both formats: no piece of the password may come out.
#[test]
fn doctor_verbose_scrubs_a_secret_echoed_in_hostile_forms() {
    use crate::adversarial::{Seen, Server, basic_pair, doctor_verbose, response};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(Box::new(|seen: &Seen| {
        let pair = basic_pair(seen);
        let mut rng = Rng(0x2545_f491_4f6c_dd1d ^ pair.len() as u64);
        let secret = pair.split_once(':').map_or("", |(_, s)| s).to_string();
        let long = format!("{}{pair}", "padding-".repeat(9));
        let body = format!(
            "{{\"escaped\":\"{}\",\"pct\":\"{}\",\"upper\":\"{}\",\"wrapped\":\"{}\"}}\r\n{}",
            json_any(&mut rng, &secret),
            pct_any(&mut rng, &secret),
            b64(pair.to_uppercase().as_bytes(), false),
            wrapped(&b64(long.as_bytes(), false), "\\r\\n"),
            wrapped(&b64(long.as_bytes(), true), "\r\n"),
        );
        response(
            "401 Unauthorized",
            &[("X-Echo", pct_any(&mut rng, &pair))],
            &body,
        )
    }));
    let mut rng = Rng::seeded();
    for format in ["human", "json"] {
        let secret = format!("Pw{}", rng.alnum(16));
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
        let out = crate::common::text(&o);
        if let Some(how) = leaks(&out, &secret) {
            panic!("doctor --format {format}: {how}:\n{out}");
        }
    }
}
