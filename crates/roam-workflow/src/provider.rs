//! What the engine asks of the outside world. Actions of `vela/kube`,
//! `vela/oam`, `vela/multicluster` and `vela/http` go to a [`Provider`];
//! `vela/builtin` and `vela/util` the engine runs itself. The controller
//! implements the provider against clusters; tests use a fake.

use std::future::Future;

use serde_json::Value;

/// One action call, as a step template made it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderCall<'a> {
    /// The step running it.
    pub step: &'a str,
    /// The step's id (stable per revision).
    pub step_id: &'a str,
    /// Where in the step's template the action is (`apply`, `deploy.do`).
    pub path: &'a str,
    /// `#provider`: `kube`, `oam`, `multicluster`, `http`.
    pub provider: &'a str,
    /// `#do`: `apply`, `read`, `component-apply`, `deploy`, `do`, …
    pub action: &'a str,
    /// The parameters (`$params`, or the legacy flat fields).
    pub params: &'a Value,
}

/// What a call produced.
#[derive(Clone, Debug, PartialEq)]
pub enum ProviderOutcome {
    /// Done: the result is filled into the step (`$returns`, or the legacy
    /// action's own fields).
    Done(Value),
    /// Done for now, but the step must wait (e.g. applied, not yet
    /// healthy): the result is filled, the step stays `running` with
    /// reason `Wait` and this message, and runs again after a backoff.
    Wait { message: String, result: Value },
}

/// Runs the actions a step's template calls.
pub trait Provider: Sync {
    /// Runs one call. An error fails the step (reason `Execute`; retried
    /// with backoff up to the failure limit); its text names what failed.
    fn call(
        &self,
        call: &ProviderCall<'_>,
    ) -> impl Future<Output = Result<ProviderOutcome, String>> + Send;
}
