//! Checks of the whole service graph, once every workload is lowered: each call resolved to the
//! callee's ports (E0030), mirror targets (E0005, E0034), callers that strict mutual TLS would
//! refuse (E0033), retries that could repeat a non-idempotent request (E0032), services nothing
//! calls (W0010), and workloads named like the resources generated for the graph (E0006).

use super::ports::declared_ports;
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::ir::{AppIr, CallIr, ExternalIr, Mtls, Network, PortIr, TrafficIr, WorkloadIr};
use crate::model::spec::{Origin, PortRef, WorkloadKind};
use crate::semantic::suggest::closest;
use k8sc_grammar::{DeclKind, Span};
use std::collections::{BTreeMap, BTreeSet};

/// What the graph checks read of a workload: its name and where it is written, its kind, its
/// ports, whether it is exposed, its calls and its traffic settings. Kept apart from the
/// workload's IR so that an edit the graph does not see (a memory request, a replica count)
/// leaves the graph's inputs equal and the editor does not check the whole graph again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphNode {
    /// The workload's name.
    pub name: String,
    /// Its kind.
    pub kind: WorkloadKind,
    /// The keyword it was declared with.
    pub keyword: DeclKind,
    /// The file its name is written in.
    pub file: String,
    /// Where its name is written.
    pub name_span: Span,
    /// Its ports.
    pub ports: Vec<PortIr>,
    /// Whether it is exposed outside the cluster (a route, an ingress or a load balancer).
    pub exposed: bool,
    /// Whether it asks for a headless twin `NAME-headless` (`headless: true`).
    pub headless: bool,
    /// Whom it calls.
    pub calls: Vec<CallIr>,
    /// Its traffic settings.
    pub traffic: Option<Box<TrafficIr>>,
}

impl GraphNode {
    /// The graph's view of a lowered workload whose name is written at `name_span` in `file`.
    pub fn of(workload: &WorkloadIr, file: &str, name_span: Span) -> Self {
        GraphNode {
            name: workload.name.clone(),
            kind: workload.kind,
            keyword: workload.keyword,
            file: file.to_string(),
            name_span,
            ports: workload.ports.clone(),
            exposed: workload.expose.is_some() || workload.service.load_balancer.is_some(),
            headless: workload.service.headless.is_some(),
            calls: workload.calls.clone(),
            traffic: workload.traffic.clone(),
        }
    }
}

/// One app of the graph in one environment: its IR without workloads (as [`super::app_context`]
/// builds it), the graph's view of its lowered workloads and its external hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppGraph {
    /// The app's own IR (name, namespace, network, mesh); its `workloads` are not read.
    pub app: AppIr,
    /// The app's lowered workloads, sorted by name.
    pub workloads: Vec<GraphNode>,
    /// The app's external hosts, sorted by name.
    pub externals: Vec<ExternalIr>,
    /// Some workload of the app has errors and is missing from `workloads`.
    pub incomplete: bool,
}

impl std::ops::Deref for AppGraph {
    type Target = AppIr;

    fn deref(&self) -> &AppIr {
        &self.app
    }
}

/// A call that declares methods, seen from its callee (checked against the callee's retries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingCall {
    /// The callee's app.
    pub callee_app: String,
    /// The callee.
    pub callee: String,
    /// The calling workload.
    pub caller: String,
    /// The call.
    pub call: CallIr,
}

/// What an app contributes to the environment's [`EnvIndex`]: the workloads its own calls and
/// mirrors reach, its calls that declare methods, whether it calls anything and whether any of its
/// workloads failed to lower. No spans but those of calls with methods, so typing that only moves
/// text leaves it equal.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppCalls {
    /// (app, workload) of every workload the app's workloads call or mirror to, other than
    /// themselves.
    pub called: Vec<(String, String)>,
    /// Its calls that declare methods.
    pub with_methods: Vec<IncomingCall>,
    /// Some of its workloads call something.
    pub has_calls: bool,
    /// Some of its workloads failed to lower.
    pub incomplete: bool,
}

