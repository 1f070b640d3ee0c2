//! `k8sc import`: Kubernetes YAML in, idiomatic `.k8s` out. Each controller becomes one workload
//! declaration, with the Service, HorizontalPodAutoscaler and PodDisruptionBudget k8sc generates
//! for it folded in, and the ConfigMap only it uses as its `config {}` ([`config`]); what the
//! language has words for is written with them (units, ranges, probes), and everything else of
//! the input is kept in `patch` blocks: the importer builds the declarations, compares each
//! generated resource with the imported one, and patches in exactly what is missing or different
//! ([`residual`]). So `import` then `build` gives back every field of every imported resource,
//! plus k8sc's hardening.

mod config;
mod containers;
mod convert;
mod credentials;
mod emit;
mod files;
mod kube_yaml;
mod lifecycle;
mod placement;
mod read;
mod report;
pub mod residual;
mod service;
mod typed;

pub use credentials::CredentialNote;
pub use files::align as align_volumes;
pub use read::{Manifest, read_documents, read_documents_noting_keys};
pub use report::{Folded, ImportReport, PatchNote, Skipped};

use crate::db::Database;
use crate::diagnostics::Diagnostic;
use serde_json::Value;
use std::collections::BTreeMap;

/// What an import produced.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The `.k8s` file's name and its (formatted) text.
    pub file: (String, String),
    /// What was folded, patched and skipped.
    pub report: ImportReport,
}

/// One workload being imported.
struct Draft<'m> {
    keyword: &'static str,
    /// The controller's index among the manifests.
    index: usize,
    controller: &'m Manifest,
    /// The imported resources folded into it (the controller first).
    members: Vec<&'m Manifest>,
    /// The HorizontalPodAutoscaler folded in, whose bounds are the replicas.
    autoscaler: Option<&'m Value>,
    /// The ConfigMap folded in as `config {}`.
    config: Option<&'m Manifest>,
    fields: Vec<String>,
}

