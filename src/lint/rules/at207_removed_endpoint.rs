//! AT207 removed-endpoint: a REST path Atlassian removed (410 Gone) or scheduled for removal,
//! from the shared table `rules/removed-endpoints.toml` (the doctor reads the same table).
use crate::lint::{Cx, Hit};
use crate::removed;

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for caps in cx.pattern("rest-path").captures_iter(cx.text) {
        let Some(p) = caps.name("path") else { continue };
        // `/rest/api/3/search` but not `/rest/api/3/search/jql`: the path must end here.
        let path = p.as_str().trim_end_matches('/');
        let Some(e) = removed::lookup(None, path) else {
            continue;
        };
        // A method named on the same line that the table does not list (POST to a path whose
        // GET was removed) is not the removed operation.
        let (line, _) = cx.line_at(p.start());
        // Commented-out code calls nothing.
        if ["#", "//", "--", "*", ";", "<!--"]
            .iter()
            .any(|c| line.trim_start().starts_with(c))
        {
            continue;
        }
        let lower = line.to_ascii_lowercase();
        let other_method = ["post", "put", "delete", "patch"]
            .iter()
            .any(|m| lower.contains(m) && !e.methods.iter().any(|x| x.eq_ignore_ascii_case(m)));
        if other_method {
            continue;
        }
        let method = e.methods.join("|");
        let (msg, fix) = removed::describe(e, &method, path);
        out.push(Hit::new(p.range(), msg, format!("removed:{path}")).fix(fix));
    }
}
