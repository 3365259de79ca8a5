//! JSON reports a consumer can print (`jq -r .message` in a CI step) without a raw control
//! character reaching a terminal or a log (SPEC, security invariants; issue 12, class 3).
//!
//! serde_json writes ESC as `\u001b`, and the sink writes DEL, C1 controls, the line separators
//! and the bidirectional overrides it meets in a line as `\u2028`-style text: in a JSON string
//! both are escapes that a JSON reader decodes back into the raw character. Every report is
//! therefore serialized through [`to_writer_pretty`], whose formatter writes those characters
//! (and carriage return, backspace and form feed) as text a reader decodes to the six
//! characters `\u001b`, not to ESC. Newline and tab stay (a SARIF rule's help is Markdown);
//! the messages and paths that could carry a newline are one line before they enter a report.
//! Baselines (one entry per line) use [`to_string`]. The source audit
//! (`tests/trust/sink_audit.rs`) refuses serde_json's own writers anywhere else.
use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter};

/// `serde_json::to_writer_pretty`, with the escaping above.
pub fn to_writer_pretty<W: io::Write + ?Sized, T: Serialize + ?Sized>(
    writer: &mut W,
    value: &T,
) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, Safe(PrettyFormatter::new()));
    value.serialize(&mut ser)
}

/// `serde_json::to_string` (one line: a baseline entry), with the escaping above.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe(CompactFormatter));
    value.serialize(&mut ser)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// `serde_json::to_string_pretty`, with the escaping above.
pub fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    to_writer_pretty(&mut out, value)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// Write `s` as a JSON string literal, exactly as [`to_writer_pretty`] writes it: the one
/// escaping path of the reports that write findings by hand (issue 12, class 5). A string of
/// printable characters with no quote or backslash, nearly every one, is copied as it is.
pub fn write_str<W: io::Write + ?Sized>(w: &mut W, s: &str) -> io::Result<()> {
    if plain(s) {
        w.write_all(b"\"")?;
        w.write_all(s.as_bytes())?;
        return w.write_all(b"\"");
    }
    let mut ser = serde_json::Serializer::with_formatter(&mut *w, Safe(CompactFormatter));
    s.serialize(&mut ser).map_err(io::Error::from)
}

/// What [`write_str`] writes between the quotes. The characters of a string are escaped one
/// by one, so the bodies of two strings written one after the other are the body of the two
/// joined.
pub fn write_str_body<W: io::Write + ?Sized>(w: &mut W, s: &str) -> io::Result<()> {
    if plain(s) {
        return w.write_all(s.as_bytes());
    }
    let mut quoted = Vec::with_capacity(s.len() + 16);
    write_str(&mut quoted, s)?;
    w.write_all(&quoted[1..quoted.len() - 1])
}

/// Does `s` go into a JSON string unchanged (no escape of serde_json's, none of [`Safe`])?
fn plain(s: &str) -> bool {
    let mut ascii = true;
    for &b in s.as_bytes() {
        if b < 0x20 || b == b'"' || b == b'\\' || b == 0x7f {
            return false;
        }
        ascii &= b < 0x80;
    }
    ascii || !s.chars().any(unsafe_char)
}

