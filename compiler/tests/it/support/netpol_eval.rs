//! A small evaluator of Kubernetes NetworkPolicy semantics, written for the tests: given the
//! emitted NetworkPolicy and Namespace documents and a set of pods, is a connection from one
//! endpoint to another allowed on a port?
//!
//! It follows the API's documented semantics (networking/v1 `NetworkPolicySpec`): a pod is
//! isolated for ingress (egress) when a policy of its namespace selects it with `Ingress`
//! (`Egress`) in its `policyTypes` (which default to `Ingress`, plus `Egress` when the policy has
//! egress rules); an isolated direction admits a connection only when a rule of one of those
//! policies matches it — a rule with no peers matches every peer, with no ports every port; a peer
//! with only a `podSelector` selects pods of the policy's namespace, with only a
//! `namespaceSelector` every pod of the selected namespaces, with both the selected pods of the
//! selected namespaces; `ipBlock` matches addresses in `cidr` outside every `except`. A
//! connection needs both the source's egress and the destination's ingress. Namespaces carry the
//! `kubernetes.io/metadata.name` label, as the API server sets it. Named ports are resolved on
//! the destination pod; `endPort` ranges are honoured. Any field not listed here is an error, so a
//! test notices when the backend starts emitting something this evaluator does not know.

use serde_json::Value;
use std::collections::BTreeMap;
use std::net::IpAddr;

type Result<T> = std::result::Result<T, String>;

/// A pod: where it runs, its labels, its address and its container ports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pod {
    /// A name for messages.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// Its address.
    pub ip: IpAddr,
    /// Container ports: (name, number, protocol).
    pub ports: Vec<(String, u16, String)>,
}

/// One end of a connection: a pod, or an address outside the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// A pod.
    Pod(Pod),
    /// An address outside the cluster (no policy applies to it).
    External(IpAddr),
}

impl Endpoint {
    fn ip(&self) -> IpAddr {
        match self {
            Endpoint::Pod(pod) => pod.ip,
            Endpoint::External(ip) => *ip,
        }
    }

    fn pod(&self) -> Option<&Pod> {
        match self {
            Endpoint::Pod(pod) => Some(pod),
            Endpoint::External(_) => None,
        }
    }
}

/// The cluster's policies and namespace labels.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    policies: Vec<Value>,
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
}

fn labels_of(value: Option<&Value>) -> BTreeMap<String, String> {
    value
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

impl Cluster {
    /// The cluster holding these documents: NetworkPolicies and Namespaces are kept, anything
    /// else ignored.
    pub fn new(documents: &[Value]) -> Cluster {
        let mut cluster = Cluster::default();
        for doc in documents {
            match doc["kind"].as_str() {
                Some("NetworkPolicy") => cluster.policies.push(doc.clone()),
                Some("Namespace") => {
                    let name = doc["metadata"]["name"].as_str().unwrap_or_default();
                    cluster.add_namespace(name, labels_of(doc.pointer("/metadata/labels")));
                }
                _ => {}
            }
        }
        cluster
    }

    /// Adds a namespace (one k8sc did not generate, such as `kube-system`).
    pub fn add_namespace(&mut self, name: &str, mut labels: BTreeMap<String, String>) {
        labels.insert("kubernetes.io/metadata.name".to_string(), name.to_string());
        self.namespaces.insert(name.to_string(), labels);
    }

    /// How many NetworkPolicies the cluster holds.
    pub fn policy_count(&self) -> usize {
        self.policies.len()
    }

    /// Whether a connection from `from` to `to` on `port`/`protocol` is allowed.
    pub fn allowed(
        &self,
        from: &Endpoint,
        to: &Endpoint,
        port: u16,
        protocol: &str,
    ) -> Result<bool> {
        let egress = match from.pod() {
            Some(pod) => self.direction(pod, "Egress", to, port, protocol)?,
            None => true,
        };
        let ingress = match to.pod() {
            Some(pod) => self.direction(pod, "Ingress", from, port, protocol)?,
            None => true,
        };
        Ok(egress && ingress)
    }

    /// Whether `to`'s ingress policies alone admit a connection from `from`.
    pub fn ingress_allowed(
        &self,
        from: &Endpoint,
        to: &Pod,
        port: u16,
        protocol: &str,
    ) -> Result<bool> {
        self.direction(to, "Ingress", from, port, protocol)
    }

    /// Whether `from`'s egress policies alone admit a connection to `to`.
    pub fn egress_allowed(
        &self,
        from: &Pod,
        to: &Endpoint,
        port: u16,
        protocol: &str,
    ) -> Result<bool> {
        self.direction(from, "Egress", to, port, protocol)
    }

    /// Whether `pod`'s policies admit traffic in `direction` with `peer` at the other end.
    fn direction(
        &self,
        pod: &Pod,
        direction: &str,
        peer: &Endpoint,
        port: u16,
        protocol: &str,
    ) -> Result<bool> {
        let mut isolated = false;
        for policy in &self.policies {
            check_keys(policy, &["apiVersion", "kind", "metadata", "spec"])?;
            let namespace = policy["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default");
            if namespace != pod.namespace {
                continue;
            }
            let spec = &policy["spec"];
            check_keys(spec, &["podSelector", "policyTypes", "ingress", "egress"])?;
            let selector = spec
                .get("podSelector")
                .ok_or("a NetworkPolicy without podSelector")?;
            if !selects(selector, &pod.labels)? {
                continue;
            }
            if !policy_types(spec)?.iter().any(|t| t == direction) {
                continue;
            }
            isolated = true;
            let (rules_key, peers_key) = match direction {
                "Ingress" => ("ingress", "from"),
                _ => ("egress", "to"),
            };
            let rules = spec.get(rules_key).and_then(Value::as_array);
            for rule in rules.into_iter().flatten() {
                check_keys(rule, &[peers_key, "ports"])?;
                let peers_ok = match rule.get(peers_key).and_then(Value::as_array) {
                    None => true,
                    Some(peers) if peers.is_empty() => true,
                    Some(peers) => {
                        let mut any = false;
                        for p in peers {
                            any |= self.peer_matches(p, namespace, peer)?;
                        }
                        any
                    }
                };
                let destination = if direction == "Ingress" {
                    Some(pod)
                } else {
                    peer.pod()
                };
                let ports_ok = match rule.get("ports").and_then(Value::as_array) {
                    None => true,
                    Some(ports) if ports.is_empty() => true,
                    Some(ports) => {
                        let mut any = false;
                        for p in ports {
                            any |= port_matches(p, destination, port, protocol)?;
                        }
                        any
                    }
                };
                if peers_ok && ports_ok {
                    return Ok(true);
                }
            }
        }
        Ok(!isolated)
    }

    fn peer_matches(
        &self,
        peer: &Value,
        policy_namespace: &str,
        endpoint: &Endpoint,
    ) -> Result<bool> {
        check_keys(peer, &["podSelector", "namespaceSelector", "ipBlock"])?;
        if let Some(block) = peer.get("ipBlock") {
            check_keys(block, &["cidr", "except"])?;
            let cidr = block["cidr"].as_str().ok_or("ipBlock without cidr")?;
            let ip = endpoint.ip();
            if !in_cidr(ip, cidr)? {
                return Ok(false);
            }
            for except in block
                .get("except")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if in_cidr(ip, except.as_str().ok_or("except holds a non-string")?)? {
                    return Ok(false);
                }
            }
            return Ok(true);
        }
        let Some(pod) = endpoint.pod() else {
            // Selectors only ever select pods.
            return Ok(false);
        };
        let namespace_ok = match peer.get("namespaceSelector") {
            Some(selector) => {
                let labels = self
                    .namespaces
                    .get(&pod.namespace)
                    .ok_or(format!("namespace {} is unknown", pod.namespace))?;
                selects(selector, labels)?
            }
            None => pod.namespace == policy_namespace,
        };
        let pod_ok = match peer.get("podSelector") {
            Some(selector) => selects(selector, &pod.labels)?,
            None => true,
        };
        Ok(namespace_ok && pod_ok)
    }
}

