//! KubeVela compatibility corpus (`tests/compat/`): each Application is
//! rendered by roam and compared, object by object and field by field, with
//! what KubeVela's own `vela dry-run --offline` printed for it (recorded in
//! `<case>.vela.yaml`; see the README there). The text layout is compared
//! byte for byte too.

use std::path::Path;

use roam_api::Application;
use roam_render::yaml::parse_documents;
use roam_render::{ClusterVersion, Registry, Renderer, Target, TemplateCache};
use serde_json::Value;

/// Offline `vela dry-run` knows no cluster: `context.clusterVersion` is the
/// zero value.
fn offline_target() -> Target {
    Target {
        cluster: "local".into(),
        cluster_version: ClusterVersion {
            major: String::new(),
            minor: 0,
            git_version: String::new(),
            platform: String::new(),
        },
        ..Target::default()
    }
}

/// Cases roam does not match yet, and why. A case listed here that starts
/// matching fails the test, so the list only shrinks.
const KNOWN: &[(&str, &str)] = &[];

fn objects(name: &str, text: &str) -> Vec<Value> {
    parse_documents(name, text)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .filter(|d| !d.is_null())
        .collect()
}

#[test]
fn compat_corpus_renders_what_kubevela_renders() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".app.yaml"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    let cache = TemplateCache::new();
    let renderer = Renderer::new(Registry::builtin(), &cache);
    let mut failures = Vec::new();
    let mut byte_equal = 0;
    for app_path in &cases {
        let case = app_path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .trim_end_matches(".app.yaml")
            .to_string();
        let want_text = std::fs::read_to_string(dir.join(format!("{case}.vela.yaml"))).unwrap();
        let docs = objects(&case, &std::fs::read_to_string(app_path).unwrap());
        let app: Application = serde_json::from_value(docs[0].clone()).unwrap();
        let got = match roam_render::dryrun::dry_run(&renderer, &app, &offline_target()) {
            Ok(blocks) => roam_render::dryrun::dry_run_blocks_text(&blocks),
            Err(e) => {
                failures.push(format!("{case}: roam failed: {e}"));
                continue;
            }
        };
        let want = objects(&case, &want_text);
        let have = objects(&case, &got);
        let known = KNOWN.iter().any(|(k, _)| *k == case);
        if known {
            if want == have {
                failures.push(format!("{case}: matches now; remove it from KNOWN"));
            }
            continue;
        }
        if want != have {
            let mut msg = format!(
                "{case}: objects differ ({} from KubeVela, {} from roam)",
                want.len(),
                have.len()
            );
            for (i, (w, h)) in want.iter().zip(&have).enumerate() {
                if w != h {
                    msg.push_str(&format!(
                        "\n  object {i}:\n    kubevela: {}\n    roam:     {}",
                        serde_json::to_string(w).unwrap(),
                        serde_json::to_string(h).unwrap()
                    ));
                    break;
                }
            }
            failures.push(msg);
        } else if got == want_text {
            byte_equal += 1;
        }
    }
    eprintln!(
        "compat: {} cases, {} field-equal, {byte_equal} byte-equal",
        cases.len(),
        cases.len() - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn applications_round_trip_through_the_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/compat");
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if !p.to_string_lossy().ends_with(".app.yaml") {
            continue;
        }
        let name = p.display().to_string();
        for doc in objects(&name, &std::fs::read_to_string(&p).unwrap()) {
            let app: Application =
                serde_json::from_value(doc.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
            let back = serde_json::to_value(&app).unwrap();
            assert_eq!(
                back, doc,
                "{name}: the types keep every field KubeVela's YAML has"
            );
        }
    }
}
