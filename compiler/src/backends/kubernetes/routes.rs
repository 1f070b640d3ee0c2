//! Exposure outside the cluster: a Gateway API `HTTPRoute` (typed here, as it is a CRD) or a
//! `networking.k8s.io/v1` Ingress.

use super::meta::workload_labels;
use crate::ir::{AppIr, ExposeIr, WorkloadIr};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::Serialize;

/// `gateway.networking.k8s.io/v1` `HTTPRoute`, with exactly the fields k8sc emits.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpRoute {
    api_version: &'static str,
    kind: &'static str,
    metadata: ObjectMeta,
    spec: HttpRouteSpec,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpRouteSpec {
    parent_refs: Vec<ParentRef>,
    hostnames: Vec<String>,
    rules: Vec<HttpRouteRule>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ParentRef {
    group: &'static str,
    kind: &'static str,
    name: String,
    namespace: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    section_name: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpRouteRule {
    matches: Vec<HttpRouteMatch>,
    backend_refs: Vec<BackendRef>,
}

#[derive(Debug, Clone, Serialize)]
struct HttpRouteMatch {
    path: PathMatch,
}

#[derive(Debug, Clone, Serialize)]
struct PathMatch {
    #[serde(rename = "type")]
    kind: &'static str,
    value: String,
}

#[derive(Debug, Clone, Serialize)]
struct BackendRef {
    name: String,
    port: u16,
}

/// The API version of [`HttpRoute`].
pub const HTTP_ROUTE_API_VERSION: &str = "gateway.networking.k8s.io/v1";

/// An HTTPRoute attaching the service to the app's Gateway.
pub fn http_route(app: &AppIr, workload: &WorkloadIr, expose: &ExposeIr) -> Option<HttpRoute> {
    let gateway = &app.gateway.as_ref()?.value;
    Some(HttpRoute {
        api_version: HTTP_ROUTE_API_VERSION,
        kind: "HTTPRoute",
        metadata: ObjectMeta {
            name: Some(workload.name.clone()),
            namespace: Some(app.namespace.value.clone()),
            labels: Some(workload_labels(app, workload)),
            ..ObjectMeta::default()
        },
        spec: HttpRouteSpec {
            parent_refs: vec![ParentRef {
                group: "gateway.networking.k8s.io",
                kind: "Gateway",
                name: gateway.name.clone(),
                namespace: gateway.namespace.clone(),
                section_name: gateway.section.clone(),
            }],
            hostnames: expose.hosts.clone(),
            rules: vec![HttpRouteRule {
                matches: expose
                    .paths
                    .iter()
                    .map(|path| HttpRouteMatch {
                        path: PathMatch {
                            kind: "PathPrefix",
                            value: path.clone(),
                        },
                    })
                    .collect(),
                backend_refs: vec![BackendRef {
                    name: workload.name.clone(),
                    port: expose.port.number,
                }],
            }],
        },
    })
}

/// An Ingress for the service.
pub fn ingress(app: &AppIr, workload: &WorkloadIr, expose: &ExposeIr) -> Ingress {
    Ingress {
        metadata: ObjectMeta {
            name: Some(workload.name.clone()),
            namespace: Some(app.namespace.value.clone()),
            labels: Some(workload_labels(app, workload)),
            ..ObjectMeta::default()
        },
        spec: Some(IngressSpec {
            ingress_class_name: expose.class.clone(),
            rules: Some(
                expose
                    .hosts
                    .iter()
                    .map(|host| IngressRule {
                        host: Some(host.clone()),
                        http: Some(HTTPIngressRuleValue {
                            paths: expose
                                .paths
                                .iter()
                                .map(|path| ingress_path(workload, expose, path))
                                .collect(),
                        }),
                    })
                    .collect(),
            ),
            tls: expose.tls.as_ref().map(|secret| {
                vec![IngressTLS {
                    hosts: Some(expose.hosts.clone()),
                    secret_name: Some(secret.clone()),
                }]
            }),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    }
}

/// One path of an Ingress rule: the prefix, to the exposed port of the workload's Service.
fn ingress_path(workload: &WorkloadIr, expose: &ExposeIr, path: &str) -> HTTPIngressPath {
    HTTPIngressPath {
        path: Some(path.to_string()),
        path_type: "Prefix".to_string(),
        backend: IngressBackend {
            service: Some(IngressServiceBackend {
                name: workload.name.clone(),
                port: Some(ServiceBackendPort {
                    name: Some(expose.port.name.clone()),
                    ..ServiceBackendPort::default()
                }),
            }),
            ..IngressBackend::default()
        },
    }
}