fn check_keys(value: &Value, known: &[&str]) -> Result<()> {
    let object = value.as_object().ok_or("expected an object")?;
    for key in object.keys() {
        if !known.contains(&key.as_str()) {
            return Err(format!("unsupported NetworkPolicy field `{key}`"));
        }
    }
    Ok(())
}

fn policy_types(spec: &Value) -> Result<Vec<String>> {
    match spec.get("policyTypes").and_then(Value::as_array) {
        Some(types) => types
            .iter()
            .map(|t| {
                t.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| "policyTypes holds a non-string".to_string())
            })
            .collect(),
        None => {
            let mut types = vec!["Ingress".to_string()];
            if spec.get("egress").is_some() {
                types.push("Egress".to_string());
            }
            Ok(types)
        }
    }
}

/// Label selector semantics: every `matchLabels` pair and every `matchExpressions` requirement
/// holds; an empty selector selects everything.
pub fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> Result<bool> {
    check_keys(selector, &["matchLabels", "matchExpressions"])?;
    if let Some(match_labels) = selector.get("matchLabels").and_then(Value::as_object) {
        for (key, value) in match_labels {
            if labels.get(key).map(String::as_str) != value.as_str() {
                return Ok(false);
            }
        }
    }
    for expression in selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = expression["key"].as_str().ok_or("expression without key")?;
        let values: Vec<&str> = expression
            .get("values")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let value = labels.get(key).map(String::as_str);
        let holds = match expression["operator"].as_str() {
            Some("In") => value.is_some_and(|v| values.contains(&v)),
            Some("NotIn") => value.is_none_or(|v| !values.contains(&v)),
            Some("Exists") => value.is_some(),
            Some("DoesNotExist") => value.is_none(),
            other => return Err(format!("unknown selector operator {other:?}")),
        };
        if !holds {
            return Ok(false);
        }
    }
    Ok(true)
}

fn port_matches(p: &Value, destination: Option<&Pod>, port: u16, protocol: &str) -> Result<bool> {
    check_keys(p, &["port", "protocol", "endPort"])?;
    let wanted = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
    if wanted != protocol {
        return Ok(false);
    }
    let Some(spec) = p.get("port") else {
        return Ok(true);
    };
    let first = match spec {
        Value::Number(n) => n
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .ok_or("port out of range")?,
        Value::String(name) => {
            let Some(pod) = destination else {
                return Ok(false);
            };
            match pod
                .ports
                .iter()
                .find(|(n, _, proto)| n == name && proto == protocol)
            {
                Some((_, number, _)) => *number,
                None => return Ok(false),
            }
        }
        _ => return Err("port is neither a number nor a name".to_string()),
    };
    let last = match p.get("endPort") {
        Some(end) => end
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .ok_or("endPort out of range")?,
        None => first,
    };
    Ok((first..=last).contains(&port))
}

/// Whether `ip` is in `cidr` (addresses of the other family never are).
pub fn in_cidr(ip: IpAddr, cidr: &str) -> Result<bool> {
    let (address, prefix) = cidr.split_once('/').ok_or(format!("bad cidr {cidr}"))?;
    let address: IpAddr = address.parse().map_err(|_| format!("bad cidr {cidr}"))?;
    let prefix: u32 = prefix.parse().map_err(|_| format!("bad cidr {cidr}"))?;
    Ok(match (ip, address) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    })
}
