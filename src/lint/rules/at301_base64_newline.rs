//! AT301 base64-newline: `email:token` encoded together with a trailing newline: `echo`
//! without `-n`, a `<<<` here-string, or a `printf` format ending in `\n`, piped into
//! `base64` / `openssl base64`. Also a literal `Basic` value that decodes with a newline.
use super::common::basic_values;
use crate::lint::{Cx, Hit};

// The doctor gives the same fix.
use crate::token::BASIC_NEWLINE_FIX as FIX;

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
    for b in basic_values(cx) {
        if b.trailing_newline {
            out.push(
                Hit::new(b.range, format!("literal Basic value for {} decodes with a trailing newline: Atlassian answers 401", b.user), format!("basic:{}", b.user))
                    .fix(FIX),
            );
        }
    }
}
