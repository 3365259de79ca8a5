//! AT103 malformed-token: an Atlassian token whose structure is broken (CRC-32 tail
//! mismatch, no tail, or stray whitespace / line break glued to it inside a string).
use super::common;
use crate::lint::{Cx, Hit};
use crate::secret::mask;
use crate::token::{Checksum, TokenKind};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for c in common::prefixed_tokens(cx) {
        if !matches!(c.info.kind, TokenKind::ApiToken | TokenKind::AccessToken) {
            continue;
        }
        let m = mask(c.value);
        let why = match c.info.checksum {
            Checksum::Mismatch => {
                "its CRC-32 tail does not match: a character was changed or the token was cut and a wrong tail pasted"
            }
            Checksum::NoTail => {
                "it does not end in `=` and 8 upper-case hex digits: it was truncated, or extra characters were pasted after it"
            }
            _ => continue,
        };
        out.push(
            Hit::new(c.range, format!("malformed Atlassian token {m}: {why}"), format!("crc:{m}"))
                .fix("copy the whole token again from where it was created (it is shown only once; otherwise create a new one); Atlassian says token length varies, so check the form, not the length"),
        );
    }
    for caps in cx.pattern("glued").captures_iter(cx.text) {
        let (Some(t), Some(junk)) = (caps.name("token"), caps.name("junk")) else {
            continue;
        };
        let m = mask(t.as_str());
        let what = if junk.as_str().contains('\\') {
            "a line break (`\\n`/`\\r`)"
        } else {
            "trailing whitespace"
        };
        out.push(
            Hit::new(t.start()..junk.end(), format!("token {m} carries {what} inside the string: the server sees a different token"), format!("glued:{m}"))
                .fix("remove the whitespace or line break; trim values read from files (`.strip()`, `tr -d '\\r\\n'`)"),
        );
    }
}
