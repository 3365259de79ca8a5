//! Red team, session 2 (issue 12, class 6): a committed configuration that switches every rule
//! off. `exclude = ["**"]` is said ("every path was excluded"), but `select = []`, an `ignore`
//! of every code (`["AT"]`, `["ALL"]`, the four families) or a `[per-file-ignores]` glob matching
//! every path with every code made a file holding a live token lint "No findings", exit 0, in
//! silence. Generated per run (24 configurations): ways to switch every lint rule off, alone or
//! with harmless settings, and near misses that leave one rule on. Off: a warning names the
//! configuration; on: the token is found (exit 1) and no such warning.
use crate::held_forms::Rng;

const FAMILIES: &[&str] = &["AT1", "AT2", "AT3", "AT4"];

/// A configuration that switches every lint rule off.
fn all_off(rng: &mut Rng) -> String {
    let families = |rng: &mut Rng| {
        let mut f: Vec<&str> = FAMILIES.to_vec();
        // Rotate: any order.
        f.rotate_left(rng.below(4));
        format!(
            "[{}]",
            f.iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    match rng.below(6) {
        0 => "select = []\n".to_string(),
        1 => "ignore = [\"AT\"]\n".to_string(),
        2 => "ignore = [\"ALL\"]\n".to_string(),
        3 => format!("ignore = {}\n", families(rng)),
        4 => "select = [\"AT102\"]\nignore = [\"AT1\"]\n".to_string(),
        _ => {
            let glob = ["**", "*", "**/*"][rng.below(3)];
            format!("[per-file-ignores]\n\"{glob}\" = {}\n", families(rng))
        }
    }
}

/// A near miss: one family (AT1: the person-owned user, the malformed token) stays on.
fn one_left(rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => "ignore = [\"AT2\", \"AT3\", \"AT4\"]\n".to_string(),
        1 => "select = [\"AT1\"]\n".to_string(),
        _ => "[per-file-ignores]\n\"**\" = [\"AT2\", \"AT3\", \"AT4\"]\n\"*.md\" = [\"AT1\"]\n"
            .to_string(),
    }
}

#[test]
fn a_configuration_that_switches_every_rule_off_says_so() {
    let mut rng = Rng::seeded();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(d)
        .status()
        .unwrap();
    std::fs::write(
        d.join("deploy.sh"),
        "curl -u \"bot@acme.com:ATATT3xFfGF0T2theXRva2VuLWZvci10ZXN0cy1vbmx5LW5vdC1yZWFs=0A1B2C3D\" https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself\n",
    )
    .unwrap();
    for case in 0..24 {
        let off = rng.coin();
        let mut cfg = if off {
            all_off(&mut rng)
        } else {
            one_left(&mut rng)
        };
        if rng.coin() {
            cfg = format!("max-filesize = 1048576\n{cfg}");
        }
        let name = ["pyproject.toml", ".atlcheck.toml"][rng.below(2)];
        let text = if name == "pyproject.toml" {
            // Keys of the top level first, then the tables, all under [tool.atlcheck].
            cfg.replace("[per-file-ignores]", "[tool.atlcheck.per-file-ignores]")
                .replacen("", "[tool.atlcheck]\n", 1)
        } else {
            cfg.clone()
        };
        for f in ["pyproject.toml", ".atlcheck.toml"] {
            let _ = std::fs::remove_file(d.join(f));
        }
        std::fs::write(d.join(name), &text).unwrap();
        let o = crate::common::run(d, &["lint", "."]);
        let err = crate::common::stderr(&o);
        let all = crate::common::text(&o);
        if off {
            assert!(
                err.contains("no rule is checked") && err.contains(name),
                "case {case}, {name}:\n{text}\n{all}"
            );
            assert_eq!(o.status.code(), Some(0), "case {case}:\n{text}\n{all}");
        } else {
            assert!(
                !err.contains("no rule is checked"),
                "case {case}, {name}:\n{text}\n{all}"
            );
            assert_eq!(
                o.status.code(),
                Some(1),
                "case {case}, {name}:\n{text}\n{all}"
            );
        }
    }
    // The command line too.
    let _ = std::fs::remove_file(d.join("pyproject.toml"));
    let _ = std::fs::remove_file(d.join(".atlcheck.toml"));
    let o = crate::common::run(d, &["lint", "--ignore", "AT1,AT2,AT3,AT4", "."]);
    assert!(
        crate::common::stderr(&o).contains("no rule is checked"),
        "{}",
        crate::common::text(&o)
    );
}
