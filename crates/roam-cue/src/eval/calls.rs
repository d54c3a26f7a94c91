//! The call protocol of KubeVela's workflow packages: a struct carrying a
//! concrete `#do` (and usually `#provider`) is a call to a host provider.
//!
//! * New style: inputs in `$params`, results filled into `$returns`.
//! * Old style (`vela/op`): inputs are the struct's concrete regular fields,
//!   results are unified into the struct itself.
//!
//! [`run_calls`] evaluates the program, finds calls that have not run, asks
//! the host to run them, fills the results and evaluates again, until no
//! call makes progress. Calls whose inputs depend on other calls' results
//! become ready only once those results are filled, so they run in
//! dependency order. Calls are found in regular struct fields (not inside
//! lists, definitions or hidden fields), and not inside another call.

use std::collections::BTreeMap;

use super::*;

/// One call found in the program.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// Field path from the root.
    pub path: Vec<String>,
    /// `#provider` (empty when absent).
    pub provider: String,
    /// `#do`.
    pub do_: String,
    /// `$params` (new style) or the struct's concrete regular fields (old).
    pub params: serde_json::Value,
    /// Whether every input is concrete (new style: `$params` exported
    /// fully; old style: no regular field was left out).
    pub complete: bool,
    /// `$params`/`$returns` style.
    pub new_style: bool,
}

/// What the host did with a call.
#[derive(Clone, Debug, PartialEq)]
pub enum CallOutcome {
    /// The call ran; its result is filled in.
    Done(serde_json::Value),
    /// Not yet (inputs not ready, or waiting on the outside world).
    Wait,
}

/// The result of [`run_calls`].
#[derive(Debug, Default)]
pub struct CallRun {
    /// Calls that ran, in order, with their results.
    pub executed: Vec<(Call, serde_json::Value)>,
    /// Calls found but not run (the host said `Wait`).
    pub pending: Vec<Call>,
    /// Evaluation rounds.
    pub rounds: usize,
}

/// A call that failed or a program that cannot be evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFailure {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for CallFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for CallFailure {}

/// Runs the calls of `prog` (with `fills` applied at their paths first).
/// `handler` runs one call whose inputs are all concrete (calls with
/// inputs still open wait for other calls' results); an `Err` from it stops
/// the run. Returns the run
/// and the final instance (with every result filled, evaluated).
pub fn run_calls<'p>(
    prog: &'p Program,
    fills: &[(Vec<String>, serde_json::Value)],
    handler: &mut dyn FnMut(&Call) -> Result<CallOutcome, String>,
    max_rounds: usize,
) -> Result<(CallRun, Instance<'p>), CallFailure> {
    let mut results: BTreeMap<Vec<String>, (bool, serde_json::Value)> = BTreeMap::new();
    let mut run = CallRun::default();
    loop {
        run.rounds += 1;
        let mut inst = prog.instance();
        // The host's fills, then every result so far (new style: into `$returns`).
        let filled = fills.iter().map(|(path, v)| (path, false, v));
        let returned = results
            .iter()
            .map(|(path, (new_style, v))| (path, *new_style, v));
        for (path, into_returns, v) in filled.chain(returned) {
            let mut p: Vec<&str> = path.iter().map(String::as_str).collect();
            if into_returns {
                p.push("$returns");
            }
            inst.fill_json(&p, v).map_err(|b| CallFailure {
                path: path.join("."),
                message: b.msg,
            })?;
        }
        let root = inst.root;
        let mut found = Vec::new();
        inst.find_calls(root, &mut Vec::new(), &mut found, 0);
        let mut progressed = false;
        let mut pending = Vec::new();
        for call in found {
            if results.contains_key(&call.path) {
                continue;
            }
            if !call.complete {
                // Inputs not concrete yet: they may depend on other calls.
                pending.push(call);
                continue;
            }
            match handler(&call).map_err(|message| CallFailure {
                path: call.path.join("."),
                message,
            })? {
                CallOutcome::Done(v) => {
                    results.insert(call.path.clone(), (call.new_style, v.clone()));
                    run.executed.push((call, v));
                    progressed = true;
                }
                CallOutcome::Wait => pending.push(call),
            }
        }
        if !progressed || run.rounds >= max_rounds {
            run.pending = pending;
            return Ok((run, inst));
        }
    }
}

impl<'p> Instance<'p> {
    fn label_is(&self, v: VId, kind: LabelKind, name: &str) -> bool {
        matches!(self.v(v).label, Label::Field(f) if self.labels.kind(f) == kind && self.labels.name(f) == name)
    }

    fn def_string(&mut self, v: VId, name: &str) -> Option<String> {
        let t = self.resolve_default(v);
        let arcs = self.v(t).arcs.clone();
        let a = arcs
            .into_iter()
            .find(|&a| self.label_is(a, LabelKind::Definition, name))?;
        self.eval(a);
        let a = self.resolve_default(a);
        match &self.v(a).atom {
            Some(Atom::Str(s)) => Some(s.to_string()),
            _ => None,
        }
    }

    fn find_calls(&mut self, v: VId, path: &mut Vec<String>, out: &mut Vec<Call>, depth: u32) {
        if depth > 200 {
            return;
        }
        self.eval(v);
        let t = self.resolve_default(v);
        if !self.v(t).is_struct || self.v(t).err.is_some() {
            return;
        }
        if let Some(do_) = self.def_string(t, "#do") {
            let provider = self.def_string(t, "#provider").unwrap_or_default();
            let arcs = self.v(t).arcs.clone();
            let params_arc = arcs
                .iter()
                .copied()
                .find(|&a| self.label_is(a, LabelKind::Regular, "$params"));
            let (params, complete, new_style) = match params_arc {
                Some(p) => match self.export_serde(p) {
                    Ok(v) => (v, true, true),
                    Err(_) => (serde_json::Value::Null, false, true),
                },
                None => {
                    let mut m = serde_json::Map::new();
                    let mut complete = true;
                    for f in self.fields(t, FieldFilter::default()) {
                        match self.export_serde(f.id) {
                            Ok(v) => {
                                m.insert(f.name, v);
                            }
                            Err(_) => complete = false,
                        }
                    }
                    (serde_json::Value::Object(m), complete, false)
                }
            };
            out.push(Call {
                path: path.clone(),
                provider,
                do_,
                params,
                complete,
                new_style,
            });
            return;
        }
        for f in self.fields(t, FieldFilter::default()) {
            path.push(f.name);
            self.find_calls(f.id, path, out, depth + 1);
            path.pop();
        }
    }
}
