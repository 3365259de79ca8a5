//! Keeping secrets out of every output.
//!
//! SPEC, security invariants: no output ever carries a whole secret. A token is shown as its
//! first 6 characters, `…`, and its last 4 (or `****` when shorter than 20). Findings only ever
//! hold masked values; [`redact_text`] is the second line of defence applied to every source
//! line atlcheck prints and to every error message.
use std::borrow::Cow;
use std::fmt;
use std::ops::Range;
use std::sync::{OnceLock, RwLock};

use base64::Engine;

use regex::Regex;

mod view;

/// The masked form of a secret: `ATATT3…AB12`, or `****` when shorter than 20 characters.
pub fn mask(secret: &str) -> String {
    if !secret.is_ascii() {
        return mask_chars(secret);
    }
    // A character is a byte: no list of characters (a file of 440,000 tokens masks each).
    if secret.len() < 20 {
        return "****".to_string();
    }
    let mut m = String::with_capacity(6 + "…".len() + 4);
    m.push_str(&secret[..6]);
    m.push('…');
    m.push_str(&secret[secret.len() - 4..]);
    m
}

/// [`mask`] counting characters.
fn mask_chars(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() < 20 {
        return "****".to_string();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// A secret value read from a file, the environment or a prompt. `Debug` and `Display` show
/// only the masked form; the value itself is reachable only through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value and [`register`] it, so that every output sink scrubs it (and its
    /// encoded forms) from whatever atlcheck prints or writes from now on.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        register(&value);
        Secret(value)
    }
    /// The raw value, for the few places that must send or check it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

// ---------------------------------------------------------------------------------------------
// The process-wide registry of held secrets.
// ---------------------------------------------------------------------------------------------

/// Shortest registered value: a shorter one would mask ordinary words in every line.
pub const MIN_REGISTERED_LEN: usize = 6;

#[derive(Default)]
struct Registry {
    /// (form as it may appear in output, mask to print instead).
    forms: Vec<(String, String)>,
    matcher: Option<aho_corasick::AhoCorasick>,
    /// (held value, its mask): what [`view`] looks for inside decoded base64.
    values: Vec<(String, String)>,
    value_matcher: Option<aho_corasick::AhoCorasick>,
    /// Length of the longest held value.
    longest: usize,
    /// Held values shorter than [`MIN_REGISTERED_LEN`] characters, masked only as the whole
    /// value of a slot that names a secret ([`short_slots`]).
    short: Vec<String>,
    short_matcher: Option<regex::bytes::Regex>,
    /// Every form and value in `forms` and `values`, to refuse a duplicate in constant time
    /// (a URL with thousands of `&token=` parameters registers each).
    known_forms: std::collections::HashSet<String>,
    known_values: std::collections::HashSet<String>,
}

fn registry() -> &'static RwLock<Registry> {
    static REGISTRY: OnceLock<RwLock<Registry>> = OnceLock::new();
    REGISTRY.get_or_init(|| RwLock::new(Registry::default()))
}

/// Remember a secret value this process holds (a token, password, client secret, access token,
/// admin key, an `Authorization` header value). From then on every [`crate::output::sink`]
/// replaces it by its [`mask`] wherever it appears, also in these encoded forms: trimmed, the
/// credential part of a `Scheme value` header and the secret half of a Basic `user:secret`,
/// base64 (standard and URL-safe, at each of the three alignments, so the value is found inside
/// the base64 of a longer text such as `email:token`), percent-encoded, JSON-, XML- and
/// control-escaped. [`Secret::new`] calls it: holding a secret as a [`Secret`] is enough.
/// Values shorter than [`MIN_REGISTERED_LEN`] characters are not registered.
pub fn register(value: &str) {
    let mut values = vec![value.trim().to_string()];
    // `Basic xxx`, `Bearer xxx`: the credential part alone.
    if let Some((scheme, rest)) = value.trim().split_once(char::is_whitespace)
        && scheme.bytes().all(|b| b.is_ascii_alphabetic())
    {
        let rest = rest.trim();
        values.push(rest.to_string());
        if scheme.eq_ignore_ascii_case("basic")
            && let Some(decoded) = crate::token::decode_base64(rest)
            && let Ok(pair) = String::from_utf8(decoded)
            && let Some((_, secret)) = pair.split_once(':')
        {
            values.push(secret.trim().to_string());
        }
    }
    let mut forms = Vec::new();
    let mut raw = Vec::new();
    let mut short = Vec::new();
    for v in values {
        if v.chars().count() < MIN_REGISTERED_LEN {
            if !v.is_empty() {
                short.push(v);
            }
            continue;
        }
        let m = mask(&v);
        // Non-ASCII characters are looked for folded (case, width, accents: [`view::fold`]),
        // as the view holds them.
        if let Some((folded, _)) = view::fold(v.as_bytes())
            && let Ok(folded) = String::from_utf8(folded)
            && folded.chars().count() >= MIN_REGISTERED_LEN
        {
            raw.push((folded.clone(), m.clone()));
            forms.push((folded, m.clone()));
        }
        raw.push((v.clone(), m.clone()));
        for form in encoded_forms(&v) {
            if form.chars().count() >= MIN_REGISTERED_LEN {
                forms.push((form, m.clone()));
            }
        }
    }
    if forms.is_empty() && short.is_empty() {
        return;
    }
    let mut reg = registry().write().unwrap_or_else(|e| e.into_inner());
    let before = reg.forms.len() + reg.values.len() + reg.short.len();
    for v in short {
        if !reg.short.contains(&v) {
            reg.short.push(v);
            reg.short_matcher = None;
        }
    }
    for f in forms {
        if reg.known_forms.insert(f.0.clone()) {
            reg.forms.push(f);
        }
    }
    for v in raw {
        if reg.known_values.insert(v.0.clone()) {
            reg.longest = reg.longest.max(v.0.len());
            reg.values.push(v);
        }
    }
    if reg.forms.len() + reg.values.len() + reg.short.len() != before {
        reg.matcher = None;
        reg.value_matcher = None;
        GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Hold as a secret every part of `value` that has a credential's form (an `ATATT3…` token,
/// a legacy 24-character token, a client secret, a JWT; [`crate::token::classify`]), though
/// it was given where no secret belongs (`doctor --site`). Such a value is echoed transformed
/// (a site name lower-cased, inside a URL), and a lower-cased token no longer looks random to
/// the patterns; held, it is masked in any letter case and encoding wherever it appears.
pub fn hold_credential_shaped(value: &str) {
    let v = value.trim();
    let parts = std::iter::once(v).chain(
        v.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '=' | '+'))),
    );
    for p in parts {
        if p.len() >= MIN_REGISTERED_LEN
            && crate::token::classify(p).kind != crate::token::TokenKind::Unknown
        {
            register(p);
        }
    }
}

/// Hold as a secret the value of every environment variable whose name says it holds one
/// ([`names_a_secret`]: `ATLASSIAN_API_TOKEN`, `JIRA_PASS`, `ATLASSIAN_CLIENT_SECRET`,
/// `ATLASSIAN_ADMIN_KEY`), as a CI runner masks its secrets: an error may quote a value
/// pasted where it does not belong (`lint --format "$ATLASSIAN_API_TOKEN"`: clap quotes it,
/// `lint "$JIRA_PASS"`: a missing path), and no pattern recognises a plain password. Commands that read a credential hold it themselves when they read it; this is for
/// the ones that never meant to read it. Once per process, at its start (`main`): such values
/// are found by their registered forms (raw, any ASCII case, percent-, JSON-, XML-escaped,
/// base64), line by line, which costs the sink one pass of a matcher per chunk; the decoded
/// view (for what a server echoes) is kept for the secrets a command holds. Values shorter than
/// [`MIN_REGISTERED_LEN`] characters are not held from the environment.
pub fn hold_environment() {
    static DONE: std::sync::Once = std::sync::Once::new();
    DONE.call_once(|| {
        for (name, value) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let Some(v) = value.to_str() else { continue };
            // `PWD` is the shell's working directory.
            if names_a_secret(&name) && !name.eq_ignore_ascii_case("PWD") {
                register_forms(v.trim());
            } else if name.to_ascii_uppercase().ends_with("PROXY") {
                // `HTTPS_PROXY=http://user:password@proxy:3128`: the proxy's password.
                if let Some((_, secret)) = proxy_userinfo(v) {
                    register_forms(&secret);
                }
            }
        }
    });
}

