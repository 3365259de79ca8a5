//! AT207's table (`rules/removed-endpoints.toml`), shared by lint and doctor, and AT303's
//! severity by surface in lint (issue 13, parts 3 and 6).
use atlcheck::catalogue::Severity;
use atlcheck::config::{Config, Overrides};
use atlcheck::lint::{FileKind, Linter};
use atlcheck::removed;

#[test]
fn every_entry_is_sourced_and_well_formed() {
    let t = removed::table();
    assert!(t.len() >= 3);
    for e in t {
        assert!(!e.sources.is_empty(), "{:?} has no source", e.paths);
        assert!(e.sources.iter().all(|s| s.starts_with("https://")));
        assert!(
            matches!(e.status.as_str(), "removed" | "scheduled"),
            "{}",
            e.status
        );
        assert!(!e.replacement.is_empty() && !e.notice.is_empty());
        assert!(!e.methods.is_empty());
        assert!(e.paths.iter().all(|p| p.starts_with('/')));
        assert!(matches!(e.product.as_str(), "jira" | "confluence"));
    }
}

#[test]
fn lookup_matches_whole_paths_and_methods() {
    assert!(removed::lookup(Some("GET"), "/rest/api/3/search?jql=x").is_some());
    assert!(removed::lookup(Some("POST"), "/rest/api/2/search").is_some());
    assert!(removed::lookup(Some("GET"), "/rest/api/3/search/jql").is_none());
    assert!(removed::lookup(Some("GET"), "/wiki/rest/api/space").is_some());
    assert!(removed::lookup(Some("POST"), "/wiki/rest/api/space").is_none());
    assert!(removed::lookup(Some("GET"), "/wiki/rest/api/space/ENG").is_none());
    assert!(removed::lookup(None, "/rest/api/3/expression/eval").is_some());
}

fn lint(path: &str, code: &str) -> Vec<(String, Severity)> {
    let linter = Linter::new(Config::resolve(None, &Overrides::default()).unwrap()).unwrap();
    let kind = FileKind::detect(
        std::path::Path::new(path),
        code.lines().next().unwrap_or(""),
    );
    linter
        .lint_text(path, kind, code)
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.severity))
        .collect()
}

#[test]
fn lint_at207_uses_the_same_table() {
    let hits = lint(
        "jobs/report.py",
        "r = requests.get(f\"{BASE}/rest/api/3/search\", params={\"jql\": q}, auth=auth)\n",
    );
    assert!(
        hits.contains(&("AT207".to_string(), Severity::Error)),
        "{hits:?}"
    );
    let hits = lint(
        "jobs/report.py",
        "r = requests.get(f\"{BASE}/rest/api/3/search/jql\", params={\"jql\": q}, auth=auth)\n",
    );
    assert!(hits.iter().all(|h| h.0 != "AT207"), "{hits:?}");
}

#[test]
fn lint_at303_is_an_error_at_the_site_and_a_warning_at_the_gateway() {
    let site = "curl -H \"Authorization: Bearer $JIRA_API_TOKEN\" https://acme.atlassian.net/rest/api/3/myself\n";
    let gw = "curl -H \"Authorization: Bearer $JIRA_API_TOKEN\" https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself\n";
    let at303 = |hits: Vec<(String, Severity)>| {
        hits.into_iter()
            .find(|h| h.0 == "AT303")
            .map(|h| h.1)
            .unwrap_or_else(|| panic!("no AT303"))
    };
    assert_eq!(at303(lint("call.sh", site)), Severity::Error);
    assert_eq!(at303(lint("call.sh", gw)), Severity::Warning);
}
