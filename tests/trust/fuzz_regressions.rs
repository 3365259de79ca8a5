//! Regression tests for what fuzzing found (see SECURITY.md for the campaign's figures), and
//! hostile inputs replayed through the same harnesses the fuzz targets run
//! (`fuzz/harness.rs`), so `cargo test` catches a regression without cargo-fuzz.
use std::time::{Duration, Instant};

#[path = "../../fuzz/harness.rs"]
mod harness;

type Harness = fn(&[u8]);

const HARNESSES: &[(&str, Harness)] = &[
    ("url_classifier", harness::url_classifier),
    ("credential", harness::credential),
    ("curl_parser", harness::curl_parser),
    ("config_parser", harness::config_parser),
    ("lint_scanner", harness::lint_scanner),
];

/// Inputs chosen to break parsers: empty, lone quotes and escapes, multi-byte characters at
/// every boundary, BOMs, NULs, very long runs.
fn hostile() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        &b""[..],
        b"\n",
        b"\x00",
        b"'",
        b"\"",
        b"\\",
        b"$'",
        b"curl '",
        b"curl \"\\",
        b"curl -u",
        b"curl -u :",
        b"curl -H",
        b"curl --user=",
        b"curl -XGET",
        b"curl -H 'Authorization:'",
        b"curl -H 'Authorization: Basic'",
        b"Basic ",
        b"Basic =",
        b"Basic ====",
        b"Basic \xc3\xa9",
        b"Bearer ",
        b"basic Og==",
        b"\x01",
        b"\x01\x01",
        b"@\x01:",
        b"GET\nhttps://",
        b"GET\nhttps://:@",
        b"GET\nhttps://[::1",
        b"GET\nhttps://a.atlassian.net:99999999999/rest",
        b"GET\nhttps://api.atlassian.com/ex/",
        b"GET\nhttps://api.atlassian.com/ex/jira/",
        b"GET\nhttps://api.atlassian.com/ex/jira//rest/api/3/issue/%",
        b"GET\nhttps://api.atlassian.com/ex/jira/%zz/rest/api/3/issue/%e9%",
        b"\xc3\xa9\n\xe2\x82\xac://\xf0\x9f\x98\x80.atlassian.net/\xf0\x9f\x98\x80",
        b"GET\n/wiki/api/v2/pages/{id}/\xe2\x80\xae",
        // url_classifier's slowest unit (10 s under ASan on a starved CPU; 0.3 s in a debug
        // build): an unmatched gateway URL, which searches the whole catalogue for suggestions.
        b"GET\nhttps://api.atlassian.com/ex/confluence/ex/jira/70546b50d6-880f-dd28cf8daafa/wiki/api/v2/pages?space-id=1",
        b"select = [\"AT\"]",
        b"select = [\"\"]",
        b"exclude = [\"[\"]",
        b"exclude = [\"**/{a,{b,{c\"]",
        b"max-filesize = -1",
        b"max-filesize = 18446744073709551615",
        b"[severity]\n\"\" = \"error\"",
        b"[per-file-ignores]\n\"[\" = [\"AT1\"]",
        b"\xff\xfe",
        b"\xfe\xff",
        b"\x00\xff\xfe\x00",
        b"\x00\xfe\xff\x00",
        b"\x00\xef\xbb\xbf",
        b"\x00\xef\xbb",
        b"\x0d",
        b"\x00\r\r\n\r",
        b"\x00ATATT3",
        b"\x00ATATT3xFfGF0=",
        b"\x00Authorization: Basic \xe9",
        b"\x00echo \"$U:$T\" | base64",
        b"\x00https://api.atlassian.com/ex/jira/\xe2\x82\xac/rest",
    ]
    .iter()
    .map(|b| b.to_vec())
    .collect();
    // Multi-byte characters right after each prefix (slicing at byte offsets is where parsers
    // panic).
    for prefix in [
        "Basic ",
        "Bearer ",
        "curl -u ",
        "GET\nhttps://api.atlassian.com/ex/jira/",
        "\u{0}ATATT3",
        "\u{0}JIRA_API_TOKEN=",
        "\u{0}https://acme.atlassian.net/rest/api/3/",
    ] {
        for ch in ["é", "€", "😀", "\u{202e}", "İ", "ẞ"] {
            v.push(format!("{prefix}{ch}").into_bytes());
            v.push(format!("{prefix}{}", ch.repeat(40)).into_bytes());
        }
    }
    // Long runs.
    for unit in ["a", "/", "%", "'", "\\", "=", "é", "A1b2", "{x}/"] {
        v.push(unit.repeat(20_000).into_bytes());
        v.push(
            format!(
                "GET\nhttps://acme.atlassian.net/rest/api/3/{}",
                unit.repeat(5_000)
            )
            .into_bytes(),
        );
        v.push(format!("\u{0}JIRA_API_TOKEN={}", unit.repeat(20_000)).into_bytes());
    }
    v
}

