//! roam's workflow engine.
//!
//! Delivery in roam is a workflow: the default one applies components;
//! users write their own (approval gates, notifications, ordered rollouts).
//! This crate decides which step runs when and runs each step's CUE
//! template; it does no I/O of its own. What a template asks of the world
//! (apply, read, render a component, an HTTP request) goes to a
//! [`Provider`], which the controller implements against clusters and tests
//! implement with a fake.
//!
//! - [`spec`]: the steps an app's workflow has (explicit, or KubeVela's
//!   default generation) and its modes.
//! - [`engine`]: one reconcile's worth of progress over the steps; the
//!   status and [`ContextData`] carry everything to the next.
//! - [`packages`]: the `vela/*` CUE action packages step templates import.
//! - [`http`]: `vela/http` requests, for the provider to run.
//! - [`context`]: variables and per-step memory, kept by the controller in
//!   the ConfigMap `workflow-<app>-context`.

pub mod context;
pub mod duration;
pub mod engine;
pub mod http;
pub mod packages;
pub mod provider;
pub mod spec;
mod step;
pub mod templates;
pub mod validate;

pub use context::ContextData;
pub use engine::{
    Engine, MAX_STEP_FAILURES, Outcome, Restart, fresh_status, is_done, phase, reason,
    scheduled_restart, step_id, wait_backoff, workflow_phase,
};
pub use provider::{Provider, ProviderCall, ProviderOutcome};
pub use spec::Spec;
pub use step::BUILTIN_APPLY_COMPONENT;
pub use templates::Templates;
pub use validate::{Problem, validate};
