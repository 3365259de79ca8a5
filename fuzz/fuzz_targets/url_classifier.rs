//! The URL classifier: the doctor's `Target::parse` and the scope matcher's `lookup`, on any
//! method and URL text.
#![no_main]
use libfuzzer_sys::fuzz_target;

// Each target uses one of the shared harness functions.
#[allow(dead_code)]
#[path = "../harness.rs"]
mod harness;

fuzz_target!(|data: &[u8]| harness::url_classifier(data));
