//! A real Kubernetes control plane for roam's end-to-end tests: `etcd` and
//! `kube-apiserver` (as built by `scripts/test-deps`) on free loopback ports,
//! with generated certificates, a static bearer token and service-account
//! signing keys.
//!
//! ```no_run
//! let Some(bins) = roam_testenv::Binaries::or_skip("my test") else { return };
//! let api = roam_testenv::KubeApiserver::start(&bins).expect("starts");
//! let kubeconfig = api.kubeconfig("default");
//! ```
//!
//! There is no kube-controller-manager and no kubelet: nothing garbage-collects
//! owned objects, finalizes namespaces or turns Deployments into ReplicaSets
//! (`docs/compatibility.md`).
//!
//! Processes are killed (their whole process group) when the
//! [`KubeApiserver`] is dropped, at process exit for the [`shared`] one, and by
//! the kernel (`PR_SET_PDEATHSIG`) if the test process dies any other way. All
//! children are spawned by one long-lived thread, because the death signal
//! follows the thread that forked, not the process.
//!
//! This crate knows nothing of roam; it is a dev-dependency only.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The Kubernetes release `scripts/test-deps` builds (keep the two in step).
pub const KUBE_VERSION: &str = "v1.32.13";
/// The etcd release `scripts/test-deps` builds.
pub const ETCD_VERSION: &str = "v3.5.21";

/// The bearer token every harness apiserver accepts (user `roam-test`, group
/// `system:masters`).
pub const TOKEN: &str = "roam-testenv-token-0123456789abcdef";

/// Where the binaries are.
#[derive(Clone, Debug)]
pub struct Binaries {
    pub kube_apiserver: PathBuf,
    pub etcd: PathBuf,
}

fn tools_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("ROAM_TOOLS_DIR") {
        return Some(PathBuf::from(d));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("roam").join("tools"))
}

/// Whether this is a CI run (`CI=true`), where missing binaries are a failure.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

impl Binaries {
    /// `$ROAM_KUBE_APISERVER` and `$ROAM_ETCD`, else the paths
    /// `scripts/test-deps` installs to (`$ROAM_TOOLS_DIR`, default
    /// `~/.cache/roam/tools`). An error says what is missing and how to get it.
    pub fn find() -> Result<Binaries, String> {
        let pick = |var: &str, name: &str, version: &str| -> Result<PathBuf, String> {
            let p = match std::env::var_os(var) {
                Some(p) if !p.is_empty() => PathBuf::from(p),
                _ => tools_dir()
                    .ok_or_else(|| format!("{var} is not set and there is no HOME"))?
                    .join(format!("{name}-{version}"))
                    .join("bin")
                    .join(name),
            };
            if p.is_file() {
                Ok(p)
            } else {
                Err(format!(
                    "{name} not found at {} (run scripts/test-deps, or set {var})",
                    p.display()
                ))
            }
        };
        Ok(Binaries {
            kube_apiserver: pick("ROAM_KUBE_APISERVER", "kube-apiserver", KUBE_VERSION)?,
            etcd: pick("ROAM_ETCD", "etcd", ETCD_VERSION)?,
        })
    }

    /// The binaries, or `None` after printing a visible notice that `what` is
    /// skipped. Under `CI=true` a missing binary panics instead: CI must run
    /// against the real apiserver.
    pub fn or_skip(what: &str) -> Option<Binaries> {
        match Binaries::find() {
            Ok(b) => Some(b),
            Err(e) if in_ci() => panic!("CI=true but the real apiserver is unavailable: {e}"),
            Err(e) => {
                eprintln!("NOTICE: skipping {what} against kube-apiserver: {e}");
                None
            }
        }
    }
}

/// A running etcd + kube-apiserver pair.
pub struct KubeApiserver {
    /// `https://127.0.0.1:<port>`.
    pub url: String,
    /// The CA that signed the serving certificate (PEM).
    pub ca_pem: String,
    /// The address, for clients that talk HTTP themselves.
    pub addr: std::net::SocketAddr,
    etcd: Mutex<Option<Child>>,
    apiserver: Mutex<Option<Child>>,
    dir: Mutex<Option<tempfile::TempDir>>,
}

