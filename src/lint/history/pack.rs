//! Reading blobs straight from the repository's pack files, on every core.
//!
//! `git cat-file --batch` inflates one object at a time in one process and copies every byte
//! through a pipe; on a long history that is most of the scan. Here each pack is read the way
//! `git index-pack` resolves it: its `.idx` gives every object's offset, one pass over the
//! entry headers links each delta to its base, and then every delta tree whose root is a blob
//! and which holds a wanted blob is walked depth first: the root is inflated, each child is its
//! parent with the child's delta applied, so every version is inflated once and no base is
//! read twice. Trees go to the workers (one per core) whole, so the blobs of a tree come out
//! in a fixed order; the caller keeps the first occurrence by its own order anyway.
//!
//! Anything this reader cannot do is left to git, never guessed: loose objects, objects of
//! an alternate object store, a delta whose base is in another pack, a blob over the size
//! limit that other versions are deltas of, a chain that would hold more than a worker's
//! share of [`HELD_BYTES`] at once, an index too large to load ([`MAX_INDEX_BYTES`]), an
//! unknown index or pack version, and any read or format error (a pack deleted by a
//! concurrent `git gc`). The caller reads the blobs [`read`] did not hand over through
//! `git cat-file --batch`.
//!
//! Memory: `--history` promises a peak under [`MEMORY_PROMISE`] (128 MiB) with the default
//! `--max-filesize`, on any machine. The workers are one per core but at most
//! [`MAX_WORKERS`]; they share one budget for the versions held along delta chains
//! ([`HELD_BYTES`]); and a delta tree with a version (or delta) over [`SMALL_VERSION`] is read
//! by one worker at a time. [`worst_case`] adds it up and a unit test checks it for every
//! core count.
//!
//! [`Trees`] reads commits' trees by ID for the caller's walk of the history (packs and
//! loose objects; what it cannot read ends that walk, and git lists the history instead).
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A pack's index larger than this (about 600,000 objects) is left to git: its layout (about
/// 50 bytes an object) would cost more memory than `--history` promises.
const MAX_INDEX_BYTES: u64 = 16 << 20;
/// Bytes of blob versions the workers hold at once along their delta chains, shared out
/// evenly ([`held_per_worker`]); the versions under a deeper link are left to git.
pub const HELD_BYTES: usize = 24 << 20;
/// A version up to this size (and its delta) is read by every worker at once; a tree with
/// a larger one is read by one worker at a time (the others go on with small ones), which may
/// then hold up to [`LARGE_HELD`] along its chain.
pub const SMALL_VERSION: u64 = 1 << 20;
pub const LARGE_HELD: usize = 8 << 20;
/// Most pack workers, whatever the number of cores.
pub const MAX_WORKERS: usize = 8;
/// What `--history` promises of its peak memory (with the default `--max-filesize`).
pub const MEMORY_PROMISE: u64 = 128 << 20;
/// Memory outside the pack workers: the program and the engine, the tree reader
/// ([`TREE_CACHE_BYTES`] and the trees of the folder being walked), the blobs kept aside for
/// the listing, and git's output buffers. Not in it: what grows with the repository rather
/// than with the cores, the listing's tables and the packs' layouts (some tens of bytes per
/// object; a pack index over [`MAX_INDEX_BYTES`] is left to git).
pub const RESERVE: u64 = 48 << 20;

/// Pack workers for a machine with `cores` cores: one per core, at most [`MAX_WORKERS`], so
/// that [`worst_case`] stays within [`MEMORY_PROMISE`] on any machine (the unit test
/// `memory_stays_within_the_promise_on_any_machine` checks every count up to 4096).
pub fn workers_for(cores: usize) -> usize {
    cores.clamp(1, MAX_WORKERS)
}

/// Bytes of chain versions each of `workers` workers may hold.
pub fn held_per_worker(workers: usize) -> usize {
    HELD_BYTES / workers.max(1)
}

/// The most the process holds at once with `workers` pack workers and the size limit
/// `limit`: [`RESERVE`]; per worker its chain, and a small version in flight three times (the
/// version, its delta, the engine's work on it); and the one worker reading a large tree:
/// its chain and a version of up to `limit` three times.
pub fn worst_case(workers: usize, limit: u64) -> u64 {
    let per_worker = held_per_worker(workers) as u64 + 3 * SMALL_VERSION;
    let large = (LARGE_HELD as u64).max(limit) + 3 * limit.max(SMALL_VERSION);
    RESERVE + workers as u64 * per_worker + large
}

const NONE: u32 = u32::MAX;
const OBJ_BLOB: u8 = 3;
const OBJ_OFS_DELTA: u8 = 6;
const OBJ_REF_DELTA: u8 = 7;

/// What receives each blob read: its object ID, its content (or size), and for a version made
/// from one the receiver found clean (it returned true: nothing there for the detectors), the
/// ranges of it the delta changed ([`SEAM`] bytes either side of every seam and insert, sorted,
/// apart): anything the gate looks for that is not in them was in that clean version. It
/// returns its verdict on this one.
pub type Each<'a> = dyn Fn(&[u8], Got<'_>, Option<&[Range<usize>]>) -> bool + Sync + 'a;

/// What the reader hands over for a wanted blob.
pub enum Got<'a> {
    /// The blob's bytes.
    Content(&'a [u8]),
    /// The blob is larger than the limit by the pack's word: not inflated, and never handed to
    /// `each` (no ID checks a size; git sizes that blob).
    TooLarge(u64),
}

fn bad(what: impl Into<String>) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.into())
}

