//! `atlcheck tokens`: every credential of an organization, read through Atlassian's admin
//! APIs with an org admin API key, judged against one instant (AT601-AT604).
//!
//! - [`sources`]: the endpoints and how a listed item becomes a [`model::Credential`];
//! - [`client`]: GET-only paging with retries and rate-limit waits, the admin key sent only
//!   to `api.atlassian.com`;
//! - [`audit`]: which sources were read and which failed;
//! - [`judge`]: AT601-AT604 against a fixed clock ([`now_from_env`], `ATLCHECK_NOW`);
//! - [`baseline`]: accepted findings by credential id and rule;
//! - [`report`]: the JSON document and the exit status.
//!
//! Other reports join on [`model::OwnerEmail`] ([`model::Credential::owner_email`]).
pub mod audit;
pub mod baseline;
pub mod client;
pub mod judge;
pub mod model;
pub mod report;
pub mod sources;
pub mod time;

pub use model::{Credential, Kind, Owner, OwnerEmail, OwnerType, SourceName};
pub use time::Timestamp;

/// The instant a report judges against: `ATLCHECK_NOW` (RFC 3339) when set, else the clock.
pub fn now_from_env() -> Result<Timestamp, String> {
    match std::env::var("ATLCHECK_NOW") {
        Ok(v) if !v.trim().is_empty() => Timestamp::parse_iso(&v).ok_or_else(|| {
            format!(
                "ATLCHECK_NOW `{}` is not an RFC 3339 time such as 2026-11-29T12:00:00Z",
                sources::clean_text(&v)
            )
        }),
        _ => Ok(Timestamp::now()),
    }
}
