//! Held secrets found in a decoded view of the output, not in a list of their encodings.
//!
//! Listing the forms a secret may take (base64 at three alignments, percent-encoding with
//! upper- or lower-case hex, JSON as four encoders write it) misses the next one: a server
//! escaping some of the characters as `\u0041`, hex in mixed case, base64 of the value
//! upper-cased or wrapped at 76 columns, a colour sequence or a code frame's line break in the
//! middle (issue 12, class 2). Here the text is decoded once into a view, each byte of which
//! knows the bytes of the text it came from:
//! - `%XX` (any hex case), JSON escapes (`\uXXXX` with surrogate pairs, `\"`, `\\`, `\/`,
//!   `\t`; `\n` and `\r` are line breaks) and XML entities (`&amp;`, `&#65;`, `&#x41;`) are
//!   decoded;
//! - terminal escape sequences (ESC, CSI `ESC [ … final`, OSC `ESC ] … BEL`) are dropped,
//!   also when they arrive JSON-escaped (`\u001b[1m`);
//! - line breaks are dropped, with a code frame's gutter (`  12 | `, `    │ `) after one.
//!
//! Every registered form of every held secret (the value itself first) is looked for in the
//! view in any ASCII letter case, and every run of base64 characters of the view is decoded
//! (both alphabets, each of the four alignments) and searched for the held values in any
//! letter case. A match masks the bytes of the text it came from: the first stretch of them is
//! replaced by the secret's mask, later stretches (past a line break, a colour sequence) are
//! removed; what lay between them (the line break, the gutter, the sequence) stays.
use std::borrow::Cow;
use std::ops::Range;

/// The decoded view of a text: its bytes and, for each, the range of the text it came from.
struct View {
    bytes: Vec<u8>,
    from: Vec<Range<usize>>,
}

/// One decoded unit of the text.
enum Unit {
    /// Bytes (one character) and how many bytes of the text they took.
    Bytes([u8; 4], usize, usize),
    /// A line break (raw or escaped) of this many bytes.
    Break(usize),
    /// Nothing to look at (an escape with no text: `\b`, `\f`).
    Skip(usize),
}

fn hex(b: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(b).ok()?;
    u32::from_str_radix(s, 16).ok()
}

fn char_unit(c: char, len: usize) -> Unit {
    if invisible(c) {
        return Unit::Skip(len);
    }
    let mut buf = [0u8; 4];
    let n = c.encode_utf8(&mut buf).len();
    Unit::Bytes(buf, n, len)
}

/// Characters a reader does not see, which a report may put inside a value (a zero-width
/// space breaks an @mention in Markdown): the view drops them.
fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
    )
}

/// `\uXXXX` at the start of `t`, as a UTF-16 unit.
fn json_u(t: &[u8]) -> Option<u32> {
    if t.len() >= 6 && t[0] == b'\\' && t[1] == b'u' {
        hex(&t[2..6])
    } else {
        None
    }
}

