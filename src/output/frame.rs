//! The code frame under a lint finding: the source line, masked, cut to a readable width
//! around the match, with the span to underline. Built by the lint engine for each finding
//! (secrets must be masked before the text leaves the engine), shown by the human output.
use std::ops::Range;

use crate::lines::{LineIndex, ceil_boundary, floor_boundary};

/// The source line shown under a finding, already masked, with the span to underline.
///
/// A frame borrows its text from the line masked once for every finding on it (shared, not
/// copied: a generated file may hold 500,000 findings, and a copy each made the report's
/// memory, not the scan, the cost; issue 12, class 5). The text shown is `…` when `prefix`,
/// then `line[window]` with each tab shown as a space, then `…` when `suffix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    line: std::sync::Arc<str>,
    window: Range<usize>,
    prefix: bool,
    suffix: bool,
    /// Byte range of the underlined part within the text shown ([`Frame::text`]).
    pub span: Range<usize>,
}

impl Frame {
    /// The text shown (tabs as spaces).
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.for_each_piece(|p| s.push_str(p));
        s
    }

    /// Write the text shown: the same bytes as [`Frame::text`], without making it.
    pub fn write_to<W: std::io::Write + ?Sized>(&self, out: &mut W) -> std::io::Result<()> {
        let mut res = Ok(());
        self.for_each_piece(|p| {
            if res.is_ok() {
                res = out.write_all(p.as_bytes());
            }
        });
        res
    }

    /// Characters of the text shown before the span (where the carets start).
    pub fn lead(&self) -> usize {
        self.chars(0..self.span.start)
    }

    /// Characters of the span (how many carets).
    pub fn width(&self) -> usize {
        self.chars(self.span.clone())
    }

    /// Characters of the text shown in byte range `r` of it (tabs count as the one space
    /// they are shown as: a byte each either way).
    fn chars(&self, r: Range<usize>) -> usize {
        let mut n = 0;
        let mut at = 0;
        self.for_each_piece(|p| {
            let (from, to) = (r.start.max(at), r.end.min(at + p.len()));
            if from < to {
                n += p[from - at..to - at].chars().count();
            }
            at += p.len();
        });
        n
    }

    fn for_each_piece(&self, mut f: impl FnMut(&str)) {
        if self.prefix {
            f("…");
        }
        let mut shown = &self.line[self.window.clone()];
        while let Some(i) = shown.find('\t') {
            f(&shown[..i]);
            f(" ");
            shown = &shown[i + 1..];
        }
        f(shown);
        if self.suffix {
            f("…");
        }
    }
}

/// Longest source line shown in a frame; longer lines are cut around the match.
const FRAME_WIDTH: usize = 160;

/// Lines masked for code frames, each once, whole: a line holding many findings (a generated
/// one-line file holds 100,000) is masked one time, not once per finding, and every secret on
/// it is masked whole with all of the line as context (issue 12, class 5).
#[derive(Default)]
pub struct MaskedLines {
    /// One lookup per finding, on a line number: ordered, so that lines asked for in order
    /// (each rule's findings are) are found next to the ones before instead of one cache miss
    /// each in a hash table (a file of 220,000 lines of one token each), and with no hash a
    /// file's line numbers could crowd.
    lines: std::collections::BTreeMap<usize, (std::sync::Arc<str>, crate::secret::Edits)>,
    bytes: usize,
}

/// Bytes of masked lines kept for one file before the oldest are dropped.
const MASKED_LINES_BUDGET: usize = 64 * 1024 * 1024;

impl MaskedLines {
    fn get(
        &mut self,
        text: &str,
        line: usize,
        whole: Range<usize>,
    ) -> &(std::sync::Arc<str>, crate::secret::Edits) {
        if self.bytes > MASKED_LINES_BUDGET && !self.lines.contains_key(&line) {
            self.lines.clear();
            self.bytes = 0;
        }
        // One hash per finding: a line of 220,000 findings is looked up as many times.
        let bytes = &mut self.bytes;
        self.lines.entry(line).or_insert_with(|| {
            let (masked, edits) = crate::secret::redact_with_edits(&text[whole]);
            *bytes += masked.len();
            (masked.into(), edits)
        })
    }
}

/// The frame of the match `range` of `text`; `masked` keeps the lines masked so far in this
/// file.
pub fn frame(
    text: &str,
    index: &LineIndex,
    range: Range<usize>,
    masked: &mut MaskedLines,
) -> Frame {
    let line = index.line_of(range.start);
    let whole = index.shown(text, line);
    let span_end = range.end.min(whole.end).max(range.start);
    let (masked, edits) = masked.get(text, line, whole.clone());
    let start = range.start.max(whole.start) - whole.start;
    let end = span_end - whole.start;
    let at = edits.map(start);
    let (mut s, mut e) = (at, edits.map(end).max(at));
    let (window, prefix, suffix) = if masked.len() > FRAME_WIDTH {
        // Keep a window around the span, on character boundaries.
        let from = floor_boundary(masked, s.saturating_sub(40));
        let to = ceil_boundary(
            masked,
            (e.max(s + 1) + 40)
                .min(masked.len())
                .max((from + FRAME_WIDTH).min(masked.len())),
        );
        let prefix = from > 0;
        let lead = if prefix { "…".len() } else { 0 };
        s = s - from + lead;
        e = (e.min(to) - from) + lead;
        (from..to, prefix, to < masked.len())
    } else {
        (0..masked.len(), false, false)
    };
    Frame {
        line: masked.clone(),
        window,
        prefix,
        suffix,
        span: s..e.max(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_frame_is_small_and_masks_secrets_at_its_edges() {
        let token =
            crate::token::with_crc_tail(&format!("ATATT3xFfGF0{}=", "aB3dE5gH7j".repeat(17)));
        for gap in [0usize, 10, 500, 974, 1027, 5000] {
            // A token at several distances before and after the match, on a 200 KB line.
            let filler = "w ".repeat(50_000);
            let text = format!(
                "{filler}{token}{} https://acme.atlassian.net {}{token} {filler}",
                " ".repeat(gap),
                " ".repeat(gap)
            );
            let idx = LineIndex::new(&text);
            let at = text.find("https://").unwrap();
            let f = frame(
                &text,
                &idx,
                at..at + "https://acme.atlassian.net".len(),
                &mut MaskedLines::default(),
            );
            let shown = f.text();
            assert!(shown.len() < 600, "gap {gap}: {} bytes", shown.len());
            assert!(
                !shown.contains(&token[..20]) && !shown.contains(&token[token.len() - 20..]),
                "gap {gap}: {shown}"
            );
            let mut written = Vec::new();
            f.write_to(&mut written).unwrap();
            assert_eq!(written, shown.as_bytes());
            assert_eq!(f.lead(), shown[..f.span.start].chars().count());
            assert_eq!(f.width(), shown[f.span.clone()].chars().count());
            assert_eq!(
                &shown[f.span.clone()],
                "https://acme.atlassian.net",
                "gap {gap}"
            );
        }
    }
}
