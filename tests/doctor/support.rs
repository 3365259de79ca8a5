//! What the doctor tests share: the fixture cloud and service account, one JSON run of
//! `atlcheck doctor`, and the accessors their assertions read.
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const CLOUD: &str = "35273b54-3f06-40d2-880f-dd28cf8daafa";
pub const SA: &str = "jira-sync-x1axxw94zz@serviceaccount.atlassian.com";

/// One `atlcheck doctor --format json` run: its output, the parsed report, how long it took.
pub struct Run {
    pub out: Output,
    pub json: Value,
    pub took: Duration,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.out.status.code().unwrap_or(-1)
    }
    pub fn root(&self) -> &str {
        self.json["root_cause"].as_str().unwrap_or("null")
    }
    pub fn finding(&self, rule: &str) -> &Value {
        self.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} finding in {}", self.json))
    }
    /// The fix of the root cause's finding.
    pub fn fix(&self) -> String {
        self.finding(self.root())["fix"]
            .as_str()
            .unwrap()
            .to_string()
    }
    pub fn check(&self, id: &str) -> &Value {
        self.json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("no check {id} in {}", self.json))
    }
    /// Every evidence record of every check.
    pub fn evidence(&self) -> Vec<&Value> {
        self.json["checks"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|c| c["evidence"].as_array())
                    .flatten()
                    .collect()
            })
            .unwrap_or_default()
    }
    /// Standard output and standard error.
    pub fn text(&self) -> String {
        format!(
            "{}\n--- stderr\n{}",
            String::from_utf8_lossy(&self.out.stdout),
            String::from_utf8_lossy(&self.out.stderr)
        )
    }
    /// Both streams and the report as parsed.
    pub fn all_output(&self) -> String {
        format!("{}{}", self.text(), self.json)
    }
}

/// `atlcheck doctor --format json --no-netrc ARGS` through `connect_to`, with the credential
/// variables of the test's own environment removed, `env` set, and `stdin` written (empty when
/// None). Fails unless standard output is one JSON document.
pub fn doctor_json(
    connect_to: &str,
    env: &[(&str, &str)],
    args: &[&str],
    stdin: Option<&str>,
) -> Run {
    doctor_json_in(&crate::common::root(), connect_to, env, args, stdin)
}

/// [`doctor_json`] run in `dir` (for configuration discovery).
pub fn doctor_json_in(
    dir: &Path,
    connect_to: &str,
    env: &[(&str, &str)],
    args: &[&str],
    stdin: Option<&str>,
) -> Run {
    let mut cmd = crate::common::atlcheck(dir, &[]);
    cmd.args(["doctor", "--format", "json", "--no-netrc"])
        .args(args)
        .env("ATLCHECK_CONNECT_TO", connect_to);
    for v in [
        "ATLASSIAN_EMAIL",
        "ATLASSIAN_API_TOKEN",
        "ATLASSIAN_CLIENT_ID",
        "ATLASSIAN_CLIENT_SECRET",
        "ATLCHECK_NOW",
    ] {
        cmd.env_remove(v);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    {
        let mut sin = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            sin.write_all(s.as_bytes()).unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    let took = start.elapsed();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Run { out, json, took }
}
