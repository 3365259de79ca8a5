//! `atlcheck inventory`: the register written from the fixture repositories under
//! fixtures/inventory/, through the real binary; formats, exit codes, distractors, secrets.
use crate::common;

use common::{root, run, stderr, stdout};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let mut all = vec!["inventory", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&root(), &all);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("inventory JSON parses")
}

fn entry<'a>(doc: &'a Value, credential: &str) -> &'a Value {
    doc["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["credential"] == credential)
        .unwrap_or_else(|| panic!("no integration for {credential}"))
}

/// One line per integration and finding: what a reviewer checks against the fixture.
fn transcript(doc: &Value) -> String {
    let mut s = String::new();
    for i in doc["integrations"].as_array().unwrap() {
        s.push_str(&format!(
            "{} [{}] identity={} ({})\n",
            i["credential"].as_str().unwrap(),
            i["stores"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect::<Vec<_>>()
                .join(","),
            i["identity"]["value"].as_str().unwrap_or("-"),
            i["identity"]["kind"].as_str().unwrap()
        ));
        for r in i["runs_in"].as_array().unwrap() {
            s.push_str(&format!(
                "  runs_in {} {}:{} job={} schedule={} trigger={} env={}\n",
                r["kind"].as_str().unwrap(),
                r["path"].as_str().unwrap(),
                r["line"],
                r["job"].as_str().unwrap_or("-"),
                r["schedule"].as_str().unwrap_or("-"),
                r["trigger"].as_str().unwrap_or("-"),
                r["env"].as_str().unwrap_or("-"),
            ));
        }
        s.push_str(&format!("  sites {}\n", i["sites"]));
        for c in i["calls"].as_array().unwrap() {
            s.push_str(&format!(
                "  call {} {} {} {}:{}\n",
                c["method"].as_str().unwrap(),
                c["path"].as_str().unwrap(),
                c["operation"].as_str().unwrap_or("-"),
                c["file"].as_str().unwrap(),
                c["line"]
            ));
        }
        s.push_str(&format!(
            "  classic {} granular {}\n  owners {}\n",
            i["least_privilege"]["classic"], i["least_privilege"]["granular"], i["owners"]
        ));
        for f in i["findings"].as_array().unwrap() {
            s.push_str(&format!(
                "  finding {} {}:{}\n",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["line"]
            ));
        }
    }
    // Lint findings by rule and place only: their wording belongs to the lint rules.
    for f in doc["findings"].as_array().unwrap() {
        let rule = f["rule"].as_str().unwrap();
        s.push_str(&format!(
            "{rule} {} {}:{}{}\n",
            f["severity"].as_str().unwrap(),
            f["path"].as_str().unwrap(),
            f["line"],
            if rule == "AT109" {
                format!(" {}", f["message"].as_str().unwrap())
            } else {
                String::new()
            }
        ));
    }
    s
}

#[test]
fn acme_ops_register() {
    let doc = json(&["fixtures/inventory/acme-ops"]);
    assert_eq!(doc["version"], 1);
    insta::assert_snapshot!("acme_ops", transcript(&doc));
}

#[test]
fn workflow_step_is_followed_into_its_script() {
    let doc = json(&["fixtures/inventory/acme-ops"]);
    let jira = entry(&doc, "JIRA_API_TOKEN");
    let calls: Vec<&str> = jira["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file"].as_str().unwrap())
        .collect();
    assert!(
        calls.contains(&"fixtures/inventory/acme-ops/scripts/sync.sh"),
        "{calls:?}"
    );
    assert_eq!(jira["runs_in"][0]["schedule"], "0 2 * * *");
    assert_eq!(jira["identity"]["kind"], "service-account");
    // Python imports are followed too: publish_docs.py -> confluence_client.py.
    let docs = entry(&doc, "CONFLUENCE_TOKEN");
    assert_eq!(docs["calls"][0]["operation"], "updatePage");
    assert_eq!(docs["identity"]["value"], "vars.CONFLUENCE_USER");
}

#[test]
fn shared_credentials_raise_at109() {
    let doc = json(&["fixtures/inventory/acme-ops"]);
    let shared: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "AT109")
        .map(|f| f["credentials"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        shared,
        [
            "JIRA_API_TOKEN",
            "JIRA_REPORT_TOKEN",
            "jira-automation/api-token"
        ]
    );
    assert_eq!(doc["summary"]["shared_credentials"], 3);
    // The Kubernetes CronJob: schedule and secretKeyRef.
    let k8s = entry(&doc, "jira-automation/api-token");
    assert_eq!(k8s["runs_in"][0]["kind"], "kubernetes-cronjob");
    assert_eq!(k8s["runs_in"][0]["schedule"], "*/30 * * * *");
    assert_eq!(k8s["runs_in"][0]["env"], "JIRA_API_TOKEN");
}

