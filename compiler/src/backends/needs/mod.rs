//! What a backend's output needs from the cluster, as it states it: each backend writes its needs
//! into a [`Collector`] ([`super::Backend::app_requirements`]), and [`crate::requirements`] gathers
//! them per environment and renders them. It lives here, below the backends, so that backends
//! import nothing above themselves.

mod model;

pub use model::{
    ClusterObject, Component, ComponentNeed, Consumer, EnvRequirements, GatewayKind, GatewayNeed,
    NamedNeed, Need, SecretNeed, Version,
};

use std::collections::{BTreeMap, BTreeSet};

/// A component's needs: reason → (minimum, the apps stating it).
type Needs = BTreeMap<String, (Option<Version>, BTreeSet<String>)>;

/// Objects assumed to exist: (kind, namespace, name) → (reason, the apps assuming it).
type Objects = BTreeMap<(String, Option<String>, String), (String, BTreeSet<String>)>;

/// Where backends state what they need; everything is kept sorted and without duplicates, so
/// the result does not depend on the order of the apps or the backends.
#[derive(Debug, Default)]
pub struct Collector {
    components: BTreeMap<Component, Needs>,
    secrets: BTreeMap<(String, String), (BTreeSet<String>, BTreeSet<Consumer>)>,
    storage_classes: BTreeMap<Option<String>, BTreeSet<Consumer>>,
    ingress_classes: BTreeMap<Option<String>, BTreeSet<Consumer>>,
    priority_classes: BTreeMap<Option<String>, BTreeSet<Consumer>>,
    gateways: BTreeMap<(GatewayKind, String, String, Option<String>), GatewayAcc>,
    cluster_objects: Objects,
}

#[derive(Debug, Default)]
struct GatewayAcc {
    hosts: BTreeSet<String>,
    used_by: BTreeSet<Consumer>,
}

impl Collector {
    /// `app`'s output needs `component`, at least at `minimum` (`None`: any version), because
    /// of `reason` (what the output uses, in words).
    pub fn component(
        &mut self,
        component: Component,
        minimum: Option<Version>,
        reason: impl Into<String>,
        app: &str,
    ) {
        let entry = self
            .components
            .entry(component)
            .or_default()
            .entry(reason.into())
            .or_insert((minimum, BTreeSet::new()));
        entry.0 = entry.0.max(minimum);
        entry.1.insert(app.to_string());
    }

    /// `consumer` reads `keys` of the Secret `namespace/name`.
    pub fn secret(&mut self, namespace: &str, name: &str, keys: &[&str], consumer: Consumer) {
        let entry = self
            .secrets
            .entry((namespace.to_string(), name.to_string()))
            .or_default();
        entry.0.extend(keys.iter().map(|k| (*k).to_string()));
        entry.1.insert(consumer);
    }

    /// `consumer`'s volumes are provisioned by StorageClass `class` (`None`: the default one).
    pub fn storage_class(&mut self, class: Option<&str>, consumer: Consumer) {
        insert_named(&mut self.storage_classes, class, consumer);
    }

    /// `consumer`'s Ingress is served by IngressClass `class` (`None`: the default one).
    pub fn ingress_class(&mut self, class: Option<&str>, consumer: Consumer) {
        insert_named(&mut self.ingress_classes, class, consumer);
    }

    /// `consumer`'s pods name PriorityClass `class`.
    pub fn priority_class(&mut self, class: &str, consumer: Consumer) {
        insert_named(&mut self.priority_classes, Some(class), consumer);
    }

    /// `consumer` is exposed as `host` through the gateway `namespace/name` (listener
    /// `section`, if one is picked).
    pub fn gateway(
        &mut self,
        kind: GatewayKind,
        (namespace, name, section): (&str, &str, Option<&str>),
        host: &str,
        consumer: Consumer,
    ) {
        let entry = self
            .gateways
            .entry((
                kind,
                namespace.to_string(),
                name.to_string(),
                section.map(str::to_string),
            ))
            .or_default();
        entry.hosts.insert(host.to_string());
        entry.used_by.insert(consumer);
    }

    /// `app`'s output assumes an object it does not create: `kind` `name` (in `namespace`, if
    /// namespaced), for `reason`.
    pub fn cluster_object(
        &mut self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        reason: &str,
        app: &str,
    ) {
        let entry = self
            .cluster_objects
            .entry((
                kind.to_string(),
                namespace.map(str::to_string),
                name.to_string(),
            ))
            .or_insert_with(|| (reason.to_string(), BTreeSet::new()));
        entry.1.insert(app.to_string());
    }

    /// The collected requirements of environment `env`.
    pub fn finish(self, env: &str) -> EnvRequirements {
        let components = self
            .components
            .into_iter()
            .map(|(component, needs)| {
                let mut needs: Vec<Need> = needs
                    .into_iter()
                    .map(|(reason, (minimum, apps))| Need {
                        minimum,
                        reason,
                        apps: apps.into_iter().collect(),
                    })
                    .collect();
                // The deciding need first, then by reason.
                needs.sort_by(|a, b| b.minimum.cmp(&a.minimum).then(a.reason.cmp(&b.reason)));
                ComponentNeed {
                    component,
                    minimum: needs.iter().filter_map(|n| n.minimum).max(),
                    needs,
                }
            })
            .collect();
        let named = |map: BTreeMap<Option<String>, BTreeSet<Consumer>>| -> Vec<NamedNeed> {
            map.into_iter()
                .map(|(name, used_by)| NamedNeed {
                    name,
                    used_by: used_by.into_iter().collect(),
                })
                .collect()
        };
        EnvRequirements {
            env: env.to_string(),
            components,
            secrets: self
                .secrets
                .into_iter()
                .map(|((namespace, name), (keys, used_by))| SecretNeed {
                    namespace,
                    name,
                    keys: keys.into_iter().collect(),
                    used_by: used_by.into_iter().collect(),
                })
                .collect(),
            storage_classes: named(self.storage_classes),
            ingress_classes: named(self.ingress_classes),
            priority_classes: named(self.priority_classes),
            gateways: self
                .gateways
                .into_iter()
                .map(|((kind, namespace, name, section), acc)| GatewayNeed {
                    kind,
                    namespace,
                    name,
                    section,
                    hosts: acc.hosts.into_iter().collect(),
                    used_by: acc.used_by.into_iter().collect(),
                })
                .collect(),
            cluster_objects: self
                .cluster_objects
                .into_iter()
                .map(|((kind, namespace, name), (reason, apps))| ClusterObject {
                    kind,
                    namespace,
                    name,
                    reason,
                    apps: apps.into_iter().collect(),
                })
                .collect(),
        }
    }
}

fn insert_named(
    map: &mut BTreeMap<Option<String>, BTreeSet<Consumer>>,
    name: Option<&str>,
    consumer: Consumer,
) {
    map.entry(name.map(str::to_string))
        .or_default()
        .insert(consumer);
}