/// Does a name (of an environment variable, a URL query parameter) say it holds a secret? A
/// word of it (split at `_`, `-`, `.`; in any case) is `JWT`, `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `PASS`, `PWD`, `APIKEY`, `CREDENTIAL(S)`,
/// `AUTH` or `KEY` after `API`, `ADMIN`, `PRIVATE`, `ACCESS` or `SECRET`, or a word ends in
/// `TOKEN`, `SECRET` or `PASSWORD` (`GITHUBTOKEN`); not when the last word says it names a
/// place (`_FILE`, `_PATH`, `_DIR`, `_SOCK`, `_URL`, `_ENV`: `SSH_AUTH_SOCK`,
/// `ATLASSIAN_TOKEN_FILE`) or a setting (`_TYPE`, `_MODE`, `_METHOD`, `_ENABLED`, `_TTL`...).
/// `GIT_AUTHOR_NAME`, `GIT_ASKPASS`, `PASSENGER_ENV`, `AUTH_TYPE` hold none.
pub fn names_a_secret(name: &str) -> bool {
    let name = name.to_ascii_uppercase();
    let words: Vec<&str> = name
        .split(['_', '-', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.len() > 1
        && matches!(
            words.last().copied(),
            Some(
                "FILE"
                    | "PATH"
                    | "DIR"
                    | "SOCK"
                    | "URL"
                    | "ENV"
                    | "HOST"
                    | "USER"
                    | "NAME"
                    | "TYPE"
                    | "MODE"
                    | "METHOD"
                    | "KIND"
                    | "SCHEME"
                    | "ENABLED"
                    | "DISABLED"
                    | "REQUIRED"
                    | "EXPIRY"
                    | "EXPIRES"
                    | "TTL"
            )
        )
    {
        return false;
    }
    words.iter().enumerate().any(|(i, w)| {
        matches!(
            *w,
            "TOKEN"
                | "JWT"
                | "SECRET"
                | "PASSWORD"
                | "PASSWD"
                | "PASS"
                | "PWD"
                | "APIKEY"
                | "CREDENTIAL"
                | "CREDENTIALS"
                | "AUTH"
        ) || *w == "KEY"
            && i > 0
            && matches!(
                words[i - 1],
                "API" | "ADMIN" | "PRIVATE" | "ACCESS" | "SECRET"
            )
            || (w.len() > 6 && (w.ends_with("TOKEN") || w.ends_with("SECRET")))
            || (w.len() > 8 && w.ends_with("PASSWORD"))
    })
}

/// The `user` and decoded `password` of a proxy URL's userinfo (`http://user:pw@proxy:3128`,
/// also without a scheme).
fn proxy_userinfo(v: &str) -> Option<(String, String)> {
    let rest = v.split_once("://").map_or(v, |(_, r)| r);
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let (info, _) = authority.rsplit_once('@')?;
    let (user, secret) = info.split_once(':')?;
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    Some((decode(user), decode(secret)))
}

/// Register the encoded forms of `v` (no view value: [`hold_environment`]). A short word of
/// lower-case letters (`enabled`, `service-account`, `basic_auth`: a setting, not a
/// credential) is not held: it would mask ordinary words in every report.
fn register_forms(v: &str) {
    let word = v.len() < 16
        && v.bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b == b'_');
    if v.chars().count() < MIN_REGISTERED_LEN || word {
        return;
    }
    let m = mask(v);
    let forms: Vec<(String, String)> = encoded_forms(v)
        .into_iter()
        .filter(|f| f.chars().count() >= MIN_REGISTERED_LEN)
        .map(|f| (f, m.clone()))
        .collect();
    let mut reg = registry().write().unwrap_or_else(|e| e.into_inner());
    let before = reg.forms.len();
    for f in forms {
        if reg.known_forms.insert(f.0.clone()) {
            reg.forms.push(f);
        }
    }
    if reg.forms.len() != before {
        reg.matcher = None;
        reg.value_matcher = None;
        GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Identifiers atlcheck shows in full though they look random: OAuth 2.0 client IDs.
static PUBLIC_IDS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Show `id`, an OAuth 2.0 client ID, in full wherever it appears in output. A client ID is
/// not a secret (RFC 6749, 2.2: it is public and goes with every token request; SPEC's
/// security invariants list the client secret, not the ID), and a user comparing the doctor's
/// answer or a `tokens` report with admin.atlassian.com needs to see which client it was; but
/// it is 32 random letters and digits, which the patterns would mask. Only a value of exactly
/// that form is accepted, and never one this process holds as a secret or one that has a
/// credential's form (a secret pasted as the ID stays masked). Returns whether it was accepted.
pub fn show_client_id(id: &str) -> bool {
    let id = id.trim();
    let form = id.len() == 32 && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if !form
        || crate::token::classify(id).kind != crate::token::TokenKind::Unknown
        || scrub_registered(id) != id
    {
        return false;
    }
    let mut ids = PUBLIC_IDS.write().unwrap_or_else(|e| e.into_inner());
    if !ids.iter().any(|x| x == id) {
        ids.push(id.to_string());
        GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    true
}

static GENERATION: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Changes whenever a secret is registered: output cleaned before may now need masking.
pub fn registry_generation() -> usize {
    GENERATION.load(std::sync::atomic::Ordering::Relaxed)
}

/// The forms a value may take in output.
fn encoded_forms(v: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    let mut out = vec![v.to_string()];
    // base64 at the three alignments: the characters that depend on `v`'s bytes alone.
    for k in 0..3usize {
        let mut bytes = vec![0u8; k];
        bytes.extend_from_slice(v.as_bytes());
        let total_bits = 8 * bytes.len();
        let first = (8 * k).div_ceil(6);
        let last = total_bits / 6; // chars whose 6 bits lie wholly inside `bytes`
        for engine in [&STANDARD, &URL_SAFE] {
            let enc = engine.encode(&bytes);
            if last > first && last <= enc.len() {
                out.push(enc[first..last].to_string());
            }
        }
    }
    let pct: String = v
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    // Encoders differ on `-._~`: also every non-alphanumeric byte escaped.
    let pct_all: String = v
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    // HTML forms write a space as `+`.
    out.push(pct_all.replace("%20", "+"));
    out.push(pct.replace("%20", "+"));
    out.push(lower_hex_escapes(&pct_all));
    out.push(pct_all);
    out.push(pct.clone());
    out.push(lower_hex_escapes(&pct));
    // (A JSON string literal: `Value`'s Display, not a report writer.)
    {
        let json = serde_json::Value::String(v.to_string()).to_string();
        let json = &json[1..json.len() - 1];
        // JSON encoders differ too (defaults): PHP writes `\/` and `\u00e9`, Go `\u0026`,
        // `\u003c`, `\u003e`, .NET also `\u0027`, `\u002B`, `\u0022` and `\u00E9`.
        let unicode = |s: &str| -> String {
            s.encode_utf16()
                .map(|u| match char::from_u32(u32::from(u)) {
                    Some(c) if c.is_ascii() => c.to_string(),
                    _ => format!("\\u{u:04x}"),
                })
                .collect()
        };
        let go = json
            .replace('&', "\\u0026")
            .replace('<', "\\u003c")
            .replace('>', "\\u003e");
        let net = go
            .replace('\'', "\\u0027")
            .replace('+', "\\u002b")
            .replace("\\\"", "\\u0022");
        out.push(json.replace('/', "\\/"));
        out.push(unicode(&json.replace('/', "\\/")));
        out.push(unicode(json));
        out.push(unicode(&net));
        out.push(go);
        out.push(json.to_string());
    }
    out.push(
        v.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&apos;"),
    );
    out.push(crate::output::sink::escape_controls(v, false).into_owned());
    out.sort();
    out.dedup();
    out.retain(|f| !f.is_empty());
    out
}

/// `%2F` -> `%2f`: some encoders write lower-case hex.
fn lower_hex_escapes(pct: &str) -> String {
    let mut out = String::with_capacity(pct.len());
    let mut chars = pct.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next() {
                    out.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

/// The matcher over every registered form, built once per registration (None: nothing held).
fn held_matcher() -> Option<(
    aho_corasick::AhoCorasick,
    std::sync::RwLockReadGuard<'static, Registry>,
)> {
    loop {
        let reg = registry().read().unwrap_or_else(|e| e.into_inner());
        if reg.forms.is_empty() && reg.short.is_empty() {
            return None;
        }
        if let Some(m) = &reg.matcher
            && (reg.short.is_empty() || reg.short_matcher.is_some())
        {
            return Some((m.clone(), reg));
        }
        drop(reg);
        {
            let mut w = registry().write().unwrap_or_else(|e| e.into_inner());
            if w.matcher.is_none() {
                // ASCII case-insensitive: a server (or a host name) may echo a secret upper- or
                // lower-cased, and a secret modulo case is still a secret.
                let m = aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(true)
                    .build(w.forms.iter().map(|(f, _)| f.as_str()))
                    .expect("secret forms build a matcher");
                w.matcher = Some(m);
                let v = aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .ascii_case_insensitive(true)
                    .build(w.values.iter().map(|(v, _)| v.as_str()))
                    .expect("secret values build a matcher");
                w.value_matcher = Some(v);
            }
            if w.short_matcher.is_none() && !w.short.is_empty() {
                w.short_matcher = short_slots(&w.short);
            }
        }
        let reg = registry().read().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = reg.matcher.clone() {
            return Some((m, reg));
        }
        // A secret registered by another thread between the build and this look cleared the
        // matcher: build again. Answering `None` would mean "nothing held" and let the output
        // through unscrubbed (seen as a flaky `a_client_id_is_shown_…` test).
    }
}

/// The matcher of held values too short to be masked wherever they appear (`abc12` would mask
/// ordinary words): such a value is masked where it is the whole value of a slot that names a
/// secret, in the decoded view of the output (so also percent- or JSON-escaped), in any ASCII
/// letter case: after a key naming a secret (`password=`, `"token": "`, `api_key:`,
/// `secret =>`, `<Password>`, `auth`), as the password of URL userinfo (`://user:…@`) or of `-u user:…`, and
/// after an `Authorization` scheme (`Basic`, `Bearer`, `Token`). The value must end there (the
/// next byte is no letter or digit). Group `v` is the value.
fn short_slots(short: &[String]) -> Option<regex::bytes::Regex> {
    let alternatives: Vec<String> = short
        .iter()
        .flat_map(|v| {
            let folded = view::fold(v.as_bytes()).map(|(f, _)| f);
            std::iter::once(v.as_bytes().to_vec()).chain(folded)
        })
        .map(|v| {
            v.iter()
                .map(|&b| {
                    if b.is_ascii_alphanumeric() {
                        (b as char).to_string()
                    } else {
                        format!("\\x{b:02x}")
                    }
                })
                .collect::<String>()
        })
        .collect();
    let pattern = format!(
        r#"(?i-u)(?:(?:passw(?:or)?d|passwd|pass|pwd|secret|token|api[_-]?key|apikey|credential|auth)[a-z0-9_\-]*["']?\s*(?::|=>|=|>)\s*["'`]?|://[^\s:/@]*:|(?:^|\s)(?:-u|--user)(?:\s+|=)["']?[^\s:"']*:|\b(?:basic|bearer|token)\s+)(?P<v>{})(?:[^a-z0-9]|$)"#,
        alternatives.join("|")
    );
    regex::bytes::RegexBuilder::new(&pattern)
        .size_limit(1 << 22)
        .build()
        .ok()
}

/// Replace every held secret in `text` by the secret's mask: every registered form in any
/// ASCII letter case, and the value found in the decoded view of the text ([`view`]: percent,
/// JSON and XML escapes decoded, terminal escape sequences, line breaks and code-frame
/// gutters dropped, base64 runs decoded at every alignment).
pub fn scrub_registered(text: &str) -> Cow<'_, str> {
    scrub_held(text, false).0
}

/// [`scrub_registered`] for a chunk of output that may be continued (`settle`): only the
/// whole lines that no held secret can still run on into are taken: those before the last
/// ones a held value's longest encoded form could span (and before any secret found across
/// that cut). Returns the masked text of what was taken and how many bytes of `text` that was
/// (all of it unless `settle`). While nothing is held, `text` is taken as it is.
pub fn scrub_held(text: &str, settle: bool) -> (Cow<'_, str>, usize) {
    let Some((m, reg)) = held_matcher() else {
        return (Cow::Borrowed(text), text.len());
    };
    let Some(values) = reg.value_matcher.clone() else {
        return (Cow::Borrowed(text), text.len());
    };
    if reg.values.is_empty() && reg.short.is_empty() {
        // Only the environment's values are held ([`hold_environment`]): their registered
        // forms, found line by line, without the decoded view.
        return (scrub_with(&m, &reg.forms, text), text.len());
    }
    let (whole, spans) = scrub_in(text, &m, &reg, &values);
    if !settle {
        return (whole, text.len());
    }
    // A form is at most 6 bytes per byte of the value (`\u0041`), plus breaks and gutters.
    let reach = reg.longest * 8 + 256;
    let line_start = |at: usize| {
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        text[..at].rfind('\n').map_or(0, |i| i + 1)
    };
    let mut cut = line_start(text.len().saturating_sub(reach));
    while let Some(s) = spans.iter().find(|s| s.start < cut && s.end > cut) {
        cut = line_start(s.start);
    }
    if cut == text.len() {
        return (whole, cut);
    }
    (scrub_in(&text[..cut], &m, &reg, &values).0, cut)
}

/// The held secrets in `text` masked, in its view then as registered forms; with the ranges of
/// `text` where the view found one.
fn scrub_in<'a>(
    text: &'a str,
    forms: &aho_corasick::AhoCorasick,
    reg: &Registry,
    values: &aho_corasick::AhoCorasick,
) -> (Cow<'a, str>, Vec<Range<usize>>) {
    let (viewed, spans) = view::scrub(
        text,
        (forms, &reg.forms),
        (values, &reg.values),
        reg.short_matcher.as_ref(),
    );
    let out = match viewed {
        Cow::Borrowed(t) => scrub_with(forms, &reg.forms, t),
        Cow::Owned(o) => Cow::Owned(scrub_with(forms, &reg.forms, &o).into_owned()),
    };
    (out, spans)
}

/// Does `text` hold any registered secret form (in any ASCII letter case)? One pass over a
/// whole chunk of output, so that the sink scrubs line by line only where one is.
pub fn holds_registered(text: &str) -> bool {
    held_matcher().is_some_and(|(m, _)| m.is_match(text))
}

fn scrub_with<'a>(
    m: &aho_corasick::AhoCorasick,
    forms: &[(String, String)],
    text: &'a str,
) -> Cow<'a, str> {
    let mut out = String::new();
    let mut last = 0;
    for hit in m.find_iter(text) {
        out.push_str(&text[last..hit.start()]);
        out.push_str(&forms[hit.pattern().as_usize()].1);
        last = hit.end();
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Everything the sink scrubs from a line of output: the registered secrets, then every
/// secret-looking value [`redact_message`] recognises (prefixed tokens also when glued to
/// other characters, header values, `-u user:secret`, URL userinfo, random-looking runs of
/// three character classes, also between `/` of a path).
pub fn scrub_output(text: &str) -> Cow<'_, str> {
    let held = scrub_registered(text);
    // The fused byte test first: most values and lines of a report can hold none of the
    // patterns (issue 12, class 5), and running the patterns over them found nothing.
    if !output_may_redact(&held) {
        return held;
    }
    let r = ranges(&held, Mode::Output);
    if r.is_empty() {
        return held;
    }
    Cow::Owned(apply(&held, &r).0)
}

/// Patterns whose match (or whose `secret` group) is a secret wherever it appears.
fn redaction_patterns() -> &'static [Regex] {
    static PATTERNS: OnceLock<Vec<Regex>> = OnceLock::new();
    PATTERNS.get_or_init(|| {
        [
            // Atlassian and Bitbucket prefixed credentials, also glued to other characters
            // (`x_ATATT3…`, `deploy/ATATT3…`).
            r"(?P<secret>(?:ATATT3|ATCTT3|ATOA|ATBB)[A-Za-z0-9_\-=+/]{8,})",
            // Authorization header values.
            r"(?i)\b(?:basic|bearer|jwt)\s+(?P<secret>[A-Za-z0-9+/_\-.=]{8,})",
            // curl -u user:secret / --user=user:secret
            r#"(?:^|\s)(?:-u|--user)(?:\s+|=)["']?[^\s:"']*:(?P<secret>[^\s"']{4,})"#,
            // scheme://user:secret@host, where the user may be an unescaped email address
            r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s:/]+:(?P<secret>[^\s@/]{4,})@",
            // key = value where the key names a secret.
            r#"(?i)(?:token|passw(?:or)?d|passwd|secret|api[_-]?key|credential)[A-Za-z0-9_\-]*["']?\s*(?::|=|=>)\s*["'`]?(?P<secret>[^\s"'`,;)\]}]{8,})"#,
            // Any long quoted or bare high-entropy run; checked for entropy below.
            r"(?P<entropy>\b[A-Za-z0-9+/_\-]{20,}={0,2})",
            // curl -u "user:a pass phrase" / --user='user:…': the secret runs to the quote.
            r#"(?:^|\s)(?:-u|--user)(?:\s+|=)"[^"\s:]*:(?P<secret>[^"]{4,})"#,
            r#"(?:^|\s)(?:-u|--user)(?:\s+|=)'[^'\s:]*:(?P<secret>[^']{4,})"#,
            // A quoted value right after a quoted email address: the secret of a Basic pair in
            // nearly every HTTP client (`auth=("jane@acme.com", "…")`, `basic_auth=(…)`).
            r#"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}["']\s*,\s*["'](?P<secret>[^"'\n]{4,})["']"#,
            // key = "a value with spaces" where the key names a secret.
            r#"(?i)(?:token|passw(?:or)?d|passwd|secret|api[_-]?key|credential)[A-Za-z0-9_\-]*["']?\s*(?::|=|=>)\s*"(?P<secret>[^"\n]{8,})""#,
            r#"(?i)(?:token|passw(?:or)?d|passwd|secret|api[_-]?key|credential)[A-Za-z0-9_\-]*["']?\s*(?::|=|=>)\s*'(?P<secret>[^'\n]{8,})'"#,
        ]
        .iter()
        .map(|p| crate::pattern::compile(p).expect("redaction pattern compiles"))
        .collect()
    })
}

/// 8-4-4-4-12 alphanumerics: a cloud or organization ID, possibly mistyped. Identifiers,
/// not secrets; a mistyped one must stay readable in an AT203 message.
fn uuid_shaped(s: &str) -> bool {
    // Without a list of the groups: the masking of a line of 220,000 tokens asks for each.
    let mut groups = s.split('-');
    [8, 4, 4, 4, 12].iter().all(|&n| {
        groups
            .next()
            .is_some_and(|g| g.len() == n && g.bytes().all(|b| b.is_ascii_alphanumeric()))
    }) && groups.next().is_none()
}

/// Is the run the local part or a label of an email address (`x1axxw94zz@serviceaccount…`)?
/// Service-account addresses are generated and look random, but are not secrets.
fn part_of_email(text: &str, r: Range<usize>) -> bool {
    text[r.end..].starts_with('@') || text[..r.start].ends_with('@')
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let b = s.as_bytes();
    if (1..=TABLED).contains(&b.len()) {
        // A short run (every token shape) counts its bytes by sorting a copy: the same terms
        // summed in the same order (ascending byte value, as the table of counts below is read)
        // without clearing and reading 256 counts per call (220,000 calls on a file of tokens).
        let mut sorted = [0u8; TABLED];
        let sorted = &mut sorted[..b.len()];
        sorted.copy_from_slice(b);
        sorted.sort_unstable();
        let row = &entropy_terms()[b.len()];
        return sorted.chunk_by(|x, y| x == y).map(|g| row[g.len()]).sum();
    }
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    // Runs up to `TABLED` bytes (every token shape) read each term from a table computed once
    // by the same expression, so the sum is bit for bit what `entropy_term` gives: a file of
    // 220,000 tokens spent 4% of its run in `log2` (issue 12, class 5).
    let table = (n as usize <= TABLED).then(|| &entropy_terms()[n as usize]);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| match table {
            Some(row) => row[c as usize],
            None => entropy_term(c, n),
        })
        .sum()
}

