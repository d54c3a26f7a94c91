//! A `roam local` server for CLI tests (controller and simulator in its
//! process) and running the `roam` binary against it.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn roam(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roam"))
        .args(args)
        .env_remove("KUBECONFIG")
        .output()
        .expect("roam runs")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub struct Local {
    _tmp: tempfile::TempDir,
    pub data: PathBuf,
    pub kubeconfig: PathBuf,
}

impl Local {
    pub fn start() -> Local {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let d = data.to_str().unwrap();
        let o = roam(&[
            "local",
            "start",
            "--port",
            "0",
            "--simulate-delay",
            "300ms",
            "--data-dir",
            d,
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let kc = roam(&["local", "kubeconfig", "--data-dir", d]);
        let kubeconfig = tmp.path().join("kubeconfig");
        std::fs::write(&kubeconfig, &kc.stdout).unwrap();
        Local {
            _tmp: tmp,
            data,
            kubeconfig,
        }
    }

    /// Stops the server (its data stays).
    pub fn stop(&self) {
        let o = roam(&["local", "stop", "--data-dir", self.data.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
    }

    /// Starts the server again on the port it had, over the same data.
    pub fn restart(&self) {
        let port = self.port().to_string();
        let o = roam(&[
            "local",
            "start",
            "--port",
            &port,
            "--simulate-delay",
            "300ms",
            "--data-dir",
            self.data.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }

    /// The port the server listens on (from its kubeconfig).
    pub fn port(&self) -> u16 {
        let kc = std::fs::read_to_string(&self.kubeconfig).unwrap();
        let server = kc
            .lines()
            .find_map(|l| l.trim().strip_prefix("server:"))
            .expect("server in kubeconfig")
            .trim()
            .trim_matches('"');
        server.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// A scratch directory that lives as long as the server.
    pub fn dir(&self) -> &std::path::Path {
        self._tmp.path()
    }

    pub fn roam(&self, args: &[&str]) -> Output {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["--kubeconfig", self.kubeconfig.to_str().unwrap()]);
        roam(&a)
    }
}

impl Drop for Local {
    fn drop(&mut self) {
        let _ = roam(&["local", "stop", "--data-dir", self.data.to_str().unwrap()]);
    }
}
