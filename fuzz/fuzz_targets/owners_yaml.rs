//! cargo-fuzz target: see `handbook::fuzzing::owners_yaml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook::fuzzing::owners_yaml(data));
