//! The admin API endpoints `atlcheck tokens` reads, and how one listed item becomes a
//! [`Credential`]. Pure functions: the HTTP side is in [`super::client`].
//!
//! Documented schemas (governance facts §B3) are read field by field; where a schema is OPEN
//! (service-account API tokens, admin API keys) the same field names are tried, anything
//! else the item carries is left out, and a field that is not there is unknown, never
//! "none".
use serde_json::Value;

use super::model::{Credential, Field, Kind, Owner, OwnerEmail, OwnerType, SourceName};
use super::time::Timestamp;

/// The only host the admin key is ever sent to (or what `ATLCHECK_CONNECT_TO` maps it to).
pub const API_HOST: &str = "api.atlassian.com";
/// The admin API base.
pub const BASE: &str = "https://api.atlassian.com/admin/api-access/v1";
/// Longest label or name kept, in characters.
const MAX_TEXT: usize = 200;

/// Is this an organization ID atlcheck may put in a URL path? Org IDs are UUIDs; anything
/// with characters outside `[A-Za-z0-9_-]` (a slash, `?`, `%`, `..`) is refused before any
/// request.
pub fn valid_org_id(org: &str) -> bool {
    !org.is_empty()
        && org.len() <= 128
        && org
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Percent-encode a path segment that came from a server (a service account's id).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /orgs/{orgId}/api-tokens`: managed accounts' API tokens (documented).
pub fn api_tokens_url(org: &str) -> String {
    format!("{BASE}/orgs/{org}/api-tokens?pageSize=1000")
}

/// `GET /orgs/{orgId}/service-accounts` (documented, experimental).
pub fn service_accounts_url(org: &str) -> String {
    format!("{BASE}/orgs/{org}/service-accounts?pageSize=100")
}

/// `GET /orgs/{orgId}/service-accounts/{id}/api-tokens` (schema OPEN).
pub fn sa_api_tokens_url(org: &str, account: &str) -> String {
    format!(
        "{BASE}/orgs/{org}/service-accounts/{}/api-tokens?pageSize=100",
        encode_segment(account)
    )
}

/// `GET /orgs/{orgId}/service-accounts/{id}/oauth-clients`.
pub fn sa_oauth_clients_url(org: &str, account: &str) -> String {
    format!(
        "{BASE}/orgs/{org}/service-accounts/{}/oauth-clients?pageSize=100",
        encode_segment(account)
    )
}

/// `GET /orgs/{orgId}/api-keys` (schema OPEN).
pub fn admin_keys_url(org: &str) -> String {
    format!("{BASE}/orgs/{org}/api-keys?pageSize=100")
}

/// One page of a listing: its items and the `links.next` it points to, if any.
#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    pub next: Option<String>,
}

/// Read a page body. Items are under `data` (api-tokens, oauth-clients), `items`
/// (service-accounts), `values` or `results`, or the body is the array itself.
pub fn parse_page(body: &str) -> Result<Page, String> {
    let v: Value =
        serde_json::from_str(body).map_err(|e| format!("the answer is not JSON ({e})"))?;
    let (items, next) = match v {
        Value::Array(items) => (items, None),
        Value::Object(mut map) => {
            let next = map
                .get("links")
                .and_then(|l| l.get("next"))
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let items = ["data", "items", "values", "results"]
                .iter()
                .find_map(|k| match map.remove(*k) {
                    Some(Value::Array(a)) => Some(a),
                    _ => None,
                })
                .ok_or_else(|| {
                    let keys: Vec<&String> = map.keys().take(8).collect();
                    format!(
                        "the answer has no list of items (`data` or `items`); its keys: {keys:?}"
                    )
                })?;
            (items, next)
        }
        _ => return Err("the answer is JSON but neither an object nor a list".to_string()),
    };
    Ok(Page { items, next })
}

/// Text a server sent, made safe to print: control characters become spaces and the length is
/// capped. (Labels are user-chosen; a newline in one must not start a CI workflow command.)
pub fn clean_text(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_TEXT)
        .collect();
    if s.chars().count() > MAX_TEXT {
        out.push('…');
    }
    out.trim().to_string()
}

