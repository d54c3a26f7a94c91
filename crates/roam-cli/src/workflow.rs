//! `roam workflow suspend|resume|terminate|restart|rollback|logs|list`:
//! operating an application's workflow.
//!
//! The commands write what the controller's workflow engine reads: the
//! flags and step phases of `status.workflow` (status subresource, a merge
//! patch conditional on the resourceVersion, retried on conflict), the
//! context ConfigMap `workflow-<app>-context`, or — for rollback — the
//! app's spec. The controller is woken by these changes.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use comfy_table::Table;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Client, ResourceExt};
use roam_api::{Application, ApplicationRevision, WorkflowStatus, WorkflowStepStatus};
use roam_workflow::{ContextData, phase, reason};
use serde_json::json;

use crate::deliver::{ClusterArgs, api_error, print_as, runtime};

/// Exit code: the workflow is not in a state the command can act on.
const EXIT_REFUSED: u8 = 1;

#[derive(Subcommand)]
pub enum WorkflowCommand {
    /// Suspend the workflow (running steps, or one step, stop at their next look).
    Suspend(StepArgs),
    /// Resume a suspended workflow: the suspended steps continue.
    Resume(AppArgs),
    /// Terminate the workflow: running and waiting steps fail, nothing more runs.
    Terminate(AppArgs),
    /// Run the workflow again from the start, or from one step (and what depends on it).
    Restart(StepArgs),
    /// Put the application's spec back to its previous revision.
    Rollback(AppArgs),
    /// Show the lines steps logged (util.#Log).
    Logs(StepArgs),
    /// List the workflow's steps.
    List(ListArgs),
}

#[derive(Args)]
pub struct AppArgs {
    /// Application name.
    app: String,
    #[arg(short = 'n', long, default_value = "default")]
    namespace: String,
    #[command(flatten)]
    cluster: ClusterArgs,
}

#[derive(Args)]
pub struct StepArgs {
    #[command(flatten)]
    app: AppArgs,
    /// One step (or sub-step) by name.
    #[arg(long)]
    step: Option<String>,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    app: AppArgs,
    /// Output: table (default), json or yaml.
    #[arg(short = 'o', long, default_value = "table")]
    output: String,
}

pub fn run(cmd: WorkflowCommand) -> Result<ExitCode, String> {
    runtime()?.block_on(async move {
        match cmd {
            WorkflowCommand::Suspend(a) => suspend(a).await,
            WorkflowCommand::Resume(a) => resume(a).await,
            WorkflowCommand::Terminate(a) => terminate(a).await,
            WorkflowCommand::Restart(a) => restart(a).await,
            WorkflowCommand::Rollback(a) => rollback(a).await,
            WorkflowCommand::Logs(a) => logs(a).await,
            WorkflowCommand::List(a) => list(a).await,
        }
    })
}

struct Target {
    client: Client,
    apps: Api<Application>,
    name: String,
    namespace: String,
}

impl AppArgs {
    async fn target(&self) -> Result<Target, String> {
        let client = self.cluster.client().await?;
        Ok(Target {
            apps: Api::namespaced(client.clone(), &self.namespace),
            client,
            name: self.app.clone(),
            namespace: self.namespace.clone(),
        })
    }
}

impl Target {
    async fn get(&self) -> Result<Application, String> {
        self.apps
            .get_opt(&self.name)
            .await
            .map_err(|e| api_error(e, &self.name))?
            .ok_or_else(|| {
                format!(
                    "application {:?} not found in namespace {}",
                    self.name, self.namespace
                )
            })
    }

    /// Changes `status.workflow` with `f` (which may refuse), writes it on
    /// the resourceVersion it was read at, and retries on conflict.
    async fn update_workflow(
        &self,
        f: impl Fn(&mut Option<WorkflowStatus>) -> Result<String, String>,
    ) -> Result<String, String> {
        for _ in 0..5 {
            let app = self.get().await?;
            let mut wf = app.status.as_ref().and_then(|s| s.workflow.clone());
            if wf.is_none() {
                return Err(format!(
                    "application {}: no workflow has run yet (is the controller running? see roam status {} -n {})",
                    self.name, self.name, self.namespace
                ));
            }
            let said = f(&mut wf)?;
            let p = json!({
                "metadata": {"resourceVersion": app.resource_version()},
                "status": {"workflow": wf},
            });
            match self
                .apps
                .patch_status(&self.name, &PatchParams::default(), &Patch::Merge(&p))
                .await
            {
                Ok(_) => return Ok(said),
                Err(kube::Error::Api(s)) if s.code == 409 => continue,
                Err(e) => return Err(api_error(e, &self.name)),
            }
        }
        Err(format!(
            "application {}: the status kept changing under the command; try again",
            self.name
        ))
    }
}

