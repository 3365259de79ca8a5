//! File kinds: which syntax a file is written in, decided from its name. Rules declare the
//! kinds they apply to in `rules/*.toml` (`files = ["shell", "python"]` or `["*"]`).
use std::path::Path;

/// Suffixes that mark a template or sample of another file: the kind is that of the name
/// without them.
const TEMPLATE_SUFFIXES: &[&str] = &[
    "tpl", "tmpl", "template", "example", "sample", "dist", "j2", "jinja", "jinja2",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Shell,
    Python,
    JavaScript,
    Go,
    Java,
    PowerShell,
    Ruby,
    Php,
    CSharp,
    Rust,
    Yaml,
    Json,
    Toml,
    Env,
    Hcl,
    Ini,
    Xml,
    Markdown,
    Dockerfile,
    Other,
}

impl FileKind {
    pub const ALL: &'static [(FileKind, &'static str)] = &[
        (FileKind::Shell, "shell"),
        (FileKind::Python, "python"),
        (FileKind::JavaScript, "javascript"),
        (FileKind::Go, "go"),
        (FileKind::Java, "java"),
        (FileKind::PowerShell, "powershell"),
        (FileKind::Ruby, "ruby"),
        (FileKind::Php, "php"),
        (FileKind::CSharp, "csharp"),
        (FileKind::Rust, "rust"),
        (FileKind::Yaml, "yaml"),
        (FileKind::Json, "json"),
        (FileKind::Toml, "toml"),
        (FileKind::Env, "env"),
        (FileKind::Hcl, "hcl"),
        (FileKind::Ini, "ini"),
        (FileKind::Xml, "xml"),
        (FileKind::Markdown, "markdown"),
        (FileKind::Dockerfile, "dockerfile"),
        (FileKind::Other, "other"),
    ];

    pub fn name(self) -> &'static str {
        FileKind::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .unwrap_or("other")
    }

    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::ALL
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(k, _)| *k)
    }

    /// Key/value configuration files, where `KEY=value` / `key: value` lines carry settings.
    pub fn is_config(self) -> bool {
        matches!(
            self,
            FileKind::Env
                | FileKind::Yaml
                | FileKind::Hcl
                | FileKind::Ini
                | FileKind::Toml
                | FileKind::Json
        )
    }

    /// Decide the kind from a path; `first_line` lets a shebang decide extension-less scripts.
    pub fn detect(path: &Path, first_line: &str) -> FileKind {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if name == ".env"
            || name.starts_with(".env.")
            || name.ends_with(".env")
            || name == ".envrc"
            || name == "env"
        {
            return FileKind::Env;
        }
        if name == "dockerfile"
            || name.starts_with("dockerfile.")
            || name.ends_with(".dockerfile")
            || name == "containerfile"
        {
            return FileKind::Dockerfile;
        }
        if name == "makefile" || name == "jenkinsfile" || name == "justfile" {
            return FileKind::Shell;
        }
        // A template or sample of a config file (`application.conf.tpl`, `jira.ini.example`,
        // `settings.yml.dist`) is read as the format it becomes.
        if let Some((stem, ext)) = name.rsplit_once('.')
            && TEMPLATE_SUFFIXES.contains(&ext)
            && stem.contains('.')
        {
            return FileKind::detect(Path::new(stem), first_line);
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "sh" | "bash" | "zsh" | "ksh" | "fish" | "command" | "mk" | "cmd" | "bat" => {
                FileKind::Shell
            }
            "py" | "pyw" | "ipynb" => FileKind::Python,
            "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "vue" | "svelte" => {
                FileKind::JavaScript
            }
            "go" => FileKind::Go,
            "java" | "kt" | "kts" | "groovy" | "gradle" | "scala" => FileKind::Java,
            "ps1" | "psm1" | "psd1" => FileKind::PowerShell,
            "rb" | "rake" => FileKind::Ruby,
            "php" => FileKind::Php,
            "cs" | "csx" => FileKind::CSharp,
            "rs" => FileKind::Rust,
            "yml" | "yaml" => FileKind::Yaml,
            "json" | "jsonc" | "json5" => FileKind::Json,
            "toml" => FileKind::Toml,
            "tf" | "tfvars" | "hcl" | "nomad" => FileKind::Hcl,
            "ini" | "cfg" | "conf" | "hocon" | "properties" | "netrc" => FileKind::Ini,
            "xml" | "config" | "csproj" | "pom" => FileKind::Xml,
            "md" | "markdown" | "mdx" | "rst" | "txt" | "adoc" => FileKind::Markdown,
            _ => {
                if let Some(shebang) = first_line.strip_prefix("#!") {
                    if shebang.contains("python") {
                        FileKind::Python
                    } else if shebang.contains("node") || shebang.contains("deno") {
                        FileKind::JavaScript
                    } else if shebang.contains("pwsh") || shebang.contains("powershell") {
                        FileKind::PowerShell
                    } else if shebang.contains("ruby") {
                        FileKind::Ruby
                    } else {
                        FileKind::Shell
                    }
                } else {
                    FileKind::Other
                }
            }
        }
    }
}

