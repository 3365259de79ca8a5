//! AT202 gateway-product-mismatch: a Confluence path under `/ex/jira/`, a Jira path under
//! `/ex/confluence/`, or `/ex/confluence/{id}` without `/wiki`.
use crate::lint::{Cx, Hit};
use crate::surface;

/// The message and the fix when `rest` does not belong under `/ex/{product}/`: the doctor
/// judges the same way ([`surface::gateway_product_problem`]).
fn judge(product: &str, id: &str, rest: &str) -> Option<(String, String)> {
    surface::gateway_product_problem(product, id, rest).map(|p| (p.message, p.fix))
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    for caps in cx.pattern("gateway").captures_iter(cx.text) {
        let (Some(whole), Some(product), Some(id)) =
            (caps.name("whole"), caps.name("product"), caps.name("id"))
        else {
            continue;
        };
        let mut rest = caps.name("rest").map_or("", |m| m.as_str());
        let mut id = id.as_str();
        // `".../ex/confluence/" + cloudId + "/rest/api/3"`: the cloud ID joined in code, the
        // path after it.
        if id.is_empty()
            && rest.is_empty()
            && let Some(c) = cx.pattern("joined-id").captures(&cx.text[whole.end()..])
            && let Some(r) = c.name("rest")
        {
            rest = r.as_str();
            id = "{cloudId}";
        }
        if let Some((msg, fixed)) = judge(product.as_str(), id, rest) {
            out.push(
                Hit::new(whole.range(), msg, format!("{}:{rest}", product.as_str())).fix(fixed),
            );
        }
    }
    // A gateway base kept in a variable, and the paths appended to it later:
    // `BASE=".../ex/confluence/$CLOUD_ID"` ... `"$BASE/rest/api/content"`.
    // Each variable is searched for once, and at most 64 of them (see AT201).
    let mut searched = std::collections::HashSet::new();
    for caps in cx.pattern("base-var").captures_iter(cx.text) {
        let (Some(var), Some(product), Some(id)) =
            (caps.name("var"), caps.name("product"), caps.name("id"))
        else {
            continue;
        };
        if searched.len() >= 64 || !searched.insert((var.as_str(), product.as_str(), id.as_str())) {
            continue;
        }
        let uses = format!(
            r#"(?:\$\{{|\$|\{{|\b){}\}}?(?:["'`]?\s*\+\s*["'`])?(?P<rest>/[^\s"'`<>)\]\\|,;]*)"#,
            regex::escape(var.as_str())
        );
        let Some(re) = crate::lint::built_pattern(uses) else {
            continue;
        };
        for u in re.captures_iter(cx.text) {
            let Some(rest) = u.name("rest") else { continue };
            if let Some((msg, fixed)) = judge(product.as_str(), id.as_str(), rest.as_str()) {
                out.push(
                    Hit::new(
                        u.get(0).map_or(rest.range(), |m| m.range()),
                        format!("{msg} (through `{}`)", var.as_str()),
                        format!("{}:{}:{}", var.as_str(), product.as_str(), rest.as_str()),
                    )
                    .fix(fixed),
                );
            }
        }
    }
}