/// The longest run whose entropy terms are read from [`entropy_terms`].
const TABLED: usize = 64;

/// One character's share of the entropy of a run of `n` bytes in which it occurs `c` times.
fn entropy_term(c: u32, n: u32) -> f64 {
    let p = f64::from(c) / f64::from(n);
    -p * p.log2()
}

/// `entropy_term(c, n)` for every `1 <= c <= n <= TABLED` (row `n`, column `c`).
fn entropy_terms() -> &'static [[f64; TABLED + 1]; TABLED + 1] {
    static TERMS: std::sync::OnceLock<Box<[[f64; TABLED + 1]; TABLED + 1]>> =
        std::sync::OnceLock::new();
    TERMS.get_or_init(|| {
        let mut t = Box::new([[0.0; TABLED + 1]; TABLED + 1]);
        for n in 1..=TABLED as u32 {
            for c in 1..=n {
                t[n as usize][c as usize] = entropy_term(c, n);
            }
        }
        t
    })
}

/// Does this run of characters look like a random secret rather than a word or identifier?
pub fn looks_random(s: &str) -> bool {
    let has_digit = s.bytes().any(|b| b.is_ascii_digit());
    let has_upper = s.bytes().any(|b| b.is_ascii_uppercase());
    let has_lower = s.bytes().any(|b| b.is_ascii_lowercase());
    let classes = usize::from(has_digit) + usize::from(has_upper) + usize::from(has_lower);
    classes >= 2 && entropy(s) >= 3.5
}

/// Texts up to this length have [`may_match`] answered for every pattern in one pass
/// ([`may_match_all`]); longer ones (a file's line under the code frames) by each test's
/// own memchr search, which is faster there.
const SHORT_TEXT: usize = 1024;

/// [`may_match`]`(i, text)`, read off `all` ([`may_match_all`]) when the text is short.
fn may_match_short(all: &Option<u16>, i: usize, text: &str) -> bool {
    match all {
        Some(bits) => i >= 16 || bits & (1 << i) != 0,
        None => may_match(i, text),
    }
}

/// The [`START`] and [`RUN5`] bytes of a block of 64, as bit masks (bit `i` for byte `i`).
#[cfg(target_arch = "x86_64")]
fn prefilter_masks(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8,
    };
    let (mut start, mut run) = (0u64, 0u64);
    for q in 0..4 {
        // SAFETY: SSE2 is part of every x86-64 processor (the target's baseline features), and
        // the unaligned load reads bytes 16q..16q+16 of the 64-byte block.
        let (s, r) = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(q * 16).cast::<__m128i>());
            let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let folded_eq = |c: u8| _mm_cmpeq_epi8(folded, _mm_set1_epi8(c as i8));
            let within = |x: __m128i, lo: u8, hi: u8| {
                let shifted = _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8));
                _mm_cmplt_epi8(shifted, _mm_set1_epi8((hi - lo + 1) as i8 ^ i8::MIN))
            };
            // Signed, below zero is every byte from 0x80.
            let start = _mm_or_si128(
                _mm_or_si128(
                    _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0)), eq(b'A')),
                    _mm_or_si128(folded_eq(b'b'), folded_eq(b'j')),
                ),
                _mm_or_si128(
                    _mm_or_si128(_mm_or_si128(eq(b'-'), eq(b':')), eq(b'@')),
                    _mm_or_si128(_mm_or_si128(eq(b','), eq(b'"')), eq(b'\'')),
                ),
            );
            let run = _mm_or_si128(
                _mm_or_si128(within(folded, b'a', b'z'), within(v, b'0', b'9')),
                _mm_or_si128(_mm_or_si128(eq(b'+'), eq(b'_')), eq(b'-')),
            );
            (_mm_movemask_epi8(start), _mm_movemask_epi8(run))
        };
        start |= u64::from(s as u16) << (16 * q);
        run |= u64::from(r as u16) << (16 * q);
    }
    (start, run)
}

/// The [`START`] and [`RUN5`] bytes of a block of 64, as bit masks (bit `i` for byte `i`).
#[cfg(not(target_arch = "x86_64"))]
fn prefilter_masks(block: &[u8; 64]) -> (u64, u64) {
    prefilter_masks_bytewise(block)
}

/// [`prefilter_masks`] from the table, a byte at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn prefilter_masks_bytewise(block: &[u8; 64]) -> (u64, u64) {
    table_masks(block, &MAY_MATCH_BYTE, START, RUN5)
}

/// The bytes of a block of 64 whose class in `table` has the bit `first`, and those whose
/// class has the bit `second`, as bit masks (bit `i` for byte `i`): what the SSE2 readers
/// ([`prefilter_masks`], [`block_masks`]) compute 16 bytes at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn table_masks(block: &[u8; 64], table: &[u8; 256], first: u8, second: u8) -> (u64, u64) {
    let (mut a, mut b) = (0u64, 0u64);
    for (i, &c) in block.iter().enumerate() {
        let class = table[c as usize];
        a |= u64::from(class & first != 0) << i;
        b |= u64::from(class & second != 0) << i;
    }
    (a, b)
}

