//! AT204 org-id-as-cloud-id: the id in `/ex/{product}/{id}` (or a cloud ID setting) is an
//! organization ID: one from an `admin.atlassian.com/o/{orgId}` URL in the same file, one
//! assigned to an org-ID key, one listed in `org-ids` in the configuration, or a variable
//! named like an organization ID.
use crate::lint::{Cx, Hit};
use crate::surface;

use surface::ORG_ID_FIX as FIX;

fn org_ids(cx: &Cx<'_>) -> Vec<String> {
    let mut ids: Vec<String> = cx.config.org_ids.clone();
    for id in ["admin-org", "org-key"] {
        for caps in cx.pattern(id).captures_iter(cx.text) {
            if let Some(m) = caps.name("id") {
                ids.push(m.as_str().to_ascii_lowercase());
            }
        }
    }
    ids
}

pub fn check(cx: &Cx<'_>, out: &mut Vec<Hit>) {
    let orgs = org_ids(cx);
    let org_var = cx.pattern("org-variable");
    for caps in cx.pattern("gateway").captures_iter(cx.text) {
        let (Some(product), Some(idm)) = (caps.name("product"), caps.name("id")) else {
            continue;
        };
        let id = idm.as_str();
        // The doctor's judgement and words (surface::org_id_problem).
        let source = if cx.config.org_ids.iter().any(|o| o.eq_ignore_ascii_case(id)) {
            surface::ORG_ID_FROM_CONFIG
        } else {
            "from this file's admin.atlassian.com/o/ URL or org-ID setting"
        };
        if let Some(p) = surface::is_uuid(id)
            .then(|| surface::org_id_problem(product.as_str(), id, &orgs, source))
            .flatten()
        {
            out.push(Hit::new(idm.range(), p.message, format!("org:{id}")).fix(p.fix));
        } else if org_var.is_match(id) {
            out.push(
                Hit::new(
                    idm.range(),
                    format!(
                        "`{id}` after /ex/{}/ names an organization ID, not the site's cloud ID",
                        product.as_str()
                    ),
                    format!("orgvar:{id}"),
                )
                .fix(FIX),
            );
        }
    }
    for caps in cx.pattern("cloud-key").captures_iter(cx.text) {
        let Some(m) = caps.name("id") else { continue };
        if orgs.contains(&m.as_str().to_ascii_lowercase()) {
            out.push(
                Hit::new(
                    m.range(),
                    format!("cloud ID setting holds the organization ID {}", m.as_str()),
                    format!("orgkey:{}", m.as_str()),
                )
                .fix(FIX),
            );
        }
    }
}
