//! Hostile packs (issue 12): `lint --history` parses the `.idx` and `.pack` files of the
//! repository it scans, which whoever made the clone controls. A small generator writes
//! version 2 indexes and packs, honest or crafted (offsets out of range, headers past the
//! end, delta loops, delta and zlib bombs, deep chains, a lying index, a fan-out that is not
//! monotonic, truncations and bit flips), and every case must end without a panic or a hang,
//! with bounded memory, and hand over no blob whose content is not its object ID (what the
//! reader cannot read is left to git and named in the pack notes).
// Unit tests only (`pack.rs` includes this file under `#[cfg(test)]`); the attribute below
// also tells the source audit (`tests/trust/sink_audit.rs`) that fixtures are written here.
#[cfg(test)]
use std::collections::HashMap;
use std::io::Write;
use std::sync::Mutex;

use sha1::Digest;

use super::*;

type Oid = [u8; 20];

fn blob_id(content: &[u8]) -> Oid {
    let mut h = sha1::Sha1::new();
    h.update(format!("blob {}\0", content.len()).as_bytes());
    h.update(content);
    h.finalize().into()
}

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// An entry header: type and size, git's varint.
fn header(kind: u8, mut size: u64) -> Vec<u8> {
    let mut c = (kind << 4) | (size & 15) as u8;
    size >>= 4;
    let mut out = Vec::new();
    while size != 0 {
        out.push(c | 0x80);
        c = (size & 0x7f) as u8;
        size >>= 7;
    }
    out.push(c);
    out
}

/// An OFS_DELTA's distance back to its base, git's encoding.
fn ofs(mut back: u64) -> Vec<u8> {
    let mut out = vec![(back & 0x7f) as u8];
    back >>= 7;
    while back != 0 {
        back -= 1;
        out.push(0x80 | (back & 0x7f) as u8);
        back >>= 7;
    }
    out.reverse();
    out
}

/// A delta's size varint.
fn varint(mut v: u64, out: &mut Vec<u8>) {
    loop {
        let c = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(c);
            return;
        }
        out.push(c | 0x80);
    }
}

/// A delta from `base_len` bytes to `result_len`: copy the first `copy` bytes of the base,
/// then insert `insert`.
fn delta(base_len: u64, result_len: u64, copy: u32, insert: &[u8]) -> Vec<u8> {
    let mut d = Vec::new();
    varint(base_len, &mut d);
    varint(result_len, &mut d);
    if copy > 0 {
        d.extend_from_slice(&[0x80 | 0x10 | 0x20 | 0x40, copy as u8, (copy >> 8) as u8]);
        d.push((copy >> 16) as u8);
    }
    for piece in insert.chunks(127) {
        d.push(piece.len() as u8);
        d.extend_from_slice(piece);
    }
    d
}

/// A pack being written: its bytes and (object ID, offset) per entry for the index.
struct Pack {
    bytes: Vec<u8>,
    objects: Vec<(Oid, u64)>,
}

impl Pack {
    fn new() -> Pack {
        Pack {
            bytes: b"PACK\0\0\0\x02\0\0\0\0".to_vec(),
            objects: Vec::new(),
        }
    }
    /// Append an entry made of raw parts; returns its offset.
    fn raw(&mut self, oid: Oid, head: &[u8], body: &[u8]) -> u64 {
        let at = self.bytes.len() as u64;
        self.bytes.extend_from_slice(head);
        self.bytes.extend_from_slice(body);
        self.objects.push((oid, at));
        at
    }
    fn blob(&mut self, content: &[u8]) -> u64 {
        self.raw(
            blob_id(content),
            &header(3, content.len() as u64),
            &zlib(content),
        )
    }
    /// An OFS_DELTA of the entry at `base` whose result is `content`.
    fn ofs_delta(&mut self, base: u64, delta_bytes: &[u8], content: &[u8]) -> u64 {
        let at = self.bytes.len() as u64;
        let mut head = header(6, delta_bytes.len() as u64);
        head.extend(ofs(at - base));
        self.raw(blob_id(content), &head, &zlib(delta_bytes))
    }
    /// The finished pack (count and a trailer) and its index.
    fn finish(mut self) -> (Vec<u8>, Vec<u8>) {
        let n = self.objects.len() as u32;
        self.bytes[8..12].copy_from_slice(&n.to_be_bytes());
        let sum: Oid = sha1::Sha1::digest(&self.bytes).into();
        self.bytes.extend_from_slice(&sum);
        let idx = index(&self.objects, &sum);
        (self.bytes, idx)
    }
}