/// Decode the unit at the start of `t` (non-empty).
fn unit(t: &[u8]) -> Unit {
    match t[0] {
        // IIS's and JavaScript's `escape()` `%uXXXX`.
        b'%' if t.len() >= 6 && matches!(t[1], b'u' | b'U') && hex(&t[2..6]).is_some() => {
            let u = hex(&t[2..6]).unwrap_or(0);
            char::from_u32(u).map_or(Unit::Skip(6), |c| char_unit(c, 6))
        }
        b'%' if t.len() >= 3 => match hex(&t[1..3]) {
            Some(b) => Unit::Bytes([b as u8, 0, 0, 0], 1, 3),
            None => Unit::Bytes([b'%', 0, 0, 0], 1, 1),
        },
        b'\\' if t.len() >= 2 => match t[1] {
            // `\xHH` (C, Python, JavaScript, shells) and `\NNN` octal (C, Python's bytes).
            b'x' | b'X' if t.len() >= 4 && hex(&t[2..4]).is_some() => {
                Unit::Bytes([hex(&t[2..4]).unwrap_or(0) as u8, 0, 0, 0], 1, 4)
            }
            b'0'..=b'3' if t.len() >= 4 && t[2..4].iter().all(|d| (b'0'..=b'7').contains(d)) => {
                let n = (t[1] - b'0') * 64 + (t[2] - b'0') * 8 + (t[3] - b'0');
                Unit::Bytes([n, 0, 0, 0], 1, 4)
            }
            // `\u{1F600}` (Rust, JavaScript, Swift).
            b'u' if t.get(2) == Some(&b'{') => match t.iter().take(11).position(|&b| b == b'}') {
                Some(end) if end > 3 => hex(&t[3..end])
                    .and_then(char::from_u32)
                    .map_or(Unit::Bytes([b'\\', 0, 0, 0], 1, 1), |c| {
                        char_unit(c, end + 1)
                    }),
                _ => Unit::Bytes([b'\\', 0, 0, 0], 1, 1),
            },
            b'u' => match json_u(t) {
                Some(hi @ 0xD800..=0xDBFF) => match json_u(&t[6..]) {
                    Some(lo @ 0xDC00..=0xDFFF) => {
                        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        char::from_u32(c).map_or(Unit::Skip(12), |c| char_unit(c, 12))
                    }
                    _ => Unit::Skip(6),
                },
                Some(0x0A | 0x0D) => Unit::Break(6),
                Some(u) => char::from_u32(u).map_or(Unit::Skip(6), |c| char_unit(c, 6)),
                None => Unit::Bytes([b'\\', 0, 0, 0], 1, 1),
            },
            b'n' | b'r' => Unit::Break(2),
            b'b' | b'f' => Unit::Skip(2),
            b't' => Unit::Bytes([b'\t', 0, 0, 0], 1, 2),
            // JSON's `\"`, `\\`, `\/`; Markdown's and a shell's `\_`, `\*`, `\$`...
            c if c.is_ascii_punctuation() => Unit::Bytes([c, 0, 0, 0], 1, 2),
            _ => Unit::Bytes([b'\\', 0, 0, 0], 1, 1),
        },
        b'&' => entity(t).unwrap_or(Unit::Bytes([b'&', 0, 0, 0], 1, 1)),
        b'\n' | b'\r' => Unit::Break(1),
        // A raw invisible character (UTF-8 of U+200B-U+200D, U+2060, U+FEFF, U+00AD).
        0xE2 | 0xEF | 0xC2 => match std::str::from_utf8(&t[..t.len().min(3)])
            .ok()
            .or_else(|| std::str::from_utf8(&t[..t.len().min(2)]).ok())
            .and_then(|s| s.chars().next())
        {
            Some(c) if invisible(c) => Unit::Skip(c.len_utf8()),
            _ => Unit::Bytes([t[0], 0, 0, 0], 1, 1),
        },
        b => Unit::Bytes([b, 0, 0, 0], 1, 1),
    }
}

/// An XML/HTML entity at the start of `t`.
fn entity(t: &[u8]) -> Option<Unit> {
    let end = t.iter().take(12).position(|&b| b == b';')?;
    let name = std::str::from_utf8(&t[1..end]).ok()?;
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some(char_unit(c, end + 1))
}

/// The length of a code frame's gutter at the start of `t` (after a line break): blanks,
/// a line number, blanks, a bar (`|` or `│`) and one blank; 0 when there is none.
fn gutter(t: &[u8]) -> usize {
    let mut i = 0;
    let blanks = |i: &mut usize| {
        while *i < t.len() && matches!(t[*i], b' ' | b'\t') {
            *i += 1;
        }
    };
    blanks(&mut i);
    while i < t.len() && t[i].is_ascii_digit() {
        i += 1;
    }
    blanks(&mut i);
    let bar = if t[i..].starts_with(b"|") {
        1
    } else if t[i..].starts_with("│".as_bytes()) {
        "│".len()
    } else {
        return 0;
    };
    i += bar;
    if i < t.len() && t[i] == b' ' {
        i += 1;
    }
    i
}

