//! The curl command-line parser: shell word splitting, then curl's flags.
#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared harness functions.
#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::curl_parser(data));
