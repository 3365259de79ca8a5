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

/// `http://`: where the `host` group starts in a match of the `http` pattern.
const HTTP_PREFIX: usize = "http://".len();

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    if is_test_file(cx.path) {
        return;
    }
    // The last host and path's words: a file repeats the same URL (issue 12, class 5: the
    // words were formatted anew for each of 270,000 hits).
    let mut last: Option<(String, String, surface::Problem, String)> = None;
    // Found, not captured (a capture pass per match was a third of this rule's time on a file
    // of 270,000 URLs; issue 12, class 5): `whole` is the match (only the `\b` after it is
    // outside), and `host` all of it after `http://`, which `(?i)` matches in ASCII letters
    // only (no other character folds onto h, t or p): seven bytes.
    // `tests::found_is_what_captures_find` compares the two.
    for whole in cx.pattern("http").find_iter(cx.text) {
        let host = &whole.as_str()[HTTP_PREFIX..];
        // `"http://" + site + ".atlassian.net"`: the site named by the variable.
        let shown;
        let host = if host.starts_with(['"', '\'', '`']) {
            let name = host.trim_end_matches(".atlassian.net");
            let name =
                name.trim_matches(|c: char| matches!(c, '"' | '\'' | '`' | '+' | '.' | ' ' | '$'));
            shown = format!("{{{name}}}.atlassian.net");
            shown.as_str()
        } else {
            host
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

#[cfg(test)]
mod tests {
    /// The `http` pattern's groups are where `check` reads them off the match.
    #[test]
    fn found_is_what_captures_find() {
        let re = crate::testing::rule_pattern(crate::catalogue::Code::AT205, "http");
        let text = "http://acme.atlassian.net/rest HTTP://API.atlassian.com x hTtP://a.b.atlassian.net \
            \"http://\" + site + \".atlassian.net\" http://${SITE}.atlassian.net/x http://{{ s }}.atlassian.net \
            http://%s.atlassian.net http://#{s}.atlassian.net xhttp://acme.atlassian.net \
            http://acme.atlaſſian.net http://auth.atlassian.com/authorize http://mcp.atlassian.com/v1 \
            http://api.media.atlassian.com http://é.atlassian.net http://x-y.atlassian.net.evil";
        let mut n = 0;
        for caps in re.captures_iter(text) {
            let (whole, host) = (caps.name("whole").unwrap(), caps.name("host").unwrap());
            let m = caps.get(0).unwrap();
            assert_eq!(whole.range(), m.range(), "{}", m.as_str());
            assert_eq!(
                host.start(),
                m.start() + super::HTTP_PREFIX,
                "{}",
                m.as_str()
            );
            assert_eq!(host.end(), m.end(), "{}", m.as_str());
            n += 1;
        }
        assert!(n >= 12, "{n}");
        let found: Vec<_> = re.find_iter(text).map(|m| m.range()).collect();
        let captured: Vec<_> = re
            .captures_iter(text)
            .map(|c| c.get(0).unwrap().range())
            .collect();
        assert_eq!(found, captured);
    }
}
