//! `roam simulate`: the workload-status simulator against any API server.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Args)]
pub struct SimulateArgs {
    /// Kubeconfig of the cluster [default: $KUBECONFIG, then ~/.kube/config].
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Kubeconfig context to use [default: the current context].
    #[arg(long)]
    context: Option<String>,
    /// How long simulated workloads take to become ready (e.g. 2s, 500ms).
    #[arg(long, default_value = "1s", value_parser = roam_apiserver::simulator::parse_delay)]
    delay: Duration,
    /// Also create simulated Pods for workloads.
    #[arg(long)]
    pods: bool,
}

pub fn run(args: SimulateArgs) -> Result<ExitCode, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    rt.block_on(async move {
        let client = roam_apiserver::simulator::client_from_kubeconfig(
            args.kubeconfig.as_deref(),
            args.context.as_deref(),
        )
        .await?;
        let version = client
            .apiserver_version()
            .await
            .map_err(|e| format!("reaching the API server: {e}"))?;
        eprintln!(
            "roam simulate: simulating workload status (server {}; ready after {:?}{}); \
             Ctrl-C stops",
            version.git_version,
            args.delay,
            if args.pods { ", with Pods" } else { "" }
        );
        tokio::select! {
            _ = roam_apiserver::simulator::run(client, roam_apiserver::simulator::Config {
                delay: args.delay,
                pods: args.pods,
            }) => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        Ok(ExitCode::SUCCESS)
    })
}
