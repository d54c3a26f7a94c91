//! Load on the local control plane, as clients see it: HTTP/1.1 over loopback
//! against a server in a child process (this binary re-executed), with the
//! durable redb store in a temporary directory.
//!
//! ```sh
//! cargo bench -p roam-apiserver --bench local_control_plane            # everything
//! cargo bench -p roam-apiserver --bench local_control_plane -- writes  # one part
//! cargo bench -p roam-apiserver --bench local_control_plane -- kube    # the same load
//!                                   # on kube-apiserver + etcd (fsync on; scripts/test-deps;
//!                                   # ROAM_BENCH_ETCD_FSYNC=0 turns etcd's fsync off)
//! ```
//!
//! Parts: `writes` (creates/s and updates/s, 1 and 16 clients), `gets`,
//! `list` (10,000 objects), `watch` (delivery latency to 1,000 watchers),
//! `rss` (server memory with 100,000 objects). Figures go to
//! `docs/benchmarks.md`; nothing here asserts on them.

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};

const NS: &str = "bench";

fn main() {
    if let Ok(dir) = std::env::var("ROAM_BENCH_SERVE") {
        serve(&dir);
        return;
    }
    let mut args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let Some(i) = args.iter().position(|a| a == "kube") {
        args.remove(i);
        KUBE.set(true).unwrap();
        println!(
            "server: kube-apiserver {} + etcd {} (fsync {})",
            roam_testenv::KUBE_VERSION,
            roam_testenv::ETCD_VERSION,
            if etcd_fsync() {
                "on"
            } else {
                "off: ROAM_BENCH_ETCD_FSYNC=0"
            }
        );
    } else {
        println!("server: roam (redb, fsync on)");
    }
    let want = |part: &str| args.is_empty() || args.iter().any(|a| a == part);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        if want("writes") {
            writes().await;
        }
        if want("gets") || want("list") {
            gets_and_list(want("gets"), want("list")).await;
        }
        if want("watch") {
            watch().await;
        }
        if want("rss") {
            rss().await;
        }
    });
}

/// The child: a server over a redb store in `dir`, on the port it prints.
fn serve(dir: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = roam_apiserver::Store::open(&std::path::Path::new(dir).join("store.redb"))
            .expect("store opens");
        let server = roam_apiserver::ApiServer::new(Arc::new(store), None).expect("server");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap().port());
        use std::io::Write;
        std::io::stdout().flush().unwrap();
        roam_apiserver::serve(listener, server, std::future::pending())
            .await
            .unwrap();
    });
}

/// Whether the load goes to kube-apiserver + etcd instead of roam.
static KUBE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();

fn kube() -> bool {
    KUBE.get().copied().unwrap_or(false)
}

/// etcd fsyncs unless `ROAM_BENCH_ETCD_FSYNC=0` (on a disk shared with other
/// load, fsync'd etcd can time out requests).
fn etcd_fsync() -> bool {
    std::env::var("ROAM_BENCH_ETCD_FSYNC").map_or(true, |v| v != "0")
}

/// A client connection: plain TCP to roam, TLS to kube-apiserver.
trait Stream: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Stream for T {}

struct Server {
    /// roam: the child process; kube: None.
    child: Option<std::process::Child>,
    kube: Option<roam_testenv::KubeApiserver>,
    tls: Option<tokio_rustls::TlsConnector>,
    addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        if kube() {
            let bins = roam_testenv::Binaries::find().expect("kube-apiserver and etcd");
            let api = roam_testenv::KubeApiserver::start_with(
                &bins,
                &roam_testenv::Options {
                    fsync: etcd_fsync(),
                },
            )
            .expect("kube-apiserver starts");
            use tokio_rustls::rustls;
            use tokio_rustls::rustls::pki_types::CertificateDer;
            use tokio_rustls::rustls::pki_types::pem::PemObject;
            let mut roots = rustls::RootCertStore::empty();
            for c in CertificateDer::pem_slice_iter(api.ca_pem.as_bytes()) {
                roots.add(c.unwrap()).unwrap();
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            return Server {
                child: None,
                addr: api.addr,
                kube: Some(api),
                tls: Some(tokio_rustls::TlsConnector::from(Arc::new(config))),
                _dir: tempfile::tempdir().unwrap(),
            };
        }
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .env("ROAM_BENCH_SERVE", dir.path())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        use std::io::BufRead;
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line.trim().parse().expect("the server prints its port");
        Server {
            child: Some(child),
            kube: None,
            tls: None,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            _dir: dir,
        }
    }

