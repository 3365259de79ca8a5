//! Read every selected source through the admin APIs, and say for each what was read and why
//! anything failed. A failure never stops the other sources (a key without `read:keys:admin`
//! still reports tokens), except a refused key (401), which would fail them all.
use super::client::{Client, FetchError, Progress};
use super::model::{Credential, Owner, SourceName};
use super::report::{SourceState, SourceStatus};
use super::sources;

/// What the sources gave.
pub struct Collected {
    pub credentials: Vec<Credential>,
    pub sources: Vec<SourceStatus>,
}

fn describe(e: &FetchError, source: SourceName, org: &str, what: &str, p: Progress) -> String {
    let got = if p.pages == 0 {
        String::new()
    } else {
        format!(" after {} ({} items)", plural(p.pages, "page"), p.items)
    };
    match e {
        FetchError::Unauthorized => format!(
            "401 Unauthorized reading {what}: the admin API key is wrong, expired or revoked (check it in admin.atlassian.com > Settings > API keys)"
        ),
        FetchError::Forbidden { detail } => format!(
            "403 Forbidden reading {what}{got}: the admin API key lacks the scope {} (or its creator is no longer an org admin); create a key with it, or leave this source out with --sources{detail}",
            source.scopes().join(" and ")
        ),
        FetchError::NotFound { detail } => format!(
            "404 Not Found reading {what}: no organization {org} for this key, or the endpoint does not exist (the org ID is the id in admin.atlassian.com/o/ORG_ID/...){detail}"
        ),
        FetchError::RateLimited {
            wanted_secs,
            waited_secs,
        } => format!(
            "429 Too Many Requests reading {what}{got}: Atlassian asked to wait {}; atlcheck waits at most 60 s per run and had waited {waited_secs} s, so it stopped (run again later)",
            wanted_secs.map_or("an unspecified time".to_string(), |s| format!("{s} s"))
        ),
        FetchError::Server { status, attempts } => {
            format!("{status} from Atlassian reading {what}{got}, {attempts} attempts")
        }
        FetchError::Status { status, detail } => {
            format!("unexpected {status} reading {what}{got}{detail}")
        }
        FetchError::Network { error, attempts } => {
            format!("no answer reading {what}{got} ({error}; {attempts} attempts)")
        }
        FetchError::Malformed(why) => format!("could not read {what}{got}: {why}"),
        FetchError::Budget { pages } => format!(
            "stopped reading {what}{got}: the run had read {} in all, its limit (--max-pages), so this source is incomplete; raise --max-pages or read fewer sources with --sources",
            plural(*pages, "page")
        ),
        FetchError::Refused(why) => format!("stopped reading {what}{got}: {why}"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Read one organization-level listing (managed accounts' API tokens, admin API keys) into
/// `credentials`, recording pages, count and any failure in `st`. True when the key was
/// refused (401), which would fail every later source too.
async fn read_org_listing(
    client: &mut Client,
    org: &str,
    (source, what): (SourceName, &str),
    url: &str,
    parse: fn(&serde_json::Value, usize) -> Credential,
    st: &mut SourceStatus,
    credentials: &mut Vec<Credential>,
) -> bool {
    let mut n = 0;
    let r = client
        .list(url, |items| {
            for item in items {
                credentials.push(parse(&item, n));
                n += 1;
            }
        })
        .await;
    st.credentials = n;
    match r {
        Ok(p) => {
            st.pages = p.pages;
            false
        }
        Err((e, p)) => {
            st.pages = p.pages;
            st.status = SourceState::Failed;
            st.error = Some(describe(&e, source, org, what, p));
            e == FetchError::Unauthorized
        }
    }
}

/// Read `selected` sources of `org`; the others are listed as skipped.
pub async fn collect(client: &mut Client, org: &str, selected: &[SourceName]) -> Collected {
    let mut credentials = Vec::new();
    let mut status: Vec<SourceStatus> = SourceName::ALL
        .iter()
        .map(|s| {
            let state = if selected.contains(s) {
                SourceState::Read
            } else {
                SourceState::Skipped
            };
            SourceStatus::new(*s, state)
        })
        .collect();
    let idx = |s: SourceName| SourceName::ALL.iter().position(|x| *x == s).unwrap_or(0);
    let mut key_refused = false;

    let fail = |st: &mut SourceStatus, msg: String| {
        st.status = SourceState::Failed;
        st.error = Some(msg);
    };

    // Managed accounts' API tokens.
    if selected.contains(&SourceName::ApiTokens) {
        key_refused = read_org_listing(
            client,
            org,
            (SourceName::ApiTokens, "managed accounts' API tokens"),
            &sources::api_tokens_url(org),
            sources::api_token,
            &mut status[idx(SourceName::ApiTokens)],
            &mut credentials,
        )
        .await;
    }

    // Service accounts, then each one's API tokens and OAuth clients.
    let want_sa = selected.contains(&SourceName::ServiceAccounts);
    let want_oauth = selected.contains(&SourceName::OauthClients);
    if (want_sa || want_oauth) && !key_refused {
        let mut accounts = Vec::new();
        let mut skipped_items = 0;
        let r = client
            .list(&sources::service_accounts_url(org), |items| {
                for item in items {
                    match sources::service_account(&item) {
                        Some(a) => accounts.push(a),
                        None => skipped_items += 1,
                    }
                }
            })
            .await;
        match r {
            Err((e, p)) => {
                key_refused = e == FetchError::Unauthorized;
                let msg = describe(
                    &e,
                    SourceName::ServiceAccounts,
                    org,
                    "the service accounts",
                    p,
                );
                for (want, s) in [
                    (want_sa, SourceName::ServiceAccounts),
                    (want_oauth, SourceName::OauthClients),
                ] {
                    if want {
                        let st = &mut status[idx(s)];
                        st.pages = p.pages;
                        fail(st, msg.clone());
                    }
                }
            }
            Ok(p) => {
                if want_sa {
                    status[idx(SourceName::ServiceAccounts)].pages = p.pages;
                }
                if want_oauth {
                    status[idx(SourceName::OauthClients)].pages = p.pages;
                }
                let total = accounts.len();
                for (s, want) in [
                    (SourceName::ServiceAccounts, want_sa),
                    (SourceName::OauthClients, want_oauth),
                ] {
                    if !want || key_refused {
                        continue;
                    }
                    let st = &mut status[idx(s)];
                    if skipped_items > 0 {
                        fail(
                            st,
                            format!(
                                "{} of the service account listing had no id",
                                plural(skipped_items, "item")
                            ),
                        );
                    }
                    for (done, account) in accounts.iter().enumerate() {
                        let owner: &Owner = &account.owner;
                        let (url, what) = match s {
                            SourceName::ServiceAccounts => (
                                sources::sa_api_tokens_url(org, &account.path_id),
                                format!("the API tokens of service account {}", owner.display()),
                            ),
                            _ => (
                                sources::sa_oauth_clients_url(org, &account.path_id),
                                format!("the OAuth clients of service account {}", owner.display()),
                            ),
                        };
                        let mut n = 0;
                        let r = client
                            .list(&url, |items| {
                                for item in items {
                                    credentials.push(match s {
                                        SourceName::ServiceAccounts => {
                                            sources::sa_api_token(&item, owner, n)
                                        }
                                        _ => sources::oauth_client(&item, owner, n),
                                    });
                                    n += 1;
                                }
                            })
                            .await;
                        st.credentials += n;
                        match r {
                            Ok(p) => st.pages += p.pages,
                            Err((e, p)) => {
                                st.pages += p.pages;
                                key_refused = e == FetchError::Unauthorized;
                                let mut msg = describe(&e, s, org, &what, p);
                                msg.push_str(&format!(
                                    " ({done} of {total} service accounts read before it)"
                                ));
                                fail(st, msg);
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    // The organization's admin API keys.
    if selected.contains(&SourceName::AdminKeys) && !key_refused {
        key_refused = read_org_listing(
            client,
            org,
            (SourceName::AdminKeys, "the admin API keys"),
            &sources::admin_keys_url(org),
            sources::admin_key,
            &mut status[idx(SourceName::AdminKeys)],
            &mut credentials,
        )
        .await;
    }

    if key_refused {
        for st in status.iter_mut() {
            if st.status == SourceState::Read && st.pages == 0 {
                st.status = SourceState::Failed;
                st.error = Some("not read: the admin API key was refused (401)".to_string());
            }
        }
    }
    Collected {
        credentials,
        sources: status,
    }
}
