//! The credential and Basic-header parser: any `Authorization` value, and any email:token pair.
#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared harness functions.
#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::credential(data));
