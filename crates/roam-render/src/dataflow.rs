//! Data passing between components (and later workflow steps):
//! `outputs[{name, valueFrom}]` read values from a rendered (or live)
//! component, `inputs[{from, parameterKey}]` put them into another
//! component's properties, and `dependsOn` orders components.
//!
//! `valueFrom` is a CUE expression over `output` (the workload) and
//! `outputs.<name>` (the auxiliary objects), e.g. `output.status.readyReplicas`
//! or `outputs.service.spec.clusterIP + ":80"`. `parameterKey` is a dotted
//! path relative to `properties` (empty: the whole properties object).

use std::collections::BTreeMap;
use std::sync::Arc;

use roam_api::ApplicationComponent;
use serde_json::{Map, Value};

use crate::cache::TemplateCache;

/// A data-passing problem, naming the output or input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct DataError {
    /// `components[web].outputs[0] (name)` and the like.
    pub at: String,
    pub message: String,
}

/// Evaluates a component's `outputs` against its objects.
pub fn evaluate_outputs(
    cache: &TemplateCache,
    comp: &ApplicationComponent,
    workload: Option<&Value>,
    auxiliaries: &Map<String, Value>,
) -> Result<Vec<(String, Value)>, DataError> {
    let mut out = Vec::new();
    for (i, o) in comp.outputs.iter().enumerate() {
        let at = format!("components[{}].outputs[{i}] ({})", comp.name, o.name);
        let src: Arc<str> = Arc::from(format!(
            "output: _\noutputs: _\nroam_value: ({})\n",
            o.value_from
        ));
        let ct = cache.get("valueFrom", &src).map_err(|e| DataError {
            at: at.clone(),
            message: format!("valueFrom {:?} is not a CUE expression: {e}", o.value_from),
        })?;
        let mut inst = ct.program.instance();
        let fill = |e: roam_cue::eval::Bottom| DataError {
            at: at.clone(),
            message: e.msg,
        };
        if let Some(w) = workload {
            inst.fill_json(&["output"], w).map_err(fill)?;
        }
        inst.fill_json(&["outputs"], &Value::Object(auxiliaries.clone()))
            .map_err(fill)?;
        let v = inst.lookup(&["roam_value"]).ok_or_else(|| DataError {
            at: at.clone(),
            message: "no value".into(),
        })?;
        let value = inst.export_serde(v).map_err(|e| DataError {
            at: at.clone(),
            message: format!("valueFrom {:?}: {}", o.value_from, e.msg),
        })?;
        out.push((o.name.clone(), value));
    }
    Ok(out)
}

/// The component with its `inputs` filled from `values` (output name →
/// value). A missing value is an error naming the input.
pub fn apply_inputs(
    comp: &ApplicationComponent,
    values: &BTreeMap<String, Value>,
) -> Result<ApplicationComponent, DataError> {
    let mut c = comp.clone();
    for (i, input) in comp.inputs.iter().enumerate() {
        let at = format!(
            "components[{}].inputs[{i}] (from {})",
            comp.name, input.from
        );
        let v = values.get(&input.from).ok_or_else(|| DataError {
            at: at.clone(),
            message: format!("no output named {:?} is available yet", input.from),
        })?;
        let props = c
            .properties
            .get_or_insert_with(|| Value::Object(Map::new()));
        set_dotted(props, &input.parameter_key, v.clone())
            .map_err(|message| DataError { at, message })?;
    }
    Ok(c)
}

