//! The live probes. All read-only (GET), each with the run's timeout, run concurrently in
//! two waves: everything that needs nothing but the URL, then what needs the cloud ID
//! `_edge/tenant_info` resolved.
use std::future::Future;
use std::pin::Pin;

use super::http::{Auth, Exchange, Http};
use super::request::{Surface, Target};
use crate::surface::{GATEWAY_HOST, Product, gateway_base};

/// Jira project permissions the probe asks about.
pub const PROJECT_PERMISSIONS: &str =
    "BROWSE_PROJECTS,CREATE_ISSUES,EDIT_ISSUES,ADD_COMMENTS,TRANSITION_ISSUES";

/// Identity answers on one surface.
#[derive(Debug, Clone, Default)]
pub struct SurfaceProbes {
    pub jira: Option<Exchange>,
    pub confluence: Option<Exchange>,
    pub project: Option<Exchange>,
    pub space: Option<Exchange>,
}

/// Everything the probes saw.
#[derive(Debug, Default)]
pub struct Evidence {
    pub tenant: Option<Exchange>,
    pub tenant_cloud_id: Option<String>,
    pub site: SurfaceProbes,
    /// Gateway probes with the URL's own cloud ID.
    pub gateway_url_id: SurfaceProbes,
    /// Gateway probes with the cloud ID `_edge/tenant_info` resolved, when it differs.
    pub gateway_resolved: SurfaceProbes,
    pub target: Option<Exchange>,
    /// Identity with the repaired credential (newline or whitespace removed).
    pub repaired: Option<Exchange>,
    pub compare: SurfaceProbes,
    /// `api.atlassian.com/oauth/token/accessible-resources`: the sites (and cloud IDs) the
    /// credential reaches, when no site is known. Documented for OAuth tokens; whether it
    /// answers API tokens is open, so an error here only means "unknown".
    pub resources: Option<Exchange>,
}

/// What the probes need to know.
pub struct Plan<'a> {
    pub target: &'a Target,
    pub site: Option<String>,
    pub auth: Auth,
    pub repaired: Option<Auth>,
    pub compare: Option<Auth>,
    pub project: Option<String>,
    pub issue: Option<String>,
    pub space: Option<String>,
    /// The credential may go only to api.atlassian.com (an OAuth access token): no site
    /// identity probes, no request to the site.
    pub gateway_only: bool,
}

type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
type Fut<'a> = BoxFut<'a, (Slot, Exchange)>;

#[derive(Debug, Clone, Copy)]
enum Slot {
    Tenant,
    Target,
    Repaired,
    Site(Kind),
    GwUrl(Kind),
    GwResolved(Kind),
    Compare(Kind),
    Resources,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Jira,
    Confluence,
    Project,
    Space,
}

fn site_base(site: &str) -> String {
    format!("https://{site}.atlassian.net")
}

/// Queue the identity and permission probes for one surface. `jira_base` and `confluence_base`
/// are the URL prefixes before `/rest/...` and `/wiki/...`.
fn surface_probes<'a>(
    http: &'a Http,
    plan: &'a Plan<'a>,
    auth: &'a Auth,
    jira_base: String,
    confluence_base: String,
    wrap: fn(Kind) -> Slot,
    with_permissions: bool,
) -> Vec<Fut<'a>> {
    let mut futs: Vec<Fut<'a>> = Vec::new();
    let get = move |kind: Kind, url: String| -> Fut<'a> {
        Box::pin(async move { (wrap(kind), http.send("GET", &url, auth).await) })
    };
    futs.push(get(
        Kind::Jira,
        format!("{jira_base}/rest/api/3/myself?expand=groups,applicationRoles"),
    ));
    futs.push(get(
        Kind::Confluence,
        format!("{confluence_base}/wiki/rest/api/user/current"),
    ));
    if with_permissions {
        if let Some(issue) = &plan.issue {
            futs.push(get(Kind::Project, format!("{jira_base}/rest/api/3/mypermissions?issueKey={issue}&permissions={PROJECT_PERMISSIONS}")));
        } else if let Some(project) = &plan.project {
            futs.push(get(Kind::Project, format!("{jira_base}/rest/api/3/mypermissions?projectKey={project}&permissions={PROJECT_PERMISSIONS}")));
        }
        if let Some(space) = &plan.space {
            futs.push(get(
                Kind::Space,
                format!("{confluence_base}/wiki/rest/api/space/{space}"),
            ));
        }
    }
    futs
}

fn store(ev: &mut Evidence, slot: Slot, ex: Exchange) {
    let put = |p: &mut SurfaceProbes, k: Kind, ex: Exchange| match k {
        Kind::Jira => p.jira = Some(ex),
        Kind::Confluence => p.confluence = Some(ex),
        Kind::Project => p.project = Some(ex),
        Kind::Space => p.space = Some(ex),
    };
    match slot {
        Slot::Tenant => ev.tenant = Some(ex),
        Slot::Target => ev.target = Some(ex),
        Slot::Repaired => ev.repaired = Some(ex),
        Slot::Site(k) => put(&mut ev.site, k, ex),
        Slot::GwUrl(k) => put(&mut ev.gateway_url_id, k, ex),
        Slot::GwResolved(k) => put(&mut ev.gateway_resolved, k, ex),
        Slot::Compare(k) => put(&mut ev.compare, k, ex),
        Slot::Resources => ev.resources = Some(ex),
    }
}

async fn join(futs: Vec<Fut<'_>>, ev: &mut Evidence) {
    for (slot, ex) in futures_join(futs).await {
        store(ev, slot, ex);
    }
}