/// A version 2 index of `objects`, sorted by ID; offsets of 2^31 and over go to the 64-bit
/// table.
fn index(objects: &[(Oid, u64)], pack_sum: &Oid) -> Vec<u8> {
    let mut sorted = objects.to_vec();
    sorted.sort();
    let mut idx = vec![0xff, b't', b'O', b'c', 0, 0, 0, 2];
    for b in 0..256usize {
        let count = sorted.iter().filter(|(o, _)| (o[0] as usize) <= b).count() as u32;
        idx.extend_from_slice(&count.to_be_bytes());
    }
    for (o, _) in &sorted {
        idx.extend_from_slice(o);
    }
    idx.extend(std::iter::repeat_n(0u8, sorted.len() * 4)); // CRCs: not read
    let mut large = Vec::new();
    for (_, off) in &sorted {
        if *off < 1 << 31 {
            idx.extend_from_slice(&(*off as u32).to_be_bytes());
        } else {
            idx.extend_from_slice(&(0x8000_0000u32 | (large.len() / 8) as u32).to_be_bytes());
            large.extend_from_slice(&off.to_be_bytes());
        }
    }
    idx.extend(large);
    idx.extend_from_slice(pack_sum);
    let sum: Oid = sha1::Sha1::digest(&idx).into();
    idx.extend_from_slice(&sum);
    idx
}

/// Where the index puts entry `i` (sorted by ID) in the offset table.
fn offset_slot(idx: &[u8], i: usize) -> usize {
    let n = be32(&idx[8 + 255 * 4..]) as usize;
    8 + 1024 + n * 24 + i * 4
}

struct Outcome {
    /// What was handed over, by object ID: content, or `Err(size)` for too large.
    got: HashMap<Oid, Result<Vec<u8>, u64>>,
    /// The packs' notes.
    failures: Vec<String>,
}

/// Run the reader over one pack and index, wanting `wanted`, with a size limit.
fn run(pack: &[u8], idx: &[u8], wanted: &[Oid], limit: u64) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pack")).unwrap();
    std::fs::write(dir.path().join("pack/pack-x.pack"), pack).unwrap();
    std::fs::write(dir.path().join("pack/pack-x.idx"), idx).unwrap();
    let claimed = Mutex::new(std::collections::HashSet::new());
    let got = Mutex::new(HashMap::new());
    let failures = read(
        dir.path(),
        20,
        &|oid| wanted.iter().any(|w| w[..] == *oid),
        &|oid| claimed.lock().unwrap().insert(oid.to_vec()),
        limit,
        2,
        &|oid, g, _| {
            let v = match g {
                Got::Content(b) => Ok(b.to_vec()),
                Got::TooLarge(n) => Err(n),
            };
            let old = got.lock().unwrap().insert(Oid::try_from(oid).unwrap(), v);
            assert!(old.is_none(), "a blob handed over twice");
            false
        },
    );
    let failures: Vec<String> = failures.iter().map(|(_, e)| e.to_string()).collect();
    for f in &failures {
        assert!(!f.contains("panicked"), "the reader panicked: {f}");
    }
    Outcome {
        got: got.into_inner().unwrap(),
        failures,
    }
}

/// Every blob handed over is the blob of its ID.
fn all_true(out: &Outcome) {
    for (oid, v) in &out.got {
        if let Ok(content) = v {
            assert_eq!(blob_id(content), *oid, "a wrong answer for an object ID");
        }
    }
}

/// Three versions of a file: a whole blob and two deltas (the second on the first).
/// A pack, its index, and the (ID, content) of each blob.
type Honest = (Vec<u8>, Vec<u8>, Vec<(Oid, Vec<u8>)>);

