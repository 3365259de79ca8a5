//! Helpers several detectors share: prefixed-token candidates, legacy tokens, decoded
//! `Basic` values, literal strings.
use std::ops::Range;

use crate::lint::{Cx, FileKind};
use crate::token::{self, TokenInfo, TokenKind};

/// Shortest run after the prefix that counts as a token rather than a mention of the prefix.
pub const MIN_TOKEN_BODY: usize = 20;

/// A credential-looking value found in the text.
#[derive(Clone)]
pub struct Candidate<'a> {
    pub range: Range<usize>,
    pub value: &'a str,
    pub info: TokenInfo,
}

/// What the rules of one file compute from the same patterns, once per file: the legacy-token
/// candidates (AT102 and AT104), the Basic pairs given as variables ([`pair_variables`], run
/// for AT102's legacy tokens and AT104's literal pairs), where the `secret-slot` pattern
/// matched (AT102's legacy tokens, AT104's password slots) and the variables' literal values
/// ([`literal_value`]). Each result is kept with the address of the pattern it was found with:
/// a rule whose pattern of that name is another one computes its own.
#[derive(Default)]
pub struct Shared<'a> {
    pub(crate) legacy: std::cell::OnceCell<Vec<Candidate<'a>>>,
    pairs: std::cell::OnceCell<(PairKey, Vec<(&'a str, &'a str)>)>,
    /// The start of every `secret-slot` match: its captures are taken again there
    /// ([`SlotMatches`]), rather than kept (a file of many slots would hold them all).
    slots: std::cell::OnceCell<(usize, Vec<usize>)>,
    literals: std::cell::RefCell<std::collections::HashMap<String, Literal>>,
    /// Which of the [`RARE`] patterns match anywhere in the text ([`matches_somewhere`]).
    rare: std::cell::OnceCell<Vec<bool>>,
    /// The prefixed-token candidates ([`prefixed_tokens`]: AT102, AT103, AT104), with the
    /// address of the `prefixed` pattern they were found with.
    prefixed: std::cell::OnceCell<(usize, Vec<Candidate<'a>>)>,
    /// [`calls_cloud`]'s answer.
    cloud: std::cell::OnceCell<bool>,
    /// Where `pair-context` can match ([`context_in`]).
    context: std::cell::OnceCell<Option<ContextWords>>,
    /// Where `slot-user-key` can match ([`user_key_in`]).
    user_key: std::cell::OnceCell<Option<UserWords>>,
    /// Bytes `pair-context` and `slot-user-key` searched directly so far ([`searched_yet`]).
    window_bytes: std::cell::Cell<usize>,
}

/// The shared patterns (rules/patterns.toml) that cost a full pass of the lazy DFA each (the
/// regex crate finds no prefix literals in them worth a prefilter) and match nowhere in most
/// texts, even texts about credentials: whether each matches at all is found first, only where
/// it can match ([`rare_at_anchors`]), and only those that do are searched one by one. In this
/// crate's own history `secret-slot` matches in 9% of the blobs the rules read, `pair-vars` in
/// 26%, the other two in 3%. Where that cannot be done, one pass over the union of their
/// loosened forms ([`loosened`], a `RegexSet`) answers: about 490 MB/s over those blobs, less
/// than the passes it spares, but more than the words' search. `token-slot-literal` and
/// `pair-colon` have their own shortcuts ([`token_slot_literals`], [`may_pair_colon`]); patterns
/// the crate searches fast with a prefilter (`pair-user`, `pair-inline`, `prefixed`, `basic`) need
/// none; the `legacy-*` patterns are found back from their runs ([`legacy_matches`]).
const RARE: [&str; 4] = ["pair-call", "pair-positional", "secret-slot", "pair-vars"];

/// The [`RARE`] shared patterns as every rule's `cx.pattern` gives them (compiled once per
/// process), and the union of their [`loosened`] forms; `None` when a pattern is missing or the
/// union does not build (every pattern is then searched).
type Union = (Vec<&'static regex::Regex>, regex::RegexSet);

fn rare_union() -> Option<&'static Union> {
    static UNION: std::sync::OnceLock<Option<Union>> = std::sync::OnceLock::new();
    UNION
        .get_or_init(|| {
            let res = RARE
                .iter()
                .map(|id| {
                    let p = crate::catalogue::shared_patterns()
                        .iter()
                        .find(|p| p.id == *id)?;
                    crate::lint::shared_pattern(&p.id, &p.regex).ok()
                })
                .collect::<Option<Vec<_>>>()?;
            let loose = res
                .iter()
                .map(|r| loosened(r.as_str()))
                .collect::<Option<Vec<_>>>()?;
            let set = regex::RegexSet::new(loose).ok()?;
            Some((res, set))
        })
        .as_ref()
}

/// A pattern that matches somewhere in every text the pattern `src` matches somewhere in (and
/// in a few more): each counted repetition `{m,n}` with `n` over 1 becomes `{m,}`, lazy
/// repetitions greedy, and groups do not capture. Every string `src` matches, this matches
/// too (a count up to `n` is a count of at least `m`; laziness and captures change which
/// match is reported, not whether there is one), so where this matches nowhere `src` matches
/// nowhere. Assertions (`^`, `$`, `\b`) are kept: they cost the lazy DFA nothing and keep the
/// union about as selective as the patterns. Counted repetitions (`[^"'\s]{6,64}`) made the
/// lazy DFA of the union of all six [`RARE`] patterns build new states all through a scan
/// (140 MB/s over this crate's history); without them it runs at about 220 MB/s.
fn loosened(src: &str) -> Option<String> {
    use regex_syntax::hir::{Hir, HirKind, Repetition};
    fn go(h: &Hir) -> Hir {
        match h.kind() {
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {
                h.clone()
            }
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                min: r.min,
                max: r.max.filter(|&n| n <= 1),
                greedy: true,
                sub: Box::new(go(&r.sub)),
            }),
            HirKind::Capture(c) => go(&c.sub),
            HirKind::Concat(v) => Hir::concat(v.iter().map(go).collect()),
            HirKind::Alternation(v) => Hir::alternation(v.iter().map(go).collect()),
        }
    }
    let hir = regex_syntax::Parser::new().parse(src).ok()?;
    Some(go(&hir).to_string())
}

/// Can the rule's pattern `id` match anywhere in the text? False only for a [`RARE`] pattern
/// the one pass over their union found nowhere (computed once per file, shared by the rules
/// that ask); true for every other pattern, and when the rule's pattern of that name is not
/// the shared one.
pub fn matches_somewhere(cx: &Cx<'_>, id: &str) -> bool {
    let Some(k) = RARE.iter().position(|r| *r == id) else {
        return true;
    };
    let Some((res, set)) = rare_union() else {
        return true;
    };
    if address(cx.pattern(id)) != address(res[k]) {
        return true;
    }
    let found = cx.shared().rare.get_or_init(|| {
        if let Some(found) = rare_at_anchors(cx.text, res) {
            // Debug builds (every test) check the answer against each pattern's own search.
            #[cfg(debug_assertions)]
            for (i, re) in res.iter().enumerate() {
                assert_eq!(
                    found[i],
                    re.is_match(cx.text),
                    "`{}` searched where it can match",
                    RARE[i]
                );
            }
            return found;
        }
        let m = set.matches(cx.text);
        let found: Vec<bool> = (0..RARE.len()).map(|i| m.matched(i)).collect();
        // Debug builds (every test) check the set against each pattern's own search.
        #[cfg(debug_assertions)]
        for (i, re) in res.iter().enumerate() {
            assert!(
                found[i] || !re.is_match(cx.text),
                "`{}` matches where the set says it does not",
                RARE[i]
            );
        }
        found
    });
    found[k]
}

/// Does the second branch of `pair-vars` match around the `":"` (any two quotes) at `at`:
/// `$?user \s* [.+] \s* ":" \s* [.+] \s* $?secret`, both names a letter or `_` then letters,
/// digits or `_`? Read straight from the bytes: each `\s*` is followed by a character it cannot
/// match, so there is one way to read it.
fn joined_by_colon(bytes: &[u8], at: usize) -> bool {
    let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let start = |b: u8| b.is_ascii_alphabetic() || b == b'_';
    // Backwards: spaces, `.` or `+`, spaces, then a name's last character.
    let mut i = at;
    while i > 0 && space(bytes[i - 1]) {
        i -= 1;
    }
    if i == 0 || !matches!(bytes[i - 1], b'.' | b'+') {
        return false;
    }
    i -= 1;
    while i > 0 && space(bytes[i - 1]) {
        i -= 1;
    }
    // The name ends here: some letter or `_` in the run of word characters before starts it.
    let mut named = false;
    while i > 0 && word(bytes[i - 1]) {
        named |= start(bytes[i - 1]);
        i -= 1;
    }
    if !named {
        return false;
    }
    // Forwards: spaces, `.` or `+`, spaces, an optional `$`, then a name's first character.
    let mut j = at + 3;
    while j < bytes.len() && space(bytes[j]) {
        j += 1;
    }
    if !matches!(bytes.get(j), Some(b'.' | b'+')) {
        return false;
    }
    j += 1;
    while j < bytes.len() && space(bytes[j]) {
        j += 1;
    }
    if bytes.get(j) == Some(&b'$') {
        j += 1;
    }
    bytes.get(j).is_some_and(|&b| start(b))
}

/// The [`RARE`] patterns' indexes.
const CALL: usize = 0;
const POSITIONAL: usize = 1;
const SLOT: usize = 2;
const VARS: usize = 3;

/// The words [`rare_at_anchors`] looks for, in lower case. Where a [`RARE`] pattern can match:
/// - `pair-call` and the third branch of `pair-vars` start with one of their call names, each
///   with `auth`, `credential` or `.basic` in it, a known distance from its start ([`NAMES`]);
/// - `pair-positional` starts with `auth`, `login`, `credential`, `basic` or `restclient`;
/// - `secret-slot`'s key and XML branches hold `pass` or `pwd` and no line break but as their
///   first character (the one before the key), so they lie in the line of that word, with the
///   line break before it; its other branches start with `key`, `machine` and
///   `ConvertTo-SecureString`;
/// - `pair-vars`' first branch holds `:$` or `:{` and no line break: it lies in that line; its
///   second holds `":"` (any two quotes), around which [`joined_by_colon`] reads it (both found
///   from each `:`, apart from the words).
const ANCHORS: [&str; 11] = [
    "auth",
    "credential",
    ".basic",
    "basic",
    "login",
    "restclient",
    "pass",
    "pwd",
    "key",
    "machine",
    "convertto-securestring",
];

/// At most this many `ſ` and Kelvin signs in a text: each costs up to [`MAX_NAME`] anchored
/// searches per pattern, so past this the union pass answers.
const MAX_FOLDS: usize = 64;

/// The longest name in bytes a word of [`ANCHORS`] can be part of, `UsernamePasswordCredentials`
/// with its three `s` written `ſ` (two bytes each), and more.
const MAX_NAME: usize = 32;

/// The call names of `pair-call` (and of `pair-vars`' third branch, those marked so), by the
/// anchor word in them and where it is: the name starts that many bytes before the word.
const NAMES: [(&str, &str, usize, bool); 12] = [
    ("auth", "auth", 0, true),
    ("auth", "basic_auth", 6, true),
    ("auth", "httpbasicauth", 9, true),
    ("auth", "basicauth", 5, true),
    ("auth", "passwordauthentication", 8, true),
    ("credential", "credential", 0, true),
    ("credential", "usernamepasswordcredentials", 16, true),
    ("credential", "networkcredential", 7, true),
    ("credential", "pscredential", 2, false),
    (".basic", ".basic", 0, false),
    // `authorization_basic` and `Credentials.basic` start with their words (above).
    ("auth", "authorization_basic", 0, false),
    ("credential", "credentials.basic", 0, true),
];

