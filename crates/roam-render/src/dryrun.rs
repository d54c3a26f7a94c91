//! `roam dry-run`'s text layout: KubeVela's `vela dry-run` output, byte for
//! byte, so scripts that read it keep working.

use crate::render::{Origin, RenderedApp};
use crate::yaml::to_k8s_yaml;

/// KubeVela's dry-run layout, byte for byte.
pub fn dry_run_text(r: &RenderedApp) -> String {
    let mut s = String::new();
    for c in &r.components {
        s.push_str(&format!(
            "---\n# Application({}) -- Component({})\n---\n\n",
            r.name, c.name
        ));
        if let Some(w) = &c.workload {
            s.push_str(&to_k8s_yaml(w));
        }
        s.push_str("\n---\n");
        for o in &c.objects {
            match &o.origin {
                Origin::Auxiliary { .. } => s.push_str("## From the auxiliary workload\n"),
                Origin::Trait { trait_type, .. } => {
                    s.push_str(&format!("## From the trait {trait_type}\n"))
                }
                Origin::Workload => {}
            }
            s.push_str(&to_k8s_yaml(&o.object));
            s.push_str("\n---\n");
        }
        s.push('\n');
    }
    s.push('\n');
    s
}
