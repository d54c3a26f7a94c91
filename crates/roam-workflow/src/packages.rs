//! The CUE action packages a step template imports (`vela/kube`,
//! `vela/builtin`, `vela/http`, `vela/oam`, `vela/multicluster`,
//! `vela/util`, and the legacy flat `vela/op`). Each action is a struct with
//! `#provider`/`#do`; the engine hands it to the [`crate::Provider`] (or runs
//! it itself for `builtin` and `util`) through roam-cue's call protocol.

use std::sync::{Arc, OnceLock};

use roam_cue::eval::HostPackage;

const SOURCES: &[(&str, &str)] = &[
    ("vela/builtin", include_str!("../packages/builtin.cue")),
    ("vela/http", include_str!("../packages/http.cue")),
    ("vela/kube", include_str!("../packages/kube.cue")),
    (
        "vela/multicluster",
        include_str!("../packages/multicluster.cue"),
    ),
    ("vela/oam", include_str!("../packages/oam.cue")),
    ("vela/op", include_str!("../packages/op.cue")),
    ("vela/util", include_str!("../packages/util.cue")),
];

/// Every package, registered once.
pub fn all() -> &'static [Arc<HostPackage>] {
    static PACKAGES: OnceLock<Vec<Arc<HostPackage>>> = OnceLock::new();
    PACKAGES.get_or_init(|| {
        let mut v: Vec<Arc<HostPackage>> = SOURCES
            .iter()
            .map(|(path, cue)| {
                Arc::new(HostPackage {
                    path: (*path).to_string(),
                    cue: (*cue).to_string(),
                    funcs: &[],
                })
            })
            .collect();
        // KubeVela's older alias of the query package is not provided;
        // `vela/ql` and friends are reported as unknown imports by name.
        v.shrink_to_fit();
        v
    })
}

/// The import paths, for messages.
pub fn paths() -> impl Iterator<Item = &'static str> {
    SOURCES.iter().map(|(p, _)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use roam_cue::eval::Program;

    #[test]
    fn every_package_compiles_and_imports() {
        let samples = [
            ("vela/builtin", "#Suspend"),
            ("vela/http", "#HTTPGet"),
            ("vela/kube", "#Apply"),
            ("vela/multicluster", "#Deploy"),
            ("vela/oam", "#ApplyComponent"),
            ("vela/op", "#Slack"),
            ("vela/util", "#Log"),
        ];
        assert_eq!(samples.len(), paths().count());
        for (path, def) in samples {
            let src = format!("import p \"{path}\"\nx: p.{def}\n");
            if let Err(e) = Program::compile_with_packages(&[("t.cue", &src)], all()) {
                panic!("{path}: {e}");
            }
        }
    }
}
