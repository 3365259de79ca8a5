//! Line arithmetic every face shares: where the lines of a text start, the line and column of
//! a byte offset, and whether a line holds only a comment. Lint, `scopes --from-code`,
//! `inventory` and the configuration's error messages use these instead of counting newlines
//! each in its own way.
use std::ops::Range;

/// Byte offsets of line starts.
pub struct LineIndex {
    starts: Vec<usize>,
    /// The last position computed (byte offset, 1-based column): the next one on the same
    /// line counts characters from there, not from the line start, so the columns of many
    /// findings on one long line cost time linear in the line.
    last: std::cell::Cell<(usize, usize)>,
    /// The line [`LineIndex::line_of`] found last: findings come in order, most on the line
    /// of the one before or the next, so that line and the next are tried before the search.
    last_line: std::cell::Cell<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex {
            starts,
            last: std::cell::Cell::new((usize::MAX, 0)),
            last_line: std::cell::Cell::new(0),
        }
    }

    /// The 0-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let holds = |line: usize| {
            self.starts.get(line).is_some_and(|&s| s <= offset)
                && self.starts.get(line + 1).is_none_or(|&next| offset < next)
        };
        let last = self.last_line.get();
        let line = if holds(last) {
            last
        } else if holds(last + 1) {
            last + 1
        } else {
            self.starts.partition_point(|&s| s <= offset) - 1
        };
        self.last_line.set(line);
        line
    }

    /// How many lines the text has (an empty text has one).
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Never true: even an empty text has a line.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Where the 0-based `line` starts.
    pub fn start(&self, line: usize) -> usize {
        self.starts[line]
    }

    /// Where the 0-based `line` ends: the offset of its `\n`, or the text's length.
    pub fn end(&self, text: &str, line: usize) -> usize {
        self.starts.get(line + 1).map_or(text.len(), |&s| s - 1)
    }

    /// 1-based line and 1-based column counted in characters (Unicode scalar values).
    pub fn position(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        let (start, end) = (self.start(line), self.end(text, line));
        let off = floor_boundary(text, offset);
        let (last, last_column) = self.last.get();
        let column = if last < start || last > end {
            text[start..off].chars().count() + 1
        } else if last <= off {
            last_column + text[last..off].chars().count()
        } else {
            last_column - text[off..last].chars().count()
        };
        self.last.set((off, column));
        (line + 1, column)
    }

    /// The 0-based `line` without its `\n` nor a `\r` before it: the text a code frame shows.
    pub fn shown(&self, text: &str, line: usize) -> Range<usize> {
        let (start, end) = (self.start(line), self.end(text, line));
        let end = if end > start && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }
}

/// Does the line hold only a comment (`#`, `//`, `-- `, `;`, `* `, `/*`, `<!--`, `REM`)? A
/// shebang is a comment too; `--user` (a curl continuation line) is not.
pub fn is_comment_line(line: &str) -> bool {
    let l = line.trim_start();
    [
        "#", "//", "-- ", ";", "* ", "*/", "/*", "<!--", "REM ", "rem ", "::",
    ]
    .iter()
    .any(|p| l.starts_with(p))
        || l == "*"
}

/// `i` moved back to a character boundary of `text` (and to at most its length).
pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `i` moved on to a character boundary of `text` (and to at most its length).
pub fn ceil_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The line found from the last one is the line the search finds, in any order of
    /// offsets (in order, backwards, at random, past the end).
    #[test]
    fn line_of_is_the_search() {
        let mut next = crate::testing::xorshift(0x7f4a_7c15_9e37_79b9);
        for text in ["", "\n", "a", "a\n", "\n\nab\n\ncd", "x\ny\n\n\nzz\n"] {
            let idx = LineIndex::new(text);
            let search = |o: usize| idx.starts.partition_point(|&s| s <= o) - 1;
            let mut offsets: Vec<usize> = (0..=text.len() + 2).collect();
            offsets.extend((0..=text.len() + 2).rev());
            offsets.extend((0..40).map(|_| (next() % (text.len() as u64 + 3)) as usize));
            for o in offsets {
                assert_eq!(idx.line_of(o), search(o), "{text:?} at {o}");
            }
        }
    }
}
