//! The one way out: every byte atlcheck prints or writes goes through a [`Sink`].
//!
//! SPEC, security invariants: no output carries a whole secret, and no output line can start a
//! CI workflow command or a terminal escape that atlcheck did not write as such. Masking where
//! values are formatted misses every new field, so the guarantee lives here, at the sink, and
//! a new command gets it by writing through this module:
//!
//! | to write to | use |
//! |---|---|
//! | standard output | [`stdout()`] (a [`Sink`]), or `--output-file` through [`crate::output::destination`] |
//! | standard error | [`stderr()`], or the [`errln!`](crate::errln) macro (`errln!("atlcheck: note: {x}")`) |
//! | a report file, a baseline | [`create`] (refuses to block on a FIFO without a reader) |
//! | a GitHub workflow command | [`Sink::workflow_command`], the only way to start a line with `::` |
//! | a progress line redrawn with `\r` | [`Sink::terminal_control`] |
//!
//! A [`Sink`] implements [`std::io::Write`]; it buffers up to the end of each line, then:
//! 1. replaces every secret the process holds ([`crate::secret::register`]; [`crate::secret::Secret::new`]
//!    registers its value) and every encoded form of one by its mask, then every secret-looking
//!    value the patterns recognise ([`crate::secret::scrub_output`]);
//! 2. escapes control characters ([`escape_controls`]): C0 but tab, DEL, C1, the Unicode line
//!    and paragraph separators and the bidirectional overrides become `\u001b`-style text;
//!    SGR colour sequences (`ESC [ … m`) pass only while colour is on for the run;
//! 3. defuses workflow commands atlcheck did not write: a line whose first non-blank characters
//!    are `::` has its first `:` written `%3A`, and `##[` is written `##%5B` anywhere.
//!
//! Cleaning costs a pass over each line: a line with none of the bytes any of this can act on
//! (no held secret anywhere in the chunk, no byte the patterns start from, no control, no
//! `::` or `##[`) is passed through as it is, and a line already cleaned is remembered.
//! A partial line is processed on [`Write::flush`] and when the sink is dropped. The source
//! audit test (`tests/trust/sink_audit.rs`) fails when code under `src/` prints or writes a file
//! without this module.
use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;

enum Target {
    Stdout,
    Stderr,
    File(BufWriter<File>),
    Memory(Vec<u8>),
}

/// A scrubbing writer; see the module documentation.
pub struct Sink {
    target: Target,
    pending: Vec<u8>,
    /// Lines already cleaned (reports repeat many lines), for one registry generation and
    /// colour setting.
    cache: rustc_hash::FxHashMap<String, String>,
    cache_key: (usize, bool),
    clean: CleanLines,
}

/// Lines [`crate::secret::output_needs_scrub`] passed, kept in a small direct-mapped table:
/// reports repeat most of their lines (a rule's message and fix, JSON keys, frame gutters),
/// and comparing a line with a kept copy (`memcmp`) costs a fraction of testing its bytes
/// again. Only the test's answer for exactly these bytes is reused; held secrets are still
/// looked for in every chunk.
struct CleanLines {
    slots: Vec<Vec<u8>>,
}

impl CleanLines {
    const SLOTS: usize = 1024;
    /// Shorter lines are tested anew (the table would not save anything), and longer ones
    /// too (the table stays under 4 MiB).
    const MIN: usize = 24;
    const MAX: usize = 4096;

    fn new() -> CleanLines {
        // Allocated on first use: a sink per stderr note must stay cheap.
        CleanLines { slots: Vec::new() }
    }

    /// [`crate::secret::output_needs_scrub`], remembered for lines that need nothing.
    fn needs_scrub(&mut self, line: &str) -> bool {
        let b = line.as_bytes();
        if b.len() < Self::MIN || b.len() > Self::MAX {
            return crate::secret::output_needs_scrub(line);
        }
        if self.slots.is_empty() {
            self.slots = vec![Vec::new(); Self::SLOTS];
        }
        let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
        let h =
            (word(0) ^ word(b.len() / 2 - 4).rotate_left(21) ^ word(b.len() - 8).rotate_left(42))
                .wrapping_add(b.len() as u64)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let slot = &mut self.slots[(h >> 54) as usize % Self::SLOTS];
        if slot.as_slice() == b {
            return false;
        }
        let needs = crate::secret::output_needs_scrub(line);
        if !needs {
            slot.clear();
            slot.extend_from_slice(b);
        }
        needs
    }
}