/// [`MAY_MATCH_BYTE`]: a letter, digit, `+`, `_` or `-` (pattern 5's run).
const RUN5: u8 = 1;
/// [`MAY_MATCH_BYTE`]: a byte one of the tests of [`may_match`] starts from.
const START: u8 = 2;

static MAY_MATCH_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'+' | b'_' | b'-') {
            t[c] |= RUN5;
        }
        if b >= 0x80
            || matches!(
                b,
                b'A' | b'b' | b'B' | b'j' | b'J' | b'-' | b':' | b'@' | b',' | b'"' | b'\''
            )
        {
            t[c] |= START;
        }
        c += 1;
    }
    t
};

/// [`may_match`] for every pattern at once (bit `i` for pattern `i`; the patterns without
/// a test have their bit set), in one pass over `b`: a finding's message was read once per
/// pattern (`tests::pattern_prefilters_are_sound` compares the two).
fn may_match_all(b: &[u8]) -> u16 {
    const ELLIPSIS: &[u8] = "…".as_bytes();
    let (mut a_t, mut word_ci, mut any_bj, mut other_non_ascii) = (false, false, false, false);
    let (mut dash_u, mut scheme, mut at, mut comma, mut dquote, mut squote, mut long_run) =
        (false, false, false, false, false, false, false);
    let starts_ci =
        |rest: &[u8], w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
    // 64 bytes at a time, as the sink's test ([`output_may_redact`]): a mask of the bytes a
    // test starts from, taken in order, and one of pattern 5's run characters.
    let mut carry = 0u32;
    for (k, chunk) in b.chunks(64).enumerate() {
        let (mut start, run) = if let Ok(block) = <&[u8; 64]>::try_from(chunk) {
            prefilter_masks(block)
        } else {
            // Padded with blanks (neither), cut at the text's end.
            let mut block = [b' '; 64];
            block[..chunk.len()].copy_from_slice(chunk);
            prefilter_masks(&block)
        };
        long_run = long_run || run_of_20(run, chunk.len() as u32, &mut carry);
        while start != 0 {
            let i = k * 64 + start.trailing_zeros() as usize;
            start &= start - 1;
            let rest = &b[i..];
            match b[i] {
                // `ascii_but_ellipsis`: a non-ASCII byte that is not part of a `…`.
                0x80.. => {
                    let in_ellipsis = rest.starts_with(ELLIPSIS)
                        || i >= 1 && b[i - 1..].starts_with(ELLIPSIS)
                        || i >= 2 && b[i - 2..].starts_with(ELLIPSIS);
                    other_non_ascii |= !in_ellipsis;
                }
                b'A' => a_t |= rest.get(1) == Some(&b'T'),
                b'b' | b'B' => {
                    any_bj = true;
                    word_ci |= starts_ci(rest, b"basic") || starts_ci(rest, b"bearer");
                }
                b'j' | b'J' => {
                    any_bj = true;
                    word_ci |= starts_ci(rest, b"jwt");
                }
                b'-' => dash_u |= rest.get(1) == Some(&b'u'),
                b':' => scheme |= rest[1..].starts_with(b"//"),
                b'@' => at = true,
                b',' => comma = true,
                b'"' => dquote = true,
                _ => squote = true,
            }
        }
    }
    let basic = if other_non_ascii { any_bj } else { word_ci };
    let mut bits = !0u16;
    for (i, on) in [
        (0, a_t),
        (1, basic),
        (2, dash_u),
        (3, scheme && at),
        (5, long_run),
        (6, dash_u),
        (7, dash_u),
        (8, at && comma),
        (9, dquote),
        (10, squote),
    ] {
        if !on {
            bits &= !(1 << i);
        }
    }
    bits
}

/// A cheap necessary condition for redaction pattern `i` to match `text`: the sink runs the
/// patterns over every line of output, and most lines hold none of these.
fn may_match(i: usize, text: &str) -> bool {
    let b = text.as_bytes();
    match i {
        // ATATT3, ATCTT3, ATOA, ATBB
        0 => memchr_pair(b, b'A', b'T'),
        // basic / bearer / jwt, any case. `(?i)` also folds `ſ` onto `s`: text with other
        // non-ASCII characters than atlcheck's own `…` keeps the looser test.
        1 => {
            if ascii_but_ellipsis(b) {
                contains_ci(b, b"basic") || contains_ci(b, b"bearer") || contains_ci(b, b"jwt")
            } else {
                b.iter().any(|c| matches!(c, b'b' | b'B' | b'j' | b'J'))
            }
        }
        // -u / --user
        // (`str::contains` prepares a substring search per call: every finding's message
        // passes here seven times.)
        2 | 6 | 7 => memchr_pair(b, b'-', b'u'),
        // "email", "secret"
        8 => b.contains(&b'@') && b.contains(&b','),
        // key = "…", key = '…'
        9 => b.contains(&b'"'),
        10 => b.contains(&b'\''),
        // scheme://user:secret@
        3 => {
            memchr::memchr_iter(b':', b).any(|i| b[i + 1..].starts_with(b"//")) && b.contains(&b'@')
        }
        // A run of 20 characters of the entropy class without `/`: a match with no `/` is
        // such a run, and in one with `/` only a segment between them of 20 letters, digits
        // or `+` is masked. (A URL path with a 20-character run across `/` is in every AT201
        // fix.)
        5 => {
            let mut run = 0;
            b.iter().any(|&c| {
                if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'_' | b'-') {
                    run += 1;
                } else {
                    run = 0;
                }
                run >= 20
            })
        }
        _ => true,
    }
}

/// Might [`scrub_output`] change `line` (one line of output, without its newline), or must
/// the sink escape or defuse it? A necessary condition for each, fused into one pass over the
/// bytes: the sink runs it on every line it writes, and a report of 100,000 findings is mostly
/// lines that need nothing (issue 12, class 5). `false` means the line goes out unchanged
/// unless it holds a registered secret, which the sink checks separately; unsure is `true`.
/// `tests::output_prefilter_is_sound` checks it against [`scrub_output`] and the sink.
pub fn output_needs_scrub(line: &str) -> bool {
    let b = line.as_bytes();
    let lead = b.iter().take_while(|c| **c == b' ' || **c == b'\t').count();
    // The indentation says nothing to the test below (a blank is neither looked at nor part
    // of a run; a tab is looked at and passed): a JSON report's lines are half indentation.
    b[lead..].starts_with(b"::") || output_may_redact(&line[lead..])
}

/// [`output_needs_scrub`] but for the workflow-command test: might the patterns of
/// [`scrub_output`] mask something in `text`, or must the sink escape a character or defuse
/// `##[` in it? `false` means [`ranges`] in output mode finds nothing (checked by
/// `tests::output_prefilter_is_sound`).
///
/// The same answer as [`output_may_redact_bytewise`] (`tests::output_prefilter_by_blocks`),
/// found 64 bytes at a time: the sink tests every line of output that it has not seen before
/// (a report of 440,000 findings writes a line of its own for each), and most bytes of a
/// line are letters and blanks. Each block gives two bit masks ([`block_masks`]): the bytes
/// to look at more closely ([`LOOK`]), taken in order by [`look_at`] as the bytewise test
/// does, and the letters, digits and `+` ([`RUN`]). A line with 20 of those in a row (which
/// may be an entropy segment) is left to the bytewise test.
fn output_may_redact(text: &str) -> bool {
    let b = text.as_bytes();
    let (mut scheme, mut at) = (false, false);
    // Letters, digits and `+` in a row up to the block's end, and the first byte not yet
    // passed (`…` is passed whole).
    let (mut carry, mut next) = (0u32, 0usize);
    for (k, chunk) in b.chunks(64).enumerate() {
        let base = k * 64;
        if chunk.len() < 32 {
            // A short line or the short end of one: a byte at a time costs less than the
            // masks (from the start of the run that reaches into it, as below).
            return may_redact_from(b, (base - carry as usize).max(next), scheme, at);
        }
        let (mut look, run) = if let Ok(block) = <&[u8; 64]>::try_from(chunk) {
            block_masks(block)
        } else {
            // The last, short block, padded with letters (neither LOOK nor the end of a run
            // matters past the line: the masks are cut at its end).
            let mut block = [b'x'; 64];
            block[..chunk.len()].copy_from_slice(chunk);
            let keep = (1u64 << chunk.len()) - 1;
            let (look, run) = block_masks(&block);
            (look & keep, run & keep)
        };
        let before = carry;
        if run_of_20(run, chunk.len() as u32, &mut carry) {
            // The rest of the line a byte at a time, from the start of the run (what came
            // before it is done; a `…` just before the block is passed whole).
            return may_redact_from(b, (base - before as usize).max(next), scheme, at);
        }
        while look != 0 {
            let i = base + look.trailing_zeros() as usize;
            look &= look - 1;
            if i < next {
                continue;
            }
            match look_at(b, i, &mut scheme, &mut at) {
                Look::Hit => return true,
                Look::Pass(n) => next = i + n,
                Look::Nothing => {}
            }
        }
    }
    scheme && at
}

/// Does a run of 20 or more set bits end in the block `m` of `n` bits (`n` ≤ 64, the bits
/// above `n` clear), `carry` being the set bits in a row that ended the blocks before it?
/// `carry` becomes the set bits in a row that end this block.
fn run_of_20(m: u64, n: u32, carry: &mut u32) -> bool {
    let lead = m.trailing_ones();
    if *carry + lead >= 20 {
        return true;
    }
    if lead >= n {
        *carry += n;
        return false;
    }
    // Bit i of `a8` is set when bits i..i+16 are, of `a4` when bits i..i+8 are.
    let a1 = m & (m >> 1);
    let a2 = a1 & (a1 >> 2);
    let a4 = a2 & (a2 >> 4);
    let a8 = a4 & (a4 >> 8);
    if a8 & (a4 >> 12) != 0 {
        return true;
    }
    *carry = (m << (64 - n)).leading_ones();
    false
}

