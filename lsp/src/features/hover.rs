//! Hover: what a field is (summary, syntax, type and units), its **effective value and where it
//! comes from** (`replicas: 2..10 — from tier production (std/tiers.k8s:14)`), what a workload
//! compiles to, and the documentation of tiers, policies and other referenced declarations.

use super::file_offset;
use crate::snapshot::Snapshot;
use k8sc_compiler::analysis::builtin::builtin_default;
use k8sc_compiler::analysis::catalogue::{field_at, value_info};
use k8sc_compiler::analysis::effective::{
    describe_layer, effective_workload, effective_workload_in, field_origins,
};
use k8sc_compiler::analysis::env_scope::{EnvScope, Target, segments};
use k8sc_compiler::analysis::locate::{Location, On, locate};
use k8sc_compiler::analysis::navigation::{self, Symbol};
use k8sc_compiler::analysis::parse;
use k8sc_compiler::analysis::preview::preview;
use k8sc_compiler::analysis::{Code, EnvKey};
use k8sc_compiler::analysis::{DeclContent, DeclId, check_decl};
use k8sc_compiler::analysis::{Layer, Origin};
use k8sc_compiler::db::File;
use k8sc_grammar::{Allow, Decl, DeclKind, Span, ValueKind};
use std::fmt::Write;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Uri};

/// The hover at a position.
pub fn hover(snapshot: &Snapshot, uri: &Uri, position: Position) -> Option<Hover> {
    let (file, offset) = file_offset(snapshot, uri, position)?;
    let parsed = parse(&snapshot.db, file);
    let location = locate(&parsed.file, offset);
    let (markdown, span) = if let Some((span, symbol)) =
        navigation::symbol_at(&snapshot.db, snapshot.project, file, offset)
    {
        (symbol_hover(snapshot, symbol)?, span)
    } else {
        let (index, decl) = location.decl?;
        let workload = decl
            .kind
            .is_workload()
            .then(|| DeclId::new(&snapshot.db, file, index));
        match location.on {
            On::Keyword => (keyword_hover(decl.kind), decl.keyword_span),
            _ if decl.kind == DeclKind::Env => {
                env_hover(snapshot, file, index, decl, &location, offset)?
            }
            On::Key(field) => {
                let key = field.key_text();
                (
                    field_hover(snapshot, decl.kind, workload, None, &location.path, &key)?,
                    field.key_span(),
                )
            }
            On::Value(value) => {
                let field = location.field?;
                let mut text = field_hover(
                    snapshot,
                    decl.kind,
                    workload,
                    None,
                    &location.path,
                    &field.key_text(),
                )?;
                text.push_str(&unit_note(&value.kind));
                (text, value.span)
            }
            On::Allow(allow) => (
                format!(
                    "**allow** `{}`\n\nA reviewed exception: this workload is not checked against this rule. Every build lists it, and the generated Kyverno policy excludes exactly this workload.",
                    allow.name_text()
                ),
                allow.keyword_span,
            ),
            _ => return None,
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(snapshot.range(file, span)),
    })
}

/// What a number's unit means (`\n\n`250m`: milli…`), or nothing.
fn unit_note(value: &ValueKind) -> String {
    match value {
        ValueKind::Number(number) => number.unit.as_ref().map_or_else(String::new, |unit| {
            format!("\n\n`{}{unit}`: {}", number.text, unit_meaning(unit))
        }),
        _ => String::new(),
    }
}

/// The hover inside an `env` declaration: a path's key or value is described as the field it
/// overrides (the workload's, in this environment, or the app's), an exception as scoped to the
/// environment.
fn env_hover(
    snapshot: &Snapshot,
    file: File,
    index: u32,
    decl: &Decl,
    location: &Location<'_>,
    offset: u32,
) -> Option<(String, Span)> {
    let scope = EnvScope::of(&snapshot.db, snapshot.project, file, index, decl);
    let outer_dotted = location.path.first().map(|p| p.contains('.'));
    match location.on {
        On::Key(field) => {
            let at = field
                .key
                .iter()
                .position(|k| k.span.start <= offset && offset <= k.span.end)?;
            let mut path = segments(&location.path);
            path.extend(field.key[..=at].iter().map(|k| k.name.clone()));
            let outer_dotted = outer_dotted.unwrap_or(field.key.len() > 1);
            let text = env_field_hover(snapshot, &scope, &path, outer_dotted)?;
            Some((text, field.key[at].span))
        }
        On::Value(value) => {
            let field = location.field?;
            let mut path = segments(&location.path);
            path.extend(field.key.iter().map(|k| k.name.clone()));
            let outer_dotted = outer_dotted.unwrap_or(field.key.len() > 1);
            let mut text = env_field_hover(snapshot, &scope, &path, outer_dotted)?;
            text.push_str(&unit_note(&value.kind));
            Some((text, value.span))
        }
        On::Allow(allow) => {
            let text = env_allow_hover(snapshot, file, &scope, &location.path, allow)?;
            Some((text, allow.keyword_span))
        }
        _ => None,
    }
}

