//! The organization faces (`cargo test --test admin`): `tokens` against the admin API
//! simulation (`tokens_sim`), `inventory` on its fixture repositories, and `scopes` (the command
//! and the catalogue against Atlassian's OpenAPI documents). A new test of these commands goes
//! into the module of its command, or a new file here with its `mod` line below.
#[path = "../common/mod.rs"]
mod common;

mod inventory;
mod scopes;
mod scopes_catalogue;
mod tokens;
mod tokens_inventory;
mod tokens_sim;