/// Imports `manifests` as the app `app` (its name and namespace).
pub fn import(manifests: &[Manifest], app: &str) -> Result<Imported, String> {
    let mut report = ImportReport::default();
    // Literal credentials are taken out first: none is folded, nor kept in a patch.
    let (manifests, credentials) = credentials::take_out(manifests);
    let manifests = manifests.as_slice();
    report.credentials = credentials;
    let namespace = namespace_of(manifests).unwrap_or_else(|| app.to_string());
    let mut used = vec![false; manifests.len()];
    let mut drafts = Vec::new();
    for (index, manifest) in manifests.iter().enumerate() {
        let kind = manifest.kind();
        let template = convert::pod_template(kind, &manifest.value);
        let Some(template) = template else { continue };
        let pod_labels = template.pointer("/metadata/labels");
        let service = manifests.iter().position(|m| {
            m.kind() == "Service" && m.name() == manifest.name() && selects(m, pod_labels)
        });
        let Some(keyword) = convert::keyword(kind, service.is_some()) else {
            continue;
        };
        if !convert::is_identifier(manifest.name()) {
            report.skipped.push(Skipped::of(
                manifest,
                "its name is not a name the language can declare",
            ));
            used[index] = true;
            continue;
        }
        used[index] = true;
        let mut members = vec![manifest];
        let mut autoscaler = None;
        for (other, candidate) in manifests.iter().enumerate() {
            if used[other] || candidate.name() != manifest.name() {
                continue;
            }
            let folds = match candidate.kind() {
                "Service" => {
                    Some(other) == service
                        || (keyword == "stateful" && selects(candidate, pod_labels))
                }
                "HorizontalPodAutoscaler" => {
                    let target = candidate.pointer_str("/spec/scaleTargetRef/name");
                    let is_target = target == Some(manifest.name());
                    if is_target {
                        autoscaler = Some(&candidate.value);
                    }
                    is_target
                }
                "PodDisruptionBudget" => {
                    selects_via(candidate, "/spec/selector/matchLabels", pod_labels)
                }
                // k8sc gives every workload its own account, named after it.
                "ServiceAccount" => true,
                _ => false,
            };
            if folds {
                used[other] = true;
                members.push(candidate);
            }
        }
        drafts.push(Draft {
            keyword,
            index,
            controller: manifest,
            members,
            autoscaler,
            config: None,
            fields: Vec::new(),
        });
    }
    let workloads: Vec<usize> = drafts.iter().map(|d| d.index).collect();
    let mut plan = config::plan(manifests, &workloads);
    for draft in &mut drafts {
        let fold = plan.folds.remove(&draft.index);
        if let Some(fold) = &fold {
            let config_map = &manifests[fold.config_map];
            used[fold.config_map] = true;
            draft.members.push(config_map);
            draft.config = Some(config_map);
        }
        draft.fields = convert::fields(
            draft.keyword,
            draft.controller.kind(),
            &draft.controller.value,
            draft.autoscaler,
            fold.as_ref().map(config::field),
        );
        draft.fields.extend(files::fields(
            draft.controller.kind(),
            &draft.controller.value,
        ));
        if let Some(pod) = convert::pod_template(draft.controller.kind(), &draft.controller.value)
            .and_then(|t| t.get("spec"))
        {
            draft.fields.extend(placement::fields(pod));
        }
        let own_service = draft
            .members
            .iter()
            .find(|m| m.kind() == "Service" && m.name() == draft.controller.name());
        if let Some(field) = own_service.and_then(|s| service::service_field(&s.value)) {
            draft.fields.push(field);
        }
    }
    // The PriorityClasses the workloads name: declared from the input's, or assumed.
    let named: Vec<(String, String)> = drafts
        .iter()
        .filter_map(|d| {
            let pod = convert::pod_template(d.controller.kind(), &d.controller.value)?;
            let name = pod.pointer("/spec/priorityClassName")?.as_str()?;
            placement::declarable(name).then(|| (name.to_string(), d.controller.name().to_string()))
        })
        .collect();
    let (priorities, folded_classes) = placement::declarations(manifests, &named);
    for (index, workload) in folded_classes {
        used[index] = true;
        report.folded.push(Folded {
            resource: manifests[index].id(),
            source: manifests[index].source.clone(),
            workload,
            renamed: Vec::new(),
        });
    }
    // An Ingress routing to one service's port becomes its `expose: ingress`.
    for (index, manifest) in manifests.iter().enumerate() {
        if used[index] || manifest.kind() != "Ingress" {
            continue;
        }
        let found = drafts.iter_mut().find_map(|draft| {
            let exposed = draft.fields.iter().any(|f| f.starts_with("expose:"));
            let field = (draft.keyword == "service" && !exposed)
                .then(|| service::ingress_field(&manifest.value, draft.controller.name()))
                .flatten()?;
            Some((draft, field))
        });
        if let Some((draft, field)) = found {
            draft.fields.push(field);
            draft.members.push(manifest);
            used[index] = true;
        }
    }
    // An HTTPRoute to one service's port becomes its `expose: route`, and its Gateway the app's
    // (the first one met: an app attaches its routes to one Gateway).
    let mut gateway: Option<String> = None;
    for (index, manifest) in manifests.iter().enumerate() {
        if used[index] || manifest.kind() != "HTTPRoute" {
            continue;
        }
        let found = drafts.iter_mut().find_map(|draft| {
            let exposed = draft.fields.iter().any(|f| f.starts_with("expose:"));
            let (field, parent) = (draft.keyword == "service" && !exposed)
                .then(|| service::route_field(&manifest.value, draft.controller.name()))
                .flatten()?;
            gateway
                .as_ref()
                .is_none_or(|g| *g == parent)
                .then_some((draft, field, parent))
        });
        if let Some((draft, field, parent)) = found {
            draft.fields.push(field);
            draft.members.push(manifest);
            used[index] = true;
            gateway = Some(parent);
        }
    }
    for (index, manifest) in manifests.iter().enumerate() {
        if !used[index] {
            let reason = match plan.skipped.get(&index) {
                Some(reason) => reason.as_str(),
                None => skip_reason(manifest.kind()),
            };
            report.skipped.push(Skipped::of(manifest, reason));
        }
    }
    // First pass: the declarations alone, built to see what k8sc generates for them.
    let gateway_line = gateway.map(|g| format!("  {g}\n")).unwrap_or_default();
    let header = format!(
        "app {app} {{\n  namespace: {}\n{gateway_line}}}\n{priorities}",
        emit::string(&namespace)
    );
    let base = render_file(&header, &drafts, &BTreeMap::new());
    let generated = generate(&base)?;
    // Second pass: every difference kept in a patch.
    let mut patches: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for draft in &drafts {
        let name = draft.controller.name();
        let config_name = generated
            .iter()
            .find(|(kind, _, stem, _)| {
                kind == "ConfigMap" && *stem == file_stem("ConfigMap", "", name)
            })
            .map(|(_, n, _, _)| n.as_str());
        for member in &draft.members {
            let stem = file_stem(member.kind(), member.name(), name);
            let Some(output) = generated.iter().find(|(kind, n, s, _)| {
                kind == member.kind() && (*s == stem || (kind != "ConfigMap" && n == member.name()))
            }) else {
                report.skipped.push(Skipped::of(
                    member,
                    "k8sc generates no resource of this kind and name for the workload",
                ));
                continue;
            };
            let mut input = clean(&member.value);
            if member.kind() == "HTTPRoute" {
                service::default_parent_refs(&mut input);
            }
            let mut renamed = Vec::new();
            if output.1 != member.name() {
                set_name(&mut input, &output.1);
                let (article, why) = match member.kind() {
                    "Ingress" | "HTTPRoute" => ("an", "after its workload"),
                    _ => ("a", "by its content's hash"),
                };
                renamed.push(format!(
                    "named `{}`: k8sc names {article} {} {why}",
                    output.1,
                    member.kind()
                ));
            }
            if member.kind() == draft.controller.kind()
                && let Some(old) = rename_main_container(&mut input, member.kind(), name)
            {
                renamed.push(format!(
                    "its container `{old}` is `{name}`: k8sc names the main container after the workload"
                ));
            }
            if member.kind() == draft.controller.kind() {
                renamed.extend(files::align(&mut input, member.kind(), &output.3));
            }
            if member.kind() == draft.controller.kind()
                && draft.config.is_some()
                && let Some(new) = config_name
            {
                if let Some(old) = rename_config_ref(&mut input, member.kind(), new) {
                    renamed.push(format!(
                        "its `envFrom` ConfigMap `{old}` is `{new}`: the ConfigMap of its `config {{}}`"
                    ));
                }
                // `optional` left out is `false`, which k8sc writes.
                if let Some(Value::Object(reference)) =
                    input.pointer_mut(&config_ref_pointer(member.kind()))
                {
                    reference.entry("optional").or_insert(Value::Bool(false));
                }
            }
            report.folded.push(Folded {
                resource: member.id(),
                source: member.source.clone(),
                workload: name.to_string(),
                renamed,
            });
            let Some(patch) = residual::residual(&input, &output.3) else {
                continue;
            };
            let several = draft
                .members
                .iter()
                .filter(|m| m.kind() == member.kind())
                .count()
                > 1;
            let target_name = several.then(|| member.name());
            patches
                .entry(name.to_string())
                .or_default()
                .push(emit::patch_block(member.kind(), target_name, &patch));
            report.patches.push(PatchNote {
                workload: name.to_string(),
                resource: member.id(),
                paths: report::leaf_paths(&patch),
            });
        }
    }
    let text = render_file(&header, &drafts, &patches);
    let text = k8sc_grammar::format::format_source(&text).map_err(|errors| {
        let messages: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        format!("the imported text does not parse: {}", messages.join("; "))
    })?;
    let file = format!("{app}.k8s");
    report.diagnostics = check(&file, &text);
    Ok(Imported {
        file: (file, text),
        report,
    })
}

