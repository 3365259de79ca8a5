//! The configuration parser: any TOML text, then resolution (globs, rule codes, severities).
#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared harness functions.
#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::config_parser(data));
