//! REST endpoints Atlassian removed or scheduled for removal (AT207), from the data file
//! `rules/removed-endpoints.toml`, shared by `lint` and `doctor`. Each entry carries its
//! sources; only observed 410s and dated notices are listed there.
use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Endpoint {
    pub methods: Vec<String>,
    pub paths: Vec<String>,
    pub product: String,
    /// `removed` (410 observed) or `scheduled` (a dated notice).
    pub status: String,
    pub replacement: String,
    pub notice: String,
    #[serde(default)]
    pub answer: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Table {
    endpoint: Vec<Endpoint>,
}

/// The table, parsed once.
pub fn table() -> &'static [Endpoint] {
    static T: OnceLock<Vec<Endpoint>> = OnceLock::new();
    T.get_or_init(|| {
        toml::from_str::<Table>(include_str!("../rules/removed-endpoints.toml"))
            .expect("rules/removed-endpoints.toml is valid (tests/lint/removed_endpoints.rs)")
            .endpoint
    })
}

/// Does `path` fit `template` (`{name}` matches any non-empty segment)? Segment by segment
/// without allocating: AT207 asks this for every REST path in a file.
fn matches(template: &str, path: &str) -> bool {
    let mut t = template.trim_end_matches('/').split('/');
    let mut p = path.trim_end_matches('/').split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) => {
                if !((a.starts_with('{') && !b.is_empty()) || a.eq_ignore_ascii_case(b)) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// The removed endpoint a request hits. `method` None matches any removed method (lint, where
/// the code may not say); a path after a gateway prefix is given without it.
pub fn lookup(method: Option<&str>, path: &str) -> Option<&'static Endpoint> {
    let path = path.split(['?', '#']).next().unwrap_or("");
    table().iter().find(|e| {
        method.is_none_or(|m| e.methods.iter().any(|x| x.eq_ignore_ascii_case(m)))
            && e.paths.iter().any(|t| matches(t, path))
    })
}

/// The words a finding uses for an entry.
pub fn describe(e: &Endpoint, method: &str, path: &str) -> (String, String) {
    let what = if e.status == "removed" {
        "Atlassian removed it (it answers 410 Gone)"
    } else {
        "Atlassian scheduled its removal"
    };
    (
        format!(
            "{method} {path} is a removed endpoint: {what}; {}",
            e.notice
        ),
        format!(
            "use {} (see {})",
            e.replacement,
            e.sources.first().map_or("", String::as_str)
        ),
    )
}
