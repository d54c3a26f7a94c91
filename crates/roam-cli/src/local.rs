//! `roam local`: run the embedded Kubernetes-compatible API server on this machine.
//!
//! A data directory (default `$ROAM_HOME/local`, `$ROAM_HOME` defaulting to
//! `~/.roam`) holds everything: `store.redb` (the objects), `token` (the bearer
//! token), `ca.pem`, `server.pem`, `server-key.pem` (TLS), `server.json` (where
//! the server listens and its pid) and `server.log` (background mode).

use clap::{Args, Subcommand};
use roam_apiserver::{ApiServer, Store, TlsMaterial};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// The default port (kube-apiserver's and k3s's).
const DEFAULT_PORT: u16 = 6443;

#[derive(Subcommand)]
pub enum LocalCommand {
    /// Create the data directory, bearer token and TLS certificates (start does this too).
    Init(DataDir),
    /// Start the local API server (in the background unless --foreground).
    Start {
        #[command(flatten)]
        data: DataDir,
        /// Port to listen on.
        #[arg(long, default_value_t = DEFAULT_PORT)]
        port: u16,
        /// Address to listen on; beyond loopback (e.g. 0.0.0.0) the certificate
        /// also names the address (or, for 0.0.0.0, this machine's host name).
        #[arg(long, default_value = "127.0.0.1")]
        address: std::net::IpAddr,
        /// Stay in the foreground and log to standard error.
        #[arg(long)]
        foreground: bool,
        #[command(flatten)]
        sim: SimulatorArgs,
    },
    /// Stop the background server.
    Stop(DataDir),
    /// Say whether the server is running, and where.
    Status(DataDir),
    /// Print a kubeconfig for the local server (for kubectl and roam).
    Kubeconfig(DataDir),
    /// Delete every stored object (stops the server first if it runs).
    Reset {
        #[command(flatten)]
        data: DataDir,
        /// Also delete the bearer token and TLS certificates (old kubeconfigs stop working).
        #[arg(long)]
        all: bool,
    },
}

/// The workload-status simulator's options for `roam local start`.
#[derive(Args, Clone)]
pub struct SimulatorArgs {
    /// Do not run the workload-status simulator.
    #[arg(long)]
    no_simulator: bool,
    /// How long simulated workloads take to become ready (e.g. 2s, 500ms).
    #[arg(long, default_value = "1s", value_parser = roam_apiserver::simulator::parse_delay)]
    simulate_delay: Duration,
    /// Also create simulated Pods for workloads.
    #[arg(long)]
    simulate_pods: bool,
    /// Do not run the application controller in the server's process.
    #[arg(long)]
    no_controller: bool,
}

impl SimulatorArgs {
    /// The same options as command-line arguments (for the background child).
    fn to_args(&self) -> Vec<String> {
        let mut out = vec![format!(
            "--simulate-delay={}ms",
            self.simulate_delay.as_millis()
        )];
        if self.no_simulator {
            out.push("--no-simulator".into());
        }
        if self.simulate_pods {
            out.push("--simulate-pods".into());
        }
        if self.no_controller {
            out.push("--no-controller".into());
        }
        out
    }
}

#[derive(Args)]
pub struct DataDir {
    /// Data directory [default: $ROAM_HOME/local, $ROAM_HOME defaults to ~/.roam].
    #[arg(long = "data-dir")]
    data_dir: Option<PathBuf>,
}

impl DataDir {
    fn path(&self) -> Result<PathBuf, String> {
        if let Some(d) = &self.data_dir {
            return Ok(d.clone());
        }
        let home = match std::env::var_os("ROAM_HOME") {
            Some(h) if !h.is_empty() => PathBuf::from(h),
            _ => {
                let home = std::env::var_os("HOME")
                    .filter(|h| !h.is_empty())
                    .ok_or("neither --data-dir, $ROAM_HOME nor $HOME is set")?;
                PathBuf::from(home).join(".roam")
            }
        };
        Ok(home.join("local"))
    }
}