    /// The server's resident set size in MiB (kube: kube-apiserver + etcd).
    fn rss_mib(&self) -> f64 {
        let pids: Vec<u32> = match (&self.child, &self.kube) {
            (Some(c), _) => vec![c.id()],
            (None, Some(k)) => k.pids(),
            _ => Vec::new(),
        };
        pids.iter()
            .map(|pid| {
                std::fs::read_to_string(format!("/proc/{pid}/status"))
                    .unwrap_or_default()
                    .lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                    .map(|kb| kb / 1024.0)
                    .unwrap_or(f64::NAN)
            })
            .sum()
    }

    /// A connected stream (TLS to kube-apiserver).
    async fn stream(&self) -> Pin<Box<dyn Stream>> {
        let stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        stream.set_nodelay(true).unwrap();
        match &self.tls {
            Some(tls) => {
                let name = tokio_rustls::rustls::pki_types::ServerName::try_from("127.0.0.1")
                    .unwrap()
                    .to_owned();
                Box::pin(tls.connect(name, stream).await.unwrap())
            }
            None => Box::pin(stream),
        }
    }

    async fn conn(&self) -> SendRequest<Full<Bytes>> {
        let stream = self.stream().await;
        let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(conn);
        send
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(c) = &mut self.child {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

async fn request(
    c: &mut SendRequest<Full<Bytes>>,
    method: &str,
    path: &str,
    ct: &str,
    body: Vec<u8>,
) -> (u16, Bytes) {
    c.ready().await.unwrap();
    let req = hyper::Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("authorization", format!("Bearer {}", roam_testenv::TOKEN))
        .header("content-type", ct)
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let resp = c.send_request(req).await.unwrap();
    let code = resp.status().as_u16();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    (code, body)
}

fn configmap(name: &str, extra: &str) -> Vec<u8> {
    format!(
        r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}","labels":{{"app":"bench","tier":"load"}}{extra}}},"data":{{"greeting":"hello","config.yaml":"key: value\nother: 1234567890\nlist: [a, b, c]\n"}}}}"#
    )
    .into_bytes()
}

async fn ensure_namespace(srv: &Server) {
    let mut c = srv.conn().await;
    let body = format!(r#"{{"apiVersion":"v1","kind":"Namespace","metadata":{{"name":"{NS}"}}}}"#);
    let (code, _) = request(
        &mut c,
        "POST",
        "/api/v1/namespaces",
        "application/json",
        body.into_bytes(),
    )
    .await;
    assert!(code == 201 || code == 409, "namespace: {code}");
}

/// Runs `total` operations over `clients` connections; `op(conn, i)` does operation i.
async fn run<F, Fut>(srv: &Server, clients: usize, total: usize, op: F) -> f64
where
    F: Fn(SendRequest<Full<Bytes>>, usize) -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = SendRequest<Full<Bytes>>> + Send,
{
    let next = Arc::new(AtomicUsize::new(0));
    let mut conns = Vec::new();
    for _ in 0..clients {
        conns.push(srv.conn().await);
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for mut c in conns {
        let next = next.clone();
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total {
                    break;
                }
                c = op(c, i).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    total as f64 / start.elapsed().as_secs_f64()
}

async fn create_op(
    mut c: SendRequest<Full<Bytes>>,
    prefix: String,
    i: usize,
) -> SendRequest<Full<Bytes>> {
    let path = format!("/api/v1/namespaces/{NS}/configmaps");
    let (code, body) = request(
        &mut c,
        "POST",
        &path,
        "application/json",
        configmap(&format!("{prefix}-{i}"), ""),
    )
    .await;
    assert_eq!(code, 201, "{}", String::from_utf8_lossy(&body));
    c
}

async fn writes() {
    let srv = Server::start();
    ensure_namespace(&srv).await;
    for clients in [1usize, 16] {
        let total = if clients == 1 { 1_000 } else { 4_000 };
        let prefix = format!("w{clients}");
        let p = prefix.clone();
        let rate = run(&srv, clients, total, move |c, i| create_op(c, p.clone(), i)).await;
        println!("durable creates/s, {clients:>2} client(s): {rate:>8.0}  ({total} ConfigMaps)");
        let p = prefix.clone();
        let rate = run(&srv, clients, total, move |mut c, i| {
            let p = p.clone();
            async move {
                let path = format!("/api/v1/namespaces/{NS}/configmaps/{p}-{i}");
                let patch = format!(r#"{{"data":{{"greeting":"update {i}"}}}}"#);
                let (code, body) = request(
                    &mut c,
                    "PATCH",
                    &path,
                    "application/merge-patch+json",
                    patch.into_bytes(),
                )
                .await;
                assert_eq!(code, 200, "{}", String::from_utf8_lossy(&body));
                c
            }
        })
        .await;
        println!("durable updates/s, {clients:>2} client(s): {rate:>8.0}  (merge PATCH)");
    }
}

async fn seed(srv: &Server, n: usize, prefix: &str) {
    let p = prefix.to_string();
    run(srv, 16, n, move |c, i| create_op(c, p.clone(), i)).await;
}

async fn gets_and_list(gets: bool, list: bool) {
    let srv = Server::start();
    ensure_namespace(&srv).await;
    seed(&srv, 10_000, "o").await;
    if gets {
        for clients in [1usize, 16] {
            let total = if clients == 1 { 20_000 } else { 100_000 };
            let rate = run(&srv, clients, total, |mut c, i| async move {
                let path = format!("/api/v1/namespaces/{NS}/configmaps/o-{}", i % 10_000);
                let (code, _) = request(&mut c, "GET", &path, "application/json", Vec::new()).await;
                assert_eq!(code, 200);
                c
            })
            .await;
            println!("gets/s, {clients:>2} client(s): {rate:>8.0}");
        }
    }
    if list {
        let mut c = srv.conn().await;
        let path = format!("/api/v1/namespaces/{NS}/configmaps");
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..10 {
            let t = Instant::now();
            let (code, body) = request(&mut c, "GET", &path, "application/json", Vec::new()).await;
            assert_eq!(code, 200);
            times.push(t.elapsed());
            bytes = body.len();
        }
        times.sort();
        println!(
            "list of 10,000 ConfigMaps: median {:.1} ms, best {:.1} ms ({:.1} MiB of JSON)",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            bytes as f64 / 1048576.0
        );
        let path = format!("{path}?limit=500");
        let t = Instant::now();
        let mut pages = 0;
        let mut cont = String::new();
        loop {
            let p = if cont.is_empty() {
                path.clone()
            } else {
                format!("{path}&continue={cont}")
            };
            let (code, body) = request(&mut c, "GET", &p, "application/json", Vec::new()).await;
            assert_eq!(code, 200);
            pages += 1;
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            match v["metadata"]["continue"].as_str() {
                Some(next) if !next.is_empty() => cont = next.to_string(),
                _ => break,
            }
        }
        println!(
            "list of 10,000 ConfigMaps in pages of 500 ({pages} requests): {:.1} ms",
            t.elapsed().as_secs_f64() * 1e3
        );
    }
}

async fn watch() {
    const WATCHERS: usize = 1_000;
    const WRITES: usize = 200;
    let srv = Server::start();
    ensure_namespace(&srv).await;
    let base = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Vec<u64>>();
    let ready = Arc::new(AtomicUsize::new(0));
    // Each watcher is a bare TCP connection read in place (no HTTP client), so
    // that the clients take as little of the two cores as possible.
    for _ in 0..WATCHERS {
        let mut stream = srv.stream().await;
        let tx = tx.clone();
        let ready = ready.clone();
        tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let req = format!(
                "GET /api/v1/namespaces/{NS}/configmaps?watch=true&labelSelector=app%3Dwatch HTTP/1.1\r\n\
                 Host: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\r\n",
                roam_testenv::TOKEN
            );
            stream.write_all(req.as_bytes()).await.unwrap();
            let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
            let mut chunk = vec![0u8; 64 * 1024];
            let mut lat = Vec::with_capacity(WRITES);
            let mut headers_done = false;
            while lat.len() < WRITES {
                let n = match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                let now = base.elapsed().as_micros() as u64;
                buf.extend_from_slice(&chunk[..n]);
                if !headers_done {
                    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    buf.drain(..end + 4);
                    headers_done = true;
                    ready.fetch_add(1, Ordering::SeqCst);
                }
                // Events end in a newline; chunk framing in between does not matter.
                while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buf.drain(..=pos).collect();
                    const KEY: &[u8] = b"\"sent\":\"";
                    if let Some(at) = line.windows(KEY.len()).position(|w| w == KEY) {
                        let digits = &line[at + KEY.len()..];
                        let end = digits.iter().position(|b| *b == b'"').unwrap_or(0);
                        if let Some(sent) = std::str::from_utf8(&digits[..end])
                            .ok()
                            .and_then(|s| s.parse::<u64>().ok())
                        {
                            lat.push(now.saturating_sub(sent));
                        }
                    }
                }
            }
            let _ = tx.send(lat);
        });
    }
    drop(tx);
    while ready.load(Ordering::SeqCst) < WATCHERS {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let rss_before = srv.rss_mib();
    let mut c = srv.conn().await;
    let path = format!("/api/v1/namespaces/{NS}/configmaps");
    let start = Instant::now();
    let mut write_lat = Vec::with_capacity(WRITES);
    for i in 0..WRITES {
        let sent = base.elapsed().as_micros();
        let extra = format!(r#","annotations":{{"sent":"{sent}"}}"#);
        let body = configmap(&format!("watched-{i}"), &extra)
            .into_iter()
            .collect::<Vec<u8>>();
        let body = String::from_utf8(body)
            .unwrap()
            .replace(r#""app":"bench""#, r#""app":"watch""#);
        let (code, _) = request(&mut c, "POST", &path, "application/json", body.into_bytes()).await;
        assert_eq!(code, 201);
        write_lat.push(base.elapsed().as_micros() as u64 - sent as u64);
        // 50 writes/s.
        let due = Duration::from_millis(20 * (i as u64 + 1));
        if let Some(wait) = due.checked_sub(start.elapsed()) {
            tokio::time::sleep(wait).await;
        }
    }
    let mut all = Vec::new();
    let mut complete = 0;
    // Per event: the first and the last watcher to see it.
    let mut first = vec![u64::MAX; WRITES];
    let mut last = vec![0u64; WRITES];
    while let Some(lat) = rx.recv().await {
        if lat.len() == WRITES {
            complete += 1;
            for (i, l) in lat.iter().enumerate() {
                first[i] = first[i].min(*l);
                last[i] = last[i].max(*l);
            }
        }
        all.extend(lat);
    }
    all.sort_unstable();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)] as f64 / 1000.0;
    println!(
        "watch delivery, {WATCHERS} watchers, {WRITES} creates at 50/s: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
         ({} deliveries, {complete} watchers saw every event; server RSS {:.0} MiB with the watchers open)",
        pct(0.50),
        pct(0.99),
        pct(1.0),
        all.len(),
        rss_before,
    );
    // Where the time goes: until the first watcher sees an event (the write and
    // its fsync), then until the last one does (the fan-out).
    let mut spread: Vec<u64> = first
        .iter()
        .zip(&last)
        .map(|(f, l)| l.saturating_sub(*f))
        .collect();
    first.sort_unstable();
    spread.sort_unstable();
    write_lat.sort_unstable();
    let at =
        |v: &[u64], p: f64| v[((v.len() as f64 * p) as usize).min(v.len() - 1)] as f64 / 1000.0;
    println!(
        "  per event: first watcher p50 {:.2} ms; last minus first p50 {:.2} ms, p99 {:.2} ms; \
         the create's own response p50 {:.2} ms, p99 {:.2} ms",
        at(&first, 0.5),
        at(&spread, 0.5),
        at(&spread, 0.99),
        at(&write_lat, 0.5),
        at(&write_lat, 0.99),
    );
}

async fn rss() {
    let srv = Server::start();
    ensure_namespace(&srv).await;
    println!("server RSS, empty: {:.0} MiB", srv.rss_mib());
    let t = Instant::now();
    seed(&srv, 100_000, "r").await;
    println!(
        "server RSS with 100,000 ConfigMaps: {:.0} MiB (seeded with 16 clients in {:.0} s)",
        srv.rss_mib(),
        t.elapsed().as_secs_f64()
    );
}
