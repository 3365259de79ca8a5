//! Kubernetes manifests (any YAML document with `apiVersion` and a workload `kind`): one unit
//! per container of a CronJob (`spec.schedule`; kind `kubernetes-cronjob`), Job, Deployment,
//! StatefulSet, DaemonSet or Pod (kind `kubernetes`), or of a Helm chart template (kind
//! `helm`). Credentials: `env[].valueFrom.secretKeyRef` (stored as `secret/key`), and
//! `envFrom[].secretRef` (the keys the container's code reads). The container's `command`
//! and `args` are its code; an image named after Jira or Confluence marks it as Atlassian.
use std::sync::OnceLock;

use regex::Regex;

use super::yaml::{self, Node};
use super::{CredRef, RunnerKind, Snippet, Tree, Unit};

#[allow(non_snake_case)]
pub fn kind_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        crate::pattern::compile(
            r"(?m)^kind:\s*[\x22']?(?:CronJob|Job|Deployment|StatefulSet|DaemonSet|Pod)\b",
        )
        .expect("valid kind regex")
    })
}

pub fn units(path: &str, text: &str, tree: &Tree) -> Vec<Unit> {
    let helm = text.contains("{{") && (path.contains("templates/") || has_chart(tree, path));
    let rendered;
    let text = if helm {
        rendered = render(text, &chart_values(tree, path));
        rendered.as_str()
    } else {
        text
    };
    let mut out = Vec::new();
    for doc in yaml::parse(text) {
        let Some(kind) = doc.str("kind") else {
            continue;
        };
        let name = doc.path("metadata.name").map_or("", |n| n.value.as_str());
        let (pod, schedule) = match kind {
            "CronJob" => (
                doc.path("spec.jobTemplate.spec.template.spec"),
                doc.path("spec.schedule").map(|s| s.value.clone()),
            ),
            "Job" | "Deployment" | "StatefulSet" | "DaemonSet" => {
                (doc.path("spec.template.spec"), None)
            }
            "Pod" => (doc.get("spec"), None),
            _ => continue,
        };
        let Some(pod) = pod else { continue };
        let runner = if helm {
            RunnerKind::Helm
        } else if kind == "CronJob" {
            RunnerKind::KubernetesCronjob
        } else {
            RunnerKind::Kubernetes
        };
        let containers: Vec<&Node> = ["initContainers", "containers"]
            .iter()
            .filter_map(|k| pod.get(k))
            .flat_map(|c| c.items())
            .collect();
        for c in containers {
            let cname = c.str("name").unwrap_or("container");
            let mut u = Unit::new(runner, path, doc.get("kind").map_or(1, |k| k.line));
            u.runs_in.job = Some(format!("{kind}/{name} {cname}"));
            u.runs_in.schedule = schedule.clone();
            u.automation = format!("{path}#{kind}/{name}");
            u.store = if helm {
                "helm-values"
            } else {
                "kubernetes-secret"
            }
            .to_string();
            for e in c
                .get("env")
                .map(|e| e.items().collect::<Vec<_>>())
                .unwrap_or_default()
            {
                let Some(var) = e.str("name") else { continue };
                if let Some(r) = e.path("valueFrom.secretKeyRef") {
                    let secret = r.str("name").unwrap_or("?");
                    let key = r.str("key").unwrap_or(var);
                    u.creds.push(CredRef {
                        name: format!("{secret}/{key}"),
                        store: "kubernetes-secret".to_string(),
                        alias: Some(var.to_string()),
                        line: e.line,
                        known_secret: true,
                        inherited: false,
                    });
                    u.env.push(super::EnvVar {
                        name: var.to_string(),
                        value: format!("secret {secret}/{key}"),
                        line: e.line,
                        path: None,
                    });
                } else if let Some(v) = e.get("value") {
                    u.add_env(var, &v.value, e.line, "helm-values", false);
                } else if let Some(r) = e.path("valueFrom.configMapKeyRef") {
                    u.env.push(super::EnvVar {
                        name: var.to_string(),
                        value: format!("configmap {}", r.str("name").unwrap_or("?")),
                        line: e.line,
                        path: None,
                    });
                }
            }
            let from_secrets: Vec<String> = c
                .get("envFrom")
                .map(|e| {
                    e.items()
                        .filter_map(|i| i.path("secretRef.name").map(|n| n.value.clone()))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(s) = from_secrets.first() {
                // `envFrom` hands every key of the secret to the container.
                u.store = format!("kubernetes-secret {s} (envFrom)");
                u.implicit_env = true;
            }
            for key in ["command", "args"] {
                if let Some(n) = c.get(key) {
                    let parts: Vec<String> = n.values().iter().map(|v| v.value.clone()).collect();
                    u.snippets.push(Snippet {
                        path: path.to_string(),
                        line: n.line,
                        text: parts.join(" "),
                    });
                }
            }
            if let Some(image) = c.str("image") {
                u.hint |= super::text::mentions_atlassian(image);
            }
            u.hint |= super::text::mentions_atlassian(name);
            u.base_dir = String::new();
            out.push(u);
        }
    }
    out
}

/// The chart's `values.yaml` (the folder holding `Chart.yaml` above the template).
fn chart_values(tree: &Tree, path: &str) -> Option<Node> {
    let mut dir = super::parent(path);
    loop {
        let join = |f: &str| {
            if dir.is_empty() {
                f.to_string()
            } else {
                format!("{dir}/{f}")
            }
        };
        if tree.paths.contains(&join("Chart.yaml")) {
            return tree
                .load(&join("values.yaml"))
                .and_then(|t| yaml::parse(&t).into_iter().next());
        }
        if dir.is_empty() {
            return None;
        }
        dir = super::parent(dir);
    }
}

/// Render the simple parts of a Helm template: `{{ .Values.a.b }}` (and `| quote`) from the
/// chart's default values; a line that is only a template action (`{{- if ... }}`,
/// `{{- end }}`) is blanked, keeping line numbers. Anything else stays as written.
fn render(text: &str, values: &Option<Node>) -> String {
    static EXPR: OnceLock<Regex> = OnceLock::new();
    let expr = EXPR.get_or_init(|| {
        crate::pattern::compile(r"\{\{-?\s*\.Values\.([A-Za-z_][\w.]*)\s*(\|\s*quote\s*)?-?\}\}")
            .expect("valid helm regex")
    });
    text.split('\n')
        .map(|line| {
            let t = line.trim();
            if t.starts_with("{{") && t.ends_with("}}") && !t.contains(':') {
                return String::new();
            }
            expr.replace_all(line, |c: &regex::Captures<'_>| {
                match values
                    .as_ref()
                    .and_then(|v| v.path(&c[1]))
                    .filter(|n| n.children.is_empty())
                {
                    Some(n) if c.get(2).is_some() => format!("\"{}\"", n.value),
                    Some(n) => n.value.clone(),
                    None => format!("values.{}", &c[1]),
                }
            })
            .into_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn has_chart(tree: &Tree, path: &str) -> bool {
    let mut dir = super::parent(path);
    loop {
        let chart = if dir.is_empty() {
            "Chart.yaml".to_string()
        } else {
            format!("{dir}/Chart.yaml")
        };
        if tree.paths.contains(&chart) {
            return true;
        }
        if dir.is_empty() {
            return false;
        }
        dir = super::parent(dir);
    }
}
