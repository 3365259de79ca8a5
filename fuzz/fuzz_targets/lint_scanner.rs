//! The lint scanner on arbitrary bytes: decoding (UTF-8, UTF-16, binary detection), then every
//! rule over the text, for every file kind.
#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared harness functions.
#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::lint_scanner(data));
