//! Where a workload's pods may run: the typed values of `nodes`, `tolerations`, `affinity`,
//! `spread`, `priority` and `runtime_class`, shared by the checker, lowering and the backends.

use super::schema::{Defaults, FieldInfo, Kinds};
use super::spec::Spread;
use super::values::{Choice, DURATION, ValueInfo, shape};
use k8sc_grammar::Span;

/// `spread: zones hard`: where replicas are spread, and whether the widest domain is a hard
/// constraint (`DoNotSchedule`) or a preference (`ScheduleAnyway`, the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpreadSpec {
    /// The domains replicas are spread across.
    pub across: Spread,
    /// Whether the widest domain is `DoNotSchedule`.
    pub hard: bool,
}

/// A taint effect a toleration matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TaintEffect {
    /// `NoSchedule`.
    NoSchedule,
    /// `PreferNoSchedule`.
    PreferNoSchedule,
    /// `NoExecute`.
    NoExecute,
}

impl TaintEffect {
    /// Kubernetes' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }

    /// The language's spelling.
    pub fn keyword(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "no_schedule",
            TaintEffect::PreferNoSchedule => "prefer_no_schedule",
            TaintEffect::NoExecute => "no_execute",
        }
    }
}

/// One toleration, keyed by the taint's key (`dedicated: "db" { effect: no_schedule }`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Toleration {
    /// The taint value matched (`Equal`), or `None` for any value (`exists`, `Exists`).
    pub value: Option<String>,
    /// The effects tolerated; empty: every effect.
    pub effects: Vec<TaintEffect>,
    /// How long a pod stays on a node after a `NoExecute` taint appears (`for: 5m`), seconds.
    pub seconds: Option<u64>,
}

/// The topology domain of a pod affinity term, or of spreading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Topology {
    /// `kubernetes.io/hostname`.
    Hosts,
    /// `topology.kubernetes.io/zone`.
    Zones,
    /// `topology.kubernetes.io/region`.
    Regions,
}

impl Topology {
    /// The well-known node label of the domain.
    pub fn key(self) -> &'static str {
        match self {
            Topology::Hosts => "kubernetes.io/hostname",
            Topology::Zones => "topology.kubernetes.io/zone",
            Topology::Regions => "topology.kubernetes.io/region",
        }
    }

    /// The language's word.
    pub fn keyword(self) -> &'static str {
        match self {
            Topology::Hosts => "hosts",
            Topology::Zones => "zones",
            Topology::Regions => "regions",
        }
    }

    /// One domain, in words (`host`).
    pub fn singular(self) -> &'static str {
        match self {
            Topology::Hosts => "host",
            Topology::Zones => "zone",
            Topology::Regions => "region",
        }
    }

    /// The domain of a node label key, if it is one of the three.
    pub fn of_key(key: &str) -> Option<Topology> {
        [Topology::Hosts, Topology::Zones, Topology::Regions]
            .into_iter()
            .find(|t| t.key() == key)
    }
}

/// `apart: hosts` / `together: cache zones soft`: pod anti-affinity or affinity against the
/// workload's own pods or another workload of its app.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PodTerm {
    /// The workload whose pods are matched (its name as written and where), or `None` for the
    /// workload's own pods.
    pub target: Option<(String, Span)>,
    /// The domain.
    pub topology: Topology,
    /// Required (`requiredDuringScheduling…`) or preferred.
    pub hard: bool,
    /// Where the term is written.
    pub span: Span,
}

/// What a node label must be, in a node affinity term.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NodeMatch {
    /// `KEY: ["a", "b"]` — `In`.
    In(Vec<String>),
    /// `KEY: not ["a"]` — `NotIn`.
    NotIn(Vec<String>),
    /// `KEY: exists` — `Exists`.
    Exists,
    /// `KEY: not exists` — `DoesNotExist`.
    DoesNotExist,
}

impl NodeMatch {
    /// Kubernetes' operator.
    pub fn operator(&self) -> &'static str {
        match self {
            NodeMatch::In(_) => "In",
            NodeMatch::NotIn(_) => "NotIn",
            NodeMatch::Exists => "Exists",
            NodeMatch::DoesNotExist => "DoesNotExist",
        }
    }
}

/// One node selector term: every requirement must hold.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct NodeTerm {
    /// Label key and what it must be, in source order.
    pub requirements: Vec<(String, NodeMatch)>,
}

/// `affinity { required { … }, preferred: 50 { … }, apart: hosts, together: cache zones }`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Affinity {
    /// Required node affinity.
    pub require: Option<NodeTerm>,
    /// Preferred node affinity with its weight (1–100).
    pub prefer: Option<(u32, NodeTerm)>,
    /// Pod anti-affinity.
    pub apart: Option<PodTerm>,
    /// Pod affinity.
    pub together: Option<PodTerm>,
}

/// The built-in PriorityClasses every cluster has, reserved for what keeps the cluster running.
pub const SYSTEM_PRIORITIES: [&str; 2] = ["system-cluster-critical", "system-node-critical"];

/// The fields of a toleration's block.
pub const TOLERATION_FIELDS: &[FieldInfo] = &[
    info(
        "effect",
        "effect: no_schedule",
        "The taint effects tolerated (`no_schedule`, `prefer_no_schedule`, `no_execute`, or a list); every effect if left out.",
    ),
    info(
        "for",
        "for: 5m",
        "How long the pod stays on a node after a `no_execute` taint appears (`tolerationSeconds`).",
    ),
];

