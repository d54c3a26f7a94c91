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
