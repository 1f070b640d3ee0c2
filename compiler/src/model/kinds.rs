//! The workload-kind registry: one entry per kind of workload ([`KINDS`]) with everything that
//! depends on the kind — its declaration keywords (each with its noun for messages and its
//! component label), the words the reference uses for it, its controller's Kubernetes kind and
//! apiVersion, where the pod template sits in that controller, and its shape (batch, replicated,
//! with a Service, with a headless Service, surging on rollouts). Code asks the registry instead
//! of matching on kinds, so a new kind is one entry here plus the code that really differs (its
//! controller's typed builder in the Kubernetes backend).

use k8sc_grammar::DeclKind;

/// The kinds of workload, from the declaration keyword. Each has one entry in [`KINDS`], at its
/// own index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum WorkloadKind {
    /// Deployment + Service.
    Service,
    /// Deployment without a Service.
    Worker,
    /// StatefulSet + headless Service + volume claims (`database` or `stateful`).
    Stateful,
    /// Job.
    Job,
    /// CronJob.
    Cron,
    /// DaemonSet.
    Daemon,
}

/// One declaration keyword of a kind of workload.
#[derive(Debug, PartialEq, Eq)]
pub struct Keyword {
    /// The keyword.
    pub decl: DeclKind,
    /// What messages call a workload declared with it (`cron job`).
    pub noun: &'static str,
    /// The `app.kubernetes.io/component` label of its resources.
    pub component: &'static str,
}

/// Everything that depends on the kind of a workload.
#[derive(Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// The kind.
    pub kind: WorkloadKind,
    /// The keywords that declare it, the first the usual one.
    pub keywords: &'static [Keyword],
    /// The keywords as the reference lists what a field applies to (`database, stateful`).
    pub applies_to: &'static str,
    /// The Kubernetes kind of its controller.
    pub controller: &'static str,
    /// The apiVersion of its controller.
    pub api_version: &'static str,
    /// The path from the controller's root to its pod's `spec`.
    pub pod_spec: &'static [&'static str],
    /// Whether its pods run to completion (no Service, no readiness, no disruption budget).
    pub batch: bool,
    /// Whether it has a replica count.
    pub replicated: bool,
    /// Whether it gets a Service for its ports.
    pub service: bool,
    /// Whether it also gets a headless Service (the StatefulSet's `serviceName`).
    pub headless_service: bool,
    /// The label its controller gives the pods of one rollout, if it rolls out through
    /// ReplicaSets (a Deployment's `pod-template-hash`); spreading per value keeps a new
    /// rollout spread.
    pub rollout_label: Option<&'static str>,
    /// The share of its replicas a rolling update may add on top (a Deployment's default
    /// `maxSurge`, 25%), as a divisor: `Some(4)` adds a quarter, rounded up.
    pub surge_divisor: Option<u64>,
    /// Whether it can run a canary version beside it (a Deployment of its own behind its
    /// Service).
    pub canary: bool,
    /// The names the output and the cluster derive from its name besides those every workload
    /// has (its ServiceAccount, container, `name` label and ConfigMap), in the order they are
    /// checked.
    pub derived_names: &'static [DerivedName],
}

/// A name derived from a workload's name (`NAME-headless`), which must follow the rule of where
/// it ends up.
#[derive(Debug, PartialEq, Eq)]
pub struct DerivedName {
    /// What follows the workload's name; digits stand for a hash or a time at its longest.
    pub suffix: &'static str,
    /// The kind of the object it names; `None` for a label value of the pods.
    pub object: Option<&'static str>,
    /// What it is, for the diagnostic ("its headless Service `NAME-headless`").
    pub what: &'static str,
}

/// The Kubernetes kinds of the controllers of [`KINDS`], each once, in the order policies list
/// them (the order of their documents in a Kyverno rule).
pub const CONTROLLERS: [&str; 5] = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

/// The path of the pod spec in a Deployment, StatefulSet, DaemonSet or Job.
const TEMPLATE: &[&str] = &["spec", "template", "spec"];

