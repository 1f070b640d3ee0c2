//! The requirements as text: for a terminal (`k8sc requirements`), as Markdown
//! (`OUT/<env>/REQUIREMENTS.md`), as JSON (`--format json`, a documented, stable shape), and as
//! the one-line summary `k8sc build` prints.

use crate::backends::needs::{Component, EnvRequirements, GatewayKind, NamedNeed, Version};
use crate::output::yaml::header;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The version of the JSON shape; raised only if a field changes meaning or goes away.
pub const JSON_VERSION: u32 = 1;

/// The requirements of every environment, for a terminal.
pub fn human(envs: &[EnvRequirements]) -> String {
    let mut out = String::new();
    for (i, env) in envs.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!("environment `{}`\n", env.env));
        write_sections(&mut out, env, Style::Plain);
    }
    out
}

/// `OUT/<env>/REQUIREMENTS.md`: the requirements of one environment, under k8sc's header (the
/// first line marks the file as generated, as in every file k8sc writes).
pub fn markdown(env: &EnvRequirements) -> String {
    let mut out = header("the .k8s sources");
    out.push_str(&format!(
        "\nWhat the cluster must provide before environment `{}` is deployed. \
         `k8sc requirements --env {}` prints the same.\n",
        env.env, env.env
    ));
    write_sections(&mut out, env, Style::Markdown);
    out
}

/// The requirements of every environment as JSON (pretty-printed, keys sorted).
pub fn json(envs: &[EnvRequirements]) -> String {
    let environments: Vec<Value> = envs.iter().map(env_json).collect();
    let value = json!({ "version": JSON_VERSION, "environments": environments });
    let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
    let mut text = crate::diagnostics::escape_json_text(&pretty).into_owned();
    text.push('\n');
    text
}

/// One line for `k8sc build`: the components with the highest minimum any environment needs,
/// and how many Secrets, classes and gateways must exist.
pub fn summary(envs: &[EnvRequirements]) -> String {
    let mut components: BTreeMap<Component, Option<Version>> = BTreeMap::new();
    let mut secrets = BTreeSet::new();
    let mut storage = BTreeSet::new();
    let mut ingress = BTreeSet::new();
    let mut priority = BTreeSet::new();
    let mut gateways = BTreeSet::new();
    for env in envs {
        for c in &env.components {
            let entry = components.entry(c.component).or_insert(None);
            *entry = (*entry).max(c.minimum);
        }
        secrets.extend(env.secrets.iter().map(|s| (&s.namespace, &s.name)));
        storage.extend(env.storage_classes.iter().map(|n| &n.name));
        ingress.extend(env.ingress_classes.iter().map(|n| &n.name));
        priority.extend(env.priority_classes.iter().map(|n| &n.name));
        gateways.extend(env.gateways.iter().map(|g| (&g.namespace, &g.name)));
    }
    let mut parts: Vec<String> = components
        .iter()
        .map(|(c, minimum)| match minimum {
            Some(v) => format!("{} >= {v}", c.short_title()),
            None => c.short_title().to_string(),
        })
        .collect();
    for (count, one, many) in [
        (secrets.len(), "Secret", "Secrets"),
        (storage.len(), "StorageClass", "StorageClasses"),
        (ingress.len(), "IngressClass", "IngressClasses"),
        (priority.len(), "PriorityClass", "PriorityClasses"),
        (gateways.len(), "Gateway", "Gateways"),
    ] {
        if count > 0 {
            parts.push(format!("{count} {}", if count == 1 { one } else { many }));
        }
    }
    format!("the cluster must provide {}", parts.join(", "))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Markdown,
}

impl Style {
    fn heading(self, out: &mut String, title: &str) {
        match self {
            Style::Plain => out.push_str(&format!("  {title}:\n")),
            Style::Markdown => out.push_str(&format!("\n## {title}\n\n")),
        }
    }

    fn item(self, out: &mut String, text: &str) {
        match self {
            Style::Plain => out.push_str(&format!("    {text}\n")),
            Style::Markdown => out.push_str(&format!("- {text}\n")),
        }
    }

    fn sub_item(self, out: &mut String, text: &str) {
        match self {
            Style::Plain => out.push_str(&format!("      {text}\n")),
            Style::Markdown => out.push_str(&format!("  - {text}\n")),
        }
    }

    fn strong(self, text: &str) -> String {
        match self {
            Style::Plain => text.to_string(),
            Style::Markdown => format!("**{text}**"),
        }
    }
}