/// Which [`RARE`] patterns match anywhere in `text`, found only where each can match
/// ([`ANCHORS`]): an anchored search of the pattern at each place one can start, and a search
/// of the lines a line-bound branch can lie in. Exact, unlike the union pass, which answers
/// for loosened patterns; and it reads the text once with a SIMD search for the words (on the
/// text folded to lower case) and once for `:`, rather than with the union's lazy DFA. `None`
/// when a pattern cannot be compiled for anchored search (the union pass answers). The unit test
/// `rare_at_anchors_is_the_full_search` and debug builds (every file they lint) compare it
/// with each pattern's own search.
fn rare_at_anchors(text: &str, res: &[&'static regex::Regex]) -> Option<Vec<bool>> {
    use regex_automata::{Anchored, Input};
    let bytes = text.as_bytes();
    let metas = res.iter().map(|r| meta_of(r)).collect::<Option<Vec<_>>>()?;
    static WORDS: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    let words = WORDS
        .get_or_init(|| {
            aho_corasick::AhoCorasickBuilder::new()
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(ANCHORS)
                .ok()
        })
        .as_ref()?;
    thread_local! {
        static FOLDED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    FOLDED.with_borrow_mut(|folded| {
        let mut found = [false; RARE.len()];
        // Where each line-bound search has read to.
        let mut read = [0usize; RARE.len()];
        // Searches left: past them the union pass answers, so that a text made of the words
        // (`auth auth auth …`, a line of `ſ`) costs what any other text does.
        let budget = std::cell::Cell::new(64 + bytes.len() / 32);
        let spend = || {
            budget.set(budget.get().saturating_sub(1));
            budget.get() > 0
        };
        let anchored_at = |i: usize, at: usize| {
            metas[i].is_match(
                Input::new(bytes)
                    .span(at..bytes.len())
                    .anchored(Anchored::Yes),
            )
        };
        let anchored = |i: usize, at: usize| spend() && anchored_at(i, at);
        // The line of `at` with the line break before it, searched unless read already.
        let in_line = |i: usize, at: usize, read: &mut [usize; RARE.len()]| {
            if at < read[i] {
                return false;
            }
            let start = memchr::memrchr(b'\n', &bytes[..at]).unwrap_or(0);
            let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |j| at + j);
            read[i] = end;
            spend() && metas[i].is_match(Input::new(bytes).span(start..end))
        };
        // `ſ` (U+017F) and the Kelvin sign (U+212A), which `(?i)` reads as `s` and `k`, can
        // stand in a word the search below does not see: every pattern is tried at each place
        // up to the longest name's length before one (a name starts with an ASCII letter or
        // `.`), and the line-bound ones in its line.
        let folds: Vec<usize> = memchr::memmem::find_iter(bytes, "\u{17f}".as_bytes())
            .chain(memchr::memmem::find_iter(bytes, "\u{212a}".as_bytes()))
            .take(MAX_FOLDS + 1)
            .collect();
        if folds.len() > MAX_FOLDS {
            return None;
        }
        for p in folds {
            let from = p.saturating_sub(MAX_NAME);
            for (at, &b) in bytes.iter().enumerate().take(p + 1).skip(from) {
                // Not out of the budget: at most [`MAX_FOLDS`] times [`MAX_NAME`] places.
                if b.is_ascii_alphabetic() || b == b'.' {
                    for i in [CALL, POSITIONAL, SLOT, VARS] {
                        found[i] = found[i] || anchored_at(i, at);
                    }
                }
            }
            for i in [SLOT, VARS] {
                found[i] = found[i] || in_line(i, p, &mut read);
                read[i] = 0;
            }
        }
        // `:$`, `:{` and `":"` (any two quotes), from each `:`.
        for at in memchr::memchr_iter(b':', bytes) {
            if found[VARS] {
                break;
            }
            match bytes.get(at + 1) {
                Some(b'$' | b'{') if in_line(VARS, at, &mut read) => found[VARS] = true,
                Some(b'"' | b'\'') if at > 0 && matches!(bytes[at - 1], b'"' | b'\'') => {
                    found[VARS] = joined_by_colon(bytes, at - 1);
                }
                _ => {}
            }
        }
        read[VARS] = 0;
        // Every place a word starts: no two words start alike, so a search from one byte past
        // each hit finds them all, overlapping ones too (the leftmost-first search has a SIMD
        // prefilter; the overlapping one does not).
        // The text is folded a piece at a time (a copy of the whole of it would be one more
        // text-sized buffer per worker than the `--history` memory plan counts); a word that
        // starts in the last bytes of a piece is left to the next one, which starts there.
        let mut piece = 0;
        'pieces: loop {
            let end = (piece + FOLD_PIECE).min(bytes.len());
            folded.clear();
            folded.extend(bytes[piece..end].iter().map(u8::to_ascii_lowercase));
            let last = end == bytes.len();
            let limit = if last { end } else { end - FOLD_OVERLAP };
            let mut from = 0;
            while let Some(m) = words.find(aho_corasick::Input::new(&folded[..]).range(from..)) {
                from = m.start() + 1;
                if found.iter().all(|&f| f) {
                    break 'pieces;
                }
                let (at, word) = (piece + m.start(), ANCHORS[m.pattern().as_usize()]);
                if at >= limit {
                    break;
                }
                match word {
                    "auth" | "credential" | ".basic" => {
                        for (w, name, back, vars) in NAMES {
                            let named = at >= back
                                && bytes
                                    .get(at - back..at - back + name.len())
                                    .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
                            if w != word || !named {
                                continue;
                            }
                            let start = at - back;
                            if !found[CALL] && anchored(CALL, start) {
                                found[CALL] = true;
                            }
                            if vars && !found[VARS] && anchored(VARS, start) {
                                found[VARS] = true;
                            }
                        }
                        if word != ".basic" && !found[POSITIONAL] && anchored(POSITIONAL, at) {
                            found[POSITIONAL] = true;
                        }
                    }
                    "basic" | "login" | "restclient" => {
                        found[POSITIONAL] = found[POSITIONAL] || anchored(POSITIONAL, at);
                    }
                    "pass" | "pwd" => {
                        found[SLOT] = found[SLOT] || in_line(SLOT, at, &mut read);
                    }
                    "key" | "machine" | "convertto-securestring" => {
                        // `key` starts `\bkey\s*=`: passed over where no `=` follows.
                        let key_eq = || {
                            let rest = &bytes[at + 3..];
                            let skip = rest
                                .iter()
                                .take_while(|&&b| {
                                    matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
                                })
                                .count();
                            rest.get(skip) == Some(&b'=')
                        };
                        if !found[SLOT] && (word != "key" || key_eq()) && anchored(SLOT, at) {
                            found[SLOT] = true;
                        }
                    }
                    _ => {}
                }
            }
            if last {
                break;
            }
            piece = limit;
        }
        (budget.get() > 0).then(|| found.to_vec())
    })
}

/// Bytes of text [`rare_at_anchors`] folds to lower case at a time, and the bytes two pieces
/// share (the longest word of [`ANCHORS`], `convertto-securestring`, less one).
const FOLD_PIECE: usize = 16 << 10;
const FOLD_OVERLAP: usize = 21;

/// Can the `pair-colon` pattern match? Each of its matches holds an email's `@` (a character
/// of an address's local part before it, one of its domain after it) or `CURLOPT_USERPWD`;
/// most texts the rules read have an email, but a third of the bytes in this crate's history
/// are in texts without one. Debug builds check the answer against the pattern.
fn may_pair_colon(cx: &Cx<'_>) -> bool {
    let bytes = cx.text.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || b"._%+-".contains(&b);
    let domain = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
    let may = memchr::memchr_iter(b'@', bytes)
        .any(|i| i > 0 && local(bytes[i - 1]) && bytes.get(i + 1).is_some_and(|&b| domain(b)))
        || memchr::memmem::find(bytes, b"CURLOPT_USERPWD").is_some();
    debug_assert!(
        may || !cx.pattern("pair-colon").is_match(cx.text),
        "`pair-colon` matches without an email or CURLOPT_USERPWD"
    );
    may
}

/// The matches of the `token-slot-literal` pattern, as `find_iter` gives them, searched only
/// on the lines that hold one of its words (`token`, `apikey`, `api_key` in any case).
///
/// No match of the pattern holds a line break but as its first character (the one before the
/// key, `(?:^|[^\w$])`), so each match lies within one line together with the line break
/// before it, and those pieces cut the text without overlapping: `find_iter` over the text is
/// `find_iter` over each piece, one after the other, and a piece without the words has none.
/// The words are found where a `k` is (every word has one): about one byte in 200 of prose and
/// code. With the Kelvin sign (U+212A) in the text, which `(?i)` reads as `k`, the whole text
/// is searched. The unit test `token_slot_literals_are_the_full_search` and debug builds (every
/// file they lint) compare this with `find_iter`.
pub fn token_slot_literals(cx: &Cx<'_>) -> Vec<Range<usize>> {
    let re = cx.pattern("token-slot-literal");
    let found = token_slot_literal_matches(re, cx.text);
    #[cfg(debug_assertions)]
    {
        let full: Vec<_> = re.find_iter(cx.text).map(|m| m.range()).collect();
        assert_eq!(found, full, "token-slot-literal searched line by line");
    }
    found
}

/// The same pattern as `re`, searchable within a span and anchored (the `regex` crate's own type
/// is not): compiled once per process from the same text, so it matches the same.
fn meta_of(re: &regex::Regex) -> Option<std::sync::Arc<regex_automata::meta::Regex>> {
    type Metas = std::sync::Mutex<
        std::collections::HashMap<usize, Option<std::sync::Arc<regex_automata::meta::Regex>>>,
    >;
    static META: std::sync::OnceLock<Metas> = std::sync::OnceLock::new();
    META.get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(address(re))
        .or_insert_with(|| {
            regex_automata::meta::Regex::new(re.as_str())
                .ok()
                .map(std::sync::Arc::new)
        })
        .clone()
}

fn token_slot_literal_matches(re: &regex::Regex, text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, "\u{212a}".as_bytes()).is_some() {
        return re.find_iter(text).map(|m| m.range()).collect();
    }
    let Some(meta) = meta_of(re) else {
        return re.find_iter(text).map(|m| m.range()).collect();
    };
    let word_at = |i: usize| {
        // `k` is the third letter of `token`, the fourth of `apikey`, the fifth of `api_key`.
        let has = |back: usize, word: &[u8]| {
            i >= back
                && bytes
                    .get(i - back..i - back + word.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(word))
        };
        has(2, b"token") || has(3, b"apikey") || has(4, b"api_key")
    };
    let mut out = Vec::new();
    // The end of the last piece searched.
    let mut done = 0;
    for i in memchr::memchr2_iter(b'k', b'K', bytes) {
        if i < done || !word_at(i) {
            continue;
        }
        // The line of the word, with the line break before it.
        let start = memchr::memrchr(b'\n', &bytes[..i]).unwrap_or(0);
        let end = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |j| i + j);
        let mut at = start.max(done);
        while let Some(m) = meta.search(&regex_automata::Input::new(text).span(at..end)) {
            out.push(m.range());
            at = m.end();
        }
        done = end;
    }
    out
}

/// The addresses of the `pair-vars` and `pair-context` patterns.
type PairKey = (usize, usize);
/// What [`literal_value`] finds for a name: the literal's range and text, if any.
type Literal = Option<(Range<usize>, String)>;

/// The address of a compiled pattern: which regex a shared result was found with.
fn address(re: &regex::Regex) -> usize {
    re as *const regex::Regex as usize
}

/// The matches of the `secret-slot` pattern with their captures, as `captures_iter` gives
/// them: found by the first rule that asks, which records where each starts; replayed for the
/// next one by capturing at those starts (a match found at `s` by the iteration is the
/// leftmost-first match of a search from `s`, so `captures_at(s)` gives it again, at the cost
/// of that match rather than of a pass over the file).
pub(crate) struct SlotMatches<'a> {
    re: &'a regex::Regex,
    text: &'a str,
    key: usize,
    cell: &'a std::cell::OnceCell<(usize, Vec<usize>)>,
    replay: Option<std::slice::Iter<'a, usize>>,
    live: Option<regex::CaptureMatches<'a, 'a>>,
    starts: Vec<usize>,
}

pub(crate) fn slot_matches<'a>(cx: &Cx<'a>) -> SlotMatches<'a> {
    let re = cx.pattern("secret-slot");
    let key = address(re);
    let cell = &cx.shared().slots;
    let replay = cell
        .get()
        .filter(|(k, _)| *k == key)
        .map(|(_, starts)| starts.iter());
    // Debug builds (every test) check the replay against a fresh pass on every file they lint
    // with two rules that read the slots.
    #[cfg(debug_assertions)]
    if let Some(starts) = &replay {
        let spans = |c: &regex::Captures<'_>| -> Vec<Option<Range<usize>>> {
            c.iter().map(|m| m.map(|m| m.range())).collect()
        };
        let fresh: Vec<_> = re.captures_iter(cx.text).map(|c| spans(&c)).collect();
        let again: Vec<_> = starts
            .clone()
            .map(|&s| {
                re.captures_at(cx.text, s)
                    .map(|c| spans(&c))
                    .unwrap_or_default()
            })
            .collect();
        assert_eq!(
            fresh, again,
            "secret-slot matches replayed from their starts"
        );
    }
    // Not searched at all where the pattern matches nowhere ([`matches_somewhere`]).
    let live = (replay.is_none() && matches_somewhere(cx, "secret-slot"))
        .then(|| re.captures_iter(cx.text));
    SlotMatches {
        re,
        text: cx.text,
        key,
        cell,
        replay,
        live,
        starts: Vec::new(),
    }
}

impl<'a> Iterator for SlotMatches<'a> {
    type Item = regex::Captures<'a>;

    fn next(&mut self) -> Option<regex::Captures<'a>> {
        if let Some(replay) = &mut self.replay {
            let &start = replay.next()?;
            return self.re.captures_at(self.text, start);
        }
        let live = self.live.as_mut()?;
        match live.next() {
            Some(caps) => {
                self.starts.push(caps.get(0).map_or(0, |m| m.start()));
                Some(caps)
            }
            None => {
                self.live = None;
                let _ = self.cell.set((self.key, std::mem::take(&mut self.starts)));
                None
            }
        }
    }
}

/// Every `ATATT3` / `ATCTT3` / `ATOA` / `ATBB` value matched by the rule's `prefixed`
/// pattern (group `token`), skipping bare prefix mentions and `xxxx` placeholders. Found once
/// per file and shared by the rules that ask (AT102, AT103, AT104: the same shared pattern),
/// so a text that mentions prefixes many times is read and classified once.
pub fn prefixed_tokens<'a>(cx: &Cx<'a>) -> std::borrow::Cow<'a, [Candidate<'a>]> {
    let key = address(cx.pattern("prefixed"));
    let cell = &cx.shared().prefixed;
    match cell.get() {
        Some((k, found)) if *k == key => found.into(),
        // A rule whose `prefixed` pattern is another one finds its own.
        Some(_) => find_prefixed_tokens(cx).into(),
        None => cell
            .get_or_init(|| (key, find_prefixed_tokens(cx)))
            .1
            .as_slice()
            .into(),
    }
}

fn find_prefixed_tokens<'a>(cx: &Cx<'a>) -> Vec<Candidate<'a>> {
    let mut out = Vec::new();
    for caps in cx.pattern("prefixed").captures_iter(cx.text) {
        let Some(m) = caps.name("token") else {
            continue;
        };
        let value = m.as_str();
        let body = value.get(6..).unwrap_or("");
        if body.len() < MIN_TOKEN_BODY
            || body.contains("xxxx")
            || body.contains("XXXX")
            || !crate::secret::looks_random(body)
        {
            continue;
        }
        out.push(Candidate {
            range: m.range(),
            value,
            info: token::classify(value),
        });
    }
    out
}

