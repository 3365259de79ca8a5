//! Where an Atlassian URL points: the site (`https://SITE.atlassian.net/...`) or the API
//! gateway (`https://api.atlassian.com/ex/{jira|confluence}/{cloudId}/...`), which product and
//! which API family. Facts sheet §1.1: the path after the gateway prefix is identical to the
//! site path, `/wiki` included.
use std::fmt;

use crate::catalogue::Code;

pub const GATEWAY_HOST: &str = "api.atlassian.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Product {
    Jira,
    Confluence,
}

impl Product {
    pub fn as_str(self) -> &'static str {
        match self {
            Product::Jira => "jira",
            Product::Confluence => "confluence",
        }
    }
}

impl Product {
    /// `jira` or `confluence`, in any case.
    pub fn parse(word: &str) -> Option<Product> {
        if word.eq_ignore_ascii_case("jira") {
            Some(Product::Jira)
        } else if word.eq_ignore_ascii_case("confluence") {
            Some(Product::Confluence)
        } else {
            None
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The product word of a gateway URL (`/ex/{product}/`): Jira or Confluence, or any other word
/// as written (`/ex/bitbucket/`), which the gateway does not serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayProduct {
    Known(Product),
    Other(String),
}

impl GatewayProduct {
    pub fn parse(word: &str) -> GatewayProduct {
        Product::parse(word).map_or_else(
            || GatewayProduct::Other(word.to_string()),
            GatewayProduct::Known,
        )
    }

    pub fn known(&self) -> Option<Product> {
        match self {
            GatewayProduct::Known(p) => Some(*p),
            GatewayProduct::Other(_) => None,
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            GatewayProduct::Known(p) => p.as_str(),
            GatewayProduct::Other(w) => w,
        }
    }
}

impl fmt::Display for GatewayProduct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The gateway prefix of a URL: `/ex/{product}/{cloud_id}`, the cloud ID as written (judge it
/// with [`Gateway::problems`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gateway {
    pub product: GatewayProduct,
    pub cloud_id: String,
}

impl Gateway {
    /// Split a path `/ex/{product}/{id}{rest}` into the gateway prefix and the rest (which
    /// keeps its query string). `None` when the path does not start with `/ex/`.
    pub fn split(path: &str) -> Option<(Gateway, &str)> {
        let g = split_gateway_path(path)?;
        Some((
            Gateway {
                product: GatewayProduct::parse(g.product),
                cloud_id: g.cloud_id.to_string(),
            },
            g.rest,
        ))
    }

    /// `/ex/{product}/{cloud_id}`.
    pub fn prefix(&self) -> String {
        format!("/ex/{}/{}", self.product, self.cloud_id)
    }

    /// The full URL of `rest` through this prefix.
    pub fn url(&self, rest: &str) -> String {
        self.url_with_cloud_id(&self.cloud_id, rest)
    }

    /// The full URL of `rest` through this product with another cloud ID (the one the site
    /// reports, say).
    pub fn url_with_cloud_id(&self, cloud_id: &str, rest: &str) -> String {
        format!(
            "https://{GATEWAY_HOST}/ex/{}/{cloud_id}{rest}",
            self.product
        )
    }

    /// Everything wrong with this prefix for the path `rest` after it, judged as lint judges
    /// it: a product the gateway does not serve (AT206), a path of the other product or one
    /// without `/wiki` (AT202, [`gateway_product_problem`]), a cloud ID that is not a UUID
    /// (AT203, [`cloud_id_problem`]).
    pub fn problems(&self, rest: &str) -> Vec<Problem> {
        self.problems_documented(rest, None)
    }

    /// [`Gateway::problems`], told which product's API documents the path
    /// ([`gateway_path_problem`]).
    pub fn problems_documented(&self, rest: &str, documented: Option<Product>) -> Vec<Problem> {
        let mut out = Vec::new();
        match &self.product {
            GatewayProduct::Known(p) => out.extend(gateway_path_problem(
                p.as_str(),
                &self.cloud_id,
                rest,
                documented,
            )),
            GatewayProduct::Other(other) => out.push(Problem {
                rule: Code::AT206,
                message: format!("/ex/{other}/ is not a gateway product (jira or confluence)"),
                fix: "use /ex/jira/{cloudId} or /ex/confluence/{cloudId}".to_string(),
            }),
        }
        out.extend(cloud_id_problem(self.product.as_str(), &self.cloud_id));
        out
    }
}

/// Where a URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Surface {
    /// `https://SITE.atlassian.net/...`
    Site { site: String },
    /// `https://api.atlassian.com/ex/{product}/{cloud_id}/...`
    Gateway(Gateway),
    /// Another Atlassian host (`api.atlassian.com/admin/...`, `auth.atlassian.com`).
    OtherAtlassian,
    /// Not an Atlassian host.
    Foreign,
}

impl Surface {
    /// The surface of a URL from its host (as parsed, lower case) and its path as written,
    /// with the path after the gateway prefix (the whole path elsewhere).
    pub fn classify<'p>(host: &str, path: &'p str) -> (Surface, &'p str) {
        if let Some(site) = site_name(host) {
            (
                Surface::Site {
                    site: site.to_string(),
                },
                path,
            )
        } else if host == GATEWAY_HOST {
            match Gateway::split(path) {
                Some((g, rest)) => (Surface::Gateway(g), rest),
                None => (Surface::OtherAtlassian, path),
            }
        } else if is_atlassian_api_host(host) || host.ends_with(".atlassian.com") {
            (Surface::OtherAtlassian, path)
        } else {
            (Surface::Foreign, path)
        }
    }

