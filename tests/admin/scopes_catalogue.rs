//! The embedded scope catalogue against Atlassian's OpenAPI documents.
//!
//! When `../shared/atlassian-openapi` exists (relative to the crate), these tests regenerate
//! `rules/scopes.tsv` with the xtask generator (included below by path, so no second binary
//! runs) and compare it byte for byte, then resolve every operation of every spec through the
//! matcher, as a site URL, a gateway URL and a bare path, and check that the scopes are the
//! spec's. Without the specs they print a note and pass.
use std::collections::BTreeSet;
use std::path::PathBuf;

use atlcheck::scopes::{self, catalogue};
use serde_json::Value;

#[allow(dead_code)]
#[path = "../../xtask/src/scopegen.rs"]
mod scopegen;

const CLOUD_ID: &str = "35273b54-3f06-40d2-880f-dd28cf8daafa";

fn spec_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(scopegen::DEFAULT_SPEC_DIR);
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "note: {} is absent; skipping the comparison with the specs",
            dir.display()
        );
        None
    }
}

#[test]
fn committed_catalogue_is_what_the_generator_writes() {
    let Some(dir) = spec_dir() else { return };
    let generated = scopegen::generate(&dir).expect("the specs parse");
    let committed = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(scopegen::CATALOGUE_PATH),
    )
    .unwrap();
    if generated != committed {
        let line = generated
            .lines()
            .zip(committed.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "rules/scopes.tsv is stale (first difference at line {}): run `cargo run -p xtask -- gen-scopes`\n  generated: {:?}\n  committed: {:?}",
            line + 1,
            generated.lines().nth(line),
            committed.lines().nth(line)
        );
    }
    // And what is embedded is what is committed.
    assert_eq!(scopes::CATALOGUE_TSV, committed);
}

#[test]
fn header_records_every_spec_version() {
    let cat = catalogue();
    let ids: Vec<&str> = cat.specs.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            "jira-v3",
            "jira-v2",
            "jira-software",
            "jsm",
            "confluence-v1",
            "confluence-v2"
        ]
    );
    let Some(dir) = spec_dir() else { return };
    for spec in &cat.specs {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(spec.file)).unwrap()).unwrap();
        assert_eq!(
            doc["info"]["version"].as_str(),
            Some(spec.version),
            "{}",
            spec.id
        );
    }
}

