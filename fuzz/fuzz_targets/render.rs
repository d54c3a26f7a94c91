//! Rendering fuzz target: arbitrary text read as an Application (YAML) and
//! rendered with the built-in definitions must not panic or hang; the
//! outcome is objects or located errors.
#![no_main]

use libfuzzer_sys::fuzz_target;
use roam_render::{Registry, Renderer, Target, TemplateCache};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(docs) = roam_render::yaml::parse_documents("fuzz.yaml", text) else { return };
    let Some(doc) = docs.into_iter().next() else { return };
    let Ok(app) = serde_json::from_value::<roam_api::Application>(doc) else { return };
    let cache = TemplateCache::new();
    let renderer = Renderer::new(Registry::builtin(), &cache);
    if let Ok(blocks) = roam_render::dryrun::dry_run(&renderer, &app, &Target::default()) {
        let _ = roam_render::dryrun::dry_run_blocks_text(&blocks);
    }
});