fn text(item: &Value, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| match item.get(*n) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(clean_text(s)),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// A timestamp field. Present and null means "none"; present and unreadable, or absent, means
/// unknown (with a note saying which).
fn time_field(
    item: &Value,
    names: &[&str],
    what: &str,
    absent_note: &str,
    notes: &mut Vec<String>,
) -> Field<Timestamp> {
    for n in names {
        match item.get(*n) {
            None => continue,
            Some(Value::Null) => return Field::None,
            Some(Value::String(s)) if s.trim().is_empty() => return Field::None,
            Some(v) => {
                return match Timestamp::from_json(v) {
                    Some(t) => Field::Known(t),
                    None => {
                        let shown = clean_text(&v.to_string());
                        notes.push(format!("{what} unknown: `{n}` is {shown}, not a timestamp"));
                        Field::Unknown
                    }
                };
            }
        }
    }
    notes.push(absent_note.to_string());
    Field::Unknown
}

fn created(item: &Value, notes: &mut Vec<String>) -> Option<Timestamp> {
    match time_field(
        item,
        &["createdAt", "created", "creationDate"],
        "creation date",
        "the source does not say when it was created",
        notes,
    ) {
        Field::Known(t) => Some(t),
        _ => None,
    }
}

fn id(item: &Value, names: &[&str], index: usize, notes: &mut Vec<String>) -> String {
    text(item, names).unwrap_or_else(|| {
        notes.push("the source gave no id: it cannot be baselined".to_string());
        format!("missing-id-{}", index + 1)
    })
}

fn owner_type_for(email: Option<&OwnerEmail>, default: OwnerType) -> OwnerType {
    if email.is_some_and(OwnerEmail::is_service_account) {
        OwnerType::ServiceAccount
    } else {
        default
    }
}

/// Where one listing keeps each field of a credential (schemas partly OPEN: the names are
/// tried in order) and what to say when a time is missing.
struct Fields {
    id: &'static [&'static str],
    label: &'static [&'static str],
    expiry: &'static [&'static str],
    expiry_unknown: &'static str,
    last_use: &'static [&'static str],
    last_use_unknown: &'static str,
}

const UNPUBLISHED_EXPIRY: &str =
    "expiry unknown: this listing (schema not published) did not include `expiresAt`";
const UNPUBLISHED_LAST_USE: &str =
    "last use unknown: this listing (schema not published) did not include `lastActiveAt`";

/// One credential of a listing, read through `f`.
fn listed(
    item: &Value,
    (kind, source): (Kind, SourceName),
    owner: Owner,
    index: usize,
    f: &Fields,
) -> Credential {
    let mut notes = Vec::new();
    let id = id(item, f.id, index, &mut notes);
    Credential {
        kind,
        source,
        label: text(item, f.label),
        owner,
        created_at: created(item, &mut notes),
        expires_at: time_field(item, f.expiry, "expiry", f.expiry_unknown, &mut notes),
        last_active_at: time_field(item, f.last_use, "last use", f.last_use_unknown, &mut notes),
        status: text(item, &["status"]),
        id,
        notes,
    }
}

/// An item of `/orgs/{orgId}/api-tokens` (documented: `id`, `label`, `status`, `createdAt`,
/// `expiresAt`, `lastActiveAt`, `user{id, orgId, name, email}`).
pub fn api_token(item: &Value, index: usize) -> Credential {
    let user = item.get("user").unwrap_or(&Value::Null);
    let email = text(user, &["email", "emailAddress"]).and_then(|e| OwnerEmail::parse(&e));
    let owner = Owner {
        id: text(user, &["id", "accountId"]),
        kind: owner_type_for(email.as_ref(), OwnerType::User),
        email,
        name: text(user, &["name", "displayName"]),
    };
    listed(
        item,
        (Kind::ApiToken, SourceName::ApiTokens),
        owner,
        index,
        &Fields {
            id: &["id"],
            label: &["label", "name"],
            expiry: &["expiresAt"],
            expiry_unknown: "expiry unknown: the listing left out `expiresAt`",
            last_use: &["lastActiveAt"],
            last_use_unknown: "last use unknown: the listing left out `lastActiveAt`",
        },
    )
}