/// Standard output, scrubbed.
pub fn stdout() -> Sink {
    Sink::new(Target::Stdout)
}

/// Standard error, scrubbed.
pub fn stderr() -> Sink {
    Sink::new(Target::Stderr)
}

/// Is standard output a terminal? (Colour and progress decisions; never write to it directly.)
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Is standard error a terminal?
pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// Create (truncate) a file to write a report or a baseline to. A FIFO without a reader is an
/// error rather than a hang (the file is opened non-blocking, then set back to blocking).
pub fn create(path: &Path) -> io::Result<Sink> {
    let file = open_for_write(path)?;
    Ok(Sink::new(Target::File(BufWriter::new(file))))
}

#[cfg(unix)]
fn open_for_write(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags(libc_nonblock())
        .open(path)
        .map_err(|e| {
            if e.raw_os_error() == Some(6) {
                // ENXIO: a FIFO nobody reads.
                io::Error::other("a FIFO with no reader")
            } else {
                e
            }
        })?;
    set_blocking(&file);
    Ok(file)
}

#[cfg(not(unix))]
fn open_for_write(path: &Path) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

/// `O_NONBLOCK`, which has this value on Linux and the BSDs/macOS differ: ask the OS crate.
#[cfg(unix)]
pub(crate) fn libc_nonblock() -> i32 {
    libc::O_NONBLOCK
}

#[cfg(unix)]
pub(crate) fn set_blocking(file: &File) {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: fcntl on a file descriptor we own, with F_GETFL/F_SETFL only.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
    }
}

impl Sink {
    fn new(target: Target) -> Sink {
        Sink {
            target,
            pending: Vec::new(),
            cache: rustc_hash::FxHashMap::default(),
            cache_key: (usize::MAX, false),
            clean: CleanLines::new(),
        }
    }

    /// A sink that keeps what it is given, for tests and for output assembled before it is sent.
    pub fn memory() -> Sink {
        Sink::new(Target::Memory(Vec::new()))
    }

    /// What a [`Sink::memory`] sink received, scrubbed (pending text included).
    pub fn into_bytes(mut self) -> Vec<u8> {
        let _ = self.flush();
        match std::mem::replace(&mut self.target, Target::Memory(Vec::new())) {
            Target::Memory(v) => v,
            _ => Vec::new(),
        }
    }