/// The pack files of an object folder, largest first (their `.pack` beside each `.idx`).
pub fn packs(objects: &Path) -> Vec<PathBuf> {
    let Ok(dir) = std::fs::read_dir(objects.join("pack")) else {
        return Vec::new();
    };
    let mut packs: Vec<(u64, PathBuf)> = dir
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pack"))
        .filter(|p| p.with_extension("idx").is_file())
        // Regular files only, as git (`add_packed_git`): opening a FIFO named `*.pack` would
        // block for ever, and a device such as `/dev/zero` never ends.
        .filter_map(|p| {
            let meta = std::fs::metadata(&p).ok()?;
            meta.is_file().then_some((meta.len(), p))
        })
        .collect();
    packs.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    packs.into_iter().map(|(_, p)| p).collect()
}

/// One object of a pack, in offset order.
struct Entry {
    /// Where its zlib stream starts, and where the next entry starts.
    data: u64,
    end: u64,
    kind: u8,
    /// Inflated size: of the object, or of the delta's instructions.
    size: u64,
    /// The entry (by offset order) this one is a delta of; [`NONE`] for a whole object or a
    /// base outside the pack.
    base: u32,
    /// Its object ID's place in the index.
    oid: u32,
    /// The caller wants it (asked once, while the pack is laid out).
    wanted: bool,
}

/// A pack with its entries linked: `children[first[i]..first[i + 1]]` are the deltas of `i`.
pub struct Layout {
    path: PathBuf,
    /// The index's object IDs, `hash` bytes each.
    oids: Vec<u8>,
    hash: usize,
    entries: Vec<Entry>,
    first: Vec<u32>,
    children: Vec<u32>,
}

