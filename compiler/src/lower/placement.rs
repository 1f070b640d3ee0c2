//! Lowering a workload's placement: the effective `nodes`, `tolerations`, `affinity`, `spread`,
//! `priority` and `runtime_class`, with the checks that need several of them at once (a hard
//! anti-affinity the node selection leaves too few domains for) or the project (which priority
//! classes exist).

use super::LowerCtx;
use crate::db::{Db, File, Project};
use crate::diagnostics::Code;
use crate::ir::placement::{PlacementIr, PodTermIr, PriorityIr};
use crate::ir::{AppIr, WorkloadIr};
use crate::model::placement::{NodeMatch, PodTerm, SYSTEM_PRIORITIES, Topology};
use crate::model::spec::{Origin, Replicas, Sourced, WorkloadSpec};
use crate::types::names::to_k8s_name;

/// The placement of a workload named `k8s_name` with `replicas`, from its effective spec.
/// `priorities` are the priority classes declared or assumed in the workload's scope.
pub fn lower_placement(
    ctx: &mut LowerCtx<'_>,
    spec: &WorkloadSpec,
    k8s_name: &str,
    replicas: Option<&Sourced<Replicas>>,
    priorities: &[Visible],
) -> Option<PlacementIr> {
    let affinity = spec.affinity.as_ref();
    let term = |term: &PodTerm, origin: &Origin| PodTermIr {
        origin: origin.with_span(term.span),
        target: term
            .target
            .as_ref()
            .map_or_else(|| k8s_name.to_string(), |(name, _)| to_k8s_name(name)),
        topology: term.topology,
        hard: term.hard,
    };
    let placement = PlacementIr {
        nodes: spec.nodes.clone(),
        tolerations: spec.tolerations.clone(),
        require: affinity.and_then(|a| a.value.require.clone()),
        prefer: affinity.and_then(|a| a.value.prefer.clone()),
        apart: affinity.and_then(|a| Some(term(a.value.apart.as_ref()?, &a.origin))),
        together: affinity.and_then(|a| Some(term(a.value.together.as_ref()?, &a.origin))),
        affinity_origin: affinity.map(|a| a.origin.clone()),
        spread_hard: spec.spread.as_ref().is_some_and(|s| s.value.hard),
        // A declaration's name becomes its PriorityClass's name as every name does (`_` → `-`).
        priority: spec
            .priority
            .as_ref()
            .map(|p| Sourced::new(to_k8s_name(&p.value), p.origin.clone())),
        priority_class: spec.priority.as_ref().and_then(|p| {
            priorities
                .iter()
                .find(|v| v.name == p.value)
                .and_then(|v| v.class.clone())
        }),
        runtime_class: spec.runtime_class.clone(),
    };
    let mut ok = check_priority(ctx, placement.priority.as_ref(), priorities);
    if let (Some(apart), Some(replicas)) = (&placement.apart, replicas) {
        ok &= check_anti_affinity(ctx, &placement, apart, k8s_name, replicas);
    }
    ok.then_some(placement)
}

/// A priority class must be declared (or assumed) in scope; the system classes warn.
fn check_priority(
    ctx: &mut LowerCtx<'_>,
    priority: Option<&Sourced<String>>,
    declared: &[Visible],
) -> bool {
    let Some(priority) = priority else {
        return true;
    };
    let name = priority.value.as_str();
    if SYSTEM_PRIORITIES.contains(&name) {
        ctx.report(
            ctx.diagnostic_at(
                &priority.origin,
                priority.origin.span,
                Code::SystemPriority,
                format!("`{name}` is for the cluster's own components"),
            )
            .with_label("outranks every app and may preempt the cluster's add-ons")
            .with_note("the system priority classes keep DNS, networking and node agents running; an app that takes them can evict those")
            .with_help("declare a `priority` for the app's critical workloads and name it here"),
        );
        return true;
    }
    if declared.iter().any(|d| d.name == name) {
        return true;
    }
    let mut diagnostic = ctx
        .diagnostic_at(
            &priority.origin,
            priority.origin.span,
            Code::UnknownPriority,
            format!("no priority class `{name}` is declared"),
        )
        .with_label("not a declared or assumed `priority`");
    diagnostic = match crate::semantic::suggest::closest(name, declared.iter().map(|d| d.name.as_str())) {
        Some(best) => diagnostic.with_replacement(best),
        None => diagnostic.with_help(format!(
            "declare it: `priority {name} {{ value: 1000 }}`, or `priority {name} {{ assumed: true }}` if the cluster has it"
        )),
    };
    ctx.report(diagnostic);
    false
}

/// How many domains of `topology` the node selection leaves, when it names them.
fn domains_allowed(placement: &PlacementIr, topology: Topology) -> Option<usize> {
    let key = topology.key();
    let pinned = placement.nodes.iter().any(|e| e.key == key);
    let listed = placement
        .require
        .iter()
        .flat_map(|t| &t.requirements)
        .filter(|(k, _)| k == key)
        .filter_map(|(_, m)| match m {
            NodeMatch::In(values) => Some(values.len()),
            _ => None,
        })
        .min();
    match (pinned, listed) {
        (true, _) => Some(1),
        (false, listed) => listed,
    }
}