/// A prefixed token written as several string literals joined in code: `"ATATT3…" +` on one
/// line and `"…"` on the next (Go, Java, JavaScript, C#), PHP `.`, Lua `..`, VB `&`, or
/// Python's and C's implicit concatenation of adjacent literals. Returns the whole token and
/// the range from the first piece to the last, or `None` when the token is one literal. At most
/// eight pieces and a few hundred bytes between them are read.
pub fn joined_token(cx: &Cx<'_>, piece: &Range<usize>) -> Option<(Range<usize>, String)> {
    let text = cx.text.as_bytes();
    let mut joined = cx.text.get(piece.clone())?.to_string();
    let mut end = piece.end;
    for _ in 0..8 {
        // The piece's closing quote.
        let q = *text.get(end)?;
        if !matches!(q, b'"' | b'\'' | b'`') {
            break;
        }
        let mut i = end + 1;
        let skip = |i: &mut usize| {
            let stop = (*i + 256).min(text.len());
            while *i < stop && text[*i].is_ascii_whitespace() {
                *i += 1;
            }
        };
        skip(&mut i);
        // One joining operator, or none (adjacent literals).
        if text.get(i..i + 2) == Some(b"..") {
            i += 2;
        } else if matches!(text.get(i), Some(b'+' | b'.' | b'&')) {
            i += 1;
        }
        skip(&mut i);
        if text.get(i) != Some(&q) {
            break;
        }
        let start = i + 1;
        let mut j = start;
        while j < text.len()
            && j - start < 512
            && (text[j].is_ascii_alphanumeric() || matches!(text[j], b'_' | b'-' | b'='))
        {
            j += 1;
        }
        if j == start || text.get(j) != Some(&q) {
            break;
        }
        joined.push_str(&cx.text[start..j]);
        end = j;
    }
    (end > piece.end).then_some((piece.start..end, joined))
}

/// Legacy 24-character tokens beside an Atlassian keyword (patterns whose id starts with
/// `legacy`, group `token`): 24 random-looking alphanumerics; an all-hex value is a hash.
/// Found once per file and shared by the rules that ask (AT102, AT104): the `legacy-*`
/// patterns are shared patterns, the same for every rule (issue 12, class 5).
pub fn legacy_tokens<'a>(cx: &Cx<'a>) -> &'a [Candidate<'a>] {
    cx.legacy_cache(|| find_legacy_tokens(cx))
}

/// The legacy tokens of the file, or none without reading the patterns when the text holds no
/// candidate ([`legacy_candidate`]): every token found is 24 letters and digits between
/// non-alphanumerics (or glued to `--body`), not all hex, classified legacy (random-looking),
/// whatever pattern found it, and so is a Basic pair's variable's value; so the ten passes
/// are skipped over most files that mention credentials, whose long runs are hashes, IDs and
/// identifiers.
fn find_legacy_tokens<'a>(cx: &Cx<'a>) -> Vec<Candidate<'a>> {
    if !legacy_candidate(cx.text.as_bytes()) {
        // Debug builds (every test) check the shortcut against the full search.
        #[cfg(debug_assertions)]
        assert!(
            search_legacy_tokens(cx).is_empty(),
            "a legacy token in a text without a legacy-token candidate"
        );
        return Vec::new();
    }
    search_legacy_tokens(cx)
}

/// Is there a run [`legacy_run`] accepts whose 24 letters and digits (the run's end) are not
/// all hex and classify as a legacy token ([`token::classify`]: random-looking)?
pub(crate) fn legacy_candidate(bytes: &[u8]) -> bool {
    alnum_run(bytes, |run| {
        is_legacy_run(run) && {
            let token = &run[run.len() - 24..];
            !token.iter().all(u8::is_ascii_hexdigit)
                && std::str::from_utf8(token)
                    .is_ok_and(|t| token::classify(t).kind == TokenKind::Legacy)
        }
    })
}

fn search_legacy_tokens<'a>(cx: &Cx<'a>) -> Vec<Candidate<'a>> {
    let mut out: Vec<Candidate<'a>> = Vec::new();
    // Ranges already taken (several patterns find the same token): not a scan of `out`, which
    // made a file of many tokens quadratic (issue 12, class 5). A token is 24 bytes, so its
    // start names it: a bit per byte of the file rather than a hashed pair per token.
    let mut taken = Taken::default();
    // Where every `legacy-*` match can end: after a run [`legacy_run`] accepts, or after that
    // and one more character ([`legacy_matches`]).
    let ends = legacy_run_ends(cx.text);
    for id in [
        "legacy-assign",
        "legacy-user",
        "legacy-arg",
        "legacy-tuple",
        "legacy-generic",
        "legacy-pair",
        "legacy-positional",
        "legacy-array",
        "legacy-kv",
        "secret-slot",
    ] {
        // Outside a key that names Atlassian, the file itself must be about Atlassian.
        if id != "legacy-assign" && !cx.atlassian_context() {
            continue;
        }
        let re = cx.pattern(id);
        let mut take = |m: Range<usize>| {
            let v = &cx.text[m.clone()];
            // A legacy token is 24 alphanumerics.
            if v.len() != 24 || !v.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return;
            }
            // All hex is a hash or an ID, not a token. (Real legacy tokens end in four hex
            // digits, but copies in the wild are often re-typed or sanitised, so the form is
            // not required.)
            if v.bytes().all(|b| b.is_ascii_hexdigit()) {
                return;
            }
            // A token another pattern already found is not classified again (classifying
            // computes its entropy; several patterns find most tokens).
            if taken.contains(&m) {
                return;
            }
            let info = token::classify(v);
            if info.kind == TokenKind::Legacy && taken.insert(&m) {
                out.push(Candidate {
                    range: m,
                    value: v,
                    info,
                });
            }
        };
        if id.starts_with("legacy-") {
            // Find, not capture: every `legacy-*` pattern ends with its `token` group and at
            // most one character that is not a letter or digit, so the token is read off the
            // end of the match ([`legacy_token_of`]) without the capture pass, which was a
            // third of the time of a file of many tokens (issue 12, class 5).
            let found = match &ends {
                Some(ends) => legacy_matches(re, cx.text, ends),
                None => None,
            };
            // Debug builds (every test) check the shortcut against the full search.
            #[cfg(debug_assertions)]
            if let Some(found) = &found {
                let full: Vec<_> = re.find_iter(cx.text).collect();
                assert_eq!(found, &full, "`{id}`: matches found back from the runs");
            }
            for found in found.unwrap_or_else(|| re.find_iter(cx.text).collect()) {
                if let Some(m) = legacy_token_of(re, cx.text, found) {
                    take(m);
                }
            }
            continue;
        }
        debug_assert_eq!(id, "secret-slot");
        for caps in slot_matches(cx) {
            // `secret-slot` names the value by where it sits.
            let slot = ["token", "secret", "bare", "ps", "netrc", "xml", "attr"]
                .iter()
                .find_map(|g| caps.name(g));
            if let Some(m) = slot {
                take(m.range());
            }
        }
    }
    // The secret of a Basic pair given as a variable (`basic_auth=(email, api)`,
    // `${u}:${k}`, `SetBasicAuth(user, key)`) whose literal assignment in the file is a legacy
    // token, whatever the variable is called.
    if cx.atlassian_context() {
        let mut resolved: Literals = Vec::new();
        for (_, secret) in pair_variables(cx) {
            let Some((range, v)) = literal_value(cx, secret, &mut resolved) else {
                continue;
            };
            if v.len() == 24
                && v.bytes().all(|b| b.is_ascii_alphanumeric())
                && !v.bytes().all(|b| b.is_ascii_hexdigit())
                && !taken.contains(&range)
            {
                let info = token::classify(&cx.text[range.clone()]);
                if info.kind == TokenKind::Legacy && taken.insert(&range) {
                    out.push(Candidate {
                        value: &cx.text[range.clone()],
                        range,
                        info,
                    });
                }
            }
        }
    }
    out
}

/// At most this many runs: past it, the `legacy-*` patterns are searched as usual (each run
/// costs one search back from it per pattern, and a file of many tokens is a file the passes
/// read fast anyway).
const MAX_RUN_ENDS: usize = 64;

/// The end of every run [`legacy_run`] accepts (exactly 24 ASCII letters and digits, or 28
/// that start with `body`), whatever the run holds (hex, a word, a token), in order; `None`
/// past [`MAX_RUN_ENDS`] runs, and in a text with `ſ` (U+017F) or the Kelvin sign (U+212A),
/// which `(?i)` adds to `[A-Za-z0-9]`: a token of the patterns is then not always such a run.
fn legacy_run_ends(text: &str) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    if memchr::memmem::find(bytes, "\u{17f}".as_bytes()).is_some()
        || memchr::memmem::find(bytes, "\u{212a}".as_bytes()).is_some()
    {
        return None;
    }
    let mut ends = Vec::new();
    let mut many = false;
    alnum_runs(bytes, |run, end| {
        if is_legacy_run(run) {
            if ends.len() == MAX_RUN_ENDS {
                many = true;
                return false;
            }
            ends.push(end);
        }
        true
    });
    (!many).then_some(ends)
}

/// The matches `re.find_iter(text)` gives for a `legacy-*` pattern, found back from the runs
/// that end at `ends` ([`legacy_run_ends`]) instead of by a pass over the whole text; `None`
/// when that cannot be done (the caller then makes the pass).
///
/// Every match of a `legacy-*` pattern, whichever it is, ends with its 24-character token and
/// at most one character more (a quote, a delimiter), and the token is preceded by a
/// delimiter, a quote, a separator or `--body`: it ends a run of [`legacy_run_ends`], so a match
/// ends at such a run's end or one character after it. `find_iter` reports, from where the last
/// match ended (`from`), the match that starts first, the preferred one at that start. So: for
/// each run's end (and one character after it), a search backwards from there, anchored there
/// and stopping at `from`, gives the leftmost start of a match that ends there (the lazy DFA of
/// the reversed pattern); the first of those starts is where the next match starts, and a
/// search forward from it gives that match. A start found is kept until `from` passes it. The
/// unit test `legacy_matches_are_the_full_search` and debug builds (every test, every file
/// they lint) compare this with `find_iter`.
fn legacy_matches<'t>(
    re: &regex::Regex,
    text: &'t str,
    ends: &[usize],
) -> Option<Vec<regex::Match<'t>>> {
    use regex_automata::{Anchored, Input};
    type Dfas = std::sync::Mutex<
        std::collections::HashMap<usize, Option<std::sync::Arc<regex_automata::hybrid::dfa::DFA>>>,
    >;
    static REVERSED: std::sync::OnceLock<Dfas> = std::sync::OnceLock::new();
    thread_local! {
        static CACHES: std::cell::RefCell<std::collections::HashMap<usize, regex_automata::hybrid::dfa::Cache>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    let key = address(re);
    let dfa = REVERSED
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(key)
        .or_insert_with(|| {
            use regex_automata::{MatchKind, hybrid::dfa::DFA, nfa::thompson};
            DFA::builder()
                .configure(DFA::config().prefilter(None).match_kind(MatchKind::All))
                .thompson(thompson::Config::new().reverse(true))
                .build(re.as_str())
                .ok()
                .map(std::sync::Arc::new)
        })
        .clone()?;
    // Where a match may end: each run's end, and one character after it.
    let mut at: Vec<usize> = Vec::with_capacity(ends.len() * 2);
    for &end in ends {
        at.push(end);
        if let Some(c) = text[end..].chars().next() {
            at.push(end + c.len_utf8());
        }
    }
    CACHES.with_borrow_mut(|caches| {
        let cache = caches.entry(key).or_insert_with(|| dfa.create_cache());
        let bytes = text.as_bytes();
        // The leftmost start at or after `from` of a match ending at `e`.
        let mut start_back = |from: usize, e: usize| -> Option<Option<usize>> {
            if e < from {
                return Some(None);
            }
            let input = Input::new(bytes).span(from..e).anchored(Anchored::Yes);
            dfa.try_search_rev(cache, &input)
                .ok()
                .map(|m| m.map(|m| m.offset()))
        };
        // Per place: the start found (`Some(None)`: no match ends there after `from`).
        let mut known: Vec<Option<Option<usize>>> = vec![None; at.len()];
        let mut out = Vec::new();
        let mut from = 0;
        loop {
            let mut first: Option<usize> = None;
            for (i, &e) in at.iter().enumerate() {
                let start = match known[i] {
                    Some(Some(s)) if s >= from => Some(s),
                    Some(None) => None,
                    _ => {
                        let s = start_back(from, e)?;
                        known[i] = Some(s);
                        s
                    }
                };
                if let Some(s) = start {
                    first = Some(first.map_or(s, |f: usize| f.min(s)));
                }
            }
            let Some(s) = first else {
                return Some(out);
            };
            let m = re.find_at(text, s)?;
            if m.start() != s || m.end() <= m.start() {
                return None;
            }
            from = m.end();
            out.push(m);
        }
    })
}

/// Could a legacy token stand here: is there a run of exactly 24 ASCII letters and digits
/// between non-alphanumerics (or the text's ends), or a run of 28 that starts with `body` in
/// any case (a token glued to `--body`, the one `legacy-assign` separator that ends in a
/// letter)? Every legacy-token candidate is one of those: the patterns put a non-alphanumeric
/// (a separator, a quote, a space) before the token and after it. The `--history` gate
/// ([`crate::lint::history::may_hold_secret`]) asks it.
pub(crate) fn legacy_run(bytes: &[u8]) -> bool {
    alnum_run(bytes, is_legacy_run)
}