/// Every kind, in documentation order (the order of [`WorkloadKind`]).
pub const KINDS: [KindInfo; 6] = [
    KindInfo {
        kind: WorkloadKind::Service,
        keywords: &[Keyword {
            decl: DeclKind::Service,
            noun: "service",
            component: "service",
        }],
        applies_to: "service",
        controller: "Deployment",
        api_version: "apps/v1",
        pod_spec: TEMPLATE,
        batch: false,
        replicated: true,
        service: true,
        headless_service: false,
        rollout_label: Some("pod-template-hash"),
        surge_divisor: Some(4),
        canary: true,
        derived_names: &[
            DerivedName {
                suffix: "",
                object: Some("Deployment"),
                what: "its Deployment",
            },
            DerivedName {
                suffix: "",
                object: Some("Service"),
                what: "its Service",
            },
            DerivedName {
                suffix: "-canary",
                object: Some("Deployment"),
                what: "its canary Deployment `NAME-canary`",
            },
        ],
    },
    KindInfo {
        kind: WorkloadKind::Worker,
        keywords: &[Keyword {
            decl: DeclKind::Worker,
            noun: "worker",
            component: "worker",
        }],
        applies_to: "worker",
        controller: "Deployment",
        api_version: "apps/v1",
        pod_spec: TEMPLATE,
        batch: false,
        replicated: true,
        service: false,
        headless_service: false,
        rollout_label: Some("pod-template-hash"),
        surge_divisor: Some(4),
        canary: false,
        derived_names: &[DerivedName {
            suffix: "",
            object: Some("Deployment"),
            what: "its Deployment",
        }],
    },
    KindInfo {
        kind: WorkloadKind::Stateful,
        keywords: &[
            Keyword {
                decl: DeclKind::Database,
                noun: "database",
                component: "database",
            },
            Keyword {
                decl: DeclKind::Stateful,
                noun: "stateful",
                component: "stateful",
            },
        ],
        applies_to: "database, stateful",
        controller: "StatefulSet",
        api_version: "apps/v1",
        pod_spec: TEMPLATE,
        batch: false,
        replicated: true,
        service: true,
        headless_service: true,
        rollout_label: None,
        surge_divisor: None,
        canary: false,
        derived_names: &[
            DerivedName {
                suffix: "",
                object: Some("StatefulSet"),
                what: "its StatefulSet",
            },
            DerivedName {
                suffix: "",
                object: Some("Service"),
                what: "its Service",
            },
            DerivedName {
                suffix: "-headless",
                object: Some("Service"),
                what: "its headless Service `NAME-headless`",
            },
            // The StatefulSet controller labels each pod with its revision, `NAME-` and a hash
            // of up to ten characters; a longer name leaves the StatefulSet without pods.
            DerivedName {
                suffix: "-0123456789",
                object: None,
                what: "the label `controller-revision-hash: NAME-HASH` (a hash of up to 10 characters) of its pods",
            },
        ],
    },
    KindInfo {
        kind: WorkloadKind::Job,
        keywords: &[Keyword {
            decl: DeclKind::Job,
            noun: "job",
            component: "job",
        }],
        applies_to: "job",
        controller: "Job",
        api_version: "batch/v1",
        pod_spec: TEMPLATE,
        batch: true,
        replicated: false,
        service: false,
        headless_service: false,
        rollout_label: None,
        surge_divisor: None,
        canary: false,
        derived_names: &[
            DerivedName {
                suffix: "",
                object: Some("Job"),
                what: "its Job",
            },
            // The Job is named `NAME-` and eight hex digits of its spec; its pods carry that
            // name in the `job-name` label.
            DerivedName {
                suffix: "-01234567",
                object: None,
                what: "the label `job-name: NAME-HASH` (8 hex digits) of its pods",
            },
        ],
    },
    KindInfo {
        kind: WorkloadKind::Cron,
        keywords: &[Keyword {
            decl: DeclKind::Cron,
            noun: "cron job",
            component: "cron",
        }],
        applies_to: "cron",
        controller: "CronJob",
        api_version: "batch/v1",
        pod_spec: &["spec", "jobTemplate", "spec", "template", "spec"],
        batch: true,
        replicated: false,
        service: false,
        headless_service: false,
        rollout_label: None,
        surge_divisor: None,
        canary: false,
        derived_names: &[
            DerivedName {
                suffix: "",
                object: Some("CronJob"),
                what: "its CronJob",
            },
            // Each Job of a CronJob is `NAME-` and its scheduled time in minutes (the API
            // server allows for 10 digits), carried by its pods in the `job-name` label.
            DerivedName {
                suffix: "-0123456789",
                object: None,
                what: "the label `job-name: NAME-TIME` (up to 10 digits) of the pods of its Jobs",
            },
        ],
    },
    KindInfo {
        kind: WorkloadKind::Daemon,
        keywords: &[Keyword {
            decl: DeclKind::Daemon,
            noun: "daemon",
            component: "daemon",
        }],
        applies_to: "daemon",
        controller: "DaemonSet",
        api_version: "apps/v1",
        pod_spec: TEMPLATE,
        batch: false,
        replicated: false,
        service: false,
        headless_service: false,
        rollout_label: None,
        surge_divisor: None,
        canary: false,
        derived_names: &[DerivedName {
            suffix: "",
            object: Some("DaemonSet"),
            what: "its DaemonSet",
        }],
    },
];