fn honest() -> Honest {
    let v1 = b"token = \"placeholder\"\nurl = https://acme.atlassian.net\n".to_vec();
    let mut v2 = v1.clone();
    v2.extend_from_slice(b"# second version\n");
    let mut v3 = v2.clone();
    v3.extend_from_slice(b"# third\n");
    let mut p = Pack::new();
    let a = p.blob(&v1);
    let b = p.ofs_delta(
        a,
        &delta(
            v1.len() as u64,
            v2.len() as u64,
            v1.len() as u32,
            &v2[v1.len()..],
        ),
        &v2,
    );
    p.ofs_delta(
        b,
        &delta(
            v2.len() as u64,
            v3.len() as u64,
            v2.len() as u32,
            &v3[v2.len()..],
        ),
        &v3,
    );
    let (pack, idx) = p.finish();
    let blobs = [v1, v2, v3].into_iter().map(|v| (blob_id(&v), v)).collect();
    (pack, idx, blobs)
}

#[test]
fn an_honest_pack_is_read_whole() {
    let (pack, idx, blobs) = honest();
    let wanted: Vec<Oid> = blobs.iter().map(|(o, _)| *o).collect();
    let out = run(&pack, &idx, &wanted, 1 << 20);
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    assert_eq!(out.got.len(), 3);
    for (oid, content) in &blobs {
        assert_eq!(out.got[oid].as_ref().unwrap(), content);
    }
}

/// An index that says another object lies at an offset (or a pack entry that inflates to
/// something else): the content does not hash to the ID, so it is left to git, and said.
#[test]
fn an_index_that_lies_gets_no_answer() {
    let secret = b"password = \"hunter2-is-the-real-one\"\n";
    let decoy = b"nothing to see here\n";
    let mut p = Pack::new();
    p.raw(
        blob_id(secret),
        &header(3, decoy.len() as u64),
        &zlib(decoy),
    );
    let (pack, idx) = p.finish();
    let out = run(&pack, &idx, &[blob_id(secret)], 1 << 20);
    assert!(
        out.got.is_empty(),
        "the decoy was handed over as the secret's blob"
    );
    assert!(
        out.failures.iter().any(|f| f.contains("do not hash")),
        "{:?}",
        out.failures
    );
}

/// An entry whose header runs into the trailer: once a subtraction that overflowed.
#[test]
fn a_header_past_the_end_is_an_error() {
    let mut p = Pack::new();
    let oid = blob_id(b"hello");
    // Blob of size 5 with the continuation bit: the size's next byte is the trailer's.
    p.raw(oid, &[0x80 | 0x30 | 5], &[]);
    let (mut pack, idx) = p.finish();
    let n = pack.len();
    pack[n - 20] = 0; // the trailer's first byte ends the size
    let out = run(&pack, &idx, &[oid], 1 << 20);
    assert!(out.got.is_empty());
    assert!(
        out.failures.iter().any(|f| f.contains("past its end")),
        "{:?}",
        out.failures
    );
}