impl std::fmt::Debug for KubeApiserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeApiserver")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// The one apiserver of this test process, started on first use and killed
/// when the process exits; `None` (after a notice) when the binaries are
/// missing outside CI. Tests sharing it isolate themselves by namespace.
/// Panics if it fails to start, or under `CI=true` when the binaries are
/// missing.
///
/// Blocks while starting (several seconds): from async code call it through
/// `tokio::task::spawn_blocking`.
pub fn shared(what: &str) -> Option<&'static KubeApiserver> {
    static SHARED: OnceLock<Result<KubeApiserver, String>> = OnceLock::new();
    let bins = Binaries::or_skip(what)?;
    let r = SHARED.get_or_init(|| {
        let r = KubeApiserver::start(&bins);
        if r.is_ok() {
            extern "C" fn stop_shared() {
                if let Some(Ok(api)) = SHARED.get() {
                    api.stop();
                }
            }
            // SAFETY: registers a plain function; it only sends signals and
            // removes the temporary directory.
            unsafe { libc::atexit(stop_shared) };
        }
        r
    });
    match r {
        Ok(api) => Some(api),
        Err(e) => panic!("the shared kube-apiserver did not start: {e}"),
    }
}

/// Spawns `cmd` from the long-lived spawner thread, in its own process group,
/// with `PR_SET_PDEATHSIG(SIGKILL)`.
fn spawn(cmd: Command) -> std::io::Result<Child> {
    type Job = (Command, mpsc::Sender<std::io::Result<Child>>);
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let tx = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("roam-testenv-spawner".into())
            .spawn(move || {
                // Lives as long as the process (the sender is in a static).
                for (mut cmd, reply) in rx {
                    let _ = reply.send(spawn_here(&mut cmd));
                }
            })
            .expect("spawner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    tx.lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((cmd, reply_tx))
        .map_err(|_| std::io::Error::other("spawner thread gone"))?;
    reply_rx
        .recv()
        .map_err(|_| std::io::Error::other("spawner thread gone"))?
}

fn spawn_here(cmd: &mut Command) -> std::io::Result<Child> {
    use std::os::unix::process::CommandExt;
    // SAFETY: getpid is async-signal-safe; called before fork.
    let parent = unsafe { libc::getpid() };
    cmd.process_group(0);
    // SAFETY: only async-signal-safe calls (prctl, getppid, _exit) between
    // fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    cmd.spawn()
}

fn free_port() -> Result<u16, String> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    Ok(l.local_addr().map_err(|e| format!("addr: {e}"))?.port())
}

fn tail(path: &Path, lines: usize) -> String {
    let mut s = String::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = f.read_to_string(&mut s);
    }
    let all: Vec<&str> = s.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

struct Certs {
    ca_pem: String,
    cert_pem: String,
    key_pem: String,
    sa_key_pem: String,
    sa_pub_pem: String,
}

fn certs() -> Result<Certs, String> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };
    let err = |e: rcgen::Error| format!("generating certificates: {e}");
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "roam-testenv CA");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate().map_err(err)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(err)?;
    let hosts: Vec<String> = [
        "127.0.0.1",
        "localhost",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "10.0.0.1",
    ]
    .map(String::from)
    .to_vec();
    let mut leaf = CertificateParams::new(hosts).map_err(err)?;
    leaf.distinguished_name
        .push(DnType::CommonName, "kube-apiserver");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let key = KeyPair::generate().map_err(err)?;
    let cert = leaf
        .signed_by(&key, &Issuer::new(ca, ca_key))
        .map_err(err)?;
    // Service-account tokens are signed with an ECDSA P-256 key (ES256).
    let sa = KeyPair::generate().map_err(err)?;
    Ok(Certs {
        ca_pem: ca_cert.pem(),
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        sa_key_pem: sa.serialize_pem(),
        sa_pub_pem: sa.public_key_pem(),
    })
}

fn kill_group(child: &mut Child, wait: bool) {
    let pid = child.id() as libc::pid_t;
    // SAFETY: plain syscall; the child leads its own process group.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
    if wait {
        let _ = child.wait();
    }
}

/// How to run the pair.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// etcd fsyncs its writes (its default). Off for tests (`--unsafe-no-fsync`,
    /// as envtest); on for benchmarks comparing durable writes.
    pub fsync: bool,
}

impl KubeApiserver {
    /// Starts etcd (without fsync) and kube-apiserver and waits until `/readyz`
    /// answers 200 (up to two minutes). Blocks; from async code use
    /// `spawn_blocking`.
    pub fn start(bins: &Binaries) -> Result<KubeApiserver, String> {
        Self::start_with(bins, &Options::default())
    }