/// The hover of the field an environment's path overrides.
fn env_field_hover(
    snapshot: &Snapshot,
    scope: &EnvScope<'_>,
    path: &[String],
    outer_dotted: bool,
) -> Option<String> {
    let resolved = scope.resolve(path, outer_dotted)?;
    let (key, inside) = resolved.path.split_last().map(|(k, i)| (k.as_str(), i))?;
    match resolved.target {
        Target::Cluster => Some(CLUSTER_HOVER.to_string()),
        Target::App(_) => {
            let mut text = field_hover(snapshot, DeclKind::App, None, None, inside, key)?;
            if inside == ["gitops"] && key == "applicationset" {
                text.push_str("\n\nNot per environment: one ApplicationSet spans every environment of the app (E0044).");
            }
            Some(text)
        }
        Target::Workload(workload) => {
            let id = DeclId::new(&snapshot.db, workload.file, workload.index);
            let env = scope.key(&snapshot.db);
            field_hover(snapshot, workload.keyword, Some(id), Some(env), inside, key)
        }
    }
}

/// The hover of `allow` in a workload's block of an environment: what it exempts, and in which
/// environments it is in force.
fn env_allow_hover(
    snapshot: &Snapshot,
    file: File,
    scope: &EnvScope<'_>,
    path: &[String],
    allow: &Allow,
) -> Option<String> {
    let segments = segments(path);
    let written = segments.first()?;
    let workload = match scope.resolve(&segments, false).map(|r| r.target) {
        Some(Target::Workload(w)) => w.name.clone(),
        _ => written.clone(),
    };
    let env = &scope.name;
    let rule = allow.name_text();
    let mut text = format!(
        "**allow** `{rule}` — in environment `{env}`\n\nA reviewed exception: `{workload}` is not checked against this rule in environment `{env}`"
    );
    let extended = scope.extended_by(&snapshot.db);
    if !extended.is_empty() {
        let list: Vec<String> = extended.iter().map(|e| format!("`{e}`")).collect();
        let verb = if extended.len() == 1 {
            "extends"
        } else {
            "extend"
        };
        let _ = write!(text, ", and in {}, which {verb} it", list.join(", "));
    }
    text.push_str(". Every build lists it, and the Kyverno policy of only these environments excludes exactly this workload; every other environment still checks and enforces the rule on it.");
    if let Some(message) = rule_message(snapshot, file, allow) {
        let _ = write!(text, "\n\nthe rule: {message}");
    }
    let _ = write!(text, "\n\nbecause: \"{}\"", allow.reason.value);
    Some(text)
}

/// The message of the tier rule or policy an `allow` names.
fn rule_message(snapshot: &Snapshot, file: File, allow: &Allow) -> Option<String> {
    let db = &snapshot.db;
    let first = allow.name.first()?;
    let (_, symbol) = navigation::symbol_at(db, snapshot.project, file, first.span.start)?;
    let Symbol::Decl { file, index } = symbol else {
        return None;
    };
    match (
        &check_decl(db, DeclId::new(db, file, index)).content,
        allow.name.get(1),
    ) {
        (DeclContent::Tier(tier), Some(rule)) => tier
            .rules
            .iter()
            .find(|r| r.name == rule.name)
            .map(|r| r.message.clone()),
        (DeclContent::Policy(Some(policy)), None) => Some(policy.message.clone()),
        _ => None,
    }
}

/// The hover text of `cluster`, which only an environment has.
const CLUSTER_HOVER: &str = "**cluster** — The API server the environment deploys to (the Argo CD Application's destination; default: the cluster Argo CD runs in).\n\n```k8s\ncluster: \"https://prod.k8s.acme.internal\"\n```\n\ntype: an `https://` URL";