/// Does the file's name say it is about Jira, Confluence or Atlassian: the name itself
/// (`jira.yml`, `confluence.properties`, `AtlassianClient.cs`) or a client's own dot-directory
/// it sits in (go-jira's `.jira.d/config.yml`, jira-cli's `.jira/.config.yml`)? Other parent
/// directories are not read: a checkout's folder names say nothing about one file.
pub fn names_product(path: &str) -> bool {
    let mut parts = path.rsplit(['/', '\\']);
    let name = parts.next().unwrap_or("");
    let dir = parts.next().unwrap_or("");
    // Case-insensitive, without an allocation: asked of every file without a keyword.
    let names = |s: &str| {
        ["jira", "confluence", "atlassian"].iter().any(|w| {
            s.as_bytes()
                .windows(w.len())
                .any(|win| win.eq_ignore_ascii_case(w.as_bytes()))
        })
    };
    names(name) || dir.starts_with('.') && names(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_names() {
        for p in [
            "jira.yml",
            "config/confluence.properties",
            "src/AtlassianClient.cs",
            "home/.jira.d/config.yml",
            ".config/.jira/.config.yml",
        ] {
            assert!(names_product(p), "{p}");
        }
        for p in [
            "config.yml",
            "jira-sync/config.yml",
            "docs/README.md",
            "src/main.rs",
        ] {
            assert!(!names_product(p), "{p}");
        }
    }

    #[test]
    fn detects() {
        assert_eq!(
            FileKind::detect(Path::new(".env.production"), ""),
            FileKind::Env
        );
        assert_eq!(
            FileKind::detect(Path::new(".github/workflows/ci.yml"), ""),
            FileKind::Yaml
        );
        assert_eq!(FileKind::detect(Path::new("main.tf"), ""), FileKind::Hcl);
        assert_eq!(
            FileKind::detect(Path::new("sync"), "#!/usr/bin/env python3"),
            FileKind::Python
        );
        assert_eq!(
            FileKind::detect(Path::new("sync"), "#!/bin/bash"),
            FileKind::Shell
        );
        assert_eq!(
            FileKind::detect(Path::new("a.ps1"), ""),
            FileKind::PowerShell
        );
        assert_eq!(
            FileKind::detect(Path::new("conf/application.conf.tpl"), ""),
            FileKind::Ini
        );
        assert_eq!(
            FileKind::detect(Path::new("settings.yml.dist"), ""),
            FileKind::Yaml
        );
        assert_eq!(
            FileKind::detect(Path::new("jira.properties.example"), ""),
            FileKind::Ini
        );
        assert_eq!(
            FileKind::detect(Path::new("README.template"), ""),
            FileKind::Other
        );
    }
}