    /// [`KubeApiserver::start`] with options.
    pub fn start_with(bins: &Binaries, opts: &Options) -> Result<KubeApiserver, String> {
        let t0 = Instant::now();
        let dir = tempfile::Builder::new()
            .prefix("roam-testenv-")
            .tempdir()
            .map_err(|e| format!("temp dir: {e}"))?;
        let d = dir.path();
        let c = certs()?;
        let write = |name: &str, text: &str| -> Result<PathBuf, String> {
            let p = d.join(name);
            std::fs::write(&p, text).map_err(|e| format!("writing {}: {e}", p.display()))?;
            Ok(p)
        };
        let ca = write("ca.pem", &c.ca_pem)?;
        let cert = write("apiserver.pem", &c.cert_pem)?;
        let key = write("apiserver-key.pem", &c.key_pem)?;
        let sa = write("sa-key.pem", &c.sa_key_pem)?;
        let sa_pub = write("sa.pem", &c.sa_pub_pem)?;
        let tokens = write(
            "tokens.csv",
            &format!("{TOKEN},roam-test,roam-test,\"system:masters\"\n"),
        )?;

        let (client_port, peer_port, port) = (free_port()?, free_port()?, free_port()?);
        let etcd_url = format!("http://127.0.0.1:{client_port}");
        let peer_url = format!("http://127.0.0.1:{peer_port}");
        // stdout and stderr share one file (and its offset).
        let log = |name: &str| -> Result<(Stdio, Stdio), String> {
            let f = std::fs::File::create(d.join(name)).map_err(|e| format!("log file: {e}"))?;
            let g = f.try_clone().map_err(|e| format!("log file: {e}"))?;
            Ok((Stdio::from(f), Stdio::from(g)))
        };
        let (etcd_out, etcd_err) = log("etcd.log")?;
        let (api_out, api_err) = log("kube-apiserver.log")?;

        let mut etcd = Command::new(&bins.etcd);
        etcd.current_dir(d)
            .args(["--name", "roam-testenv"])
            .arg(format!("--data-dir={}", d.join("etcd").display()))
            .arg(format!("--listen-client-urls={etcd_url}"))
            .arg(format!("--advertise-client-urls={etcd_url}"))
            .arg(format!("--listen-peer-urls={peer_url}"))
            .arg(format!("--initial-advertise-peer-urls={peer_url}"))
            .arg(format!("--initial-cluster=roam-testenv={peer_url}"))
            .arg("--log-level=warn")
            .stdin(Stdio::null())
            .stdout(etcd_out)
            .stderr(etcd_err);
        if !opts.fsync {
            // A throwaway store: no fsync (as envtest).
            etcd.arg("--unsafe-no-fsync");
        }
        let etcd = spawn(etcd).map_err(|e| format!("starting {}: {e}", bins.etcd.display()))?;

        let mut api = Command::new(&bins.kube_apiserver);
        api.current_dir(d)
            .arg(format!("--etcd-servers={etcd_url}"))
            .arg("--bind-address=127.0.0.1")
            .arg("--advertise-address=127.0.0.1")
            .arg(format!("--secure-port={port}"))
            .arg(format!("--cert-dir={}", d.join("certs").display()))
            .arg(format!("--tls-cert-file={}", cert.display()))
            .arg(format!("--tls-private-key-file={}", key.display()))
            .arg(format!("--client-ca-file={}", ca.display()))
            .arg(format!("--token-auth-file={}", tokens.display()))
            .arg("--authorization-mode=RBAC")
            .arg("--service-account-issuer=https://kubernetes.default.svc.cluster.local")
            .arg(format!("--service-account-key-file={}", sa_pub.display()))
            .arg(format!(
                "--service-account-signing-key-file={}",
                sa.display()
            ))
            .arg("--service-cluster-ip-range=10.0.0.0/24")
            // No controller-manager creates `default` service accounts, so the
            // ServiceAccount admission plugin would reject every Pod.
            .arg("--disable-admission-plugins=ServiceAccount")
            .arg("--allow-privileged=true")
            .arg("--profiling=false")
            .stdin(Stdio::null())
            .stdout(api_out)
            .stderr(api_err);
        let apiserver = match spawn(api) {
            Ok(c) => c,
            Err(e) => {
                let mut etcd = etcd;
                kill_group(&mut etcd, true);
                return Err(format!("starting {}: {e}", bins.kube_apiserver.display()));
            }
        };
        let addr: std::net::SocketAddr = ([127, 0, 0, 1], port).into();
        let me = KubeApiserver {
            url: format!("https://{addr}"),
            ca_pem: c.ca_pem,
            addr,
            etcd: Mutex::new(Some(etcd)),
            apiserver: Mutex::new(Some(apiserver)),
            dir: Mutex::new(Some(dir)),
        };
        if let Err(e) = me.wait_ready(Duration::from_secs(120)) {
            let d = me.dir.lock().unwrap_or_else(|e| e.into_inner());
            let d = d.as_ref().map(|d| d.path().to_owned()).unwrap_or_default();
            return Err(format!(
                "{e}\n--- kube-apiserver.log (tail) ---\n{}\n--- etcd.log (tail) ---\n{}",
                tail(&d.join("kube-apiserver.log"), 30),
                tail(&d.join("etcd.log"), 15)
            ));
        }
        eprintln!(
            "roam-testenv: kube-apiserver {KUBE_VERSION} + etcd {ETCD_VERSION} ready at {} in {:.1} s",
            me.url,
            t0.elapsed().as_secs_f64()
        );
        Ok(me)
    }

