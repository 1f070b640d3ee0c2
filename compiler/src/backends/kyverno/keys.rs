//! The JMESPath that reads a property from a resource at admission, written so that it never
//! yields `null` (Kyverno fails a rule whose variable does not resolve) and so that it agrees with
//! the compile-time value of the property on every resource k8sc generates.

use super::targets::Scope;
use crate::ir::labels::AUTOSCALER_ANNOTATION;
use crate::ir::policy::Property;

/// How a property is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// A value to compare; `container` when it reads `element` (a container of a `foreach`).
    Value {
        /// The JMESPath, without `{{ }}`.
        expr: String,
        /// Whether it reads the current container.
        container: bool,
    },
    /// A property that may be missing: its value (`''` when missing) and whether it reads the
    /// current container.
    Optional {
        /// The JMESPath of the value, `''` when missing.
        expr: String,
        /// Whether it reads the current container.
        container: bool,
    },
    /// Not readable from this kind of resource.
    Unavailable,
}

impl Key {
    /// Whether the key reads a container (so the rule needs a `foreach` over containers).
    pub fn is_container(&self) -> bool {
        matches!(
            self,
            Key::Value {
                container: true,
                ..
            } | Key::Optional {
                container: true,
                ..
            }
        )
    }
}

/// Kyverno's parsed image of the current container, from its `images` context variable, which
/// has one map per container list (container names are unique across the three lists).
pub const IMAGE: &str = "(images.containers.\"{{element.name}}\" || images.initContainers.\"{{element.name}}\" || images.ephemeralContainers.\"{{element.name}}\")";

/// The container lists of a pod a container property is checked on. `containers` always;
/// `initContainers` for everything but probes (init containers have none to require: the API
/// refuses readiness and liveness probes on them, except on sidecars); `ephemeralContainers`
/// (`kubectl debug`) for the image and the security context, which is all the API lets them set
/// (no resources, ports or probes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lists {
    /// `initContainers` too.
    pub init: bool,
    /// `ephemeralContainers` too.
    pub ephemeral: bool,
}

impl Lists {
    /// Every container of the pod.
    pub const ALL: Lists = Lists {
        init: true,
        ephemeral: true,
    };
    /// `containers` and `initContainers`.
    pub const WITH_INIT: Lists = Lists {
        init: true,
        ephemeral: false,
    };
    /// `containers` only.
    pub const MAIN: Lists = Lists {
        init: false,
        ephemeral: false,
    };

    /// The lists both read (a clause holds for a container only where all its properties are
    /// defined).
    pub fn and(self, other: Lists) -> Lists {
        Lists {
            init: self.init && other.init,
            ephemeral: self.ephemeral && other.ephemeral,
        }
    }

    /// The JMESPath of the containers of these lists in the pod spec at `pod` (a missing list
    /// contributes nothing).
    pub fn path(self, pod: &str) -> String {
        let mut names = vec!["containers"];
        if self.init {
            names.push("initContainers");
        }
        if self.ephemeral {
            names.push("ephemeralContainers");
        }
        if names.len() == 1 {
            format!("{pod}.containers")
        } else {
            format!("{pod}.[{}][]", names.join(", "))
        }
    }
}

impl Lists {
    /// A projection over the containers of these lists (`….containers[]`), to read a field of each.
    pub fn each(self, pod: &str) -> String {
        let path = self.path(pod);
        if path.ends_with("[]") {
            path
        } else {
            format!("{path}[]")
        }
    }
}

/// The container lists a container property is checked on (see [`Lists`]).
pub fn container_lists(property: Property) -> Lists {
    match property {
        Property::ProbesReady | Property::ProbesLive | Property::ProbesStartup => Lists::MAIN,
        Property::CpuRequest
        | Property::CpuLimit
        | Property::MemoryRequest
        | Property::MemoryLimit
        | Property::Ports => Lists::WITH_INIT,
        _ => Lists::ALL,
    }
}

fn value(expr: impl Into<String>, container: bool) -> Key {
    Key::Value {
        expr: expr.into(),
        container,
    }
}

fn optional(expr: impl Into<String>) -> Key {
    Key::Optional {
        expr: expr.into(),
        container: true,
    }
}

/// A boolean field with a default, as the text `true` or `false` (`to_string` keeps `false` from
/// being swallowed by `||`, and `not_null` takes the first field that is set).
fn flag(fields: &[String], default: bool) -> String {
    let mut args: Vec<String> = fields.to_vec();
    args.push(format!("`{default}`"));
    format!("to_string(not_null({}))", args.join(", "))
}

