//! Seeded generators for the unit tests' generated cases: the same cases on every run, no
//! dependency. One home for them instead of a copy per test.

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
