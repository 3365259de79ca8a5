//! One detector per lint rule, one file per rule. The detection *data* (keywords, file
//! kinds, regexes, examples) lives in the rule's TOML file in `rules/`; the detector is the
//! logic that reads context around a regex match: decoding, checksums, who a user is,
//! whether a base URL is used for REST.
mod at101_person_owned_credential;
mod at102_hardcoded_secret;
mod at103_malformed_token;
mod at104_wrong_credential_kind;
mod at201_direct_site_url;
mod at202_gateway_product_mismatch;
mod at203_malformed_cloud_id;
mod at204_org_id_as_cloud_id;
mod at205_insecure_http;
mod at301_base64_newline;
mod at302_fixed_token_length;
mod at303_bearer_api_token;
pub(crate) mod common;

use super::{Cx, Hit};

/// The code table: rule code → detector.
pub(super) fn detector(code: &str) -> Option<fn(&Cx<'_>, &mut Vec<Hit>)> {
    Some(match code {
        "AT101" => at101_person_owned_credential::check,
        "AT102" => at102_hardcoded_secret::check,
        "AT103" => at103_malformed_token::check,
        "AT104" => at104_wrong_credential_kind::check,
        "AT201" => at201_direct_site_url::check,
        "AT202" => at202_gateway_product_mismatch::check,
        "AT203" => at203_malformed_cloud_id::check,
        "AT204" => at204_org_id_as_cloud_id::check,
        "AT205" => at205_insecure_http::check,
        "AT301" => at301_base64_newline::check,
        "AT302" => at302_fixed_token_length::check,
        "AT303" => at303_bearer_api_token::check,
        _ => return None,
    })
}