/// Run futures concurrently on the current task and collect their outputs in order.
async fn futures_join<T>(futs: Vec<BoxFut<'_, T>>) -> Vec<T> {
    let mut outputs: Vec<Option<T>> = (0..futs.len()).map(|_| None).collect();
    let mut pending: Vec<(usize, BoxFut<'_, T>)> = futs.into_iter().enumerate().collect();
    std::future::poll_fn(|cx| {
        pending.retain_mut(|(i, f)| match f.as_mut().poll(cx) {
            std::task::Poll::Ready(v) => {
                outputs[*i] = Some(v);
                false
            }
            std::task::Poll::Pending => true,
        });
        if pending.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
    outputs
        .into_iter()
        .map(|o| o.expect("every future completed"))
        .collect()
}

/// Run every probe the plan allows.
pub async fn run(http: &Http, plan: &Plan<'_>) -> Evidence {
    let mut ev = Evidence::default();
    let url_cloud_id = match &plan.target.surface {
        Surface::Gateway(g) if crate::surface::is_uuid(&g.cloud_id) => Some(g.cloud_id.clone()),
        _ => None,
    };
    let none = Auth::None;
    join(
        first_wave(http, plan, url_cloud_id.as_deref(), &none),
        &mut ev,
    )
    .await;

    // Second wave: the gateway with the cloud ID the site itself reports.
    ev.tenant_cloud_id = ev
        .tenant
        .as_ref()
        .and_then(super::classify::tenant_cloud_id);
    if let Some(resolved) = ev.tenant_cloud_id.clone()
        && url_cloud_id.as_deref().map(str::to_ascii_lowercase)
            != Some(resolved.to_ascii_lowercase())
    {
        let futs = surface_probes(
            http,
            plan,
            &plan.auth,
            gateway_base(Product::Jira, Some(&resolved)),
            gateway_base(Product::Confluence, Some(&resolved)),
            Slot::GwResolved,
            true,
        );
        join(futs, &mut ev).await;
    }
    ev
}

/// The first wave: everything that needs nothing but the URL and the site.
fn first_wave<'a>(
    http: &'a Http,
    plan: &'a Plan<'a>,
    url_cloud_id: Option<&str>,
    none: &'a Auth,
) -> Vec<Fut<'a>> {
    let t = plan.target;
    // Which surface the target is on, for the permission probes of the first wave.
    let on_site = matches!(t.surface, Surface::Site { .. });
    let mut wave: Vec<Fut<'a>> = Vec::new();
    if let Some(site) = &plan.site {
        let url = format!("{}/_edge/tenant_info", site_base(site));
        wave.push(Box::pin(async move {
            (Slot::Tenant, http.send("GET", &url, none).await)
        }));
        if !plan.gateway_only {
            wave.extend(surface_probes(
                http,
                plan,
                &plan.auth,
                site_base(site),
                site_base(site),
                Slot::Site,
                on_site,
            ));
        }
    }
    if let Some(id) = url_cloud_id {
        wave.extend(surface_probes(
            http,
            plan,
            &plan.auth,
            gateway_base(Product::Jira, Some(id)),
            gateway_base(Product::Confluence, Some(id)),
            Slot::GwUrl,
            true,
        ));
    }
    if plan.site.is_none()
        && !plan.gateway_only
        && matches!(t.surface, Surface::Gateway(_))
        && !matches!(plan.auth, Auth::None)
    {
        let url = format!("https://{GATEWAY_HOST}/oauth/token/accessible-resources");
        let auth = &plan.auth;
        wave.push(Box::pin(async move {
            (Slot::Resources, http.send("GET", &url, auth).await)
        }));
    }
    if matches!(t.method.as_str(), "GET" | "HEAD")
        && t.surface != Surface::Foreign
        && (!plan.gateway_only || matches!(t.surface, Surface::Gateway(_)))
    {
        let url = t.url.clone();
        let method = t.method.clone();
        let auth = &plan.auth;
        wave.push(Box::pin(async move {
            (Slot::Target, http.send(&method, &url, auth).await)
        }));
    }
    wave.extend(repaired(http, plan, url_cloud_id));
    wave.extend(compared(http, plan, url_cloud_id));
    wave
}

/// The identity probe with the credential's stray characters removed.
fn repaired<'a>(http: &'a Http, plan: &'a Plan<'a>, url_cloud_id: Option<&str>) -> Option<Fut<'a>> {
    let rep = plan.repaired.as_ref()?;
    let url = match (&plan.site, url_cloud_id) {
        (_, Some(id)) => format!(
            "{}/rest/api/3/myself",
            gateway_base(Product::Jira, Some(id))
        ),
        (Some(site), None) => format!("{}/rest/api/3/myself", site_base(site)),
        _ => return None,
    };
    Some(Box::pin(async move {
        (Slot::Repaired, http.send("GET", &url, rep).await)
    }))
}

/// `--compare`: the other credential's identity probes, on the URL's surface.
fn compared<'a>(http: &'a Http, plan: &'a Plan<'a>, url_cloud_id: Option<&str>) -> Vec<Fut<'a>> {
    let Some(cmp) = &plan.compare else {
        return Vec::new();
    };
    if let Some(id) = url_cloud_id {
        surface_probes(
            http,
            plan,
            cmp,
            gateway_base(Product::Jira, Some(id)),
            gateway_base(Product::Confluence, Some(id)),
            Slot::Compare,
            true,
        )
    } else if let Some(site) = &plan.site {
        surface_probes(
            http,
            plan,
            cmp,
            site_base(site),
            site_base(site),
            Slot::Compare,
            true,
        )
    } else {
        Vec::new()
    }
}
