use super::*;

fn files(entries: &[(&str, &str)]) -> BTreeMap<String, String> {
    entries
        .iter()
        .map(|(p, c)| (p.to_string(), c.to_string()))
        .collect()
}

fn manifests(entries: &[(&str, &str)]) -> Manifests {
    Manifests::parse(&files(entries), "out").expect("valid manifests")
}

fn report(old: &[(&str, &str)], new: &[(&str, &str)]) -> String {
    semantic_diff(&manifests(old), &manifests(new)).render()
}

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.3.1
        - name: proxy
          image: envoy:1
";

#[test]
fn a_field_change_names_the_resource_the_path_and_both_values() {
    let new = WEB.replace("replicas: 3", "replicas: 5");
    let text = report(&[("a.yaml", WEB)], &[("a.yaml", &new)]);
    assert_eq!(
        text,
        "~ Deployment/web (apps/v1, namespace shop)\n    spec.replicas: 3 → 5\n\n1 changed, 0 added, 0 removed\n"
    );
}

#[test]
fn added_and_removed_resources() {
    let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: web, namespace: shop}\n";
    let hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\n";
    let diff = semantic_diff(
        &manifests(&[("web.yaml", WEB), ("pdb.yaml", pdb)]),
        &manifests(&[("web.yaml", WEB), ("hpa.yaml", hpa)]),
    );
    assert_eq!(diff.counts(), (0, 1, 1));
    assert_eq!(
        diff.render(),
        "+ HorizontalPodAutoscaler/web (autoscaling/v2, namespace shop)\n\
         - PodDisruptionBudget/web (policy/v1, namespace shop)\n\
         \n0 changed, 1 added, 1 removed\n"
    );
}

#[test]
fn formatting_key_order_comments_and_file_names_are_no_change() {
    let reformatted = "# a comment\nkind: Deployment\nspec: {template: {spec: {containers: [{image: \"ghcr.io/acme/web:2.3.1\", name: web}, {name: proxy, image: 'envoy:1'}]}}, replicas: 3}\nmetadata: {namespace: shop, name: web}\napiVersion: apps/v1\n";
    let diff = semantic_diff(
        &manifests(&[("deployment-web.yaml", WEB)]),
        &manifests(&[("moved/elsewhere.yml", reformatted)]),
    );
    assert!(diff.is_empty(), "{}", diff.render());
    assert_eq!(diff.render(), "");
}

#[test]
fn named_list_items_are_matched_by_name() {
    let new = WEB
        .replace("web:2.3.1", "web:2.4.0")
        .replace("        - name: proxy\n          image: envoy:1\n", "");
    let text = report(&[("a.yaml", WEB)], &[("a.yaml", &new)]);
    assert!(
        text.contains("    spec.template.spec.containers[name=proxy]: - {image: \"envoy:1\", name: \"proxy\"}\n"),
        "{text}"
    );
    assert!(
        text.contains("    spec.template.spec.containers[name=web].image: \"ghcr.io/acme/web:2.3.1\" → \"ghcr.io/acme/web:2.4.0\"\n"),
        "{text}"
    );
}

#[test]
fn reordered_named_items_are_reported_once() {
    let swapped = WEB.replace(
        "        - name: web\n          image: ghcr.io/acme/web:2.3.1\n        - name: proxy\n          image: envoy:1\n",
        "        - name: proxy\n          image: envoy:1\n        - name: web\n          image: ghcr.io/acme/web:2.3.1\n",
    );
    let text = report(&[("a.yaml", WEB)], &[("a.yaml", &swapped)]);
    assert!(
        text.contains("    spec.template.spec.containers (order): [\"web\", \"proxy\"] → [\"proxy\", \"web\"]\n"),
        "{text}"
    );
}

const POLICY: &str = "apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  ingress:
    - from:
        - podSelector: {matchLabels: {app: web}}
      ports: [{port: 8080}]
";

#[test]
fn an_inserted_list_item_is_one_plus() {
    let new = POLICY.replace(
        "        - podSelector: {matchLabels: {app: web}}\n",
        "        - podSelector: {matchLabels: {app: web}}\n        - podSelector: {matchLabels: {app: admin}}\n",
    );
    let text = report(&[("np.yaml", POLICY)], &[("np.yaml", &new)]);
    assert!(
        text.contains(
            "    spec.ingress[0].from: + {podSelector: {matchLabels: {app: \"admin\"}}}\n"
        ),
        "{text}"
    );
    assert_eq!(
        text.lines().filter(|l| l.starts_with("    ")).count(),
        1,
        "{text}"
    );
    let removed = report(&[("np.yaml", &new)], &[("np.yaml", POLICY)]);
    assert!(
        removed.contains(
            "    spec.ingress[0].from: - {podSelector: {matchLabels: {app: \"admin\"}}}\n"
        ),
        "{removed}"
    );
}

