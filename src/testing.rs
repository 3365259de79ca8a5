//! Seeded generators for the unit tests' generated cases (the same cases on every run, no
//! dependency) and the walk that reads the repository's sample files. One home for them
//! instead of a copy per test.

/// A linear congruential generator (the history modules' and lint engine's cases).
pub(crate) fn lcg(seed: u64) -> impl FnMut() -> usize {
    let mut x = seed;
    move || {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) as usize
    }
}

/// Marsaglia's xorshift64 (the secret, sink-view and hostile-pack cases).
pub(crate) fn xorshift(seed: u64) -> impl FnMut() -> u64 {
    let mut x = seed;
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// Every file under `dirs` (recursively), with its bytes: the sample texts the engine's
/// shortcuts are checked on. A folder that cannot be read adds nothing.
pub(crate) fn files_under(
    dirs: impl IntoIterator<Item = std::path::PathBuf>,
) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut stack: Vec<_> = dirs.into_iter().collect();
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p, bytes));
            }
        }
    }
    out
}

/// The texts the engine shortcuts' unit tests compare with the full search: every rule
/// example, every file under tests/data, fixtures/lint and fixtures/corpus, and this crate's
/// README and CHANGELOG (texts full of the words the shortcuts look for).
pub(crate) fn sample_texts() -> Vec<String> {
    let mut texts: Vec<String> = Vec::new();
    for rule in crate::catalogue::rules() {
        for ex in rule.lint.iter().flat_map(|l| &l.examples) {
            texts.push(ex.code.clone());
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (_, bytes) in files_under([
        root.join("tests/data"),
        root.join("fixtures/lint"),
        root.join("fixtures/corpus"),
    ]) {
        texts.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    for doc in ["README.md", "CHANGELOG.md"] {
        texts.push(std::fs::read_to_string(root.join(doc)).unwrap_or_default());
    }
    texts
}

/// A rule's own pattern `id` (its TOML `patterns`), compiled as the engine compiles it: for the
/// unit tests that compare a detector's shortcut with its pattern.
pub(crate) fn rule_pattern(code: crate::catalogue::Code, id: &str) -> regex::Regex {
    let rule = crate::catalogue::rules()
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| panic!("no rule {code}"));
    let src = &rule
        .lint
        .as_ref()
        .and_then(|l| l.patterns.iter().find(|p| p.id == id))
        .unwrap_or_else(|| panic!("{code} has no pattern `{id}`"))
        .regex;
    crate::lint::compile_pattern(src).expect("compiles")
}
