//! A public host served by two environments. Environments of one project usually differ in
//! cluster, namespace and size but are lowered from the same workloads, so a `dev` or `staging`
//! that does not override `expose` serves prod's public host. On one Gateway (or ingress
//! controller) the two routes collide — Gateway API hands conflicting matches to the oldest
//! route and ingress-nginx refuses the second Ingress — which is an error (E0043). On different
//! clusters nothing rejects them, but public DNS can send the name to only one of them: a
//! warning (W0035), unless every environment serving the host writes it in its own block, the
//! way a second region behind global DNS says that it means to.

use super::{app_context, environments, lower_workload_decl};
use crate::db::{Db, File, Project};
use crate::diagnostics::{Code, Diagnostic, Label};
use crate::ir::AppIr;
use crate::model::spec::{ExposeKind, Layer, Origin};
use crate::semantic::decls::DeclId;
use crate::semantic::envs::EnvKey;
use crate::semantic::structure::project_structure;
use std::collections::{BTreeMap, HashMap};

/// Where a host is served from: its cluster, and the Gateway or ingress class on it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FrontDoor {
    /// The cluster's API server URL; empty for the cluster Argo CD runs in (no `cluster`).
    cluster: String,
    /// Route or Ingress.
    kind: ExposeKind,
    /// The Gateway (`namespace/name`) or the IngressClass; empty for the default class.
    entry: String,
}

impl FrontDoor {
    fn describe(&self) -> String {
        let cluster = if self.cluster.is_empty() {
            "the cluster Argo CD runs in".to_string()
        } else {
            format!("`{}`", self.cluster)
        };
        match (self.kind, self.entry.as_str()) {
            (ExposeKind::Route, gateway) => format!("Gateway `{gateway}` on {cluster}"),
            (ExposeKind::Ingress, "") => format!("the default ingress class on {cluster}"),
            (ExposeKind::Ingress, class) => format!("ingress class `{class}` on {cluster}"),
        }
    }
}

/// One environment's route or Ingress for a host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostClaim {
    /// The host, lower-case.
    host: String,
    /// The environment.
    env: String,
    /// The exposed workload, as written.
    workload: String,
    /// The path prefix routed.
    path: String,
    /// Where it is served from.
    door: FrontDoor,
    /// Where the host is written.
    origin: Origin,
    /// The environment's declaration (file and index), if it is declared.
    env_decl: Option<(File, u32)>,
}

impl HostClaim {
    /// Whether the environment writes the host itself (rather than inheriting it from the
    /// workload or from the environment it extends).
    fn explicit(&self) -> bool {
        *self.origin.layer() == Layer::Env(self.env.as_str().into())
    }
}

/// The hosts one app exposes in one environment. Tracked per app and environment, so that an
/// edit of one app does not walk the workloads of the others.
#[salsa::tracked(returns(ref))]
pub fn app_hosts<'db>(
    db: &'db dyn Db,
    project: Project,
    app: DeclId<'db>,
    env: EnvKey<'db>,
) -> Vec<HostClaim> {
    let mut out = Vec::new();
    let Some(entry) = project_structure(db, project).app_declared_at(app.file(db), app.index(db))
    else {
        return out;
    };
    let context = app_context(db, project, app, env);
    let env_decl = entry
        .envs
        .iter()
        .find(|e| e.name == *env.name(db))
        .map(|e| (e.file, e.index));
    for workload in &entry.workloads {
        let decl = DeclId::new(db, workload.file, workload.index);
        let lowered = lower_workload_decl(db, project, decl, env);
        let Some(expose) = lowered.ir.as_ref().and_then(|ir| ir.expose.as_ref()) else {
            continue;
        };
        // One claim per host and path: each environment serves each of its own hosts.
        let door = front_door(&context.ir, expose.kind, expose.class.as_deref());
        for host in &expose.hosts {
            for path in &expose.paths {
                out.push(HostClaim {
                    host: host.to_ascii_lowercase(),
                    env: env.name(db).clone(),
                    workload: workload.name.clone(),
                    path: path.clone(),
                    door: door.clone(),
                    origin: expose.origin.clone(),
                    env_decl,
                });
            }
        }
    }
    out
}