/// One harness on every hostile input (one test per harness, so they run in parallel).
fn survives_hostile_inputs(harness: &str) {
    let (name, run) = HARNESSES.iter().find(|(n, _)| *n == harness).unwrap();
    for input in hostile() {
        let start = Instant::now();
        run(&input);
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(10),
            "{name} took {took:?} on {:?}",
            String::from_utf8_lossy(&input[..input.len().min(80)])
        );
    }
}

#[test]
fn url_classifier_survives_hostile_inputs() {
    survives_hostile_inputs("url_classifier");
}

#[test]
fn credential_survives_hostile_inputs() {
    survives_hostile_inputs("credential");
}

#[test]
fn curl_parser_survives_hostile_inputs() {
    survives_hostile_inputs("curl_parser");
}

#[test]
fn config_parser_survives_hostile_inputs() {
    survives_hostile_inputs("config_parser");
}

#[test]
fn lint_scanner_survives_hostile_inputs() {
    survives_hostile_inputs("lint_scanner");
}

/// Every harness has its test above.
#[test]
fn every_harness_has_a_hostile_inputs_test() {
    let names: Vec<&str> = HARNESSES.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "url_classifier",
            "credential",
            "curl_parser",
            "config_parser",
            "lint_scanner"
        ]
    );
}

/// Found while fuzzing `url_classifier` (5 executions a second): the scope matcher's
/// "did you mean" search ran a character edit distance between every catalogue literal and
/// every request segment, quadratic in the segment length. A 5,000-character segment took 15 s
/// and 500 segments 9 s (debug build). Fixed in src/scopes/matcher.rs: no suggestion for
/// requests longer than any documented path, and a length bound before the edit distance.
#[test]
fn scope_suggestions_stay_fast_on_long_urls() {
    let cases = [
        format!("/rest/api/3/{}", "a".repeat(5_000)),
        format!("/rest/api/3{}", "/ab".repeat(500)),
        format!(
            "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/issuex{}",
            "x".repeat(8_000)
        ),
    ];
    for url in &cases {
        let start = Instant::now();
        let r = atlcheck::scopes::lookup("GET", url);
        let took = start.elapsed();
        assert!(r.is_err(), "{} is no documented operation", &url[..80]);
        assert!(
            took < Duration::from_secs(3),
            "lookup took {took:?} for a {}-byte URL",
            url.len()
        );
    }
    // Suggestions still work for a plausible typo.
    let no = atlcheck::scopes::lookup("GET", "/rest/api/3/isue/OPS-1").unwrap_err();
    assert!(
        no.suggestions.iter().any(|s| s.path.contains("/issue/")),
        "{:?}",
        no.suggestions.iter().map(|s| s.path).collect::<Vec<_>>()
    );
}

/// Found by `lint_scanner` (crash-22c806e41df933fdc9f2144f1e00d68dc3ab8814, minimised): AT201's
/// "which variable holds this URL" search sliced one byte past the last non-key character,
/// inside a multi-byte one (here U+FFFD from an invalid byte before `SER=`), and panicked
/// ("byte index is not a char boundary"). Fixed in src/lint/rules/at201_direct_site_url.rs.
#[test]
fn lint_scanner_multibyte_character_before_a_fallback_url_key() {
    let crash: &[u8] = b"asIRU\xdcSER=\"j/mUR||https://cme.atlassian.net\ncho \"$ys\n";
    harness::lint_scanner(crash);
    // Every file kind, and other multi-byte characters in the same place.
    for kind in 0..=255u8 {
        for ch in ["\u{fffd}", "é", "€", "😀"] {
            let text = format!("JIRA{ch}URL=\"x\" || https://acme.atlassian.net\n");
            harness::lint_scanner(&[&[kind][..], text.as_bytes()].concat());
        }
    }
}

/// Found by `lint_scanner` (crash-9366907324785d30e73cc06e4997abea3d7caadb): AT201's "is this
/// key inside a `jira` section" look-back took the 300 bytes before the URL up to the start of
/// its line, and panicked (`begin > end`) when the URL's own line was longer than that. Fixed
/// in src/lint/rules/at201_direct_site_url.rs (nested_in_atlassian_section).
#[test]
fn lint_scanner_site_url_on_a_line_longer_than_the_look_back() {
    harness::lint_scanner(include_bytes!(
        "../../fuzz/regressions/lint_scanner/crash-9366907324785d30e73cc06e4997abea3d7caadb"
    ));
    for kind in 0..=255u8 {
        for pad in ["é".repeat(200), "x".repeat(400)] {
            let text =
                format!("provider \"jira\" {{\n  {pad} url = \"https://acme.atlassian.net\"\n}}\n");
            harness::lint_scanner(&[&[kind][..], text.as_bytes()].concat());
        }
    }
}

/// The first crash's input as libFuzzer saved it, before minimisation.
#[test]
fn lint_scanner_crash_22c806e4_replays() {
    harness::lint_scanner(include_bytes!(
        "../../fuzz/regressions/lint_scanner/crash-22c806e41df933fdc9f2144f1e00d68dc3ab8814"
    ));
}