fn be32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Parse `PACK.idx` (version 2) and the pack's entry headers.
fn layout(pack: &Path, hash: usize, wanted: &dyn Fn(&[u8]) -> bool) -> std::io::Result<Layout> {
    let idx_path = pack.with_extension("idx");
    let idx_len = std::fs::metadata(&idx_path)?.len();
    if idx_len > MAX_INDEX_BYTES {
        return Err(bad("pack index too large to load"));
    }
    // At most the cap, whatever the size said (a file can grow, or be one whose size is 0).
    let mut idx = Vec::new();
    File::open(&idx_path)?
        .take(MAX_INDEX_BYTES + 1)
        .read_to_end(&mut idx)?;
    if idx.len() as u64 > MAX_INDEX_BYTES {
        return Err(bad("pack index too large to load"));
    }
    if idx.len() < 8 + 1024 || idx[..4] != [0xff, b't', b'O', b'c'] || be32(&idx[4..]) != 2 {
        return Err(bad("not a version 2 pack index"));
    }
    // git refuses an index whose fan-out table is not monotonic ("non-monotonic index"),
    // and its lookups rely on it: so does this reader.
    if (0..255).any(|b| be32(&idx[8 + b * 4..]) > be32(&idx[8 + (b + 1) * 4..])) {
        return Err(bad("pack index fan-out is not monotonic"));
    }
    let n = be32(&idx[8 + 255 * 4..]) as usize;
    let oids_at = 8 + 1024;
    let offsets_at = oids_at + n * hash + n * 4;
    let large_at = offsets_at + n * 4;
    if idx.len() < large_at + 2 * hash {
        return Err(bad("truncated pack index"));
    }
    let oid = |i: usize| &idx[oids_at + i * hash..oids_at + (i + 1) * hash];
    let mut by_offset: Vec<(u64, u32)> = Vec::with_capacity(n);
    for i in 0..n {
        let raw = be32(&idx[offsets_at + i * 4..]);
        let offset = if raw & 0x8000_0000 == 0 {
            u64::from(raw)
        } else {
            let at = large_at + (raw & 0x7fff_ffff) as usize * 8;
            let b = idx
                .get(at..at + 8)
                .ok_or_else(|| bad("truncated pack index"))?;
            u64::from_be_bytes(b.try_into().expect("8 bytes"))
        };
        by_offset.push((offset, i as u32));
    }
    by_offset.sort_unstable();
    let find_offset = |off: u64| by_offset.binary_search_by_key(&off, |e| e.0).ok();
    // The oid table is sorted: a REF_DELTA's base is found by binary search.
    let find_oid = |want: &[u8]| {
        let (mut lo, mut hi) = (0usize, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match oid(mid).cmp(want) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    };
    let mut file = File::open(pack)?;
    let pack_len = file.metadata()?.len();
    let mut head = [0u8; 12];
    file.read_exact(&mut head)?;
    if &head[..4] != b"PACK" || !matches!(be32(&head[4..]), 2 | 3) || be32(&head[8..]) as usize != n
    {
        return Err(bad("pack header does not match its index"));
    }
    let trailer = pack_len
        .checked_sub(hash as u64)
        .ok_or_else(|| bad("truncated pack"))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut pos = 12u64;
    let mut entries: Vec<Entry> = Vec::with_capacity(n);
    // REF_DELTA bases by their index order, resolved after the pass (they may point forward).
    let mut ref_bases: Vec<(u32, u32)> = Vec::new();
    for (k, &(offset, _)) in by_offset.iter().enumerate() {
        let end = by_offset.get(k + 1).map_or(trailer, |e| e.0);
        if offset < pos || end <= offset || end > trailer {
            return Err(bad("pack offsets out of order"));
        }
        reader.seek_relative((offset - pos) as i64)?;
        let mut byte = [0u8; 1];
        let mut next = |r: &mut BufReader<File>| -> std::io::Result<u8> {
            r.read_exact(&mut byte)?;
            Ok(byte[0])
        };
        let mut read = 1u64;
        let mut c = next(&mut reader)?;
        let kind = (c >> 4) & 7;
        let mut size = u64::from(c & 15);
        let mut shift = 4;
        while c & 0x80 != 0 {
            c = next(&mut reader)?;
            read += 1;
            if shift > 57 {
                return Err(bad("pack entry size overflows"));
            }
            size |= u64::from(c & 0x7f) << shift;
            shift += 7;
        }
        let mut base = NONE;
        match kind {
            OBJ_OFS_DELTA => {
                c = next(&mut reader)?;
                read += 1;
                let mut back = u64::from(c & 0x7f);
                while c & 0x80 != 0 {
                    c = next(&mut reader)?;
                    read += 1;
                    if back >= 1 << 56 {
                        return Err(bad("pack delta offset overflows"));
                    }
                    back = ((back + 1) << 7) | u64::from(c & 0x7f);
                }
                let at = offset
                    .checked_sub(back)
                    .ok_or_else(|| bad("delta base before the pack"))?;
                base = find_offset(at).ok_or_else(|| bad("delta base is not an entry"))? as u32;
            }
            OBJ_REF_DELTA => {
                let mut raw = [0u8; 32];
                reader.read_exact(&mut raw[..hash])?;
                read += hash as u64;
                if let Some(i) = find_oid(&raw[..hash]) {
                    ref_bases.push((k as u32, i as u32));
                }
            }
            1..=4 => {}
            _ => return Err(bad("unknown pack entry type")),
        }
        pos = offset + read;
        if pos > end {
            // The header runs into the next entry (or the trailer).
            return Err(bad("pack entry header runs past its end"));
        }
        let at = by_offset[k].1;
        entries.push(Entry {
            data: pos,
            end,
            kind,
            size,
            base,
            oid: at,
            wanted: wanted(oid(at as usize)),
        });
    }
    if !ref_bases.is_empty() {
        let mut position = vec![0u32; n];
        for (k, &(_, i)) in by_offset.iter().enumerate() {
            position[i as usize] = k as u32;
        }
        for (k, i) in ref_bases {
            entries[k as usize].base = position[i as usize];
        }
    }
    // Children lists (CSR), and cycles refused: a base must not be its own descendant.
    let mut count = vec![0u32; n + 1];
    for e in &entries {
        if e.base != NONE {
            count[e.base as usize + 1] += 1;
        }
    }
    for i in 0..n {
        count[i + 1] += count[i];
    }
    let first = count.clone();
    let mut fill = count;
    let mut children = vec![0u32; first[n] as usize];
    for (i, e) in entries.iter().enumerate() {
        if e.base != NONE {
            let slot = &mut fill[e.base as usize];
            children[*slot as usize] = i as u32;
            *slot += 1;
        }
    }
    Ok(Layout {
        path: pack.to_path_buf(),
        oids: idx[oids_at..oids_at + n * hash].to_vec(),
        hash,
        entries,
        first,
        children,
    })
}

/// Mark every entry on the way from a wanted object to its chain's root (the entries
/// needed); return them, with the roots that are whole blobs.
fn mark_needed(layout: &Layout) -> (Vec<bool>, Vec<u32>) {
    let n = layout.entries.len();
    let mut needed = vec![false; n];
    let mut roots = Vec::new();
    for i in 0..n {
        if !layout.entries[i].wanted {
            continue;
        }
        let mut at = i as u32;
        let mut steps = 0;
        while at != NONE && !needed[at as usize] && steps <= n {
            needed[at as usize] = true;
            let e = &layout.entries[at as usize];
            if e.base == NONE && e.kind == OBJ_BLOB {
                roots.push(at);
            }
            at = e.base;
            steps += 1;
        }
    }
    roots.sort_unstable();
    (needed, roots)
}

/// A worker's reusable state.
struct Worker {
    file: File,
    inflater: flate2::Decompress,
    compressed: Vec<u8>,
}

impl Worker {
    /// Inflate entry `e`'s zlib stream, which must come to exactly `e.size` bytes. The stream
    /// is read [`READ_CHUNK`] bytes at a time, so memory is the object's size plus one chunk
    /// whatever the distance to the next entry (an index may list a few entries of a large
    /// pack), and inflating stops when the object is full (a stream that would inflate past
    /// its declared size is an error, not a larger buffer).
    fn inflate(&mut self, e: &Entry) -> std::io::Result<Vec<u8>> {
        let size = usize::try_from(e.size).map_err(|_| bad("object too large"))?;
        let mut left = e
            .end
            .checked_sub(e.data)
            .ok_or_else(|| bad("pack entry header runs past its end"))?;
        let mut out = Vec::with_capacity(size);
        self.file.seek(SeekFrom::Start(e.data))?;
        self.compressed.resize(READ_CHUNK, 0);
        let first = left.min(READ_CHUNK as u64) as usize;
        self.file.read_exact(&mut self.compressed[..first])?;
        left -= first as u64;
        // The zlib header is checked here and the deflate data inflated raw: git's own
        // checksum of the object is its ID ([`is_blob`] checks it before a blob is handed
        // over), so the Adler-32 trailer is not recomputed.
        let [cmf, flg, ..] = self.compressed[..first] else {
            return Err(bad("truncated zlib stream"));
        };
        if cmf & 0x0f != 8 || flg & 0x20 != 0 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
            return Err(bad("not a zlib stream"));
        }
        self.inflater.reset(false);
        let (mut at, mut len) = (2usize, first);
        loop {
            if at == len {
                let want = left.min(READ_CHUNK as u64) as usize;
                if want == 0 {
                    return Err(bad("zlib stream runs past its entry"));
                }
                self.file.read_exact(&mut self.compressed[..want])?;
                left -= want as u64;
                (at, len) = (0, want);
            }
            let (read_before, out_before) = (self.inflater.total_in(), out.len());
            let status = self
                .inflater
                .decompress_vec(
                    &self.compressed[at..len],
                    &mut out,
                    flate2::FlushDecompress::None,
                )
                .map_err(|err| bad(format!("bad zlib stream: {err}")))?;
            at += (self.inflater.total_in() - read_before) as usize;
            if status == flate2::Status::StreamEnd {
                break;
            }
            if self.inflater.total_in() == read_before && out.len() == out_before {
                // No progress: the object is full and the stream wants to go on.
                return Err(bad("zlib stream does not match its size"));
            }
        }
        if out.len() != size {
            return Err(bad("zlib stream does not match its size"));
        }
        Ok(out)
    }
}

