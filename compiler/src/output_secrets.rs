//! The last line of defence against a credential in the output (E0045): every string and every
//! mapping key of every generated document goes through the one secret detector before anything
//! is written, judged with its key path as the construct checks judge it (`env[].value` under the
//! name `DB_PASSWORD`, an annotation under `example.com/db-password`, a list of strings as a
//! command line). The construct checks (E0015) point at the source precisely; this scan catches
//! what reaches the output through a path they do not look at — a Git repository URL with a
//! password, a cluster URL, an image tag that is a token. The diagnostic names the document, the
//! path and the source construct, never the value.

use crate::backends::Resource;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{AppIr, Origin};
use crate::secret_detect::{scan, secret_shaped_value, shaped_ranges};
use k8sc_grammar::Span;

/// The diagnostics of every credential-looking value in `resources`, generated for `apps` (one
/// app in the environments given; a finding points at the construct of theirs that holds the
/// value, or else at the app's declaration). [`diagnostics`] turns them into E0045.
pub fn scan_resources(resources: &[Resource], apps: &[&AppIr]) -> Vec<Finding> {
    let Some(first) = apps.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for resource in resources {
        let app = apps
            .iter()
            .find(|a| a.name == resource.app)
            .copied()
            .unwrap_or(first);
        let document = format!(
            "{} `{}` ({}/{}.yaml)",
            resource.kind,
            resource.name,
            resource.target.folder(),
            resource.file_stem
        );
        let mut found = |node: &serde_json::Value, path: &[String], reason: &'static str| {
            out.push(finding(&document, app, apps, node.as_str(), path, reason));
        };
        scan(&resource.body, &mut found);
        scan_keys(&resource.body, &mut Vec::new(), &mut |path, reason| {
            out.push(finding(&document, app, apps, None, path, reason));
        });
    }
    out
}

/// The diagnostics of every credential-looking value in a text k8sc writes or prints that is not
/// a document — `OUT/<env>/REQUIREMENTS.md`, the output of `k8sc requirements` — which names
/// user values (the cluster URL, Secrets, classes, gateways). `document` names the text in the
/// findings; each finding is placed at its line and points at the construct of `apps` that holds
/// the value, or else at the first app's declaration. Only shapes count here (passwords in URLs,
/// private keys, tokens): a text has no keys a value is stored under.
pub fn scan_text(document: &str, text: &str, apps: &[&AppIr]) -> Vec<Finding> {
    let Some(first) = apps.first() else {
        return Vec::new();
    };
    let mut ranges = shaped_ranges(text);
    ranges.sort_by_key(|range| range.start);
    ranges
        .into_iter()
        .map(|range| {
            let value = &text[range.clone()];
            let line = text[..range.start].matches('\n').count() + 1;
            let owner = apps
                .iter()
                .find(|app| construct_of(app, value).is_some())
                .copied()
                .unwrap_or(first);
            let reason = secret_shaped_value(value).unwrap_or("this looks like a credential");
            finding(
                document,
                owner,
                apps,
                Some(value),
                &[format!("line {line}")],
                reason,
            )
        })
        .collect()
}