impl AppCalls {
    /// The summary of one app's graph.
    pub fn of(app: &AppGraph) -> Self {
        let mut out = AppCalls {
            incomplete: app.incomplete,
            ..AppCalls::default()
        };
        for workload in &app.workloads {
            out.has_calls |= !workload.calls.is_empty();
            if let Some(mirror) = workload.traffic.as_ref().and_then(|t| t.mirror.as_ref()) {
                out.called.push((app.name.clone(), mirror.to.clone()));
            }
            for call in workload.calls.iter().filter(|c| !c.external) {
                let own = call.app == app.name && call.target == workload.name;
                if !own {
                    out.called.push((call.app.clone(), call.target.clone()));
                }
                if !call.methods.is_empty() {
                    out.with_methods.push(IncomingCall {
                        callee_app: call.app.clone(),
                        callee: call.target.clone(),
                        caller: workload.name.clone(),
                        call: call.clone(),
                    });
                }
            }
        }
        out
    }
}

/// What the checks of one app need to know of the whole environment: who is called, the calls
/// with methods by callee, whether any workload calls anything, whether any failed to lower.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvIndex {
    /// App → the workloads of it something calls or mirrors to.
    called: BTreeMap<String, BTreeSet<String>>,
    /// App → workload → the calls to it that declare methods, in the project's order.
    incoming_with_methods: BTreeMap<String, BTreeMap<String, Vec<IncomingCall>>>,
    /// Some workload of the environment calls something.
    declares_graph: bool,
    /// Some workload of the environment has errors and is missing from its app's graph: whom it
    /// calls is unknown, so no service is reported as never called (that would be a cascade).
    incomplete: bool,
}

impl EnvIndex {
    /// The index of an environment's apps, in the project's order.
    pub fn new<'a>(apps: impl IntoIterator<Item = &'a AppCalls>) -> Self {
        let mut index = EnvIndex::default();
        for app in apps {
            index.declares_graph |= app.has_calls;
            index.incomplete |= app.incomplete;
            for (callee_app, callee) in &app.called {
                index
                    .called
                    .entry(callee_app.clone())
                    .or_default()
                    .insert(callee.clone());
            }
            for incoming in &app.with_methods {
                index
                    .incoming_with_methods
                    .entry(incoming.callee_app.clone())
                    .or_default()
                    .entry(incoming.callee.clone())
                    .or_default()
                    .push(incoming.clone());
            }
        }
        index
    }

    fn called(&self, app: &str, workload: &str) -> bool {
        self.called.get(app).is_some_and(|w| w.contains(workload))
    }

    fn incoming_with_methods(&self, app: &str, workload: &str) -> &[IncomingCall] {
        self.incoming_with_methods
            .get(app)
            .and_then(|w| w.get(workload))
            .map_or(&[], Vec::as_slice)
    }
}

/// The apps of the environment by name (the one being checked, and those its workloads call).
pub type AppLookup<'l, 'a> = &'l dyn Fn(&str) -> Option<&'a AppGraph>;

/// The graph checks of one app: their diagnostics, and the ports each of its calls resolves to
/// (by workload name and call index). Every check has one app it belongs to — the caller's for
/// calls and mirrors, the callee's for retries and for services nobody calls — so checking each
/// app of the environment checks the whole graph, and an edit re-checks only the apps it touches.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AppCheck {
    /// The ports of each call of the app that resolves.
    pub resolved: Vec<(String, usize, Vec<PortIr>)>,
    /// The app's graph problems.
    pub diagnostics: Vec<Diagnostic>,
}

/// The graph as one app's checks see it.
struct Graph<'l, 'a> {
    focus: &'a AppGraph,
    apps: AppLookup<'l, 'a>,
    index: &'l EnvIndex,
}

impl<'a> Graph<'_, 'a> {
    fn app(&self, name: &str) -> Option<&'a AppGraph> {
        if name == self.focus.name {
            Some(self.focus)
        } else {
            (self.apps)(name)
        }
    }

    /// The first workload of that name (workloads are sorted by name, stably).
    fn workload(&self, app: &str, name: &str) -> Option<&'a GraphNode> {
        let workloads = &self.app(app)?.workloads;
        let first = workloads.partition_point(|w| w.name.as_str() < name);
        workloads.get(first).filter(|w| w.name == name)
    }
}

/// Checks the graph of `focus`, looking other apps up through `apps`.
pub fn check_app<'a>(focus: &'a AppGraph, apps: AppLookup<'_, 'a>, index: &EnvIndex) -> AppCheck {
    let ir = Graph { focus, apps, index };
    let mut diagnostics = Vec::new();
    let resolved = resolve_ports(&ir, &mut diagnostics);
    check_mirrors(&ir, &mut diagnostics);
    check_mesh_callers(&ir, &mut diagnostics);
    check_retries(&ir, &mut diagnostics);
    report_unreachable(&ir, &mut diagnostics);
    report_reserved_names(&ir, &mut diagnostics);
    AppCheck {
        resolved,
        diagnostics,
    }
}