/// Compressed bytes a worker reads at a time.
const READ_CHUNK: usize = 64 << 10;

/// Does `content` hash to the object ID `oid` as a blob (`hash` bytes: SHA-1, or SHA-256)?
/// An index can say anything about what lies at an offset, and a pack entry can inflate to
/// anything: a blob handed over is one whose content is its ID, or it is left to git.
fn is_blob(hash: usize, oid: &[u8], content: &[u8]) -> bool {
    use sha2::Digest;
    let header = format!("blob {}\0", content.len());
    match hash {
        20 => {
            let mut h = sha1::Sha1::new();
            h.update(header.as_bytes());
            h.update(content);
            h.finalize()[..] == *oid
        }
        32 => {
            let mut h = sha2::Sha256::new();
            h.update(header.as_bytes());
            h.update(content);
            h.finalize()[..] == *oid
        }
        _ => false,
    }
}

/// A size varint of a delta's header.
fn delta_size(delta: &[u8], at: &mut usize) -> std::io::Result<u64> {
    let mut size = 0u64;
    let mut shift = 0;
    loop {
        let c = *delta.get(*at).ok_or_else(|| bad("truncated delta"))?;
        *at += 1;
        if shift > 57 {
            return Err(bad("delta size overflows"));
        }
        size |= u64::from(c & 0x7f) << shift;
        shift += 7;
        if c & 0x80 == 0 {
            return Ok(size);
        }
    }
}

/// The size a delta produces, from its header.
fn delta_result_size(delta: &[u8]) -> std::io::Result<u64> {
    let mut at = 0;
    delta_size(delta, &mut at)?;
    delta_size(delta, &mut at)
}

/// Apply git's delta format (copy from the base, insert literal bytes) to `base`.
pub fn apply_delta(base: &[u8], delta: &[u8]) -> std::io::Result<Vec<u8>> {
    apply(base, delta, |_, _, _| {})
}

/// Bytes either side of a delta's seams that a change can reach: the longest thing the
/// history gate looks for with what delimits it (a legacy token glued to `--body`, a run of
/// 28 letters and digits between two others, is 30 bytes).
pub const SEAM: usize = 30;

/// Note one piece of a delta's result (`at..end`, inserted or copied) in `changed`: an insert
/// whole, and every seam, each with [`SEAM`] bytes either side. Pieces come in order, so the
/// ranges stay sorted and overlapping ones are merged as they come.
fn mark_change(changed: &mut Vec<Range<usize>>, at: usize, end: usize, insert: bool) {
    let mut add = |r: Range<usize>| match changed.last_mut() {
        Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
        _ => changed.push(r),
    };
    if insert {
        add(at.saturating_sub(SEAM)..end + SEAM);
    } else {
        add(at.saturating_sub(SEAM)..at + SEAM);
        add(end.saturating_sub(SEAM)..end + SEAM);
    }
}

/// The ranges within `len`.
fn clip(changed: &mut [Range<usize>], len: usize) -> &[Range<usize>] {
    for r in changed.iter_mut() {
        r.end = r.end.min(len);
        r.start = r.start.min(r.end);
    }
    changed
}

/// [`apply_delta`], telling `piece` where each piece of the result went (`at`, `end`, and
/// whether it was inserted rather than copied from the base).
fn apply(
    base: &[u8],
    delta: &[u8],
    mut piece: impl FnMut(usize, usize, bool),
) -> std::io::Result<Vec<u8>> {
    let mut at = 0;
    if delta_size(delta, &mut at)? != base.len() as u64 {
        return Err(bad("delta base size mismatch"));
    }
    let size = delta_size(delta, &mut at)?;
    let size = usize::try_from(size).map_err(|_| bad("delta result too large"))?;
    let mut out = Vec::with_capacity(size);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            let mut arg = [0u64; 7];
            for (bit, slot) in arg.iter_mut().enumerate() {
                if op & (1 << bit) != 0 {
                    *slot = u64::from(*delta.get(at).ok_or_else(|| bad("truncated delta"))?);
                    at += 1;
                }
            }
            let offset = arg[0] | arg[1] << 8 | arg[2] << 16 | arg[3] << 24;
            let mut len = arg[4] | arg[5] << 8 | arg[6] << 16;
            if len == 0 {
                len = 0x10000;
            }
            let (offset, len) = (offset as usize, len as usize);
            let src = base
                .get(
                    offset
                        ..offset
                            .checked_add(len)
                            .ok_or_else(|| bad("bad delta copy"))?,
                )
                .ok_or_else(|| bad("delta copies past its base"))?;
            piece(out.len(), out.len() + src.len(), false);
            out.extend_from_slice(src);
        } else if op != 0 {
            let src = delta
                .get(at..at + op as usize)
                .ok_or_else(|| bad("truncated delta"))?;
            piece(out.len(), out.len() + src.len(), true);
            out.extend_from_slice(src);
            at += op as usize;
        } else {
            return Err(bad("reserved delta opcode"));
        }
        if out.len() > size {
            return Err(bad("delta overruns its size"));
        }
    }
    if out.len() != size {
        return Err(bad("delta result size mismatch"));
    }
    Ok(out)
}