fn unit_meaning(unit: &str) -> &'static str {
    match unit {
        "m" => "milli (thousandths): millicores for CPU, minutes for durations",
        "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => "a binary multiple of bytes (2^10 steps)",
        "k" | "M" | "G" | "T" | "P" | "E" => "a decimal multiple of bytes (10^3 steps)",
        "ms" => "milliseconds",
        "s" => "seconds",
        "h" => "hours",
        "d" => "days",
        "%" => "percent",
        _ => "a unit k8sc does not know",
    }
}

fn keyword_hover(kind: DeclKind) -> String {
    let what = match kind {
        DeclKind::App => "a deployable unit: its namespace, tier, team and policies",
        DeclKind::Service => "a Deployment behind a Service (+ HPA, PDB, ConfigMap, route)",
        DeclKind::Worker => "a Deployment without a Service",
        DeclKind::Database => {
            "a StatefulSet with a volume per replica, a client Service and a headless Service"
        }
        DeclKind::Stateful => "a StatefulSet with volume claims and a headless Service",
        DeclKind::Job => "a Job, named after a hash of its spec",
        DeclKind::Cron => "a CronJob",
        DeclKind::Daemon => "a DaemonSet: one pod per node",
        DeclKind::Tier => "a profile of defaults and rules for workloads",
        DeclKind::Policy => "a named rule, checked at compile time and enforced by Kyverno",
        DeclKind::Env => "per-environment overrides",
        DeclKind::Priority => {
            "a PriorityClass, declared once for the workloads that name it (or assumed)"
        }
        DeclKind::External => {
            "a host outside the cluster that workloads may call (egress rule, ServiceEntry)"
        }
    };
    format!("**{}** — {what}", kind.keyword())
}

/// The documentation of a declaration a name refers to.
fn symbol_hover(snapshot: &Snapshot, symbol: Symbol) -> Option<String> {
    let db = &snapshot.db;
    let Symbol::Decl { file, index } = symbol else {
        let Symbol::File(file) = symbol else {
            return None;
        };
        let decls: Vec<String> = parse(db, file)
            .file
            .decls()
            .filter_map(|d| {
                d.name
                    .as_ref()
                    .map(|n| format!("`{} {}`", d.kind.keyword(), n.name))
            })
            .collect();
        return Some(format!(
            "**{}**\n\n{}",
            file.path(db),
            if decls.is_empty() {
                "no declarations".to_string()
            } else {
                decls.join(", ")
            }
        ));
    };
    let decl = navigation::symbol_decl(db, symbol)?;
    let name = decl.name.as_ref().map_or("", |n| n.name.as_str());
    let mut text = format!("```k8s\n{}\n```", header(decl));
    if let Some(doc) = &decl.doc {
        let _ = write!(text, "\n\n{doc}");
    }
    let _ = write!(
        text,
        "\n\n*{}*",
        match file.kind(db) {
            k8sc_compiler::db::FileKind::Stdlib => format!("{} (standard library)", file.path(db)),
            k8sc_compiler::db::FileKind::Project => file.path(db).clone(),
        }
    );
    let id = DeclId::new(db, file, index);
    match &check_decl(db, id).content {
        DeclContent::Policy(Some(policy)) => {
            let _ = write!(text, "\n\nmessage: \"{}\"", policy.message);
        }
        DeclContent::Tier(tier) => {
            for rule in &tier.rules {
                let _ = write!(text, "\n- `{name}.{}`: {}", rule.name, rule.message);
            }
        }
        _ => {}
    }
    if decl.kind.is_workload() {
        text.push_str(&workload_summary(snapshot, file, index));
    }
    Some(text)
}

/// `service web`, `tier production: foundation`, `policy p(a: [string])`.
fn header(decl: &Decl) -> String {
    let mut out = decl.kind.keyword().to_string();
    if let Some(name) = &decl.name {
        let _ = write!(out, " {}", name.name);
    }
    if let Some(params) = &decl.params {
        let list: Vec<String> = params.iter().map(|p| p.name.name.clone()).collect();
        let _ = write!(out, "({})", list.join(", "));
    }
    if let Some(parent) = &decl.parent {
        let _ = write!(out, ": {}", parent.name);
    }
    out
}

