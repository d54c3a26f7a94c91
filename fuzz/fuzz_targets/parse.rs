//! Parser fuzz target: any input must parse (to a tree plus errors) without
//! panicking, overflowing the stack or hanging; a file that parses cleanly
//! must format to text that parses cleanly and formats the same again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roam_cue::syntax::{format, parse_str};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = parse_str("fuzz.cue", text);
    if !parsed.errors.is_empty() {
        return;
    }
    let once = format::format_file(&parsed.value);
    let again = parse_str("fuzz.cue", &once);
    assert!(
        again.errors.is_empty(),
        "formatted output does not parse:\n{once}\nerrors: {:?}",
        again.errors
    );
    let twice = format::format_file(&again.value);
    assert_eq!(once, twice, "formatting is not idempotent");
});