/// Take the one-at-a-time lock for large versions before the first one of a tree.
fn take_large<'a>(
    large: &'a std::sync::Mutex<()>,
    size: u64,
    guard: &mut Option<std::sync::MutexGuard<'a, ()>>,
) {
    if size > SMALL_VERSION && guard.is_none() {
        *guard = Some(large.lock().unwrap_or_else(|p| p.into_inner()));
    }
}

/// Read every wanted blob this pack can give, on `workers` threads, handing each one that
/// `claim` accepts to `each`. Errors stop the pack; the blobs not handed over are the
/// caller's to read another way.
fn read_pack(
    layout: &Layout,
    limit: u64,
    workers: usize,
    claim: &(dyn Fn(&[u8]) -> bool + Sync),
    each: &Each<'_>,
) -> std::io::Result<()> {
    let (needed, roots) = mark_needed(layout);
    let roots = &roots[..];
    let needed = &needed[..];
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let mismatched = AtomicUsize::new(0);
    let large = &std::sync::Mutex::new(());
    let held_cap = held_per_worker(workers);
    let walk = |worker: &mut Worker, root: u32| -> std::io::Result<()> {
        // Taken, until the end of this tree, before the first version (or delta) over
        // SMALL_VERSION: one worker at a time holds large ones ([`worst_case`]).
        let mut guard = None;
        let entries = &layout.entries;
        // The caller's verdict on a version (true: nothing in it needs the detectors), or
        // false when it was not handed over.
        let deliver = |i: u32, got: Got<'_>, changed: Option<&[Range<usize>]>| -> bool {
            let e = &entries[i as usize];
            let at = e.oid as usize * layout.hash;
            let oid = &layout.oids[at..at + layout.hash];
            if !e.wanted {
                return false;
            }
            match got {
                // Content that is not its ID's is never handed over: git reads that blob.
                Got::Content(bytes) if !is_blob(layout.hash, oid, bytes) => {
                    mismatched.fetch_add(1, Ordering::Relaxed);
                    return false;
                }
                // A size is this pack's word, which no ID checks (an index can point a
                // wanted ID at an entry declaring 2^40 bytes to have it skipped): git sizes
                // that blob (`cat-file --batch-check`) and skips it if it really is too large.
                Got::TooLarge(_) => return false,
                Got::Content(_) => {}
            }
            claim(oid) && each(oid, got, changed)
        };
        let mut changed: Vec<Range<usize>> = Vec::new();
        let root_entry = &entries[root as usize];
        if root_entry.size > limit {
            // Not inflated; its deltas are left to git.
            deliver(root, Got::TooLarge(root_entry.size), None);
            return Ok(());
        }
        take_large(large, root_entry.size, &mut guard);
        let content = worker.inflate(root_entry)?;
        let clean = deliver(root, Got::Content(&content), None);
        // Depth first: (entry, its content, next child slot, the caller's verdict on it).
        let mut stack: Vec<(u32, Vec<u8>, u32, bool)> =
            vec![(root, content, layout.first[root as usize], clean)];
        let mut held = stack[0].1.len();
        while let Some(top) = stack.last_mut() {
            let (parent, ref base, ref mut slot, base_clean) = *top;
            if *slot == layout.first[parent as usize + 1] {
                held -= base.len();
                stack.pop();
                continue;
            }
            let child = layout.children[*slot as usize];
            *slot += 1;
            let e = &entries[child as usize];
            if !needed[child as usize] || failed.load(Ordering::Relaxed) {
                continue;
            }
            // git's deltas are about the size of what they insert, at most the result: a
            // larger one (a delta of many tiny copies) is left to git, and so is its result.
            if e.size > limit.saturating_add(limit / 64).saturating_add(64 << 10) {
                continue;
            }
            take_large(large, e.size, &mut guard);
            let delta = worker.inflate(e)?;
            let result = delta_result_size(&delta)?;
            if result > limit {
                deliver(child, Got::TooLarge(result), None);
                continue;
            }
            take_large(large, result, &mut guard);
            // Of a version the caller found clean, only what the delta changed can matter:
            // the places it inserts and where its pieces meet.
            changed.clear();
            let content = if base_clean {
                apply(base, &delta, |at, end, insert| {
                    mark_change(&mut changed, at, end, insert)
                })?
            } else {
                apply_delta(base, &delta)?
            };
            drop(delta);
            let changed = base_clean.then(|| clip(&mut changed, content.len()));
            let clean = deliver(child, Got::Content(&content), changed);
            let has_children = layout.first[child as usize] < layout.first[child as usize + 1];
            let cap = if guard.is_some() {
                held_cap.max(LARGE_HELD)
            } else {
                held_cap
            };
            if has_children && held + content.len() <= cap {
                held += content.len();
                stack.push((child, content, layout.first[child as usize], clean));
            }
        }
        Ok(())
    };
    let result = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> std::io::Result<()> {
                    let mut worker = Worker {
                        file: File::open(&layout.path)?,
                        inflater: flate2::Decompress::new(false),
                        compressed: Vec::new(),
                    };
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&root) = roots.get(k) else {
                            return Ok(());
                        };
                        if failed.load(Ordering::Relaxed) {
                            return Ok(());
                        }
                        if let Err(e) = walk(&mut worker, root) {
                            failed.store(true, Ordering::Relaxed);
                            return Err(e);
                        }
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("pack reader panicked")))
            })
            .collect::<std::io::Result<Vec<()>>>()
    });
    result?;
    match mismatched.into_inner() {
        0 => Ok(()),
        n => Err(bad(format!(
            "{n} objects do not hash to their ID (left to git)"
        ))),
    }
}