fn is_legacy_run(run: &[u8]) -> bool {
    run.len() == 24 || run.len() == 28 && run[..4].eq_ignore_ascii_case(b"body")
}

/// Are 24 ASCII letters and digits anywhere in a row (in a run of any length)? (The tests'
/// check of [`alnum_run`] on runs of any length.)
#[cfg(test)]
fn run_of_24_or_more(bytes: &[u8]) -> bool {
    alnum_run(bytes, |run| run.len() >= 24)
}

/// Are all eight bytes of `word` ASCII letters or digits? Each byte's top bit is set in
/// `x | 0x80` and cleared by subtracting a bound it is under, and no subtraction borrows from
/// the next byte (every byte is at least 0x80 and every bound at most 0x7b), so the ranges
/// `0-9` and (case folded) `a-z` are tested for the eight bytes at once.
fn all_alnum(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let ascii = !word & HIGH;
    let at_least = |x: u64, b: u8| x.wrapping_sub(ONES * u64::from(b));
    let y = word | HIGH;
    let digit = at_least(y, b'0') & !at_least(y, b'9' + 1);
    let l = y | 0x2020_2020_2020_2020;
    let letter = at_least(l, b'a') & !at_least(l, b'z' + 1);
    ascii & (digit | letter) & HIGH == HIGH
}

/// Every whole run of 24 or more ASCII letters and digits, in order, with its end, until
/// `each` returns false; found as [`alnum_run`] finds them.
fn alnum_runs(bytes: &[u8], mut each: impl FnMut(&[u8], usize) -> bool) {
    alnum_run(bytes, |run| {
        let end = run.as_ptr() as usize - bytes.as_ptr() as usize + run.len();
        !each(run, end)
    });
}

/// Is there a whole run of 24 or more ASCII letters and digits that `fits`? A run of 24 or
/// more holds two whole aligned 8-byte words: only where two such words in a row are all
/// letters and digits (eight bytes tested at once, [`all_alnum`]) is the run measured, so
/// text of short words costs a few operations per eight bytes.
fn alnum_run(bytes: &[u8], mut fits: impl FnMut(&[u8]) -> bool) -> bool {
    let alnum = |b: u8| b.is_ascii_alphanumeric();
    let n = bytes.len();
    let mut previous = false;
    let mut at = 0;
    while at + 8 <= n {
        let word = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let full = all_alnum(word);
        if full && previous {
            let mut start = at - 8;
            while start > 0 && alnum(bytes[start - 1]) {
                start -= 1;
            }
            let mut end = at + 8;
            while end < n && alnum(bytes[end]) {
                end += 1;
            }
            if fits(&bytes[start..end]) {
                return true;
            }
            // The next run starts after `end`.
            at = end.div_ceil(8) * 8;
            previous = false;
            continue;
        }
        previous = full;
        at += 8;
    }
    false
}

/// The (user, secret) variable names of every Basic pair the `pair-vars` pattern finds, at
/// most 16: `"$a:$b"` and `a + ":" + b` are Basic credentials only where the line says so
/// (`pair-context`). Found once per file ([`Shared`]).
fn pair_variables<'a>(cx: &Cx<'a>) -> Vec<(&'a str, &'a str)> {
    let key = (
        address(cx.pattern("pair-vars")),
        address(cx.pattern("pair-context")),
    );
    let cell = &cx.shared().pairs;
    if let Some((k, pairs)) = cell.get()
        && *k == key
    {
        return pairs.clone();
    }
    let pairs = find_pair_variables(cx);
    let _ = cell.set((key, pairs.clone()));
    pairs
}

fn find_pair_variables<'a>(cx: &Cx<'a>) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    // Not searched at all where the pattern matches nowhere ([`matches_somewhere`]).
    if !matches_somewhere(cx, "pair-vars") {
        return out;
    }
    for caps in cx.pattern("pair-vars").captures_iter(cx.text) {
        let names = [("u1", "s1"), ("u2", "s2"), ("u3", "s3")]
            .iter()
            .find_map(|(u, s)| Some((caps.name(u)?, caps.name(s)?)));
        let Some((u, s)) = names else { continue };
        if caps.name("u3").is_none() {
            let whole = caps.get(0).map_or(0, |m| m.start());
            let (line, start) = cx.line_at(whole);
            if !context_in(cx, start..start + line.len()) {
                continue;
            }
        }
        out.push((u.as_str(), s.as_str()));
        if out.len() >= 16 {
            break;
        }
    }
    out
}

/// Token ranges taken: 24-byte ones by their start in a bit set, any other (none of the
/// `legacy-*` patterns yields one) in a hash set.
#[derive(Default)]
struct Taken {
    starts: Vec<u64>,
    other: std::collections::HashSet<(usize, usize)>,
}

impl Taken {
    fn contains(&self, r: &Range<usize>) -> bool {
        if r.len() != 24 {
            return self.other.contains(&(r.start, r.end));
        }
        self.starts
            .get(r.start / 64)
            .is_some_and(|w| w & (1 << (r.start % 64)) != 0)
    }

    /// Take `r`; false when it was taken already.
    fn insert(&mut self, r: &Range<usize>) -> bool {
        if r.len() != 24 {
            return self.other.insert((r.start, r.end));
        }
        let (word, bit) = (r.start / 64, 1u64 << (r.start % 64));
        if self.starts.len() <= word {
            self.starts.resize(word + 1, 0);
        }
        let fresh = self.starts[word] & bit == 0;
        self.starts[word] |= bit;
        fresh
    }
}

/// The `token` group of a `legacy-*` pattern's match `found`: the 24 letters and digits at
/// its end, or just before its last character when that is not a letter or digit (each such
/// pattern ends `(?P<token>[A-Za-z0-9]{24})` then one delimiter, a quote or the end of the
/// text). Should a pattern ever end otherwise, the match is captured the slow way.
pub(crate) fn legacy_token_of(
    re: &regex::Regex,
    text: &str,
    found: regex::Match<'_>,
) -> Option<Range<usize>> {
    let last = found.as_str().chars().next_back()?;
    let end = if last.is_ascii_alphanumeric() {
        found.end()
    } else {
        found.end() - last.len_utf8()
    };
    let token = end
        .checked_sub(24)
        .filter(|&start| start >= found.start())
        .filter(|&start| {
            text.as_bytes()[start..end]
                .iter()
                .all(u8::is_ascii_alphanumeric)
        });
    let captured = || {
        re.captures_at(text, found.start())
            .filter(|c| c.get(0) == Some(found))
            .and_then(|c| c.name("token"))
            .map(|m| m.range())
    };
    match token {
        Some(start) => {
            // Tests check the shortcut against the capture on every match they lint.
            #[cfg(test)]
            assert_eq!(
                captured(),
                Some(start..end),
                "legacy token read off the end of `{}`",
                found.as_str()
            );
            Some(start..end)
        }
        None => captured(),
    }
}

/// A literal `Basic <base64>` value decoded to `user:secret`.
pub struct BasicValue {
    pub range: Range<usize>,
    pub user: String,
    pub secret: String,
    /// The decoded text ended in a line break (`echo` without `-n`).
    pub trailing_newline: bool,
}

/// Decode every literal `Basic` value (the rule's `basic` pattern, group `b64`) that holds a
/// `user:secret` pair.
pub fn basic_values(cx: &Cx<'_>) -> Vec<BasicValue> {
    let mut out: Vec<BasicValue> = Vec::new();
    // Variables completing a `Basic ` header, each looked up once, at most 16.
    let mut looked_up: Vec<String> = Vec::new();
    // Ranges already decoded: a set, not a scan of `out` (issue 12, class 5).
    let mut taken: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for caps in cx.pattern("basic").captures_iter(cx.text) {
        let m = match (caps.name("b64"), caps.name("var")) {
            (Some(m), _) => m,
            (None, Some(v)) => {
                if looked_up.len() >= 16 || looked_up.iter().any(|x| x == v.as_str()) {
                    continue;
                }
                looked_up.push(v.as_str().to_string());
                match literal_base64_of(cx, v.as_str()) {
                    Some(m) if !taken.contains(&(m.start(), m.end())) => m,
                    _ => continue,
                }
            }
            _ => continue,
        };
        let Some(decoded) = decode_b64(m.as_str()) else {
            continue;
        };
        let trailing_newline = decoded.ends_with('\n');
        let decoded = decoded.trim_end_matches(['\n', '\r']);
        let Some((user, secret)) = decoded.split_once(':') else {
            continue;
        };
        if user.is_empty() || secret.is_empty() || decoded.chars().any(|c| c.is_control()) {
            continue;
        }
        taken.insert((m.start(), m.end()));
        out.push(BasicValue {
            range: m.range(),
            user: user.to_string(),
            secret: secret.to_string(),
            trailing_newline,
        });
    }
    out
}

/// The literal base64 value a variable is assigned in the file (`creds = 'amFuZUBh...'`).
fn literal_base64_of<'a>(cx: &Cx<'a>, var: &str) -> Option<regex::Match<'a>> {
    // What must follow the name in a match: without it anywhere, no pattern is built.
    static AFTER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let after = AFTER.get_or_init(|| {
        regex::Regex::new(
            r#"\A["']?\s*(?::\s*\w+\s*)?(?:=|:=|:)\s*[rbuRBU]?["'`][A-Za-z0-9+/]{16,}={0,2}["'`]"#,
        )
        .expect("fixed pattern")
    });
    let possible = followed_somewhere(cx.text, var, after);
    if !possible && !cfg!(debug_assertions) {
        return None;
    }
    let re = crate::lint::built_pattern(format!(
        r#"(?:^|[^\w.]){}["']?\s*(?::\s*\w+\s*)?(?:=|:=|:)\s*[rbuRBU]?["'`](?P<b64>[A-Za-z0-9+/]{{16,}}={{0,2}})["'`]"#,
        regex::escape(var)
    ))?;
    let found = re.captures(cx.text)?.name("b64");
    // Debug builds (every test) check the shortcut against the pattern.
    debug_assert!(possible || found.is_none(), "`{var}` assigned unseen");
    found
}

/// Is `name` followed, at any of its occurrences in `text` (overlapping ones too), by what the
/// anchored pattern `after` matches? A variable's literal assignment ([`literal_value`],
/// [`literal_base64_of`]) is the name and then that; where nothing is, the pattern built for
/// the name (compiled once per name, a third of a millisecond) cannot match, so it is neither
/// built nor run.
fn followed_somewhere(text: &str, name: &str, after: &regex::Regex) -> bool {
    if name.is_empty() {
        return true;
    }
    let finder = memchr::memmem::Finder::new(name.as_bytes());
    let mut from = 0;
    while let Some(i) = finder.find(&text.as_bytes()[from..]) {
        let end = from + i + name.len();
        if text.get(end..).is_none_or(|rest| after.is_match(rest)) {
            return true;
        }
        from += i + 1;
    }
    false
}

/// A literal `user, secret` pair handed to Basic auth (the `pair-call` and `pair-user`
/// patterns): the secret is not a token of a known kind (those have their own findings).
pub struct LiteralPair {
    /// The secret's range.
    pub range: Range<usize>,
    pub user: String,
    pub secret: String,
}

/// Every literal (email, secret) pair given to a Basic-auth call, `-u`, or credential object,
/// where the user is a real-looking email and the secret is not a variable or placeholder.
pub fn literal_pairs(cx: &Cx<'_>) -> Vec<LiteralPair> {
    let cloud = calls_cloud(cx);
    let mut out: Vec<LiteralPair> = Vec::new();
    // Secret ranges already taken: a set, not a scan of `out`, which made a file of many
    // pairs quadratic (issue 12, class 5).
    let mut taken: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    for id in [
        "pair-call",
        "pair-user",
        "pair-inline",
        "pair-colon",
        "pair-positional",
    ] {
        if !matches_somewhere(cx, id) || id == "pair-colon" && !may_pair_colon(cx) {
            continue;
        }
        for caps in cx.pattern(id).captures_iter(cx.text) {
            // A bare `"email:secret"` string is a credential only where the line says so.
            if id == "pair-colon" && !pair_context_near(cx, caps.get(0).map_or(0, |m| m.start())) {
                continue;
            }
            let (Some(u), Some(m)) = (
                ["user", "nuser", "luser"].iter().find_map(|g| caps.name(g)),
                ["secret", "nsecret", "lsecret"]
                    .iter()
                    .find_map(|g| caps.name(g)),
            ) else {
                continue;
            };
            // A URL's user info encodes the `@` of an email.
            let user = u.as_str().replace("%40", "@");
            let (user, secret) = (user.as_str(), m.as_str());
            // Cloud's Basic user is an email; a bare login counts in a file that calls a
            // Cloud site, and in a call only as its first argument (`auth=("jsmith", ...)`,
            // not a header map's `"X-Auth": "a", "b"`).
            let first_arg = || {
                id != "pair-call"
                    || cx.text[..u.start().saturating_sub(1)]
                        .trim_end()
                        .ends_with(['(', '['])
            };
            if !(crate::account::is_email(user) || cloud && is_login(user) && first_arg())
                || crate::account::is_placeholder(user)
                || token::classify(secret).kind != TokenKind::Unknown
                || crate::account::is_placeholder(secret)
                || crate::account::is_variable(secret)
                || !taken.insert((m.start(), m.end()))
            {
                continue;
            }
            out.push(LiteralPair {
                range: m.range(),
                user: user.to_string(),
                secret: secret.to_string(),
            });
        }
    }
    // Both given as variables: resolved through the file's literal assignments.
    let mut resolved: Literals = Vec::new();
    for (u, s) in pair_variables(cx) {
        let Some((_, user)) = literal_value(cx, u, &mut resolved) else {
            continue;
        };
        let Some((range, secret)) = literal_value(cx, s, &mut resolved) else {
            continue;
        };
        if user.is_empty()
            || crate::account::is_placeholder(&user)
            || crate::account::is_variable(&user)
            || token::classify(&secret).kind != TokenKind::Unknown
            || crate::account::is_placeholder(&secret)
            || crate::account::is_variable(&secret)
            || !taken.insert((range.start, range.end))
        {
            continue;
        }
        out.push(LiteralPair {
            range,
            user,
            secret,
        });
    }
    out
}

