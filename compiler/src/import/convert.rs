//! From a controller (and the HPA that scales it) to the fields of a workload declaration that the
//! language has words for: image, ports, replicas (a range when autoscaled), CPU and memory with
//! their units, probes, command, arguments, environment, config, schedule. What is not converted here
//! reaches the output through the patch computed afterwards ([`super::residual`]).

use super::emit::{ident_or_quoted, string};
use crate::model::kinds::WorkloadKind;
use serde_json::Value;

/// The declaration keyword for a controller kind, knowing whether a Service selects its pods.
pub fn keyword(kind: &str, has_service: bool) -> Option<&'static str> {
    Some(match kind {
        "Deployment" if has_service => "service",
        "Deployment" => "worker",
        "StatefulSet" => "stateful",
        "DaemonSet" => "daemon",
        "Job" => "job",
        "CronJob" => "cron",
        _ => return None,
    })
}

/// The JSON pointer of the pod template in a controller of `kind`, where the workload-kind
/// registry puts it (a Deployment's for a kind that is no workload's controller).
pub fn pod_template_pointer(kind: &str) -> String {
    WorkloadKind::from_controller(kind)
        .unwrap_or(WorkloadKind::Service)
        .info()
        .pod_template_pointer()
}

/// The pod template of a controller.
pub fn pod_template<'v>(kind: &str, controller: &'v Value) -> Option<&'v Value> {
    controller.pointer(&pod_template_pointer(kind))
}

/// The fields of the declaration, one per line (`config`: the `config { … }` field of a folded
/// ConfigMap).
pub fn fields(
    keyword: &str,
    kind: &str,
    controller: &Value,
    autoscaler: Option<&Value>,
    config: Option<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let container = pod_template(kind, controller).and_then(|t| t.pointer("/spec/containers/0"));
    let Some(container) = container else {
        return out;
    };
    if let Some(image) = container.get("image").and_then(Value::as_str) {
        out.push(format!("image: {}", string(image)));
    }
    if matches!(keyword, "service" | "worker" | "stateful" | "daemon")
        && let Some(ports) = ports(container)
    {
        out.push(ports);
    }
    if let Some(replicas) = replicas(controller, autoscaler) {
        out.push(replicas);
    }
    out.extend(autoscaler.and_then(super::lifecycle::autoscale));
    let resources = container.get("resources");
    let request = |what: &str| {
        resources
            .and_then(|r| r.pointer(&format!("/requests/{what}")))
            .and_then(Value::as_str)
    };
    let limit = |what: &str| {
        resources
            .and_then(|r| r.pointer(&format!("/limits/{what}")))
            .and_then(Value::as_str)
    };
    if let Some(cpu) = quantity_range(request("cpu"), limit("cpu"), is_cpu) {
        out.push(format!("cpu: {cpu}"));
    }
    if let Some(memory) = quantity_range(request("memory"), limit("memory"), is_bytes) {
        out.push(format!("memory: {memory}"));
    }
    if keyword != "job" && keyword != "cron" {
        let probes: Vec<String> = [("ready", "readinessProbe"), ("live", "livenessProbe")]
            .iter()
            .filter_map(|(word, key)| {
                let value = container.get(*key)?;
                let options = super::lifecycle::probe_options(value);
                probe(value).map(|p| format!("{word}: {p}{options}"))
            })
            .collect();
        if !probes.is_empty() {
            out.push(format!("probes {{ {} }}", probes.join(", ")));
        }
    }
    for key in ["command", "args"] {
        if let Some(list) = string_list(container.get(key)) {
            out.push(format!("{key}: {list}"));
        }
    }
    if let Some(env) = env(container) {
        out.push(env);
    }
    out.extend(config);
    out.extend(super::lifecycle::fields(kind, controller));
    if let Some(pod) = pod_template(kind, controller).and_then(|t| t.get("spec")) {
        out.extend(super::containers::fields(pod));
    }
    // The Job's spec (of a Job, or of a CronJob's Jobs) holds the pod template.
    let job = WorkloadKind::from_controller(kind)
        .filter(|k| k.is_batch())
        .and_then(|k| {
            let template = k.info().pod_template_pointer();
            controller.pointer(template.strip_suffix("/template")?)
        });
    if let Some(job) = job {
        out.extend(batch(job));
    }
    if let Some(policy) = controller
        .pointer("/spec/concurrencyPolicy")
        .and_then(Value::as_str)
    {
        out.push(format!("concurrency: {}", policy.to_ascii_lowercase()));
    }
    if kind == "CronJob"
        && let Some(schedule) = controller.pointer("/spec/schedule").and_then(Value::as_str)
    {
        out.push(format!("schedule: {}", string(schedule)));
    }
    out
}