/// A delta of itself, and two deltas of each other: no hang, nothing handed over.
#[test]
fn delta_loops_end() {
    let mut p = Pack::new();
    let d = delta(5, 5, 5, b"");
    // OFS_DELTA with a distance of 0: its own base.
    let mut head = header(6, d.len() as u64);
    head.extend(ofs(0));
    let own = blob_id(b"loop1");
    p.raw(own, &head, &zlib(&d));
    // Two REF_DELTAs naming each other.
    let (x, y) = (blob_id(b"loop2"), blob_id(b"loop3"));
    for (me, base) in [(x, y), (y, x)] {
        let mut head = header(7, d.len() as u64);
        head.extend_from_slice(&base);
        p.raw(me, &head, &zlib(&d));
    }
    let (pack, idx) = p.finish();
    let started = std::time::Instant::now();
    let out = run(&pack, &idx, &[own, x, y], 1 << 20);
    assert!(out.got.is_empty());
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

/// A delta that declares a huge result (nothing allocated, not handed over: git sizes it),
/// one that produces more than it declares, and a blob whose zlib stream inflates far past
/// its declared size.
#[test]
fn bombs_are_bounded() {
    let base = vec![b'x'; 0x10000];
    // Declares 2^40 bytes, then copies 64 KiB at 0 again and again.
    let mut huge = Vec::new();
    varint(base.len() as u64, &mut huge);
    varint(1 << 40, &mut huge);
    huge.extend([0x80u8; 1000]);
    // Declares 100 bytes, copies 64 KiB a thousand times.
    let mut over = Vec::new();
    varint(base.len() as u64, &mut over);
    varint(100, &mut over);
    over.extend([0x80u8; 1000]);
    for (d, name) in [(huge, &b"declared-huge"[..]), (over, b"overrun")] {
        let mut p = Pack::new();
        let a = p.blob(&base);
        p.ofs_delta(a, &d, name);
        let (pack, idx) = p.finish();
        let out = run(&pack, &idx, &[blob_id(name), blob_id(&base)], 8 << 20);
        all_true(&out);
        assert_eq!(out.got.get(&blob_id(name)), None);
        assert_eq!(
            out.got.get(&blob_id(&base)).cloned(),
            Some(Ok(base.clone()))
        );
    }
    // A 10-byte blob whose stream holds 16 MiB of zeros: never inflated past 10 bytes.
    let zeros = vec![0u8; 16 << 20];
    let mut p = Pack::new();
    let zbomb = blob_id(b"0123456789");
    p.raw(zbomb, &header(3, 10), &zlib(&zeros));
    let (pack, idx) = p.finish();
    let out = run(&pack, &idx, &[zbomb], 8 << 20);
    assert!(out.got.is_empty());
    assert!(
        out.failures.iter().any(|f| f.contains("size")),
        "{:?}",
        out.failures
    );
}

/// The compressed stream is read a chunk at a time: an entry far from the next one (an index
/// that lists a few entries of a large pack) costs one chunk, not the distance.
#[test]
fn an_entry_far_from_the_next_costs_one_chunk() {
    let content = b"small blob\n";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p");
    let mut bytes = zlib(content);
    bytes.extend(vec![0xa5u8; 4 * READ_CHUNK]);
    std::fs::write(&path, &bytes).unwrap();
    let mut worker = Worker {
        file: File::open(&path).unwrap(),
        inflater: flate2::Decompress::new(true),
        compressed: Vec::new(),
    };
    let e = Entry {
        data: 0,
        end: 1 << 40,
        kind: OBJ_BLOB,
        size: content.len() as u64,
        base: NONE,
        oid: 0,
        wanted: true,
    };
    assert_eq!(worker.inflate(&e).unwrap(), content);
    assert!(worker.compressed.len() <= READ_CHUNK);
    // A stream that stops short of its size, or runs on past the entry, is an error.
    let short = Entry { size: 100, ..e };
    assert!(worker.inflate(&short).is_err());
    let cut = Entry { end: 4, ..e };
    assert!(worker.inflate(&cut).is_err());
}

/// 64-bit offsets: an index into the large-offset table past its end, and an offset past
/// the pack; a fan-out table that is not monotonic.
#[test]
fn bad_offsets_and_fan_out_are_refused() {
    let (pack, idx, blobs) = honest();
    let wanted: Vec<Oid> = blobs.iter().map(|(o, _)| *o).collect();
    let slot = offset_slot(&idx, 0);
    for raw in [0x8000_0000u32, 0x8000_0005, 0xffff_ffff, 0x7fff_ffff, 0, 11] {
        let mut bad_idx = idx.clone();
        bad_idx[slot..slot + 4].copy_from_slice(&raw.to_be_bytes());
        let out = run(&pack, &bad_idx, &wanted, 1 << 20);
        all_true(&out);
        assert!(!out.failures.is_empty(), "offset {raw:#x} accepted");
    }
    // A 64-bit table entry past the end of the pack.
    let mut p = Pack::new();
    p.blob(b"x");
    p.objects[0].1 = 1 << 33;
    let (pack, idx) = p.finish();
    let out = run(&pack, &idx, &[blob_id(b"x")], 1 << 20);
    assert!(out.got.is_empty() && !out.failures.is_empty());
    // Fan-out: a count that goes down.
    let (pack, mut idx, _) = honest();
    idx[8 + 10 * 4..8 + 11 * 4].copy_from_slice(&1000u32.to_be_bytes());
    let out = run(&pack, &idx, &wanted, 1 << 20);
    assert!(out.got.is_empty());
    assert!(
        out.failures.iter().any(|f| f.contains("fan-out")),
        "{:?}",
        out.failures
    );
}

/// A chain of 3,000 deltas, each one byte longer: read whole (no recursion), quickly.
#[test]
fn a_deep_chain_is_read() {
    let mut p = Pack::new();
    let mut content = b"v".to_vec();
    let mut at = p.blob(&content);
    let mut wanted = vec![blob_id(&content)];
    for i in 0..3000u32 {
        let mut next = content.clone();
        next.push(b'a' + (i % 26) as u8);
        let d = delta(
            content.len() as u64,
            next.len() as u64,
            content.len() as u32,
            &next[content.len()..],
        );
        at = p.ofs_delta(at, &d, &next);
        wanted.push(blob_id(&next));
        content = next;
    }
    let (pack, idx) = p.finish();
    let started = std::time::Instant::now();
    let out = run(&pack, &idx, &wanted, 1 << 20);
    assert!(out.failures.is_empty(), "{:?}", out.failures);
    assert_eq!(out.got.len(), wanted.len());
    all_true(&out);
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
}

/// Every truncation of the pack and of the index, and 256 random flips of one to three bytes
/// of either: no panic, and every blob handed over is true.
#[test]
fn truncations_and_flips_never_give_a_wrong_answer() {
    let (pack, idx, blobs) = honest();
    let wanted: Vec<Oid> = blobs.iter().map(|(o, _)| *o).collect();
    for cut in (0..pack.len()).step_by(3) {
        all_true(&run(&pack[..cut], &idx, &wanted, 1 << 20));
    }
    for cut in (0..idx.len()).step_by(37) {
        all_true(&run(&pack, &idx[..cut], &wanted, 1 << 20));
    }
    let mut next = crate::testing::xorshift(0x2545_f491_4f6c_dd1d);
    for _ in 0..256 {
        let (mut p, mut i) = (pack.clone(), idx.clone());
        for _ in 0..1 + next() % 3 {
            let target = if next().is_multiple_of(2) {
                &mut p
            } else {
                &mut i
            };
            let at = (next() % target.len() as u64) as usize;
            target[at] ^= 1 << (next() % 8);
        }
        all_true(&run(&p, &i, &wanted, 1 << 20));
    }
}

/// A `.pack` that is a FIFO or a symlink to `/dev/zero` beside a valid index: skipped (git
/// skips what is not a regular file), never opened; opening the FIFO blocked for ever.
#[cfg(unix)]
#[test]
fn a_special_file_named_pack_is_skipped() {
    let (_, idx, blobs) = honest();
    for special in ["fifo", "/dev/zero"] {
        let dir = tempfile::tempdir().unwrap();
        let packs = dir.path().join("pack");
        std::fs::create_dir_all(&packs).unwrap();
        std::fs::write(packs.join("pack-x.idx"), &idx).unwrap();
        let pack = packs.join("pack-x.pack");
        if special == "fifo" {
            let c = std::ffi::CString::new(pack.to_str().unwrap()).unwrap();
            // SAFETY: mkfifo with a valid NUL-terminated path.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        } else {
            std::os::unix::fs::symlink(special, &pack).unwrap();
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let objects = dir.path().to_path_buf();
        let wanted: Vec<Oid> = blobs.iter().map(|(o, _)| *o).collect();
        std::thread::spawn(move || {
            let failures = read(
                &objects,
                20,
                &|oid| wanted.iter().any(|w| w[..] == *oid),
                &|_| true,
                1 << 20,
                1,
                &|_, _, _| panic!("nothing can be read"),
            );
            let _ = tx.send(failures.len());
        });
        let got = rx.recv_timeout(std::time::Duration::from_secs(3));
        assert_eq!(got, Ok(0), "{special}: not skipped (or it blocked)");
    }
}

/// An index that points a wanted ID at an entry declaring a size over the limit: not reported
/// too large on the pack's word (which no ID checks), left to git, which sizes the real blob.
#[test]
fn a_size_on_the_packs_word_is_left_to_git() {
    let secret = b"password = \"hunter2-is-the-real-one\"\n";
    let mut p = Pack::new();
    p.raw(blob_id(secret), &header(3, 1 << 30), &zlib(b"x"));
    let (pack, idx) = p.finish();
    let out = run(&pack, &idx, &[blob_id(secret)], 1 << 20);
    assert!(
        out.got.is_empty(),
        "{:?}",
        out.got.keys().collect::<Vec<_>>()
    );
}

/// A tree object of `entries` (mode, name, ID), in the order given.
fn tree_bytes(entries: &[(&str, &str, Oid)]) -> Vec<u8> {
    let mut t = Vec::new();
    for (mode, name, oid) in entries {
        t.extend_from_slice(format!("{mode} {name}\0").as_bytes());
        t.extend_from_slice(oid);
    }
    t
}

/// The history's tree walk over one pack and index, from the tree `top`.
fn walk_trees(pack: &[u8], idx: &[u8], top: Oid) -> anyhow::Result<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pack")).unwrap();
    std::fs::write(dir.path().join("pack/pack-x.pack"), pack).unwrap();
    std::fs::write(dir.path().join("pack/pack-x.idx"), idx).unwrap();
    let exclude = |_: &str| false;
    let laid = lay_out(dir.path(), 20);
    let mut walk = crate::lint::history::TreeWalk {
        trees: Trees::new(dir.path(), 20, &laid)?,
        hash: 20,
        table: Default::default(),
        seen: Default::default(),
        folders: Default::default(),
        exclude: &exclude,
        path: Vec::new(),
        ancestors: Vec::new(),
        holding: 0,
    };
    walk.table.commits.push([0; 32]);
    let mut id = [0u8; 32];
    id[..20].copy_from_slice(&top);
    walk.commit(&id, None)?;
    Ok(walk.table.paths.iter().map(|p| p.to_string()).collect())
}

/// Trees as the history's walk reads them: an honest tree and a delta of it are walked; a
/// tree that holds itself (only a lying index can say so), two tree deltas of each other and
/// a tree declaring 2^40 bytes end the walk with an error (git then lists the history),
/// quickly and without a large allocation.
#[test]
fn tree_walks_end_on_lying_and_hostile_trees() {
    let f = blob_id(b"file\n");
    // Honest: a folder holding a file, and a second top tree made as a delta of the first.
    let inner = tree_bytes(&[("100644", "f.txt", f)]);
    let inner_id: Oid = [0x11; 20];
    let top1 = tree_bytes(&[("100644", "a.txt", f), ("40000", "dir", inner_id)]);
    let mut top2 = top1.clone();
    top2.extend_from_slice(&tree_bytes(&[("100755", "z.sh", f)]));
    let (id1, id2): (Oid, Oid) = ([0x21; 20], [0x22; 20]);
    let mut p = Pack::new();
    p.raw(inner_id, &header(2, inner.len() as u64), &zlib(&inner));
    let at = p.raw(id1, &header(2, top1.len() as u64), &zlib(&top1));
    let d = delta(
        top1.len() as u64,
        top2.len() as u64,
        top1.len() as u32,
        &top2[top1.len()..],
    );
    let here = p.bytes.len() as u64;
    let mut head = header(6, d.len() as u64);
    head.extend(ofs(here - at));
    p.raw(id2, &head, &zlib(&d));
    let (pack, idx) = p.finish();
    assert_eq!(
        walk_trees(&pack, &idx, id2).unwrap(),
        ["a.txt", "dir/f.txt", "z.sh"]
    );

    let started = std::time::Instant::now();
    // A tree that names itself, twice.
    let me: Oid = [0x33; 20];
    let selfish = tree_bytes(&[("40000", "a", me), ("40000", "b", me)]);
    let mut p = Pack::new();
    p.raw(me, &header(2, selfish.len() as u64), &zlib(&selfish));
    let (pack, idx) = p.finish();
    let e = walk_trees(&pack, &idx, me).unwrap_err().to_string();
    assert!(e.contains("inside itself"), "{e}");

    // Two tree deltas naming each other as base.
    let (x, y): (Oid, Oid) = ([0x44; 20], [0x55; 20]);
    let mut p = Pack::new();
    let d = delta(5, 5, 5, b"");
    for (me, base) in [(x, y), (y, x)] {
        let mut head = header(7, d.len() as u64);
        head.extend_from_slice(&base);
        p.raw(me, &head, &zlib(&d));
    }
    let (pack, idx) = p.finish();
    let e = walk_trees(&pack, &idx, x).unwrap_err().to_string();
    assert!(e.contains("loop") || e.contains("outside"), "{e}");

    // A tree that declares 2^40 bytes: refused before inflating.
    let big: Oid = [0x66; 20];
    let mut p = Pack::new();
    p.raw(big, &header(2, 1 << 40), &zlib(b"40000 a\0"));
    let (pack, idx) = p.finish();
    let e = walk_trees(&pack, &idx, big).unwrap_err().to_string();
    assert!(e.contains("too large"), "{e}");

    // A blob where a tree is named.
    let (pack, idx, blobs) = honest();
    let e = walk_trees(&pack, &idx, blobs[0].0).unwrap_err().to_string();
    assert!(e.contains("not a tree"), "{e}");
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}
