//! Plain scripts: source files that no runner configuration runs, that read a credential from
//! the environment and talk to Atlassian. Files in documentation, example and test folders
//! and example files (`*.example`, `*.sample`) are not automations and are left out.
use std::collections::BTreeSet;

use super::{RunnerKind, Snippet, Tree, Unit};
use crate::lint::FileKind;

pub fn units(tree: &Tree, used: &BTreeSet<String>) -> Vec<Unit> {
    let mut out = Vec::new();
    for (rel, f) in &tree.files {
        if used.contains(rel) || super::non_production(rel) {
            continue;
        }
        let kind = FileKind::detect(
            std::path::Path::new(rel),
            f.text.split('\n').next().unwrap_or(""),
        );
        let is_code = matches!(
            kind,
            FileKind::Shell
                | FileKind::Python
                | FileKind::JavaScript
                | FileKind::Go
                | FileKind::Java
                | FileKind::PowerShell
                | FileKind::Ruby
                | FileKind::Php
                | FileKind::CSharp
                | FileKind::Rust
        );
        let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
        if !is_code || name.starts_with("jenkinsfile") || name == "makefile" {
            continue;
        }
        let mut u = Unit::new(RunnerKind::Script, rel, 1);
        u.snippets.push(Snippet {
            path: rel.clone(),
            line: 1,
            text: f.text.clone(),
        });
        out.push(u);
    }
    out
}