/// Fill a path template with concrete values, in one of several URL forms.
fn concrete_url(template: &str, gateway: &str, form: usize) -> String {
    let mut path = String::new();
    for (i, seg) in template.split('/').filter(|s| !s.is_empty()).enumerate() {
        path.push('/');
        if seg.starts_with('{') {
            // Values no template uses as a literal; one form percent-encodes a character.
            path.push_str(if form == 3 { "X%2D1" } else { "X-1" });
            path.push_str(&i.to_string());
        } else {
            path.push_str(seg);
        }
    }
    match form {
        0 => format!("https://acme.atlassian.net{path}"),
        1 => format!("https://api.atlassian.com/ex/{gateway}/{CLOUD_ID}{path}?expand=x&limit=5"),
        2 => format!("{path}/"),
        _ => path,
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_operation_of_every_spec_resolves_to_its_scopes() {
    let Some(dir) = spec_dir() else { return };
    let cat = catalogue();
    let mut checked = 0;
    for spec in &cat.specs {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(spec.file)).unwrap()).unwrap();
        let base = doc["servers"][0]["url"].as_str().unwrap_or("");
        let base = if base.ends_with("/wiki/api/v2") {
            "/wiki/api/v2"
        } else {
            ""
        };
        let oauth: Vec<&str> = doc["components"]["securitySchemes"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, v)| v["type"] == "oauth2")
            .map(|(k, _)| k.as_str())
            .collect();
        let mut n = 0;
        for (template, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                    continue;
                }
                let full = format!("{base}{template}");
                let url = concrete_url(&full, spec.gateway.as_str(), n % 4);
                n += 1;
                let m = scopes::lookup(method, &url)
                    .unwrap_or_else(|e| panic!("{} {method} {url}: {e}", spec.id));
                let got = m.operation;
                assert_eq!(got.path, full, "{method} {url}");
                assert_eq!(got.method, method.to_ascii_uppercase());
                assert_eq!(
                    got.operation_id,
                    op["operationId"].as_str().unwrap_or(""),
                    "{method} {full}"
                );
                assert!(m.notes.is_empty(), "{method} {url}: {:?}", m.notes);

                // Expected sets, straight from the document: each x-extension entry and each
                // OAuth security requirement is one all-of set. Family: the entry's state
                // (Current = classic, Beta = granular; Confluence v2 uses Current for granular
                // scopes); a security set no entry repeats goes by the shape of its scopes.
                let mut classic_expected: BTreeSet<Vec<String>> = BTreeSet::new();
                let mut granular_expected: BTreeSet<Vec<String>> = BTreeSet::new();
                let mut from_extension: Vec<Vec<String>> = Vec::new();
                for entry in op["x-atlassian-oauth2-scopes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    let scopes = strings(&entry["scopes"]);
                    from_extension.push(scopes.clone());
                    if entry["state"] == "Beta" || spec.id == "confluence-v2" {
                        granular_expected.insert(scopes);
                    } else {
                        assert_eq!(entry["state"], "Current");
                        classic_expected.insert(scopes);
                    }
                }
                let mut anonymous = false;
                for req in op["security"].as_array().into_iter().flatten() {
                    let req = req.as_object().unwrap();
                    anonymous |= req.is_empty();
                    for (scheme, scopes) in req {
                        let scopes = strings(scopes);
                        if oauth.contains(&scheme.as_str()) && !from_extension.contains(&scopes) {
                            if scopes.iter().all(|s| s.matches(':').count() == 2) {
                                granular_expected.insert(scopes);
                            } else {
                                classic_expected.insert(scopes);
                            }
                        }
                    }
                }
                classic_expected.remove(&Vec::new());
                granular_expected.remove(&Vec::new());
                let own = |sets: &[Vec<&str>]| -> BTreeSet<Vec<String>> {
                    sets.iter()
                        .map(|s| s.iter().map(|x| x.to_string()).collect())
                        .collect()
                };
                assert_eq!(
                    own(&got.classic),
                    classic_expected,
                    "{} {method} {full}",
                    spec.id
                );
                assert_eq!(
                    own(&got.granular),
                    granular_expected,
                    "{} {method} {full}",
                    spec.id
                );
                let expected_any = !classic_expected.is_empty() || !granular_expected.is_empty();
                assert_eq!(got.anonymous, anonymous, "{method} {full}");
                assert!(!got.no_scope_needed || !expected_any, "{method} {full}");
                checked += 1;
            }
        }
        assert_eq!(
            n, spec.operations,
            "{}: operations counted in the header",
            spec.id
        );
    }
    println!("checked {checked} operations");
    assert!(checked >= 1750, "{checked}");
}

#[test]
fn known_counts_and_quirks() {
    let cat = catalogue();
    let count = |id: &str| cat.operations.iter().filter(|o| o.spec().id == id).count();
    // Header counts are per document; rows shared with jira-v3 (Connect, Forge) appear once.
    assert_eq!(cat.spec("jira-v3").unwrap().operations, 616);
    assert_eq!(cat.spec("jira-v2").unwrap().operations, 610);
    assert_eq!(count("jira-v3"), 616);
    assert_eq!(count("jira-v2"), 610 - 18);
    assert_eq!(count("jira-software"), 105);
    assert_eq!(count("jsm"), 71);
    assert_eq!(count("confluence-v1"), 130);
    assert_eq!(count("confluence-v2"), 218);
    // Jira Software publishes granular scopes in `security` only.
    let board = scopes::lookup("GET", "/rest/agile/1.0/board/7/issue")
        .unwrap()
        .operation;
    assert!(board.classic.is_empty());
    assert_eq!(
        board.granular,
        vec![vec![
            "read:board-scope:jira-software",
            "read:issue-details:jira"
        ]]
    );
    // Confluence v2's `Current` entries are granular.
    let page = scopes::lookup("GET", "/wiki/api/v2/pages/1")
        .unwrap()
        .operation;
    assert!(page.classic.is_empty());
    assert_eq!(page.granular, vec![vec!["read:page:confluence"]]);
    // Dev-info Connect-only operations.
    let vuln = scopes::lookup("GET", "/rest/security/1.0/vulnerability/1")
        .unwrap()
        .operation;
    assert!(vuln.connect_only && vuln.classic.is_empty() && vuln.granular.is_empty());
    // JSM /info needs no scope.
    assert!(
        scopes::lookup("GET", "/rest/servicedeskapi/info")
            .unwrap()
            .operation
            .no_scope_needed
    );
    // Empty `Current` with a Beta set: no classic scope.
    let app = scopes::lookup("POST", "/rest/api/3/app/field/value")
        .unwrap()
        .operation;
    assert!(app.classic.is_empty());
    assert_eq!(app.granular, vec![vec!["write:app-data:jira"]]);
}

