//! Third held-out corpus, `fixtures/heldout3`: real public files recreated with fake secrets and
//! labelled by hand by two labellers (`labels-a.toml`, `labels-b.toml` in each half) before atlcheck
//! ran on them (protocol and provenance in `fixtures/heldout3/README.md`).
//!
//! - `tune`: detectors may be tuned on it. Its per-rule scores and every mismatch are printed:
//!
//!       cargo test --test lint heldout3:: -- --nocapture
//!
//! - `report`: frozen, run ONCE at the end of a tuning round. By default its labels are only
//!   loaded and checked (so a broken half fails the build) and its files are not linted at all;
//!   its scores are printed, never its per-file mismatches, only when asked for:
//!
//!       HELDOUT3_REPORT=1 cargo test --test lint heldout3:: -- --nocapture
//!
//! Scores are a report, never asserted. The test fails only when a half does not load (see
//! `scoring::load`). Until the corpus lands, an absent folder or half is skipped.
use crate::scoring as scorer;

#[test]
fn heldout3_tune_half() {
    scorer::round::tune("heldout3");
}

#[test]
fn heldout3_report_half() {
    scorer::round::report("heldout3");
}

#[test]
fn split_hash_is_fnv1a64() {
    // Pin the hash so the halves cannot move silently: FNV-1a 64 test vectors.
    assert_eq!(scorer::fnv1a64(""), 0xcbf2_9ce4_8422_2325);
    assert_eq!(scorer::fnv1a64("a"), 0xaf63_dc4c_8601_ec8c);
    assert_eq!(scorer::fnv1a64("foobar"), 0x8594_4171_f739_67e8);
    assert_eq!(scorer::half_of(""), "report");
}

/// The loader on a small made-up corpus in a temporary folder: what loads, and each way a half
/// fails to load.
mod loader {
    use super::scorer;
    use std::path::Path;

    const PROVENANCE: &str = "repo = \"o/r\"\ncommit = \"0123456789abcdef0123456789abcdef01234567\"\npath = \"p\"\nlicence = \"MIT\"\n";

    /// An id that hashes into `half`.
    fn id_in(half: &str, stem: &str) -> String {
        (0..)
            .map(|i| format!("{stem}{i}.sh"))
            .find(|id| scorer::half_of(id) == half)
            .unwrap()
    }

    fn entry(id: &str, rules: &str) -> String {
        format!("[files.\"{id}\"]\nrules = [{rules}]\nreason = \"r\"\n{PROVENANCE}\n")
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn load_err(root: &Path) -> String {
        match scorer::try_load(root, "tune") {
            Err(e) => e,
            Ok(h) => panic!(
                "the half must not load, but loaded {:?} files",
                h.map(|h| h.files.len())
            ),
        }
    }

    #[test]
    fn absent_folder_or_labels_is_skipped() {
        let d = tempfile::tempdir().unwrap();
        assert!(scorer::load(d.path(), "tune").is_none());
        write(d.path(), "tune/a.sh", "echo\n");
        assert!(scorer::load(d.path(), "tune").is_none());
    }

    #[test]
    fn every_labels_file_of_a_half_is_read() {
        let d = tempfile::tempdir().unwrap();
        let (a, b) = (id_in("tune", "a"), id_in("tune", "x/b"));
        write(
            d.path(),
            &format!("tune/{a}"),
            "curl -u \"$E:$T\" https://acme.atlassian.net/rest/api/3/myself\n",
        );
        write(d.path(), &format!("tune/{b}"), "echo b\n");
        write(d.path(), "tune/labels-a.toml", &entry(&a, "\"AT201\""));
        write(d.path(), "tune/labels-b.toml", &entry(&b, ""));
        let h = scorer::load(d.path(), "tune").unwrap();
        assert_eq!(h.files.len(), 2);
        assert_eq!(h.labels.len(), 2);
        assert_eq!(h.sources.len(), 2);
        let m = scorer::measure(&h, "t", &scorer::round::linter());
        let m = m.score;
        let c = m.per_rule["AT201"];
        assert_eq!((c.tp, c.fp, c.fn_), (1, 0, 0));
        assert_eq!(
            (m.positive_files, m.clean_files, m.clean_flagged),
            (1, 1, 0)
        );
        assert_eq!(m.exact, 2);
    }

    #[test]
    fn a_half_that_does_not_load_fails() {
        let (a, b) = (id_in("tune", "a"), id_in("tune", "b"));
        // A file without labels.
        let d = tempfile::tempdir().unwrap();
        write(d.path(), &format!("tune/{a}"), "");
        write(d.path(), &format!("tune/{b}"), "");
        write(d.path(), "tune/labels-a.toml", &entry(&a, ""));
        assert!(load_err(d.path()).contains("files without labels"));
        // Labels without a file.
        let d = tempfile::tempdir().unwrap();
        write(d.path(), "tune/labels-a.toml", &entry(&a, ""));
        assert!(load_err(d.path()).contains("labels without files"));
        // The same file in two labellers' files.
        let d = tempfile::tempdir().unwrap();
        write(d.path(), &format!("tune/{a}"), "");
        write(d.path(), "tune/labels-a.toml", &entry(&a, ""));
        write(d.path(), "tune/labels-b.toml", &entry(&a, ""));
        assert!(load_err(d.path()).contains("labelled in both"));
        // A file whose hash puts it in the other half.
        let d = tempfile::tempdir().unwrap();
        let r = id_in("report", "r");
        write(d.path(), &format!("tune/{r}"), "");
        write(d.path(), "tune/labels-a.toml", &entry(&r, ""));
        assert!(load_err(d.path()).contains("other half"));
        // An unknown code, missing provenance.
        let d = tempfile::tempdir().unwrap();
        write(d.path(), &format!("tune/{a}"), "");
        write(d.path(), "tune/labels-a.toml", &entry(&a, "\"AT999\""));
        assert!(load_err(d.path()).contains("not a lint rule code"));
        let d = tempfile::tempdir().unwrap();
        write(d.path(), &format!("tune/{a}"), "");
        write(
            d.path(),
            "tune/labels-a.toml",
            &entry(&a, "").replace("0123456789abcdef0123456789abcdef01234567", "HEAD"),
        );
        assert!(load_err(d.path()).contains("40-hex"));
        // A labels file that does not parse.
        let d = tempfile::tempdir().unwrap();
        write(d.path(), &format!("tune/{a}"), "");
        write(d.path(), "tune/labels-a.toml", "[files.\"x\"\n");
        assert!(load_err(d.path()).contains("does not parse"));
    }
}