/// The [`LOOK`] and [`RUN`] bytes of a block of 64, as bit masks (bit `i` for byte `i`).
#[cfg(target_arch = "x86_64")]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8,
    };
    let (mut look, mut run) = (0u64, 0u64);
    for q in 0..4 {
        // SAFETY: SSE2 is part of every x86-64 processor (the target's baseline features), and
        // the unaligned load reads bytes 16q..16q+16 of the 64-byte block.
        let (l, r) = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(q * 16).cast::<__m128i>());
            let eq = |c: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8));
            // ASCII letters in lower case (no other byte becomes one by setting 0x20).
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let folded_eq = |c: u8| _mm_cmpeq_epi8(folded, _mm_set1_epi8(c as i8));
            // `lo <= x <= hi`, unsigned: moved so that `lo` is the least signed byte.
            let within = |x: __m128i, lo: u8, hi: u8| {
                let shifted = _mm_add_epi8(x, _mm_set1_epi8(0x80u8.wrapping_sub(lo) as i8));
                _mm_cmplt_epi8(shifted, _mm_set1_epi8((hi - lo + 1) as i8 ^ i8::MIN))
            };
            // Signed, below 0x20 is every C0 control and every byte from 0x80.
            let look = _mm_or_si128(
                _mm_or_si128(
                    _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20)), eq(0x7f)),
                    _mm_or_si128(eq(b'A'), folded_eq(b'b')),
                ),
                _mm_or_si128(
                    _mm_or_si128(folded_eq(b'j'), eq(b'-')),
                    _mm_or_si128(_mm_or_si128(eq(b'#'), eq(b':')), eq(b'@')),
                ),
            );
            let run = _mm_or_si128(
                _mm_or_si128(within(folded, b'a', b'z'), within(v, b'0', b'9')),
                eq(b'+'),
            );
            (_mm_movemask_epi8(look), _mm_movemask_epi8(run))
        };
        look |= u64::from(l as u16) << (16 * q);
        run |= u64::from(r as u16) << (16 * q);
    }
    (look, run)
}

/// The [`LOOK`] and [`RUN`] bytes of a block of 64, as bit masks (bit `i` for byte `i`).
#[cfg(not(target_arch = "x86_64"))]
fn block_masks(block: &[u8; 64]) -> (u64, u64) {
    block_masks_bytewise(block)
}

/// [`block_masks`] from the table, a byte at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn block_masks_bytewise(block: &[u8; 64]) -> (u64, u64) {
    table_masks(block, &OUTPUT_BYTE, LOOK, RUN)
}

/// What a [`LOOK`] byte says to [`output_may_redact`].
enum Look {
    /// The line may need cleaning.
    Hit,
    /// Nothing here; the next `n` bytes are passed (atlcheck's own `…`).
    Pass(usize),
    Nothing,
}

/// The closer look at the [`LOOK`] byte `b[i]`; `scheme` and `at` record a `://` and an `@`
/// (both: a URL's user information may follow).
fn look_at(b: &[u8], i: usize, scheme: &mut bool, at: &mut bool) -> Look {
    const ELLIPSIS: &[u8] = "…".as_bytes();
    let c = b[i];
    let rest = &b[i..];
    let starts_ci = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
    let hit = match c {
        // Only atlcheck's own `…` (masks, cut frames) is known harmless: any other
        // non-ASCII text may be a control, a bidi override, or a letter that `(?i)`
        // folds onto ASCII (`ſ`, the Kelvin sign).
        0x80.. => {
            if rest.starts_with(ELLIPSIS) {
                return Look::Pass(ELLIPSIS.len());
            }
            true
        }
        // ATATT3, ATCTT3, ATOA, ATBB.
        b'A' => [&b"ATATT3"[..], b"ATCTT3", b"ATOA", b"ATBB"]
            .iter()
            .any(|p| rest.starts_with(p)),
        b'b' | b'B' => starts_ci(b"basic") || starts_ci(b"bearer"),
        b'j' | b'J' => starts_ci(b"jwt"),
        // `-u` or `--user`, then a blank or `=` (`(?:\s+|=)`; a non-ASCII blank is
        // looked at on its own): not `direct-site-url`.
        b'-' => {
            let flag_end = |at: usize| {
                rest.get(at)
                    .is_some_and(|c| !c.is_ascii_graphic() || *c == b'=')
            };
            (rest.get(1) == Some(&b'u') && flag_end(2))
                || (rest.starts_with(b"-user") && flag_end(5))
        }
        // `##[`, `##vso[` (in any case).
        b'#' => rest.starts_with(b"##"),
        b':' => {
            *scheme |= rest.starts_with(b"://");
            false
        }
        b'@' => {
            *at = true;
            false
        }
        // Controls (tab aside), DEL.
        _ => c != b'\t',
    };
    if hit { Look::Hit } else { Look::Nothing }
}

/// [`output_may_redact`], a byte at a time: what it stands for (its tests compare the two);
/// it asks [`may_redact_from`] about the rest of a line that holds 20 letters, digits or `+`
/// in a row.
#[cfg(test)]
fn output_may_redact_bytewise(text: &str) -> bool {
    may_redact_from(text.as_bytes(), 0, false, false)
}

/// The bytewise test of `b` from `i`, the start of a line or of a run of
/// letters, digits or `+` (not inside a `…`), with what was seen of `://` and `@` before it.
fn may_redact_from(b: &[u8], mut i: usize, mut scheme: bool, mut at: bool) -> bool {
    let (mut run, mut classes) = (0usize, 0u8);
    while i < b.len() {
        let c = b[i];
        let class = OUTPUT_BYTE[c as usize];
        if class & RUN != 0 {
            // An entropy segment at the sink is 20 letters, digits or `+` in a row with a
            // digit, an upper- and a lower-case letter (`three_classes`): a run without all
            // three (`primaryLocationLineHash`) cannot hold one.
            run += 1;
            classes |= class;
            if run >= 20 && classes & CLASSES == CLASSES {
                return true;
            }
        } else {
            run = 0;
            classes = 0;
        }
        if class & LOOK == 0 {
            i += 1;
            continue;
        }
        match look_at(b, i, &mut scheme, &mut at) {
            Look::Hit => return true,
            Look::Pass(n) => i += n,
            Look::Nothing => i += 1,
        }
    }
    scheme && at
}

/// [`OUTPUT_BYTE`]: a letter, digit or `+` (an entropy segment's characters).
const RUN: u8 = 1;
/// [`OUTPUT_BYTE`]: a byte [`output_needs_scrub`] looks at more closely.
const LOOK: u8 = 2;
/// [`OUTPUT_BYTE`]: a digit, an upper-case and a lower-case letter (all three: [`CLASSES`]).
const DIGIT: u8 = 4;
const UPPER: u8 = 8;
const LOWER: u8 = 16;
const CLASSES: u8 = DIGIT | UPPER | LOWER;

/// What each byte means to [`output_needs_scrub`] (a table: the test runs on every line of
/// output).
static OUTPUT_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || b == b'+' {
            t[c] |= RUN;
        }
        if b.is_ascii_digit() {
            t[c] |= DIGIT;
        } else if b.is_ascii_uppercase() {
            t[c] |= UPPER;
        } else if b.is_ascii_lowercase() {
            t[c] |= LOWER;
        }
        if b < 0x20
            || b >= 0x7f
            || matches!(
                b,
                b'A' | b'b' | b'B' | b'j' | b'J' | b'-' | b'#' | b':' | b'@'
            )
        {
            t[c] |= LOOK;
        }
        c += 1;
    }
    t
};

/// `n` letters, digits or `+` in a row.
fn has_alnum_run(b: &[u8], n: usize) -> bool {
    let mut run = 0;
    b.iter().any(|&c| {
        if c.is_ascii_alphanumeric() || c == b'+' {
            run += 1;
        } else {
            run = 0;
        }
        run >= n
    })
}

/// Is `b` ASCII but for `…` characters?
fn ascii_but_ellipsis(b: &[u8]) -> bool {
    const ELLIPSIS: &[u8] = "…".as_bytes();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|c| !c.is_ascii()) {
        i += off;
        if !b[i..].starts_with(ELLIPSIS) {
            return false;
        }
        i += ELLIPSIS.len();
    }
    true
}

/// Does `b` hold `word` (lower-case ASCII) in any ASCII letter case?
/// Does `b` hold `word` (ASCII letters) in any case? Only where its first letter is.
fn contains_ci(b: &[u8], word: &[u8]) -> bool {
    let Some(&first) = word.first() else {
        return true;
    };
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), b)
        .any(|i| b[i..].len() >= word.len() && b[i..i + word.len()].eq_ignore_ascii_case(word))
}

fn memchr_pair(b: &[u8], x: u8, y: u8) -> bool {
    memchr::memchr_iter(x, b).any(|i| b.get(i + 1) == Some(&y))
}

/// Documentation's stand-ins (`--user email:token`, `-u id:secret`, `[api-token]`), not secrets.
fn placeholder_word(v: &str) -> bool {
    let w = v
        .trim_end_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_ascii_lowercase();
    v.starts_with(['[', '<', '.', '*'])
        || w.contains("your")
        || w.contains("example")
        || matches!(
            w.as_str(),
            "token"
                | "secret"
                | "password"
                | "pass"
                | "passwd"
                | "pwd"
                | "apitoken"
                | "api-token"
                | "api_token"
                | "apikey"
                | "api-key"
                | "api_key"
                | "key"
                | "credential"
                | "client-secret"
                | "client_secret"
        )
}

fn three_classes(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
}

/// Index of the `key = value` pattern, which only applies to source text: in atlcheck's own
/// sentences ("credential: Atlassian answers 401") it would mask prose.
const KEY_VALUE_PATTERN: usize = 4;
/// Index of the random-looking run pattern.
const ENTROPY_PATTERN: usize = 5;
/// The patterns whose named group is the whole match (`tests::whole_match_groups_are_whole`).
const WHOLE_MATCH_GROUPS: [(usize, &str); 2] = [(0, "secret"), (ENTROPY_PATTERN, "entropy")];
/// Index of the `Basic|Bearer|JWT value` pattern.
const BASIC_PATTERN: usize = 1;
/// Indexes of the patterns that, like `key = value`, only apply to source text and user input
/// (a quoted email then a quoted value; a quoted value after a secret's key): quoted secrets
/// with spaces, which the word-bounded patterns cut at the first space (issue 12, class 2).
const SOURCE_ONLY_PATTERNS: [usize; 3] = [8, 9, 10];

/// Byte ranges of `text` that [`redact_text`] would mask.
pub fn secret_ranges(text: &str) -> Vec<Range<usize>> {
    ranges(text, Mode::Source)
}

/// What kind of text is being redacted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Source lines and user input: every pattern.
    Source,
    /// atlcheck's own sentences: no `key: value` pattern.
    Message,
    /// Whole lines of output at the sink (JSON keys, SARIF help): also a random-looking run
    /// must mix three character classes, so `defaultConfiguration` stays readable.
    Output,
}

fn ranges(text: &str, mode: Mode) -> Vec<Range<usize>> {
    ranges_with(text, mode, true)
}

