//! AT202 gateway-product-mismatch: a Confluence path under `/ex/jira/`, a Jira path under
//! `/ex/confluence/`, or `/ex/confluence/{id}` without `/wiki`.
use crate::lint::{Cx, Hit};
use crate::surface::{self, Product};

fn is_jira_path(rest: &str) -> bool {
    [
        "/rest/api/2/",
        "/rest/api/3/",
        "/rest/api/latest/",
        "/rest/agile/",
        "/rest/servicedeskapi",
    ]
    .iter()
    .any(|p| rest.starts_with(p))
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for caps in cx.pattern("gateway").captures_iter(cx.text) {
        let (Some(whole), Some(product), Some(id)) =
            (caps.name("whole"), caps.name("product"), caps.name("id"))
        else {
            continue;
        };
        let rest = caps.name("rest").map_or("", |m| m.as_str());
        if rest.is_empty() || rest == "/" {
            continue;
        }
        let family = surface::api_family(rest);
        let id = id.as_str();
        let (msg, fixed) = match (product.as_str().to_ascii_lowercase().as_str(), family) {
            ("jira", Some(f)) if f.product() == Product::Confluence => (
                format!("Confluence path {rest} sent to the Jira gateway /ex/jira/"),
                format!("https://api.atlassian.com/ex/confluence/{id}{rest}"),
            ),
            ("confluence", _) if is_jira_path(rest) => (
                format!("Jira path {rest} sent to the Confluence gateway /ex/confluence/"),
                format!("https://api.atlassian.com/ex/jira/{id}{rest}"),
            ),
            ("confluence", _) if !rest.starts_with("/wiki") => (
                format!(
                    "Confluence gateway path {rest} lacks /wiki: the path after /ex/confluence/{{cloudId}} is the site path, /wiki included"
                ),
                format!("https://api.atlassian.com/ex/confluence/{id}/wiki{rest}"),
            ),
            _ => continue,
        };
        out.push(
            Hit::new(whole.range(), msg, format!("{}:{rest}", product.as_str()))
                .fix(format!("use {fixed}")),
        );
    }
}
