//! cargo-fuzz target: see `handbook::fuzzing::book_toml`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook::fuzzing::book_toml(data));