impl Manifest {
    fn pointer_str(&self, pointer: &str) -> Option<&str> {
        self.value.pointer(pointer).and_then(Value::as_str)
    }
}

fn namespace_of(manifests: &[Manifest]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for manifest in manifests {
        if let Some(ns) = manifest.namespace() {
            *counts.entry(ns).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(ns, _)| ns.to_string())
}

/// Whether the Service's selector picks pods with `labels`.
fn selects(service: &Manifest, labels: Option<&Value>) -> bool {
    selects_via(service, "/spec/selector", labels)
}

fn selects_via(resource: &Manifest, pointer: &str, labels: Option<&Value>) -> bool {
    let (Some(Value::Object(selector)), Some(Value::Object(labels))) =
        (resource.value.pointer(pointer), labels)
    else {
        return false;
    };
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

fn skip_reason(kind: &str) -> &'static str {
    match kind {
        "Secret" => "secrets are not written into source; keep it in your secret store",
        "Ingress" => {
            "it does not route `Prefix` paths of every host to one port of one imported service (with one TLS Secret for all hosts), which is what `expose: ingress` writes"
        }
        "HTTPRoute" => {
            "it does not send `PathPrefix` matches of one rule to one port of one imported service through the app's one Gateway, which is what `expose: route` writes"
        }
        "Service" | "HorizontalPodAutoscaler" | "PodDisruptionBudget" => {
            "it does not belong to an imported workload under the workload's name"
        }
        "Namespace" => "the app's namespace is generated from `namespace:`",
        _ => "the language has no declaration for this kind",
    }
}

fn set_name(value: &mut Value, name: &str) {
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        meta.insert("name".to_string(), Value::String(name.to_string()));
    }
}

