//! The resource policies of an application, as the dispatcher applies them:
//! `take-over`, `read-only`, `shared-resource`, `apply-once`,
//! `garbage-collect` and `resource-update`.
//!
//! Their PolicyDefinitions only declare parameters; the semantics are here.
//! A rule's selector picks objects by the OAM labels every rendered object
//! carries (`app.oam.dev/component`, `workload.oam.dev/type`,
//! `app.oam.dev/resourceType`, `trait.oam.dev/type`), its kind and its name;
//! the non-empty conditions must all hold.

use roam_api::Application;
use roam_api::labels as L;
use serde_json::Value;

/// Which objects a rule is about.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector {
    pub component_names: Vec<String>,
    pub component_types: Vec<String>,
    pub oam_types: Vec<String>,
    pub trait_types: Vec<String>,
    pub resource_types: Vec<String>,
    pub resource_names: Vec<String>,
}

impl Selector {
    fn parse(v: Option<&Value>, at: &str) -> Result<Selector, String> {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return Ok(Selector::default());
        };
        let m = v
            .as_object()
            .ok_or_else(|| format!("{at}: a selector is a map"))?;
        let list = |k: &str| -> Result<Vec<String>, String> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(a)) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| format!("{at}.{k}: a list of strings"))
                    })
                    .collect(),
                Some(_) => Err(format!("{at}.{k}: a list of strings")),
            }
        };
        for k in m.keys() {
            if ![
                "componentNames",
                "componentTypes",
                "oamTypes",
                "traitTypes",
                "resourceTypes",
                "resourceNames",
            ]
            .contains(&k.as_str())
            {
                return Err(format!(
                    "{at}: unknown selector field {k:?} (componentNames, componentTypes, oamTypes, traitTypes, resourceTypes, resourceNames)"
                ));
            }
        }
        Ok(Selector {
            component_names: list("componentNames")?,
            component_types: list("componentTypes")?,
            oam_types: list("oamTypes")?,
            trait_types: list("traitTypes")?,
            resource_types: list("resourceTypes")?,
            resource_names: list("resourceNames")?,
        })
    }

    /// Whether an object (rendered or live, with the OAM labels) is selected.
    pub fn matches(&self, obj: &Value) -> bool {
        let label = |k: &str| obj["metadata"]["labels"][k].as_str().unwrap_or("");
        let any = |want: &[String], have: &str| want.is_empty() || want.iter().any(|w| w == have);
        any(&self.component_names, label(L::APP_COMPONENT))
            && any(&self.component_types, label(L::WORKLOAD_TYPE))
            && any(&self.oam_types, label(L::APP_RESOURCE_TYPE))
            && any(&self.trait_types, label(L::TRAIT_TYPE))
            && any(
                &self.resource_types,
                obj["kind"].as_str().unwrap_or_default(),
            )
            && any(
                &self.resource_names,
                obj["metadata"]["name"].as_str().unwrap_or_default(),
            )
    }
}

/// When an `apply-once` rule lets the selected paths drift.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Affect {
    /// When the app is updated (the live values are kept at apply).
    OnUpdate,
    /// At state-keep (drift there is not repaired).
    OnStateKeep,
    /// Both.
    Always,
}

/// The moment an object is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moment {
    /// Delivering the app (create or update).
    Apply,
    /// Repairing drift.
    StateKeep,
}

#[derive(Clone, Debug, PartialEq)]
struct ApplyOnceRule {
    selector: Selector,
    paths: Vec<String>,
    affect: Affect,
}

/// What garbage collection does with selected objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GcStrategy {
    /// Deleted when the app no longer renders them (the default).
    OnAppUpdate,
    /// Kept while the app exists, deleted with it.
    OnAppDelete,
    /// Never deleted by roam.
    Never,
}

/// How deleting an object treats what it owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Its dependents are deleted too (in the background).
    Cascading,
    /// Its dependents stay.
    Orphan,
}

