//! The code frame under a lint finding: the source line, masked, cut to a readable width
//! around the match, with the span to underline. Built by the lint engine for each finding
//! (secrets must be masked before the text leaves the engine), shown by the human output.
use std::ops::Range;

use crate::lines::{LineIndex, ceil_boundary, floor_boundary};

/// The source line shown under a finding, already masked, with the span to underline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub text: String,
    /// Byte range of the underlined part within `text`.
    pub span: Range<usize>,
}

/// Longest source line shown in a frame; longer lines are cut around the match.
const FRAME_WIDTH: usize = 160;

/// Lines masked for code frames, each once, whole: a line holding many findings (a generated
/// one-line file holds 100,000) is masked one time, not once per finding, and every secret on
/// it is masked whole with all of the line as context (issue 12, class 5).
#[derive(Default)]
pub struct MaskedLines {
    lines: std::collections::HashMap<usize, (String, crate::secret::Edits)>,
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
    ) -> &(String, crate::secret::Edits) {
        if !self.lines.contains_key(&line) {
            if self.bytes > MASKED_LINES_BUDGET {
                self.lines.clear();
                self.bytes = 0;
            }
            let masked = crate::secret::redact_with_edits(&text[whole]);
            self.bytes += masked.0.len();
            self.lines.insert(line, masked);
        }
        &self.lines[&line]
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
    let (mut s, mut e) = (edits.map(start), edits.map(end).max(edits.map(start)));
    let shown = if masked.len() > FRAME_WIDTH {
        // Keep a window around the span, on character boundaries.
        let from = floor_boundary(masked, s.saturating_sub(40));
        let to = ceil_boundary(
            masked,
            (e.max(s + 1) + 40)
                .min(masked.len())
                .max((from + FRAME_WIDTH).min(masked.len())),
        );
        let prefix = if from > 0 { "…" } else { "" };
        let suffix = if to < masked.len() { "…" } else { "" };
        s = s - from + prefix.len();
        e = (e.min(to) - from) + prefix.len();
        format!("{prefix}{}{suffix}", &masked[from..to])
    } else {
        masked.clone()
    };
    Frame {
        // One copy per finding, not two: most lines hold no tab.
        text: if shown.contains('\t') {
            shown.replace('\t', " ")
        } else {
            shown
        },
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
            assert!(f.text.len() < 600, "gap {gap}: {} bytes", f.text.len());
            assert!(
                !f.text.contains(&token[..20]) && !f.text.contains(&token[token.len() - 20..]),
                "gap {gap}: {}",
                f.text
            );
            assert_eq!(
                &f.text[f.span.clone()],
                "https://acme.atlassian.net",
                "gap {gap}"
            );
        }
    }
}
