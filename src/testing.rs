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