fn all_steps(steps: &mut [WorkflowStepStatus], f: &mut dyn FnMut(&mut WorkflowStepStatus)) {
    for s in steps {
        f(s);
        all_steps(&mut s.sub_steps, f);
    }
}

fn step_names(wf: &WorkflowStatus) -> Vec<String> {
    let mut out = Vec::new();
    for s in &wf.steps {
        out.push(s.name.clone());
        out.extend(s.sub_steps.iter().map(|x| x.name.clone()));
    }
    out
}

fn check_step(wf: &WorkflowStatus, step: &str) -> Result<(), String> {
    let names = step_names(wf);
    if names.iter().any(|n| n == step) {
        Ok(())
    } else {
        Err(format!(
            "the workflow has no step {step:?} (steps: {})",
            names.join(", ")
        ))
    }
}

fn running(p: &str) -> bool {
    matches!(p, phase::RUNNING | phase::PENDING)
}

async fn suspend(a: StepArgs) -> Result<ExitCode, String> {
    let t = a.app.target().await?;
    let step = a.step.clone();
    let said = t
        .update_workflow(|wf| {
            let wf = wf.as_mut().expect("checked");
            if wf.terminated || wf.finished {
                return Err(format!(
                    "the workflow has {}: nothing to suspend",
                    wf.status
                ));
            }
            if let Some(s) = &step {
                check_step(wf, s)?;
            }
            wf.suspend = true;
            let mut hit = Vec::new();
            all_steps(&mut wf.steps, &mut |s| {
                if running(&s.phase)
                    && step.as_ref().is_none_or(|n| *n == s.name)
                    && s.phase == phase::RUNNING
                {
                    s.phase = phase::SUSPENDING.into();
                    s.reason = reason::SUSPEND.into();
                    hit.push(s.name.clone());
                }
            });
            Ok(if hit.is_empty() {
                "workflow suspended".to_string()
            } else {
                format!("workflow suspended (step {} paused)", hit.join(", "))
            })
        })
        .await
        .map_err(|e| format!("application {}: {e}", t.name))?;
    println!("application {}: {said}", t.name);
    Ok(ExitCode::SUCCESS)
}

async fn resume(a: AppArgs) -> Result<ExitCode, String> {
    let t = a.target().await?;
    let said = t
        .update_workflow(|wf| {
            let wf = wf.as_mut().expect("checked");
            if wf.terminated {
                return Err("the workflow was terminated and cannot be resumed; run it again with: roam workflow restart".into());
            }
            if !wf.suspend {
                return Err(format!("the workflow is not suspended (it is {})", wf.status));
            }
            wf.suspend = false;
            let mut hit = Vec::new();
            all_steps(&mut wf.steps, &mut |s| {
                if s.phase == phase::SUSPENDING {
                    s.phase = phase::RUNNING.into();
                    s.reason = String::new();
                    hit.push(s.name.clone());
                }
            });
            Ok(if hit.is_empty() {
                "workflow resumed".into()
            } else {
                format!("workflow resumed (step {} continues)", hit.join(", "))
            })
        })
        .await
        .map_err(|e| format!("application {}: {e}", t.name))?;
    println!("application {}: {said}", t.name);
    Ok(ExitCode::SUCCESS)
}

async fn terminate(a: AppArgs) -> Result<ExitCode, String> {
    let t = a.target().await?;
    let said = t
        .update_workflow(|wf| {
            let wf = wf.as_mut().expect("checked");
            if wf.terminated {
                return Err("the workflow is already terminated".into());
            }
            if wf.finished {
                return Err(format!("the workflow has already {}", wf.status));
            }
            wf.terminated = true;
            wf.suspend = false;
            all_steps(&mut wf.steps, &mut |s| {
                if matches!(
                    s.phase.as_str(),
                    phase::RUNNING | phase::SUSPENDING | phase::PENDING
                ) || (s.phase == phase::FAILED && s.reason == reason::EXECUTE)
                {
                    s.phase = phase::FAILED.into();
                    s.reason = reason::TERMINATE.into();
                }
            });
            Ok("workflow terminated".into())
        })
        .await
        .map_err(|e| format!("application {}: {e}", t.name))?;
    println!("application {}: {said}", t.name);
    Ok(ExitCode::SUCCESS)
}

