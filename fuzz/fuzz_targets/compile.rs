//! Compile-stage fuzz target: any input that parses must compile (to an ADT
//! plus errors) without panicking or hanging.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roam_cue::adt::Labels;
use roam_cue::compile::compile_package;
use roam_cue::syntax::parse_str;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = parse_str("fuzz.cue", text);
    if !parsed.errors.is_empty() {
        return;
    }
    let mut labels = Labels::default();
    let _ = compile_package(&mut labels, &[parsed.value]);
});