/// Where a terminal escape sequence is, while the view is built.
#[derive(Clone, Copy, PartialEq)]
enum Esc {
    None,
    /// After ESC.
    Start,
    /// Inside `ESC [`: parameters and intermediates, then a final byte.
    Csi,
    /// Inside `ESC ]` up to BEL (or the next ESC): at most this many more bytes.
    Osc(u16),
}

fn build(t: &[u8]) -> View {
    let mut bytes = Vec::with_capacity(t.len());
    let mut from = Vec::with_capacity(t.len());
    let mut esc = Esc::None;
    let mut i = 0;
    while i < t.len() {
        let (buf, n, len) = match unit(&t[i..]) {
            Unit::Bytes(buf, n, len) => (buf, n, len),
            Unit::Skip(len) => {
                i += len;
                continue;
            }
            Unit::Break(len) => {
                let raw_newline = t[i] == b'\n';
                i += len;
                if raw_newline {
                    i += gutter(&t[i..]);
                }
                continue;
            }
        };
        let range = i..i + len;
        i += len;
        for &b in &buf[..n] {
            esc = match (esc, b) {
                (_, 0x1b) => Esc::Start,
                (Esc::Start, b'[') => Esc::Csi,
                (Esc::Start, b']') => Esc::Osc(256),
                (Esc::Start, _) => Esc::None,
                (Esc::Csi, 0x20..=0x3f) => Esc::Csi,
                (Esc::Csi, 0x40..=0x7e) => Esc::None,
                (Esc::Osc(_), 0x07) | (Esc::Osc(0), _) => Esc::None,
                (Esc::Osc(k), _) => Esc::Osc(k - 1),
                (Esc::Csi, _) | (Esc::None, _) => {
                    bytes.push(b);
                    from.push(range.clone());
                    Esc::None
                }
            };
        }
    }
    fold_view(View { bytes, from })
}

/// The view with its non-ASCII characters folded ([`fold`]); each folded byte comes from the
/// text bytes of the character it folds.
fn fold_view(v: View) -> View {
    let Some((bytes, src)) = fold(&v.bytes) else {
        return v;
    };
    let from = src
        .into_iter()
        .map(|r| v.from[r.start].start..v.from[r.end - 1].end)
        .collect();
    View { bytes, from }
}

/// `b` with every non-ASCII character folded the way a reader (or a server) may change it
/// while it stays the same secret: compatibility-decomposed (NFKD: fullwidth `Ｓ` is `S`,
/// `é` is `e` and a combining accent), combining marks dropped (NFC and NFD alike),
/// lower-cased (`Ä` and `ä`; `ß` as `ss`). ASCII bytes and bytes that are no UTF-8 stay as
/// they are (ASCII case is left to the matchers). For each byte of the result, the range of
/// `b` it came from; None when `b` is ASCII (nothing to fold).
pub(super) fn fold(b: &[u8]) -> Option<(Vec<u8>, Vec<Range<usize>>)> {
    if b.is_ascii() {
        return None;
    }
    let nfkd = icu_normalizer::DecomposingNormalizerBorrowed::new_nfkd();
    let mut out = Vec::with_capacity(b.len());
    let mut src = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii() {
            out.push(b[i]);
            src.push(i..i + 1);
            i += 1;
            continue;
        }
        let len = match b[i] {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => 1,
        };
        let Some(c) = b
            .get(i..i + len)
            .and_then(|s| std::str::from_utf8(s).ok())
            .and_then(|s| s.chars().next())
        else {
            out.push(b[i]);
            src.push(i..i + 1);
            i += 1;
            continue;
        };
        let keep = !combining_mark(c)
            && !c.is_alphanumeric()
            && !('\u{FF00}'..='\u{FFEF}').contains(&c)
            && !c.is_whitespace();
        if keep {
            // A symbol (`…`, `→`, `│`, `✓`): nothing to fold.
            out.extend_from_slice(&b[i..i + len]);
            src.extend(std::iter::repeat_n(i..i + len, len));
            i += len;
            continue;
        }
        let mut buf = [0u8; 4];
        for d in nfkd.normalize(c.encode_utf8(&mut buf)).chars() {
            if combining_mark(d) {
                // Dropped from the view, masked with the letter it sits on.
                if let Some(last) = src.last_mut().filter(|r| r.end == i) {
                    last.end = i + len;
                }
                continue;
            }
            let folded: Vec<char> = if d == 'ß' || d == 'ẞ' {
                vec!['s', 's']
            } else {
                d.to_lowercase().collect()
            };
            for f in folded {
                let mut fb = [0u8; 4];
                for &x in f.encode_utf8(&mut fb).as_bytes() {
                    out.push(x);
                    src.push(i..i + len);
                }
            }
        }
        i += len;
    }
    Some((out, src))
}

