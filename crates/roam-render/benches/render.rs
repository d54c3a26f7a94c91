//! Rendering the reference application (issue 4): one webservice with the
//! scaler, labels, env, expose and resource traits
//! (`bench/apps/reference-app.yaml`), with the built-in definitions.
//!
//! `cargo bench -p roam-render --bench render`. Groups:
//!
//! * `render/warm` — one `Renderer` and `TemplateCache` reused: every
//!   template is compiled once, each iteration instantiates, fills, exports
//!   and patches (target ≤ 200 µs median);
//! * `render/cold` — a new `TemplateCache` each iteration: the six templates
//!   are compiled again every time;
//! * `render/phase/*` — where the warm time goes: the component alone, then
//!   the component plus one trait at a time (the trait's cost is the
//!   difference), plus loading the app (YAML → `Application`) and printing
//!   the dry-run text;
//! * `render/many` — 1,000 distinct apps (names, images, replicas, ports
//!   vary) rendered in one process with one cache; throughput in apps/s.
//!
//! Peak memory of the 1,000-app case: `examples/render_many.rs`.
//! Results: docs/benchmarks.md, "Rendering (issue 4)".

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use roam_api::Application;
use roam_render::{Registry, Renderer, Target, TemplateCache};
use serde_json::Value;
use std::hint::black_box;
use std::time::Duration;

const REFERENCE_APP: &str = include_str!("../../../bench/apps/reference-app.yaml");

/// The reference app as a JSON value.
fn reference_value() -> Value {
    let docs = roam_render::yaml::parse_documents("reference-app.yaml", REFERENCE_APP)
        .expect("reference app parses");
    docs.into_iter().next().expect("one document")
}

fn to_app(v: &Value) -> Application {
    serde_json::from_value::<Application>(v.clone()).expect("an Application")
}

/// App number `i` of the 1,000: same shape as the reference app, other
/// names, image, replicas and ports.
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
    c["properties"]["ports"][0]["port"] = (8000 + (i % 1000) as i64).into();
    for t in c["traits"].as_array_mut().expect("traits") {
        match t["type"].as_str() {
            Some("scaler") => t["properties"]["replicas"] = ((i % 5) as i64 + 1).into(),
            Some("expose") => t["properties"]["port"] = serde_json::json!([8000 + (i % 1000)]),
            Some("labels") => t["properties"]["release"] = format!("r{}", i % 3).into(),
            _ => {}
        }
    }
    v
}

/// The reference app keeping only the traits whose type is in `keep`.
fn with_traits(base: &Value, keep: &[&str]) -> Value {
    let mut v = base.clone();
    let traits = v["spec"]["components"][0]["traits"]
        .as_array_mut()
        .expect("traits");
    traits.retain(|t| keep.contains(&t["type"].as_str().unwrap_or("")));
    v
}

fn bench(c: &mut Criterion) {
    let registry = Registry::builtin();
    let target = Target::default();
    let base = reference_value();
    let app = to_app(&base);

    // Sanity: the render succeeds and carries what the traits add.
    let cache = TemplateCache::new();
    let renderer = Renderer::new(registry, &cache);
    let rendered = renderer
        .render_app(&app, &target)
        .expect("reference app renders");
    let text = roam_render::dryrun::dry_run_text(&rendered);
    assert!(text.contains("replicas: 3") && text.contains("FEATURE_FLAGS"));
    assert!(text.contains("## From the trait expose") && text.contains("memory: 512Mi"));
    if std::env::var_os("ROAM_BENCH_PRINT").is_some() {
        print!("{text}");
    }

    let mut g = c.benchmark_group("render");
    g.bench_function("warm", |b| {
        b.iter(|| black_box(renderer.render_app(black_box(&app), &target).is_ok()))
    });
    g.bench_function("cold", |b| {
        b.iter(|| {
            let cache = TemplateCache::new();
            let r = Renderer::new(registry, &cache);
            black_box(r.render_app(black_box(&app), &target).is_ok())
        })
    });

    // Where the warm time goes.
    let mut phases: Vec<(String, Application)> = vec![(
        "phase/component only".into(),
        to_app(&with_traits(&base, &[])),
    )];
    for t in ["scaler", "labels", "env", "expose", "resource"] {
        phases.push((
            format!("phase/component + {t}"),
            to_app(&with_traits(&base, &[t])),
        ));
    }
    for (name, a) in &phases {
        renderer.render_app(a, &target).expect("phase app renders");
        g.bench_function(name.as_str(), |b| {
            b.iter(|| black_box(renderer.render_app(black_box(a), &target).is_ok()))
        });
    }
    g.bench_function("phase/load app (YAML → Application)", |b| {
        b.iter(|| {
            let docs = roam_render::yaml::parse_documents("app.yaml", black_box(REFERENCE_APP))
                .expect("parses");
            black_box(serde_json::from_value::<Application>(docs[0].clone()).is_ok())
        })
    });
    g.bench_function("phase/dry-run text", |b| {
        b.iter(|| black_box(roam_render::dryrun::dry_run_text(black_box(&rendered)).len()))
    });

    // 1,000 distinct apps in one process, one cache.
    let apps: Vec<Application> = (0..1000).map(|i| to_app(&variant(&base, i))).collect();
    for a in apps.iter().take(3) {
        renderer.render_app(a, &target).expect("variant renders");
    }
    g.throughput(Throughput::Elements(apps.len() as u64));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(20));
    g.bench_function("many/1000 apps, shared cache", |b| {
        b.iter_batched(
            TemplateCache::new,
            |cache| {
                let r = Renderer::new(registry, &cache);
                let mut objects = 0;
                for a in &apps {
                    let out = r.render_app(a, &target).expect("renders");
                    objects += out.components[0].objects.len() + 1;
                }
                black_box(objects)
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