/// How a `password` / `pass` / `pwd` key names what it holds.
#[derive(PartialEq)]
enum SlotKey {
    /// `jira.password`, `CONFLUENCE_PASS`, `atlassianPwd`.
    Atlassian,
    /// `password`, `pass`, `api_password`, `user_password`: whose depends on the user beside it.
    Generic,
    /// Another service's password: `db_password`, `smtp.pass`, `keystore.password`.
    Other,
}

fn slot_key(key: &str) -> SlotKey {
    let k = key.to_ascii_lowercase();
    if ["jira", "confluence", "atlassian", "wiki"]
        .iter()
        .any(|w| k.contains(w))
    {
        return SlotKey::Atlassian;
    }
    let mut rest: String = k.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    // Qualifiers that still mean the API user's password.
    for prefix in [
        "api", "auth", "basic", "user", "login", "account", "http", "rest",
    ] {
        if let Some(r) = rest.strip_prefix(prefix) {
            rest = r.to_string();
        }
    }
    if ["password", "passwd", "pass", "pwd"].contains(&rest.as_str()) {
        SlotKey::Generic
    } else {
        SlotKey::Other
    }
}

/// An account password in the secret slot of a credential written as keys or arguments (the
/// `secret-slot` pattern): `jira.password=...`, `password: "..."` beside the user, `password =
/// "..."` in a Jira client section, `ConvertTo-SecureString "..." -AsPlainText`, a `.netrc`
/// `password`. An account password is a finding only for Atlassian Cloud, where API tokens
/// replace it: the file calls a Cloud site, or a real email (Cloud's Basic user) sits within
/// four lines. A generic key needs a user beside it; another service's key is never one.
/// Known token kinds, placeholders and variables are left to their own findings.
pub fn password_slots(cx: &Cx<'_>) -> Vec<LiteralPair> {
    let mut out = Vec::new();
    let cloud = calls_cloud(cx);
    let email = cx.pattern("slot-user-email");
    for caps in slot_matches(cx) {
        let value = match caps.name("bare") {
            // Unquoted values are read in configuration files only.
            Some(m) if cx.kind.is_config() => m,
            Some(_) => continue,
            None => match ["secret", "ps", "netrc", "xml", "attr"]
                .iter()
                .find_map(|g| caps.name(g))
            {
                Some(m) => m,
                None => continue,
            },
        };
        let secret = value.as_str();
        if !is_password(secret) || token::classify(secret).kind != TokenKind::Unknown {
            continue;
        }
        let key = ["key", "xkey", "akey"]
            .iter()
            .find_map(|g| caps.name(g))
            .map_or(SlotKey::Atlassian, |k| slot_key(k.as_str()));
        if key == SlotKey::Other {
            continue;
        }
        // The four lines either side: where a client or a section puts the user.
        let around = lines_around_in(cx.text, value.start(), 4);
        let window = &cx.text[around.clone()];
        let user = email_in(email, window);
        // A user record being created or listed (`"password": "...", "emailAddress": ...,
        // "displayName": ...`) holds that user's new password, not the caller's credential.
        if ["displayName", "display_name", "emailAddress"]
            .iter()
            .any(|w| window.contains(w))
        {
            continue;
        }
        // A generic key under another section (`[smtp]`, `database:`) is that service's.
        if key == SlotKey::Generic
            && cx.kind.is_config()
            && matches!(heading(cx, value.start()), Heading::Other)
        {
            continue;
        }
        let user_key = || user_key_in(cx, around.clone());
        let accepted = match (user, &key) {
            (Some(_), _) => true,
            (None, SlotKey::Atlassian) => cloud,
            (None, _) => cloud && user_key(),
        };
        if !accepted {
            continue;
        }
        out.push(LiteralPair {
            range: value.range(),
            user: user.unwrap_or("the account").to_string(),
            secret: secret.to_string(),
        });
    }
    out
}

/// The first real (non-placeholder) email address in `text`, found by the rule's
/// `slot-user-email` pattern: the Cloud Basic user beside a secret.
pub fn email_in<'a>(email: &regex::Regex, text: &'a str) -> Option<&'a str> {
    email
        .captures_iter(text)
        .filter_map(|c| c.name("email"))
        .map(|m| m.as_str())
        .find(|e| {
            crate::account::is_email(e)
                && !crate::account::is_placeholder(e)
                && !e.to_ascii_lowercase().ends_with(".atlassian.net")
        })
}

/// The text of the `n` lines before and after the line holding `at` (and that line).
pub fn lines_around<'a>(cx: &Cx<'a>, at: usize, n: usize) -> &'a str {
    &cx.text[lines_around_in(cx.text, at, n)]
}

fn lines_around_in(text: &str, at: usize, n: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    // The line breaks are looked for only within the 2 KiB either side the result is cut to:
    // past them the result is the same, and a search of the rest of the file for each slot on
    // one long line made 8 MiB of `password = "…"` quadratic.
    let (lo, hi) = (at.saturating_sub(2048), (at + 2048).min(text.len()));
    let mut start = at.min(text.len());
    for _ in 0..=n {
        match memchr::memrchr(b'\n', &bytes[lo.min(start)..start]) {
            Some(i) => start = lo.min(start) + i,
            None => {
                start = lo.min(start);
                break;
            }
        }
    }
    let mut end = at.min(text.len());
    for _ in 0..=n {
        match memchr::memchr(b'\n', &bytes[end..hi.max(end)]) {
            Some(i) => end += i + 1,
            None => {
                end = hi.max(end);
                break;
            }
        }
    }
    // At most a few kilobytes either side, on character boundaries (minified files).
    let s = crate::lines::ceil_boundary(text, start.max(at.saturating_sub(2048)));
    let e = crate::lines::floor_boundary(text, end.min(at + 2048));
    s..e.max(s)
}

/// Does the file name a Cloud site (`….atlassian.net`) on a line that is not a comment? A
/// commented-out Cloud URL above a Data Center call does not make its login a Cloud account.
pub fn calls_cloud(cx: &Cx<'_>) -> bool {
    // Asked by several detectors of a file: answered once ([`Shared`]).
    *cx.shared().cloud.get_or_init(|| {
        static DOMAIN: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
            std::sync::OnceLock::new();
        DOMAIN
            .get_or_init(|| memchr::memmem::Finder::new(".atlassian.net"))
            .find_iter(cx.text.as_bytes())
            .take(64)
            .any(|at| !crate::lint::is_comment_line(cx.line_head(at)))
    })
}

/// Is a literal `"email:secret"` string at `at` handed to Basic auth: do its line or the two
/// after it (`$pair = "..."` then `ToBase64String($pair)`) say so (`pair-context`)?
pub fn pair_context_near(cx: &Cx<'_>, at: usize) -> bool {
    let (line, start) = cx.line_at(at);
    let len = cx.text.len();
    let end = (start + line.len()).min(len);
    // The first line break at or after `from`, from the line index: a search of the text was
    // the rest of the file for each pair on one long line (8 MiB of `"jane@acme.com:…" `
    // pairs took 220 s).
    let next_break = |from: usize| {
        (from < len)
            .then(|| cx.line_range(from).end)
            .filter(|&p| p < len)
    };
    let mut stop = end;
    for _ in 0..2 {
        match next_break(stop) {
            Some(p) if p + 1 < len => stop = next_break(p + 1).unwrap_or(len),
            _ => break,
        }
    }
    let stop = crate::lines::floor_boundary(cx.text, stop.min(end + 4096));
    context_in(cx, start..stop)
}

/// Where the `pair-context` pattern (`(?i)userpwd|auth|basic|credential|login|base64|btoa|
/// encode|(?:^|\s)-u\s|--user`) can match, found once per file: where each of its words
/// starts (any case; `-u` only where a space follows it) and whether a space precedes that `-u`.
struct ContextWords {
    /// Start and end of every word but `-u`, by start.
    words: Vec<(usize, usize)>,
    /// Every `-u` followed by a space, with whether a space precedes it.
    dash_u: Vec<(usize, bool)>,
}

/// Does the `pair-context` pattern match in `cx.text[range]` (a haystack of its own, so `^` is
/// its start)? Read off [`ContextWords`] rather than by a search of the range: a file of one long
/// line asks this for each Basic pair on it, with ranges that overlap (8 MiB of `a + ":" + b`
/// took 6.5 s). A word inside the range is a match; `-u` with a space after it is one where a
/// space inside the range precedes it or it starts the range. Where the rule's pattern is another
/// one, or `ſ` (U+017F), which `(?i)` reads as `s`, is in the text, the range is searched. Debug
/// builds check every answer against the search.
fn context_in(cx: &Cx<'_>, range: Range<usize>) -> bool {
    read_off(
        cx,
        "pair-context",
        &cx.shared().context,
        context_words,
        range,
    )
}

/// A table of where a pattern's words stand in a file, which answers whether the pattern matches
/// in a range of it ([`ContextWords`], [`UserWords`]).
trait WordTable {
    fn in_range(&self, a: usize, b: usize) -> bool;
}

/// Does the rule's pattern `id` match in `cx.text[range]`: searched directly while
/// [`searched_yet`] allows, then read off the file's table of its words (built once by `build`,
/// kept in `cell`), or searched where there is no table. Debug builds check every answer read
/// off a table against the search.
fn read_off<T: WordTable>(
    cx: &Cx<'_>,
    id: &str,
    cell: &std::cell::OnceCell<Option<T>>,
    build: fn(&str, &regex::Regex) -> Option<T>,
    range: Range<usize>,
) -> bool {
    let re = cx.pattern(id);
    if cell.get().is_none() && searched_yet(cx, range.len()) {
        return re.is_match(&cx.text[range]);
    }
    let Some(table) = cell.get_or_init(|| build(cx.text, re)).as_ref() else {
        return re.is_match(&cx.text[range]);
    };
    let found = table.in_range(range.start, range.end);
    debug_assert_eq!(
        found,
        re.is_match(&cx.text[range.clone()]),
        "`{id}` read off its words in {range:?}"
    );
    found
}

impl WordTable for ContextWords {
    /// Does `pair-context` match in the haystack `text[a..b]`?
    fn in_range(&self, a: usize, b: usize) -> bool {
        // Each word is at most ten bytes long: past the first that starts in the range, only
        // those that start less than ten bytes before its end can end outside it.
        let first = self.words.partition_point(|&(s, _)| s < a);
        let word = self.words[first..]
            .iter()
            .take_while(|&&(s, _)| s < b)
            .any(|&(_, e)| e <= b);
        let i = self.dash_u.partition_point(|&(s, _)| s < a);
        word || self.dash_u[i..]
            .iter()
            .take_while(|&&(s, _)| s + 2 < b)
            .any(|&(s, space)| space || s == a)
    }
}

/// Where AT104's `slot-user-key` pattern (`(?i)(?:^|[^a-z])(?:user(?:_?name)?|e?mail|login)(?:[^a-z]|$)`)
/// can match, found once per file: each of its words (`user`, `username`, `user_name`, `mail`,
/// `email`, `login`, any case) with whether a letter stands before it and after it.
struct UserWords {
    /// (start, end, no letter before, no letter after), by start.
    words: Vec<(usize, usize, bool, bool)>,
    /// (start, end) of the words with no letter on either side, by start.
    free: Vec<(usize, usize)>,
}

impl WordTable for UserWords {
    /// Does `slot-user-key` match in the haystack `text[a..b]`? A word inside the range is a
    /// match where the range starts at it or a non-letter precedes it, and the range ends at it
    /// or a non-letter follows it: a word with no letter either side anywhere in the range, or
    /// one at its start or its end. Words are at most nine bytes long, so each of the three
    /// looks reads a few entries.
    fn in_range(&self, a: usize, b: usize) -> bool {
        let i = self.free.partition_point(|w| w.0 < a);
        let free = self.free[i..]
            .iter()
            .take_while(|w| w.0 < b)
            .any(|&(_, e)| e <= b);
        let i = self.words.partition_point(|w| w.0 < a);
        let at_start = self.words[i..]
            .iter()
            .take_while(|w| w.0 == a)
            .any(|&(_, e, _, after)| e == b || e < b && after);
        let i = self
            .words
            .partition_point(|w| w.0 < a.max(b.saturating_sub(9)));
        let at_end = self.words[i..]
            .iter()
            .take_while(|w| w.0 < b)
            .any(|&(s, e, before, _)| e == b && (before || s == a));
        free || at_start || at_end
    }
}

/// May a window of `len` bytes still be searched directly ([`context_in`], [`user_key_in`])? Yes
/// while the windows searched so far in the file add up to less than four times its size (and
/// 64 KiB): a file of short lines asks a few times and a search of each line costs less than
/// finding the words in the whole file; a long line asked about again and again switches to
/// the words, found once, so the total stays linear.
fn searched_yet(cx: &Cx<'_>, len: usize) -> bool {
    let done = &cx.shared().window_bytes;
    let total = done.get() + len;
    let yes = total <= 4 * cx.text.len() + (64 << 10);
    if yes {
        done.set(total);
    }
    yes
}

