//! Prometheus metrics of the controller (text exposition for `/metrics`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Stage {
    stage: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Phase {
    phase: String,
}

fn buckets() -> Histogram {
    // 0.5 ms … ~13 s, ×1.5 per bucket (percentiles within ±25 %)
    Histogram::new(exponential_buckets(0.0005, 1.5, 26))
}

/// The controller's metrics.
pub struct Metrics {
    registry: Registry,
    reconcile: Family<Stage, Histogram, fn() -> Histogram>,
    render: Histogram,
    in_flight: Gauge,
    apps: Family<Phase, Gauge>,
    phases: Mutex<HashMap<String, String>>,
    pub applies: Counter,
    pub gc_deletions: Counter,
    pub drift_repairs: Counter,
    pub errors: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("roam");
        let reconcile = Family::<Stage, Histogram, fn() -> Histogram>::new_with_constructor(
            buckets as fn() -> Histogram,
        );
        let render = buckets();
        let in_flight = Gauge::default();
        let apps = Family::<Phase, Gauge>::default();
        let applies = Counter::default();
        let gc_deletions = Counter::default();
        let drift_repairs = Counter::default();
        let errors = Counter::default();
        registry.register(
            "reconcile_duration_seconds",
            "Reconcile time by stage (total, parse, revision, render, workflow, gc, health, status)",
            reconcile.clone(),
        );
        registry.register(
            "render_duration_seconds",
            "Time to render one component with its traits",
            render.clone(),
        );
        registry.register(
            "reconciles_in_flight",
            "Applications being reconciled now",
            in_flight.clone(),
        );
        registry.register("applications", "Applications by phase", apps.clone());
        registry.register(
            "applies",
            "Objects applied (server-side apply)",
            applies.clone(),
        );
        registry.register(
            "gc_deletions",
            "Objects deleted by garbage collection",
            gc_deletions.clone(),
        );
        registry.register(
            "drift_repairs",
            "Objects re-applied because they drifted",
            drift_repairs.clone(),
        );
        registry.register(
            "reconcile_errors",
            "Reconciles that ended in an error (retried)",
            errors.clone(),
        );
        Metrics {
            registry,
            reconcile,
            render,
            in_flight,
            apps,
            phases: Mutex::new(HashMap::new()),
            applies,
            gc_deletions,
            drift_repairs,
            errors,
        }
    }

    pub fn stage(&self, stage: &str, d: Duration) {
        self.reconcile
            .get_or_create(&Stage {
                stage: stage.into(),
            })
            .observe(d.as_secs_f64());
    }

    pub fn render(&self, d: Duration) {
        self.render.observe(d.as_secs_f64());
    }

    pub fn started(&self) {
        self.in_flight.inc();
    }

    pub fn ended(&self) {
        self.in_flight.dec();
    }

    /// Records an app's phase (`None`: the app is gone).
    pub fn phase(&self, app: &str, phase: Option<&str>) {
        let mut phases = self.phases.lock().unwrap_or_else(|e| e.into_inner());
        let old = match phase {
            Some(p) => phases.insert(app.to_string(), p.to_string()),
            None => phases.remove(app),
        };
        if old.as_deref() == phase {
            return;
        }
        if let Some(o) = old {
            self.apps.get_or_create(&Phase { phase: o }).dec();
        }
        if let Some(p) = phase {
            self.apps.get_or_create(&Phase { phase: p.into() }).inc();
        }
    }

    /// The exposition text.
    pub fn encode(&self) -> String {
        let mut s = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut s, &self.registry);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_are_counted_once_per_app() {
        let m = Metrics::new();
        m.phase("default/a", Some("running"));
        m.phase("default/b", Some("running"));
        m.phase("default/a", Some("unhealthy"));
        m.phase("default/b", None);
        m.stage("total", Duration::from_millis(3));
        let text = m.encode();
        assert!(
            text.contains("roam_applications{phase=\"running\"} 0"),
            "{text}"
        );
        assert!(
            text.contains("roam_applications{phase=\"unhealthy\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("roam_reconcile_duration_seconds_count{stage=\"total\"} 1"),
            "{text}"
        );
    }
}
