//! Parse throughput over every CUE file of the upstream conformance suite.
//!
//! `cargo bench -p roam-cue --bench parse`; the suite is read in place from
//! `../shared/conformance/cue` (or `ROAM_CUE_CONFORMANCE`).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use roam_cue::syntax::{format, parse_str};
use roam_cue::txtar::Archive;
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn suite_dir() -> PathBuf {
    std::env::var_os("ROAM_CUE_CONFORMANCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cue")
        })
}

fn load(dir: &Path, out: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            load(&p, out);
        } else if p.extension().is_some_and(|e| e == "txtar") {
            let text = std::fs::read_to_string(&p).expect("readable archive");
            for (name, body) in Archive::parse(&text).cue_files() {
                out.push((name.to_string(), body.to_string()));
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let mut files = Vec::new();
    load(&suite_dir(), &mut files);
    if files.is_empty() {
        eprintln!(
            "conformance suite not found at {}; nothing to benchmark",
            suite_dir().display()
        );
        return;
    }
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut g = c.benchmark_group("conformance-suite");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(format!("parse {} files", files.len()), |b| {
        b.iter(|| {
            for (name, body) in &files {
                black_box(parse_str(name, body));
            }
        })
    });
    let parsed: Vec<_> = files.iter().map(|(n, b)| parse_str(n, b).value).collect();
    g.bench_function(format!("format {} files", files.len()), |b| {
        b.iter(|| {
            for f in &parsed {
                black_box(format::format_file(f));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