/// E0043 and W0035 for every host served by more than one environment of the project.
#[salsa::tracked(returns(ref))]
pub fn shared_hosts(db: &dyn Db, project: Project) -> Vec<Diagnostic> {
    let structure = project_structure(db, project);
    let mut by_host: BTreeMap<&str, Vec<&HostClaim>> = BTreeMap::new();
    for env in environments(db, project) {
        let key = EnvKey::new(db, env.clone());
        for app in &structure.apps {
            if !app.env_names().contains(env) {
                continue;
            }
            for claim in app_hosts(db, project, DeclId::new(db, app.file, app.index), key) {
                by_host.entry(claim.host.as_str()).or_default().push(claim);
            }
        }
    }
    let mut out = Vec::new();
    for (host, claims) in &by_host {
        if let Some(diagnostic) = collision(db, host, claims) {
            out.push(diagnostic);
        } else if let Some(diagnostic) = reuse(db, host, claims) {
            out.push(diagnostic);
        }
    }
    out
}

fn front_door(app: &AppIr, kind: ExposeKind, class: Option<&str>) -> FrontDoor {
    let entry = match kind {
        ExposeKind::Route => app
            .gateway
            .as_ref()
            .map(|g| format!("{}/{}", g.value.namespace, g.value.name))
            .unwrap_or_default(),
        ExposeKind::Ingress => class.unwrap_or_default().to_string(),
    };
    FrontDoor {
        cluster: app
            .cluster
            .as_ref()
            .map(|c| c.value.clone())
            .unwrap_or_default(),
        kind,
        entry,
    }
}

/// E0043: two environments route the same host and path through one front door.
fn collision(db: &dyn Db, host: &str, claims: &[&HostClaim]) -> Option<Diagnostic> {
    // Claims by front door and path, then by environment: linear in the claims, however many
    // environments there are.
    let mut groups: HashMap<(&FrontDoor, &str), BTreeMap<&str, &HostClaim>> = HashMap::new();
    for claim in claims.iter().copied() {
        groups
            .entry((&claim.door, claim.path.as_str()))
            .or_default()
            .entry(claim.env.as_str())
            .or_insert(claim);
    }
    let mut by_env: BTreeMap<&str, &HostClaim> = BTreeMap::new();
    for group in groups.values().filter(|g| g.len() > 1) {
        for (env, claim) in group {
            by_env.entry(env).or_insert(claim);
        }
    }
    let mut colliding: Vec<&HostClaim> = by_env.into_values().collect();
    colliding.sort_by(|a, b| a.env.cmp(&b.env));
    let first = colliding.first()?;
    let envs = env_list(&colliding);
    let (door, what, outcome) = match first.door.kind {
        ExposeKind::Route => (
            "one Gateway",
            "HTTPRoutes",
            "Gateway API gives a conflicting match to the oldest route, so one environment silently receives the other's traffic",
        ),
        ExposeKind::Ingress => (
            "one ingress controller",
            "Ingresses",
            "ingress-nginx's admission webhook rejects the second Ingress, failing that environment's sync; other controllers send the traffic to one of them",
        ),
    };
    let primary = pick_primary(&colliding);
    let mut diagnostic = Diagnostic::new(
        Code::HostCollision,
        format!(
            "environments {envs} route `{host}{}` through {door}",
            first.path
        ),
        primary.origin.file().unwrap_or_default(),
        primary.origin.span,
    )
    .with_label(format!("`{}`'s host in {envs}", primary.workload))
    .with_note(format!(
        "their {what} claim the same host and path on {}: {outcome}",
        first.door.describe()
    ))
    .with_help(help(&colliding, host));
    for claim in &colliding {
        if let Some(label) = env_label(db, claim, "deploys it there") {
            diagnostic = diagnostic.with_secondary(label);
        }
    }
    Some(diagnostic)
}

