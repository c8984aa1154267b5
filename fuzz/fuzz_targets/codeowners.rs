//! cargo-fuzz target: see `handbook::fuzzing::codeowners`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook::fuzzing::codeowners(data));
