//! The credential and Basic-header parser: any `Authorization` value, and any email:token pair.
#![no_main]
use libfuzzer_sys::fuzz_target;

#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::credential(data));