fn set_dotted(target: &mut Value, path: &str, v: Value) -> Result<(), String> {
    let parts: Vec<&str> = path.split('.').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() {
        *target = v;
        return Ok(());
    }
    let mut cur = target;
    for (i, p) in parts.iter().enumerate() {
        let m = cur.as_object_mut().ok_or_else(|| {
            format!(
                "parameterKey {path:?}: {} is not an object",
                parts[..i].join(".")
            )
        })?;
        if i == parts.len() - 1 {
            m.insert((*p).to_string(), v);
            return Ok(());
        }
        cur = m
            .entry((*p).to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    Ok(())
}

/// Components in an order where each comes after what it `dependsOn`
/// (stable: otherwise application order). A cycle or an unknown name is an
/// error naming the components.
pub fn dependency_order(comps: &[ApplicationComponent]) -> Result<Vec<usize>, DataError> {
    let index: BTreeMap<&str, usize> = comps
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    for c in comps {
        for d in &c.depends_on {
            if !index.contains_key(d.as_str()) {
                return Err(DataError {
                    at: format!("components[{}].dependsOn", c.name),
                    message: format!("no component named {d:?}"),
                });
            }
        }
    }
    let mut done = vec![false; comps.len()];
    let mut order = Vec::with_capacity(comps.len());
    while order.len() < comps.len() {
        let before = order.len();
        for (i, c) in comps.iter().enumerate() {
            if !done[i] && c.depends_on.iter().all(|d| done[index[d.as_str()]]) {
                done[i] = true;
                order.push(i);
            }
        }
        if order.len() == before {
            let stuck: Vec<&str> = comps
                .iter()
                .enumerate()
                .filter(|(i, _)| !done[*i])
                .map(|(_, c)| c.name.as_str())
                .collect();
            return Err(DataError {
                at: "spec.components".into(),
                message: format!("dependsOn cycle among {}", stuck.join(", ")),
            });
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn comp(v: Value) -> ApplicationComponent {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn outputs_read_objects_and_inputs_fill_properties() {
        let cache = TemplateCache::new();
        let db = comp(json!({"name": "db", "type": "x", "outputs": [
            {"name": "host", "valueFrom": "outputs.svc.spec.clusterIP"},
            {"name": "dsn", "valueFrom": "\"pg://\" + outputs.svc.spec.clusterIP + \":\" + \"\\(output.spec.port)\""}
        ]}));
        let mut aux = Map::new();
        aux.insert("svc".into(), json!({"spec": {"clusterIP": "10.0.0.7"}}));
        let vals =
            evaluate_outputs(&cache, &db, Some(&json!({"spec": {"port": 5432}})), &aux).unwrap();
        assert_eq!(
            vals,
            [
                ("host".to_string(), json!("10.0.0.7")),
                ("dsn".to_string(), json!("pg://10.0.0.7:5432"))
            ]
        );

        let web = comp(
            json!({"name": "web", "type": "x", "properties": {"image": "a"}, "inputs": [{"from": "host", "parameterKey": "env.DB_HOST"}]}),
        );
        let values: BTreeMap<String, Value> = vals.into_iter().collect();
        let filled = apply_inputs(&web, &values).unwrap();
        assert_eq!(
            filled.properties,
            Some(json!({"image": "a", "env": {"DB_HOST": "10.0.0.7"}}))
        );

        let e = apply_inputs(
            &comp(json!({"name": "w", "type": "x", "inputs": [{"from": "nope"}]})),
            &values,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "components[w].inputs[0] (from nope): no output named \"nope\" is available yet"
        );
        let e = evaluate_outputs(&cache, &comp(json!({"name": "db", "type": "x", "outputs": [{"name": "s", "valueFrom": "output.status.x"}]})), Some(&json!({})), &Map::new()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("components[db].outputs[0] (s): valueFrom \"output.status.x\""),
            "{e}"
        );
    }

    #[test]
    fn depends_on_orders_and_reports_cycles() {
        let cs: Vec<ApplicationComponent> = serde_json::from_value(json!([
            {"name": "web", "type": "x", "dependsOn": ["api"]},
            {"name": "api", "type": "x", "dependsOn": ["db"]},
            {"name": "db", "type": "x"},
            {"name": "cache", "type": "x"}
        ]))
        .unwrap();
        assert_eq!(dependency_order(&cs).unwrap(), [2, 3, 1, 0]);
        let mut cyc = cs.clone();
        cyc[2].depends_on = vec!["web".into()];
        let e = dependency_order(&cyc).unwrap_err();
        assert_eq!(e.message, "dependsOn cycle among web, api, db");
        cyc[2].depends_on = vec!["nope".into()];
        assert_eq!(
            dependency_order(&cyc).unwrap_err().message,
            "no component named \"nope\""
        );
    }
}