async fn restart(a: StepArgs) -> Result<ExitCode, String> {
    let t = a.app.target().await?;
    let cms: Api<ConfigMap> = Api::namespaced(t.client.clone(), &t.namespace);
    let cm_name = roam_workflow::context::configmap_name(&t.name);
    let Some(step) = a.step else {
        // From scratch: no workflow status, no context.
        let app = t.get().await?;
        let p = json!({"metadata": {"resourceVersion": app.resource_version()}, "status": {"workflow": null}});
        t.apps
            .patch_status(&t.name, &PatchParams::default(), &Patch::Merge(&p))
            .await
            .map_err(|e| api_error(e, &t.name))?;
        match cms.delete(&cm_name, &DeleteParams::default()).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => {}
            Err(e) => return Err(api_error(e, &cm_name)),
        }
        println!("application {}: workflow restarted from the start", t.name);
        return Ok(ExitCode::SUCCESS);
    };
    // From one step: it, what depends on it (and in StepByStep what comes
    // after it) go back to pending; their memory and outputs are forgotten.
    let app = t.get().await?;
    let spec = roam_workflow::Spec::of(&app, None);
    let mut reset: Vec<String> = vec![step.clone()];
    loop {
        let before = reset.len();
        for (i, s) in spec.steps.iter().enumerate() {
            let after_reset = spec.steps_mode == roam_api::WorkflowMode::StepByStep
                && spec.steps[..i].iter().any(|p| reset.contains(&p.name));
            let depends = s.depends_on.iter().any(|d| reset.contains(d));
            // A group runs again when one of its sub-steps does, and all of
            // a group's sub-steps run again with it.
            let member = s.sub_steps.iter().any(|x| reset.contains(&x.name));
            if (after_reset || depends || member) && !reset.contains(&s.name) {
                reset.push(s.name.clone());
            }
            for sub in &s.sub_steps {
                let again = sub.depends_on.iter().any(|d| reset.contains(d))
                    || (reset.contains(&s.name) && !member);
                if again && !reset.contains(&sub.name) {
                    reset.push(sub.name.clone());
                }
            }
        }
        if reset.len() == before {
            break;
        }
    }
    let outputs: Vec<String> = spec
        .steps
        .iter()
        .flat_map(|s| std::iter::once(s).chain(s.sub_steps.iter()))
        .filter(|s| reset.contains(&s.name))
        .flat_map(|s| s.outputs.iter().map(|o| o.name.clone()))
        .collect();
    let mut ids = Vec::new();
    if let Some(mut steps) = app.status.and_then(|s| s.workflow).map(|w| w.steps) {
        all_steps(&mut steps, &mut |s| {
            if reset.contains(&s.name) {
                ids.push(s.id.clone());
            }
        });
    }
    let said = t
        .update_workflow(|wf| {
            let wf = wf.as_mut().expect("checked");
            check_step(wf, &step)?;
            let mut hit = Vec::new();
            all_steps(&mut wf.steps, &mut |s| {
                if reset.contains(&s.name) {
                    hit.push(s.name.clone());
                    s.phase = phase::PENDING.into();
                    s.reason = String::new();
                    s.message = String::new();
                    s.first_execute_time = None;
                    s.last_execute_time = None;
                }
            });
            wf.finished = false;
            wf.terminated = false;
            wf.suspend = false;
            wf.end_time = None;
            wf.status = "executing".into();
            Ok(format!(
                "workflow restarted from step {} ({})",
                step,
                hit.join(", ")
            ))
        })
        .await
        .map_err(|e| format!("application {}: {e}", t.name))?;
    if let Some(cm) = cms.get_opt(&cm_name).await.map_err(|e| e.to_string())? {
        let (mut ctx, _) = ContextData::from_data(&cm.data.clone().unwrap_or_default());
        ctx.forget(&ids, &outputs);
        let p = json!({"data": ctx.to_data()});
        cms.patch(&cm_name, &PatchParams::default(), &Patch::Merge(&p))
            .await
            .map_err(|e| e.to_string())?;
    }
    println!("application {}: {said}", t.name);
    Ok(ExitCode::SUCCESS)
}