/// [`write_str`] of the strings a report repeats (the path, message and fix that a file's
/// findings share, two rules' findings taking turns on a line), escaped once and copied
/// while the same string comes again.
#[derive(Default)]
pub struct StrCache<'a> {
    slots: [Option<(&'a str, Vec<u8>)>; 4],
    next: usize,
}

impl<'a> StrCache<'a> {
    pub fn write<W: io::Write + ?Sized>(&mut self, w: &mut W, s: &'a str) -> io::Result<()> {
        // The same string (not only equal text): findings share it behind an `Arc`.
        if let Some((_, bytes)) = self
            .slots
            .iter()
            .flatten()
            .find(|(l, _)| std::ptr::eq(*l, s))
        {
            return w.write_all(bytes);
        }
        let mut bytes = match self.slots[self.next].take() {
            Some((_, mut bytes)) => {
                bytes.clear();
                bytes
            }
            None => Vec::new(),
        };
        write_str(&mut bytes, s)?;
        w.write_all(&bytes)?;
        self.slots[self.next] = Some((s, bytes));
        self.next = (self.next + 1) % self.slots.len();
        Ok(())
    }
}

/// [`write_str`] of `a` followed by `b`, without making the string.
pub fn write_str2<W: io::Write + ?Sized>(w: &mut W, a: &str, b: &str) -> io::Result<()> {
    if plain(a) && plain(b) {
        w.write_all(b"\"")?;
        w.write_all(a.as_bytes())?;
        w.write_all(b.as_bytes())?;
        return w.write_all(b"\"");
    }
    write_str(w, &format!("{a}{b}"))
}

/// `n` in decimal, as serde_json writes an integer.
pub fn write_usize<W: io::Write + ?Sized>(w: &mut W, n: usize) -> io::Result<()> {
    w.write_all(itoa::Buffer::new().format(n).as_bytes())
}

/// Write `value` as [`to_writer_pretty`] would inside a document, `indent` spaces deeper
/// (an array element written by hand among others: the fallback of the hand-written
/// writers, and what their tests compare them with).
pub fn write_indented<W: io::Write + ?Sized, T: Serialize + ?Sized>(
    w: &mut W,
    value: &T,
    indent: usize,
) -> io::Result<()> {
    let mut buf = Vec::new();
    to_writer_pretty(&mut buf, value)?;
    let pad = vec![b' '; indent];
    w.write_all(&pad)?;
    let mut rest = &buf[..];
    // Strings hold no raw newline (they are escaped): every newline is the layout's.
    while let Some(i) = memchr::memchr(b'\n', rest) {
        w.write_all(&rest[..=i])?;
        w.write_all(&pad)?;
        rest = &rest[i + 1..];
    }
    w.write_all(rest)
}

/// Characters a JSON string may carry raw but a reader must not get back raw.
fn unsafe_char(c: char) -> bool {
    c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || super::sink::reorders_or_breaks(c)
}

/// The escaping above around serde_json's pretty or compact layout.
struct Safe<F>(F);

/// Write `\\uXXXX`: a JSON string's text for the six characters `\uXXXX`.
fn literal<W: ?Sized + io::Write>(w: &mut W, code: u32) -> io::Result<()> {
    write!(w, "\\\\u{code:04x}")
}

impl<F: Formatter> Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // ASCII but DEL (nearly every fragment): as it is.
        if fragment.bytes().all(|b| b < 0x7f) || !fragment.chars().any(unsafe_char) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if unsafe_char(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                literal(w, c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        match escape {
            CharEscape::Quote => w.write_all(b"\\\""),
            CharEscape::ReverseSolidus => w.write_all(b"\\\\"),
            CharEscape::Solidus => w.write_all(b"\\/"),
            CharEscape::LineFeed => w.write_all(b"\\n"),
            CharEscape::Tab => w.write_all(b"\\t"),
            CharEscape::Backspace => literal(w, 0x08),
            CharEscape::FormFeed => literal(w, 0x0c),
            CharEscape::CarriageReturn => literal(w, 0x0d),
            CharEscape::AsciiControl(b) => literal(w, u32::from(b)),
        }
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_reader_decodes_no_raw_control() {
        let v = serde_json::json!({
            "m": "a\u{1b}[2Jb\u{7f}c\u{9b}d\u{202e}e\u{2028}f\rg\nh\ti\"j\\k/é…",
            "k\u{85}": [1, "x"],
        });
        let text = super::to_string_pretty(&v).unwrap();
        // The same layout as serde_json's pretty printer where nothing is escaped.
        assert_eq!(
            super::to_string_pretty(&serde_json::json!({"a": [1, {"b": null}]})).unwrap(),
            serde_json::to_string_pretty(&serde_json::json!({"a": [1, {"b": null}]})).unwrap()
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back["m"],
            "a\\u001b[2Jb\\u007fc\\u009bd\\u202ee\\u2028f\\u000dg\nh\ti\"j\\k/é…"
        );
        assert!(back.get("k\\u0085").is_some(), "{text}");
        // The implicit direction marks too (LRM, RLM, ALM) and the isolates.
        let marks =
            super::to_string_pretty(&serde_json::json!({"m": "x\u{200e}y\u{61c}z\u{2066}"}))
                .unwrap();
        let marks_back: serde_json::Value = serde_json::from_str(&marks).unwrap();
        assert_eq!(marks_back["m"], "x\\u200ey\\u061cz\\u2066");
        // The hand-written reports' string path writes what serde_json's does.
        for s in [
            "plain text",
            "é… and 😀",
            "a\u{1b}[2Jb\u{7f}c\u{9b}d\u{202e}e\u{2028}f\rg\nh\ti\"j\\k/",
            "\u{8}\u{c}\u{0}",
            "r\u{200f}l\u{200e}a\u{61c}",
            "",
        ] {
            let mut w = Vec::new();
            super::write_str(&mut w, s).unwrap();
            assert_eq!(
                String::from_utf8(w).unwrap(),
                super::to_string(s).unwrap(),
                "{s:?}"
            );
            let mut w = Vec::new();
            super::write_str2(&mut w, s, ":1").unwrap();
            assert_eq!(
                String::from_utf8(w).unwrap(),
                super::to_string(&format!("{s}:1")).unwrap(),
                "{s:?}"
            );
            // Cached: the same bytes, first and second time, among other strings.
            let mut cache = super::StrCache::default();
            let others: Vec<String> = (0..6).map(|i| format!("o{i}")).collect();
            let mut w = Vec::new();
            for o in &others {
                cache.write(&mut w, s).unwrap();
                cache.write(&mut w, o).unwrap();
            }
            let mut reference = Vec::new();
            for o in &others {
                super::write_str(&mut reference, s).unwrap();
                super::write_str(&mut reference, o).unwrap();
            }
            assert_eq!(w, reference);
        }
        let line = super::to_string(&v).unwrap();
        assert!(!line.contains('\n') && !line.contains('\u{202e}'), "{line}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&line).unwrap(),
            back
        );
    }
}