fn write_sections(out: &mut String, env: &EnvRequirements, style: Style) {
    style.heading(out, "Controllers and APIs");
    if env.components.is_empty() {
        style.item(out, "none");
    }
    for component in &env.components {
        let title = match component.minimum {
            Some(v) => format!("{} >= {v}", component.component.title()),
            None => component.component.title().to_string(),
        };
        style.item(out, &style.strong(&title));
        for need in &component.needs {
            let text = match need.minimum {
                Some(v) => format!("{v}: {}", need.reason),
                None => need.reason.clone(),
            };
            style.sub_item(out, &text);
        }
    }
    if !env.secrets.is_empty() {
        style.heading(out, "Secrets");
        for secret in &env.secrets {
            let keys = if secret.keys.is_empty() {
                "every key".to_string()
            } else {
                let keys: Vec<String> = secret.keys.iter().map(|k| format!("`{k}`")).collect();
                format!("key{} {}", plural(keys.len()), keys.join(", "))
            };
            style.item(
                out,
                &format!(
                    "`{}` in namespace `{}`: {keys}; read by {}",
                    secret.name,
                    secret.namespace,
                    consumers(&secret.used_by)
                ),
            );
        }
    }
    named_section(
        out,
        style,
        "StorageClasses",
        "StorageClass",
        &env.storage_classes,
    );
    if !env.gateways.is_empty() {
        style.heading(out, "Gateways");
        for gateway in &env.gateways {
            let what = match gateway.kind {
                GatewayKind::GatewayApi => {
                    "a Gateway API `Gateway` admitting HTTPRoutes from the app's namespace"
                }
                GatewayKind::IstioIngress => "Istio's ingress gateway",
            };
            let section = gateway
                .section
                .as_ref()
                .map(|s| format!(", listener `{s}`"))
                .unwrap_or_default();
            let hosts: Vec<String> = gateway.hosts.iter().map(|h| format!("`{h}`")).collect();
            style.item(
                out,
                &format!(
                    "`{}/{}` ({what}{section}) for {}; used by {}",
                    gateway.namespace,
                    gateway.name,
                    hosts.join(", "),
                    consumers(&gateway.used_by)
                ),
            );
        }
    }
    named_section(
        out,
        style,
        "IngressClasses",
        "IngressClass",
        &env.ingress_classes,
    );
    named_section(
        out,
        style,
        "PriorityClasses",
        "PriorityClass",
        &env.priority_classes,
    );
    if !env.cluster_objects.is_empty() {
        style.heading(out, "Assumed to exist");
        for object in &env.cluster_objects {
            let place = object
                .namespace
                .as_ref()
                .map(|ns| format!(" in namespace `{ns}`"))
                .unwrap_or_default();
            style.item(
                out,
                &format!(
                    "{} `{}`{place}: {}",
                    object.kind, object.name, object.reason
                ),
            );
        }
    }
}

fn named_section(out: &mut String, style: Style, title: &str, kind: &str, needs: &[NamedNeed]) {
    if needs.is_empty() {
        return;
    }
    style.heading(out, title);
    for need in needs {
        let name = match &need.name {
            Some(name) => format!("`{name}`"),
            None => format!("the cluster's default {kind}"),
        };
        style.item(
            out,
            &format!("{name}: used by {}", consumers(&need.used_by)),
        );
    }
}

fn consumers(used_by: &[super::Consumer]) -> String {
    let names: Vec<String> = used_by.iter().map(|c| format!("`{c}`")).collect();
    names.join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn version(v: Option<Version>) -> Value {
    v.map_or(Value::Null, |v| Value::String(v.to_string()))
}

fn env_json(env: &EnvRequirements) -> Value {
    let consumers = |used_by: &[super::Consumer]| -> Vec<String> {
        used_by.iter().map(ToString::to_string).collect()
    };
    let named = |needs: &[NamedNeed]| -> Vec<Value> {
        needs
            .iter()
            .map(|n| json!({ "name": n.name, "used_by": consumers(&n.used_by) }))
            .collect()
    };
    json!({
        "env": env.env,
        "components": env.components.iter().map(|c| json!({
            "id": c.component.id(),
            "title": c.component.title(),
            "minimum": version(c.minimum),
            "needs": c.needs.iter().map(|n| json!({
                "minimum": version(n.minimum),
                "reason": n.reason,
                "apps": n.apps,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "secrets": env.secrets.iter().map(|s| json!({
            "namespace": s.namespace,
            "name": s.name,
            "keys": s.keys,
            "used_by": consumers(&s.used_by),
        })).collect::<Vec<_>>(),
        "storage_classes": named(&env.storage_classes),
        "ingress_classes": named(&env.ingress_classes),
        "priority_classes": named(&env.priority_classes),
        "gateways": env.gateways.iter().map(|g| json!({
            "kind": g.kind.id(),
            "namespace": g.namespace,
            "name": g.name,
            "section": g.section,
            "hosts": g.hosts,
            "used_by": consumers(&g.used_by),
        })).collect::<Vec<_>>(),
        "cluster_objects": env.cluster_objects.iter().map(|o| json!({
            "kind": o.kind,
            "namespace": o.namespace,
            "name": o.name,
            "reason": o.reason,
            "apps": o.apps,
        })).collect::<Vec<_>>(),
    })
}