/// Read the blobs `wanted` accepts from the packs of the object folder `objects` with
/// `workers` threads, calling `each` with the object ID and content of every blob that
/// `claim` (called once per blob read, from any thread) accepts: the caller's record of
/// what is done, so a blob in two packs is handed over once. Returns the packs it could not
/// read, with why; the blobs they held are for the caller to read through git.
pub fn read(
    objects: &Path,
    hash: usize,
    wanted: &dyn Fn(&[u8]) -> bool,
    claim: &(dyn Fn(&[u8]) -> bool + Sync),
    limit: u64,
    workers: usize,
    each: &Each<'_>,
) -> Vec<(PathBuf, std::io::Error)> {
    let mut failures = Vec::new();
    for pack in packs(objects) {
        let result = layout(&pack, hash, wanted)
            .and_then(|layout| read_pack(&layout, limit, workers, claim, each));
        if let Err(e) = result {
            failures.push((pack, e));
        }
    }
    failures
}

/// Every pack of `objects` laid out (or why not), every blob wanted: for a whole-history scan,
/// shared by [`read_laid`] and the tree reader ([`Trees::new`]) so each pack's headers are
/// read once.
pub type Laid = Vec<(PathBuf, std::io::Result<Layout>)>;

pub fn lay_out(objects: &Path, hash: usize) -> Laid {
    packs(objects)
        .into_iter()
        .map(|pack| {
            let layout = layout(&pack, hash, &|_| true);
            (pack, layout)
        })
        .collect()
}

/// [`read`] over packs already laid out (a blob in two packs is read twice and handed over
/// once, as `claim` says).
pub fn read_laid(
    laid: &Laid,
    claim: &(dyn Fn(&[u8]) -> bool + Sync),
    limit: u64,
    workers: usize,
    each: &Each<'_>,
) -> Vec<(PathBuf, std::io::Error)> {
    let mut failures = Vec::new();
    for (pack, layout) in laid {
        let result = match layout {
            Ok(layout) => read_pack(layout, limit, workers, claim, each),
            Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
        };
        if let Err(e) = result {
            failures.push((pack.clone(), e));
        }
    }
    failures
}

/// Largest tree the tree reader inflates (and largest delta it applies to make one); a larger
/// one ends the in-process walk and git lists the history instead. Git's own trees are far
/// smaller (a folder of 100,000 files is about 4 MiB).
pub const MAX_TREE_BYTES: u64 = 8 << 20;
/// Bytes of resolved objects the tree reader keeps (oldest out first), so that walking a
/// chain of deltas for one tree leaves its links ready for the next.
pub const TREE_CACHE_BYTES: usize = 8 << 20;
/// Bytes of trees the caller's walk holds at once (the folders from the top to the one
/// being walked, each with its parent's version); more ends the walk.
pub const PATH_TREE_BYTES: usize = 8 << 20;
/// Longest delta chain the tree reader follows (git's packs default to 50; `--depth` allows
/// 4095); a longer one, or a loop, is an error.
const MAX_CHAIN: usize = 10_000;
const OBJ_TREE: u8 = 2;

/// An object's type and content.
type Resolved = (u8, std::rc::Rc<[u8]>);

/// Trees read by object ID, from the pack files (their deltas resolved, the links of a chain
/// kept in a bounded cache) and the loose objects of one object folder, on the calling thread.
/// Anything else (an object of an alternate store, a base in another pack, a chain too long,
/// any read or format error) is an error: the caller then has git list the history.
///
/// A tree's content is not hashed to check its ID (git does not either when it reads a
/// pack): a lying pack can misplace where a blob was seen, never what a blob holds (blobs are
/// checked, [`is_blob`]), and the caller bounds the walk (depth, loops).
pub struct Trees<'a> {
    objects: PathBuf,
    hash: usize,
    packs: Vec<&'a Layout>,
    /// Per pack, index order to entry (offset order).
    position: Vec<Vec<u32>>,
    workers: Vec<Worker>,
    /// (pack, entry) to (object type, content).
    cache: std::collections::HashMap<(u32, u32), Resolved>,
    order: std::collections::VecDeque<(u32, u32)>,
    cached: usize,
}