    /// `site`, `gateway`, `other-atlassian` or `foreign` (the doctor's JSON report).
    pub fn name(&self) -> &'static str {
        match self {
            Surface::Site { .. } => "site",
            Surface::Gateway(_) => "gateway",
            Surface::OtherAtlassian => "other-atlassian",
            Surface::Foreign => "foreign",
        }
    }

    /// The cloud ID of a gateway URL, as written.
    pub fn cloud_id(&self) -> Option<&str> {
        match self {
            Surface::Gateway(g) => Some(&g.cloud_id),
            _ => None,
        }
    }
}

/// The REST API a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiFamily {
    /// `/rest/api/{2,3}/…`
    JiraPlatform,
    /// `/rest/agile/1.0/…`
    JiraSoftware,
    /// `/rest/servicedeskapi/…`
    ServiceManagement,
    /// Any other `/rest/…` route on a Jira site (`/rest/auth`, `/rest/webhooks`, …).
    JiraOther,
    /// `/wiki/rest/api/…`
    ConfluenceV1,
    /// `/wiki/api/v2/…`
    ConfluenceV2,
}

impl ApiFamily {
    pub fn product(self) -> Product {
        match self {
            ApiFamily::ConfluenceV1 | ApiFamily::ConfluenceV2 => Product::Confluence,
            _ => Product::Jira,
        }
    }
}

/// The API family of a path (query string allowed), if it is a REST path.
pub fn api_family(path: &str) -> Option<ApiFamily> {
    let p = path.split(['?', '#']).next().unwrap_or("");
    if p.starts_with("/rest/api/") || p == "/rest/api" {
        Some(ApiFamily::JiraPlatform)
    } else if p.starts_with("/rest/agile/") {
        Some(ApiFamily::JiraSoftware)
    } else if p.starts_with("/rest/servicedeskapi") {
        Some(ApiFamily::ServiceManagement)
    } else if p.starts_with("/wiki/rest/api") {
        Some(ApiFamily::ConfluenceV1)
    } else if p.starts_with("/wiki/api/v2") {
        Some(ApiFamily::ConfluenceV2)
    } else if p.starts_with("/rest/") {
        Some(ApiFamily::JiraOther)
    } else {
        None
    }
}