/// [`ranges`]; without `prefilter` every pattern runs (the prefilters' test compares).
fn ranges_with(text: &str, mode: Mode, prefilter: bool) -> Vec<Range<usize>> {
    let source = mode == Mode::Source;
    // A short text (a message, a line of output) is read once for every pattern's test.
    let short = (prefilter && text.len() <= SHORT_TEXT).then(|| may_match_all(text.as_bytes()));
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (i, re) in redaction_patterns().iter().enumerate() {
        if (i == KEY_VALUE_PATTERN || SOURCE_ONLY_PATTERNS.contains(&i)) && !source {
            continue;
        }
        if prefilter && !may_match_short(&short, i, text) {
            continue;
        }
        // At the sink a random-looking run counts only as a segment of 20 letters, digits
        // or `+` (below): without one, the pattern cannot add a range.
        if i == ENTROPY_PATTERN && mode == Mode::Output && !has_alnum_run(text.as_bytes(), 20) {
            continue;
        }
        // A pattern whose group is its whole match is searched without captures: on a file of
        // 200,000 tokens a capture pass per match cost more than the search (issue 12, class 5).
        // The `key = value` patterns' group is read off the whole match where it is forced
        // (both match each `TOKEN="…"`: 220,000 capture passes on a legacy-token file).
        let found: Box<dyn Iterator<Item = (&str, Range<usize>)>> =
            match WHOLE_MATCH_GROUPS.iter().find(|(p, _)| *p == i) {
                // The random-looking run pattern over ASCII text: the same matches, found by
                // a scan ([`entropy_runs`]) instead of a forward and a reverse search per run
                // (a line of 220,000 tokens; a file of 220,000 lines, masked one by one).
                Some(_) if i == ENTROPY_PATTERN && text.is_ascii() => {
                    Box::new(entropy_runs(text.as_bytes()).map(|r| ("entropy", r)))
                }
                Some(&(_, group)) => Box::new(re.find_iter(text).map(move |m| (group, m.range()))),
                None if DERIVED_GROUPS.contains(&i) => Box::new(derived_matches(i, re, text)),
                None => Box::new(group_matches(re, text)),
            };
        for (group, m) in found {
            if group == "secret" {
                // Variables and placeholders are not secrets.
                let v = &text[m.clone()];
                if v.starts_with('$')
                    || v.starts_with('{')
                    || v.starts_with('<')
                    || v.starts_with('%')
                {
                    continue;
                }
                // `basic jane@acme.com:…` names the Basic user: base64 has no `@`.
                if i == BASIC_PATTERN && text[m.end..].starts_with('@') {
                    continue;
                }
                // In atlcheck's own sentences, "Basic authentication" is prose; `-u user:x`
                // and `https://user:x@` name a secret whatever it looks like.
                if !source && i == BASIC_PATTERN && v.len() < 20 && !looks_random(v) {
                    continue;
                }
                if !source && placeholder_word(v) {
                    continue;
                }
                ranges.push(m);
            } else {
                let v = &text[m.clone()];
                if !v.contains('/') && mode != Mode::Output {
                    if looks_random(v) && !uuid_shaped(v) && !part_of_email(text, m.clone()) {
                        ranges.push(m);
                    }
                    continue;
                }
                // A path (`deploy/<24-char token>/run.sh`): a segment that is random in
                // three character classes (letters and digits only) is a secret;
                // `rules/AT101-person-owned-credential.toml` is not.
                // At the sink, `-` and `_` separate words too (`1001.0.0-SNAPSHOT-5f3c…`).
                let seps: &[char] = if mode == Mode::Output {
                    &['/', '-', '_']
                } else {
                    &['/']
                };
                let mut start = m.start;
                for seg in v.split(seps) {
                    let r = start..start + seg.len();
                    start = r.end + 1;
                    let seg = seg.trim_end_matches('=');
                    let r = r.start..r.start + seg.len();
                    if seg.len() >= 20
                        && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'+')
                        && three_classes(seg)
                        && looks_random(seg)
                        && !uuid_shaped(seg)
                        && !part_of_email(text, r.clone())
                    {
                        ranges.push(r);
                    }
                }
            }
        }
    }
    // One look at the shown client IDs for all the ranges (a line may hold 400,000).
    let ids = PUBLIC_IDS.read().unwrap_or_else(|e| e.into_inner());
    if !ids.is_empty() {
        ranges.retain(|r| !ids.iter().any(|x| x == &text[r.clone()]));
    }
    drop(ids);
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The matches of the random-looking run pattern (`\b[A-Za-z0-9+/_\-]{20,}={0,2}`, pattern
/// [`ENTROPY_PATTERN`]) in ASCII text `t`, as `find_iter` finds them: from where the last match
/// ended, the leftmost position that is a word boundary (the byte before it and it differ in
/// being a word character, `[A-Za-z0-9_]`; the text's start counts as a non-word character)
/// and starts 20 or more of the run's characters, taken to the run's end, then up to two `=`.
/// `tests::entropy_runs_are_the_pattern_matches` compares the two.
fn entropy_runs(t: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let class = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'-');
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut p = at;
        while p < t.len() {
            if !class(t[p]) {
                p += 1;
                continue;
            }
            // The run of the pattern's characters from `p`.
            let end = p + t[p..].iter().take_while(|&&c| class(c)).count();
            let boundary = |q: usize| (q > 0 && word(t[q - 1])) != word(t[q]);
            if let Some(start) = (p..end.saturating_sub(19)).find(|&q| boundary(q)) {
                let eq = t[end..].iter().take(2).take_while(|&&c| c == b'=').count();
                at = end + eq;
                return Some(start..end + eq);
            }
            p = end;
        }
        at = t.len();
        None
    })
}

/// The patterns whose `secret` group [`derived_group`] reads off the whole match: `key =
/// value`, `key = "…"`, `key = '…'` (`tests::derived_groups_are_what_captures_find`).
const DERIVED_GROUPS: [usize; 3] = [KEY_VALUE_PATTERN, 9, 10];

/// The `secret` group of a match `m` of pattern `i` of [`DERIVED_GROUPS`], relative to `m`,
/// when the pattern's shape forces it; `None` when it must be captured.
///
/// - `key = "…"` / `key = '…'` end with the quote, and the group (no quote in it) runs from
///   the quote before it: the last such quote in the match.
/// - `key = value`: the group is the match's tail of characters outside
///   `\s"'`,;)]}`. The characters of the match outside that class are the key's quote,
///   spaces and the value's quote. When the last of them is a quote not followed by `:` or
///   `=`, it is the value's quote (after the key's quote come spaces, which are outside the
///   class, or the separator) and the group is all that follows it. Otherwise (`token=x…`,
///   `token: x…`, `token":x…`) the parse is left to the capture engine.
fn derived_group(i: usize, m: &str) -> Option<Range<usize>> {
    let b = m.as_bytes();
    let quote = match i {
        9 => b'"',
        10 => b'\'',
        KEY_VALUE_PATTERN => {
            let outside = |c: u8| {
                matches!(
                    c,
                    b'\t'
                        | b'\n'
                        | 0x0B
                        | 0x0C
                        | b'\r'
                        | b' '
                        | b'"'
                        | b'\''
                        | b'`'
                        | b','
                        | b';'
                        | b')'
                        | b']'
                        | b'}'
                )
            };
            let q = b.iter().rposition(|&c| outside(c))?;
            return (matches!(b[q], b'"' | b'\'' | b'`')
                && b.get(q + 1).is_some_and(|&c| c != b':' && c != b'='))
            .then_some(q + 1..b.len());
        }
        _ => return None,
    };
    let end = b.len().checked_sub(1)?;
    if b[end] != quote {
        return None;
    }
    let open = b[..end].iter().rposition(|&c| c == quote)?;
    Some(open + 1..end)
}

/// The matches of pattern `i` of [`DERIVED_GROUPS`] with the range of their `secret` group:
/// what [`group_matches`] finds, with a capture pass only where [`derived_group`] cannot tell.
fn derived_matches<'a>(
    i: usize,
    re: &'a Regex,
    text: &'a str,
) -> impl Iterator<Item = (&'static str, Range<usize>)> + 'a {
    let secret = re.capture_names().position(|n| n == Some("secret"));
    let mut slots = re.capture_locations();
    re.find_iter(text).map(move |m| {
        if let Some(r) = derived_group(i, m.as_str()) {
            return ("secret", m.start() + r.start..m.start() + r.end);
        }
        // The search from the match's start finds the same match (leftmost-first, no
        // look-around before it in these patterns); if the group were ever missing, the whole
        // match is masked: never less than the captures would mask.
        let found = re.captures_read_at(&mut slots, text, m.start());
        let group = secret.and_then(|g| slots.get(g)).map(|(a, b)| a..b);
        match (found, group) {
            (Some(f), Some(g)) if f.range() == m.range() => ("secret", g),
            _ => ("secret", m.range()),
        }
    })
}

/// Each match of `re` in `text` (as `captures_iter` finds them), with the range of its
/// `secret` group, or else of its `entropy` group; one set of capture slots serves every
/// match (`captures_iter` allocates a set per match: a file of 200,000 `TOKEN="…"` lines
/// has as many; issue 12, class 5).
fn group_matches<'a>(
    re: &'a Regex,
    text: &'a str,
) -> impl Iterator<Item = (&'static str, Range<usize>)> + 'a {
    let index = |name: &str| re.capture_names().position(|n| n == Some(name));
    let (secret, entropy) = (index("secret"), index("entropy"));
    let mut slots = re.capture_locations();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at <= text.len() {
            let m = re.captures_read_at(&mut slots, text, at)?;
            // (No pattern matches empty text; if one did, the search moves on a character.)
            at = if m.end() > m.start() {
                m.end()
            } else {
                text[m.end()..]
                    .chars()
                    .next()
                    .map_or(text.len() + 1, |c| m.end() + c.len_utf8())
            };
            let group = |g: Option<usize>| g.and_then(|g| slots.get(g)).map(|(a, b)| a..b);
            if let Some(r) = group(secret) {
                return Some(("secret", r));
            }
            if let Some(r) = group(entropy) {
                return Some(("entropy", r));
            }
        }
        None
    })
}

/// A path or other user-supplied value placed into a line of output: secrets masked
/// ([`redact_text`]) and control characters escaped so it stays one line
/// ([`crate::output::sink::one_line`]).
pub fn safe_text(text: &str) -> String {
    crate::output::sink::one_line(&redact_text(text)).into_owned()
}

/// A sentence atlcheck wrote that may quote user input: [`redact_message`], one line.
pub fn safe_message(text: &str) -> String {
    safe_message_cow(text).into_owned()
}

/// [`safe_message`], borrowing `text` when it needs nothing (most messages: the lint engine
/// makes one per finding, and copied it twice before keeping it).
pub fn safe_message_cow(text: &str) -> Cow<'_, str> {
    let found = ranges(text, Mode::Message);
    if found.is_empty() {
        return crate::output::sink::one_line(text);
    }
    Cow::Owned(crate::output::sink::one_line(&apply(text, &found).0).into_owned())
}

/// Mask every secret-looking value in `text` (source lines, user input in errors).
pub fn redact_text(text: &str) -> String {
    redact_with_map(text).0
}

/// Mask secret-looking values in a sentence atlcheck wrote itself: tokens, header values
/// and random-looking runs, but not `word: word` prose.
pub fn redact_message(text: &str) -> String {
    apply(text, &ranges(text, Mode::Message)).0
}

/// Mask every secret-looking value and return a function from original byte offsets to
/// offsets in the redacted string (for placing carets under a masked line).
pub fn redact_with_map(text: &str) -> (String, impl Fn(usize) -> usize) {
    let (out, edits) = redact_with_edits(text);
    (out, move |off| edits.map(off))
}

/// [`redact_with_map`] with the offset map as a value that can be kept (the lint engine masks
/// each line once and cuts every frame on it from the one masked copy).
pub fn redact_with_edits(text: &str) -> (String, Edits) {
    apply(text, &secret_ranges(text))
}

/// Where masking moved text: each masked range of the original and the length of its mask.
#[derive(Debug, Clone, Default)]
pub struct Edits {
    /// (masked range of the original, length of the mask, total length change up to and
    /// including this edit), in order.
    edits: Vec<(Range<usize>, usize, isize)>,
}