/// `retries`, `timeout`, `ttl` and `restart` of a Job's spec.
fn batch(job: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let number = |key: &str| job.get(key).and_then(Value::as_u64);
    if let Some(n) = number("backoffLimit") {
        out.push(format!("retries: {n}"));
    }
    if let Some(n) = number("activeDeadlineSeconds").filter(|n| *n > 0) {
        out.push(format!("timeout: {n}s"));
    }
    if let Some(n) = number("ttlSecondsAfterFinished") {
        out.push(format!("ttl: {n}s"));
    }
    match job
        .pointer("/template/spec/restartPolicy")
        .and_then(Value::as_str)
    {
        Some("OnFailure") => out.push("restart: on_failure".to_string()),
        Some("Never") => out.push("restart: never".to_string()),
        _ => {}
    }
    out
}

pub(super) fn ports(container: &Value) -> Option<String> {
    let ports = container.get("ports")?.as_array()?;
    let mut entries = Vec::new();
    for (index, port) in ports.iter().enumerate() {
        let number = port.get("containerPort")?.as_u64()?;
        let name = port.get("name").and_then(Value::as_str);
        let protocol = match (port.get("protocol").and_then(Value::as_str), name) {
            (Some("UDP"), _) => "udp",
            (_, Some(n)) if n.contains("grpc") => "grpc",
            (_, Some(n)) if n.contains("http") || n == "web" || n == "metrics" => "http",
            _ => "tcp",
        };
        let name = match name {
            Some(n) if is_identifier(n) => n.to_string(),
            _ => format!("port{index}"),
        };
        entries.push(format!("{name}: {protocol} {number}"));
    }
    (!entries.is_empty()).then(|| format!("ports {{ {} }}", entries.join(", ")))
}

fn replicas(controller: &Value, autoscaler: Option<&Value>) -> Option<String> {
    if let Some(hpa) = autoscaler {
        let max = hpa.pointer("/spec/maxReplicas")?.as_u64()?;
        let min = hpa
            .pointer("/spec/minReplicas")
            .and_then(Value::as_u64)
            .unwrap_or(1);
        return Some(format!("replicas: {min}..{max}"));
    }
    let fixed = controller.pointer("/spec/replicas")?.as_u64()?;
    Some(format!("replicas: {fixed}"))
}

pub(super) fn quantity_range(
    request: Option<&str>,
    limit: Option<&str>,
    valid: fn(&str) -> bool,
) -> Option<String> {
    match (request.filter(|r| valid(r)), limit.filter(|l| valid(l))) {
        (Some(r), Some(l)) if r == l => Some(r.to_string()),
        (Some(r), Some(l)) => Some(format!("{r}..{l}")),
        (Some(r), None) => Some(r.to_string()),
        _ => None,
    }
}

pub(super) fn is_cpu(text: &str) -> bool {
    let digits = text.strip_suffix('m').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn is_bytes(text: &str) -> bool {
    ["Ki", "Mi", "Gi", "Ti"].iter().any(|unit| {
        text.strip_suffix(unit)
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    })
}

pub(super) fn probe(probe: &Value) -> Option<String> {
    if let Some(path) = probe.pointer("/httpGet/path").and_then(Value::as_str) {
        return Some(format!("http {}", string(path)));
    }
    if probe.get("grpc").is_some() {
        return Some("grpc".to_string());
    }
    if probe.get("tcpSocket").is_some() {
        return Some("tcp".to_string());
    }
    if let Some(command) = string_list(probe.pointer("/exec/command")) {
        return Some(format!("exec {command}"));
    }
    None
}

pub(super) fn string_list(value: Option<&Value>) -> Option<String> {
    let items = value?.as_array()?;
    let strings: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(string)).collect();
    Some(format!("[{}]", strings?.join(", ")))
}

/// Literal values and secret references; anything else (field and ConfigMap references) stays in
/// the patch. Literal credentials were taken out before ([`super::credentials`]).
pub(super) fn env(container: &Value) -> Option<String> {
    let items = container.get("env")?.as_array()?;
    let mut entries = Vec::new();
    for item in items {
        let Some(name) = item.get("name").and_then(Value::as_str) else {
            continue;
        };
        if let Some(value) = item.get("value").and_then(Value::as_str) {
            entries.push(format!("{}: {}", ident_or_quoted(name), string(value)));
        } else if let (Some(secret), Some(key)) = (
            item.pointer("/valueFrom/secretKeyRef/name")
                .and_then(Value::as_str),
            item.pointer("/valueFrom/secretKeyRef/key")
                .and_then(Value::as_str),
        ) && is_identifier(secret)
            && is_identifier(key)
        {
            entries.push(format!("{}: secret {secret}.{key}", ident_or_quoted(name)));
        }
    }
    (!entries.is_empty()).then(|| format!("env {{ {} }}", entries.join(", ")))
}

/// Whether `text` can be written as an identifier of the language.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !matches!(
            text,
            "and" | "or" | "not" | "in" | "true" | "false" | "null"
        )
}