impl WorkloadKind {
    /// Every kind, in documentation order.
    pub const ALL: [WorkloadKind; 6] = [
        WorkloadKind::Service,
        WorkloadKind::Worker,
        WorkloadKind::Stateful,
        WorkloadKind::Job,
        WorkloadKind::Cron,
        WorkloadKind::Daemon,
    ];

    /// Its entry in the registry.
    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    /// The workload kind of a declaration keyword.
    pub fn from_decl(kind: DeclKind) -> Option<WorkloadKind> {
        keyword(kind).map(|(info, _)| info.kind)
    }

    /// The kind whose controller is of Kubernetes kind `controller` (the first, for a
    /// Deployment: a `service`).
    pub fn from_controller(controller: &str) -> Option<WorkloadKind> {
        KINDS
            .iter()
            .find(|info| info.controller == controller)
            .map(|info| info.kind)
    }

    /// Whether pods run to completion (no Service, no readiness, no disruption budget).
    pub fn is_batch(self) -> bool {
        self.info().batch
    }

    /// Whether the workload has a replica count.
    pub fn is_replicated(self) -> bool {
        self.info().replicated
    }

    /// Whether the workload gets a Service for its ports.
    pub fn has_service(self) -> bool {
        self.info().service
    }

    /// The Kubernetes kind of its controller (`Deployment`, `CronJob` …).
    pub fn controller(self) -> &'static str {
        self.info().controller
    }
}

impl KindInfo {
    /// The pod spec's path joined with `separator`, after `prefix`: the JSON pointer
    /// `/spec/template/spec` with `("", "/")`, Kyverno's `request.object.spec.template.spec`
    /// with `("request.object.", ".")`.
    pub fn pod_spec_path(&self, prefix: &str, separator: &str) -> String {
        format!("{prefix}{}", self.pod_spec.join(separator))
    }

    /// The JSON pointer of the pod template (`/spec/template`, `/spec/jobTemplate/spec/template`).
    pub fn pod_template_pointer(&self) -> String {
        let template = &self.pod_spec[..self.pod_spec.len().saturating_sub(1)];
        format!("/{}", template.join("/"))
    }
}

/// A declaration keyword's kind and entry; `None` for a keyword that declares no workload.
pub fn keyword(decl: DeclKind) -> Option<(&'static KindInfo, &'static Keyword)> {
    KINDS.iter().find_map(|info| {
        info.keywords
            .iter()
            .find(|k| k.decl == decl)
            .map(|keyword| (info, keyword))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_at_its_own_index() {
        for (index, kind) in WorkloadKind::ALL.into_iter().enumerate() {
            assert_eq!(KINDS[index].kind, kind);
            assert_eq!(kind.info().kind, kind);
        }
    }

    #[test]
    fn every_keyword_declares_one_kind() {
        let mut seen = Vec::new();
        for info in &KINDS {
            assert!(!info.keywords.is_empty(), "{:?} has no keyword", info.kind);
            for keyword in info.keywords {
                assert!(!seen.contains(&keyword.decl), "{:?} twice", keyword.decl);
                seen.push(keyword.decl);
                assert_eq!(WorkloadKind::from_decl(keyword.decl), Some(info.kind));
            }
        }
        for decl in DeclKind::ALL {
            assert_eq!(seen.contains(&decl), decl.is_workload(), "{decl:?}");
        }
    }

    #[test]
    fn the_controllers_are_those_of_the_kinds() {
        let mut of_kinds: Vec<&str> = KINDS.iter().map(|info| info.controller).collect();
        of_kinds.sort_unstable();
        of_kinds.dedup();
        let mut listed = CONTROLLERS.to_vec();
        listed.sort_unstable();
        assert_eq!(of_kinds, listed);
        assert_eq!(listed.len(), CONTROLLERS.len(), "a controller listed twice");
    }

    #[test]
    fn the_shapes_agree() {
        for info in &KINDS {
            // A batch workload runs to completion: no replicas, no Service.
            assert!(!(info.batch && (info.replicated || info.service)));
            assert!(!info.headless_service || info.service);
            assert!(!info.canary || (info.service && info.rollout_label.is_some()));
            // The controller's own name comes first.
            assert_eq!(
                info.derived_names.first().map(|d| (d.suffix, d.object)),
                Some(("", Some(info.controller)))
            );
            assert!(info.pod_spec.ends_with(&["template", "spec"]));
            assert_eq!(
                WorkloadKind::from_controller(info.controller).map(|k| k.info().pod_spec),
                Some(info.pod_spec)
            );
        }
    }
}
