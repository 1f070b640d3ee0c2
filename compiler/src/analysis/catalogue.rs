//! The vocabulary an editor offers: which fields a block accepts (from the checker's own field
//! catalogue, [`crate::model::schema`]), the words a field's value may be, the units its
//! quantities take, and what type of value it holds.

use crate::model::schema::{self, FieldInfo};
use crate::model::spec::WorkloadKind;
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
        ["probes"] => schema::PROBE_FIELDS,
        ["probes", _] => schema::PROBE_OPTION_FIELDS,
        ["storage"] => schema::STORAGE_FIELDS,
        ["expose"] => schema::INGRESS_FIELDS,
        ["disruption"] => schema::DISRUPTION_FIELDS,
        ["autoscale"] => schema::AUTOSCALE_FIELDS,
        _ => &[],
    };
    table.iter().collect()
}

/// The field called `name` in the block at `path`.
pub fn field_at(kind: DeclKind, path: &[String], name: &str) -> Option<&'static FieldInfo> {
    fields_at(kind, path).into_iter().find(|f| f.name == name)
}

/// A word or shape a value may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// What is inserted.
    pub text: &'static str,
    /// What it means.
    pub summary: &'static str,
}

/// What a field's value is: a description of its type and the words or shapes it may take.
#[derive(Debug, Clone, Copy)]
pub struct ValueInfo {
    /// The type in words, with its units.
    pub ty: &'static str,
    /// The words and shapes it may be.
    pub choices: &'static [Choice],
    /// The unit suffixes its numbers take.
    pub units: &'static [Choice],
}

/// CPU units.
pub const CPU_UNITS: &[Choice] = &[Choice {
    text: "m",
    summary: "millicores: 250m is a quarter of a core",
}];
/// Byte units, binary first.
pub const BYTE_UNITS: &[Choice] = &[
    Choice {
        text: "Mi",
        summary: "mebibytes (2^20 bytes)",
    },
    Choice {
        text: "Gi",
        summary: "gibibytes (2^30 bytes)",
    },
    Choice {
        text: "Ki",
        summary: "kibibytes (2^10 bytes)",
    },
    Choice {
        text: "Ti",
        summary: "tebibytes (2^40 bytes)",
    },
    Choice {
        text: "M",
        summary: "megabytes (10^6 bytes)",
    },
    Choice {
        text: "G",
        summary: "gigabytes (10^9 bytes)",
    },
];
/// Duration units.
pub const DURATION_UNITS: &[Choice] = &[
    Choice {
        text: "s",
        summary: "seconds",
    },
    Choice {
        text: "m",
        summary: "minutes",
    },
    Choice {
        text: "ms",
        summary: "milliseconds",
    },
    Choice {
        text: "h",
        summary: "hours",
    },
    Choice {
        text: "d",
        summary: "days",
    },
];
/// The percent sign.
pub const PERCENT: &[Choice] = &[Choice {
    text: "%",
    summary: "percent",
}];

const CPU: ValueInfo = ValueInfo {
    ty: "CPU: cores (`1`, `0.5`) or millicores (`250m`); `REQUEST..LIMIT` for a limit",
    choices: &[],
    units: CPU_UNITS,
};
const MEMORY: ValueInfo = ValueInfo {
    ty: "memory in bytes with a unit (`256Mi`, `2Gi`); `REQUEST..LIMIT` for a larger limit",
    choices: &[],
    units: BYTE_UNITS,
};
const BYTES: ValueInfo = ValueInfo {
    ty: "a size in bytes with a unit (`20Gi`)",
    choices: &[],
    units: BYTE_UNITS,
};
const DURATION: ValueInfo = ValueInfo {
    ty: "a duration with a unit (`30s`, `5m`, `500ms`, `1h`, `1d`)",
    choices: &[],
    units: DURATION_UNITS,
};
const PERCENTAGE: ValueInfo = ValueInfo {
    ty: "a percentage (`70%`)",
    choices: &[],
    units: PERCENT,
};
const COUNT: ValueInfo = ValueInfo {
    ty: "a whole number",
    choices: &[],
    units: &[],
};
const PROBE: ValueInfo = ValueInfo {
    ty: "a probe: `http \"/path\"`, `tcp`, `grpc` or `exec [\"cmd\"]`, optionally with `{ port, delay, period, timeout, failures }`",
    choices: &[
        Choice {
            text: "http \"/healthz\"",
            summary: "an HTTP GET that must answer 2xx or 3xx",
        },
        Choice {
            text: "tcp",
            summary: "a TCP connection that must open",
        },
        Choice {
            text: "grpc",
            summary: "the standard gRPC health check",
        },
        Choice {
            text: "exec [\"cmd\"]",
            summary: "a command that must exit 0",
        },
    ],
    units: &[],
};
const PORT: ValueInfo = ValueInfo {
    ty: "a port with its protocol (`http 8080`); a bare number is `tcp`",
    choices: &[
        Choice {
            text: "http 8080",
            summary: "HTTP/1.1",
        },
        Choice {
            text: "http2 8080",
            summary: "HTTP/2 cleartext",
        },
        Choice {
            text: "https 8443",
            summary: "HTTPS served by the workload",
        },
        Choice {
            text: "grpc 9090",
            summary: "gRPC",
        },
        Choice {
            text: "tls 8443",
            summary: "TLS-wrapped TCP",
        },
        Choice {
            text: "tcp 5432",
            summary: "plain TCP",
        },
        Choice {
            text: "udp 53",
            summary: "UDP",
        },
    ],
    units: &[],
};
const NAMED_PORT: ValueInfo = ValueInfo {
    ty: "a port name or number of this workload",
    choices: &[],
    units: &[],
};