/// Mapping keys are written too: one shaped like a credential is one, whatever it is under.
fn scan_keys(
    node: &serde_json::Value,
    path: &mut Vec<String>,
    found: &mut impl FnMut(&[String], &'static str),
) {
    match node {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                if let Some(reason) = secret_shaped_value(key) {
                    path.push("(a key)".to_string());
                    found(path, reason);
                    path.pop();
                    continue;
                }
                path.push(key.clone());
                scan_keys(value, path, found);
                path.pop();
            }
        }
        serde_json::Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(format!("[{index}]"));
                scan_keys(item, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

/// One generated value that looks like a credential: where it is in the output, and the source
/// construct (or declaration) it came from. Never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The source file of the construct or declaration.
    file: String,
    /// Its span.
    span: Span,
    /// Whether the span is the construct that holds the value (else the app's declaration).
    at_construct: bool,
    /// The generated document: kind, name and file.
    document: String,
    /// The key path inside it.
    path: String,
    /// Why it looks like a credential.
    reason: &'static str,
    /// The environment it was generated for.
    env: String,
}

fn finding(
    document: &str,
    app: &AppIr,
    apps: &[&AppIr],
    value: Option<&str>,
    path: &[String],
    reason: &'static str,
) -> Finding {
    let construct = value.and_then(|v| {
        apps.iter()
            .filter(|a| a.name == app.name)
            .find_map(|a| construct_of(a, v).map(|origin| (*a, origin)))
    });
    let (app, (file, span, at_construct)) = match construct {
        Some((owner, origin)) => (
            owner,
            (
                origin.file().unwrap_or(owner.file.as_str()).to_string(),
                origin.span,
                true,
            ),
        ),
        None => (app, declaration_of(app)),
    };
    Finding {
        file,
        span,
        at_construct,
        document: document.to_string(),
        path: render_path(path),
        reason,
        env: app.env.clone(),
    }
}

/// The diagnostics of `findings`: one per source construct and reason, naming the first place
/// the value reaches and counting the others, with the environments it was found in.
pub fn diagnostics(mut findings: Vec<Finding>) -> Vec<Diagnostic> {
    findings.sort_by(|a, b| {
        (
            &a.file,
            a.span.start,
            a.span.end,
            a.reason,
            &a.document,
            &a.path,
            &a.env,
        )
            .cmp(&(
                &b.file,
                b.span.start,
                b.span.end,
                b.reason,
                &b.document,
                &b.path,
                &b.env,
            ))
    });
    let mut out = Vec::new();
    let mut rest = findings.as_slice();
    while let Some(first) = rest.first() {
        let same = rest
            .iter()
            .take_while(|f| {
                f.file == first.file && f.span == first.span && f.reason == first.reason
            })
            .count();
        let (group, tail) = rest.split_at(same);
        rest = tail;
        out.push(diagnostic(group));
    }
    out
}

fn diagnostic(group: &[Finding]) -> Diagnostic {
    let first = &group[0];
    let mut places: Vec<(&str, &str)> = group
        .iter()
        .map(|f| (f.document.as_str(), f.path.as_str()))
        .collect();
    places.dedup();
    let mut envs: Vec<&str> = group.iter().map(|f| f.env.as_str()).collect();
    envs.sort_unstable();
    envs.dedup();
    let message = format!(
        "the generated {} would hold a credential at `{}`",
        first.document, first.path
    );
    let label = if first.at_construct {
        format!("{}; this value reaches the output", first.reason)
    } else {
        format!("{}; generated for this app", first.reason)
    };
    let mut diagnostic =
        Diagnostic::new(Code::GeneratedSecret, message, &first.file, first.span).with_label(label);
    if places.len() > 1 {
        let shown: Vec<String> = places[1..]
            .iter()
            .take(4)
            .map(|(document, path)| format!("{document} at `{path}`"))
            .collect();
        let more = places.len() - 1 - shown.len();
        diagnostic = diagnostic.with_note(format!(
            "it also reaches {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    let envs: Vec<String> = envs.iter().map(|e| format!("`{e}`")).collect();
    diagnostic
        .with_note(format!(
            "in environment{} {}; nothing is written while a generated value looks like a \
             credential, and the value is not shown",
            if envs.len() == 1 { "" } else { "s" },
            envs.join(", ")
        ))
        .with_help(
            "keep the credential out of the source: a Secret referenced with `secret NAME.KEY`, \
             a repository or cluster URL without its password (Argo CD reads credentials from \
             its own Secrets), an image tag that is a version",
        )
}

/// `spec.template.spec.containers[0].env[1].value`.
fn render_path(path: &[String]) -> String {
    let mut out = String::new();
    for segment in path {
        if !segment.starts_with('[') && !out.is_empty() {
            out.push('.');
        }
        out.push_str(segment);
    }
    out
}

/// The app's declaration: its name (or its namespace, where that was written).
fn declaration_of(app: &AppIr) -> (String, Span, bool) {
    let origin = &app.namespace.origin;
    match &origin.file() {
        Some(file) => (file.to_string(), origin.span, false),
        None => (app.file.clone(), Span::default(), false),
    }
}

/// The construct of `app` whose value the flagged `value` holds or is part of, if the IR carries
/// where it was written.
fn construct_of(app: &AppIr, value: &str) -> Option<Origin> {
    // The value as written, or a part of it long enough not to match by chance (a URL the
    // backend completed), or a text that holds it (a command line).
    let holds = |written: &str| {
        !written.is_empty()
            && (written == value
                || (written.len() >= 8 && value.contains(written))
                || written.contains(value))
    };
    let sourced = |written: &str, origin: &Origin| {
        (origin.file().is_some() && holds(written)).then(|| origin.clone())
    };
    let mut candidates: Vec<Option<Origin>> = Vec::new();
    if let Some(cluster) = &app.cluster {
        candidates.push(sourced(&cluster.value, &cluster.origin));
    }
    if let Some(gitops) = &app.gitops {
        for written in [
            &gitops.value.repo,
            &gitops.value.path,
            &gitops.value.revision,
            &gitops.value.home.repo,
        ] {
            candidates.push(sourced(written, &gitops.origin));
        }
    }
    for entry in app.labels.iter().chain(&app.annotations) {
        candidates.push(sourced(&entry.value.value, &entry.value.origin));
    }
    for workload in &app.workloads {
        let image = workload.image.value.to_string();
        candidates.push(sourced(&image, &workload.image.origin));
        for entry in workload
            .labels
            .iter()
            .chain(&workload.annotations)
            .chain(&workload.config)
        {
            candidates.push(sourced(&entry.value.value, &entry.value.origin));
        }
        for entry in &workload.env {
            if let crate::model::spec::EnvValue::Literal(text) = &entry.value.value {
                candidates.push(sourced(text, &entry.value.origin));
            }
        }
        for list in [&workload.command, &workload.args].into_iter().flatten() {
            for arg in &list.value {
                candidates.push(sourced(arg, &list.origin));
            }
        }
    }
    candidates.into_iter().flatten().next()
}

#[cfg(test)]
mod tests {
    use super::{scan_keys, secret_shaped_value};
    use crate::secret_detect::scan;
    use serde_json::json;

    /// The paths of `body` the output scan flags.
    fn flagged(body: &serde_json::Value) -> Vec<String> {
        let mut out = Vec::new();
        scan(body, &mut |_: &serde_json::Value, path: &[String], _| {
            out.push(path.join("/"));
        });
        scan_keys(body, &mut Vec::new(), &mut |path, _| {
            out.push(path.join("/"))
        });
        out
    }

    #[test]
    fn what_k8sc_generates_passes() {
        let harmless = [
            // secretKeyRef and a Secret-backed env entry.
            json!({"env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}),
            // Image digests and content hashes.
            json!({"image": "ghcr.io/acme/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}),
            json!({"annotations": {"k8sc.dev/config-hash": "5f2b8c1d9e0a7f3b", "checksum/config": "0123456789abcdef0123456789abcdef"}}),
            // Kyverno patterns, preconditions and messages.
            json!({"validate": {"pattern": {"spec": {"containers": [{"image": "!*:latest"}]}}, "message": "images must be pinned: no `:latest`"}}),
            json!({"preconditions": {"all": [{"key": "{{ request.object.metadata.annotations.\"example.com/token\" || '' }}", "operator": "Equals", "value": ""}]}}),
            json!({"deny": {"conditions": {"any": [{"key": "{{ request.object.spec.containers[].env[?name=='DB_PASSWORD'].value }}", "operator": "AnyNotIn", "value": [""]}]}}}),
            // A base64 CA bundle and a PEM certificate (public).
            json!({"caBundle": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJrVENCK3dJSkFLSGhZZmJSUGo="}),
            json!({"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAKHhYfbRPj\n-----END CERTIFICATE-----\n"}),
            // Argo CD: a repository and a cluster without credentials.
            json!({"source": {"repoURL": "https://github.com/acme/platform.git", "targetRevision": "main"}, "destination": {"server": "https://kubernetes.default.svc"}}),
            json!({"repoURL": "git@github.com:acme/platform.git"}),
            // Arguments that refer to a credential without holding one.
            json!({"args": ["--password-file", "/run/secrets/db", "--pass", "$(DB_PASSWORD)"]}),
        ];
        for body in &harmless {
            assert!(flagged(body).is_empty(), "{body}: {:?}", flagged(body));
        }
    }

    #[test]
    fn credentials_anywhere_in_a_document_are_found_at_their_path() {
        let body = json!({
            "spec": {"source": {"repoURL": "https://deploy:hunter22@github.com/acme/x.git"}},
            "metadata": {"annotations": {"example.com/db-password": "hunter22-horse"}},
            "containers": [{"env": [{"name": "PGPASSWORD", "value": "hunter22-horse"}],
                            "args": ["--pass", "hunter22-horse"]}],
        });
        let mut found = flagged(&body);
        found.sort();
        assert_eq!(
            found,
            [
                "containers/[0]/args/[1]",
                "containers/[0]/env/[0]/value",
                "metadata/annotations/example.com/db-password",
                "spec/source/repoURL",
            ]
        );
        let key = json!({"data": {"ghp_0123456789abcdefghijklmnopqrstuvwxyz": "x"}});
        assert_eq!(flagged(&key), ["data/(a key)"]);
        assert!(secret_shaped_value("(a key)").is_none());
    }
}
