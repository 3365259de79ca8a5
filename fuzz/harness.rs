// The fuzz targets' bodies, shared by `fuzz/fuzz_targets/*.rs` (libFuzzer) and
// `tests/trust/fuzz_regressions.rs` (`cargo test` replays every crash found, and hostile inputs).
// Each takes arbitrary bytes and must not panic, hang or allocate without bound.

/// The URL classifier: the doctor's `Target::parse` and the scope matcher's `lookup`. First
/// line: the method; the rest: the URL.
pub fn url_classifier(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let (method, url) = s.split_once('\n').unwrap_or(("GET", s));
    if let Ok(t) = atlcheck::doctor::request::Target::parse(method, url) {
        let _ = t.product();
        let _ = t.path_only();
        let _ = t.jira_keys();
        let _ = t.space_key();
    }
    let _ = atlcheck::scopes::lookup(method, url);
}

/// The credential and Basic-header parser: any `Authorization` value; with a `\x01`, an
/// email and a token for Basic. Also the token classifier and the redactor.
pub fn credential(data: &[u8]) {
    use atlcheck::doctor::credential::{Credential, analyse};
    use atlcheck::secret::Secret;
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let a = analyse(&Credential::Header(Secret::new(s)), &[]);
    let _ = format!("{a:?}");
    if let Some((email, token)) = s.split_once('\u{1}') {
        let b = Credential::Basic {
            email: email.to_string(),
            token: Secret::new(token),
        };
        let _ = analyse(&b, &[email.to_string()]);
        let _ = b.header();
    }
    let _ = atlcheck::token::classify(s);
    let _ = atlcheck::secret::redact_text(s);
    let _ = atlcheck::secret::redact_message(s);
    let (redacted, map) = atlcheck::secret::redact_with_map(s);
    for (i, _) in s.char_indices() {
        assert!(map(i) <= redacted.len(), "offset {i} maps past the end");
    }
}

/// The curl command-line parser: shell word splitting, then curl's flags; and the words as
/// clap hands them after `--` (one per line).
pub fn curl_parser(data: &[u8]) {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(words) = atlcheck::doctor::request::shell_words(s) {
        let _ = atlcheck::doctor::request::parse_curl(&words);
    }
    let args: Vec<String> = s.split('\n').map(str::to_string).collect();
    let _ = atlcheck::doctor::request::parse_curl(&args);
}

/// The configuration parser: any TOML text, then resolution (globs, codes, severities).
pub fn config_parser(data: &[u8]) {
    use atlcheck::config::{Config, ConfigFile, Overrides};
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(file) = toml::from_str::<ConfigFile>(s) else {
        return;
    };
    let _ = Config::resolve(
        Some((std::path::PathBuf::from("/fuzz/.atlcheck.toml"), file)),
        &Overrides::default(),
    );
}

/// The lint scanner on arbitrary bytes: decoding (UTF-8, UTF-16, binary detection), then every
/// rule for one file kind (the first byte picks it). Findings must point inside the file.
pub fn lint_scanner(data: &[u8]) {
    use atlcheck::config::{Config, Overrides};
    use atlcheck::lint::{FileKind, Linter};
    use std::sync::OnceLock;
    static LINTER: OnceLock<Linter> = OnceLock::new();
    let linter = LINTER.get_or_init(|| {
        let config = Config::resolve(None, &Overrides::default()).expect("default config");
        Linter::new(config).expect("linter")
    });
    let Some((&k, rest)) = data.split_first() else {
        return;
    };
    let (kind, name) = FileKind::ALL[usize::from(k) % FileKind::ALL.len()];
    let Some(text) = atlcheck::lint::walk::decode(rest) else {
        return;
    };
    let report = linter.lint_text(&format!("fuzz.{name}"), kind, &text);
    let lines = text.split('\n').count();
    for f in &report.findings {
        assert!(f.line >= 1 && f.column >= 1, "{f:?}");
        assert!(
            f.line <= f.end_line && f.end_line <= lines,
            "{f:?} ({lines} lines)"
        );
        if let Some(frame) = &f.frame {
            assert!(frame.text().get(frame.span.clone()).is_some(), "{f:?}");
        }
    }
}
