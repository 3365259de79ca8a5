//! `atlcheck tokens` output formats: human, csv, markdown, junit and github (JSON is the
//! report's own serialization). Every format prints ids, labels and owners, never a secret
//! (the admin API never returns one), and text from the server has had its control
//! characters removed when it was read (`tokens::sources::clean_text`).
pub mod csv;
pub mod github;
pub mod human;
pub mod junit;
pub mod markdown;

use crate::tokens::model::Field;
use crate::tokens::report::Listed;
use crate::tokens::time::Timestamp;

/// `12`, `-3`, `never` (no expiry) or `?` (unknown).
pub fn days_text(l: &Listed) -> String {
    match (l.days_left, l.credential.expires_at) {
        (Some(d), _) => d.to_string(),
        (None, Field::None) => "never".to_string(),
        _ => "?".to_string(),
    }
}

/// A date, `none`/`never` for a field the source reports empty, `?` for unknown.
pub fn date_text(f: Field<Timestamp>, none: &str) -> String {
    match f {
        Field::Known(t) => t.date(),
        Field::None => none.to_string(),
        Field::Unknown => "?".to_string(),
    }
}

/// `service account`, `org-owned`, or nothing for a person.
pub fn owner_tag(l: &Listed) -> &'static str {
    match l.credential.owner.kind {
        crate::tokens::model::OwnerType::ServiceAccount => "service account",
        crate::tokens::model::OwnerType::Org => "org-owned",
        crate::tokens::model::OwnerType::User => "",
    }
}
