//! Def-file fuzz target: arbitrary text as a def file must parse to a
//! definition object or an error, and an object must print back as a def
//! file, without panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(obj) = roam_render::deffile::def_file_to_object("fuzz.cue", text) {
        if let Ok(back) = roam_render::deffile::object_to_def_file(&obj) {
            let _ = roam_render::deffile::def_file_to_object("again.cue", &back);
        }
        let _ = roam_render::Definition::from_object(obj, roam_render::DefSource::File("fuzz.cue".into()));
    }
});
