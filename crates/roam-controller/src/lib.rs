//! roam-controller: the application reconcile loop.
//!
//! observe → analyze → act, per Application:
//!
//! ```text
//! parse (definitions from the cluster, built-ins beneath)   → condition Parsed
//! revision <app>-v<N> when the app or a definition changed   → condition Revision
//! render every component (roam-render, pure)                 → condition Render
//! workflow: one apply-component step per component (DAG, dependsOn)
//!   └─ step: record in the ResourceTracker → server-side apply → health wait
//! garbage-collect what is no longer rendered (after the workflow succeeded)
//! health of every service and trait on the live objects     → status.services
//! state-keep: re-apply on drift, and say who changed what   → events, status.drift
//! ```
//!
//! Every apply goes through a [`cluster::Clusters`] target (cluster name +
//! namespace); only `local` exists until multi-cluster delivery. The
//! controller holds no state that matters across restarts: the
//! ResourceTrackers and the Application status are the record, so a
//! controller killed at any point converges when it comes back.
//!
//! Modules: [`defs`] (definitions from the cluster), [`cluster`] (apply,
//! read, delete with discovery), [`tracker`] (ResourceTrackers),
//! [`revision`] (ApplicationRevisions), [`workflow`] (the default steps),
//! [`reconcile`] (the pipeline), [`drift`] (managedFields → who changed a
//! field), [`status`] (conditions and phases), [`metrics`], [`leader`]
//! (Lease-based leader election).

pub mod cluster;
pub mod defs;
pub mod drift;
pub mod leader;
pub mod metrics;
pub mod policies;
mod provider;
pub mod reconcile;
pub mod registration;
pub mod revision;
pub mod runner;
pub mod status;
pub mod tracker;

pub use runner::{Config, run};

/// The field manager of every write roam makes.
pub const FIELD_MANAGER: &str = "roam";

/// The finalizer that makes deleting an app delete what it created.
pub const FINALIZER: &str = "app.oam.dev/resource-tracker-finalizer";

/// `controller.core.oam.dev/pause: "true"` stops reconciling an app.
pub const LABEL_PAUSE: &str = "controller.core.oam.dev/pause";

/// Per-app re-sync period (a duration such as `30s`, `5m`).
pub const ANNO_RECONCILE_INTERVAL: &str = "app.oam.dev/reconcile-interval";

/// When the dispatcher last applied an object.
pub const ANNO_LAST_APPLIED_TIME: &str = "app.oam.dev/last-applied-time";

/// Label on ApplicationRevisions: the revision's content hash.
pub const LABEL_REVISION_HASH: &str = "app.oam.dev/app-revision-hash";
/// On an ApplicationRevision whose workflow succeeded (what `roam workflow
/// rollback` returns to).
pub const LABEL_REVISION_SUCCEEDED: &str = "roam.oam.dev/workflow-succeeded";