/// Is `s` a UUID in the 8-4-4-4-12 hex form cloud IDs and organization IDs use?
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The gateway URL for a product, with the cloud ID or a `<cloudId>` placeholder.
pub fn gateway_base(product: Product, cloud_id: Option<&str>) -> String {
    format!(
        "https://{GATEWAY_HOST}/ex/{}/{}",
        product,
        cloud_id.unwrap_or("<cloudId>")
    )
}

/// `api.atlassian.com/ex/{product}/{cloudId}`: the gateway form, in a message.
pub fn gateway_template(product: Product) -> String {
    format!("{GATEWAY_HOST}/ex/{product}/{{cloudId}}")
}

/// The gateway form of a site path: `/rest/api/3/myself` becomes
/// `https://api.atlassian.com/ex/jira/<cloudId>/rest/api/3/myself`. A path that is only a
/// base (empty or `/wiki`) gets the product's base.
pub fn gateway_url_for_site_path(
    path: &str,
    product_hint: Option<Product>,
    cloud_id: Option<&str>,
) -> String {
    let product = api_family(path)
        .map(ApiFamily::product)
        .or_else(|| path.starts_with("/wiki").then_some(Product::Confluence))
        .or(product_hint)
        .unwrap_or(Product::Jira);
    let path = if api_family(path).is_none() {
        path.trim_end_matches('/')
    } else {
        path
    };
    format!("{}{}", gateway_base(product, cloud_id), path)
}

/// The pieces of an `http(s)://host/path` URL atlcheck cares about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    pub scheme: &'a str,
    pub host: &'a str,
    /// The path with the query string, starting with `/` (or empty).
    pub path: &'a str,
}

/// Split a URL into scheme, host and path without allocating. Returns `None` for anything
/// that is not `scheme://host...`.
pub fn split_url(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = host.split(':').next().unwrap_or(host);
    Some(UrlParts {
        scheme,
        host,
        path: &rest[end..],
    })
}

/// The site name of a `*.atlassian.net` host (`acme` for `acme.atlassian.net`).
pub fn site_name(host: &str) -> Option<&str> {
    let lower_ok = host.len() > ".atlassian.net".len()
        && host.to_ascii_lowercase().ends_with(".atlassian.net");
    lower_ok.then(|| &host[..host.len() - ".atlassian.net".len()])
}

/// Is the host one that receives Atlassian credentials (SPEC, security invariants)?
pub fn is_atlassian_api_host(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    h.ends_with(".atlassian.net")
        || h == GATEWAY_HOST
        || h == "auth.atlassian.com"
        || h == "mcp.atlassian.com"
        || h == "api.media.atlassian.com"
}

/// A gateway path `/ex/{product}/{id}{rest}` split into its parts ([`Gateway::split`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct GatewayPath<'a> {
    pub product: &'a str,
    pub cloud_id: &'a str,
    pub rest: &'a str,
}

fn split_gateway_path(path: &str) -> Option<GatewayPath<'_>> {
    let after = path.strip_prefix("/ex/")?;
    let (product, rest) = after.split_once('/').unwrap_or((after, ""));
    let (cloud_id, rest) = match rest.find(['/', '?', '#']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    Some(GatewayPath {
        product,
        cloud_id,
        rest,
    })
}

/// A problem with a URL, judged once for every face: lint and the doctor report the same rule,
/// message and fix for the same URL (`tests/lint/cli.rs`, `lint_and_doctor_judge_urls_alike`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub rule: Code,
    /// What is wrong, without the query string.
    pub message: String,
    /// What to do: `use https://...`.
    pub fix: String,
}