#[test]
fn distractors_are_not_integrations() {
    let doc = json(&["fixtures/inventory/acme-ops"]);
    let names: Vec<&str> = doc["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["credential"].as_str().unwrap())
        .collect();
    // Data Center URL, commented-out step, example files, docs, other services' secrets,
    // variables a script sets itself.
    for absent in [
        "JIRA_DC_TOKEN",
        "WIKI_TOKEN",
        "NPM_TOKEN",
        "GITHUB_TOKEN",
        "CODECOV_TOKEN",
        "SLACK_WEBHOOK",
        "postgres/password",
        "REDIS_PASSWORD",
        "AUTH",
    ] {
        assert!(!names.contains(&absent), "{absent} listed: {names:?}");
    }
    let text = doc.to_string();
    for path in [
        "examples/",
        "docs/jira.md",
        "docker-compose.example.yml",
        "tools/dc_migrate.py",
        "ci.yml",
    ] {
        assert!(!text.contains(path), "{path} in the register");
    }
}

#[test]
fn formats_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("register.csv");
    let out = run(
        &root(),
        &[
            "inventory",
            "fixtures/inventory/acme-ops",
            "--format",
            "csv",
            "--output-file",
            csv.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "credential,stores,identity,identity_kind,runs_in,schedules,sites,calls,classic_scopes,granular_scopes,owners,findings"
    );
    assert_eq!(lines.count(), 7);
    let md = stdout(&run(
        &root(),
        &[
            "inventory",
            "fixtures/inventory/acme-ops",
            "--format",
            "markdown",
        ],
    ));
    assert!(md.starts_with("# Atlassian integrations\n"));
    assert!(md.contains("| `JIRA_API_TOKEN` | github-secret |"), "{md}");
    assert!(md.contains("## Findings"));
    let human = stdout(&run(&root(), &["inventory", "fixtures/inventory/acme-ops"]));
    assert!(
        human.contains("7 integrations (9 automations), 3 shared credentials"),
        "{human}"
    );
    assert!(human.contains("warning[AT109]"));
}

#[test]
fn exit_codes() {
    let ok = run(
        &root(),
        &[
            "inventory",
            "fixtures/inventory/acme-ops",
            "--format",
            "json",
        ],
    );
    assert_eq!(ok.status.code(), Some(0));
    let fail = run(
        &root(),
        &[
            "inventory",
            "fixtures/inventory/acme-ops",
            "--format",
            "json",
            "--fail-on",
            "warning",
        ],
    );
    assert_eq!(fail.status.code(), Some(1));
    let errors_only = run(
        &root(),
        &[
            "inventory",
            "fixtures/inventory/acme-ops",
            "--format",
            "json",
            "--fail-on",
            "error",
        ],
    );
    assert_eq!(errors_only.status.code(), Some(0));
    let missing = run(&root(), &["inventory", "fixtures/inventory/no-such-repo"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(stderr(&missing).lines().count(), 1, "{}", stderr(&missing));
    let bad = run(&root(), &["inventory", "--format", "yaml"]);
    assert_eq!(bad.status.code(), Some(2));
    let empty = tempfile::tempdir().unwrap();
    let none = run(empty.path(), &["inventory"]);
    assert_eq!(none.status.code(), Some(0));
    assert!(
        stdout(&none).starts_with("No Atlassian integration found"),
        "{}",
        stdout(&none)
    );
}

#[test]
fn secrets_and_control_characters_never_reach_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let token = "ATATT3xFfGF0T4JNjAfT8iSzXbQmV1RkLp7wYc2dEh9uOnK6sBgZqIrM3aPvUoWyHtJlDxCe5fGk8NbMsQ=A1B2C3D4";
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        format!(
            "services:\n  jira-sync:\n    image: acme/jira-sync\n    environment:\n      JIRA_API_TOKEN: {token}\n      JIRA_EMAIL: \"{token}\"\n    command: [\"sh\", \"-c\", \"curl -u $JIRA_EMAIL:$JIRA_API_TOKEN https://acme.atlassian.net/rest/api/3/myself\"]\n  \"evil\\u001b[31m\":\n    image: acme/jira\n    environment:\n      JIRA_TOKEN2: \"${{JIRA_TOKEN2}}\"\n"
        ),
    )
    .unwrap();
    for format in ["human", "json", "csv", "markdown"] {
        let out = run(dir.path(), &["inventory", "--format", format]);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        assert!(!all.contains(token), "{format}: {all}");
        assert!(!all.contains("ATATT3xFfGF0T4"), "{format}: {all}");
        assert!(
            !all.contains('\u{1b}'),
            "{format}: escape character in {all}"
        );
        assert!(all.contains("JIRA_API_TOKEN"), "{format}: {all}");
    }
    let doc: Value =
        serde_json::from_slice(&run(dir.path(), &["inventory", "--format", "json"]).stdout)
            .unwrap();
    let e = entry(&doc, "JIRA_API_TOKEN");
    assert_eq!(e["stores"][0], "literal");
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "AT102" || f["rule"] == "AT103")
    );
}

