//! `atlcheck doctor` against local servers (`cargo test --test doctor`): scenarios, OAuth,
//! network discipline, proxies, TLS and where a credential may go. One module per area; a new
//! doctor test goes into the module of its area, or a new file here with its `mod` line below.
#[path = "../common/mod.rs"]
mod common;

mod network;
mod oauth;
mod proxy;
mod scenarios;
mod support;
mod tls;
mod url_trust;
