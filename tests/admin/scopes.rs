//! `atlcheck scopes` end to end: the built binary, its output formats and exit codes.
use std::process::Output;

use serde_json::Value;

use crate::common::{self, stderr, stdout};

fn atlcheck(args: &[&str], dir: Option<&std::path::Path>) -> Output {
    let root = common::root();
    let mut cmd = common::atlcheck(dir.unwrap_or(&root), args);
    cmd.env("NO_COLOR", "1");
    cmd.output().expect("atlcheck runs")
}

#[test]
fn human_answer_names_operation_both_families_and_source() {
    let o = atlcheck(
        &[
            "scopes",
            "GET",
            "https://acme.atlassian.net/rest/api/3/issue/ABC-1?fields=summary",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("GET /rest/api/3/issue/{issueIdOrKey}\n"),
        "{out}"
    );
    assert!(out.contains("getIssue"), "{out}");
    assert!(out.contains("classic   read:jira-work\n"), "{out}");
    assert!(out.contains("read:issue-meta:jira"), "{out}");
    assert!(
        out.contains("1001.0.0-SNAPSHOT-532ed230ff9a (jira-platform-v3.json)"),
        "{out}"
    );
    assert!(!out.contains('\u{1b}'), "no colour with NO_COLOR");
}

#[test]
fn json_answer_follows_the_spec_shape() {
    let o = atlcheck(
        &[
            "scopes",
            "post",
            "https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/2/issue/bulk",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).expect("only JSON on stdout");
    assert_eq!(v["version"], 1);
    let r = &v["requests"][0];
    assert_eq!(r["method"], "POST");
    assert_eq!(r["path"], "/rest/api/2/issue/bulk");
    assert_eq!(r["template"], "/rest/api/2/issue/bulk");
    assert_eq!(r["product"], "jira");
    assert_eq!(r["api"], "jira-v2");
    assert_eq!(r["operation"], "createIssues");
    assert_eq!(r["classic"], serde_json::json!(["write:jira-work"]));
    assert!(
        r["granular"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "write:issue:jira")
    );
    assert_eq!(
        v["least_privilege"]["classic"],
        serde_json::json!(["write:jira-work"])
    );
    assert_eq!(
        v["least_privilege"]["classic_uncovered"],
        serde_json::json!([])
    );
    assert_eq!(r["gateway"]["product"], "jira");
}

#[test]
fn confluence_v2_says_classic_cannot_cover_it() {
    let o = atlcheck(&["scopes", "GET", "/wiki/api/v2/pages/123"], None);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        out.contains("classic   none: Confluence Cloud REST API v2 documents granular scopes only"),
        "{out}"
    );
    assert!(out.contains("granular  read:page:confluence"), "{out}");
}

#[test]
fn unknown_path_exits_2_with_suggestions() {
    let o = atlcheck(
        &[
            "scopes",
            "GET",
            "https://acme.atlassian.net/rest/api/3/isue/ABC-1",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    assert!(
        err.contains("atlcheck: error: no Atlassian REST API has the path /rest/api/3/isue/ABC-1"),
        "{err}"
    );
    assert!(err.contains("did you mean"), "{err}");
    assert!(err.contains("/rest/api/3/issue/{issueIdOrKey}"), "{err}");

    let o = atlcheck(
        &[
            "scopes",
            "GET",
            "/rest/api/3/isue/ABC-1",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["requests"], serde_json::json!([]));
    assert_eq!(v["unmatched"][0]["reason"], "unknown_path");
    assert_eq!(
        v["unmatched"][0]["suggestions"][0]["path"],
        "/rest/api/3/issue/{issueIdOrKey}"
    );

    let o = atlcheck(&["scopes", "GET", "/rest/api/3/issue/bulk"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("/rest/api/3/issue/bulk supports POST"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(atlcheck(&["scopes"], None).status.code(), Some(2));
    assert_eq!(
        atlcheck(&["scopes", "GET", "/x", "--from-code", "."], None)
            .status
            .code(),
        Some(2)
    );
    let o = atlcheck(&["scopes", "--from-code", "/definitely/not/here"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn help_names_the_data_source_and_versions() {
    let o = atlcheck(&["scopes", "--help"], None);
    let out = stdout(&o);
    assert!(out.contains("OpenAPI"), "{out}");
    assert!(
        out.contains("1001.0.0-SNAPSHOT-532ed230ff9aa83f9c3039b776559e831302b5dd"),
        "{out}"
    );
    assert!(out.contains("Confluence Cloud REST API v2"), "{out}");
}

fn code_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("sync.py"),
        "import requests\n\
         BASE = 'https://acme.atlassian.net'\n\
         r = requests.get(f\"{BASE}/rest/api/3/issue/{key}\")\n\
         requests.post(f\"{BASE}/rest/api/3/issue/{key}/comment\", json=body)\n\
         requests.get(BASE + '/rest/api/3/nonsense/thing')\n",
    )
    .unwrap();
    std::fs::create_dir_all(p.join("scripts")).unwrap();
    std::fs::write(
        p.join("scripts/pages.js"),
        "await fetch(`${site}/wiki/api/v2/pages`, {\n  method: 'POST',\n  body,\n});\n",
    )
    .unwrap();
    std::fs::write(p.join(".gitignore"), "ignored/\n").unwrap();
    std::fs::create_dir_all(p.join("ignored")).unwrap();
    std::fs::write(
        p.join("ignored/x.sh"),
        "curl -X DELETE https://acme.atlassian.net/rest/api/3/project/X\n",
    )
    .unwrap();
    std::fs::create_dir_all(p.join(".github/workflows")).unwrap();
    std::fs::write(
        p.join(".github/workflows/ci.yml"),
        "run: curl -X PUT https://api.atlassian.com/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/issue/A-1\n",
    )
    .unwrap();
    dir
}

#[test]
fn from_code_lists_calls_and_least_privilege() {
    let dir = code_tree();
    let o = atlcheck(&["scopes", "--from-code", "."], Some(dir.path()));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("sync.py:3:"), "{out}");
    assert!(
        out.contains("GET /rest/api/3/issue/{issueIdOrKey}"),
        "{out}"
    );
    assert!(
        out.contains("POST /rest/api/3/issue/{issueIdOrKey}/comment"),
        "{out}"
    );
    assert!(out.contains("scripts/pages.js:1:"), "{out}");
    assert!(out.contains("POST /wiki/api/v2/pages"), "{out}");
    assert!(
        out.contains(".github/workflows/ci.yml:1:"),
        "hidden files are scanned: {out}"
    );
    assert!(
        out.contains("PUT /rest/api/3/issue/{issueIdOrKey}"),
        "{out}"
    );
    assert!(
        !out.contains("/rest/api/3/project/"),
        ".gitignore is respected: {out}"
    );
    assert!(out.contains("no matching operation"), "{out}");
    assert!(
        out.contains("classic   read:jira-work write:jira-work\n"),
        "{out}"
    );
    assert!(out.contains("not covered by any classic scope"), "{out}");
}

#[test]
fn from_code_json() {
    let dir = code_tree();
    let o = atlcheck(
        &["scopes", "--from-code", ".", "--format", "json"],
        Some(dir.path()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let requests = v["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    let pages = requests
        .iter()
        .find(|r| r["api"] == "confluence-v2")
        .unwrap();
    assert_eq!(pages["method"], "POST");
    assert_eq!(pages["method_source"], "code");
    assert_eq!(pages["file"], "scripts/pages.js");
    assert_eq!(pages["line"], 1);
    assert_eq!(
        v["least_privilege"]["classic"],
        serde_json::json!(["read:jira-work", "write:jira-work"])
    );
    let uncovered = v["least_privilege"]["classic_uncovered"]
        .as_array()
        .unwrap();
    assert_eq!(uncovered.len(), 1);
    assert_eq!(uncovered[0]["template"], "/wiki/api/v2/pages");
    let granular = v["least_privilege"]["granular"].as_array().unwrap();
    assert!(granular.iter().any(|s| s == "write:page:confluence"));
    assert!(granular.iter().any(|s| s == "write:comment:jira"));
    assert_eq!(v["unmatched"][0]["path"], "/rest/api/3/nonsense/thing");
    assert_eq!(v["unmatched"][0]["line"], 5);
}

#[test]
fn output_file_gets_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.json");
    let o = atlcheck(
        &[
            "scopes",
            "GET",
            "/rest/servicedeskapi/info",
            "--format",
            "json",
            "--output-file",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).is_empty());
    let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert_eq!(v["requests"][0]["no_scope_needed"], true);
}

/// Issue 16 class 8: a call whose method the code does not say is reported with
/// `"method": null` and counts with every method of its path; a URL built in a variable takes
/// the method of the call that sends it; comments and doc examples are not calls.
#[test]
fn from_code_reads_calls_as_the_code_makes_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut py = String::from(
        "def create(payload):\n    \"\"\"Create a request.\n\n    Example: requests.delete(BASE + '/rest/api/3/issue/OPS-1')\n    \"\"\"\n    url = BASE + \"/rest/servicedeskapi/request\"\n",
    );
    for i in 0..14 {
        py.push_str(&format!("    payload['f{i}'] = {i}\n"));
    }
    py.push_str("    return requests.post(url, json=payload)\n\n# curl -X DELETE https://acme.atlassian.net/rest/api/3/project/OPS\nISSUE_PATH = \"/rest/api/3/issue/{key}\"\n");
    std::fs::write(dir.path().join("desk.py"), py).unwrap();
    let o = atlcheck(
        &["scopes", "--from-code", ".", "--format", "json"],
        Some(dir.path()),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let requests = v["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    let desk = &requests[0];
    assert_eq!(desk["template"], "/rest/servicedeskapi/request");
    assert_eq!(desk["method"], "POST");
    assert_eq!(desk["method_source"], "code");
    let issue = &requests[1];
    assert_eq!(issue["method"], Value::Null, "{issue:#}");
    assert_eq!(issue["method_source"], "unknown");
    let methods: Vec<&str> = issue["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["method"].as_str().unwrap())
        .collect();
    assert_eq!(methods, ["GET", "PUT", "DELETE"]);
    // The union: the write scope of PUT/DELETE is in the least-privilege set.
    let classic = v["least_privilege"]["classic"].as_array().unwrap();
    assert!(
        classic.iter().any(|s| s == "write:jira-work"),
        "{classic:?}"
    );
    assert!(
        issue["classic"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "write:jira-work")
    );
}

/// Issue 16 class 8: documentation is not code. A README's `curl -X DELETE` example, a
/// C# `///` doc example and a PowerShell help block add nothing; the PowerShell splat's
/// `Method = 'Post'` and a Java `new HttpPost(url)` are read as the methods they send.
#[test]
fn from_code_skips_documentation_and_reads_more_languages() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(
        p.join("README.md"),
        "# Tool\n\n```sh\ncurl -X DELETE https://acme.atlassian.net/rest/api/3/project/OPS\n```\n",
    )
    .unwrap();
    std::fs::write(
        p.join("Client.cs"),
        "/// <example>\n/// client.DeleteAsync(\"/rest/api/3/issue/OPS-1\");\n/// </example>\npublic void X() {}\n",
    )
    .unwrap();
    std::fs::write(
        p.join("New-Issue.ps1"),
        "<#\n.EXAMPLE\n    Invoke-JiraMethod -Method Delete -Uri 'rest/api/2/issue/OPS-1'\n#>\n$params = @{\n  Uri = \"$base/rest/api/3/issue\"\n  Method = 'Post'\n}\nInvoke-RestMethod @params\n",
    )
    .unwrap();
    std::fs::write(
        p.join("Comment.java"),
        "String url = base + \"/rest/api/3/issue/\" + key + \"/comment\";\nHttpPost post = new HttpPost(url);\n",
    )
    .unwrap();
    let o = atlcheck(&["scopes", "--from-code", ".", "--format", "json"], Some(p));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let found: Vec<(String, String)> = v["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["method"].as_str().unwrap_or("null").to_string(),
                r["template"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "POST".to_string(),
                "/rest/api/3/issue/{issueIdOrKey}/comment".to_string()
            ),
            ("POST".to_string(), "/rest/api/3/issue".to_string()),
        ],
        "{v:#}"
    );
}
