//! CODEOWNERS (`CODEOWNERS`, `.github/`, `.gitlab/`, `docs/`): the owners of a path are those
//! of the last pattern that matches it (GitHub's and GitLab's rule). Patterns follow
//! gitignore: `/x` is anchored at the root, `x/` matches a folder and everything below it,
//! a pattern without `/` matches at any depth. GitLab `[Section]` headers are skipped.
use globset::{Glob, GlobMatcher};

use super::Tree;

pub struct Owners {
    rules: Vec<(GlobMatcher, Vec<String>)>,
}

impl Owners {
    pub fn from_tree(tree: &Tree) -> Owners {
        let text = [
            "CODEOWNERS",
            ".github/CODEOWNERS",
            ".gitlab/CODEOWNERS",
            "docs/CODEOWNERS",
        ]
        .iter()
        .find_map(|p| tree.files.get(*p).map(|f| f.text.clone()))
        .unwrap_or_default();
        Owners::parse(&text)
    }

    pub fn parse(text: &str) -> Owners {
        let mut rules = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty()
                || line.starts_with('#')
                || line.starts_with('[')
                || line.starts_with("^[")
            {
                continue;
            }
            let mut parts = line.split_whitespace();
            let Some(pattern) = parts.next() else {
                continue;
            };
            let owners: Vec<String> = parts
                .take_while(|p| !p.starts_with('#'))
                .map(crate::secret::redact_text)
                .collect();
            let mut glob = pattern.trim_start_matches('/').to_string();
            let anchored = pattern.starts_with('/') || pattern.trim_end_matches('/').contains('/');
            if glob.ends_with('/') {
                glob.push_str("**");
            }
            if !anchored && glob != "*" {
                glob = format!("**/{glob}");
            }
            let variants = if glob.ends_with("**") || glob.ends_with("/*") {
                vec![glob]
            } else {
                vec![glob.clone(), format!("{glob}/**")]
            };
            for v in variants {
                if let Ok(g) = Glob::new(&v) {
                    rules.push((g.compile_matcher(), owners.clone()));
                }
            }
        }
        Owners { rules }
    }

    /// The owners of a repository-relative path.
    pub fn of(&self, path: &str) -> Vec<String> {
        self.rules
            .iter()
            .rev()
            .find(|(g, _)| g.is_match(path))
            .map(|(_, o)| o.clone())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_match_wins() {
        let o = Owners::parse(
            "* @acme/all\n/scripts/ @acme/ops\n*.yml @acme/ci # comment\n/.github/workflows/nightly.yml @jane\n",
        );
        assert_eq!(o.of("README.md"), ["@acme/all"]);
        assert_eq!(o.of("scripts/sync.sh"), ["@acme/ops"]);
        assert_eq!(o.of("deploy/x.yml"), ["@acme/ci"]);
        assert_eq!(o.of(".github/workflows/nightly.yml"), ["@jane"]);
    }
}