/// Does `slot-user-key` match in `cx.text[range]`? Read off [`UserWords`] (each password slot
/// on a long line asked it of the 4 KiB around it: 8 MiB of `password = "…"` took 3.6 s); where
/// the rule's pattern is another one, or the text holds `ſ` or the Kelvin sign (letters to
/// `(?i)`), the range is searched. Debug builds check every answer against the search.
fn user_key_in(cx: &Cx<'_>, range: Range<usize>) -> bool {
    read_off(
        cx,
        "slot-user-key",
        &cx.shared().user_key,
        user_words,
        range,
    )
}

/// The words of `slot-user-key` in `text` ([`UserWords`]); `None` where `re` is not AT104's
/// pattern (its text is compared) or `text` holds `ſ` or the Kelvin sign.
fn user_words(text: &str, re: &regex::Regex) -> Option<UserWords> {
    const SOURCE: &str = r"(?i)(?:^|[^a-z])(?:user(?:_?name)?|e?mail|login)(?:[^a-z]|$)";
    let bytes = text.as_bytes();
    if re.as_str() != SOURCE
        || memchr::memmem::find(bytes, "\u{17f}".as_bytes()).is_some()
        || memchr::memmem::find(bytes, "\u{212a}".as_bytes()).is_some()
    {
        return None;
    }
    static FINDER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    let finder = FINDER
        .get_or_init(|| {
            aho_corasick::AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(["user", "email", "mail", "login"])
                .ok()
        })
        .as_ref()?;
    let letter = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
    let mut words = Vec::new();
    let mut push = |s: usize, e: usize| {
        words.push((s, e, s == 0 || !letter(s - 1), !letter(e)));
    };
    // Every place a word starts (no two start alike; `email` holds `mail`, found from the next
    // byte); `user` also as `username` and `user_name`.
    let mut from = 0;
    while let Some(m) = finder.find(aho_corasick::Input::new(bytes).range(from..)) {
        from = m.start() + 1;
        push(m.start(), m.end());
        if m.pattern().as_usize() == 0 {
            for tail in [&b"name"[..], b"_name"] {
                if bytes
                    .get(m.end()..m.end() + tail.len())
                    .is_some_and(|t| t.eq_ignore_ascii_case(tail))
                {
                    push(m.start(), m.end() + tail.len());
                }
            }
        }
    }
    words.sort_unstable();
    let free = words
        .iter()
        .filter(|w| w.2 && w.3)
        .map(|w| (w.0, w.1))
        .collect();
    Some(UserWords { words, free })
}

/// The words of `pair-context` in `text` ([`ContextWords`]); `None` where `re` is not the shared
/// pattern or `text` holds `ſ`.
fn context_words(text: &str, re: &regex::Regex) -> Option<ContextWords> {
    let shared = crate::catalogue::shared_patterns()
        .iter()
        .find(|p| p.id == "pair-context")?;
    let shared = crate::lint::shared_pattern(&shared.id, &shared.regex).ok()?;
    let bytes = text.as_bytes();
    if address(re) != address(shared) || memchr::memmem::find(bytes, "\u{17f}".as_bytes()).is_some()
    {
        return None;
    }
    const WORDS: [&str; 9] = [
        "userpwd",
        "auth",
        "basic",
        "credential",
        "login",
        "base64",
        "btoa",
        "encode",
        "-u",
    ];
    static FINDER: std::sync::OnceLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::OnceLock::new();
    let finder = FINDER
        .get_or_init(|| {
            aho_corasick::AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(aho_corasick::MatchKind::LeftmostFirst)
                .build(WORDS)
                .ok()
        })
        .as_ref()?;
    let space = |b: u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let mut out = ContextWords {
        words: Vec::new(),
        dash_u: Vec::new(),
    };
    // Every place a word starts (no two start alike; `--user` holds `-u`, which stands for it:
    // `--user` in a range holds `-u` and `ser`, and is found as a word of its own below).
    let mut from = 0;
    while let Some(m) = finder.find(aho_corasick::Input::new(bytes).range(from..)) {
        from = m.start() + 1;
        if m.pattern().as_usize() == WORDS.len() - 1 {
            // `-u` and a space after it; or `--user`.
            if bytes.get(m.end()).is_some_and(|&b| space(b)) {
                out.dash_u
                    .push((m.start(), m.start() > 0 && space(bytes[m.start() - 1])));
            }
            if m.start() > 0
                && bytes[m.start() - 1] == b'-'
                && bytes
                    .get(m.end()..m.end() + 3)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b"ser"))
            {
                out.words.push((m.start() - 1, m.end() + 3));
            }
        } else {
            out.words.push((m.start(), m.end()));
        }
    }
    out.words.sort_unstable();
    Some(out)
}

/// A literal login name (`jsmith`, `j.kowalski`), not a variable, template or placeholder word.
fn is_login(user: &str) -> bool {
    (2..=64).contains(&user.len())
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && user.bytes().any(|b| b.is_ascii_alphabetic())
        && ![
            "user", "username", "login", "email", "name", "me", "you", "foo",
        ]
        .contains(&user.to_ascii_lowercase().as_str())
}

/// Variables looked up by [`literal_value`], with the literal each holds (if any).
type Literals = Vec<(String, Option<(Range<usize>, String)>)>;

/// The literal string a variable is assigned in the file (`$password = 'x';`,
/// `const user = "x"`, `password: "x"`), with its range. Each name is looked up once, at most 16.
fn literal_value(cx: &Cx<'_>, name: &str, cache: &mut Literals) -> Option<(Range<usize>, String)> {
    if let Some((_, v)) = cache.iter().find(|(n, _)| n == name) {
        return v.clone();
    }
    if cache.len() >= 16 {
        return None;
    }
    // Another rule of the file may have looked the name up already ([`Shared`]); the limit of
    // 16 stays each caller's own.
    let memo = cx.shared().literals.borrow().get(name).cloned();
    if let Some(found) = memo {
        cache.push((name.to_string(), found.clone()));
        return found;
    }
    // What must follow the name in a match: without it anywhere, no pattern is built.
    static AFTER: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let after = AFTER.get_or_init(|| {
        regex::Regex::new(r#"\A\s*(?::\s*[\w.<>?]+\s*)?(?:=|:=|=>|:)\s*["'][^"'\n]*["']"#)
            .expect("fixed pattern")
    });
    let possible = followed_somewhere(cx.text, name, after);
    let found = if !possible && !cfg!(debug_assertions) {
        None
    } else {
        crate::lint::built_pattern(format!(
            r#"(?:^|[\s;{{(,])(?:(?:const|let|var|val|final|static|String|string|my|our|private|public|readonly)\s+)*\$?{}\s*(?::\s*[\w.<>?]+\s*)?(?:=|:=|=>|:)\s*["'](?P<v>[^"'\n]*)["']"#,
            regex::escape(name)
        ))
        .and_then(|re| {
            re.captures(cx.text)
                .and_then(|c| c.name("v"))
                .map(|m| (m.range(), m.as_str().to_string()))
        })
    };
    // Debug builds (every test) check the shortcut against the pattern.
    debug_assert!(possible || found.is_none(), "`{name}` assigned unseen");
    cx.shared()
        .literals
        .borrow_mut()
        .insert(name.to_string(), found.clone());
    cache.push((name.to_string(), found.clone()));
    found
}

/// Does a secret look like a password someone typed (and not a placeholder, a variable or a
/// token of a known kind)?
pub fn is_password(secret: &str) -> bool {
    let lower = secret.to_ascii_lowercase();
    secret.len() >= 6
        && !crate::account::is_placeholder(secret)
        && !crate::account::is_variable(secret)
        && ![
            "password",
            "passwd",
            "secret",
            "token",
            "example",
            "sample",
            "dummy",
            "pass123",
            "api-key",
            "api_key",
            "apikey",
            "changeit",
            "placeholder",
        ]
        .iter()
        .any(|w| lower.contains(w))
        && secret
            .chars()
            .collect::<std::collections::HashSet<_>>()
            .len()
            >= 4
}

/// Decode a base64 value to a `user:secret` pair (no control characters).
pub fn decode_pair(b64: &str) -> Option<(String, String)> {
    let decoded = decode_b64(b64)?;
    let decoded = decoded.trim_end_matches(['\n', '\r']);
    let (user, secret) = decoded.split_once(':')?;
    if user.is_empty() || secret.is_empty() || decoded.chars().any(|c| c.is_control()) {
        return None;
    }
    Some((user.to_string(), secret.to_string()))
}

/// The one Basic decoder the doctor uses too ([`crate::token::decode_base64`]).
fn decode_b64(s: &str) -> Option<String> {
    String::from_utf8(crate::token::decode_base64(s)?).ok()
}

/// Is a decoded Basic secret a real-looking credential rather than a placeholder?
pub fn is_real_secret(secret: &str) -> bool {
    let kind = token::classify(secret).kind;
    if kind != TokenKind::Unknown {
        return true;
    }
    !crate::account::is_placeholder(secret)
        && !crate::account::is_variable(secret)
        && secret.len() >= 12
        && crate::secret::looks_random(secret)
}

/// Strip one layer of matching quotes.
pub fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\'', '`'] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

/// The text of the line before byte offset `at`.
pub fn line_prefix<'a>(cx: &Cx<'a>, at: usize) -> &'a str {
    let (_, start) = cx.line_at(at);
    &cx.text[start..at]
}

/// Does one of `ranges` (in order, not overlapping) hold offset `at`? Binary search.
pub fn in_sorted(ranges: &[std::ops::Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.end <= at);
    ranges.get(i).is_some_and(|r| r.contains(&at))
}

/// The fenced blocks of a Markdown file (```` ```yaml ````, `~~~ini`), with the configuration
/// format their info string names (`None` for code and untagged blocks).
pub fn markdown_fences(text: &str) -> Vec<(std::ops::Range<usize>, Option<FileKind>)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str, Option<FileKind>)> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        match open {
            None => {
                let marker = if t.starts_with("```") {
                    "```"
                } else if t.starts_with("~~~") {
                    "~~~"
                } else {
                    ""
                };
                if !marker.is_empty() {
                    let info = t.trim_start_matches(['`', '~']).trim().to_ascii_lowercase();
                    let lang = info
                        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                        .next()
                        .unwrap_or("");
                    let kind = match lang {
                        "yaml" | "yml" => Some(FileKind::Yaml),
                        "ini" | "cfg" | "conf" | "properties" | "hocon" => Some(FileKind::Ini),
                        "toml" => Some(FileKind::Toml),
                        "json" | "jsonc" | "json5" => Some(FileKind::Json),
                        "env" | "dotenv" => Some(FileKind::Env),
                        "hcl" | "terraform" | "tf" => Some(FileKind::Hcl),
                        _ => None,
                    };
                    open = Some((at + line.len(), marker, kind));
                }
            }
            Some((start, marker, kind)) => {
                if t.starts_with(marker) && t.trim_start_matches(['`', '~']).is_empty() {
                    out.push((start..at, kind));
                    open = None;
                }
            }
        }
        at += line.len();
    }
    if let Some((start, _, kind)) = open {
        out.push((start..text.len(), kind));
    }
    out
}

/// The fenced block of [`markdown_fences`] that holds offset `at`, found by binary search (the
/// blocks are sorted and disjoint).
pub fn fence_at(
    fences: &[(Range<usize>, Option<FileKind>)],
    at: usize,
) -> Option<&(Range<usize>, Option<FileKind>)> {
    let i = fences.partition_point(|(r, _)| r.end <= at);
    fences.get(i).filter(|(r, _)| r.start <= at)
}

/// Where a configuration key sits.
pub enum Heading {
    /// Under a heading that names the product.
    Atlassian,
    /// Under another heading (`notifications:`, `[smtp]`).
    Other,
    /// At the top level of the file.
    TopLevel,
}

/// In a configuration file, is the key under a heading that names the product: a parent by
/// indentation (`jira:` / `"confluence": {` above a more indented key) or the INI section
/// (`[atlassian]`)? Looks at most 40 lines up.
pub fn heading(cx: &Cx<'_>, at: usize) -> Heading {
    let names = |l: &str| {
        let l = l.to_ascii_lowercase();
        ["jira", "confluence", "atlassian"]
            .iter()
            .any(|w| l.contains(w))
    };
    let (line, line_start) = cx.line_at(at);
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut level = indent(line);
    let mut parent = false;
    for l in cx.text[..line_start].lines().rev().take(40) {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('[') && t.ends_with(']') {
            return if names(t) {
                Heading::Atlassian
            } else {
                Heading::Other
            };
        }
        if indent(l) < level {
            if names(t) {
                return Heading::Atlassian;
            }
            parent = true;
            level = indent(l);
            if level == 0 {
                break;
            }
        }
    }
    if parent || level > 0 {
        Heading::Other
    } else {
        Heading::TopLevel
    }
}

#[cfg(test)]
mod tests {

    /// On 600 random texts of up to `most` of `pieces` (from seed `seed`), the word table
    /// `build` makes answers for every range what a search of `re` over the range says; both
    /// answers come up more than 10,000 times.
    fn every_range_agrees<T: super::WordTable>(
        re: &regex::Regex,
        pieces: &[&str],
        seed: u64,
        most: usize,
        build: fn(&str, &regex::Regex) -> Option<T>,
    ) {
        let mut next = crate::testing::lcg(seed);
        let (mut yes, mut no) = (0, 0);
        for _ in 0..600 {
            let n = 1 + next() % most;
            let text: String = (0..n).map(|_| pieces[next() % pieces.len()]).collect();
            let words = build(&text, re).expect("the shared pattern, no ſ");
            for a in 0..=text.len() {
                for b in a..=text.len() {
                    if !text.is_char_boundary(a) || !text.is_char_boundary(b) {
                        continue;
                    }
                    let full = re.is_match(&text[a..b]);
                    assert_eq!(words.in_range(a, b), full, "{:?}", &text[a..b]);
                    if full { yes += 1 } else { no += 1 }
                }
            }
        }
        assert!(yes > 10_000 && no > 10_000, "{yes} {no}");
    }