/// What the value of field `name` is, by field name; `None` for fields without a fixed shape.
pub fn value_info(path: &[String], name: &str) -> Option<ValueInfo> {
    let inside = path.last().map(String::as_str);
    Some(match (inside, name) {
        (Some("autoscale"), "cpu" | "memory") => PERCENTAGE,
        (Some("quota"), "cpu") | (Some("limit_range"), "cpu" | "max_cpu") => CPU,
        (Some("quota"), "memory" | "storage") | (Some("limit_range"), "memory" | "max_memory") => {
            BYTES
        }
        (Some("quota"), "pods") => COUNT,
        (Some("disruption"), "min_available" | "max_unavailable") => ValueInfo {
            ty: "a number of pods or a percentage (`1`, `25%`)",
            choices: &[],
            units: PERCENT,
        },
        (Some("probes"), "ready" | "live" | "startup") => PROBE,
        (Some(_), "port") => NAMED_PORT,
        (Some(_), "delay" | "period" | "timeout") => DURATION,
        (Some(_), "failures") => COUNT,
        (_, "cpu") => CPU,
        (_, "memory") => MEMORY,
        (_, "storage") => ValueInfo {
            ty: "a volume size per replica (`20Gi`), optionally with `{ class, mount }`",
            choices: &[],
            units: BYTE_UNITS,
        },
        (_, "tmp") => ValueInfo {
            ty: "`true`, `false` or a size limit (`64Mi`)",
            choices: &[
                Choice {
                    text: "false",
                    summary: "no writable /tmp",
                },
                Choice {
                    text: "true",
                    summary: "a writable /tmp of 1Gi",
                },
            ],
            units: BYTE_UNITS,
        },
        (_, "grace" | "drain" | "timeout" | "ttl") => DURATION,
        (_, "replicas") => ValueInfo {
            ty: "a replica count (`3`) or an autoscaled range `MIN..MAX` (`2..10`)",
            choices: &[],
            units: &[],
        },
        (_, "completions" | "parallelism" | "retries") => COUNT,
        (_, "user" | "group") => ValueInfo {
            ty: "a numeric id (not 0)",
            choices: &[],
            units: &[],
        },
        (_, "port") => PORT,
        (_, "ports") => ValueInfo {
            ty: "named ports `{ web: http 8080 }` or a list `[http 8080, tcp 9000]`",
            choices: &[],
            units: &[],
        },
        (_, "spread") => ValueInfo {
            ty: "where replicas are spread",
            choices: &[
                Choice {
                    text: "zones",
                    summary: "across zones and nodes",
                },
                Choice {
                    text: "regions",
                    summary: "across regions, zones and nodes",
                },
                Choice {
                    text: "hosts",
                    summary: "across nodes only",
                },
                Choice {
                    text: "none",
                    summary: "no spreading",
                },
            ],
            units: &[],
        },
        (_, "concurrency") => ValueInfo {
            ty: "what happens when a run is due while the last one still runs",
            choices: &[
                Choice {
                    text: "forbid",
                    summary: "skip the new run (default)",
                },
                Choice {
                    text: "allow",
                    summary: "run both",
                },
                Choice {
                    text: "replace",
                    summary: "stop the old run",
                },
            ],
            units: &[],
        },
        (_, "restart") => ValueInfo {
            ty: "when a failed container restarts",
            choices: &[
                Choice {
                    text: "never",
                    summary: "the Job makes a new pod (default)",
                },
                Choice {
                    text: "on_failure",
                    summary: "restart in the same pod",
                },
            ],
            units: &[],
        },
        (_, "image_pull") => ValueInfo {
            ty: "when the node pulls the image",
            choices: &[
                Choice {
                    text: "if_not_present",
                    summary: "when the node does not have it",
                },
                Choice {
                    text: "always",
                    summary: "on every container start",
                },
                Choice {
                    text: "never",
                    summary: "the image must be on the node",
                },
            ],
            units: &[],
        },
        (_, "pod_security") => ValueInfo {
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
        (_, "severity") => ValueInfo {
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
        (_, "disruption") => ValueInfo {
            ty: "a PodDisruptionBudget `{ min_available: 1 }` / `{ max_unavailable: 1 }`, or `none`",
            choices: &[Choice {
                text: "none",
                summary: "no disruption budget",
            }],
            units: &[],
        },
        (_, "suspend") => ValueInfo {
            ty: "a boolean",
            choices: &[
                Choice {
                    text: "true",
                    summary: "stop scheduling",
                },
                Choice {
                    text: "false",
                    summary: "schedule",
                },
            ],
            units: &[],
        },
        (_, "expose") => ValueInfo {
            ty: "`route \"HOST\" { path, port }` (Gateway API) or `ingress \"HOST\" { path, port, tls, class }`",
            choices: &[
                Choice {
                    text: "route \"example.com\"",
                    summary: "a Gateway API HTTPRoute",
                },
                Choice {
                    text: "ingress \"example.com\"",
                    summary: "an Ingress",
                },
            ],
            units: &[],
        },
        (_, "image") => ValueInfo {
            ty: "an image reference `REGISTRY/REPOSITORY:TAG[@sha256:DIGEST]`",
            choices: &[],
            units: &[],
        },
        (_, "schedule") => ValueInfo {
            ty: "a cron schedule (`\"0 2 * * *\"`) or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`",
            choices: &[],
            units: &[],
        },
        (_, "calls") => ValueInfo {
            ty: "a list of workloads: `NAME` in this app, `APP.NAME` in another",
            choices: &[],
            units: &[],
        },
        (_, "tier") => ValueInfo {
            ty: "the name of a tier in scope",
            choices: &[],
            units: &[],
        },
        (_, "policies" | "require_policies") => ValueInfo {
            ty: "a list of policies in scope, with arguments where they take some",
            choices: &[],
            units: &[],
        },
        (Some("gitops"), "path") => shape("a folder of the repository (`\"deploy/shop\"`)"),
        (Some("storage"), "class") => shape("the name of a StorageClass"),
        (Some("storage"), "mount") => shape("an absolute path in the container (`\"/data\"`)"),
        (_, "path") => shape("an HTTP path prefix (`\"/\"`)"),
        (_, "class") => shape("the name of an IngressClass"),
        (_, "tls") => shape("the name of the Secret holding the host's certificate"),
        (_, "per_try" | "eject" | "interval" | "pause") => DURATION,
        (_, "max_ejected" | "at") => PERCENTAGE,
        (_, "consecutive_errors" | "connections" | "pending" | "requests") => COUNT,
        (_, "steps") => ValueInfo {
            ty: "a list of percentages, increasing (`[5%, 25%, 50%]`)",
            choices: &[],
            units: PERCENT,
        },
        (_, "on") => shape(RETRY_ON),
        (_, "methods") => shape(
            "a list of HTTP methods: `GET`, `HEAD`, `POST`, `PUT`, `PATCH`, `DELETE`, `OPTIONS`, \
             `CONNECT`, `TRACE`",
        ),
        (_, "paths") => shape("a list of HTTP paths: exact, `prefix*` or `*suffix`"),
        (_, "header") => shape("the name of an HTTP header (a string)"),
        (_, "abort") => shape("an HTTP status and a share of requests (`503 1%`)"),
        (_, "mirror") => shape("a workload of the app and a share of requests (`shadow 10%`)"),
        (_, "breaker") => shape("a block `{ consecutive_errors, eject, interval, max_ejected }`"),
        (_, "pool") => shape("a block `{ connections, pending, requests }`"),
        (_, "canary") => shape("a block `{ image, replicas, steps, at, header, pause }`"),
        (_, "fault") => shape("a block `{ delay: DURATION SHARE, abort: STATUS SHARE }`"),
        (_, "traffic") => {
            shape("a block `{ timeout, retries, breaker, pool, canary, mirror, fault }`")
        }
        (_, "probes") => shape("a block `{ ready, live, startup }`, each a probe"),
        (_, "autoscale") => shape("a block `{ cpu: PERCENT, memory: PERCENT }`"),
        (_, "patch") => shape(
            "a resource kind, optionally a `\"NAME\"`, and a block of that resource's fields \
             (`Deployment { spec { … } }`)",
        ),
        (_, "env") => shape("a map `{ NAME: \"value\" }`, or `NAME: secret SECRET.KEY`"),
        (_, "config") => shape("a map `{ NAME: \"value\" }`"),
        (_, "labels" | "annotations") => shape("a map `{ key: value }` (values: words or strings)"),
        (_, "command" | "args") => shape("a list of strings"),
        (_, "writable") => shape("a list of absolute paths"),
        (_, "cidrs") => shape("a list of CIDR blocks (`\"203.0.113.0/24\"`)"),
        (_, "timezone") => shape("an IANA time zone name (`\"Europe/Paris\"`)"),
        (_, "namespace") => shape("a namespace name (a DNS label)"),
        (_, "name" | "section") => shape("a name"),
        (_, "team") => shape("a name or string, used as a label value"),
        (_, "registry") => shape("an image registry, optionally with a path (`\"ghcr.io/acme\"`)"),
        (_, "gateway") => {
            shape("`\"NAMESPACE/NAME\"`, or a block `{ name, namespace, section, https }`")
        }
        (_, "gitops") => shape("`argocd { repo, path, revision, sync, applicationset }`"),
        (_, "repo") => shape("the URL of a Git repository"),
        (_, "revision") => shape("a branch, tag or commit (a string)"),
        (_, "host") => shape("a DNS name, or `*.DOMAIN` for its subdomains"),
        (_, "defaults") => shape("a block of workload fields (and, in a tier, namespace settings)"),
        (_, "quota") => shape("a block `{ cpu, memory, pods, storage }`"),
        (_, "limit_range") => shape("a block `{ cpu, memory, max_cpu, max_memory }`"),
        (_, "message") => shape("a string; `{property}` and `{parameter}` are filled in"),
        (_, "match" | "deny" | "require") => {
            shape("a condition over the workload's properties (see Rules in language.md)")
        }
        (_, "mesh") => ValueInfo {
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
        (_, "mtls") => ValueInfo {
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
        (_, "network") => ValueInfo {
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
        (_, "sync") => ValueInfo {
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
        (_, "applicationset" | "prune" | "self_heal" | "require_gitops" | "https") => BOOLEAN,
        _ => return None,
    })
}

/// A value described by its type alone.
const fn shape(ty: &'static str) -> ValueInfo {
    ValueInfo {
        ty,
        choices: &[],
        units: &[],
    }
}

const BOOLEAN: ValueInfo = ValueInfo {
    ty: "a boolean",
    choices: &[
        Choice {
            text: "true",
            summary: "yes",
        },
        Choice {
            text: "false",
            summary: "no",
        },
    ],
    units: &[],
};

/// The failures a mesh retry may be made on (`crate::semantic::traffic::RetryOn`; a test keeps
/// them equal).
const RETRY_ON: &str = "a list of failures: `5xx`, `gateway_error`, `reset`, `connect_failure`, \
     `refused_stream`, `retriable_4xx`, and the gRPC statuses `cancelled`, `deadline_exceeded`, \
     `internal`, `resource_exhausted`, `unavailable`";

/// The shapes an environment variable's value may take.
pub const ENV_VALUE_CHOICES: &[Choice] = &[
    Choice {
        text: "secret NAME.KEY",
        summary: "a key of a Kubernetes Secret: never a literal credential",
    },
    Choice {
        text: "\"value\"",
        summary: "a literal value",
    },
];

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