/// A quoted JMESPath identifier (`"app.kubernetes.io/name"`).
pub fn quoted(name: &str) -> String {
    let escaped = name.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// The container ports of the pod (of its containers and init containers: sidecars serve ports
/// too), as a list of numbers.
pub fn ports(pod: &str) -> String {
    format!(
        "{}.ports[].containerPort || `[]`",
        Lists::WITH_INIT.each(pod)
    )
}

/// Whether label `key` is set on the resource, as `true` / `false`.
pub fn has_label(key: &str) -> String {
    format!(
        "to_string(request.object.metadata.labels.{} != `null`)",
        quoted(key)
    )
}

/// Whether the controller's replica count is owned by an HPA (see [`AUTOSCALER_ANNOTATION`]),
/// as the HPA's name or `''`.
pub fn autoscaler_annotation() -> String {
    format!(
        "request.object.metadata.annotations.{} || ''",
        quoted(AUTOSCALER_ANNOTATION)
    )
}

/// How `property` is read in `scope`.
pub fn key(property: Property, scope: Scope) -> Key {
    match scope {
        Scope::PodSpec(pod) => pod_key(property, pod),
        Scope::Controller => match property {
            // The API server defaults a missing `replicas` to 1 before admission.
            Property::ReplicasMin | Property::ReplicasMax => {
                value("request.object.spec.replicas || `1`", false)
            }
            Property::Kind => value("request.object.kind", false),
            _ => Key::Unavailable,
        },
        Scope::Autoscaler => match property {
            Property::ReplicasMin => value("request.object.spec.minReplicas || `1`", false),
            Property::ReplicasMax => value("request.object.spec.maxReplicas || `0`", false),
            // The controller the autoscaler scales (the preconditions admit only those the rule
            // applies to).
            Property::Kind => value("request.object.spec.scaleTargetRef.kind || ''", false),
            _ => Key::Unavailable,
        },
        Scope::Service => match property {
            Property::ServiceType => value("request.object.spec.type || 'ClusterIP'", false),
            _ => Key::Unavailable,
        },
        Scope::VirtualService => match property {
            // Any route with a fault: `set`, else `''`.
            Property::TrafficFault => Key::Optional {
                expr: "request.object.spec.http[?fault] && 'set' || ''".to_string(),
                container: false,
            },
            _ => Key::Unavailable,
        },
        Scope::Ingress | Scope::HttpRoute | Scope::IstioGateway => match property {
            Property::ExposeTls => value(served_over_tls(scope), false),
            _ => Key::Unavailable,
        },
    }
}

/// Whether an exposing resource serves its hosts over TLS only, as `true` / `false` — exactly
/// what admission can see:
/// - an Ingress: it has no default backend and every rule's host is listed under `spec.tls[]
///   .hosts` (the inner variable is substituted first, as a JSON list);
/// - an Istio `Gateway`: every server is HTTPS with a certificate (`tls.credentialName`), or
///   HTTP that only redirects (`tls.httpsRedirect: true`);
/// - an `HTTPRoute`: every `parentRef` names a listener (`sectionName`). The listener's protocol
///   is on the platform's Gateway, which admission of the route cannot read: that it is HTTPS is
///   what the compile-time check holds the app to (`gateway { …, https: true }`), and a route
///   without a `sectionName` attaches to every listener of the Gateway, plain HTTP included.
pub fn served_over_tls(scope: Scope) -> String {
    match scope {
        Scope::Ingress => "to_string(!(request.object.spec.defaultBackend) && length(request.object.spec.rules[?!contains(`{{ request.object.spec.tls[].hosts[] || `[]` }}`, host || '')] || `[]`) == `0`)".to_string(),
        Scope::IstioGateway => "to_string(length(request.object.spec.servers[?!((port.protocol == 'HTTPS' && tls.credentialName) || (port.protocol == 'HTTP' && tls.httpsRedirect == `true`))] || `[]`) == `0`)".to_string(),
        _ => "to_string(length(request.object.spec.parentRefs[?!sectionName] || `[]`) == `0`)".to_string(),
    }
}

fn pod_key(property: Property, pod: &str) -> Key {
    let security = |field: &str| format!("element.securityContext.{field}");
    match property {
        Property::Image => value("element.image || ''", true),
        Property::ImageRegistry => value(format!("{IMAGE}.registry || 'docker.io'"), true),
        // Kyverno 1.12+ writes `library/nginx` for Docker Hub official images, older versions
        // `nginx`: prefixing a one-component path agrees with both.
        Property::ImageRepository => {
            let path = format!("({IMAGE}.path || '')");
            value(
                format!("contains({path}, '/') && {path} || join('/', ['library', {path}])"),
                true,
            )
        }
        Property::ImageTag => optional(format!("{IMAGE}.tag || ''")),
        Property::ImageDigest => optional(format!("{IMAGE}.digest || ''")),
        Property::CpuRequest => optional("element.resources.requests.cpu || ''"),
        Property::CpuLimit => optional("element.resources.limits.cpu || ''"),
        Property::MemoryRequest => optional("element.resources.requests.memory || ''"),
        Property::MemoryLimit => optional("element.resources.limits.memory || ''"),
        Property::ProbesReady => optional("element.readinessProbe && 'set' || ''"),
        Property::ProbesLive => optional("element.livenessProbe && 'set' || ''"),
        Property::ProbesStartup => optional("element.startupProbe && 'set' || ''"),
        Property::Ports => value(ports(pod), false),
        Property::Labels => value("request.object.metadata.labels || `{}`", false),
        Property::Kind => value("request.object.kind", false),
        Property::NonRoot => value(
            flag(
                &[
                    security("runAsNonRoot"),
                    format!("{pod}.securityContext.runAsNonRoot"),
                ],
                false,
            ),
            true,
        ),
        Property::Privileged => value(flag(&[security("privileged")], false), true),
        // Allowed unless set to false (the API refuses `false` with `privileged` or
        // CAP_SYS_ADMIN, so an explicit `false` is exact).
        Property::PrivilegeEscalation => {
            value(flag(&[security("allowPrivilegeEscalation")], true), true)
        }
        Property::ReadOnlyRoot => value(flag(&[security("readOnlyRootFilesystem")], false), true),
        Property::HostNetwork => value(flag(&[format!("{pod}.hostNetwork")], false), false),
        Property::HostPid => value(flag(&[format!("{pod}.hostPID")], false), false),
        Property::HostIpc => value(flag(&[format!("{pod}.hostIPC")], false), false),
        Property::ReplicasMin
        | Property::ReplicasMax
        | Property::ServiceType
        | Property::TrafficFault
        | Property::ExposeTls => Key::Unavailable,
    }
}