    /// Write one GitHub Actions workflow command, `::command k=v,...::message`, escaping the
    /// property values (`%`, CR, LF, `:`, `,`) and the message (`%`, CR, LF) as the runner
    /// expects. This is the only way a line may start with `::`.
    pub fn workflow_command(
        &mut self,
        command: &str,
        properties: &[(&str, &str)],
        message: &str,
    ) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.pending.push(b'\n');
            // All of it: a line held back for a secret it may continue must go out first.
            self.process_pending(true)?;
        }
        // One line built in place (a report may write 500,000 of them; issue 12, class 5).
        // Secrets are masked before the escaping: a held secret with `%`, `:` or `,` in it is
        // no registered form once escaped.
        let message = crate::secret::scrub_output(message);
        let mut line = String::with_capacity(64 + 32 * properties.len() + message.len());
        line.push_str("::");
        line.extend(
            command
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-'),
        );
        for (n, (k, v)) in properties.iter().enumerate() {
            line.push(if n == 0 { ' ' } else { ',' });
            line.push_str(k);
            line.push('=');
            push_escaped(&mut line, &crate::secret::scrub_output(v), true);
        }
        line.push_str("::");
        push_escaped(&mut line, &message, false);
        let clean = clean_line(&line, true);
        self.emit(clean.as_bytes())?;
        self.emit(b"\n")
    }

    /// Write text that atlcheck composed to control a terminal (a progress line redrawn with
    /// `\r`, an erase-line sequence): secrets are still scrubbed, control characters kept.
    pub fn terminal_control(&mut self, text: &str) -> io::Result<()> {
        self.flush()?;
        let scrubbed = crate::secret::scrub_output(text);
        self.emit(scrubbed.as_bytes())?;
        self.flush_target()
    }

    fn emit(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.target {
            Target::Stdout => io::stdout().lock().write_all(bytes),
            Target::Stderr => io::stderr().lock().write_all(bytes),
            Target::File(f) => f.write_all(bytes),
            Target::Memory(v) => {
                v.extend_from_slice(bytes);
                Ok(())
            }
        }
    }

    fn flush_target(&mut self) -> io::Result<()> {
        match &mut self.target {
            Target::Stdout => io::stdout().lock().flush(),
            Target::Stderr => io::stderr().lock().flush(),
            Target::File(f) => f.flush(),
            Target::Memory(_) => Ok(()),
        }
    }

    /// Process every complete line in `pending` (and the rest too when `all`).
    fn process_pending(&mut self, all: bool) -> io::Result<()> {
        let cut = if all {
            self.pending.len()
        } else {
            match self.pending.iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None => return Ok(()),
            }
        };
        if cut == 0 {
            return Ok(());
        }
        let rest = self.pending.split_off(cut);
        let chunk = std::mem::replace(&mut self.pending, rest);
        // Valid UTF-8 (nearly always) is checked by the fast validator and borrowed.
        let original = match std::str::from_utf8(&chunk) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => String::from_utf8_lossy(&chunk),
        };
        // Held secrets are looked for in the decoded view of the whole chunk (a form may run
        // across lines); the last lines wait while a held secret could still continue in them.
        let (text, used) = crate::secret::scrub_held(&original, !all);
        if used < original.len() {
            let mut back = original.as_bytes()[used..].to_vec();
            back.append(&mut self.pending);
            self.pending = back;
        }
        if text.is_empty() {
            return Ok(());
        }
        let key = (
            crate::secret::registry_generation(),
            crate::output::color::enabled(),
        );
        if key != self.cache_key || self.cache.len() > 4096 {
            self.cache.clear();
            self.cache_key = key;
        }
        // Most lines of a large report need nothing: one pass over the chunk for the secrets
        // the process holds, then a fused byte test per line ([`crate::secret::output_needs_scrub`])
        // lets such a line through as it is; the others are cleaned (and remembered).
        let held = crate::secret::holds_registered(&text);
        let mut out: Option<String> = None;
        let mut done_to = 0;
        // Lines found with memchr (a report of 500,000 findings has millions of them).
        let ends = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|i| i + 1)
            .chain((!text.ends_with('\n')).then_some(text.len()));
        for end in ends {
            let piece = &text[done_to..end];
            let (line, nl) = match piece.strip_suffix('\n') {
                Some(l) => (l, "\n"),
                None => (piece, ""),
            };
            let start = done_to;
            done_to = end;
            if !held && !self.clean.needs_scrub(line) {
                if let Some(out) = &mut out {
                    out.push_str(piece);
                }
                continue;
            }
            // The first line that changes: what came before it goes out as it was.
            let out = out.get_or_insert_with(|| {
                let mut o = String::with_capacity(text.len() + 64);
                o.push_str(&text[..start]);
                o
            });
            match self.cache.get(line) {
                Some(done) => out.push_str(done),
                None => {
                    let done = clean_line(line, false);
                    out.push_str(&done);
                    if line.len() <= 512 {
                        self.cache.insert(line.to_string(), done);
                    }
                }
            }
            out.push_str(nl);
        }
        match out {
            Some(out) => self.emit(out.as_bytes()),
            None => self.emit(text.as_bytes()),
        }
    }
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if buf.contains(&b'\n') {
            self.process_pending(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.process_pending(true)?;
        self.flush_target()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// One line of output made safe: secrets scrubbed, control characters escaped, workflow
/// commands defused unless `command` (written by [`Sink::workflow_command`]).
pub fn clean_line(line: &str, command: bool) -> String {
    let scrubbed = crate::secret::scrub_output(line);
    let escaped = escape_controls(&scrubbed, crate::output::color::enabled());
    let mut s = escaped.into_owned();
    if let Cow::Owned(d) = defuse_hash_commands(&s) {
        s = d;
    }
    if !command {
        let lead = s.len() - s.trim_start().len();
        if s[lead..].starts_with("::") {
            s.replace_range(lead..lead + 1, "%3A");
        }
    }
    s
}

/// Write the `[` of `##[` (GitHub's and Azure's `##[error]`, `##[group]`), of `##vso[`
/// (Azure Pipelines' logging commands: `##vso[task.setvariable …]`, `##vso[task.prependpath]`,
/// which the agent finds anywhere in a line, in stdout and stderr alike) and of any `##word[`
/// (TeamCity's `##teamcity[`) as `%5B`. The word counts in any letter case, and characters a
/// reader does not see (zero-width space, soft hyphen, BOM, variation selectors: a
/// culture-aware comparison ignores them) count for nothing between the parts.
pub fn defuse_hash_commands(s: &str) -> Cow<'_, str> {
    if !s.contains('[') || !s.contains('#') {
        return Cow::Borrowed(s);
    }
    let mut out: Option<String> = None;
    for (i, c) in s.char_indices() {
        let hit = c == '[' && hash_command_before(&s[..i]);
        if hit && out.is_none() {
            out = Some(s[..i].to_string());
        }
        if let Some(o) = &mut out {
            if hit {
                o.push_str("%5B");
            } else {
                o.push(c);
            }
        }
    }
    out.map_or(Cow::Borrowed(s), Cow::Owned)
}

/// Does `before` end in `##` and at most 16 ASCII letters (`##`, `##vso`, `##teamcity`), in
/// any case, ignoring invisible characters?
fn hash_command_before(before: &str) -> bool {
    let mut chars = before.chars().rev().filter(|c| !ignorable(*c)).peekable();
    let mut letters = 0;
    while chars.next_if(char::is_ascii_alphabetic).is_some() {
        letters += 1;
        if letters > 16 {
            return false;
        }
    }
    chars.next() == Some('#') && chars.next() == Some('#')
}

/// Characters with no glyph that text comparisons may ignore (Unicode's default ignorable
/// code points, in the ranges that occur).
fn ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// Characters that must never reach a terminal or a log raw.
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || reorders_or_breaks(c)
}

