//! AT301 base64-newline: `email:token` encoded together with a trailing newline: `echo`
//! without `-n`, a `<<<` here-string, or a `printf` format ending in `\n`, piped into
//! `base64` / `openssl base64`. Also a literal `Basic` value that decodes with a newline.
use super::common::basic_values;
use crate::lint::{Cx, Hit};

// The doctor gives the same fix.
use crate::token::BASIC_NEWLINE_FIX as FIX;

/// The fix for an encoder that breaks lines: the strict (one-line) encoder of the language.
const ENCODER_FIX: &str = "use an encoder that writes one line: Python base64.b64encode, Ruby Base64.strict_encode64, Java Base64.getEncoder(), Perl encode_base64($pair, \"\"), PHP base64_encode without chunk_split; or let the client build the header (requests auth=(email, token), curl -u)";

fn echo_has_n(args: &str) -> bool {
    args.split_whitespace()
        .take_while(|w| w.starts_with('-'))
        .any(|w| w.len() > 1 && w[1..].chars().all(|c| "neE".contains(c)) && w.contains('n'))
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    // Other services' Basic headers are not this rule's business.
    if !cx.atlassian_context() {
        return;
    }
    for caps in cx.pattern("echo-pipe").captures_iter(cx.text) {
        let (Some(whole), Some(args)) = (caps.name("whole"), caps.name("args")) else {
            continue;
        };
        if echo_has_n(args.as_str()) || !args.as_str().contains(':') {
            continue;
        }
        out.push(Hit::new(whole.range(), "`echo` without -n encodes a trailing newline into the credential: Atlassian answers 401", "echo").fix(FIX));
    }
    for caps in cx.pattern("here-string").captures_iter(cx.text) {
        let (Some(whole), Some(arg)) = (caps.name("whole"), caps.name("arg")) else {
            continue;
        };
        if !arg.as_str().contains(':') {
            continue;
        }
        out.push(Hit::new(whole.range(), "a `<<<` here-string appends a newline to the encoded credential: Atlassian answers 401", "herestring").fix(FIX));
    }
    for caps in cx.pattern("printf-newline").captures_iter(cx.text) {
        let (Some(whole), Some(fmt)) = (caps.name("whole"), caps.name("fmt")) else {
            continue;
        };
        let rest = caps.name("rest").map_or("", |m| m.as_str());
        if !fmt.as_str().contains("\\n") || !(fmt.as_str().contains(':') || rest.contains(':')) {
            continue;
        }
        out.push(Hit::new(whole.range(), "the printf format ends in \\n, which is encoded into the credential: Atlassian answers 401", "printf").fix(FIX));
    }
    for caps in cx.pattern("newline-encoder").captures_iter(cx.text) {
        let (Some(whole), Some(rest)) = (caps.name("whole"), caps.name("rest")) else {
            continue;
        };
        let rest = rest.as_str();
        let lower = rest.to_ascii_lowercase();
        // Perl's `encode_base64($x, "")` has no line ends; newlines replaced afterwards
        // (`.gsub("\n", "")`, `.replace("\n", "")`) are gone. `.strip` / `.chomp` remove only the
        // last one: an `email:token` pair is longer than one encoded line.
        let perl_no_eol = whole.as_str().starts_with("encode_base64")
            && (rest.contains(", \"\")") || rest.contains(", '')") || rest.contains(",\"\")"));
        let stripped = ["gsub", "delete(", "replace", "tr(", "squish", "join"]
            .iter()
            .any(|w| lower.contains(w));
        // A credential: a `user:secret` on the line, or Basic auth within two lines.
        let credential = rest.contains(':')
            || super::common::lines_around(cx, whole.start(), 2)
                .to_ascii_lowercase()
                .contains("basic");
        if perl_no_eol || stripped || !credential {
            continue;
        }
        let call = whole.as_str().trim_end_matches(['(', ' ']);
        out.push(
            Hit::new(
                whole.range(),
                format!("`{call}` writes newlines into the encoded credential (at the end and every 60 or 76 characters): Atlassian answers 401"),
                "encoder",
            )
            .fix(ENCODER_FIX),
        );
    }
    for caps in cx.pattern("newline-literal").captures_iter(cx.text) {
        let Some(whole) = caps.name("whole") else {
            continue;
        };
        out.push(
            Hit::new(
                whole.range(),
                "the encoded `user:secret` string ends in a newline, which is encoded into the credential: Atlassian answers 401",
                "literal-newline",
            )
            .fix(FIX),
        );
    }
    for b in basic_values(cx) {
        if b.trailing_newline {
            out.push(
                Hit::new(b.range, format!("literal Basic value for {} decodes with a trailing newline: Atlassian answers 401", b.user), format!("basic:{}", b.user))
                    .fix(FIX),
            );
        }
    }
}