async fn rollback(a: AppArgs) -> Result<ExitCode, String> {
    let t = a.target().await?;
    let mut app = t.get().await?;
    let st = app.status.clone().unwrap_or_default();
    if let Some(wf) = &st.workflow
        && wf.status == "executing"
        && !wf.suspend
    {
        eprintln!(
            "application {}: the workflow is still running; suspend or terminate it before rolling back",
            t.name
        );
        return Ok(ExitCode::from(EXIT_REFUSED));
    }
    let current = st
        .latest_revision
        .as_ref()
        .map(|r| r.revision)
        .unwrap_or(i64::MAX);
    let revs: Api<ApplicationRevision> = Api::namespaced(t.client.clone(), &t.namespace);
    let lp = ListParams::default().labels(&format!("{}={}", roam_api::labels::APP_NAME, t.name));
    let mut list = revs
        .list(&lp)
        .await
        .map_err(|e| api_error(e, &t.name))?
        .items;
    let num = |r: &ApplicationRevision| -> i64 {
        r.name_any()
            .rsplit_once("-v")
            .and_then(|(_, n)| n.parse().ok())
            .unwrap_or(0)
    };
    // The newest earlier revision whose workflow succeeded.
    list.retain(|r| {
        num(r) < current
            && r.labels()
                .get(roam_controller::LABEL_REVISION_SUCCEEDED)
                .map(String::as_str)
                == Some("true")
    });
    let Some(prev) = list.into_iter().max_by_key(num) else {
        eprintln!(
            "application {}: no earlier revision whose workflow succeeded to roll back to (current: {})",
            t.name,
            st.latest_revision.map(|r| r.name).unwrap_or_default()
        );
        return Ok(ExitCode::from(EXIT_REFUSED));
    };
    let spec = prev
        .spec
        .application
        .get("spec")
        .cloned()
        .ok_or_else(|| format!("revision {} holds no application spec", prev.name_any()))?;
    app.spec = serde_json::from_value(spec).map_err(|e| {
        format!(
            "revision {}: the stored spec does not read: {e}",
            prev.name_any()
        )
    })?;
    app.metadata.managed_fields = None;
    t.apps
        .replace(&t.name, &PostParams::default(), &app)
        .await
        .map_err(|e| api_error(e, &t.name))?;
    println!(
        "application {}: spec rolled back to revision {}; the workflow runs it again",
        t.name,
        prev.name_any()
    );
    Ok(ExitCode::SUCCESS)
}

async fn logs(a: StepArgs) -> Result<ExitCode, String> {
    let t = a.app.target().await?;
    let app = t.get().await?;
    let Some(wf) = app.status.and_then(|s| s.workflow) else {
        return Err(format!("application {}: no workflow has run yet", t.name));
    };
    if let Some(s) = &a.step {
        check_step(&wf, s)?;
    }
    let cms: Api<ConfigMap> = Api::namespaced(t.client.clone(), &t.namespace);
    let cm = cms
        .get_opt(&roam_workflow::context::configmap_name(&t.name))
        .await
        .map_err(|e| e.to_string())?;
    let (ctx, _) = ContextData::from_data(&cm.and_then(|c| c.data).unwrap_or_default());
    let mut steps = wf.steps;
    let mut printed = 0;
    all_steps(&mut steps, &mut |s| {
        if a.step.as_ref().is_some_and(|n| *n != s.name) {
            return;
        }
        let Some(m) = ctx.steps.get(&s.id) else {
            return;
        };
        for line in &m.logs {
            println!("{}: {line}", s.name);
            printed += 1;
        }
    });
    if printed == 0 {
        eprintln!(
            "application {}: no step has logged anything{} (steps log with util.#Log)",
            t.name,
            a.step.map(|s| format!(" in step {s}")).unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

async fn list(a: ListArgs) -> Result<ExitCode, String> {
    let t = a.app.target().await?;
    let app = t.get().await?;
    let Some(wf) = app.status.and_then(|s| s.workflow) else {
        return Err(format!("application {}: no workflow has run yet", t.name));
    };
    match a.output.as_str() {
        "json" | "yaml" => return print_as(&a.output, &wf),
        "table" => {}
        other => return Err(format!("-o {other}: expected table, json or yaml")),
    }
    let mut table = Table::new();
    table.load_preset(comfy_table::presets::NOTHING);
    table.set_header(["STEP", "TYPE", "PHASE", "REASON", "MESSAGE"]);
    for s in &wf.steps {
        table.add_row([&s.name, &s.type_, &s.phase, &s.reason, &s.message]);
        for sub in &s.sub_steps {
            table.add_row([
                &format!("  └ {}", sub.name),
                &sub.type_,
                &sub.phase,
                &sub.reason,
                &sub.message,
            ]);
        }
    }
    println!(
        "application {} · workflow {} ({}) · revision {}",
        t.name, wf.status, wf.mode, wf.app_revision
    );
    println!("{table}");
    Ok(ExitCode::SUCCESS)
}