/// Not control characters, but as dangerous in a report: the Unicode line and paragraph
/// separators, and every character that changes the direction text is shown in (the bidi
/// embeddings, overrides and isolates, and the implicit marks LRM, RLM and ALM), with which a
/// path or a server's answer could make a line read as something else (Trojan Source). One
/// list for the sink and for JSON strings ([`crate::output::safe_json`]).
pub(crate) fn reorders_or_breaks(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
    )
}

/// Escape control characters (C0 but tab and newline, DEL, C1, U+2028/2029, the bidi
/// overrides) as `\u001b`-style text. With `allow_sgr`, colour sequences `ESC [ digits;… m`
/// pass unchanged.
pub fn escape_controls(s: &str, allow_sgr: bool) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' && allow_sgr {
            let seq_len = rest[1..].strip_prefix('[').and_then(|t| {
                let n = t
                    .bytes()
                    .take_while(|b| b.is_ascii_digit() || *b == b';')
                    .count();
                (t.as_bytes().get(n) == Some(&b'm') && palette(&t[..n])).then_some(n + 3)
            });
            if let Some(n) = seq_len {
                out.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
        }
        if is_dangerous(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// Is `params` (`1;31`) made only of what atlcheck's own colours use: reset, bold, dim,
/// italic, underline, their resets and a foreground colour (not black)? Conceal, reverse,
/// blink, backgrounds and 256/RGB colours (which can hide text: black on black) are escaped
/// even while colour is on, so a server's answer shown by the doctor cannot hide what follows.
fn palette(params: &str) -> bool {
    params.split(';').all(|p| {
        p.is_empty()
            || matches!(
                p.parse::<u16>(),
                Ok(0..=4 | 22..=24 | 39 | 31..=37 | 91..=97)
            )
    })
}

/// Escape control characters in a value (a path, a message) so it stays on one line:
/// newline and tab too. Use it where a value is placed into a line of output.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if one_line_already(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_dangerous(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Does [`one_line`] leave `s` as it is (no newline, tab or [`is_dangerous`] character)? A
/// byte test over ASCII, a character test only where a character is not (every finding's
/// message passes here; most are ASCII but for a mask's `…`).
fn one_line_already(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c < 0x80 {
            // Every ASCII control (tab and newline too) is escaped; nothing else is.
            if c < 0x20 || c == 0x7f {
                return false;
            }
            i += 1;
            continue;
        }
        let Some(ch) = s[i..].chars().next() else {
            return true;
        };
        if is_dangerous(ch) {
            return false;
        }
        i += ch.len_utf8();
    }
    true
}

/// Escape workflow-command data (the message): `%`, CR, LF.
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s, false);
    out
}

/// Escape a workflow-command property value (`file=`, `title=`): also `:` and `,`.
pub fn escape_property(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_escaped(&mut out, s, true);
    out
}

/// [`escape_data`] (or with `property`, [`escape_property`]) of `s`, appended to `out` in
/// one pass: what needs no escape is copied in runs.
fn push_escaped(out: &mut String, s: &str, property: bool) {
    let mut from = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc = match b {
            b'%' => "%25",
            b'\r' => "%0D",
            b'\n' => "%0A",
            b':' if property => "%3A",
            b',' if property => "%2C",
            _ => continue,
        };
        out.push_str(&s[from..i]);
        out.push_str(esc);
        from = i + 1;
    }
    out.push_str(&s[from..]);
}