/// The names k8sc gives resources of its own in an app's namespace, and what they are.
fn reserved_names(app: &AppGraph) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if app.network.value == Network::DefaultDeny {
        for name in ["default-deny", "allow-dns"] {
            out.push((
                name.to_string(),
                "a NetworkPolicy of the namespace".to_string(),
            ));
        }
        if app.mesh.is_some() {
            out.push((
                "allow-istiod".to_string(),
                "a NetworkPolicy of the namespace".to_string(),
            ));
        }
    }
    if app.mesh.is_some() {
        out.push((
            "allow-nothing".to_string(),
            "the namespace's deny-by-default AuthorizationPolicy".to_string(),
        ));
    }
    for workload in &app.workloads {
        if workload
            .traffic
            .as_ref()
            .is_some_and(|t| t.canary.is_some())
        {
            out.push((
                format!("{}-canary", workload.name),
                format!("the canary Deployment of `{}`", workload.name),
            ));
        }
        if workload.headless {
            out.push((
                format!("{}-headless", workload.name),
                format!("the headless Service of `{}`", workload.name),
            ));
        }
        if app.mesh.is_some() && workload.exposed {
            out.push((
                format!("{}-ingress", workload.name),
                format!("the ingress VirtualService of `{}`", workload.name),
            ));
        }
    }
    out
}

/// A workload named like a resource k8sc generates would overwrite it.
fn report_reserved_names(ir: &Graph<'_, '_>, diagnostics: &mut Vec<Diagnostic>) {
    {
        let app = ir.focus;
        let reserved = reserved_names(app);
        for workload in &app.workloads {
            let Some((_, what)) = reserved.iter().find(|(name, _)| *name == workload.name) else {
                continue;
            };
            diagnostics.push(
                Diagnostic::new(
                    Code::Duplicate,
                    format!("workload `{}` has the name of {what}", workload.name),
                    &workload.file,
                    workload.name_span,
                )
                .with_label("this name is taken by a generated resource")
                .with_help("rename the workload"),
            );
        }
    }
}

fn at(origin: &Origin, span: Span, code: Code, message: String) -> Diagnostic {
    Diagnostic::new(code, message, origin.file().unwrap_or(""), span)
}

fn label(origin: &Origin, span: Span, message: &str) -> Option<Label> {
    origin
        .file()
        .map(|file| Label::new(file, span).with_message(message))
}

/// The ports of each call: those named, or every port of the callee.
fn resolve_ports(
    ir: &Graph<'_, '_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, usize, Vec<PortIr>)> {
    let mut out = Vec::new();
    for workload in &ir.focus.workloads {
        for (c, call) in workload.calls.iter().enumerate() {
            if let Some(ports) = call_ports(ir, workload, call, diagnostics) {
                out.push((workload.name.clone(), c, ports));
            }
        }
    }
    out
}