/// Is `path` (after `/ex/{product}/{cloudId}`, or on a site) one of Jira's REST APIs? Jira's
/// platform paths carry a version segment (`/rest/api/2/`, `/rest/api/3/`,
/// `/rest/api/latest/`), Jira Software is `/rest/agile/`, Service Management
/// `/rest/servicedeskapi`. Confluence's v1 paths have none (`/wiki/rest/api/search`,
/// `/wiki/rest/api/content`): `/rest/api/search` without `/wiki` is Confluence's, not Jira's
/// (Atlassian's OpenAPI documents: no Jira path starts `/rest/api/search`).
pub fn is_jira_rest_path(path: &str) -> bool {
    [
        "/rest/api/2/",
        "/rest/api/3/",
        "/rest/api/latest/",
        "/rest/agile/",
        "/rest/servicedeskapi",
    ]
    .iter()
    .any(|p| path.starts_with(p))
}

/// AT202: does the path after `/ex/{product}/{cloud_id}` belong to that product? A Confluence
/// path (`/wiki/...`) under `/ex/jira/`, a Jira path ([`is_jira_rest_path`]) under
/// `/ex/confluence/`, or any other path under `/ex/confluence/` without `/wiki`. `rest` may
/// carry a query string; products other than Jira and Confluence are not judged here.
pub fn gateway_product_problem(product: &str, cloud_id: &str, rest: &str) -> Option<Problem> {
    gateway_path_problem(product, cloud_id, rest, None)
}

/// [`gateway_product_problem`], told which product's API documents the path (`scopes`
/// knows it from Atlassian's OpenAPI specs): a path Confluence documents under `/ex/jira/`
/// (`/rest/api/content`, `/wiki` left out as well) or one Jira documents under
/// `/ex/confluence/` is judged the same way, in the same words.
pub fn gateway_path_problem(
    product: &str,
    cloud_id: &str,
    rest: &str,
    documented: Option<Product>,
) -> Option<Problem> {
    let path = rest.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() || path == "/" {
        return None;
    }
    let gateway = |p: Product, r: &str| format!("use {}{r}", gateway_base(p, Some(cloud_id)));
    let (message, fix) = if product.eq_ignore_ascii_case("jira") {
        if api_family(path).map(ApiFamily::product) == Some(Product::Confluence) {
            (
                format!("Confluence path {path} sent to the Jira gateway /ex/jira/"),
                gateway(Product::Confluence, rest),
            )
        } else if documented == Some(Product::Confluence) {
            (
                format!("Confluence path {path} sent to the Jira gateway /ex/jira/"),
                gateway(Product::Confluence, &format!("/wiki{rest}")),
            )
        } else {
            return None;
        }
    } else if product.eq_ignore_ascii_case("confluence") {
        if is_jira_rest_path(path) || documented == Some(Product::Jira) {
            (
                format!("Jira path {path} sent to the Confluence gateway /ex/confluence/"),
                gateway(Product::Jira, rest),
            )
        } else if !path.starts_with("/wiki") {
            (
                format!(
                    "Confluence gateway path {path} lacks /wiki: the path after /ex/confluence/{{cloudId}} is the site path, /wiki included"
                ),
                gateway(Product::Confluence, &format!("/wiki{rest}")),
            )
        } else {
            return None;
        }
    } else {
        return None;
    };
    Some(Problem {
        rule: Code::AT202,
        message,
        fix,
    })
}

/// AT203: the id after `/ex/{product}/` is not a cloud ID (a UUID): empty, a placeholder left
/// in (`{cloudId}`, `<cloud-id>`, `$CLOUD_ID` that was never expanded, `your-cloud-id`), or
/// anything else that is not a UUID. Lint first sets aside what is a template variable in
/// code; the doctor holds the URL as sent.
pub fn cloud_id_problem(product: &str, id: &str) -> Option<Problem> {
    if is_uuid(id) {
        return None;
    }
    // `/ex/JIRA/` is named `/ex/jira/` by every face.
    let product = GatewayProduct::parse(product);
    let lower = id.to_ascii_lowercase();
    let why = if id.is_empty() {
        "is empty".to_string()
    } else if id.starts_with(['{', '<', '$', ':'])
        || lower.contains("cloud")
        || lower.contains("your")
    {
        format!("`{id}` is a placeholder left in")
    } else {
        format!("`{id}` is not a UUID")
    };
    Some(Problem {
        rule: Code::AT203,
        message: format!("cloud ID after /ex/{product}/ {why}"),
        fix: format!(
            "put the site's cloud ID (a UUID such as 35273b54-3f06-40d2-880f-dd28cf8daafa) after /ex/{product}/; get it with curl https://SITE.atlassian.net/_edge/tenant_info"
        ),
    })
}