/// The fields of `affinity { … }`.
pub const AFFINITY_FIELDS: &[FieldInfo] = &[
    info(
        "required",
        "required { \"topology.kubernetes.io/zone\": [\"eu-west-1a\", \"eu-west-1b\"] }",
        "Node labels a node must have (required node affinity): a list of values, `not [...]`, `exists` or `not exists`.",
    ),
    info(
        "preferred",
        "preferred: 50 { \"node.kubernetes.io/instance-type\": [\"m6i.large\"] }",
        "Node labels the scheduler prefers, with a weight 1–100 (100 if left out).",
    ),
    info(
        "apart",
        "apart: hosts",
        "Keep pods apart (pod anti-affinity): `hosts`, `zones` or `regions`, optionally after another workload's name; hard unless followed by `soft`.",
    ),
    info(
        "together",
        "together: cache zones",
        "Run pods near another workload's pods (pod affinity) in the same `hosts`, `zones` or `regions`; soft unless followed by `hard`.",
    ),
];

const fn info(name: &'static str, syntax: &'static str, summary: &'static str) -> FieldInfo {
    FieldInfo {
        name,
        kinds: Kinds::All,
        defaults: Defaults::Allowed,
        syntax,
        summary,
        block: false,
        value: None,
    }
}

/// The fields of a `priority` declaration.
pub const PRIORITY_FIELDS: &[FieldInfo] = &[
    info(
        "value",
        "value: 1000000",
        "The priority: higher runs first and may preempt lower (at most 1000000000; above is the cluster's own).",
    ),
    info(
        "preemption",
        "preemption: never",
        "Whether pending pods of this class evict lower-priority pods (`lower`, the default) or wait (`never`).",
    ),
    info(
        "description",
        "description: \"checkout path; preempts batch work\"",
        "What the class is for, shown by `kubectl get priorityclass`.",
    ),
    info(
        "assumed",
        "assumed: true",
        "The cluster already has this PriorityClass: k8sc names it but does not emit it.",
    ),
];

/// The highest value a PriorityClass that is not the cluster's own may have.
pub const MAX_PRIORITY: i64 = 1_000_000_000;

/// Whether a pending pod of a class may preempt lower-priority pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preemption {
    /// `PreemptLowerPriority` (Kubernetes' default).
    Lower,
    /// `Never`: the pod waits, ahead of lower-priority pods in the queue.
    Never,
}

impl Preemption {
    /// Kubernetes' spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Preemption::Lower => "PreemptLowerPriority",
            Preemption::Never => "Never",
        }
    }
}

/// What the placement blocks' fields hold, for hover, completion and the reference (the
/// block's name, or any block for names only placement uses).
pub fn value_in_block(inside: &str, name: &str) -> Option<ValueInfo> {
    const DOMAINS: &[Choice] = &[
        Choice {
            text: "hosts",
            summary: "one per node (`kubernetes.io/hostname`)",
        },
        Choice {
            text: "zones",
            summary: "one per zone (`topology.kubernetes.io/zone`)",
        },
        Choice {
            text: "regions",
            summary: "one per region (`topology.kubernetes.io/region`)",
        },
    ];
    Some(match (inside, name) {
        (_, "effect") => ValueInfo {
            ty: "a taint effect, or a list of them",
            choices: &[
                Choice {
                    text: "no_schedule",
                    summary: "`NoSchedule`: new pods are not scheduled there",
                },
                Choice {
                    text: "prefer_no_schedule",
                    summary: "`PreferNoSchedule`: avoided when possible",
                },
                Choice {
                    text: "no_execute",
                    summary: "`NoExecute`: running pods are evicted",
                },
            ],
            units: &[],
        },
        (_, "for") => DURATION,
        ("affinity", "apart") => ValueInfo {
            ty: "`[WORKLOAD] hosts|zones|regions [hard|soft]` (hard unless `soft`)",
            choices: DOMAINS,
            units: &[],
        },
        ("affinity", "together") => ValueInfo {
            ty: "`WORKLOAD hosts|zones|regions [hard|soft]` (soft unless `hard`)",
            choices: DOMAINS,
            units: &[],
        },
        ("affinity", "required") => shape(
            "a block of node labels `{ \"KEY\": [\"value\"] }`, `not [...]`, `exists`, `not exists`",
        ),
        ("affinity", "preferred") => {
            shape("a weight 1–100 and a block of node labels: `50 { \"KEY\": [\"value\"] }`")
        }
        ("priority", "value") => ValueInfo {
            ty: "a whole number, at most 1000000000",
            choices: &[],
            units: &[],
        },
        (_, "preemption") => ValueInfo {
            ty: "whether pending pods preempt lower-priority pods",
            choices: &[
                Choice {
                    text: "lower",
                    summary: "`PreemptLowerPriority`: evict lower-priority pods (default)",
                },
                Choice {
                    text: "never",
                    summary: "`Never`: wait ahead of them in the queue",
                },
            ],
            units: &[],
        },
        (_, "assumed") => ValueInfo {
            ty: "`true` when the cluster already has the class",
            choices: &[],
            units: &[],
        },
        ("priority", "description") => shape("a string"),
        _ => return None,
    })
}