    fn exited(&self) -> Option<String> {
        for (name, c) in [("etcd", &self.etcd), ("kube-apiserver", &self.apiserver)] {
            let mut c = c.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(child) = c.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Some(format!("{name} exited early ({status})"));
            }
        }
        None
    }

    fn wait_ready(&self, limit: Duration) -> Result<(), String> {
        let kubeconfig = self.kubeconfig("default");
        // A thread of our own: callers may be inside an async runtime.
        std::thread::scope(|s| {
            s.spawn(|| {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("runtime: {e}"))?;
                rt.block_on(async {
                    let client = client_for(&kubeconfig).await?;
                    let start = Instant::now();
                    let mut last;
                    loop {
                        if let Some(e) = self.exited() {
                            return Err(e);
                        }
                        let req = http::Request::get("/readyz")
                            .body(Vec::new())
                            .map_err(|e| e.to_string())?;
                        match client.request_text(req).await {
                            Ok(t) if t.trim() == "ok" => return Ok(()),
                            Ok(t) => last = t,
                            Err(e) => last = e.to_string(),
                        }
                        if start.elapsed() > limit {
                            return Err(format!(
                                "kube-apiserver not ready after {limit:?}: {last}"
                            ));
                        }
                        tokio::time::sleep(Duration::from_millis(250)).await;
                    }
                })
            })
            .join()
            .unwrap_or_else(|_| Err("readiness check panicked".into()))
        })
    }

    /// A kubeconfig (token auth, the generated CA) whose context defaults to
    /// `namespace`.
    pub fn kubeconfig(&self, namespace: &str) -> String {
        kubeconfig(&self.url, &self.ca_pem, namespace)
    }

    /// A kube client for the apiserver, defaulting to `namespace`.
    pub async fn client(&self, namespace: &str) -> kube::Client {
        client_for(&self.kubeconfig(namespace))
            .await
            .expect("kube client for the harness apiserver")
    }

    /// The process ids of kube-apiserver and etcd (for measuring them).
    pub fn pids(&self) -> Vec<u32> {
        [&self.apiserver, &self.etcd]
            .iter()
            .filter_map(|c| {
                c.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .as_ref()
                    .map(Child::id)
            })
            .collect()
    }

    /// Kills both processes (their process groups) and removes the data.
    fn stop(&self) {
        for c in [&self.apiserver, &self.etcd] {
            let mut c = c.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(mut child) = c.take() {
                kill_group(&mut child, true);
            }
        }
        if let Some(d) = self.dir.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = d.close();
        }
    }
}

impl Drop for KubeApiserver {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Kubeconfig text for `url` with the harness token and `ca_pem`.
pub fn kubeconfig(url: &str, ca_pem: &str, namespace: &str) -> String {
    use std::fmt::Write;
    let b64 = base64(ca_pem.as_bytes());
    let mut s = String::new();
    let _ = write!(
        s,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: kube\n  cluster:\n    server: {url}\n    \
         certificate-authority-data: {b64}\nusers:\n- name: kube\n  user:\n    token: {TOKEN}\n\
         contexts:\n- name: kube\n  context:\n    cluster: kube\n    user: kube\n    \
         namespace: {namespace}\ncurrent-context: kube\n"
    );
    s
}

async fn client_for(kubeconfig: &str) -> Result<kube::Client, String> {
    let kc = kube::config::Kubeconfig::from_yaml(kubeconfig).map_err(|e| e.to_string())?;
    let config = kube::Config::from_custom_kubeconfig(kc, &Default::default())
        .await
        .map_err(|e| e.to_string())?;
    kube::Client::try_from(config).map_err(|e| e.to_string())
}

fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_pads() {
        assert_eq!(super::base64(b"a"), "YQ==");
        assert_eq!(super::base64(b"ab"), "YWI=");
        assert_eq!(super::base64(b"abc"), "YWJj");
    }
}
