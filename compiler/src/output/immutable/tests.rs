//! Crafted before/after pairs for every field the API server will not update in place, and
//! for the changes next to them that it does accept.

use super::*;

/// The document of a resource, from YAML.
fn doc(yaml: &str) -> Value {
    serde_saphyr::from_str(yaml).expect("test YAML")
}

/// The immutable fields that changing `old` into `edit(old)` touches.
fn refused(group: &str, kind: &str, old: &str, from: &str, to: &str) -> Vec<String> {
    assert!(old.contains(from), "`{from}` is not in the test document");
    let new = old.replacen(from, to, 1);
    let resource = Resource {
        group,
        kind,
        name: "db",
        namespace: Some("shop"),
    };
    immutable_changes(resource, &doc(old), &doc(&new))
        .into_iter()
        .map(|change| {
            assert!(!change.remedy.is_empty());
            change.field
        })
        .collect()
}

const STATEFULSET: &str = "
spec:
  replicas: 1
  minReadySeconds: 0
  serviceName: db-headless
  podManagementPolicy: OrderedReady
  revisionHistoryLimit: 5
  updateStrategy: {type: RollingUpdate}
  persistentVolumeClaimRetentionPolicy: {whenDeleted: Retain}
  ordinals: {start: 0}
  selector:
    matchLabels: {app.kubernetes.io/name: db}
  template:
    metadata:
      labels: {app.kubernetes.io/name: db, app.kubernetes.io/version: '16.4'}
    spec:
      containers: [{name: db, image: 'postgres:16.4'}]
  volumeClaimTemplates:
  - metadata:
      name: data
      labels: {app.kubernetes.io/name: db, team: payments}
    spec:
      accessModes: [ReadWriteOnce]
      storageClassName: fast-ssd
      resources: {requests: {storage: 20Gi}}
";

#[test]
fn statefulset_fields_outside_the_update_allowlist_are_refused() {
    let sts = |from, to| refused("apps", "StatefulSet", STATEFULSET, from, to);
    assert_eq!(
        sts("team: payments", "team: search"),
        ["spec.volumeClaimTemplates"]
    );
    assert_eq!(
        sts("storage: 20Gi", "storage: 30Gi"),
        ["spec.volumeClaimTemplates"]
    );
    assert_eq!(
        sts("storageClassName: fast-ssd", "storageClassName: slow"),
        ["spec.volumeClaimTemplates"]
    );
    assert_eq!(
        sts("matchLabels: {app", "matchLabels: {tier: x, app"),
        ["spec.selector"]
    );
    assert_eq!(
        sts("serviceName: db-headless", "serviceName: db"),
        ["spec.serviceName"]
    );
    assert_eq!(
        sts(
            "podManagementPolicy: OrderedReady",
            "podManagementPolicy: Parallel"
        ),
        ["spec.podManagementPolicy"]
    );
    assert_eq!(
        sts("revisionHistoryLimit: 5", "revisionHistoryLimit: 10"),
        ["spec.revisionHistoryLimit"]
    );
    // A field that appears is a change too.
    assert_eq!(
        sts("  replicas: 1\n", "  replicas: 1\n  foo: bar\n"),
        ["spec.foo"]
    );
}

#[test]
fn statefulset_allowlisted_fields_update_in_place() {
    let sts = |from, to| refused("apps", "StatefulSet", STATEFULSET, from, to);
    assert!(sts("replicas: 1", "replicas: 3").is_empty());
    assert!(sts("minReadySeconds: 0", "minReadySeconds: 10").is_empty());
    assert!(sts("image: 'postgres:16.4'", "image: 'postgres:16.5'").is_empty());
    assert!(sts("version: '16.4'", "version: '16.5'").is_empty());
    assert!(sts("{type: RollingUpdate}", "{type: OnDelete}").is_empty());
    assert!(sts("{whenDeleted: Retain}", "{whenDeleted: Delete}").is_empty());
    assert!(sts("{start: 0}", "{start: 1}").is_empty());
}

#[test]
fn a_storage_size_change_says_how_to_grow_the_claims() {
    let old = doc(STATEFULSET);
    let new = doc(&STATEFULSET.replace("storage: 20Gi", "storage: 30Gi"));
    let resource = Resource {
        group: "apps",
        kind: "StatefulSet",
        name: "db",
        namespace: Some("shop"),
    };
    let changes = immutable_changes(resource, &old, &new);
    let remedy = &changes[0].remedy;
    assert!(
        remedy.contains("`kubectl delete statefulset db --namespace shop --cascade=orphan`"),
        "{remedy}"
    );
    assert!(remedy.contains("`data-db-N`"), "{remedy}");
    assert!(remedy.contains("kubectl patch pvc"), "{remedy}");
    assert!(remedy.contains("re-apply"), "{remedy}");
    // A smaller size takes a migration.
    let shrunk = doc(&STATEFULSET.replace("storage: 20Gi", "storage: 10Gi"));
    let changes = immutable_changes(resource, &old, &shrunk);
    assert!(
        changes[0].remedy.contains("data migration"),
        "{}",
        changes[0].remedy
    );
    assert!(
        !changes[0].remedy.contains("kubectl patch pvc"),
        "{}",
        changes[0].remedy
    );
    // A label change needs no resize.
    let relabelled = doc(&STATEFULSET.replace("team: payments", "team: search"));
    let changes = immutable_changes(resource, &old, &relabelled);
    assert!(
        !changes[0].remedy.contains("kubectl patch pvc"),
        "{}",
        changes[0].remedy
    );
}

