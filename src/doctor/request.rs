//! The failing request: method and URL, from the command line or a pasted curl command.
use crate::secret::Secret;
use crate::surface::{self, Product};

/// Where a URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Surface {
    /// `https://SITE.atlassian.net/...`
    Site { site: String },
    /// `https://api.atlassian.com/ex/{product}/{cloud_id}/...`
    Gateway { product: String, cloud_id: String },
    /// Another Atlassian host (`api.atlassian.com/admin/...`, `auth.atlassian.com`).
    OtherAtlassian,
    /// Not an Atlassian host.
    Foreign,
}

/// The request under diagnosis.
#[derive(Debug, Clone)]
pub struct Target {
    pub method: String,
    /// The URL exactly as given.
    pub raw: String,
    /// The URL as atlcheck will use it (surrounding whitespace removed).
    pub url: String,
    pub scheme: String,
    pub host: String,
    /// Path and query after the host; for a gateway URL, after `/ex/{product}/{id}`.
    pub path: String,
    pub surface: Surface,
}

impl Target {
    pub fn parse(method: &str, raw: &str) -> Result<Target, String> {
        let url = raw.trim().to_string();
        let with_scheme = if url.contains("://") {
            url.clone()
        } else {
            format!("https://{url}")
        };
        let parts =
            surface::split_url(&with_scheme).ok_or_else(|| format!("`{raw}` is not a URL"))?;
        if parts.host.is_empty() {
            return Err(format!("`{raw}` has no host"));
        }
        let host = parts.host.to_ascii_lowercase();
        let (surface, path) = if let Some(site) = surface::site_name(&host) {
            (
                Surface::Site {
                    site: site.to_string(),
                },
                parts.path.to_string(),
            )
        } else if host == surface::GATEWAY_HOST {
            match surface::split_gateway_path(parts.path) {
                Some(g) => (
                    Surface::Gateway {
                        product: g.product.to_ascii_lowercase(),
                        cloud_id: g.cloud_id.to_string(),
                    },
                    g.rest.to_string(),
                ),
                None => (Surface::OtherAtlassian, parts.path.to_string()),
            }
        } else if surface::is_atlassian_api_host(&host) || host.ends_with(".atlassian.com") {
            (Surface::OtherAtlassian, parts.path.to_string())
        } else {
            (Surface::Foreign, parts.path.to_string())
        };
        Ok(Target {
            method: method.to_ascii_uppercase(),
            raw: raw.to_string(),
            url: with_scheme.clone(),
            scheme: parts.scheme.to_ascii_lowercase(),
            host,
            path,
            surface,
        })
    }

    /// The product the path belongs to (from the API family, else the gateway product).
    pub fn product(&self) -> Option<Product> {
        surface::api_family(&self.path)
            .map(surface::ApiFamily::product)
            .or(match &self.surface {
                Surface::Gateway { product, .. } if product == "confluence" => {
                    Some(Product::Confluence)
                }
                Surface::Gateway { product, .. } if product == "jira" => Some(Product::Jira),
                _ => None,
            })
    }

    pub fn path_only(&self) -> &str {
        self.path.split(['?', '#']).next().unwrap_or("")
    }

    /// A Jira project key from the path or query (`/issue/OPS-12`, `/project/OPS`,
    /// `projectKey=OPS`, `jql=project=OPS`), with the issue key when there is one.
    pub fn jira_keys(&self) -> (Option<String>, Option<String>) {
        let path = self.path_only();
        let segs: Vec<&str> = path.split('/').collect();
        for w in segs.windows(2) {
            if w[0] == "issue" && is_issue_key(w[1]) {
                let project = w[1].split('-').next().unwrap_or("").to_string();
                return (Some(project), Some(w[1].to_string()));
            }
            if w[0] == "project" && is_project_key(w[1]) {
                return (Some(w[1].to_string()), None);
            }
        }
        let query = self.path.split_once('?').map_or("", |(_, q)| q);
        for pair in query.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v);
            if (k == "projectKey" || k == "projectKeyOrId" || k == "project") && is_project_key(&v)
            {
                return (Some(v), None);
            }
            if k == "issueKey" && is_issue_key(&v) {
                return (Some(v.split('-').next().unwrap_or("").to_string()), Some(v));
            }
            if k == "jql" {
                let lower = v.to_ascii_lowercase();
                if let Some(i) = lower.find("project") {
                    let rest = v[i + 7..]
                        .trim_start()
                        .trim_start_matches(['=', ' '])
                        .trim_start_matches(['"', '\'']);
                    let key: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if is_project_key(&key) {
                        return (Some(key), None);
                    }
                }
            }
        }
        (None, None)
    }

    /// A Confluence space key from the path or query (`/space/ENG`, `spaceKey=ENG`, `keys=ENG`).
    pub fn space_key(&self) -> Option<String> {
        let path = self.path_only();
        let segs: Vec<&str> = path.split('/').collect();
        for w in segs.windows(2) {
            if w[0] == "space"
                && !w[1].is_empty()
                && w[1].chars().all(|c| c.is_ascii_alphanumeric() || c == '~')
            {
                return Some(w[1].to_string());
            }
        }
        let query = self.path.split_once('?').map_or("", |(_, q)| q);
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (matches!(k, "spaceKey" | "keys" | "space-key") && !v.is_empty())
                .then(|| percent_decode(v))
        })
    }
}