/// The kubeconfig of the local control plane in the default data
/// directory, starting it (with the controller and simulator) if it is not
/// running. For `roam up` and friends when no kubeconfig is given.
pub fn ensure_running() -> Result<String, String> {
    let dir = DataDir { data_dir: None }.path()?;
    let running = ServerInfo::read(&dir).filter(|i| pid_alive(i.pid) && i.answering());
    let info = match running {
        Some(i) => i,
        None => {
            init(&dir)?;
            eprintln!("roam: no kubeconfig given; starting the local control plane");
            start_background(
                &dir,
                std::net::IpAddr::from([127, 0, 0, 1]),
                DEFAULT_PORT,
                &SimulatorArgs {
                    no_simulator: false,
                    simulate_delay: Duration::from_secs(1),
                    simulate_pods: false,
                    no_controller: false,
                },
            )?;
            ServerInfo::read(&dir).ok_or("the local control plane did not start")?
        }
    };
    let token = read(&dir.join("token"))?;
    let ca = read(&dir.join("ca.pem"))?;
    Ok(roam_apiserver::kubeconfig(
        &info.url,
        token.trim(),
        Some(&ca),
        "roam-local",
    ))
}

pub fn run(cmd: LocalCommand) -> Result<ExitCode, String> {
    match cmd {
        LocalCommand::Init(d) => {
            let dir = d.path()?;
            init(&dir)?;
            println!("initialised {}", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        LocalCommand::Start {
            data,
            port,
            address,
            foreground,
            sim,
        } => {
            let dir = data.path()?;
            init(&dir)?;
            ensure_tls_hosts(&dir, address)?;
            if foreground {
                start_foreground(&dir, address, port, &sim)
            } else {
                start_background(&dir, address, port, &sim)
            }
        }
        LocalCommand::Reset { data, all } => reset(&data.path()?, all),
        LocalCommand::Stop(d) => stop(&d.path()?),
        LocalCommand::Status(d) => status(&d.path()?),
        LocalCommand::Kubeconfig(d) => {
            let dir = d.path()?;
            let token = read(&dir.join("token"))?;
            let ca = read(&dir.join("ca.pem"))?;
            let url = match ServerInfo::read(&dir) {
                Some(info) => info.url,
                None => format!("https://127.0.0.1:{DEFAULT_PORT}"),
            };
            print!(
                "{}",
                roam_apiserver::kubeconfig(&url, token.trim(), Some(&ca), "roam-local")
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| {
        format!(
            "{}: {e} (run `roam local init` or `roam local start` first)",
            path.display()
        )
    })
}

/// Writes `text` to `path` readable by the owner only.
fn write_private(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    f.write_all(text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Creates the data directory, token and certificates if missing.
fn init(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let token = dir.join("token");
    if !token.exists() {
        write_private(&token, &roam_apiserver::generate_token())?;
    }
    if !dir.join("ca.pem").exists() || !dir.join("server-key.pem").exists() {
        write_tls(dir, &["127.0.0.1".into(), "localhost".into()])?;
    }
    Ok(())
}

/// Generates a CA and serving certificate for `hosts`, recorded in `tls-hosts`.
fn write_tls(dir: &Path, hosts: &[String]) -> Result<(), String> {
    let tls = TlsMaterial::generate(hosts)?;
    write_private(&dir.join("server-key.pem"), &tls.key_pem)?;
    write_private(&dir.join("server.pem"), &tls.cert_pem)?;
    write_private(&dir.join("ca.pem"), &tls.ca_pem)?;
    write_private(&dir.join("tls-hosts"), &hosts.join("\n"))
}

/// Makes sure the serving certificate names what clients of `address` connect to;
/// if not, new certificates (and a new CA) are generated.
fn ensure_tls_hosts(dir: &Path, address: std::net::IpAddr) -> Result<(), String> {
    if address.is_loopback() {
        return Ok(());
    }
    let mut hosts: Vec<String> = std::fs::read_to_string(dir.join("tls-hosts"))
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_else(|_| vec!["127.0.0.1".into(), "localhost".into()]);
    let wanted = if address.is_unspecified() {
        std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .into_iter()
            .collect::<Vec<_>>()
    } else {
        vec![address.to_string()]
    };
    let missing: Vec<String> = wanted.into_iter().filter(|h| !hosts.contains(h)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    hosts.extend(missing);
    write_tls(dir, &hosts)?;
    eprintln!(
        "roam local: new certificates for {} (a new CA: print the kubeconfig again)",
        hosts.join(", ")
    );
    Ok(())
}

/// Where clients on this machine reach a server listening on `address`.
fn connect_host(address: std::net::IpAddr) -> String {
    match address {
        a if a.is_unspecified() => "127.0.0.1".into(),
        std::net::IpAddr::V6(a) => format!("[{a}]"),
        a => a.to_string(),
    }
}

/// `server.json`: where a started server listens.
struct ServerInfo {
    url: String,
    /// The host clients on this machine connect to.
    host: String,
    port: u16,
    pid: u32,
}

impl ServerInfo {
    fn read(dir: &Path) -> Option<ServerInfo> {
        let text = std::fs::read_to_string(dir.join("server.json")).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        Some(ServerInfo {
            url: v["url"].as_str()?.to_string(),
            host: v["host"].as_str().unwrap_or("127.0.0.1").to_string(),
            port: u16::try_from(v["port"].as_u64()?).ok()?,
            pid: u32::try_from(v["pid"].as_u64()?).ok()?,
        })
    }

    fn write(&self, dir: &Path) -> Result<(), String> {
        let v = serde_json::json!({"url": self.url, "host": self.host, "port": self.port, "pid": self.pid});
        write_private(&dir.join("server.json"), &v.to_string())
    }

    fn answering(&self) -> bool {
        use std::net::ToSocketAddrs;
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        (host, self.port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .is_some_and(|addr| {
                std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_ok()
            })
    }
}

fn pid_alive(pid: u32) -> bool {
    // A zombie (exited, not yet reaped — containers often have no init that
    // reaps) holds no files or locks: it counts as gone.
    if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        let state = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next());
        return state != Some("Z");
    }
    Path::new(&format!("/proc/{pid}")).exists()
        || std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
}

fn start_foreground(
    dir: &Path,
    address: std::net::IpAddr,
    port: u16,
    sim: &SimulatorArgs,
) -> Result<ExitCode, String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    rt.block_on(async move {
        let tls = TlsMaterial {
            ca_pem: read(&dir.join("ca.pem"))?,
            cert_pem: read(&dir.join("server.pem"))?,
            key_pem: read(&dir.join("server-key.pem"))?,
        };
        let token = read(&dir.join("token"))?.trim().to_string();
        let db = dir.join("store.redb");
        // A server on this directory that was just stopped may still be
        // releasing the store: retry for a few seconds before giving up.
        let mut opened = Store::open(&db);
        for _ in 0..50 {
            match &opened {
                Err(e) if e.to_string().contains("already open") => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    opened = Store::open(&db);
                }
                _ => break,
            }
        }
        let store = opened.map_err(|e| {
            format!(
                "{e} (is another `roam local` server using {}?)",
                dir.display()
            )
        })?;
        let server = ApiServer::new(Arc::new(store), Some(token))
            .map_err(|e| format!("starting the API server: {}", e.message))?;
        let listener = tokio::net::TcpListener::bind((address, port))
            .await
            .map_err(|e| format!("listening on {address}:{port}: {e}"))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let host = connect_host(address);
        let info = ServerInfo {
            url: format!("https://{host}:{port}"),
            host,
            port,
            pid: std::process::id(),
        };
        info.write(dir)?;
        eprintln!(
            "roam local: serving {} (data in {}); `roam local kubeconfig` prints a kubeconfig",
            info.url,
            dir.display()
        );
        // The simulator is a client of the server, in-process (no socket, no TLS).
        let simulator = (!sim.no_simulator).then(|| {
            eprintln!(
                "roam local: simulating workload status (ready after {:?}{}); --no-simulator turns this off",
                sim.simulate_delay,
                if sim.simulate_pods { ", with Pods" } else { "" }
            );
            tokio::spawn(roam_apiserver::simulator::run(
                roam_apiserver::in_process_client(server.clone()),
                roam_apiserver::simulator::Config {
                    delay: sim.simulate_delay,
                    pods: sim.simulate_pods,
                },
            ))
        });
        // roam's CRDs are part of its control plane; the controller runs
        // in-process too (built-in definitions beneath the cluster's).
        crate::deliver::install_crds(&roam_apiserver::in_process_client(server.clone()))
            .await?;
        let controller = (!sim.no_controller).then(|| {
            eprintln!("roam local: running the application controller; --no-controller turns this off");
            let client = roam_apiserver::in_process_client(server.clone());
            tokio::spawn(async move {
                let metrics = std::sync::Arc::new(roam_controller::metrics::Metrics::new());
                if let Err(e) = roam_controller::run(
                    client,
                    roam_controller::Config::default(),
                    metrics,
                    std::future::pending(),
                )
                .await
                {
                    eprintln!("roam local: the controller stopped: {e}");
                }
            })
        });
        // Events expire an hour after their last activity, as kube-apiserver's --event-ttl.
        let expiry = {
            let server = server.clone();
            tokio::spawn(async move {
                let mut every = tokio::time::interval(Duration::from_secs(60));
                loop {
                    every.tick().await;
                    let s = server.clone();
                    let _ = tokio::task::spawn_blocking(move || {
                        s.expire_events(Duration::from_secs(3600))
                    })
                    .await;
                }
            })
        };
        let result = roam_apiserver::serve_tls(listener, server, &tls, shutdown_signal()).await;
        expiry.abort();
        if let Some(task) = simulator {
            task.abort();
        }
        if let Some(task) = controller {
            task.abort();
        }
        let _ = std::fs::remove_file(dir.join("server.json"));
        result.map_err(|e| format!("serving: {e}"))?;
        eprintln!("roam local: stopped");
        Ok(ExitCode::SUCCESS)
    })
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn start_background(
    dir: &Path,
    address: std::net::IpAddr,
    port: u16,
    sim: &SimulatorArgs,
) -> Result<ExitCode, String> {
    if let Some(info) = ServerInfo::read(dir)
        && pid_alive(info.pid)
    {
        return Err(format!(
            "already running at {} (pid {}); `roam local stop` first",
            info.url, info.pid
        ));
    }
    let _ = std::fs::remove_file(dir.join("server.json"));
    let exe = std::env::current_exe().map_err(|e| format!("finding the roam binary: {e}"))?;
    let log_path = dir.join("server.log");
    let log =
        std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let log2 = log.try_clone().map_err(|e| e.to_string())?;
    let mut child = std::process::Command::new(exe)
        .args([
            "local",
            "start",
            "--foreground",
            "--port",
            &port.to_string(),
            "--address",
            &address.to_string(),
        ])
        .args(sim.to_args())
        .arg("--data-dir")
        .arg(dir)
        .stdin(std::process::Stdio::null())
        .stdout(log)
        .stderr(log2)
        .spawn()
        .map_err(|e| format!("starting the server: {e}"))?;
    // Wait until the server has written server.json and accepts connections.
    for _ in 0..200 {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            return Err(format!("the server exited ({status}):\n{log}"));
        }
        if let Some(info) = ServerInfo::read(dir)
            && info.pid == child.id()
            && info.answering()
        {
            println!(
                "roam local: running at {} (pid {}); log in {}",
                info.url,
                info.pid,
                log_path.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!(
        "the server did not come up within 10 s; see {}",
        log_path.display()
    ))
}

fn stop(dir: &Path) -> Result<ExitCode, String> {
    let Some(info) = ServerInfo::read(dir).filter(|i| pid_alive(i.pid)) else {
        println!("roam local: not running");
        return Ok(ExitCode::SUCCESS);
    };
    let status = std::process::Command::new("kill")
        .args(["-TERM", &info.pid.to_string()])
        .status()
        .map_err(|e| format!("signalling pid {}: {e}", info.pid))?;
    if !status.success() {
        return Err(format!("could not signal pid {}", info.pid));
    }
    // Wait for the process itself to end: it holds the store's lock until
    // then, and a restart right after `stop` must be able to take it.
    for _ in 0..200 {
        if !pid_alive(info.pid) {
            println!("roam local: stopped (pid {})", info.pid);
            return Ok(ExitCode::SUCCESS);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("pid {} did not stop within 10 s", info.pid))
}

fn status(dir: &Path) -> Result<ExitCode, String> {
    match ServerInfo::read(dir) {
        Some(info) if pid_alive(info.pid) && info.answering() => {
            println!(
                "roam local: running at {} (pid {}, data in {})",
                info.url,
                info.pid,
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            println!("roam local: not running (data in {})", dir.display());
            Ok(ExitCode::from(1))
        }
    }
}

/// Deletes the stored objects (and with `all` the credentials), stopping a running
/// server first.
fn reset(dir: &Path, all: bool) -> Result<ExitCode, String> {
    if ServerInfo::read(dir).is_some_and(|i| pid_alive(i.pid)) {
        stop(dir)?;
    }
    let mut files = vec!["store.redb", "server.json"];
    if all {
        files.extend([
            "token",
            "ca.pem",
            "server.pem",
            "server-key.pem",
            "tls-hosts",
            "server.log",
        ]);
    }
    for f in files {
        let p = dir.join(f);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(format!("{}: {e}", p.display())),
        }
    }
    println!(
        "roam local: reset {}{}",
        dir.display(),
        if all {
            " (objects, token and certificates deleted)"
        } else {
            " (all objects deleted; token and certificates kept)"
        }
    );
    Ok(ExitCode::SUCCESS)
}