const DEPLOYMENT: &str = "
spec:
  replicas: 2
  selector:
    matchLabels: {app.kubernetes.io/name: web}
  template:
    metadata:
      labels: {app.kubernetes.io/name: web, team: payments}
    spec:
      containers: [{name: web, image: 'web:1'}]
";

#[test]
fn deployment_daemonset_and_replicaset_selectors_are_refused() {
    for kind in ["Deployment", "DaemonSet", "ReplicaSet"] {
        let change = |from, to| refused("apps", kind, DEPLOYMENT, from, to);
        assert_eq!(
            change("matchLabels: {app", "matchLabels: {team: payments, app"),
            ["spec.selector"]
        );
        assert!(change("team: payments", "team: search").is_empty());
        assert!(change("image: 'web:1'", "image: 'web:2'").is_empty());
        assert!(change("replicas: 2", "replicas: 3").is_empty());
    }
    // The same fields of a kind without the rule (a PodDisruptionBudget's selector) are fine.
    assert!(
        refused(
            "policy",
            "PodDisruptionBudget",
            DEPLOYMENT,
            "matchLabels: {app",
            "matchLabels: {x: y, app"
        )
        .is_empty()
    );
}

const JOB: &str = "
spec:
  backoffLimit: 3
  activeDeadlineSeconds: 600
  ttlSecondsAfterFinished: 3600
  completions: 1
  completionMode: NonIndexed
  podFailurePolicy: {rules: []}
  successPolicy: {rules: []}
  managedBy: kubernetes.io/job-controller
  selector:
    matchLabels: {batch.kubernetes.io/controller-uid: abc}
  template:
    spec:
      containers: [{name: report, image: 'report:1'}]
";

#[test]
fn job_template_selector_and_completion_settings_are_refused() {
    let job = |from, to| refused("batch", "Job", JOB, from, to);
    assert_eq!(
        job("image: 'report:1'", "image: 'report:2'"),
        ["spec.template"]
    );
    assert_eq!(
        job("controller-uid: abc", "controller-uid: def"),
        ["spec.selector"]
    );
    assert_eq!(
        job("completions: 1", "completions: 2"),
        ["spec.completions"]
    );
    assert_eq!(
        job("completionMode: NonIndexed", "completionMode: Indexed"),
        ["spec.completionMode"]
    );
    assert_eq!(
        job(
            "podFailurePolicy: {rules: []}",
            "podFailurePolicy: {rules: [{action: Ignore}]}"
        ),
        ["spec.podFailurePolicy"]
    );
    assert_eq!(
        job(
            "successPolicy: {rules: []}",
            "successPolicy: {rules: [{succeededCount: 1}]}"
        ),
        ["spec.successPolicy"]
    );
    assert_eq!(
        job(
            "managedBy: kubernetes.io/job-controller",
            "managedBy: example.com/other"
        ),
        ["spec.managedBy"]
    );
    assert!(job("backoffLimit: 3", "backoffLimit: 5").is_empty());
    assert!(job("activeDeadlineSeconds: 600", "activeDeadlineSeconds: 900").is_empty());
    assert!(
        job(
            "ttlSecondsAfterFinished: 3600",
            "ttlSecondsAfterFinished: 60"
        )
        .is_empty()
    );
}

const SERVICE: &str = "
spec:
  type: ClusterIP
  clusterIP: None
  clusterIPs: [None]
  selector: {app.kubernetes.io/name: db}
  ports: [{name: tcp, port: 5432}]
";

#[test]
fn service_cluster_ip_and_headless_type_transitions_are_refused() {
    let svc = |from, to| refused("", "Service", SERVICE, from, to);
    assert_eq!(
        svc("  clusterIP: None\n", "  clusterIP: 10.0.0.7\n"),
        ["spec.clusterIP"]
    );
    assert_eq!(svc("  clusterIP: None\n", ""), ["spec.clusterIP"]);
    assert_eq!(
        svc("clusterIPs: [None]", "clusterIPs: [10.0.0.7]"),
        ["spec.clusterIPs"]
    );
    assert_eq!(svc("type: ClusterIP", "type: NodePort"), ["spec.type"]);
    assert_eq!(svc("type: ClusterIP", "type: LoadBalancer"), ["spec.type"]);
    // Ports, selectors and the cluster IP of an ExternalName transition are updated in place.
    assert!(svc("port: 5432", "port: 5433").is_empty());
    assert!(svc("name: db}", "name: db2}").is_empty());
    assert!(
        svc(
            "type: ClusterIP\n  clusterIP: None\n  clusterIPs: [None]",
            "type: ExternalName"
        )
        .is_empty()
    );
    // A Service with an allocated IP may change type.
    let plain = "spec:\n  type: ClusterIP\n  ports: [{port: 80}]\n";
    assert!(
        refused(
            "",
            "Service",
            plain,
            "type: ClusterIP",
            "type: LoadBalancer"
        )
        .is_empty()
    );
}