/// A service account of `/orgs/{orgId}/service-accounts` (documented, experimental: `id`,
/// `atlassianId`, `email`, `displayName`, `status`, ...).
#[derive(Debug, Clone)]
pub struct ServiceAccount {
    /// The id the per-account endpoints take.
    pub path_id: String,
    pub owner: Owner,
    pub status: Option<String>,
}

pub fn service_account(item: &Value) -> Option<ServiceAccount> {
    let path_id = text(item, &["id", "atlassianId", "accountId"])?;
    let email = text(item, &["email"]).and_then(|e| OwnerEmail::parse(&e));
    Some(ServiceAccount {
        owner: Owner {
            id: text(item, &["atlassianId", "accountId", "id"]),
            email,
            name: text(item, &["displayName", "name"]),
            kind: OwnerType::ServiceAccount,
        },
        path_id,
        status: text(item, &["status"]),
    })
}

/// An item of `/orgs/{orgId}/service-accounts/{id}/api-tokens` (schema OPEN: the API-token
/// field names are tried).
pub fn sa_api_token(item: &Value, owner: &Owner, index: usize) -> Credential {
    listed(
        item,
        (Kind::ServiceAccountApiToken, SourceName::ServiceAccounts),
        owner.clone(),
        index,
        &Fields {
            id: &["id", "tokenId"],
            label: &["label", "name", "tokenLabel"],
            expiry: &["expiresAt", "expiry", "expirationDate"],
            expiry_unknown: UNPUBLISHED_EXPIRY,
            last_use: &["lastActiveAt", "lastAccess", "lastUsedAt"],
            last_use_unknown: UNPUBLISHED_LAST_USE,
        },
    )
}

/// An OAuth client of a service account (documented sample: `clientId`, `name`, `createdAt`
/// and `updatedAt` in epoch milliseconds, `status`; no expiry and no last use).
pub fn oauth_client(item: &Value, owner: &Owner, index: usize) -> Credential {
    let c = listed(
        item,
        (Kind::OauthClient, SourceName::OauthClients),
        owner.clone(),
        index,
        &Fields {
            id: &["clientId", "id"],
            label: &["name", "label", "clientName"],
            expiry: &["expiresAt"],
            expiry_unknown: "expiry unknown: Atlassian's OAuth client listing does not report whether the client secret expires",
            last_use: &["lastActiveAt", "lastUsedAt"],
            last_use_unknown: "last use unknown: Atlassian's OAuth client listing does not report it",
        },
    );
    // Reported (and baselined) in full: a client ID is not a secret.
    crate::secret::show_client_id(&c.id);
    c
}

/// An item of `/orgs/{orgId}/api-keys` (schema OPEN; keys belong to the organization).
pub fn admin_key(item: &Value, index: usize) -> Credential {
    listed(
        item,
        (Kind::AdminKey, SourceName::AdminKeys),
        Owner::org(),
        index,
        &Fields {
            id: &["id", "keyId"],
            label: &["name", "label"],
            expiry: &["expiresAt", "expiry", "expirationDate"],
            expiry_unknown: UNPUBLISHED_EXPIRY,
            last_use: &["lastActiveAt", "lastUsedAt", "lastAccess"],
            last_use_unknown: UNPUBLISHED_LAST_USE,
        },
    )
}