    /// `slot-user-key` read off its words ([`super::UserWords`]) answers as a search of the
    /// range does, on random texts of its words (any case, `username`, `user_name`, glued to
    /// letters or not) and other bytes, for every range of them.
    #[test]
    fn user_words_answer_as_the_search() {
        let re = crate::testing::rule_pattern(crate::catalogue::Code::AT104, "slot-user-key");
        const PIECES: &[&str] = &[
            "user",
            "USER",
            "username",
            "user_name",
            "UserName",
            "users",
            "mail",
            "email",
            "eMail",
            "login",
            "logins",
            "x",
            "_",
            " ",
            "\n",
            "é",
            "1",
            "name",
        ];
        every_range_agrees(&re, PIECES, 77, 7, super::user_words);
    }

    /// The lines around a place, looked for within the 2 KiB the result is cut to, are the
    /// ones a search of the whole text finds: short and long lines, `n` of 0 to 5, every place.
    #[test]
    fn lines_around_is_the_whole_search() {
        fn whole(text: &str, at: usize, n: usize) -> std::ops::Range<usize> {
            let mut start = at.min(text.len());
            for _ in 0..=n {
                match text[..start].rfind('\n') {
                    Some(i) => start = i,
                    None => {
                        start = 0;
                        break;
                    }
                }
            }
            let mut end = at.min(text.len());
            for _ in 0..=n {
                match text[end..].find('\n') {
                    Some(i) => end += i + 1,
                    None => {
                        end = text.len();
                        break;
                    }
                }
            }
            let s = crate::lines::ceil_boundary(text, start.max(at.saturating_sub(2048)));
            let e = crate::lines::floor_boundary(text, end.min(at + 2048));
            s..e.max(s)
        }
        let mut next = crate::testing::lcg(2048);
        for _ in 0..60 {
            let mut text = String::new();
            for _ in 0..next() % 12 {
                let len = [0, 1, 5, 300, 2047, 2048, 2049, 5000][next() % 8];
                text.extend(std::iter::repeat_n(['x', 'é', ' '][next() % 3], len));
                text.push('\n');
            }
            for at in (0..=text.len())
                .filter(|&a| text.is_char_boundary(a))
                .step_by(7)
            {
                let n = next() % 6;
                assert_eq!(
                    super::lines_around_in(&text, at, n),
                    whole(&text, at, n),
                    "at {at}, n {n}"
                );
            }
        }
    }

    /// `pair-context` read off its words ([`super::ContextWords`]) answers as a search of the
    /// range does, on random texts of its words (any case, `--user`, `-u` with and without
    /// spaces around it) and other bytes, for every range of them.
    #[test]
    fn context_words_answer_as_the_search() {
        let p = crate::catalogue::shared_patterns()
            .iter()
            .find(|p| p.id == "pair-context")
            .unwrap();
        let re = crate::lint::shared_pattern(&p.id, &p.regex).unwrap();
        const PIECES: &[&str] = &[
            "auth",
            "AUTH",
            "Basic",
            "base64",
            "bas",
            "btoa",
            "encode",
            "credential",
            "LOGIN",
            "userpwd",
            "--user",
            "--USER",
            "--use",
            "-u",
            "-U",
            " -u ",
            "\t-u\n",
            " ",
            "\n",
            "x",
            "é",
            "-",
            "ser",
        ];
        every_range_agrees(re, PIECES, 64, 8, super::context_words);
    }

    /// Which [`super::RARE`] patterns match, found only where each can match
    /// ([`super::rare_at_anchors`]), is what each pattern's own search says: on the rule examples,
    /// the test data, the fixtures, this crate's README and CHANGELOG, every line of them, and
    /// random texts of the call names (in any case, with `ſ` and the Kelvin sign), keys,
    /// `.netrc` and `ConvertTo-SecureString` lines, `"$u:$p"` and `u + ":" + p` pairs, quotes,
    /// emails and line breaks.
    #[test]
    fn rare_at_anchors_is_the_full_search() {
        let (res, _) = super::rare_union().expect("the union builds");
        let mut texts = crate::testing::sample_texts();
        let lines: Vec<String> = texts
            .iter()
            .flat_map(|t| t.lines().map(str::to_string))
            .collect();
        texts.extend(lines);
        const NAMES: &[&str] = &[
            "auth",
            "AUTH",
            "x.auth",
            "basic_auth",
            "HTTPBasicAuth",
            "BasicAuthX",
            "Credentials.basic",
            ".basic",
            "UsernamePasswordCredentials",
            "NetworkCredential",
            "Networ\u{212a}Credential",
            "PasswordAuthentication",
            "PSCredential",
            "PSCredentiaL",
            "authorization_basic",
            "login",
            "restclient",
            "RestClient",
            "baſic_auth",
            "Baſic",
            "oauth",
            "basicredentials.basic",
        ];
        const REST: &[&str] = &[
            "(\"jane@acme.com\", \"s3cr3tpass\")",
            "(uri, \"jane@acme.com\", \"s3cr3tpass\")",
            "=(user, pass)",
            " = [$u, $p]",
            "('jsmith', 'hunter22')",
            "(x",
            " ",
            "\n",
        ];
        const SLOTS: &[&str] = &[
            "password = \"Summer#24\"",
            "jira.pass: hunter22",
            "PWD=abcdef1",
            "paſs: 'hunter22'",
            "<password>hunter22</",
            "key=\"jirapass\" value=\"hunter22\"",
            "key \x0B= \"apwd\"\n value = \"hunter22\"",
            "ConvertTo-SecureString \"hunter22\"",
            "ConvertTo-Secure\u{17f}tring 'hunter22'",
            "machine jira.acme login jane password hunter22",
            "MACHINE $host\nlogin x\npassword hunter22",
            "\"$u:$p\"",
            "'${user}:${pass}'",
            "`{u}:{p}`",
            "user + \":\" + pass",
            "$u . ':' . $p",
            "a\n+\n\":\"\n+\nb",
            "1 + \":\" + 2",
            "x + ':\" + $y",
            "\":\":\"",
            ":$",
            ":{",
        ];
        let mut next = crate::testing::lcg(44);
        for _ in 0..4000 {
            let mut text = String::new();
            for _ in 0..1 + next() % 5 {
                match next() % 3 {
                    0 => {
                        text.push_str(NAMES[next() % NAMES.len()]);
                        text.push_str(REST[next() % REST.len()]);
                    }
                    1 => text.push_str(SLOTS[next() % SLOTS.len()]),
                    _ => text.push_str(["\n", " ", "x", "é", "\"", ":"][next() % 6]),
                }
            }
            texts.push(text);
        }
        // Every name and key across the seam of two folded pieces, at every offset.
        for snippet in [
            "NetworkCredential(\"jane@acme.com\", \"s3cr3tpass\")",
            "ConvertTo-SecureString \"hunter22\"",
            "x.auth(\"jane@acme.com\", \"s3cr3tpass\")",
            "UsernamePasswordCredentials(u, p)",
        ] {
            for k in 0..snippet.len() + 2 {
                let pad = "x ".repeat((super::FOLD_PIECE - k) / 2);
                texts.push(format!("{pad}{}{snippet}\n", " ".repeat(k % 2)));
            }
        }
        let mut matched = [0usize; super::RARE.len()];
        let mut answered = 0;
        for text in &texts {
            // `None`: too many searches or `ſ` for this text; the union pass answers.
            let Some(found) = super::rare_at_anchors(text, res) else {
                continue;
            };
            answered += 1;
            for (i, re) in res.iter().enumerate() {
                let full = re.is_match(text);
                assert_eq!(found[i], full, "`{}` in {text:?}", super::RARE[i]);
                matched[i] += usize::from(full);
            }
        }
        assert!(matched.iter().all(|&n| n > 200), "{matched:?}");
        assert!(
            answered * 100 > texts.len() * 99,
            "{answered} of {}",
            texts.len()
        );
    }