#[test]
fn no_two_operations_share_method_and_shape() {
    // Otherwise the matcher would have to choose between them by parameter names.
    let cat = catalogue();
    let mut seen = BTreeSet::new();
    for op in &cat.operations {
        let shape: Vec<&str> = op
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "{}" } else { s })
            .collect();
        assert!(
            seen.insert((op.method, shape.join("/"))),
            "{} {}",
            op.method,
            op.path
        );
    }
}

#[test]
fn lookups_are_fast() {
    let _ = catalogue();
    let start = std::time::Instant::now();
    for _ in 0..2000 {
        scopes::lookup("GET", "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/issue/A-1").unwrap();
    }
    // Generous: a debug build on a busy machine still does this in well under a second.
    assert!(start.elapsed().as_secs() < 10, "{:?}", start.elapsed());
}

/// Scopes the specs' OAuth 2.0 security schemes declare although no operation lists them (read
/// from the specs of `rules/scopes.tsv`'s header versions).
const DECLARED_ONLY: &[&str] = &[
    "delete:blogpost:confluence",
    "moderate:core-content:confluence",
    "read:blogpost:confluence",
    "read:build:jira-software",
    "read:content.property:confluence",
    "read:deployment:jira-software",
    "read:issue-link:jira",
    "read:mail-logs.processing:jira-service-management",
    "read:source-code:jira-software",
    "write:feature-flag:jira-software",
    "write:inlinetask:confluence",
    "write:servicedesk:jira-service-management",
];

/// Every scope an OAuth 2.0 security scheme of the specs declares is a real scope: AT405
/// (unknown-scope) reports none of them, also those no operation lists. The fixed list always
/// runs; with the specs present, every declared scope does.
#[test]
fn at405_knows_every_scope_the_specs_declare() {
    let mut declared: BTreeSet<String> = DECLARED_ONLY.iter().map(|s| s.to_string()).collect();
    if let Some(dir) = spec_dir() {
        for (_, _, _, file, _) in scopegen::SPECS {
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
            let Some(schemes) = doc["components"]["securitySchemes"].as_object() else {
                continue;
            };
            for scheme in schemes.values().filter(|s| s["type"] == "oauth2") {
                let Some(flows) = scheme["flows"].as_object() else {
                    continue;
                };
                for flow in flows.values() {
                    if let Some(scopes) = flow["scopes"].as_object() {
                        declared.extend(scopes.keys().cloned());
                    }
                }
            }
        }
        assert!(declared.len() > 300, "{} scopes declared", declared.len());
    }
    let tmp = tempfile::tempdir().unwrap();
    let list: String = declared.iter().map(|s| format!("    - {s}\n")).collect();
    std::fs::write(
        tmp.path().join("manifest.yml"),
        format!("# jira and confluence scopes\npermissions:\n  scopes:\n{list}"),
    )
    .unwrap();
    let out = crate::common::run(
        tmp.path(),
        &[
            "lint",
            "--isolated",
            "--select",
            "AT405",
            "--format",
            "concise",
            "manifest.yml",
        ],
    );
    let text = crate::common::stdout(&out);
    assert!(!text.contains("AT405"), "{text}");
    // The check can fail: a scope no API defines is reported in the same file.
    std::fs::write(
        tmp.path().join("manifest.yml"),
        "# jira\npermissions:\n  scopes:\n    - manage:jira-user\n",
    )
    .unwrap();
    let out = crate::common::run(
        tmp.path(),
        &[
            "lint",
            "--isolated",
            "--select",
            "AT405",
            "--format",
            "concise",
            "manifest.yml",
        ],
    );
    assert!(crate::common::stdout(&out).contains("AT405"));
}
