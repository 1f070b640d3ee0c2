//! Routing in the mesh: a `DestinationRule` per Service (Istio mutual TLS, connection pool,
//! outlier detection, `stable`/`canary` subsets), a `VirtualService` per workload whose traffic
//! settings need routes (timeout, retries, fault injection, mirroring, canary weights and header
//! routing), and, for an exposed service, a `Gateway` on the ingress gateway and a
//! `VirtualService` binding the route to it with the same settings.

use super::crd::{
    Abort, ClientTls, ConnectionPool, Delay, Destination, DestinationRuleSpec, FaultInjection,
    GatewaySpec, HttpPool, HttpRoute, OutlierDetection, Percent, PortSelector, RetryPolicy,
    RouteDestination, RouteMatch, Server, ServerPort, ServerTls, StringMatch, Subset, TcpPool,
    TrafficPolicy, VirtualServiceSpec,
};
use super::meta::{service_host, workload_meta};
use crate::ir::graph::mirror_port;
use crate::ir::labels::TRACK_LABEL;
use crate::ir::{AppIr, ExposeIr, PortIr, TrafficIr, WorkloadIr};
use crate::model::spec::ExposeKind;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// A duration as Istio reads it: seconds, with a fraction when needed (`5s`, `0.25s`).
pub fn duration(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        return format!("{}s", ms / 1000);
    }
    let fraction = format!("{:03}", ms % 1000);
    format!("{}.{}s", ms / 1000, fraction.trim_end_matches('0'))
}

/// The `DestinationRule` of a workload with a Service.
pub fn destination_rule(app: &AppIr, workload: &WorkloadIr) -> (ObjectMeta, DestinationRuleSpec) {
    let traffic = workload.traffic.as_ref();
    let connection_pool = traffic.and_then(|t| t.pool).map(|pool| ConnectionPool {
        tcp: pool.connections.map(|max| TcpPool {
            max_connections: max,
        }),
        http: (pool.pending.is_some() || pool.requests.is_some()).then_some(HttpPool {
            http1_max_pending_requests: pool.pending,
            http2_max_requests: pool.requests,
        }),
    });
    let outlier_detection = traffic.and_then(|t| t.breaker).map(|b| OutlierDetection {
        consecutive5xx_errors: b.consecutive_errors,
        interval: b.interval.map(duration),
        base_ejection_time: b.eject.map(duration),
        max_ejection_percent: b.max_ejected,
    });
    let subsets = if traffic.is_some_and(|t| t.canary.is_some()) {
        ["stable", "canary"]
            .into_iter()
            .map(|name| Subset {
                name,
                labels: BTreeMap::from([(TRACK_LABEL.to_string(), name.to_string())]),
            })
            .collect()
    } else {
        Vec::new()
    };
    (
        workload_meta(app, workload, &workload.name),
        DestinationRuleSpec {
            host: service_host(app, workload),
            traffic_policy: TrafficPolicy {
                tls: ClientTls {
                    mode: "ISTIO_MUTUAL",
                },
                connection_pool,
                outlier_detection,
            },
            subsets,
        },
    )
}

/// The mesh's `VirtualService` of a workload whose traffic settings need routes.
pub fn virtual_service(
    app: &AppIr,
    workload: &WorkloadIr,
) -> Option<(ObjectMeta, VirtualServiceSpec)> {
    let traffic = workload.traffic.as_ref().filter(|t| t.routes())?;
    let mut http = Vec::new();
    for port in workload.ports.iter().filter(|p| p.protocol.is_routable()) {
        let matches = vec![RouteMatch {
            port: Some(port.number),
            ..RouteMatch::default()
        }];
        http.extend(routes(app, workload, traffic, port, &port.name, matches));
    }
    Some((
        with_canary_note(workload_meta(app, workload, &workload.name), traffic),
        VirtualServiceSpec {
            hosts: vec![service_host(app, workload)],
            gateways: Vec::new(),
            http,
        },
    ))
}

/// Records the canary's steps and how to advance on the resource that carries its weights.
fn with_canary_note(mut meta: ObjectMeta, traffic: &TrafficIr) -> ObjectMeta {
    let Some(canary) = &traffic.canary else {
        return meta;
    };
    let mut note = match canary.steps.iter().position(|s| *s == canary.weight) {
        Some(i) => {
            let next = canary.steps.get(i + 1).map_or_else(
                || "promote: set `image` to the canary's and remove `canary`".to_string(),
                |n| format!("advance: `at: {n}%`"),
            );
            format!(
                "step {} of {} ({}% to the canary); {next}",
                i + 1,
                canary.steps.len(),
                canary.weight
            )
        }
        None => "requests with the canary header only".to_string(),
    };
    if let Some(pause) = canary.pause_seconds {
        note.push_str(&format!(
            "; watch each step for at least {}",
            crate::types::quantity::format_duration(pause * 1000)
        ));
    }
    meta.annotations = Some(BTreeMap::from([("k8sc.dev/canary".to_string(), note)]));
    meta
}

fn destination(
    app: &AppIr,
    workload: &WorkloadIr,
    port: &PortIr,
    subset: Option<&'static str>,
) -> Destination {
    Destination {
        host: service_host(app, workload),
        port: PortSelector {
            number: port.number,
        },
        subset,
    }
}

