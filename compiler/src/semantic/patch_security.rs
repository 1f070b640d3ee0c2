//! What a patch turns off of the hardening k8sc gives every pod: read off the patch itself, so
//! the rules that require the hardening see the patched values (and point at them), and an
//! `allow RULE because "…"` exempts the workload exactly as for any other violation.

use super::patch::{PatchNode, PatchSpec, PatchValue};
use crate::model::kinds::WorkloadKind;
use k8sc_grammar::Span;

/// One piece of pod hardening a patch can weaken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Hardening {
    /// `runAsNonRoot: false` (or removed).
    NonRoot,
    /// `privileged: true`.
    Privileged,
    /// `allowPrivilegeEscalation: true` (or removed: the runtime's default is to allow it).
    PrivilegeEscalation,
    /// `readOnlyRootFilesystem: false` (or removed).
    ReadOnlyRoot,
    /// `hostNetwork: true`.
    HostNetwork,
    /// `hostPID: true`.
    HostPid,
    /// `hostIPC: true`.
    HostIpc,
    /// `capabilities.add` (or `capabilities.drop` changed or removed).
    Capabilities,
}

impl Hardening {
    /// The Kubernetes field, for messages.
    pub fn field(self) -> &'static str {
        match self {
            Hardening::NonRoot => "runAsNonRoot",
            Hardening::Privileged => "privileged",
            Hardening::PrivilegeEscalation => "allowPrivilegeEscalation",
            Hardening::ReadOnlyRoot => "readOnlyRootFilesystem",
            Hardening::HostNetwork => "hostNetwork",
            Hardening::HostPid => "hostPID",
            Hardening::HostIpc => "hostIPC",
            Hardening::Capabilities => "capabilities",
        }
    }
}

/// The path from a controller's root to its pod's `spec` (the workload-kind registry's); `None`
/// for a kind that is no workload's controller.
fn pod_spec_path(kind: &str) -> Option<&'static [&'static str]> {
    WorkloadKind::from_controller(kind).map(|k| k.info().pod_spec)
}

/// Every weakening of the patch, with the span of the value that weakens.
pub fn weakenings(patch: &PatchSpec) -> Vec<(Hardening, Span)> {
    let mut out = Vec::new();
    let Some(path) = pod_spec_path(&patch.kind) else {
        return out;
    };
    let mut node = &patch.body;
    for key in path {
        match get(node, key) {
            Some(next) if is_null(next) => {
                // The whole pod spec (or template) replaced by nothing: every guarantee goes.
                out.push((Hardening::NonRoot, next.span));
                return out;
            }
            Some(next) => node = next,
            None => return out,
        }
    }
    for (key, hardening) in [
        ("hostNetwork", Hardening::HostNetwork),
        ("hostPID", Hardening::HostPid),
        ("hostIPC", Hardening::HostIpc),
    ] {
        if let Some(value) = get(node, key)
            && is_bool(value, true)
        {
            out.push((hardening, value.span));
        }
    }
    if let Some(context) = get(node, "securityContext") {
        security_context(context, &mut out);
    }
    for list in ["containers", "initContainers"] {
        if let Some(PatchNode {
            value: PatchValue::List(items),
            ..
        }) = get(node, list)
        {
            for item in items {
                if let Some(context) = get(item, "securityContext") {
                    security_context(context, &mut out);
                }
            }
        }
    }
    out
}

fn security_context(context: &PatchNode, out: &mut Vec<(Hardening, Span)>) {
    if is_null(context) {
        out.push((Hardening::NonRoot, context.span));
        out.push((Hardening::PrivilegeEscalation, context.span));
        out.push((Hardening::ReadOnlyRoot, context.span));
        out.push((Hardening::Capabilities, context.span));
        return;
    }
    let weak_when =
        |key: &str, weak: bool| get(context, key).filter(|v| is_null(v) || is_bool(v, weak));
    if let Some(v) = weak_when("runAsNonRoot", false) {
        out.push((Hardening::NonRoot, v.span));
    }
    if let Some(v) = get(context, "privileged").filter(|v| is_bool(v, true)) {
        out.push((Hardening::Privileged, v.span));
    }
    if let Some(v) = weak_when("allowPrivilegeEscalation", true) {
        out.push((Hardening::PrivilegeEscalation, v.span));
    }
    if let Some(v) = weak_when("readOnlyRootFilesystem", false) {
        out.push((Hardening::ReadOnlyRoot, v.span));
    }
    if let Some(capabilities) = get(context, "capabilities") {
        let added = get(capabilities, "add")
            .is_some_and(|v| matches!(&v.value, PatchValue::List(items) if !items.is_empty()));
        let undropped = get(capabilities, "drop").is_some_and(|v| !drops_all(v));
        if is_null(capabilities) || added || undropped {
            out.push((Hardening::Capabilities, capabilities.span));
        }
    }
}

fn drops_all(node: &PatchNode) -> bool {
    matches!(&node.value, PatchValue::List(items)
        if items.iter().any(|i| matches!(&i.value, PatchValue::Str(s) if s == "ALL")))
}

fn get<'n>(node: &'n PatchNode, key: &str) -> Option<&'n PatchNode> {
    match &node.value {
        PatchValue::Map(entries) => entries
            .iter()
            .rev()
            .find(|e| e.key == key)
            .map(|e| &e.value),
        _ => None,
    }
}

fn is_null(node: &PatchNode) -> bool {
    matches!(node.value, PatchValue::Null)
}

fn is_bool(node: &PatchNode, wanted: bool) -> bool {
    matches!(node.value, PatchValue::Bool(b) if b == wanted)
}