#[test]
fn every_runner_kind_fixture() {
    for repo in [
        "gitlab-jira",
        "jenkins-jira",
        "bitbucket-jira",
        "azure-jira",
        "circleci-jira",
        "helm-chart",
    ] {
        let doc = json(&[&format!("fixtures/inventory/{repo}")]);
        insta::assert_snapshot!(repo, transcript(&doc));
    }
}

#[test]
fn runner_details() {
    // Jenkins: a withCredentials block's code belongs to its binding only.
    let doc = json(&["fixtures/inventory/jenkins-jira"]);
    let bot = entry(&doc, "confluence-bot");
    assert_eq!(bot["calls"].as_array().unwrap().len(), 1);
    assert_eq!(bot["calls"][0]["operation"], "updatePage");
    assert!(
        entry(&doc, "jira-api-token")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "AT109")
    );
    assert!(
        !doc.to_string().contains("jira-legacy"),
        "commented-out stage listed"
    );
    assert!(!doc.to_string().contains("docker-hub"));
    // GitLab: a job that only runs in scheduled pipelines; extends: templates; included files.
    let doc = json(&["fixtures/inventory/gitlab-jira"]);
    let jira = entry(&doc, "JIRA_API_TOKEN");
    assert_eq!(jira["runs_in"][0]["trigger"], "pipeline schedule");
    assert_eq!(jira["identity"]["kind"], "service-account");
    assert!(!doc.to_string().contains("JIRA_LEGACY_TOKEN"));
    assert_eq!(
        entry(&doc, "CONFLUENCE_API_TOKEN")["runs_in"][0]["path"],
        "fixtures/inventory/gitlab-jira/.gitlab/ci/confluence.yml"
    );
    // Azure: secret variables reach scripts through the step's env mapping.
    let doc = json(&["fixtures/inventory/azure-jira"]);
    let jira = entry(&doc, "JiraApiToken");
    assert_eq!(jira["runs_in"][0]["env"], "JIRA_TOKEN");
    assert_eq!(jira["runs_in"][0]["schedule"], "0 3 * * *");
    assert!(!doc.to_string().contains("DockerPassword"));
    // CircleCI: two scheduled workflows running one job are two automations.
    let doc = json(&["fixtures/inventory/circleci-jira"]);
    assert_eq!(
        entry(&doc, "JIRA_API_TOKEN")["runs_in"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(doc["summary"]["shared_credentials"], 1);
    // Bitbucket: a pipe's variables; repository variables read by a script.
    let doc = json(&["fixtures/inventory/bitbucket-jira"]);
    let jira = entry(&doc, "JIRA_API_TOKEN");
    assert_eq!(
        jira["identity"]["value"],
        "bitbucket-bot-4r8t@serviceaccount.atlassian.com"
    );
    assert_eq!(jira["calls"][0]["operation"], "addComment");
    assert!(!doc.to_string().contains("DOCKER_PASSWORD"));
    // Helm: the chart's default values fill the template (secret name, schedule, identity).
    let doc = json(&["fixtures/inventory/helm-chart"]);
    let e = entry(&doc, "jira-reporter/api-token");
    assert_eq!(e["runs_in"][0]["kind"], "helm");
    assert_eq!(e["runs_in"][0]["schedule"], "0 8 * * 1-5");
    assert_eq!(e["identity"]["kind"], "service-account");
}