/// `eprintln!` through the scrubbing [`stderr()`] sink (errors writing to stderr are ignored).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let mut sink = $crate::output::sink::stderr();
        let _ = ::std::writeln!(sink, $($arg)*);
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn through(text: &str) -> String {
        let mut s = Sink::memory();
        s.write_all(text.as_bytes()).unwrap();
        String::from_utf8(s.into_bytes()).unwrap()
    }

    #[test]
    fn workflow_commands_only_through_the_api() {
        assert_eq!(through("::error::x\n"), "%3A:error::x\n");
        assert_eq!(through("  ::add-mask::x\n"), "  %3A:add-mask::x\n");
        assert_eq!(through("a ##[error]b\n"), "a ##%5Berror]b\n");
        assert_eq!(
            through("x ##vso[task.setvariable variable=PATH]/tmp\n"),
            "x ##vso%5Btask.setvariable variable=PATH]/tmp\n"
        );
        assert_eq!(
            through("##VsO[task.complete]\n"),
            "##VsO%5Btask.complete]\n"
        );
        assert_eq!(
            through("#\u{200B}#v\u{AD}so\u{FEFF}[x]\n"),
            "#\u{200B}#v\u{AD}so\u{FEFF}%5Bx]\n"
        );
        assert_eq!(
            through("[#] a#[b] vso[c] #x#y[\n"),
            "[#] a#[b] vso[c] #x#y[\n"
        );
        assert_eq!(through("##teamcity[x]\n"), "##teamcity%5Bx]\n");
        let mut s = Sink::memory();
        s.write_all(b"partial").unwrap();
        s.workflow_command("error", &[("file", "a,b:c\n::x")], "m\n::warning::y")
            .unwrap();
        assert_eq!(
            String::from_utf8(s.into_bytes()).unwrap(),
            "partial\n::error file=a%2Cb%3Ac%0A%3A%3Ax::m%0A::warning::y\n"
        );
    }

    #[test]
    fn controls_are_escaped() {
        assert_eq!(
            through("a\u{1b}]0;x\u{7}b\r\n"),
            "a\\u001b]0;x\\u0007b\\u000d\n"
        );
        assert_eq!(through("\u{85}\u{202e}\n"), "\\u0085\\u202e\n");
        assert_eq!(
            through("a\u{200e}b\u{200f}c\u{61c}d\u{2067}e\n"),
            "a\\u200eb\\u200fc\\u061cd\\u2067e\n"
        );
        assert_eq!(
            escape_controls("\u{1b}[1;31mred\u{1b}[0m", true),
            "\u{1b}[1;31mred\u{1b}[0m"
        );
        assert_eq!(escape_controls("\u{1b}[2J", true), "\\u001b[2J");
        // Colour on: only the palette's sequences pass (not conceal, reverse, backgrounds).
        assert_eq!(
            escape_controls("\u{1b}[0m\u{1b}[m", true),
            "\u{1b}[0m\u{1b}[m"
        );
        assert_eq!(escape_controls("\u{1b}[8mx", true), "\\u001b[8mx");
        assert_eq!(escape_controls("\u{1b}[30;40m", true), "\\u001b[30;40m");
        assert_eq!(escape_controls("\u{1b}[38;5;0m", true), "\\u001b[38;5;0m");
        assert_eq!(one_line("a\nb\tc"), "a\\nb\\tc");
        // The fast test agrees with the character test it stands for.
        for t in [
            "plain",
            "a\tb",
            "a\nb",
            "x\u{7f}",
            "\u{1b}[0m",
            "m…k",
            "\u{85}",
            "\u{a0}é",
            "\u{2028}",
            "\u{202e}x",
            "\u{61c}",
            "\u{2066}",
            "\u{200f}",
            "\u{feff}",
            "",
        ] {
            let slow = !t.chars().any(|c| c == '\n' || c == '\t' || is_dangerous(c));
            assert_eq!(one_line_already(t), slow, "{t:?}");
        }
    }

    #[test]
    fn held_secrets_are_scrubbed_across_writes() {
        let secret = crate::secret::Secret::new("pw-Zq81-unit-sink-held-value");
        let mut s = Sink::memory();
        s.write_all(b"x pw-Zq81-unit-").unwrap();
        s.write_all(b"sink-held-value y\n").unwrap();
        let out = String::from_utf8(s.into_bytes()).unwrap();
        assert_eq!(out, format!("x {} y\n", secret.masked()));
    }
}