/// What a workload compiles to and the values it inherits.
fn workload_summary(snapshot: &Snapshot, file: File, index: u32) -> String {
    let db = &snapshot.db;
    let mut text = String::new();
    let id = DeclId::new(db, file, index);
    if let Some(effective) = effective_workload(db, snapshot.project, id) {
        if let Some(app) = &effective.app {
            let _ = write!(text, "\n\napp `{app}`");
            if let Some(tier) = &effective.tier {
                let _ = write!(text, ", tier `{tier}`");
            }
        }
        let inherited: Vec<String> = field_origins(&effective.spec)
            .into_iter()
            .filter(|(_, origin)| *origin.layer() != Layer::Workload)
            .filter_map(|(field, origin)| {
                Some(format!(
                    "- {}",
                    effective_line(snapshot, &field, &origin_text(snapshot, origin)?, origin)
                ))
            })
            .collect();
        if !inherited.is_empty() {
            let _ = write!(text, "\n\ninherited:\n{}", inherited.join("\n"));
        }
    }
    if let Some(preview) = preview(db, snapshot.project, file, index) {
        if preview.resources.is_empty() {
            let first = preview
                .yaml
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("# ");
            let _ = write!(text, "\n\ncompiles to: nothing yet ({first})");
        } else {
            let _ = write!(text, "\n\ncompiles to: {}", preview.resources.join(", "));
        }
    }
    text
}

/// The text an origin points at (a value as written), if it points into a file.
pub fn origin_text(snapshot: &Snapshot, origin: &Origin) -> Option<String> {
    let file = snapshot.file_by_path(origin.file()?)?;
    let text = snapshot.text(file).get(origin.span.range())?;
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(if text.len() > 60 {
        format!("{}…", text.chars().take(59).collect::<String>())
    } else {
        text
    })
}

/// `replicas: 2..10 — from tier production (std/tiers.k8s:14)`.
pub fn effective_line(snapshot: &Snapshot, field: &str, value: &str, origin: &Origin) -> String {
    let place = origin.file().and_then(|path| {
        let file = snapshot.file_by_path(path)?;
        Some(format!(
            " ({path}:{})",
            snapshot.line_number(file, origin.span.start)
        ))
    });
    format!(
        "`{field}: {value}` — from {}{}",
        describe_layer(origin.layer()),
        place.unwrap_or_default()
    )
}

/// Hover of a field key (or of its value) of a declaration of `kind`; for a workload's field,
/// with its effective value in environment `env` (by default the editor's).
fn field_hover<'db>(
    snapshot: &'db Snapshot,
    kind: DeclKind,
    workload: Option<DeclId<'db>>,
    env: Option<EnvKey<'db>>,
    path: &[String],
    key: &str,
) -> Option<String> {
    let info = field_at(kind, path, key);
    let mut text = match info {
        Some(info) => format!(
            "**{}** — {}\n\n```k8s\n{}\n```",
            info.name, info.summary, info.syntax
        ),
        None if path.is_empty() && !kind.is_workload() && kind != DeclKind::App => {
            return None;
        }
        None => format!("**{key}**"),
    };
    if let Some(value) = value_info(path, key) {
        let _ = write!(text, "\n\ntype: {}", value.ty);
    }
    let Some(id) = workload else {
        return Some(text);
    };
    if path.is_empty() {
        if let Some(line) = workload_effective(snapshot, id, env, key) {
            let _ = write!(text, "\n\neffective: {line}");
        }
    } else if path == ["probes"]
        && let Some(line) = workload_effective(snapshot, id, env, &format!("probes.{key}"))
    {
        let _ = write!(text, "\n\neffective: {line}");
    }
    Some(text)
}

/// The effective value of a workload field in environment `env` (by default the editor's) and
/// where it comes from.
fn workload_effective<'db>(
    snapshot: &'db Snapshot,
    id: DeclId<'db>,
    env: Option<EnvKey<'db>>,
    field: &str,
) -> Option<String> {
    let db = &snapshot.db;
    let env = env.unwrap_or_else(|| k8sc_compiler::analysis::editor_env(db, snapshot.project));
    let effective = effective_workload_in(db, snapshot.project, id, env).as_ref()?;
    let wanted = if field == "port" { "ports" } else { field };
    let origins = field_origins(&effective.spec);
    if let Some((_, origin)) = origins.iter().find(|(name, _)| name == wanted) {
        let value = origin_text(snapshot, origin)?;
        return Some(effective_line(snapshot, field, &value, origin));
    }
    let value = builtin_default(db, snapshot.project, id, env, field)?;
    Some(format!("`{field}: {value}` — k8sc's default"))
}

/// A code's title and explanation, for the hover of a diagnostic code.
pub fn explain(code: Code) -> String {
    format!(
        "**{}** — {}\n\n{}",
        code.as_str(),
        code.title(),
        code.explanation()
    )
}

/// The span of a declaration's name, or of its keyword.
pub fn name_span(decl: &Decl) -> Span {
    decl.name.as_ref().map_or(decl.keyword_span, |n| n.span)
}
