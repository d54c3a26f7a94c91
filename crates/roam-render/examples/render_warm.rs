//! Renders the reference app N times (default 100) with a warm template
//! cache, as the `render/warm` benchmark does: made for instruction counts
//! under callgrind, which are repeatable on a loaded machine where wall
//! clock times are not.
//!
//! ```sh
//! cargo build --release -p roam-render --example render_warm
//! valgrind --tool=callgrind --toggle-collect='*render_warm*measured*' \
//!     target/release/examples/render_warm 100
//! ```
//!
//! Divide the collected instruction count by N for one render. Results:
//! docs/benchmarks.md, "Rendering (issue 4)".

use std::hint::black_box;
use std::time::Instant;

use roam_api::Application;
use roam_render::{Registry, Renderer, Target, TemplateCache};

const REFERENCE_APP: &str = include_str!("../../../bench/apps/reference-app.yaml");

#[inline(never)]
fn measured(renderer: &Renderer<'_>, app: &Application, target: &Target, n: usize) -> usize {
    let mut ok = 0;
    for _ in 0..n {
        ok += usize::from(black_box(renderer.render_app(black_box(app), target)).is_ok());
    }
    ok
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(100, |s| s.parse().expect("N is a number"));
    let doc = roam_render::yaml::parse_documents("reference-app.yaml", REFERENCE_APP)
        .expect("reference app parses")
        .into_iter()
        .next()
        .expect("one document");
    let app: Application = serde_json::from_value(doc).expect("an Application");
    let registry = Registry::builtin();
    let cache = TemplateCache::new();
    let renderer = Renderer::new(registry, &cache);
    let target = Target::default();
    // Warm the cache: every template compiled, shared regexes built.
    renderer.render_app(&app, &target).expect("renders");
    let t = Instant::now();
    let ok = measured(&renderer, &app, &target, n);
    let e = t.elapsed();
    assert_eq!(ok, n, "every render succeeds");
    println!(
        "{n} warm renders in {:.1} ms: {:.1} µs/render",
        e.as_secs_f64() * 1e3,
        e.as_secs_f64() * 1e6 / n as f64
    );
}