#[test]
fn a_changed_list_item_is_compared_field_by_field() {
    let new = POLICY.replace("port: 8080", "port: 9090");
    let text = report(&[("np.yaml", POLICY)], &[("np.yaml", &new)]);
    assert!(
        text.contains("    spec.ingress[0].ports[0].port: 8080 → 9090\n"),
        "{text}"
    );
}

#[test]
fn keys_with_dots_are_quoted_in_paths() {
    let old = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  annotations: {argocd.argoproj.io/sync-wave: \"-1\"}\n";
    let new = old.replace("\"-1\"", "\"0\"");
    let text = report(&[("ns.yaml", old)], &[("ns.yaml", &new)]);
    assert!(
        text.contains("~ Namespace/shop (v1)\n    metadata.annotations[\"argocd.argoproj.io/sync-wave\"]: \"-1\" → \"0\"\n"),
        "{text}"
    );
}

#[test]
fn a_new_api_version_of_the_same_resource_is_a_field_change() {
    let old = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\n";
    let new = old.replace("v2beta2", "v2");
    let text = report(&[("h.yaml", old)], &[("h.yaml", &new)]);
    assert!(
        text.starts_with("~ HorizontalPodAutoscaler/web (autoscaling/v2, namespace shop)\n    apiVersion: \"autoscaling/v2beta2\" → \"autoscaling/v2\"\n"),
        "{text}"
    );
}

#[test]
fn copies_in_environment_folders_are_told_apart() {
    let prod = WEB.replace("replicas: 3", "replicas: 6");
    let old = [
        ("dev/kubernetes/web.yaml", WEB),
        ("prod/kubernetes/web.yaml", WEB),
    ];
    let new = [
        ("dev/kubernetes/web.yaml", WEB),
        ("prod/kubernetes/web.yaml", prod.as_str()),
    ];
    let text = report(&old, &new);
    assert!(
        text.starts_with(
            "~ Deployment/web (apps/v1, namespace shop, in prod/)\n    spec.replicas: 3 → 6\n"
        ),
        "{text}"
    );
    // A copy appearing in a second environment is an addition there, not a change.
    let text = report(&old[1..], &old);
    assert_eq!(
        text,
        "+ Deployment/web (apps/v1, namespace shop, in dev/)\n\n0 changed, 1 added, 0 removed\n"
    );
}

#[test]
fn duplicates_in_one_folder_are_told_apart_by_file() {
    let old = [("a.yaml", WEB), ("b.yaml", WEB)];
    let new_b = WEB.replace("replicas: 3", "replicas: 4");
    let text = report(&old, &[("a.yaml", WEB), ("b.yaml", &new_b)]);
    assert!(text.contains("in b.yaml#1)"), "{text}");
}

#[test]
fn kustomizations_other_files_and_hidden_folders_are_ignored() {
    let parsed = manifests(&[
        (
            "default/Kustomization",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n",
        ),
        (
            "kustomization.yaml",
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
        ),
        ("README.md", "# not yaml: ["),
        (".git/x.yaml", "{{{"),
        ("empty.yaml", "---\n---\n"),
        ("a.yaml", WEB),
    ]);
    assert_eq!(parsed.resources.len(), 1);
    assert_eq!(parsed.resources[0].name, "web");
}

#[test]
fn several_documents_in_one_file() {
    let stream = format!("---\n{WEB}---\n{POLICY}");
    let parsed = manifests(&[("all.yaml", &stream)]);
    let names: Vec<(&str, usize)> = parsed
        .resources
        .iter()
        .map(|m| (m.kind.as_str(), m.document))
        .collect();
    assert_eq!(names, [("Deployment", 1), ("NetworkPolicy", 2)]);
}

#[test]
fn garbage_is_a_clear_error() {
    let parse = |content: &[u8]| {
        let files: BTreeMap<String, Vec<u8>> =
            BTreeMap::from([("bad.yaml".to_string(), content.to_vec())]);
        Manifests::parse(&files, "old/")
            .expect_err("must fail")
            .to_string()
    };
    let invalid = parse(b"a: [1, 2\nb: }\n");
    assert!(
        invalid.starts_with("`old/bad.yaml` is not valid YAML: "),
        "{invalid}"
    );
    assert_eq!(invalid.lines().count(), 1, "{invalid}");
    assert_eq!(
        parse(&[0xff, 0xfe, 0x00]),
        "`old/bad.yaml` is not UTF-8 text"
    );
    assert_eq!(
        parse(b"- a\n- b\n"),
        "`old/bad.yaml` (document 1) is not a Kubernetes resource: the document is not a mapping"
    );
    assert_eq!(
        parse(b"apiVersion: v1\nkind: ConfigMap\n---\nkind: Secret\n"),
        "`old/bad.yaml` (document 1) is not a Kubernetes resource: no `metadata.name`"
    );
    assert_eq!(
        parse(b"apiVersion: v1\nkind: 3\nmetadata: {name: x}\n"),
        "`old/bad.yaml` (document 1) is not a Kubernetes resource: no `kind`"
    );
}

#[test]
fn long_values_are_cut() {
    let long = "x".repeat(500);
    let text = inline(&Value::String(long));
    assert_eq!(text.chars().count(), VALUE_CHARS + 1);
    assert!(text.ends_with('…'));
}

#[test]
fn the_report_does_not_depend_on_input_order() {
    let a = [("z.yaml", POLICY), ("a.yaml", WEB)];
    let b = [("a.yaml", POLICY), ("z.yaml", WEB)];
    let changed_policy = POLICY.replace("8080", "80");
    let changed_web = WEB.replace("replicas: 3", "replicas: 1");
    let one = report(&a, &[("1.yaml", &changed_web), ("2.yaml", &changed_policy)]);
    let two = report(&b, &[("1.yaml", &changed_policy), ("2.yaml", &changed_web)]);
    assert_eq!(one, two);
    assert!(one.find("NetworkPolicy").unwrap_or(0) > one.find("Deployment").unwrap_or(usize::MAX));
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text, YAML or not, gives manifests or an error: never a panic.
        #[test]
        fn never_panics_on_any_text(text in "[a-z:{}\\[\\],\\-#&*!|>'\" \n\t0-9]{0,200}") {
            let files = BTreeMap::from([("x.yaml".to_string(), text.clone())]);
            if let Ok(parsed) = Manifests::parse(&files, "") {
                let diff = semantic_diff(&parsed, &Manifests::default());
                let _ = diff.render();
            }
        }
    }
}

