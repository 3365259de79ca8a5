//! AT205 insecure-http: `http://` to an Atlassian API host.
use crate::lint::{Cx, Hit};
use crate::surface;

/// Test files feed `http://` URLs to validators on purpose, to see them rejected.
fn is_test_file(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let name = p.rsplit('/').next().unwrap_or(&p);
    p.contains("/test/")
        || p.contains("/tests/")
        || p.starts_with("test/")
        || p.starts_with("tests/")
        || p.contains("__tests__")
        || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.ends_with("test.java")
        || name.ends_with("tests.cs")
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if is_test_file(cx.path) {
        return;
    }
    // The last host and path's words: a file repeats the same URL (issue 12, class 5: the
    // words were formatted anew for each of 270,000 hits).
    let mut last: Option<(String, String, surface::Problem, String)> = None;
    for caps in cx.pattern("http").captures_iter(cx.text) {
        let (Some(whole), Some(host)) = (caps.name("whole"), caps.name("host")) else {
            continue;
        };
        // `"http://" + site + ".atlassian.net"`: the site named by the variable.
        let shown;
        let host = if host.as_str().starts_with(['"', '\'', '`']) {
            let name = host.as_str().trim_end_matches(".atlassian.net");
            let name =
                name.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | '+' | '.' | ' ' | '$'));
            shown = format!("{{{name}}}.atlassian.net");
            shown.as_str()
        } else {
            host.as_str()
        };
        // The path and query after the host, to the end of the URL as written.
        let after = cx.text.get(whole.end()..).unwrap_or("");
        let end = after
            .find(|c: char| c.is_whitespace() || "\"'`<>)]\\|,;".contains(c))
            .unwrap_or(after.len())
            .min(2048);
        let rest = after.get(..end).unwrap_or("");
        let rest = if rest.starts_with(['/', '?']) {
            rest
        } else {
            ""
        };
        // The doctor's judgement and words (surface::insecure_scheme_problem).
        let (p, key) = match &last {
            Some((h, r, p, key)) if h == host && r == rest => (p, key),
            _ => {
                let p = surface::insecure_scheme_problem("http", host, rest);
                let key = format!("http:{}", host.to_ascii_lowercase());
                let (_, _, p, key) = last.insert((host.to_string(), rest.to_string(), p, key));
                (&*p, &*key)
            }
        };
        out.push(Hit::new(whole.range(), p.message.clone(), key.clone()).fix(p.fix.clone()));
    }
}
