//! Renders N distinct copies of the reference app (default 1,000) in one
//! process with one template cache, then prints the wall time, throughput
//! and peak memory (VmHWM from /proc/self/status; Linux only).
//!
//! ```sh
//! cargo run --release -p roam-render --example render_many -- [N] [APP.yaml]
//! /usr/bin/time -v target/release/examples/render_many 1000
//! ```
//!
//! Each app differs in names, image, replicas and ports (as in
//! `benches/render.rs`, `render/many`). `KEEP=1` keeps every rendered app in
//! memory until the end (what a caller that collects the results holds);
//! by default each result is dropped after it is counted.
//! Results: docs/benchmarks.md, "Rendering (issue 4)".

use std::time::Instant;

use roam_api::Application;
use roam_render::{Registry, Renderer, Target, TemplateCache};
use serde_json::Value;

fn vm_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn variant(base: &Value, i: usize) -> Value {
    let mut v = base.clone();
    v["metadata"]["name"] = format!("shop-{i:04}").into();
    let c = &mut v["spec"]["components"][0];
    c["name"] = format!("frontend-{i:04}").into();
    c["properties"]["image"] = format!(
        "registry.example.com/team-{}/svc-{i:04}:1.{}.0",
        i % 17,
        i % 7
    )
    .into();
    if c["properties"]["ports"].is_array() {
        c["properties"]["ports"][0]["port"] = (8000 + (i % 1000) as i64).into();
    }
    if let Some(traits) = c["traits"].as_array_mut() {
        for t in traits {
            match t["type"].as_str() {
                Some("scaler") => t["properties"]["replicas"] = ((i % 5) as i64 + 1).into(),
                Some("expose") => t["properties"]["port"] = serde_json::json!([8000 + (i % 1000)]),
                Some("labels") => t["properties"]["release"] = format!("r{}", i % 3).into(),
                _ => {}
            }
        }
    }
    v
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map_or(1000, |s| s.parse().expect("N is a number"));
    let path = args.next().unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../bench/apps/reference-app.yaml"
        )
        .into()
    });
    let keep = std::env::var("KEEP").is_ok_and(|v| !v.is_empty() && v != "0");
    let rss_start = vm_kib("VmRSS:").unwrap_or(0);

    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let t0 = Instant::now();
    let base = roam_render::yaml::parse_documents(&path, &text)
        .expect("app parses")
        .into_iter()
        .next()
        .expect("one document");
    let apps: Vec<Application> = (0..n)
        .map(|i| serde_json::from_value(variant(&base, i)).expect("an Application"))
        .collect();
    let t_load = t0.elapsed();

    let registry = Registry::builtin();
    let cache = TemplateCache::new();
    let renderer = Renderer::new(registry, &cache);
    let target = Target::default();
    let mut kept = Vec::new();
    let mut objects = 0usize;
    let t1 = Instant::now();
    for a in &apps {
        let r = renderer.render_app(a, &target).expect("renders");
        objects += r
            .components
            .iter()
            .map(|c| c.objects.len() + usize::from(c.workload.is_some()))
            .sum::<usize>();
        if keep {
            kept.push(r);
        }
    }
    let t_render = t1.elapsed();
    let secs = t_render.as_secs_f64();
    println!(
        "rendered {n} apps ({objects} objects) in {:.1} ms: {:.0} apps/s, {:.1} µs/app \
         (loading {n} apps: {:.1} ms; {} templates cached; results kept: {keep})",
        secs * 1e3,
        n as f64 / secs,
        secs * 1e6 / n as f64,
        t_load.as_secs_f64() * 1e3,
        cache.len(),
    );
    println!(
        "memory: VmRSS at start {rss_start} KiB, VmRSS now {} KiB, peak (VmHWM) {} KiB",
        vm_kib("VmRSS:").unwrap_or(0),
        vm_kib("VmHWM:").unwrap_or(0),
    );
    drop(kept);
}
