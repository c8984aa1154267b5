//! cargo-fuzz target: see `handbook::fuzzing::frontmatter`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| handbook::fuzzing::frontmatter(data));
