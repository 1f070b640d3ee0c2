//! The catalogue of diagnostic codes. Each code has a one-line title and a long explanation in
//! `explain/CODE.md`, embedded in the binary for `k8sc explain`.

use super::Severity;

macro_rules! codes {
    ($($variant:ident = $id:literal, $severity:ident, $title:literal;)*) => {
        /// A diagnostic code. Codes are never reused or renumbered.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $(
                #[doc = $title]
                $variant,
            )*
        }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as printed: `E0004`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// A one-line summary of what the code means.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// Whether diagnostics with this code are errors or warnings.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// The long explanation (Markdown), as printed by `k8sc explain`.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("explain/", $id, ".md")),)*
                }
            }
        }
    };
}

codes! {
    Syntax = "E0001", Error, "syntax error";
    UnknownField = "E0002", Error, "unknown field";
    WrongType = "E0003", Error, "value of the wrong type";
    WrongUnit = "E0004", Error, "quantity with the wrong unit";
    Unresolved = "E0005", Error, "unresolved reference";
    Duplicate = "E0006", Error, "duplicate name";
    ImportCycle = "E0007", Error, "import cycle";
    ImportNotFound = "E0008", Error, "import not found";
    InvertedRange = "E0009", Error, "range minimum above maximum";
    PortOutOfRange = "E0010", Error, "port out of range";
    PortClash = "E0011", Error, "port clash";
    InvalidName = "E0012", Error, "invalid name";
    InvalidImage = "E0013", Error, "invalid image reference";
    InvalidCron = "E0014", Error, "invalid cron schedule";
    LiteralSecret = "E0015", Error, "secret written as a literal value";
    LimitBelowRequest = "E0016", Error, "limit below request";
    MissingField = "E0017", Error, "missing required field";
    FieldNotAllowed = "E0018", Error, "field not valid for this kind of workload";
    DuplicateField = "E0019", Error, "field set twice";
    AppStructure = "E0020", Error, "workload outside an app, or several apps in one file";
    InvalidValue = "E0021", Error, "value out of bounds or not one of the allowed values";
    NoSuchPort = "E0022", Error, "probe or route targets a port the workload does not have";
    UnknownProperty = "E0023", Error, "unknown property or test in a rule";
    RuleViolation = "E0024", Error, "a workload breaks a tier rule or policy";
    TierCycle = "E0025", Error, "tiers extend each other in a cycle";
    PolicyArguments = "E0026", Error, "policy used with the wrong arguments";
    UnenforceableRule = "E0027", Error, "rule cannot be enforced in the cluster";
    MissingPolicy = "E0028", Error, "the tier requires the app to use a policy";
    NoSuchCallPort = "E0030", Error, "call to a port the callee does not have";
    InvalidTraffic = "E0031", Error, "traffic settings that contradict each other";
    UnsafeRetries = "E0032", Error, "retries that may repeat a non-idempotent request";
    OutsideMesh = "E0033", Error, "strict mutual TLS refuses a caller outside the mesh";
    TrafficNotRoutable = "E0034", Error, "traffic settings without a mesh or a port to route";
    SystemNamespace = "E0035", Error, "app deployed into a namespace the cluster or its controllers own";
    GrpcMethod = "E0036", Error, "gRPC call limited to methods other than POST";
    GrpcPath = "E0037", Error, "gRPC call path that is not `/package.Service/Method`";
    UnknownEnvPath = "E0040", Error, "environment override of something that does not exist";
    EnvCycle = "E0041", Error, "environments extend each other in a cycle";
    GitOpsRequired = "E0042", Error, "the tier requires GitOps, and the app declares none";
    HostCollision = "E0043", Error, "two environments route one host through one Gateway or ingress controller";
    GitOpsNotPerEnvironment = "E0044", Error, "a GitOps setting one ApplicationSet shares, overridden per environment";
    GeneratedSecret = "E0045", Error, "a generated value looks like a credential";
    ContainerField = "E0046", Error, "a field a sidecar or init container cannot have";
    ContainerNameClash = "E0047", Error, "two containers of one pod with the same name";
    NoSuchVolume = "E0048", Error, "a container mounts a volume the pod does not have";
    MountConflict = "E0050", Error, "two files or volumes at one path, or one inside another";
    TokenExpiry = "E0051", Error, "a projected token's lifetime the API server refuses";
    SharedClaimAccess = "E0052", Error, "a claim one node or one pod can mount, on a workload that runs several pods";
    PatchTarget = "E0060", Error, "patch of a resource the workload does not generate";
    PatchUnknownField = "E0061", Error, "patch adds a field the Kubernetes type does not have";
    PatchInvalid = "E0062", Error, "patched resource is not a valid object of its kind";
    TolerationTimeWithoutNoExecute = "E0063", Error, "a toleration time without only the NoExecute effect";
    AntiAffinityUnsatisfiable = "E0064", Error, "hard pod anti-affinity that can never place every replica";
    UnknownPriority = "E0065", Error, "a priority class that is neither declared nor assumed";
    InvalidPriority = "E0066", Error, "a priority declaration the API server refuses";
    ProgressDeadline = "E0068", Error, "rollout progress deadline not longer than `min_ready`";
    RolloutCannotProgress = "E0069", Error, "a rolling update that can neither add nor remove a pod";
    SuccessThreshold = "E0070", Error, "success threshold other than 1 on a liveness or startup probe";
    ScalingBehaviour = "E0072", Error, "autoscaling behaviour that cannot take effect as written";
    ExposedTwice = "E0073", Error, "a host or path listed twice in `expose`";
    InvalidCidr = "E0074", Error, "a load balancer's source range that is not an address range";
    ExternalTrafficNeedsLoadBalancer = "E0075", Error, "`external_traffic` on a Service that is not a load balancer";
    LoadBalancerInMesh = "E0076", Error, "a load balancer in front of pods in the mesh";
    NoServiceToConfigure = "E0077", Error, "Service options on a workload without a Service";
    RuleTooLarge = "E0080", Error, "rule too large to enforce in the cluster";
    UnpinnedImage = "W0001", Warning, "image not pinned to a version";
    UnusedImport = "W0002", Warning, "unused import";
    NoReadinessProbe = "W0003", Warning, "service without a readiness probe";
    RuleWarning = "W0004", Warning, "a workload breaks a warning-level policy";
    UnusedAllow = "W0005", Warning, "an `allow` that exempts nothing";
    Unreachable = "W0010", Warning, "a service nothing calls";
    RequestsNotEnforced = "W0011", Warning, "call paths or methods that no proxy enforces";
    MeshOnlyRule = "W0012", Warning, "a rule on the mesh's routes, in force for an app outside the mesh";
    RuleNeverDenies = "W0013", Warning, "a rule that can never deny anything";
    MemoryVolumeFillsLimit = "W0015", Warning, "a memory-backed volume as large as the memory limit";
    SystemPriority = "W0016", Warning, "an app workload with a system priority class";
    PartitionHoldsEveryPod = "W0017", Warning, "a StatefulSet partition that holds back every pod";
    LoadBalancerOpen = "W0018", Warning, "a load balancer open to every address";
    PatchWeakens = "W0020", Warning, "patch turns off hardening that no rule in force requires";
    HostReused = "W0035", Warning, "several environments serve one public host";
}

impl Code {
    /// Looks a code up by its printed form, case-insensitively (`e0004` works).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