/// Combining marks (the blocks of combining diacritics, and the kana voicing marks).
fn combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
            | '\u{3099}'
            | '\u{309A}'
    )
}

/// The base64 value of a character of either alphabet.
fn b64_value(c: u8) -> Option<u8> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' | b'-' => 62,
        b'/' | b'_' => 63,
        _ => return None,
    })
}

/// Decode base64 characters (no padding), keeping whole bytes only.
fn b64_decode(chars: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(chars.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in chars {
        let Some(v) = b64_value(c) else { break };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Shortest base64 run looked into: 8 characters hold 6 bytes, the shortest held value.
const MIN_B64_RUN: usize = 8;

/// The held values in bytes decoded from a run of the view (base64, hex): the decoded bytes
/// are searched as they are and folded ([`fold`]), and, when they hold NUL bytes, as UTF-16
/// (little- and big-endian: .NET and Java encode text so). Each hit is the range of decoded
/// bytes (the whole of them for UTF-16) and the value's index.
fn decoded_hits(decoded: &[u8], values: &aho_corasick::AhoCorasick) -> Vec<(Range<usize>, usize)> {
    let mut hits: Vec<(Range<usize>, usize)> = values
        .find_iter(decoded)
        .map(|m| (m.range(), m.pattern().as_usize()))
        .collect();
    if let Some((folded, src)) = fold(decoded) {
        hits.extend(values.find_iter(&folded).map(|m| {
            (
                src[m.start()].start..src[m.end() - 1].end,
                m.pattern().as_usize(),
            )
        }));
    }
    if decoded.len() >= 4 && decoded.contains(&0) {
        for (big, off) in [(false, 0), (true, 0), (false, 1), (true, 1)] {
            let units = decoded[off..].chunks_exact(2).map(|p| {
                if big {
                    u16::from_be_bytes([p[0], p[1]])
                } else {
                    u16::from_le_bytes([p[0], p[1]])
                }
            });
            let text: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or('\u{FFFD}'))
                .collect();
            let found = values
                .find_iter(text.as_bytes())
                .next()
                .or_else(|| fold(text.as_bytes()).and_then(|(f, _)| values.find_iter(&f).next()));
            if let Some(m) = found {
                hits.push((0..decoded.len(), m.pattern().as_usize()));
            }
        }
    }
    hits
}

/// Is `c` a hex digit?
fn is_hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

/// Shortest hex run looked into: 12 digits hold 6 bytes, the shortest held value.
const MIN_HEX_DIGITS: usize = 12;

/// Ranges of the view's hex runs whose decoding holds a held value, with the value's index:
/// digits in pairs, in any case, at either alignment, the pairs written together
/// (`53756e6e79`) or each after one separator (`53:75:6e`, `53 75 6E`, `53-75`, `53,75`).
/// (`\x53`, `%53` and `&#x53;` are decoded into the view itself.)
fn hex_hits(v: &[u8], values: &aho_corasick::AhoCorasick, out: &mut Vec<(Range<usize>, usize)>) {
    let mut i = 0;
    while i < v.len() {
        if !is_hex(v[i]) || (i > 0 && is_hex(v[i - 1])) {
            i += 1;
            continue;
        }
        let mut end = i;
        for skip in 0..2 {
            // (view position of each decoded byte's first digit, the bytes)
            let (mut at, mut bytes) = (Vec::new(), Vec::new());
            let mut j = i + skip;
            while j + 1 < v.len() && is_hex(v[j]) && is_hex(v[j + 1]) {
                at.push(j);
                bytes.push(((b64_hex(v[j]) << 4) | b64_hex(v[j + 1])) as u8);
                j += 2;
                let sep = v
                    .get(j)
                    .is_some_and(|c| matches!(c, b':' | b' ' | b'-' | b','));
                if sep
                    && v.get(j + 1).copied().is_some_and(is_hex)
                    && v.get(j + 2).copied().is_some_and(is_hex)
                    && !v.get(j + 3).copied().is_some_and(is_hex)
                {
                    j += 1;
                }
            }
            end = end.max(j);
            if 2 * bytes.len() < MIN_HEX_DIGITS {
                continue;
            }
            for (r, k) in decoded_hits(&bytes, values) {
                out.push((at[r.start]..at[r.end - 1] + 2, k));
            }
        }
        i = end.max(i + 1);
    }
}

/// The value of a hex digit.
fn b64_hex(c: u8) -> u32 {
    (c as char).to_digit(16).unwrap_or(0)
}

/// Ranges of the view's base64 runs whose decoding holds a held value, with the value's index.
fn base64_hits(v: &[u8], values: &aho_corasick::AhoCorasick, out: &mut Vec<(Range<usize>, usize)>) {
    let mut i = 0;
    while i < v.len() {
        if b64_value(v[i]).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        while i < v.len() && b64_value(v[i]).is_some() {
            i += 1;
        }
        if i - start < MIN_B64_RUN {
            continue;
        }
        for skip in 0..4 {
            let run = &v[start + skip..i];
            let decoded = b64_decode(run);
            for (m, k) in decoded_hits(&decoded, values) {
                // Decoded byte k lies in characters [8k/6, (8k+7)/6] of the run.
                let a = start + skip + 8 * m.start / 6;
                let b = start + skip + (8 * m.end - 1) / 6 + 1;
                out.push((a..b.min(i), k));
            }
        }
    }
}

/// Mask every held secret found in the view of `text`. `forms` are (form, mask) with their
/// matcher; `values` the held values (value, mask) with theirs.
pub(super) fn scrub<'a>(
    text: &'a str,
    forms: (&aho_corasick::AhoCorasick, &[(String, String)]),
    values: (&aho_corasick::AhoCorasick, &[(String, String)]),
    short: Option<&regex::bytes::Regex>,
) -> (Cow<'a, str>, Vec<Range<usize>>) {
    // The text decoded once, and once more (a server's `\\u0041` inside a JSON report, `%2541`
    // in a URL): each view's bytes point into the text.
    let first = build(text.as_bytes());
    let mut views = vec![first];
    if views[0].bytes.len() != text.len() || views[0].bytes != text.as_bytes() {
        let mut second = build(&views[0].bytes);
        if second.bytes != views[0].bytes {
            for r in &mut second.from {
                *r = views[0].from[r.start].start..views[0].from[r.end - 1].end;
            }
            views.push(second);
        }
    }
    // (view, range in it, mask)
    let mut hits: Vec<(usize, Range<usize>, &str)> = Vec::new();
    for (k, view) in views.iter().enumerate() {
        hits.extend(
            forms
                .0
                .find_iter(&view.bytes)
                .map(|m| (k, m.range(), forms.1[m.pattern().as_usize()].1.as_str())),
        );
        let mut b64 = Vec::new();
        base64_hits(&view.bytes, values.0, &mut b64);
        hex_hits(&view.bytes, values.0, &mut b64);
        if let Some(re) = short {
            hits.extend(
                re.captures_iter(&view.bytes)
                    .filter_map(|c| c.name("v"))
                    .map(|m| (k, m.range(), "****")),
            );
        }
        hits.extend(b64.into_iter().map(|(r, v)| (k, r, values.1[v].1.as_str())));
    }
    if hits.is_empty() {
        return (Cow::Borrowed(text), Vec::new());
    }
    hits.sort_by_key(|(k, r, _)| (views[*k].from[r.start].start, std::cmp::Reverse(r.end)));
    // Each byte of the text that a hit came from, with the hit that claims it.
    let mut owner: Vec<u32> = vec![0; text.len()];
    let mut spans = Vec::new();
    for (n, (k, r, _)) in hits.iter().enumerate() {
        let mut lo = usize::MAX;
        let mut hi = 0;
        for f in &views[*k].from[r.clone()] {
            let f = floor(text, f.start)..ceil(text, f.end);
            lo = lo.min(f.start);
            hi = hi.max(f.end);
            for o in &mut owner[f] {
                if *o == 0 {
                    *o = n as u32 + 1;
                }
            }
        }
        spans.push(lo..hi);
    }
    let mut out = String::with_capacity(text.len());
    let mut shown = vec![false; hits.len()];
    let mut i = 0;
    while i < text.len() {
        let o = owner[i];
        if o == 0 {
            let next = owner[i..]
                .iter()
                .position(|&o| o != 0)
                .map_or(text.len(), |p| i + p);
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let k = (o - 1) as usize;
        if !shown[k] {
            out.push_str(hits[k].2);
            shown[k] = true;
        }
        while i < text.len() && owner[i] == o {
            i += 1;
        }
    }
    (Cow::Owned(out), spans)
}

fn floor(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(s: &str) -> String {
        String::from_utf8_lossy(&build(s.as_bytes()).bytes).into_owned()
    }

    #[test]
    fn the_view_decodes_and_drops_what_a_reader_does_not_see() {
        // Non-ASCII is folded: `é` is `e`, `Ä` is `a`, fullwidth `Ｓ` is `s`, `ß` is `ss`.
        assert_eq!(view("a%41%4a\\u0042\\u00e9&amp;&#67;&#x44;"), "aAJBe&CD");
        assert_eq!(view("ÄÖ e\u{301}Ｓß"), "ao esss");
        assert_eq!(view("\\x41\\101%u0041\\u{41}\\u{1F600}"), "AAAA😀");
        assert_eq!(view("ab\u{1b}[1;31mcd\u{1b}[0mef"), "abcdef");
        assert_eq!(view("ab\\u001b[1mcd"), "abcd");
        assert_eq!(view("ab\n  12 | cd\r\nef\n│ gh"), "abcdefgh");
        assert_eq!(view("ab\\ncd\\\\e"), "abcd\\e");
        assert_eq!(view("\\ud83d\\ude00x"), "😀x");
        assert_eq!(view("100% sure & 5\\x"), "100% sure & 5\\x");
        assert_eq!(view("a\\_b\\*c\\$d"), "a_b*c$d");
        assert_eq!(view("a\u{200B}b\u{AD}c\u{FEFF}d\\u200be"), "abcde");
    }

    type Pairs = Vec<(String, String)>;

    fn matcher(list: &[&str]) -> (aho_corasick::AhoCorasick, Pairs) {
        let m = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(list)
            .unwrap();
        let pairs = list
            .iter()
            .map(|s| (s.to_string(), "****".to_string()))
            .collect();
        (m, pairs)
    }

    fn scrubbed(text: &str) -> (String, usize) {
        let (fm, f) = matcher(&["Sunny7pass99"]);
        let (vm, v) = matcher(&["Sunny7pass99"]);
        let (out, spans) = scrub(text, (&fm, &f), (&vm, &v), None);
        (out.into_owned(), spans.len())
    }

    #[test]
    fn a_form_escaped_twice_is_found() {
        for text in [
            "x \\\\u0053unny7pass99 y",
            "x %2553unny7pass99 y",
            "x %25%35%33unny7pass99 y",
            "x \\u0025\\u0035\\u0033unny7pass99 y",
            "x &amp;#83;unny7pass99 y",
        ] {
            let (out, hits) = scrubbed(text);
            assert!(
                hits > 0 && out.starts_with("x ****") && out.ends_with(" y"),
                "{text:?} -> {out:?}"
            );
        }
    }

    /// Random text built from every unit's pieces, complete and cut short, at the end too:
    /// no panic, and a text without a hit comes back unchanged.
    #[test]
    fn the_view_never_panics_and_changes_nothing_without_a_hit() {
        const P: &[&str] = &[
            "%",
            "%4",
            "%41",
            "%zz",
            "%2",
            "%25",
            "\\",
            "\\u",
            "\\u00",
            "\\u0041",
            "\\ud83d",
            "\\ud83d\\ude00",
            "\\ude00",
            "\\n",
            "\\x",
            "&",
            "&#",
            "&#x41;",
            "&#99999999;",
            "&amp;",
            "&bogus;",
            "\u{1b}",
            "\u{1b}[",
            "\u{1b}[1",
            "\u{1b}]",
            "\u{7}",
            "\n",
            "\r",
            "\n 12 | ",
            "│",
            "é",
            "…",
            "😀",
            "Sunny",
            "7pass",
            "99",
            "abcXYZ019",
            "+/",
            "-_",
            "=",
            "U3Vubnk3",
            "cGFzczk5",
            " ",
            // Escapes and runs the view decodes since session 3, complete and cut short.
            "\\x",
            "\\x5",
            "\\x53",
            "\\1",
            "\\12",
            "\\123",
            "\\u{",
            "\\u{53",
            "\\u{53}",
            "\\u{110000}",
            "%u",
            "%u00",
            "%u0053",
            "%uD800",
            "53756e6e79",
            "37706173733939",
            "53:75:",
            "6e 6e ",
            "00",
            "Ä",
            "ß",
            "e\u{301}",
            "\u{301}",
            "Ｓ",
            "ﬁ",
            "\u{130}",
        ];
        let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
        for _ in 0..3000 {
            let n = 1 + (next() % 10) as usize;
            let text: String = (0..n)
                .map(|_| P[(next() % P.len() as u64) as usize])
                .collect();
            let (out, hits) = scrubbed(&text);
            if hits == 0 {
                assert_eq!(out, text);
            } else {
                assert!(out.contains("****"), "{text:?} -> {out:?}");
            }
        }
    }

    #[test]
    fn hex_and_utf16_runs_are_decoded() {
        for text in [
            "x 53756e6e7937706173733939 y",
            "x 53756E6E7937706173733939 y",
            "x 0053756e6e7937706173733939 y",
            "x 53:75:6e:6e:79:37:70:61:73:73:39:39 y",
            "x 53 75 6E 6E 79 37 70 61 73 73 39 39 y",
            "x 00530075006e006e0079003700700061007300730039003900 y",
            "x UwB1AG4AbgB5ADcAcABhAHMAcwA5ADkA y",
            "x \\x53\\x75\\x6e\\x6e\\x79\\x37\\x70\\x61\\x73\\x73\\x39\\x39 y",
            "x SUNNY7PASS99 y",
            "x Ｓｕｎｎｙ７ｐａｓｓ９９ y",
        ] {
            let (out, hits) = scrubbed(text);
            assert!(
                hits > 0 && out.starts_with("x ") && out.contains("****") && out.ends_with(" y"),
                "{text:?} -> {out:?}"
            );
        }
    }

    #[test]
    fn base64_is_decoded_at_every_alignment() {
        let values = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["secret-value"])
            .unwrap();
        for prefix in ["", "a", "ab", "abc"] {
            use base64::Engine;
            let enc = base64::engine::general_purpose::STANDARD
                .encode(format!("{prefix}SECRET-VALUE tail"));
            let mut hits = Vec::new();
            base64_hits(enc.as_bytes(), &values, &mut hits);
            assert!(!hits.is_empty(), "{prefix:?} {enc}");
        }
    }
}
