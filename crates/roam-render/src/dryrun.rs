//! `roam dry-run`'s text layout: KubeVela's `vela dry-run` output, byte for
//! byte, so scripts that read it keep working.

use roam_api::Application;

use crate::policy::dry_run_plan;
use crate::render::{ErrorKind, Origin, RenderError, RenderErrors, RenderedApp, Renderer, Target};
use crate::yaml::to_k8s_yaml;

/// KubeVela's dry-run layout, byte for byte.
pub fn dry_run_text(r: &RenderedApp) -> String {
    let mut s = dry_run_block(&r.name, r);
    s.push('\n');
    s
}

/// One dry-run block with `title` in place of the application name.
pub fn dry_run_block(title: &str, r: &RenderedApp) -> String {
    let mut s = String::new();
    for c in &r.components {
        s.push_str(&format!(
            "---\n# Application({}) -- Component({})\n---\n\n",
            title, c.name
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
    s
}

/// Renders what `vela dry-run` renders: the application, or one block per
/// topology of each `deploy` step with that step's overrides applied.
pub fn dry_run(
    renderer: &Renderer<'_>,
    app: &Application,
    target: &Target,
) -> Result<Vec<(String, RenderedApp)>, RenderErrors> {
    let plans = dry_run_plan(app).map_err(|e| {
        RenderErrors(vec![RenderError {
            app: app.metadata.name.clone().unwrap_or_default(),
            at: "spec.policies".into(),
            what: format!("policy {:?}", e.policy),
            kind: ErrorKind::BadProperties { message: e.message },
        }])
    })?;
    let mut out = Vec::new();
    for p in plans {
        out.push((p.title, renderer.render_app(&p.app, target)?));
    }
    Ok(out)
}

/// The text of [`dry_run`]'s blocks.
pub fn dry_run_blocks_text(blocks: &[(String, RenderedApp)]) -> String {
    let mut s: String = blocks.iter().map(|(t, r)| dry_run_block(t, r)).collect();
    s.push('\n');
    s
}
