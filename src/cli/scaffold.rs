//! The files `k8sc init` writes: an app with one service on a standard-library tier, a README
//! section, a `.gitignore` and a GitHub Actions job.
//!
//! The scaffold is the smallest one the compiler accepts without a warning on the chosen tier: a
//! plain variant (an image pinned by tag) is tried first, then a hardened one (pinned by digest,
//! ownership labels, trusted registries, Argo CD), and the gateway follows the mesh the tier
//! turns on. Both decisions are made by compiling the candidates, not by knowing the tiers, so a
//! change to the standard library cannot leave `k8sc init` writing a project that fails to build.

use k8sc_compiler::build::{BuildResult, build};
use k8sc_compiler::db::Database;
use k8sc_compiler::lower::lower_project;

/// The folder the committed manifests are built into (the GitOps output and CI's drift guard).
pub const DEPLOY_DIR: &str = "deploy";

/// The folder ignored by Git: where a bare `k8sc build` writes, for local experiments.
pub const SCRATCH_DIR: &str = "out";

/// The image of the scaffold's service: podinfo, a small HTTP server that runs unprivileged with
/// a read-only root filesystem and answers the probes below.
const IMAGE: &str = "ghcr.io/stefanprodan/podinfo:6.7.1";

/// The digest of [`IMAGE`], for tiers that require digest-pinned images.
const IMAGE_DIGEST: &str =
    "sha256:862ca45e61b32392f7941a1bdfdbe5ff8b6899070135f1bdca1c287d0057fc94";

/// The registry path [`IMAGE`] comes from, for tiers that require trusted registries.
const IMAGE_REGISTRY: &str = "ghcr.io/stefanprodan";

/// What varies between scaffolds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Variant {
    /// Digest-pinned image, `team` and `cost-center` labels, trusted registries, Argo CD.
    hardened: bool,
    /// The tier puts the app in the Istio mesh: the gateway is Istio's ingress gateway.
    mesh: bool,
}

/// The project a scaffold consists of, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaffold {
    /// `app.k8s`.
    pub app: String,
    /// The README section (Markdown).
    pub readme: String,
    /// The `.gitignore` line for the scratch output folder.
    pub gitignore: String,
    /// `.github/workflows/k8sc.yml`.
    pub workflow: String,
    /// The compiled project, ready to be written to [`DEPLOY_DIR`].
    pub build: BuildResult,
}

/// Why no scaffold could be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaffoldError {
    /// The tier is not one of the standard library's.
    UnknownTier {
        /// The tier asked for.
        tier: String,
        /// The standard library's tiers.
        known: Vec<String>,
    },
    /// Neither variant builds without diagnostics (a bug: the tests build every tier).
    DoesNotBuild {
        /// The rendered diagnostics of the last attempt.
        report: String,
    },
}

/// The tiers of the standard library, in the order `std/tiers.k8s` declares them.
pub fn stdlib_tiers() -> Vec<String> {
    let Some(module) = k8sc_compiler::stdlib::module("tiers") else {
        return Vec::new();
    };
    k8sc_grammar::parse(module.text)
        .file
        .decls()
        .filter(|decl| decl.kind == k8sc_grammar::DeclKind::Tier)
        .filter_map(|decl| decl.name.as_ref().map(|name| name.name.clone()))
        .collect()
}

/// The scaffold of app `name` on the standard-library tier `tier`.
pub fn scaffold(name: &str, tier: &str) -> Result<Scaffold, ScaffoldError> {
    let known = stdlib_tiers();
    if !known.iter().any(|t| t == tier) {
        return Err(ScaffoldError::UnknownTier {
            tier: tier.to_string(),
            known,
        });
    }
    let mut report = String::new();
    for hardened in [false, true] {
        let mut variant = Variant {
            hardened,
            mesh: false,
        };
        let (db, project) = load(&app_k8s(name, tier, variant));
        variant.mesh = lower_project(&db, project)
            .ir
            .apps
            .first()
            .is_some_and(|app| app.mesh.is_some());
        let app = app_k8s(name, tier, variant);
        let app = k8sc_grammar::format::format_source(&app).unwrap_or(app);
        let (db, project) = load(&app);
        let result = build(&db, project);
        if result.tree.is_some() && result.diagnostics.is_empty() {
            return Ok(Scaffold {
                app,
                readme: readme(name, tier),
                gitignore: format!("/{SCRATCH_DIR}/\n"),
                workflow: WORKFLOW.to_string(),
                build: result,
            });
        }
        report = result
            .diagnostics
            .iter()
            .map(|d| format!("{}: {}", d.code, d.message))
            .collect::<Vec<_>>()
            .join("\n");
    }
    Err(ScaffoldError::DoesNotBuild { report })
}

