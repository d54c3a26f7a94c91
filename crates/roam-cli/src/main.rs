//! `roam`: the command-line front end.
//!
//! Exit codes: 0 success; 1 the input has errors (or `fmt --check` found files
//! to reformat; or, for `up --wait`, the application failed); 2 the command
//! line itself is wrong; 3 `--wait` timed out.

mod app;
mod cluster;
mod cue;
mod deliver;
mod local;
mod simulate;
mod workflow;

use clap::{CommandFactory, Parser, Subcommand};
use roam_cue::SourceFile;
use roam_cue::diag::Diagnostic;
use roam_cue::syntax::{self, SyntaxError};
use std::io::{Read, Write};
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "roam",
    version,
    about = "Application delivery for Kubernetes on the Open Application Model"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Work with CUE files: format and export.
    #[command(subcommand)]
    Cue(CueCommand),
    /// Run a local Kubernetes-compatible control plane (`roam local start`, `kubeconfig`, ...).
    #[command(subcommand)]
    Local(local::LocalCommand),
    /// Render an application offline and print the objects it would create.
    DryRun(app::DryRunArgs),
    /// List the component types roam knows (built-in and -d).
    Components(app::ListArgs),
    /// List the trait types.
    Traits(app::ListArgs),
    /// List the policy types.
    Policies(app::ListArgs),
    /// List the workflow step types.
    WorkflowSteps(app::ListArgs),
    /// Show a definition's parameters (type, required, default, description) and an example.
    Show(app::ShowArgs),
    /// Deploy an application (to the local control plane unless a kubeconfig is given).
    Up(deliver::UpArgs),
    /// Show an application's status: workflow, services, health, drift.
    Status(deliver::StatusArgs),
    /// List applications.
    #[command(alias = "list")]
    Ls(deliver::LsArgs),
    /// Delete an application and everything it created.
    Delete(deliver::DeleteArgs),
    /// Operate an application's workflow: suspend, resume, terminate, restart, rollback, logs, list.
    #[command(subcommand)]
    Workflow(workflow::WorkflowCommand),
    /// Register member clusters and manage them: join, list, detach, rename, labels, probe.
    #[command(subcommand)]
    Cluster(cluster::ClusterCommand),
    /// Install roam's CRDs and built-in definitions into a cluster.
    Install(deliver::InstallArgs),
    /// Run the application controller against a cluster.
    Controller(deliver::ControllerArgs),
    /// Work with definitions: init, vet, render, get, list, apply, del, test.
    #[command(subcommand)]
    Def(app::DefCommand),
    /// Simulate workload status (Deployments, Jobs, ...) on an API server without controllers.
    Simulate(simulate::SimulateArgs),
    /// Print a shell completion script.
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Subcommand)]
enum CueCommand {
    /// Print CUE files in canonical format (as `cue fmt` formats them).
    ///
    /// Arguments are files, directories (their `.cue` files) or `dir/...`
    /// (every `.cue` file below, outside `cue.mod`). With no argument, or
    /// `-`, reads standard input.
    Fmt {
        files: Vec<String>,
        /// Print nothing; list the files whose formatting differs and exit 1 if any.
        #[arg(long)]
        check: bool,
        /// Rewrite the files in place instead of printing them.
        #[arg(short, long, conflicts_with = "check")]
        write: bool,
    },
    /// Evaluate CUE files and print the result as CUE (defaults taken).
    Eval(cue::EvalArgs),
    /// Export CUE files as JSON or YAML; every value must be concrete.
    Export(cue::EvalArgs),
    /// Validate CUE files: report errors (and, with -c, non-concrete values).
    Vet(cue::EvalArgs),
    /// Print the evaluated schema, with optional fields and definitions.
    Def(cue::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("roam: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Local(cmd) => local::run(cmd),
        Command::Simulate(args) => simulate::run(args),
        Command::DryRun(a) => app::dry_run(a),
        Command::Components(a) => app::list(roam_render::DefKind::Component, a),
        Command::Traits(a) => app::list(roam_render::DefKind::Trait, a),
        Command::Policies(a) => app::list(roam_render::DefKind::Policy, a),
        Command::WorkflowSteps(a) => app::list(roam_render::DefKind::WorkflowStep, a),
        Command::Show(a) => app::show(a),
        Command::Def(c) => app::def(c),
        Command::Up(a) => deliver::up(a),
        Command::Status(a) => deliver::status(a),
        Command::Ls(a) => deliver::ls(a),
        Command::Workflow(c) => workflow::run(c),
        Command::Delete(a) => deliver::delete(a),
        Command::Cluster(c) => cluster::run(c),
        Command::Install(a) => deliver::install(a),
        Command::Controller(a) => deliver::controller(a),
        Command::Completion { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "roam", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Cue(CueCommand::Fmt {
            files,
            check,
            write,
        }) => fmt(files, check, write),
        Command::Cue(CueCommand::Eval(a)) => cue::run(cue::Mode::Eval, a),
        Command::Cue(CueCommand::Export(a)) => cue::run(cue::Mode::Export, a),
        Command::Cue(CueCommand::Vet(a)) => cue::run(cue::Mode::Vet, a),
        Command::Cue(CueCommand::Def(a)) => cue::run(cue::Mode::Def, a),
    }
}

fn read_input(path: &str) -> Result<Arc<SourceFile>, String> {
    let text = if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("reading standard input: {e}"))?;
        s
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?
    };
    Ok(SourceFile::new(
        if path == "-" { "<stdin>" } else { path },
        text,
    ))
}

