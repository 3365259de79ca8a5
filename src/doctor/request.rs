//! The failing request: method and URL, from the command line or a pasted curl command.
/// The curl reader moved to [`super::curl`]; kept here for existing callers (fuzz harness).
pub use super::curl::{CurlCommand, parse_curl, shell_words};
use crate::secret::Secret;
/// Where a URL points: the domain's one type, named here for the doctor's modules.
pub use crate::surface::Surface;
use crate::surface::{self, Product};

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
    /// `user:secret@` from the URL (curl accepts it): read as the credential, never sent in a URL.
    pub userinfo: Option<(String, Secret)>,
}

impl Target {
    /// Parse the URL once, the WHATWG way ([`crate::destination::parse`], the parser the HTTP
    /// client uses): the host classified here is the host a probe connects to. A URL without a
    /// scheme gets `https://`; a backslash in the host part is refused; `user:secret@` is taken
    /// out of the URL into [`Target::userinfo`].
    pub fn parse(method: &str, raw: &str) -> Result<Target, String> {
        let trimmed = raw.trim();
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let parsed = crate::destination::parse(&with_scheme)?;
        let userinfo =
            crate::destination::userinfo(&parsed).map(|(user, secret)| (user, Secret::new(secret)));
        let parsed = crate::destination::without_userinfo(&parsed);
        let host = crate::destination::host(&parsed);
        // The path as written (the parser percent-encodes `{cloudId}`, which must stay
        // readable and be judged as lint judges it); the host is the parsed one.
        let full_path = raw_path(&with_scheme);
        let (surface, path) = Surface::classify(&host, &full_path);
        let path = path.to_string();
        let mut url = parsed.to_string();
        // `Url` writes `https://host/` for a bare host; keep what was given.
        if parsed.path() == "/" && parsed.query().is_none() && !trimmed.ends_with('/') {
            url.pop();
        }
        Ok(Target {
            method: method.to_ascii_uppercase(),
            raw: if userinfo.is_some() {
                crate::secret::redact_text(raw)
            } else {
                raw.to_string()
            },
            url,
            scheme: parsed.scheme().to_string(),
            host,
            path,
            surface,
            userinfo,
        })
    }

    /// The product the path belongs to (from the API family, else the gateway product).
    pub fn product(&self) -> Option<Product> {
        surface::api_family(&self.path)
            .map(surface::ApiFamily::product)
            .or(match &self.surface {
                Surface::Gateway(g) => g.product.known(),
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
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            let v = v.into_owned();
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
        form_urlencoded::parse(query.as_bytes()).find_map(|(k, v)| {
            (matches!(k.as_ref(), "spaceKey" | "keys" | "space-key") && !v.is_empty())
                .then(|| v.into_owned())
        })
    }
}

/// Path and query of `scheme://authority/path?query#fragment` as written (no fragment).
fn raw_path(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let start = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let path = &rest[start..];
    path.split('#').next().unwrap_or("").to_string()
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
            Surface::Gateway(surface::Gateway {
                product: surface::GatewayProduct::Known(Product::Confluence),
                cloud_id: "35273b54-3f06-40d2-880f-dd28cf8daafa".into()
            })
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
}
