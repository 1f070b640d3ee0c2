//! What the selectors of an environment's output select, as the cluster evaluates them: no
//! controller's selector matches another controller's pods (the API server does not stop it, and
//! then both controllers, the HPA and the budget count the other's pods); every
//! PodDisruptionBudget covers the pods of exactly one controller; every Service, Istio
//! AuthorizationPolicy and Sidecar selects the pods of every controller of its own workload (a
//! canary's too, so it receives traffic and is allowed what the stable version is) and of no
//! other; each subset of a DestinationRule selects the pods of exactly one controller.

use super::netpol_eval::selects;
use serde_json::Value;
use std::collections::BTreeMap;

/// The pods a controller makes, as its template describes them.
#[derive(Debug)]
struct Controller {
    kind: String,
    name: String,
    namespace: String,
    /// Its own selector (`None` for Jobs and CronJobs: the Job controller selects by uid).
    selector: Option<Value>,
    labels: BTreeMap<String, String>,
}

impl Controller {
    fn id(&self) -> String {
        format!("{}/{} {}", self.namespace, self.name, self.kind)
    }

    /// The workload the pods belong to: namespace and `app.kubernetes.io/name`.
    fn workload(&self) -> (String, String) {
        (
            self.namespace.clone(),
            self.labels
                .get("app.kubernetes.io/name")
                .cloned()
                .unwrap_or_default(),
        )
    }
}

fn labels(value: &Value) -> BTreeMap<String, String> {
    value
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn controllers(docs: &[Value]) -> Vec<Controller> {
    let mut out = Vec::new();
    for doc in docs {
        let kind = doc["kind"].as_str().unwrap_or_default();
        let (template, selector) = match kind {
            "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => (
                &doc["spec"]["template"],
                Some(doc["spec"]["selector"].clone()),
            ),
            "Job" => (&doc["spec"]["template"], None),
            "CronJob" => (&doc["spec"]["jobTemplate"]["spec"]["template"], None),
            _ => continue,
        };
        out.push(Controller {
            kind: kind.to_string(),
            name: doc["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            namespace: doc["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            selector,
            labels: labels(&template["metadata"]["labels"]),
        });
    }
    out
}

fn selected(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    selects(selector, labels).expect("k8sc emits only selectors the evaluator knows")
}

/// A `matchLabels`-only selector from a plain map (a Service's or Istio's `selector`).
fn match_labels(map: &Value) -> Value {
    serde_json::json!({ "matchLabels": map })
}

/// Every violation of the invariants in one environment's documents; empty when they hold.
/// `counts` gets how many controllers, budgets and workload-wide selectors were checked.
pub fn violations(docs: &[Value], counts: &mut Counts) -> Vec<String> {
    let controllers = controllers(docs);
    let mut wrong = Vec::new();
    counts.controllers += controllers.len();
    for a in &controllers {
        let Some(selector) = &a.selector else {
            continue;
        };
        if !selected(selector, &a.labels) {
            wrong.push(format!(
                "{}: its selector does not match its own pods",
                a.id()
            ));
        }
        for b in controllers
            .iter()
            .filter(|b| b.namespace == a.namespace && b.id() != a.id())
        {
            if selected(selector, &b.labels) {
                wrong.push(format!(
                    "{}: its selector matches the pods of {}",
                    a.id(),
                    b.id()
                ));
            }
        }
    }
    let in_namespace = |namespace: &str| -> Vec<&Controller> {
        controllers
            .iter()
            .filter(|c| c.namespace == namespace)
            .collect()
    };
    for doc in docs {
        let kind = doc["kind"].as_str().unwrap_or_default();
        let name = doc["metadata"]["name"].as_str().unwrap_or_default();
        let namespace = doc["metadata"]["namespace"].as_str().unwrap_or_default();
        let id = format!("{namespace}/{name} {kind}");
        let workload = (
            namespace.to_string(),
            doc["metadata"]["labels"]["app.kubernetes.io/name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        let selector = match kind {
            "PodDisruptionBudget" => {
                counts.budgets += 1;
                let matched: Vec<String> = in_namespace(namespace)
                    .into_iter()
                    .filter(|c| selected(&doc["spec"]["selector"], &c.labels))
                    .map(|c| c.id())
                    .collect();
                if matched.len() != 1 {
                    wrong.push(format!(
                        "{id} covers the pods of {matched:?}, not of one controller"
                    ));
                }
                continue;
            }
            "Service" if doc["spec"]["selector"].is_object() => {
                match_labels(&doc["spec"]["selector"])
            }
            "AuthorizationPolicy" if doc["spec"]["selector"].is_object() => {
                doc["spec"]["selector"].clone()
            }
            "Sidecar" if doc["spec"]["workloadSelector"].is_object() => {
                match_labels(&doc["spec"]["workloadSelector"]["labels"])
            }
            "DestinationRule" => {
                subsets(doc, docs, &controllers, &mut wrong);
                continue;
            }
            _ => continue,
        };
        counts.workload_selectors += 1;
        for c in in_namespace(namespace) {
            let own = c.workload() == workload;
            if selected(&selector, &c.labels) != own {
                wrong.push(format!(
                    "{id} {} the pods of {}",
                    if own { "misses" } else { "selects" },
                    c.id()
                ));
            }
        }
    }
    wrong
}

/// Each subset of a DestinationRule, within its host's Service, selects exactly one controller's
/// pods, and no two subsets the same.
fn subsets(rule: &Value, docs: &[Value], controllers: &[Controller], wrong: &mut Vec<String>) {
    let Some(subsets) = rule["spec"]["subsets"].as_array() else {
        return;
    };
    let host = rule["spec"]["host"].as_str().unwrap_or_default();
    let mut parts = host.split('.');
    let (Some(service), Some(namespace)) = (parts.next(), parts.next()) else {
        return;
    };
    let Some(service) = docs.iter().find(|d| {
        d["kind"] == "Service"
            && d["metadata"]["name"] == service
            && d["metadata"]["namespace"] == namespace
    }) else {
        wrong.push(format!("{host}: no such Service"));
        return;
    };
    let mut seen = Vec::new();
    for subset in subsets {
        let matched: Vec<String> = controllers
            .iter()
            .filter(|c| c.namespace == namespace)
            .filter(|c| selected(&match_labels(&service["spec"]["selector"]), &c.labels))
            .filter(|c| selected(&match_labels(&subset["labels"]), &c.labels))
            .map(Controller::id)
            .collect();
        if matched.len() != 1 || seen.contains(&matched) {
            wrong.push(format!(
                "{host} subset {}: selects the pods of {matched:?}",
                subset["name"]
            ));
        }
        seen.push(matched);
    }
}

/// How much a run of [`violations`] checked.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Controllers.
    pub controllers: usize,
    /// PodDisruptionBudgets.
    pub budgets: usize,
    /// Services, AuthorizationPolicies and Sidecars that select a workload's pods.
    pub workload_selectors: usize,
}

/// The documents of an output tree, grouped by environment (the first folder of the path).
pub fn by_environment(files: &BTreeMap<String, String>) -> BTreeMap<String, Vec<Value>> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (path, text) in files {
        if !path.ends_with(".yaml") {
            continue;
        }
        let env = path.split('/').next().unwrap_or_default().to_string();
        let doc: Value = serde_saphyr::from_str(text).expect("generated YAML parses");
        out.entry(env).or_default().push(doc);
    }
    out
}