fn is_project_key(s: &str) -> bool {
    s.len() >= 2
        && s.len() <= 20
        && s.starts_with(|c: char| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn is_issue_key(s: &str) -> bool {
    s.split_once('-').is_some_and(|(p, n)| {
        is_project_key(p) && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a pasted curl command line says.
#[derive(Debug, Default)]
pub struct CurlCommand {
    pub method: Option<String>,
    pub url: Option<String>,
    /// `-u user:password`
    pub user: Option<(String, Secret)>,
    /// `-H 'Authorization: …'`
    pub authorization: Option<Secret>,
}

/// Split a command line the way a POSIX shell would for the common cases: quotes, escapes,
/// line continuations.
pub fn shell_words(s: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unterminated ' quote in the curl command".to_string()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some('\n') => {}
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => {
                                return Err("unterminated \" quote in the curl command".to_string());
                            }
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unterminated \" quote in the curl command".to_string()),
                    }
                }
            }
            '\\' => match chars.next() {
                Some('\n') | Some('\r') => {}
                Some(x) => {
                    in_word = true;
                    cur.push(x);
                }
                None => {}
            },
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// curl options that take a value (so the value is not mistaken for the URL).
const WITH_VALUE: &[&str] = &[
    "-o",
    "--output",
    "-A",
    "--user-agent",
    "-e",
    "--referer",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-w",
    "--write-out",
    "-x",
    "--proxy",
    "-F",
    "--form",
    "--data-urlencode",
    "-T",
    "--upload-file",
    "--retry",
    "-K",
    "--config",
    "--cacert",
    "--cert",
    "--key",
    "-r",
    "--range",
    "--resolve",
    "--connect-to",
    "-U",
    "--proxy-user",
    "--oauth2-bearer",
];

/// Parse `curl ARGS...` (the `curl` word itself optional). A single argument holding the whole
/// command line is split first.
pub fn parse_curl(args: &[String]) -> Result<CurlCommand, String> {
    let mut words: Vec<String> = if args.len() == 1 {
        shell_words(&args[0])?
    } else {
        args.to_vec()
    };
    if words
        .first()
        .is_some_and(|w| w == "curl" || w.ends_with("/curl"))
    {
        words.remove(0);
    }
    let mut cmd = CurlCommand::default();
    let mut has_data = false;
    let mut get = false;
    let mut head = false;
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        let value = |i: &mut usize, flag: &str| -> Result<String, String> {
            if w.len() > flag.len() && !flag.starts_with("--") {
                return Ok(w[flag.len()..].to_string());
            }
            if let Some(v) = w.strip_prefix(&format!("{flag}=")) {
                return Ok(v.to_string());
            }
            *i += 1;
            words
                .get(*i)
                .cloned()
                .ok_or_else(|| format!("curl option {flag} needs a value"))
        };
        if w == "-X" || w.starts_with("-X") || w == "--request" || w.starts_with("--request=") {
            let flag = if w.starts_with("--") {
                "--request"
            } else {
                "-X"
            };
            cmd.method = Some(value(&mut i, flag)?.to_ascii_uppercase());
        } else if w == "-u"
            || (w.starts_with("-u") && !w.starts_with("--"))
            || w == "--user"
            || w.starts_with("--user=")
        {
            let flag = if w.starts_with("--") { "--user" } else { "-u" };
            let v = value(&mut i, flag)?;
            let (user, pass) = v.split_once(':').unwrap_or((v.as_str(), ""));
            cmd.user = Some((user.to_string(), Secret::new(pass)));
        } else if w == "-H"
            || (w.starts_with("-H") && !w.starts_with("--"))
            || w == "--header"
            || w.starts_with("--header=")
        {
            let flag = if w.starts_with("--") {
                "--header"
            } else {
                "-H"
            };
            let v = value(&mut i, flag)?;
            if let Some((name, val)) = v.split_once(':')
                && name.trim().eq_ignore_ascii_case("authorization")
            {
                cmd.authorization = Some(Secret::new(val.trim_start()));
            }
        } else if w == "--url" || w.starts_with("--url=") {
            cmd.url = Some(value(&mut i, "--url")?);
        } else if matches!(
            w,
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" | "--json"
        ) || w.starts_with("--data")
            || (w.starts_with("-d") && w.len() > 2)
        {
            has_data = true;
            if !w.contains('=') && (w == "-d" || w.starts_with("--")) {
                i += 1;
            }
        } else if w == "-G" || w == "--get" {
            get = true;
        } else if w == "-I" || w == "--head" {
            head = true;
        } else if WITH_VALUE.contains(&w) {
            i += 1;
        } else if !w.starts_with('-') && cmd.url.is_none() {
            cmd.url = Some(w.to_string());
        }
        i += 1;
    }
    if cmd.method.is_none() {
        cmd.method = Some(
            if head {
                "HEAD"
            } else if has_data && !get {
                "POST"
            } else {
                "GET"
            }
            .to_string(),
        );
    }
    if cmd.url.is_none() {
        return Err("the curl command has no URL".to_string());
    }
    Ok(cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_site_and_gateway() {
        let t = Target::parse(
            "get",
            " https://acme.atlassian.net/rest/api/3/issue/OPS-12?fields=summary ",
        )
        .unwrap();
        assert_eq!(
            t.surface,
            Surface::Site {
                site: "acme".into()
            }
        );
        assert_eq!(t.method, "GET");
        assert_eq!(t.jira_keys(), (Some("OPS".into()), Some("OPS-12".into())));
        let g = Target::parse("GET", "https://api.atlassian.com/ex/confluence/35273b54-3f06-40d2-880f-dd28cf8daafa/wiki/rest/api/space/ENG").unwrap();
        assert_eq!(
            g.surface,
            Surface::Gateway {
                product: "confluence".into(),
                cloud_id: "35273b54-3f06-40d2-880f-dd28cf8daafa".into()
            }
        );
        assert_eq!(g.path, "/wiki/rest/api/space/ENG");
        assert_eq!(g.space_key(), Some("ENG".into()));
        let j = Target::parse(
            "GET",
            "https://acme.atlassian.net/rest/api/3/search/jql?jql=project%20%3D%20OPS",
        )
        .unwrap();
        assert_eq!(j.jira_keys().0, Some("OPS".into()));
    }

    #[test]
    fn parses_curl() {
        let c = parse_curl(&["curl -s -X POST -u 'jane@acme.com:tok en' \\\n -H \"Authorization: Basic abc=\" https://acme.atlassian.net/rest/api/3/issue -d '{}'".to_string()]).unwrap();
        assert_eq!(c.method.as_deref(), Some("POST"));
        assert_eq!(
            c.url.as_deref(),
            Some("https://acme.atlassian.net/rest/api/3/issue")
        );
        assert_eq!(c.user.as_ref().unwrap().0, "jane@acme.com");
        assert_eq!(c.user.as_ref().unwrap().1.expose(), "tok en");
        assert_eq!(c.authorization.as_ref().unwrap().expose(), "Basic abc=");
        let d = parse_curl(&[
            "curl".into(),
            "--data".into(),
            "x".into(),
            "--url=https://a.atlassian.net/x".into(),
        ])
        .unwrap();
        assert_eq!(d.method.as_deref(), Some("POST"));
        assert_eq!(d.url.as_deref(), Some("https://a.atlassian.net/x"));
        assert!(parse_curl(&["curl -u x:y".into()]).is_err());
        assert!(parse_curl(&["curl 'unterminated".into()]).is_err());
    }
}