impl<'a> Trees<'a> {
    /// Over the packs of `objects` as [`lay_out`] laid them out (an error if one could not be).
    pub fn new(objects: &Path, hash: usize, laid: &'a Laid) -> std::io::Result<Trees<'a>> {
        let mut trees = Trees {
            objects: objects.to_path_buf(),
            hash,
            packs: Vec::new(),
            position: Vec::new(),
            workers: Vec::new(),
            cache: std::collections::HashMap::new(),
            order: std::collections::VecDeque::new(),
            cached: 0,
        };
        for (pack, layout) in laid {
            let layout = layout.as_ref().map_err(|e| {
                let name = pack.file_name().unwrap_or_default().to_string_lossy();
                std::io::Error::new(e.kind(), format!("{name}: {e}"))
            })?;
            let mut position = vec![0u32; layout.entries.len()];
            for (k, e) in layout.entries.iter().enumerate() {
                position[e.oid as usize] = k as u32;
            }
            trees.workers.push(Worker {
                file: File::open(pack)?,
                inflater: flate2::Decompress::new(false),
                compressed: Vec::new(),
            });
            trees.packs.push(layout);
            trees.position.push(position);
        }
        Ok(trees)
    }

    /// The content of the tree `oid` (`hash` bytes).
    pub fn tree(&mut self, oid: &[u8]) -> std::io::Result<std::rc::Rc<[u8]>> {
        let (kind, content) = match self.find(oid) {
            Some((p, k)) => self.resolve(p, k)?,
            None => self.loose(oid)?,
        };
        if kind != OBJ_TREE {
            return Err(bad("object is not a tree"));
        }
        Ok(content)
    }

    fn find(&self, oid: &[u8]) -> Option<(u32, u32)> {
        let h = self.hash;
        self.packs.iter().enumerate().find_map(|(p, layout)| {
            let n = layout.oids.len() / h;
            let (mut lo, mut hi) = (0usize, n);
            while lo < hi {
                let mid = (lo + hi) / 2;
                match layout.oids[mid * h..(mid + 1) * h].cmp(oid) {
                    std::cmp::Ordering::Less => lo = mid + 1,
                    std::cmp::Ordering::Greater => hi = mid,
                    std::cmp::Ordering::Equal => {
                        return Some((p as u32, self.position[p][mid]));
                    }
                }
            }
            None
        })
    }

    fn keep(&mut self, key: (u32, u32), kind: u8, content: std::rc::Rc<[u8]>) {
        if content.len() > TREE_CACHE_BYTES / 4 {
            return;
        }
        self.cached += content.len();
        self.cache.insert(key, (kind, content));
        self.order.push_back(key);
        while self.cached > TREE_CACHE_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some((_, c)) = self.cache.remove(&old) {
                self.cached -= c.len();
            }
        }
    }

    /// Entry `k` of pack `p`: up its chain to a cached link or a whole object, then down,
    /// applying each delta (and keeping each link).
    fn resolve(&mut self, p: u32, k: u32) -> std::io::Result<Resolved> {
        let mut chain = Vec::new();
        let mut at = k;
        let (kind, mut content) = loop {
            if let Some((kind, c)) = self.cache.get(&(p, at)) {
                break (*kind, c.clone());
            }
            let e = &self.packs[p as usize].entries[at as usize];
            if e.base == NONE {
                if !(1..=4).contains(&e.kind) {
                    return Err(bad("delta base outside the pack"));
                }
                if e.size > MAX_TREE_BYTES {
                    return Err(bad("object too large for the tree reader"));
                }
                let kind = e.kind;
                let c: std::rc::Rc<[u8]> = self.workers[p as usize].inflate(e)?.into();
                self.keep((p, at), kind, c.clone());
                break (kind, c);
            }
            chain.push(at);
            if chain.len() > MAX_CHAIN {
                return Err(bad("delta chain too long (or a loop)"));
            }
            at = e.base;
        };
        while let Some(at) = chain.pop() {
            let e = &self.packs[p as usize].entries[at as usize];
            if e.size > MAX_TREE_BYTES {
                return Err(bad("delta too large for the tree reader"));
            }
            let delta = self.workers[p as usize].inflate(e)?;
            if delta_result_size(&delta)? > MAX_TREE_BYTES {
                return Err(bad("object too large for the tree reader"));
            }
            content = apply_delta(&content, &delta)?.into();
            self.keep((p, at), kind, content.clone());
        }
        Ok((kind, content))
    }

    /// A loose object (`objects/ab/cdef...`): zlib of `TYPE SIZE\0CONTENT`.
    fn loose(&self, oid: &[u8]) -> std::io::Result<Resolved> {
        let hex: String = oid.iter().map(|b| format!("{b:02x}")).collect();
        let path = self.objects.join(&hex[..2]).join(&hex[2..]);
        let meta = std::fs::metadata(&path)?;
        if !meta.is_file() {
            return Err(bad("object not found"));
        }
        let file = File::open(&path)?.take(MAX_TREE_BYTES + 64);
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(file)
            .take(MAX_TREE_BYTES + 64)
            .read_to_end(&mut raw)?;
        let nul = raw
            .iter()
            .take(64)
            .position(|&b| b == 0)
            .ok_or_else(|| bad("bad loose object header"))?;
        let header = std::str::from_utf8(&raw[..nul]).map_err(|_| bad("bad loose object"))?;
        let (kind, size) = header
            .split_once(' ')
            .ok_or_else(|| bad("bad loose object header"))?;
        let kind = match kind {
            "commit" => 1,
            "tree" => OBJ_TREE,
            "blob" => OBJ_BLOB,
            "tag" => 4,
            _ => return Err(bad("bad loose object type")),
        };
        let content = &raw[nul + 1..];
        if size.parse::<usize>().ok() != Some(content.len()) {
            return Err(bad("loose object size mismatch (or too large)"));
        }
        Ok((kind, content.into()))
    }
}

#[cfg(test)]
#[path = "pack_hostile.rs"]
mod hostile;

#[cfg(test)]
mod tests {
    use super::*;