fn load(app: &str) -> (Database, k8sc_compiler::db::Project) {
    let db = Database::new();
    let project = db.load_project(vec![("app.k8s".to_string(), app.to_string())]);
    (db, project)
}

/// `app.k8s` (the caller puts it in the formatter's layout).
fn app_k8s(name: &str, tier: &str, variant: Variant) -> String {
    let mut text = format!(
        "// The {name} project. k8sc compiles it into hardened Kubernetes manifests:\n\
         //   k8sc check .                errors and warnings, each with a fix\n\
         //   k8sc build . --out {DEPLOY_DIR}   the manifests, to commit (CI checks they match)\n\
         // The language: https://github.com/k8sc/k8sc/blob/main/docs/language.md\n\
         \n\
         import std.tiers.{tier}\n"
    );
    if variant.hardened {
        text.push_str("import std.policies.{trusted_registries}\n");
    }
    text.push_str(&format!(
        "\napp {name} {{\n  tier: {tier}  // defaults, rules, and the Kyverno policies that enforce them\n"
    ));
    if variant.hardened {
        text.push_str(&format!(
            "  team: {name}  // the owning team, as the `team` label\n\
             \x20 labels {{ cost-center: \"{name}\" }}\n\
             \x20 policies: [trusted_registries([\"{IMAGE_REGISTRY}\"])]  // the registries images may come from\n"
        ));
    }
    if variant.mesh {
        text.push_str(
            "  gateway: \"istio-system/istio-ingressgateway\"  // the Istio ingress gateway: NAMESPACE/NAME\n",
        );
    } else {
        // The route attaches to the Gateway's HTTPS listener only, never to a plain-HTTP one
        // (`https: true` states that the listener is HTTPS, which `expose.tls` requires).
        text.push_str(
            "  gateway { name: public, namespace: gateway-system, section: https, https: true }  // the Gateway and its HTTPS listener\n",
        );
    }
    if variant.hardened {
        text.push_str(&format!(
            "  gitops: argocd {{\n\
             \x20   repo: \"https://github.com/acme/{name}.git\"  // this repository\n\
             \x20   path: \"{DEPLOY_DIR}\"  // where `k8sc build --out` writes in it\n\
             \x20 }}\n"
        ));
    }
    let image = if variant.hardened {
        format!("{IMAGE}@{IMAGE_DIGEST}")
    } else {
        IMAGE.to_string()
    };
    // In the mesh k8sc writes the Gateway: an HTTPS server with the host's certificate, and
    // plain HTTP only redirected to it.
    let route = if variant.mesh {
        format!(
            "route \"{name}.example.com\" {{ path: \"/\", tls: {name}-tls }}  // tls: the Secret with the host's certificate, in the gateway's namespace"
        )
    } else {
        format!("route \"{name}.example.com\" {{ path: \"/\" }}")
    };
    text.push_str(&format!(
        "}}\n\
         \n\
         /// The web frontend: podinfo, a small demo server, until your own image replaces it.\n\
         service web {{\n\
         \x20 image: \"{image}\"\n\
         \x20 port: http 9898\n\
         \x20 probes {{ ready: http \"/readyz\", live: http \"/healthz\" }}\n\
         \x20 expose: {route}\n\
         }}\n"
    ));
    text
}

/// The README section: what the project is and the commands that work on it.
fn readme(name: &str, tier: &str) -> String {
    format!(
        "# {name}\n\
         \n\
         The `{name}` app, described in `.k8s` and compiled by [k8sc](https://github.com/k8sc/k8sc) \
         into hardened Kubernetes manifests on the `{tier}` tier of its standard library.\n\
         \n\
         | command | what it does |\n\
         |---|---|\n\
         | `k8sc check .` | report errors and warnings, each with a fix; write nothing |\n\
         | `k8sc build . --out {DEPLOY_DIR}` | write the manifests to `{DEPLOY_DIR}/`: commit them, Argo CD or `kubectl apply -k {DEPLOY_DIR}/default` deploys them |\n\
         | `k8sc build` | write them to `{SCRATCH_DIR}/` instead, for a look (ignored by Git) |\n\
         | `k8sc fmt` | format the `.k8s` files |\n\
         | `k8sc graph . --format svg > graph.svg` | draw the service graph |\n\
         | `k8sc explain E0024` | what a diagnostic code means |\n\
         \n\
         CI (`.github/workflows/k8sc.yml`) checks the sources and their formatting, and fails when \
         `{DEPLOY_DIR}/` is not exactly what the sources build to: after changing a `.k8s` file, run \
         `k8sc build . --out {DEPLOY_DIR}` and commit both.\n"
    )
}