/// Parse one item of `source` the way a listing of it is parsed (rule examples and tests).
/// Service-account sources take their owner from the item's `owner` object, if any.
pub fn parse_item(source: SourceName, item: &Value) -> Credential {
    let sa_owner = || {
        item.get("owner")
            .and_then(service_account)
            .map(|s| s.owner)
            .unwrap_or(Owner {
                id: None,
                email: None,
                name: None,
                kind: OwnerType::ServiceAccount,
            })
    };
    match source {
        SourceName::ApiTokens => api_token(item, 0),
        SourceName::ServiceAccounts => sa_api_token(item, &sa_owner(), 0),
        SourceName::OauthClients => oauth_client(item, &sa_owner(), 0),
        SourceName::AdminKeys => admin_key(item, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn documented_api_token() {
        let c = api_token(
            &json!({"id":"t1","label":"jira-sync","status":"ALLOWED","createdAt":"2026-01-10T09:00:00.000Z",
                    "expiresAt":"2026-12-03T09:00:00+01:00","lastActiveAt":null,
                    "user":{"id":"5b10ac8d82e05b22cc7d4ef5","orgId":"o","name":"Jane Doe","email":"Jane.Doe@Acme.com"},
                    "secretish":"ignored"}),
            0,
        );
        assert_eq!(c.id, "t1");
        assert_eq!(
            c.owner.email.as_ref().unwrap().as_str(),
            "jane.doe@acme.com"
        );
        assert_eq!(c.owner.kind, OwnerType::User);
        assert_eq!(
            c.expires_at,
            Field::Known(Timestamp::parse_iso("2026-12-03T08:00:00Z").unwrap())
        );
        assert_eq!(c.last_active_at, Field::None);
        assert!(c.notes.is_empty(), "{:?}", c.notes);
    }

    #[test]
    fn missing_and_odd_fields_are_unknown_with_a_note() {
        let c = api_token(
            &json!({"label":"x\n::error::boom","expiresAt":"next week","user":{}}),
            4,
        );
        assert_eq!(c.id, "missing-id-5");
        assert_eq!(c.label.as_deref(), Some("x ::error::boom"));
        assert_eq!(c.expires_at, Field::Unknown);
        assert_eq!(c.last_active_at, Field::Unknown);
        assert_eq!(c.created_at, None);
        let notes = c.notes.join("; ");
        assert!(notes.contains("\"next week\", not a timestamp"), "{notes}");
        assert!(notes.contains("left out `lastActiveAt`"), "{notes}");
    }

    #[test]
    fn oauth_clients_have_unknown_expiry_and_epoch_dates() {
        let owner = Owner::org();
        let c = oauth_client(
            &json!({"clientId":"abc","name":"deploy","createdAt":1767225600000_i64,"updatedAt":1767225600000_i64,"status":"ACTIVE"}),
            &owner,
            0,
        );
        assert_eq!(c.created_at.unwrap().to_rfc3339(), "2026-01-01T00:00:00Z");
        assert!(c.expires_at.is_unknown() && c.last_active_at.is_unknown());
        assert_eq!(c.notes.len(), 2);
    }

    #[test]
    fn pages_and_links() {
        let p = parse_page(r#"{"data":[{"id":"a"}],"links":{"self":"x","next":"c2"}}"#).unwrap();
        assert_eq!((p.items.len(), p.next.as_deref()), (1, Some("c2")));
        let p = parse_page(r#"{"items":[],"links":{"next":null},"total":0}"#).unwrap();
        assert_eq!((p.items.len(), p.next), (0, None));
        assert!(parse_page("{\"data\": [").unwrap_err().contains("not JSON"));
        assert!(
            parse_page(r#"{"errors":[]}"#)
                .unwrap_err()
                .contains("no list")
        );
        assert!(parse_page("42").is_err());
    }

    #[test]
    fn org_ids_and_segments() {
        assert!(valid_org_id("7c1f0d2e-9a4b-4c3d-8e2f-1a2b3c4d5e6f"));
        for bad in ["", "a/b", "../x", "a?b", "a%2F", "a b"] {
            assert!(!valid_org_id(bad), "{bad}");
        }
        assert_eq!(encode_segment("a/b c"), "a%2Fb%20c");
    }
}
