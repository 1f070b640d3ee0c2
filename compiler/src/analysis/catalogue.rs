//! The vocabulary an editor offers: which fields a block accepts (from the checker's own field
//! catalogue, [`crate::model::schema`]), the words a field's value may be, the units its
//! quantities take, and what type of value it holds.

use crate::model::containers::{ContainerRole, MOUNTS_FIELD};
use crate::model::schema::{self, FieldInfo};
use crate::model::spec::WorkloadKind;
pub use crate::model::values::*;
use k8sc_grammar::DeclKind;

/// The fields accepted in the block at `path` (field keys from the declaration's body down, as
/// [`super::locate::Location::path`] gives them) of a declaration of `kind`; empty where any key
/// is allowed (`env`, `labels`…) or nothing is known.
pub fn fields_at(kind: DeclKind, path: &[String]) -> Vec<&'static FieldInfo> {
    let path: Vec<&str> = path.iter().map(String::as_str).collect();
    match (kind, path.as_slice()) {
        (DeclKind::App, []) => schema::APP_FIELDS.iter().collect(),
        (DeclKind::App, ["defaults", rest @ ..]) => workload_block(None, rest),
        (DeclKind::App | DeclKind::Tier, ["quota"] | ["defaults", "quota"]) => {
            schema::QUOTA_FIELDS.iter().collect()
        }
        (DeclKind::App | DeclKind::Tier, ["limit_range"] | ["defaults", "limit_range"]) => {
            schema::LIMIT_RANGE_FIELDS.iter().collect()
        }
        (DeclKind::App, ["gateway"]) => schema::GATEWAY_FIELDS.iter().collect(),
        (DeclKind::App, ["gitops"]) => schema::GITOPS_FIELDS.iter().collect(),
        (DeclKind::App, ["gitops", "sync"]) => schema::SYNC_FIELDS.iter().collect(),
        (DeclKind::Tier, []) => schema::TIER_FIELDS.iter().collect(),
        (DeclKind::Tier, ["defaults"]) => schema::WORKLOAD_FIELDS
            .iter()
            .chain(schema::TIER_NAMESPACE_FIELDS)
            .collect(),
        (DeclKind::Tier, ["defaults", rest @ ..]) => workload_block(None, rest),
        (DeclKind::Policy, []) => schema::POLICY_FIELDS.iter().collect(),
        (DeclKind::Priority, []) => crate::model::placement::PRIORITY_FIELDS.iter().collect(),
        (kind, path) => match WorkloadKind::from_decl(kind) {
            Some(workload) => workload_block(Some(workload), path),
            None => Vec::new(),
        },
    }
}

/// The fields of a block inside a workload (or inside workload defaults, with no kind).
fn workload_block(kind: Option<WorkloadKind>, path: &[&str]) -> Vec<&'static FieldInfo> {
    let table: &'static [FieldInfo] = match path {
        [] => {
            return schema::WORKLOAD_FIELDS
                .iter()
                .filter(|f| kind.is_none_or(|k| f.kinds.allows(k)))
                .collect();
        }
        [list @ ("sidecars" | "init"), _container, rest @ ..] => {
            // A sidecar's or init container's block: the workload fields a container takes.
            let role = if *list == "init" {
                ContainerRole::Init
            } else {
                ContainerRole::Sidecar
            };
            if rest.is_empty() {
                return schema::WORKLOAD_FIELDS
                    .iter()
                    .filter(|f| role.fields().contains(&f.name))
                    .chain([&MOUNTS_FIELD])
                    .collect();
            }
            return workload_block(None, rest);
        }
        ["probes"] => schema::PROBE_FIELDS,
        ["probes", _] => schema::PROBE_OPTION_FIELDS,
        ["storage"] => schema::STORAGE_FIELDS,
        ["files", _] => crate::model::files::TOKEN_FIELDS,
        ["volumes", _] => crate::model::files::VOLUME_FIELDS,
        ["expose"] => schema::INGRESS_FIELDS,
        ["service"] => schema::SERVICE_FIELDS,
        ["service", "type"] => schema::LOAD_BALANCER_FIELDS,
        ["service", "session_affinity"] => schema::AFFINITY_FIELDS,
        ["disruption"] => schema::DISRUPTION_FIELDS,
        ["autoscale"] => schema::AUTOSCALE_FIELDS,
        ["strategy"] => crate::model::lifecycle::ROLLING_FIELDS,
        ["autoscale", "up" | "down"] => crate::model::scaling::SCALING_RULES_FIELDS,
        ["affinity"] => crate::model::placement::AFFINITY_FIELDS,
        ["tolerations", _] => crate::model::placement::TOLERATION_FIELDS,
        _ => &[],
    };
    table.iter().collect()
}