fn report(file: &Arc<SourceFile>, errors: &[SyntaxError]) {
    let mut err = std::io::stderr().lock();
    for e in errors {
        let _ = write!(err, "{}", Diagnostic::from_syntax(file, e).render());
    }
}

/// Expands `fmt` arguments: a directory means its `.cue` files, `dir/...`
/// (or `./...`) the `.cue` files below it, skipping `cue.mod` and hidden
/// directories, as `cue fmt` does with packages.
fn expand_cue_args(args: Vec<String>) -> Result<Vec<String>, String> {
    fn walk(dir: &std::path::Path, recursive: bool, out: &mut Vec<String>) -> Result<(), String> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                if recursive && name != "cue.mod" && !name.starts_with('.') {
                    walk(&p, true, out)?;
                }
            } else if name.ends_with(".cue") {
                out.push(p.display().to_string());
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for a in args {
        if let Some(dir) = a.strip_suffix("...") {
            let dir = dir.trim_end_matches('/');
            walk(
                std::path::Path::new(if dir.is_empty() { "." } else { dir }),
                true,
                &mut out,
            )?;
        } else if std::path::Path::new(&a).is_dir() {
            walk(std::path::Path::new(&a), false, &mut out)?;
        } else {
            out.push(a);
        }
    }
    Ok(out)
}

fn fmt(files: Vec<String>, check: bool, write: bool) -> Result<ExitCode, String> {
    let mut files = expand_cue_args(files)?;
    if files.is_empty() {
        if write {
            return Err("fmt --write needs file names".into());
        }
        files.push("-".into());
    }
    let mut failed = false;
    let mut differs = false;
    let mut stdout = std::io::stdout().lock();
    for path in &files {
        let file = read_input(path)?;
        let formatted = match syntax::format::format_source(file.name(), file.text()) {
            Ok(f) => f,
            Err(errors) => {
                report(&file, &errors);
                failed = true;
                continue;
            }
        };
        if check {
            if formatted != file.text() {
                differs = true;
                let _ = writeln!(stdout, "{}", file.name());
            }
        } else if write && path != "-" {
            if formatted != file.text() {
                std::fs::write(path, &formatted).map_err(|e| format!("{path}: {e}"))?;
            }
        } else {
            let _ = stdout.write_all(formatted.as_bytes());
        }
    }
    Ok(if failed || differs {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
