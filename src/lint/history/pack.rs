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
//! limit that other versions are deltas of, a chain that would hold more than
//! [`HELD_BYTES`] at once, an index too large to load ([`MAX_INDEX_BYTES`]), an unknown index
//! or pack version, and any read or format error (a pack deleted by a concurrent `git gc`).
//! The caller reads the blobs [`read`] did not hand over through `git cat-file --batch`.
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// A pack's index larger than this (about 600,000 objects) is left to git: its layout (about
/// 50 bytes an object) would cost more memory than `--history` promises.
const MAX_INDEX_BYTES: u64 = 16 << 20;
/// Bytes of blob versions one worker holds at once along a delta chain; the versions under
/// a deeper link are left to git.
pub const HELD_BYTES: usize = 16 << 20;

const NONE: u32 = u32::MAX;
const OBJ_BLOB: u8 = 3;
const OBJ_OFS_DELTA: u8 = 6;
const OBJ_REF_DELTA: u8 = 7;

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
    /// This entry or one of its deltas is wanted.
    needed: bool,
}

/// A pack with its entries linked: `children[first[i]..first[i + 1]]` are the deltas of `i`.
struct Layout {
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
            needed: false,
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

/// Mark every entry on the way from a wanted object to its chain's root; return the roots
/// that are whole blobs.
fn mark_needed(layout: &mut Layout) -> Vec<u32> {
    let n = layout.entries.len();
    let mut roots = Vec::new();
    for i in 0..n {
        if !layout.entries[i].wanted {
            continue;
        }
        let mut at = i as u32;
        let mut steps = 0;
        while at != NONE && !layout.entries[at as usize].needed && steps <= n {
            layout.entries[at as usize].needed = true;
            let e = &layout.entries[at as usize];
            if e.base == NONE && e.kind == OBJ_BLOB {
                roots.push(at);
            }
            at = e.base;
            steps += 1;
        }
    }
    roots.sort_unstable();
    roots
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
            out.extend_from_slice(src);
        } else if op != 0 {
            let src = delta
                .get(at..at + op as usize)
                .ok_or_else(|| bad("truncated delta"))?;
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

/// Read every wanted blob this pack can give, on `workers` threads, handing each one that
/// `claim` accepts to `each`. Errors stop the pack; the blobs not handed over are the
/// caller's to read another way.
fn read_pack(
    layout: &Layout,
    roots: &[u32],
    limit: u64,
    workers: usize,
    claim: &(dyn Fn(&[u8]) -> bool + Sync),
    each: &(dyn Fn(&[u8], Got<'_>) + Sync),
) -> std::io::Result<()> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let mismatched = AtomicUsize::new(0);
    let walk = |worker: &mut Worker, root: u32| -> std::io::Result<()> {
        let entries = &layout.entries;
        let deliver = |i: u32, got: Got<'_>| {
            let e = &entries[i as usize];
            let at = e.oid as usize * layout.hash;
            let oid = &layout.oids[at..at + layout.hash];
            if !e.wanted {
                return;
            }
            match got {
                // Content that is not its ID's is never handed over: git reads that blob.
                Got::Content(bytes) if !is_blob(layout.hash, oid, bytes) => {
                    mismatched.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                // A size is this pack's word, which no ID checks (an index can point a
                // wanted ID at an entry declaring 2^40 bytes to have it skipped): git sizes
                // that blob (`cat-file --batch-check`) and skips it if it really is too large.
                Got::TooLarge(_) => return,
                Got::Content(_) => {}
            }
            if claim(oid) {
                each(oid, got);
            }
        };
        let root_entry = &entries[root as usize];
        if root_entry.size > limit {
            // Not inflated; its deltas are left to git.
            deliver(root, Got::TooLarge(root_entry.size));
            return Ok(());
        }
        let content = worker.inflate(root_entry)?;
        deliver(root, Got::Content(&content));
        // Depth first: (entry, its content, next child slot).
        let mut stack: Vec<(u32, Vec<u8>, u32)> =
            vec![(root, content, layout.first[root as usize])];
        let mut held = stack[0].1.len();
        while let Some(top) = stack.last_mut() {
            let (parent, ref base, ref mut slot) = *top;
            if *slot == layout.first[parent as usize + 1] {
                held -= base.len();
                stack.pop();
                continue;
            }
            let child = layout.children[*slot as usize];
            *slot += 1;
            let e = &entries[child as usize];
            if !e.needed || failed.load(Ordering::Relaxed) {
                continue;
            }
            if e.size > limit.saturating_mul(2).saturating_add(1 << 20) {
                continue;
            }
            let delta = worker.inflate(e)?;
            let result = delta_result_size(&delta)?;
            if result > limit {
                deliver(child, Got::TooLarge(result));
                continue;
            }
            let content = apply_delta(base, &delta)?;
            deliver(child, Got::Content(&content));
            let has_children = layout.first[child as usize] < layout.first[child as usize + 1];
            if has_children && held + content.len() <= HELD_BYTES {
                held += content.len();
                stack.push((child, content, layout.first[child as usize]));
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
    each: &(dyn Fn(&[u8], Got<'_>) + Sync),
) -> Vec<(PathBuf, std::io::Error)> {
    let mut failures = Vec::new();
    for pack in packs(objects) {
        let result = layout(&pack, hash, wanted).and_then(|mut layout| {
            let roots = mark_needed(&mut layout);
            read_pack(&layout, &roots, limit, workers, claim, each)
        });
        if let Err(e) = result {
            failures.push((pack, e));
        }
    }
    failures
}

#[cfg(test)]
#[path = "pack_hostile.rs"]
mod hostile;

#[cfg(test)]
mod tests {
    use super::*;

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