/// The GitHub Actions job: the one docs/ci.md recommends, for a project at the repository root
/// whose manifests are committed in `deploy/`.
const WORKFLOW: &str = include_str!("scaffold/k8sc.yml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stdlib_tier_scaffolds_a_project_without_diagnostics() {
        let tiers = stdlib_tiers();
        assert!(tiers.len() >= 4, "{tiers:?}");
        for tier in &tiers {
            let scaffold = scaffold("hello", tier).unwrap_or_else(|e| panic!("{tier}: {e:?}"));
            assert!(scaffold.build.diagnostics.is_empty(), "{tier}");
            assert!(scaffold.build.tree.is_some(), "{tier}");
        }
    }

    #[test]
    fn the_plain_variant_is_used_when_the_tier_accepts_it() {
        let foundation = scaffold("hello", "foundation").expect("scaffold");
        assert!(!foundation.app.contains("sha256:"), "{}", foundation.app);
        assert!(!foundation.app.contains("gitops"), "{}", foundation.app);
        let enterprise = scaffold("hello", "enterprise").expect("scaffold");
        assert!(enterprise.app.contains(IMAGE_DIGEST), "{}", enterprise.app);
        assert!(
            enterprise.app.contains("istio-system/"),
            "{}",
            enterprise.app
        );
    }

    /// Every way the scaffold's host is exposed serves it over TLS: an Istio Gateway's servers are
    /// HTTPS with a certificate, or HTTP that only redirects; an HTTPRoute attaches to a named
    /// (HTTPS) listener of its Gateway, never to every listener; an Ingress lists each host
    /// under `tls`. Returns how many exposing resources were checked.
    fn plain_http(tier: &str) -> (Vec<String>, usize) {
        let scaffold = scaffold("hello", tier).expect("scaffold");
        let tree = scaffold.build.tree.expect("output");
        let (mut wrong, mut checked) = (Vec::new(), 0);
        for (path, text) in tree.files.iter().filter(|(p, _)| p.ends_with(".yaml")) {
            let doc: serde_json::Value = serde_saphyr::from_str(text).expect("YAML");
            match doc["kind"].as_str() {
                Some("Gateway") if doc["apiVersion"] == "networking.istio.io/v1" => {
                    checked += 1;
                    for server in doc["spec"]["servers"].as_array().into_iter().flatten() {
                        let https = server["port"]["protocol"] == "HTTPS"
                            && server["tls"]["credentialName"].is_string();
                        let redirect = server["port"]["protocol"] == "HTTP"
                            && server["tls"]["httpsRedirect"] == true;
                        if !https && !redirect {
                            wrong.push(format!("{path}: a plain-HTTP server {server}"));
                        }
                    }
                }
                Some("HTTPRoute") => {
                    checked += 1;
                    for parent in doc["spec"]["parentRefs"].as_array().into_iter().flatten() {
                        if parent["sectionName"] != "https" {
                            wrong.push(format!("{path}: attached to {parent}"));
                        }
                    }
                }
                Some("Ingress") => {
                    checked += 1;
                    let covered: Vec<&serde_json::Value> = doc["spec"]["tls"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .flat_map(|t| t["hosts"].as_array().into_iter().flatten())
                        .collect();
                    for rule in doc["spec"]["rules"].as_array().into_iter().flatten() {
                        if !covered.contains(&&rule["host"]) {
                            wrong.push(format!("{path}: {} without TLS", rule["host"]));
                        }
                    }
                }
                _ => {}
            }
        }
        (wrong, checked)
    }

    #[test]
    fn every_tier_scaffolds_a_host_served_over_tls_only() {
        for tier in stdlib_tiers() {
            let (wrong, checked) = plain_http(&tier);
            assert!(checked >= 1, "{tier}: nothing exposes the host");
            assert!(wrong.is_empty(), "{tier}: {wrong:#?}");
        }
    }

    #[test]
    fn an_unknown_tier_lists_the_known_ones() {
        match scaffold("hello", "prod") {
            Err(ScaffoldError::UnknownTier { tier, known }) => {
                assert_eq!(tier, "prod");
                assert!(known.contains(&"production".to_string()), "{known:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}