#[test]
fn a_change_the_api_server_refuses_is_marked_with_what_it_takes() {
    let sts = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  replicas: 1
  serviceName: db-headless
  volumeClaimTemplates:
  - metadata: {name: data, labels: {team: payments}}
    spec: {resources: {requests: {storage: 20Gi}}}
";
    let new = sts
        .replace("replicas: 1", "replicas: 2")
        .replace("storage: 20Gi", "storage: 30Gi");
    let text = report(&[("db.yaml", sts)], &[("db.yaml", &new)]);
    assert_eq!(
        text,
        "~ StatefulSet/db (apps/v1, namespace shop)\n    spec.replicas: 1 → 2\n  ! spec.volumeClaimTemplates[0].spec.resources.requests.storage: \"20Gi\" → \"30Gi\"\n    ! `spec.volumeClaimTemplates` cannot be updated in place: a StatefulSet's claim templates, storage size included, are fixed at creation: `kubectl delete statefulset db --namespace shop --cascade=orphan` (its pods and claims `data-db-N` stay), grow each claim to the new size with `kubectl patch pvc` (their StorageClass must allow volume expansion), then re-apply: the new StatefulSet adopts the pods and claims; claims already made keep their old labels\n\n1 changed, 0 added, 0 removed\n! 1 change the API server will not apply in place (a `kubectl apply` or an Argo CD sync fails on it): StatefulSet/db spec.volumeClaimTemplates\n"
    );
    let diff = semantic_diff(
        &manifests(&[("db.yaml", sts)]),
        &manifests(&[("db.yaml", &new)]),
    );
    assert_eq!(diff.immutable_changes().len(), 1);
    // A change in place alone is reported exactly as before, without a mark.
    let scaled = sts.replace("replicas: 1", "replicas: 2");
    let text = report(&[("db.yaml", sts)], &[("db.yaml", &scaled)]);
    assert_eq!(
        text,
        "~ StatefulSet/db (apps/v1, namespace shop)\n    spec.replicas: 1 → 2\n\n1 changed, 0 added, 0 removed\n"
    );
}
