//! AT103 malformed-token: an Atlassian token whose structure is broken (CRC-32 tail
//! mismatch, no tail, or stray whitespace / line break glued to it inside a string).
use super::common;
use crate::lint::{Cx, Hit};
use crate::secret::mask;
use crate::token::{self, TokenKind};

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for c in common::prefixed_tokens(cx).iter() {
        if !matches!(c.info.kind, TokenKind::ApiToken | TokenKind::AccessToken) {
            continue;
        }
        // A token split over joined literals is checked whole.
        let joined = match c.info.checksum {
            token::Checksum::Valid => None,
            _ => common::joined_token(cx, &c.range),
        };
        let (range, value, checksum) = match &joined {
            Some((range, whole)) => (
                range.clone(),
                whole.as_str(),
                token::classify(whole).checksum,
            ),
            None => (c.range.clone(), c.value, c.info.checksum),
        };
        let m = mask(value);
        // The doctor's words too (token::Checksum::problem).
        let Some(message) = checksum.problem(&m) else {
            continue;
        };
        out.push(Hit::new(range, message, format!("crc:{m}")).fix(token::MALFORMED_FIX));
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
