//! AT302 fixed-token-length: code that assumes an API token has a fixed length. Atlassian:
//! "We use varied API token length rather than fixed length".
use crate::lint::{Cx, Hit};

/// Lengths seen in the wild that scripts hard-code: legacy tokens (24) and today's (192).
const KNOWN: &[u64] = &[24, 192, 183, 184, 186];

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if !cx.atlassian_context() {
        return;
    }
    for id in ["len-compare", "length-compare", "shell-length"] {
        for caps in cx.pattern(id).captures_iter(cx.text) {
            let (Some(whole), Some(op), Some(n)) =
                (caps.name("whole"), caps.name("op"), caps.name("n"))
            else {
                continue;
            };
            let Ok(n) = n.as_str().parse::<u64>() else {
                continue;
            };
            let equality = matches!(op.as_str(), "==" | "!=" | "===" | "!==" | "-eq" | "-ne");
            if !(KNOWN.contains(&n) || equality && n >= 16) {
                continue;
            }
            out.push(
                Hit::new(whole.range(), format!("assumes an API token is {n} characters long; Atlassian token length varies"), format!("len:{n}"))
                    .fix("check the form instead of the length: non-empty, no whitespace, and for ATATT3 tokens the `=` + 8 hex checksum tail"),
            );
        }
    }
    for id in ["slice", "quantifier", "max-length"] {
        for caps in cx.pattern(id).captures_iter(cx.text) {
            let (Some(whole), Some(n)) = (caps.name("whole"), caps.name("n")) else {
                continue;
            };
            let (line, _) = cx.line_at(whole.start());
            let l = line.to_ascii_lowercase();
            if !(l.contains("token") || l.contains("api_key") || l.contains("apikey")) {
                continue;
            }
            out.push(
                Hit::new(whole.range(), format!("fixes the API token at {} characters; Atlassian token length varies", n.as_str()), format!("{id}:{}", n.as_str()))
                    .fix("do not cut or size-limit tokens; accept any length (a 192-character token today may be longer tomorrow)"),
            );
        }
    }
}