const CLAIM: &str = "
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: fast-ssd
  volumeAttributesClassName: gold
  resources:
    requests: {storage: 20Gi}
";

#[test]
fn claim_spec_is_refused_but_for_growing_its_storage() {
    let pvc = |from, to| refused("", "PersistentVolumeClaim", CLAIM, from, to);
    assert!(pvc("storage: 20Gi", "storage: 30Gi").is_empty());
    assert!(pvc("storage: 20Gi", "storage: 21474836481").is_empty());
    assert!(pvc("gold", "silver").is_empty());
    assert_eq!(
        pvc("storage: 20Gi", "storage: 10Gi"),
        ["spec.resources.requests.storage"]
    );
    assert_eq!(
        pvc("storage: 20Gi", "storage: 20G"),
        ["spec.resources.requests.storage"]
    );
    assert_eq!(
        pvc("storageClassName: fast-ssd", "storageClassName: slow"),
        ["spec.storageClassName"]
    );
    assert_eq!(
        pvc("[ReadWriteOnce]", "[ReadWriteMany]"),
        ["spec.accessModes"]
    );
    assert_eq!(
        pvc(
            "{storage: 20Gi}",
            "{storage: 20Gi}\n    limits: {storage: 40Gi}"
        ),
        ["spec.resources.limits"]
    );
}

#[test]
fn immutable_config_maps_and_secrets_keep_their_content() {
    let config = "immutable: true\ndata: {A: '1'}\nmetadata: {labels: {team: payments}}\n";
    let map = |from, to| refused("", "ConfigMap", config, from, to);
    assert_eq!(map("A: '1'", "A: '2'"), ["data"]);
    assert_eq!(
        map("data: {A: '1'}", "data: {A: '1'}\nbinaryData: {B: AA==}"),
        ["binaryData"]
    );
    assert_eq!(map("immutable: true", "immutable: false"), ["immutable"]);
    assert!(map("team: payments", "team: search").is_empty());
    // Without `immutable: true`, content changes in place; setting it is a change in place too.
    let mutable = "data: {A: '1'}\n";
    assert!(refused("", "ConfigMap", mutable, "A: '1'", "A: '2'").is_empty());
    assert!(refused("", "ConfigMap", mutable, "data", "immutable: true\ndata").is_empty());

    let secret = "immutable: true\ntype: Opaque\nstringData: {A: x}\ndata: {B: eA==}\n";
    let sec = |from, to| refused("", "Secret", secret, from, to);
    assert_eq!(sec("A: x", "A: y"), ["stringData"]);
    assert_eq!(sec("eA==", "eQ=="), ["data"]);
    // A Secret's type is fixed whether or not it is immutable.
    assert_eq!(
        refused(
            "",
            "Secret",
            "type: Opaque\n",
            "Opaque",
            "kubernetes.io/tls"
        ),
        ["type"]
    );
}

#[test]
fn gateway_class_and_binding_role_are_refused() {
    let gateway = "spec:\n  gatewayClassName: istio\n  listeners: [{name: http, port: 80}]\n";
    let gw = |from, to| refused("gateway.networking.k8s.io", "Gateway", gateway, from, to);
    assert_eq!(gw("istio", "cilium"), ["spec.gatewayClassName"]);
    assert!(gw("port: 80", "port: 8080").is_empty());
    // Istio's own Gateway has no class.
    assert!(refused("networking.istio.io", "Gateway", gateway, "istio", "cilium").is_empty());

    let binding =
        "roleRef: {kind: Role, name: reader}\nsubjects: [{kind: ServiceAccount, name: web}]\n";
    for kind in ["RoleBinding", "ClusterRoleBinding"] {
        let rb = |from, to| refused("rbac.authorization.k8s.io", kind, binding, from, to);
        assert_eq!(rb("name: reader", "name: writer"), ["roleRef"]);
        assert!(rb("name: web", "name: api").is_empty());
    }
}

#[test]
fn covers_matches_the_field_and_its_insides_only() {
    let change = ImmutableChange {
        field: "spec.selector".to_string(),
        remedy: String::new(),
    };
    assert!(change.covers("spec.selector"));
    assert!(change.covers("spec.selector.matchLabels.app"));
    assert!(change.covers("spec.selector[\"a/b\"]"));
    assert!(change.covers("spec.selector (order)"));
    assert!(!change.covers("spec.selectorx"));
    assert!(!change.covers("spec.template"));
}