    /// `token-slot-literal` searched line by line ([`token_slot_literals`]) finds what
    /// `find_iter` finds, and `may_pair_colon` says no only where `pair-colon` matches nowhere:
    /// on the rule examples, the test data, the fixtures, this crate's README and CHANGELOG,
    /// and random texts of keys (`token`, `apiKey`, `API_KEY` in any case, the Kelvin sign),
    /// separators, quotes, values with and without symbols, emails and line breaks.
    #[test]
    fn token_slot_literals_are_the_full_search() {
        let p = crate::catalogue::shared_patterns()
            .iter()
            .find(|p| p.id == "token-slot-literal")
            .unwrap();
        let re = crate::lint::shared_pattern(&p.id, &p.regex).unwrap();
        let mut texts = crate::testing::sample_texts();
        const PIECES: &[&str] = &[
            "apiToken",
            "JIRA_TOKEN",
            "api_key",
            "APIKEY",
            "to\u{212a}en",
            "tokens",
            "$token",
            ":token",
            "x.token",
            "-token",
            "\\\"",
            "\"",
            "'",
            "`",
            ": ",
            "=",
            " => ",
            ":=",
            " \t",
            "\n",
            " ",
            "Summer#2024",
            "s3cr3t!pa55",
            "abc",
            "jane@acme.com",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "é",
            "k",
        ];
        const KEYS: &[&str] = &[
            "apiToken",
            "JIRA_TOKEN",
            "api_key",
            "x.APIKEY",
            "to\u{212a}en",
            "$token",
            "tok",
        ];
        const SEPARATORS: &[&str] = &[": ", "=", " => ", ":=", "\t=\t", "\n=", " "];
        const QUOTES: &[&str] = &["\"", "'", "`", "\\\"", ""];
        const VALUES: &[&str] = &[
            "Summer#2024",
            "s3cr3t!pa55",
            "abc",
            "x y z w v u",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ];
        let mut next = crate::testing::lcg(40);
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..1 + next() % 6 {
                if next().is_multiple_of(2) {
                    let quote = QUOTES[next() % QUOTES.len()];
                    for part in [KEYS, SEPARATORS] {
                        text.push_str(part[next() % part.len()]);
                    }
                    text.push_str(quote);
                    text.push_str(VALUES[next() % VALUES.len()]);
                    text.push_str(quote);
                }
                text.push_str(PIECES[next() % PIECES.len()]);
            }
            texts.push(text);
        }
        let mut matches = 0;
        for text in &texts {
            let full: Vec<_> = re.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(
                super::token_slot_literal_matches(re, text),
                full,
                "{text:?}"
            );
            matches += full.len();
        }
        assert!(matches > 500, "{matches} matches");
    }

    /// The `legacy-*` matches found back from the runs ([`legacy_matches`]) are the ones
    /// `find_iter` gives, match for match: on every text of the rule examples, the test data,
    /// the fixtures and this crate's README and CHANGELOG, and on random texts built from the
    /// patterns' keys, separators, quotes and runs of 23 to 29 letters and digits (hex or
    /// not, glued to `--body`), several tokens to a line or a key, on one line or several.
    #[test]
    fn legacy_matches_are_the_full_search() {
        let ids = [
            "legacy-assign",
            "legacy-user",
            "legacy-arg",
            "legacy-tuple",
            "legacy-generic",
            "legacy-pair",
            "legacy-positional",
            "legacy-array",
            "legacy-kv",
        ];
        let res: Vec<&regex::Regex> = ids
            .iter()
            .map(|id| {
                let p = crate::catalogue::shared_patterns()
                    .iter()
                    .find(|p| p.id == *id)
                    .unwrap();
                crate::lint::shared_pattern(&p.id, &p.regex).unwrap()
            })
            .collect();
        let mut texts = crate::testing::sample_texts();
        const PIECES: &[&str] = &[
            "JIRA_API_TOKEN",
            "atlassian.key",
            "password",
            "api_token",
            "token",
            "secret",
            "pwd",
            "jira_pass",
            "-u jane:",
            "--user x:",
            "-a ",
            "auth=(u, ",
            "basic_auth(",
            "HTTPBasicAuth(",
            "jane@acme.com:",
            "\"jane@acme.com\", ",
            "user, ",
            "getenv(\"JIRA_USER\"), ",
            "secrets = [",
            "\"key\": \"jira_token\", \"value\": \"",
            " value = ",
            " --body ",
            "\n  value: ",
            "{ default = ",
            "Some(",
            ": ",
            "=",
            " => ",
            ":=",
            ">",
            ",",
            " ",
            "\n",
            "\"",
            "'",
            "`",
            "\\",
            "]",
            ")",
            "x",
            "ſ",
            "\u{212a}",
            "é",
        ];
        const KEYS: &[&str] = &[
            "JIRA_API_TOKEN",
            "jira.password",
            "api_token",
            "secret",
            "-u jane",
            "--user ops",
            "jane@acme.com",
            "\"jane@acme.com\", ",
            "auth=(user, ",
            "secrets = [\"JIRA\", ",
            "\"key\": \"jira_token\", \"value\": ",
            "JIRA_TOKEN --body",
            "",
            "x",
        ];
        const SEPARATORS: &[&str] = &["", ":", "=", " = ", " => ", ":=", ", ", ">", "\n  value:"];
        const QUOTES: &[&str] = &["", "\"", "'", "`", "\\\""];
        const ALNUM: &[u8] = b"0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ";
        let mut next = crate::testing::lcg(24);
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..2 + next() % 12 {
                // Now and then a key, a separator and a quote right before the run, and the
                // quote and a delimiter after it.
                let mut quote = "";
                if next().is_multiple_of(2) {
                    text.push_str(KEYS[next() % KEYS.len()]);
                    text.push_str(SEPARATORS[next() % SEPARATORS.len()]);
                    quote = QUOTES[next() % QUOTES.len()];
                    text.push_str(quote);
                }
                if !quote.is_empty() || next().is_multiple_of(2) {
                    if next().is_multiple_of(5) {
                        text.push_str(["body", "BODY", "xbody"][next() % 3]);
                    }
                    let hex = next().is_multiple_of(4);
                    let len = if next().is_multiple_of(2) {
                        24
                    } else {
                        23 + next() % 7
                    };
                    for _ in 0..len {
                        let pool = if hex { &ALNUM[..16] } else { ALNUM };
                        text.push(pool[next() % pool.len()] as char);
                    }
                    text.push_str(quote);
                    text.push_str([",", "\n", " ", ")", "", "]"][next() % 6]);
                } else {
                    text.push_str(PIECES[next() % PIECES.len()]);
                }
            }
            texts.push(text);
        }
        let (mut shortcut, mut matches) = (0, 0);
        for text in &texts {
            let Some(ends) = super::legacy_run_ends(text) else {
                continue;
            };
            for (id, re) in ids.iter().zip(&res) {
                let full: Vec<_> = re.find_iter(text).collect();
                let found = super::legacy_matches(re, text, &ends)
                    .unwrap_or_else(|| panic!("`{id}` not found back in {text:?}"));
                assert_eq!(found, full, "`{id}` in {text:?}");
                shortcut += 1;
                matches += full.len();
            }
        }
        assert!(
            shortcut > 20_000 && matches > 1_000,
            "{shortcut} searches, {matches} matches"
        );
    }

    /// Where the union of the loosened patterns matches nowhere, no [`RARE`] pattern matches:
    /// every text of the rule examples, the test data, the fixtures and this crate's README and
    /// CHANGELOG, every line of them, and random texts built from the patterns' pieces (with
    /// counts over and under the patterns' bounds, and line breaks) that the patterns match.
    #[test]
    fn loosened_union_matches_wherever_a_pattern_does() {
        let (res, set) = super::rare_union().expect("the union builds");
        assert_eq!(res.len(), super::RARE.len());
        let loose: Vec<regex::Regex> = res
            .iter()
            .map(|r| regex::Regex::new(&super::loosened(r.as_str()).unwrap()).unwrap())
            .collect();
        let mut texts = crate::testing::sample_texts();
        let lines: Vec<String> = texts
            .iter()
            .flat_map(|t| t.lines().map(str::to_string))
            .collect();
        texts.extend(lines);
        const PIECES: &[&str] = &[
            "auth(",
            "basic_auth=(",
            "NetworkCredential(",
            ".basic ",
            "login(",
            "restclient(",
            "password",
            "jira_pass",
            "pwd",
            "token",
            "api_key",
            "<password>",
            "</",
            "ConvertTo-SecureString ",
            "machine jira.acme login jane password ",
            "key=\"jirapass\" value=\"",
            "CURLOPT_USERPWD, ",
            "\"jane@acme.com\"",
            "jane@acme.com:",
            "\"$u:$p\"",
            "\"${u}:${p}\"",
            "user + \":\" + pass",
            "Some(",
            " = ",
            ": ",
            "=>",
            ", ",
            "\"",
            "'",
            "`",
            "(",
            ")",
            "[",
            "]",
            "\n",
            " ",
            "\\",
            "x",
            "x9Kq2!pa",
            "\"jane@acme.com\", \"s3cr3tpass\")",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ];
        let mut next = crate::testing::lcg(15);
        let mut matched = vec![0usize; super::RARE.len()];
        for _ in 0..3000 {
            let n = 2 + next() % 14;
            let text: String = (0..n).map(|_| PIECES[next() % PIECES.len()]).collect();
            texts.push(text);
        }
        for text in &texts {
            let union = set.matches(text);
            for (i, re) in res.iter().enumerate() {
                if re.is_match(text) {
                    matched[i] += 1;
                    assert!(
                        union.matched(i) && loose[i].is_match(text),
                        "`{}` matches {text:?} and its loosened form does not",
                        super::RARE[i]
                    );
                }
            }
        }
        // Every pattern was put to the test.
        assert!(matched.iter().all(|&n| n > 10), "{matched:?}");
    }
    /// The word-at-a-time run finders agree with a byte-by-byte reading: a run of exactly 24
    /// letters and digits between other bytes or one of 28 that starts with `body` (a legacy
    /// token glued to `--body`), and 24 of them anywhere in a row; at every alignment.
    #[test]
    fn runs_of_24_agree_with_a_plain_reading() {
        let mut next = crate::testing::lcg(9);
        let (mut exact, mut more, mut glued) = (0, 0, 0);
        for case in 0..4000 {
            let mut bytes = vec![b'.'; case % 9];
            for _ in 0..next() % 5 {
                if next().is_multiple_of(4) {
                    bytes.extend_from_slice([&b"--body"[..], b"--BoDy", b"body"][next() % 3]);
                }
                for _ in 0..next() % 40 {
                    bytes.push(b"aZ09q"[next() % 5]);
                }
                bytes.push(b" .=\n\xc3"[next() % 5]);
            }
            if next().is_multiple_of(2) {
                bytes.pop();
            }
            let runs = || bytes.split(|b| !b.is_ascii_alphanumeric());
            let legacy = |run: &[u8]| {
                run.len() == 24 || run.len() == 28 && run[..4].eq_ignore_ascii_case(b"body")
            };
            let want = (runs().any(legacy), runs().any(|r| r.len() >= 24));
            assert_eq!(
                (super::legacy_run(&bytes), super::run_of_24_or_more(&bytes)),
                want,
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
            exact += usize::from(runs().any(|r| r.len() == 24));
            glued += usize::from(want.0 && !runs().any(|r| r.len() == 24));
            more += usize::from(want.1);
        }
        assert!(
            exact > 20 && glued > 5 && more > exact + 200,
            "{exact} exact, {glued} glued, {more} or more"
        );
        // Every length and alignment of a run around the two aligned words it must hold.
        for pad in 0..17 {
            for len in 15..34 {
                let mut v = vec![b' '; pad];
                v.extend(std::iter::repeat_n(b'k', len));
                v.push(b'-');
                assert_eq!(super::legacy_run(&v), len == 24, "{len} at {pad}");
                assert_eq!(super::run_of_24_or_more(&v), len >= 24, "{len} at {pad}");
                v.pop();
                assert_eq!(
                    super::legacy_run(&v),
                    len == 24,
                    "{len} at {pad}, at the end"
                );
            }
        }
        // A candidate is a run's 24 letters and digits that could be a legacy token.
        let candidate = |text: &str| super::legacy_candidate(text.as_bytes());
        assert!(candidate("JIRA_TOKEN=Ab3dEf6hIj9kLm2nOp5qRs8t\n"));
        assert!(candidate("x --bodyAb3dEf6hIj9kLm2nOp5qRs8t"));
        assert!(!candidate("x --nobodyAb3dEf6hIj9kLm2nOp5qRs8t"));
        assert!(!candidate("sha = 0123456789abcdef01234567"));
        assert!(!candidate("aaaaaaaaaaaabbbbbbbbbbbb"));
        assert!(!candidate("Ab3dEf6hIj9kLm2nOp5qRs8tU"));
        // Eight bytes at once: every byte value in every place of the word.
        for place in 0..8 {
            for b in 0..=255u8 {
                let mut w = *b"aZ09kQz5";
                w[place] = b;
                assert_eq!(
                    super::all_alnum(u64::from_le_bytes(w)),
                    b.is_ascii_alphanumeric(),
                    "{b:#x} at {place}"
                );
            }
        }
    }

    /// [`super::followed_somewhere`] is a necessary condition of the patterns built for a
    /// variable's literal value: wherever one matches, it says so, on generated assignments and
    /// near misses (overlapping names, type annotations, other quotes, line breaks), and it
    /// says no where nothing follows a name.
    #[test]
    fn a_variable_is_looked_up_only_where_it_can_be_assigned() {
        let value =
            regex::Regex::new(r#"\A\s*(?::\s*[\w.<>?]+\s*)?(?:=|:=|=>|:)\s*["'][^"'\n]*["']"#)
                .unwrap();
        let b64 = regex::Regex::new(
            r#"\A["']?\s*(?::\s*\w+\s*)?(?:=|:=|:)\s*[rbuRBU]?["'`][A-Za-z0-9+/]{16,}={0,2}["'`]"#,
        )
        .unwrap();
        let full_value = |name: &str| {
            regex::Regex::new(&format!(
                r#"(?:^|[\s;{{(,])(?:(?:const|let|var|val|final|static|String|string|my|our|private|public|readonly)\s+)*\$?{}\s*(?::\s*[\w.<>?]+\s*)?(?:=|:=|=>|:)\s*["'](?P<v>[^"'\n]*)["']"#,
                regex::escape(name)
            ))
            .unwrap()
        };
        let full_b64 = |name: &str| {
            regex::Regex::new(&format!(
                r#"(?:^|[^\w.]){}["']?\s*(?::\s*\w+\s*)?(?:=|:=|:)\s*[rbuRBU]?["'`](?P<b64>[A-Za-z0-9+/]{{16,}}={{0,2}})["'`]"#,
                regex::escape(name)
            ))
            .unwrap()
        };
        let names = ["a", "aa", "user", "pass", "api_key"];
        let compiled: Vec<_> = names.iter().map(|n| (full_value(n), full_b64(n))).collect();
        // Assignments built slot by slot, a slot now and then wrong.
        type Slot = (&'static [&'static str], &'static [&'static str]);
        let slots: [Slot; 8] = [
            (
                &["", " ", "\n", "let ", "const ", "$", ";", "("],
                &["x", ".", "é"],
            ),
            (
                &["a", "aa", "user", "pass", "api_key", "aaa"],
                &["us er", ""],
            ),
            (&["", " ", "\n "], &["x"]),
            (&["", ": str ", ":String", ": x.y<z>?"], &[": ", ":-"]),
            (&["=", ":", "=>", ":="], &["==", "-", ""]),
            (&["", " ", "b", "r"], &["\n\n", "x"]),
            (&["\"", "'", "`"], &["", "$"]),
            (
                &[
                    "hunter2\"",
                    "amFuZUBhY21lLmNvbTpzZWNyZXQ='",
                    "amFuZUBhY21lLmNvbTpzZWNyZXQ=`",
                ],
                &["short", "a\nb'"],
            ),
        ];
        let mut next = crate::testing::lcg(3);
        let (mut matched, mut refused) = (0, 0);
        for _ in 0..5000 {
            let mut text = String::new();
            for _ in 0..1 + next() % 3 {
                for (fits, not) in &slots {
                    let pick = if next().is_multiple_of(6) { not } else { fits };
                    text.push_str(pick[next() % pick.len()]);
                }
            }
            let i = next() % names.len();
            for (after, full) in [(&value, &compiled[i].0), (&b64, &compiled[i].1)] {
                let possible = super::followed_somewhere(&text, names[i], after);
                if full.is_match(&text) {
                    matched += 1;
                    assert!(possible, "{} in {text:?}", names[i]);
                } else if !possible {
                    refused += 1;
                }
            }
        }
        assert!(
            matched > 200 && refused > 1000,
            "{matched} matched, {refused} refused"
        );
        assert!(super::followed_somewhere("$aaa = 'x'", "aa", &value));
        assert!(!super::followed_somewhere(
            "\"$user:$pass\"",
            "user",
            &value
        ));
    }

    /// [`super::legacy_token_of`] reads the same token as the `token` group, for every
    /// `legacy-*` pattern, on the catalogue's examples and on tokens at the end of the text,
    /// before multi-byte characters, quotes and backticks.
    #[test]
    fn legacy_token_read_off_the_match_is_the_captured_group() {
        let t = "aB3dE5gH7jK9mN1pQ3rS5tU7";
        let mut texts: Vec<String> = crate::catalogue::rules()
            .iter()
            .filter_map(|r| r.lint.as_ref())
            .flat_map(|l| l.examples.iter().map(|e| e.code.clone()))
            .collect();
        for (key, val) in [
            ("JIRA_TOKEN=", t.to_string()),
            ("jira_api_key: ", format!("{t}é")),
            ("confluence_password => '", format!("{t}'")),
            ("token=\"", format!("{t}\" x")),
            ("curl -u jane@acme.com:", format!("{t}€")),
            ("jane@acme.com:", t.to_string()),
            ("auth=('jane@acme.com', '", format!("{t}')")),
            ("basic(\"jane@acme.com\", `", format!("{t}`)")),
            ("secrets = [\"JIRA\", \"", format!("{t}\"]")),
            (
                "{\"key\": \"jira_token\", \"value\": \"",
                format!("{t}\"}}"),
            ),
            ("password: \"", format!("{t}\"")),
        ] {
            texts.push(format!("jira\n{key}{val}"));
            texts.push(format!("{key}{val}\n{key}{val}𝄞{key}{val}"));
        }
        let mut checked = 0;
        for p in crate::catalogue::shared_patterns() {
            if !p.id.starts_with("legacy") {
                continue;
            }
            let re = crate::pattern::compile(&p.regex).unwrap();
            for text in &texts {
                let captured: Vec<_> = re
                    .captures_iter(text)
                    .filter_map(|c| c.name("token").map(|m| m.range()))
                    .collect();
                let read: Vec<_> = re
                    .find_iter(text)
                    .filter_map(|m| super::legacy_token_of(&re, text, m))
                    .collect();
                assert_eq!(read, captured, "{} on {text:?}", p.id);
                checked += read.len();
            }
        }
        assert!(checked > 30, "only {checked} tokens checked");
    }
}
