//! `atlcheck lint` and the rule catalogue: one test binary (`cargo test --test lint`), one
//! module per area. A new lint test goes into the module of its area, or a new file here with
//! its `mod` line below.
#[path = "../common/mod.rs"]
mod common;

mod bad_input;
mod catalogue;
mod ci;
mod cli;
mod corpus;
mod heldout;
mod heldout2;
mod heldout3;
mod heldout4;
mod heldout5;
mod history;
mod many_findings;
mod removed_endpoints;
mod rule_examples;
mod scoring;