/// The field called `name` in the block at `path`.
pub fn field_at(kind: DeclKind, path: &[String], name: &str) -> Option<&'static FieldInfo> {
    fields_at(kind, path).into_iter().find(|f| f.name == name)
}

/// What the value of field `name` in the block at `path` is: a value peculiar to that block
/// first (`cpu` in `autoscale` is a percentage), then the workload field registry's, then the
/// other declarations' fields by name; `None` for fields without a fixed shape.
pub fn value_info(path: &[String], name: &str) -> Option<ValueInfo> {
    let inside = path.last().map(String::as_str);
    if let Some(info) = inside.and_then(|block| value_in_block(block, name)) {
        return Some(info);
    }
    if let Some(info) = schema::find(schema::WORKLOAD_FIELDS, name).and_then(|f| f.value) {
        return Some(info);
    }
    Some(match name {
        "pod_security" => ValueInfo {
            ty: "a Pod Security Standard",
            choices: &[
                Choice {
                    text: "restricted",
                    summary: "the hardened profile (default)",
                },
                Choice {
                    text: "baseline",
                    summary: "minimal restrictions",
                },
                Choice {
                    text: "privileged",
                    summary: "no restrictions",
                },
            ],
            units: &[],
        },
        "severity" => ValueInfo {
            ty: "how a violation is treated",
            choices: &[
                Choice {
                    text: "error",
                    summary: "fails the build; refused at admission",
                },
                Choice {
                    text: "warning",
                    summary: "reported; audited at admission",
                },
            ],
            units: &[],
        },
        "policies" | "require_policies" => ValueInfo {
            ty: "a list of policies in scope, with arguments where they take some",
            choices: &[],
            units: &[],
        },
        "path" => shape("an HTTP path prefix (`\"/\"`)"),
        "class" => shape("the name of an IngressClass"),
        "tls" => shape("the name of the Secret holding the host's certificate"),
        "per_try" | "eject" | "interval" | "pause" => DURATION,
        "max_ejected" | "at" => PERCENTAGE,
        "consecutive_errors" | "connections" | "pending" | "requests" => COUNT,
        "steps" => ValueInfo {
            ty: "a list of percentages, increasing (`[5%, 25%, 50%]`)",
            choices: &[],
            units: PERCENT,
        },
        "on" => shape(RETRY_ON),
        "methods" => shape(
            "a list of HTTP methods: `GET`, `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE`, `OPTIONS`, \
             `CONNECT`, `TRACE`",
        ),
        "paths" => shape("a list of HTTP paths: exact, `prefix*` or `*suffix`"),
        "header" => shape("the name of an HTTP header (a string)"),
        "abort" => shape("an HTTP status and a share of requests (`503 1%`)"),
        "mirror" => shape("a workload of the app and a share of requests (`shadow 10%`)"),
        "breaker" => shape("a block `{ consecutive_errors, eject, interval, max_ejected }`"),
        "pool" => shape("a block `{ connections, pending, requests }`"),
        "canary" => shape("a block `{ image, replicas, steps, at, header, pause }`"),
        "fault" => shape("a block `{ delay: DURATION SHARE, abort: STATUS SHARE }`"),
        "cidrs" => shape("a list of CIDR blocks (`\"203.0.113.0/24\"`)"),
        "namespace" => shape("a namespace name (a DNS label)"),
        "name" | "section" => shape("a name"),
        "team" => shape("a name or string, used as a label value"),
        "registry" => shape("an image registry, optionally with a path (`\"ghcr.io/acme\"`)"),
        "gateway" => {
            shape("`\"NAMESPACE/NAME\"`, or a block `{ name, namespace, section, https }`")
        }
        "gitops" => shape("`argocd { repo, path, revision, sync, applicationset }`"),
        "repo" => shape("the URL of a Git repository"),
        "revision" => shape("a branch, tag or commit (a string)"),
        "host" => shape("a DNS name, or `*.DOMAIN` for its subdomains"),
        "defaults" => shape("a block of workload fields (and, in a tier, namespace settings)"),
        "quota" => shape("a block `{ cpu, memory, pods, storage }`"),
        "limit_range" => shape("a block `{ cpu, memory, max_cpu, max_memory }`"),
        "message" => shape("a string; `{property}` and `{parameter}` are filled in"),
        "match" | "deny" | "require" => {
            shape("a condition over the workload's properties (see Rules in language.md)")
        }
        "mesh" => ValueInfo {
            ty: "a service mesh, with options",
            choices: &[
                Choice {
                    text: "istio",
                    summary: "Istio with strict mutual TLS",
                },
                Choice {
                    text: "istio { mtls: permissive }",
                    summary: "Istio, plaintext accepted too",
                },
                Choice {
                    text: "none",
                    summary: "no mesh",
                },
            ],
            units: &[],
        },
        "mtls" => ValueInfo {
            ty: "the mutual TLS mode",
            choices: &[
                Choice {
                    text: "strict",
                    summary: "only mutual TLS (default)",
                },
                Choice {
                    text: "permissive",
                    summary: "plaintext too, while callers migrate",
                },
            ],
            units: &[],
        },
        "network" => ValueInfo {
            ty: "which traffic the namespace admits",
            choices: &[
                Choice {
                    text: "default_deny",
                    summary: "only the edges of the service graph",
                },
                Choice {
                    text: "open",
                    summary: "everything (no NetworkPolicy)",
                },
            ],
            units: &[],
        },
        "sync" => ValueInfo {
            ty: "how Argo CD syncs",
            choices: &[
                Choice {
                    text: "auto { prune: true, self_heal: true }",
                    summary: "on every change (default)",
                },
                Choice {
                    text: "manual",
                    summary: "when someone syncs",
                },
            ],
            units: &[],
        },
        "applicationset" | "prune" | "self_heal" | "require_gitops" | "https" => BOOLEAN,

        _ => return None,
    })
}