/// Hard anti-affinity against the workload's own pods needs a domain per replica: when the node
/// selection names fewer domains than the replicas that may run, some can never be scheduled.
fn check_anti_affinity(
    ctx: &mut LowerCtx<'_>,
    placement: &PlacementIr,
    apart: &PodTermIr,
    k8s_name: &str,
    replicas: &Sourced<Replicas>,
) -> bool {
    if !apart.hard || apart.target != k8s_name {
        return true;
    }
    let Some(domains) = domains_allowed(placement, apart.topology) else {
        return true;
    };
    let most = replicas.value.max();
    if (most as usize) <= domains {
        return true;
    }
    let what = apart.topology.keyword();
    let allowed = match domains {
        1 => format!("one {}", apart.topology.singular()),
        n => format!("{n} {what}"),
    };
    let runnable = match domains {
        1 => "at most one replica can run".to_string(),
        n => format!("at most {n} replicas can run"),
    };
    ctx.report(
        ctx.diagnostic_at(
            &apart.origin,
            apart.origin.span,
            Code::AntiAffinityUnsatisfiable,
            format!(
                "{most} replicas kept apart by {what} can never all be scheduled: the node selection allows {allowed}"
            ),
        )
        .with_label(runnable)
        .with_secondary_opt(ctx.label_at(&replicas.origin, format!("{most} replicas")))
        .with_help(format!(
            "write `apart: {what} soft`, allow more {what}, or run fewer replicas"
        )),
    );
    false
}

/// Pod (anti-)affinity names workloads of the workload's own app: the others are E0005.
pub fn check_targets(app: &AppIr, workload: &WorkloadIr) -> Vec<crate::diagnostics::Diagnostic> {
    let mut out = Vec::new();
    for term in [&workload.placement().apart, &workload.placement().together]
        .into_iter()
        .flatten()
    {
        if app.workloads.iter().any(|w| w.name == term.target) {
            continue;
        }
        let Some(file) = term.origin.file() else {
            continue;
        };
        out.push(
            crate::diagnostics::Diagnostic::new(
                Code::Unresolved,
                format!("no workload `{}` in app `{}`", term.target, app.name),
                file,
                term.origin.span,
            )
            .with_label("pod affinity names a workload of the same app"),
        );
    }
    out
}

/// A priority class visible to a workload: declared (with what to emit) or assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visible {
    /// Its name.
    pub name: String,
    /// The class to emit; `None` when it is assumed (or its declaration has errors, reported).
    pub class: Option<PriorityIr>,
}

/// The priority classes visible in `files` (the workload's file, and the file its effective
/// `priority` is written in when that is another: a tier's or an app's).
pub fn visible_priorities(db: &dyn Db, project: Project, files: &[File]) -> Vec<Visible> {
    let mut out: Vec<Visible> = Vec::new();
    for file in files {
        let scope = crate::semantic::scope::file_scope(db, project, *file);
        for (name, definition) in &scope.names {
            if definition.kind != k8sc_grammar::DeclKind::Priority
                || out.iter().any(|v| v.name == *name)
            {
                continue;
            }
            let class = declared_class(db, definition.file, definition.name_span, name);
            out.push(Visible {
                name: name.clone(),
                class,
            });
        }
    }
    out
}

/// The content of the `priority` declaration whose name is at `name_span` in `file`.
fn declared_class(
    db: &dyn Db,
    file: File,
    name_span: k8sc_grammar::Span,
    name: &str,
) -> Option<PriorityIr> {
    use crate::semantic::decls::{DeclContent, DeclId, check_decl, decl_table};
    let index = decl_table(db, file)
        .iter()
        .position(|d| d.decl.name.as_ref().is_some_and(|n| n.span == name_span))?;
    let id = DeclId::new(db, file, u32::try_from(index).ok()?);
    let DeclContent::Priority(spec) = &check_decl(db, id).content else {
        return None;
    };
    if spec.assumed || spec.rejected {
        return None;
    }
    let value = spec.value.as_ref()?;
    Some(PriorityIr {
        name: to_k8s_name(name),
        value: value.value,
        preemption: spec
            .preemption
            .as_ref()
            .map_or(crate::model::placement::Preemption::Lower, |p| p.value),
        description: spec.description.as_ref().map(|d| d.value.clone()),
        origin: Origin::at(
            crate::model::spec::Layer::Builtin,
            &std::sync::Arc::from(file.path(db).as_str()),
            name_span,
        ),
    })
}

/// Each declared PriorityClass the workloads of `apps` name, given to the first app (by name)
/// that names it: a cluster-scoped object is written once per environment.
pub fn assign_priority_classes(apps: &mut [AppIr]) {
    let mut given: Vec<String> = Vec::new();
    for app in apps.iter_mut() {
        let mut classes: Vec<PriorityIr> = Vec::new();
        for workload in &app.workloads {
            if let Some(class) = &workload.placement().priority_class
                && !given.contains(&class.name)
            {
                given.push(class.name.clone());
                classes.push(class.clone());
            }
        }
        classes.sort_by(|a, b| a.name.cmp(&b.name));
        app.priority_classes = classes;
    }
}

/// The files whose scopes say which priority classes a workload of `file` may name: its own,
/// and the file its effective `priority` is written in (a tier's or an app's defaults).
pub fn scope_files(
    db: &dyn Db,
    project: Project,
    file: File,
    priority: Option<&Sourced<String>>,
) -> Vec<File> {
    let mut files = vec![file];
    if let Some(path) = priority.and_then(|p| p.origin.file())
        && path != file.path(db).as_str()
        && let Some(other) = project
            .all_files(db)
            .into_iter()
            .find(|f| f.path(db).as_str() == path)
    {
        files.push(other);
    }
    files
}