/// The resource policies of one app.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResourcePolicies {
    take_over: Vec<(String, Selector)>,
    read_only: Vec<(String, Selector)>,
    shared: Vec<(String, Selector)>,
    apply_once_all: bool,
    apply_once: Vec<ApplyOnceRule>,
    /// `garbage-collect` `keepLegacyResource`: older versions' objects stay.
    pub keep_legacy: bool,
    gc: Vec<(Selector, GcStrategy, Propagation)>,
    update: Vec<(Selector, UpdateStrategy)>,
}

/// How a `resource-update` rule writes selected objects.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateStrategy {
    /// Replace the whole object (PUT) instead of server-side apply.
    pub replace: bool,
    /// Delete and create the object when any of these paths changes.
    pub recreate_fields: Vec<String>,
}

fn rules(props: &Value, at: &str) -> Result<Vec<Value>, String> {
    match props.get("rules") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a.clone()),
        Some(_) => Err(format!("{at}.rules: a list of rules")),
    }
}

impl ResourcePolicies {
    /// The app's resource policies; `Err` names the policy and the path of
    /// what is wrong.
    pub fn of(app: &Application) -> Result<ResourcePolicies, String> {
        let mut out = ResourcePolicies::default();
        for p in &app.spec.policies {
            let at = format!("policy {:?} ({})", p.name, p.type_);
            let props = p.properties.clone().unwrap_or(Value::Null);
            match p.type_.as_str() {
                "take-over" | "read-only" | "shared-resource" => {
                    let rs = rules(&props, &at)?;
                    if rs.is_empty() {
                        return Err(format!("{at}: needs at least one rule with a selector"));
                    }
                    for (i, r) in rs.iter().enumerate() {
                        let s = Selector::parse(
                            r.get("selector"),
                            &format!("{at}.rules[{i}].selector"),
                        )?;
                        let list = match p.type_.as_str() {
                            "take-over" => &mut out.take_over,
                            "read-only" => &mut out.read_only,
                            _ => &mut out.shared,
                        };
                        list.push((p.name.clone(), s));
                    }
                }
                "apply-once" => {
                    let enable = props
                        .get("enable")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    let rs = rules(&props, &at)?;
                    if enable && rs.is_empty() {
                        out.apply_once_all = true;
                    }
                    if !enable {
                        continue;
                    }
                    for (i, r) in rs.iter().enumerate() {
                        let rat = format!("{at}.rules[{i}]");
                        let selector =
                            Selector::parse(r.get("selector"), &format!("{rat}.selector"))?;
                        let strategy = &r["strategy"];
                        let paths: Vec<String> = strategy["path"]
                            .as_array()
                            .ok_or_else(|| format!("{rat}.strategy.path: a list of paths"))?
                            .iter()
                            .map(|x| {
                                x.as_str().map(str::to_string).ok_or_else(|| {
                                    format!("{rat}.strategy.path: a list of strings")
                                })
                            })
                            .collect::<Result<_, _>>()?;
                        let affect = match strategy["affect"].as_str().unwrap_or("") {
                            "" | "always" => Affect::Always,
                            "onUpdate" => Affect::OnUpdate,
                            "onStateKeep" => Affect::OnStateKeep,
                            other => {
                                return Err(format!(
                                    "{rat}.strategy.affect: {other:?} is not onUpdate, onStateKeep or always"
                                ));
                            }
                        };
                        out.apply_once.push(ApplyOnceRule {
                            selector,
                            paths,
                            affect,
                        });
                    }
                }
                "resource-update" => {
                    for (i, r) in rules(&props, &at)?.iter().enumerate() {
                        let rat = format!("{at}.rules[{i}]");
                        let selector =
                            Selector::parse(r.get("selector"), &format!("{rat}.selector"))?;
                        let st = &r["strategy"];
                        let replace = match st["op"].as_str().unwrap_or("patch") {
                            "patch" => false,
                            "replace" => true,
                            other => {
                                return Err(format!(
                                    "{rat}.strategy.op: {other:?} is not patch or replace"
                                ));
                            }
                        };
                        let recreate_fields = match &st["recreateFields"] {
                            Value::Null => Vec::new(),
                            Value::Array(a) => a
                                .iter()
                                .map(|x| {
                                    x.as_str().map(str::to_string).ok_or_else(|| {
                                        format!("{rat}.strategy.recreateFields: a list of paths")
                                    })
                                })
                                .collect::<Result<_, _>>()?,
                            _ => {
                                return Err(format!(
                                    "{rat}.strategy.recreateFields: a list of paths"
                                ));
                            }
                        };
                        out.update.push((
                            selector,
                            UpdateStrategy {
                                replace,
                                recreate_fields,
                            },
                        ));
                    }
                }
                "garbage-collect" => {
                    if props.get("keepLegacyResource").and_then(Value::as_bool) == Some(true) {
                        out.keep_legacy = true;
                    }
                    for (i, r) in rules(&props, &at)?.iter().enumerate() {
                        let rat = format!("{at}.rules[{i}]");
                        let selector =
                            Selector::parse(r.get("selector"), &format!("{rat}.selector"))?;
                        let strategy = match r["strategy"].as_str().unwrap_or("onAppUpdate") {
                            "onAppUpdate" => GcStrategy::OnAppUpdate,
                            "onAppDelete" => GcStrategy::OnAppDelete,
                            "never" => GcStrategy::Never,
                            other => {
                                return Err(format!(
                                    "{rat}.strategy: {other:?} is not onAppUpdate, onAppDelete or never"
                                ));
                            }
                        };
                        let propagation = match r["propagation"].as_str().unwrap_or("cascading") {
                            "cascading" => Propagation::Cascading,
                            "orphan" => Propagation::Orphan,
                            other => {
                                return Err(format!(
                                    "{rat}.propagation: {other:?} is not orphan or cascading"
                                ));
                            }
                        };
                        out.gc.push((selector, strategy, propagation));
                    }
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// The read-only policy that selects the object, if any.
    pub fn read_only(&self, obj: &Value) -> Option<&str> {
        self.read_only
            .iter()
            .find(|(_, s)| s.matches(obj))
            .map(|(n, _)| n.as_str())
    }

    /// The shared-resource policy that selects the object, if any.
    pub fn shared(&self, obj: &Value) -> Option<&str> {
        self.shared
            .iter()
            .find(|(_, s)| s.matches(obj))
            .map(|(n, _)| n.as_str())
    }

    /// The take-over policy that selects the object, if any.
    pub fn take_over(&self, obj: &Value) -> Option<&str> {
        self.take_over
            .iter()
            .find(|(_, s)| s.matches(obj))
            .map(|(n, _)| n.as_str())
    }

    /// The paths of an existing object that keep their live values when it
    /// is written at `moment` (`"*"`: the object is not written at all).
    pub fn drift_paths(&self, obj: &Value, moment: Moment) -> Vec<String> {
        if self.apply_once_all {
            return vec!["*".into()];
        }
        let mut out = Vec::new();
        for r in &self.apply_once {
            let applies = matches!(
                (r.affect, moment),
                (Affect::Always, _)
                    | (Affect::OnUpdate, Moment::Apply)
                    | (Affect::OnStateKeep, Moment::StateKeep)
            );
            if applies && r.selector.matches(obj) {
                out.extend(r.paths.iter().cloned());
            }
        }
        out
    }

    /// The garbage-collect strategy of an object (the first rule that
    /// selects it).
    pub fn gc_strategy(&self, obj: &Value) -> GcStrategy {
        self.gc
            .iter()
            .find(|(s, _, _)| s.matches(obj))
            .map_or(GcStrategy::OnAppUpdate, |(_, g, _)| *g)
    }

    /// How deleting an object propagates (the first rule that selects it).
    pub fn gc_propagation(&self, obj: &Value) -> Propagation {
        self.gc
            .iter()
            .find(|(s, _, _)| s.matches(obj))
            .map_or(Propagation::Cascading, |(_, _, p)| *p)
    }

    /// How to write an object (the first resource-update rule that
    /// selects it; server-side apply otherwise).
    pub fn update_strategy(&self, obj: &Value) -> UpdateStrategy {
        self.update
            .iter()
            .find(|(s, _)| s.matches(obj))
            .map(|(_, u)| u.clone())
            .unwrap_or_default()
    }

    /// Whether any garbage-collect rule keeps objects beyond an update.
    pub fn has_gc_rules(&self) -> bool {
        self.gc
            .iter()
            .any(|(_, g, _)| *g != GcStrategy::OnAppUpdate)
    }
}

/// The annotation listing the apps that share an object (`ns/name`,
/// comma-separated), KubeVela's.
pub const ANNO_SHARED_BY: &str = "app.oam.dev/shared-by";

/// The sharers an object's annotation lists.
pub fn sharers(obj: &Value) -> Vec<String> {
    obj["metadata"]["annotations"][ANNO_SHARED_BY]
        .as_str()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The paths (of `paths`) whose values differ between `a` and `b`.
pub fn changed_paths<'a>(a: &Value, b: &Value, paths: &'a [String]) -> Vec<&'a str> {
    paths
        .iter()
        .filter(|p| {
            let segs = split_path(p);
            get_path(a, &segs) != get_path(b, &segs)
        })
        .map(String::as_str)
        .collect()
}

/// `obj` with the live object's values at `paths` (dotted, with `[i]` for
/// list elements, as apply-once writes them), so writing it leaves those
/// fields as they are. A path the live object lacks is removed from `obj`.
pub fn keep_live_paths(obj: &mut Value, live: &Value, paths: &[String]) {
    for p in paths {
        let segs = split_path(p);
        if segs.is_empty() {
            continue;
        }
        match get_path(live, &segs) {
            Some(v) => set_path(obj, &segs, v.clone()),
            None => remove_path(obj, &segs),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn split_path(p: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in p.trim_start_matches('.').split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            if i > 0 {
                out.push(Seg::Key(rest[..i].to_string()));
            }
            rest = &rest[i..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let Some(end) = stripped.find(']') else { break };
                match stripped[..end].parse() {
                    Ok(n) => out.push(Seg::Index(n)),
                    Err(_) => out.push(Seg::Key(stripped[..end].trim_matches('"').to_string())),
                }
                rest = &stripped[end + 1..];
            }
        } else if !rest.is_empty() {
            out.push(Seg::Key(rest.to_string()));
        }
    }
    out
}

fn get_path<'a>(v: &'a Value, segs: &[Seg]) -> Option<&'a Value> {
    segs.iter().try_fold(v, |cur, s| match s {
        Seg::Key(k) => cur.get(k.as_str()),
        Seg::Index(i) => cur.get(*i),
    })
}

fn set_path(v: &mut Value, segs: &[Seg], new: Value) {
    let Some((last, init)) = segs.split_last() else {
        return;
    };
    let mut cur = v;
    for s in init {
        cur = match s {
            Seg::Key(k) => {
                if !cur.is_object() {
                    *cur = Value::Object(Default::default());
                }
                cur.as_object_mut()
                    .map(|m| m.entry(k.clone()).or_insert(Value::Null))
                    .expect("object")
            }
            Seg::Index(i) => match cur.get_mut(*i) {
                Some(x) => x,
                None => return,
            },
        };
    }
    match last {
        Seg::Key(k) => {
            if !cur.is_object() {
                *cur = Value::Object(Default::default());
            }
            if let Some(m) = cur.as_object_mut() {
                m.insert(k.clone(), new);
            }
        }
        Seg::Index(i) => {
            if let Some(x) = cur.get_mut(*i) {
                *x = new;
            }
        }
    }
}

fn remove_path(v: &mut Value, segs: &[Seg]) {
    let Some((last, init)) = segs.split_last() else {
        return;
    };
    let mut cur = v;
    for s in init {
        let next = match s {
            Seg::Key(k) => cur.get_mut(k.as_str()),
            Seg::Index(i) => cur.get_mut(*i),
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    if let (Seg::Key(k), Some(m)) = (last, cur.as_object_mut()) {
        m.remove(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn app(policies: Value) -> Application {
        serde_json::from_value(json!({
            "apiVersion": "core.oam.dev/v1beta1", "kind": "Application",
            "metadata": {"name": "a", "namespace": "default"},
            "spec": {"components": [], "policies": policies}
        }))
        .unwrap()
    }

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {
                L::APP_COMPONENT: "web", L::WORKLOAD_TYPE: "webservice", L::APP_RESOURCE_TYPE: "WORKLOAD"
            }},
            "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "web", "image": "a"}]}}}
        })
    }

    #[test]
    fn selectors_and_every_condition() {
        let p = ResourcePolicies::of(&app(json!([
            {"name": "t", "type": "take-over", "properties": {"rules": [
                {"selector": {"componentNames": ["web"], "resourceTypes": ["Deployment"]}}
            ]}},
            {"name": "r", "type": "read-only", "properties": {"rules": [
                {"selector": {"resourceTypes": ["Service"]}}
            ]}}
        ])))
        .unwrap();
        assert_eq!(p.take_over(&deployment()), Some("t"));
        assert_eq!(p.read_only(&deployment()), None);
        let mut svc = deployment();
        svc["kind"] = json!("Service");
        assert_eq!(p.take_over(&svc), None);
        assert_eq!(p.read_only(&svc), Some("r"));
    }

    #[test]
    fn bad_policies_name_the_path() {
        let e = ResourcePolicies::of(&app(json!([
            {"name": "ao", "type": "apply-once", "properties": {"enable": true, "rules": [
                {"selector": {"componentName": ["web"]}, "strategy": {"path": ["spec.replicas"]}}
            ]}}
        ])))
        .unwrap_err();
        assert!(
            e.contains("rules[0].selector") && e.contains("componentName"),
            "{e}"
        );
        let e = ResourcePolicies::of(&app(json!([
            {"name": "g", "type": "garbage-collect", "properties": {"rules": [
                {"selector": {}, "strategy": "sometimes"}
            ]}}
        ])))
        .unwrap_err();
        assert!(e.contains("\"sometimes\""), "{e}");
    }

    #[test]
    fn apply_once_paths_by_moment() {
        let p = ResourcePolicies::of(&app(json!([
            {"name": "ao", "type": "apply-once", "properties": {"enable": true, "rules": [
                {"selector": {"resourceTypes": ["Deployment"]},
                 "strategy": {"path": ["spec.replicas"], "affect": "onStateKeep"}}
            ]}}
        ])))
        .unwrap();
        assert_eq!(
            p.drift_paths(&deployment(), Moment::StateKeep),
            ["spec.replicas"]
        );
        assert!(p.drift_paths(&deployment(), Moment::Apply).is_empty());
        let all = ResourcePolicies::of(&app(json!([
            {"name": "ao", "type": "apply-once", "properties": {"enable": true}}
        ])))
        .unwrap();
        assert_eq!(all.drift_paths(&deployment(), Moment::Apply), ["*"]);
    }

    #[test]
    fn live_values_are_kept_at_paths() {
        let mut obj = deployment();
        let mut live = deployment();
        live["spec"]["replicas"] = json!(5);
        live["spec"]["template"]["spec"]["containers"][0]["image"] = json!("b");
        keep_live_paths(
            &mut obj,
            &live,
            &[
                "spec.replicas".into(),
                "spec.template.spec.containers[0].image".into(),
                "spec.paused".into(),
            ],
        );
        assert_eq!(obj["spec"]["replicas"], 5);
        assert_eq!(
            obj["spec"]["template"]["spec"]["containers"][0]["image"],
            "b"
        );
        assert!(obj["spec"].get("paused").is_none());
    }

    #[test]
    fn gc_strategy_first_rule_wins() {
        let p = ResourcePolicies::of(&app(json!([
            {"name": "g", "type": "garbage-collect", "properties": {"keepLegacyResource": true, "rules": [
                {"selector": {"resourceTypes": ["Deployment"]}, "strategy": "never"},
                {"selector": {}, "strategy": "onAppDelete"}
            ]}}
        ])))
        .unwrap();
        assert!(p.keep_legacy && p.has_gc_rules());
        assert_eq!(p.gc_strategy(&deployment()), GcStrategy::Never);
        let mut svc = deployment();
        svc["kind"] = json!("Service");
        assert_eq!(p.gc_strategy(&svc), GcStrategy::OnAppDelete);
    }
}