fn call_ports(
    ir: &Graph<'_, '_>,
    caller: &GraphNode,
    call: &CallIr,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<PortIr>> {
    let (ports, kind) = if call.external {
        let app = ir.app(&call.app)?;
        let external = app.externals.iter().find(|e| e.name == call.target)?;
        (&external.ports, None)
    } else {
        let callee = ir.workload(&call.app, &call.target)?;
        (&callee.ports, Some(callee.kind))
    };
    let origin = &call.origin;
    if ports.is_empty() {
        let mut diagnostic = at(
            origin,
            origin.span,
            Code::NoSuchCallPort,
            format!(
                "`{}` calls `{}`, which has no port",
                caller.name, call.target
            ),
        )
        .with_label("nothing listens here");
        diagnostic = match kind {
            Some(kind) if kind.is_batch() => diagnostic
                .with_note("a job or cron job runs to completion and receives no traffic")
                .with_help(format!(
                    "if `{}` talks to `{}`, list it the other way round: `calls` belongs to the caller",
                    call.target, caller.name
                )),
            _ => diagnostic.with_help(format!(
                "declare the port `{}` listens on, e.g. `port: http 8080`",
                call.target
            )),
        };
        diagnostics.push(diagnostic);
        return None;
    }
    let mut chosen: Vec<PortIr> = Vec::new();
    let mut ok = true;
    for (reference, span) in &call.port_refs {
        let found = match reference {
            PortRef::Name(name) => ports.iter().find(|p| p.name == *name),
            PortRef::Number(number) => ports.iter().find(|p| p.number == *number),
        };
        match found {
            Some(port) => {
                if !chosen.iter().any(|p| p.name == port.name) {
                    chosen.push(port.clone());
                }
            }
            None => {
                ok = false;
                let shown = match reference {
                    PortRef::Name(name) => format!("`{name}`"),
                    PortRef::Number(number) => number.to_string(),
                };
                let mut diagnostic = at(
                    origin,
                    *span,
                    Code::NoSuchCallPort,
                    format!("`{}` has no port {shown}", call.target),
                )
                .with_label("not a port of the callee");
                let names = ports.iter().map(|p| p.name.as_str());
                if let PortRef::Name(name) = reference
                    && let Some(best) = closest(name, names)
                {
                    diagnostic = diagnostic.with_replacement(best.to_string());
                }
                let declared = declared_ports(ports).replacen(
                    "the workload",
                    &format!("`{}`", call.target),
                    1,
                );
                diagnostics.push(diagnostic.with_note(declared));
            }
        }
    }
    if !ok {
        return None;
    }
    let ports = if chosen.is_empty() {
        ports.clone()
    } else {
        chosen
    };
    if !call.paths.is_empty() || !call.methods.is_empty() {
        let reason = if call.external {
            Some(format!(
                "`{}` is outside the cluster: no proxy of the mesh receives its requests to enforce paths and methods",
                call.target
            ))
        } else if !ports.iter().any(|p| p.protocol.is_routable()) {
            Some(format!(
                "`{}` is called on {}, which carries no HTTP requests",
                call.target,
                ports
                    .iter()
                    .map(|p| format!("{} {}", p.protocol.keyword(), p.number))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        } else {
            None
        };
        if let Some(reason) = reason {
            diagnostics.push(
                at(
                    origin,
                    origin.span,
                    Code::NoSuchCallPort,
                    "paths and methods need an HTTP or gRPC port".to_string(),
                )
                .with_label("paths or methods declared here")
                .with_note(reason)
                .with_help("remove `paths` and `methods`, or call an HTTP port"),
            );
            return None;
        }
        if let Some(callee) = ir.app(&call.app) {
            diagnostics.extend(super::requests::check_requests(callee, call, &ports));
        }
    }
    Some(ports)
}

/// A mirror copies requests to another workload of the app, which must serve them.
fn check_mirrors(ir: &Graph<'_, '_>, diagnostics: &mut Vec<Diagnostic>) {
    {
        let app = ir.focus;
        for workload in &app.workloads {
            let Some(mirror) = workload.traffic.as_ref().and_then(|t| t.mirror.as_ref()) else {
                continue;
            };
            let origin = &mirror.origin;
            let target = app.workloads.iter().find(|w| w.name == mirror.to);
            match target {
                None => {
                    let mut diagnostic = at(
                        origin,
                        origin.span,
                        Code::Unresolved,
                        format!("cannot find workload `{}` to mirror to", mirror.to),
                    )
                    .with_label("no workload of this name in the app");
                    if let Some(best) =
                        closest(&mirror.to, app.workloads.iter().map(|w| w.name.as_str()))
                    {
                        diagnostic = diagnostic.with_replacement(best.to_string());
                    }
                    diagnostics.push(diagnostic);
                }
                Some(target) if target.name == workload.name => diagnostics.push(
                    at(
                        origin,
                        origin.span,
                        Code::InvalidTraffic,
                        format!("`{}` mirrors its requests to itself", workload.name),
                    )
                    .with_label("every request would be served twice")
                    .with_help("mirror to a separate workload running the version under test"),
                ),
                Some(target)
                    if !target.kind.has_service()
                        || !target.ports.iter().any(|p| p.protocol.is_routable()) =>
                {
                    diagnostics.push(
                        at(
                            origin,
                            origin.span,
                            Code::TrafficNotRoutable,
                            format!("`{}` cannot receive mirrored requests", target.name),
                        )
                        .with_label("no HTTP or gRPC port behind a Service")
                        .with_help(
                            "mirror to a `service` that declares an `http`, `http2` or `grpc` port",
                        ),
                    );
                }
                Some(_) => {}
            }
        }
    }
}

/// Strict mutual TLS refuses plaintext: a caller without a sidecar cannot reach the callee.
fn check_mesh_callers(ir: &Graph<'_, '_>, diagnostics: &mut Vec<Diagnostic>) {
    {
        let app = ir.focus;
        if app.mesh.is_some() {
            return;
        }
        for workload in &app.workloads {
            for call in workload.calls.iter().filter(|c| !c.external) {
                let Some(callee_app) = ir.app(&call.app) else {
                    continue;
                };
                let Some(mesh) = &callee_app.mesh else {
                    continue;
                };
                if mesh.value != Mtls::Strict {
                    continue;
                }
                let origin = &call.origin;
                let diagnostic = at(
                    origin,
                    origin.span,
                    Code::OutsideMesh,
                    format!(
                        "`{}` cannot call `{}.{}`: app `{}` requires mutual TLS, and `{}` is outside the mesh",
                        workload.name, call.app, call.target, call.app, app.name
                    ),
                )
                .with_label("plaintext from here would be refused")
                .with_secondary_opt(label(&mesh.origin, mesh.origin.span, "strict mutual TLS"))
                .with_help(format!(
                    "add `mesh: istio` to app `{}`, or let `{}` accept plaintext while callers migrate: `mesh: istio {{ mtls: permissive }}`",
                    app.name, call.app
                ));
                diagnostics.push(diagnostic);
            }
        }
    }
}

/// Retrying a request that may have been processed repeats it: only safe for idempotent methods.
fn check_retries(ir: &Graph<'_, '_>, diagnostics: &mut Vec<Diagnostic>) {
    const IDEMPOTENT: [&str; 6] = ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"];
    {
        let callee_app = ir.focus;
        for callee in &callee_app.workloads {
            let Some(retries) = callee.traffic.as_ref().and_then(|t| t.retries.as_ref()) else {
                continue;
            };
            if retries.value.attempts == 0 {
                continue;
            }
            let unsafe_on: Vec<&str> = retries
                .value
                .conditions()
                .into_iter()
                .filter(|c| c.may_resend_processed())
                .map(|c| c.keyword())
                .collect();
            if unsafe_on.is_empty() {
                continue;
            }
            for IncomingCall { caller, call, .. } in ir
                .index
                .incoming_with_methods(&callee_app.name, &callee.name)
            {
                let Some(method) = call
                    .methods
                    .iter()
                    .find(|m| !IDEMPOTENT.contains(&m.as_str()))
                else {
                    continue;
                };
                let span = retries
                    .value
                    .on
                    .first()
                    .map_or(retries.origin.span, |(_, s)| *s);
                let diagnostic = at(
                            &retries.origin,
                            span,
                            Code::UnsafeRetries,
                            format!(
                                "`{}` retries requests that may have been processed, and `{caller}` sends it {method}",
                                callee.name
                            ),
                        )
                        .with_label(format!("retried on {}", unsafe_on.join(", ")))
                        .with_secondary_opt(label(
                            &call.origin,
                            call.origin.span,
                            &format!("calls it with {method}, which is not idempotent"),
                        ))
                        .with_note(format!(
                            "after a {} the request may already have reached `{}`: a retried {method} can create or charge twice",
                            unsafe_on.join(" or "),
                            callee.name
                        ))
                        .with_help("retry only failures that never reach the service: `on: [connect_failure, refused_stream]`");
                diagnostics.push(diagnostic);
            }
        }
    }
}

/// A service nobody calls, that is not exposed, receives no traffic once the graph is enforced.
fn report_unreachable(ir: &Graph<'_, '_>, diagnostics: &mut Vec<Diagnostic>) {
    if ir.index.incomplete {
        return;
    }
    {
        let app = ir.focus;
        let enforced = app.network.value == Network::DefaultDeny || app.mesh.is_some();
        if !ir.index.declares_graph && !enforced {
            return;
        }
        for workload in &app.workloads {
            if !workload.kind.has_service()
                || workload.ports.is_empty()
                || workload.exposed
                || ir.index.called(&app.name, &workload.name)
            {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                Code::Unreachable,
                format!(
                    "{} `{}` is never called",
                    workload.keyword.keyword(),
                    workload.name
                ),
                &workload.file,
                workload.name_span,
            )
            .with_label("no workload lists it in `calls`, and it is not exposed");
            if enforced {
                diagnostic = diagnostic.with_note(format!(
                    "app `{}` admits only the traffic its graph names: nothing can reach `{}`",
                    app.name, workload.name
                ));
            }
            diagnostics.push(diagnostic.with_help(format!(
                "add `{}` to the `calls` of the workloads that use it, expose it, or remove it",
                workload.name
            )));
        }
    }
}