/// A value peculiar to the block it is written in.
fn value_in_block(inside: &str, name: &str) -> Option<ValueInfo> {
    Some(match (inside, name) {
        ("autoscale", "cpu" | "memory") => PERCENTAGE,
        ("quota", "cpu") | ("limit_range", "cpu" | "max_cpu") => CPU,
        ("quota", "memory" | "storage") | ("limit_range", "memory" | "max_memory") => BYTES,
        ("quota", "pods") => COUNT,
        ("disruption", "min_available" | "max_unavailable") => ValueInfo {
            ty: "a number of pods or a percentage (`1`, `25%`)",
            choices: &[],
            units: PERCENT,
        },
        ("strategy", "max_surge" | "max_unavailable") => crate::model::lifecycle::COUNT_OR_PERCENT,
        ("up" | "down", "window") => DURATION,
        ("up" | "down", "select") => crate::model::scaling::SELECT,
        ("probes", "ready" | "live" | "startup") => PROBE,
        ("service", "type") => ValueInfo {
            ty: "the Service's type",
            choices: &[
                Choice {
                    text: "cluster_ip",
                    summary: "a cluster-internal address (default)",
                },
                Choice {
                    text: "load_balancer",
                    summary: "a load balancer in front of every port",
                },
            ],
            units: &[],
        },
        ("service", "session_affinity") => ValueInfo {
            ty: "whether a client's connections stick to one pod",
            choices: &[
                Choice {
                    text: "none",
                    summary: "any pod (default)",
                },
                Choice {
                    text: "client_ip",
                    summary: "one pod per client address, for `timeout` (default 3h)",
                },
            ],
            units: &[],
        },
        ("service", "external_traffic") => ValueInfo {
            ty: "the load balancer's external traffic policy",
            choices: &[
                Choice {
                    text: "cluster",
                    summary: "any node forwards to any pod; the client's address is lost (default)",
                },
                Choice {
                    text: "local",
                    summary: "only nodes with a pod take traffic; the client's address is kept",
                },
            ],
            units: &[],
        },
        ("service", "publish_not_ready") => BOOLEAN,
        ("session_affinity", "timeout") => DURATION,
        ("type", "source_ranges") => shape("a list of CIDRs (`[\"203.0.113.0/24\"]`)"),
        (_, "port") => NAMED_PORT,
        (_, "delay" | "period" | "timeout") => DURATION,
        (_, "failures" | "success") => COUNT,
        ("gitops", "path") => shape("a folder of the repository (`\"deploy/shop\"`)"),
        ("storage", "class") => shape("the name of a StorageClass"),
        ("storage", "mount") => shape("an absolute path in the container (`\"/data\"`)"),
        _ => return crate::model::placement::value_in_block(inside, name),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn every_retry_condition_is_listed() {
        for (_, word, _) in crate::semantic::traffic::RetryOn::ALL {
            assert!(RETRY_ON.contains(&format!("`{word}`")), "{word}");
        }
    }

    #[test]
    fn fields_follow_the_block_path() {
        let names = |kind, p: &[&str]| -> Vec<&str> {
            fields_at(kind, &path(p)).iter().map(|f| f.name).collect()
        };
        assert!(names(DeclKind::Service, &[]).contains(&"replicas"));
        assert!(!names(DeclKind::Cron, &[]).contains(&"replicas"));
        assert_eq!(
            names(DeclKind::Service, &["probes"]),
            ["ready", "live", "startup"]
        );
        assert!(names(DeclKind::Tier, &["defaults"]).contains(&"quota"));
        assert!(names(DeclKind::App, &["defaults"]).contains(&"cpu"));
        assert!(names(DeclKind::Service, &["env"]).is_empty());
    }
}