impl Edits {
    /// The offset in the masked text of original offset `off`; an offset inside a masked
    /// value maps to the start of its mask. Binary search: a line with many masked values
    /// and many findings costs time linear in their number, not their product.
    pub fn map(&self, off: usize) -> usize {
        // Edits that end at or before `off` have moved it.
        let done = self.edits.partition_point(|(r, _, _)| r.end <= off);
        let delta = if done == 0 { 0 } else { self.edits[done - 1].2 };
        if let Some((r, _, _)) = self.edits.get(done)
            && off > r.start
        {
            // Inside a masked value: point at its start.
            return (r.start as isize + delta) as usize;
        }
        (off as isize + delta) as usize
    }
}

fn apply(text: &str, ranges: &[Range<usize>]) -> (String, Edits) {
    let mut out = String::with_capacity(text.len());
    let mut edits = Edits {
        edits: Vec::with_capacity(ranges.len()),
    };
    let mut last = 0;
    let mut delta: isize = 0;
    for r in ranges {
        out.push_str(&text[last..r.start]);
        let start_new = out.len();
        out.push_str(&mask(&text[r.clone()]));
        let new_len = out.len() - start_new;
        delta += new_len as isize - r.len() as isize;
        edits.edits.push((r.clone(), new_len, delta));
        last = r.end;
    }
    out.push_str(&text[last..]);
    (out, edits)
}

/// Install a panic hook that prints a short message without the payload's secrets.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        crate::errln!(
            "atlcheck: internal error{location}: {}\nThis is a bug; please report it with the command you ran (secrets are masked above).",
            crate::output::sink::one_line(&redact_text(&payload))
        );
    }));
}

#[cfg(test)]
mod tests {
    #[test]
    fn tabled_entropy_is_bit_for_bit_the_computed_one() {
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        for len in 1..=TABLED + 8 {
            for _ in 0..40 {
                let s: String = (0..len)
                    .map(|_| {
                        [
                            'a', 'A', 'b', 'B', '0', '1', '2', '3', 'x', 'y', 'z', 'X', 'Y', 'Z',
                            '-', '_', 'é', '…', '\u{7f}', '\0',
                        ][(next() % 20) as usize]
                    })
                    .collect();
                let len = s.len();
                let mut counts = [0u32; 256];
                s.bytes().for_each(|b| counts[b as usize] += 1);
                let direct: f64 = counts
                    .iter()
                    .filter(|&&c| c > 0)
                    .map(|&c| entropy_term(c, len as u32))
                    .sum();
                assert_eq!(entropy(&s).to_bits(), direct.to_bits(), "{s:?}");
            }
        }
    }

    use super::*;

    #[test]
    fn mask_keeps_six_and_four() {
        assert_eq!(mask("ATATT3xFfGF0abcdefghijklmnop=12345678"), "ATATT3…5678");
        assert_eq!(mask("short-secret"), "****");
    }

    #[test]
    fn debug_and_display_are_masked() {
        let s = Secret::new("ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz=0A1B2C3D");
        assert_eq!(format!("{s:?}"), "Secret(ATATT3…2C3D)");
        assert_eq!(format!("{s}"), "ATATT3…2C3D");
    }

    #[test]
    fn redacts_known_shapes() {
        let line = r#"curl -u jane@acme.com:s3cr3tPassw0rdValue -H "Authorization: Basic amFuZUBhY21lLmNvbTp0b2tlbg==" x"#;
        let out = redact_text(line);
        assert!(!out.contains("s3cr3tPassw0rdValue"), "{out}");
        assert!(!out.contains("amFuZUBhY21lLmNvbTp0b2tlbg=="), "{out}");
        assert!(out.contains("jane@acme.com"));
        let url = "https://jane@acme.com:Xk93jfLq0Pz7Rm2Tb8Wc4Yd1@acme.atlassian.net/rest";
        assert!(!redact_text(url).contains("Xk93jfLq0Pz7Rm2Tb8Wc4Yd1"));
    }

    /// The sink lets a line through untouched when [`output_needs_scrub`] says so: that must
    /// never skip a line the full cleaning would change. Random lines built from the pieces
    /// each pattern, escape and defusing rule starts from (capped: a unit test, not a fuzzer).
    #[test]
    fn mask_of_ascii_counts_bytes_as_characters() {
        let s = "aB3dE5gH7jK9mN1pQ3rS5tU7-_=+/xyz";
        for n in 0..=s.len() {
            assert_eq!(mask(&s[..n]), mask_chars(&s[..n]), "{n}");
        }
        assert_eq!(mask("ATATT3xFfGF0é123456789abcdeF"), "ATATT3…cdeF");
    }

    #[test]
    fn pattern_prefilters_are_sound() {
        // `may_match(i, t)` false must mean pattern `i` cannot match `t`: random lines of
        // pieces that start, fold onto or break each pattern's words.
        const PIECES: &[&str] = &[
            "basic",
            "BASIC",
            "baſic",
            "Bearer",
            "beareR",
            "jwt",
            "JWT",
            "b",
            "j",
            " ",
            "\t",
            "…",
            "é",
            "ſ",
            "\u{212a}",
            "ATATT3",
            "AT",
            "-u",
            "--user=",
            "://",
            "@",
            ":",
            "x",
            "Xk93jfLq0Pz7Rm2Tb8Wc",
            "abcdefgh",
            "12345678",
            "=",
            "/",
            "+",
            "aB3dE5gH7jK9",
            "_",
            "-",
            "Q7xZ/",
            "/_edge/tenant_info",
            "==",
            "token=",
            "https://u:",
            ",",
            "\"",
            "'",
            "a@b.co\", \"",
        ];
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let mut skipped = 0;
        for _ in 0..3000 {
            let n = 1 + (next() % 10) as usize;
            let line: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let all = may_match_all(line.as_bytes());
            for (i, re) in redaction_patterns().iter().enumerate() {
                assert_eq!(all & (1 << i) != 0, may_match(i, &line), "{i} {line:?}");
                if !may_match(i, &line) {
                    skipped += 1;
                    // The entropy pattern may match where nothing is masked (a run across
                    // `/`): the masked ranges are compared below.
                    assert!(
                        i == ENTROPY_PATTERN || !re.is_match(&line),
                        "pattern {i} on {line:?}"
                    );
                }
            }
            for mode in [Mode::Source, Mode::Message, Mode::Output] {
                assert_eq!(
                    ranges_with(&line, mode, true),
                    ranges_with(&line, mode, false),
                    "{line:?}"
                );
            }
        }
        assert!(skipped > 3000, "{skipped}");
        assert!(may_match(BASIC_PATTERN, "baſic abcdefgh12"));
        assert!(!may_match(BASIC_PATTERN, "API client base URL set to …jwx"));
    }

    #[test]
    fn prefilter_masks_are_the_table() {
        let mut next = crate::testing::xorshift(0x5851_f42d_4c95_7f2d);
        for _ in 0..2000 {
            let mut block = [0u8; 64];
            block.iter_mut().for_each(|b| *b = next() as u8);
            assert_eq!(
                prefilter_masks(&block),
                prefilter_masks_bytewise(&block),
                "{block:?}"
            );
        }
    }