/// The routes of one port: requests with the canary header first, then the weighted route.
fn routes(
    app: &AppIr,
    workload: &WorkloadIr,
    traffic: &TrafficIr,
    port: &PortIr,
    name: &str,
    matches: Vec<RouteMatch>,
) -> Vec<HttpRoute> {
    let route = |name: String, matches: Vec<RouteMatch>, route: Vec<RouteDestination>| {
        let mut http = HttpRoute {
            name,
            match_: matches,
            route,
            timeout: traffic.timeout_ms.map(duration),
            retries: traffic.retries.as_ref().map(|r| RetryPolicy {
                attempts: r.value.attempts,
                per_try_timeout: (r.value.attempts > 0)
                    .then(|| r.value.per_try.map(|(ms, _)| duration(ms)))
                    .flatten(),
                retry_on: (r.value.attempts > 0).then(|| {
                    r.value
                        .conditions()
                        .iter()
                        .map(|c| c.envoy())
                        .collect::<Vec<_>>()
                        .join(",")
                }),
            }),
            fault: traffic.fault.as_ref().map(|f| FaultInjection {
                delay: f.value.delay.map(|(ms, share)| Delay {
                    fixed_delay: duration(ms),
                    percentage: Percent { value: share },
                }),
                abort: f.value.abort.map(|(status, share)| Abort {
                    http_status: status,
                    percentage: Percent { value: share },
                }),
            }),
            mirror: None,
            mirror_percentage: None,
        };
        if let Some(mirror) = &traffic.mirror
            && let Some(target) = app.workloads.iter().find(|w| w.name == mirror.to)
            && let Some(target_port) = mirror_port(target)
        {
            http.mirror = Some(destination(app, target, target_port, None));
            http.mirror_percentage = Some(Percent {
                value: mirror.percent,
            });
        }
        http
    };
    let mut out = Vec::new();
    let Some(canary) = &traffic.canary else {
        out.push(route(
            name.to_string(),
            matches,
            vec![RouteDestination {
                destination: destination(app, workload, port, None),
                weight: None,
            }],
        ));
        return out;
    };
    if let Some(header) = &canary.header {
        let mut header_match = matches.clone();
        for each in &mut header_match {
            each.headers
                .insert(header.clone(), StringMatch::Regex(".+".to_string()));
        }
        out.push(route(
            format!("{name}-canary-header"),
            header_match,
            vec![RouteDestination {
                destination: destination(app, workload, port, Some("canary")),
                weight: None,
            }],
        ));
    }
    let split = match canary.weight {
        0 => vec![(Some("stable"), None)],
        100 => vec![(Some("canary"), None)],
        w => vec![(Some("stable"), Some(100 - w)), (Some("canary"), Some(w))],
    };
    out.push(route(
        name.to_string(),
        matches,
        split
            .into_iter()
            .map(|(subset, weight)| RouteDestination {
                destination: destination(app, workload, port, subset),
                weight,
            })
            .collect(),
    ));
    out
}

/// The selector of the ingress gateway's pods: the `istio` label the Istio gateway chart gives
/// them, its release name without an `istio-` prefix (`istio-ingressgateway` → `ingressgateway`).
pub fn gateway_selector(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(
        "istio".to_string(),
        name.strip_prefix("istio-").unwrap_or(name).to_string(),
    )])
}

/// The `Gateway` and `VirtualService` of an exposed service: the host served by the app's ingress
/// gateway, routed with the workload's traffic settings.
pub fn ingress(
    app: &AppIr,
    workload: &WorkloadIr,
) -> Option<((ObjectMeta, GatewaySpec), (ObjectMeta, VirtualServiceSpec))> {
    let expose: &ExposeIr = workload.expose.as_ref()?;
    if expose.kind != ExposeKind::Route {
        return None;
    }
    let gateway = &app.gateway.as_ref()?.value;
    let hosts = expose.hosts.clone();
    let http_server = |tls| Server {
        port: ServerPort {
            number: 80,
            name: "http",
            protocol: "HTTP",
        },
        hosts: hosts.clone(),
        tls,
    };
    let servers = match &expose.tls {
        Some(secret) => vec![
            Server {
                port: ServerPort {
                    number: 443,
                    name: "https",
                    protocol: "HTTPS",
                },
                hosts: hosts.clone(),
                tls: Some(ServerTls {
                    https_redirect: None,
                    mode: Some("SIMPLE"),
                    credential_name: Some(secret.clone()),
                }),
            },
            http_server(Some(ServerTls {
                https_redirect: Some(true),
                mode: None,
                credential_name: None,
            })),
        ],
        None => vec![http_server(None)],
    };
    let gateway_resource = (
        workload_meta(app, workload, &workload.name),
        GatewaySpec {
            selector: gateway_selector(&gateway.name),
            servers,
        },
    );
    let traffic = workload.traffic.clone().unwrap_or_default();
    let matches = expose
        .paths
        .iter()
        .map(|path| RouteMatch {
            uri: Some(StringMatch::Prefix(path.clone())),
            ..RouteMatch::default()
        })
        .collect();
    let http = routes(app, workload, &traffic, &expose.port, "ingress", matches);
    let name = format!("{}-ingress", workload.name);
    let virtual_service = (
        with_canary_note(workload_meta(app, workload, &name), &traffic),
        VirtualServiceSpec {
            hosts,
            gateways: vec![workload.name.clone()],
            http,
        },
    );
    Some((gateway_resource, virtual_service))
}
