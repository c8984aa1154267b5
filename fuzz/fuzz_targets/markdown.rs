//! cargo-fuzz target: see `handbook::fuzzing::markdown`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook::fuzzing::markdown(data));
