//! How an autoscaler moves between its replica counts (`autoscale { up { … }, down { … } }`, the
//! HorizontalPodAutoscaler's `behavior`): per direction a stabilization window, rate policies
//! and which policy wins.

use super::schema::FieldInfo;
use super::values::{Choice, DURATION, ValueInfo, shape};

/// One direction of scaling (`up { … }` or `down { … }`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ScalingRules {
    /// `window`: how long past recommendations are considered before acting (ms).
    pub window: Option<u64>,
    /// `policies`: how fast the replica count may change.
    pub policies: Vec<ScalingPolicy>,
    /// `select`: which policy applies when several allow different changes.
    pub select: Option<SelectPolicy>,
}

/// `pods 4 per 15s` or `percent 100% per 15s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScalingPolicy {
    /// Counted in pods or in percent of the current replicas.
    pub unit: PolicyUnit,
    /// How many pods, or what percentage.
    pub value: u32,
    /// Over how long (ms).
    pub period: u64,
}

/// What a scaling policy counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyUnit {
    /// `pods N`: a number of pods (`Pods`).
    Pods,
    /// `percent N%`: a share of the current replicas (`Percent`).
    Percent,
}

impl PolicyUnit {
    /// The HPA policy `type`.
    pub fn kubernetes(self) -> &'static str {
        match self {
            PolicyUnit::Pods => "Pods",
            PolicyUnit::Percent => "Percent",
        }
    }
}

/// `select`: which policy applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SelectPolicy {
    /// `max`: the one allowing the largest change (Kubernetes' default).
    Max,
    /// `min`: the one allowing the smallest change.
    Min,
    /// `disabled`: no scaling in this direction.
    Disabled,
}

impl SelectPolicy {
    /// The HPA `selectPolicy`.
    pub fn kubernetes(self) -> &'static str {
        match self {
            SelectPolicy::Max => "Max",
            SelectPolicy::Min => "Min",
            SelectPolicy::Disabled => "Disabled",
        }
    }
}

/// How often the HorizontalPodAutoscaler acts, and the resolution of the resource metrics it
/// reads (the controller-manager's `--horizontal-pod-autoscaler-sync-period` and
/// metrics-server's `--metric-resolution`, both 15s by default): a window or a policy period
/// shorter than this cannot be honoured as written (E0072).
pub const SYNC_PERIOD_MS: u64 = 15_000;
/// The longest stabilization window the API server accepts (1h).
pub const MAX_WINDOW_MS: u64 = 3_600_000;
/// The longest policy period the API server accepts (30m).
pub const MAX_PERIOD_MS: u64 = 1_800_000;

/// The fields of `up { … }` and `down { … }` in `autoscale`.
pub const SCALING_RULES_FIELDS: &[FieldInfo] = &[
    FieldInfo::option(
        "window",
        "window: 5m",
        "How long past recommendations count before acting: the highest over it when scaling down, the lowest when scaling up.",
        DURATION,
    ),
    FieldInfo::option(
        "policies",
        "policies: [percent 100% per 15s, pods 4 per 15s]",
        "How fast the replica count may change: `pods N per PERIOD` or `percent N% per PERIOD`.",
        shape("a list of `pods N per PERIOD` or `percent N% per PERIOD`"),
    ),
    FieldInfo::option(
        "select",
        "select: max",
        "Which policy applies when several allow different changes.",
        SELECT,
    ),
];

/// What `select` may be.
pub const SELECT: ValueInfo = ValueInfo {
    ty: "which policy applies",
    choices: &[
        Choice {
            text: "max",
            summary: "the largest change allowed (default)",
        },
        Choice {
            text: "min",
            summary: "the smallest change allowed",
        },
        Choice {
            text: "disabled",
            summary: "never scale in this direction",
        },
    ],
    units: &[],
};
