//! What `atlcheck tokens` knows about one credential, independent of the endpoint it came from.
//!
//! Unknown is not none: a field a source does not report is [`Field::Unknown`], a field it
//! reports as empty is [`Field::None`] (no expiry date, never used). Rules never fire on
//! unknown (SPEC, tokens JSON).
use std::fmt;

use serde::Serialize;

use super::time::Timestamp;

/// One of the admin APIs' credential listings (`--sources`).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    serde::Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum SourceName {
    /// Managed accounts' API tokens (`read:tokens:admin`).
    ApiTokens,
    /// Service accounts and each one's API tokens (`read:service-accounts:admin`,
    /// `read:service-accounts-tokens:admin`).
    ServiceAccounts,
    /// Each service account's OAuth 2.0 clients (`read:service-accounts:admin`,
    /// `read:service-accounts-tokens:admin`).
    OauthClients,
    /// The organization's admin API keys (`read:keys:admin`).
    AdminKeys,
}

impl SourceName {
    pub const ALL: [SourceName; 4] = [
        SourceName::ApiTokens,
        SourceName::ServiceAccounts,
        SourceName::OauthClients,
        SourceName::AdminKeys,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceName::ApiTokens => "api-tokens",
            SourceName::ServiceAccounts => "service-accounts",
            SourceName::OauthClients => "oauth-clients",
            SourceName::AdminKeys => "admin-keys",
        }
    }

    /// The admin-API scopes a key needs to read this source.
    pub fn scopes(self) -> &'static [&'static str] {
        match self {
            SourceName::ApiTokens => &["read:tokens:admin"],
            SourceName::ServiceAccounts | SourceName::OauthClients => &[
                "read:service-accounts:admin",
                "read:service-accounts-tokens:admin",
            ],
            SourceName::AdminKeys => &["read:keys:admin"],
        }
    }
}

impl fmt::Display for SourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which kind of credential (SPEC: `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    ApiToken,
    ServiceAccountApiToken,
    OauthClient,
    AdminKey,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ApiToken => "api-token",
            Kind::ServiceAccountApiToken => "service-account-api-token",
            Kind::OauthClient => "oauth-client",
            Kind::AdminKey => "admin-key",
        }
    }

    /// Where a replacement is created.
    pub fn where_to_create(self) -> &'static str {
        match self {
            Kind::ApiToken => {
                "id.atlassian.com > Security > API tokens (only its owner can create it)"
            }
            Kind::ServiceAccountApiToken | Kind::OauthClient => {
                "admin.atlassian.com > Directory > Service accounts > the account > Credentials"
            }
            Kind::AdminKey => "admin.atlassian.com > Settings > API keys",
        }
    }

    /// Where an org admin revokes it.
    pub fn where_to_revoke(self) -> &'static str {
        match self {
            Kind::ApiToken => "admin.atlassian.com > Insights > API token activity",
            other => other.where_to_create(),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who a credential belongs to (SPEC: `owner.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OwnerType {
    User,
    ServiceAccount,
    Org,
}

/// An owner's email address, trimmed and lower-cased: the key other reports (the inventory's
/// identities) join on. Built only from text that looks like an address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct OwnerEmail(String);

impl OwnerEmail {
    pub fn parse(text: &str) -> Option<OwnerEmail> {
        let t = text.trim();
        let (local, domain) = t.split_once('@')?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !t.chars().any(|c| c.is_whitespace() || c.is_control());
        ok.then(|| OwnerEmail(t.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A generated `...@serviceaccount.atlassian.com` address.
    pub fn is_service_account(&self) -> bool {
        self.0.ends_with("@serviceaccount.atlassian.com")
    }
}

impl fmt::Display for OwnerEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// SPEC: `owner` (`{"id", "email", "name", "type"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Owner {
    pub id: Option<String>,
    pub email: Option<OwnerEmail>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: OwnerType,
}

impl Owner {
    pub fn org() -> Owner {
        Owner {
            id: None,
            email: None,
            name: None,
            kind: OwnerType::Org,
        }
    }

    /// How a report names the owner: the email, else the name, else the id.
    pub fn display(&self) -> String {
        match (&self.email, &self.name, &self.id) {
            (Some(e), _, _) => e.to_string(),
            (None, Some(n), _) => n.clone(),
            (None, None, Some(id)) => id.clone(),
            _ if self.kind == OwnerType::Org => "the organization".to_string(),
            _ => "unknown owner".to_string(),
        }
    }
}

/// A value a source may report, report as empty, or not report at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field<T> {
    /// The source gave a value.
    Known(T),
    /// The source said there is none (`"expiresAt": null`: no expiry; `"lastActiveAt": null`:
    /// never used).
    None,
    /// The source does not report it, or sent something unreadable.
    Unknown,
}

impl<T: Copy> Field<T> {
    pub fn known(self) -> Option<T> {
        match self {
            Field::Known(v) => Some(v),
            _ => None,
        }
    }
    pub fn is_unknown(self) -> bool {
        matches!(self, Field::Unknown)
    }
}

/// One credential, as listed by an admin API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub kind: Kind,
    pub source: SourceName,
    pub id: String,
    pub label: Option<String>,
    pub owner: Owner,
    pub created_at: Option<Timestamp>,
    pub expires_at: Field<Timestamp>,
    pub last_active_at: Field<Timestamp>,
    /// As the source spells it (`ALLOWED`, `BLOCKED`, `ACTIVE`, ...).
    pub status: Option<String>,
    /// Why a field is unknown, or what else the report should say about this credential.
    pub notes: Vec<String>,
}

impl Credential {
    /// The owner's email, the key the inventory joins on.
    pub fn owner_email(&self) -> Option<&OwnerEmail> {
        self.owner.email.as_ref()
    }

    /// Whether the credential can still authenticate as far as its status says. Blocked,
    /// revoked, disabled or deleted credentials get no findings (they cannot break a job or
    /// be abused); an unknown status counts as active.
    pub fn is_active(&self) -> bool {
        !self.status.as_deref().is_some_and(|s| {
            matches!(
                s.to_ascii_uppercase().as_str(),
                "BLOCKED" | "REVOKED" | "DISABLED" | "INACTIVE" | "DELETED" | "SUSPENDED"
            )
        })
    }

    /// How a report names it: the label, else the id.
    pub fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_email_is_normalised_for_joins() {
        let e = OwnerEmail::parse("  Jira-Sync-X1@ServiceAccount.Atlassian.com ").unwrap();
        assert_eq!(e.as_str(), "jira-sync-x1@serviceaccount.atlassian.com");
        assert!(e.is_service_account());
        assert!(OwnerEmail::parse("jane").is_none());
        assert!(OwnerEmail::parse("@acme.com").is_none());
        assert!(OwnerEmail::parse("jane doe@acme.com").is_none());
        assert!(
            !OwnerEmail::parse("jane@acme.com")
                .unwrap()
                .is_service_account()
        );
    }
}