/// W0035: environments on different front doors serve one host, and one of each such pair
/// only inherits it.
fn reuse(db: &dyn Db, host: &str, claims: &[&HostClaim]) -> Option<Diagnostic> {
    // A claim pairs with another environment's claim on another front door, at least one of
    // the two inheriting the host. Counted, not compared pairwise: linear in the claims.
    let count = |filter: &dyn Fn(&HostClaim) -> bool| {
        let mut all = 0usize;
        let mut by_door: HashMap<&FrontDoor, usize> = HashMap::new();
        let mut by_env: HashMap<&str, usize> = HashMap::new();
        let mut by_both: HashMap<(&FrontDoor, &str), usize> = HashMap::new();
        for claim in claims.iter().copied().filter(|c| filter(c)) {
            all += 1;
            *by_door.entry(&claim.door).or_default() += 1;
            *by_env.entry(claim.env.as_str()).or_default() += 1;
            *by_both
                .entry((&claim.door, claim.env.as_str()))
                .or_default() += 1;
        }
        move |c: &HostClaim| {
            let door = by_door.get(&c.door).copied().unwrap_or_default();
            let env = by_env.get(c.env.as_str()).copied().unwrap_or_default();
            let both = by_both
                .get(&(&c.door, c.env.as_str()))
                .copied()
                .unwrap_or_default();
            // Claims on another door and of another environment.
            all - door - (env - both)
        }
    };
    let partners = count(&|_| true);
    let inheriting_partners = count(&|c| !c.explicit());
    let mut by_env: BTreeMap<&str, &HostClaim> = BTreeMap::new();
    for claim in claims.iter().copied() {
        let paired = if claim.explicit() {
            inheriting_partners(claim) > 0
        } else {
            partners(claim) > 0
        };
        if paired {
            by_env.entry(claim.env.as_str()).or_insert(claim);
        }
    }
    if by_env.is_empty() {
        return None;
    }
    let mut envs: Vec<&HostClaim> = by_env.into_values().collect();
    envs.sort_by(|a, b| a.env.cmp(&b.env));
    let inheriting: Vec<&HostClaim> = envs.iter().copied().filter(|c| !c.explicit()).collect();
    let primary = pick_primary(&inheriting);
    let list = env_list(&envs);
    let mut diagnostic = Diagnostic::new(
        Code::HostReused,
        format!("environments {list} all serve the public host `{host}`"),
        primary.origin.file().unwrap_or_default(),
        primary.origin.span,
    )
    .with_label(format!(
        "inherited by {}",
        env_list(&inheriting)
    ))
    .with_note(format!(
        "public DNS sends `{host}` to one of them: the others are unreachable under it, and their DNS and certificate controllers compete for the name"
    ))
    .with_help(format!(
        "{}; an environment meant to serve the same host (a second region behind global DNS) says so by writing it in its own block",
        help(&inheriting, host)
    ));
    for claim in &envs {
        let what = format!("deploys it through {}", claim.door.describe());
        if let Some(label) = env_label(db, claim, &what) {
            diagnostic = diagnostic.with_secondary(label);
        }
    }
    Some(diagnostic)
}

/// The claim to point at: one that inherits its host (the place to fix), else the last one.
fn pick_primary<'c>(claims: &[&'c HostClaim]) -> &'c HostClaim {
    claims
        .iter()
        .copied()
        .find(|c| !c.explicit())
        .or_else(|| claims.last().copied())
        .unwrap_or_else(|| claims[0])
}

/// "`dev` and `prod`", "`dev`, `prod` and `staging`".
fn env_list(claims: &[&HostClaim]) -> String {
    let names: Vec<String> = claims.iter().map(|c| format!("`{}`", c.env)).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// How to give an environment its own host, shown on one that inherits it (and, if one can
/// tell, not on production's).
fn help(claims: &[&HostClaim], host: &str) -> String {
    let inheriting = || claims.iter().copied().filter(|c| !c.explicit());
    let claim = inheriting()
        .find(|c| !c.env.contains("prod"))
        .or_else(|| inheriting().next())
        .unwrap_or_else(|| pick_primary(claims));
    let keyword = match claim.door.kind {
        ExposeKind::Route => "route",
        ExposeKind::Ingress => "ingress",
    };
    format!(
        "give every environment but one its own host: `env {env} {{ {workload}.expose: {keyword} \"{env}.{host}\" {{ … }} }}`",
        env = claim.env,
        workload = claim.workload,
    )
}

/// A label on the environment's name, saying where it serves the host.
fn env_label(db: &dyn Db, claim: &HostClaim, what: &str) -> Option<Label> {
    let (file, index) = claim.env_decl?;
    Some(
        Label::new(
            file.path(db),
            crate::semantic::structure::name_span(db, file, index),
        )
        .with_message(format!("`{}` {what}", claim.env)),
    )
}