    /// The memory plan holds on a machine with any number of cores, for any size limit up
    /// to the default: the worker count is capped, chains share one budget, and large
    /// versions are read one at a time.
    #[test]
    fn memory_stays_within_the_promise_on_any_machine() {
        let default = crate::lint::walk::DEFAULT_MAX_FILESIZE;
        assert_eq!(workers_for(0), 1);
        for cores in 1..=4096 {
            let w = workers_for(cores);
            assert!(
                (1..=MAX_WORKERS).contains(&w) && w <= cores,
                "{cores} cores: {w}"
            );
            // Every worker can still hold a small version along a chain.
            assert!(held_per_worker(w) as u64 >= SMALL_VERSION, "{cores} cores");
            for limit in [0, 1, 64 << 10, SMALL_VERSION, 3 << 20, default - 1, default] {
                let bound = worst_case(w, limit);
                assert!(
                    bound <= MEMORY_PROMISE,
                    "{cores} cores, limit {limit}: {} MiB",
                    bound >> 20
                );
            }
        }
        // What more cores buy is bounded: the plan for 8 and for 4096 cores is the same.
        assert_eq!(
            worst_case(workers_for(4096), default),
            worst_case(8, default)
        );
    }

    /// Gating only what a delta changed never misses what gating the whole version finds:
    /// random clean bases, random deltas of copies (from anywhere in the base, so pieces
    /// meet in new places) and inserts (pieces of token prefixes, `basic`, credential words,
    /// runs of letters), the changed ranges checked against the whole version.
    #[test]
    fn gating_what_a_delta_changed_finds_what_the_whole_version_holds() {
        use super::super::{may_hold_secret, may_hold_secret_where};
        let mut next = crate::testing::lcg(5);
        let clean: &[&[u8]] = &[
            b"let ",
            b"x",
            b" = ",
            b"42;\n",
            b"value",
            b"ab",
            b"AT",
            b"AT",
            b"bas",
            b"ic",
            b"cred",
            b"ential",
            b"Au",
            b"th",
            b"ATA",
            b"TT3",
            b"0123456789",
            b"abcdefghijkl",
            b"\n",
            b" ",
        ];
        let inserts: &[&[u8]] = &[
            b"@",
            b"--body",
            b"abcdefghijklmnopqrstuvwx",
            b".atlassian.net",
            b"ATATT3",
            b"T3",
            b"basic",
            b"c ",
            b"uth",
            b"login",
            b"abcdefghijklm",
            b"x",
            b"\n",
            b" ",
            b"=",
            b"0123456789AB",
        ];
        let (mut dirty, mut narrowed) = (0, 0);
        let mut both = 0;
        for _ in 0..5000 {
            let mut base = Vec::new();
            while base.len() < 300 + next() % 800 {
                base.extend_from_slice(clean[next() % clean.len()]);
            }
            if may_hold_secret(&base) {
                continue;
            }
            // A delta: copies and inserts, then its header.
            let mut ops = Vec::new();
            let mut size = 0u64;
            for _ in 0..1 + next() % 6 {
                if next().is_multiple_of(3) {
                    let piece = inserts[next() % inserts.len()];
                    ops.push(piece.len() as u8);
                    ops.extend_from_slice(piece);
                    size += piece.len() as u64;
                } else {
                    let off = next() % base.len();
                    let len = 1 + next() % (base.len() - off);
                    ops.push(0x80 | 0x0f | 0x30);
                    ops.extend_from_slice(&(off as u32).to_le_bytes());
                    ops.extend_from_slice(&(len as u16).to_le_bytes());
                    size += len as u64;
                }
            }
            let mut delta = Vec::new();
            for mut v in [base.len() as u64, size] {
                loop {
                    let c = (v & 0x7f) as u8;
                    v >>= 7;
                    if v == 0 {
                        delta.push(c);
                        break;
                    }
                    delta.push(c | 0x80);
                }
            }
            delta.extend_from_slice(&ops);
            let mut changed = Vec::new();
            let child = apply(&base, &delta, |at, end, insert| {
                mark_change(&mut changed, at, end, insert)
            })
            .unwrap();
            assert_eq!(child, apply_delta(&base, &delta).unwrap());
            let ranges = clip(&mut changed, child.len());
            assert!(ranges.windows(2).all(|w| w[0].end < w[1].start));
            let whole = may_hold_secret(&child);
            dirty += usize::from(whole);
            if ranges.iter().map(|r| r.len()).sum::<usize>() < child.len() / 2 {
                narrowed += 1;
                both += usize::from(whole);
            }
            if whole {
                assert!(
                    may_hold_secret_where(&child, Some(ranges)),
                    "{:?} from {:?}",
                    String::from_utf8_lossy(&child),
                    String::from_utf8_lossy(&base)
                );
            }
        }
        assert!(
            dirty > 300 && narrowed > 300 && both > 100,
            "{dirty} dirty, {narrowed} narrowed, {both} both"
        );
    }

    #[test]
    fn deltas_copy_and_insert() {
        let base = b"hello, old world\n";
        // Source size 17, result size 17: copy 7 bytes at 0, insert "new", copy 7 at 10.
        let mut delta = vec![17, 17, 0x80 | 0x10, 7, 3];
        delta.extend_from_slice(b"new");
        delta.extend_from_slice(&[0x80 | 0x01 | 0x10, 10, 7]);
        assert_eq!(apply_delta(base, &delta).unwrap(), b"hello, new world\n");
        // A copy past the base, a wrong base size and a short result are refused.
        assert!(apply_delta(base, &[17, 4, 0x80 | 0x01 | 0x10, 15, 4]).is_err());
        assert!(apply_delta(b"short", &delta).is_err());
        assert!(apply_delta(base, &[17, 9, 0x80 | 0x10, 7]).is_err());
        // A copy size of 0 means 64 KiB.
        let big = vec![b'x'; 0x10000];
        assert_eq!(
            apply_delta(&big, &[0x80, 0x80, 4, 0x80, 0x80, 4, 0x80]).unwrap(),
            big
        );
        assert!(apply_delta(base, &[17, 1, 0]).is_err());
    }
}