    #[test]
    fn entropy_runs_are_the_pattern_matches() {
        let re = &redaction_patterns()[ENTROPY_PATTERN];
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "7",
            "_",
            "+",
            "/",
            "-",
            "=",
            "==",
            "===",
            " ",
            "\"",
            ".",
            ":",
            "@",
            "aB3dE5gH7jK9mN1pQ3sT",
            "abcdefghij",
            "0123456789",
            "+/+/+/+/+/",
            "-_-_-_-_-_",
            "Xk93jfLq0P",
            "=\n",
            "\t",
            "/x/",
            "ATATT3xFfGF0",
        ];
        let mut next = crate::testing::xorshift(0x2d35_8dcc_aa6c_78a5);
        let mut found = 0;
        for round in 0..4000 {
            let n = (next() % if round % 2 == 0 { 8 } else { 40 }) as usize;
            let line: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let want: Vec<_> = re.find_iter(&line).map(|m| m.range()).collect();
            let got: Vec<_> = entropy_runs(line.as_bytes()).collect();
            assert_eq!(got, want, "{line:?}");
            found += want.len();
        }
        assert!(found > 2000, "{found}");
    }

    #[test]
    fn uuid_shapes() {
        assert!(uuid_shaped("35273b54-3f06-40d2-880f-dd28cf8daafa"));
        assert!(uuid_shaped("35273B54-3F06-40D2-880F-DD28CF8DAAFX"));
        for s in [
            "35273b54-3f06-40d2-880f-dd28cf8daafa-",
            "35273b54-3f06-40d2-880f-dd28cf8daafa-x",
            "35273b54-3f06-40d2-880f",
            "35273b54-3f06-40d2-880f-dd28cf8daaf",
            "35273b5-43f06-40d2-880f-dd28cf8daafa",
            "35273b54-3f06-40d2-880f-dd28cf8daa_a",
            "35273b54_3f06-40d2-880f-dd28cf8daafa",
            "",
        ] {
            assert!(!uuid_shaped(s), "{s}");
        }
    }

    #[test]
    fn output_prefilter_by_blocks() {
        // The masks of a block, for every byte value at every position.
        let mut next = crate::testing::xorshift(0x0123_4567_89ab_cdef);
        for _ in 0..2000 {
            let mut block = [0u8; 64];
            block.iter_mut().for_each(|b| *b = next() as u8);
            assert_eq!(
                block_masks(&block),
                block_masks_bytewise(&block),
                "{block:?}"
            );
        }
        // Lines of many blocks: the same answer as the bytewise test. Pieces that start,
        // end or break runs of letters and digits, and every kind of byte it looks at.
        const PIECES: &[&str] = &[
            "a",
            "Z",
            "7",
            "+",
            "x",
            "abcdefghij",
            "K9",
            "Xk93jfLq0P",
            " ",
            "-",
            "_",
            "/",
            ".",
            "…",
            "A",
            "AT",
            "ATATT3",
            "ATBB",
            "ATOA",
            "b",
            "basic",
            "Bearer",
            "jwT",
            "-u ",
            "-u",
            "--user=",
            "--user",
            "#",
            "##",
            "://",
            ":",
            "@",
            "\t",
            "\u{1b}",
            "\u{7f}",
            "é",
            "\u{85}",
            "\u{2028}",
            "=",
            "\"",
            "primaryLocationLineHash",
            "354e729edd9fb633",
        ];
        let (mut yes, mut no) = (0, 0);
        for round in 0..6000 {
            let n = (next() % if round % 2 == 0 { 12 } else { 90 }) as usize;
            let line: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            let want = output_may_redact_bytewise(&line);
            assert_eq!(output_may_redact(&line), want, "{line:?}");
            // Indentation is passed over: the same answer as the whole line's.
            let indented = format!("{}{line}", ["", " ", "\t", "  \t    "][round % 4]);
            let command = indented.trim_start_matches([' ', '\t']).starts_with("::");
            assert_eq!(
                output_needs_scrub(&indented),
                command || output_may_redact_bytewise(&indented),
                "{indented:?}"
            );
            if want { yes += 1 } else { no += 1 }
        }
        assert!(yes > 500 && no > 500, "{yes} {no}");
        // Runs of every length across a block's edge, with and without the three classes.
        for pad in 0..70 {
            for len in 15..25 {
                for run in ["aB3", "abc", "ab+"] {
                    let line = format!(
                        "{} {} .",
                        "w ".repeat(pad / 2) + &"q".repeat(pad % 2),
                        &run.repeat(9)[..len]
                    );
                    assert_eq!(
                        output_may_redact(&line),
                        output_may_redact_bytewise(&line),
                        "{line:?}"
                    );
                }
            }
        }
        // What was seen before a long run counts after it: `://` before, `@` after.
        for pad in 0..140 {
            let line = format!("x://y{} {} z@", " ".repeat(pad), "primaryLocationLineHash");
            assert!(output_may_redact(&line), "{line:?}");
            let line = format!("x:/y{} {} z@", " ".repeat(pad), "primaryLocationLineHash");
            assert!(!output_may_redact(&line), "{line:?}");
        }
        assert!(output_may_redact(&format!(
            "{}x aB3dE5gH7jK9mN1pQ3sT y",
            " ".repeat(50)
        )));
        assert!(!output_may_redact(
            &"hard-coded legacy token 2Yw4aC…6NgI. ".repeat(9)
        ));
    }

    #[test]
    fn output_prefilter_is_sound() {
        const PIECES: &[&str] = &[
            "AT",
            "ATATT3",
            "ATBB",
            "ATOA",
            "basic ",
            "Bearer ",
            "JWT ",
            "bAsIc\t",
            "-u ",
            "--user=",
            "https://",
            "://",
            "@",
            ":",
            "::",
            "##[",
            "##vso[",
            "##VSO",
            "vso[",
            "[",
            "#",
            "\t",
            "\r",
            "\u{1b}[31m",
            "\u{7f}",
            "\u{85}",
            "\u{202e}",
            "…",
            "é",
            "ſ",
            "\u{212a}",
            "/",
            "-",
            "_",
            "=",
            " ",
            "+",
            "x",
            "Q",
            "7",
            "jane@acme.com",
            "a.b",
            "Xk93jfLq0Pz7Rm2Tb8Wc",
            "abcdefghij",
            "ABCDEFGHIJ",
            "0123456789",
            "primaryLocationLineHash",
            "354e729edd9fb633",
            "-url",
            "-u",
            "--user",
            "-uX",
            "user:Sx9Lm2Qp",
            "deploy/",
            "\"",
            "'",
        ];
        let mut next = crate::testing::xorshift(0x9e37_79b9_7f4a_7c15);
        let (mut passed, mut flagged) = (0, 0);
        for _ in 0..4000 {
            let n = 1 + (next() % 12) as usize;
            let line: String = (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            if !output_may_redact(&line) {
                // Also for a line that starts with `::` (a workflow command's values).
                assert!(ranges(&line, Mode::Output).is_empty(), "{line:?}");
                assert_eq!(scrub_output(&line), line, "{line:?}");
            }
            if output_needs_scrub(&line) {
                flagged += 1;
                continue;
            }
            passed += 1;
            assert!(ranges(&line, Mode::Output).is_empty(), "{line:?}");
            assert_eq!(
                crate::output::sink::clean_line(&line, false),
                line,
                "{line:?}"
            );
        }
        assert!(
            passed > 200 && flagged > 200,
            "{passed} passed, {flagged} flagged"
        );
        for line in [
            "x ATATT3xFfGF0abcdefgh",
            "Authorization: Bearer abcdefgh12345678",
            "curl -u me:pw",
            "https://me:pw1234@acme.atlassian.net",
            "deploy/aB3dE5gH7jK9mN1pQ3sT/run.sh",
            "  ::error::x",
            "a ##[error]",
            "bell\u{7}",
            "bidi \u{202e}",
            "curl --user me:pw1234",
            "curl -u\tme:pw1234",
            "x aB3dE5gH7jK9mN1pQ3sT y",
        ] {
            assert!(output_needs_scrub(line), "{line:?}");
        }
        // Lines every SARIF and JUnit finding writes: no secret can be in them.
        for line in [
            "            \"primaryLocationLineHash\": \"354e729edd9fb633:1\"",
            "    <testcase name=\"AT201 direct-site-url at 1:1\" classname=\"a.sh\">",
        ] {
            assert!(!output_needs_scrub(line), "{line:?}");
        }
        assert!(!output_needs_scrub(
            "src/a.sh:1:5: AT201 [error] Jira REST call to https://acme.atlassian.net/rest/api/3/myself …"
        ));
    }

    #[test]
    fn group_matches_are_what_captures_iter_finds() {
        let text = "curl -u me:pw1234 -H 'Authorization: Basic YWJjZGVmZ2hpams=' https://u:pass1234@x.io token = \"a b c d e f g h\" password='xyz xyz xyz' \"jane@acme.com\", \"s3cret-pw\" x_ATATT3xFfGF0aB3dE5gH7jK9mN1pQ3sT= é aB3dE5gH7jK9mN1pQ3sT5vW7 --user=\"a:b c d\" bearer abcdefgh12345678";
        for re in redaction_patterns() {
            let by_iter: Vec<(&str, Range<usize>)> = re
                .captures_iter(text)
                .filter_map(|c| {
                    c.name("secret")
                        .map(|m| ("secret", m.range()))
                        .or_else(|| c.name("entropy").map(|m| ("entropy", m.range())))
                })
                .collect();
            let by_slots: Vec<_> = group_matches(re, text).collect();
            assert_eq!(by_slots, by_iter, "{}", re.as_str());
        }
    }

    #[test]
    fn derived_groups_are_what_captures_find() {
        // Random text built from the pieces the `key = value` patterns turn on, and the
        // legacy-token benchmark's shape: the group read off each match is the captured one.
        let pieces = [
            "token",
            "TOKEN",
            "Password",
            "secret",
            "api_key",
            "JIRA_",
            "_x",
            "-",
            "\"",
            "'",
            "`",
            " ",
            "\t",
            "\n",
            "=",
            "=>",
            ":",
            ">",
            ",",
            ";",
            ")",
            "]",
            "}",
            "{",
            "$",
            "<",
            "%",
            "abcdefgh",
            "Zx9",
            "é",
            "…",
            "/",
            "@",
            "JIRA_TOKEN=\"2Yw4aCQ9gfZ6y1T9eWl56NgI\" ",
        ];
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        let mut derived = 0;
        for _ in 0..3000 {
            let n = 1 + (next() % 40) as usize;
            let text: String = (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            for i in DERIVED_GROUPS {
                let re = &redaction_patterns()[i];
                let by_slots: Vec<_> = group_matches(re, &text).collect();
                let by_derived: Vec<_> = derived_matches(i, re, &text).collect();
                assert_eq!(by_derived, by_slots, "pattern {i} on {text:?}");
                derived += re
                    .find_iter(&text)
                    .filter(|m| derived_group(i, m.as_str()).is_some())
                    .count();
            }
        }
        // The shortcut is taken, not only the capture fallback.
        assert!(derived > 1000, "{derived}");
        let line = "JIRA_TOKEN=\"2Yw4aCQ9gfZ6y1T9eWl56NgI\"";
        for i in [KEY_VALUE_PATTERN, 9] {
            let m = redaction_patterns()[i].find(line).unwrap();
            assert!(derived_group(i, m.as_str()).is_some(), "{i}");
        }
    }

    #[test]
    fn whole_match_groups_are_whole() {
        let text = "x_ATATT3xFfGF0aB3dE5gH7jK9mN1pQ3sT= aB3dE5gH7jK9mN1pQ3sT5vW7== deploy/aB3dE5gH7jK9mN1pQ3sT/x ATBBabcdefgh12";
        for (i, group) in WHOLE_MATCH_GROUPS {
            let re = &redaction_patterns()[i];
            let by_group: Vec<_> = re
                .captures_iter(text)
                .map(|c| c.name(group).unwrap().range())
                .collect();
            let whole: Vec<_> = re.find_iter(text).map(|m| m.range()).collect();
            assert!(!whole.is_empty(), "{i}");
            assert_eq!(by_group, whole, "{i}");
            // The source says so too: the group opens the pattern and closes it.
            let src = re.as_str();
            assert!(
                src.starts_with(&format!("(?P<{group}>")) && src.ends_with(')'),
                "{src}"
            );
            assert_eq!(re.captures_len(), 2, "{src}");
        }
    }

    #[test]
    fn a_client_id_is_shown_but_nothing_else_of_its_shape() {
        let id = "Zr4Tq8Wm2Kx6Nb0Vc3Hd7Jf1Lp5Sg9Ya";
        let line = format!("client ID {id} and secret");
        assert_ne!(
            scrub_output(&line),
            line,
            "random-looking: masked by default"
        );
        assert!(show_client_id(id));
        assert_eq!(scrub_output(&line), line);
        assert_eq!(redact_message(&line), line);
        // Only that exact value: another of its shape, a held secret, a token stay masked.
        let other = format!("client ID {} x", "Qw3Er5Ty7Ui9Op1As2Df4Gh6Jk8Lz0Xc");
        assert_ne!(scrub_output(&other), other);
        let held = Secret::new("Mn1Bv2Cx3Za4Sd5Fg6Hj7Kl8Qw9Er0Ty");
        assert!(!show_client_id(held.expose()));
        assert!(!show_client_id("ATOAabcdefghijklmnopqrstuvwxyz12"));
        assert!(!show_client_id("aB3dE5gH7jK9mN1pQ3sT5vW7"));
    }

    #[test]
    fn edits_map_like_a_linear_walk() {
        let line =
            "a ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz=0A1B2C3D b Bearer Xk93jfLq0Pz7Rm2Tb8Wc4Yd1 c";
        let (out, edits) = redact_with_edits(line);
        assert_eq!(out, "a ATATT3…2C3D b Bearer Xk93jf…4Yd1 c");
        // The reference: walk the masked values in order.
        let masked = [
            (line.find("ATATT3").unwrap(), line.find(" b ").unwrap()),
            (line.find("Xk93").unwrap(), line.find(" c").unwrap()),
        ];
        let walk = |off: usize| {
            let mut delta = 0isize;
            for &(a, b) in &masked {
                if off >= b {
                    delta += 13 - (b - a) as isize;
                } else if off > a {
                    return (a as isize + delta) as usize;
                }
            }
            (off as isize + delta) as usize
        };
        for off in 0..=line.len() {
            assert_eq!(edits.map(off), walk(off), "offset {off}");
        }
        assert_eq!(
            &out[edits.map(line.find(" b ").unwrap())..],
            " b Bearer Xk93jf…4Yd1 c"
        );
    }

    #[test]
    fn caret_map_follows_masking() {
        let line = "X ATATT3xFfGF0abcdefghijklmnopqrstuvwxyz=0A1B2C3D Y";
        let (out, map) = redact_with_map(line);
        assert_eq!(out, "X ATATT3…2C3D Y");
        let y = line.find('Y').unwrap();
        assert_eq!(&out[map(y)..], "Y");
        assert_eq!(map(2), 2);
    }
}