/// AT205: a credential-bearing URL to an Atlassian host without TLS (`http://`). `rest` is
/// what follows the host (path and query), as far as the face knows it.
pub fn insecure_scheme_problem(scheme: &str, host: &str, rest: &str) -> Problem {
    Problem {
        rule: Code::AT205,
        message: format!(
            "plain {scheme}:// to {host}: credentials and data would travel unencrypted"
        ),
        fix: format!("use https://{host}{rest}"),
    }
}

/// Where to get a cloud ID instead of an organization ID (AT204).
pub const ORG_ID_FIX: &str = "organization IDs (admin.atlassian.com/o/{orgId}) only serve the admin APIs; use the site's cloud ID, from curl https://SITE.atlassian.net/_edge/tenant_info or admin.atlassian.com/s/{cloudId}";

/// Where an organization ID was learned, for [`org_id_problem`]'s message.
pub const ORG_ID_FROM_CONFIG: &str = "listed in `org-ids` of the configuration";

/// AT204: the id after `/ex/{product}/` is one of the organization IDs known, not a cloud ID.
/// `source` says where they come from ([`ORG_ID_FROM_CONFIG`], or the file lint reads).
pub fn org_id_problem(
    product: &str,
    id: &str,
    org_ids: &[String],
    source: &str,
) -> Option<Problem> {
    if !org_ids.iter().any(|o| o.eq_ignore_ascii_case(id)) {
        return None;
    }
    Some(Problem {
        rule: Code::AT204,
        message: format!(
            "organization ID {id} ({source}) used as the cloud ID after /ex/{}/",
            GatewayProduct::parse(product)
        ),
        fix: ORG_ID_FIX.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families() {
        assert_eq!(
            api_family("/rest/api/3/myself"),
            Some(ApiFamily::JiraPlatform)
        );
        assert_eq!(
            api_family("/rest/agile/1.0/board?x=1"),
            Some(ApiFamily::JiraSoftware)
        );
        assert_eq!(
            api_family("/wiki/api/v2/pages"),
            Some(ApiFamily::ConfluenceV2)
        );
        assert_eq!(
            api_family("/wiki/rest/api/content"),
            Some(ApiFamily::ConfluenceV1)
        );
        assert_eq!(api_family("/browse/ABC-1"), None);
        assert_eq!(api_family("/_edge/tenant_info"), None);
    }

    #[test]
    fn gateway_rewrite() {
        assert_eq!(
            gateway_url_for_site_path("/wiki/api/v2/pages?limit=5", None, None),
            "https://api.atlassian.com/ex/confluence/<cloudId>/wiki/api/v2/pages?limit=5"
        );
        assert_eq!(
            gateway_url_for_site_path("", Some(Product::Confluence), Some("0f3a")),
            "https://api.atlassian.com/ex/confluence/0f3a"
        );
    }

    #[test]
    fn urls() {
        let u = split_url("https://acme.atlassian.net/rest/api/3/issue/A-1?x=1").unwrap();
        assert_eq!(
            (u.scheme, u.host, u.path),
            ("https", "acme.atlassian.net", "/rest/api/3/issue/A-1?x=1")
        );
        assert_eq!(site_name("acme.atlassian.net"), Some("acme"));
        let g =
            split_gateway_path("/ex/jira/35273b54-3f06-40d2-880f-dd28cf8daafa/rest/api/3/myself")
                .unwrap();
        assert_eq!(g.product, "jira");
        assert!(is_uuid(g.cloud_id));
        assert_eq!(g.rest, "/rest/api/3/myself");
        assert!(!is_uuid("35273b54-3f06-40d2-880f-dd28cf8daafk"));
    }

    #[test]
    fn one_surface_for_every_face() {
        const ID: &str = "35273b54-3f06-40d2-880f-dd28cf8daafa";
        let path = format!("/ex/Jira/{ID}/rest/api/3/myself?x=1");
        let (s, rest) = Surface::classify(GATEWAY_HOST, &path);
        let Surface::Gateway(g) = &s else {
            panic!("{s:?}")
        };
        assert_eq!(g.product, GatewayProduct::Known(Product::Jira));
        assert_eq!(rest, "/rest/api/3/myself?x=1");
        assert_eq!(s.name(), "gateway");
        assert_eq!(s.cloud_id(), Some(ID));
        assert_eq!(g.prefix(), format!("/ex/jira/{ID}"));
        assert_eq!(
            g.url_with_cloud_id("x", rest),
            "https://api.atlassian.com/ex/jira/x/rest/api/3/myself?x=1"
        );
        assert_eq!(
            Surface::classify("acme.atlassian.net", "/wiki").0,
            Surface::Site {
                site: "acme".into()
            }
        );
        assert_eq!(
            Surface::classify(GATEWAY_HOST, "/admin/v1/orgs").0,
            Surface::OtherAtlassian
        );
        assert_eq!(
            Surface::classify("auth.atlassian.com", "/oauth/token").0,
            Surface::OtherAtlassian
        );
        assert_eq!(
            Surface::classify("example.com", "/ex/jira/x").0,
            Surface::Foreign
        );
        assert_eq!(
            gateway_template(Product::Confluence),
            "api.atlassian.com/ex/confluence/{cloudId}"
        );
    }

    #[test]
    fn gateway_judgements() {
        const ID: &str = "35273b54-3f06-40d2-880f-dd28cf8daafa";
        let gw = |word: &str, id: &str| Gateway {
            product: GatewayProduct::parse(word),
            cloud_id: id.to_string(),
        };
        let rules = |v: Vec<Problem>| v.into_iter().map(|p| p.rule).collect::<Vec<_>>();
        assert!(gw("jira", ID).problems("/rest/api/3/myself").is_empty());
        assert_eq!(
            rules(gw("bitbucket", "{cloudId}").problems("/2.0/repositories")),
            vec![Code::AT206, Code::AT203]
        );
        let p = &gw("bitbucket", ID).problems("/x")[0];
        assert_eq!(
            p.message,
            "/ex/bitbucket/ is not a gateway product (jira or confluence)"
        );
        // A path only the catalogue knows as Confluence's: judged with that knowledge, and
        // not without it (lint has no catalogue).
        assert!(gw("jira", ID).problems("/rest/api/content").is_empty());
        let p =
            &gw("jira", ID).problems_documented("/rest/api/content", Some(Product::Confluence))[0];
        assert_eq!(p.rule, Code::AT202);
        assert_eq!(
            p.message,
            "Confluence path /rest/api/content sent to the Jira gateway /ex/jira/"
        );
        assert_eq!(
            p.fix,
            format!("use https://api.atlassian.com/ex/confluence/{ID}/wiki/rest/api/content")
        );
        // Knowing it changes nothing where the path already tells.
        for (word, path, documented) in [
            ("confluence", "/rest/api/search", Product::Confluence),
            ("confluence", "/rest/api/3/myself", Product::Jira),
            ("jira", "/wiki/api/v2/pages", Product::Confluence),
            ("jira", "/rest/api/3/myself", Product::Jira),
            ("confluence", "/wiki/api/v2/pages", Product::Confluence),
        ] {
            assert_eq!(
                gw(word, ID).problems(path),
                gw(word, ID).problems_documented(path, Some(documented)),
                "{word} {path}"
            );
        }
    }
}