/// Renames the first container of the controller's pod to `workload` (as k8sc names it),
/// returning the old name when it was different.
pub fn rename_main_container(value: &mut Value, kind: &str, workload: &str) -> Option<String> {
    let pointer = format!(
        "{}/spec/containers/0/name",
        convert::pod_template_pointer(kind)
    );
    let slot = value.pointer_mut(&pointer)?;
    let old = slot.as_str()?.to_string();
    if old == workload {
        return None;
    }
    *slot = Value::String(workload.to_string());
    Some(old)
}

/// The file stem of the resource k8sc generates for an imported one of `kind` named `name`,
/// folded into `workload`: a ConfigMap is the one of the workload's `config {}`.
pub fn file_stem(kind: &str, name: &str, workload: &str) -> String {
    match kind {
        "ConfigMap" => format!("configmap-{workload}-config"),
        "Ingress" => format!("ingress-{workload}"),
        "HTTPRoute" => format!("httproute-{workload}"),
        _ => format!("{}-{name}", kind.to_lowercase()),
    }
}

/// The `configMapRef` of the first `envFrom` entry of the main container.
fn config_ref_pointer(kind: &str) -> String {
    format!(
        "{}/spec/containers/0/envFrom/0/configMapRef",
        convert::pod_template_pointer(kind)
    )
}

/// Points the main container's `envFrom` ConfigMap (the one folded into `config {}`) at `name`,
/// the content-hashed name k8sc gives it, returning the old name when it was different.
pub fn rename_config_ref(value: &mut Value, kind: &str, name: &str) -> Option<String> {
    let slot = value.pointer_mut(&format!("{}/name", config_ref_pointer(kind)))?;
    let old = slot.as_str()?.to_string();
    if old == name {
        return None;
    }
    *slot = Value::String(name.to_string());
    Some(old)
}

/// The imported object without what the API server sets (status, server-side metadata).
fn clean(value: &Value) -> Value {
    let mut value = value.clone();
    if let Some(map) = value.as_object_mut() {
        map.remove("status");
    }
    if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "creationTimestamp",
            "resourceVersion",
            "uid",
            "generation",
            "managedFields",
            "selfLink",
        ] {
            meta.remove(key);
        }
    }
    value
}

fn render_file(
    header: &str,
    drafts: &[Draft<'_>],
    patches: &BTreeMap<String, Vec<String>>,
) -> String {
    let mut out = String::from(header);
    for draft in drafts {
        let name = draft.controller.name();
        out.push_str(&format!(
            "\n// From {} ({})\n",
            draft.controller.id(),
            draft.controller.source
        ));
        out.push_str(&format!("{} {name} {{\n", draft.keyword));
        for field in &draft.fields {
            out.push_str(field);
            out.push('\n');
        }
        for patch in patches.get(name).into_iter().flatten() {
            out.push_str(patch);
            out.push('\n');
        }
        out.push_str("}\n");
    }
    out
}

/// The Kubernetes resources k8sc generates for `text`, as (kind, name, body).
fn generate(text: &str) -> Result<Vec<(String, String, String, Value)>, String> {
    let db = Database::new();
    let project = db.load_project(vec![("import.k8s".to_string(), text.to_string())]);
    let errors: Vec<String> = crate::build::project_diagnostics(&db, project)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{}: {}", d.code.as_str(), d.message))
        .collect();
    if !errors.is_empty() {
        return Err(format!(
            "the imported declarations do not check: {}",
            errors.join("; ")
        ));
    }
    let ir = &crate::lower::lower_project(&db, project).ir;
    Ok(crate::backends::kubernetes::render(ir)
        .into_iter()
        .map(|r| (r.kind, r.name, r.file_stem, r.body))
        .collect())
}

/// The diagnostics of the final text (warnings, or errors if a patch could not be checked).
fn check(file: &str, text: &str) -> Vec<Diagnostic> {
    let db = Database::new();
    let project = db.load_project(vec![(file.to_string(), text.to_string())]);
    crate::build::project_diagnostics(&db, project).clone()
}
