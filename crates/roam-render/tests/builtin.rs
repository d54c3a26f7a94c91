//! Every built-in definition parses, compiles and renders its example
//! application; the output is a golden file (insta) per example.

use std::path::Path;

use roam_api::Application;
use roam_render::deffile::parse_def_file;
use roam_render::yaml::parse_documents;
use roam_render::{DefSource, Registry, Renderer, Target, TemplateCache};

#[test]
fn every_builtin_definition_parses_and_compiles() {
    let cache = TemplateCache::new();
    let mut problems = Vec::new();
    for (path, text) in Registry::builtin_files() {
        match parse_def_file(path, text, DefSource::Builtin(path.to_string())) {
            Ok(d) => {
                // The registry finds built-ins by file name before parsing them.
                let (dir, file) = path.split_once('/').unwrap();
                let want_dir = d.kind.builtin_dir();
                if dir != want_dir || file.strip_suffix(".cue") != Some(d.name.as_str()) {
                    problems.push(format!(
                        "{path}: holds {} {:?}; expected {want_dir}/{}.cue",
                        d.kind, d.name, d.name
                    ));
                }
                // Step templates import the vela/* action packages, which
                // roam-workflow provides; its tests/builtin_steps.rs compiles them.
                if let Some(t) = &d.template
                    && !path.starts_with("workflowsteps/")
                    && let Err(e) = cache.get(path, t)
                {
                    problems.push(format!("{path}: {e}"));
                }
            }
            Err(e) => problems.push(e.to_string()),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        Registry::builtin_files().len(),
        [
            roam_render::DefKind::Component,
            roam_render::DefKind::Trait,
            roam_render::DefKind::Policy,
            roam_render::DefKind::WorkflowStep
        ]
        .iter()
        .map(|k| Registry::builtin().list(*k).count())
        .sum::<usize>(),
        "every file is one definition"
    );
}

#[test]
fn example_apps_render_to_their_goldens() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps/builtin");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 20, "examples in {}", dir.display());
    let cache = TemplateCache::new();
    let renderer = Renderer::new(Registry::builtin(), &cache);
    let mut failures = Vec::new();
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        let docs = parse_documents(&name, &text).unwrap();
        let app: Application = serde_json::from_value(docs[0].clone()).unwrap();
        match renderer.render_app(&app, &Target::default()) {
            Ok(r) => {
                let out = roam_render::dryrun::dry_run_text(&r);
                insta::assert_snapshot!(format!("builtin-{name}"), out);
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
